// SetPayMsgs, second half: authorization reversal, capture, capture reversal, credit, credit
// reversal, payment-gateway certificates and batch administration (set_paymsgs_capture.hpp).
#include <gtest/gtest.h>

#include <string>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "set_test_values.hpp"

namespace openset::asn1 {
namespace {

using namespace openset::asn1::testing;
using CT = oid::ContentType;

template <class T>
Bytes round_trip(const T& v) {
  Bytes der = encode(v);
  auto back = decode<T>(der);
  EXPECT_TRUE(back.ok()) << T::kName << ": " << (back.ok() ? "" : back.error().to_string());
  if (back.ok()) {
    EXPECT_EQ(to_hex(encode(*back)), to_hex(der)) << T::kName;
  }
  return der;
}

template <class T>
Status decode_status(const Bytes& der) {
  auto r = decode<T>(der);
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

RRTags rr_tags() {
  RRTags t;
  t.rrpid = Bytes(20, 0x12);
  t.mer_term_ids.merchant_id = "Merchant1";
  t.current_date = date_1997();
  return t;
}

AuthResPayload auth_res_payload() {
  AuthResPayload p;
  p.auth_header.auth_amt = usd_12_34();
  p.auth_header.auth_code = AuthCode::kApproved;
  return p;
}

BatchStatus batch_status() {
  BatchStatus b;
  b.open_date_time = date_1997();
  b.batch_details.batch_totals = BatchTotals{1, usd_12_34(), 0, CurrencyAmount{840, 0, -2}, std::nullopt};
  return b;
}

CapPayload cap_payload() {
  CapPayload c;
  c.cap_date = date_1997();
  c.cap_req_amt = usd_12_34();
  c.auth_res_payload = auth_res_payload();
  SaleDetail s;
  s.batch_id = 7;
  c.sale_detail = s;
  return c;
}

CapRevOrCredReqData cap_rev_or_cred_req_data() {
  CapRevOrCredReqData d;
  d.cap_rev_or_cred_rr_tags = rr_tags();
  CapRevOrCredReqItem item;
  item.trans_ids = trans_ids();
  item.auth_rrpid = Bytes(20, 0x21);
  item.cap_payload = cap_payload();
  item.new_batch_id = 8;
  item.cap_rev_or_cred_req_date = date_1997();
  item.cap_rev_or_cred_req_amt = usd_12_34();
  item.new_account_ind = true;
  d.cap_rev_or_cred_req_item_seq = {item};
  return d;
}

CapRevOrCredResData cap_rev_or_cred_res_data() {
  CapRevOrCredResData d;
  d.cap_rev_or_cred_rr_tags = rr_tags();
  d.pe_thumb = cert_thumb();
  d.batch_status_seq = std::vector<BatchStatus>{batch_status()};
  CapRevOrCredResItem item{trans_ids(), Bytes(20, 0x21),
                           CapRevOrCredResPayload{CapRevOrCredCode::kOriginalProcessed, usd_12_34(), 8, 2,
                                                  std::nullopt}};
  d.cap_rev_or_cred_res_item_seq = {item};
  return d;
}

TEST(AuthReversal, DataRoundTrip) {
  AuthRevReqData rq;
  rq.auth_rev_tags = AuthRevTags{rr_tags(), 1};
  rq.m_thumbs = thumbs();
  rq.auth_res_payload = auth_res_payload();
  rq.auth_new_amt = CurrencyAmount{840, 1000, -2};
  round_trip(rq);
  AuthRevReqTBS tbs;
  tbs.t1 = rq;
  tbs.t2 = dd(CT::kAuthRevReqBaggage);
  round_trip(tbs);
  AuthRevResData rs;
  rs.auth_rev_code = AuthRevCode::kInvalidAmount;
  rs.auth_rev_tags = AuthRevTags{rr_tags(), std::nullopt};
  rs.auth_new_amt = CurrencyAmount{840, 0, -2};
  rs.auth_res_data_new = AuthResDataNew{trans_ids(), auth_res_payload()};
  rs.a_rv_rs_extensions = MsgExtensions{msg_extension()};
  Bytes der = round_trip(rs);
  {
    der::Reader r(der);
    auto in = r.enter_sequence();
    ASSERT_TRUE(in.ok());
    auto code = in->read_element(der::tags::kEnumerated);  // authRevCode comes first
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(to_hex(code->content), "09");  // invalidAmount(9)
  }
  round_trip(AuthRevResTBS{rs, dd(CT::kAuthRevResBaggage)});
  rs.auth_rev_code = static_cast<AuthRevCode>(10);
  Status s = decode_status<AuthRevResData>(encode(rs));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("authRevCode: AuthRevCode: value 10"), std::string::npos) << s.error().message;
}

TEST(Capture, DataRoundTripAndItemSequenceIsNonEmpty) {
  CapReqData rq;
  rq.cap_rr_tags = rr_tags();
  rq.cap_item_seq = {CapItem{trans_ids(), Bytes(20, 0x21), cap_payload()}};
  rq.c_rq_extensions = MsgExtensions{};
  round_trip(rq);
  CapReqTBS tbs;
  tbs.t1 = rq;
  tbs.t2 = dd(CT::kCapTokenSeq);
  round_trip(tbs);
  round_trip(CapReqTBSX{tbs, pan_token()});
  round_trip(CapReqTBEX{tbs, detached_signed_data(oid::content(CT::kCapReqTBSX))});
  rq.cap_item_seq.clear();
  Status s = decode_status<CapReqData>(encode(rq));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConstraint);
  EXPECT_NE(s.error().message.find("capItemSeq: CapItemSeq has size 0"), std::string::npos) << s.error().message;

