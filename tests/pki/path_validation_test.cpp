// Path validation under SET's rules: each refusal carries the SET ErrorCode that fits. Both suites.
#include <gtest/gtest.h>

#include <string>

#include "openset/crypto/signature.hpp"
#include "pki_fixture.hpp"

namespace openset::pki {
namespace {

using namespace openset::pki::testing;
namespace o = asn1::oid;

class PathValidation : public ::testing::TestWithParam<crypto::SuiteId> {
 protected:
  Hierarchy h{GetParam()};
  PathValidator validator{h.trust()};
  std::vector<Bytes> pool = h.intermediates();
  std::vector<Bytes> crls;
  std::optional<Bytes> bci;

  PathResult check(ByteView leaf, CertType as, der::Time when = kNow, std::optional<std::string> brand = std::nullopt) {
    ValidationRequest r;
    r.leaf = leaf;
    r.intermediates = pool;
    r.crls = crls;
    if (bci) r.brand_crl_identifier = ByteView(*bci);
    r.at = when;
    r.expected = as;
    r.brand = std::move(brand);
    return validator.validate(r);
  }
  void expect_refused(const PathResult& r, Failure f, asn1::ErrorCode code) {
    ASSERT_FALSE(r.ok()) << "accepted, expected " << to_string(f);
    EXPECT_EQ(r.failure().failure, f) << r.failure().error.to_string();
    EXPECT_EQ(r.failure().code, code);
    EXPECT_EQ(r.failure().error.code, errc(f));
    EXPECT_FALSE(r.status().ok());
  }
};

TEST_P(PathValidation, ValidChainsAreAccepted) {
  auto r = check(h.merchant_sig, CertType::kMerchantSignature, kNow, "Atlas");
  ASSERT_TRUE(r.ok()) << r.failure().error.to_string();
  EXPECT_EQ(r.path().suite, GetParam());
  EXPECT_EQ(r.path().leaf_key, key(GetParam(), "merchant-sig", false).public_key());
  EXPECT_TRUE(check(h.cardholder, CertType::kCardholder).ok());
}

TEST_P(PathValidation, ExpiredCertificateIsRefused) {
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature, at(2027, 1, 2)), Failure::kExpired,
                 asn1::ErrorCode::kExpiredCertificate);
}

TEST_P(PathValidation, NotYetValidCertificateIsRefused) {
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature, at(2025, 12, 31)), Failure::kNotYetValid,
                 asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, RevokedMerchantIsRefused) {
  auto m = must(asn1::decode<asn1::Certificate>(h.merchant_sig));
  ASSERT_TRUE(h.atlas_mca->revoke(m.to_be_signed.serial_number, at(2026, 1, 10)).ok());
  crls.push_back(must(h.atlas_mca->issue_crl(at(2026, 1, 15), at(2026, 3, 1))));
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kRevoked,
                 asn1::ErrorCode::kRevokedCertificate);
  // Before the revocation date the certificate was good.
  EXPECT_TRUE(check(h.merchant_kx, CertType::kMerchantKeyExchange).ok());
}

TEST_P(PathValidation, RevokedIntermediateCaIsRefused) {
  auto mca = must(asn1::decode<asn1::Certificate>(h.atlas_mca->certificate()));
  ASSERT_TRUE(h.atlas->revoke(mca.to_be_signed.serial_number, at(2026, 1, 10)).ok());
  crls.push_back(must(h.atlas->issue_crl(at(2026, 1, 15), at(2026, 3, 1))));
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kRevoked,
                 asn1::ErrorCode::kRevokedCertificate);
}

TEST_P(PathValidation, BrandCrlIdentifierRequiresTheCrlsItLists) {
  Bytes mca_crl = must(h.atlas_mca->issue_crl(at(2026, 1, 15), at(2026, 3, 1)));
  Bytes brand_crl = must(h.atlas->issue_crl(at(2026, 1, 15), at(2026, 3, 1)));
  bci = must(h.atlas->issue_brand_crl_identifier(1, at(2026, 1, 15), at(2026, 3, 1), {brand_crl, mca_crl}));
  crls = {brand_crl};
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kCrlUnavailable,
                 asn1::ErrorCode::kMissingCertificate);
  crls = {brand_crl, mca_crl};
  auto ok = check(h.merchant_sig, CertType::kMerchantSignature);
  EXPECT_TRUE(ok.ok()) << ok.failure().error.to_string();
  // A BCI of another brand is refused; so is a stale one.
  bci = must(h.meridian->issue_brand_crl_identifier(1, at(2026, 1, 15), at(2026, 3, 1), {}));
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kSignature,
                 asn1::ErrorCode::kSignatureFailure);
  bci = must(h.atlas->issue_brand_crl_identifier(1, at(2026, 1, 15), at(2026, 1, 20), {}));
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kCrlUnavailable,
                 asn1::ErrorCode::kMissingCertificate);
}

