// RSA PKCS#1 v1.5 signatures (RSASSA-PKCS1-v1_5), the only signature scheme of both suites.
#pragma once

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"

namespace openset::crypto {

// Hashes `data` with `alg`, then signs (EVP_DigestSign). Signature is size_bytes() long.
Result<Bytes> sign(const PrivateKey& key, DigestAlg alg, ByteView data);
// Any mismatch (wrong key, altered data or signature, wrong length) -> Errc::kSignature.
Status verify(const PublicKey& key, DigestAlg alg, ByteView data, ByteView signature);

// The same over an already computed digest (EVP_PKEY_sign with the signature md set, so the
// DigestInfo is added). digest.size() must equal digest_size(alg) (else kInvalidArgument).
Result<Bytes> sign_digest(const PrivateKey& key, DigestAlg alg, ByteView digest);
Status verify_digest(const PublicKey& key, DigestAlg alg, ByteView digest, ByteView signature);

}  // namespace openset::crypto
