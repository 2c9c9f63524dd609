// The pki layer's issuing side: the profile table, the hierarchy with two brands, the
// cardholder's hashed account number, CRLs and their rebuild, the BrandCRLIdentifier,
// thumbprints and root key roll-over. Every test runs in both suites.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "openset/crypto/digest.hpp"
#include "openset/crypto/signature.hpp"
#include "openset/test/tools.hpp"
#include "pki_fixture.hpp"

#include "openset/asn1/printer.hpp"

namespace openset::pki {
namespace {

using namespace openset::pki::testing;
namespace o = asn1::oid;

class Pki : public ::testing::TestWithParam<crypto::SuiteId> {
 protected:
  Hierarchy h{GetParam()};
  PathValidator validator{h.trust()};

  PathResult check(ByteView leaf, CertType as, std::optional<std::string> brand = std::nullopt) {
    auto pool = h.intermediates();
    ValidationRequest r;
    r.leaf = leaf;
    r.intermediates = pool;
    r.at = kNow;
    r.expected = as;
    r.brand = std::move(brand);
    return validator.validate(r);
  }
};

TEST_P(Pki, HierarchyHasTwoBrandsEachWithItsOwnSubtree) {
  auto a = check(h.merchant_sig, CertType::kMerchantSignature, "Atlas");
  ASSERT_TRUE(a.ok()) << a.failure().error.to_string();
  EXPECT_EQ(a.path().brand, "Atlas");
  EXPECT_EQ(a.path().chain.size(), 4u);  // merchant, MCA, brand, root
  auto m = check(h.meridian_merchant, CertType::kMerchantSignature, "Meridian");
  ASSERT_TRUE(m.ok()) << m.failure().error.to_string();
  EXPECT_EQ(m.path().brand, "Meridian");
  auto c = check(h.cardholder, CertType::kCardholder, "Atlas");
  ASSERT_TRUE(c.ok()) << c.failure().error.to_string();
  EXPECT_EQ(c.path().chain.size(), 5u);  // cardholder, CCA, geo-political, brand, root
  for (const auto* ee : {&h.merchant_kx, &h.gateway_sig, &h.gateway_kx}) EXPECT_FALSE(ee->empty());
  EXPECT_TRUE(check(h.gateway_kx, CertType::kGatewayKeyExchange, "Atlas").ok());
  EXPECT_TRUE(check(h.gateway_sig, CertType::kGatewaySignature, "Atlas").ok());
  EXPECT_TRUE(check(h.merchant_kx, CertType::kMerchantKeyExchange, "Atlas").ok());
}

TEST_P(Pki, CardholderCertificateCarriesNoPan) {
  auto cert = must(asn1::decode<asn1::Certificate>(h.cardholder));
  std::string cn = cert.to_be_signed.subject.get(asn1::NameAttr::kCN).value_or("");
  EXPECT_EQ(cn.size(), 2 * crypto::digest_size(h.suite->digest));
  EXPECT_TRUE(std::all_of(cn.begin(), cn.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }));
  // Neither the PAN's digits nor its BCD form occur anywhere in the certificate.
  EXPECT_FALSE(test::contains(h.cardholder, as_bytes(kPan)));
  EXPECT_FALSE(test::contains(h.cardholder, test::bcd(kPan)));
  EXPECT_FALSE(test::contains(h.cardholder, as_bytes("411111111111")));
  // Reconstruction: PANSecret = CardSecret xor NonceCCA; ID = HMAC(PANSecret, DER(HMACPanData)).
  SecretBytes ps = must(pan_secret(h.card_secret, h.nonce_cca));
  EXPECT_EQ(ps.expose(), Bytes(20, 0x33));
  EXPECT_EQ(must(unique_cardholder_id(*h.suite, kPan, kExpiry, ps)), cn);
  asn1::HMACPanData hpd{kPan, kExpiry};
  Bytes mac = must(crypto::hmac(h.suite->digest, ps.view(), asn1::encode(hpd)));
  std::string expect = to_hex(mac);
  std::transform(expect.begin(), expect.end(), expect.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  EXPECT_EQ(cn, expect);
  // A different NonceCCA (or expiry) gives a different ID.
  SecretBytes other = must(pan_secret(h.card_secret, Bytes(20, 0x44)));
  EXPECT_NE(must(unique_cardholder_id(*h.suite, kPan, kExpiry, other)), cn);
  EXPECT_NE(must(unique_cardholder_id(*h.suite, kPan, "202901", ps)), cn);
  EXPECT_FALSE(pan_secret(h.card_secret, Bytes(19, 0)).ok());
}

TEST_P(Pki, OpensetDecodeNamesCertificatesAndTheirSetExtensions) {
  // `openset decode` recognises an issued SET certificate and names its SET extensions.
  auto text = asn1::print_text(h.merchant_sig);
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  EXPECT_NE(text->find("Certificate"), std::string::npos) << *text;
  EXPECT_NE(text->find("extnID"), std::string::npos) << *text;
  EXPECT_NE(text->find("2.23.42.7.1"), std::string::npos) << *text;  // id-set-certificateType
  auto crl = asn1::print_text(must(h.atlas_mca->issue_crl(kNow, at(2026, 3, 1))));
  ASSERT_TRUE(crl.ok()) << crl.error().to_string();
  EXPECT_NE(crl->find("CRL"), std::string::npos) << *crl;
}

TEST_P(Pki, CardholderValidityNeverExceedsTheCardExpiry) {
  IssueRequest req = h.ee(CertType::kCardholder, "Atlas", "0123ABCD", "cardholder");
  req.subject = set_name("Atlas", "Atlas First Bank", "0123ABCD");
  req.card_expiry = "202703";  // before the profile's 1095 days run out
  auto cert = must(asn1::decode<asn1::Certificate>(must(h.atlas_cca->issue(req))));
  EXPECT_EQ(cert.to_be_signed.validity.not_after.to_iso8601(), "2027-03-31T23:59:59Z");
  EXPECT_EQ(must(card_expiry_end("202812")).to_iso8601(), "2028-12-31T23:59:59Z");
  EXPECT_EQ(must(card_expiry_end("202702")).to_iso8601(), "2027-02-28T23:59:59Z");
  EXPECT_FALSE(card_expiry_end("202713").ok());
}

TEST_P(Pki, EveryExtensionHasSetsCriticalityAndTheProfilesContent) {
  struct Item {
    const Bytes* der;
    CertType type;
  };
  std::vector<Item> items = {{&h.root->certificate(), CertType::kRoot},
                             {&h.atlas->certificate(), CertType::kBrand},
                             {&h.atlas_geo->certificate(), CertType::kGeoPolitical},
                             {&h.atlas_cca->certificate(), CertType::kCardholderCA},
                             {&h.atlas_mca->certificate(), CertType::kMerchantCA},
                             {&h.atlas_pca->certificate(), CertType::kPaymentGatewayCA},
                             {&h.cardholder, CertType::kCardholder},
                             {&h.merchant_sig, CertType::kMerchantSignature},
                             {&h.merchant_kx, CertType::kMerchantKeyExchange},
                             {&h.gateway_sig, CertType::kGatewaySignature},
                             {&h.gateway_kx, CertType::kGatewayKeyExchange}};
  for (const auto& it : items) {
    SCOPED_TRACE(std::string(to_string(it.type)));
    const Profile& p = profile(it.type);
    auto cert = must(asn1::decode<asn1::Certificate>(*it.der));
    EXPECT_EQ(asn1::encode(cert), *it.der);  // our encoder, byte for byte
    const auto& exts = cert.to_be_signed.extensions;
    for (const auto& e : exts) EXPECT_EQ(e.critical, set_critical(e.extn_id)) << e.extn_id.to_string();
    auto ku = must(asn1::decode_value(asn1::spec::KeyUsage(), asn1::find_extension(exts, o::ce_key_usage())->extn_value));
    for (std::size_t b = 0; b < 7; ++b) EXPECT_EQ(ku.bit_length() > b && ku.bit(b), (p.key_usage & bit(b)) != 0) << b;
    auto ct = must(asn1::decode_value(asn1::spec::CertificateTypeSyntax(),
                                      asn1::find_extension(exts, o::set_certificate_type())->extn_value));
    EXPECT_EQ(ct, der::BitString::from_named_bits({p.entity}));
    EXPECT_EQ(asn1::find_extension(exts, o::ce_basic_constraints()) != nullptr, p.ca);
    EXPECT_EQ(asn1::find_extension(exts, o::set_hashed_root_key()) != nullptr, p.hashed_root_key);
    EXPECT_EQ(asn1::find_extension(exts, o::ce_authority_key_identifier()) != nullptr, it.type != CertType::kRoot);
    EXPECT_EQ(asn1::find_extension(exts, o::set_merchant_data()) != nullptr, p.merchant_data);
    EXPECT_EQ(asn1::find_extension(exts, o::set_card_cert_required()) != nullptr, p.card_cert_required);
    EXPECT_NE(asn1::find_extension(exts, o::ce_certificate_policies()), nullptr);
    auto key = must(crypto::PublicKey::from_spki_der(asn1::encode(cert.to_be_signed.subject_public_key_info)));
    EXPECT_EQ(key.bits(), p.key_bits(*h.suite));
  }
}

TEST_P(Pki, CaRefusesToIssueOutsideItsProfile) {
  auto s = GetParam();
  // An MCA does not issue cardholder certificates.
  IssueRequest ch = h.ee(CertType::kCardholder, "Atlas", "ABCDEF", "cardholder");
  auto r1 = h.atlas_mca->issue(ch);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, Errc::kPolicy);
  // An Atlas CA does not certify a Meridian subject.
  auto r2 = h.atlas_mca->issue(h.ee(CertType::kMerchantSignature, "Meridian", "Harbour Books", "merchant-sig"));
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("brand"), std::string::npos);
  // A cardholder subject that would carry the PAN.
  IssueRequest pan = h.ee(CertType::kCardholder, "Atlas", kPan, "cardholder");
  auto r3 = h.atlas_cca->issue(pan);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.error().message.find("account number"), std::string::npos);
  // The unique cardholder ID (the hashed account number in hex) may run many decimal digits in a
  // row: it is no PAN (this refused about one cardholder registration in 25 before).
  IssueRequest hashed = h.ee(CertType::kCardholder, "Atlas", "98765432109876543210ABCDEF0123456789ABCD", "cardholder");
  auto r3b = h.atlas_cca->issue(hashed);
  EXPECT_TRUE(r3b.ok()) << (r3b.ok() ? "" : r3b.error().message);
  // A CA key below the suite's CA size.
  auto small = test::make_party_with_bits(s, "pki-small", 1024).key;
  auto r4 = h.atlas_geo->create_subordinate(CertType::kCardholderCA, small, set_name("Atlas", "CCA", "Small"), kT0);
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.error().code, Errc::kPolicy);
  // A merchant signature certificate without merchantData.
  IssueRequest md = h.ee(CertType::kMerchantSignature, "Atlas", "Corner Shop", "merchant-sig");
  md.merchant_data.reset();
  EXPECT_FALSE(h.atlas_mca->issue(md).ok());
  // After the CA's private key usage period (365 days for a CCA).
  IssueRequest late = ch;
  late.subject = set_name("Atlas", "Atlas First Bank", "ABCDEF");
  late.not_before = add_days(kT0, 400);
  EXPECT_FALSE(h.atlas_cca->issue(late).ok());
}

