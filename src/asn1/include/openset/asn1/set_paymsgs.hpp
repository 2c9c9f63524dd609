// Module SetPayMsgs { joint-iso-itu-t(2) internationalRA(23) set(42) module(6) 2 }
// DEFINITIONS IMPLICIT TAGS (set-1.asn1 lines 733-1991; notes §3, §4).
//
// Parameterised cryptographic wrappers are hand-expanded (notes §2.2, Appendix D):
//   S{}, SO{}              -> SignedData        (content present / absent)
//   E{}, EX{}, EXH{}, Enc{}, EncX{} -> EnvelopedData
//   EK{}, EncK{}           -> EncryptedData
//   DD{}                   -> DigestedData      (detached)
//   L{T1, T2}              -> L<T1, "Name">     (linkage.hpp)
//   EncB{S,R,T,Baggage}    -> EncB<"Name", baggage spec>   = SEQUENCE { enc, baggage }
//   EncBX{S,R,T,Baggage,P} -> EncBX<"Name", baggage spec>  = SEQUENCE { encX, baggage }
// The content-present/absent and single-recipient constraints of those wrappers are checked
// by the seal layer, not by the codec (docs/departures.md D-3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/real.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_marketdata.hpp"
#include "openset/asn1/set_message.hpp"

namespace openset::asn1 {

// Upper bounds (lines 1978-1989; ub-reference from SetMarketData)
inline constexpr std::size_t ub_acqCardText = 128;
inline constexpr std::size_t ub_acqCardPhone = 50;
inline constexpr std::size_t ub_approvalCode = 6;
inline constexpr std::size_t ub_AVSData = 128;
inline constexpr std::size_t ub_logRefID = 32;
inline constexpr std::size_t ub_merOrderNum = 25;
inline constexpr std::size_t ub_merType = 4;
inline constexpr std::int64_t ub_recurringFrequency = 366;
inline constexpr std::size_t ub_SettlementAccount = 50;
inline constexpr std::size_t ub_summary = 35;
inline constexpr std::size_t ub_terminalID = 48;
inline constexpr std::size_t ub_validationCode = 4;
inline constexpr std::size_t ub_reference = 28;  // SetMarketData

namespace spec {
inline Octets OD() { return Octets{.name = "OD"}; }  // OD ::= OCTET STRING  -- Order description
// TransStain ::= HMAC { XID, Secret }; HMAC{} ::= Digest (SetPKCS7Plus), D-1 applies.
inline Octets TransStain() { return Octets{.size = {1, kDigestMax}, .name = "TransStain"}; }
inline Integer Unbounded(std::string_view name = "INTEGER (MIN..MAX)") { return Integer{.name = name}; }
inline Integer NonNegative(std::string_view name = "INTEGER (0..MAX)") {
  return Integer{.min = 0, .name = name};
}
inline Integer BatchID() { return Integer{.min = 0, .name = "BatchID"}; }                  // (0..MAX)
inline Integer BatchSequenceNum() { return Integer{.min = 1, .name = "BatchSequenceNum"}; }  // (1..MAX)
inline Integer AuthRetNum() { return Integer{.min = 0, .name = "AuthRetNum"}; }            // (0..MAX)
inline Any TokenOpaque() { return Any{.name = "TokenOpaque"}; }  // TYPE-IDENTIFIER.&Type
}  // namespace spec

// =============================================================================================
// Common payment components

// CurrencyAmount ::= SEQUENCE {                                               (lines 1855-1863)
//    currency  Currency,              -- ISO-4217 currency code
//    amount    INTEGER (0..MAX),
//    amtExp10  INTEGER (MIN..MAX) }   -- value = amount * 10 ** amtExp10
struct CurrencyAmount {
  static constexpr std::string_view kName = "CurrencyAmount";
  std::int64_t currency = 0;
  std::int64_t amount = 0;
  std::int64_t amt_exp10 = 0;
  template <class V>
  void describe(V& v) {
    v(currency, "currency", spec::Currency());
    v(amount, "amount", spec::NonNegative());
    v(amt_exp10, "amtExp10", spec::Unbounded());
  }
  bool operator==(const CurrencyAmount&) const = default;
};

// Recurring ::= SEQUENCE {                                                    (lines 1969-1972)
//    recurringFrequency  INTEGER (1..ub-recurringFrequency),
//    recurringExpiry     Date }
struct Recurring {
  static constexpr std::string_view kName = "Recurring";
  std::int64_t recurring_frequency = 1;
  der::Time recurring_expiry;
  template <class V>
  void describe(V& v) {
    v(recurring_frequency, "recurringFrequency",
      spec::Integer{.min = 1, .max = ub_recurringFrequency, .name = "INTEGER (1..ub-recurringFrequency)"});
    v(recurring_expiry, "recurringExpiry", spec::Date());
  }
  bool operator==(const Recurring&) const = default;
};

// InstallRecurInd ::= CHOICE {                                                (lines 1964-1967)
//    installTotalTrans  [0] INTEGER (2..MAX),
//    recurring          [1] Recurring }
struct InstallRecurInd {
  static constexpr std::string_view kName = "InstallRecurInd";
  static constexpr bool kIsChoice = true;
  std::variant<std::int64_t, Recurring> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "installTotalTrans",
                      implicit(0, spec::Integer{.min = 2, .name = "INTEGER (2..MAX)"}));
    v.template alt<1>(value, "recurring", implicit(1, spec::Seq<Recurring>{}));
  }
  bool operator==(const InstallRecurInd&) const = default;
};

// InstallRecurData ::= SEQUENCE {                                             (lines 1957-1960)
//    installRecurInd  InstallRecurInd,
//    irExtensions     [0] MsgExtensions {{IRExtensionsIOS}} OPTIONAL }
struct InstallRecurData {
  static constexpr std::string_view kName = "InstallRecurData";
  InstallRecurInd install_recur_ind;
  std::optional<MsgExtensions> ir_extensions;
  template <class V>
  void describe(V& v) {
    v(install_recur_ind, "installRecurInd");
    v(ir_extensions, "irExtensions", implicit(0, spec::MsgExtensions()));
  }
  bool operator==(const InstallRecurData&) const = default;
};

// =============================================================================================
// Purchase request: order information, payment instructions and the dual signature
// (lines 797-913; notes §3.4-§3.8)

// HODInput ::= SEQUENCE {                                                       (lines 884-890)
//    od                OD,
//    purchAmt          CurrencyAmount,
//    odSalt            Nonce,
//    installRecurData  [0] InstallRecurData  OPTIONAL,
//    odExtensions      [1] MsgExtensions {{ODExtensionsIOS}} OPTIONAL }
struct HODInput {
  static constexpr std::string_view kName = "HODInput";
  Bytes od;
  CurrencyAmount purch_amt;
  Bytes od_salt;
  std::optional<InstallRecurData> install_recur_data;
  std::optional<MsgExtensions> od_extensions;
  template <class V>
  void describe(V& v) {
    v(od, "od", spec::OD());
    v(purch_amt, "purchAmt");
    v(od_salt, "odSalt", spec::Nonce());
    v(install_recur_data, "installRecurData", implicit(0, spec::Seq<InstallRecurData>{}));
    v(od_extensions, "odExtensions", implicit(1, spec::MsgExtensions()));
  }
  bool operator==(const HODInput&) const = default;
};

// OIData ::= SEQUENCE {                              -- Order Information Data  (lines 865-876)
//    transIDs      TransIDs,
//    rrpid         RRPID,
//    chall-C       Challenge,
//    hod           HOD,                              -- HOD ::= DD { HODInput }
//    odSalt        Nonce,
//    chall-M       Challenge  OPTIONAL,
//    brandID       BrandID,
//    bin           BIN,
//    odExtOIDs     [0] OIDList  OPTIONAL,            -- OIDList ::= SEQUENCE OF OBJECT IDENTIFIER
//    oiExtensions  [1] MsgExtensions {{OIExtensionsIOS}} OPTIONAL }
struct OIData {
  static constexpr std::string_view kName = "OIData";
  TransIDs trans_ids;
  Bytes rrpid;
  Bytes chall_c;
  DigestedData hod;
  Bytes od_salt;
  std::optional<Bytes> chall_m;
  BrandID brand_id;
  std::string bin;
  std::optional<std::vector<der::Oid>> od_ext_oids;
  std::optional<MsgExtensions> oi_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(rrpid, "rrpid", spec::RRPID());
    v(chall_c, "chall-C", spec::Challenge());
    v(hod, "hod");
    v(od_salt, "odSalt", spec::Nonce());
    v(chall_m, "chall-M", spec::Challenge());
    v(brand_id, "brandID", spec::BrandID());
    v(bin, "bin", spec::BIN());
    v(od_ext_oids, "odExtOIDs", implicit(0, spec::SeqOf<spec::ObjectId>{.name = "OIDList"}));
    v(oi_extensions, "oiExtensions", implicit(1, spec::MsgExtensions()));
  }
};

// Inputs ::= SEQUENCE { hod HOD, purchAmt CurrencyAmount }                     (lines 858-861)
struct Inputs {
  static constexpr std::string_view kName = "Inputs";
  DigestedData hod;
  CurrencyAmount purch_amt;
  template <class V>
  void describe(V& v) {
    v(hod, "hod");
    v(purch_amt, "purchAmt");
  }
};

