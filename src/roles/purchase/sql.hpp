// Small helpers over store::Statement for the purchase engines (private to the library).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::purchase::sql {

inline void bind_one(store::Statement& s, int i, std::int64_t v) { s.bind(i, v); }
inline void bind_one(store::Statement& s, int i, int v) { s.bind(i, static_cast<std::int64_t>(v)); }
inline void bind_one(store::Statement& s, int i, std::string_view v) { s.bind(i, v); }
inline void bind_one(store::Statement& s, int i, const std::string& v) { s.bind(i, std::string_view(v)); }
inline void bind_one(store::Statement& s, int i, const char* v) { s.bind(i, std::string_view(v)); }
inline void bind_one(store::Statement& s, int i, ByteView v) { s.bind(i, v); }
inline void bind_one(store::Statement& s, int i, const Bytes& v) { s.bind(i, ByteView(v)); }
inline void bind_one(store::Statement& s, int i, std::nullptr_t) { s.bind_null(i); }
template <class T>
void bind_one(store::Statement& s, int i, const std::optional<T>& v) {
  if (v) bind_one(s, i, *v);
  else s.bind_null(i);
}

template <class... A>
Result<store::Statement> prepare(store::Database& db, std::string_view text, const A&... args) {
  OPENSET_TRY(store::Statement s, db.prepare(text));
  int i = 1;
  (bind_one(s, i++, args), ...);
  return s;
}

// Runs a statement to completion.
template <class... A>
Status exec(store::Database& db, std::string_view text, const A&... args) {
  OPENSET_TRY(store::Statement s, prepare(db, text, args...));
  return s.run();
}

// The first column of the first row as int64 (nullopt if no row).
template <class... A>
Result<std::optional<std::int64_t>> scalar(store::Database& db, std::string_view text,
                                           const A&... args) {
  OPENSET_TRY(store::Statement s, prepare(db, text, args...));
  OPENSET_TRY(bool row, s.step());
  if (!row || s.column_is_null(0)) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{s.column_int64(0)};
}

inline std::optional<std::int64_t> opt_int(const store::Statement& s, int col) {
  if (s.column_is_null(col)) return std::nullopt;
  return s.column_int64(col);
}

}  // namespace openset::roles::purchase::sql