  CapResData rs;
  rs.cap_rr_tags = rr_tags();
  rs.brand_crl_identifier = hex("3000");
  rs.batch_status_seq = std::vector<BatchStatus>{batch_status(), batch_status()};
  rs.cap_res_item_seq = {CapResItem{trans_ids(), Bytes(20, 0x21),
                                    CapResPayload{CapCode::kBatchClosed, usd_12_34(), std::nullopt, 3, std::nullopt}}};
  Bytes der = round_trip(rs);
  // batchStatusSeq [2] IMPLICIT SEQUENCE OF: constructed context 2.
  EXPECT_NE(to_hex(der).find("a2"), std::string::npos);
}

TEST(CaptureReversalAndCredit, TaggedDataCarriesItsExplicitTag) {
  // CapRevData ::= [0] EXPLICIT ..., CredReqData ::= [1] EXPLICIT ..., CredRevReqData ::= [2] EXPLICIT ...
  CapRevData cap_rev;
  cap_rev.get() = cap_rev_or_cred_req_data();
  Bytes a = round_trip(cap_rev);
  CredReqData cred;
  cred.get() = cap_rev_or_cred_req_data();
  Bytes b = round_trip(cred);
  CredRevReqData cred_rev;
  cred_rev.get() = cap_rev_or_cred_req_data();
  Bytes c = round_trip(cred_rev);
  EXPECT_EQ(a[0], 0xa0);
  EXPECT_EQ(b[0], 0xa1);
  EXPECT_EQ(c[0], 0xa2);
  // Same content under each tag.
  EXPECT_EQ(Bytes(a.begin() + 1, a.end()), Bytes(b.begin() + 1, b.end()));
  // A CredReqData is not a CapRevData.
  Status s = decode_status<CapRevData>(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("CapRevData: [1] matches none"), std::string::npos) << s.error().message;

  CapRevResData cap_rev_res;
  cap_rev_res.get() = cap_rev_or_cred_res_data();
  EXPECT_EQ(round_trip(cap_rev_res)[0], 0xa0);
  CredResData cred_res;
  cred_res.get() = cap_rev_or_cred_res_data();
  EXPECT_EQ(round_trip(cred_res)[0], 0xa1);
  CredRevResData cred_rev_res;
  cred_rev_res.get() = cap_rev_or_cred_res_data();
  EXPECT_EQ(round_trip(cred_rev_res)[0], 0xa2);

  CapRevReqTBS t1;
  t1.t1 = cap_rev;
  t1.t2 = dd(CT::kCapTokenSeq);
  round_trip(t1);
  round_trip(CapRevReqTBSX{t1, pan_token()});
  round_trip(CapRevReqTBEX{t1, detached_signed_data(oid::content(CT::kCapRevReqTBSX))});
  CredReqTBS t2;
  t2.t1 = cred;
  t2.t2 = dd(CT::kCapTokenSeq);
  round_trip(CredReqTBSX{t2, pan_token()});
  round_trip(CredReqTBEX{t2, detached_signed_data(oid::content(CT::kCredReqTBSX))});
  CredRevReqTBS t3;
  t3.t1 = cred_rev;
  t3.t2 = dd(CT::kCapTokenSeq);
  round_trip(CredRevReqTBSX{t3, pan_token()});
  round_trip(CredRevReqTBEX{t3, detached_signed_data(oid::content(CT::kCredRevReqTBSX))});
}

TEST(CaptureReversalAndCredit, NewAccountIndDefaultIsOmitted) {
  CapRevOrCredReqData d = cap_rev_or_cred_req_data();
  std::string with = to_hex(encode(d));
  d.cap_rev_or_cred_req_item_seq[0].new_account_ind = false;
  std::string without = to_hex(encode(d));
  EXPECT_NE(with.find("0101ff"), std::string::npos);  // newAccountInd TRUE is written
  EXPECT_EQ(without.find("0101ff"), std::string::npos);  // FALSE (the DEFAULT) is not
  auto back = decode<CapRevOrCredReqData>(hex(without));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->cap_rev_or_cred_req_item_seq[0].new_account_ind);
}

