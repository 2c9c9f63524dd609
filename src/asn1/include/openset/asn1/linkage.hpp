// SetPKCS7Plus's parameterised linkage type and the dual signature's to-be-signed content.
//
//   L { T1, T2 } ::= SEQUENCE { t1 T1, t2 DD { T2 } }     -- Linkage from t1 to t2
//   PI-TBS ::= SEQUENCE { hPIData HPIData, hOIData HOIData }   -- HPIData ::= DD{PIData} ...
//
// The 1997 ASN.1 uses X.683 parameterisation; we hand-expand it (notes Appendix D): an L is
// instantiated with its first component's C++ type and the Book 3 name of the instance.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"

namespace openset::asn1 {

// A string usable as a template argument (the ASN.1 name of an instantiated parameterised type).
template <std::size_t N>
struct TypeName {
  char chars[N]{};
  constexpr TypeName(const char (&s)[N]) { std::copy_n(s, N, chars); }  // NOLINT(implicit)
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

// L { T1, T2 }: T1 in full, T2 only as a detached digest (DD). The t1 component is kept as the
// decoded value; receivers that must hash or verify t1 take its bytes from the enclosing
// encoding (see seal), never from a re-encoding.
template <Described T1, TypeName Name>
struct L {
  static constexpr std::string_view kName = Name.view();
  T1 t1;
  DigestedData t2;
  template <class V>
  void describe(V& v) {
    v(t1, "t1");
    v(t2, "t2");
  }
};

// L with an open first component, for generic code (seal) that handles t1 as raw DER.
template <TypeName Name>
struct LRaw {
  static constexpr std::string_view kName = Name.view();
  Bytes t1;  // complete TLV
  DigestedData t2;
  template <class V>
  void describe(V& v) {
    v(t1, "t1", spec::Any{});
    v(t2, "t2");
  }
};

// PI-TBS ::= SEQUENCE { hPIData HPIData, hOIData HOIData }  (SetPayMsgs; content type 2.23.42.0.13)
// What the cardholder's dual signature (PISignature ::= SO{C, PI-TBS}) covers.
struct PI_TBS {
  static constexpr std::string_view kName = "PI-TBS";
  DigestedData h_pi_data;  // DD{PIData}
  DigestedData h_oi_data;  // DD{OIData}
  template <class V>
  void describe(V& v) {
    v(h_pi_data, "hPIData");
    v(h_oi_data, "hOIData");
  }
};

}  // namespace openset::asn1
