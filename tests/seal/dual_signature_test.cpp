// The dual signature: the cardholder binds PI and OI; the merchant and the gateway each verify
// with only their half.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

using DualSignature = SealTest;

// Shapes of SET's values (simplified but DER, with the fields that matter here).
Bytes make_oi_data(std::string_view order) {
  der::Writer w;
  w.begin_sequence()
      .begin_sequence().add_octet_string(crypto::random_bytes(20)).end()  // transIDs (XID)
      .add_octet_string(crypto::random_bytes(20))                          // rrpid / chall-C
      .add_octet_string(as_bytes(order))                                   // stands for hod
      .add_string(der::tags::kNumericString, "411111")                     // bin
      .end();
  return w.finish();
}
Bytes make_pi_head(std::string_view amount) {
  der::Writer w;
  w.begin_sequence()
      .add_octet_string(crypto::random_bytes(20))                   // transIDs
      .add_string(der::tags::kVisibleString, amount)                // inputs.purchAmt
      .add_string(der::tags::kVisibleString, "merchant-0001")       // merchantID
      .add_octet_string(crypto::random_bytes(20))                   // transStain
      .end();
  return w.finish();
}

struct PReq {
  Bytes pi_head, oi_data, pan_data;
  DualSignedPI pi;
  // What the merchant receives: PReqDualSigned = SEQUENCE { PIDualSigned, OIDualSigned }.
  Bytes preq() const {
    der::Writer w;
    w.begin_sequence().add_raw(pi.pi_dual_signed).add_raw(pi.oi_dual_signed).end();
    return w.finish();
  }
};

class DualSignatureTest : public DualSignature {
 protected:
  PReq make(std::string_view order, std::string_view pan = kPan) const {
    PReq r;
    r.pi_head = make_pi_head(std::string("USD ") + std::string(order));
    r.oi_data = make_oi_data(order);
    r.pan_data = sample_pan_data(pan);
    auto pi = seal_dual_signed_pi(test::signer(cardholder()), test::recipient(gateway()), r.pi_head,
                                  r.oi_data, r.pan_data);
    EXPECT_TRUE(pi.ok()) << pi.error().to_string();
    r.pi = std::move(pi).value();
    return r;
  }
  // Merchant: from OIDualSigned alone (plus piSignature).
  Result<DualSignatureCheck> merchant_verifies(const asn1::SignedData& sig, ByteView oi_dual_signed,
                                               const Policy& p) const {
    OPENSET_TRY(LinkageParts parts, split_L(oi_dual_signed));
    return verify_dual_signature_merchant(sig, parts.t1, parts.t2, trust(cardholder()), p);
  }
};

TEST_P(DualSignatureTest, MerchantVerifiesWithoutPanData) {
  PReq r = make("order A");
  EXPECT_EQ(r.pi.pi_signature.content_info.content_type, ct(oid_ct::kPI_TBS));
  EXPECT_FALSE(r.pi.pi_signature.content_info.content.has_value());
  auto m = merchant_verifies(r.pi.pi_signature, r.pi.oi_dual_signed, policy());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EXPECT_EQ(m->signature.suite, id());
  EXPECT_EQ(m->h_oi_data, DD_der(suite(), ct(oid_ct::kOIData), r.oi_data).value());
  // The PI-TBS verified is SEQUENCE { DD(PIData), DD(OIData) }.
  SecretBytes pi_data = make_pi_data(r.pi_head, r.pan_data);
  der::Writer w;
  w.begin_sequence()
      .add_raw(DD_der(suite(), ct(oid_ct::kPIData), pi_data.view()).value())
      .add_raw(m->h_oi_data)
      .end();
  EXPECT_EQ(m->pi_tbs, w.finish());
  // And it decodes as the asn1 layer's PI-TBS.
  auto tbs = asn1::decode<asn1::PI_TBS>(m->pi_tbs);
  ASSERT_TRUE(tbs.ok()) << tbs.error().to_string();
  EXPECT_EQ(tbs->h_pi_data.content_info.content_type, ct(oid_ct::kPIData));
  EXPECT_EQ(tbs->h_oi_data.content_info.content_type, ct(oid_ct::kOIData));
}

