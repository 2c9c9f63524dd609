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
#include "openset/crypto/x509.hpp"

namespace openset::app {
using crypto::from_pem;

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
