// Shared helpers for the crypto tests: RSA keys generated once per test binary, hex literals,
// temporary files and the `openssl` command line tool for cross-checks.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/crypto/crypto.hpp"

namespace openset::crypto::testing {

// Hex literal (spaces allowed); aborts on bad hex (test-authoring error).
Bytes hex(std::string_view h);

// Keys, generated on first use and kept for the life of the test binary.
const PrivateKey& rsa1024();    // set1 end entity (key exchange)
const PrivateKey& rsa1024b();   // a second one: the "wrong recipient"
const PrivateKey& rsa2048();    // modern end entity; also the set1 CA size
const PrivateKey& rsa2048b();
const PrivateKey& rsa3072();    // modern CA size

// The `openssl` command line tool.
bool have_openssl_cli();
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
CommandResult run(const std::string& command);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path file(std::string_view name) const { return path_ / std::string(name); }
  // The path quoted for a shell command line.
  std::string q(std::string_view name) const { return "'" + file(name).string() + "'"; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, ByteView data);
Bytes read_file(const std::filesystem::path& p);

}  // namespace openset::crypto::testing

// Skips the current test when the `openssl` tool is not on PATH.
#define OPENSET_REQUIRE_OPENSSL_CLI()                                        \
  do {                                                                       \
    if (!::openset::crypto::testing::have_openssl_cli())                     \
      GTEST_SKIP() << "the openssl command line tool is not on PATH";        \
  } while (0)
