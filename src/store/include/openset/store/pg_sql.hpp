// The translation of the SQLite dialect the engines write into PostgreSQL's (src/store/README.md,
// "SQL translation"). Exposed for the tests; the engines never call it.
#pragma once

#include <string>
#include <string_view>

namespace openset::store::detail {

struct PgSql {
  std::string text;     // PostgreSQL SQL ($1..$n placeholders)
  int parameters = 0;   // the highest parameter number used
};

// Rules, applied outside string literals, quoted identifiers and comments:
//   ?  and ?NNN                        -> $n (a bare ? takes the highest number so far plus one)
//   INTEGER PRIMARY KEY [AUTOINCREMENT] -> BIGSERIAL PRIMARY KEY (SQLite assigns a missing key)
//   INTEGER                            -> BIGINT
//   BLOB                               -> BYTEA
//   x'0a1b' (blob literal)             -> '\x0a1b'::bytea
//   INSERT OR IGNORE INTO ...          -> INSERT INTO ... ON CONFLICT DO NOTHING
//   PRAGMA ...                         -> (dropped)
//   CREATE TABLE t (...)               -> CREATE TABLE t (..., rowid BIGSERIAL): SQLite's implicit
//                                         rowid (insertion order), used as an ORDER BY tie-break
PgSql translate_for_postgres(std::string_view sqlite_sql);

}  // namespace openset::store::detail
