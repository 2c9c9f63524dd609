// Every check the spec asks of the three engines (notes §1.7, §8.2-§8.5), each answered with its
// SET ErrorCode (or a declined AuthRes / a CapCode where SET has one), with nothing recorded as
// authorized or captured and no money moved.
#include "purchase_fixture.hpp"

#include "openset/seal/digest.hpp"

namespace openset::roles::purchase::testing {
namespace {

class CheckTest : public PurchaseTest {
 protected:
  void expect_nothing_moved() {
    auto pos = w->position();
    EXPECT_EQ(pos.held, 0);
    EXPECT_EQ(pos.owed, 0);
    EXPECT_EQ(w->merchant_balance(), 0);
  }
  void expect_no_authorization() {
    for (const auto& a : must(w->gateway_engine->authorizations())) EXPECT_NE(a.auth_code, 0);
    expect_nothing_moved();
  }
  // The AuthReq a misbehaving merchant would build from a genuine PReq (notes §4.2).
  Bytes forged_auth_req(const World::Run& r, const Money& ask, const Credentials& signer,
                        std::optional<Bytes> rrpid = std::nullopt, const Money& signed_amount = usd(5000),
                        const std::string& merchant_id = "MER-0001") {
    ByteView body = must(message_body(r.preq));
    PReqParts parts = must(preq_parts(body));
    asn1::OIData oi = must(asn1::decode<asn1::OIData>(parts.oi_data));
    asn1::HODInput hi;
    hi.od = to_bytes(kOD);
    hi.purch_amt = signed_amount;
    hi.od_salt = oi.od_salt;
    asn1::DigestedData hod2 =
        must(seal::DD(*w->suite, content_type(asn1::oid::ContentType::kHODInput), asn1::encode(hi)));
    Bytes id = rrpid.value_or(w->random.bytes(20));
    asn1::AuthReqData d = must(make_auth_req_data(w->env, *w->suite, merchant_id, id, oi.trans_ids,
                                                  parts.oi_data, hod2, ask));
    return must(make_auth_req(w->env, signer, w->gateway.key_exchange_certificate, d,
                              explicit_wrap(1, parts.pi_dual_signed)));
  }
  // The CapRes a forged CapReq got, opened as the merchant would (notes §4.6).
  asn1::CapResData open_cap_res(const Bytes& wire) {
    auto m = must(unwrap(wire));
    EXPECT_EQ(message_index(m), asn1::Message::kCaptureResponse);
    const auto& ed = std::get<asn1::Message::kCaptureResponse>(m.message.value);
    std::unique_ptr<pki::PathValidator> v;
    TrustContext t = w->trust(v);
    OpenedSigned o = must(open_enc(w->env, ed, must(w->merchant.holder()),
                                   seal::EncTypes{content_type(asn1::oid::ContentType::kCapResData),
                                                  content_type(asn1::oid::ContentType::kCapResTBE)},
                                   pki::CertType::kGatewaySignature, t, std::string("Atlas")));
    return must(asn1::decode<asn1::CapResData>(o.content));
  }
  Answer capture_and_record(const std::vector<CaptureItem>& items) {
    Answer cap = must(w->merchant_engine->capture(items));
    Answer res = w->to_gateway(cap.send.at(0).message);
    EXPECT_TRUE(res.ok()) << res.detail;
    EXPECT_TRUE(w->to_merchant(res.send.at(0).message).ok());
    return res;
  }
};

// ---- cardholder checks (§8.2) ------------------------------------------------------------------

TEST_P(CheckTest, WalletRefusesAWrongChallengeEcho) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, [&](World::Run&) {
    ASSERT_TRUE(w->wallet->database().exec("UPDATE wallet_purchases SET pinit_chall_c = zeroblob(20)").ok());
  });
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "wallet");
  EXPECT_EQ(*r.refused, ErrorCode::kChallengeMismatch);
  EXPECT_EQ(must(w->wallet->history()).at(0).status, WalletStatus::kInitiated);
  expect_no_authorization();
}

TEST_P(CheckTest, WalletRefusesAGatewayCertificateOfTheWrongType) {
  // The merchant names the gateway's signature certificate as the one to seal PANData to.
  w->route.key_exchange_certificate = w->gateway.signature_certificate;
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "wallet");
  EXPECT_EQ(*r.refused, ErrorCode::kInvalidCertificate) << r.detail;
  EXPECT_TRUE(r.preq.empty());
  expect_no_authorization();
}