// PIHead ::= SEQUENCE {                                                         (lines 845-854)
//    transIDs          TransIDs,
//    inputs            Inputs,
//    merchantID        MerchantID,
//    installRecurData  [0] InstallRecurData  OPTIONAL,
//    transStain        TransStain,
//    swIdent           SWIdent,
//    acqBackKeyData    [1] EXPLICIT BackKeyData  OPTIONAL,
//    piExtensions      [2] MsgExtensions {{PIExtensionsIOS}} OPTIONAL }
struct PIHead {
  static constexpr std::string_view kName = "PIHead";
  TransIDs trans_ids;
  Inputs inputs;
  MerchantID merchant_id;
  std::optional<InstallRecurData> install_recur_data;
  Bytes trans_stain;
  std::string sw_ident;
  std::optional<BackKeyData> acq_back_key_data;
  std::optional<MsgExtensions> pi_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(inputs, "inputs");
    v(merchant_id, "merchantID", spec::MerchantID());
    v(install_recur_data, "installRecurData", implicit(0, spec::Seq<InstallRecurData>{}));
    v(trans_stain, "transStain", spec::TransStain());
    v(sw_ident, "swIdent", spec::SWIdent());
    v(acq_back_key_data, "acqBackKeyData", explicit_(1, spec::Seq<BackKeyData>{}));
    v(pi_extensions, "piExtensions", implicit(2, spec::MsgExtensions()));
  }
};

// PIData ::= SEQUENCE { piHead PIHead, panData PANData }                       (lines 840-843)
struct PIData {
  static constexpr std::string_view kName = "PIData";
  PIHead pi_head;
  PANData pan_data;
  template <class V>
  void describe(V& v) {
    v(pi_head, "piHead");
    v(pan_data, "panData");
  }
};

// PIDataUnsigned ::= SEQUENCE { piHead PIHead, panToken PANToken }             (lines 905-908)
struct PIDataUnsigned {
  static constexpr std::string_view kName = "PIDataUnsigned";
  PIHead pi_head;
  PANToken pan_token;
  template <class V>
  void describe(V& v) {
    v(pi_head, "piHead");
    v(pan_token, "panToken");
  }
};

// Linkages (L{T1, T2} ::= SEQUENCE { t1 T1, t2 DD{T2} })
using PIOILink = L<PIHead, "PI-OILink">;            // PI-OILink ::= L { PIHead, OIData }
using OIDualSigned = L<OIData, "OIDualSigned">;      // OIDualSigned ::= L { OIData, PIData }
using OIUnsigned = L<OIData, "OIUnsigned">;          // OIUnsigned ::= L { OIData, PIDataUnsigned }
using PIDualSignedTBE = L<PIOILink, "PIDualSignedTBE">;  // L { PI-OILink, PANData }   (EX plaintext)
using PIUnsignedTBE = L<PIOILink, "PIUnsignedTBE">;      // L { PI-OILink, PANToken }  (EXH plaintext)

// PIDualSigned ::= SEQUENCE {                                                   (lines 811-814)
//    piSignature  PISignature,                  -- SO { C, PI-TBS }
//    exPIData     EX { P, PI-OILink, PANData } }
struct PIDualSigned {
  static constexpr std::string_view kName = "PIDualSigned";
  SignedData pi_signature;
  EnvelopedData ex_pi_data;
  template <class V>
  void describe(V& v) {
    v(pi_signature, "piSignature");
    v(ex_pi_data, "exPIData");
  }
};

// PReqDualSigned ::= SEQUENCE { piDualSigned PIDualSigned, oiDualSigned OIDualSigned }
struct PReqDualSigned {
  static constexpr std::string_view kName = "PReqDualSigned";
  PIDualSigned pi_dual_signed;
  OIDualSigned oi_dual_signed;
  template <class V>
  void describe(V& v) {
    v(pi_dual_signed, "piDualSigned");
    v(oi_dual_signed, "oiDualSigned");
  }
};

// PReqUnsigned ::= SEQUENCE {       -- Sent by cardholders without certificates (lines 898-901)
//    piUnsigned  PIUnsigned,        -- EXH { P, PI-OILink, PANToken }
//    oiUnsigned  OIUnsigned }
struct PReqUnsigned {
  static constexpr std::string_view kName = "PReqUnsigned";
  EnvelopedData pi_unsigned;
  OIUnsigned oi_unsigned;
  template <class V>
  void describe(V& v) {
    v(pi_unsigned, "piUnsigned");
    v(oi_unsigned, "oiUnsigned");
  }
};

// PReq ::= CHOICE {                                                             (lines 799-802)
//    pReqDualSigned  [0] EXPLICIT PReqDualSigned,
//    pReqUnsigned    [1] EXPLICIT PReqUnsigned }
struct PReq {
  static constexpr std::string_view kName = "PReq";
  static constexpr bool kIsChoice = true;
  std::variant<PReqDualSigned, PReqUnsigned> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "pReqDualSigned", explicit_(0, spec::Seq<PReqDualSigned>{}));
    v.template alt<1>(value, "pReqUnsigned", explicit_(1, spec::Seq<PReqUnsigned>{}));
  }
};

// PI ::= CHOICE {                                                               (lines 834-838)
//    piUnsigned    [0] EXPLICIT PIUnsigned,     -- EXH { P, PI-OILink, PANToken }
//    piDualSigned  [1] EXPLICIT PIDualSigned,
//    authToken     [2] EXPLICIT AuthToken }     -- EncX { P1, P2, AuthTokenData, PANToken }
struct PI {
  static constexpr std::string_view kName = "PI";
  static constexpr bool kIsChoice = true;
  std::variant<EnvelopedData, PIDualSigned, EnvelopedData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "piUnsigned", explicit_(0, spec::Seq<EnvelopedData>{}));
    v.template alt<1>(value, "piDualSigned", explicit_(1, spec::Seq<PIDualSigned>{}));
    v.template alt<2>(value, "authToken", explicit_(2, spec::Seq<EnvelopedData>{}));
  }
};

// =============================================================================================
// Purchase initialization (lines 766-795; notes §3.2, §3.3)

// PInitReq ::= SEQUENCE {
//    rrpid           RRPID,
//    language        Language,
//    localID-C       LocalID,
//    localID-M       [0] LocalID  OPTIONAL,
//    chall-C         Challenge,
//    brandID         BrandID,
//    bin             BIN,
//    thumbs          [1] EXPLICIT Thumbs  OPTIONAL,
//    piRqExtensions  [2] MsgExtensions {{PIRqExtensionsIOS}}  OPTIONAL }
struct PInitReq {
  static constexpr std::string_view kName = "PInitReq";
  Bytes rrpid;
  std::string language;
  Bytes local_id_c;
  std::optional<Bytes> local_id_m;
  Bytes chall_c;
  BrandID brand_id;
  std::string bin;
  std::optional<Thumbs> thumbs;
  std::optional<MsgExtensions> pi_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(language, "language", spec::Language());
    v(local_id_c, "localID-C", spec::LocalID());
    v(local_id_m, "localID-M", implicit(0, spec::LocalID()));
    v(chall_c, "chall-C", spec::Challenge());
    v(brand_id, "brandID", spec::BrandID());
    v(bin, "bin", spec::BIN());
    v(thumbs, "thumbs", explicit_(1, spec::Seq<Thumbs>{}));
    v(pi_rq_extensions, "piRqExtensions", implicit(2, spec::MsgExtensions()));
  }
  bool operator==(const PInitReq&) const = default;
};

// PInitRes ::= S { M, PInitResData }
// PInitResData ::= SEQUENCE {
//    transIDs            TransIDs,
//    rrpid               RRPID,
//    chall-C             Challenge,
//    chall-M             Challenge,
//    brandCRLIdentifier  [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    peThumb             [1] EXPLICIT CertThumb,
//    thumbs              [2] EXPLICIT Thumbs  OPTIONAL,
//    piRsExtensions      [3] MsgExtensions {{PIRsExtensionsIOS}}  OPTIONAL }
struct PInitResData {
  static constexpr std::string_view kName = "PInitResData";
  TransIDs trans_ids;
  Bytes rrpid;
  Bytes chall_c;
  Bytes chall_m;
  std::optional<Bytes> brand_crl_identifier;
  CertThumb pe_thumb;
  std::optional<Thumbs> thumbs;
  std::optional<MsgExtensions> pi_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(rrpid, "rrpid", spec::RRPID());
    v(chall_c, "chall-C", spec::Challenge());
    v(chall_m, "chall-M", spec::Challenge());
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(pe_thumb, "peThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(thumbs, "thumbs", explicit_(2, spec::Seq<Thumbs>{}));
    v(pi_rs_extensions, "piRsExtensions", implicit(3, spec::MsgExtensions()));
  }
  bool operator==(const PInitResData&) const = default;
};

// =============================================================================================
// Purchase response (lines 915-973; notes §3.10)

// CompletionCode ::= ENUMERATED { meaninglessRatio (0), ... creditPerformed (6) }
enum class CompletionCode : std::int64_t {
  kMeaninglessRatio = 0,        // PurchAmt = 0; ratio cannot be computed
  kOrderRejected = 1,           // Merchant cannot process order
  kOrderReceived = 2,           // No processing to report
  kOrderNotReceived = 3,        // InqReq received without PReq
  kAuthorizationPerformed = 4,  // See AuthStatus for details
  kCapturePerformed = 5,        // See CapStatus for details
  kCreditPerformed = 6,         // See CreditStatus for details
};

// AuthCode ::= ENUMERATED { approved (0), ... cardMerchBrandMismatch (16) }  (lines 1154-1172)
enum class AuthCode : std::int64_t {
  kApproved = 0, kUnspecifiedFailure = 1, kDeclined = 2, kNoReply = 3, kCallIssuer = 4,
  kAmountError = 5, kExpiredCard = 6, kInvalidTransaction = 7, kSystemError = 8,
  kPiPreviouslyUsed = 9, kRecurringTooSoon = 10, kRecurringExpired = 11, kPiAuthMismatch = 12,
  kInstallRecurMismatch = 13, kCaptureNotSupported = 14, kSignatureRequired = 15,
  kCardMerchBrandMismatch = 16,
};

