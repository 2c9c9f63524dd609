// Symmetric encryption (CBC with PKCS#5/#7 padding) and randomness.
#pragma once

#include <cstddef>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::crypto {

// key/iv must be key_size()/iv_size() long (else kInvalidArgument). DES needs OpenSSL's legacy
// provider; if it cannot be loaded the error says so (Errc::kUnsupported).
// DES parity bits are ignored, as by every DES implementation.
Result<Bytes> encrypt(CipherAlg alg, ByteView key, ByteView iv, ByteView plaintext);
// Bad padding, a length that is not a positive multiple of the block size, or (usually) a wrong
// key -> Errc::kDecrypt. Note: a wrong key passes the padding check with probability about
// 1/256 (DES) and then yields garbage, so callers must also verify the content (SET always
// does: a signature or a digest follows).
Result<SecretBytes> decrypt(CipherAlg alg, ByteView key, ByteView iv, ByteView ciphertext);

// Fresh random key. DES: odd parity set in every byte; weak and semi-weak keys are never
// returned.
SecretBytes random_key(CipherAlg alg);
// Cryptographically random bytes (RAND_bytes). Aborts the process if the RNG fails.
Bytes random_bytes(std::size_t n);

// True when every byte of an 8-byte DES key has odd parity.
bool des_parity_ok(ByteView key) noexcept;
// True for the 4 weak and 12 semi-weak DES keys (parity bits ignored).
bool des_is_weak(ByteView key) noexcept;

}  // namespace openset::crypto
