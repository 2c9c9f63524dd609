#include "openset/crypto/keys.hpp"

#include <array>
#include <climits>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "openset/crypto/cipher.hpp"
#include "ossl.hpp"

namespace openset::crypto {
namespace {

bool is_rsa(EVP_PKEY* pkey) { return EVP_PKEY_is_a(pkey, "RSA") == 1; }

Bytes i2d_spki(EVP_PKEY* pkey) {
  if (pkey == nullptr) return {};
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(pkey, &buf);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  Bytes out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PublicKey
PublicKey::PublicKey(const PublicKey& o) noexcept : pkey_(o.pkey_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PublicKey::PublicKey(PublicKey&& o) noexcept : pkey_(std::exchange(o.pkey_, nullptr)) {}
PublicKey& PublicKey::operator=(const PublicKey& o) noexcept {
  if (this != &o) {
    if (o.pkey_ != nullptr) EVP_PKEY_up_ref(o.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = o.pkey_;
  }
  return *this;
}
PublicKey& PublicKey::operator=(PublicKey&& o) noexcept {
  if (this != &o) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(o.pkey_, nullptr);
  }
  return *this;
}
PublicKey::~PublicKey() { EVP_PKEY_free(pkey_); }

Result<PublicKey> PublicKey::from_spki_der(ByteView spki) {
  OPENSET_CHECK(ossl::ensure_providers());
  OPENSET_TRY(int len, ossl::to_int(spki.size(), "SubjectPublicKeyInfo"));
  const unsigned char* p = spki.data();
  ossl::PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, len));
  if (!pkey)
    return ossl::quiet_failure(Errc::kMalformed, "not a valid DER SubjectPublicKeyInfo");
  if (p != spki.data() + spki.size())
    return make_error(Errc::kMalformed, "trailing octets after SubjectPublicKeyInfo",
                      static_cast<std::size_t>(p - spki.data()));
  if (!is_rsa(pkey.get())) {
    const char* type = EVP_PKEY_get0_type_name(pkey.get());
    return make_error(Errc::kUnsupported, std::string("public key is ") +
                                              (type != nullptr ? type : "not RSA") +
                                              ", only RSA (rsaEncryption) is supported");
  }
  // DER strictness: the canonical re-encoding must be the input.
  if (i2d_spki(pkey.get()) != Bytes(spki.begin(), spki.end()))
    return make_error(Errc::kNotDer, "SubjectPublicKeyInfo is not in canonical DER form");
  return PublicKey(pkey.release());
}

Result<PublicKey> PublicKey::from_evp(EVP_PKEY* pkey) {
  if (pkey == nullptr) return make_error(Errc::kInvalidArgument, "null EVP_PKEY");
  if (!is_rsa(pkey)) return make_error(Errc::kUnsupported, "only RSA keys are supported");
  EVP_PKEY_up_ref(pkey);
  return PublicKey(pkey);
}

Bytes PublicKey::spki_der() const { return i2d_spki(pkey_); }

unsigned PublicKey::bits() const noexcept {
  return pkey_ == nullptr ? 0u : static_cast<unsigned>(EVP_PKEY_get_bits(pkey_));
}

std::size_t PublicKey::size_bytes() const noexcept {
  return pkey_ == nullptr ? 0u : static_cast<std::size_t>(EVP_PKEY_get_size(pkey_));
}

Bytes PublicKey::modulus() const {
  if (pkey_ == nullptr) return {};
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey_, OSSL_PKEY_PARAM_RSA_N, &raw) != 1) {
    ERR_clear_error();
    return {};
  }
  ossl::BnPtr n(raw);
  Bytes out(size_bytes());
  if (BN_bn2binpad(n.get(), out.data(), static_cast<int>(out.size())) < 0) {
    ERR_clear_error();
    return {};
  }
  return out;
}

