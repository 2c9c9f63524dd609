// RSA key transport of SET's data block: SET OAEP (set1) and RSAES-OAEP-SHA256 (modern).
//
// The SET OAEP tests carry their own, independent implementation of the construction in
// docs/set-oaep.md (ReferenceSetOaep below, written from the document with plain EVP calls) and
// raw RSA, so they can build blocks the library would never build (wrong BT, V, I) and prove the
// receiver's checks.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>

#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;
namespace bc = block_contents;

// ---------------------------------------------------------------------------------------------
// Independent reference: SHA-1, MGF1-SHA-1 and raw RSA straight from OpenSSL.
Bytes ref_sha1(ByteView in) {
  Bytes out(20);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(in.data(), in.size(), out.data(), &len, EVP_sha1(), nullptr), 1);
  return out;
}

Bytes ref_mgf1_sha1(ByteView seed, std::size_t len) {
  Bytes out;
  for (std::uint32_t c = 0; out.size() < len; ++c) {
    Bytes in(seed.begin(), seed.end());
    for (int s = 24; s >= 0; s -= 8) in.push_back(static_cast<std::uint8_t>(c >> s));
    Bytes h = ref_sha1(in);
    out.insert(out.end(), h.begin(), h.end());
  }
  out.resize(len);
  return out;
}

struct RefBlock {
  std::uint8_t i = 0x2a;
  std::uint8_t bt = 0x03;
  std::uint8_t bc = 0x01;
  Bytes v = Bytes(7, 0x00);
  Bytes adb;
  Bytes salt = Bytes(16, 0x5a);
};

// EM = I ‖ A ‖ B, A = DB ⊕ MGF1(salt), B = salt ⊕ SHA-1(A)[4..20), DB = BT‖BC‖V‖ADB‖0-fill (k−17).
Bytes ref_set_oaep_encode(std::size_t k, const RefBlock& r) {
  Bytes db;
  db.push_back(r.bt);
  db.push_back(r.bc);
  db.insert(db.end(), r.v.begin(), r.v.end());
  db.insert(db.end(), r.adb.begin(), r.adb.end());
  db.resize(k - 17, 0x00);
  const Bytes mask = ref_mgf1_sha1(r.salt, db.size());
  Bytes em{r.i};
  for (std::size_t j = 0; j < db.size(); ++j) em.push_back(db[j] ^ mask[j]);
  const Bytes h = ref_sha1(ByteView(em).subspan(1));
  for (std::size_t j = 0; j < 16; ++j) em.push_back(r.salt[j] ^ h[4 + j]);
  return em;
}

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// Raw RSA (no padding): m^e mod n. Empty on failure (e.g. m >= n).
Bytes raw_rsa_encrypt(const PublicKey& key, ByteView m) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1)
    return {};
  std::size_t len = key.size_bytes();
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, m.data(), m.size()) != 1) return {};
  out.resize(len);
  return out;
}

Bytes raw_rsa_decrypt(const PrivateKey& key, ByteView c) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1)
    return {};
  std::size_t len = key.size_bytes();
  Bytes out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, c.data(), c.size()) != 1) return {};
  out.resize(len);
  return out;
}

// Standard RSAES-OAEP-SHA256 encryption of arbitrary bytes (to forge bad modern blocks).
Bytes oaep_sha256_encrypt(const PublicKey& key, ByteView m) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx.get(), "SHA2-256", nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx.get(), "SHA2-256", nullptr) != 1)
    return {};
  std::size_t len = key.size_bytes();
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, m.data(), m.size()) != 1) return {};
  out.resize(len);
  return out;
}

void expect_does_not_open(const Result<DataBlock>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_EQ(r.error().code, Errc::kDecrypt) << what;
  EXPECT_EQ(r.error().message, "RSA block does not open") << what;
}

constexpr std::uint8_t kAllBc[] = {bc::kKeyOnly,         bc::kKeyHash,         bc::kKeyPanData,
                                   bc::kKeyHashPanToken, bc::kKeyHashPanOnly,  bc::kKeyAcctInfo,
                                   bc::kKeyPanToken,     bc::kKeyExtra,        bc::kKeyHashExtra};