// CapCode ::= ENUMERATED { success (0), ... unknownLID (11) }                (lines 1406-1419)
enum class CapCode : std::int64_t {
  kSuccess = 0, kUnspecifiedFailure = 1, kDuplicateRequest = 2, kAuthExpired = 3,
  kAuthDataMissing = 4, kInvalidAuthData = 5, kCapTokenMissing = 6, kInvalidCapToken = 7,
  kBatchUnknown = 8, kBatchClosed = 9, kUnknownXID = 10, kUnknownLID = 11,
};

// CapRevOrCredCode ::= ENUMERATED { success (0), ... batchClosed (11) }      (lines 1476-1489)
enum class CapRevOrCredCode : std::int64_t {
  kSuccess = 0, kUnspecifiedFailure = 1, kDuplicateRequest = 2, kOriginalProcessed = 3,
  kOriginalNotFound = 4, kCapPurged = 5, kCapDataMismatch = 6, kMissingCapData = 7,
  kMissingCapToken = 8, kInvalidCapToken = 9, kBatchUnknown = 10, kBatchClosed = 11,
};

namespace spec {
inline Enumerated<::openset::asn1::CompletionCode> CompletionCode() {
  return {.name = "CompletionCode",
          .named = {{0, "meaninglessRatio"}, {1, "orderRejected"}, {2, "orderReceived"},
                    {3, "orderNotReceived"}, {4, "authorizationPerformed"},
                    {5, "capturePerformed"}, {6, "creditPerformed"}}};
}
inline Enumerated<::openset::asn1::AuthCode> AuthCode() {
  return {.name = "AuthCode",
          .named = {{0, "approved"}, {1, "unspecifiedFailure"}, {2, "declined"}, {3, "noReply"},
                    {4, "callIssuer"}, {5, "amountError"}, {6, "expiredCard"},
                    {7, "invalidTransaction"}, {8, "systemError"}, {9, "piPreviouslyUsed"},
                    {10, "recurringTooSoon"}, {11, "recurringExpired"}, {12, "piAuthMismatch"},
                    {13, "installRecurMismatch"}, {14, "captureNotSupported"},
                    {15, "signatureRequired"}, {16, "cardMerchBrandMismatch"}}};
}
inline Enumerated<::openset::asn1::CapCode> CapCode() {
  return {.name = "CapCode",
          .named = {{0, "success"}, {1, "unspecifiedFailure"}, {2, "duplicateRequest"},
                    {3, "authExpired"}, {4, "authDataMissing"}, {5, "invalidAuthData"},
                    {6, "capTokenMissing"}, {7, "invalidCapToken"}, {8, "batchUnknown"},
                    {9, "batchClosed"}, {10, "unknownXID"}, {11, "unknownLID"}}};
}
inline Enumerated<::openset::asn1::CapRevOrCredCode> CapRevOrCredCode() {
  return {.name = "CapRevOrCredCode",
          .named = {{0, "success"}, {1, "unspecifiedFailure"}, {2, "duplicateRequest"},
                    {3, "originalProcessed"}, {4, "originalNotFound"}, {5, "capPurged"},
                    {6, "capDataMismatch"}, {7, "missingCapData"}, {8, "missingCapToken"},
                    {9, "invalidCapToken"}, {10, "batchUnknown"}, {11, "batchClosed"}}};
}
}  // namespace spec

// CurrConv ::= SEQUENCE { currConvRate FloatingPoint, cardCurr Currency }     (lines 1865-1868)
struct CurrConv {
  static constexpr std::string_view kName = "CurrConv";
  double curr_conv_rate = 0.0;
  std::int64_t card_curr = 0;
  template <class V>
  void describe(V& v) {
    v(curr_conv_rate, "currConvRate", spec::FloatingPoint());
    v(card_curr, "cardCurr", spec::Currency());
  }
  bool operator==(const CurrConv&) const = default;
};

// AuthStatus ::= SEQUENCE {                                                     (lines 952-957)
//    authDate   Date,
//    authCode   AuthCode,
//    authRatio  FloatingPoint,
//    currConv   [0] CurrConv  OPTIONAL }
struct AuthStatus {
  static constexpr std::string_view kName = "AuthStatus";
  der::Time auth_date;
  AuthCode auth_code = AuthCode::kApproved;
  double auth_ratio = 0.0;
  std::optional<CurrConv> curr_conv;
  template <class V>
  void describe(V& v) {
    v(auth_date, "authDate", spec::Date());
    v(auth_code, "authCode", spec::AuthCode());
    v(auth_ratio, "authRatio", spec::FloatingPoint());
    v(curr_conv, "currConv", implicit(0, spec::Seq<CurrConv>{}));
  }
  bool operator==(const AuthStatus&) const = default;
};

// CapStatus ::= SEQUENCE { capDate Date, capCode CapCode, capRatio FloatingPoint }
struct CapStatus {
  static constexpr std::string_view kName = "CapStatus";
  der::Time cap_date;
  CapCode cap_code = CapCode::kSuccess;
  double cap_ratio = 0.0;
  template <class V>
  void describe(V& v) {
    v(cap_date, "capDate", spec::Date());
    v(cap_code, "capCode", spec::CapCode());
    v(cap_ratio, "capRatio", spec::FloatingPoint());
  }
  bool operator==(const CapStatus&) const = default;
};

// CreditStatus ::= SEQUENCE {
//    creditDate Date, creditCode CapRevOrCredCode, creditRatio FloatingPoint }
struct CreditStatus {
  static constexpr std::string_view kName = "CreditStatus";
  der::Time credit_date;
  CapRevOrCredCode credit_code = CapRevOrCredCode::kSuccess;
  double credit_ratio = 0.0;
  template <class V>
  void describe(V& v) {
    v(credit_date, "creditDate", spec::Date());
    v(credit_code, "creditCode", spec::CapRevOrCredCode());
    v(credit_ratio, "creditRatio", spec::FloatingPoint());
  }
  bool operator==(const CreditStatus&) const = default;
};

// Results ::= SEQUENCE {                                                        (lines 945-950)
//    acqCardMsg     [0] EXPLICIT AcqCardMsg  OPTIONAL,  -- EncK { AcqBackKey, P, AcqCardCodeMsg }
//    authStatus     [1] AuthStatus  OPTIONAL,
//    capStatus      [2] CapStatus  OPTIONAL,
//    credStatusSeq  [3] CreditStatusSeq  OPTIONAL }     -- SEQUENCE SIZE(1..MAX) OF CreditStatus
struct Results {
  static constexpr std::string_view kName = "Results";
  std::optional<EncryptedData> acq_card_msg;
  std::optional<AuthStatus> auth_status;
  std::optional<CapStatus> cap_status;
  std::optional<std::vector<CreditStatus>> cred_status_seq;
  template <class V>
  void describe(V& v) {
    v(acq_card_msg, "acqCardMsg", explicit_(0, spec::Seq<EncryptedData>{}));
    v(auth_status, "authStatus", implicit(1, spec::Seq<AuthStatus>{}));
    v(cap_status, "capStatus", implicit(2, spec::Seq<CapStatus>{}));
    v(cred_status_seq, "credStatusSeq",
      implicit(3, spec::SeqOf<spec::Seq<CreditStatus>>{.size = {1, SIZE_MAX}, .name = "CreditStatusSeq"}));
  }
};

// PResPayload ::= SEQUENCE {                                                    (lines 927-931)
//    completionCode  CompletionCode,
//    results         Results  OPTIONAL,
//    pRsExtensions   [0] MsgExtensions {{PRsExtensionsIOS}} OPTIONAL }
struct PResPayload {
  static constexpr std::string_view kName = "PResPayload";
  CompletionCode completion_code = CompletionCode::kOrderReceived;
  std::optional<Results> results;
  std::optional<MsgExtensions> p_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(completion_code, "completionCode", spec::CompletionCode());
    v(results, "results");
    v(p_rs_extensions, "pRsExtensions", implicit(0, spec::MsgExtensions()));
  }
};

// PRes ::= S { M, PResData }
// PResData ::= SEQUENCE {                                                       (lines 917-923)
//    transIDs            TransIDs,
//    rrpid               RRPID,
//    chall-C             Challenge,
//    brandCRLIdentifier  [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    pResPayloadSeq      PResPayloadSeq }     -- SEQUENCE SIZE(1..MAX) OF PResPayload
struct PResData {
  static constexpr std::string_view kName = "PResData";
  TransIDs trans_ids;
  Bytes rrpid;
  Bytes chall_c;
  std::optional<Bytes> brand_crl_identifier;
  std::vector<PResPayload> p_res_payload_seq;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(rrpid, "rrpid", spec::RRPID());
    v(chall_c, "chall-C", spec::Challenge());
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(p_res_payload_seq, "pResPayloadSeq",
      spec::SeqOf<spec::Seq<PResPayload>>{.size = {1, SIZE_MAX}, .name = "PResPayloadSeq"});
  }
};

// =============================================================================================
// Purchase inquiry (lines 975-991; notes §3.11)

// InqReqData ::= SEQUENCE {
//    transIDs         TransIDs,
//    rrpid            RRPID,
//    chall-C2         Challenge,
//    inqRqExtensions  [0] MsgExtensions {{InqRqExtensionsIOS}}  OPTIONAL }
struct InqReqData {
  static constexpr std::string_view kName = "InqReqData";
  TransIDs trans_ids;
  Bytes rrpid;
  Bytes chall_c2;
  std::optional<MsgExtensions> inq_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(rrpid, "rrpid", spec::RRPID());
    v(chall_c2, "chall-C2", spec::Challenge());
    v(inq_rq_extensions, "inqRqExtensions", implicit(0, spec::MsgExtensions()));
  }
  bool operator==(const InqReqData&) const = default;
};

