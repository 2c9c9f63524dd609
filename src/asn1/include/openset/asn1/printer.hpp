// `openset decode`: any DER as an indented tree in the manner of `openssl asn1parse -i`, naming
// SET types and fields wherever they are recognised, or as JSON for machines.
//
// The top-level type is found by trying registry.hpp's candidates (the first that decodes the
// whole input strictly wins) or forced by name. Below it the printer follows the type's
// TypeNode; an open type (ANY) after an OID sibling (ContentInfo.contentType,
// EncryptedContentInfo.contentType, Attribute.type, AlgorithmIdentifier.algorithm, ...) is
// printed as the type that OID selects, when its bytes decode as that type. Everything else is
// printed generically: constructed values are descended, and so are OCTET STRINGs whose content
// is one complete constructed DER value.
//
// Input is read strictly (der::Reader): malformed DER is an Error with its byte offset, never a
// crash, and nesting is bounded by der::Limits. With best_effort, whatever parsed is printed
// followed by an "error:" line (text) or an "error" member (JSON).
//
// Text line format (one per TLV):
//   <offset>:d=<depth> hl=<header length> l=<content length> cons|prim: <indent><tag>  <field>: <Type> = <value>
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/der/der.hpp"

namespace openset::asn1 {

struct PrintOptions {
  // Force the top-level type by its Book 3 name ("PIData", "MessageWrapper"); empty = detect.
  std::string type = {};
  // On malformed input (or a forced type that does not decode) print what parsed and then the
  // error, instead of returning the Error.
  bool best_effort = false;
  // Print OCTET STRING / BIT STRING / unknown primitive contents in full in the text output
  // (otherwise cut after `max_hex` octets and marked with "…"). JSON always carries full hex.
  bool full = false;
  std::size_t max_hex = 32;
  der::Limits limits = {};
};

Result<std::string> print_text(ByteView der, const PrintOptions& options = {});
Result<nlohmann::json> print_json(ByteView der, const PrintOptions& options = {});

}  // namespace openset::asn1
