// Digests, HMAC and MGF1 against published known-answer vectors.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;

std::string hex_digest(DigestAlg alg, std::string_view text) {
  auto d = digest(alg, as_bytes(text));
  EXPECT_TRUE(d.ok()) << d.error().to_string();
  return d.ok() ? to_hex(*d) : std::string();
}

TEST(Digest, Sha1MatchesFips180KnownAnswers) {
  EXPECT_EQ(hex_digest(DigestAlg::kSha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_digest(DigestAlg::kSha1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex_digest(DigestAlg::kSha1, ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Digest, Sha256MatchesFips180KnownAnswers) {
  EXPECT_EQ(hex_digest(DigestAlg::kSha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_digest(DigestAlg::kSha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_digest(DigestAlg::kSha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, SizesAreTwentyAndThirtyTwo) {
  EXPECT_EQ(digest_size(DigestAlg::kSha1), 20u);
  EXPECT_EQ(digest_size(DigestAlg::kSha256), 32u);
  EXPECT_EQ(digest(DigestAlg::kSha1, {})->size(), 20u);
  EXPECT_EQ(digest(DigestAlg::kSha256, {})->size(), 32u);
}

TEST(Hasher, MillionAsInThousandPiecesMatchesFips180) {
  const std::string chunk(1000, 'a');
  Hasher h1(DigestAlg::kSha1);
  Hasher h256(DigestAlg::kSha256);
  for (int i = 0; i < 1000; ++i) {
    h1.update(as_bytes(chunk));
    h256.update(as_bytes(chunk));
  }
  auto d1 = h1.finish();
  auto d256 = h256.finish();
  ASSERT_TRUE(d1.ok());
  ASSERT_TRUE(d256.ok());
  EXPECT_EQ(to_hex(*d1), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  EXPECT_EQ(to_hex(*d256), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Hasher, AnySplitGivesTheOneShotDigest) {
  const Bytes data = random_bytes(300);
  for (DigestAlg alg : {DigestAlg::kSha1, DigestAlg::kSha256}) {
    const Bytes expected = digest(alg, data).value();
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64},
                            std::size_t{65}, std::size_t{299}, std::size_t{300}}) {
      Hasher h(alg);
      h.update(ByteView(data).first(cut)).update(ByteView(data).subspan(cut));
      auto got = h.finish();
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(*got, expected) << "cut at " << cut;
    }
  }
}

TEST(Hasher, FinishResetsForReuse) {
  Hasher h(DigestAlg::kSha256);
  h.update(as_bytes("abc"));
  ASSERT_TRUE(h.finish().ok());
  h.update(as_bytes("abc"));
  EXPECT_EQ(to_hex(h.finish().value()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(h.finish().value()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hasher, MovedFromHasherReportsAnError) {
  Hasher a(DigestAlg::kSha1);
  Hasher b(std::move(a));
  auto r = a.finish();  // NOLINT(bugprone-use-after-move): that is the point
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kCrypto);
  EXPECT_TRUE(b.finish().ok());
}

struct HmacVector {
  const char* name;
  DigestAlg alg;
  Bytes key;
  Bytes data;
  const char* mac;
};

TEST(Hmac, MatchesRfc2202AndRfc4231) {
  const Bytes long_key_data = to_bytes("Test Using Larger Than Block-Size Key - Hash Key First");
  const HmacVector vectors[] = {
      {"RFC 2202 #1", DigestAlg::kSha1, Bytes(20, 0x0b), to_bytes("Hi There"),
       "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"RFC 2202 #2", DigestAlg::kSha1, to_bytes("Jefe"), to_bytes("what do ya want for nothing?"),
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {"RFC 2202 #3", DigestAlg::kSha1, Bytes(20, 0xaa), Bytes(50, 0xdd),
       "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {"RFC 2202 #6", DigestAlg::kSha1, Bytes(80, 0xaa), long_key_data,
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {"RFC 4231 #1", DigestAlg::kSha256, Bytes(20, 0x0b), to_bytes("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"RFC 4231 #2", DigestAlg::kSha256, to_bytes("Jefe"), to_bytes("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"RFC 4231 #3", DigestAlg::kSha256, Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"RFC 4231 #6", DigestAlg::kSha256, Bytes(131, 0xaa), long_key_data,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const HmacVector& v : vectors) {
    auto mac = hmac(v.alg, v.key, v.data);
    ASSERT_TRUE(mac.ok()) << v.name << ": " << mac.error().to_string();
    EXPECT_EQ(to_hex(*mac), v.mac) << v.name;
  }
}

TEST(Hmac, EmptyKeyAndEmptyDataWork) {
  EXPECT_EQ(to_hex(hmac(DigestAlg::kSha1, {}, {}).value()),
            "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(to_hex(hmac(DigestAlg::kSha256, {}, {}).value()),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Mgf1, MatchesPublishedVectors) {
  // The MGF1 examples used by many PKCS#1 test suites (seeds "foo" and "bar").
  EXPECT_EQ(to_hex(mgf1(DigestAlg::kSha1, as_bytes("foo"), 3).value()), "1ac907");
  EXPECT_EQ(to_hex(mgf1(DigestAlg::kSha1, as_bytes("foo"), 5).value()), "1ac9075cd4");
  EXPECT_EQ(to_hex(mgf1(DigestAlg::kSha1, as_bytes("bar"), 5).value()), "bc0c655e01");
  EXPECT_EQ(to_hex(mgf1(DigestAlg::kSha1, as_bytes("bar"), 50).value()),
            "bc0c655e016bc2931d85a2e675181adcef7f581f76df2739da74faac41627be2f7f415c89e983fd0ce8"
            "0ced9878641cb4876");
  EXPECT_EQ(to_hex(mgf1(DigestAlg::kSha256, as_bytes("bar"), 50).value()),
            "382576a7841021cc28fc4c0948753fb8312090cea942ea4c4e735d10dc724b155f9f6069f289d61dac"
            "a0cb814502ef04eae1");
  EXPECT_TRUE(mgf1(DigestAlg::kSha1, as_bytes("foo"), 0).value().empty());
}

TEST(Mgf1, FirstBlockIsHashOfSeedWithCounterZero) {
  const Bytes seed = random_bytes(16);
  Bytes input = seed;
  input.insert(input.end(), {0, 0, 0, 0});
  EXPECT_EQ(mgf1(DigestAlg::kSha1, seed, 20).value(), digest(DigestAlg::kSha1, input).value());
}

}  // namespace
}  // namespace openset::crypto
