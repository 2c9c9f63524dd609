// RSA keys: generation per suite, SPKI and PKCS#8 encodings, encrypted PEM, value semantics.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;

TEST(Keys, SuitesNameTheirRsaSizes) {
  EXPECT_EQ(suite(SuiteId::kSet1).ee_rsa_bits, 1024u);
  EXPECT_EQ(suite(SuiteId::kSet1).ca_rsa_bits, 2048u);
  EXPECT_EQ(suite(SuiteId::kModern).ee_rsa_bits, 2048u);
  EXPECT_EQ(suite(SuiteId::kModern).ca_rsa_bits, 3072u);
}

TEST(Keys, GeneratedKeysHaveTheRequestedSizeAndExponent65537) {
  struct Case {
    const PrivateKey& key;
    unsigned bits;
  };
  for (const Case& c : {Case{testing::rsa1024(), suite(SuiteId::kSet1).ee_rsa_bits},
                        Case{testing::rsa2048(), suite(SuiteId::kSet1).ca_rsa_bits},
                        Case{testing::rsa2048(), suite(SuiteId::kModern).ee_rsa_bits},
                        Case{testing::rsa3072(), suite(SuiteId::kModern).ca_rsa_bits}}) {
    EXPECT_EQ(c.key.bits(), c.bits);
    EXPECT_EQ(c.key.size_bytes(), c.bits / 8);
    const PublicKey pub = c.key.public_key();
    EXPECT_EQ(pub.bits(), c.bits);
    EXPECT_EQ(pub.size_bytes(), c.bits / 8);
    EXPECT_EQ(pub.modulus().size(), c.bits / 8);
    EXPECT_GE(pub.modulus()[0], 0x80) << "top bit of n set";
    BIGNUM* e = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(pub.get(), OSSL_PKEY_PARAM_RSA_E, &e), 1);
    EXPECT_EQ(BN_get_word(e), 65537u);
    BN_free(e);
  }
}

TEST(Keys, GenerationRefusesOddSizes) {
  for (unsigned bits : {0u, 512u, 1000u, 1025u, 20000u}) {
    auto k = PrivateKey::generate_rsa(bits);
    ASSERT_FALSE(k.ok()) << bits;
    EXPECT_EQ(k.error().code, Errc::kInvalidArgument);
  }
}

TEST(Keys, TwoGeneratedKeysDiffer) {
  EXPECT_FALSE(testing::rsa1024().public_key() == testing::rsa1024b().public_key());
  EXPECT_TRUE(testing::rsa1024().public_key() == testing::rsa1024().public_key());
}

TEST(PublicKey, SpkiRoundTrip) {
  const PublicKey pub = testing::rsa2048().public_key();
  const Bytes spki = pub.spki_der();
  ASSERT_FALSE(spki.empty());
  // SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING ... }
  EXPECT_EQ(to_hex(ByteView(spki).first(19)), "30820122300d06092a864886f70d0101010500");
  auto back = PublicKey::from_spki_der(spki);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(*back == pub);
  EXPECT_EQ(back->spki_der(), spki);
}

TEST(PublicKey, TrailingBytesGarbageAndTruncationAreRefused) {
  Bytes spki = testing::rsa1024().public_key().spki_der();
  Bytes trailing = spki;
  trailing.push_back(0x00);
  auto a = PublicKey::from_spki_der(trailing);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kMalformed);
  auto b = PublicKey::from_spki_der(ByteView(spki).first(spki.size() - 1));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kMalformed);
  auto c = PublicKey::from_spki_der(hex("3003020101"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kMalformed);
  EXPECT_FALSE(PublicKey::from_spki_der({}).ok());
}

TEST(PublicKey, NonRsaKeyIsUnsupported) {
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(ec, &buf);
  ASSERT_GT(len, 0);
  const Bytes spki(buf, buf + len);
  OPENSSL_free(buf);
  auto r = PublicKey::from_spki_der(spki);
  auto e = PublicKey::from_evp(ec);
  EVP_PKEY_free(ec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnsupported);
  EXPECT_NE(r.error().message.find("only RSA"), std::string::npos) << r.error().message;
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::kUnsupported);
}

TEST(PublicKey, CopiesShareAndMovesEmpty) {
  PublicKey a = testing::rsa1024().public_key();
  PublicKey b = a;  // up-ref
  EXPECT_EQ(a.get(), b.get());
  EXPECT_TRUE(a == b);
  PublicKey c = std::move(a);
  EXPECT_FALSE(static_cast<bool>(a));  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(c == b);
  EXPECT_TRUE(PublicKey{} == PublicKey{});
  EXPECT_FALSE(PublicKey{} == b);
  EXPECT_EQ(PublicKey{}.bits(), 0u);
  EXPECT_TRUE(PublicKey{}.spki_der().empty());
}

