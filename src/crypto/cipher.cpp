#include "openset/crypto/cipher.hpp"

#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include <openssl/rand.h>

#include "ossl.hpp"

namespace openset::crypto {
namespace {

Status check_sizes(CipherAlg alg, ByteView key, ByteView iv) {
  if (key.size() != key_size(alg))
    return make_error(Errc::kInvalidArgument,
                      std::string(to_string(alg)) + " key must be " + std::to_string(key_size(alg)) +
                          " octets, got " + std::to_string(key.size()));
  if (iv.size() != iv_size(alg))
    return make_error(Errc::kInvalidArgument,
                      std::string(to_string(alg)) + " IV must be " + std::to_string(iv_size(alg)) +
                          " octets, got " + std::to_string(iv.size()));
  return Ok{};
}

Result<ossl::CipherCtxPtr> start(CipherAlg alg, ByteView key, ByteView iv, bool encrypting) {
  OPENSET_CHECK(check_sizes(alg, key, iv));
  OPENSET_TRY(ossl::CipherPtr cipher, ossl::fetch_cipher(alg));
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.data(), iv.data(),
                                 encrypting ? 1 : 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 1) != 1)
    return ossl::failure(Errc::kCrypto, "cannot start " + std::string(to_string(alg)));
  return ctx;
}

}  // namespace

Result<Bytes> encrypt(CipherAlg alg, ByteView key, ByteView iv, ByteView plaintext) {
  OPENSET_TRY(ossl::CipherCtxPtr ctx, start(alg, key, iv, true));
  OPENSET_TRY(int in_len, ossl::to_int(plaintext.size(), "plaintext"));
  Bytes out(plaintext.size() + block_size(alg));
  int n1 = 0;
  int n2 = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &n1, plaintext.data(), in_len) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
    return ossl::failure(Errc::kCrypto, std::string(to_string(alg)) + " encryption failed");
  out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
  return out;
}

Result<SecretBytes> decrypt(CipherAlg alg, ByteView key, ByteView iv, ByteView ciphertext) {
  const std::size_t bs = block_size(alg);
  OPENSET_CHECK(check_sizes(alg, key, iv));
  if (ciphertext.empty() || ciphertext.size() % bs != 0)
    return make_error(Errc::kDecrypt, std::string(to_string(alg)) +
                                          " ciphertext length " + std::to_string(ciphertext.size()) +
                                          " is not a positive multiple of " + std::to_string(bs));
  OPENSET_TRY(ossl::CipherCtxPtr ctx, start(alg, key, iv, false));
  OPENSET_TRY(int in_len, ossl::to_int(ciphertext.size(), "ciphertext"));
  SecretBytes out;
  out.resize(ciphertext.size() + bs);
  int n1 = 0;
  int n2 = 0;
  if (EVP_DecryptUpdate(ctx.get(), out.data(), &n1, ciphertext.data(), in_len) != 1)
    return ossl::failure(Errc::kCrypto, std::string(to_string(alg)) + " decryption failed");
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
    return ossl::quiet_failure(Errc::kDecrypt, std::string(to_string(alg)) +
                                                   " decryption failed: bad padding (wrong key or "
                                                   "damaged ciphertext)");
  SecretBytes plain(ByteView(out.data(), static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2)));
  return plain;
}

// ---------------------------------------------------------------------------------------------
Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n == 0) return out;
  if (!ossl::ensure_providers().ok() || n > static_cast<std::size_t>(INT_MAX) ||
      RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    std::fputs("openset: fatal: the random number generator failed\n", stderr);
    std::abort();
  }
  return out;
}

namespace {

// The 4 weak and 12 semi-weak DES keys (FIPS 74 / NIST SP 800-67), with odd parity.
constexpr std::array<std::array<std::uint8_t, 8>, 16> kWeakDesKeys = {{
    {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01},
    {0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE},
    {0x1F, 0x1F, 0x1F, 0x1F, 0x0E, 0x0E, 0x0E, 0x0E},
    {0xE0, 0xE0, 0xE0, 0xE0, 0xF1, 0xF1, 0xF1, 0xF1},
    {0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE},
    {0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01},
    {0x1F, 0xE0, 0x1F, 0xE0, 0x0E, 0xF1, 0x0E, 0xF1},
    {0xE0, 0x1F, 0xE0, 0x1F, 0xF1, 0x0E, 0xF1, 0x0E},
    {0x01, 0xE0, 0x01, 0xE0, 0x01, 0xF1, 0x01, 0xF1},
    {0xE0, 0x01, 0xE0, 0x01, 0xF1, 0x01, 0xF1, 0x01},
    {0x1F, 0xFE, 0x1F, 0xFE, 0x0E, 0xFE, 0x0E, 0xFE},
    {0xFE, 0x1F, 0xFE, 0x1F, 0xFE, 0x0E, 0xFE, 0x0E},
    {0x01, 0x1F, 0x01, 0x1F, 0x01, 0x0E, 0x01, 0x0E},
    {0x1F, 0x01, 0x1F, 0x01, 0x0E, 0x01, 0x0E, 0x01},
    {0xE0, 0xFE, 0xE0, 0xFE, 0xF1, 0xFE, 0xF1, 0xFE},
    {0xFE, 0xE0, 0xFE, 0xE0, 0xFE, 0xF1, 0xFE, 0xF1},
}};

std::uint8_t with_odd_parity(std::uint8_t b) noexcept {
  const unsigned hi = static_cast<unsigned>(b) & 0xFEu;
  unsigned ones = 0;
  for (unsigned i = 1; i < 8; ++i) ones += (hi >> i) & 1u;
  return static_cast<std::uint8_t>(hi | ((ones % 2 == 0) ? 1u : 0u));
}

}  // namespace

bool des_parity_ok(ByteView key) noexcept {
  if (key.size() != 8) return false;
  for (std::uint8_t b : key)
    if (with_odd_parity(b) != b) return false;
  return true;
}

bool des_is_weak(ByteView key) noexcept {
  if (key.size() != 8) return false;
  for (const auto& weak : kWeakDesKeys) {
    bool same = true;
    for (std::size_t i = 0; i < 8; ++i)
      if ((key[i] & 0xFE) != (weak[i] & 0xFE)) same = false;
    if (same) return true;
  }
  return false;
}

SecretBytes random_key(CipherAlg alg) {
  SecretBytes key(random_bytes(key_size(alg)));
  if (alg == CipherAlg::kDesCbc) {
    for (;;) {
      for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = with_odd_parity(key.data()[i]);
      if (!des_is_weak(key.view())) break;
      key = SecretBytes(random_bytes(key_size(alg)));
    }
  }
  return key;
}

}  // namespace openset::crypto
