// DES-CBC and AES-256-CBC with PKCS#5/#7 padding, randomness and DES key hygiene.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;

TEST(Cipher, SizesPerAlgorithm) {
  EXPECT_EQ(key_size(CipherAlg::kDesCbc), 8u);
  EXPECT_EQ(iv_size(CipherAlg::kDesCbc), 8u);
  EXPECT_EQ(block_size(CipherAlg::kDesCbc), 8u);
  EXPECT_EQ(key_size(CipherAlg::kAes256Cbc), 32u);
  EXPECT_EQ(iv_size(CipherAlg::kAes256Cbc), 16u);
  EXPECT_EQ(block_size(CipherAlg::kAes256Cbc), 16u);
}

TEST(Cipher, LegacyProviderIsAvailable) {
  auto s = initialize();
  EXPECT_TRUE(s.ok()) << s.error().to_string();
}

TEST(Cipher, ConcurrentUseFromManyThreadsIsSafe) {
  // Provider loading is call_once; under ctest this is the process's first crypto call.
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&ok] {
      for (int i = 0; i < 20; ++i) {
        for (CipherAlg alg : {CipherAlg::kDesCbc, CipherAlg::kAes256Cbc}) {
          const SecretBytes key = random_key(alg);
          const Bytes iv = random_bytes(iv_size(alg));
          auto ct = encrypt(alg, key.view(), iv, as_bytes("concurrent"));
          if (!ct.ok()) return;
          auto pt = decrypt(alg, key.view(), iv, *ct);
          if (!pt.ok() || as_string_view(pt->view()) != "concurrent") return;
        }
      }
      ok.fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 8);
}

TEST(DesCbc, MatchesFips81KnownAnswer) {
  // FIPS 81 Appendix C (CBC): "Now is the time for all " under 0123456789abcdef, IV
  // 1234567890abcdef. The fourth block is our PKCS#5 padding block (checked with openssl enc).
  const Bytes key = hex("0123456789abcdef");
  const Bytes iv = hex("1234567890abcdef");
  auto ct = encrypt(CipherAlg::kDesCbc, key, iv, as_bytes("Now is the time for all "));
  ASSERT_TRUE(ct.ok()) << ct.error().to_string();
  EXPECT_EQ(to_hex(*ct),
            "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6"
            "62c16a27e4fcf277");
  auto pt = decrypt(CipherAlg::kDesCbc, key, iv, *ct);
  ASSERT_TRUE(pt.ok()) << pt.error().to_string();
  EXPECT_EQ(as_string_view(pt->view()), "Now is the time for all ");
}

TEST(Aes256Cbc, MatchesSp800_38aKnownAnswer) {
  // NIST SP 800-38A F.2.5 (CBC-AES256.Encrypt), plus our PKCS#7 padding block.
  const Bytes key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const Bytes iv = hex("000102030405060708090a0b0c0d0e0f");
  const Bytes pt = hex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  auto ct = encrypt(CipherAlg::kAes256Cbc, key, iv, pt);
  ASSERT_TRUE(ct.ok()) << ct.error().to_string();
  EXPECT_EQ(to_hex(*ct),
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
            "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"
            "3f461796d6b0d6b2e0c2a72b4d80e644");
  auto back = decrypt(CipherAlg::kAes256Cbc, key, iv, *ct);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->expose(), pt);
}

TEST(Cipher, RoundTripsEveryLengthUpToThreeBlocks) {
  for (CipherAlg alg : {CipherAlg::kDesCbc, CipherAlg::kAes256Cbc}) {
    const SecretBytes key = random_key(alg);
    const Bytes iv = random_bytes(iv_size(alg));
    for (std::size_t len = 0; len <= 3 * block_size(alg); ++len) {
      const Bytes pt = random_bytes(len);
      auto ct = encrypt(alg, key.view(), iv, pt);
      ASSERT_TRUE(ct.ok()) << ct.error().to_string();
      // PKCS#5/#7: always at least one byte of padding, up to a whole block.
      EXPECT_EQ(ct->size(), (len / block_size(alg) + 1) * block_size(alg));
      auto back = decrypt(alg, key.view(), iv, *ct);
      ASSERT_TRUE(back.ok()) << back.error().to_string();
      EXPECT_EQ(back->expose(), pt) << to_string(alg) << " length " << len;
    }
  }
}

TEST(Cipher, WrongKeyNeverYieldsThePlaintext) {
  // CBC has no integrity: a wrong key is caught by the padding check most of the time
  // (kDecrypt) and otherwise yields garbage. Both outcomes are acceptable; the plaintext is not.
  for (CipherAlg alg : {CipherAlg::kDesCbc, CipherAlg::kAes256Cbc}) {
    const Bytes pt = to_bytes("SET payment instructions, 41 bytes long..");
    const Bytes iv = random_bytes(iv_size(alg));
    int rejected = 0;
    for (int i = 0; i < 64; ++i) {
      const SecretBytes key = random_key(alg);
      const SecretBytes other = random_key(alg);
      auto ct = encrypt(alg, key.view(), iv, pt);
      ASSERT_TRUE(ct.ok());
      auto r = decrypt(alg, other.view(), iv, *ct);
      if (!r.ok()) {
        EXPECT_EQ(r.error().code, Errc::kDecrypt);
        ++rejected;
      } else {
        EXPECT_NE(r->expose(), pt);
      }
    }
    EXPECT_GT(rejected, 48) << to_string(alg) << ": the padding check should catch most wrong keys";
  }
}