TEST_P(DualSignatureTest, GatewayOpensThePiAndVerifies) {
  PReq r = make("order A");
  auto g = open_dual_signed_pi(r.pi.pi_dual_signed, test::holder(gateway()), trust(cardholder()),
                               policy());
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(g->pi_head, r.pi_head);
  EXPECT_EQ(g->pan_data.expose(), r.pan_data);
  EXPECT_EQ(g->h_oi_data, DD_der(suite(), ct(oid_ct::kOIData), r.oi_data).value());
  EXPECT_EQ(g->suite, id());
  EXPECT_EQ(g->check.h_pi_data, r.pi.h_pi_data);
  // exPIData's block is BC kKeyPanData and its content type PIDualSignedTBE.
  EXPECT_EQ(r.pi.ex_pi_data.encrypted_content_info.content_type, ct(oid_ct::kPIDualSignedTBE));
}

TEST_P(DualSignatureTest, DualSignAndBothVerifiersAgreeOnAHandBuiltPi) {
  Bytes pi_head = make_pi_head("USD 10.00");
  Bytes oi = make_oi_data("order H");
  Bytes pan = sample_pan_data();
  SecretBytes pi_data = make_pi_data(pi_head, pan);
  auto sig = dual_sign(test::signer(cardholder()), pi_data.view(), oi);
  ASSERT_TRUE(sig.ok()) << sig.error().to_string();
  Bytes h_pi = DD_der(suite(), ct(oid_ct::kPIData), pi_data.view()).value();
  Bytes h_oi = DD_der(suite(), ct(oid_ct::kOIData), oi).value();
  EXPECT_TRUE(verify_dual_signature_merchant(*sig, oi, h_pi, trust(cardholder()), policy()).ok());
  EXPECT_TRUE(verify_dual_signature_gateway(*sig, pi_data.view(), h_oi, trust(cardholder()), policy()).ok());
}

TEST_P(DualSignatureTest, SwappingOiDataForAnotherOrderBreaksBoth) {
  PReq a = make("order A");
  PReq b = make("order B");
  // Merchant: OIData of B with A's DD(PIData) and signature.
  auto m = verify_dual_signature_merchant(a.pi.pi_signature, b.oi_data,
                                          split_L(a.pi.oi_dual_signed)->t2, trust(cardholder()), policy());
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(m.error().code == Errc::kDigestMismatch || m.error().code == Errc::kSignature);
  // Gateway: A's PI checked against B's HOIData (what a merchant swapping orders would send).
  SecretBytes pi_data = make_pi_data(a.pi_head, a.pan_data);
  auto g = verify_dual_signature_gateway(a.pi.pi_signature, pi_data.view(),
                                         DD_der(suite(), ct(oid_ct::kOIData), b.oi_data).value(),
                                         trust(cardholder()), policy());
  ASSERT_FALSE(g.ok());
  // And A's signature with B's encrypted PI (which links to B's OIData) fails as a whole.
  auto mixed = open_dual_signed_pi(a.pi.pi_signature, b.pi.ex_pi_data, test::holder(gateway()),
                                   trust(cardholder()), policy());
  ASSERT_FALSE(mixed.ok());
}

TEST_P(DualSignatureTest, SwappingPiDataBreaksBoth) {
  PReq a = make("order A");
  PReq b = make("order A", "5500000000000004");  // same order text, another card
  // Merchant: A's OIData with B's DD(PIData).
  auto m = verify_dual_signature_merchant(a.pi.pi_signature, a.oi_data,
                                          split_L(b.pi.oi_dual_signed)->t2, trust(cardholder()), policy());
  ASSERT_FALSE(m.ok());
  // Gateway: PIData rebuilt from B's PANData under A's signature.
  SecretBytes swapped = make_pi_data(a.pi_head, b.pan_data);
  auto g = verify_dual_signature_gateway(a.pi.pi_signature, swapped.view(),
                                         DD_der(suite(), ct(oid_ct::kOIData), a.oi_data).value(),
                                         trust(cardholder()), policy());
  ASSERT_FALSE(g.ok());
  auto mixed = open_dual_signed_pi(b.pi.pi_signature, a.pi.ex_pi_data, test::holder(gateway()),
                                   trust(cardholder()), policy());
  ASSERT_FALSE(mixed.ok());
}

