// Module SetCertMsgs { joint-iso-itu-t(2) internationalRA(23) set(42) module(6) 1 }
// DEFINITIONS IMPLICIT TAGS (set-1.asn1 lines 371-729; notes §5.1-§5.5).
//
// Every type of the module: the certificate-management payload components (AcctInfo, IDData,
// RequestType, the registration form and referral), the initiation pairs (CardCInitReq/Res,
// Me-AqCInitReq/Res), the registration-form pair (RegFormReq/Res), the certificate request
// and response (CertReq/Res, CertStatus) and the inquiry pair (CertInqReq/Res).
//
// Parameterised wrappers are hand-expanded as in set_paymsgs.hpp (notes §2.2):
//   S{}          -> SignedData      CardCInitRes, Me-AqCInitRes, RegFormRes, CertInqReq,
//                                   CertReqTBE, CertResTBE, CertRes.certResTBS
//   SO{}         -> SignedData      CertReqTBEX.s
//   EXH{}, Enc{}, EncX{} -> EnvelopedData   RegFormReq, CertReq.enc, CertReq.encx
//   EncK{}       -> EncryptedData   CertRes.certResTBSK
//   L{T1, T2}    -> L<T1, "Name">   RegFormReqTBE
// Their content-present/absent and single-recipient constraints are checked by the seal layer
// (docs/departures.md D-3).
//
// Tagging: IMPLICIT TAGS, so a bare [n] is implicit(). Every tag the text puts over a CHOICE or
// an open type (CertReqData.idData, AcctInfo, the BrandCRLIdentifiers, Thumbs, CertThumb,
// BackKeyData, PublicKeySorE's keys, CertReq, CertRes) is written EXPLICIT in set-1.asn1, and
// is explicit_() here; RegFormOrReferral, IDData and FieldValue are used untagged. The WITH
// COMPONENTS constraints of ReferralData and PublicKeySorE ("at least one present") are checked
// after decoding through check_components() (schema.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message.hpp"

namespace openset::asn1 {

// Upper bounds of SETString{} types                                                (lines 718-726)
inline constexpr std::size_t ub_acctIdentification = 74;
inline constexpr std::size_t ub_cardholderMsg = 128;
inline constexpr std::size_t ub_eeMessage = 128;
inline constexpr std::size_t ub_FieldDesc = 200;
inline constexpr std::size_t ub_FieldList = 50;
inline constexpr std::size_t ub_FieldName = 128;
inline constexpr std::size_t ub_FieldValue = 128;
inline constexpr std::size_t ub_PolicyText = 20000;
inline constexpr std::size_t ub_Reason = 512;

// SETString instances of this module, named after their Book 3 type (or the SETString{ub-...}
// they instantiate when the ASN.1 gives no name).
using FieldName = SETString<ub_FieldName, "FieldName">;                 // line 625
using Reason = SETString<ub_Reason, "Reason">;                          // line 485
using PolicyText = SETString<ub_PolicyText, "PolicyText">;              // line 491
using FieldDesc = SETString<ub_FieldDesc, "SETString{ub-FieldDesc}">;    // RegField.fieldDesc
using FieldValueString = SETString<ub_FieldValue, "SETString{ub-FieldValue}">;
using EEMessage = SETString<ub_eeMessage, "SETString{ub-eeMessage}">;    // CertStatus.eeMessage
using CardholderMsg = SETString<ub_cardholderMsg, "SETString{ub-cardholderMsg}">;
using ItemReason = SETString<ub_Reason, "SETString{ub-Reason}">;         // FailedItem.itemReason

// =============================================================================================
// Certificate Management Payload Components                                    (lines 398-491)

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
// Taken as written: exactly 74 characters (see docs/departures.md D-10).
inline Str AcctIdentification() {
  return Str{.type = der::tags::kVisibleString,
             .size = {ub_acctIdentification, ub_acctIdentification},
             .name = "AcctIdentification"};
}
// AcquirerBusinessID ::= NumericString (SIZE(1..ub-acqBusinessID))                (line 428)
inline Str AcquirerBusinessID() {
  return Str{.type = der::tags::kNumericString, .size = {1, ub_acqBusinessID},
             .name = "AcquirerBusinessID"};
}
// regFormID INTEGER (0..MAX)  -- CA assigned identifier                    (lines 462, 610)
inline Integer RegFormID() { return Integer{.min = 0, .name = "INTEGER (0..MAX)"}; }
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

// MerchantAcquirerID ::= SEQUENCE {                                               (lines 418-421)
//    merchantBIN  BIN,
//    merchantID   MerchantID }    -- By prior agreement of Merchant/Acquirer
struct MerchantAcquirerID {
  static constexpr std::string_view kName = "MerchantAcquirerID";
  std::string merchant_bin;
  MerchantID merchant_id;
  template <class V>
  void describe(V& v) {
    v(merchant_bin, "merchantBIN", spec::BIN());
    v(merchant_id, "merchantID", spec::MerchantID());
  }
  bool operator==(const MerchantAcquirerID&) const = default;
};

// AcquirerID ::= SEQUENCE {                                                       (lines 423-426)
//    acquirerBIN         BIN,
//    acquirerBusinessID  AcquirerBusinessID  OPTIONAL }
struct AcquirerID {
  static constexpr std::string_view kName = "AcquirerID";
  std::string acquirer_bin;
  std::optional<std::string> acquirer_business_id;
  template <class V>
  void describe(V& v) {
    v(acquirer_bin, "acquirerBIN", spec::BIN());
    v(acquirer_business_id, "acquirerBusinessID", spec::AcquirerBusinessID());
  }
  bool operator==(const AcquirerID&) const = default;
};

// IDData ::= CHOICE {                      -- Merchants and Acquirers only        (lines 413-416)
//    merchantAcquirerID  [0] MerchantAcquirerID,
//    acquirerID          [1] AcquirerID }
struct IDData {
  static constexpr std::string_view kName = "IDData";
  static constexpr bool kIsChoice = true;
  std::variant<MerchantAcquirerID, AcquirerID> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "merchantAcquirerID", implicit(0, spec::Seq<MerchantAcquirerID>{}));
    v.template alt<1>(value, "acquirerID", implicit(1, spec::Seq<AcquirerID>{}));
  }
  bool operator==(const IDData&) const = default;
};

