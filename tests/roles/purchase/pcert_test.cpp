// PCertReq / PCertRes (notes §4.8): the merchant learns the gateway's current key-exchange
// certificate and uses it from then on; every check the merchant and the gateway make on the
// pair is exercised with the route before and after (a refused answer changes nothing).
#include "purchase_fixture.hpp"

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/signature.hpp"

namespace openset::roles::purchase::testing {
namespace {

using asn1::BrandAndBIN;
using asn1::PCertCode;

class PCertTest : public PurchaseTest {
 protected:
  // The gateway renews its key-exchange certificate (new key); the merchant still has the old.
  void renew_gateway_key_exchange() {
    old_kx = w->gateway.key_exchange_certificate;
    w->gateway.key_exchange_key = key(w->suite->id, "gateway-kx-renewed", false);
    w->gateway.key_exchange_certificate =
        w->h.ee(*w->h.atlas_pca, pki::CertType::kGatewayKeyExchange, "Atlas", "Atlas Gateway", "gateway-kx-renewed");
  }
  static BrandAndBIN brand(std::string b, std::optional<std::string> bin = std::nullopt) {
    BrandAndBIN x;
    x.brand_id = asn1::BrandID(std::move(b));
    x.bin = std::move(bin);
    return x;
  }
  // The merchant's PCertReq through the gateway; returns the gateway's answer.
  Answer ask(const std::vector<BrandAndBIN>& brands) {
    Answer req = must(w->merchant_engine->request_gateway_certificates(brands));
    EXPECT_EQ(req.send.size(), 1u);
    EXPECT_EQ(req.send.at(0).to, Peer::kGateway);
    EXPECT_EQ(req.send.at(0).type, "PCertReq");
    return w->to_gateway(req.send.at(0).message);
  }
  asn1::PCertResTBS tbs_of(ByteView wire) {
    auto wr = must(unwrap(wire));
    const auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
    return must(asn1::decode<asn1::PCertResTBS>(*sd.content_info.content));
  }
  Bytes atlas_kx() {
    for (const auto& r : w->merchant_engine->gateway_routes())
      if (r.brand == "Atlas") return r.key_exchange_certificate;
    return {};
  }
  Bytes old_kx;
};

TEST_P(PCertTest, MerchantLearnsTheRenewedGatewayCertificateAndPaysWithIt) {
  renew_gateway_key_exchange();
  w->start();
  ASSERT_EQ(atlas_kx(), old_kx);

  Answer res = ask({brand("Atlas", "400001"), brand("Borealis")});
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_EQ(res.send.at(0).type, "PCertRes");
  asn1::PCertResTBS tbs = tbs_of(res.send.at(0).message);
  ASSERT_EQ(tbs.p_cert_res_item_seq.size(), 2u);
  EXPECT_EQ(tbs.p_cert_res_item_seq[0].p_cert_code, PCertCode::kSuccess);
  EXPECT_EQ(*tbs.p_cert_res_item_seq[0].cert_thumb,
            must(pki::cert_thumb(*w->suite, w->gateway.key_exchange_certificate)));
  EXPECT_EQ(tbs.p_cert_res_item_seq[1].p_cert_code, PCertCode::kBrandNotSupported);
  EXPECT_FALSE(tbs.p_cert_res_item_seq[1].cert_thumb);

  Answer m = w->to_merchant(res.send.at(0).message);
  ASSERT_TRUE(m.ok()) << m.detail;
  EXPECT_TRUE(m.send.empty());
  EXPECT_EQ(atlas_kx(), w->gateway.key_exchange_certificate);

  // The wallet gets the new certificate's thumb in PInitRes; the gateway opens the PI with the
  // renewed key; money moves.
  World::Run r = w->purchase(usd(4200));
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kAuthorized);
  EXPECT_EQ(w->position().held, 4200);

  // Kept across a restart of the merchant.
  w->merchant_engine.reset();
  w->start();
  EXPECT_EQ(atlas_kx(), w->gateway.key_exchange_certificate);

