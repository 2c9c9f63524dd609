// Module SetPayMsgs (continued), DEFINITIONS IMPLICIT TAGS: authorization reversal, capture,
// capture reversal, credit, credit reversal, payment-gateway certificate request and batch
// administration (set-1.asn1 lines 1241-1797; notes §4). The purchase and authorization types
// are in set_paymsgs.hpp; the outer shapes of these messages (EncB/EncBX CHOICEs, Enc and S
// wrappers) are in set_paymsgs.hpp and set_message_wrapper.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_paymsgs.hpp"

namespace openset::asn1 {

// ---------------------------------------------------------------------------------------------
// Shapes shared by the intermediate results of EncX / EncBX (notes §2.2):
//   XTBSX ::= SEQUENCE { xTBS XTBS, panToken PANToken }      (what the detached signature covers)
//   XTBEX ::= SEQUENCE { xTBS XTBS, s SO { S, XTBSX } }       (the DES plaintext)

template <Described TBS, TypeName Name, TypeName Field>
struct WithPANToken {
  static constexpr std::string_view kName = Name.view();
  TBS tbs;
  PANToken pan_token;
  template <class V>
  void describe(V& v) {
    v(tbs, Field.view());
    v(pan_token, "panToken");
  }
};

template <Described TBS, TypeName Name, TypeName Field>
struct WithDetachedSignature {
  static constexpr std::string_view kName = Name.view();
  TBS tbs;
  SignedData s;  // SO { signer, ...TBSX }
  template <class V>
  void describe(V& v) {
    v(tbs, Field.view());
    v(s, "s");
  }
};

// A tagged type `Name ::= [n] EXPLICIT Inner` (CapRevData, CredReqData, ...). Represented as a
// CHOICE with one alternative, which has exactly the same encoding.
template <std::uint32_t Tag, Described Inner, TypeName Name>
struct TaggedExplicit {
  static constexpr std::string_view kName = Name.view();
  static constexpr bool kIsChoice = true;
  std::variant<Inner> value;
  Inner& get() { return std::get<0>(value); }
  const Inner& get() const { return std::get<0>(value); }
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, Inner::kName, explicit_(Tag, spec::Seq<Inner>{}));
  }
};

// =============================================================================================
// Authorization reversal (lines 1241-1320)

// AuthRevTags ::= SEQUENCE {                                                  (lines 1264-1267)
//    authRevRRTags  AuthRevRRTags,          -- AuthRevRRTags ::= RRTags
//    authRetNum     AuthRetNum  OPTIONAL }
struct AuthRevTags {
  static constexpr std::string_view kName = "AuthRevTags";
  RRTags auth_rev_rr_tags;
  std::optional<std::int64_t> auth_ret_num;
  template <class V>
  void describe(V& v) {
    v(auth_rev_rr_tags, "authRevRRTags");
    v(auth_ret_num, "authRetNum", spec::AuthRetNum());
  }
  bool operator==(const AuthRevTags&) const = default;
};

// AuthRevReqData ::= SEQUENCE {                                               (lines 1248-1255)
//    authRevTags      AuthRevTags,
//    mThumbs          [0] EXPLICIT Thumbs  OPTIONAL,
//    authReqData      [1] AuthReqData  OPTIONAL,
//    authResPayload   [2] AuthResPayload  OPTIONAL,
//    authNewAmt       CurrencyAmount,
//    aRvRqExtensions  [3] MsgExtensions {{ARvRqExtensionsIOS}} OPTIONAL }
struct AuthRevReqData {
  static constexpr std::string_view kName = "AuthRevReqData";
  AuthRevTags auth_rev_tags;
  std::optional<Thumbs> m_thumbs;
  std::optional<AuthReqData> auth_req_data;
  std::optional<AuthResPayload> auth_res_payload;
  CurrencyAmount auth_new_amt;
  std::optional<MsgExtensions> a_rv_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(auth_rev_tags, "authRevTags");
    v(m_thumbs, "mThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(auth_req_data, "authReqData", implicit(1, spec::Seq<AuthReqData>{}));
    v(auth_res_payload, "authResPayload", implicit(2, spec::Seq<AuthResPayload>{}));
    v(auth_new_amt, "authNewAmt");
    v(a_rv_rq_extensions, "aRvRqExtensions", implicit(3, spec::MsgExtensions()));
  }
};

// AuthRevReqTBS ::= L { AuthRevReqData, AuthRevReqBaggage }                         (line 1246)
using AuthRevReqTBS = L<AuthRevReqData, "AuthRevReqTBS">;

// AuthRevCode ::= ENUMERATED { approved (0), ... invalidAmount (9) }          (lines 1302-1313)
enum class AuthRevCode : std::int64_t {
  kApproved = 0, kUnspecifiedFailure = 1, kNoReply = 2, kAmountError = 3, kExpiredCard = 4,
  kInvalidTransaction = 5, kSystemError = 6, kMissingCapToken = 7, kInvalidCapToken = 8,
  kInvalidAmount = 9,
};
namespace spec {
inline Enumerated<::openset::asn1::AuthRevCode> AuthRevCode() {
  return {.name = "AuthRevCode",
          .named = {{0, "approved"}, {1, "unspecifiedFailure"}, {2, "noReply"}, {3, "amountError"},
                    {4, "expiredCard"}, {5, "invalidTransaction"}, {6, "systemError"},
                    {7, "missingCapToken"}, {8, "invalidCapToken"}, {9, "invalidAmount"}}};
}
}  // namespace spec

