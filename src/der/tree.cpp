// Generic DER tree: see tree.hpp. Rules cite ITU-T X.690 (07/2002) section numbers.
#include "openset/der/tree.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace openset::der {
namespace {

bool is_set(const Tag& t) { return t.cls == TagClass::kUniversal && t.number == 17; }

Node make_node(const Element& e) {
  Node n;
  n.tag = e.tag;
  n.content = e.content;
  n.tlv = e.tlv;
  n.offset = e.offset;
  return n;
}

// A Result's success or failure, without its value.
template <class T>
Status status_of(Result<T> r) {
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

enum class Form { kAny, kPrimitive, kConstructed };

// The form X.690 allows a universal type in DER, and whether the other form is at least BER.
struct FormRule {
  Form form = Form::kAny;
  bool other_is_ber = false;  // true: the other form is valid BER (strings), so kNotDer
};

FormRule form_rule(std::uint32_t number) {
  switch (number) {
    case 1: case 2: case 5: case 6: case 9: case 10: case 13: case 14:
      return {Form::kPrimitive, false};  // §8.2.1, §8.3.1, §8.8.1, §8.19.1, §8.5.1, §8.4
    case 3: case 4: case 7: case 12: case 18: case 19: case 20: case 21: case 22: case 23:
    case 24: case 25: case 26: case 27: case 28: case 30:
      return {Form::kPrimitive, true};  // strings: constructed form is BER only (§10.2)
    case 8: case 11: case 16: case 17: case 29:
      return {Form::kConstructed, false};  // EXTERNAL, EMBEDDED PDV, SEQUENCE, SET, CHARACTER STRING
    default:
      return {};
  }
}

// Checks the form and (for primitives) the content of a universal-class element.
Status check_universal(const Element& e) {
  if (e.tag.cls != TagClass::kUniversal) return Ok{};
  const FormRule rule = form_rule(e.tag.number);
  if (rule.form == Form::kConstructed && !e.tag.constructed)
    return Error(Errc::kMalformed, e.tag.to_string() + " must be constructed", e.offset);
  if (rule.form == Form::kPrimitive && e.tag.constructed)
    return Error(rule.other_is_ber ? Errc::kNotDer : Errc::kMalformed,
                 e.tag.to_string() + " must be primitive" + (rule.other_is_ber ? " in DER" : ""),
                 e.offset);
  if (e.tag.constructed) return Ok{};
  const ByteView c = e.content;
  const std::size_t at = e.content_offset;
  switch (e.tag.number) {
    case 1:
      return status_of(parse_boolean(c, at));
    case 2:
    case 10:
      return check_integer(c, at);
    case 3:
      return status_of(parse_bit_string(c, at));
    case 5:
      if (!c.empty()) return Error(Errc::kMalformed, "NULL must be empty", at);
      return Ok{};
    case 6:
      return status_of(Oid::from_der_content(c, at));
    case 23:
      return status_of(parse_utc_time(c, at));
    case 24:
      return status_of(parse_generalized_time(c, at));
    default:
      if (is_string_tag(e.tag)) return check_string(e.tag.number, c, at);
      return Ok{};
  }
}

}  // namespace

Result<Node> parse_tree(ByteView input, Limits limits) {
  Reader top(input, limits);
  OPENSET_TRY(Element e, top.read_any());
  OPENSET_CHECK(check_universal(e));
  Node root = make_node(e);

  if (e.tag.constructed) {
    // Depth-first with an explicit stack. Only the deepest frame's node gains children, so the
    // Node pointers held by the frames above it stay valid.
    struct Frame {
      Node* node;
      Reader reader;
    };
    std::vector<Frame> stack;
    OPENSET_TRY(Reader inner, top.open(e));
    stack.push_back(Frame{&root, inner});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.reader.empty()) {
        stack.pop_back();
        continue;
      }
      OPENSET_TRY(Element c, f.reader.read_any());
      OPENSET_CHECK(check_universal(c));
      Node* parent = f.node;
      if (is_set(parent->tag) && !parent->children.empty()) {
        // X.690 §11.6: SET OF components in ascending order of their encodings.
        ByteView prev = parent->children.back().tlv;
        if (std::lexicographical_compare(c.tlv.begin(), c.tlv.end(), prev.begin(), prev.end()))
          return Error(Errc::kNotDer, "SET OF components are not in ascending DER order",
                       c.offset);
      }
      parent->children.push_back(make_node(c));
      if (c.tag.constructed) {
        OPENSET_TRY(Reader child, f.reader.open(c));  // enforces limits.max_depth
        stack.push_back(Frame{&parent->children.back(), child});
      }
    }
  }
  OPENSET_CHECK(top.expect_end());
  return root;
}

Bytes encode_tree(const Node& root) {
  Writer w;
  struct Frame {
    const Node* node;
    std::size_t next;
  };
  std::vector<Frame> stack;
  auto start = [&](const Node& n) {
    if (!n.tag.constructed) {
      w.add_element(n.tag, n.content);
      return;
    }
    if (is_set(n.tag))
      w.begin_set_of(n.tag);
    else
      w.begin(n.tag);
    stack.push_back(Frame{&n, 0});
  };
  start(root);
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.node->children.size()) {
      w.end();
      stack.pop_back();
      continue;
    }
    start(f.node->children[f.next++]);
  }
  return w.finish();
}

std::size_t count_nodes(const Node& root) {
  std::size_t n = 0;
  std::vector<const Node*> todo{&root};
  while (!todo.empty()) {
    const Node* x = todo.back();
    todo.pop_back();
    ++n;
    for (const Node& c : x->children) todo.push_back(&c);
  }
  return n;
}

}  // namespace openset::der