// ---------------------------------------------------------------------------------------------
// Sizes
TEST(KeyTransport, MaximumAdbSizes) {
  EXPECT_EQ(max_adb_size(KeyTransport::kSetOaep, 128), 102u);  // RSA-1024: the SET case
  EXPECT_EQ(max_adb_size(KeyTransport::kSetOaep, 256), 230u);
  EXPECT_EQ(max_adb_size(KeyTransport::kRsaesOaepSha256, 256), 181u);  // 256 − 66 − 9
  EXPECT_EQ(max_adb_size(KeyTransport::kRsaesOaepSha256, 384), 309u);
  EXPECT_EQ(max_adb_size(KeyTransport::kRsaesOaepSha256, 128), 53u);
  EXPECT_EQ(max_adb_size(KeyTransport::kSetOaep, 20), 0u);
}

TEST(KeyTransport, SizeTableOfTheDocument) {
  // docs/set-oaep.md: RSA-1024 → DB 111, ADB area 102, extra data after an 8-byte DES key 94
  // (IBM CCA's XData cap), 74 with a 20-byte hash as well; BC ‖ ADB = k − 25 = 103 (BSAFE).
  const std::size_t k = 128;
  const std::size_t area = max_adb_size(KeyTransport::kSetOaep, k);
  EXPECT_EQ(k - 17, 111u);
  EXPECT_EQ(area, 102u);
  EXPECT_EQ(1 + area, 103u);
  EXPECT_EQ(area - 8, 94u);
  EXPECT_EQ(area - 8 - 20, 74u);
}

// ---------------------------------------------------------------------------------------------
// SET OAEP
TEST(SetOaep, EncoderMatchesTheDocumentedConstruction) {
  RefBlock r;
  r.bc = bc::kKeyHashPanToken;
  r.adb = hex("0123456789abcdef");
  r.salt = hex("000102030405060708090a0b0c0d0e0f");
  r.i = 0x35;
  auto em = set_oaep_encode(128, r.bc, r.adb, r.salt, r.i);
  ASSERT_TRUE(em.ok()) << em.error().to_string();
  EXPECT_EQ(em->size(), 128u);
  EXPECT_EQ(*em, ref_set_oaep_encode(128, r));
  EXPECT_EQ((*em)[0], 0x35);
}

TEST(SetOaep, DecoderInvertsTheEncoderForEveryModulusSize) {
  for (std::size_t k : {std::size_t{26}, std::size_t{64}, std::size_t{128}, std::size_t{256}}) {
    const Bytes adb = random_bytes(max_adb_size(KeyTransport::kSetOaep, k));
    auto em = set_oaep_encode(k, bc::kKeyExtra, adb, random_bytes(16), 0x7f);
    ASSERT_TRUE(em.ok()) << k;
    auto db = set_oaep_decode(*em);
    ASSERT_TRUE(db.ok()) << k;
    EXPECT_EQ(db->block_contents, bc::kKeyExtra);
    EXPECT_EQ(db->adb.expose(), adb);
  }
}

TEST(SetOaep, RoundTripsEveryBlockContentsValue) {
  const PrivateKey& key = testing::rsa1024();
  const PublicKey pub = key.public_key();
  const SecretBytes des_key = random_key(CipherAlg::kDesCbc);
  for (std::uint8_t value : kAllBc) {
    auto ct = rsa_wrap(KeyTransport::kSetOaep, pub, value, des_key.view());
    ASSERT_TRUE(ct.ok()) << ct.error().to_string();
    EXPECT_EQ(ct->size(), 128u);
    auto db = rsa_unwrap(KeyTransport::kSetOaep, key, *ct);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    EXPECT_EQ(db->block_contents, value);
    ASSERT_EQ(db->adb.size(), 102u);  // the whole ADB area comes back, fill included
    EXPECT_EQ(Bytes(db->adb.data(), db->adb.data() + 8), des_key.expose());
    EXPECT_TRUE(std::all_of(db->adb.data() + 8, db->adb.data() + 102, [](std::uint8_t b) { return b == 0; }))
        << "fill must be zero";
  }
  // BC is carried opaquely: values outside our table survive too (the caller checks them).
  for (std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0xff}}) {
    auto db = rsa_unwrap(KeyTransport::kSetOaep, key,
                         rsa_wrap(KeyTransport::kSetOaep, pub, value, {}).value());
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(db->block_contents, value);
  }
}