// InqReq ::= CHOICE {
//    inqReqSigned    [0] EXPLICIT InqReqSigned,     -- S { C, InqReqData }
//    inqReqUnsigned  [1] EXPLICIT InqReqData }
struct InqReq {
  static constexpr std::string_view kName = "InqReq";
  static constexpr bool kIsChoice = true;
  std::variant<SignedData, InqReqData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "inqReqSigned", explicit_(0, spec::Seq<SignedData>{}));
    v.template alt<1>(value, "inqReqUnsigned", explicit_(1, spec::Seq<InqReqData>{}));
  }
};

// =============================================================================================
// Tokens and merchant/terminal identification (lines 1799-1974)

// MerTermIDs ::= SEQUENCE {                                                   (lines 1918-1924)
//    merchantID  MerchantID,
//    terminalID  VisibleString (SIZE(1..ub-terminalID)) OPTIONAL,
//    agentNum    INTEGER (0..MAX)  OPTIONAL,
//    chainNum    [0] INTEGER (0..MAX)  OPTIONAL,
//    storeNum    [1] INTEGER (0..MAX)  OPTIONAL }
struct MerTermIDs {
  static constexpr std::string_view kName = "MerTermIDs";
  MerchantID merchant_id;
  std::optional<std::string> terminal_id;
  std::optional<std::int64_t> agent_num;
  std::optional<std::int64_t> chain_num;
  std::optional<std::int64_t> store_num;
  template <class V>
  void describe(V& v) {
    v(merchant_id, "merchantID", spec::MerchantID());
    v(terminal_id, "terminalID",
      spec::Str{.type = der::tags::kVisibleString, .size = {1, ub_terminalID}});
    v(agent_num, "agentNum", spec::NonNegative());
    v(chain_num, "chainNum", implicit(0, spec::NonNegative()));
    v(store_num, "storeNum", implicit(1, spec::NonNegative()));
  }
  bool operator==(const MerTermIDs&) const = default;
};

// RRTags ::= SEQUENCE { rrpid RRPID, merTermIDs MerTermIDs, currentDate Date } (lines 1926-1930)
struct RRTags {
  static constexpr std::string_view kName = "RRTags";
  Bytes rrpid;
  MerTermIDs mer_term_ids;
  der::Time current_date;
  template <class V>
  void describe(V& v) {
    v(rrpid, "rrpid", spec::RRPID());
    v(mer_term_ids, "merTermIDs");
    v(current_date, "currentDate", spec::Date());
  }
  bool operator==(const RRTags&) const = default;
};

// AuthTokenData ::= SEQUENCE {                                                (lines 1812-1822)
//    transIDs          TransIDs,
//    purchAmt          CurrencyAmount,
//    merchantID        MerchantID,
//    acqBackKeyData    BackKeyData  OPTIONAL,
//    installRecurData  [0] InstallRecurData  OPTIONAL,
//    recurringCount    [1] INTEGER (1..MAX)  OPTIONAL,
//    prevAuthDateTime  Date,
//    totalAuthAmount   [2] CurrencyAmount  OPTIONAL,
//    authTokenOpaque   [3] EXPLICIT TokenOpaque OPTIONAL }
struct AuthTokenData {
  static constexpr std::string_view kName = "AuthTokenData";
  TransIDs trans_ids;
  CurrencyAmount purch_amt;
  MerchantID merchant_id;
  std::optional<BackKeyData> acq_back_key_data;
  std::optional<InstallRecurData> install_recur_data;
  std::optional<std::int64_t> recurring_count;
  der::Time prev_auth_date_time;
  std::optional<CurrencyAmount> total_auth_amount;
  std::optional<Bytes> auth_token_opaque;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(purch_amt, "purchAmt");
    v(merchant_id, "merchantID", spec::MerchantID());
    v(acq_back_key_data, "acqBackKeyData");
    v(install_recur_data, "installRecurData", implicit(0, spec::Seq<InstallRecurData>{}));
    v(recurring_count, "recurringCount", implicit(1, spec::Integer{.min = 1, .name = "INTEGER (1..MAX)"}));
    v(prev_auth_date_time, "prevAuthDateTime", spec::Date());
    v(total_auth_amount, "totalAuthAmount", implicit(2, spec::Seq<CurrencyAmount>{}));
    v(auth_token_opaque, "authTokenOpaque", explicit_(3, spec::TokenOpaque()));
  }
  bool operator==(const AuthTokenData&) const = default;
};

// AuthTokenTBS ::= SEQUENCE { authTokenData AuthTokenData, panToken PANToken } (lines 1807-1810)
struct AuthTokenTBS {
  static constexpr std::string_view kName = "AuthTokenTBS";
  AuthTokenData auth_token_data;
  PANToken pan_token;
  template <class V>
  void describe(V& v) {
    v(auth_token_data, "authTokenData");
    v(pan_token, "panToken");
  }
};

// AuthTokenTBE ::= SEQUENCE { authTokenData AuthTokenData, s SO { P1, AuthTokenTBS } }
struct AuthTokenTBE {
  static constexpr std::string_view kName = "AuthTokenTBE";
  AuthTokenData auth_token_data;
  SignedData s;
  template <class V>
  void describe(V& v) {
    v(auth_token_data, "authTokenData");
    v(s, "s");
  }
};

// CapTokenData ::= SEQUENCE {                                                 (lines 1847-1851)
//    authRRPID    RRPID,
//    authAmt      CurrencyAmount,
//    tokenOpaque  TokenOpaque }
struct CapTokenData {
  static constexpr std::string_view kName = "CapTokenData";
  Bytes auth_rrpid;
  CurrencyAmount auth_amt;
  Bytes token_opaque;
  template <class V>
  void describe(V& v) {
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(auth_amt, "authAmt");
    v(token_opaque, "tokenOpaque", spec::TokenOpaque());
  }
  bool operator==(const CapTokenData&) const = default;
};

// CapTokenTBS ::= SEQUENCE { capTokenData CapTokenData, panToken PANToken }
struct CapTokenTBS {
  static constexpr std::string_view kName = "CapTokenTBS";
  CapTokenData cap_token_data;
  PANToken pan_token;
  template <class V>
  void describe(V& v) {
    v(cap_token_data, "capTokenData");
    v(pan_token, "panToken");
  }
};

// CapTokenTBEX ::= SEQUENCE { capTokenData CapTokenData, s SO { P1, CapTokenTBS } }
struct CapTokenTBEX {
  static constexpr std::string_view kName = "CapTokenTBEX";
  CapTokenData cap_token_data;
  SignedData s;
  template <class V>
  void describe(V& v) {
    v(cap_token_data, "capTokenData");
    v(s, "s");
  }
};

// CapToken ::= CHOICE {                                                       (lines 1828-1832)
//    encX  [0] EXPLICIT EncX { P1, P2, CapTokenData, PANToken },
//    enc   [1] EXPLICIT Enc { P1, P2, CapTokenData },
//    null  [2] EXPLICIT NULL }
struct CapToken {
  static constexpr std::string_view kName = "CapToken";
  static constexpr bool kIsChoice = true;
  std::variant<EnvelopedData, EnvelopedData, spec::NullValue> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "encX", explicit_(0, spec::Seq<EnvelopedData>{}));
    v.template alt<1>(value, "enc", explicit_(1, spec::Seq<EnvelopedData>{}));
    v.template alt<2>(value, "null", explicit_(2, spec::Null{}));
  }
};

namespace spec {
// CapTokenSeq ::= SEQUENCE SIZE(1..MAX) OF CapToken                                (line 1853)
inline SeqOf<Choice<::openset::asn1::CapToken>> CapTokenSeq() {
  return {.size = {1, SIZE_MAX}, .name = "CapTokenSeq"};
}
}  // namespace spec

// AcqCardCode ::= ENUMERATED { messageOfDay (0), accountInfo (1), callCustomerService (2) }
enum class AcqCardCode : std::int64_t { kMessageOfDay = 0, kAccountInfo = 1, kCallCustomerService = 2 };
namespace spec {
inline Enumerated<::openset::asn1::AcqCardCode> AcqCardCode() {
  return {.name = "AcqCardCode",
          .named = {{0, "messageOfDay"}, {1, "accountInfo"}, {2, "callCustomerService"}}};
}
}  // namespace spec

// AcqCardMsgData ::= SEQUENCE {                                               (lines 1132-1136)
//    acqCardText   [0] EXPLICIT SETString { ub-acqCardText }  OPTIONAL,
//    acqCardURL    [1] URL  OPTIONAL,
//    acqCardPhone  [2] EXPLICIT SETString { ub-acqCardPhone }  OPTIONAL }
struct AcqCardMsgData {
  static constexpr std::string_view kName = "AcqCardMsgData";
  using Text = SETString<ub_acqCardText, "SETString{ub-acqCardText}">;
  using CardPhone = SETString<ub_acqCardPhone, "SETString{ub-acqCardPhone}">;
  std::optional<Text> acq_card_text;
  std::optional<std::string> acq_card_url;
  std::optional<CardPhone> acq_card_phone;
  template <class V>
  void describe(V& v) {
    v(acq_card_text, "acqCardText", explicit_(0, spec::Choice<Text>{}));
    v(acq_card_url, "acqCardURL", implicit(1, spec::URL()));
    v(acq_card_phone, "acqCardPhone", explicit_(2, spec::Choice<CardPhone>{}));
  }
  bool operator==(const AcqCardMsgData&) const = default;
};

