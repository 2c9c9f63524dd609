#include "openset/asn1/printer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/real.hpp"
#include "openset/asn1/registry.hpp"
#include "openset/asn1/schema.hpp"

namespace openset::asn1 {
namespace {

using nlohmann::json;

// One printed TLV.
struct Node {
  std::size_t offset = 0;
  std::size_t header_len = 0;
  std::size_t length = 0;
  unsigned depth = 0;
  der::Tag tag;
  std::string field;  // component name in the enclosing type, if known
  std::string type;   // ASN.1 type name, if known
  std::string value;  // text value ("" = none)
  std::string name;   // named number ("ddVer0"), if any
  json jvalue;        // JSON value (null = none)
  bool hex = false;   // `value` is hex (cut in text unless --full)
  std::string suffix; // text after a hex value (" (3 unused bits)")
  std::optional<der::Oid> oid;  // set for OBJECT IDENTIFIER values (open-type selection)
  std::vector<Node> children;
};

std::string hex_of(ByteView v) { return to_hex(v); }

std::string escape(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += ch;  // printable ASCII, or UTF-8 octets
    }
  }
  out += '"';
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Text of a character string of universal type `type`, as UTF-8 (BMP/Universal decoded,
// surrogates and out-of-range code points replaced by U+FFFD).
std::string string_text(std::uint32_t type, ByteView c) {
  std::string s;
  if (type == 30 && c.size() % 2 == 0) {
    for (std::size_t i = 0; i < c.size(); i += 2) {
      std::uint32_t cp = (std::uint32_t{c[i]} << 8) | c[i + 1];
      append_utf8(s, (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    }
  } else if (type == 28 && c.size() % 4 == 0) {
    for (std::size_t i = 0; i < c.size(); i += 4) {
      std::uint32_t cp = (std::uint32_t{c[i]} << 24) | (std::uint32_t{c[i + 1]} << 16) |
                         (std::uint32_t{c[i + 2]} << 8) | c[i + 3];
      append_utf8(s, (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) ? 0xfffd : cp);
    }
  } else if (type == 12) {
    s.assign(as_string_view(c));  // validated UTF-8
  } else {
    // 8-bit strings: keep ASCII, show other octets as U+FFFD (JSON needs valid UTF-8).
    for (std::uint8_t b : c) {
      if (b < 0x80) s += static_cast<char>(b);
      else append_utf8(s, 0xfffd);
    }
  }
  return s;
}

Kind kind_of_universal(const der::Tag& t) {
  switch (t.number) {
    case 1: return Kind::kBoolean;
    case 2: return Kind::kInteger;
    case 3: return Kind::kBitString;
    case 4: return Kind::kOctetString;
    case 5: return Kind::kNull;
    case 6: return Kind::kOid;
    case 9: return Kind::kReal;
    case 10: return Kind::kEnumerated;
    case 23: case 24: return Kind::kTime;
    default: return der::is_string_tag(t) ? Kind::kString : Kind::kAny;
  }
}

class Walker {
 public:
  explicit Walker(const PrintOptions& o) : opt_(o) {}

  // Reads one TLV from `r` and appends its node (and subtree) to `out`. `t` is the expected
  // type (nullptr: generic); `hint` the type an OID sibling selected for an open type.
  Status walk(der::Reader& r, const TypeNode* t, std::string field, const RegisteredType* hint,
              unsigned depth, std::vector<Node>& out) {
    OPENSET_TRY(der::Element e, r.read_any());
    Node& n = out.emplace_back();
    n.offset = e.offset;
    n.header_len = e.tlv.size() - e.content.size();
    n.length = e.content.size();
    n.depth = depth;
    n.tag = e.tag;
    n.field = std::move(field);

    // Resolve CHOICEs and open types down to the type of this very TLV.
    std::string path;
    const TypeNode* ty = t;
    while (ty != nullptr) {
      if (ty->kind == Kind::kChoice) {
        const Member* m = nullptr;
        for (const auto& mm : ty->members)
          if (mm.type != nullptr && mm.type->can_start_with(e.tag)) {
            m = &mm;
            break;
          }
        if (m == nullptr) {
          n.type = path + ty->name + " (no alternative for " + e.tag.to_string() + ")";
          ty = nullptr;
          break;
        }
        path += ty->name + "." + std::string(m->name) + " ";
        ty = m->type;
        continue;
      }
      if (ty->kind == Kind::kAny) {
        n.type = path + ty->name;
        if (hint != nullptr && hint->node->can_start_with(e.tag) &&
            hint->check(e.tlv, sub_limits(depth)).ok()) {
          path += ty->name + " -> ";
          ty = hint->node;
          hint = nullptr;
          continue;
        }
        ty = nullptr;
        break;
      }
      if (ty->tag != e.tag) {
        n.type = path + "? (expected " + ty->name + ")";
        ty = nullptr;
      }
      break;
    }

    if (ty == nullptr) return generic(r, e, n);
    if (ty->kind == Kind::kExplicit) {
      n.type = path + ty->name + (ty->element != nullptr ? " " + ty->element->name : "");
      return children(r, e, n, [&](der::Reader& in, std::size_t i) {
        return walk(in, i == 0 ? ty->element : nullptr, i == 0 ? "" : "(unexpected)",
                    i == 0 ? hint : nullptr, depth + 1, n.children);
      });
    }
    n.type = path + ty->name;
    switch (ty->kind) {
      case Kind::kSequence: return sequence(r, e, ty, n);
      case Kind::kSequenceOf:
      case Kind::kSetOf:
        return children(r, e, n, [&](der::Reader& in, std::size_t) {
          return walk(in, ty->element, "", hint, depth + 1, n.children);
        });
      default: return leaf(e, ty->kind, &ty->named, n);
    }
  }

 private:
  der::Limits sub_limits(unsigned depth) const {
    der::Limits l = opt_.limits;
    l.max_depth = depth >= l.max_depth ? 0 : l.max_depth - depth;
    return l;
  }

  template <class F>
  Status children(der::Reader& r, const der::Element& e, Node& n, F&& each) {
    if (!e.tag.constructed) return leaf(e, Kind::kOctetString, nullptr, n);
    OPENSET_TRY(der::Reader in, r.open(e));
    for (std::size_t i = 0; !in.empty(); ++i) OPENSET_CHECK(each(in, i));
    return Ok{};
  }

  Status sequence(der::Reader& r, const der::Element& e, const TypeNode* ty, Node& n) {
    OPENSET_TRY(der::Reader in, r.open(e));
    std::size_t next = 0;
    std::optional<der::Oid> last_oid;
    while (!in.empty()) {
      OPENSET_TRY(der::Tag t, in.peek_tag());
      const Member* m = nullptr;
      for (std::size_t k = next; k < ty->members.size(); ++k)
        if (ty->members[k].type != nullptr && ty->members[k].type->can_start_with(t)) {
          m = &ty->members[k];
          next = k + 1;
          break;
        }
      const RegisteredType* hint = last_oid ? type_for_oid(*last_oid) : nullptr;
      if (m != nullptr) {
        OPENSET_CHECK(walk(in, m->type, std::string(m->name), hint, n.depth + 1, n.children));
      } else {
        // Not a component of this type (or a type kept opaque): print it generically.
        OPENSET_CHECK(walk(in, nullptr, ty->members.empty() ? "" : "(unexpected)", nullptr,
                           n.depth + 1, n.children));
      }
      if (n.children.back().oid) last_oid = n.children.back().oid;
    }
    return Ok{};
  }

  Status generic(der::Reader& r, const der::Element& e, Node& n) {
    if (e.tag.constructed) {
      OPENSET_TRY(der::Reader in, r.open(e));
      while (!in.empty()) OPENSET_CHECK(walk(in, nullptr, "", nullptr, n.depth + 1, n.children));
      return Ok{};
    }
    if (e.tag.cls != der::TagClass::kUniversal) return leaf(e, Kind::kOctetString, nullptr, n);
    Kind k = kind_of_universal(e.tag);
    if (k == Kind::kOctetString && encapsulated(e, n)) return Ok{};
    if (k == Kind::kAny) return leaf(e, Kind::kOctetString, nullptr, n);
    return leaf(e, k, nullptr, n);
  }

  // An OCTET STRING whose content is exactly one constructed DER value: shown as its child.
  bool encapsulated(const der::Element& e, Node& n) {
    if (e.content.empty() || (e.content[0] & 0x20) == 0) return false;
    der::Limits l = sub_limits(n.depth + 1);
    if (l.max_depth == 0) return false;
    der::Reader sub(e.content, l);
    std::vector<Node> kids;
    if (!walk(sub, nullptr, "", nullptr, n.depth + 1, kids).ok() || !sub.empty()) return false;
    shift(kids, e.content_offset);
    n.children = std::move(kids);
    n.value = "(encapsulates DER)";
    return true;
  }

  static void shift(std::vector<Node>& nodes, std::size_t by) {
    for (auto& k : nodes) {
      k.offset += by;
      shift(k.children, by);
    }
  }

  Status leaf(const der::Element& e, Kind kind, const std::vector<NamedNumber>* named, Node& n) {
    ByteView c = e.content;
    std::size_t at = e.content_offset;
    switch (kind) {
      case Kind::kBoolean: {
        OPENSET_TRY(bool b, der::parse_boolean(c, at));
        n.value = b ? "TRUE" : "FALSE";
        n.jvalue = b;
        return Ok{};
      }
      case Kind::kInteger:
      case Kind::kEnumerated: {
        OPENSET_CHECK(der::check_integer(c, at));
        if (c.size() <= 8) {
          OPENSET_TRY(std::int64_t v, der::parse_int64(c, at));
          n.jvalue = v;
          n.value = std::to_string(v);
          if (named != nullptr)
            for (const auto& nn : *named)
              if (nn.value == v) {
                n.name = std::string(nn.name);
                n.value = n.name + "(" + std::to_string(v) + ")";
              }
        } else {
          n.value = "0x" + hex_of(c);
          n.jvalue = n.value;
        }
        return Ok{};
      }
      case Kind::kBitString: {
        OPENSET_TRY(der::BitString b, der::parse_bit_string(c, at));
        n.hex = true;
        n.value = hex_of(b.bytes);
        n.jvalue = n.value;
        if (b.unused_bits != 0) n.suffix = " (" + std::to_string(b.unused_bits) + " unused bits)";
        return Ok{};
      }
      case Kind::kNull:
        if (!c.empty()) return Error(Errc::kMalformed, "NULL must be empty", at);
        return Ok{};
      case Kind::kOid: {
        OPENSET_TRY(der::Oid o, der::Oid::from_der_content(c, at));
        n.value = o.to_string();
        n.jvalue = n.value;
        std::string_view nm = oid::name_of(o);
        if (!nm.empty()) {
          n.name = std::string(nm);
          n.value += " (" + n.name + ")";
        }
        n.oid = std::move(o);
        return Ok{};
      }
      case Kind::kString: {
        std::uint32_t type = 26;  // implicitly tagged: shown as 8-bit text
        if (e.tag.cls == der::TagClass::kUniversal) {
          type = e.tag.number;
          OPENSET_CHECK(der::check_string(type, c, at));
        }
        std::string s = string_text(type, c);
        n.value = escape(s);
        n.jvalue = s;
        return Ok{};
      }
      case Kind::kTime: {
        bool utc = e.tag == der::tags::kUtcTime;
        Result<der::Time> t = utc ? der::parse_utc_time(c, at) : der::parse_generalized_time(c, at);
        if (!t.ok()) return std::move(t).error();
        n.value = t->to_iso8601();
        n.jvalue = n.value;
        return Ok{};
      }
      case Kind::kReal: {
        auto v = decode_real(c, at);
        if (v.ok()) {
          char buf[64];
          auto res = std::to_chars(buf, buf + sizeof buf, *v);
          n.value = std::string(buf, res.ptr);
          n.jvalue = *v;
        } else {  // a REAL outside FloatingPoint's DER form: show the octets
          n.hex = true;
          n.value = hex_of(c);
          n.jvalue = n.value;
          n.suffix = " (REAL not in base-2 DER form)";
        }
        return Ok{};
      }
      default:
        n.hex = true;
        n.value = hex_of(c);
        n.jvalue = n.value;
        return Ok{};
    }
  }

  const PrintOptions& opt_;
};

struct Tree {
  std::string type;  // top-level type name, "" when printed generically
  std::vector<Node> roots;
  std::optional<Error> error;
};

Result<Tree> build(ByteView der, const PrintOptions& opt) {
  Tree tree;
  const RegisteredType* top = nullptr;
  std::optional<Error> type_error;
  if (!opt.type.empty()) {
    top = find_type(opt.type);
    if (top == nullptr)
      return Error(Errc::kInvalidArgument, "unknown type name '" + opt.type + "'");
    if (Status s = top->check(der, opt.limits); !s.ok()) {
      if (!opt.best_effort) return std::move(s).error();
      type_error = std::move(s).error();
    }
  } else {
    for (const RegisteredType* c : top_level_candidates())
      if (c->check(der, opt.limits).ok()) {
        top = c;
        break;
      }
  }
  if (top != nullptr) tree.type = std::string(top->name);

  Walker w(opt);
  der::Reader r(der, opt.limits);
  Status s = w.walk(r, top != nullptr ? top->node : nullptr, "", nullptr, 0, tree.roots);
  if (s.ok()) s = r.expect_end();
  if (!s.ok()) {
    if (!opt.best_effort) return std::move(s).error();
    tree.error = std::move(s).error();
  } else if (type_error) {
    tree.error = std::move(type_error);
  }
  return tree;
}

void render_text(const Node& n, const PrintOptions& opt, std::string& out) {
  char head[96];
  std::snprintf(head, sizeof head, "%5zu:d=%-2u hl=%zu l=%4zu %s: ", n.offset, n.depth,
                n.header_len, n.length, n.tag.constructed ? "cons" : "prim");
  std::string line = head;
  std::string col(std::size_t{n.depth} * 2, ' ');
  col += n.tag.to_string();
  if (col.size() < 22) col.resize(22, ' ');
  line += col;
  std::string label;
  if (!n.field.empty()) label = n.field + (n.type.empty() ? "" : ": " + n.type);
  else label = n.type;
  std::string value = n.value;
  if (n.hex) {
    std::size_t octets = value.size() / 2;
    if (!opt.full && octets > opt.max_hex)
      value = value.substr(0, opt.max_hex * 2) + "\u2026 (" + std::to_string(octets) + " octets)";
    value += n.suffix;
  }
  if (!label.empty()) {
    line += "  ";
    line += label;
  }
  if (!value.empty()) line += (label.empty() ? "  " : " = ") + value;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
  for (const auto& k : n.children) render_text(k, opt, out);
}

std::string_view class_name(der::TagClass c) {
  switch (c) {
    case der::TagClass::kUniversal: return "universal";
    case der::TagClass::kApplication: return "application";
    case der::TagClass::kContext: return "context";
    case der::TagClass::kPrivate: return "private";
  }
  return "universal";
}

json render_json(const Node& n) {
  json j = json::object();
  j["offset"] = n.offset;
  j["depth"] = n.depth;
  j["header_length"] = n.header_len;
  j["length"] = n.length;
  j["tag"] = n.tag.to_string();
  j["class"] = class_name(n.tag.cls);
  j["number"] = n.tag.number;
  j["constructed"] = n.tag.constructed;
  if (!n.field.empty()) j["field"] = n.field;
  if (!n.type.empty()) j["type"] = n.type;
  if (!n.jvalue.is_null()) j["value"] = n.jvalue;
  if (!n.name.empty()) j["name"] = n.name;
  if (!n.children.empty() || n.tag.constructed) {
    json kids = json::array();
    for (const auto& k : n.children) kids.push_back(render_json(k));
    j["children"] = std::move(kids);
  }
  return j;
}

json error_json(const Error& e) {
  json j = json::object();
  j["code"] = errc_name(e.code);
  j["message"] = e.message;
  if (e.has_offset()) j["offset"] = e.offset;
  return j;
}

}  // namespace

Result<std::string> print_text(ByteView der, const PrintOptions& options) {
  OPENSET_TRY(Tree tree, build(der, options));
  std::string out;
  for (const auto& n : tree.roots) render_text(n, options, out);
  if (tree.error) out += "error: " + tree.error->to_string() + "\n";
  return out;
}

Result<nlohmann::json> print_json(ByteView der, const PrintOptions& options) {
  OPENSET_TRY(Tree tree, build(der, options));
  json j = json::object();
  j["type"] = tree.type.empty() ? json(nullptr) : json(tree.type);
  j["root"] = tree.roots.empty() ? json(nullptr) : render_json(tree.roots.front());
  if (tree.error) j["error"] = error_json(*tree.error);
  return j;
}

}  // namespace openset::asn1
