// Module SetMessage { joint-iso-itu-t(2) internationalRA(23) set(42) module(6) 0 }
// DEFINITIONS IMPLICIT TAGS (set-1.asn1 lines 10-367; notes §1).
//
// The common building blocks of every SET message: the primitive types (XID, RRPID, Nonce,
// PAN, ...), SETString instances (BrandID, MerchantID), TransIDs, MessageHeader, MsgExtensions,
// PANData/PANToken/PANData0, Thumbs/CertThumb, and the Error message. The MessageWrapper and the
// Message CHOICE, which need the payment types, are in set_message_wrapper.hpp.
//
// Tagging: this module is IMPLICIT TAGS, so a bare [n] is implicit() and the text writes
// EXPLICIT wherever the tagged type is a CHOICE, an open type or a PKCS#7 type.
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

namespace openset::asn1 {

// Upper bounds (SetMessage lines 356-365; ub-phone from SetMarketData, ub-cityName,
// ub-stateProvince, ub-postalCode from SetCertificateExtensions lines 2368-2371).
inline constexpr std::size_t ub_BrandID = 40;
inline constexpr std::size_t ub_MerchantID = 30;
inline constexpr std::size_t ub_SWIdent = 256;
inline constexpr std::size_t ub_acqBusinessID = 32;
inline constexpr std::size_t ub_locationID = 10;
inline constexpr std::size_t ub_paySysID = 64;
inline constexpr std::size_t ub_RFC1766_language = 35;
inline constexpr std::size_t ub_URL = 512;
inline constexpr std::size_t ub_phone = 20;
inline constexpr std::size_t ub_cityName = 50;
inline constexpr std::size_t ub_stateProvince = 50;
inline constexpr std::size_t ub_postalCode = 14;

// ---------------------------------------------------------------------------------------------
// SETString { INTEGER:maxSIZE } ::= CHOICE {            (SetAttribute, EXPLICIT TAGS, no tags)
//    visibleString  VisibleString (SIZE(1..maxSIZE)),
//    bmpString      BMPString (SIZE(1..maxSIZE)) }
// Instantiated per upper bound and named after the Book 3 type (BrandID, MerchantID, ...).
// A bmpString value is kept as its UCS-2 big-endian octets.
template <std::size_t Ub, TypeName Name>
struct SETString {
  static constexpr std::string_view kName = Name.view();
  static constexpr bool kIsChoice = true;
  static constexpr std::size_t kMaxSize = Ub;

  std::variant<std::string, std::string> value;  // 0 visibleString, 1 bmpString

  SETString() = default;
  SETString(std::string visible) : value(std::in_place_index<0>, std::move(visible)) {}  // NOLINT
  SETString(const char* visible) : value(std::in_place_index<0>, visible) {}             // NOLINT
  static SETString bmp(std::string ucs2_be) {
    SETString s;
    s.value.template emplace<1>(std::move(ucs2_be));
    return s;
  }
  bool is_visible() const { return value.index() == 0; }
  const std::string& text() const {
    return value.index() == 0 ? std::get<0>(value) : std::get<1>(value);
  }
  bool operator==(const SETString&) const = default;

  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "visibleString",
                      spec::Str{.type = der::tags::kVisibleString, .size = {1, Ub}});
    v.template alt<1>(value, "bmpString",
                      spec::Str{.type = der::tags::kBmpString, .size = {1, Ub}});
  }
};

using BrandID = SETString<ub_BrandID, "BrandID">;           // BrandID ::= SETString{ub-BrandID}
using MerchantID = SETString<ub_MerchantID, "MerchantID">;  // MerchantID ::= SETString{ub-MerchantID}
using Phone = SETString<ub_phone, "Phone">;                 // Phone ::= SETString{ub-phone}