// RequestType ::= ENUMERATED { -- Indicates requestor and type of request        (lines 430-449)
// (2, 3, 11, 12 are reserved: commented out in the ASN.1, so refused by the decoder)
enum class RequestType : std::int64_t {
  kCardInitialSig = 1,
  kMerInitialSig = 4,
  kMerInitialEnc = 5,
  kMerInitialBoth = 6,
  kPgwyInitialSig = 7,
  kPgwyInitialEnc = 8,
  kPgwyInitialBoth = 9,
  kCardRenewalSig = 10,
  kMerRenewalSig = 13,
  kMerRenewalEnc = 14,
  kMerRenewalBoth = 15,
  kPgwyRenewalSig = 16,
  kPgwyRenewalEnc = 17,
  kPgwyRenewalBoth = 18,
};
namespace spec {
inline Enumerated<::openset::asn1::RequestType> RequestType() {
  return {.name = "RequestType",
          .named = {{1, "cardInitialSig"},  {4, "merInitialSig"},   {5, "merInitialEnc"},
                    {6, "merInitialBoth"},  {7, "pgwyInitialSig"},  {8, "pgwyInitialEnc"},
                    {9, "pgwyInitialBoth"}, {10, "cardRenewalSig"}, {13, "merRenewalSig"},
                    {14, "merRenewalEnc"},  {15, "merRenewalBoth"}, {16, "pgwyRenewalSig"},
                    {17, "pgwyRenewalEnc"}, {18, "pgwyRenewalBoth"}}};
}
}  // namespace spec

// RegField ::= SEQUENCE {                                                         (lines 470-477)
//    fieldId         [0] OBJECT IDENTIFIER  OPTIONAL,
//    fieldName       FieldName,
//    fieldDesc       [1] EXPLICIT SETString { ub-FieldDesc }  OPTIONAL,
//    fieldLen        INTEGER (1..ub-FieldValue) DEFAULT ub-FieldValue,
//    fieldRequired   [2] BOOLEAN DEFAULT FALSE,
//    fieldInvisible  [3] BOOLEAN DEFAULT FALSE }
struct RegField {
  static constexpr std::string_view kName = "RegField";
  std::optional<der::Oid> field_id;  // id-set-field-* (2.23.42.2.n, notes §6.8)
  FieldName field_name;
  std::optional<FieldDesc> field_desc;
  std::int64_t field_len = ub_FieldValue;
  bool field_required = false;
  bool field_invisible = false;
  template <class V>
  void describe(V& v) {
    v(field_id, "fieldId", implicit(0, spec::ObjectId{}));
    v(field_name, "fieldName", spec::Choice<FieldName>{});
    v(field_desc, "fieldDesc", explicit_(1, spec::Choice<FieldDesc>{}));
    v(field_len, "fieldLen",
      with_default(spec::Integer{.min = 1, .max = ub_FieldValue, .name = "INTEGER (1..ub-FieldValue)"},
                   std::int64_t{ub_FieldValue}));
    v(field_required, "fieldRequired", with_default(implicit(2, spec::Boolean{}), false));
    v(field_invisible, "fieldInvisible", with_default(implicit(3, spec::Boolean{}), false));
  }
  bool operator==(const RegField&) const = default;
};