// AuthResDataNew ::= SEQUENCE {                                               (lines 1315-1318)
//    transIDs           TransIDs,
//    authResPayloadNew  AuthResPayload  OPTIONAL }      -- Contains new data
struct AuthResDataNew {
  static constexpr std::string_view kName = "AuthResDataNew";
  TransIDs trans_ids;
  std::optional<AuthResPayload> auth_res_payload_new;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_res_payload_new, "authResPayloadNew");
  }
  bool operator==(const AuthResDataNew&) const = default;
};

// AuthRevResData ::= SEQUENCE {                                               (lines 1290-1298)
//    authRevCode         AuthRevCode,
//    authRevTags         AuthRevTags,
//    brandCRLIdentifier  [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    peThumb             [1] EXPLICIT CertThumb  OPTIONAL,
//    authNewAmt          CurrencyAmount,                    -- May be zero
//    authResDataNew      AuthResDataNew,
//    aRvRsExtensions     [2] MsgExtensions {{ARvRsExtensionsIOS}} OPTIONAL }
struct AuthRevResData {
  static constexpr std::string_view kName = "AuthRevResData";
  AuthRevCode auth_rev_code = AuthRevCode::kApproved;
  AuthRevTags auth_rev_tags;
  std::optional<Bytes> brand_crl_identifier;
  std::optional<CertThumb> pe_thumb;
  CurrencyAmount auth_new_amt;
  AuthResDataNew auth_res_data_new;
  std::optional<MsgExtensions> a_rv_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(auth_rev_code, "authRevCode", spec::AuthRevCode());
    v(auth_rev_tags, "authRevTags");
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(pe_thumb, "peThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(auth_new_amt, "authNewAmt");
    v(auth_res_data_new, "authResDataNew");
    v(a_rv_rs_extensions, "aRvRsExtensions", implicit(2, spec::MsgExtensions()));
  }
  bool operator==(const AuthRevResData&) const = default;
};

// AuthRevResTBS ::= L { AuthRevResData, AuthRevResBaggage }                         (line 1283)
using AuthRevResTBS = L<AuthRevResData, "AuthRevResTBS">;

// =============================================================================================
// Capture (lines 1322-1419)

// CapPayload ::= SEQUENCE {                                                   (lines 1361-1368)
//    capDate         Date,
//    capReqAmt       CurrencyAmount,
//    authReqItem     [0] AuthReqItem  OPTIONAL,
//    authResPayload  [1] AuthResPayload  OPTIONAL,
//    saleDetail      [2] SaleDetail  OPTIONAL,
//    cPayExtensions  [3] MsgExtensions {{CPayExtensionsIOS}} OPTIONAL }
struct CapPayload {
  static constexpr std::string_view kName = "CapPayload";
  der::Time cap_date;
  CurrencyAmount cap_req_amt;
  std::optional<AuthReqItem> auth_req_item;
  std::optional<AuthResPayload> auth_res_payload;
  std::optional<SaleDetail> sale_detail;
  std::optional<MsgExtensions> c_pay_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_date, "capDate", spec::Date());
    v(cap_req_amt, "capReqAmt");
    v(auth_req_item, "authReqItem", implicit(0, spec::Seq<AuthReqItem>{}));
    v(auth_res_payload, "authResPayload", implicit(1, spec::Seq<AuthResPayload>{}));
    v(sale_detail, "saleDetail", implicit(2, spec::Seq<SaleDetail>{}));
    v(c_pay_extensions, "cPayExtensions", implicit(3, spec::MsgExtensions()));
  }
};

// CapItem ::= SEQUENCE { transIDs TransIDs, authRRPID RRPID, capPayload CapPayload } (1355-1359)
struct CapItem {
  static constexpr std::string_view kName = "CapItem";
  TransIDs trans_ids;
  Bytes auth_rrpid;
  CapPayload cap_payload;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(cap_payload, "capPayload");
  }
};

// CapReqData ::= SEQUENCE {                                                   (lines 1342-1347)
//    capRRTags      CapRRTags,                     -- CapRRTags ::= RRTags
//    mThumbs        [0] EXPLICIT Thumbs  OPTIONAL,
//    capItemSeq     CapItemSeq,                    -- SEQUENCE SIZE(1..MAX) OF CapItem
//    cRqExtensions  [1] MsgExtensions {{CRqExtensionsIOS}} OPTIONAL }
struct CapReqData {
  static constexpr std::string_view kName = "CapReqData";
  RRTags cap_rr_tags;
  std::optional<Thumbs> m_thumbs;
  std::vector<CapItem> cap_item_seq;
  std::optional<MsgExtensions> c_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_rr_tags, "capRRTags");
    v(m_thumbs, "mThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(cap_item_seq, "capItemSeq",
      spec::SeqOf<spec::Seq<CapItem>>{.size = {1, SIZE_MAX}, .name = "CapItemSeq"});
    v(c_rq_extensions, "cRqExtensions", implicit(1, spec::MsgExtensions()));
  }
};

