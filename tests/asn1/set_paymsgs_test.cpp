// SetPayMsgs and the MessageWrapper: the purchase request with its dual signature, purchase
// initialization and response, the gateway messages' outer shapes, FloatingPoint (REAL), and
// the Message CHOICE's tags.
#include <gtest/gtest.h>

#include <string>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/real.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs.hpp"
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

// ---------------------------------------------------------------------------------------------
// The purchase request with a dual signature (notes §3.4, §3.8)

PIData pi_data() { return PIData{pi_head(), pan_data()}; }
PIDataUnsigned pi_data_unsigned() { return PIDataUnsigned{pi_head(), pan_token()}; }

PIOILink pi_oi_link() {
  PIOILink l;
  l.t1 = pi_head();
  l.t2 = dd(CT::kOIData, 0x0d);
  return l;
}

PIDualSigned pi_dual_signed() {
  PIDualSigned p;
  p.pi_signature = detached_signed_data(oid::content(CT::kPI_TBS));  // SO { C, PI-TBS }
  p.ex_pi_data = enveloped_data(oid::content(CT::kPIDualSignedTBE));  // EX { P, PI-OILink, PANData }
  return p;
}

PReqDualSigned preq_dual_signed() {
  PReqDualSigned p;
  p.pi_dual_signed = pi_dual_signed();
  p.oi_dual_signed.t1 = oi_data();
  p.oi_dual_signed.t2 = dd(CT::kPIData, 0x0e);  // DD { PIData }
  return p;
}

TEST(PurchaseRequest, DualSignedComponentsRoundTrip) {
  round_trip(pi_data());
  round_trip(pi_data_unsigned());
  round_trip(pi_oi_link());
  PIDualSignedTBE tbe;
  tbe.t1 = pi_oi_link();
  tbe.t2 = dd(CT::kPANData);
  round_trip(tbe);
  PIUnsignedTBE utbe;
  utbe.t1 = pi_oi_link();
  utbe.t2 = dd(CT::kPANToken);
  round_trip(utbe);
  PI_TBS tbs{dd(CT::kPIData), dd(CT::kOIData)};
  round_trip(tbs);
  round_trip(pi_dual_signed());
  round_trip(preq_dual_signed());
  Inputs in{hod_dd(), usd_12_34()};
  round_trip(in);
}

TEST(PurchaseRequest, PReqAlternativesAreExplicitZeroAndOne) {
  PReq dual;
  dual.value = preq_dual_signed();
  Bytes der = round_trip(dual);
  // [0] EXPLICIT (constructed context 0) around PReqDualSigned's SEQUENCE.
  der::Reader r(der);
  auto inner = r.enter(der::context(0, true));
  ASSERT_TRUE(inner.ok());
  EXPECT_TRUE(inner->peek_is(der::tags::kSequence));

  PReq unsigned_req;
  PReqUnsigned u;
  u.pi_unsigned = enveloped_data(oid::content(CT::kPIUnsignedTBE));  // EXH { P, PI-OILink, PANToken }
  u.oi_unsigned.t1 = oi_data();
  u.oi_unsigned.t2 = dd(CT::kPIDataUnsigned);
  unsigned_req.value = u;
  der = round_trip(unsigned_req);
  EXPECT_EQ(der[0], 0xa1);
  auto back = decode<PReq>(der);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value.index(), 1u);
}

TEST(PurchaseRequest, DualSignatureCoversBothHalves) {
  // The merchant holds OIData in clear and only the digest of PIData; the PI half carries a
  // detached signature (SO: no content) and the PI encrypted for the gateway.
  auto back = decode<PReqDualSigned>(encode(preq_dual_signed()));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_FALSE(back->pi_dual_signed.pi_signature.content_info.content.has_value());
  EXPECT_EQ(back->pi_dual_signed.pi_signature.content_info.content_type, oid::content(CT::kPI_TBS));
  EXPECT_EQ(back->pi_dual_signed.ex_pi_data.encrypted_content_info.content_type,
            oid::content(CT::kPIDualSignedTBE));
  EXPECT_EQ(back->oi_dual_signed.t2.content_info.content_type, oid::content(CT::kPIData));
  EXPECT_EQ(back->oi_dual_signed.t1.trans_ids, trans_ids());
}