namespace spec {
// RegFieldSeq ::= SEQUENCE SIZE(1..ub-FieldList) OF RegField                        (line 468)
inline SeqOf<Seq<::openset::asn1::RegField>> RegFieldSeq() {
  return {.size = {1, ub_FieldList}, .name = "RegFieldSeq"};
}
// ReferralURLSeq ::= SEQUENCE OF ReferralURL   -- Ordered by preference; ReferralURL ::= URL
inline SeqOf<Str> ReferralURLSeq() {
  Str url = URL();
  url.name = "ReferralURL";
  return {.elem = url, .name = "ReferralURLSeq"};
}
}  // namespace spec

// RegTemplate ::= SEQUENCE {                                                      (lines 461-466)
//    regFormID     INTEGER (0..MAX),    -- CA assigned identifier
//    brandLogoURL  [0] URL OPTIONAL,
//    cardLogoURL   [1] URL OPTIONAL,
//    regFieldSeq   RegFieldSeq  OPTIONAL }
struct RegTemplate {
  static constexpr std::string_view kName = "RegTemplate";
  std::int64_t reg_form_id = 0;
  std::optional<std::string> brand_logo_url;
  std::optional<std::string> card_logo_url;
  std::optional<std::vector<RegField>> reg_field_seq;
  template <class V>
  void describe(V& v) {
    v(reg_form_id, "regFormID", spec::RegFormID());
    v(brand_logo_url, "brandLogoURL", implicit(0, spec::URL()));
    v(card_logo_url, "cardLogoURL", implicit(1, spec::URL()));
    v(reg_field_seq, "regFieldSeq", spec::RegFieldSeq());
  }
  bool operator==(const RegTemplate&) const = default;
};

// RegFormData ::= SEQUENCE {                                                      (lines 456-459)
//    regTemplate  RegTemplate  OPTIONAL,
//    policy       PolicyText }
struct RegFormData {
  static constexpr std::string_view kName = "RegFormData";
  std::optional<RegTemplate> reg_template;
  PolicyText policy;
  template <class V>
  void describe(V& v) {
    v(reg_template, "regTemplate");
    v(policy, "policy", spec::Choice<PolicyText>{});
  }
  bool operator==(const RegFormData&) const = default;
};

// ReferralData ::= SEQUENCE {                                                     (lines 479-483)
//    reason          Reason  OPTIONAL,  -- Displayed on requestor's system
//    referralURLSeq  ReferralURLSeq  OPTIONAL
// } ( WITH COMPONENTS { ..., reason PRESENT } | WITH COMPONENTS { ..., referralURLSeq PRESENT } )
struct ReferralData {
  static constexpr std::string_view kName = "ReferralData";
  std::optional<Reason> reason;
  std::optional<std::vector<std::string>> referral_url_seq;
  template <class V>
  void describe(V& v) {
    v(reason, "reason", spec::Choice<Reason>{});
    v(referral_url_seq, "referralURLSeq", spec::ReferralURLSeq());
  }
  Status check_components(std::size_t at) const {
    if (!reason && !referral_url_seq)
      return Error(Errc::kConstraint, "ReferralData: reason or referralURLSeq must be present", at);
    return Ok{};
  }
  bool operator==(const ReferralData&) const = default;
};

// RegFormOrReferral ::= CHOICE {                                                  (lines 451-454)
//    regFormData   [0] RegFormData,
//    referralData  [1] ReferralData }
struct RegFormOrReferral {
  static constexpr std::string_view kName = "RegFormOrReferral";
  static constexpr bool kIsChoice = true;
  std::variant<RegFormData, ReferralData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "regFormData", implicit(0, spec::Seq<RegFormData>{}));
    v.template alt<1>(value, "referralData", implicit(1, spec::Seq<ReferralData>{}));
  }
  bool operator==(const RegFormOrReferral&) const = default;
};

// =============================================================================================
// Certificate Initialization Pair - Cardholder                                 (lines 493-513)