using CapReqTBS = L<CapReqData, "CapReqTBS">;  // CapReqTBS ::= L { CapReqData, CapTokenSeq }
// CapReqTBSX ::= SEQUENCE { capReqTBS CapReqTBS, panToken PANToken }           (lines 1337-1340)
using CapReqTBSX = WithPANToken<CapReqTBS, "CapReqTBSX", "capReqTBS">;
// CapReqTBEX ::= SEQUENCE { capReqTBS CapReqTBS, s SO { M, CapReqTBSX } }      (lines 1330-1333)
using CapReqTBEX = WithDetachedSignature<CapReqTBS, "CapReqTBEX", "capReqTBS">;

namespace spec {
// BatchStatusSeq ::= SEQUENCE OF BatchStatus                                       (line 1728)
inline SeqOf<Seq<::openset::asn1::BatchStatus>> BatchStatusSeq() { return {.name = "BatchStatusSeq"}; }
}  // namespace spec

// CapResItem ::= SEQUENCE {                                                   (lines 1390-1394)
//    transIDs TransIDs, authRRPID RRPID, capResPayload CapResPayload }
struct CapResItem {
  static constexpr std::string_view kName = "CapResItem";
  TransIDs trans_ids;
  Bytes auth_rrpid;
  CapResPayload cap_res_payload;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(cap_res_payload, "capResPayload");
  }
  bool operator==(const CapResItem&) const = default;
};

// CapResData ::= SEQUENCE {                                                   (lines 1377-1384)
//    capRRTags           CapRRTags,
//    brandCRLIdentifier  [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    peThumb             [1] EXPLICIT CertThumb  OPTIONAL,
//    batchStatusSeq      [2] BatchStatusSeq  OPTIONAL,
//    capResItemSeq       CapResItemSeq,        -- SEQUENCE SIZE(1..MAX) OF CapResItem
//    cRsExtensions       [3] MsgExtensions {{CRsExtensionsIOS}} OPTIONAL }
struct CapResData {
  static constexpr std::string_view kName = "CapResData";
  RRTags cap_rr_tags;
  std::optional<Bytes> brand_crl_identifier;
  std::optional<CertThumb> pe_thumb;
  std::optional<std::vector<BatchStatus>> batch_status_seq;
  std::vector<CapResItem> cap_res_item_seq;
  std::optional<MsgExtensions> c_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_rr_tags, "capRRTags");
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(pe_thumb, "peThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(batch_status_seq, "batchStatusSeq", implicit(2, spec::BatchStatusSeq()));
    v(cap_res_item_seq, "capResItemSeq",
      spec::SeqOf<spec::Seq<CapResItem>>{.size = {1, SIZE_MAX}, .name = "CapResItemSeq"});
    v(c_rs_extensions, "cRsExtensions", implicit(3, spec::MsgExtensions()));
  }
  bool operator==(const CapResData&) const = default;
};

// =============================================================================================
// Capture reversal or credit (lines 1421-1491)

// CapRevOrCredReqItem ::= SEQUENCE {                                          (lines 1434-1443)
//    transIDs             TransIDs,
//    authRRPID            RRPID,
//    capPayload           CapPayload,
//    newBatchID           [0] BatchID  OPTIONAL,
//    capRevOrCredReqDate  Date,
//    capRevOrCredReqAmt   [1] CurrencyAmount  OPTIONAL,
//    newAccountInd        BOOLEAN DEFAULT FALSE,
//    cRvRqItemExtensions  [2] MsgExtensions {{CRvRqItemExtensionsIOS}} OPTIONAL }
struct CapRevOrCredReqItem {
  static constexpr std::string_view kName = "CapRevOrCredReqItem";
  TransIDs trans_ids;
  Bytes auth_rrpid;
  CapPayload cap_payload;
  std::optional<std::int64_t> new_batch_id;
  der::Time cap_rev_or_cred_req_date;
  std::optional<CurrencyAmount> cap_rev_or_cred_req_amt;
  bool new_account_ind = false;
  std::optional<MsgExtensions> c_rv_rq_item_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(cap_payload, "capPayload");
    v(new_batch_id, "newBatchID", implicit(0, spec::BatchID()));
    v(cap_rev_or_cred_req_date, "capRevOrCredReqDate", spec::Date());
    v(cap_rev_or_cred_req_amt, "capRevOrCredReqAmt", implicit(1, spec::Seq<CurrencyAmount>{}));
    v(new_account_ind, "newAccountInd", with_default(spec::Boolean{}, false));
    v(c_rv_rq_item_extensions, "cRvRqItemExtensions", implicit(2, spec::MsgExtensions()));
  }
};

