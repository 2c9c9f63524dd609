// The pki layer: SET's certificate profile, CA hierarchy, CRLs, BrandCRLIdentifier, the
// cardholder's hashed account number, thumbprints and path validation. See src/pki/README.md.
#pragma once

#include "openset/pki/authority.hpp"
#include "openset/pki/identity.hpp"
#include "openset/pki/profile.hpp"
#include "openset/pki/validation.hpp"