TEST_P(Pki, CrlCanBeRebuiltFromTheRecord) {
  auto& mca = *h.atlas_mca;
  auto merchant = must(asn1::decode<asn1::Certificate>(h.merchant_sig));
  ASSERT_TRUE(mca.revoke(merchant.to_be_signed.serial_number, at(2026, 1, 10)).ok());
  Bytes crl1 = must(mca.issue_crl(at(2026, 1, 15), at(2026, 3, 1)));
  auto kx = must(asn1::decode<asn1::Certificate>(h.merchant_kx));
  ASSERT_TRUE(mca.revoke(kx.to_be_signed.serial_number, at(2026, 1, 20)).ok());
  Bytes crl2 = must(mca.issue_crl(at(2026, 1, 25), at(2026, 3, 1)));
  EXPECT_EQ(must(mca.rebuild_crl(1)), crl1);
  EXPECT_EQ(must(mca.rebuild_crl(2)), crl2);
  EXPECT_FALSE(mca.rebuild_crl(3).ok());
  auto c1 = must(asn1::decode<asn1::CRL>(crl1));
  auto c2 = must(asn1::decode<asn1::CRL>(crl2));
  ASSERT_TRUE(c1.to_be_signed.revoked_certificates.has_value());
  EXPECT_EQ(c1.to_be_signed.revoked_certificates->size(), 1u);
  EXPECT_EQ(c2.to_be_signed.revoked_certificates->size(), 2u);
  EXPECT_EQ(c1.to_be_signed.issuer, mca.name());
  EXPECT_EQ(must(crl_identifier(crl2)).crl_number, 2);
  EXPECT_EQ(asn1::encode(c2), crl2);
  // The CRL's signature is the MCA's.
  auto parts = must(asn1::split_signed(crl2));
  EXPECT_TRUE(crypto::verify(mca.public_key(), h.suite->digest, parts.to_be_signed, parts.signature).ok());
  EXPECT_FALSE(mca.revoke(Bytes{0x7f, 0x7f}, kNow).ok());
}