// AcqCardCodeMsg ::= SEQUENCE { acqCardCode AcqCardCode, acqCardMsgData AcqCardMsgData }
struct AcqCardCodeMsg {
  static constexpr std::string_view kName = "AcqCardCodeMsg";
  AcqCardCode acq_card_code = AcqCardCode::kMessageOfDay;
  AcqCardMsgData acq_card_msg_data;
  template <class V>
  void describe(V& v) {
    v(acq_card_code, "acqCardCode", spec::AcqCardCode());
    v(acq_card_msg_data, "acqCardMsgData");
  }
  bool operator==(const AcqCardCodeMsg&) const = default;
};

// =============================================================================================
// Authorization (lines 993-1239; notes §4)

enum class SpecialProcessing : std::int64_t { kDirectMarketing = 0, kPreferredCustomer = 1 };
enum class CardSuspect : std::int64_t { kUnspecifiedReason = 0 };
enum class MerchGroup : std::int64_t {
  kCommercialTravel = 1, kLodging = 2, kAutomobileRental = 3, kRestaurant = 4, kMedical = 5,
  kMailOrPhoneOrder = 6, kRiskyPurchase = 7, kOther = 8,
};
enum class RespReason : std::int64_t {
  kIssuer = 0, kStandInTimeOut = 1, kStandInFloorLimit = 2, kStandInSuppressInquiries = 3,
  kStandInIssuerUnavailable = 4, kStandInIssuerRequest = 5,
};
enum class CardType : std::int64_t {
  kUnavailable = 0, kClassic = 1, kGold = 2, kPlatinum = 3, kPremier = 4, kDebit = 5,
  kPinBasedDebit = 6, kAtm = 7, kElectronicOnly = 8, kUnspecifiedConsumer = 9,
  kCorporateTravel = 10, kPurchasing = 11, kBusiness = 12, kUnspecifiedCommercial = 13,
  kPrivateLabel = 14, kProprietary = 15,
};
enum class AVSResult : std::int64_t {
  kResultUnavailable = 0, kNoMatch = 1, kAddressMatchOnly = 2, kPostalCodeMatchOnly = 3,
  kFullMatch = 4,
};
enum class AuthCharInd : std::int64_t {
  kDirectMarketing = 0, kRecurringPayment = 1, kAddressVerification = 2, kPreferredCustomer = 3,
  kIncrementalAuth = 4,
};
enum class MarketSpecDataID : std::int64_t { kFailedEdit = 0, kAuto = 1, kHotel = 2, kTransport = 3 };
enum class Prestige : std::int64_t { kUnknown = 0, kLevel1 = 1, kLevel2 = 2, kLevel3 = 3 };
enum class PayRecurInd : std::int64_t {
  kUnknown = 0, kSingleTransaction = 1, kRecurringTransaction = 2, kInstallmentPayment = 3,
  kOtherMailOrder = 4,
};
enum class CloseStatus : std::int64_t { kClosedbyMerchant = 0, kClosedbyAcquirer = 1 };

namespace spec {
inline Enumerated<::openset::asn1::SpecialProcessing> SpecialProcessing() {
  return {.name = "SpecialProcessing", .named = {{0, "directMarketing"}, {1, "preferredCustomer"}}};
}
inline Enumerated<::openset::asn1::CardSuspect> CardSuspect() {
  return {.name = "CardSuspect", .named = {{0, "unspecifiedReason"}}};
}
inline Enumerated<::openset::asn1::MerchGroup> MerchGroup() {
  return {.name = "MerchGroup",
          .named = {{1, "commercialTravel"}, {2, "lodging"}, {3, "automobileRental"},
                    {4, "restaurant"}, {5, "medical"}, {6, "mailOrPhoneOrder"},
                    {7, "riskyPurchase"}, {8, "other"}}};
}
inline Enumerated<::openset::asn1::RespReason> RespReason() {
  return {.name = "RespReason",
          .named = {{0, "issuer"}, {1, "standInTimeOut"}, {2, "standInFloorLimit"},
                    {3, "standInSuppressInquiries"}, {4, "standInIssuerUnavailable"},
                    {5, "standInIssuerRequest"}}};
}
inline Enumerated<::openset::asn1::CardType> CardType() {
  return {.name = "CardType",
          .named = {{0, "unavailable"}, {1, "classic"}, {2, "gold"}, {3, "platinum"},
                    {4, "premier"}, {5, "debit"}, {6, "pinBasedDebit"}, {7, "atm"},
                    {8, "electronicOnly"}, {9, "unspecifiedConsumer"}, {10, "corporateTravel"},
                    {11, "purchasing"}, {12, "business"}, {13, "unspecifiedCommercial"},
                    {14, "privateLabel"}, {15, "proprietary"}}};
}
inline Enumerated<::openset::asn1::AVSResult> AVSResult() {
  return {.name = "AVSResult",
          .named = {{0, "resultUnavailable"}, {1, "noMatch"}, {2, "addressMatchOnly"},
                    {3, "postalCodeMatchOnly"}, {4, "fullMatch"}}};
}
inline Enumerated<::openset::asn1::AuthCharInd> AuthCharInd() {
  return {.name = "AuthCharInd",
          .named = {{0, "directMarketing"}, {1, "recurringPayment"}, {2, "addressVerification"},
                    {3, "preferredCustomer"}, {4, "incrementalAuth"}}};
}
inline Enumerated<::openset::asn1::MarketSpecDataID> MarketSpecDataID() {
  return {.name = "MarketSpecDataID",
          .named = {{0, "failedEdit"}, {1, "auto"}, {2, "hotel"}, {3, "transport"}}};
}
inline Enumerated<::openset::asn1::Prestige> Prestige() {
  return {.name = "Prestige",
          .named = {{0, "unknown"}, {1, "level-1"}, {2, "level-2"}, {3, "level-3"}}};
}
inline Enumerated<::openset::asn1::PayRecurInd> PayRecurInd() {
  return {.name = "PayRecurInd",
          .named = {{0, "unknown"}, {1, "singleTransaction"}, {2, "recurringTransaction"},
                    {3, "installmentPayment"}, {4, "otherMailOrder"}}};
}
inline Enumerated<::openset::asn1::CloseStatus> CloseStatus() {
  return {.name = "CloseStatus", .named = {{0, "closedbyMerchant"}, {1, "closedbyAcquirer"}}};
}
}  // namespace spec

// AuthTags ::= SEQUENCE { authRRTags RRTags, transIDs TransIDs,              (lines 1016-1020)
//                         authRetNum AuthRetNum  OPTIONAL }
struct AuthTags {
  static constexpr std::string_view kName = "AuthTags";
  RRTags auth_rr_tags;
  TransIDs trans_ids;
  std::optional<std::int64_t> auth_ret_num;
  template <class V>
  void describe(V& v) {
    v(auth_rr_tags, "authRRTags");
    v(trans_ids, "transIDs");
    v(auth_ret_num, "authRetNum", spec::AuthRetNum());
  }
  bool operator==(const AuthTags&) const = default;
};

// CheckDigests ::= SEQUENCE { hOIData HOIData, hod2 HOD }                     (lines 1022-1025)
struct CheckDigests {
  static constexpr std::string_view kName = "CheckDigests";
  DigestedData h_oi_data;
  DigestedData hod2;
  template <class V>
  void describe(V& v) {
    v(h_oi_data, "hOIData");
    v(hod2, "hod2");
  }
};

// AVSData ::= SEQUENCE { streetAddress SETString { ub-AVSData } OPTIONAL, location Location }
struct AVSData {
  static constexpr std::string_view kName = "AVSData";
  using StreetAddress = SETString<ub_AVSData, "SETString{ub-AVSData}">;
  std::optional<StreetAddress> street_address;
  Location location;
  template <class V>
  void describe(V& v) {
    v(street_address, "streetAddress");
    v(location, "location");
  }
  bool operator==(const AVSData&) const = default;
};

// MerchData ::= SEQUENCE { merchCatCode MerchCatCode OPTIONAL,                (lines 1061-1064)
//                          merchGroup MerchGroup OPTIONAL }
// MerchCatCode ::= NumericString (SIZE(ub-merType))   -- ANSI X9.10
struct MerchData {
  static constexpr std::string_view kName = "MerchData";
  std::optional<std::string> merch_cat_code;
  std::optional<MerchGroup> merch_group;
  template <class V>
  void describe(V& v) {
    v(merch_cat_code, "merchCatCode",
      spec::Str{.type = der::tags::kNumericString, .size = {ub_merType, ub_merType}, .name = "MerchCatCode"});
    v(merch_group, "merchGroup", spec::MerchGroup());
  }
  bool operator==(const MerchData&) const = default;
};

// MarketAutoAuth ::= SEQUENCE { duration Duration }          -- Duration ::= INTEGER (1..99)
struct MarketAutoAuth {
  static constexpr std::string_view kName = "MarketAutoAuth";
  std::int64_t duration = 1;
  template <class V>
  void describe(V& v) {
    v(duration, "duration", spec::Integer{.min = 1, .max = 99, .name = "Duration"});
  }
  bool operator==(const MarketAutoAuth&) const = default;
};

// MarketHotelAuth ::= SEQUENCE { duration Duration, prestige Prestige OPTIONAL }
struct MarketHotelAuth {
  static constexpr std::string_view kName = "MarketHotelAuth";
  std::int64_t duration = 1;
  std::optional<Prestige> prestige;
  template <class V>
  void describe(V& v) {
    v(duration, "duration", spec::Integer{.min = 1, .max = 99, .name = "Duration"});
    v(prestige, "prestige", spec::Prestige());
  }
  bool operator==(const MarketHotelAuth&) const = default;
};