// CardCInitReq ::= SEQUENCE {
//    rrpid     RRPID,
//    lid-EE    LocalID,
//    chall-EE  Challenge,
//    brandID   BrandID,
//    thumbs    [0] EXPLICIT Thumbs  OPTIONAL }
struct CardCInitReq {
  static constexpr std::string_view kName = "CardCInitReq";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee;
  BrandID brand_id;
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee, "chall-EE", spec::Challenge());
    v(brand_id, "brandID", spec::BrandID());
    v(thumbs, "thumbs", explicit_(0, spec::Seq<Thumbs>{}));
  }
  bool operator==(const CardCInitReq&) const = default;
};

// CardCInitRes ::= S { CA, CardCInitResTBS }   -> SignedData (content type 2.23.42.0.42)  (line 503)
// CardCInitResTBS ::= SEQUENCE {
//    rrpid               RRPID,
//    lid-EE              LocalID,
//    chall-EE            Challenge,
//    lid-CA              LocalID  OPTIONAL,             -- untagged (notes §5.2)
//    caeThumb            [0] EXPLICIT CertThumb,
//    brandCRLIdentifier  [1] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    thumbs              [2] EXPLICIT Thumbs  OPTIONAL }
struct CardCInitResTBS {
  static constexpr std::string_view kName = "CardCInitResTBS";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee;
  std::optional<Bytes> lid_ca;
  CertThumb cae_thumb;
  std::optional<Bytes> brand_crl_identifier;  // raw TLV (D-5)
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee, "chall-EE", spec::Challenge());
    v(lid_ca, "lid-CA", spec::LocalID());
    v(cae_thumb, "caeThumb", explicit_(0, spec::Seq<CertThumb>{}));
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(1, spec::BrandCRLIdentifier()));
    v(thumbs, "thumbs", explicit_(2, spec::Seq<Thumbs>{}));
  }
  bool operator==(const CardCInitResTBS&) const = default;
};

// =============================================================================================
// Certificate Initialization Pair - Merchant or Payment Gateway                (lines 515-542)

// Me-AqCInitReq ::= SEQUENCE {
//    rrpid        RRPID,
//    lid-EE       LocalID,
//    chall-EE     Challenge,
//    requestType  RequestType,
//    idData       IDData,
//    brandID      BrandID,
//    language     Language,
//    thumbs       [0] EXPLICIT Thumbs  OPTIONAL }
struct MeAqCInitReq {
  static constexpr std::string_view kName = "Me-AqCInitReq";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee;
  RequestType request_type = RequestType::kMerInitialBoth;
  IDData id_data;
  BrandID brand_id;
  std::string language;
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee, "chall-EE", spec::Challenge());
    v(request_type, "requestType", spec::RequestType());
    v(id_data, "idData", spec::Choice<IDData>{});
    v(brand_id, "brandID", spec::BrandID());
    v(language, "language", spec::Language());
    v(thumbs, "thumbs", explicit_(0, spec::Seq<Thumbs>{}));
  }
  bool operator==(const MeAqCInitReq&) const = default;
};

// Me-AqCInitRes ::= S { CA, Me-AqCInitResTBS }   -> SignedData (content type 2.23.42.0.43)
// Me-AqCInitResTBS ::= SEQUENCE {
//    rrpid               RRPID,
//    lid-EE              LocalID,
//    chall-EE            Challenge,
//    lid-CA              [0] LocalID  OPTIONAL,
//    chall-CA            Challenge,
//    requestType         RequestType,
//    regFormOrReferral   RegFormOrReferral,
//    acctDataField       [1] RegField  OPTIONAL,
//    caeThumb            [2] EXPLICIT CertThumb,
//    brandCRLIdentifier  [3] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    thumbs              [4] EXPLICIT Thumbs  OPTIONAL }
struct MeAqCInitResTBS {
  static constexpr std::string_view kName = "Me-AqCInitResTBS";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee;
  std::optional<Bytes> lid_ca;
  Bytes chall_ca;
  RequestType request_type = RequestType::kMerInitialBoth;
  RegFormOrReferral reg_form_or_referral;
  std::optional<RegField> acct_data_field;
  CertThumb cae_thumb;
  std::optional<Bytes> brand_crl_identifier;  // raw TLV (D-5)
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee, "chall-EE", spec::Challenge());
    v(lid_ca, "lid-CA", implicit(0, spec::LocalID()));
    v(chall_ca, "chall-CA", spec::Challenge());
    v(request_type, "requestType", spec::RequestType());
    v(reg_form_or_referral, "regFormOrReferral", spec::Choice<RegFormOrReferral>{});
    v(acct_data_field, "acctDataField", implicit(1, spec::Seq<RegField>{}));
    v(cae_thumb, "caeThumb", explicit_(2, spec::Seq<CertThumb>{}));
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(3, spec::BrandCRLIdentifier()));
    v(thumbs, "thumbs", explicit_(4, spec::Seq<Thumbs>{}));
  }
  bool operator==(const MeAqCInitResTBS&) const = default;
};

