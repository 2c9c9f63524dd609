#include "openset/crypto/signature.hpp"

#include <openssl/rsa.h>

#include "openset/crypto/counters.hpp"
#include "ossl.hpp"

namespace openset::crypto {
namespace {

Error bad_signature() {
  return ossl::quiet_failure(Errc::kSignature, "signature does not verify");
}

}  // namespace

Result<Bytes> sign(const PrivateKey& key, DigestAlg alg, ByteView data) {
  if (!key) return make_error(Errc::kInvalidArgument, "sign: empty private key");
  OPENSET_CHECK(ossl::ensure_providers());
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), &pctx, ossl::md_name(alg), nullptr, nullptr, key.get(),
                            nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return ossl::failure(Errc::kCrypto, "cannot start RSA signature");
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA signature failed");
  Bytes sig(len);
  detail::count_private_op();
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA signature failed");
  sig.resize(len);
  return sig;
}

Status verify(const PublicKey& key, DigestAlg alg, ByteView data, ByteView signature) {
  if (!key) return make_error(Errc::kInvalidArgument, "verify: empty public key");
  OPENSET_CHECK(ossl::ensure_providers());
  if (signature.size() != key.size_bytes()) return bad_signature();
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx ||
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, ossl::md_name(alg), nullptr, nullptr, key.get(),
                              nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return ossl::failure(Errc::kCrypto, "cannot start RSA verification");
  detail::count_public_op();
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) != 1)
    return bad_signature();
  return Ok{};
}

namespace {

Result<ossl::PkeyCtxPtr> digest_ctx(EVP_PKEY* pkey, DigestAlg alg, bool for_sign, ossl::MdPtr& md) {
  OPENSET_TRY(md, ossl::fetch_md(alg));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || (for_sign ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md.get()) != 1)
    return ossl::failure(Errc::kCrypto, "cannot set up RSA PKCS#1 v1.5 with " +
                                            std::string(to_string(alg)));
  return ctx;
}

}  // namespace

Result<Bytes> sign_digest(const PrivateKey& key, DigestAlg alg, ByteView digest) {
  if (!key) return make_error(Errc::kInvalidArgument, "sign_digest: empty private key");
  if (digest.size() != digest_size(alg))
    return make_error(Errc::kInvalidArgument,
                      "sign_digest: a " + std::string(to_string(alg)) + " digest is " +
                          std::to_string(digest_size(alg)) + " octets, got " +
                          std::to_string(digest.size()));
  ossl::MdPtr md;
  OPENSET_TRY(ossl::PkeyCtxPtr ctx, digest_ctx(key.get(), alg, true, md));
  std::size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA signature failed");
  Bytes sig(len);
  detail::count_private_op();
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, digest.data(), digest.size()) != 1)
    return ossl::failure(Errc::kCrypto, "RSA signature failed");
  sig.resize(len);
  return sig;
}

Status verify_digest(const PublicKey& key, DigestAlg alg, ByteView digest, ByteView signature) {
  if (!key) return make_error(Errc::kInvalidArgument, "verify_digest: empty public key");
  if (digest.size() != digest_size(alg)) return bad_signature();
  if (signature.size() != key.size_bytes()) return bad_signature();
  ossl::MdPtr md;
  OPENSET_TRY(ossl::PkeyCtxPtr ctx, digest_ctx(key.get(), alg, false, md));
  detail::count_public_op();
  if (EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) != 1)
    return bad_signature();
  return Ok{};
}

}  // namespace openset::crypto