TEST_P(Pki, RestoredCaContinuesWhereTheStoredOneStopped) {
  auto& mca = *h.atlas_mca;
  auto merchant = must(asn1::decode<asn1::Certificate>(h.merchant_sig));
  ASSERT_TRUE(mca.revoke(merchant.to_be_signed.serial_number, at(2026, 1, 10)).ok());
  Bytes crl1 = must(mca.issue_crl(at(2026, 1, 15), at(2026, 3, 1)));

  // What a store keeps: the key, the CA's own certificate, the type and the records.
  crypto::PrivateKey mca_key = key(GetParam(), "atlas-mca", true);
  auto restored = CertificateAuthority::restore(mca.suite(), mca_key, mca.certificate(), mca.type(),
                                                mca.issued(), mca.crls());
  ASSERT_TRUE(restored.ok()) << restored.error().to_string();
  EXPECT_EQ(must(restored->rebuild_crl(1)), crl1);
  EXPECT_EQ(restored->name(), mca.name());
  // The next serial follows the highest one issued, and the new certificate validates.
  IssueRequest req;
  req.type = CertType::kMerchantKeyExchange;
  req.subject = merchant.to_be_signed.subject;
  req.public_key = key(GetParam(), "merchant-restored", false).public_key();
  req.not_before = kT0;
  Bytes fresh = must(restored->issue(req));
  auto fresh_cert = must(asn1::decode<asn1::Certificate>(fresh));
  for (const auto& c : mca.issued()) EXPECT_NE(c.serial, fresh_cert.to_be_signed.serial_number);
  EXPECT_TRUE(check(fresh, CertType::kMerchantKeyExchange).ok());

  // A key that is not the certified one is refused.
  auto wrong = CertificateAuthority::restore(mca.suite(), key(GetParam(), "atlas-pca", true),
                                             mca.certificate(), mca.type(), mca.issued(), mca.crls());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kInvalidArgument);
}