// =============================================================================================
// Registration Form Pair - Cardholder Only                                     (lines 544-579)

// RegFormReq ::= EXH { CA, RegFormReqData, PANOnly }   -> EnvelopedData
// RegFormReqData ::= SEQUENCE {
//    rrpid        RRPID,
//    lid-EE       LocalID,
//    chall-EE2    Challenge,
//    lid-CA       [0] LocalID  OPTIONAL,
//    requestType  RequestType,
//    language     Language,
//    thumbs       [1] EXPLICIT Thumbs  OPTIONAL }
struct RegFormReqData {
  static constexpr std::string_view kName = "RegFormReqData";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee2;
  std::optional<Bytes> lid_ca;
  RequestType request_type = RequestType::kCardInitialSig;
  std::string language;
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee2, "chall-EE2", spec::Challenge());
    v(lid_ca, "lid-CA", implicit(0, spec::LocalID()));
    v(request_type, "requestType", spec::RequestType());
    v(language, "language", spec::Language());
    v(thumbs, "thumbs", explicit_(1, spec::Seq<Thumbs>{}));
  }
  bool operator==(const RegFormReqData&) const = default;
};

// RegFormReqTBE ::= L { RegFormReqData, PANOnly }  -- Intermediate results of EXH (content type
// 2.23.42.0.76): the DES plaintext of RegFormReq.
using RegFormReqTBE = L<RegFormReqData, "RegFormReqTBE">;

// RegFormRes ::= S { CA, RegFormResTBS }   -> SignedData (content type 2.23.42.0.44)
// RegFormResTBS ::= SEQUENCE {
//    rrpid               RRPID,
//    lid-EE              LocalID,
//    chall-EE2           Challenge,
//    lid-CA              [0] LocalID  OPTIONAL,
//    chall-CA            Challenge,
//    caeThumb            [1] EXPLICIT CertThumb  OPTIONAL,
//    requestType         RequestType,
//    formOrReferal       RegFormOrReferral,            -- sic: "Referal"
//    brandCRLIdentifier  [2] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    thumbs              [3] EXPLICIT Thumbs  OPTIONAL }
struct RegFormResTBS {
  static constexpr std::string_view kName = "RegFormResTBS";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee2;
  std::optional<Bytes> lid_ca;
  Bytes chall_ca;
  std::optional<CertThumb> cae_thumb;
  RequestType request_type = RequestType::kCardInitialSig;
  RegFormOrReferral form_or_referal;
  std::optional<Bytes> brand_crl_identifier;  // raw TLV (D-5)
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee2, "chall-EE2", spec::Challenge());
    v(lid_ca, "lid-CA", implicit(0, spec::LocalID()));
    v(chall_ca, "chall-CA", spec::Challenge());
    v(cae_thumb, "caeThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(request_type, "requestType", spec::RequestType());
    v(form_or_referal, "formOrReferal", spec::Choice<RegFormOrReferral>{});
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(2, spec::BrandCRLIdentifier()));
    v(thumbs, "thumbs", explicit_(3, spec::Seq<Thumbs>{}));
  }
  bool operator==(const RegFormResTBS&) const = default;
};

// =============================================================================================
// Certificate Request Pair                                                     (lines 581-701)

// FieldValue ::= CHOICE {                                                         (lines 627-630)
//    setString    SETString { ub-FieldValue },
//    octetString  OCTET STRING (SIZE(1..ub-FieldValue)) }
struct FieldValue {
  static constexpr std::string_view kName = "FieldValue";
  static constexpr bool kIsChoice = true;
  std::variant<FieldValueString, Bytes> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "setString", spec::Choice<FieldValueString>{});
    v.template alt<1>(value, "octetString",
                      spec::Octets{.size = {1, ub_FieldValue}, .name = "OCTET STRING"});
  }
  bool operator==(const FieldValue&) const = default;
};

// RegFormItems ::= SEQUENCE { fieldName FieldName, fieldValue FieldValue }         (lines 620-623)
struct RegFormItems {
  static constexpr std::string_view kName = "RegFormItems";
  FieldName field_name;
  FieldValue field_value;
  template <class V>
  void describe(V& v) {
    v(field_name, "fieldName", spec::Choice<FieldName>{});
    v(field_value, "fieldValue", spec::Choice<FieldValue>{});
  }
  bool operator==(const RegFormItems&) const = default;
};

