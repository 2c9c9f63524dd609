// Private to the crypto layer: RAII handles for OpenSSL objects, algorithm fetching and
// error-queue handling. Nothing outside src/crypto includes this.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::crypto::ossl {

template <auto Fn>
struct Free {
  template <class T>
  void operator()(T* p) const noexcept {
    Fn(p);
  }
};

using MdPtr = std::unique_ptr<EVP_MD, Free<&EVP_MD_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<&EVP_MD_CTX_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, Free<&EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Free<&EVP_CIPHER_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, Free<&EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Free<&EVP_MAC_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free<&EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Free<&BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<&BN_free>>;
using P8InfoPtr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Free<&PKCS8_PRIV_KEY_INFO_free>>;
using X509SigPtr = std::unique_ptr<X509_SIG, Free<&X509_SIG_free>>;
using AlgorPtr = std::unique_ptr<X509_ALGOR, Free<&X509_ALGOR_free>>;

// Loads the "default" and "legacy" providers once (std::call_once). Returns the outcome for the
// default provider; `need_legacy` additionally requires the legacy one (DES).
Status ensure_providers(bool need_legacy = false);

// Drains the OpenSSL error queue into one line ("...: error:1C800064:...:bad decrypt").
std::string drain_errors();
// Error of class `c` with message "`what`" plus the drained OpenSSL reason, if any.
Error failure(Errc c, std::string_view what);
// Error of class `c` with exactly `what`; the OpenSSL error queue is cleared (used where the
// detail must not leak, e.g. RSA unwrap and wrong passphrases).
Error quiet_failure(Errc c, std::string_view what);

// OpenSSL algorithm names.
const char* md_name(DigestAlg alg) noexcept;
const char* cipher_name(CipherAlg alg) noexcept;

Result<MdPtr> fetch_md(DigestAlg alg);
Result<CipherPtr> fetch_cipher(CipherAlg alg);

// int <-> size_t conversions OpenSSL's int-based API needs.
Result<int> to_int(std::size_t n, std::string_view what);

}  // namespace openset::crypto::ossl
