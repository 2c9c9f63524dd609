// RSA keys: RAII around EVP_PKEY.
//
// Ownership: both classes hold one reference to an EVP_PKEY. Copying takes another reference
// (EVP_PKEY_up_ref), so copies are cheap and share the same immutable key; moving leaves the
// source empty. A default-constructed key is empty (`!key`); operations on an empty key fail
// with Errc::kInvalidArgument. OpenSSL 3 allows concurrent use of one EVP_PKEY from several
// threads for sign/verify/encrypt/decrypt, so shared copies are thread-safe in that sense.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"

namespace openset::crypto {

class PublicKey {
 public:
  PublicKey() = default;
  PublicKey(const PublicKey& o) noexcept;
  PublicKey(PublicKey&& o) noexcept;
  PublicKey& operator=(const PublicKey& o) noexcept;
  PublicKey& operator=(PublicKey&& o) noexcept;
  ~PublicKey();

  // DER SubjectPublicKeyInfo of an RSA key; anything else (or trailing bytes) is an error.
  // No size policy is applied here: callers check bits() against their suite.
  static Result<PublicKey> from_spki_der(ByteView spki);
  // Takes a new reference to `pkey` (must be RSA).
  static Result<PublicKey> from_evp(EVP_PKEY* pkey);

  Bytes spki_der() const;            // empty for an empty key
  unsigned bits() const noexcept;    // modulus length in bits
  std::size_t size_bytes() const noexcept;  // modulus length in bytes (k)
  Bytes modulus() const;             // n, big-endian, exactly size_bytes() long
  bool operator==(const PublicKey& o) const noexcept;
  explicit operator bool() const noexcept { return pkey_ != nullptr; }
  EVP_PKEY* get() const noexcept { return pkey_; }

 private:
  explicit PublicKey(EVP_PKEY* adopted) noexcept : pkey_(adopted) {}
  EVP_PKEY* pkey_ = nullptr;
};

class PrivateKey {
 public:
  PrivateKey() = default;
  PrivateKey(const PrivateKey& o) noexcept;
  PrivateKey(PrivateKey&& o) noexcept;
  PrivateKey& operator=(const PrivateKey& o) noexcept;
  PrivateKey& operator=(PrivateKey&& o) noexcept;
  ~PrivateKey();

  // New RSA key with e = 65537. bits must be a multiple of 8 in 1024..16384.
  static Result<PrivateKey> generate_rsa(unsigned bits);
  // Unencrypted PKCS#8 PrivateKeyInfo (DER) of an RSA key; for in-memory use and tests.
  static Result<PrivateKey> from_pkcs8_der(ByteView der);
  SecretBytes pkcs8_der() const;

  // PEM "ENCRYPTED PRIVATE KEY": PKCS#8 EncryptedPrivateKeyInfo, PBES2 with AES-256-CBC and
  // PBKDF2-HMAC-SHA256 (random 16-byte salt). The passphrase must not be empty.
  static constexpr unsigned kDefaultPbkdf2Iterations = 600000;
  Result<std::string> to_encrypted_pem(std::string_view passphrase) const;
  Result<std::string> to_encrypted_pem(std::string_view passphrase, unsigned pbkdf2_iterations) const;
  // Wrong passphrase (or damaged file) -> Errc::kDecrypt; the message never contains the
  // passphrase. An unencrypted PEM is refused (Errc::kMalformed).
  static Result<PrivateKey> from_encrypted_pem(std::string_view pem, std::string_view passphrase);

  PublicKey public_key() const;
  unsigned bits() const noexcept;
  std::size_t size_bytes() const noexcept;
  explicit operator bool() const noexcept { return pkey_ != nullptr; }
  EVP_PKEY* get() const noexcept { return pkey_; }

 private:
  explicit PrivateKey(EVP_PKEY* adopted) noexcept : pkey_(adopted) {}
  EVP_PKEY* pkey_ = nullptr;
};

}  // namespace openset::crypto