TEST(GatewayCertificate, RoundTripAndBrandCRLIdentifierSeqTags) {
  PCertReqData rq;
  rq.p_cert_rr_tags = rr_tags();
  rq.brand_and_bin_seq = {BrandAndBIN{"Visa", "411111"}, BrandAndBIN{"MasterCard", std::nullopt}};
  round_trip(rq);
  PCertResTBS rs;
  rs.p_cert_rr_tags = rr_tags();
  rs.p_cert_res_item_seq = {PCertResItem{PCertCode::kSuccess, cert_thumb()},
                            PCertResItem{PCertCode::kUnknownBIN, std::nullopt}};
  rs.brand_crl_identifier_seq = std::vector<Bytes>{hex("3000"), hex("3003020101")};
  Bytes der = round_trip(rs);
  // brandCRLIdentifierSeq [0] IMPLICIT SEQUENCE OF [0] EXPLICIT BrandCRLIdentifier:
  //   a0 0b  a0 02 3000  a0 05 3003020101
  EXPECT_NE(to_hex(der).find("a00b" "a0023000" "a0053003020101"), std::string::npos) << to_hex(der);
  rq.brand_and_bin_seq.clear();
  Status s = decode_status<PCertReqData>(encode(rq));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("brandAndBINSeq: BrandAndBINSeq has size 0"), std::string::npos);
}

TEST(BatchAdministration, RoundTrip) {
  BatchAdminReqData rq;
  rq.batch_admin_rr_tags = rr_tags();
  rq.batch_id = 5;
  rq.brand_and_bin_seq = std::vector<BrandAndBIN>{BrandAndBIN{"Visa", std::nullopt}};
  rq.batch_operation = BatchOperation::kClose;
  rq.return_batch_summary_ind = true;
  rq.return_transaction_detail = ReturnTransactionDetail{-1, 50, true, BrandID("Visa")};
  rq.batch_status = batch_status();
  TransactionDetail td;
  td.trans_ids = trans_ids();
  td.auth_rrpid = Bytes(20, 0x21);
  td.brand_id = "Visa";
  td.batch_sequence_num = 3;
  td.reimbursement_id = ReimbursementID::kElectronic;
  td.transaction_amt = usd_12_34();
  td.transaction_amt_type = AmountType::kDebit;
  td.transaction_status = TransactionStatus::kSuccess;
  rq.trans_details = TransDetails{10, {td, td}};
  round_trip(rq);
  BatchAdminResData rs;
  rs.batch_admin_tags = rr_tags();
  rs.batch_id = 5;
  rs.ba_status = BAStatus::kTotalsOutOfBalance;
  rs.transmission_status = TransmissionStatus::kCompletedWithItemErrors;
  rs.settlement_info = SettlementInfo{usd_12_34(), AmountType::kCredit, "DE89 3704 0044", date_1997()};
  rs.trans_details = TransDetails{0, {}};
  Bytes der = round_trip(rs);
  // batchID is an untagged INTEGER right after the RRTags; baStatus an untagged ENUMERATED.
  EXPECT_NE(to_hex(der).find("0201050a0108"), std::string::npos) << to_hex(der);
  ReturnTransactionDetail bad{0, 0, false, std::nullopt};  // maximumItems INTEGER (1..MAX)
  Status s = decode_status<ReturnTransactionDetail>(encode(bad));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("maximumItems: "), std::string::npos);
}

}  // namespace
}  // namespace openset::asn1