TEST_P(CheckTest, WalletRefusesAPResForAnotherRequest) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  // The same PRes again is harmless; a PRes whose RRPID names no request is refused.
  EXPECT_TRUE(w->to_wallet(r.pres).ok());
  auto r2 = w->purchase(usd(100), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  Answer a = w->to_wallet(r.pinit_res);  // PInitRes of a finished purchase
  EXPECT_EQ(a.refused, ErrorCode::kUnknownRRPID);
}

// ---- merchant checks (§8.3) --------------------------------------------------------------------

TEST_P(CheckTest, MerchantRefusesAWrongChallMEcho) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, [&](World::Run&) {
    // The merchant's record says it issued another Chall-M than the one the wallet signs.
    ASSERT_TRUE(w->merchant_engine->database().exec("UPDATE merchant_orders SET chall_m = x'0000000000000000000000000000000000000000'").ok());
  });
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kChallengeMismatch);
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kInitiated);
  EXPECT_TRUE(w->tap.to_gateway.empty());
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesTamperedOIData) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  ASSERT_FALSE(r.refused) << r.detail;
  PReqParts parts = must(preq_parts(must(message_body(r.preq))));
  Bytes bad = r.preq;
  // One bit of the odSalt-containing middle of OIData.
  bad[static_cast<std::size_t>(parts.oi_data.data() - r.preq.data()) + parts.oi_data.size() / 2] ^= 0x04;
  Answer a = w->to_merchant(bad);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(*a.refused == ErrorCode::kSignatureFailure || *a.refused == ErrorCode::kDecodingFailure)
      << static_cast<int>(*a.refused) << " " << a.detail;
  ASSERT_EQ(a.send.size(), 1u);
  EXPECT_EQ(a.send[0].type, "Error");
  auto err = must(read_error(must(unwrap(a.send[0].message))));
  EXPECT_EQ(err.code, *a.refused);
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kInitiated);
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesATamperedDualSignature) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  PReqParts parts = must(preq_parts(must(message_body(r.preq))));
  Bytes bad = r.preq;
  // The last octet of PISignature is in its encryptedDigest.
  bad[static_cast<std::size_t>(parts.pi_signature.data() - r.preq.data()) + parts.pi_signature.size() - 1] ^= 0x01;
  Answer a = w->to_merchant(bad);
  EXPECT_EQ(a.refused, ErrorCode::kSignatureFailure) << a.detail;
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesAnHodThatIsNotItsOrder) {
  w->start();
  // The cardholder signed another order description than the merchant's.
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::string("Order: 1 x something else"));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kUnspecifiedFailure);
  EXPECT_NE(r.detail.find("HOD"), std::string::npos);
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesAnAmountTheCardholderDidNotAgree) {
  w->start();
  // The cardholder agreed to USD 40.00; the merchant's order says USD 50.00: HOD differs.
  auto r = w->purchase(usd(5000), kOD, usd(4000));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kUnspecifiedFailure);
  EXPECT_NE(r.detail.find("HOD"), std::string::npos);
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesACardholderCertificateOfAnotherBrand) {
  w->cardholder.signature_certificate = w->h.cardholder_cert(*w->h.borealis_cca, "Borealis", "cardholder");
  w->cardholder.chain = {w->h.borealis->certificate(), w->h.borealis_cca->certificate()};
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kInvalidCertificate) << r.detail;
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesAnExpiredCardholderCertificate) {
  w->cardholder.signature_certificate =
      w->h.cardholder_cert(*w->h.atlas_cca, "Atlas", "cardholder", pki::add_days(kT0, 10));
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kExpiredCertificate) << r.detail;
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesARevokedCardholderCertificate) {
  const auto& issued = w->h.atlas_cca->issued();
  ASSERT_FALSE(issued.empty());
  ASSERT_TRUE(w->h.atlas_cca->revoke(issued.back().serial, pki::add_days(kT0, 5)).ok());
  w->crls = {must(w->h.atlas_cca->issue_crl(pki::add_days(kT0, 6), pki::add_days(kT0, 60)))};
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kRevokedCertificate) << r.detail;
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesAStalePReq) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  w->clock.advance(3600);  // an hour later
  Answer a = w->to_merchant(r.preq);
  EXPECT_EQ(a.refused, ErrorCode::kMessageTooOld);
  expect_no_authorization();
}

