// PReqUnsigned (notes §3.8): a cardholder without a certificate pays where the brand allows it
// (PIUnsigned = EXH{P, PI-OILink, PANToken}, OIUnsigned = L{OIData, PIDataUnsigned}); a merchant
// or gateway whose brand requires cardholder certificates refuses, and nothing moves.
#include "purchase_fixture.hpp"

#include "openset/roles/purchase/messages.hpp"

namespace openset::roles::purchase::testing {
namespace {

class UnsignedTest : public PurchaseTest {
 protected:
  // The cardholder has no certificate (and so no CardSecret or PANSecret).
  void without_certificate(bool merchant_allows, bool gateway_allows) {
    w->cardholder.signature_certificate.clear();
    w->cardholder.signature_key = crypto::PrivateKey{};
    w->card.card_secret = SecretBytes{};
    w->card.pan_secret = SecretBytes{};
    w->start();
    if (merchant_allows || gateway_allows) {
      // Reopen the merchant and the gateway with the brand's policy.
      MerchantConfig mc;
      mc.credentials = w->merchant;
      mc.gateways = {w->route};
      mc.trust = w->trust(w->merchant_validator);
      mc.cardholder_certificate_required = !merchant_allows;
      w->merchant_engine.reset();
      w->merchant_engine = must(Merchant::open(test::test_db(w->dir, "merchant"), std::move(mc), w->env));
      GatewayConfig gc;
      gc.credentials = w->gateway;
      gc.brand = "Atlas";
      gc.trust = w->trust(w->gateway_validator);
      gc.cardholder_certificate_required = !gateway_allows;
      w->gateway_engine.reset();
      w->gateway_engine = must(Gateway::open(test::test_db(w->dir, "gateway"), std::move(gc), w->env, *w->acquirer));
    }
  }
  static bool contains(ByteView hay, std::string_view needle) {
    std::string_view h(reinterpret_cast<const char*>(hay.data()), hay.size());
    return h.find(needle) != std::string_view::npos;
  }
};

TEST_P(UnsignedTest, ACardholderWithoutACertificatePaysWhereTheBrandAllowsIt) {
  without_certificate(true, true);
  World::Run r = w->purchase(usd(3150));
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;

  // The PReq is PReqUnsigned, and the AuthReq forwards PI [0] piUnsigned.
  auto preq = must(unwrap(r.preq));
  const auto& p = std::get<asn1::Message::kPurchaseRequest>(preq.message.value);
  EXPECT_EQ(p.value.index(), 1u);
  EXPECT_FALSE(contains(r.preq, kPan));
  EXPECT_FALSE(contains(r.auth_req, kPan));

  auto order = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(order.state, OrderState::kAuthorized);
  EXPECT_EQ(w->position().held, 3150);
  auto hist = must(w->wallet->history());
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].status, WalletStatus::kAuthorized);

  // The merchant holds no cardholder certificate for this order, and no PAN anywhere.
  auto n = must(w->merchant_engine->database().prepare("SELECT COUNT(*) FROM merchant_cardholders"));
  ASSERT_TRUE(must(n.step()));
  EXPECT_EQ(n.column_int64(0), 0);
  w->merchant_engine.reset();
  EXPECT_FALSE(contains(database_bytes(w->dir / "merchant.db"), kPan));

  // Captured like any other authorization.
  w->start();
  Answer cap = must(w->merchant_engine->capture({{r.order_id, std::nullopt}}));
  Answer res = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  EXPECT_EQ(w->position().held, 0);
  EXPECT_EQ(w->position().owed, 3150);
  EXPECT_EQ(w->merchant_balance(), 3150);
}

TEST_P(UnsignedTest, AMerchantWhoseBrandRequiresCertificatesRefusesSignatureRequired) {
  without_certificate(false, false);
  World::Run r = w->purchase(usd(3150));
  ASSERT_TRUE(r.refused);
  EXPECT_EQ(r.refused_by, "merchant");
  EXPECT_EQ(*r.refused, ErrorCode::kSignatureRequired) << r.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kInitiated);
  EXPECT_EQ(w->position().held, 0);
  EXPECT_TRUE(w->tap.to_gateway.empty());
}

