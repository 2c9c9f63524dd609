// The crypto layer in one include. Everything is in namespace openset::crypto.
#pragma once

#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/cipher.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/crypto/signature.hpp"
#include "openset/crypto/x509.hpp"

namespace openset::crypto {

// Loads OpenSSL's "default" and "legacy" providers into the default library context (once,
// thread-safe). Every function of this layer calls it implicitly; call it at start-up to fail
// early. Fails (Errc::kUnsupported) when the legacy provider, needed for DES-CBC (suite set1),
// cannot be loaded; the modern suite works without it.
Status initialize();

}  // namespace openset::crypto
