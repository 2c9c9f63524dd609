// RSA PKCS#1 v1.5 signatures for both suites, cross-checked with `openssl dgst` / `pkeyutl`.
#include <gtest/gtest.h>

#include "openset/crypto/counters.hpp"
#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;

struct SuiteKey {
  const Suite& s;
  const PrivateKey& key;
  const PrivateKey& other;
};

std::vector<SuiteKey> suites() {
  return {{suite(SuiteId::kSet1), testing::rsa1024(), testing::rsa1024b()},
          {suite(SuiteId::kModern), testing::rsa2048(), testing::rsa2048b()}};
}

const Bytes& message() {
  static const Bytes m = to_bytes("PIHead || OIData: the dual signature covers both halves");
  return m;
}

TEST(Signature, SignsAndVerifiesInBothSuites) {
  for (const SuiteKey& sk : suites()) {
    auto sig = sign(sk.key, sk.s.digest, message());
    ASSERT_TRUE(sig.ok()) << sig.error().to_string();
    EXPECT_EQ(sig->size(), sk.key.size_bytes()) << sk.s.name;
    auto ok = verify(sk.key.public_key(), sk.s.digest, message(), *sig);
    EXPECT_TRUE(ok.ok()) << sk.s.name << ": " << ok.error().to_string();
  }
}

TEST(Signature, FlippedBitInDataIsASignatureError) {
  for (const SuiteKey& sk : suites()) {
    const Bytes sig = sign(sk.key, sk.s.digest, message()).value();
    for (std::size_t bit = 0; bit < message().size() * 8; bit += 13) {
      Bytes m = message();
      m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      auto r = verify(sk.key.public_key(), sk.s.digest, m, sig);
      ASSERT_FALSE(r.ok()) << sk.s.name << " bit " << bit;
      EXPECT_EQ(r.error().code, Errc::kSignature);
    }
  }
}

TEST(Signature, FlippedBitInSignatureIsASignatureError) {
  for (const SuiteKey& sk : suites()) {
    const Bytes sig = sign(sk.key, sk.s.digest, message()).value();
    const PublicKey pub = sk.key.public_key();
    for (std::size_t bit = 0; bit < sig.size() * 8; bit += 7) {
      Bytes bad = sig;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      auto r = verify(pub, sk.s.digest, message(), bad);
      ASSERT_FALSE(r.ok()) << sk.s.name << " bit " << bit;
      EXPECT_EQ(r.error().code, Errc::kSignature);
    }
  }
}

TEST(Signature, WrongKeyIsASignatureError) {
  for (const SuiteKey& sk : suites()) {
    const Bytes sig = sign(sk.key, sk.s.digest, message()).value();
    auto r = verify(sk.other.public_key(), sk.s.digest, message(), sig);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kSignature);
    EXPECT_EQ(r.error().message, "signature does not verify");
  }
}

TEST(Signature, WrongDigestAlgorithmIsASignatureError) {
  const Bytes sig = sign(testing::rsa2048(), DigestAlg::kSha256, message()).value();
  auto r = verify(testing::rsa2048().public_key(), DigestAlg::kSha1, message(), sig);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kSignature);
}

TEST(Signature, TruncatedOrEmptySignatureIsASignatureError) {
  const Bytes sig = sign(testing::rsa1024(), DigestAlg::kSha1, message()).value();
  const PublicKey pub = testing::rsa1024().public_key();
  EXPECT_EQ(verify(pub, DigestAlg::kSha1, message(), ByteView(sig).first(127)).error().code,
            Errc::kSignature);
  EXPECT_EQ(verify(pub, DigestAlg::kSha1, message(), {}).error().code, Errc::kSignature);
}

TEST(Signature, IsDeterministicAndEqualsSigningTheDigest) {
  // PKCS#1 v1.5 is deterministic, so sign(data) must equal sign_digest(H(data)).
  for (const SuiteKey& sk : suites()) {
    const Bytes a = sign(sk.key, sk.s.digest, message()).value();
    const Bytes b = sign(sk.key, sk.s.digest, message()).value();
    const Bytes d = digest(sk.s.digest, message()).value();
    auto c = sign_digest(sk.key, sk.s.digest, d);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(a, b);
    EXPECT_EQ(a, *c) << sk.s.name;
    EXPECT_TRUE(verify_digest(sk.key.public_key(), sk.s.digest, d, a).ok());
  }
}

