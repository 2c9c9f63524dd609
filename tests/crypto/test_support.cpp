#include "test_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

#include <sys/wait.h>
#include <unistd.h>

namespace openset::crypto::testing {

Bytes hex(std::string_view h) {
  auto r = from_hex(h);
  if (!r.ok()) {
    std::fprintf(stderr, "bad hex literal in test: %s\n", r.error().to_string().c_str());
    std::abort();
  }
  return std::move(r).value();
}

namespace {

PrivateKey make_key(unsigned bits) {
  auto k = PrivateKey::generate_rsa(bits);
  if (!k.ok()) {
    std::fprintf(stderr, "test key generation failed: %s\n", k.error().to_string().c_str());
    std::abort();
  }
  return std::move(k).value();
}

}  // namespace

const PrivateKey& rsa1024() {
  static const PrivateKey k = make_key(1024);
  return k;
}
const PrivateKey& rsa1024b() {
  static const PrivateKey k = make_key(1024);
  return k;
}
const PrivateKey& rsa2048() {
  static const PrivateKey k = make_key(2048);
  return k;
}
const PrivateKey& rsa2048b() {
  static const PrivateKey k = make_key(2048);
  return k;
}
const PrivateKey& rsa3072() {
  static const PrivateKey k = make_key(3072);
  return k;
}

bool have_openssl_cli() {
  static const bool have = std::system("openssl version >/dev/null 2>&1") == 0;
  return have;
}

CommandResult run(const std::string& command) {
  CommandResult r;
  const std::string full = command + " 2>&1";
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "openset-crypto-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path& p, ByteView data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace openset::crypto::testing
