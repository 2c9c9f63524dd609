#include "openset/crypto/key_transport.hpp"

#include <algorithm>

#include <openssl/rsa.h>

#include "openset/crypto/cipher.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/counters.hpp"
#include "ossl.hpp"

namespace openset::crypto {
namespace {

constexpr std::size_t kHeader = 2 + kVerificationBytes;  // BT ‖ BC ‖ V = 9 octets
constexpr std::size_t kSetOaepOverhead = 1 + kSetOaepSaltBytes;  // I and B around A = 17
constexpr std::size_t kSha256Len = 32;

Error does_not_open() { return ossl::quiet_failure(Errc::kDecrypt, "RSA block does not open"); }

// 1 when x == 0, else 0, without a data-dependent branch.
unsigned ct_is_zero(unsigned x) noexcept { return ((x - 1u) >> (sizeof(unsigned) * 8 - 1)) & ((~x) >> (sizeof(unsigned) * 8 - 1)); }

// BT ‖ BC ‖ V checks, constant-time: returns 0 when DB's header is well-formed.
unsigned header_error(const std::uint8_t* db) noexcept {
  unsigned acc = static_cast<unsigned>(db[0] ^ kBlockType);
  for (std::size_t j = 0; j < kVerificationBytes; ++j) acc |= db[2 + j];
  return acc;
}

Result<ossl::PkeyCtxPtr> rsa_ctx(EVP_PKEY* pkey, KeyTransport kt, bool encrypting) {
  OPENSET_CHECK(ossl::ensure_providers());
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return ossl::failure(Errc::kCrypto, "cannot create RSA context");
  if ((encrypting ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1)
    return ossl::failure(Errc::kCrypto, "cannot start RSA operation");
  if (kt == KeyTransport::kSetOaep) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1)
      return ossl::failure(Errc::kCrypto, "cannot select raw RSA");
  } else {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx.get(), "SHA2-256", nullptr) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx.get(), "SHA2-256", nullptr) != 1)
      return ossl::failure(Errc::kCrypto, "cannot set up RSAES-OAEP-SHA256");
  }
  return ctx;
}

Result<Bytes> rsa_encrypt(KeyTransport kt, EVP_PKEY* pkey, ByteView in) {
  OPENSET_TRY(ossl::PkeyCtxPtr ctx, rsa_ctx(pkey, kt, true));
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, in.data(), in.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA encryption failed");
  Bytes out(len);
  detail::count_public_op();
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, in.data(), in.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA encryption failed");
  out.resize(len);
  return out;
}

Result<SecretBytes> rsa_decrypt(KeyTransport kt, EVP_PKEY* pkey, ByteView in) {
  auto ctx = rsa_ctx(pkey, kt, false);
  if (!ctx.ok()) return does_not_open();
  std::size_t len = static_cast<std::size_t>(EVP_PKEY_get_size(pkey));
  SecretBytes out;
  out.resize(len);
  detail::count_private_op();
  if (EVP_PKEY_decrypt(ctx->get(), out.data(), &len, in.data(), in.size()) != 1) return does_not_open();
  SecretBytes result(ByteView(out.data(), len));
  return result;
}

std::uint8_t random_i() {
  for (;;) {
    auto b = static_cast<std::uint8_t>(random_bytes(1)[0] & 0x7F);
    if (b != 0) return b;
  }
}

}  // namespace

std::size_t max_adb_size(KeyTransport kt, std::size_t k) noexcept {
  const std::size_t overhead = kt == KeyTransport::kSetOaep
                                   ? kSetOaepOverhead + kHeader                 // 26
                                   : 2 * kSha256Len + 2 + kHeader;              // 75
  return k > overhead ? k - overhead : 0;
}

// ---------------------------------------------------------------------------------------------
// SET OAEP padding
Result<Bytes> set_oaep_encode(std::size_t k, std::uint8_t block_contents, ByteView adb,
                              ByteView salt, std::uint8_t i) {
  if (k < kSetOaepOverhead + kHeader)
    return make_error(Errc::kInvalidArgument, "SET OAEP: modulus too small");
  if (salt.size() != kSetOaepSaltBytes)
    return make_error(Errc::kInvalidArgument, "SET OAEP: E-Salt must be 16 octets");
  if (i == 0 || i >= 0x80)
    return make_error(Errc::kInvalidArgument, "SET OAEP: leading octet I must be in 0x01..0x7F");
  const std::size_t max = max_adb_size(KeyTransport::kSetOaep, k);
  if (adb.size() > max)
    return make_error(Errc::kInvalidArgument,
                      "SET OAEP: actual data block of " + std::to_string(adb.size()) +
                          " octets exceeds the maximum of " + std::to_string(max) + " for a " +
                          std::to_string(k * 8) + "-bit key");
  const std::size_t db_len = k - kSetOaepOverhead;  // k − 17

  // DB = BT ‖ BC ‖ V ‖ ADB ‖ zero fill
  SecretBytes db;
  db.resize(db_len);
  std::fill(db.data(), db.data() + db_len, std::uint8_t{0});
  db.data()[0] = kBlockType;
  db.data()[1] = block_contents;
  std::copy(adb.begin(), adb.end(), db.data() + kHeader);

  // A = DB ⊕ H1(E-Salt), H1 = MGF1-SHA-1
  OPENSET_TRY(Bytes mask_raw, mgf1(DigestAlg::kSha1, salt, db_len));
  SecretBytes mask(std::move(mask_raw));
  Bytes em(k);
  em[0] = i;
  for (std::size_t j = 0; j < db_len; ++j)
    em[1 + j] = static_cast<std::uint8_t>(db.data()[j] ^ mask.data()[j]);

  // B = E-Salt ⊕ H2(A), H2 = trailing 16 octets of SHA-1(A)
  OPENSET_TRY(Bytes h, digest(DigestAlg::kSha1, ByteView(em).subspan(1, db_len)));
  const std::size_t off = h.size() - kSetOaepSaltBytes;
  for (std::size_t j = 0; j < kSetOaepSaltBytes; ++j)
    em[1 + db_len + j] = static_cast<std::uint8_t>(salt[j] ^ h[off + j]);
  return em;
}