TEST(PurchaseRequest, PIAlternativesIncludingAuthToken) {
  PI pi;
  pi.value.emplace<0>(enveloped_data(oid::content(CT::kPIUnsignedTBE)));
  EXPECT_EQ(round_trip(pi)[0], 0xa0);
  pi.value.emplace<1>(pi_dual_signed());
  EXPECT_EQ(round_trip(pi)[0], 0xa1);
  pi.value.emplace<2>(enveloped_data(oid::content(CT::kAuthTokenTBE)));
  Bytes der = round_trip(pi);
  EXPECT_EQ(der[0], 0xa2);
  auto back = decode<PI>(der);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value.index(), 2u);
}

TEST(PurchaseRequest, InstallmentAndRecurringData) {
  InstallRecurData ir;
  Recurring r{30, date_1997()};
  ir.install_recur_ind.value = r;
  ir.ir_extensions = MsgExtensions{msg_extension()};
  Bytes der = round_trip(ir);
  // installRecurInd recurring [1] IMPLICIT Recurring -> a1; irExtensions [0] IMPLICIT -> a0.
  EXPECT_EQ(to_hex(der).substr(4, 2), "a1");
  EXPECT_NE(to_hex(der).find("a00f300d"), std::string::npos);
  r.recurring_frequency = 367;  // ub-recurringFrequency is 366
  ir.install_recur_ind.value = r;
  Status s = decode_status<InstallRecurData>(encode(ir));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConstraint);
  EXPECT_NE(s.error().message.find("installRecurInd: recurring: recurringFrequency: "), std::string::npos)
      << s.error().message;
}

TEST(PurchaseRequest, BackKeyIsOneToThirtyTwoOctets) {
  // SIZE(1..24) in set-1.asn1, widened to 1..32 for AES-256 keys (departure D-11).
  PIHead p = pi_head();
  p.acq_back_key_data->back_key = Bytes(32, 1);
  EXPECT_TRUE(decode_status<PIHead>(encode(p)).ok());
  p.acq_back_key_data->back_key = Bytes(33, 1);
  Status s = decode_status<PIHead>(encode(p));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConstraint);
  EXPECT_NE(s.error().message.find("acqBackKeyData: backKey: BackKey has size 33"), std::string::npos)
      << s.error().message;
}

// ---------------------------------------------------------------------------------------------
// Purchase initialization and response

PInitReq pinit_req() {
  PInitReq p;
  p.rrpid = Bytes(20, 0x99);
  p.language = "en";
  p.local_id_c = to_bytes(std::string_view("C1"));
  p.local_id_m = to_bytes(std::string_view("M1"));
  p.chall_c = Bytes(20, 0x66);
  p.brand_id = "Visa";
  p.bin = "411111";
  Thumbs t;
  t.digest_algorithm = sha1_null();
  t.cert_thumbs = std::vector<Bytes>{Bytes(20, 0x01)};
  p.thumbs = t;
  return p;
}

// PInitReq { rrpid 99*20, language "en", localID-C "C1", localID-M "M1", chall-C 66*20,
//            brandID "Visa", bin "411111", thumbs { id-sha1, certThumbs { 01*20 } } }
//   30 6f                                  SEQUENCE, 111 octets
//      04 14 9999...99                     rrpid      RRPID
//      1a 02 656e                          language   Language
//      04 02 4331                          localID-C  LocalID
//      80 02 4d31                          localID-M  [0] IMPLICIT LocalID
//      04 14 6666...66                     chall-C    Challenge
//      1a 04 56697361                      brandID    visibleString "Visa"
//      12 06 343131313131                  bin        NumericString
//      a1 27                               thumbs     [1] EXPLICIT
//         30 25                               Thumbs
//            30 09 06052b0e03021a 0500           digestAlgorithm { id-sha1, NULL }
//            a0 18                               certThumbs [0] EXPLICIT
//               30 16                               Digests (SEQUENCE OF)
//                  04 14 0101...01                     Digest
TEST(SetPinned, PInitReq) {
  const std::string expected = "306f" "0414" + rep("99", 20) + "1a02656e" "04024331" "80024d31"
                               "0414" + rep("66", 20) + "1a0456697361" "1206343131313131"
                               "a127" "3025" "300906052b0e03021a0500" "a018" "3016" "0414" +
                               rep("01", 20);
  EXPECT_EQ(to_hex(encode(pinit_req())), expected);
  auto back = decode<PInitReq>(hex(expected));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, pinit_req());
}