// CapRevOrCredReqData ::= SEQUENCE {                                          (lines 1423-1428)
//    capRevOrCredRRTags      RRTags,
//    mThumbs                 [0] EXPLICIT Thumbs  OPTIONAL,
//    capRevOrCredReqItemSeq  CapRevOrCredReqItemSeq,    -- SIZE(1..MAX) OF CapRevOrCredReqItem
//    cRvRqExtensions         [1] MsgExtensions {{CRvRqExtensionsIOS}} OPTIONAL }
struct CapRevOrCredReqData {
  static constexpr std::string_view kName = "CapRevOrCredReqData";
  RRTags cap_rev_or_cred_rr_tags;
  std::optional<Thumbs> m_thumbs;
  std::vector<CapRevOrCredReqItem> cap_rev_or_cred_req_item_seq;
  std::optional<MsgExtensions> c_rv_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_rev_or_cred_rr_tags, "capRevOrCredRRTags");
    v(m_thumbs, "mThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(cap_rev_or_cred_req_item_seq, "capRevOrCredReqItemSeq",
      spec::SeqOf<spec::Seq<CapRevOrCredReqItem>>{.size = {1, SIZE_MAX},
                                                  .name = "CapRevOrCredReqItemSeq"});
    v(c_rv_rq_extensions, "cRvRqExtensions", implicit(1, spec::MsgExtensions()));
  }
};

// CapRevOrCredResPayload ::= SEQUENCE {                                       (lines 1466-1472)
//    capRevOrCredCode       CapRevOrCredCode,
//    capRevOrCredActualAmt  CurrencyAmount,
//    batchID                [0] BatchID  OPTIONAL,
//    batchSequenceNum       [1] BatchSequenceNum  OPTIONAL,
//    cRvRsPayExtensions     [2] MsgExtensions {{CRvRsPayExtensionsIOS}} OPTIONAL }
struct CapRevOrCredResPayload {
  static constexpr std::string_view kName = "CapRevOrCredResPayload";
  CapRevOrCredCode cap_rev_or_cred_code = CapRevOrCredCode::kSuccess;
  CurrencyAmount cap_rev_or_cred_actual_amt;
  std::optional<std::int64_t> batch_id;
  std::optional<std::int64_t> batch_sequence_num;
  std::optional<MsgExtensions> c_rv_rs_pay_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_rev_or_cred_code, "capRevOrCredCode", spec::CapRevOrCredCode());
    v(cap_rev_or_cred_actual_amt, "capRevOrCredActualAmt");
    v(batch_id, "batchID", implicit(0, spec::BatchID()));
    v(batch_sequence_num, "batchSequenceNum", implicit(1, spec::BatchSequenceNum()));
    v(c_rv_rs_pay_extensions, "cRvRsPayExtensions", implicit(2, spec::MsgExtensions()));
  }
  bool operator==(const CapRevOrCredResPayload&) const = default;
};

// CapRevOrCredResItem ::= SEQUENCE {                                          (lines 1460-1464)
//    transIDs TransIDs, authRRPID RRPID, capRevOrCredResPayload CapRevOrCredResPayload }
struct CapRevOrCredResItem {
  static constexpr std::string_view kName = "CapRevOrCredResItem";
  TransIDs trans_ids;
  Bytes auth_rrpid;
  CapRevOrCredResPayload cap_rev_or_cred_res_payload;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(cap_rev_or_cred_res_payload, "capRevOrCredResPayload");
  }
  bool operator==(const CapRevOrCredResItem&) const = default;
};

// CapRevOrCredResData ::= SEQUENCE {                                          (lines 1447-1454)
//    capRevOrCredRRTags      RRTags,
//    brandCRLIdentifier      [0] EXPLICIT BrandCRLIdentifier  OPTIONAL,
//    peThumb                 [1] EXPLICIT CertThumb  OPTIONAL,
//    batchStatusSeq          [2] BatchStatusSeq  OPTIONAL,
//    capRevOrCredResItemSeq  CapRevOrCredResItemSeq,   -- SIZE(1..MAX) OF CapRevOrCredResItem
//    cRvRsExtensions         [3] MsgExtensions {{CRvRsExtensionsIOS}} OPTIONAL }
struct CapRevOrCredResData {
  static constexpr std::string_view kName = "CapRevOrCredResData";
  RRTags cap_rev_or_cred_rr_tags;
  std::optional<Bytes> brand_crl_identifier;
  std::optional<CertThumb> pe_thumb;
  std::optional<std::vector<BatchStatus>> batch_status_seq;
  std::vector<CapRevOrCredResItem> cap_rev_or_cred_res_item_seq;
  std::optional<MsgExtensions> c_rv_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(cap_rev_or_cred_rr_tags, "capRevOrCredRRTags");
    v(brand_crl_identifier, "brandCRLIdentifier", explicit_(0, spec::BrandCRLIdentifier()));
    v(pe_thumb, "peThumb", explicit_(1, spec::Seq<CertThumb>{}));
    v(batch_status_seq, "batchStatusSeq", implicit(2, spec::BatchStatusSeq()));
    v(cap_rev_or_cred_res_item_seq, "capRevOrCredResItemSeq",
      spec::SeqOf<spec::Seq<CapRevOrCredResItem>>{.size = {1, SIZE_MAX},
                                                  .name = "CapRevOrCredResItemSeq"});
    v(c_rv_rs_extensions, "cRvRsExtensions", implicit(3, spec::MsgExtensions()));
  }
  bool operator==(const CapRevOrCredResData&) const = default;
};