TEST_P(CheckTest, MerchantRefusesAPInitReqForAnUnknownOrder) {
  w->start();
  PurchaseOrder po;
  po.merchant = "Harbour Street Books";
  po.od = to_bytes(kOD);
  po.amount = usd(5000);
  po.lid_m = to_bytes(std::string("order-999999"));
  Started s = must(w->wallet->start_purchase(po));
  Answer a = w->to_merchant(s.message);
  EXPECT_EQ(a.refused, ErrorCode::kUnknownLID);
  // The Error goes back to the wallet, which records the refusal.
  ASSERT_EQ(a.send.size(), 1u);
  EXPECT_TRUE(w->to_wallet(a.send[0].message).ok());
  auto e = must(w->wallet->history()).at(0);
  EXPECT_EQ(e.status, WalletStatus::kRefused);
  EXPECT_EQ(e.error_code, static_cast<std::int64_t>(ErrorCode::kUnknownLID));
}

// The purchase initiation named a merchant: a PInitRes signed by another merchant of the brand
// (a valid certificate, yet not whom the cardholder meant to pay) gets no PReq; the PAN stays.
TEST_P(CheckTest, TheWalletPaysOnlyTheMerchantTheInitiationNamed) {
  w->start();
  auto start = [&](const std::string& merchant_id) {
    PurchaseOrder po;
    po.merchant = "Harbour Street Books";
    po.od = to_bytes(kOD);
    po.amount = usd(5000);
    po.lid_m = to_bytes(must(w->merchant_engine->create_order(as_bytes(kOD), usd(5000))));
    po.merchant_id = merchant_id;
    return must(w->wallet->start_purchase(po));
  };
  Started other = start("MER-SOMEONE-ELSE");
  Answer res = w->to_merchant(other.message);
  ASSERT_TRUE(res.ok()) << res.detail;
  Answer a = w->to_wallet(res.send.at(0).message);
  EXPECT_EQ(a.refused, ErrorCode::kInvalidCertificate);
  EXPECT_NE(a.detail.find("MER-SOMEONE-ELSE"), std::string::npos) << a.detail;
  for (const auto& o : a.send) EXPECT_NE(o.type, "PReq");
  EXPECT_EQ(must(w->wallet->show(other.id)).entry.status, WalletStatus::kInitiated);

  Started named = start(w->merchant_engine->merchant_id());
  res = w->to_merchant(named.message);
  ASSERT_TRUE(res.ok()) << res.detail;
  a = w->to_wallet(res.send.at(0).message);
  ASSERT_TRUE(a.ok()) << a.detail;
  ASSERT_EQ(a.send.size(), 1u);
  EXPECT_EQ(a.send[0].type, "PReq");
}

TEST_P(CheckTest, TheWalletEndsAPurchaseOnlyOnTheMerchantsSignedError) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  ASSERT_FALSE(r.refused) << r.detail;
  auto status = [&] { return must(w->wallet->history()).at(0).status; };
  ASSERT_EQ(status(), WalletStatus::kRequested);
  Error why = refusal(ErrorCode::kUnknownXID, "forged");
  // Unsigned (anyone on the path could send it): recorded, the purchase stands.
  Bytes unsigned_error = must(make_error_message(w->env, why, r.preq, nullptr));
  EXPECT_TRUE(w->to_wallet(unsigned_error).ok());
  EXPECT_EQ(status(), WalletStatus::kRequested);
  // Signed, but by a cardholder certificate (not a merchant's): the same.
  seal::Signer card = must(w->cardholder.signer(true));
  EXPECT_TRUE(w->to_wallet(must(make_error_message(w->env, why, r.preq, &card))).ok());
  EXPECT_EQ(status(), WalletStatus::kRequested);
  auto trail = must(w->wallet->show(r.wallet_id)).trail;
  EXPECT_EQ(std::count_if(trail.begin(), trail.end(), [](const TrailItem& t) { return t.type == "Error"; }), 2);
  // The merchant's own signed Error ends it.
  seal::Signer merchant = must(w->merchant.signer(true));
  EXPECT_TRUE(w->to_wallet(must(make_error_message(w->env, why, r.preq, &merchant))).ok());
  EXPECT_EQ(status(), WalletStatus::kRefused);
  EXPECT_EQ(must(w->wallet->history()).at(0).error_code, static_cast<std::int64_t>(ErrorCode::kUnknownXID));
}

