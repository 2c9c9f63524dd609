#include "openset/app/files.hpp"

#include "openset/services/config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace openset::app::files {

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Errc::kIo, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Bytes> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Errc::kIo, "cannot read " + path);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

Status create(const std::string& path, std::string_view data, mode_t mode) {
  return services::create_file(path, data, mode);
}

Status write(const std::string& path, ByteView data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Error(Errc::kIo, "cannot write " + path);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!f) return Error(Errc::kIo, "write failed: " + path);
  return Ok{};
}

Result<std::string> passphrase(const std::string& passphrase_file) {
  std::string p;
  if (!passphrase_file.empty()) {
    OPENSET_TRY(std::string text, read_text(passphrase_file));
    p = text.substr(0, text.find('\n'));
    if (!p.empty() && p.back() == '\r') p.pop_back();
  } else if (const char* env = std::getenv("OPENSET_PASSPHRASE"); env != nullptr) {
    p = env;
  } else {
    return Error(Errc::kInvalidArgument,
                 "no passphrase: give --passphrase-file FILE or set OPENSET_PASSPHRASE");
  }
  if (p.empty()) return Error(Errc::kInvalidArgument, "the passphrase is empty; choose a non-empty passphrase");
  return p;
}

}  // namespace openset::app::files