// The tagged request/response data of the three reversal/credit pairs (lines 1513-1582):
//   CapRevData ::= [0] EXPLICIT CapRevOrCredReqData     CapRevResData ::= [0] EXPLICIT CapRevOrCredResData
//   CredReqData ::= [1] EXPLICIT CapRevOrCredReqData    CredResData ::= [1] EXPLICIT CapRevOrCredResData
//   CredRevReqData ::= [2] EXPLICIT CapRevOrCredReqData CredRevResData ::= [2] EXPLICIT CapRevOrCredResData
using CapRevData = TaggedExplicit<0, CapRevOrCredReqData, "CapRevData">;
using CapRevResData = TaggedExplicit<0, CapRevOrCredResData, "CapRevResData">;
using CredReqData = TaggedExplicit<1, CapRevOrCredReqData, "CredReqData">;
using CredResData = TaggedExplicit<1, CapRevOrCredResData, "CredResData">;
using CredRevReqData = TaggedExplicit<2, CapRevOrCredReqData, "CredRevReqData">;
using CredRevResData = TaggedExplicit<2, CapRevOrCredResData, "CredRevResData">;

// Intermediate results of EncB / EncBX for the three requests (lines 1499-1575)
using CapRevReqTBS = L<CapRevData, "CapRevReqTBS">;        // L { CapRevData, CapTokenSeq }
using CapRevReqTBSX = WithPANToken<CapRevReqTBS, "CapRevReqTBSX", "capRevReqTBS">;
using CapRevReqTBEX = WithDetachedSignature<CapRevReqTBS, "CapRevReqTBEX", "capRevReqTBS">;
using CredReqTBS = L<CredReqData, "CredReqTBS">;           // L { CredReqData, CapTokenSeq }
using CredReqTBSX = WithPANToken<CredReqTBS, "CredReqTBSX", "credReqTBS">;
using CredReqTBEX = WithDetachedSignature<CredReqTBS, "CredReqTBEX", "credReqTBS">;
using CredRevReqTBS = L<CredRevReqData, "CredRevReqTBS">;  // L { CredRevReqData, CapTokenSeq }
using CredRevReqTBSX = WithPANToken<CredRevReqTBS, "CredRevReqTBSX", "credRevReqTBS">;
using CredRevReqTBEX = WithDetachedSignature<CredRevReqTBS, "CredRevReqTBEX", "credRevReqTBS">;

// =============================================================================================
// Payment gateway certificate request (lines 1586-1631)

// BrandAndBIN ::= SEQUENCE { brandID BrandID, bin BIN OPTIONAL }               (lines 1599-1602)
struct BrandAndBIN {
  static constexpr std::string_view kName = "BrandAndBIN";
  BrandID brand_id;
  std::optional<std::string> bin;
  template <class V>
  void describe(V& v) {
    v(brand_id, "brandID", spec::BrandID());
    v(bin, "bin", spec::BIN());
  }
  bool operator==(const BrandAndBIN&) const = default;
};

namespace spec {
// BrandAndBINSeq ::= SEQUENCE SIZE(1..MAX) OF BrandAndBIN                          (line 1597)
inline SeqOf<Seq<::openset::asn1::BrandAndBIN>> BrandAndBINSeq() {
  return {.size = {1, SIZE_MAX}, .name = "BrandAndBINSeq"};
}
}  // namespace spec

// PCertReqData ::= SEQUENCE {                                                 (lines 1588-1593)
//    pCertRRTags     RRTags,
//    mThumbs         [0] EXPLICIT Thumbs  OPTIONAL,
//    brandAndBINSeq  BrandAndBINSeq,
//    pcRqExtensions  [1] MsgExtensions {{PCRqExtensionsIOS}}  OPTIONAL }
struct PCertReqData {
  static constexpr std::string_view kName = "PCertReqData";
  RRTags p_cert_rr_tags;
  std::optional<Thumbs> m_thumbs;
  std::vector<BrandAndBIN> brand_and_bin_seq;
  std::optional<MsgExtensions> pc_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(p_cert_rr_tags, "pCertRRTags");
    v(m_thumbs, "mThumbs", explicit_(0, spec::Seq<Thumbs>{}));
    v(brand_and_bin_seq, "brandAndBINSeq", spec::BrandAndBINSeq());
    v(pc_rq_extensions, "pcRqExtensions", implicit(1, spec::MsgExtensions()));
  }
  bool operator==(const PCertReqData&) const = default;
};

