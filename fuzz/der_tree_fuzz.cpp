// Fuzzes der::parse_tree / der::encode_tree.
//
// Properties checked (a violation is a crash, __builtin_trap):
//  * a refusal always names an offset inside the input;
//  * an accepted input re-encodes to exactly itself (a DER value has one encoding);
//  * every node's offset, tlv and content agree with where the node lies in the input;
//  * the Reader agrees that the input is exactly one TLV.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "openset/der/der.hpp"
#include "openset/der/tree.hpp"

namespace {

using openset::ByteView;
using openset::der::Node;

void check_nodes(const Node& root, ByteView input) {
  std::vector<const Node*> todo{&root};
  while (!todo.empty()) {
    const Node* n = todo.back();
    todo.pop_back();
    if (n->tlv.data() != input.data() + n->offset) __builtin_trap();
    if (n->offset + n->tlv.size() > input.size()) __builtin_trap();
    if (n->content.data() + n->content.size() != n->tlv.data() + n->tlv.size()) __builtin_trap();
    if (!n->tag.constructed && !n->children.empty()) __builtin_trap();
    std::size_t covered = 0;
    for (const Node& c : n->children) {
      if (c.tlv.data() != n->content.data() + covered) __builtin_trap();
      covered += c.tlv.size();
      todo.push_back(&c);
    }
    if (n->tag.constructed && covered != n->content.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  auto tree = openset::der::parse_tree(input);
  if (!tree.ok()) {
    const auto& e = tree.error();
    if (!e.has_offset() || e.offset > size) __builtin_trap();
    return 0;
  }
  check_nodes(*tree, input);

  const openset::Bytes out = openset::der::encode_tree(*tree);
  if (out.size() != size || (size != 0 && std::memcmp(out.data(), data, size) != 0))
    __builtin_trap();

  openset::der::Reader r(input);
  auto e = r.read_any();
  if (!e.ok() || !r.empty() || e->tlv.size() != size) __builtin_trap();
  return 0;
}