TEST_P(DualSignatureTest, MerchantCannotFindThePanAnywhereInWhatItReceives) {
  PReq r = make("order A");
  Bytes preq = r.preq();
  // The scan itself works: the PAN is in PANData, in ASCII.
  ASSERT_TRUE(test::contains(r.pan_data, as_bytes(kPan)));
  EXPECT_FALSE(test::contains(preq, as_bytes(kPan))) << "PAN digits in ASCII found";
  EXPECT_FALSE(test::contains(preq, test::bcd(kPan))) << "PAN in BCD found";
  // Nor its first 12 digits (a partial leak), in either form.
  EXPECT_FALSE(test::contains(preq, as_bytes(kPan.substr(0, 12))));
  EXPECT_FALSE(test::contains(preq, test::bcd(kPan.substr(0, 12))));
  EXPECT_FALSE(test::contains(preq, r.pan_data));
}

TEST_P(DualSignatureTest, EveryBitFlipOfThePiIsRejectedByTheGateway) {
  PReq r = make("order A");
  auto trusted = trust(cardholder());
  expect_every_flip_rejected(r.pi.pi_dual_signed, [&](ByteView b) {
    return open_dual_signed_pi(b, test::holder(gateway()), trusted, policy()).ok();
  }, "PIDualSigned");
}

TEST_P(DualSignatureTest, EveryBitFlipOfWhatTheMerchantChecksIsRejected) {
  PReq r = make("order A");
  Bytes sig = asn1::encode(r.pi.pi_signature);
  auto trusted = trust(cardholder());
  auto parts = split_L(r.pi.oi_dual_signed).value();
  Bytes oi(parts.t1.begin(), parts.t1.end());
  Bytes h_pi(parts.t2.begin(), parts.t2.end());
  auto verify = [&](ByteView s, ByteView o, ByteView h) {
    auto sd = asn1::decode<asn1::SignedData>(s);
    return sd.ok() && verify_dual_signature_merchant(*sd, o, h, trusted, policy()).ok();
  };
  expect_every_flip_rejected(sig, [&](ByteView b) { return verify(b, oi, h_pi); }, "PISignature");
  expect_every_flip_rejected(oi, [&](ByteView b) { return verify(sig, b, h_pi); }, "OIData");
  expect_every_flip_rejected(h_pi, [&](ByteView b) { return verify(sig, oi, b); }, "HPIData");
}

TEST_P(DualSignatureTest, UnexpectedCardholderKeyWrongGatewayKeyAndPolicyAreRejected) {
  PReq r = make("order A");
  auto m = verify_dual_signature_merchant(r.pi.pi_signature, r.oi_data,
                                          split_L(r.pi.oi_dual_signed)->t2, trust(mallory()), policy());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, Errc::kSignature);
  auto g = open_dual_signed_pi(r.pi.pi_dual_signed, test::holder(merchant()), trust(cardholder()),
                               policy());
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, Errc::kDecrypt);
  auto pm = merchant_verifies(r.pi.pi_signature, r.pi.oi_dual_signed, refusing());
  ASSERT_FALSE(pm.ok());
  EXPECT_EQ(pm.error().code, Errc::kPolicy);
  auto pg = open_dual_signed_pi(r.pi.pi_dual_signed, test::holder(gateway()), trust(cardholder()),
                                refusing());
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().code, Errc::kPolicy);
}

OPENSET_SEAL_SUITES(DualSignatureTest);

}  // namespace
}  // namespace openset::seal::testing
