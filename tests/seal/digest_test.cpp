// H, HMAC, DD and L.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

using DigestOps = SealTest;

TEST_P(DigestOps, HIsTheSuiteDigestOfTheWholeTlv) {
  Bytes t = sample_t();
  auto h = H(suite(), t);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, crypto::digest(suite().digest, t).value());
  EXPECT_EQ(h->size(), id() == SuiteId::kSet1 ? 20u : 32u);
}

TEST_P(DigestOps, HmacIsKeyedWithTheSuiteDigest) {
  Bytes t = sample_t();
  Bytes key(20, 0x0b);
  auto m = HMAC(suite(), key, t);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, crypto::hmac(suite().digest, key, t).value());
  EXPECT_NE(*m, HMAC(suite(), Bytes(20, 0x0c), t).value());
}

TEST_P(DigestOps, DetachedDigestRoundTripsAndCoversTagAndLength) {
  Bytes t = sample_t();
  auto dd = DD(suite(), ct(oid_ct::kOIData), t);
  ASSERT_TRUE(dd.ok()) << dd.error().to_string();
  EXPECT_EQ(dd->dd_version, 0);
  EXPECT_FALSE(dd->content_info.content.has_value());
  EXPECT_EQ(dd->content_info.content_type, ct(oid_ct::kOIData));
  EXPECT_EQ(asn1::encode(dd->digest_algorithm), suite().digest_algorithm_id());
  // The digest is over tag ‖ length ‖ value, not the value alone.
  EXPECT_EQ(dd->digest, H(suite(), t).value());
  der::Reader r(t);
  ByteView value = r.read_any()->content;
  EXPECT_NE(dd->digest, H(suite(), value).value());

  auto c = check_DD(*dd, ct(oid_ct::kOIData), t, policy());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->suite, id());
  EXPECT_EQ(c->digest, dd->digest);
  // From its encoding too.
  EXPECT_TRUE(check_DD(asn1::encode(*dd), ct(oid_ct::kOIData), t, policy()).ok());
}

TEST_P(DigestOps, DetachedDigestRefusesOtherDataTypeOrContent) {
  Bytes t = sample_t();
  auto dd = DD(suite(), ct(oid_ct::kOIData), t).value();
  auto wrong = check_DD(dd, ct(oid_ct::kOIData), sample_t("order 1235"), policy());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kDigestMismatch);

  auto other_type = check_DD(dd, ct(oid_ct::kPIData), t, policy());
  ASSERT_FALSE(other_type.ok());
  EXPECT_EQ(other_type.error().code, Errc::kConstraint);

  auto with_content = dd;
  with_content.content_info.content = t;
  auto wc = check_DD(with_content, ct(oid_ct::kOIData), t, policy());
  ASSERT_FALSE(wc.ok());
  EXPECT_EQ(wc.error().code, Errc::kConstraint);

  // Not one TLV: a caller error.
  auto bad = DD(suite(), ct(oid_ct::kOIData), ByteView(t).first(t.size() - 1));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
}

TEST_P(DigestOps, EveryBitFlipInADetachedDigestIsRejected) {
  Bytes t = sample_t();
  Bytes dd = DD_der(suite(), ct(oid_ct::kOIData), t).value();
  expect_every_flip_rejected(dd, [&](ByteView b) {
    return check_DD(b, ct(oid_ct::kOIData), t, policy()).ok();
  }, "DD");
  // And every flip of the data it covers.
  expect_every_flip_rejected(t, [&](ByteView b) {
    return check_DD(dd, ct(oid_ct::kOIData), b, policy()).ok();
  }, "DD data");
}

TEST_P(DigestOps, ReceiverPolicyRefusingTheSuiteGivesPolicyError) {
  Bytes t = sample_t();
  auto dd = DD(suite(), ct(oid_ct::kOIData), t).value();
  auto r = check_DD(dd, ct(oid_ct::kOIData), t, refusing());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kPolicy);
  EXPECT_NE(r.error().message.find(crypto::to_string(id())), std::string::npos) << r.error().message;
}

TEST_P(DigestOps, DigestMustHaveTheSuiteSizeSet1AtMost20) {
  Bytes t = sample_t();
  auto dd = DD(suite(), ct(oid_ct::kOIData), t).value();
  dd.digest.resize(id() == SuiteId::kSet1 ? 32 : 20, 0);  // SHA-1 labelled but 32 octets, or short
  auto r = check_DD(dd, ct(oid_ct::kOIData), t, policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint) << r.error().to_string();
}

TEST_P(DigestOps, LinkageCarriesT1AndChecksT2) {
  Bytes t1 = sample_t("PIHead");
  Bytes t2 = sample_t("OIData");
  auto l = L(suite(), t1, ct(oid_ct::kOIData), t2);
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  auto parts = split_L(*l);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(to_bytes(parts->t1), t1);
  EXPECT_EQ(to_bytes(parts->t2), DD_der(suite(), ct(oid_ct::kOIData), t2).value());

  auto c = check_L(*l, ct(oid_ct::kOIData), t2, policy());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->t1, t1);
  auto bad = check_L(*l, ct(oid_ct::kOIData), sample_t("OIData2"), policy());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kDigestMismatch);

  // It decodes with the asn1 layer's LRaw as well.
  auto typed = asn1::decode<asn1::LRaw<"PI-OILink">>(*l);
  ASSERT_TRUE(typed.ok()) << typed.error().to_string();
  EXPECT_EQ(typed->t1, t1);
}

OPENSET_SEAL_SUITES(DigestOps);

}  // namespace
}  // namespace openset::seal::testing