TEST_P(Pki, BrandCrlIdentifierListsTheBrandsCrls) {
  Bytes mca_crl = must(h.atlas_mca->issue_crl(at(2026, 1, 15), at(2026, 3, 1)));
  Bytes brand_crl = must(h.atlas->issue_crl(at(2026, 1, 15), at(2026, 3, 1)));
  Bytes bci = must(h.atlas->issue_brand_crl_identifier(7, at(2026, 1, 15), at(2026, 3, 1), {brand_crl, mca_crl}));
  auto decoded = must(asn1::decode<asn1::BrandCRLIdentifier>(bci));
  EXPECT_EQ(decoded.to_be_signed.brand_id.text(), "Atlas");
  EXPECT_EQ(decoded.to_be_signed.sequence_num, 7);
  ASSERT_TRUE(decoded.to_be_signed.crl_identifier_seq.has_value());
  ASSERT_EQ(decoded.to_be_signed.crl_identifier_seq->size(), 2u);
  EXPECT_EQ((*decoded.to_be_signed.crl_identifier_seq)[1].issuer_name, h.atlas_mca->name());
  EXPECT_EQ((*decoded.to_be_signed.crl_identifier_seq)[1].crl_number, 1);
  // Only a brand CA signs one.
  EXPECT_FALSE(h.atlas_mca->issue_brand_crl_identifier(1, kT0, kNow, {}).ok());
  // Decodable from the bytes a message carries as spec::BrandCRLIdentifier() (an open type).
  asn1::spec::Any open = asn1::spec::BrandCRLIdentifier();
  der::Reader r(bci);
  Bytes raw;
  ASSERT_TRUE(open.decode(r, raw).ok());
  EXPECT_TRUE(asn1::decode<asn1::BrandCRLIdentifier>(raw).ok());
}

