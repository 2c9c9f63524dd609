#include "openset/asn1/real.hpp"

#include <cmath>
#include <cstdint>
#include <string>

namespace openset::asn1 {

Bytes encode_real(double v) {
  if (std::isnan(v)) return Bytes{0x42};
  if (std::isinf(v)) return Bytes{static_cast<std::uint8_t>(v > 0 ? 0x40 : 0x41)};
  if (v == 0.0) return {};  // X.690 §8.5.2 (a negative zero is written as zero)
  bool negative = std::signbit(v);
  int e2 = 0;
  double frac = std::frexp(std::fabs(v), &e2);  // |v| = frac * 2^e2, frac in [0.5, 1)
  auto mantissa = static_cast<std::uint64_t>(std::ldexp(frac, 53));
  std::int64_t exponent = std::int64_t{e2} - 53;
  while ((mantissa & 1u) == 0) {  // X.690 §11.3.1: M odd
    mantissa >>= 1;
    ++exponent;
  }
  Bytes exp_octets = der::int64_content(exponent);  // fewest two's-complement octets
  Bytes out;
  std::uint8_t first = 0x80;
  if (negative) first |= 0x40;
  if (exp_octets.size() <= 3) {
    first |= static_cast<std::uint8_t>(exp_octets.size() - 1);
    out.push_back(first);
  } else {
    first |= 0x03;
    out.push_back(first);
    out.push_back(static_cast<std::uint8_t>(exp_octets.size()));
  }
  out.insert(out.end(), exp_octets.begin(), exp_octets.end());
  Bytes n;
  while (mantissa != 0) {
    n.insert(n.begin(), static_cast<std::uint8_t>(mantissa & 0xffu));
    mantissa >>= 8;
  }
  out.insert(out.end(), n.begin(), n.end());
  return out;
}

Result<double> decode_real(ByteView c, std::size_t offset) {
  if (c.empty()) return 0.0;
  std::uint8_t first = c[0];
  if ((first & 0x80) == 0) {
    if ((first & 0x40) == 0)
      return Error(Errc::kConstraint, "REAL in decimal form; FloatingPoint requires base 2", offset);
    if (first <= 0x43)
      return Error(Errc::kConstraint,
                   "REAL special value (infinity, NaN or -0); FloatingPoint requires a base-2 value",
                   offset);
    return Error(Errc::kMalformed, "REAL first content octet is reserved", offset);
  }
  if ((first & 0x30) != 0)
    return Error(Errc::kConstraint, "REAL base is not 2; FloatingPoint requires base 2", offset);
  std::size_t at = 1;
  std::size_t exp_len = (first & 0x03u) + 1u;
  if ((first & 0x03u) == 3) {
    if (c.size() < 2) return Error(Errc::kTruncated, "REAL exponent length missing", offset);
    exp_len = c[1];
    at = 2;
    if (exp_len == 0) return Error(Errc::kMalformed, "REAL exponent has no octets", offset);
  }
  if (exp_len > 8) return Error(Errc::kLimit, "REAL exponent wider than 64 bits", offset);
  if (c.size() < at + exp_len + 1)
    return Error(Errc::kTruncated, "REAL exponent or mantissa truncated", offset);
  std::uint64_t ue = (c[at] & 0x80) ? ~std::uint64_t{0} : 0;
  for (std::size_t i = 0; i < exp_len; ++i) ue = (ue << 8) | c[at + i];
  auto exponent = static_cast<std::int64_t>(ue);
  at += exp_len;
  std::size_t n_len = c.size() - at;
  if (n_len > 8) return Error(Errc::kLimit, "REAL mantissa wider than 64 bits", offset + at);
  std::uint64_t mantissa = 0;
  for (std::size_t i = at; i < c.size(); ++i) mantissa = (mantissa << 8) | c[i];
  unsigned scale = (first >> 2) & 0x03u;
  if (mantissa > (std::uint64_t{1} << 53))
    return Error(Errc::kLimit, "REAL mantissa exceeds double precision", offset + at);
  if (exponent < -1200 || exponent > 1200)
    return Error(Errc::kLimit, "REAL exponent out of the double range", offset + 1);
  double v = std::ldexp(static_cast<double>(mantissa),
                        static_cast<int>(exponent) + static_cast<int>(scale));
  if ((first & 0x40) != 0) v = -v;
  // DER: F = 0, M odd, exponent and mantissa minimal, and exactly representable. Anything else
  // re-encodes differently.
  if (!std::isfinite(v) || v == 0.0 || encode_real(v) != Bytes(c.begin(), c.end()))
    return Error(Errc::kNotDer, "REAL not in DER form (X.690 §11.3.1)", offset);
  return v;
}

namespace spec {

Status Real::decode(der::Reader& r, double& v) const {
  OPENSET_TRY(der::Element e, r.read_element(tag));
  OPENSET_TRY(v, decode_real(e.content, e.content_offset));
  return Ok{};
}

const TypeNode* Real::node() const {
  TypeNode n;
  n.kind = Kind::kReal;
  n.name = std::string(name);
  n.tag = tag;
  return intern(std::move(n));
}

}  // namespace spec
}  // namespace openset::asn1