TEST_P(CheckTest, ReplayedPReqGetsTheFirstAnswerAndMovesNothing) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  Answer a = w->to_merchant(r.preq);
  ASSERT_TRUE(a.ok()) << a.detail;
  ASSERT_EQ(a.send.size(), 1u);
  EXPECT_EQ(a.send[0].type, "PRes");
  EXPECT_EQ(a.send[0].message, r.pres);
  EXPECT_EQ(w->position().held, 5000);
  EXPECT_EQ(must(w->gateway_engine->authorizations()).size(), 1u);
}

TEST_P(CheckTest, APReqSentToAnotherMerchantIsForAnUnknownXID) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  // Another store (its own database) never issued this XID.
  MerchantConfig mc;
  mc.credentials = w->merchant;
  mc.gateways = {w->route};
  std::unique_ptr<pki::PathValidator> v;
  mc.trust = w->trust(v);
  auto other = must(Merchant::open(test::test_db(w->dir, "other-merchant"), std::move(mc), w->env));
  Answer a = other->handle(r.preq);
  EXPECT_EQ(a.refused, ErrorCode::kUnknownXID) << a.detail;
  EXPECT_TRUE(must(other->orders()).empty());
  expect_no_authorization();
}

// ---- gateway checks (§8.4) ---------------------------------------------------------------------

TEST_P(CheckTest, GatewayRefusesATamperedPI) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  PReqParts parts = must(preq_parts(must(message_body(r.preq))));
  Bytes bad = r.preq;
  // Inside exPIData's encrypted content (the end of PIDualSigned): the merchant cannot see it.
  bad[static_cast<std::size_t>(parts.pi_dual_signed.data() - r.preq.data()) + parts.pi_dual_signed.size() - 20] ^= 0x10;
  Answer m = w->to_merchant(bad);
  ASSERT_TRUE(m.ok()) << m.detail;
  Answer g = w->to_gateway(m.send.at(0).message);
  EXPECT_EQ(g.refused, ErrorCode::kSignatureFailure) << g.detail;
  ASSERT_EQ(g.send.size(), 1u);
  EXPECT_TRUE(must(w->gateway_engine->authorizations()).empty());
  expect_nothing_moved();
  // The merchant takes the gateway's signed Error: the order is declined and the cardholder gets
  // a PRes saying orderRejected.
  Answer m2 = w->to_merchant(g.send[0].message);
  ASSERT_TRUE(m2.ok()) << m2.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kDeclined);
  ASSERT_EQ(m2.send.size(), 1u);
  EXPECT_EQ(m2.send[0].type, "PRes");
  ASSERT_TRUE(w->to_wallet(m2.send[0].message).ok());
  auto e = must(w->wallet->history()).at(0);
  EXPECT_EQ(e.status, WalletStatus::kDeclined);
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(asn1::CompletionCode::kOrderRejected));
}

TEST_P(CheckTest, ABlockedCardIsDeclinedAndMovesNothing) {
  ASSERT_TRUE(w->issuer->block_card(kPan).ok());
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).auth_code,
            static_cast<std::int64_t>(AuthCode::kCallIssuer));
  EXPECT_EQ(must(w->wallet->history()).at(0).status, WalletStatus::kDeclined);
  expect_no_authorization();
}

TEST_P(CheckTest, AMerchantTheAcquirerSuspendedIsDeclined) {
  ASSERT_TRUE(w->acquirer->set_merchant_suspended("MER-0001", true).ok());
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).auth_code,
            static_cast<std::int64_t>(AuthCode::kInvalidTransaction));
  expect_no_authorization();
}

TEST_P(CheckTest, AnUnsignedOrForgedErrorChangesNothingAtTheMerchant) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  // An unsigned Error "from the gateway" about the AuthReq.
  Bytes err = must(make_error_message(w->env, refusal(ErrorCode::kSignatureFailure, "x"), r.auth_req));
  Answer a = w->to_merchant(err);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(a.send.empty());  // never an Error for an Error
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kAuthorizing);
}

