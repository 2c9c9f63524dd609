// `openset decode [FILE]`: any DER as an indented tree (or JSON), naming SET types and fields.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "openset/app/commands.hpp"
#include "openset/asn1/printer.hpp"
#include "openset/asn1/registry.hpp"
#include "openset/base/bytes.hpp"

namespace openset::app {
namespace {

// Base64 (RFC 4648) decoding that skips whitespace; used for PEM bodies.
Result<Bytes> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  bool padding = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = value(c);
    if (v < 0 || padding)
      return Error(Errc::kMalformed, "not base64 (character " + std::to_string(i) + ")");
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xffu));
    }
  }
  return out;
}

// PEM: the first "-----BEGIN ...-----" block's body; or bare base64.
Result<Bytes> from_pem(const std::string& text) {
  auto begin = text.find("-----BEGIN");
  if (begin == std::string::npos) return base64_decode(text);
  auto body = text.find('\n', begin);
  auto end = text.find("-----END", begin);
  if (body == std::string::npos || end == std::string::npos || end < body)
    return Error(Errc::kMalformed, "PEM block has no END line");
  return base64_decode(std::string_view(text).substr(body, end - body));
}

}  // namespace

int decode_bytes(const std::string& input, const DecodeOptions& opts, std::ostream& out,
                 std::ostream& err) {
  Bytes der;
  if (opts.pem || input.rfind("-----BEGIN", 0) == 0) {
    auto pem = from_pem(input);
    if (!pem.ok()) {
      err << "openset decode: " << pem.error().to_string() << "\n";
      return kExitFailure;
    }
    der = std::move(pem).value();
  } else {
    der = to_bytes(std::string_view(input));
  }
  if (der.empty()) {
    err << "openset decode: the input is empty; give a DER file or pipe one in\n";
    return kExitFailure;
  }
  if (!opts.type.empty() && asn1::find_type(opts.type) == nullptr) {
    err << "openset decode: unknown type '" << opts.type << "'. Known types:";
    for (const auto& t : asn1::registered_types()) err << " " << t.name;
    err << "\n";
    return kExitUsage;
  }

  asn1::PrintOptions po;
  po.type = opts.type;
  po.best_effort = opts.best_effort;
  po.full = opts.full;

  if (opts.json) {
    auto j = asn1::print_json(der, po);
    if (!j.ok()) {
      err << "openset decode: " << j.error().to_string() << "\n";
      return kExitFailure;
    }
    out << j->dump(2) << "\n";
    return j->contains("error") ? kExitFailure : kExitOk;
  }
  auto text = asn1::print_text(der, po);
  if (!text.ok()) {
    err << "openset decode: " << text.error().to_string() << "\n"
        << "(use --best-effort to print what parsed before the fault)\n";
    return kExitFailure;
  }
  out << *text;
  if (text->find("\nerror:") != std::string::npos || text->rfind("error:", 0) == 0)
    return kExitFailure;
  return kExitOk;
}

namespace {
// Reads a whole stream in blocks (istreambuf_iterator trips GCC 12's -Wnull-dereference at -O3).
std::string read_all(std::istream& in) {
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    data.append(buf, static_cast<std::size_t>(in.gcount()));
  return data;
}
}  // namespace

int run_decode(const DecodeOptions& opts, std::ostream& out, std::ostream& err) {
  std::string input;
  if (opts.file.empty() || opts.file == "-") {
    input = read_all(std::cin);
  } else {
    std::ifstream f(opts.file, std::ios::binary);
    if (!f) {
      err << "openset decode: cannot open '" << opts.file << "': check the path\n";
      return kExitFailure;
    }
    input = read_all(f);
  }
  return decode_bytes(input, opts, out, err);
}

}  // namespace openset::app
