// REAL in DER (X.690 §8.5, §11.3), for SetPayMsgs' FloatingPoint:
//
//   FloatingPoint ::= REAL (WITH COMPONENTS {..., base (2)})      (set-1.asn1 line 1874)
//
// DER form of a base-2 REAL: zero has no content octets; otherwise binary encoding
// (first octet 1 S 00 00 EE: sign, base 2, scale factor F = 0, exponent length), the exponent in
// the fewest two's-complement octets, then the mantissa N in the fewest octets with N odd.
// A decimal encoding or a special value (PLUS-INFINITY, MINUS-INFINITY, NOT-A-NUMBER, -0) is not
// a base-2 value and is refused with Errc::kConstraint; a mantissa wider than a double's 53
// bits is refused with Errc::kLimit (it could not be re-encoded unchanged).
#pragma once

#include <cstddef>
#include <string_view>

#include "openset/asn1/schema.hpp"

namespace openset::asn1 {

// DER content octets of a finite double (zero -> empty). Non-finite values are encoded as the
// X.690 special values so nothing is lost, although decode_real refuses them.
Bytes encode_real(double v);
// Parses REAL content octets (at absolute `offset`) that satisfy FloatingPoint in DER form.
Result<double> decode_real(ByteView content, std::size_t offset);

namespace spec {

struct Real {
  using value_type = double;
  std::string_view name = "REAL";
  der::Tag tag = der::tags::kReal;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const double& v) const { w.add_element(tag, encode_real(v)); }
  Status decode(der::Reader& r, double& v) const;
  const TypeNode* node() const;
};

// FloatingPoint ::= REAL (WITH COMPONENTS {..., base (2)})
inline Real FloatingPoint() { return Real{.name = "FloatingPoint"}; }

}  // namespace spec
}  // namespace openset::asn1