  // Answered once: the same PCertRes again changes nothing and is not refused.
  Answer again = w->to_merchant(res.send.at(0).message);
  EXPECT_TRUE(again.ok()) << again.detail;
}

TEST_P(PCertTest, TheGatewaySendsOnlyTheCertificatesTheMerchantLacks) {
  w->start();
  Answer res = ask({brand("Atlas")});
  ASSERT_TRUE(res.ok()) << res.detail;
  auto wr = must(unwrap(res.send.at(0).message));
  const auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
  // The merchant holds the gateway key-exchange certificate and its chain (its route): the
  // gateway sends its signature certificate only.
  ASSERT_TRUE(sd.certificates);
  for (const Bytes& c : *sd.certificates) {
    EXPECT_NE(c, w->gateway.key_exchange_certificate);
    EXPECT_NE(c, w->h.atlas->certificate());
    EXPECT_NE(c, w->h.atlas_pca->certificate());
  }
  EXPECT_NE(std::find(sd.certificates->begin(), sd.certificates->end(), w->gateway.signature_certificate),
            sd.certificates->end());
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  EXPECT_EQ(atlas_kx(), w->gateway.key_exchange_certificate);
}

TEST_P(PCertTest, AnUnknownBinIsRefusedItemByItemAndChangesNothing) {
  renew_gateway_key_exchange();
  w->start();
  w->gateway_engine.reset();
  // A gateway that knows which acquirer BINs it serves.
  GatewayConfig gc;
  gc.credentials = w->gateway;
  gc.brand = "Atlas";
  gc.acquirer_bins = {"400001"};
  gc.trust = w->trust(w->gateway_validator);
  w->gateway_engine = must(Gateway::open(test::test_db(w->dir, "gateway"), std::move(gc), w->env, *w->acquirer));

  Answer res = ask({brand("Atlas", "999999")});
  ASSERT_TRUE(res.ok()) << res.detail;
  asn1::PCertResTBS tbs = tbs_of(res.send.at(0).message);
  ASSERT_EQ(tbs.p_cert_res_item_seq.size(), 1u);
  EXPECT_EQ(tbs.p_cert_res_item_seq[0].p_cert_code, PCertCode::kUnknownBIN);
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  EXPECT_EQ(atlas_kx(), old_kx);

  Answer ok = ask({brand("Atlas", "400001")});
  EXPECT_EQ(tbs_of(ok.send.at(0).message).p_cert_res_item_seq.at(0).p_cert_code, PCertCode::kSuccess);
}

TEST_P(PCertTest, AForgedOrMisdirectedPCertResChangesNothing) {
  renew_gateway_key_exchange();
  w->start();
  Answer res = ask({brand("Atlas")});
  ASSERT_TRUE(res.ok()) << res.detail;
  const Bytes good = res.send.at(0).message;

  // A flipped bit inside the signed PCertResTBS.
  {
    auto wr = must(unwrap(good));
    auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
    ASSERT_TRUE(sd.content_info.content);
    sd.content_info.content->back() ^= 0x01;
    Answer a = w->to_merchant(asn1::encode(wr));
    EXPECT_FALSE(a.ok());
    EXPECT_TRUE(a.refused == ErrorCode::kSignatureFailure || a.refused == ErrorCode::kDecodingFailure)
        << static_cast<int>(*a.refused);
    EXPECT_EQ(atlas_kx(), old_kx);
  }
  // The same PCertResTBS signed by the merchant's own key (a merchant certificate, not a
  // gateway's): invalidCertificate.
  {
    auto wr = must(unwrap(good));
    auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
    seal::Signer s = must(w->merchant.signer(true));
    sd = must(seal::S(s, content_type(asn1::oid::ContentType::kPCertResTBS), *sd.content_info.content));
    Answer a = w->to_merchant(asn1::encode(wr));
    EXPECT_EQ(a.refused, ErrorCode::kInvalidCertificate) << a.detail;
    EXPECT_EQ(atlas_kx(), old_kx);
  }
  // A PCertRes for a request the merchant never sent.
  {
    auto wr = must(unwrap(good));
    auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
    asn1::PCertResTBS tbs = must(asn1::decode<asn1::PCertResTBS>(*sd.content_info.content));
    tbs.p_cert_rr_tags.rrpid = Bytes(20, 0x77);
    seal::Signer s = must(w->gateway.signer(true, true));
    sd = must(seal::S(s, content_type(asn1::oid::ContentType::kPCertResTBS), asn1::encode(tbs)));
    wr.message_header.rrpid = tbs.p_cert_rr_tags.rrpid;
    Answer a = w->to_merchant(asn1::encode(wr));
    EXPECT_EQ(a.refused, ErrorCode::kUnknownRRPID) << a.detail;
    EXPECT_EQ(atlas_kx(), old_kx);
  }
  // A success item naming a certificate that is not a gateway key-exchange certificate (the
  // gateway's signature certificate): refused, nothing recorded.
  {
    auto wr = must(unwrap(good));
    auto& sd = std::get<asn1::Message::kPCertificateResponse>(wr.message.value);
    asn1::PCertResTBS tbs = must(asn1::decode<asn1::PCertResTBS>(*sd.content_info.content));
    tbs.p_cert_res_item_seq.at(0).cert_thumb = must(pki::cert_thumb(*w->suite, w->gateway.signature_certificate));
    seal::Signer s = must(w->gateway.signer(true, true));
    sd = must(seal::S(s, content_type(asn1::oid::ContentType::kPCertResTBS), asn1::encode(tbs)));
    Answer a = w->to_merchant(asn1::encode(wr));
    EXPECT_EQ(a.refused, ErrorCode::kInvalidCertificate) << a.detail;
    EXPECT_EQ(atlas_kx(), old_kx);
  }
  // The genuine answer is still accepted afterwards.
  EXPECT_TRUE(w->to_merchant(good).ok());
  EXPECT_EQ(atlas_kx(), w->gateway.key_exchange_certificate);
}

TEST_P(PCertTest, TheGatewayAnswersMerchantsOfItsBrandOnly) {
  w->start();
  // A PCertReq signed with the cardholder's certificate.
  Answer req = must(w->merchant_engine->request_gateway_certificates({brand("Atlas")}));
  auto wr = must(unwrap(req.send.at(0).message));
  auto& sd = std::get<asn1::Message::kPCertificateRequest>(wr.message.value);
  const Bytes content = *sd.content_info.content;
  seal::Signer card = must(w->cardholder.signer(true));
  sd = must(seal::S(card, content_type(asn1::oid::ContentType::kPCertReqData), content));
  Answer a = w->to_gateway(asn1::encode(wr));
  EXPECT_EQ(a.refused, ErrorCode::kInvalidCertificate) << a.detail;
  ASSERT_EQ(a.send.size(), 1u);
  EXPECT_EQ(a.send.at(0).type, "Error");

  // A stale request (older than the freshness window).
  Answer fresh = must(w->merchant_engine->request_gateway_certificates({brand("Atlas")}));
  w->clock.advance(16 * 60);
  Answer stale = w->to_gateway(fresh.send.at(0).message);
  EXPECT_EQ(stale.refused, ErrorCode::kMessageTooOld) << stale.detail;

  // Nothing asked: refused before anything is sent.
  EXPECT_FALSE(w->merchant_engine->request_gateway_certificates({}).ok());
}

INSTANTIATE_TEST_SUITE_P(Suites, PCertTest,
                         ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1), suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
