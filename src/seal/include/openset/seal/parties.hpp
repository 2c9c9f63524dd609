// Who takes part in a seal operation: the parameters Book 3 calls SIGNER, RECIPIENT and KeyData,
// the key a receiver opens envelopes with, the keys it trusts for signatures, and its policy.
//
// Keys are referred to, never copied into messages or errors. A party is identified on the wire
// by the IssuerAndSerialNumber of the certificate that carries its key (signature certificate for
// a Signer / TrustedSigner, key-exchange certificate for a Recipient / KeyHolder).
#pragma once

#include <cstdint>
#include <vector>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"

namespace openset::seal {

// SIGNER: a private signature key, the id of its certificate and the suite it signs in.
// `certificates` (complete Certificate TLVs, e.g. the signer's chain) are copied into
// SignedData.certificates when not empty; they are not covered by the signature.
struct Signer {
  const crypto::PrivateKey* key = nullptr;
  asn1::IssuerAndSerialNumber id;
  const crypto::Suite* suite = nullptr;
  std::vector<Bytes> certificates;
};

// RECIPIENT: the public key of the recipient's key-exchange certificate, its id, and the suite
// the sender seals in.
struct Recipient {
  crypto::PublicKey key;
  asn1::IssuerAndSerialNumber id;
  const crypto::Suite* suite = nullptr;
};

// The receiver's side of an envelope: its key-exchange private key and that certificate's id.
struct KeyHolder {
  const crypto::PrivateKey* key = nullptr;
  asn1::IssuerAndSerialNumber id;
};

// A signature key the receiver expects (already validated by the caller: certificate chain,
// revocation, key usage). A SignerInfo must name one of these ids, and verify under its key.
struct TrustedSigner {
  crypto::PublicKey key;
  asn1::IssuerAndSerialNumber id;
};

// KeyData: a symmetric key supplied earlier by the receiver (BackKeyData), for EK / EncK.
struct KeyData {
  crypto::CipherAlg cipher = crypto::CipherAlg::kAes256Cbc;
  SecretBytes key;  // crypto::key_size(cipher) octets
};

// The receiver's policy. The suite of every received signature, digest and envelope is
// identified from its AlgorithmIdentifiers and must be accepted here (else Errc::kPolicy).
// The default accepts the default suite (modern) only.
struct Policy {
  crypto::SuitePolicy suites = crypto::SuitePolicy::only(crypto::default_suite().id);

  static Policy only(crypto::SuiteId id) { return Policy{crypto::SuitePolicy::only(id)}; }
  static Policy all() { return Policy{crypto::SuitePolicy::all()}; }
};

}  // namespace openset::seal