TEST(PrivateKey, Pkcs8DerRoundTrip) {
  const PrivateKey& key = testing::rsa1024();
  const SecretBytes der = key.pkcs8_der();
  ASSERT_FALSE(der.empty());
  auto back = PrivateKey::from_pkcs8_der(der.view());
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->public_key() == key.public_key());
  // And it really is the private half: it signs what the original public key verifies.
  const Bytes sig = sign(*back, DigestAlg::kSha1, as_bytes("x")).value();
  EXPECT_TRUE(verify(key.public_key(), DigestAlg::kSha1, as_bytes("x"), sig).ok());
}

TEST(PrivateKey, Pkcs8GarbageIsMalformed) {
  auto r = PrivateKey::from_pkcs8_der(hex("300302010a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kMalformed);
  Bytes der = testing::rsa1024().pkcs8_der().expose();
  der.push_back(0);
  EXPECT_EQ(PrivateKey::from_pkcs8_der(der).error().code, Errc::kMalformed);
  secure_wipe(der);
}

TEST(PrivateKey, EncryptedPemRoundTrip) {
  const PrivateKey& key = testing::rsa1024();
  auto pem = key.to_encrypted_pem("correct horse battery staple");
  ASSERT_TRUE(pem.ok()) << pem.error().to_string();
  EXPECT_EQ(pem->rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 0), 0u) << *pem;
  auto back = PrivateKey::from_encrypted_pem(*pem, "correct horse battery staple");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->public_key() == key.public_key());
}

TEST(PrivateKey, WrongPassphraseIsADecryptErrorThatDoesNotEchoThePassphrase) {
  const PrivateKey& key = testing::rsa1024();
  const std::string pem = key.to_encrypted_pem("s3cret-Passphrase!", 2000).value();
  for (const char* wrong : {"s3cret-Passphrase?", "wrong-guess-4711", ""}) {
    auto r = PrivateKey::from_encrypted_pem(pem, wrong);
    ASSERT_FALSE(r.ok()) << wrong;
    EXPECT_EQ(r.error().code, Errc::kDecrypt);
    EXPECT_NE(r.error().message.find("wrong passphrase"), std::string::npos) << r.error().message;
    const std::string text = r.error().to_string();
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
    if (*wrong != '\0') {
      EXPECT_EQ(text.find(wrong), std::string::npos) << text;
    }
  }
  EXPECT_TRUE(PrivateKey::from_encrypted_pem(pem, "s3cret-Passphrase!").ok());
}

TEST(PrivateKey, UnencryptedOrBrokenPemIsRefused) {
  auto a = PrivateKey::from_encrypted_pem("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", "pw");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kMalformed);
  auto b = PrivateKey::from_encrypted_pem("not pem at all", "pw");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kMalformed);
  auto c = testing::rsa1024().to_encrypted_pem("");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kInvalidArgument);
}

TEST(PrivateKey, EncryptedPemIsPbes2WithPbkdf2Sha256AndAes256AndOpensslReadsIt) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  const PrivateKey& key = testing::rsa1024();
  const std::string pem = key.to_encrypted_pem("cli-pass-phrase", 4096).value();
  testing::write_file(dir.file("key.pem"), as_bytes(pem));
  auto parse = testing::run("openssl asn1parse -in " + dir.q("key.pem"));
  ASSERT_EQ(parse.exit_code, 0) << parse.output;
  for (const char* needle : {":PBES2", ":PBKDF2", ":hmacWithSHA256", ":aes-256-cbc"})
    EXPECT_NE(parse.output.find(needle), std::string::npos) << needle << "\n" << parse.output;
  EXPECT_NE(parse.output.find("INTEGER           :1000"), std::string::npos)  // 4096 = 0x1000
      << parse.output;

  auto out = testing::run("openssl pkey -in " + dir.q("key.pem") +
                          " -passin pass:cli-pass-phrase -pubout -outform DER -out " + dir.q("pub.der"));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(testing::read_file(dir.file("pub.der")), key.public_key().spki_der());
}

TEST(PrivateKey, DefaultIterationCountIsUsed) {
  // One round trip with the default (600,000) iterations, to keep the default honest.
  const std::string pem = testing::rsa1024().to_encrypted_pem("default-iterations").value();
  EXPECT_TRUE(PrivateKey::from_encrypted_pem(pem, "default-iterations").ok());
  EXPECT_EQ(PrivateKey::kDefaultPbkdf2Iterations, 600000u);
}

TEST(PrivateKey, CopiesShareAndEmptyKeyIsHarmless) {
  PrivateKey a = testing::rsa1024();
  PrivateKey b = a;
  EXPECT_EQ(a.get(), b.get());
  PrivateKey c = std::move(a);
  EXPECT_FALSE(static_cast<bool>(a));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.get(), b.get());
  const PrivateKey empty;
  EXPECT_EQ(empty.bits(), 0u);
  EXPECT_TRUE(empty.pkcs8_der().empty());
  EXPECT_FALSE(static_cast<bool>(empty.public_key()));
  EXPECT_EQ(empty.to_encrypted_pem("pw").error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace openset::crypto