TEST_P(CheckTest, GatewayDeclinesAMerchantAskingMoreThanTheCardholderSigned) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  ASSERT_FALSE(r.refused) << r.detail;
  Bytes forged = forged_auth_req(r, usd(9000), w->merchant);
  Answer g = w->to_gateway(forged);
  ASSERT_TRUE(g.ok()) << g.detail;  // a declined AuthRes
  auto auths = must(w->gateway_engine->authorizations());
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0].auth_code, static_cast<std::int64_t>(AuthCode::kAmountError));
  expect_nothing_moved();
}

TEST_P(CheckTest, GatewayDeclinesAnOrderThatIsNotThePIs) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  // HOD2 computed from another order description: the PI's HOD differs (§8.4 item 4).
  ByteView body = must(message_body(r.preq));
  PReqParts parts = must(preq_parts(body));
  asn1::OIData oi = must(asn1::decode<asn1::OIData>(parts.oi_data));
  asn1::HODInput hi;
  hi.od = to_bytes(std::string("another order"));
  hi.purch_amt = usd(5000);
  hi.od_salt = oi.od_salt;
  auto hod2 = must(seal::DD(*w->suite, content_type(asn1::oid::ContentType::kHODInput), asn1::encode(hi)));
  auto d = must(make_auth_req_data(w->env, *w->suite, "MER-0001", w->random.bytes(20), oi.trans_ids,
                                   parts.oi_data, hod2, usd(5000)));
  Bytes forged = must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, d,
                                    explicit_wrap(1, parts.pi_dual_signed)));
  Answer g = w->to_gateway(forged);
  ASSERT_TRUE(g.ok()) << g.detail;
  auto auths = must(w->gateway_engine->authorizations());
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0].auth_code, static_cast<std::int64_t>(AuthCode::kPiAuthMismatch));
  expect_nothing_moved();
}

TEST_P(CheckTest, GatewayRefusesACardholderCertificateUsedAsTheMerchants) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  Credentials impostor = w->merchant;
  impostor.signature_key = w->cardholder.signature_key;
  impostor.signature_certificate = w->cardholder.signature_certificate;
  impostor.chain = w->cardholder.chain;
  Answer g = w->to_gateway(forged_auth_req(r, usd(5000), impostor));
  EXPECT_EQ(g.refused, ErrorCode::kInvalidCertificate) << g.detail;
  EXPECT_TRUE(must(w->gateway_engine->authorizations()).empty());
  expect_nothing_moved();
}

TEST_P(CheckTest, GatewayRefusesAMerchantOfAnotherBrand) {
  w->start();
  auto r = w->purchase(usd(5000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  Credentials other = w->merchant;
  other.signature_key = key(w->suite->id, "borealis-merchant", false);
  other.signature_certificate = w->h.ee(*w->h.borealis_mca, pki::CertType::kMerchantSignature, "Borealis",
                                        "Other Shop", "borealis-merchant", "MER-0002");
  other.chain = {w->h.borealis->certificate(), w->h.borealis_mca->certificate()};
  Answer g = w->to_gateway(forged_auth_req(r, usd(5000), other, std::nullopt, usd(5000), "MER-0002"));
  EXPECT_EQ(g.refused, ErrorCode::kInvalidCertificate) << g.detail;
  EXPECT_TRUE(must(w->gateway_engine->authorizations()).empty());
  expect_nothing_moved();
}

TEST_P(CheckTest, ReplayedAuthReqGetsTheFirstAuthResAndMovesNothing) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  Answer again = w->to_gateway(r.auth_req);
  ASSERT_TRUE(again.ok()) << again.detail;
  EXPECT_EQ(again.send.at(0).message, r.auth_res);  // byte for byte
  EXPECT_EQ(w->position().held, 5000);
  EXPECT_EQ(must(w->gateway_engine->authorizations()).size(), 1u);
  // Another request under the same RRPID is refused.
  Bytes rrpid = *must(unwrap(r.auth_req)).message_header.rrpid;
  Answer reuse = w->to_gateway(forged_auth_req(r, usd(4000), w->merchant, rrpid, usd(5000)));
  EXPECT_EQ(reuse.refused, ErrorCode::kUnspecifiedFailure) << reuse.detail;
  // A new request for the same XID is declined: the PI was used.
  Answer second = w->to_gateway(forged_auth_req(r, usd(5000), w->merchant));
  ASSERT_TRUE(second.ok()) << second.detail;
  auto auths = must(w->gateway_engine->authorizations());
  ASSERT_EQ(auths.size(), 2u);
  EXPECT_EQ(auths[1].auth_code, static_cast<std::int64_t>(AuthCode::kPiPreviouslyUsed));
  EXPECT_EQ(w->position().held, 5000);
}

// ---- capture checks (§8.5) ---------------------------------------------------------------------

TEST_P(CheckTest, ReplayedCapReqGetsTheFirstCapResAndMovesNothing) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  Answer cap = must(w->merchant_engine->capture());
  Answer first = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(first.ok()) << first.detail;
  Answer again = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(again.ok()) << again.detail;
  EXPECT_EQ(again.send.at(0).message, first.send.at(0).message);
  EXPECT_EQ(w->merchant_balance(), 5000);
  EXPECT_EQ(w->position().owed, 5000);
  ASSERT_TRUE(w->to_merchant(first.send.at(0).message).ok());
  EXPECT_TRUE(w->to_merchant(again.send.at(0).message).ok());  // the same CapRes: nothing new
}