TEST(Cipher, DamagedLastBlockIsRejectedOrGarbled) {
  const SecretBytes key = random_key(CipherAlg::kAes256Cbc);
  const Bytes iv = random_bytes(16);
  const Bytes pt = random_bytes(20);
  Bytes ct = encrypt(CipherAlg::kAes256Cbc, key.view(), iv, pt).value();
  ct.back() ^= 0x01;
  auto r = decrypt(CipherAlg::kAes256Cbc, key.view(), iv, ct);
  if (r.ok()) {
    EXPECT_NE(r->expose(), pt);
  } else {
    EXPECT_EQ(r.error().code, Errc::kDecrypt);
  }
}

TEST(Cipher, CiphertextNotAWholeNumberOfBlocksIsADecryptError) {
  const SecretBytes key = random_key(CipherAlg::kDesCbc);
  const Bytes iv(8, 0);
  for (std::size_t len : {std::size_t{0}, std::size_t{7}, std::size_t{9}, std::size_t{15}}) {
    auto r = decrypt(CipherAlg::kDesCbc, key.view(), iv, Bytes(len, 0x42));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.error().code, Errc::kDecrypt);
  }
}

TEST(Cipher, WrongKeyOrIvSizeIsAnInvalidArgument) {
  auto a = encrypt(CipherAlg::kDesCbc, Bytes(7, 1), Bytes(8, 0), as_bytes("x"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kInvalidArgument);
  auto b = encrypt(CipherAlg::kAes256Cbc, Bytes(32, 1), Bytes(8, 0), as_bytes("x"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kInvalidArgument);
  auto c = decrypt(CipherAlg::kAes256Cbc, Bytes(16, 1), Bytes(16, 0), Bytes(16, 0));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kInvalidArgument);
}

TEST(Cipher, AgreesWithOpensslEncInBothDirections) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  struct Case {
    CipherAlg alg;
    const char* flags;
  };
  for (const Case& c : {Case{CipherAlg::kDesCbc, "-des-cbc -provider legacy -provider default"},
                        Case{CipherAlg::kAes256Cbc, "-aes-256-cbc"}}) {
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{17},
                            std::size_t{100}}) {
      const SecretBytes key = random_key(c.alg);
      const Bytes iv = random_bytes(iv_size(c.alg));
      const Bytes pt = random_bytes(len);
      testing::write_file(dir.file("pt"), pt);
      const std::string common = std::string("openssl enc ") + c.flags + " -K " +
                                 to_hex(key.view()) + " -iv " + to_hex(iv);
      auto enc = testing::run(common + " -e -in " + dir.q("pt") + " -out " + dir.q("ct"));
      ASSERT_EQ(enc.exit_code, 0) << enc.output;
      const Bytes theirs = testing::read_file(dir.file("ct"));
      EXPECT_EQ(encrypt(c.alg, key.view(), iv, pt).value(), theirs)
          << to_string(c.alg) << " length " << len;

      testing::write_file(dir.file("ours"), encrypt(c.alg, key.view(), iv, pt).value());
      auto dec = testing::run(common + " -d -in " + dir.q("ours") + " -out " + dir.q("back"));
      ASSERT_EQ(dec.exit_code, 0) << dec.output;
      EXPECT_EQ(testing::read_file(dir.file("back")), pt);
    }
  }
}

TEST(RandomKey, DesKeysHaveOddParityAndAreNeverWeak) {
  for (int i = 0; i < 2000; ++i) {
    const SecretBytes k = random_key(CipherAlg::kDesCbc);
    ASSERT_EQ(k.size(), 8u);
    ASSERT_TRUE(des_parity_ok(k.view())) << to_hex(k.view());
    ASSERT_FALSE(des_is_weak(k.view()));
  }
}

TEST(RandomKey, AesKeysAre32FreshBytes) {
  const SecretBytes a = random_key(CipherAlg::kAes256Cbc);
  const SecretBytes b = random_key(CipherAlg::kAes256Cbc);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a.expose(), b.expose());
}

TEST(DesKey, ParityCheckAndWeakKeyTable) {
  EXPECT_TRUE(des_parity_ok(hex("0123456789abcdef")));  // the FIPS 81 key has odd parity
  EXPECT_FALSE(des_parity_ok(hex("0023456789abcdef")));
  EXPECT_FALSE(des_parity_ok(hex("01234567")));
  EXPECT_TRUE(des_is_weak(hex("0101010101010101")));
  EXPECT_TRUE(des_is_weak(hex("0000000000000000")));  // same key, parity bits cleared
  EXPECT_TRUE(des_is_weak(hex("e01fe01ff10ef10e")));  // semi-weak
  EXPECT_FALSE(des_is_weak(hex("0123456789abcdef")));
}

TEST(DesKey, ParityBitsDoNotChangeTheCiphertext) {
  const Bytes iv(8, 0x11);
  const Bytes pt = to_bytes("parity!!");
  auto a = encrypt(CipherAlg::kDesCbc, hex("0123456789abcdef"), iv, pt);
  auto b = encrypt(CipherAlg::kDesCbc, hex("0022446688aaccee"), iv, pt);  // low bits cleared
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(RandomBytes, ReturnsTheRequestedLengthAndDiffers) {
  EXPECT_TRUE(random_bytes(0).empty());
  EXPECT_EQ(random_bytes(1).size(), 1u);
  std::set<Bytes> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_bytes(20));
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace openset::crypto
