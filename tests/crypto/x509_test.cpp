// Plain X.509 issuance: a CA key issues end-entity certificates that `openssl verify` (an
// implementation we did not write) accepts, and whose IssuerAndSerialNumber we read back.
#include <gtest/gtest.h>

#include <string>

#include "openset/crypto/x509.hpp"
#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::TempDir;

class X509Issue : public ::testing::TestWithParam<SuiteId> {};

TEST_P(X509Issue, IssuedChainVerifiesWithOpensslAndIdsMatch) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  const Suite& s = suite(GetParam());
  const PrivateKey& ca_key = testing::rsa2048();
  const PrivateKey& ee_key = GetParam() == SuiteId::kSet1 ? testing::rsa1024() : testing::rsa2048b();

  CertificateTemplate ca_t{"OpenSET Test Root", "OpenSET", "US", KeyRole::kCertificateAuthority};
  auto ca = issue_certificate(ca_key.public_key(), ca_t, ca_key, {}, s);
  ASSERT_TRUE(ca.ok()) << ca.error().to_string();
  CertificateTemplate ee_t{"Gateway key exchange", "Acquirer One", "US", KeyRole::kKeyExchange};
  auto ee = issue_certificate(ee_key.public_key(), ee_t, ca_key, *ca, s);
  ASSERT_TRUE(ee.ok()) << ee.error().to_string();

  TempDir dir;
  testing::write_file(dir.file("ca.pem"), as_bytes(to_pem(*ca, "CERTIFICATE")));
  testing::write_file(dir.file("ee.pem"), as_bytes(to_pem(*ee, "CERTIFICATE")));
  auto v = testing::run("openssl verify -CAfile " + dir.q("ca.pem") + " " + dir.q("ee.pem"));
  EXPECT_EQ(v.exit_code, 0) << v.output;

  // The serial openssl prints equals the INTEGER we read with our own DER reader.
  auto id = certificate_id(*ee);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto serial = testing::run("openssl x509 -noout -serial -in " + dir.q("ee.pem"));
  ASSERT_EQ(serial.exit_code, 0);
  std::string expected = to_hex(id->serial);
  for (auto& c : expected) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(serial.output.find("serial=" + expected), std::string::npos) << serial.output;

  // The issuer Name of the end entity is the CA's subject; the key round-trips.
  auto ca_id = certificate_id(*ca);
  ASSERT_TRUE(ca_id.ok());
  EXPECT_EQ(id->issuer, ca_id->issuer);  // the root is self-issued
  auto pub = certificate_public_key(*ee);
  ASSERT_TRUE(pub.ok()) << pub.error().to_string();
  EXPECT_TRUE(*pub == ee_key.public_key());

  auto text = testing::run("openssl x509 -noout -text -in " + dir.q("ee.pem"));
  EXPECT_NE(text.output.find("Key Encipherment"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(GetParam() == SuiteId::kSet1 ? "sha1WithRSAEncryption"
                                                           : "sha256WithRSAEncryption"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(BothSuites, X509Issue,
                         ::testing::Values(SuiteId::kSet1, SuiteId::kModern),
                         [](const auto& p) { return std::string(to_string(p.param)); });

TEST(X509Id, MalformedCertificateIsAnErrorNotACrash) {
  EXPECT_FALSE(certificate_id(testing::hex("3003020101")).ok());
  EXPECT_FALSE(certificate_id({}).ok());
  EXPECT_FALSE(certificate_public_key(testing::hex("30023000")).ok());
}

}  // namespace
}  // namespace openset::crypto