TEST(SetOaep, RoundTripsEveryAdbLengthFromZeroTo102) {
  const PrivateKey& key = testing::rsa1024();
  const PublicKey pub = key.public_key();
  for (std::size_t len = 0; len <= 102; ++len) {
    const Bytes adb = random_bytes(len);
    auto ct = rsa_wrap(KeyTransport::kSetOaep, pub, bc::kKeyExtra, adb);
    ASSERT_TRUE(ct.ok()) << len << ": " << ct.error().to_string();
    auto db = rsa_unwrap(KeyTransport::kSetOaep, key, *ct);
    ASSERT_TRUE(db.ok()) << len;
    Bytes expected = adb;
    expected.resize(102, 0x00);
    EXPECT_EQ(db->adb.expose(), expected) << len;
  }
}

TEST(SetOaep, AdbLongerThanTheAreaIsRefused) {
  auto r = rsa_wrap(KeyTransport::kSetOaep, testing::rsa1024().public_key(), bc::kKeyExtra,
                    Bytes(103, 0x01));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("maximum of 102"), std::string::npos) << r.error().message;
  auto e = set_oaep_encode(128, bc::kKeyExtra, Bytes(103, 0x01), Bytes(16, 0), 0x01);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::kInvalidArgument);
}

TEST(SetOaep, WrapIsRandomized) {
  const PublicKey pub = testing::rsa1024().public_key();
  const Bytes adb = hex("0123456789abcdef");
  EXPECT_NE(rsa_wrap(KeyTransport::kSetOaep, pub, bc::kKeyOnly, adb).value(),
            rsa_wrap(KeyTransport::kSetOaep, pub, bc::kKeyOnly, adb).value());
}

TEST(SetOaep, FlippedBitAnywhereInTheCiphertextIsRejected) {
  const PrivateKey& key = testing::rsa1024();
  const Bytes ct = rsa_wrap(KeyTransport::kSetOaep, key.public_key(), bc::kKeyPanData,
                            random_bytes(60)).value();
  for (std::size_t bit = 0; bit < ct.size() * 8; ++bit) {
    Bytes bad = ct;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, bad), "bit " + std::to_string(bit));
  }
}

TEST(SetOaep, FlippedBitInTheEncodedBlockIsRejectedExceptInTheLowBitsOfI) {
  // Every bit of A and B is covered by the BT/V check through the two masks. The low seven bits
  // of I are not integrity-protected (I only keeps EM below n); a change there that keeps I in
  // 0x01..0x7F is invisible, exactly as in the reconstruction.
  const Bytes em = set_oaep_encode(128, bc::kKeyOnly, random_bytes(8), random_bytes(16), 0x41).value();
  for (std::size_t bit = 8; bit < em.size() * 8; ++bit) {  // every bit of A and B
    Bytes bad = em;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    expect_does_not_open(set_oaep_decode(bad), "bit " + std::to_string(bit));
  }
  Bytes high = em;
  high[0] ^= 0x80;  // I's top bit: out of range
  expect_does_not_open(set_oaep_decode(high), "I top bit");
  Bytes low = em;
  low[0] ^= 0x01;  // 0x41 -> 0x40, still in range
  EXPECT_TRUE(set_oaep_decode(low).ok());
}

TEST(SetOaep, WrongRecipientKeyIsRejected) {
  const Bytes ct = rsa_wrap(KeyTransport::kSetOaep, testing::rsa1024().public_key(), bc::kKeyOnly,
                            random_key(CipherAlg::kDesCbc).view()).value();
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, testing::rsa1024b(), ct), "other key");
}

