// The envelope core shared by envelope.cpp, encapsulation.cpp and dual_signature.cpp.
#pragma once

#include <cstdint>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/seal/parties.hpp"

namespace openset::seal::detail {

// Seals `plaintext` (one TLV) for `recipient`: fresh key and IV, RSA block
// BT ‖ block_contents ‖ V ‖ key ‖ extra.
Result<asn1::EnvelopedData> envelope(const Recipient& recipient, const der::Oid& content_type,
                                     ByteView plaintext, std::uint8_t block_contents,
                                     ByteView extra);

// What the ADB holds after the key.
struct BlockShape {
  bool hash;   // a digest of the suite's size
  bool param;  // one DER TLV
};

struct Unsealed {
  crypto::SuiteId suite = crypto::SuiteId::kModern;
  std::uint8_t block_contents = 0;
  SecretBytes plaintext;  // one complete TLV
  Bytes hash;             // shape.hash
  SecretBytes param;      // shape.param
};

// Recipient check, suite and policy, set1 bound, RSA unwrap, BC and fill check, decryption and
// a one-TLV check of the plaintext. Every failure after "addressed to us" that involves the
// private key or the ciphertext is kDecrypt "envelope does not open" (except the BC check).
Result<Unsealed> unseal(const asn1::EnvelopedData& env, const KeyHolder& holder,
                        const der::Oid& expected_content_type, std::uint8_t expected_bc,
                        BlockShape shape, const Policy& policy);

}  // namespace openset::seal::detail