TEST_P(Pki, ThumbsLetAPartySendOnlyWhatThePeerLacks) {
  std::vector<Bytes> peer_has = {h.root->certificate(), h.atlas->certificate()};
  auto thumbs = must(make_thumbs(*h.suite, peer_has, {}, {}));
  ASSERT_TRUE(thumbs.cert_thumbs.has_value());
  EXPECT_FALSE(thumbs.crl_thumbs.has_value());
  EXPECT_EQ(thumbs.cert_thumbs->at(0).size(), crypto::digest_size(h.suite->digest));
  std::vector<Bytes> chain = {h.merchant_sig, h.atlas_mca->certificate(), h.atlas->certificate(), h.root->certificate()};
  auto send = must(not_held(thumbs.digest_algorithm, *thumbs.cert_thumbs, chain));
  ASSERT_EQ(send.size(), 2u);
  EXPECT_EQ(send[0], h.merchant_sig);
  EXPECT_EQ(send[1], h.atlas_mca->certificate());
  // The thumbprint is the digest of the UnsignedCertificate as received, i.e. what was signed.
  auto parts = must(asn1::split_signed(h.root->certificate()));
  EXPECT_EQ(must(thumbprint(h.suite->digest, h.root->certificate())), must(crypto::digest(h.suite->digest, parts.to_be_signed)));
  auto ct = must(cert_thumb(*h.suite, h.root->certificate()));
  EXPECT_EQ(ct.thumbprint, thumbs.cert_thumbs->at(0));
}

TEST_P(Pki, RootKeyRollOverAcceptsOnlyTheCommittedKey) {
  auto s = GetParam();
  // The next root: key #2 (committed by root #1), committing to key #3.
  auto root2 = must(CertificateAuthority::create_root(*h.suite, key(s, "root2", true), key(s, "root3", true).public_key(),
                                                      set_name("OpenSET Root", "SET Root", "OpenSET Root CA 2"),
                                                      at(2026, 1, 20)));
  // A root with any other key is refused.
  auto rogue = must(CertificateAuthority::create_root(*h.suite, key(s, "atlas", true), key(s, "root3", true).public_key(),
                                                      set_name("OpenSET Root", "SET Root", "OpenSET Root CA 2"),
                                                      at(2026, 1, 20)));
  TrustStore trust = h.trust();
  auto refused = trust.roll_over(rogue.certificate());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kSignature);
  // A chain under the new root validates for a party that only trusts the old one.
  auto brand2 = must(root2.create_subordinate(CertType::kBrand, key(s, "atlas", true),
                                              set_name("Atlas", "Brand CA", "Atlas Brand CA 2"), at(2026, 1, 20)));
  auto mca2 = must(brand2.create_subordinate(CertType::kMerchantCA, key(s, "atlas-mca", true),
                                             set_name("Atlas", "MCA", "Atlas Acquirer MCA 2"), at(2026, 1, 20)));
  IssueRequest req = h.ee(CertType::kMerchantSignature, "Atlas", "Corner Shop", "merchant-sig");
  req.not_before = at(2026, 1, 20);
  Bytes merchant2 = must(mca2.issue(req));
  std::vector<Bytes> pool = {brand2.certificate(), mca2.certificate(), root2.certificate()};
  PathValidator v(h.trust());
  ValidationRequest r;
  r.leaf = merchant2;
  r.intermediates = pool;
  r.at = kNow;
  r.expected = CertType::kMerchantSignature;
  auto ok = v.validate(r);
  ASSERT_TRUE(ok.ok()) << ok.failure().error.to_string();
  // And explicitly: the new root joins the trust store; then root #3 would be next.
  ASSERT_TRUE(trust.roll_over(root2.certificate()).ok());
  EXPECT_TRUE(trust.trusts(root2.certificate()));
  EXPECT_TRUE(trust.committed(key(s, "root3", true).public_key().spki_der()));
  // Replace root2 by the rogue root in the pool: refused as untrusted.
  std::vector<Bytes> rogue_pool = {rogue.certificate()};
  auto rogue_brand = must(rogue.create_subordinate(CertType::kBrand, key(s, "meridian", true),
                                                   set_name("Atlas", "Brand CA", "Atlas Brand CA 2"), at(2026, 1, 20)));
  r.leaf = rogue_brand.certificate();
  r.intermediates = rogue_pool;
  r.expected = CertType::kBrand;
  auto bad = v.validate(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.failure().failure, Failure::kUntrustedRoot);
}

INSTANTIATE_TEST_SUITE_P(Suites, Pki, ::testing::Values(crypto::SuiteId::kSet1, crypto::SuiteId::kModern),
                         [](const auto& i) { return std::string(crypto::to_string(i.param)); });

}  // namespace
}  // namespace openset::pki
