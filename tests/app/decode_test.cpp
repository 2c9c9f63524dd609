// `openset decode`: bad input gets a clear error and a non-zero exit, never a crash.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "openset/app/commands.hpp"
#include "openset/base/bytes.hpp"

namespace openset::app {
namespace {

int decode(const std::string& bytes, std::string* out_text, std::string* err_text,
           DecodeOptions o = {}) {
  std::ostringstream out, err;
  int code = decode_bytes(bytes, o, out, err);
  *out_text = out.str();
  *err_text = err.str();
  return code;
}

std::string unhex(std::string_view h) {
  auto b = from_hex(h);
  return std::string(b->begin(), b->end());
}

TEST(Decode, DigestedDataIsNamedWithItsFields) {
  std::string out, err;
  std::string dd = unhex(
      "302c020100300906052b0e03021a050030060604672a00030414abababababababababababababababababababab");
  ASSERT_EQ(decode(dd, &out, &err), kExitOk) << err;
  EXPECT_NE(out.find("DigestedData"), std::string::npos) << out;
  EXPECT_NE(out.find("id-set-content-OIData"), std::string::npos) << out;
  EXPECT_NE(out.find("id-sha1"), std::string::npos) << out;
}

TEST(Decode, JsonOutputParsesAsJson) {
  std::string out, err;
  DecodeOptions o;
  o.json = true;
  std::string dd = unhex(
      "302c020100300906052b0e03021a050030060604672a00030414abababababababababababababababababababab");
  ASSERT_EQ(decode(dd, &out, &err, o), kExitOk) << err;
  EXPECT_EQ(out.front(), '{');
  EXPECT_NE(out.find("\"DigestedData\""), std::string::npos) << out;
}

TEST(Decode, TruncatedInputFailsWithOffset) {
  std::string out, err;
  EXPECT_EQ(decode(unhex("3005020101"), &out, &err), kExitFailure);
  EXPECT_NE(err.find("offset"), std::string::npos) << err;
}

TEST(Decode, IndefiniteLengthIsRefusedAsNotDer) {
  std::string out, err;
  EXPECT_EQ(decode(unhex("308002010100 00"), &out, &err), kExitFailure);
  EXPECT_NE(err.find("not DER"), std::string::npos) << err;
}

TEST(Decode, EmptyInputSaysWhatToDo) {
  std::string out, err;
  EXPECT_EQ(decode("", &out, &err), kExitFailure);
  EXPECT_NE(err.find("empty"), std::string::npos);
}

TEST(Decode, UnknownForcedTypeListsKnownTypes) {
  std::string out, err;
  DecodeOptions o;
  o.type = "NoSuchType";
  EXPECT_EQ(decode(unhex("3000"), &out, &err, o), kExitUsage);
  EXPECT_NE(err.find("PIData"), std::string::npos) << err;
}

TEST(Decode, MissingFileSaysSo) {
  DecodeOptions o;
  o.file = "/nonexistent/file.der";
  std::ostringstream out, err;
  EXPECT_EQ(run_decode(o, out, err), kExitFailure);
  EXPECT_NE(err.str().find("cannot open"), std::string::npos);
}

TEST(Decode, PemInputIsUnwrapped) {
  std::string out, err;
  // base64 of 30 03 02 01 05
  EXPECT_EQ(decode("-----BEGIN X-----\nMAMCAQU=\n-----END X-----\n", &out, &err), kExitOk) << err;
  EXPECT_NE(out.find("INTEGER"), std::string::npos) << out;
}

TEST(Decode, RandomBytesNeverCrash) {
  std::string out, err;
  std::uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(x % 64);
    for (int k = 0; k < n; ++k) {
      x = x * 1103515245u + 12345u;
      s.push_back(static_cast<char>(x >> 24));
    }
    int code = decode(s, &out, &err);
    EXPECT_TRUE(code == kExitOk || code == kExitFailure);
  }
}

}  // namespace
}  // namespace openset::app