// ---------------------------------------------------------------------------------------------
// Named specs for the primitive types of SetMessage (lines 238-354), so every use of, say, an
// XID carries the same constraint and the same name in errors and in `openset decode`.
namespace spec {

inline Octets XID() { return Octets{.size = {20, 20}, .name = "XID"}; }
inline Octets RRPID() { return Octets{.size = {20, 20}, .name = "RRPID"}; }
inline Octets Challenge() { return Octets{.size = {20, 20}, .name = "Challenge"}; }
inline Octets Nonce() { return Octets{.size = {20, 20}, .name = "Nonce"}; }
inline Octets Secret() { return Octets{.size = {20, 20}, .name = "Secret"}; }
inline Octets LocalID() { return Octets{.size = {1, 20}, .name = "LocalID"}; }
// BackKey ::= OCTET STRING (SIZE(1..24)) (line 254), widened to 1..32 for the modern suite's
// AES-256 keys: departure D-11.
inline Octets BackKey() { return Octets{.size = {1, 32}, .name = "BackKey"}; }
// Digest ::= OCTET STRING (SIZE(1..20)) (SetPKCS7Plus), widened to 1..32: departure D-1.
inline Octets Digest() { return Octets{.size = {1, kDigestMax}, .name = "Digest"}; }

inline Str SWIdent() {
  return Str{.type = der::tags::kVisibleString, .size = {1, ub_SWIdent}, .name = "SWIdent"};
}
inline Str Language() {
  return Str{.type = der::tags::kVisibleString, .size = {1, ub_RFC1766_language}, .name = "Language"};
}
inline Str PaySysID() {
  return Str{.type = der::tags::kVisibleString, .size = {1, ub_paySysID}, .name = "PaySysID"};
}
inline Str URL() { return Str{.type = der::tags::kVisibleString, .size = {1, ub_URL}, .name = "URL"}; }
inline Str BIN() { return Str{.type = der::tags::kNumericString, .size = {6, 6}, .name = "BIN"}; }
inline Str PAN() { return Str{.type = der::tags::kNumericString, .size = {1, 19}, .name = "PAN"}; }
inline Str CardExpiry() {
  return Str{.type = der::tags::kNumericString, .size = {6, 6}, .name = "CardExpiry"};
}

inline Integer Currency() { return Integer{.min = 1, .max = 999, .name = "Currency"}; }
inline Integer CountryCode() { return Integer{.min = 1, .max = 999, .name = "CountryCode"}; }

inline GeneralizedTime Date() { return GeneralizedTime{.name = "Date"}; }

inline Choice<::openset::asn1::BrandID> BrandID() { return {}; }
inline Choice<::openset::asn1::MerchantID> MerchantID() { return {}; }
inline Choice<::openset::asn1::Phone> Phone() { return {}; }

// BrandCRLIdentifier ::= SIGNED { EncodedBrandCRLID }: a signed certificate-like structure,
// kept as its complete TLV here; typed by the certificates/CRLs work (issue 3).
inline Any BrandCRLIdentifier() { return Any{.name = "BrandCRLIdentifier"}; }

}  // namespace spec

// ---------------------------------------------------------------------------------------------
// MsgExtension { EXTENSION:InfoObjectSet } ::= SEQUENCE {                       (lines 143-148)
//    extnID     EXTENSION.&id({InfoObjectSet}),
//    critical   EXTENSION.&critical({InfoObjectSet}{@extnID}) DEFAULT FALSE,
//    extnValue  [0] EXPLICIT EXTENSION.&ExtenType ({InfoObjectSet}{@extnID}) }
// Not the X.509 shape: the value is an explicitly tagged DER value, not an OCTET STRING.
struct MsgExtension {
  static constexpr std::string_view kName = "MsgExtension";
  der::Oid extn_id;
  bool critical = false;
  Bytes extn_value;  // complete TLV of the extension's value
  template <class V>
  void describe(V& v) {
    v(extn_id, "extnID");
    v(critical, "critical", with_default(spec::Boolean{}, false));
    v(extn_value, "extnValue", explicit_(0, spec::Any{}));
  }
  bool operator==(const MsgExtension&) const = default;
};

// MsgExtensions { EXTENSION:InfoObjectSet } ::= SEQUENCE OF MsgExtension {{InfoObjectSet}}
using MsgExtensions = std::vector<MsgExtension>;
namespace spec {
inline SeqOf<Seq<MsgExtension>> MsgExtensions() { return {.name = "MsgExtensions"}; }
// Digests ::= SEQUENCE OF Digest (SetPKCS7Plus)
inline SeqOf<Octets> Digests() { return {.elem = Digest(), .name = "Digests"}; }
}  // namespace spec