// PCertCode ::= ENUMERATED { success (0), unspecifiedFailure (1), brandNotSupported (2),
//                            unknownBIN (3) }                                 (lines 1622-1627)
enum class PCertCode : std::int64_t {
  kSuccess = 0, kUnspecifiedFailure = 1, kBrandNotSupported = 2, kUnknownBIN = 3,
};
namespace spec {
inline Enumerated<::openset::asn1::PCertCode> PCertCode() {
  return {.name = "PCertCode",
          .named = {{0, "success"}, {1, "unspecifiedFailure"}, {2, "brandNotSupported"},
                    {3, "unknownBIN"}}};
}
}  // namespace spec

// PCertResItem ::= SEQUENCE { pCertCode PCertCode,                            (lines 1617-1620)
//                             certThumb [0] EXPLICIT CertThumb  OPTIONAL }
struct PCertResItem {
  static constexpr std::string_view kName = "PCertResItem";
  PCertCode p_cert_code = PCertCode::kSuccess;
  std::optional<CertThumb> cert_thumb;
  template <class V>
  void describe(V& v) {
    v(p_cert_code, "pCertCode", spec::PCertCode());
    v(cert_thumb, "certThumb", explicit_(0, spec::Seq<CertThumb>{}));
  }
  bool operator==(const PCertResItem&) const = default;
};

// PCertResTBS ::= SEQUENCE {                                                  (lines 1606-1611)
//    pCertRRTags            RRTags,
//    pCertResItemSeq        PCertResItemSeq,          -- SEQUENCE OF PCertResItem
//    brandCRLIdentifierSeq  [0] BrandCRLIdentifierSeq  OPTIONAL,
//    pcRsExtensions         [1] MsgExtensions {{PCRsExtensionsIOS}}  OPTIONAL }
// BrandCRLIdentifierSeq ::= SEQUENCE SIZE(1..MAX) OF [0] EXPLICIT BrandCRLIdentifier
struct PCertResTBS {
  static constexpr std::string_view kName = "PCertResTBS";
  RRTags p_cert_rr_tags;
  std::vector<PCertResItem> p_cert_res_item_seq;
  std::optional<std::vector<Bytes>> brand_crl_identifier_seq;
  std::optional<MsgExtensions> pc_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(p_cert_rr_tags, "pCertRRTags");
    v(p_cert_res_item_seq, "pCertResItemSeq",
      spec::SeqOf<spec::Seq<PCertResItem>>{.name = "PCertResItemSeq"});
    v(brand_crl_identifier_seq, "brandCRLIdentifierSeq",
      implicit(0, spec::SeqOf<spec::Explicit<spec::Any>>{
                      .elem = explicit_(0, spec::BrandCRLIdentifier()),
                      .size = {1, SIZE_MAX},
                      .name = "BrandCRLIdentifierSeq"}));
    v(pc_rs_extensions, "pcRsExtensions", implicit(1, spec::MsgExtensions()));
  }
  bool operator==(const PCertResTBS&) const = default;
};

// =============================================================================================
// Batch administration (lines 1633-1797)

enum class BatchOperation : std::int64_t { kOpen = 0, kPurge = 1, kClose = 2 };
enum class TransmissionStatus : std::int64_t {
  kPending = 0, kInProgress = 1, kBatchRejectedByAcquirer = 2, kCompletedSuccessfully = 3,
  kCompletedWithItemErrors = 4,
};
enum class BAStatus : std::int64_t {
  kSuccess = 0, kUnspecifiedFailure = 1, kBrandNotSupported = 2, kUnknownBIN = 3,
  kBatchIDunavailable = 4, kBatchAlreadyOpen = 5, kUnknownBatchID = 6, kBrandBatchMismatch = 7,
  kTotalsOutOfBalance = 8, kUnknownStartingPoint = 9, kStopItemDetail = 10,
  kUnknownBatchOperation = 11,
};
enum class AmountType : std::int64_t { kCredit = 0, kDebit = 1 };
enum class TransactionStatus : std::int64_t { kSuccess = 0, kUnspecifiedFailure = 1 };
enum class ReimbursementID : std::int64_t {
  kUnspecified = 0, kStandard = 1, kKeyEntered = 2, kElectronic = 3, kAdditionalData = 4,
  kEnhancedData = 5, kMarketSpecific = 6,
};

