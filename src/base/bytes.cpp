#include "openset/base/bytes.hpp"

#include <string>

#include "openset/base/result.hpp"

namespace openset {

std::string_view errc_name(Errc e) noexcept {
  switch (e) {
    case Errc::kTruncated: return "truncated";
    case Errc::kMalformed: return "malformed";
    case Errc::kNotDer: return "not DER";
    case Errc::kLimit: return "limit exceeded";
    case Errc::kConstraint: return "constraint violated";
    case Errc::kUnsupported: return "unsupported";
    case Errc::kPolicy: return "refused by policy";
    case Errc::kCrypto: return "crypto failure";
    case Errc::kSignature: return "signature failure";
    case Errc::kDecrypt: return "decryption failure";
    case Errc::kDigestMismatch: return "digest mismatch";
    case Errc::kInvalidArgument: return "invalid argument";
    case Errc::kIo: return "I/O error";
  }
  return "error";
}

std::string Error::to_string() const {
  std::string s(errc_name(code));
  s += ": ";
  s += message;
  if (has_offset()) {
    s += " (at offset ";
    s += std::to_string(offset);
    s += ")";
  }
  return s;
}

Error& Error::prefix(std::string_view where) {
  std::string m(where);
  m += ": ";
  m += message;
  message = std::move(m);
  return *this;
}

std::string to_hex(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Bytes> from_hex(std::string_view hex) {
  Bytes out;
  out.reserve(hex.size() / 2);
  int hi = -1;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    if (c == ' ' || c == ':' || c == '\n' || c == '\r' || c == '\t') continue;
    int v = hex_digit(c);
    if (v < 0) return make_error(Errc::kInvalidArgument, "not a hex digit", i);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((hi << 4) | v));
      hi = -1;
    }
  }
  if (hi >= 0) return make_error(Errc::kInvalidArgument, "odd number of hex digits");
  return out;
}

bool ct_equal(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) return false;
  volatile std::uint8_t acc = 0;
  for (std::size_t i = 0; i < a.size(); ++i) acc = static_cast<std::uint8_t>(acc | (a[i] ^ b[i]));
  return acc == 0;
}

void secure_wipe(void* p, std::size_t n) noexcept {
  volatile std::uint8_t* q = static_cast<volatile std::uint8_t*>(p);
  while (n--) *q++ = 0;
}

}  // namespace openset
