#include "openset/crypto/digest.hpp"

#include <array>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "ossl.hpp"

namespace openset::crypto {

Result<Bytes> digest(DigestAlg alg, ByteView data) {
  OPENSET_TRY(ossl::MdPtr md, ossl::fetch_md(alg));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes out(digest_size(alg));
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size())
    return ossl::failure(Errc::kCrypto, std::string(to_string(alg)) + " digest failed");
  return out;
}

// ---------------------------------------------------------------------------------------------
Hasher::Hasher(DigestAlg alg) : alg_(alg) {
  auto md = ossl::fetch_md(alg);
  ctx_ = EVP_MD_CTX_new();
  if (!md.ok() || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md->get(), nullptr) != 1) {
    failed_ = true;
    ERR_clear_error();
  }
}

Hasher::Hasher(Hasher&& o) noexcept
    : alg_(o.alg_), ctx_(std::exchange(o.ctx_, nullptr)), failed_(std::exchange(o.failed_, true)) {}

Hasher& Hasher::operator=(Hasher&& o) noexcept {
  if (this != &o) {
    EVP_MD_CTX_free(ctx_);
    alg_ = o.alg_;
    ctx_ = std::exchange(o.ctx_, nullptr);
    failed_ = std::exchange(o.failed_, true);
  }
  return *this;
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

Hasher& Hasher::update(ByteView data) {
  if (!failed_ && EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    failed_ = true;
    ERR_clear_error();
  }
  return *this;
}

Result<Bytes> Hasher::finish() {
  if (failed_ || ctx_ == nullptr)
    return make_error(Errc::kCrypto, std::string(to_string(alg_)) + " hasher failed or was moved from");
  Bytes out(digest_size(alg_));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != out.size() ||
      EVP_DigestInit_ex2(ctx_, nullptr, nullptr) != 1) {  // reset, same md
    failed_ = true;
    return ossl::failure(Errc::kCrypto, std::string(to_string(alg_)) + " digest failed");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<Bytes> hmac(DigestAlg alg, ByteView key, ByteView data) {
  OPENSET_CHECK(ossl::ensure_providers());
  ossl::MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return ossl::failure(Errc::kCrypto, "cannot fetch HMAC");
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return ossl::failure(Errc::kCrypto, "cannot create HMAC context");
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(ossl::md_name(alg)), 0),
      OSSL_PARAM_construct_end()};
  // EVP_MAC_init treats a NULL key as "keep the previous key", so an empty key needs a
  // non-null pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_ptr = key.empty() ? &kEmpty : key.data();
  Bytes out(digest_size(alg));
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params.data()) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size())
    return ossl::failure(Errc::kCrypto, "HMAC-" + std::string(to_string(alg)) + " failed");
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<Bytes> mgf1(DigestAlg alg, ByteView seed, std::size_t length) {
  OPENSET_TRY(ossl::MdPtr md, ossl::fetch_md(alg));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return ossl::failure(Errc::kCrypto, "cannot create digest context");
  const std::size_t h = digest_size(alg);
  Bytes out;
  out.reserve(length + h);
  Bytes block(h);
  for (std::uint32_t counter = 0; out.size() < length; ++counter) {
    const std::array<std::uint8_t, 4> c = {
        static_cast<std::uint8_t>(counter >> 24), static_cast<std::uint8_t>(counter >> 16),
        static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)};
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), seed.data(), seed.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), c.data(), c.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), block.data(), &len) != 1 || len != h)
      return ossl::failure(Errc::kCrypto, "MGF1 digest failed");
    out.insert(out.end(), block.begin(), block.end());
  }
  secure_wipe(block);
  secure_wipe(out.data() + length, out.size() - length);  // the mask may be key material
  out.resize(length);
  return out;
}

}  // namespace openset::crypto
