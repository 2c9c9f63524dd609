#include "openset/asn1/set_marketdata.hpp"

#include <string>

namespace openset::asn1::spec {

Status Opaque::decode(der::Reader& r, Bytes& v) const {
  if (auto t = r.peek_tag(); t.ok() && *t != tag) {
    return Error(Errc::kMalformed, "expected " + tag.to_string() + ", found " + t->to_string(),
                 r.offset());
  }
  return Any{}.decode(r, v);  // tag checked above; Any walks the value for DER validity
}

const TypeNode* Opaque::node() const {
  TypeNode n;
  n.kind = tag.constructed ? Kind::kSequence : Kind::kOctetString;
  n.name = std::string(name);
  n.tag = tag;
  return intern(std::move(n));
}

}  // namespace openset::asn1::spec
