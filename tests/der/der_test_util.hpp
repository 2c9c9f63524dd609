// Helpers shared by the DER tests: hex literals and precise error assertions.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/der/der.hpp"

namespace openset::der::testing {

// Hex with optional spaces ("30 03 02 01 05").
inline Bytes hex(std::string_view h) {
  auto r = from_hex(h);
  if (!r.ok()) ADD_FAILURE() << "bad hex literal in test: " << h;
  return r.ok() ? *r : Bytes{};
}

inline std::string hexof(ByteView v) { return to_hex(v); }

inline ::testing::AssertionResult error_is(const Error& e, Errc code, std::size_t offset) {
  if (e.code == code && e.offset == offset) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << errc_name(code) << " at offset " << offset << ", got "
         << e.to_string();
}

// Asserts that a Result failed with exactly this class at exactly this offset.
template <class T>
::testing::AssertionResult Fails(const Result<T>& r, Errc code, std::size_t offset) {
  if (r.ok()) {
    return ::testing::AssertionFailure()
           << "expected " << errc_name(code) << " at offset " << offset << ", but it succeeded";
  }
  return error_is(r.error(), code, offset);
}

// A Reader over a hex literal that keeps the bytes alive.
struct HexReader {
  Bytes bytes;
  Reader reader;
  explicit HexReader(std::string_view h, Limits limits = {}) : bytes(hex(h)), reader(bytes, limits) {}
  HexReader(const HexReader&) = delete;
  HexReader& operator=(const HexReader&) = delete;
};

}  // namespace openset::der::testing
