// Registry of the typed SET and PKCS#7 types, for `openset decode`, the pretty printer and the
// conformance listing: Book 3 name -> runtime TypeNode + a strict full decoder, and
// OBJECT IDENTIFIER -> the type an open type takes when that OID selects it
// (ContentInfo.contentType / EncryptedContentInfo.contentType -> the content,
//  Attribute.type -> the attribute value, AlgorithmIdentifier.algorithm -> the parameters).
#pragma once

#include <string_view>
#include <vector>

#include "openset/asn1/schema.hpp"

namespace openset::asn1 {

struct RegisteredType {
  std::string_view name;  // Book 3 name: "PIData", "PI-OILink", "SignedData", "Error"
  const TypeNode* node = nullptr;
  // Decodes `der` strictly as exactly one value of this type (decode<T>); Ok when it fits.
  Status (*check)(ByteView der, der::Limits limits) = nullptr;
};

// Every registered type, SET types first (in module order), then the PKCS#7 profile.
const std::vector<RegisteredType>& registered_types();

// By Book 3 name (exact), or nullptr.
const RegisteredType* find_type(std::string_view name);

// The type an open type takes when `oid` selects it, or nullptr when the OID is not known:
// id-set-content-* and PKCS#7 content types, PKCS#9 attribute types, algorithm OIDs.
const RegisteredType* type_for_oid(const der::Oid& oid);

// The types `openset decode` tries, in order, when no type is forced: MessageWrapper, the
// PKCS#7 wrappers (ContentInfo, SignedData, EnvelopedData, DigestedData, EncryptedData), then
// every typed id-set-content type. The first that decodes the whole input wins.
const std::vector<const RegisteredType*>& top_level_candidates();

}  // namespace openset::asn1