PInitResData pinit_res_data() {
  PInitResData d;
  d.trans_ids = trans_ids();
  d.rrpid = Bytes(20, 0x99);
  d.chall_c = Bytes(20, 0x66);
  d.chall_m = Bytes(20, 0x77);
  d.brand_crl_identifier = hex("3003020101");  // opaque until issue 3
  d.pe_thumb = cert_thumb();
  d.thumbs = thumbs();
  d.pi_rs_extensions = MsgExtensions{};
  return d;
}

TEST(PurchaseInit, PInitResDataRoundTripAndTags) {
  Bytes der = round_trip(pinit_res_data());
  std::string h = to_hex(der);
  EXPECT_NE(h.find("a0053003020101"), std::string::npos) << h;  // brandCRLIdentifier [0] EXPLICIT
  EXPECT_NE(h.find("a1233021"), std::string::npos) << h;        // peThumb [1] EXPLICIT CertThumb
  EXPECT_EQ(h.substr(h.size() - 4), "a300");                     // piRsExtensions [3] IMPLICIT, empty
  // peThumb is mandatory: copy every component but [1] and the decoder must say so.
  der::Reader outer(der);
  auto in = outer.enter_sequence();
  ASSERT_TRUE(in.ok());
  der::Writer w;
  w.begin_sequence();
  while (!in->empty()) {
    auto e = in->read_any();
    ASSERT_TRUE(e.ok());
    if (e->tag != der::context(1, true)) w.add_raw(e->tlv);
  }
  w.end();
  Bytes b = w.finish();
  // 37 octets fewer, and the outer length drops from the 82 xx xx form to 81 xx.
  ASSERT_EQ(b.size(), der.size() - (2 + 0x23) - 1);
  Status s = decode_status<PInitResData>(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("peThumb: "), std::string::npos) << s.error().to_string();
}

PResData pres_data() {
  PResData d;
  d.trans_ids = trans_ids();
  d.rrpid = Bytes(20, 0x99);
  d.chall_c = Bytes(20, 0x66);
  PResPayload p;
  p.completion_code = CompletionCode::kCapturePerformed;
  Results r;
  EncryptedData acq;
  acq.encrypted_content_info.content_type = oid::content(CT::kAcqCardCodeMsgTBE);
  acq.encrypted_content_info.content_encryption_algorithm = {oid::des_cbc(), hex("0408" + rep("02", 8))};
  acq.encrypted_content_info.encrypted_content = Bytes(16, 0x42);
  r.acq_card_msg = acq;
  r.auth_status = AuthStatus{date_1997(), AuthCode::kApproved, 1.0, CurrConv{0.75, 978}};
  r.cap_status = CapStatus{date_1997(), CapCode::kSuccess, 0.5};
  r.cred_status_seq = std::vector<CreditStatus>{{date_1997(), CapRevOrCredCode::kSuccess, 0.25}};
  p.results = r;
  d.p_res_payload_seq = {p, PResPayload{}};
  return d;
}

TEST(PurchaseResponse, PResDataRoundTrip) {
  Bytes der = round_trip(pres_data());
  std::string h = to_hex(der);
  EXPECT_NE(h.find("0a0105"), std::string::npos);  // completionCode capturePerformed(5)
  EXPECT_NE(h.find("0903800001"), std::string::npos) << h;  // authRatio 1.0 = 1 * 2^0
  EXPECT_NE(h.find("090380fe03"), std::string::npos) << h;  // currConvRate 0.75 = 3 * 2^-2
  auto back = decode<PResData>(der);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->p_res_payload_seq.size(), 2u);
  EXPECT_EQ(back->p_res_payload_seq[0].results->auth_status->curr_conv->curr_conv_rate, 0.75);
  EXPECT_EQ(back->p_res_payload_seq[1].completion_code, CompletionCode::kOrderReceived);
}