TEST_P(CheckTest, CaptureAboveTheAuthorizationIsRefused) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  capture_and_record({{r.order_id, usd(5001)}});
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.cap_code, static_cast<std::int64_t>(CapCode::kInvalidAuthData));
  EXPECT_EQ(o.state, OrderState::kAuthorized);
  EXPECT_EQ(w->merchant_balance(), 0);
  EXPECT_EQ(w->position().owed, 0);
  EXPECT_EQ(w->position().held, 5000);
}

TEST_P(CheckTest, CapturingTwiceIsADuplicate) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  capture_and_record({});
  OrderView o = must(w->merchant_engine->order(r.order_id));
  ASSERT_EQ(o.state, OrderState::kCaptured);
  // The merchant itself will not capture it again...
  EXPECT_FALSE(w->merchant_engine->capture({{r.order_id, std::nullopt}}).ok());
  // ...and a new CapReq for it (fresh RRPID, the same CapToken) is a duplicate at the gateway.
  CapRequestItem it{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), o.cap_token};
  Bytes again = must(make_cap_req(w->env, w->merchant, "MER-0001", w->gateway.key_exchange_certificate,
                                  w->random.bytes(20), {it}));
  Answer g = w->to_gateway(again);
  ASSERT_TRUE(g.ok()) << g.detail;
  auto res = open_cap_res(g.send.at(0).message);
  ASSERT_EQ(res.cap_res_item_seq.size(), 1u);
  EXPECT_EQ(res.cap_res_item_seq[0].cap_res_payload.cap_code, CapCode::kDuplicateRequest);
  EXPECT_EQ(w->merchant_balance(), 5000);
  EXPECT_EQ(w->position().owed, 5000);
}

TEST_P(CheckTest, ATamperedCapTokenIsInvalid) {
  w->start();
  auto r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  OrderView o = must(w->merchant_engine->order(r.order_id));
  Bytes token = o.cap_token;
  token[token.size() - 3] ^= 0x01;
  CapRequestItem it{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), token};
  Bytes req = must(make_cap_req(w->env, w->merchant, "MER-0001", w->gateway.key_exchange_certificate,
                                w->random.bytes(20), {it}));
  Answer g = w->to_gateway(req);
  ASSERT_TRUE(g.ok()) << g.detail;
  auto res = open_cap_res(g.send.at(0).message);
  ASSERT_EQ(res.cap_res_item_seq.size(), 1u);
  EXPECT_EQ(res.cap_res_item_seq[0].cap_res_payload.cap_code, CapCode::kInvalidCapToken);
  EXPECT_EQ(w->merchant_balance(), 0);
  EXPECT_EQ(w->position().owed, 0);
  EXPECT_EQ(w->position().held, 5000);
}

INSTANTIATE_TEST_SUITE_P(Suites, CheckTest,
                         ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1), suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