// ---------------------------------------------------------------------------------------------
// MessageIDs ::= SEQUENCE {                                                       (lines 73-77)
//    lid-C  [0] LocalID  OPTIONAL,
//    lid-M  [1] LocalID  OPTIONAL,
//    xID    [2] XID  OPTIONAL }
struct MessageIDs {
  static constexpr std::string_view kName = "MessageIDs";
  std::optional<Bytes> lid_c;
  std::optional<Bytes> lid_m;
  std::optional<Bytes> x_id;
  template <class V>
  void describe(V& v) {
    v(lid_c, "lid-C", implicit(0, spec::LocalID()));
    v(lid_m, "lid-M", implicit(1, spec::LocalID()));
    v(x_id, "xID", implicit(2, spec::XID()));
  }
  bool operator==(const MessageIDs&) const = default;
};

// MessageHeader ::= SEQUENCE {                                                    (lines 64-71)
//    version     INTEGER { setVer1(1) } (setVer1),
//    revision    INTEGER (0) DEFAULT 0,   -- This is version 1.0
//    date        Date,
//    messageIDs  [0] MessageIDs  OPTIONAL,
//    rrpid       [1] RRPID  OPTIONAL,
//    swIdent     SWIdent }
struct MessageHeader {
  static constexpr std::string_view kName = "MessageHeader";
  std::int64_t version = 1;
  std::int64_t revision = 0;
  der::Time date;
  std::optional<MessageIDs> message_ids;
  std::optional<Bytes> rrpid;
  std::string sw_ident;
  template <class V>
  void describe(V& v) {
    v(version, "version",
      spec::Integer{.min = 1, .max = 1, .name = "INTEGER { setVer1(1) }", .named = {{1, "setVer1"}}});
    v(revision, "revision", with_default(spec::Integer{.min = 0, .max = 0, .name = "INTEGER (0)"},
                                         std::int64_t{0}));
    v(date, "date", spec::Date());
    v(message_ids, "messageIDs", implicit(0, spec::Seq<MessageIDs>{}));
    v(rrpid, "rrpid", implicit(1, spec::RRPID()));
    v(sw_ident, "swIdent", spec::SWIdent());
  }
  bool operator==(const MessageHeader&) const = default;
};