// MarketSpecAuthData ::= CHOICE {                                             (lines 1890-1894)
//    auto-rental  [0] MarketAutoAuth,
//    hotel        [1] MarketHotelAuth,
//    transport    [2] MarketTransportAuth }     -- MarketTransportAuth ::= NULL
struct MarketSpecAuthData {
  static constexpr std::string_view kName = "MarketSpecAuthData";
  static constexpr bool kIsChoice = true;
  std::variant<MarketAutoAuth, MarketHotelAuth, spec::NullValue> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "auto-rental", implicit(0, spec::Seq<MarketAutoAuth>{}));
    v.template alt<1>(value, "hotel", implicit(1, spec::Seq<MarketHotelAuth>{}));
    v.template alt<2>(value, "transport", implicit(2, spec::Null{}));
  }
  bool operator==(const MarketSpecAuthData&) const = default;
};

// MarketSpecCapData ::= CHOICE {                                              (lines 1896-1900)
//    auto-rental  [0] MarketAutoCap,
//    hotel        [1] MarketHotelCap,
//    transport    [2] MarketTransportCap }
// The SetMarketData types are not typed yet (set_marketdata.hpp): complete TLVs.
struct MarketSpecCapData {
  static constexpr std::string_view kName = "MarketSpecCapData";
  static constexpr bool kIsChoice = true;
  std::variant<Bytes, Bytes, Bytes> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "auto-rental", implicit(0, spec::MarketAutoCap()));
    v.template alt<1>(value, "hotel", implicit(1, spec::MarketHotelCap()));
    v.template alt<2>(value, "transport", implicit(2, spec::MarketTransportCap()));
  }
  bool operator==(const MarketSpecCapData&) const = default;
};

// MarketSpecSaleData ::= SEQUENCE {                                           (lines 1902-1905)
//    marketSpecDataID   MarketSpecDataID OPTIONAL,
//    marketSpecCapData  MarketSpecCapData OPTIONAL }
struct MarketSpecSaleData {
  static constexpr std::string_view kName = "MarketSpecSaleData";
  std::optional<MarketSpecDataID> market_spec_data_id;
  std::optional<MarketSpecCapData> market_spec_cap_data;
  template <class V>
  void describe(V& v) {
    v(market_spec_data_id, "marketSpecDataID", spec::MarketSpecDataID());
    v(market_spec_cap_data, "marketSpecCapData");
  }
  bool operator==(const MarketSpecSaleData&) const = default;
};

// SaleDetail ::= SEQUENCE {                                                   (lines 1932-1945)
//    batchID                  [ 0] BatchID  OPTIONAL,
//    batchSequenceNum         [ 1] BatchSequenceNum  OPTIONAL,
//    payRecurInd              [ 2] PayRecurInd  OPTIONAL,
//    merOrderNum              [ 3] MerOrderNum  OPTIONAL,
//    authCharInd              [ 4] AuthCharInd  OPTIONAL,
//    marketSpecSaleData       [ 5] MarketSpecSaleData  OPTIONAL,
//    commercialCardData       [ 6] CommercialCardData  OPTIONAL,
//    orderSummary             [ 7] EXPLICIT SETString { ub-summary }  OPTIONAL,
//    customerReferenceNumber  [ 8] EXPLICIT SETString { ub-reference }  OPTIONAL,
//    customerServicePhone     [ 9] EXPLICIT Phone  OPTIONAL,
//    okToPrintPhoneInd        [10] BOOLEAN DEFAULT TRUE,
//    saleExtensions           [11] MsgExtensions {{SaleExtensionsIOS}}  OPTIONAL }
struct SaleDetail {
  static constexpr std::string_view kName = "SaleDetail";
  using OrderSummary = SETString<ub_summary, "SETString{ub-summary}">;
  using CustomerReference = SETString<ub_reference, "SETString{ub-reference}">;
  std::optional<std::int64_t> batch_id;
  std::optional<std::int64_t> batch_sequence_num;
  std::optional<PayRecurInd> pay_recur_ind;
  std::optional<std::string> mer_order_num;
  std::optional<AuthCharInd> auth_char_ind;
  std::optional<MarketSpecSaleData> market_spec_sale_data;
  std::optional<Bytes> commercial_card_data;
  std::optional<OrderSummary> order_summary;
  std::optional<CustomerReference> customer_reference_number;
  std::optional<Phone> customer_service_phone;
  bool ok_to_print_phone_ind = true;
  std::optional<MsgExtensions> sale_extensions;
  template <class V>
  void describe(V& v) {
    v(batch_id, "batchID", implicit(0, spec::BatchID()));
    v(batch_sequence_num, "batchSequenceNum", implicit(1, spec::BatchSequenceNum()));
    v(pay_recur_ind, "payRecurInd", implicit(2, spec::PayRecurInd()));
    v(mer_order_num, "merOrderNum",
      implicit(3, spec::Str{.type = der::tags::kVisibleString, .size = {1, ub_merOrderNum},
                            .name = "MerOrderNum"}));
    v(auth_char_ind, "authCharInd", implicit(4, spec::AuthCharInd()));
    v(market_spec_sale_data, "marketSpecSaleData", implicit(5, spec::Seq<MarketSpecSaleData>{}));
    v(commercial_card_data, "commercialCardData", implicit(6, spec::CommercialCardData()));
    v(order_summary, "orderSummary", explicit_(7, spec::Choice<OrderSummary>{}));
    v(customer_reference_number, "customerReferenceNumber",
      explicit_(8, spec::Choice<CustomerReference>{}));
    v(customer_service_phone, "customerServicePhone", explicit_(9, spec::Phone()));
    v(ok_to_print_phone_ind, "okToPrintPhoneInd", with_default(implicit(10, spec::Boolean{}), true));
    v(sale_extensions, "saleExtensions", implicit(11, spec::MsgExtensions()));
  }
  bool operator==(const SaleDetail&) const = default;
};

// AuthReqPayload ::= SEQUENCE {                                               (lines 1027-1038)
//    subsequentAuthInd   BOOLEAN DEFAULT FALSE,
//    authReqAmt          CurrencyAmount,        -- May differ from PurchAmt
//    avsData             [0] AVSData  OPTIONAL,
//    specialProcessing   [1] SpecialProcessing  OPTIONAL,
//    cardSuspect         [2] CardSuspect  OPTIONAL,
//    requestCardTypeInd  BOOLEAN DEFAULT FALSE,
//    installRecurData    [3] InstallRecurData  OPTIONAL,
//    marketSpecAuthData  [4] EXPLICIT MarketSpecAuthData  OPTIONAL,
//    merchData           MerchData,
//    aRqExtensions       [5] MsgExtensions {{ARqExtensionsIOS}} OPTIONAL }
struct AuthReqPayload {
  static constexpr std::string_view kName = "AuthReqPayload";
  bool subsequent_auth_ind = false;
  CurrencyAmount auth_req_amt;
  std::optional<AVSData> avs_data;
  std::optional<SpecialProcessing> special_processing;
  std::optional<CardSuspect> card_suspect;
  bool request_card_type_ind = false;
  std::optional<InstallRecurData> install_recur_data;
  std::optional<MarketSpecAuthData> market_spec_auth_data;
  MerchData merch_data;
  std::optional<MsgExtensions> a_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(subsequent_auth_ind, "subsequentAuthInd", with_default(spec::Boolean{}, false));
    v(auth_req_amt, "authReqAmt");
    v(avs_data, "avsData", implicit(0, spec::Seq<AVSData>{}));
    v(special_processing, "specialProcessing", implicit(1, spec::SpecialProcessing()));
    v(card_suspect, "cardSuspect", implicit(2, spec::CardSuspect()));
    v(request_card_type_ind, "requestCardTypeInd", with_default(spec::Boolean{}, false));
    v(install_recur_data, "installRecurData", implicit(3, spec::Seq<InstallRecurData>{}));
    v(market_spec_auth_data, "marketSpecAuthData", explicit_(4, spec::Choice<MarketSpecAuthData>{}));
    v(merch_data, "merchData");
    v(a_rq_extensions, "aRqExtensions", implicit(5, spec::MsgExtensions()));
  }
  bool operator==(const AuthReqPayload&) const = default;
};

// AuthReqItem ::= SEQUENCE {                                                  (lines 1010-1014)
//    authTags        AuthTags,
//    checkDigests    [0] CheckDigests  OPTIONAL,
//    authReqPayload  AuthReqPayload }
struct AuthReqItem {
  static constexpr std::string_view kName = "AuthReqItem";
  AuthTags auth_tags;
  std::optional<CheckDigests> check_digests;
  AuthReqPayload auth_req_payload;
  template <class V>
  void describe(V& v) {
    v(auth_tags, "authTags");
    v(check_digests, "checkDigests", implicit(0, spec::Seq<CheckDigests>{}));
    v(auth_req_payload, "authReqPayload");
  }
};

