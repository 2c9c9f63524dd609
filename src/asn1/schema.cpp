#include "openset/asn1/schema.hpp"

#include <deque>
#include <mutex>

namespace openset::asn1 {

const TypeNode* intern(TypeNode node) {
  static std::mutex mu;
  static std::deque<TypeNode> nodes;  // deque: stable addresses
  std::lock_guard<std::mutex> lock(mu);
  nodes.push_back(std::move(node));
  return &nodes.back();
}

bool TypeNode::can_start_with(const der::Tag& t) const {
  switch (kind) {
    case Kind::kAny: return true;
    case Kind::kChoice:
      for (const auto& m : members)
        if (m.type && m.type->can_start_with(t)) return true;
      return false;
    default: return tag == t;
  }
}

namespace spec {
namespace {

const TypeNode* leaf(Kind k, std::string_view name, der::Tag tag, Bounds b = {},
                     std::vector<NamedNumber> named = {}) {
  TypeNode n;
  n.kind = k;
  n.name = std::string(name);
  n.tag = tag;
  n.min_size = b.min;
  n.max_size = b.max;
  n.named = std::move(named);
  return intern(std::move(n));
}

}  // namespace

Status check_size(std::size_t n, Bounds b, std::size_t offset, std::string_view what) {
  if (n < b.min || n > b.max) {
    std::string range = std::to_string(b.min) + ".." +
                        (b.max == SIZE_MAX ? std::string("MAX") : std::to_string(b.max));
    return Error(Errc::kConstraint,
                 std::string(what) + " has size " + std::to_string(n) + ", outside SIZE(" + range + ")",
                 offset);
  }
  return Ok{};
}

Status Boolean::decode(der::Reader& r, bool& v) const {
  OPENSET_TRY(v, r.read_boolean(tag));
  return Ok{};
}
const TypeNode* Boolean::node() const { return leaf(Kind::kBoolean, "BOOLEAN", tag); }

Status Integer::decode(der::Reader& r, std::int64_t& v) const {
  std::size_t at = r.offset();
  OPENSET_TRY(v, r.read_int64(tag));
  if (v < min || v > max)
    return Error(Errc::kConstraint,
                 std::string(name) + " value " + std::to_string(v) + " outside (" +
                     std::to_string(min) + ".." + std::to_string(max) + ")",
                 at);
  return Ok{};
}
const TypeNode* Integer::node() const { return leaf(Kind::kInteger, name, tag, {}, named); }

Status BigInteger::decode(der::Reader& r, Bytes& v) const {
  OPENSET_TRY(ByteView c, r.read_integer_bytes(tag));
  v.assign(c.begin(), c.end());
  return Ok{};
}
const TypeNode* BigInteger::node() const { return leaf(Kind::kInteger, name, tag); }

Status BitStr::decode(der::Reader& r, der::BitString& v) const {
  OPENSET_TRY(v, r.read_bit_string(tag));
  return Ok{};
}
const TypeNode* BitStr::node() const { return leaf(Kind::kBitString, name, tag, {}, named); }

Status Octets::decode(der::Reader& r, Bytes& v) const {
  std::size_t at = r.offset();
  OPENSET_TRY(ByteView c, r.read_octet_string(tag));
  OPENSET_CHECK(check_size(c.size(), size, at, name));
  v.assign(c.begin(), c.end());
  return Ok{};
}
const TypeNode* Octets::node() const { return leaf(Kind::kOctetString, name, tag, size); }

const TypeNode* Null::node() const { return leaf(Kind::kNull, "NULL", tag); }

Status ObjectId::decode(der::Reader& r, der::Oid& v) const {
  OPENSET_TRY(v, r.read_oid(tag));
  return Ok{};
}
const TypeNode* ObjectId::node() const { return leaf(Kind::kOid, name, tag); }

Status Str::decode(der::Reader& r, std::string& v) const {
  std::size_t at = r.offset();
  OPENSET_TRY(std::string_view s, r.read_string(type, tag));
  std::size_t chars = s.size();
  if (type.number == 30) chars /= 2;       // BMPString: UCS-2
  else if (type.number == 28) chars /= 4;  // UniversalString: UCS-4
  std::string_view what = name.empty() ? der::universal_name(type.number) : name;
  OPENSET_CHECK(check_size(chars, size, at, what));
  v.assign(s.begin(), s.end());
  return Ok{};
}
const TypeNode* Str::node() const {
  return leaf(Kind::kString, name.empty() ? der::universal_name(type.number) : name, tag, size);
}

Status GeneralizedTime::decode(der::Reader& r, der::Time& v) const {
  OPENSET_TRY(v, r.read_generalized_time(tag));
  return Ok{};
}
const TypeNode* GeneralizedTime::node() const { return leaf(Kind::kTime, name, tag); }

Status UtcTime::decode(der::Reader& r, der::Time& v) const {
  OPENSET_TRY(v, r.read_utc_time(tag));
  return Ok{};
}
const TypeNode* UtcTime::node() const { return leaf(Kind::kTime, name, tag); }

Status Any::decode(der::Reader& r, Bytes& v) const {
  OPENSET_TRY(der::Element e, r.read_any());
  // Walk the value to apply the DER rules and limits to open types too.
  if (e.tag.constructed) {
    std::vector<der::Reader> stack;
    OPENSET_TRY(der::Reader in, r.open(e));
    stack.push_back(in);
    while (!stack.empty()) {
      der::Reader& top = stack.back();
      if (top.empty()) {
        stack.pop_back();
        continue;
      }
      OPENSET_TRY(der::Element c, top.read_any());
      if (c.tag.constructed) {
        OPENSET_TRY(der::Reader child, top.open(c));
        stack.push_back(child);
      }
    }
  }
  v.assign(e.tlv.begin(), e.tlv.end());
  return Ok{};
}
const TypeNode* Any::node() const { return leaf(Kind::kAny, name, der::Tag{}); }

}  // namespace spec
}  // namespace openset::asn1