TEST_P(PathValidation, WrongBrandIsRefused) {
  expect_refused(check(h.meridian_merchant, CertType::kMerchantSignature, kNow, "Atlas"), Failure::kWrongBrand,
                 asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, CardholderCertificatePresentedAsMerchantsIsRefused) {
  expect_refused(check(h.cardholder, CertType::kMerchantSignature), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(h.merchant_sig, CertType::kGatewaySignature), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(h.atlas_mca->certificate(), CertType::kMerchantSignature), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, SignatureCertificateUsedForKeyExchangeIsRefused) {
  expect_refused(check(h.merchant_sig, CertType::kMerchantKeyExchange), Failure::kKeyUsage,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(h.gateway_kx, CertType::kGatewaySignature), Failure::kKeyUsage,
                 asn1::ErrorCode::kInvalidCertificate);
}

// CA key-exchange certificates (notes §5.2 caeThumb; §5.7 certificateType; §5.8 keyUsage): issued by
// the CA's parent, the CA's certificateType bit, keyEncipherment only, cA FALSE, end-entity key.
TEST_P(PathValidation, CaKeyExchangeCertificateIsAcceptedOnlyAsSuch) {
  auto kx_request = [&](CertType t, const char* unit, const char* cn, const char* keyname) {
    IssueRequest r;
    r.type = t;
    r.subject = set_name("Atlas", unit, cn);
    r.public_key = key(GetParam(), keyname, false).public_key();
    r.not_before = h.t0;
    return r;
  };
  // The CCA's parent is the geo-political CA; the MCA's and PCA's, the brand CA.
  Bytes cca_kx = must(h.atlas_geo->issue(
      kx_request(CertType::kCardholderCAKeyExchange, "CCA", "Atlas First Bank CCA", "atlas-cca-kx")));
  Bytes mca_kx =
      must(h.atlas->issue(kx_request(CertType::kMerchantCAKeyExchange, "MCA", "Atlas Acquirer MCA", "atlas-mca-kx")));
  Bytes pca_kx = must(
      h.atlas->issue(kx_request(CertType::kPaymentGatewayCAKeyExchange, "PCA", "Atlas Gateway PCA", "atlas-pca-kx")));

  auto ok = check(cca_kx, CertType::kCardholderCAKeyExchange, kNow, "Atlas");
  ASSERT_TRUE(ok.ok()) << ok.failure().error.to_string();
  EXPECT_EQ(ok.path().leaf_key.bits(), h.suite->ee_rsa_bits);  // end-entity size: RSA-1024 in set1
  EXPECT_TRUE(check(mca_kx, CertType::kMerchantCAKeyExchange, kNow, "Atlas").ok());
  EXPECT_TRUE(check(pca_kx, CertType::kPaymentGatewayCAKeyExchange, kNow, "Atlas").ok());

  // The profile: keyEncipherment only, no basicConstraints, the CA's certificateType bit.
  auto c = must(asn1::decode<asn1::Certificate>(cca_kx));
  auto mkx = must(asn1::decode<asn1::Certificate>(h.merchant_kx));  // keyEncipherment only
  const auto* want_ku = asn1::find_extension(mkx.to_be_signed.extensions, o::ce_key_usage());
  const auto* ku = asn1::find_extension(c.to_be_signed.extensions, o::ce_key_usage());
  ASSERT_TRUE(want_ku != nullptr && ku != nullptr);
  EXPECT_EQ(ku->extn_value, want_ku->extn_value);
  const auto* ct_ext = asn1::find_extension(c.to_be_signed.extensions, o::set_certificate_type());
  auto cca_cert = must(asn1::decode<asn1::Certificate>(h.atlas_cca->certificate()));
  const auto* cca_ct = asn1::find_extension(cca_cert.to_be_signed.extensions, o::set_certificate_type());
  ASSERT_TRUE(ct_ext != nullptr && cca_ct != nullptr);
  EXPECT_EQ(ct_ext->extn_value, cca_ct->extn_value);  // the cca bit, as the CCA's own certificate
  bool has_bc = false;
  for (const auto& e : c.to_be_signed.extensions) {
    EXPECT_EQ(e.critical, set_critical(e.extn_id)) << e.extn_id.to_string();
    if (e.extn_id == o::ce_basic_constraints()) has_bc = true;
  }
  EXPECT_FALSE(has_bc);

  // Refused elsewhere: as the CA's signing certificate (no keyCertSign), as another CA's
  // key-exchange certificate, as an end entity's key-exchange certificate.
  expect_refused(check(cca_kx, CertType::kCardholderCA), Failure::kKeyUsage, asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(mca_kx, CertType::kCardholderCAKeyExchange), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(mca_kx, CertType::kMerchantKeyExchange), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(pca_kx, CertType::kGatewayKeyExchange), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  // ... and the CA's signing certificate is not its key-exchange certificate (cA TRUE, no
  // keyEncipherment); nor is an end entity's key-exchange certificate.
  expect_refused(check(h.atlas_mca->certificate(), CertType::kMerchantCAKeyExchange), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(h.merchant_kx, CertType::kMerchantCAKeyExchange), Failure::kWrongType,
                 asn1::ErrorCode::kInvalidCertificate);
  expect_refused(check(cca_kx, CertType::kCardholderCAKeyExchange, kNow, "Meridian"), Failure::kWrongBrand,
                 asn1::ErrorCode::kInvalidCertificate);

  // Only the CA's parent issues it: not the CA itself, not the root, not a sibling end entity's CA.
  EXPECT_FALSE(h.atlas_cca->issue(kx_request(CertType::kCardholderCAKeyExchange, "CCA", "Atlas First Bank CCA",
                                             "atlas-cca-kx")).ok());
  EXPECT_FALSE(h.atlas_mca->issue(kx_request(CertType::kMerchantCAKeyExchange, "MCA", "Atlas Acquirer MCA",
                                             "atlas-mca-kx")).ok());
  // A CA-sized key is not required, an end-entity size is the minimum (RSA-1024 in set1).
  EXPECT_EQ(profile(CertType::kCardholderCAKeyExchange).key_bits(*h.suite), h.suite->ee_rsa_bits);
  EXPECT_EQ(key_exchange_type_of(CertType::kMerchantCA), CertType::kMerchantCAKeyExchange);
  EXPECT_FALSE(key_exchange_type_of(CertType::kMerchantSignature).has_value());
}

// A CA key-exchange certificate certifies nothing: a certificate naming it as issuer is refused.
TEST_P(PathValidation, CaKeyExchangeCertificateCannotActAsCa) {
  IssueRequest r;
  r.type = CertType::kMerchantCAKeyExchange;
  r.subject = set_name("Atlas", "MCA", "Atlas Acquirer MCA");
  r.public_key = key(GetParam(), "atlas-mca-kx", false).public_key();
  r.not_before = h.t0;
  Bytes mca_kx = must(h.atlas->issue(r));
  auto kx = must(asn1::decode<asn1::Certificate>(mca_kx));
  // The merchant certificate re-signed with the key-exchange key, naming that certificate.
  asn1::UnsignedCertificate tbs = must(asn1::decode<asn1::Certificate>(h.merchant_sig)).to_be_signed;
  tbs.issuer = kx.to_be_signed.subject;
  asn1::AuthorityKeyIdentifier aki;
  asn1::GeneralName gn;
  gn.value = kx.to_be_signed.issuer;
  aki.authority_cert_issuer = asn1::GeneralNames{gn};
  aki.authority_cert_serial_number = kx.to_be_signed.serial_number;
  for (auto& e : tbs.extensions)
    if (e.extn_id == o::ce_authority_key_identifier()) e.extn_value = asn1::encode(aki);
  Bytes tbs_der = asn1::encode(tbs);
  Bytes sig = must(crypto::sign(key(GetParam(), "atlas-mca-kx", false), h.suite->digest, tbs_der));
  asn1::Certificate forged{tbs, kx.algorithm, der::BitString{sig, 0}};
  pool = {h.atlas->certificate(), mca_kx};  // only the key-exchange certificate can be the issuer
  expect_refused(check(asn1::encode(forged), CertType::kMerchantSignature), Failure::kBasicConstraints,
                 asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, TamperedSignatureIsRefused) {
  Bytes bad = h.merchant_sig;
  bad[bad.size() - 5] ^= 0x01;
  expect_refused(check(bad, CertType::kMerchantSignature), Failure::kSignature, asn1::ErrorCode::kSignatureFailure);
  // A tampered intermediate: its signature fails before anything below it is believed.
  pool[4] = h.atlas_mca->certificate();
  pool[4][pool[4].size() - 3] ^= 0x80;
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kSignature,
                 asn1::ErrorCode::kSignatureFailure);
}

TEST_P(PathValidation, BrokenChainIsRefused) {
  pool = {h.atlas->certificate()};  // the MCA certificate is missing
  expect_refused(check(h.merchant_sig, CertType::kMerchantSignature), Failure::kMissingIssuer,
                 asn1::ErrorCode::kMissingCertificate);
  expect_refused(check(Bytes{0x30, 0x00}, CertType::kMerchantSignature), Failure::kDecoding,
                 asn1::ErrorCode::kDecodingFailure);
}

TEST_P(PathValidation, UntrustedRootIsRefused) {
  PathValidator stranger{TrustStore{}};
  ValidationRequest r;
  r.leaf = h.merchant_sig;
  r.intermediates = pool;
  r.at = kNow;
  r.expected = CertType::kMerchantSignature;
  pool.push_back(h.root->certificate());
  r.intermediates = pool;
  expect_refused(stranger.validate(r), Failure::kUntrustedRoot, asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, UnknownCriticalExtensionIsRefused) {
  IssueRequest req = h.ee(CertType::kMerchantSignature, "Atlas", "Odd Shop", "merchant-sig");
  const der::Oid private_oid = der::Oid::from_arcs({1, 3, 6, 1, 4, 1, 99999, 1});
  req.options.extra_extensions = {asn1::Extension{private_oid, true, Bytes{0x05, 0x00}}};
  Bytes odd = must(h.atlas_mca->issue(req));
  expect_refused(check(odd, CertType::kMerchantSignature), Failure::kUnknownCriticalExtension,
                 asn1::ErrorCode::kUnrecognizedExtension);
  req.options.extra_extensions[0].critical = false;  // the same, not critical: ignored
  Bytes fine = must(h.atlas_mca->issue(req));
  EXPECT_TRUE(check(fine, CertType::kMerchantSignature).ok());
}

TEST_P(PathValidation, EndEntityCannotActAsCa) {
  // A certificate signed by the merchant's key, naming the merchant certificate as its issuer.
  auto merchant = must(asn1::decode<asn1::Certificate>(h.merchant_sig));
  asn1::UnsignedCertificate tbs = must(asn1::decode<asn1::Certificate>(h.cardholder)).to_be_signed;
  tbs.issuer = merchant.to_be_signed.subject;
  asn1::AuthorityKeyIdentifier aki;
  asn1::GeneralName gn;
  gn.value = merchant.to_be_signed.issuer;
  aki.authority_cert_issuer = asn1::GeneralNames{gn};
  aki.authority_cert_serial_number = merchant.to_be_signed.serial_number;
  for (auto& e : tbs.extensions)
    if (e.extn_id == o::ce_authority_key_identifier()) e.extn_value = asn1::encode(aki);
  Bytes tbs_der = asn1::encode(tbs);
  Bytes sig = must(crypto::sign(key(GetParam(), "merchant-sig", false), h.suite->digest, tbs_der));
  asn1::Certificate forged{tbs, merchant.algorithm, der::BitString{sig, 0}};
  pool.push_back(h.merchant_sig);
  expect_refused(check(asn1::encode(forged), CertType::kCardholder), Failure::kBasicConstraints,
                 asn1::ErrorCode::kInvalidCertificate);
}

TEST_P(PathValidation, OtherSuiteIsRefusedByPolicy) {
  ValidationRequest r;
  r.leaf = h.merchant_sig;
  r.intermediates = pool;
  r.at = kNow;
  r.expected = CertType::kMerchantSignature;
  r.suites = crypto::SuitePolicy::only(GetParam() == crypto::SuiteId::kSet1 ? crypto::SuiteId::kModern
                                                                            : crypto::SuiteId::kSet1);
  expect_refused(validator.validate(r), Failure::kSuitePolicy, asn1::ErrorCode::kSignatureFailure);
}

TEST_P(PathValidation, RepeatedPeerCostsNoSignatureCheck) {
  crls.push_back(must(h.atlas_mca->issue_crl(at(2026, 1, 15), at(2026, 3, 1))));
  ASSERT_TRUE(check(h.merchant_sig, CertType::kMerchantSignature).ok());
  const auto first = validator.signature_verifications();
  EXPECT_EQ(first, 5u);  // root (self), brand, MCA, merchant, and the MCA's CRL
  ASSERT_TRUE(check(h.merchant_sig, CertType::kMerchantSignature).ok());
  EXPECT_EQ(validator.signature_verifications(), first);  // all from the cache
  // A new peer under the same CAs costs one verification: its own.
  ASSERT_TRUE(check(h.merchant_kx, CertType::kMerchantKeyExchange).ok());
  EXPECT_EQ(validator.signature_verifications(), first + 1);
  // The cache does not excuse a time check.
  EXPECT_FALSE(check(h.merchant_sig, CertType::kMerchantSignature, at(2027, 6, 1)).ok());
  validator.clear_cache();
  ASSERT_TRUE(check(h.merchant_sig, CertType::kMerchantSignature).ok());
  EXPECT_EQ(validator.signature_verifications(), 2 * first + 1);
}

INSTANTIATE_TEST_SUITE_P(Suites, PathValidation,
                         ::testing::Values(crypto::SuiteId::kSet1, crypto::SuiteId::kModern),
                         [](const auto& i) { return std::string(crypto::to_string(i.param)); });

}  // namespace
}  // namespace openset::pki
