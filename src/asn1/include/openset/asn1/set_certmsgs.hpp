// Module SetCertMsgs { joint-iso-itu-t(2) internationalRA(23) set(42) module(6) 1 }
// DEFINITIONS IMPLICIT TAGS (set-1.asn1 lines 371-729; notes §5).
//
// Only the account-data parameters that travel in OAEP blocks are typed here (PANOnly for
// RegFormReq, AcctInfo for CertReq); the certificate-management messages themselves are the
// certificate-management work's (carried as raw DER in the Message CHOICE until then).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "openset/asn1/set_message.hpp"

namespace openset::asn1 {

inline constexpr std::size_t ub_acctIdentification = 74;  // line 718

// PANOnly ::= SEQUENCE { pan PAN, exNonce Nonce }                                 (lines 561-564)
struct PANOnly {
  static constexpr std::string_view kName = "PANOnly";
  std::string pan;
  Bytes ex_nonce;
  template <class V>
  void describe(V& v) {
    v(pan, "pan", spec::PAN());
    v(ex_nonce, "exNonce", spec::Nonce());
  }
  bool operator==(const PANOnly&) const = default;
};

namespace spec {
// AcctIdentification ::= VisibleString (SIZE(ub-acctIdentification))             (line 411)
// Taken as written: exactly 74 characters (see docs/conformance.md, open questions).
inline Str AcctIdentification() {
  return Str{.type = der::tags::kVisibleString,
             .size = {ub_acctIdentification, ub_acctIdentification},
             .name = "AcctIdentification"};
}
}  // namespace spec

// AcctData ::= SEQUENCE { acctIdentification AcctIdentification, exNonce Nonce }  (lines 406-409)
struct AcctData {
  static constexpr std::string_view kName = "AcctData";
  std::string acct_identification;
  Bytes ex_nonce;
  template <class V>
  void describe(V& v) {
    v(acct_identification, "acctIdentification", spec::AcctIdentification());
    v(ex_nonce, "exNonce", spec::Nonce());
  }
  bool operator==(const AcctData&) const = default;
};

// AcctInfo ::= CHOICE {                                                           (lines 401-404)
//    panData0  [0] EXPLICIT PANData0,
//    acctData  [1] EXPLICIT AcctData }
struct AcctInfo {
  static constexpr std::string_view kName = "AcctInfo";
  static constexpr bool kIsChoice = true;
  std::variant<PANData0, AcctData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "panData0", explicit_(0, spec::Seq<PANData0>{}));
    v.template alt<1>(value, "acctData", explicit_(1, spec::Seq<AcctData>{}));
  }
  bool operator==(const AcctInfo&) const = default;
};

}  // namespace openset::asn1
