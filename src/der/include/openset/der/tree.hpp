// A generic parsed tree for any DER value.
//
// parse_tree() checks one complete TLV against the DER rules the Reader enforces (tags, lengths,
// nesting limit) and, for the universal types it knows, the content rules too (BOOLEAN, INTEGER,
// ENUMERATED, BIT STRING, NULL, OBJECT IDENTIFIER, the character strings, UTCTime,
// GeneralizedTime; primitive or constructed form as X.690 requires; SET components in ascending
// order of their encodings, which is what DER asks of the SET OF types X.509 and SET use).
// A Node borrows from the input: keep the input alive while the tree is in use.
//
// encode_tree() re-encodes a tree with the Writer: primitives from `content`, constructed values
// from `children` (`content`, `tlv` and `offset` of a constructed node are ignored). For a tree
// that parse_tree() accepted, encode_tree() returns the input byte for byte: DER has one
// encoding per value. Both functions are iterative, so a hostile input cannot exhaust the stack.
#pragma once

#include <cstddef>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/der/der.hpp"

namespace openset::der {

struct Node {
  Tag tag;
  ByteView content;         // the value octets (a constructed node's children, unparsed)
  ByteView tlv;             // tag, length and value
  std::size_t offset = 0;   // absolute offset of the first tag octet
  std::vector<Node> children;  // constructed only
};

// Parses `input`, which must be exactly one DER TLV. `limits.max_depth` bounds the nesting.
Result<Node> parse_tree(ByteView input, Limits limits = {});

// The DER encoding of `node`. SET nodes (universal 17) have their children sorted, so a
// hand-built tree also encodes as DER.
Bytes encode_tree(const Node& node);

// Number of nodes in the tree (the node itself included).
std::size_t count_nodes(const Node& node);

}  // namespace openset::der