TEST(Signature, VerifyDigestRejectsOtherDigestAndWrongLength) {
  const PrivateKey& key = testing::rsa1024();
  const Bytes d = digest(DigestAlg::kSha1, message()).value();
  const Bytes sig = sign_digest(key, DigestAlg::kSha1, d).value();
  Bytes other = d;
  other[0] ^= 0x80;
  EXPECT_EQ(verify_digest(key.public_key(), DigestAlg::kSha1, other, sig).error().code,
            Errc::kSignature);
  EXPECT_EQ(verify_digest(key.public_key(), DigestAlg::kSha1, ByteView(d).first(19), sig).error().code,
            Errc::kSignature);
  auto bad = sign_digest(key, DigestAlg::kSha256, d);  // 20 bytes is not a SHA-256 digest
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
}

TEST(Signature, EmptyKeysAreRefused) {
  EXPECT_EQ(sign(PrivateKey{}, DigestAlg::kSha1, message()).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(verify(PublicKey{}, DigestAlg::kSha1, message(), Bytes(128, 0)).error().code,
            Errc::kInvalidArgument);
}

TEST(Signature, OpensslDgstVerifiesOurSignaturesAndWeVerifyTheirs) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  testing::write_file(dir.file("data"), message());
  for (const SuiteKey& sk : suites()) {
    const char* md = sk.s.digest == DigestAlg::kSha1 ? "-sha1" : "-sha256";
    testing::write_file(dir.file("pub.der"), sk.key.public_key().spki_der());
    testing::write_file(dir.file("key.der"), sk.key.pkcs8_der().view());

    // Ours -> openssl dgst -verify.
    testing::write_file(dir.file("sig"), sign(sk.key, sk.s.digest, message()).value());
    auto v = testing::run(std::string("openssl dgst ") + md + " -keyform DER -verify " +
                          dir.q("pub.der") + " -signature " + dir.q("sig") + " " + dir.q("data"));
    EXPECT_EQ(v.exit_code, 0) << sk.s.name << ": " << v.output;
    EXPECT_NE(v.output.find("Verified OK"), std::string::npos) << v.output;

    // A tampered signature must fail there too (the check is real).
    Bytes bad = sign(sk.key, sk.s.digest, message()).value();
    bad[10] ^= 1;
    testing::write_file(dir.file("bad"), bad);
    auto nv = testing::run(std::string("openssl dgst ") + md + " -keyform DER -verify " +
                           dir.q("pub.der") + " -signature " + dir.q("bad") + " " + dir.q("data"));
    EXPECT_NE(nv.exit_code, 0) << nv.output;

    // openssl dgst -sign -> ours.
    auto s = testing::run(std::string("openssl dgst ") + md + " -keyform DER -sign " +
                          dir.q("key.der") + " -out " + dir.q("theirs") + " " + dir.q("data"));
    ASSERT_EQ(s.exit_code, 0) << s.output;
    const Bytes theirs = testing::read_file(dir.file("theirs"));
    EXPECT_TRUE(verify(sk.key.public_key(), sk.s.digest, message(), theirs).ok()) << sk.s.name;
    EXPECT_EQ(theirs, sign(sk.key, sk.s.digest, message()).value()) << "PKCS#1 v1.5 is deterministic";
  }
}

}  // namespace
}  // namespace openset::crypto

namespace openset::crypto {
namespace {

// The RSA operation counters the purchase benchmark reports: one private operation per
// signature made or block unwrapped, one public operation per verification or block wrapped.
TEST(RsaOpCounters, CountEachPrivateAndPublicOperation) {
  const PrivateKey& k = testing::rsa1024();
  Bytes data = {1, 2, 3};
  RsaOpCounts before = rsa_op_counts();
  auto sig = sign(k, DigestAlg::kSha256, data);
  ASSERT_TRUE(sig.ok());
  ASSERT_TRUE(verify(k.public_key(), DigestAlg::kSha256, data, *sig).ok());
  auto d = digest(DigestAlg::kSha1, data);
  ASSERT_TRUE(d.ok());
  auto sig2 = sign_digest(k, DigestAlg::kSha1, *d);
  ASSERT_TRUE(sig2.ok());
  ASSERT_TRUE(verify_digest(k.public_key(), DigestAlg::kSha1, *d, *sig2).ok());
  auto wrapped = rsa_wrap(KeyTransport::kSetOaep, k.public_key(), 0x01, Bytes(16, 0x42));
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().to_string();
  ASSERT_TRUE(rsa_unwrap(KeyTransport::kSetOaep, k, *wrapped).ok());
  RsaOpCounts after = rsa_op_counts();
  EXPECT_EQ(after.private_ops - before.private_ops, 3u);
  EXPECT_EQ(after.public_ops - before.public_ops, 3u);
}

}  // namespace
}  // namespace openset::crypto