namespace spec {
inline Enumerated<::openset::asn1::BatchOperation> BatchOperation() {
  return {.name = "BatchOperation", .named = {{0, "open"}, {1, "purge"}, {2, "close"}}};
}
inline Enumerated<::openset::asn1::TransmissionStatus> TransmissionStatus() {
  return {.name = "TransmissionStatus",
          .named = {{0, "pending"}, {1, "inProgress"}, {2, "batchRejectedByAcquirer"},
                    {3, "completedSuccessfully"}, {4, "completedWithItemErrors"}}};
}
inline Enumerated<::openset::asn1::BAStatus> BAStatus() {
  return {.name = "BAStatus",
          .named = {{0, "success"}, {1, "unspecifiedFailure"}, {2, "brandNotSupported"},
                    {3, "unknownBIN"}, {4, "batchIDunavailable"}, {5, "batchAlreadyOpen"},
                    {6, "unknownBatchID"}, {7, "brandBatchMismatch"}, {8, "totalsOutOfBalance"},
                    {9, "unknownStartingPoint"}, {10, "stopItemDetail"},
                    {11, "unknownBatchOperation"}}};
}
inline Enumerated<::openset::asn1::AmountType> AmountType() {
  return {.name = "AmountType", .named = {{0, "credit"}, {1, "debit"}}};
}
inline Enumerated<::openset::asn1::TransactionStatus> TransactionStatus() {
  return {.name = "TransactionStatus", .named = {{0, "success"}, {1, "unspecifiedFailure"}}};
}
inline Enumerated<::openset::asn1::ReimbursementID> ReimbursementID() {
  return {.name = "ReimbursementID",
          .named = {{0, "unspecified"}, {1, "standard"}, {2, "keyEntered"}, {3, "electronic"},
                    {4, "additionalData"}, {5, "enhancedData"}, {6, "marketSpecific"}}};
}
}  // namespace spec

// ReturnTransactionDetail ::= SEQUENCE {                                      (lines 1658-1663)
//    startingPoint  INTEGER (MIN..MAX),
//    maximumItems   INTEGER (1..MAX),
//    errorsOnlyInd  BOOLEAN DEFAULT FALSE,
//    brandID        [0] EXPLICIT BrandID  OPTIONAL }
struct ReturnTransactionDetail {
  static constexpr std::string_view kName = "ReturnTransactionDetail";
  std::int64_t starting_point = 0;
  std::int64_t maximum_items = 1;
  bool errors_only_ind = false;
  std::optional<BrandID> brand_id;
  template <class V>
  void describe(V& v) {
    v(starting_point, "startingPoint", spec::Unbounded());
    v(maximum_items, "maximumItems", spec::Integer{.min = 1, .name = "INTEGER (1..MAX)"});
    v(errors_only_ind, "errorsOnlyInd", with_default(spec::Boolean{}, false));
    v(brand_id, "brandID", explicit_(0, spec::BrandID()));
  }
  bool operator==(const ReturnTransactionDetail&) const = default;
};

// TransactionDetail ::= SEQUENCE {                                            (lines 1763-1773)
//    transIDs            TransIDs,
//    authRRPID           RRPID,
//    brandID             BrandID,
//    batchSequenceNum    BatchSequenceNum,
//    reimbursementID     ReimbursementID  OPTIONAL,
//    transactionAmt      CurrencyAmount,
//    transactionAmtType  AmountType,
//    transactionStatus   [0] TransactionStatus  OPTIONAL,
//    transExtensions     [1] MsgExtensions {{TransExtensionsIOS}} OPTIONAL }
struct TransactionDetail {
  static constexpr std::string_view kName = "TransactionDetail";
  TransIDs trans_ids;
  Bytes auth_rrpid;
  BrandID brand_id;
  std::int64_t batch_sequence_num = 1;
  std::optional<ReimbursementID> reimbursement_id;
  CurrencyAmount transaction_amt;
  AmountType transaction_amt_type = AmountType::kDebit;
  std::optional<TransactionStatus> transaction_status;
  std::optional<MsgExtensions> trans_extensions;
  template <class V>
  void describe(V& v) {
    v(trans_ids, "transIDs");
    v(auth_rrpid, "authRRPID", spec::RRPID());
    v(brand_id, "brandID", spec::BrandID());
    v(batch_sequence_num, "batchSequenceNum", spec::BatchSequenceNum());
    v(reimbursement_id, "reimbursementID", spec::ReimbursementID());
    v(transaction_amt, "transactionAmt");
    v(transaction_amt_type, "transactionAmtType", spec::AmountType());
    v(transaction_status, "transactionStatus", implicit(0, spec::TransactionStatus()));
    v(trans_extensions, "transExtensions", implicit(1, spec::MsgExtensions()));
  }
  bool operator==(const TransactionDetail&) const = default;
};

// TransDetails ::= SEQUENCE {                                                 (lines 1665-1668)
//    nextStartingPoint     INTEGER (MIN..MAX),
//    transactionDetailSeq  TransactionDetailSeq }     -- SEQUENCE OF TransactionDetail
struct TransDetails {
  static constexpr std::string_view kName = "TransDetails";
  std::int64_t next_starting_point = 0;
  std::vector<TransactionDetail> transaction_detail_seq;
  template <class V>
  void describe(V& v) {
    v(next_starting_point, "nextStartingPoint", spec::Unbounded());
    v(transaction_detail_seq, "transactionDetailSeq",
      spec::SeqOf<spec::Seq<TransactionDetail>>{.name = "TransactionDetailSeq"});
  }
  bool operator==(const TransDetails&) const = default;
};