namespace spec {
// RegForm ::= SEQUENCE SIZE(1..ub-FieldList) OF RegFormItems                        (line 618)
inline SeqOf<Seq<::openset::asn1::RegFormItems>> RegForm() {
  return {.size = {1, ub_FieldList}, .name = "RegForm"};
}
}  // namespace spec

// PublicKeySorE ::= SEQUENCE {                                                    (lines 632-642)
//    publicKeyS  [0] EXPLICIT SubjectPublicKeyInfo{{SignatureAlgorithms}} OPTIONAL,
//    publicKeyE  [1] EXPLICIT SubjectPublicKeyInfo{{KeyEncryptionAlgorithms}} OPTIONAL }
//    ( WITH COMPONENTS { ..., publicKeyS PRESENT } | WITH COMPONENTS { ..., publicKeyE PRESENT } )
// The information object sets constrain the key's algorithm OID; the codec keeps any
// AlgorithmIdentifier (which ones the CA accepts is its policy: docs/pki.md, P-3).
struct PublicKeySorE {
  static constexpr std::string_view kName = "PublicKeySorE";
  std::optional<SubjectPublicKeyInfo> public_key_s;
  std::optional<SubjectPublicKeyInfo> public_key_e;
  template <class V>
  void describe(V& v) {
    v(public_key_s, "publicKeyS", explicit_(0, spec::Seq<SubjectPublicKeyInfo>{}));
    v(public_key_e, "publicKeyE", explicit_(1, spec::Seq<SubjectPublicKeyInfo>{}));
  }
  Status check_components(std::size_t at) const {
    if (!public_key_s && !public_key_e)
      return Error(Errc::kConstraint, "PublicKeySorE: publicKeyS or publicKeyE must be present", at);
    return Ok{};
  }
  bool operator==(const PublicKeySorE&) const = default;
};

// CertReqData ::= SEQUENCE {                                                      (lines 601-616)
//    rrpid          RRPID,
//    lid-EE         LocalID,
//    chall-EE3      Challenge,
//    lid-CA         [0] LocalID  OPTIONAL,
//    chall-CA       [1] Challenge  OPTIONAL,
//    requestType    RequestType,
//    requestDate    Date,
//    idData         [2] EXPLICIT IDData  OPTIONAL,
//    regFormID      INTEGER (0..MAX),    -- CA assigned identifier
//    regForm        [3] RegForm  OPTIONAL,
//    caBackKeyData  [4] EXPLICIT BackKeyData  OPTIONAL,
//    publicKeySorE  PublicKeySorE,
//    eeThumb        [5] EXPLICIT CertThumb  OPTIONAL,
//    thumbs         [6] EXPLICIT Thumbs  OPTIONAL }
struct CertReqData {
  static constexpr std::string_view kName = "CertReqData";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee3;
  std::optional<Bytes> lid_ca;
  std::optional<Bytes> chall_ca;
  RequestType request_type = RequestType::kCardInitialSig;
  der::Time request_date;
  std::optional<IDData> id_data;
  std::int64_t reg_form_id = 0;
  std::optional<std::vector<RegFormItems>> reg_form;
  std::optional<BackKeyData> ca_back_key_data;
  PublicKeySorE public_key_sor_e;
  std::optional<CertThumb> ee_thumb;
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee3, "chall-EE3", spec::Challenge());
    v(lid_ca, "lid-CA", implicit(0, spec::LocalID()));
    v(chall_ca, "chall-CA", implicit(1, spec::Challenge()));
    v(request_type, "requestType", spec::RequestType());
    v(request_date, "requestDate", spec::Date());
    v(id_data, "idData", explicit_(2, spec::Choice<IDData>{}));
    v(reg_form_id, "regFormID", spec::RegFormID());
    v(reg_form, "regForm", implicit(3, spec::RegForm()));
    v(ca_back_key_data, "caBackKeyData", explicit_(4, spec::Seq<BackKeyData>{}));
    v(public_key_sor_e, "publicKeySorE");
    v(ee_thumb, "eeThumb", explicit_(5, spec::Seq<CertThumb>{}));
    v(thumbs, "thumbs", explicit_(6, spec::Seq<Thumbs>{}));
  }
  bool operator==(const CertReqData&) const = default;
};

// CertReq ::= CHOICE {                                                            (lines 583-586)
//    encx  [0] EXPLICIT EncX { EE, CA, CertReqData, AcctInfo },
//    enc   [1] EXPLICIT Enc { EE, CA, CertReqData } }
struct CertReq {
  static constexpr std::string_view kName = "CertReq";
  static constexpr bool kIsChoice = true;
  enum Index : std::size_t { kEncX = 0, kEnc = 1 };
  std::variant<EnvelopedData, EnvelopedData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "encx", explicit_(0, spec::Seq<EnvelopedData>{}));
    v.template alt<1>(value, "enc", explicit_(1, spec::Seq<EnvelopedData>{}));
  }
};

