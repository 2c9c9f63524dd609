// Fuzzes `openset decode`'s printer (printer.hpp): arbitrary bytes through print_text and
// print_json, strict and best effort, detected and forced types.
//
// Properties (a violation is a crash, __builtin_trap):
//  * no crash, no sanitizer report, no unbounded recursion on any input;
//  * a strict refusal carries an offset inside the input (or is the unknown-type error);
//  * best effort never fails; whenever strict printing succeeds it prints exactly the same
//    text, and whenever strict printing fails its JSON carries an "error" member;
//  * the JSON output serialises (valid UTF-8) and agrees with the text on success/failure.
#include <cstddef>
#include <cstdint>
#include <string>

#include "openset/asn1/printer.hpp"
#include "openset/asn1/registry.hpp"

namespace {

using openset::ByteView;
namespace a = openset::asn1;

void check(ByteView input, a::PrintOptions o) {
  o.best_effort = false;
  auto strict = a::print_text(input, o);
  auto strict_json = a::print_json(input, o);
  if (strict.ok() != strict_json.ok()) __builtin_trap();
  if (!strict.ok() && strict.error().has_offset() && strict.error().offset > input.size())
    __builtin_trap();
  if (strict_json.ok()) (void)strict_json->dump();

  o.best_effort = true;
  auto lenient = a::print_text(input, o);
  if (!lenient.ok()) __builtin_trap();
  if (strict.ok()) {
    if (*strict != *lenient) __builtin_trap();
    return;  // the JSON path was exercised above
  }
  auto lenient_json = a::print_json(input, o);
  if (!lenient_json.ok() || !lenient_json->contains("error")) __builtin_trap();
  (void)lenient_json->dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first octet picks a forced type (or none); the rest is the DER.
  const auto& types = a::registered_types();
  std::size_t pick = data[0];
  const ByteView input(data + 1, size - 1);
  a::PrintOptions o;
  o.max_hex = 8;
  check(input, o);  // detection
  if (pick < types.size()) {
    o.type = std::string(types[pick].name);
    o.full = (pick & 1) != 0;
    check(input, o);  // forced
  }
  return 0;
}