// ---------------------------------------------------------------------------------------------
// TransIDs ::= SEQUENCE {                                                       (lines 343-350)
//    lid-C      LocalID,
//    lid-M      [0] LocalID  OPTIONAL,
//    xid        XID,
//    pReqDate   Date,
//    paySysID   [1] PaySysID  OPTIONAL,
//    language   Language }
struct TransIDs {
  static constexpr std::string_view kName = "TransIDs";
  Bytes lid_c;
  std::optional<Bytes> lid_m;
  Bytes xid;
  der::Time p_req_date;
  std::optional<std::string> pay_sys_id;
  std::string language;
  template <class V>
  void describe(V& v) {
    v(lid_c, "lid-C", spec::LocalID());
    v(lid_m, "lid-M", implicit(0, spec::LocalID()));
    v(xid, "xid", spec::XID());
    v(p_req_date, "pReqDate", spec::Date());
    v(pay_sys_id, "paySysID", implicit(1, spec::PaySysID()));
    v(language, "language", spec::Language());
  }
  bool operator==(const TransIDs&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Account data (lines 304-324). The PAN only ever travels inside an OAEP block (notes §2.5).

// PANData ::= SEQUENCE { pan PAN, cardExpiry CardExpiry, panSecret Secret, exNonce Nonce }
struct PANData {
  static constexpr std::string_view kName = "PANData";
  std::string pan;
  std::string card_expiry;
  Bytes pan_secret;
  Bytes ex_nonce;
  template <class V>
  void describe(V& v) {
    v(pan, "pan", spec::PAN());
    v(card_expiry, "cardExpiry", spec::CardExpiry());
    v(pan_secret, "panSecret", spec::Secret());
    v(ex_nonce, "exNonce", spec::Nonce());
  }
  bool operator==(const PANData&) const = default;
};

// PANData0 ::= SEQUENCE { pan PAN, cardExpiry CardExpiry, cardSecret Secret, exNonce Nonce }
struct PANData0 {
  static constexpr std::string_view kName = "PANData0";
  std::string pan;
  std::string card_expiry;
  Bytes card_secret;
  Bytes ex_nonce;
  template <class V>
  void describe(V& v) {
    v(pan, "pan", spec::PAN());
    v(card_expiry, "cardExpiry", spec::CardExpiry());
    v(card_secret, "cardSecret", spec::Secret());
    v(ex_nonce, "exNonce", spec::Nonce());
  }
  bool operator==(const PANData0&) const = default;
};

// PANToken ::= SEQUENCE { pan PAN, cardExpiry CardExpiry, exNonce Nonce }
struct PANToken {
  static constexpr std::string_view kName = "PANToken";
  std::string pan;
  std::string card_expiry;
  Bytes ex_nonce;
  template <class V>
  void describe(V& v) {
    v(pan, "pan", spec::PAN());
    v(card_expiry, "cardExpiry", spec::CardExpiry());
    v(ex_nonce, "exNonce", spec::Nonce());
  }
  bool operator==(const PANToken&) const = default;
};

// HMACPanData ::= SEQUENCE { pan PAN, cardExpiry CardExpiry }
// (module SetPKCS7Plus, lines 2868-2871; "For HMAC, unique cardholder data", notes §5.6)
struct HMACPanData {
  static constexpr std::string_view kName = "HMACPanData";
  std::string pan;
  std::string card_expiry;
  template <class V>
  void describe(V& v) {
    v(pan, "pan", spec::PAN());
    v(card_expiry, "cardExpiry", spec::CardExpiry());
  }
  bool operator==(const HMACPanData&) const = default;
};

// BackKeyData ::= SEQUENCE {                                                    (lines 249-252)
//    backAlgID  ALGORITHM-IDENTIFIER.&id({ContentEncryptionAlgorithms}),   -- a bare OID
//    backKey    BackKey }
struct BackKeyData {
  static constexpr std::string_view kName = "BackKeyData";
  der::Oid back_alg_id;
  Bytes back_key;
  template <class V>
  void describe(V& v) {
    v(back_alg_id, "backAlgID");
    v(back_key, "backKey", spec::BackKey());
  }
  bool operator==(const BackKeyData&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Thumbprints (lines 260-263, 336-341)

// CertThumb ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier {{DigestAlgorithms}},
//                          thumbprint Digest }
struct CertThumb {
  static constexpr std::string_view kName = "CertThumb";
  AlgorithmIdentifier digest_algorithm;
  Bytes thumbprint;
  template <class V>
  void describe(V& v) {
    v(digest_algorithm, "digestAlgorithm");
    v(thumbprint, "thumbprint", spec::Digest());
  }
  bool operator==(const CertThumb&) const = default;
};

// Thumbs ::= SEQUENCE {
//    digestAlgorithm   AlgorithmIdentifier {{DigestAlgorithms}},
//    certThumbs        [0] EXPLICIT Digests  OPTIONAL,
//    crlThumbs         [1] EXPLICIT Digests  OPTIONAL,
//    brandCRLIdThumbs  [2] EXPLICIT Digests  OPTIONAL }
struct Thumbs {
  static constexpr std::string_view kName = "Thumbs";
  AlgorithmIdentifier digest_algorithm;
  std::optional<std::vector<Bytes>> cert_thumbs;
  std::optional<std::vector<Bytes>> crl_thumbs;
  std::optional<std::vector<Bytes>> brand_crl_id_thumbs;
  template <class V>
  void describe(V& v) {
    v(digest_algorithm, "digestAlgorithm");
    v(cert_thumbs, "certThumbs", explicit_(0, spec::Digests()));
    v(crl_thumbs, "crlThumbs", explicit_(1, spec::Digests()));
    v(brand_crl_id_thumbs, "brandCRLIdThumbs", explicit_(2, spec::Digests()));
  }
  bool operator==(const Thumbs&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Other common definitions (lines 267-298)

// DateTime ::= SEQUENCE { date Date, timeInd BOOLEAN DEFAULT FALSE }
struct DateTime {
  static constexpr std::string_view kName = "DateTime";
  der::Time date;
  bool time_ind = false;
  template <class V>
  void describe(V& v) {
    v(date, "date", spec::Date());
    v(time_ind, "timeInd", with_default(spec::Boolean{}, false));
  }
  bool operator==(const DateTime&) const = default;
};

// DistanceScale ::= ENUMERATED { miles (0), kilometers (1) }
enum class DistanceScale : std::int64_t { kMiles = 0, kKilometers = 1 };
namespace spec {
inline Enumerated<::openset::asn1::DistanceScale> DistanceScale() {
  return {.name = "DistanceScale", .named = {{0, "miles"}, {1, "kilometers"}}};
}
}  // namespace spec

// Distance ::= SEQUENCE { scale DistanceScale, dist INTEGER (0..MAX) }
struct Distance {
  static constexpr std::string_view kName = "Distance";
  DistanceScale scale = DistanceScale::kMiles;
  std::int64_t dist = 0;
  template <class V>
  void describe(V& v) {
    v(scale, "scale", spec::DistanceScale());
    v(dist, "dist", spec::Integer{.min = 0, .name = "INTEGER (0..MAX)"});
  }
  bool operator==(const Distance&) const = default;
};

// Location ::= SEQUENCE {
//    countryCode    CountryCode,
//    city           [0] EXPLICIT SETString { ub-cityName }  OPTIONAL,
//    stateProvince  [1] EXPLICIT SETString { ub-stateProvince }  OPTIONAL,
//    postalCode     [2] EXPLICIT SETString { ub-postalCode }  OPTIONAL,
//    locationID     [3] EXPLICIT SETString { ub-locationID }  OPTIONAL }
struct Location {
  static constexpr std::string_view kName = "Location";
  using City = SETString<ub_cityName, "SETString{ub-cityName}">;
  using StateProvince = SETString<ub_stateProvince, "SETString{ub-stateProvince}">;
  using PostalCode = SETString<ub_postalCode, "SETString{ub-postalCode}">;
  using LocationID = SETString<ub_locationID, "SETString{ub-locationID}">;
  std::int64_t country_code = 0;
  std::optional<City> city;
  std::optional<StateProvince> state_province;
  std::optional<PostalCode> postal_code;
  std::optional<LocationID> location_id;
  template <class V>
  void describe(V& v) {
    v(country_code, "countryCode", spec::CountryCode());
    v(city, "city", explicit_(0, spec::Choice<City>{}));
    v(state_province, "stateProvince", explicit_(1, spec::Choice<StateProvince>{}));
    v(postal_code, "postalCode", explicit_(2, spec::Choice<PostalCode>{}));
    v(location_id, "locationID", explicit_(3, spec::Choice<LocationID>{}));
  }
  bool operator==(const Location&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Brand CRL notification (lines 213-236). BCIDistributionTBS carries a BrandCRLIdentifier under
// an IMPLICIT [0] and waits for the BrandCRLIdentifier type (issue 3).

// CRLNotificationTBS ::= SEQUENCE { date Date, crlThumbprint Digest }
struct CRLNotificationTBS {
  static constexpr std::string_view kName = "CRLNotificationTBS";
  der::Time date;
  Bytes crl_thumbprint;
  template <class V>
  void describe(V& v) {
    v(date, "date", spec::Date());
    v(crl_thumbprint, "crlThumbprint", spec::Digest());
  }
  bool operator==(const CRLNotificationTBS&) const = default;
};

// CRLNotificationResTBS ::= SEQUENCE { date Date, crlThumbprint Digest }
struct CRLNotificationResTBS {
  static constexpr std::string_view kName = "CRLNotificationResTBS";
  der::Time date;
  Bytes crl_thumbprint;
  template <class V>
  void describe(V& v) {
    v(date, "date", spec::Date());
    v(crl_thumbprint, "crlThumbprint", spec::Digest());
  }
  bool operator==(const CRLNotificationResTBS&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Error (lines 150-195)

// ErrorCode ::= ENUMERATED { unspecifiedFailure (1), ... challengeMismatch (22) }
enum class ErrorCode : std::int64_t {
  kUnspecifiedFailure = 1,
  kMessageNotSupported = 2,
  kDecodingFailure = 3,
  kInvalidCertificate = 4,
  kExpiredCertificate = 5,
  kRevokedCertificate = 6,
  kMissingCertificate = 7,
  kSignatureFailure = 8,
  kBadMessageHeader = 9,
  kWrapperMsgMismatch = 10,
  kVersionTooOld = 11,
  kVersionTooNew = 12,
  kUnrecognizedExtension = 13,
  kMessageTooBig = 14,
  kSignatureRequired = 15,
  kMessageTooOld = 16,
  kMessageTooNew = 17,
  kThumbsMismatch = 18,
  kUnknownRRPID = 19,
  kUnknownXID = 20,
  kUnknownLID = 21,
  kChallengeMismatch = 22,
};
namespace spec {
inline Enumerated<::openset::asn1::ErrorCode> ErrorCode() {
  return {.name = "ErrorCode",
          .named = {{1, "unspecifiedFailure"},     {2, "messageNotSupported"},
                    {3, "decodingFailure"},        {4, "invalidCertificate"},
                    {5, "expiredCertificate"},     {6, "revokedCertificate"},
                    {7, "missingCertificate"},     {8, "signatureFailure"},
                    {9, "badMessageHeader"},       {10, "wrapperMsgMismatch"},
                    {11, "versionTooOld"},         {12, "versionTooNew"},
                    {13, "unrecognizedExtension"}, {14, "messageTooBig"},
                    {15, "signatureRequired"},     {16, "messageTooOld"},
                    {17, "messageTooNew"},         {18, "thumbsMismatch"},
                    {19, "unknownRRPID"},          {20, "unknownXID"},
                    {21, "unknownLID"},            {22, "challengeMismatch"}}};
}
}  // namespace spec

// ErrorMsg ::= CHOICE {
//    messageHeader  [0] EXPLICIT MessageHeader,
//    badWrapper     [1] OCTET STRING (SIZE(1..20000)) }     -- a copy of the message
struct ErrorMsg {
  static constexpr std::string_view kName = "ErrorMsg";
  static constexpr bool kIsChoice = true;
  std::variant<MessageHeader, Bytes> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "messageHeader", explicit_(0, spec::Seq<MessageHeader>{}));
    v.template alt<1>(value, "badWrapper",
                      implicit(1, spec::Octets{.size = {1, 20000}, .name = "OCTET STRING"}));
  }
  bool operator==(const ErrorMsg&) const = default;
};

// ErrorTBS ::= SEQUENCE {
//    errorCode   ErrorCode,
//    errorNonce  Nonce,
//    errorOID    [0] OBJECT IDENTIFIER  OPTIONAL,
//    errorThumb  [1] EXPLICIT CertThumb  OPTIONAL,
//    errorMsg    [2] EXPLICIT ErrorMsg }
struct ErrorTBS {
  static constexpr std::string_view kName = "ErrorTBS";
  ErrorCode error_code = ErrorCode::kUnspecifiedFailure;
  Bytes error_nonce;
  std::optional<der::Oid> error_oid;
  std::optional<CertThumb> error_thumb;
  ErrorMsg error_msg;
  template <class V>
  void describe(V& v) {
    v(error_code, "errorCode", spec::ErrorCode());
    v(error_nonce, "errorNonce", spec::Nonce());
    v(error_oid, "errorOID", implicit(0, spec::ObjectId{}));
    v(error_thumb, "errorThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(error_msg, "errorMsg", explicit_(2, spec::Choice<ErrorMsg>{}));
  }
  bool operator==(const ErrorTBS&) const = default;
};

// Error ::= CHOICE {
//    signedError    [0] EXPLICIT SignedError,      -- SignedError ::= S {EE, ErrorTBS}
//    unsignedError  [1] EXPLICIT ErrorTBS }
// C++ name SetError: `Error` is openset::Error (result.hpp); the ASN.1 name stays "Error".
struct SetError {
  static constexpr std::string_view kName = "Error";
  static constexpr bool kIsChoice = true;
  std::variant<SignedData, ErrorTBS> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "signedError", explicit_(0, spec::Seq<SignedData>{}));
    v.template alt<1>(value, "unsignedError", explicit_(1, spec::Seq<ErrorTBS>{}));
  }
};

}  // namespace openset::asn1