TEST(PurchaseResponse, EmptyPayloadSequenceIsRefused) {
  PResData d = pres_data();
  d.p_res_payload_seq.clear();
  Status s = decode_status<PResData>(encode(d));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConstraint);
  EXPECT_NE(s.error().message.find("pResPayloadSeq: PResPayloadSeq has size 0"), std::string::npos)
      << s.error().message;
}

TEST(PurchaseResponse, UnknownCompletionCodeIsRefused) {
  PResPayload p;
  p.completion_code = static_cast<CompletionCode>(7);
  Status s = decode_status<PResPayload>(encode(p));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConstraint);
  EXPECT_NE(s.error().message.find("completionCode: CompletionCode: value 7"), std::string::npos)
      << s.error().message;
}

TEST(PurchaseInquiry, BothAlternatives) {
  InqReqData d{trans_ids(), Bytes(20, 1), Bytes(20, 2), MsgExtensions{msg_extension()}};
  round_trip(d);
  InqReq q;
  q.value = d;
  EXPECT_EQ(round_trip(q)[0], 0xa1);
  q.value = signed_data_with_content(oid::content(CT::kInqReqData), encode(d));
  EXPECT_EQ(round_trip(q)[0], 0xa0);
}

// ---------------------------------------------------------------------------------------------
// FloatingPoint ::= REAL (WITH COMPONENTS {..., base (2)}), DER form (X.690 §8.5, §11.3.1)

TEST(FloatingPoint, PinnedEncodings) {
  // first octet 1 S BB FF EE: binary, sign, base 2 (00), F = 0, one exponent octet (00)
  EXPECT_EQ(to_hex(encode_real(0.0)), "");          // zero: no content octets
  EXPECT_EQ(to_hex(encode_real(1.0)), "800001");    // 1 = 1 * 2^0
  EXPECT_EQ(to_hex(encode_real(0.5)), "80ff01");    // 1 * 2^-1
  EXPECT_EQ(to_hex(encode_real(0.75)), "80fe03");   // 3 * 2^-2
  EXPECT_EQ(to_hex(encode_real(-2.5)), "c0ff05");   // -(5 * 2^-1)
  EXPECT_EQ(to_hex(encode_real(1024.0)), "800a01"); // 1 * 2^10
  EXPECT_EQ(to_hex(encode_real(0.1)), "80c9" "0ccccccccccccd");  // 0x0ccccccccccccd * 2^-55
  for (double v : {0.0, 1.0, 0.5, 0.75, -2.5, 1024.0, 0.1, 1e300, -1e-300, 123456.789}) {
    Bytes c = encode_real(v);
    auto back = decode_real(c, 0);
    ASSERT_TRUE(back.ok()) << v << ": " << back.error().to_string();
    EXPECT_EQ(*back, v);
  }
}