bool PublicKey::operator==(const PublicKey& o) const noexcept {
  if (pkey_ == nullptr || o.pkey_ == nullptr) return pkey_ == o.pkey_;
  bool eq = EVP_PKEY_eq(pkey_, o.pkey_) == 1;
  ERR_clear_error();
  return eq;
}

// ---------------------------------------------------------------------------------------------
// PrivateKey
PrivateKey::PrivateKey(const PrivateKey& o) noexcept : pkey_(o.pkey_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PrivateKey::PrivateKey(PrivateKey&& o) noexcept : pkey_(std::exchange(o.pkey_, nullptr)) {}
PrivateKey& PrivateKey::operator=(const PrivateKey& o) noexcept {
  if (this != &o) {
    if (o.pkey_ != nullptr) EVP_PKEY_up_ref(o.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = o.pkey_;
  }
  return *this;
}
PrivateKey& PrivateKey::operator=(PrivateKey&& o) noexcept {
  if (this != &o) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(o.pkey_, nullptr);
  }
  return *this;
}
PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

Result<PrivateKey> PrivateKey::generate_rsa(unsigned bits) {
  if (bits < 1024 || bits > 16384 || bits % 8 != 0)
    return make_error(Errc::kInvalidArgument,
                      "RSA key size must be a multiple of 8 between 1024 and 16384 bits, got " +
                          std::to_string(bits));
  OPENSET_CHECK(ossl::ensure_providers());
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1)
    return ossl::failure(Errc::kCrypto, "cannot start RSA key generation");
  std::size_t nbits = bits;
  unsigned int e = 65537;
  std::array<OSSL_PARAM, 3> params = {OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_BITS, &nbits),
                                      OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_E, &e),
                                      OSSL_PARAM_construct_end()};
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_CTX_set_params(ctx.get(), params.data()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1 || raw == nullptr)
    return ossl::failure(Errc::kCrypto, "RSA key generation failed");
  return PrivateKey(raw);
}

Result<PrivateKey> PrivateKey::from_pkcs8_der(ByteView der) {
  OPENSET_CHECK(ossl::ensure_providers());
  OPENSET_TRY(int len, ossl::to_int(der.size(), "PrivateKeyInfo"));
  const unsigned char* p = der.data();
  ossl::P8InfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, len));
  if (!p8) return ossl::quiet_failure(Errc::kMalformed, "not a valid DER PKCS#8 PrivateKeyInfo");
  if (p != der.data() + der.size())
    return make_error(Errc::kMalformed, "trailing octets after PrivateKeyInfo",
                      static_cast<std::size_t>(p - der.data()));
  ossl::PkeyPtr pkey(EVP_PKCS82PKEY_ex(p8.get(), nullptr, nullptr));
  if (!pkey) return ossl::quiet_failure(Errc::kMalformed, "PrivateKeyInfo does not hold a usable key");
  if (!is_rsa(pkey.get()))
    return make_error(Errc::kUnsupported, "private key is not RSA; only RSA is supported");
  return PrivateKey(pkey.release());
}

SecretBytes PrivateKey::pkcs8_der() const {
  if (pkey_ == nullptr) return {};
  ossl::P8InfoPtr p8(EVP_PKEY2PKCS8(pkey_));
  if (!p8) {
    ERR_clear_error();
    return {};
  }
  unsigned char* buf = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &buf);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  SecretBytes out(ByteView(buf, static_cast<std::size_t>(len)));
  OPENSSL_clear_free(buf, static_cast<std::size_t>(len));
  return out;
}

Result<std::string> PrivateKey::to_encrypted_pem(std::string_view passphrase) const {
  return to_encrypted_pem(passphrase, kDefaultPbkdf2Iterations);
}

