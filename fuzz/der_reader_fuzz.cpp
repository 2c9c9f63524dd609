// Fuzzes every der::Reader read method through a small opcode interpreter.
//
// Input layout: data[0] = n, then n program octets, then the DER input the program reads.
// The interpreter keeps a stack of Readers (entering constructed values pushes, "leave" pops)
// and runs one read per opcode; an opcode may take an operand octet (a tag, a string type).
//
// Properties checked (a violation is a crash, __builtin_trap):
//  * every refusal names an offset inside the input;
//  * whatever a read accepts, the Writer re-encodes to exactly the bytes the read consumed
//    (header and content: DER has one encoding per value), for every typed read;
//  * enter_set_of accepts only children the Writer's SET OF sort leaves in place;
//  * peek_tag and peek_is agree and consume nothing; offsets never go backwards;
//  * Oid text round-trips; Time <-> Unix seconds round-trips.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "openset/der/der.hpp"

namespace {

using namespace openset;       // NOLINT
using namespace openset::der;  // NOLINT

struct Program {
  const std::uint8_t* p;
  std::size_t n;
  std::size_t i = 0;
  bool done() const { return i >= n; }
  std::uint8_t next() { return i < n ? p[i++] : 0; }
};

struct Ctx {
  ByteView input;
  void error(const Error& e) const {
    if (!e.has_offset() || e.offset > input.size()) __builtin_trap();
  }
  template <class T>
  bool ok(const Result<T>& r) const {
    if (!r.ok()) error(r.error());
    return r.ok();
  }
  void same(const Bytes& a, ByteView b) const {
    if (a.size() != b.size() || (!a.empty() && std::memcmp(a.data(), b.data(), a.size()) != 0))
      __builtin_trap();
  }
  void element(const Element& e) const {
    if (e.tlv.data() != input.data() + e.offset) __builtin_trap();
    if (e.content.data() != input.data() + e.content_offset) __builtin_trap();
    if (e.content.data() + e.content.size() != e.tlv.data() + e.tlv.size()) __builtin_trap();
    Writer w;
    w.add_element(e.tag, e.content);
    same(w.finish(), e.tlv);
  }
};

// A tag operand: the universal default, or an implicit context/application tag (high numbers too).
Tag pick_tag(Program& prog, const Tag& dflt) {
  std::uint8_t b = prog.next();
  if (b < 0x80) return dflt;
  Tag t = (b & 0x40) ? application(b & 0x3fu) : context(b & 0x3fu);
  t.constructed = dflt.constructed;
  return t;
}

Tag pick_string_type(Program& prog) {
  static constexpr Tag kTypes[] = {tags::kUtf8String,   tags::kNumericString, tags::kPrintableString,
                                   tags::kT61String,    tags::kIa5String,     tags::kVisibleString,
                                   tags::kUniversalString, tags::kBmpString};
  return kTypes[prog.next() % 8];
}

// The octets a successful read consumed.
ByteView consumed(ByteView before, const Reader& r) {
  return before.first(before.size() - r.remaining());
}

void check_time(const Time& t) {
  if (t.second == 60) return;  // a leap second has no Unix time of its own
  if (Time::from_unix(t.to_unix(), t.nanos) != t) __builtin_trap();
}

constexpr std::size_t kMaxStack = 100;
constexpr std::size_t kMaxSteps = 512;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t plen = std::min<std::size_t>(data[0], size - 1);
  Program prog{data + 1, plen};
  Ctx ctx{ByteView(data + 1 + plen, size - 1 - plen)};

  Limits limits;
  const std::uint8_t lim = prog.next();
  limits.max_depth = 1u + lim % 70u;
  if (lim & 0x80) limits.max_length = 300;

