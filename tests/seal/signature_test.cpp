// S and SO: round trip, tamper, wrong key, policy, bounds, two signers.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

using SignatureOps = SealTest;

TEST_P(SignatureOps, SignedContentRoundTripsWithTheSetProfile) {
  Bytes t = sample_t();
  auto sd = S(test::signer(cardholder()), ct(oid_ct::kPInitResData), t);
  ASSERT_TRUE(sd.ok()) << sd.error().to_string();
  EXPECT_EQ(sd->sd_version, 2);
  ASSERT_EQ(sd->digest_algorithms.size(), 1u);
  EXPECT_EQ(asn1::encode(sd->digest_algorithms[0]), suite().digest_algorithm_id());
  ASSERT_TRUE(sd->content_info.content.has_value());
  EXPECT_EQ(*sd->content_info.content, t);
  ASSERT_EQ(sd->signer_infos.size(), 1u);
  const auto& si = sd->signer_infos[0];
  EXPECT_EQ(si.si_version, 2);
  EXPECT_EQ(si.issuer_and_serial_number, cardholder().id);
  EXPECT_EQ(asn1::encode(si.digest_encryption_algorithm), suite().signer_algorithm_id());
  ASSERT_TRUE(si.authenticated_attributes.has_value());
  ASSERT_EQ(si.authenticated_attributes->size(), 2u);
  EXPECT_EQ((*si.authenticated_attributes)[0].type, asn1::oid::pkcs9_content_type());
  EXPECT_EQ((*si.authenticated_attributes)[1].type, asn1::oid::pkcs9_message_digest());
  EXPECT_FALSE(si.unauthenticated_attributes.has_value());
  EXPECT_EQ(si.encrypted_digest.size(), cardholder().key.size_bytes());

  Bytes der = asn1::encode(*sd);
  auto v = verify_S(der, ct(oid_ct::kPInitResData), trust(cardholder()), policy());
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->content, t);
  EXPECT_EQ(v->signature.suite, id());
  EXPECT_EQ(v->signature.signers, std::vector<std::size_t>{0});
  EXPECT_EQ(v->signature.message_digest, H(suite(), t).value());
}

TEST_P(SignatureOps, TheSignatureCoversTheAttributesRetaggedAsSetOf) {
  Bytes t = sample_t();
  auto sd = S(test::signer(cardholder()), ct(oid_ct::kPInitResData), t).value();
  const auto& si = sd.signer_infos[0];
  Bytes set_der = signed_attributes_der(*si.authenticated_attributes);
  EXPECT_EQ(set_der[0], 0x31);
  // Same content octets as the [2] EXPLICIT SEQUENCE OF that is on the wire.
  Bytes seq_der = asn1::encode(si);
  EXPECT_NE(find(seq_der, ByteView(set_der).subspan(1)), std::string::npos);
  EXPECT_TRUE(crypto::verify(cardholder().public_key, suite().digest, set_der, si.encrypted_digest).ok());
  Bytes as_seq = set_der;
  as_seq[0] = 0x30;
  EXPECT_FALSE(crypto::verify(cardholder().public_key, suite().digest, as_seq, si.encrypted_digest).ok());
}

TEST_P(SignatureOps, DetachedSignatureVerifiesOnlyAgainstTheSameContent) {
  Bytes t = sample_t();
  auto so = SO(test::signer(cardholder()), ct(oid_ct::kPI_TBS), t);
  ASSERT_TRUE(so.ok()) << so.error().to_string();
  EXPECT_FALSE(so->content_info.content.has_value());
  auto ok = verify_SO(*so, ct(oid_ct::kPI_TBS), t, trust(cardholder()), policy());
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->message_digest, H(suite(), t).value());

  auto other = verify_SO(*so, ct(oid_ct::kPI_TBS), sample_t("other"), trust(cardholder()), policy());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::kDigestMismatch);
  // An S is not an SO and vice versa.
  auto as_s = verify_S(*so, ct(oid_ct::kPI_TBS), trust(cardholder()), policy());
  ASSERT_FALSE(as_s.ok());
  EXPECT_EQ(as_s.error().code, Errc::kConstraint);
  auto s = S(test::signer(cardholder()), ct(oid_ct::kPI_TBS), t).value();
  EXPECT_FALSE(verify_SO(s, ct(oid_ct::kPI_TBS), t, trust(cardholder()), policy()).ok());
}

