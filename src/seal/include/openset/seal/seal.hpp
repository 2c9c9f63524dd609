// The seal layer in one include: SET's cryptographic operators (Book 3, SetPKCS7Plus) at the byte
// level. Everything is in namespace openset::seal. Start with docs/seal.md.
#pragma once

#include "openset/seal/digest.hpp"
#include "openset/seal/dual_signature.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/parties.hpp"
#include "openset/seal/signature.hpp"