TEST(FloatingPoint, NonDerAndNonBinaryFormsAreRefused) {
  struct Case {
    const char* hex;
    Errc code;
  } cases[] = {
      {"800002", Errc::kNotDer},      // mantissa even
      {"840001", Errc::kNotDer},      // scale factor F = 1
      {"81000001", Errc::kNotDer},    // two exponent octets where one does
      {"80000001", Errc::kNotDer},    // mantissa with a leading zero octet
      {"40", Errc::kConstraint},      // PLUS-INFINITY
      {"42", Errc::kConstraint},      // NOT-A-NUMBER
      {"03312e45", Errc::kConstraint},  // decimal NR3 "1.E"
      {"900001", Errc::kConstraint},  // base 8
      {"8000", Errc::kTruncated},     // no mantissa
  };
  for (const auto& c : cases) {
    auto r = decode_real(hex(c.hex), 10);
    ASSERT_FALSE(r.ok()) << c.hex;
    EXPECT_EQ(r.error().code, c.code) << c.hex << ": " << r.error().to_string();
  }
  // Inside a type the error names the field.
  Status s = decode_status<CapStatus>(hex("3019" + kGeneralizedTime1997 + "0a0100" "0903800002"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("capRatio: "), std::string::npos) << s.error().to_string();
}

// ---------------------------------------------------------------------------------------------
// Authorization and the other gateway messages (outer shapes and the data inside)

RRTags rr_tags() {
  RRTags t;
  t.rrpid = Bytes(20, 0x12);
  t.mer_term_ids.merchant_id = "Merchant1";
  t.mer_term_ids.terminal_id = "T-01";
  t.mer_term_ids.agent_num = 7;
  t.mer_term_ids.chain_num = 8;
  t.mer_term_ids.store_num = 9;
  t.current_date = date_1997();
  return t;
}

AuthReqData auth_req_data() {
  AuthReqData d;
  d.auth_req_item.auth_tags = AuthTags{rr_tags(), trans_ids(), 0};
  d.auth_req_item.check_digests = CheckDigests{dd(CT::kOIData), hod_dd()};
  AuthReqPayload& p = d.auth_req_item.auth_req_payload;
  p.subsequent_auth_ind = true;
  p.auth_req_amt = usd_12_34();
  p.avs_data = AVSData{AVSData::StreetAddress("1 Main St"), location()};
  p.special_processing = SpecialProcessing::kPreferredCustomer;
  p.card_suspect = CardSuspect::kUnspecifiedReason;
  p.install_recur_data = hod_input().install_recur_data;
  MarketSpecAuthData m;
  m.value = MarketHotelAuth{3, Prestige::kLevel2};
  p.market_spec_auth_data = m;
  p.merch_data = MerchData{"5812", MerchGroup::kRestaurant};
  d.m_thumbs = thumbs();
  d.capture_now = true;
  SaleDetail s;
  s.batch_id = 4;
  s.batch_sequence_num = 1;
  s.pay_recur_ind = PayRecurInd::kSingleTransaction;
  s.mer_order_num = "ORDER-1";
  s.auth_char_ind = AuthCharInd::kDirectMarketing;
  MarketSpecSaleData msd;
  msd.market_spec_data_id = MarketSpecDataID::kHotel;
  MarketSpecCapData cap;
  cap.value.emplace<1>(hex("a1050201010500"));  // hotel [1] IMPLICIT MarketHotelCap (opaque)
  msd.market_spec_cap_data = cap;
  s.market_spec_sale_data = msd;
  s.commercial_card_data = hex("a603800101");
  s.order_summary = SaleDetail::OrderSummary("two coffees");
  s.customer_reference_number = SaleDetail::CustomerReference("ref");
  s.customer_service_phone = Phone("+1 555 0100");
  s.ok_to_print_phone_ind = false;
  s.sale_extensions = MsgExtensions{msg_extension()};
  d.sale_detail = s;
  return d;
}

AuthResData auth_res_data() {
  AuthResData d;
  d.auth_tags = AuthTags{rr_tags(), trans_ids(), std::nullopt};
  d.pe_thumb = cert_thumb();
  AuthHeader& h = d.auth_res_payload.auth_header;
  h.auth_amt = usd_12_34();
  h.auth_code = AuthCode::kApproved;
  h.response_data.auth_val_codes = AuthValCodes{"A1B2C3", AuthCharInd::kRecurringPayment, "V123", MarketSpecDataID::kAuto};
  h.response_data.resp_reason = RespReason::kIssuer;
  h.response_data.card_type = CardType::kGold;
  h.response_data.avs_result = AVSResult::kFullMatch;
  h.response_data.log_ref_id = "0042";
  BatchStatus bs;
  bs.open_date_time = date_1997();
  bs.closed_when = ClosedWhen{CloseStatus::kClosedbyAcquirer, date_1997()};
  bs.batch_details.batch_totals = BatchTotals{1, usd_12_34(), 2, usd_12_34(), std::nullopt};
  bs.batch_details.brand_batch_details_seq =
      std::vector<BrandBatchDetails>{{BrandID("Visa"), BatchTotals{0, usd_12_34(), 0, usd_12_34(), MsgExtensions{}}}};
  h.batch_status = bs;
  h.curr_conv = CurrConv{1.5, 978};
  d.auth_res_payload.cap_res_payload = CapResPayload{CapCode::kSuccess, usd_12_34(), 4, 1, std::nullopt};
  return d;
}

TEST(Authorization, DataTypesRoundTrip) {
  round_trip(rr_tags());
  round_trip(auth_req_data());
  round_trip(auth_res_data());
  AuthReqTBS tbs;
  tbs.t1 = auth_req_data();
  tbs.t2 = dd(CT::kPI);
  round_trip(tbs);
  AuthResBaggage bag;
  CapToken ct;
  ct.value.emplace<1>(enveloped_data(oid::content(CT::kCapTokenTBE)));
  bag.cap_token = ct;
  EncryptedData acq;
  acq.encrypted_content_info.content_type = oid::content(CT::kAcqCardCodeMsgTBE);
  acq.encrypted_content_info.content_encryption_algorithm = {oid::des_cbc(), hex("0408" + rep("02", 8))};
  acq.encrypted_content_info.encrypted_content = Bytes(8, 1);
  bag.acq_card_msg = acq;
  bag.auth_token = enveloped_data(oid::content(CT::kAuthTokenTBE));
  round_trip(bag);
  AuthResTBS rtbs;
  rtbs.t1 = auth_res_data();
  rtbs.t2 = dd(CT::kAuthResBaggage);
  round_trip(rtbs);
  round_trip(AuthResTBSX{rtbs, pan_token()});
  round_trip(AuthResTBEX{rtbs, detached_signed_data(oid::content(CT::kAuthResTBSX))});
  AuthTokenData atd;
  atd.trans_ids = trans_ids();
  atd.purch_amt = usd_12_34();
  atd.merchant_id = "Merchant1";
  atd.acq_back_key_data = BackKeyData{oid::des_cbc(), Bytes(8, 1)};
  atd.install_recur_data = hod_input().install_recur_data;
  atd.recurring_count = 2;
  atd.prev_auth_date_time = date_1997();
  atd.total_auth_amount = usd_12_34();
  atd.auth_token_opaque = hex("0c03616263");
  round_trip(atd);
  round_trip(AuthTokenTBS{atd, pan_token()});
  round_trip(AuthTokenTBE{atd, detached_signed_data(oid::content(CT::kAuthTokenTBS))});
  CapTokenData ctd{Bytes(20, 0x12), usd_12_34(), hex("3000")};
  round_trip(ctd);
  round_trip(CapTokenTBS{ctd, pan_token()});
  round_trip(CapTokenTBEX{ctd, detached_signed_data(oid::content(CT::kCapTokenTBS))});
  AcqCardCodeMsg acm;
  acm.acq_card_code = AcqCardCode::kCallCustomerService;
  acm.acq_card_msg_data.acq_card_text = AcqCardMsgData::Text("Call us");
  acm.acq_card_msg_data.acq_card_url = "https://bank.example/";
  acm.acq_card_msg_data.acq_card_phone = AcqCardMsgData::CardPhone("+1 555 0100");
  round_trip(acm);
  AuthRevReqBaggage rq;
  rq.pi.value.emplace<1>(pi_dual_signed());
  rq.cap_token = ct;
  round_trip(rq);
  AuthRevResBaggage rs;
  rs.auth_token_new = enveloped_data(oid::content(CT::kAuthTokenTBE));
  round_trip(rs);
  CapToken null_token;
  null_token.value.emplace<2>();
  EXPECT_EQ(to_hex(round_trip(null_token)), "a2020500");  // null [2] EXPLICIT NULL
}

TEST(Authorization, DefaultsAreOmittedAndTagsAsInBook3) {
  AuthReqData d = auth_req_data();
  std::string h = to_hex(encode(d));
  EXPECT_NE(h.find("8a0100"), std::string::npos) << h;  // okToPrintPhoneInd [10] FALSE (non-default)
  d.sale_detail->ok_to_print_phone_ind = true;          // DEFAULT TRUE: omitted
  EXPECT_EQ(to_hex(encode(d)).find("8a01"), std::string::npos);
  EXPECT_NE(h.find("0101ff"), std::string::npos);       // subsequentAuthInd / captureNow TRUE
  // marketSpecAuthData [4] EXPLICIT { hotel [1] IMPLICIT MarketHotelAuth { 3, level-2 } }
  EXPECT_NE(h.find("a408" "a106" "020103" "0a0102"), std::string::npos) << h;
  // specialProcessing [1] IMPLICIT ENUMERATED preferredCustomer(1), cardSuspect [2] IMPLICIT 0
  EXPECT_NE(h.find("810101" "820100"), std::string::npos) << h;
}

TEST(Authorization, OuterMessagesRoundTrip) {
  AuthReq req;
  req.enc = enveloped_data(oid::content(CT::kAuthReqTBE));
  req.baggage.value.emplace<1>(pi_dual_signed());
  round_trip(req);

  AuthRes res;
  AuthRes::BX bx;
  bx.enc_x = enveloped_data(oid::content(CT::kAuthResTBEX));
  bx.baggage.auth_token = enveloped_data(oid::content(CT::kAuthTokenTBE));
  res.value = bx;
  EXPECT_EQ(round_trip(res)[0], 0xa1);

  AuthRevReq rev;
  rev.enc = enveloped_data(oid::content(CT::kAuthRevReqTBE));
  rev.baggage.pi.value.emplace<0>(enveloped_data(oid::content(CT::kPIUnsignedTBE)));
  round_trip(rev);

  AuthRevRes rres;
  rres.value.emplace<1>(enveloped_data(oid::content(CT::kAuthRevResTBE)));
  EXPECT_EQ(round_trip(rres)[0], 0xa1);

  CapReq cap;
  CapReq::B b;
  b.enc = enveloped_data(oid::content(CT::kCapReqTBE));
  CapToken t;
  t.value.emplace<0>(enveloped_data(oid::content(CT::kCapTokenTBEX)));
  b.baggage = {t, t};
  cap.value = b;
  EXPECT_EQ(round_trip(cap)[0], 0xa0);
  b.baggage.clear();  // CapTokenSeq is SIZE(1..MAX)
  cap.value = b;
  Status s = decode_status<CapReq>(encode(cap));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("encB: baggage: CapTokenSeq has size 0"), std::string::npos)
      << s.error().message;
}