TEST_P(SignatureOps, EveryBitFlipOfASignedMessageIsRejected) {
  Bytes t = sample_t();
  Bytes der = asn1::encode(S(test::signer(cardholder()), ct(oid_ct::kPInitResData), t).value());
  auto trusted = trust(cardholder());
  expect_every_flip_rejected(der, [&](ByteView b) {
    return verify_S(b, ct(oid_ct::kPInitResData), trusted, policy()).ok();
  }, "S");
}

TEST_P(SignatureOps, EveryBitFlipOfADetachedSignatureOrItsContentIsRejected) {
  Bytes t = sample_t();
  Bytes der = asn1::encode(SO(test::signer(cardholder()), ct(oid_ct::kPI_TBS), t).value());
  auto trusted = trust(cardholder());
  expect_every_flip_rejected(der, [&](ByteView b) {
    return verify_SO(b, ct(oid_ct::kPI_TBS), t, trusted, policy()).ok();
  }, "SO");
  expect_every_flip_rejected(t, [&](ByteView b) {
    return verify_SO(der, ct(oid_ct::kPI_TBS), b, trusted, policy()).ok();
  }, "SO content");
}

TEST_P(SignatureOps, ASignatureByAnUnexpectedKeyIsRejected) {
  Bytes t = sample_t();
  auto by_mallory = S(test::signer(mallory()), ct(oid_ct::kPInitResData), t).value();
  auto r = verify_S(by_mallory, ct(oid_ct::kPInitResData), trust(merchant()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kSignature);
  EXPECT_NE(r.error().message.find("unexpected key"), std::string::npos) << r.error().message;

  // Mallory's key under the merchant's name: the RSA check fails.
  Signer forged = test::signer(mallory());
  forged.id = merchant().id;
  auto f = S(forged, ct(oid_ct::kPInitResData), t).value();
  auto rf = verify_S(f, ct(oid_ct::kPInitResData), trust(merchant()), policy());
  ASSERT_FALSE(rf.ok());
  EXPECT_EQ(rf.error().code, Errc::kSignature);
}

TEST_P(SignatureOps, ADetachedSignatureByAnUnexpectedKeyIsRejected) {
  Bytes t = sample_t();
  auto so = SO(test::signer(mallory()), ct(oid_ct::kPI_TBS), t).value();
  auto r = verify_SO(so, ct(oid_ct::kPI_TBS), t, trust(cardholder()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kSignature);
  auto refused = verify_SO(SO(test::signer(cardholder()), ct(oid_ct::kPI_TBS), t).value(),
                           ct(oid_ct::kPI_TBS), t, trust(cardholder()), refusing());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kPolicy);
}

TEST_P(SignatureOps, WrongExpectedContentTypeIsRejected) {
  Bytes t = sample_t();
  auto sd = S(test::signer(merchant()), ct(oid_ct::kPInitResData), t).value();
  auto r = verify_S(sd, ct(oid_ct::kPResData), trust(merchant()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
  // contentInfo.contentType relabelled to match the expectation: the signed attribute disagrees.
  sd.content_info.content_type = ct(oid_ct::kPResData);
  auto r2 = verify_S(sd, ct(oid_ct::kPResData), trust(merchant()), policy());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, Errc::kConstraint);
}

TEST_P(SignatureOps, ReceiverPolicyRefusingTheSignersSuiteGivesPolicyError) {
  auto sd = S(test::signer(merchant()), ct(oid_ct::kPInitResData), sample_t()).value();
  auto r = verify_S(sd, ct(oid_ct::kPInitResData), trust(merchant()), refusing());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kPolicy);
  EXPECT_NE(r.error().message.find("not accepted"), std::string::npos) << r.error().message;
}

TEST_P(SignatureOps, MessageDigestMustHaveTheSuiteSize) {
  // set1: Digest ::= OCTET STRING (SIZE(1..20)); a 32-octet messageDigest is refused before RSA.
  auto sd = S(test::signer(merchant()), ct(oid_ct::kPInitResData), sample_t()).value();
  der::Writer w;
  w.add_octet_string(Bytes(id() == SuiteId::kSet1 ? 32 : 20, 0x11));
  (*sd.signer_infos[0].authenticated_attributes)[1].values = {w.finish()};
  auto r = verify_S(sd, ct(oid_ct::kPInitResData), trust(merchant()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint) << r.error().to_string();
}

TEST_P(SignatureOps, UnauthenticatedOrExtraAttributesAreRefused) {
  auto sd = S(test::signer(merchant()), ct(oid_ct::kPInitResData), sample_t()).value();
  auto with_unauth = sd;
  with_unauth.signer_infos[0].unauthenticated_attributes = std::vector<asn1::Attribute>{};
  auto r = verify_S(with_unauth, ct(oid_ct::kPInitResData), trust(merchant()), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);

  auto dup = sd;
  dup.signer_infos[0].authenticated_attributes->push_back((*sd.signer_infos[0].authenticated_attributes)[0]);
  EXPECT_FALSE(verify_S(dup, ct(oid_ct::kPInitResData), trust(merchant()), policy()).ok());

  auto missing = sd;
  missing.signer_infos[0].authenticated_attributes->pop_back();
  EXPECT_FALSE(verify_S(missing, ct(oid_ct::kPInitResData), trust(merchant()), policy()).ok());
}

TEST_P(SignatureOps, DigestAlgorithmsMustListWhatTheSignersUse) {
  auto sd = S(test::signer(merchant()), ct(oid_ct::kPInitResData), sample_t()).value();
  auto extra = sd;
  extra.digest_algorithms.push_back(
      asn1::decode<asn1::AlgorithmIdentifier>(crypto::suite(other()).digest_algorithm_id()).value());
  auto r = verify_S(extra, ct(oid_ct::kPInitResData), trust(merchant()), Policy::all());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
  auto none = sd;
  none.digest_algorithms.clear();
  EXPECT_FALSE(verify_S(none, ct(oid_ct::kPInitResData), trust(merchant()), policy()).ok());
}

TEST_P(SignatureOps, RenewalSignaturesWithTwoSignersVerifyBoth) {
  const test::Party& old_key = test::make_party(id(), "merchant-old");
  std::vector<Signer> signers{test::signer(old_key), test::signer(merchant())};
  Bytes t = sample_t("CertReqData");
  auto sd = S(signers, ct(oid_ct::kCertReqTBS), t);
  ASSERT_TRUE(sd.ok()) << sd.error().to_string();
  ASSERT_EQ(sd->signer_infos.size(), 2u);
  EXPECT_EQ(sd->digest_algorithms.size(), 1u);

  std::vector<TrustedSigner> both{test::trusted(merchant()), test::trusted(old_key)};
  auto v = verify_S(*sd, ct(oid_ct::kCertReqTBS), both, policy());
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->signature.signers, (std::vector<std::size_t>{1, 0}));

  // Only one of them trusted: the other is an unexpected key.
  auto one = verify_S(*sd, ct(oid_ct::kCertReqTBS), trust(merchant()), policy());
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, Errc::kSignature);

  // The second signature damaged: refused.
  auto bad = *sd;
  bad.signer_infos[1].encrypted_digest[5] ^= 1;
  auto rb = verify_S(bad, ct(oid_ct::kCertReqTBS), both, policy());
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.error().code, Errc::kSignature);

  // Three signers cannot be built.
  std::vector<Signer> three{test::signer(old_key), test::signer(merchant()), test::signer(mallory())};
  EXPECT_FALSE(S(three, ct(oid_ct::kCertReqTBS), t).ok());
}

TEST_P(SignatureOps, SignerCertificatesTravelInTheCertificatesField) {
  auto sd = S(test::signer(merchant(), true), ct(oid_ct::kPInitResData), sample_t());
  ASSERT_TRUE(sd.ok());
  ASSERT_TRUE(sd->certificates.has_value());
  ASSERT_EQ(sd->certificates->size(), 1u);
  EXPECT_EQ((*sd->certificates)[0], merchant().certificate);
  Bytes der = asn1::encode(*sd);
  // [2] IMPLICIT SEQUENCE OF Certificate
  EXPECT_NE(find(der, merchant().certificate), std::string::npos);
  auto back = asn1::decode<asn1::SignedData>(der);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(verify_S(*back, ct(oid_ct::kPInitResData), trust(merchant()), policy()).ok());
}

TEST_P(SignatureOps, MixedSuitesAreNotSigned) {
  const test::Party& other_party = test::make_party(other(), "merchant");
  std::vector<Signer> signers{test::signer(merchant()), test::signer(other_party)};
  auto r = S(signers, ct(oid_ct::kCertReqTBS), sample_t());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

OPENSET_SEAL_SUITES(SignatureOps);

}  // namespace
}  // namespace openset::seal::testing
