// Enc, EncK, EncX, EncB, EncBX: signed-then-encrypted messages.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

namespace bc = crypto::block_contents;
using EncapsulationOps = SealTest;

// AuthRevRes-like: Enc{P, M, AuthRevResData}
const EncTypes kEncTypes{ct(oid_ct::kAuthRevResData), ct(oid_ct::kAuthRevResTBE)};
// AuthRes-like: EncBX{P, M, AuthResTBS…, Baggage, PANToken}
const EncBXTypes kEncBXTypes{ct(oid_ct::kAuthResBaggage), ct(oid_ct::kAuthResTBSX),
                             ct(oid_ct::kAuthResTBEX)};
// AuthReq-like: EncB{M, P, AuthReqData, PI}
const EncBTypes kEncBTypes{ct(oid_ct::kPI), ct(oid_ct::kAuthReqTBS), ct(oid_ct::kAuthReqTBE)};
// CertReq-like: EncX{EE, CA, CertReqData, AcctInfo}
const EncXTypes kEncXTypes{ct(oid_ct::kCertReqTBS), ct(oid_ct::kCertReqTBEX)};

TEST_P(EncapsulationOps, SignedAndEnvelopedRoundTrips) {
  Bytes t = sample_t("AuthRevResData");
  auto env = Enc(test::signer(gateway()), test::recipient(merchant()), kEncTypes, t);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  // The plaintext is S{P, T}: check by opening the E layer alone.
  auto inner = open_E(*env, test::holder(merchant()), kEncTypes.enveloped_type, policy());
  ASSERT_TRUE(inner.ok());
  auto sd = asn1::decode<asn1::SignedData>(inner->content.view());
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->content_info.content_type, kEncTypes.signed_type);

  auto o = open_Enc(*env, test::holder(merchant()), kEncTypes, trust(gateway()), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  ASSERT_TRUE(o->signature.has_value());
  EXPECT_EQ(o->signature->signers, std::vector<std::size_t>{0});
  EXPECT_EQ(o->suite, id());
}

TEST_P(EncapsulationOps, EveryBitFlipOfASignedEnvelopeIsRejected) {
  Bytes t = sample_t("AuthRevResData");
  Bytes der = asn1::encode(Enc(test::signer(gateway()), test::recipient(merchant()), kEncTypes, t).value());
  auto trusted = trust(gateway());
  expect_every_flip_rejected(der, [&](ByteView b) {
    auto e = asn1::decode<asn1::EnvelopedData>(b);
    return e.ok() && open_Enc(*e, test::holder(merchant()), kEncTypes, trusted, policy()).ok();
  }, "Enc");
}

TEST_P(EncapsulationOps, SignedEnvelopeFromAnUnexpectedSignerOrToTheWrongKeyIsRejected) {
  Bytes t = sample_t("AuthRevResData");
  auto env = Enc(test::signer(mallory()), test::recipient(merchant()), kEncTypes, t).value();
  auto r = open_Enc(env, test::holder(merchant()), kEncTypes, trust(gateway()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kSignature);

  auto env2 = Enc(test::signer(gateway()), test::recipient(merchant()), kEncTypes, t).value();
  auto w = open_Enc(env2, test::holder(cardholder()), kEncTypes, trust(gateway()), policy());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::kDecrypt);
  auto p = open_Enc(env2, test::holder(merchant()), kEncTypes, trust(gateway()), refusing());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kPolicy);
}