Result<DataBlock> set_oaep_decode(ByteView em) {
  const std::size_t k = em.size();
  if (k < kSetOaepOverhead + kHeader) return does_not_open();
  const std::size_t db_len = k - kSetOaepOverhead;
  const std::uint8_t i = em[0];
  ByteView a = em.subspan(1, db_len);
  ByteView b = em.subspan(1 + db_len, kSetOaepSaltBytes);

  auto h = digest(DigestAlg::kSha1, a);
  if (!h.ok()) return does_not_open();
  const std::size_t off = h->size() - kSetOaepSaltBytes;
  SecretBytes salt;
  salt.resize(kSetOaepSaltBytes);
  for (std::size_t j = 0; j < kSetOaepSaltBytes; ++j)
    salt.data()[j] = static_cast<std::uint8_t>(b[j] ^ (*h)[off + j]);

  auto mask_raw = mgf1(DigestAlg::kSha1, salt.view(), db_len);
  if (!mask_raw.ok()) return does_not_open();
  SecretBytes mask(std::move(mask_raw).value());
  SecretBytes db;
  db.resize(db_len);
  for (std::size_t j = 0; j < db_len; ++j)
    db.data()[j] = static_cast<std::uint8_t>(a[j] ^ mask.data()[j]);

  // I in 0x01..0x7F, BT = 0x03, V = 7 × 0x00; evaluated without early exit.
  unsigned bad = ct_is_zero(i) | static_cast<unsigned>(i >> 7) | header_error(db.data());
  if (bad != 0) return does_not_open();
  return DataBlock{db.data()[1], SecretBytes(ByteView(db.data() + kHeader, db_len - kHeader))};
}

// ---------------------------------------------------------------------------------------------
Result<Bytes> rsa_wrap(KeyTransport kt, const PublicKey& recipient, std::uint8_t block_contents,
                       ByteView adb) {
  if (!recipient) return make_error(Errc::kInvalidArgument, "rsa_wrap: empty recipient key");
  const std::size_t k = recipient.size_bytes();
  const std::size_t max = max_adb_size(kt, k);
  if (adb.size() > max)
    return make_error(Errc::kInvalidArgument,
                      std::string(to_string(kt)) + ": actual data block of " +
                          std::to_string(adb.size()) + " octets exceeds the maximum of " +
                          std::to_string(max) + " for a " + std::to_string(recipient.bits()) +
                          "-bit key");
  if (kt == KeyTransport::kSetOaep) {
    if (recipient.bits() != k * 8)
      return make_error(Errc::kInvalidArgument,
                        "SET OAEP needs an RSA modulus of a whole number of octets, got " +
                            std::to_string(recipient.bits()) + " bits");
    Bytes salt = random_bytes(kSetOaepSaltBytes);
    auto em_raw = set_oaep_encode(k, block_contents, adb, salt, random_i());
    secure_wipe(salt);
    if (!em_raw.ok()) return std::move(em_raw).error();
    SecretBytes em(std::move(em_raw).value());
    return rsa_encrypt(kt, recipient.get(), em.view());
  }
  SecretBytes db;
  db.resize(kHeader + adb.size());
  std::fill(db.data(), db.data() + db.size(), std::uint8_t{0});
  db.data()[0] = kBlockType;
  db.data()[1] = block_contents;
  std::copy(adb.begin(), adb.end(), db.data() + kHeader);
  return rsa_encrypt(kt, recipient.get(), db.view());
}

Result<DataBlock> rsa_unwrap(KeyTransport kt, const PrivateKey& recipient, ByteView encrypted_key) {
  if (!recipient) return does_not_open();
  const std::size_t k = recipient.size_bytes();
  if (encrypted_key.size() != k) return does_not_open();
  OPENSET_TRY(SecretBytes plain, rsa_decrypt(kt, recipient.get(), encrypted_key));
  if (kt == KeyTransport::kSetOaep) {
    if (plain.size() != k) return does_not_open();
    return set_oaep_decode(plain.view());
  }
  if (plain.size() < kHeader) return does_not_open();
  if (header_error(plain.data()) != 0) return does_not_open();
  return DataBlock{plain.data()[1], SecretBytes(ByteView(plain.data() + kHeader, plain.size() - kHeader))};
}

}  // namespace openset::crypto