TEST_P(UnsignedTest, AGatewayWhoseBrandRequiresCertificatesDeclinesAndNothingMoves) {
  without_certificate(true, false);
  World::Run r = w->purchase(usd(3150));
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
  auto order = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(order.state, OrderState::kDeclined);
  auto gw = must(w->gateway_engine->authorizations());
  ASSERT_EQ(gw.size(), 1u);
  EXPECT_EQ(gw[0].auth_code, static_cast<std::int64_t>(AuthCode::kSignatureRequired));
  EXPECT_EQ(w->position().held, 0);
  EXPECT_EQ(w->merchant_balance(), 0);
}

TEST_P(UnsignedTest, TheGatewayStillTiesTheUnsignedPIToTheOrderAndTheAmount) {
  without_certificate(true, true);
  World::Run a = w->purchase(usd(1200), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  World::Run b = w->purchase(usd(1200), kOD + " (second)", std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
  ASSERT_FALSE(a.refused) << a.detail;
  ASSERT_FALSE(b.refused) << b.detail;
  const PReqParts pa = must(preq_parts(must(message_body(a.preq))));
  const PReqParts pb = must(preq_parts(must(message_body(b.preq))));
  ASSERT_TRUE(pa.unsigned_pi);
  const Bytes pi_a = explicit_wrap(0, pa.pi_unsigned);
  const std::string mid = w->merchant_engine->merchant_id();
  auto code_of = [&](const Bytes& rrpid) -> std::int64_t {
    for (const auto& v : must(w->gateway_engine->authorizations()))
      if (v.auth_rrpid == rrpid) return v.auth_code;
    return -1;
  };
  auto send = [&](const PReqParts& order, const Bytes& pi, const Money& amount, std::uint8_t tag) {
    asn1::OIData oi = must(asn1::decode<asn1::OIData>(order.oi_data));
    Bytes rrpid(20, tag);
    auto data = must(make_auth_req_data(w->env, *w->suite, mid, rrpid, oi.trans_ids, order.oi_data, oi.hod, amount));
    Bytes req = must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, data, pi));
    Answer g = w->to_gateway(req);
    EXPECT_TRUE(g.ok()) << g.detail;  // answered with a declined AuthRes
    return code_of(rrpid);
  };
  // A's PI with B's order (TransIDs, HOIData): piAuthMismatch.
  EXPECT_EQ(send(pb, pi_a, usd(1200), 0xB1), static_cast<std::int64_t>(AuthCode::kPiAuthMismatch));
  // A's PI with A's order but more than the cardholder's PurchAmt: amountError.
  EXPECT_EQ(send(pa, pi_a, usd(1300), 0xB2), static_cast<std::int64_t>(AuthCode::kAmountError));
  EXPECT_EQ(w->position().held, 0);

  // A flipped bit inside the PIUnsigned ciphertext: refused (signatureFailure, one code for
  // every envelope failure), nothing held.
  Bytes bad = pi_a;
  bad[bad.size() - 8] ^= 0x01;
  {
    asn1::OIData oi = must(asn1::decode<asn1::OIData>(pa.oi_data));
    auto data = must(make_auth_req_data(w->env, *w->suite, mid, Bytes(20, 0xB3), oi.trans_ids, pa.oi_data, oi.hod, usd(1200)));
    Answer g = w->to_gateway(must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, data, bad)));
    EXPECT_EQ(g.refused, ErrorCode::kSignatureFailure) << g.detail;
  }
  EXPECT_EQ(w->position().held, 0);

  // The genuine AuthReq still authorizes.
  Answer ok = w->to_gateway(a.auth_req);
  ASSERT_TRUE(ok.ok()) << ok.detail;
  ASSERT_TRUE(w->to_merchant(ok.send.at(0).message).ok());
  EXPECT_EQ(must(w->merchant_engine->order(a.order_id)).state, OrderState::kAuthorized);
  EXPECT_EQ(w->position().held, 1200);
}

INSTANTIATE_TEST_SUITE_P(Suites, UnsignedTest,
                         ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1), suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