TEST(SetOaep, HandBuiltBlockWithRawRsaOpens) {
  // Control for the tamper tests below: the reference block, correctly formed, opens.
  const PrivateKey& key = testing::rsa1024();
  RefBlock r;
  r.bc = bc::kKeyAcctInfo;
  r.adb = random_bytes(50);
  const Bytes ct = raw_rsa_encrypt(key.public_key(), ref_set_oaep_encode(128, r));
  ASSERT_EQ(ct.size(), 128u);
  auto db = rsa_unwrap(KeyTransport::kSetOaep, key, ct);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db->block_contents, bc::kKeyAcctInfo);
  EXPECT_EQ(Bytes(db->adb.data(), db->adb.data() + 50), r.adb);
}

TEST(SetOaep, TamperedBlockTypeIsRejected) {
  const PrivateKey& key = testing::rsa1024();
  for (std::uint8_t bt : {std::uint8_t{0x00}, std::uint8_t{0x02}, std::uint8_t{0x04},
                          std::uint8_t{0x83}, std::uint8_t{0xff}}) {
    RefBlock r;
    r.bt = bt;
    r.adb = random_bytes(8);
    const Bytes ct = raw_rsa_encrypt(key.public_key(), ref_set_oaep_encode(128, r));
    ASSERT_EQ(ct.size(), 128u);
    expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, ct), "BT " + std::to_string(bt));
  }
}

TEST(SetOaep, NonZeroVerificationByteIsRejected) {
  const PrivateKey& key = testing::rsa1024();
  for (std::size_t pos = 0; pos < 7; ++pos) {
    RefBlock r;
    r.v[pos] = 0x01;
    r.adb = random_bytes(8);
    const Bytes ct = raw_rsa_encrypt(key.public_key(), ref_set_oaep_encode(128, r));
    ASSERT_EQ(ct.size(), 128u);
    expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, ct), "V[" + std::to_string(pos) + "]");
  }
}

TEST(SetOaep, LeadingByteIsAlwaysBetween01And7F) {
  const PrivateKey& key = testing::rsa1024();
  const PublicKey pub = key.public_key();
  bool saw_high_half = false;
  bool saw_low_half = false;
  for (int n = 0; n < 200; ++n) {
    const Bytes em = raw_rsa_decrypt(key, rsa_wrap(KeyTransport::kSetOaep, pub, bc::kKeyOnly,
                                                   random_bytes(8)).value());
    ASSERT_EQ(em.size(), 128u);
    ASSERT_GE(em[0], 0x01);
    ASSERT_LE(em[0], 0x7f);
    saw_high_half |= em[0] >= 0x40;
    saw_low_half |= em[0] < 0x40;
  }
  EXPECT_TRUE(saw_high_half && saw_low_half) << "I should be drawn from the whole range";
}

TEST(SetOaep, LeadingByteOutsideTheRangeIsRejected) {
  // I = 0x00 through real RSA; I >= 0x80 at the padding level (such an EM may exceed n).
  const PrivateKey& key = testing::rsa1024();
  RefBlock r;
  r.i = 0x00;
  r.adb = random_bytes(8);
  const Bytes ct = raw_rsa_encrypt(key.public_key(), ref_set_oaep_encode(128, r));
  ASSERT_EQ(ct.size(), 128u);
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, ct), "I = 00");
  for (std::uint8_t i : {std::uint8_t{0x00}, std::uint8_t{0x80}, std::uint8_t{0xc3}, std::uint8_t{0xff}}) {
    r.i = i;
    expect_does_not_open(set_oaep_decode(ref_set_oaep_encode(128, r)), "I = " + std::to_string(i));
  }
  r.i = 0x7f;
  EXPECT_TRUE(set_oaep_decode(ref_set_oaep_encode(128, r)).ok());
  r.i = 0x01;
  EXPECT_TRUE(set_oaep_decode(ref_set_oaep_encode(128, r)).ok());
  // And the encoder refuses to produce them.
  EXPECT_FALSE(set_oaep_encode(128, 1, {}, Bytes(16, 0), 0x00).ok());
  EXPECT_FALSE(set_oaep_encode(128, 1, {}, Bytes(16, 0), 0x80).ok());
}