TEST_P(EncapsulationOps, SignedAndSymmetricallyEncryptedRoundTripsAndDetectsFlips) {
  KeyData key{suite().cipher, crypto::random_key(suite().cipher)};
  const EncTypes types{ct(oid_ct::kCertResData), ct(oid_ct::kCertResTBE)};
  Bytes t = sample_t("CertResData");
  auto ed = EncK(key, test::signer(gateway()), types, t);
  ASSERT_TRUE(ed.ok()) << ed.error().to_string();
  auto o = open_EncK(*ed, key, types, trust(gateway()), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  ASSERT_TRUE(o->signature.has_value());

  auto trusted = trust(gateway());
  expect_every_flip_rejected(asn1::encode(*ed), [&](ByteView b) {
    auto e = asn1::decode<asn1::EncryptedData>(b);
    return e.ok() && open_EncK(*e, key, types, trusted, policy()).ok();
  }, "EncK");

  auto unexpected = open_EncK(*ed, key, types, trust(mallory()), policy());
  ASSERT_FALSE(unexpected.ok());
  EXPECT_EQ(unexpected.error().code, Errc::kSignature);
  auto refused = open_EncK(*ed, key, types, trusted, refusing());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kPolicy);
}

TEST_P(EncapsulationOps, ExtraSignedEnvelopeSignsTAndParamTogether) {
  Bytes t = sample_t("CertReqData");
  Bytes param = sample_pan_data();  // AcctInfo's panData0 shape
  auto env = EncX(test::signer(cardholder()), test::recipient(gateway()), kEncXTypes, t, param,
                  bc::kKeyAcctInfo);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto o = open_EncX(*env, test::holder(gateway()), kEncXTypes, bc::kKeyAcctInfo,
                     trust(cardholder()), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->param.expose(), param);
  ASSERT_TRUE(o->signature.has_value());
  // The detached signature is over SEQUENCE { T, Param }.
  der::Writer w;
  w.begin_sequence().add_raw(t).add_raw(param).end();
  EXPECT_EQ(o->signature->message_digest, H(suite(), w.finish()).value());

  auto wrong_bc = open_EncX(*env, test::holder(gateway()), kEncXTypes, bc::kKeyPanToken,
                            trust(cardholder()), policy());
  ASSERT_FALSE(wrong_bc.ok());
  EXPECT_EQ(wrong_bc.error().code, Errc::kDecrypt);

  auto trusted = trust(cardholder());
  expect_every_flip_rejected(asn1::encode(*env), [&](ByteView b) {
    auto e = asn1::decode<asn1::EnvelopedData>(b);
    return e.ok() && open_EncX(*e, test::holder(gateway()), kEncXTypes, bc::kKeyAcctInfo, trusted,
                               policy()).ok();
  }, "EncX");
}

TEST_P(EncapsulationOps, ExtraSignedEnvelopeRejectsUnexpectedSignerWrongKeyAndPolicy) {
  Bytes t = sample_t("CertReqData");
  Bytes param = sample_pan_data();
  auto env = EncX(test::signer(mallory()), test::recipient(gateway()), kEncXTypes, t, param,
                  bc::kKeyAcctInfo).value();
  auto r = open_EncX(env, test::holder(gateway()), kEncXTypes, bc::kKeyAcctInfo, trust(cardholder()),
                     policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kSignature);
  auto w = open_EncX(env, test::holder(merchant()), kEncXTypes, bc::kKeyAcctInfo, trust(mallory()),
                     policy());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::kDecrypt);
  auto p = open_EncX(env, test::holder(gateway()), kEncXTypes, bc::kKeyAcctInfo, trust(mallory()),
                     refusing());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kPolicy);
}

TEST_P(EncapsulationOps, BaggageTravelsInTheClearLinkedByItsDigest) {
  Bytes t = sample_t("AuthReqData");
  Bytes baggage = sample_baggage();
  auto encb = EncB(test::signer(merchant()), test::recipient(gateway()), kEncBTypes, t, baggage);
  ASSERT_TRUE(encb.ok()) << encb.error().to_string();
  EXPECT_NE(find(*encb, baggage), std::string::npos);  // in the clear, at the end
  auto o = open_EncB(*encb, test::holder(gateway()), kEncBTypes, trust(merchant()), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->baggage, baggage);
  EXPECT_EQ(o->baggage_digest, H(suite(), baggage).value());

  auto trusted = trust(merchant());
  expect_every_flip_rejected(*encb, [&](ByteView b) {
    return open_EncB(b, test::holder(gateway()), kEncBTypes, trusted, policy()).ok();
  }, "EncB");
}