// AuthReqData ::= SEQUENCE {                                                  (lines 1002-1007)
//    authReqItem  AuthReqItem,
//    mThumbs      [0] EXPLICIT Thumbs  OPTIONAL,
//    captureNow   BOOLEAN DEFAULT FALSE,
//    saleDetail   [1] SaleDetail  OPTIONAL
// } ( WITH COMPONENTS {..., captureNow (TRUE) } |
//     WITH COMPONENTS {..., captureNow (FALSE), saleDetail ABSENT } )
// The inter-component constraint is checked by the gateway, not the codec (D-4).
struct AuthReqData {
  static constexpr std::string_view kName = "AuthReqData";
  AuthReqItem auth_req_item;
  std::optional<Thumbs> m_thumbs;
  bool capture_now = false;
  std::optional<SaleDetail> sale_detail;
  template <class V>
  void describe(V& v) {
    v(auth_req_item, "authReqItem");
    v(m_thumbs, "mThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(capture_now, "captureNow", with_default(spec::Boolean{}, false));
    v(sale_detail, "saleDetail", implicit(1, spec::Seq<SaleDetail>{}));
  }
};

// AuthReqTBS ::= L { AuthReqData, PI }   (what the merchant signs inside AuthReq)
using AuthReqTBS = L<AuthReqData, "AuthReqTBS">;

// ClosedWhen ::= SEQUENCE { closeStatus CloseStatus, closeDateTime Date }     (lines 1718-1721)
struct ClosedWhen {
  static constexpr std::string_view kName = "ClosedWhen";
  CloseStatus close_status = CloseStatus::kClosedbyMerchant;
  der::Time close_date_time;
  template <class V>
  void describe(V& v) {
    v(close_status, "closeStatus", spec::CloseStatus());
    v(close_date_time, "closeDateTime", spec::Date());
  }
  bool operator==(const ClosedWhen&) const = default;
};

// BatchTotals ::= SEQUENCE {                                                  (lines 1751-1757)
//    transactionCountCredit     INTEGER (0..MAX),
//    transactionTotalAmtCredit  CurrencyAmount,
//    transactionCountDebit      INTEGER (0..MAX),
//    transactionTotalAmtDebit   CurrencyAmount,
//    batchTotalExtensions       [0] MsgExtensions {{BTExtensionsIOS}} OPTIONAL }
struct BatchTotals {
  static constexpr std::string_view kName = "BatchTotals";
  std::int64_t transaction_count_credit = 0;
  CurrencyAmount transaction_total_amt_credit;
  std::int64_t transaction_count_debit = 0;
  CurrencyAmount transaction_total_amt_debit;
  std::optional<MsgExtensions> batch_total_extensions;
  template <class V>
  void describe(V& v) {
    v(transaction_count_credit, "transactionCountCredit", spec::NonNegative());
    v(transaction_total_amt_credit, "transactionTotalAmtCredit");
    v(transaction_count_debit, "transactionCountDebit", spec::NonNegative());
    v(transaction_total_amt_debit, "transactionTotalAmtDebit");
    v(batch_total_extensions, "batchTotalExtensions", implicit(0, spec::MsgExtensions()));
  }
  bool operator==(const BatchTotals&) const = default;
};

// BrandBatchDetails ::= SEQUENCE { brandID BrandID, batchTotals BatchTotals } (lines 1746-1749)
struct BrandBatchDetails {
  static constexpr std::string_view kName = "BrandBatchDetails";
  BrandID brand_id;
  BatchTotals batch_totals;
  template <class V>
  void describe(V& v) {
    v(brand_id, "brandID", spec::BrandID());
    v(batch_totals, "batchTotals");
  }
  bool operator==(const BrandBatchDetails&) const = default;
};

// BatchDetails ::= SEQUENCE {                                                 (lines 1739-1742)
//    batchTotals           BatchTotals,
//    brandBatchDetailsSeq  BrandBatchDetailsSeq  OPTIONAL }  -- SIZE(1..MAX) OF BrandBatchDetails
struct BatchDetails {
  static constexpr std::string_view kName = "BatchDetails";
  BatchTotals batch_totals;
  std::optional<std::vector<BrandBatchDetails>> brand_batch_details_seq;
  template <class V>
  void describe(V& v) {
    v(batch_totals, "batchTotals");
    v(brand_batch_details_seq, "brandBatchDetailsSeq",
      spec::SeqOf<spec::Seq<BrandBatchDetails>>{.size = {1, SIZE_MAX}, .name = "BrandBatchDetailsSeq"});
  }
  bool operator==(const BatchDetails&) const = default;
};

// BatchStatus ::= SEQUENCE {                                                  (lines 1730-1735)
//    openDateTime     Date,
//    closedWhen       [0] ClosedWhen  OPTIONAL,
//    batchDetails     BatchDetails,
//    batchExtensions  [1] MsgExtensions {{BSExtensionsIOS}} OPTIONAL }
struct BatchStatus {
  static constexpr std::string_view kName = "BatchStatus";
  der::Time open_date_time;
  std::optional<ClosedWhen> closed_when;
  BatchDetails batch_details;
  std::optional<MsgExtensions> batch_extensions;
  template <class V>
  void describe(V& v) {
    v(open_date_time, "openDateTime", spec::Date());
    v(closed_when, "closedWhen", implicit(0, spec::Seq<ClosedWhen>{}));
    v(batch_details, "batchDetails");
    v(batch_extensions, "batchExtensions", implicit(1, spec::MsgExtensions()));
  }
  bool operator==(const BatchStatus&) const = default;
};

// AuthValCodes ::= SEQUENCE {                                                 (lines 1182-1187)
//    approvalCode    [0] ApprovalCode  OPTIONAL,    -- VisibleString (SIZE(ub-approvalCode))
//    authCharInd     [1] AuthCharInd  OPTIONAL,
//    validationCode  [2] ValidationCode  OPTIONAL,  -- VisibleString (SIZE(ub-validationCode))
//    marketSpec      MarketSpecDataID  OPTIONAL }
struct AuthValCodes {
  static constexpr std::string_view kName = "AuthValCodes";
  std::optional<std::string> approval_code;
  std::optional<AuthCharInd> auth_char_ind;
  std::optional<std::string> validation_code;
  std::optional<MarketSpecDataID> market_spec;
  template <class V>
  void describe(V& v) {
    v(approval_code, "approvalCode",
      implicit(0, spec::Str{.type = der::tags::kVisibleString,
                            .size = {ub_approvalCode, ub_approvalCode}, .name = "ApprovalCode"}));
    v(auth_char_ind, "authCharInd", implicit(1, spec::AuthCharInd()));
    v(validation_code, "validationCode",
      implicit(2, spec::Str{.type = der::tags::kVisibleString,
                            .size = {ub_validationCode, ub_validationCode},
                            .name = "ValidationCode"}));
    v(market_spec, "marketSpec", spec::MarketSpecDataID());
  }
  bool operator==(const AuthValCodes&) const = default;
};

// ResponseData ::= SEQUENCE {                                                 (lines 1174-1180)
//    authValCodes  [0] AuthValCodes  OPTIONAL,
//    respReason    [1] RespReason  OPTIONAL,
//    cardType      CardType  OPTIONAL,
//    avsResult     [2] AVSResult  OPTIONAL,
//    logRefID      LogRefID  OPTIONAL }        -- NumericString (SIZE(1..ub-logRefID))
struct ResponseData {
  static constexpr std::string_view kName = "ResponseData";
  std::optional<AuthValCodes> auth_val_codes;
  std::optional<RespReason> resp_reason;
  std::optional<CardType> card_type;
  std::optional<AVSResult> avs_result;
  std::optional<std::string> log_ref_id;
  template <class V>
  void describe(V& v) {
    v(auth_val_codes, "authValCodes", implicit(0, spec::Seq<AuthValCodes>{}));
    v(resp_reason, "respReason", implicit(1, spec::RespReason()));
    v(card_type, "cardType", spec::CardType());
    v(avs_result, "avsResult", implicit(2, spec::AVSResult()));
    v(log_ref_id, "logRefID",
      spec::Str{.type = der::tags::kNumericString, .size = {1, ub_logRefID}, .name = "LogRefID"});
  }
  bool operator==(const ResponseData&) const = default;
};

// AuthHeader ::= SEQUENCE {                                                   (lines 1146-1152)
//    authAmt       CurrencyAmount,
//    authCode      AuthCode,
//    responseData  ResponseData,
//    batchStatus   [0] BatchStatus  OPTIONAL,
//    currConv      CurrConv  OPTIONAL }          -- Merchant to cardholder
struct AuthHeader {
  static constexpr std::string_view kName = "AuthHeader";
  CurrencyAmount auth_amt;
  AuthCode auth_code = AuthCode::kApproved;
  ResponseData response_data;
  std::optional<BatchStatus> batch_status;
  std::optional<CurrConv> curr_conv;
  template <class V>
  void describe(V& v) {
    v(auth_amt, "authAmt");
    v(auth_code, "authCode", spec::AuthCode());
    v(response_data, "responseData");
    v(batch_status, "batchStatus", implicit(0, spec::Seq<BatchStatus>{}));
    v(curr_conv, "currConv");
  }
  bool operator==(const AuthHeader&) const = default;
};

// CapResPayload ::= SEQUENCE {                                                (lines 1396-1402)
//    capCode           CapCode,
//    capAmt            CurrencyAmount,
//    batchID           [0] BatchID  OPTIONAL,
//    batchSequenceNum  [1] BatchSequenceNum  OPTIONAL,
//    cRsPayExtensions  [2] MsgExtensions {{CRsPayExtensionsIOS}} OPTIONAL }
struct CapResPayload {
  static constexpr std::string_view kName = "CapResPayload";
  CapCode cap_code = CapCode::kSuccess;
  CurrencyAmount cap_amt;
  std::optional<std::int64_t> batch_id;
  std::optional<std::int64_t> batch_sequence_num;
  std::optional<MsgExtensions> c_rs_pay_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_code, "capCode", spec::CapCode());
    v(cap_amt, "capAmt");
    v(batch_id, "batchID", implicit(0, spec::BatchID()));
    v(batch_sequence_num, "batchSequenceNum", implicit(1, spec::BatchSequenceNum()));
    v(c_rs_pay_extensions, "cRsPayExtensions", implicit(2, spec::MsgExtensions()));
  }
  bool operator==(const CapResPayload&) const = default;
};

// AuthResPayload ::= SEQUENCE {                                               (lines 1138-1142)
//    authHeader     AuthHeader,
//    capResPayload  CapResPayload  OPTIONAL,
//    aRsExtensions  [0] MsgExtensions {{ARsExtensionsIOS}} OPTIONAL }
struct AuthResPayload {
  static constexpr std::string_view kName = "AuthResPayload";
  AuthHeader auth_header;
  std::optional<CapResPayload> cap_res_payload;
  std::optional<MsgExtensions> a_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(auth_header, "authHeader");
    v(cap_res_payload, "capResPayload");
    v(a_rs_extensions, "aRsExtensions", implicit(0, spec::MsgExtensions()));
  }
  bool operator==(const AuthResPayload&) const = default;
};