// Intermediate results of Enc and EncX                                            (lines 588-599)
// CertReqTBE  ::= S { EE, CertReqData }                  -> SignedData (2.23.42.0.77)
// CertReqTBEX ::= SEQUENCE { certReqData CertReqData, s SO { EE, CertReqTBS } }   (2.23.42.0.78)
struct CertReqTBEX {
  static constexpr std::string_view kName = "CertReqTBEX";
  CertReqData cert_req_data;
  SignedData s;
  template <class V>
  void describe(V& v) {
    v(cert_req_data, "certReqData");
    v(s, "s");
  }
};

// CertReqTBS ::= SEQUENCE { certReqData CertReqData, acctInfo AcctInfo }           (2.23.42.0.46)
struct CertReqTBS {
  static constexpr std::string_view kName = "CertReqTBS";
  CertReqData cert_req_data;
  AcctInfo acct_info;
  template <class V>
  void describe(V& v) {
    v(cert_req_data, "certReqData");
    v(acct_info, "acctInfo");
  }
  bool operator==(const CertReqTBS&) const = default;
};

// CertStatusCode ::= ENUMERATED {          -- In-process status of CertReq        (lines 678-691)
enum class CertStatusCode : std::int64_t {
  kRequestComplete = 1,
  kInvalidLanguage = 2,
  kInvalidBIN = 3,
  kSigValidationFail = 4,
  kDecryptionError = 5,
  kRequestInProgress = 6,
  kRejectedByIssuer = 7,
  kRequestPended = 8,
  kRejectedByAquirer = 9,  // sic (Book 3 spells it "Aquirer")
  kRegFormAnswerMalformed = 10,
  kRejectedByCA = 11,
  kUnableToEncryptResponse = 12,
};
namespace spec {
inline Enumerated<::openset::asn1::CertStatusCode> CertStatusCode() {
  return {.name = "CertStatusCode",
          .named = {{1, "requestComplete"},         {2, "invalidLanguage"},
                    {3, "invalidBIN"},              {4, "sigValidationFail"},
                    {5, "decryptionError"},         {6, "requestInProgress"},
                    {7, "rejectedByIssuer"},        {8, "requestPended"},
                    {9, "rejectedByAquirer"},       {10, "regFormAnswerMalformed"},
                    {11, "rejectedByCA"},           {12, "unableToEncryptResponse"}}};
}
}  // namespace spec

// CAMsg ::= SEQUENCE {                                                            (lines 693-699)
//    cardLogoURL    [0] URL  OPTIONAL,
//    brandLogoURL   [1] URL  OPTIONAL,
//    cardCurrency   [2] Currency  OPTIONAL,
//    cardholderMsg  [3] EXPLICIT SETString { ub-cardholderMsg }  OPTIONAL }
struct CAMsg {
  static constexpr std::string_view kName = "CAMsg";
  std::optional<std::string> card_logo_url;
  std::optional<std::string> brand_logo_url;
  std::optional<std::int64_t> card_currency;
  std::optional<CardholderMsg> cardholder_msg;
  template <class V>
  void describe(V& v) {
    v(card_logo_url, "cardLogoURL", implicit(0, spec::URL()));
    v(brand_logo_url, "brandLogoURL", implicit(1, spec::URL()));
    v(card_currency, "cardCurrency", implicit(2, spec::Currency()));
    v(cardholder_msg, "cardholderMsg", explicit_(3, spec::Choice<CardholderMsg>{}));
  }
  bool operator==(const CAMsg&) const = default;
};

// FailedItem ::= SEQUENCE {                                                       (lines 673-676)
//    itemNumber  INTEGER (1..50),
//    itemReason  SETString { ub-Reason } }
struct FailedItem {
  static constexpr std::string_view kName = "FailedItem";
  std::int64_t item_number = 1;
  ItemReason item_reason;
  template <class V>
  void describe(V& v) {
    v(item_number, "itemNumber", spec::Integer{.min = 1, .max = 50, .name = "INTEGER (1..50)"});
    v(item_reason, "itemReason", spec::Choice<ItemReason>{});
  }
  bool operator==(const FailedItem&) const = default;
};