TEST(SetOaep, CiphertextOfWrongLengthOrNotBelowTheModulusIsRejected) {
  const PrivateKey& key = testing::rsa1024();
  const Bytes ct = rsa_wrap(KeyTransport::kSetOaep, key.public_key(), bc::kKeyOnly, random_bytes(8)).value();
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, ByteView(ct).first(127)), "127 bytes");
  Bytes longer = ct;
  longer.insert(longer.begin(), 0x00);
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, longer), "129 bytes");
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, key.public_key().modulus()), "c = n");
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, Bytes(128, 0xff)), "c > n");
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, {}), "empty");
}

TEST(SetOaep, ModulusOfAWholeNumberOfOctetsIsRequired) {
  // A 1028-bit modulus has k = 129 but its top octet is < 0x80, so I ‖ A ‖ B could exceed n.
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1028));
  ASSERT_NE(raw, nullptr);
  auto pub = PublicKey::from_evp(raw);
  EVP_PKEY_free(raw);
  ASSERT_TRUE(pub.ok());
  ASSERT_EQ(pub->bits(), 1028u);
  auto r = rsa_wrap(KeyTransport::kSetOaep, *pub, bc::kKeyOnly, random_bytes(8));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

TEST(SetOaep, LargerKeysWorkAndCarryMore) {
  // set1 end entities use RSA-1024 (SET caps EncryptedKey at 128 octets, enforced above this
  // layer); the construction itself works for any whole-octet modulus.
  const PrivateKey& key = testing::rsa2048();
  const Bytes adb = random_bytes(230);
  auto ct = rsa_wrap(KeyTransport::kSetOaep, key.public_key(), bc::kKeyExtra, adb);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->size(), 256u);
  auto db = rsa_unwrap(KeyTransport::kSetOaep, key, *ct);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db->adb.expose(), adb);
}

// ---------------------------------------------------------------------------------------------
// RSAES-OAEP-SHA256
TEST(ModernOaep, RoundTripsEveryBlockContentsValueAndAdbLength) {
  const PrivateKey& key = testing::rsa2048();
  const PublicKey pub = key.public_key();
  for (std::uint8_t value : kAllBc) {
    const SecretBytes aes_key = random_key(CipherAlg::kAes256Cbc);
    auto ct = rsa_wrap(KeyTransport::kRsaesOaepSha256, pub, value, aes_key.view());
    ASSERT_TRUE(ct.ok()) << ct.error().to_string();
    EXPECT_EQ(ct->size(), 256u);
    auto db = rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, *ct);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    EXPECT_EQ(db->block_contents, value);
    EXPECT_EQ(db->adb.expose(), aes_key.expose()) << "no fill in the modern variant";
  }
  for (std::size_t len = 0; len <= 181; len += 9) {
    const Bytes adb = random_bytes(len);
    auto db = rsa_unwrap(KeyTransport::kRsaesOaepSha256, key,
                         rsa_wrap(KeyTransport::kRsaesOaepSha256, pub, bc::kKeyExtra, adb).value());
    ASSERT_TRUE(db.ok()) << len;
    EXPECT_EQ(db->adb.expose(), adb) << len;
  }
  auto full = rsa_wrap(KeyTransport::kRsaesOaepSha256, pub, bc::kKeyExtra, random_bytes(181));
  EXPECT_TRUE(full.ok());
}

TEST(ModernOaep, AdbLongerThanTheMaximumIsRefused) {
  auto r = rsa_wrap(KeyTransport::kRsaesOaepSha256, testing::rsa2048().public_key(), bc::kKeyExtra,
                    random_bytes(182));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

TEST(ModernOaep, WrongRecipientKeyIsRejected) {
  const Bytes ct = rsa_wrap(KeyTransport::kRsaesOaepSha256, testing::rsa2048().public_key(),
                            bc::kKeyOnly, random_bytes(32)).value();
  expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, testing::rsa2048b(), ct), "other key");
}