// AuthResData ::= SEQUENCE {                                                  (lines 1101-1106)
//    authTags            AuthTags,
//    brandCRLIdentifier  [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    peThumb             [1] EXPLICIT CertThumb  OPTIONAL,
//    authResPayload      AuthResPayload }
struct AuthResData {
  static constexpr std::string_view kName = "AuthResData";
  AuthTags auth_tags;
  std::optional<Bytes> brand_crl_identifier;
  std::optional<CertThumb> pe_thumb;
  AuthResPayload auth_res_payload;
  template <class V>
  void describe(V& v) {
    v(auth_tags, "authTags");
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(pe_thumb, "peThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(auth_res_payload, "authResPayload");
  }
};

// AuthResBaggage ::= SEQUENCE {                                               (lines 1108-1112)
//    capToken    [0] EXPLICIT CapToken  OPTIONAL,
//    acqCardMsg  [1] EXPLICIT AcqCardMsg  OPTIONAL,    -- EncK -> EncryptedData
//    authToken   [2] EXPLICIT AuthToken  OPTIONAL }    -- EncX -> EnvelopedData
struct AuthResBaggage {
  static constexpr std::string_view kName = "AuthResBaggage";
  std::optional<CapToken> cap_token;
  std::optional<EncryptedData> acq_card_msg;
  std::optional<EnvelopedData> auth_token;
  template <class V>
  void describe(V& v) {
    v(cap_token, "capToken", explicit_(0, spec::Choice<CapToken>{}));
    v(acq_card_msg, "acqCardMsg", explicit_(1, spec::Seq<EncryptedData>{}));
    v(auth_token, "authToken", explicit_(2, spec::Seq<EnvelopedData>{}));
  }
};

// AuthResTBS ::= L { AuthResData, AuthResBaggage }
using AuthResTBS = L<AuthResData, "AuthResTBS">;

// AuthResTBSX ::= SEQUENCE { authResTBS AuthResTBS, panToken PANToken }       (lines 1096-1099)
struct AuthResTBSX {
  static constexpr std::string_view kName = "AuthResTBSX";
  AuthResTBS auth_res_tbs;
  PANToken pan_token;
  template <class V>
  void describe(V& v) {
    v(auth_res_tbs, "authResTBS");
    v(pan_token, "panToken");
  }
};

// AuthResTBEX ::= SEQUENCE { authResTBS AuthResTBS, s SO { P, AuthResTBSX } } (lines 1089-1092)
struct AuthResTBEX {
  static constexpr std::string_view kName = "AuthResTBEX";
  AuthResTBS auth_res_tbs;
  SignedData s;
  template <class V>
  void describe(V& v) {
    v(auth_res_tbs, "authResTBS");
    v(s, "s");
  }
};

// AuthRevReqBaggage ::= SEQUENCE { pi PI, capToken CapToken OPTIONAL }        (lines 1259-1262)
struct AuthRevReqBaggage {
  static constexpr std::string_view kName = "AuthRevReqBaggage";
  PI pi;
  std::optional<CapToken> cap_token;
  template <class V>
  void describe(V& v) {
    v(pi, "pi");
    v(cap_token, "capToken");
  }
};

// AuthRevResBaggage ::= SEQUENCE { capTokenNew CapToken OPTIONAL,             (lines 1285-1288)
//                                  authTokenNew AuthToken OPTIONAL }
struct AuthRevResBaggage {
  static constexpr std::string_view kName = "AuthRevResBaggage";
  std::optional<CapToken> cap_token_new;
  std::optional<EnvelopedData> auth_token_new;
  template <class V>
  void describe(V& v) {
    v(cap_token_new, "capTokenNew");
    v(auth_token_new, "authTokenNew");
  }
};

// =============================================================================================
// Outer shapes of the merchant <-> gateway messages (what the Message CHOICE carries).

// EncB { SIGNER, RECIPIENT, T, Baggage } ::= SEQUENCE {
//    enc      Enc { SIGNER, RECIPIENT, L { T, Baggage } },     -- EnvelopedData
//    baggage  Baggage }
// BaggageSpec is a function returning the baggage's spec.
template <TypeName Name, auto BaggageSpec>
struct EncB {
  using BagSpec = decltype(BaggageSpec());
  static constexpr std::string_view kName = Name.view();
  EnvelopedData enc;
  typename BagSpec::value_type baggage{};
  template <class V>
  void describe(V& v) {
    v(enc, "enc");
    v(baggage, "baggage", BaggageSpec());
  }
};

// EncBX { SIGNER, RECIPIENT, T, Baggage, Parameter } ::= SEQUENCE {
//    encX     EncX { SIGNER, RECIPIENT, L { T, Baggage }, Parameter },   -- EnvelopedData
//    baggage  Baggage }
template <TypeName Name, auto BaggageSpec>
struct EncBX {
  using BagSpec = decltype(BaggageSpec());
  static constexpr std::string_view kName = Name.view();
  EnvelopedData enc_x;
  typename BagSpec::value_type baggage{};
  template <class V>
  void describe(V& v) {
    v(enc_x, "encX");
    v(baggage, "baggage", BaggageSpec());
  }
};

namespace spec {
inline Choice<::openset::asn1::PI> PI() { return {}; }
inline Seq<::openset::asn1::AuthResBaggage> AuthResBaggage() { return {}; }
inline Seq<::openset::asn1::AuthRevReqBaggage> AuthRevReqBaggage() { return {}; }
inline Seq<::openset::asn1::AuthRevResBaggage> AuthRevResBaggage() { return {}; }
}  // namespace spec

// A CHOICE { encB [0] EXPLICIT EncB{...}, encBX [1] EXPLICIT EncBX{...} }: the shape of AuthRes,
// CapReq, CapRevReq, CredReq and CredRevReq.
template <TypeName Name, TypeName EncBName, TypeName EncBXName, auto BaggageSpec>
struct EncBOrBX {
  static constexpr std::string_view kName = Name.view();
  static constexpr bool kIsChoice = true;
  using B = EncB<EncBName, BaggageSpec>;
  using BX = EncBX<EncBXName, BaggageSpec>;
  std::variant<B, BX> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "encB", explicit_(0, spec::Seq<B>{}));
    v.template alt<1>(value, "encBX", explicit_(1, spec::Seq<BX>{}));
  }
};

// AuthReq ::= EncB { M, P, AuthReqData, PI }                                       (line 995)
using AuthReq = EncB<"AuthReq", &spec::PI>;
// AuthRes ::= CHOICE { encB [0] EXPLICIT EncB { P, M, AuthResData, AuthResBaggage },
//                      encBX [1] EXPLICIT EncBX { P, M, AuthResData, AuthResBaggage, PANToken } }
using AuthRes = EncBOrBX<"AuthRes", "EncB{AuthResData,AuthResBaggage}",
                         "EncBX{AuthResData,AuthResBaggage,PANToken}", &spec::AuthResBaggage>;
// AuthRevReq ::= EncB { M, P, AuthRevReqData, AuthRevReqBaggage }                  (line 1241)
using AuthRevReq = EncB<"AuthRevReq", &spec::AuthRevReqBaggage>;

// AuthRevRes ::= CHOICE {                                                     (lines 1273-1276)
//    encB  [0] EXPLICIT EncB { P, M, AuthRevResData, AuthRevResBaggage },
//    enc   [1] EXPLICIT Enc { P, M, AuthRevResData } }
struct AuthRevRes {
  static constexpr std::string_view kName = "AuthRevRes";
  static constexpr bool kIsChoice = true;
  using B = EncB<"EncB{AuthRevResData,AuthRevResBaggage}", &spec::AuthRevResBaggage>;
  std::variant<B, EnvelopedData> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "encB", explicit_(0, spec::Seq<B>{}));
    v.template alt<1>(value, "enc", explicit_(1, spec::Seq<EnvelopedData>{}));
  }
};

// CapReq ::= CHOICE { encB [0] EXPLICIT EncB { M, P, CapReqData, CapTokenSeq },   (lines 1322-1325)
//                     encBX [1] EXPLICIT EncBX { M, P, CapReqData, CapTokenSeq, PANToken } }
using CapReq = EncBOrBX<"CapReq", "EncB{CapReqData,CapTokenSeq}",
                        "EncBX{CapReqData,CapTokenSeq,PANToken}", &spec::CapTokenSeq>;
// CapRevReq ::= CHOICE { encB .. EncB { M, P, CapRevData, CapTokenSeq }, encBX .. } (lines 1493-1496)
using CapRevReq = EncBOrBX<"CapRevReq", "EncB{CapRevData,CapTokenSeq}",
                           "EncBX{CapRevData,CapTokenSeq,PANToken}", &spec::CapTokenSeq>;
// CredReq ::= CHOICE { encB .. EncB { M, P, CredReqData, CapTokenSeq }, encBX .. }  (lines 1524-1527)
using CredReq = EncBOrBX<"CredReq", "EncB{CredReqData,CapTokenSeq}",
                         "EncBX{CredReqData,CapTokenSeq,PANToken}", &spec::CapTokenSeq>;
// CredRevReq ::= CHOICE { encB .. EncB { M, P, CredRevReqData, CapTokenSeq }, encBX .. }
using CredRevReq = EncBOrBX<"CredRevReq", "EncB{CredRevReqData,CapTokenSeq}",
                            "EncBX{CredRevReqData,CapTokenSeq,PANToken}", &spec::CapTokenSeq>;

}  // namespace openset::asn1