// ---------------------------------------------------------------------------------------------
// MessageWrapper and the Message CHOICE (notes §1.6)

MessageWrapper wrapper_with(Message m) {
  MessageWrapper w;
  w.message_header = message_header();
  w.message = std::move(m);
  return w;
}

// MessageWrapper { header, message error: unsignedError { decodingFailure, 5a*20,
//                                                         errorMsg badWrapper '00'H } }
//   30 79                                  SEQUENCE, 121 octets
//      30 4f ...                           messageHeader (pinned in set_message_test)
//      a0 26                               message [0] EXPLICIT
//         bf 87 67 22                         error [999] EXPLICIT (high-tag form: 999 = 7*128 + 103)
//            a1 20                               unsignedError [1] EXPLICIT
//               30 1e                               ErrorTBS
//                  0a 01 03                            errorCode decodingFailure(3)
//                  04 14 5a5a...5a                     errorNonce Nonce
//                  a2 03                               errorMsg [2] EXPLICIT
//                     81 01 00                            badWrapper [1] IMPLICIT OCTET STRING
TEST(SetPinned, MessageWrapperWithUnsignedError) {
  ErrorTBS e;
  e.error_code = ErrorCode::kDecodingFailure;
  e.error_nonce = Bytes(20, 0x5a);
  e.error_msg.value = hex("00");
  Message m;
  m.value.emplace<Message::kError>().value = e;
  const std::string expected = "3079" + kMessageHeaderHex + "a026" "bf876722" "a120" "301e"
                               "0a0103" "0414" + rep("5a", 20) + "a203" "810100";
  EXPECT_EQ(to_hex(encode(wrapper_with(m))), expected);
  auto back = decode<MessageWrapper>(hex(expected));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->message.value.index(), std::size_t{Message::kError});
  EXPECT_EQ(back->message_header, message_header());
}