Result<std::string> PrivateKey::to_encrypted_pem(std::string_view passphrase,
                                                 unsigned pbkdf2_iterations) const {
  if (pkey_ == nullptr) return make_error(Errc::kInvalidArgument, "empty private key");
  if (passphrase.empty())
    return make_error(Errc::kInvalidArgument, "refusing to encrypt a private key with an empty passphrase");
  if (pbkdf2_iterations == 0 || pbkdf2_iterations > static_cast<unsigned>(INT_MAX))
    return make_error(Errc::kInvalidArgument, "PBKDF2 iteration count out of range");
  OPENSET_TRY(int pass_len, ossl::to_int(passphrase.size(), "passphrase"));
  OPENSET_TRY(ossl::CipherPtr aes, ossl::fetch_cipher(CipherAlg::kAes256Cbc));

  ossl::P8InfoPtr p8(EVP_PKEY2PKCS8(pkey_));
  if (!p8) return ossl::failure(Errc::kCrypto, "cannot convert the key to PKCS#8");
  // PBES2: PBKDF2 with HMAC-SHA256, random 16-byte salt; AES-256-CBC with a random IV.
  ossl::AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(aes.get(), static_cast<int>(pbkdf2_iterations), nullptr,
                                          16, nullptr, NID_hmacWithSHA256, nullptr));
  if (!pbe) return ossl::failure(Errc::kCrypto, "cannot set up PBES2 parameters");
  ossl::X509SigPtr enc(PKCS8_set0_pbe_ex(passphrase.data(), pass_len, p8.get(), pbe.get(), nullptr, nullptr));
  if (!enc) return ossl::failure(Errc::kCrypto, "cannot encrypt the private key");
  (void)pbe.release();  // now owned by `enc`

  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8(bio.get(), enc.get()) != 1)
    return ossl::failure(Errc::kCrypto, "cannot write the encrypted key as PEM");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || data == nullptr) return ossl::failure(Errc::kCrypto, "cannot write PEM");
  return std::string(data, static_cast<std::size_t>(n));
}

Result<PrivateKey> PrivateKey::from_encrypted_pem(std::string_view pem, std::string_view passphrase) {
  OPENSET_CHECK(ossl::ensure_providers());
  OPENSET_TRY(int pem_len, ossl::to_int(pem.size(), "PEM text"));
  OPENSET_TRY(int pass_len, ossl::to_int(passphrase.size(), "passphrase"));
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), pem_len));
  if (!bio) return ossl::failure(Errc::kCrypto, "cannot read PEM");
  ossl::X509SigPtr enc(PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
  if (!enc)
    return ossl::quiet_failure(Errc::kMalformed,
                               "no PEM block 'ENCRYPTED PRIVATE KEY' (PKCS#8 "
                               "EncryptedPrivateKeyInfo) found");
  ossl::P8InfoPtr p8(PKCS8_decrypt_ex(enc.get(), passphrase.data(), pass_len, nullptr, nullptr));
  if (!p8)
    return ossl::quiet_failure(Errc::kDecrypt,
                               "cannot decrypt the private key: wrong passphrase or damaged key file");
  ossl::PkeyPtr pkey(EVP_PKCS82PKEY_ex(p8.get(), nullptr, nullptr));
  if (!pkey)
    return ossl::quiet_failure(Errc::kMalformed, "decrypted PrivateKeyInfo does not hold a usable key");
  if (!is_rsa(pkey.get()))
    return make_error(Errc::kUnsupported, "private key is not RSA; only RSA is supported");
  return PrivateKey(pkey.release());
}

PublicKey PrivateKey::public_key() const {
  if (pkey_ == nullptr) return {};
  // Re-encode as SPKI so the PublicKey holds no private material.
  Bytes spki = i2d_spki(pkey_);
  auto pub = PublicKey::from_spki_der(spki);
  if (!pub.ok()) return {};
  return std::move(pub).value();
}

unsigned PrivateKey::bits() const noexcept {
  return pkey_ == nullptr ? 0u : static_cast<unsigned>(EVP_PKEY_get_bits(pkey_));
}

std::size_t PrivateKey::size_bytes() const noexcept {
  return pkey_ == nullptr ? 0u : static_cast<std::size_t>(EVP_PKEY_get_size(pkey_));
}

}  // namespace openset::crypto