  std::vector<Reader> stack;
  stack.emplace_back(ctx.input, limits);
  for (std::size_t step = 0; !prog.done() && step < kMaxSteps; ++step) {
    Reader& r = stack.back();
    const ByteView before = r.rest();
    const std::size_t off_before = r.offset();
    std::optional<Reader> push;
    const std::uint8_t op = prog.next();
    switch (op % 24) {
      case 0: {
        auto e = r.read_any();
        if (ctx.ok(e)) ctx.element(*e);
        break;
      }
      case 1: {
        Tag t = pick_tag(prog, tags::kBoolean);
        auto v = r.read_boolean(t);
        if (ctx.ok(v)) ctx.same(Writer().add_boolean(*v, t).finish(), consumed(before, r));
        break;
      }
      case 2: {
        Tag t = pick_tag(prog, tags::kInteger);
        auto v = r.read_integer_bytes(t);
        if (ctx.ok(v)) ctx.same(Writer().add_integer_bytes(*v, t).finish(), consumed(before, r));
        break;
      }
      case 3: {
        Tag t = pick_tag(prog, tags::kInteger);
        auto v = r.read_int64(t);
        if (ctx.ok(v)) ctx.same(Writer().add_int64(*v, t).finish(), consumed(before, r));
        break;
      }
      case 4: {
        Tag t = pick_tag(prog, tags::kInteger);
        auto v = r.read_unsigned_bytes(t);
        if (ctx.ok(v)) ctx.same(Writer().add_unsigned_bytes(*v, t).finish(), consumed(before, r));
        break;
      }
      case 5: {
        Tag t = pick_tag(prog, tags::kEnumerated);
        auto v = r.read_enumerated(t);
        if (ctx.ok(v)) ctx.same(Writer().add_enumerated(*v, t).finish(), consumed(before, r));
        break;
      }
      case 6: {
        Tag t = pick_tag(prog, tags::kBitString);
        auto v = r.read_bit_string(t);
        if (ctx.ok(v)) {
          ctx.same(Writer().add_bit_string(*v, t).finish(), consumed(before, r));
          if (v->bit_length() > v->bytes.size() * 8) __builtin_trap();
          (void)v->bit(v->bit_length());
        }
        break;
      }
      case 7: {
        Tag t = pick_tag(prog, tags::kOctetString);
        auto v = r.read_octet_string(t);
        if (ctx.ok(v)) ctx.same(Writer().add_octet_string(*v, t).finish(), consumed(before, r));
        break;
      }
      case 8: {
        Tag t = pick_tag(prog, tags::kNull);
        auto v = r.read_null(t);
        if (v.ok()) ctx.same(Writer().add_null(t).finish(), consumed(before, r));
        else ctx.error(v.error());
        break;
      }
      case 9: {
        Tag t = pick_tag(prog, tags::kOid);
        auto v = r.read_oid(t);
        if (ctx.ok(v)) {
          ctx.same(Writer().add_oid(*v, t).finish(), consumed(before, r));
          auto again = Oid::parse(v->to_string());
          if (!again.ok() || !(*again == *v)) __builtin_trap();  // text round-trips exactly
          (void)v->starts_with(*v);
        }
        break;
      }
      case 10: {
        Tag type = pick_string_type(prog);
        Tag t = pick_tag(prog, type);
        auto v = r.read_string(type, t);
        if (ctx.ok(v)) ctx.same(Writer().add_string(type, *v, t).finish(), consumed(before, r));
        break;
      }
      case 11: {
        Tag t = pick_tag(prog, tags::kUtcTime);
        auto v = r.read_utc_time(t);
        if (ctx.ok(v)) {
          ctx.same(Writer().add_utc_time(*v, t).finish(), consumed(before, r));
          check_time(*v);
        }
        break;
      }
      case 12: {
        Tag t = pick_tag(prog, tags::kGeneralizedTime);
        auto v = r.read_generalized_time(t);
        if (ctx.ok(v)) {
          ctx.same(Writer().add_generalized_time(*v, t).finish(), consumed(before, r));
          check_time(*v);
          (void)v->to_iso8601();
        }
        break;
      }
      case 13: {
        auto in = r.enter_sequence();
        if (ctx.ok(in)) push = *in;
        break;
      }
      case 14: {
        Tag t = pick_tag(prog, tags::kSet);
        auto in = r.enter_set_of(t);
        if (ctx.ok(in)) {
          // Writing the same children in reverse through begin_set_of must restore the input.
          std::vector<ByteView> kids;
          Reader scan = *in;
          while (!scan.empty()) {
            auto c = scan.read_any();
            if (!c.ok()) __builtin_trap();  // enter_set_of already walked them
            kids.push_back(c->tlv);
          }
          Writer w;
          w.begin_set_of(t);
          for (auto it = kids.rbegin(); it != kids.rend(); ++it) w.add_raw(*it);
          w.end();
          ctx.same(w.finish(), consumed(before, r));
          push = *in;
        }
        break;
      }
      case 15: {
        Tag t = pick_tag(prog, context(prog.next() % 4u, true));
        auto in = r.enter(t);
        if (ctx.ok(in)) push = *in;
        break;
      }
      case 16: {  // leave the current constructed value
        if (stack.size() > 1) {
          auto s = r.expect_end();
          if (!s.ok()) ctx.error(s.error());
          stack.pop_back();
          continue;
        }
        break;
      }
      case 17: {
        auto t = r.peek_tag();
        if (r.offset() != off_before) __builtin_trap();
        if (t.ok()) {
          if (!r.peek_is(*t)) __builtin_trap();
          if (r.peek_is(t->as_constructed()) == r.peek_is(t->as_primitive())) __builtin_trap();
        } else {
          ctx.error(t.error());
          if (r.peek_is(tags::kSequence) || r.peek_is(tags::kInteger)) __builtin_trap();
        }
        break;
      }
      case 18: {
        auto s = r.expect_end();
        if (s.ok() != r.empty()) __builtin_trap();
        if (!s.ok()) ctx.error(s.error());
        break;
      }
      case 19: {
        auto t = r.peek_tag();
        Tag want = t.ok() && (prog.next() & 1) ? *t : pick_tag(prog, tags::kSequence);
        auto e = r.read_element(want);
        if (ctx.ok(e)) {
          if (!(e->tag == want)) __builtin_trap();
          ctx.element(*e);
        }
        break;
      }
      case 20: {
        auto e = r.read_any();
        if (ctx.ok(e)) {
          ctx.element(*e);
          auto in = r.open(*e);
          if (ctx.ok(in)) {
            if (!e->tag.constructed) __builtin_trap();
            push = *in;
          }
        }
        break;
      }
      case 21: {  // content validators on whatever the next element holds
        auto e = r.read_any();
        if (ctx.ok(e)) {
          const std::size_t at = e->content_offset;
          if (auto v = parse_boolean(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = check_integer(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = parse_int64(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = parse_bit_string(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = parse_utc_time(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = parse_generalized_time(e->content, at); !v.ok()) ctx.error(v.error());
          if (auto v = Oid::from_der_content(e->content, at); !v.ok()) ctx.error(v.error());
          for (std::uint32_t type : {12u, 18u, 19u, 20u, 22u, 26u, 28u, 30u})
            if (auto v = check_string(type, e->content, at); !v.ok()) ctx.error(v.error());
        }
        break;
      }
      case 22: {  // Oid::parse on the content as text
        auto e = r.read_any();
        if (ctx.ok(e)) {
          auto o = Oid::parse(as_string_view(e->content));
          if (o.ok()) {
            auto back = Oid::from_der_content(o->der_content());
            if (!back.ok() || !(*back == *o)) __builtin_trap();
          }
        }
        break;
      }
      default: {
        (void)r.depth();
        (void)r.limits();
        break;
      }
    }
    if (stack.back().offset() < off_before) __builtin_trap();
    if (push) {
      if (push->depth() > limits.max_depth) __builtin_trap();
      if (stack.size() < kMaxStack) stack.push_back(*push);
    }
  }
  // Drain what is left of every open reader, innermost first.
  while (!stack.empty()) {
    Reader& r = stack.back();
    while (!r.empty()) {
      auto e = r.read_any();
      if (!ctx.ok(e)) break;
      ctx.element(*e);
    }
    stack.pop_back();
  }
  return 0;
}