TEST_P(EncapsulationOps, BaggageThatDoesNotMatchItsHashIsRejected) {
  Bytes t = sample_t("AuthReqData");
  auto encb = EncB(test::signer(merchant()), test::recipient(gateway()), kEncBTypes, t,
                   sample_baggage()).value();
  // Swap the baggage for another (same length, so the outer SEQUENCE still parses).
  Bytes other = sample_baggage("baggage: an envelope for someone ELSE");
  Bytes original = sample_baggage();
  ASSERT_EQ(other.size(), original.size());
  Bytes swapped = encb;
  std::copy(other.begin(), other.end(), swapped.end() - static_cast<std::ptrdiff_t>(other.size()));
  auto r = open_EncB(swapped, test::holder(gateway()), kEncBTypes, trust(merchant()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDigestMismatch);

  auto u = open_EncB(encb, test::holder(gateway()), kEncBTypes, trust(mallory()), policy());
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, Errc::kSignature);
  auto w = open_EncB(encb, test::holder(cardholder()), kEncBTypes, trust(merchant()), policy());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::kDecrypt);
  auto p = open_EncB(encb, test::holder(gateway()), kEncBTypes, trust(merchant()), refusing());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kPolicy);
}

TEST_P(EncapsulationOps, ExtraBaggageEnvelopeCarriesParamAndBaggage) {
  Bytes t = sample_t("AuthResData");
  Bytes baggage = sample_baggage("CapToken sequence");
  Bytes token = sample_pan_token();
  auto encbx = EncBX(test::signer(gateway()), test::recipient(merchant()), kEncBXTypes, t, baggage,
                     token, bc::kKeyPanToken);
  ASSERT_TRUE(encbx.ok()) << encbx.error().to_string();
  auto o = open_EncBX(*encbx, test::holder(merchant()), kEncBXTypes, bc::kKeyPanToken,
                      trust(gateway()), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->param.expose(), token);
  EXPECT_EQ(o->baggage, baggage);

  auto trusted = trust(gateway());
  expect_every_flip_rejected(*encbx, [&](ByteView b) {
    return open_EncBX(b, test::holder(merchant()), kEncBXTypes, bc::kKeyPanToken, trusted,
                      policy()).ok();
  }, "EncBX");

  Bytes other = sample_baggage("CapToken sequencf");
  Bytes swapped = *encbx;
  std::copy(other.begin(), other.end(), swapped.end() - static_cast<std::ptrdiff_t>(other.size()));
  auto r = open_EncBX(swapped, test::holder(merchant()), kEncBXTypes, bc::kKeyPanToken,
                      trust(gateway()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDigestMismatch);

  auto wrong_bc = open_EncBX(*encbx, test::holder(merchant()), kEncBXTypes, bc::kKeyPanData,
                             trust(gateway()), policy());
  ASSERT_FALSE(wrong_bc.ok());
  EXPECT_EQ(wrong_bc.error().code, Errc::kDecrypt);
  auto u = open_EncBX(*encbx, test::holder(merchant()), kEncBXTypes, bc::kKeyPanToken,
                      trust(mallory()), policy());
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, Errc::kSignature);
  auto w = open_EncBX(*encbx, test::holder(gateway()), kEncBXTypes, bc::kKeyPanToken,
                      trust(gateway()), policy());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::kDecrypt);
  auto p = open_EncBX(*encbx, test::holder(merchant()), kEncBXTypes, bc::kKeyPanToken,
                      trust(gateway()), refusing());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kPolicy);
}

TEST_P(EncapsulationOps, SignerAndRecipientMustShareASuite) {
  const test::Party& other_gateway = test::make_party(other(), "gateway");
  auto r = Enc(test::signer(merchant()), test::recipient(other_gateway), kEncTypes, sample_t());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

OPENSET_SEAL_SUITES(EncapsulationOps);

}  // namespace
}  // namespace openset::seal::testing
