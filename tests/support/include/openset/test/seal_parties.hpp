// A test Party seen as the seal layer's parameters (header-only: the support library itself
// does not depend on seal).
#pragma once

#include "openset/seal/parties.hpp"
#include "openset/test/party.hpp"

namespace openset::test {

inline seal::Signer signer(const Party& p, bool with_certificate = false) {
  seal::Signer s{&p.key, p.id, p.suite, {}};
  if (with_certificate) s.certificates.push_back(p.certificate);
  return s;
}
inline seal::Recipient recipient(const Party& p) { return seal::Recipient{p.public_key, p.id, p.suite}; }
inline seal::KeyHolder holder(const Party& p) { return seal::KeyHolder{&p.key, p.id}; }
inline seal::TrustedSigner trusted(const Party& p) { return seal::TrustedSigner{p.public_key, p.id}; }

}  // namespace openset::test
