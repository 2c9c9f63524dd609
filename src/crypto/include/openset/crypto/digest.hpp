// Message digests and HMAC (EVP_MD / EVP_MAC).
#pragma once

#include <openssl/types.h>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::crypto {

Result<Bytes> digest(DigestAlg alg, ByteView data);

// Incremental digest. Move-only. finish() returns the digest and resets the Hasher to the empty
// state, so it can be reused. A failure at construction is reported by finish().
class Hasher {
 public:
  explicit Hasher(DigestAlg alg);
  Hasher(Hasher&& o) noexcept;
  Hasher& operator=(Hasher&& o) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  ~Hasher();

  Hasher& update(ByteView data);
  Result<Bytes> finish();
  DigestAlg algorithm() const noexcept { return alg_; }

 private:
  DigestAlg alg_;
  EVP_MD_CTX* ctx_ = nullptr;
  bool failed_ = false;
};

// HMAC (RFC 2104) via EVP_MAC "HMAC". Any key length, including empty.
Result<Bytes> hmac(DigestAlg alg, ByteView key, ByteView data);

// MGF1 (PKCS#1 v2.2 B.2.1): the mask of `length` bytes from `seed`.
Result<Bytes> mgf1(DigestAlg alg, ByteView seed, std::size_t length);

}  // namespace openset::crypto