TEST(MessageChoice, EveryAlternativeCarriesItsBook3Tag) {
  // Build one value per alternative and check the outer tag of message [0] EXPLICIT's content.
  auto tag_of = [](const Message& m) {
    Bytes der = encode(m);
    auto t = der::Reader(der).peek_tag();
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : der::Tag{};
  };
  auto ctx = [](std::uint32_t n) { return der::context(n, true); };
  Message m;
  m.value.emplace<Message::kPurchaseInitRequest>(pinit_req());
  EXPECT_EQ(tag_of(m), ctx(0));
  m.value.emplace<Message::kPurchaseInitResponse>(
      signed_data_with_content(oid::content(CT::kPInitResData), encode(pinit_res_data())));
  EXPECT_EQ(tag_of(m), ctx(1));
  PReq preq;
  preq.value = preq_dual_signed();
  m.value.emplace<Message::kPurchaseRequest>(preq);
  EXPECT_EQ(tag_of(m), ctx(2));
  m.value.emplace<Message::kPurchaseResponse>(
      signed_data_with_content(oid::content(CT::kPResData), encode(pres_data())));
  EXPECT_EQ(tag_of(m), ctx(3));
  m.value.emplace<Message::kBatchAdministrationResponse>(enveloped_data(oid::content(CT::kBatchAdminResTBE)));
  EXPECT_EQ(tag_of(m), ctx(21));
  EXPECT_EQ(encode(m)[0], 0xb5);
  m.value.emplace<Message::kCertificateInquiryRequest>(
      detached_signed_data(oid::content(CT::kCertInqReqTBS)));
  EXPECT_EQ(tag_of(m), ctx(30));
  EXPECT_EQ(encode(m)[0], 0xbe);
  CertRes cert_res;
  cert_res.value.emplace<CertRes::kCertResTBS>(detached_signed_data(oid::content(CT::kCertResData)));
  m.value.emplace<Message::kCertificateInquiryResponse>(cert_res);
  EXPECT_EQ(tag_of(m), ctx(31));  // [31] needs the high-tag form: bf 1f
  EXPECT_EQ(to_hex(encode(m)).substr(0, 4), "bf1f");
  SetError err;
  err.value = error_tbs();
  m.value.emplace<Message::kError>(err);
  EXPECT_EQ(tag_of(m), ctx(999));
  EXPECT_EQ(to_hex(encode(m)).substr(0, 6), "bf8767");

  // And every alternative survives a wrapper round trip with its index.
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                        std::size_t{22}, std::size_t{31}, std::size_t{32}}) {
    Message x;
    switch (i) {
      case 0: x.value.emplace<0>(pinit_req()); break;
      case 1: x.value.emplace<1>(detached_signed_data(oid::content(CT::kPInitResData))); break;
      case 2: x.value.emplace<2>(preq); break;
      case 3: x.value.emplace<3>(detached_signed_data(oid::content(CT::kPResData))); break;
      case 22: x.value.emplace<22>(CardCInitReq{Bytes(20, 1), Bytes(1, 2), Bytes(20, 3), BrandID("Atlas"), {}}); break;
      case 31: x.value.emplace<31>(cert_res); break;
      default: x.value.emplace<32>(err); break;
    }
    MessageWrapper w = wrapper_with(x);
    w.mw_extensions = MsgExtensions{msg_extension()};
    Bytes der = encode(w);
    auto back = decode<MessageWrapper>(der);
    ASSERT_TRUE(back.ok()) << i << ": " << back.error().to_string();
    EXPECT_EQ(back->message.value.index(), i);
    EXPECT_EQ(encode(*back), der);
  }
}

TEST(MessageChoice, UnknownMessageTagIsRefusedWithItsPath) {
  // message [0] EXPLICIT { [32] EXPLICIT {} }: no such Message alternative.
  Status s = decode_status<MessageWrapper>(hex("3056" + kMessageHeaderHex + "a003" "bf2000"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("message: Message: [32] matches none of the CHOICE alternatives"),
            std::string::npos)
      << s.error().to_string();
  EXPECT_EQ(s.error().offset, 85u);
}

}  // namespace
}  // namespace openset::asn1