TEST(ModernOaep, FlippedBitInTheCiphertextIsRejected) {
  const PrivateKey& key = testing::rsa2048();
  const Bytes ct = rsa_wrap(KeyTransport::kRsaesOaepSha256, key.public_key(), bc::kKeyOnly,
                            random_bytes(32)).value();
  for (std::size_t byte = 0; byte < ct.size(); ++byte) {
    Bytes bad = ct;
    bad[byte] ^= static_cast<std::uint8_t>(1u << (byte % 8));
    expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, bad), "byte " + std::to_string(byte));
  }
}

TEST(ModernOaep, TamperedBlockTypeOrVerificationBytesAreRejected) {
  const PrivateKey& key = testing::rsa2048();
  const PublicKey pub = key.public_key();
  const Bytes good = hex("03 01 00000000000000 00112233445566778899aabbccddeeff");
  ASSERT_TRUE(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, oaep_sha256_encrypt(pub, good)).ok());
  Bytes bad_bt = good;
  bad_bt[0] = 0x02;
  expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, oaep_sha256_encrypt(pub, bad_bt)), "BT");
  for (std::size_t pos = 2; pos < 9; ++pos) {
    Bytes bad_v = good;
    bad_v[pos] = 0x80;
    expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, oaep_sha256_encrypt(pub, bad_v)),
                         "V at " + std::to_string(pos));
  }
  expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, oaep_sha256_encrypt(pub, hex("0301000000"))),
                       "shorter than BT||BC||V");
}

TEST(ModernOaep, SetOaepBlockDoesNotOpenAsModernAndViceVersa) {
  const PrivateKey& key = testing::rsa2048();
  const Bytes set_ct = rsa_wrap(KeyTransport::kSetOaep, key.public_key(), bc::kKeyOnly, random_bytes(8)).value();
  expect_does_not_open(rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, set_ct), "SET block as modern");
  const Bytes modern_ct =
      rsa_wrap(KeyTransport::kRsaesOaepSha256, key.public_key(), bc::kKeyOnly, random_bytes(8)).value();
  expect_does_not_open(rsa_unwrap(KeyTransport::kSetOaep, key, modern_ct), "modern block as SET");
}

TEST(ModernOaep, OpensslPkeyutlOpensOurBlockAndYieldsTheDataBlock) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  const PrivateKey& key = testing::rsa2048();
  testing::write_file(dir.file("key.der"), key.pkcs8_der().view());
  const Bytes adb = random_bytes(40);
  testing::write_file(dir.file("ct"),
                      rsa_wrap(KeyTransport::kRsaesOaepSha256, key.public_key(), bc::kKeyHashPanToken, adb).value());
  auto r = testing::run("openssl pkeyutl -decrypt -keyform DER -inkey " + dir.q("key.der") +
                        " -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256"
                        " -pkeyopt rsa_mgf1_md:sha256 -in " + dir.q("ct") + " -out " + dir.q("db"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Bytes expected = hex("03 04 00000000000000");  // BT ‖ BC ‖ V
  expected.insert(expected.end(), adb.begin(), adb.end());
  EXPECT_EQ(to_hex(testing::read_file(dir.file("db"))), to_hex(expected));
}

TEST(ModernOaep, WeOpenABlockMadeByOpensslPkeyutl) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  const PrivateKey& key = testing::rsa2048();
  testing::write_file(dir.file("pub.der"), key.public_key().spki_der());
  const Bytes db = hex("03 06 00000000000000 a1a2a3a4a5a6a7a8a9aaabacadaeafb0");
  testing::write_file(dir.file("db"), db);
  auto r = testing::run("openssl pkeyutl -encrypt -pubin -keyform DER -inkey " + dir.q("pub.der") +
                        " -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256"
                        " -pkeyopt rsa_mgf1_md:sha256 -in " + dir.q("db") + " -out " + dir.q("ct"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto out = rsa_unwrap(KeyTransport::kRsaesOaepSha256, key, testing::read_file(dir.file("ct")));
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->block_contents, bc::kKeyAcctInfo);
  EXPECT_EQ(to_hex(out->adb.view()), "a1a2a3a4a5a6a7a8a9aaabacadaeafb0");
}

}  // namespace
}  // namespace openset::crypto