namespace spec {
// FailedItemSeq ::= SEQUENCE SIZE(1..ub-FieldList) OF FailedItem                    (line 671)
inline SeqOf<Seq<::openset::asn1::FailedItem>> FailedItemSeq() {
  return {.size = {1, ub_FieldList}, .name = "FailedItemSeq"};
}
}  // namespace spec

// CertStatus ::= SEQUENCE {                                                       (lines 663-669)
//    certStatusCode  CertStatusCode,
//    nonceCCA        [0] Nonce  OPTIONAL,
//    eeMessage       SETString { ub-eeMessage }  OPTIONAL,
//    caMsg           [1] CAMsg  OPTIONAL,
//    failedItemSeq   [2] FailedItemSeq  OPTIONAL }
struct CertStatus {
  static constexpr std::string_view kName = "CertStatus";
  CertStatusCode cert_status_code = CertStatusCode::kRequestComplete;
  std::optional<Bytes> nonce_cca;
  std::optional<EEMessage> ee_message;
  std::optional<CAMsg> ca_msg;
  std::optional<std::vector<FailedItem>> failed_item_seq;
  template <class V>
  void describe(V& v) {
    v(cert_status_code, "certStatusCode", spec::CertStatusCode());
    v(nonce_cca, "nonceCCA", implicit(0, spec::Nonce()));
    v(ee_message, "eeMessage", spec::Choice<EEMessage>{});
    v(ca_msg, "caMsg", implicit(1, spec::Seq<CAMsg>{}));
    v(failed_item_seq, "failedItemSeq", implicit(2, spec::FailedItemSeq()));
  }
  bool operator==(const CertStatus&) const = default;
};

// CertResData ::= SEQUENCE {                                                      (lines 652-661)
//    rrpid               RRPID,
//    lid-EE              LocalID,
//    chall-EE3           Challenge,
//    lid-CA              LocalID,
//    certStatus          CertStatus,
//    certThumbs          [0] EXPLICIT Thumbs  OPTIONAL,
//    brandCRLIdentifier  [1] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    thumbs              [2] EXPLICIT Thumbs  OPTIONAL }
struct CertResData {
  static constexpr std::string_view kName = "CertResData";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee3;
  Bytes lid_ca;
  CertStatus cert_status;
  std::optional<Thumbs> cert_thumbs;
  std::optional<Bytes> brand_crl_identifier;  // raw TLV (D-5)
  std::optional<Thumbs> thumbs;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee3, "chall-EE3", spec::Challenge());
    v(lid_ca, "lid-CA", spec::LocalID());
    v(cert_status, "certStatus");
    v(cert_thumbs, "certThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(1, spec::BrandCRLIdentifier()));
    v(thumbs, "thumbs", explicit_(2, spec::Seq<Thumbs>{}));
  }
  bool operator==(const CertResData&) const = default;
};

// CertRes ::= CHOICE {                                                            (lines 644-647)
//    certResTBS   [0] EXPLICIT S { CA, CertResData },
//    certResTBSK  [1] EXPLICIT EncK { CAKey, CA, CertResData } }
// CertResTBE ::= S { CA, CertResData }   -- plaintext of EncK (2.23.42.0.79) -> SignedData
// CAKey ::= BackKeyData                                                              (line 701)
// CertInqRes ::= CertRes                                                             (line 714)
struct CertRes {
  static constexpr std::string_view kName = "CertRes";
  static constexpr bool kIsChoice = true;
  enum Index : std::size_t { kCertResTBS = 0, kCertResTBSK = 1 };
  std::variant<SignedData, EncryptedData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "certResTBS", explicit_(0, spec::Seq<SignedData>{}));
    v.template alt<1>(value, "certResTBSK", explicit_(1, spec::Seq<EncryptedData>{}));
  }
};
using CertInqRes = CertRes;
using CAKey = BackKeyData;

// =============================================================================================
// Certificate Inquiry Pair                                                     (lines 703-714)

// CertInqReq ::= S { EE, CertInqReqTBS }   -> SignedData (content type 2.23.42.0.48)
// CertInqReqTBS ::= SEQUENCE {
//    rrpid      RRPID,
//    lid-EE     LocalID,
//    chall-EE3  Challenge,
//    lid-CA     LocalID }
struct CertInqReqTBS {
  static constexpr std::string_view kName = "CertInqReqTBS";
  Bytes rrpid;
  Bytes lid_ee;
  Bytes chall_ee3;
  Bytes lid_ca;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(lid_ee, "lid-EE", spec::LocalID());
    v(chall_ee3, "chall-EE3", spec::Challenge());
    v(lid_ca, "lid-CA", spec::LocalID());
  }
  bool operator==(const CertInqReqTBS&) const = default;
};

}  // namespace openset::asn1
