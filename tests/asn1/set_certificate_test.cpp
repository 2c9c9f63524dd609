// SET certificate profile types (SetCertificate, SetCertificateExtensions, SetCRL, SetAttribute
// Name, SetMessage BrandCRLIdentifier): pinned encodings written by hand from set-1.asn1 and
// X.690 before the encoder ran, round trips, and refusals.
#include <gtest/gtest.h>

#include <string>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_certificate.hpp"

namespace openset::asn1 {
namespace {

Bytes hex(std::string_view h) { return from_hex(h).value(); }

der::Time t(int y, int mo, int d) {
  der::Time x;
  x.year = y;
  x.month = mo;
  x.day = d;
  return x;
}

AlgorithmIdentifier sha1_rsa() {
  return AlgorithmIdentifier{oid::sha1_with_rsa(), hex("0500")};
}

// ---------------------------------------------------------------------------------------------
// Pinned encodings

// KeyUsage { keyCertSign, cRLSign }: bits 5 and 6 -> 0000 0110, trailing zero bit dropped.
//   03 02 01 06
// KeyUsage { digitalSignature }: 03 02 07 80
TEST(SetCertificatePinned, KeyUsage) {
  EXPECT_EQ(to_hex(encode_value(spec::KeyUsage(), der::BitString::from_named_bits({kKeyCertSign, kCRLSign}))),
            "03020106");
  EXPECT_EQ(to_hex(encode_value(spec::KeyUsage(), der::BitString::from_named_bits({kDigitalSignature}))),
            "03020780");
  auto back = decode_value(spec::KeyUsage(), hex("03020106"));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->bit(kKeyCertSign));
  EXPECT_TRUE(back->bit(kCRLSign));
  EXPECT_FALSE(back->bit(kDigitalSignature));
}

// CertificateTypeSyntax { rca }: bit 8 -> 00 80, 7 unused bits: 03 03 07 00 80
// CertificateTypeSyntax { mer }: bit 1 -> 40, 6 unused bits:    03 02 06 40
TEST(SetCertificatePinned, CertificateType) {
  EXPECT_EQ(to_hex(encode_value(spec::CertificateTypeSyntax(), der::BitString::from_named_bits({kRca}))),
            "0303070080");
  EXPECT_EQ(to_hex(encode_value(spec::CertificateTypeSyntax(), der::BitString::from_named_bits({kMer}))),
            "03020640");
}

// BasicConstraintsSyntax { cA TRUE, pathLenConstraint 0 }: 30 06 01 01 ff 02 01 00
// BasicConstraintsSyntax { cA FALSE } (DEFAULT, omitted):    30 00
TEST(SetCertificatePinned, BasicConstraints) {
  BasicConstraintsSyntax ca{true, 0};
  EXPECT_EQ(to_hex(encode(ca)), "30060101ff020100");
  EXPECT_EQ(to_hex(encode(BasicConstraintsSyntax{})), "3000");
  auto back = decode<BasicConstraintsSyntax>(hex("30060101ff020100"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, ca);
}

// Name { C=US, O=Atlas }
//   30 1d                                   RDNSequence
//      31 0b 30 09 06 03 550406 13 02 5553  { countryName PrintableString "US" }
//      31 0e 30 0c 06 03 55040a 13 05 41746c6173   { organizationName printableString "Atlas" }
TEST(SetCertificatePinned, Name) {
  Name n = Name::make({{NameAttr::kC, "US"}, {NameAttr::kO, "Atlas"}});
  const char* kHex = "301d310b3009060355040613025553310e300c060355040a130541746c6173";
  EXPECT_EQ(to_hex(encode(n)), kHex);
  auto back = decode<Name>(hex(kHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, n);
  EXPECT_EQ(back->get(NameAttr::kO).value_or(""), "Atlas");
  EXPECT_EQ(back->to_string(), "C=US, O=Atlas");
}

// AuthorityKeyIdentifier (IMPLICIT module) { authorityCertIssuer { directoryName C=US },
//                                            authorityCertSerialNumber 1 }
//   30 16
//      a1 11                                [1] IMPLICIT GeneralNames
//         a4 0f                             [4] EXPLICIT Name
//            30 0d 31 0b 30 09 06 03 550406 13 02 5553
//      82 01 01                             [2] IMPLICIT CertificateSerialNumber 1
TEST(SetCertificatePinned, AuthorityKeyIdentifier) {
  AuthorityKeyIdentifier aki;
  GeneralName gn;
  gn.value = Name::make({{NameAttr::kC, "US"}});
  aki.authority_cert_issuer = GeneralNames{gn};
  aki.authority_cert_serial_number = Bytes{0x01};
  const char* kHex = "3016a111a40f300d310b3009060355040613025553820101";
  EXPECT_EQ(to_hex(encode(aki)), kHex);
  auto back = decode<AuthorityKeyIdentifier>(hex(kHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, aki);
  EXPECT_TRUE(back->check_set_constraint().ok());
  aki.key_identifier = Bytes{1, 2, 3};
  EXPECT_EQ(aki.check_set_constraint().error().code, Errc::kConstraint);
}

// hashedRootKey value: the byte template cryptlib uses for SET (notes §5.10)
//   30 2f 30 2d 02 01 00 30 09 06 05 2b0e03021a 05 00 30 07 06 05 672a030000 04 14 <sha1>
TEST(SetCertificatePinned, HashedRootKeyMatchesCryptlibTemplate) {
  RootKeyThumb thumb;
  thumb.root_key_thumbprint.digest_algorithm = AlgorithmIdentifier{oid::sha1(), hex("0500")};
  thumb.root_key_thumbprint.content_info.content_type = oid::set_root_key_thumb();
  thumb.root_key_thumbprint.digest = Bytes(20, 0xAB);
  std::string digest;
  for (int i = 0; i < 20; ++i) digest += "ab";
  EXPECT_EQ(to_hex(encode(thumb)), "302f302d020100300906052b0e03021a0500300706056" "72a0300000414" + digest);
}

// PrivateKeyUsagePeriod { notAfter [1] IMPLICIT GeneralizedTime "20300101000000Z" }
//   30 11 81 0f 3230333030313031303030303030 5a
TEST(SetCertificatePinned, PrivateKeyUsagePeriod) {
  PrivateKeyUsagePeriod p;
  p.not_after = t(2030, 1, 1);
  EXPECT_EQ(to_hex(encode(p)), "3011810f32303330303130313030303030305a");
}

// CRLIdentifier { issuerName C=US, crlNumber 7 }: 30 12 <Name 15 octets> 02 01 07
TEST(SetCertificatePinned, CRLIdentifier) {
  CRLIdentifier id{Name::make({{NameAttr::kC, "US"}}), 7};
  EXPECT_EQ(to_hex(encode(id)), "3012300d310b3009060355040613025553020107");
}

// ---------------------------------------------------------------------------------------------
// Round trips

UnsignedCertificate sample_tbs() {
  UnsignedCertificate c;
  c.serial_number = {0x01, 0x02};
  c.signature = sha1_rsa();
  c.issuer = Name::make({{NameAttr::kC, "US"}, {NameAttr::kO, "OpenSET Root"}, {NameAttr::kCN, "Root CA"}});
  c.validity = Validity{t(2026, 1, 1), t(2030, 1, 1)};
  c.subject = Name::make({{NameAttr::kC, "US"}, {NameAttr::kO, "Atlas"}, {NameAttr::kOU, "Brand CA"},
                          {NameAttr::kCN, "Atlas Brand CA"}});
  c.subject_public_key_info.algorithm = AlgorithmIdentifier{oid::rsa_encryption(), hex("0500")};
  c.subject_public_key_info.subject_public_key.bytes = hex("3006020101020103");
  c.extensions.push_back(Extension{oid::ce_key_usage(), true, hex("03020106")});
  c.extensions.push_back(Extension{oid::set_certificate_type(), true, hex("03020780")});
  return c;
}

TEST(SetCertificate, CertificateRoundTrip) {
  Certificate cert;
  cert.to_be_signed = sample_tbs();
  cert.algorithm = sha1_rsa();
  cert.signature.bytes = Bytes(16, 0x5A);
  Bytes der = encode(cert);
  auto back = decode<Certificate>(der);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, cert);
  EXPECT_EQ(encode(*back), der);
  // version [0] EXPLICIT INTEGER 2 right after the TBS header
  auto parts = split_signed(der);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(to_hex(parts->to_be_signed).find("a003020102"), 6u);  // 30 81 xx, then version
  EXPECT_EQ(Bytes(parts->to_be_signed.begin(), parts->to_be_signed.end()), encode(cert.to_be_signed));
  EXPECT_EQ(Bytes(parts->signature.begin(), parts->signature.end()), Bytes(16, 0x5A));
}

TEST(SetCertificate, ExtensionSyntaxesRoundTrip) {
  MerchantDataSyntax md;
  md.mer_id = "MER-0001";
  md.mer_acquirer_bin = "400001";
  MerNames names;
  names.language = "en";
  names.name = "Corner Shop";
  names.city = "Springfield";
  names.country_name = "USA";
  md.mer_name_seq.push_back(names);
  md.mer_country = 840;
  auto md2 = decode<MerchantDataSyntax>(encode(md));
  ASSERT_TRUE(md2.ok()) << md2.error().to_string();
  EXPECT_EQ(*md2, md);

  TunnelingSyntax tun;
  tun.tunnel_alg_ids = {oid::des_cbc()};
  EXPECT_EQ(to_hex(encode(tun)), "3009300706052b0e030207");  // tunneling TRUE is the DEFAULT
  auto tun2 = decode<TunnelingSyntax>(encode(tun));
  ASSERT_TRUE(tun2.ok());
  EXPECT_EQ(*tun2, tun);

  PolicyInformation pi;
  pi.policy_identifier = oid::set_policy_root();
  SetPolicyQualifier q;
  q.root_qualifier.terse_statement = SETQualifier::TerseStatement("OpenSET test root policy");
  q.root_qualifier.policy_url = "https://openset.invalid/policy";
  pi.policy_qualifiers = std::vector<PolicyQualifierInfo>{{oid::set_set_qualifier(), encode(q)}};
  Bytes pol = encode_value(spec::CertificatePoliciesSyntax(), {pi});
  auto pol2 = decode_value(spec::CertificatePoliciesSyntax(), pol);
  ASSERT_TRUE(pol2.ok()) << pol2.error().to_string();
  ASSERT_EQ(pol2->size(), 1u);
  auto q2 = decode<SetPolicyQualifier>(*(*pol2)[0].policy_qualifiers->at(0).qualifier);
  ASSERT_TRUE(q2.ok()) << q2.error().to_string();
  EXPECT_EQ(q2->root_qualifier.policy_url.value_or(""), "https://openset.invalid/policy");

  GeneralNames gns;
  GeneralName uri;
  uri.value.emplace<1>("https://atlas.invalid/");
  GeneralName rid;
  rid.value.emplace<2>(oid::set_policy_root());
  gns = {uri, rid};
  auto gns2 = decode_value(spec::GeneralNames(), encode_value(spec::GeneralNames(), gns));
  ASSERT_TRUE(gns2.ok()) << gns2.error().to_string();
  EXPECT_EQ(*gns2, gns);

  auto ext = decode_value(spec::SETExtensionsSyntax(), encode_value(spec::SETExtensionsSyntax(), {oid::set_tunneling()}));
  ASSERT_TRUE(ext.ok());
  EXPECT_EQ(ext->at(0), oid::set_tunneling());
  EXPECT_EQ(to_hex(encode_value(spec::CRLNumber(), 5)), "020105");
  EXPECT_EQ(to_hex(encode_value(spec::CardCertRequired(), true)), "0101ff");
}

TEST(SetCertificate, CrlAndBrandCrlIdentifierRoundTrip) {
  CRL crl;
  crl.to_be_signed.signature = sha1_rsa();
  crl.to_be_signed.issuer = Name::make({{NameAttr::kC, "US"}, {NameAttr::kCN, "Atlas CCA"}});
  crl.to_be_signed.this_update = t(2026, 2, 1);
  crl.to_be_signed.next_update = t(2026, 3, 1);
  crl.to_be_signed.revoked_certificates = std::vector<CRLEntry>{{Bytes{0x05}, t(2026, 1, 15), std::nullopt}};
  crl.to_be_signed.crl_extensions = Extensions{Extension{oid::ce_crl_number(), false, hex("020101")}};
  crl.algorithm = sha1_rsa();
  crl.signature.bytes = Bytes(8, 1);
  Bytes der = encode(crl);
  auto back = decode<CRL>(der);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, crl);
  // crlExtensions is [0] EXPLICIT (SetCRL is EXPLICIT TAGS): a0 <len> 30 ...
  EXPECT_NE(to_hex(der).find("a00e300c300a0603551d14040302" "0101"), std::string::npos);

  BrandCRLIdentifier bci;
  bci.to_be_signed.sequence_num = 3;
  bci.to_be_signed.brand_id = "Atlas";
  bci.to_be_signed.not_before = t(2026, 2, 1);
  bci.to_be_signed.not_after = t(2026, 3, 1);
  bci.to_be_signed.crl_identifier_seq = std::vector<CRLIdentifier>{{crl.to_be_signed.issuer, 1}};
  bci.algorithm = sha1_rsa();
  bci.signature.bytes = Bytes(8, 2);
  Bytes bder = encode(bci);
  auto bback = decode<BrandCRLIdentifier>(bder);
  ASSERT_TRUE(bback.ok()) << bback.error().to_string();
  EXPECT_EQ(*bback, bci);
  // crlIdentifierSeq is [0] IMPLICIT (SetMessage is IMPLICIT TAGS): a0 instead of 30
  auto parts = split_signed(bder);
  ASSERT_TRUE(parts.ok());
  EXPECT_NE(to_hex(parts->to_be_signed).find("a0283026302131"), std::string::npos) << to_hex(parts->to_be_signed);
}

// ---------------------------------------------------------------------------------------------
// Refusals

TEST(SetCertificateNegative, NameAttributeOutsideSupportedAttributesIsRefused) {
  // { emailAddress IA5String "a@b" } : 1.2.840.113549.1.9.1
  auto r = decode<Name>(hex("3016311430120609" "2a864886f70d010901" "1605" "6140622e63"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
  EXPECT_NE(r.error().message.find("SupportedAttributes"), std::string::npos);
}

TEST(SetCertificateNegative, NameConstraintsAreChecked) {
  // countryName "USA" (SIZE(2) violated)
  auto r1 = decode<Name>(hex("300e310c300a06035504061303555341"));
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, Errc::kConstraint);
  // commonName as UTF8String: DirectoryString in SET is printableString | bmpString only
  auto r2 = decode<Name>(hex("300c310a300806035504030c0141"));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, Errc::kConstraint);
  // six RDNs: RDNSequence is SIZE (1..5)
  Name six = Name::make({{NameAttr::kC, "US"}, {NameAttr::kO, "a"}, {NameAttr::kOU, "b"},
                         {NameAttr::kOU, "c"}, {NameAttr::kOU, "d"}, {NameAttr::kCN, "e"}});
  auto r3 = decode<Name>(encode(six));
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().code, Errc::kConstraint);
  // two attributes in one RDN: SET SIZE(1) OF
  auto r4 = decode<Name>(hex("301a3118300906035504061302555330" "0b060355040a130441746c61"));
  EXPECT_FALSE(r4.ok());
}

TEST(SetCertificateNegative, ProfileConstraintsAreChecked) {
  Certificate cert;
  cert.to_be_signed = sample_tbs();
  cert.algorithm = sha1_rsa();
  cert.signature.bytes = Bytes(4, 1);
  // version v2 (1) instead of ver3 (2)
  Certificate v2 = cert;
  v2.to_be_signed.version = 1;
  auto r = decode<Certificate>(encode(v2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
  EXPECT_NE(r.error().message.find("version"), std::string::npos);
  // critical FALSE written out (DEFAULT must be omitted)
  auto e = decode<Extension>(hex("300e0603551d0f010100040403020106"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::kNotDer);
  // CRL version 0 instead of crlVer2
  CRL crl;
  crl.to_be_signed.version = 0;
  crl.to_be_signed.signature = sha1_rsa();
  crl.to_be_signed.issuer = Name::make({{NameAttr::kC, "US"}});
  crl.algorithm = sha1_rsa();
  EXPECT_FALSE(decode<CRL>(encode(crl)).ok());
  // BrandCRLIdentifier version 1 instead of bVer1 (0)
  BrandCRLIdentifier bci;
  bci.to_be_signed.version = 1;
  bci.to_be_signed.brand_id = "Atlas";
  bci.algorithm = sha1_rsa();
  EXPECT_FALSE(decode<BrandCRLIdentifier>(encode(bci)).ok());
}

TEST(SetCertificateNegative, SplitSignedIsStrict) {
  Certificate cert;
  cert.to_be_signed = sample_tbs();
  cert.algorithm = sha1_rsa();
  cert.signature.bytes = Bytes(4, 1);
  Bytes der = encode(cert);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_FALSE(split_signed(trailing).ok());
  EXPECT_FALSE(decode<Certificate>(trailing).ok());
  cert.signature.unused_bits = 1;
  cert.signature.bytes.back() = 0x02;
  EXPECT_FALSE(split_signed(encode(cert)).ok());
  EXPECT_FALSE(split_signed({}).ok());
}

}  // namespace
}  // namespace openset::asn1