// BatchAdminReqData ::= SEQUENCE {                                            (lines 1638-1648)
//    batchAdminRRTags         RRTags,
//    batchID                  [0] BatchID  OPTIONAL,
//    brandAndBINSeq           [1] BrandAndBINSeq  OPTIONAL,
//    batchOperation           [2] BatchOperation  OPTIONAL,
//    returnBatchSummaryInd    BOOLEAN DEFAULT FALSE,
//    returnTransactionDetail  [3] ReturnTransactionDetail  OPTIONAL,
//    batchStatus              [4] BatchStatus  OPTIONAL,
//    transDetails             [5] TransDetails  OPTIONAL,
//    baRqExtensions           [6] MsgExtensions {{BARqExtensionsIOS}} OPTIONAL }
struct BatchAdminReqData {
  static constexpr std::string_view kName = "BatchAdminReqData";
  RRTags batch_admin_rr_tags;
  std::optional<std::int64_t> batch_id;
  std::optional<std::vector<BrandAndBIN>> brand_and_bin_seq;
  std::optional<BatchOperation> batch_operation;
  bool return_batch_summary_ind = false;
  std::optional<ReturnTransactionDetail> return_transaction_detail;
  std::optional<BatchStatus> batch_status;
  std::optional<TransDetails> trans_details;
  std::optional<MsgExtensions> ba_rq_extensions;
  template <class V>
  void describe(V& v) {
    v(batch_admin_rr_tags, "batchAdminRRTags");
    v(batch_id, "batchID", implicit(0, spec::BatchID()));
    v(brand_and_bin_seq, "brandAndBINSeq", implicit(1, spec::BrandAndBINSeq()));
    v(batch_operation, "batchOperation", implicit(2, spec::BatchOperation()));
    v(return_batch_summary_ind, "returnBatchSummaryInd", with_default(spec::Boolean{}, false));
    v(return_transaction_detail, "returnTransactionDetail",
      implicit(3, spec::Seq<ReturnTransactionDetail>{}));
    v(batch_status, "batchStatus", implicit(4, spec::Seq<BatchStatus>{}));
    v(trans_details, "transDetails", implicit(5, spec::Seq<TransDetails>{}));
    v(ba_rq_extensions, "baRqExtensions", implicit(6, spec::MsgExtensions()));
  }
  bool operator==(const BatchAdminReqData&) const = default;
};

// SettlementInfo ::= SEQUENCE {                                               (lines 1696-1701)
//    settlementAmount       CurrencyAmount,
//    settlementType         AmountType,
//    settlementAccount      SETString { ub-SettlementAccount },
//    settlementDepositDate  Date }
struct SettlementInfo {
  static constexpr std::string_view kName = "SettlementInfo";
  using Account = SETString<ub_SettlementAccount, "SETString{ub-SettlementAccount}">;
  CurrencyAmount settlement_amount;
  AmountType settlement_type = AmountType::kCredit;
  Account settlement_account;
  der::Time settlement_deposit_date;
  template <class V>
  void describe(V& v) {
    v(settlement_amount, "settlementAmount");
    v(settlement_type, "settlementType", spec::AmountType());
    v(settlement_account, "settlementAccount");
    v(settlement_deposit_date, "settlementDepositDate", spec::Date());
  }
  bool operator==(const SettlementInfo&) const = default;
};

// BatchAdminResData ::= SEQUENCE {                                            (lines 1675-1684)
//    batchAdminTags      RRTags,
//    batchID             BatchID,
//    baStatus            BAStatus  OPTIONAL,
//    batchStatus         [0] BatchStatus  OPTIONAL,
//    transmissionStatus  [1] TransmissionStatus  OPTIONAL,
//    settlementInfo      [2] SettlementInfo  OPTIONAL,
//    transDetails        [3] TransDetails  OPTIONAL,
//    baRsExtensions      [4] MsgExtensions {{BARsExtensionsIOS}} OPTIONAL }
struct BatchAdminResData {
  static constexpr std::string_view kName = "BatchAdminResData";
  RRTags batch_admin_tags;
  std::int64_t batch_id = 0;
  std::optional<BAStatus> ba_status;
  std::optional<BatchStatus> batch_status;
  std::optional<TransmissionStatus> transmission_status;
  std::optional<SettlementInfo> settlement_info;
  std::optional<TransDetails> trans_details;
  std::optional<MsgExtensions> ba_rs_extensions;
  template <class V>
  void describe(V& v) {
    v(batch_admin_tags, "batchAdminTags");
    v(batch_id, "batchID", spec::BatchID());
    v(ba_status, "baStatus", spec::BAStatus());
    v(batch_status, "batchStatus", implicit(0, spec::Seq<BatchStatus>{}));
    v(transmission_status, "transmissionStatus", implicit(1, spec::TransmissionStatus()));
    v(settlement_info, "settlementInfo", implicit(2, spec::Seq<SettlementInfo>{}));
    v(trans_details, "transDetails", implicit(3, spec::Seq<TransDetails>{}));
    v(ba_rs_extensions, "baRsExtensions", implicit(4, spec::MsgExtensions()));
  }
  bool operator==(const BatchAdminResData&) const = default;
};

}  // namespace openset::asn1
