// One description per ASN.1 type, three uses: encode, decode and print.
//
// A SET type is a plain C++ struct whose `describe` member lists its components once, in the
// order and with the tags of Book 3 (set-1.asn1); the visitor passed to it is an Encoder, a
// Decoder or a Describer (which builds the runtime TypeNode the pretty printer and `openset
// decode` walk). This is the "packager" pattern of jPOS applied to ASN.1:
//
//   struct PANData {                       // SetPayMsgs: PANData ::= SEQUENCE { ... }
//     static constexpr std::string_view kName = "PANData";
//     std::string pan, card_expiry;
//     Bytes pan_secret, ex_nonce;
//     template <class V> void describe(V& v) {
//       v(pan, "pan", spec::Pan());
//       v(card_expiry, "cardExpiry", spec::CardExpiry());
//       v(pan_secret, "panSecret", spec::Secret());
//       v(ex_nonce, "exNonce", spec::Nonce());
//     }
//   };
//
// A CHOICE is a struct with `static constexpr bool kIsChoice = true;`, a `std::variant` member
// and a `describe` that calls `v.template alt<I>(value, "name", spec)` per alternative.
//
// Specs (the second half of each line) say which ASN.1 type a member has and how it is tagged:
// Integer, Octets, Str, Seq<T>, SeqOf<S>, Any, ...; `implicit(n, s)` and `explicit_(n, s)` add
// context tags; a member of type std::optional<V> is OPTIONAL; Default<S> is DEFAULT. The module
// default (IMPLICIT TAGS for SetMessage/SetPayMsgs/SetCertMsgs, EXPLICIT TAGS for SetPKCS7Plus,
// SetCertificate, SetCRL, SetAttribute) is applied by the author of each description: write
// explicit_ wherever the ASN.1 text's module makes a bare [n] explicit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/der/der.hpp"

namespace openset::asn1 {

// ---------------------------------------------------------------------------------------------
// Runtime description (for the printer, JSON output, docs and conformance listing)

enum class Kind : std::uint8_t {
  kBoolean, kInteger, kEnumerated, kBitString, kOctetString, kNull, kOid, kString, kTime,
  kSequence, kSequenceOf, kSetOf, kChoice, kAny, kExplicit,
  kReal,  // REAL (SetPayMsgs FloatingPoint); spec in real.hpp
};

struct NamedNumber {
  std::int64_t value;
  std::string_view name;
};

struct TypeNode;

struct Member {
  std::string_view name;
  const TypeNode* type = nullptr;
  bool optional = false;
  bool has_default = false;
};

struct TypeNode {
  Kind kind = Kind::kAny;
  std::string name;                 // ASN.1 type name ("PANData", "OCTET STRING", "Nonce")
  der::Tag tag;                     // outer tag (unused for kChoice and kAny)
  std::vector<Member> members;      // SEQUENCE components / CHOICE alternatives
  const TypeNode* element = nullptr;  // SEQUENCE OF / SET OF element, EXPLICIT inner type
  std::vector<NamedNumber> named;   // ENUMERATED / INTEGER named values
  std::size_t min_size = 0, max_size = SIZE_MAX;  // SIZE constraint (octets/chars/elements)

  // True when a TLV with tag `t` can start a value of this type.
  bool can_start_with(const der::Tag& t) const;
};

// Interns nodes for the lifetime of the program (types are described once, lazily).
const TypeNode* intern(TypeNode node);

// ---------------------------------------------------------------------------------------------
// Concepts

template <class T>
concept Described = requires(T t) { T::kName; };

template <class T>
concept ChoiceType = Described<T> && requires { T::kIsChoice; };

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

class Encoder;
class Decoder;
class Describer;

// ---------------------------------------------------------------------------------------------
// Specs: how one member is encoded. Every spec has
//   value_type;  der::Tag tag;  bool matches(const der::Tag&) const;
//   void encode(der::Writer&, const value_type&) const;
//   Status decode(der::Reader&, value_type&) const;
//   const TypeNode* node() const;

namespace spec {

struct Bounds {
  std::size_t min = 0;
  std::size_t max = SIZE_MAX;
};

Status check_size(std::size_t n, Bounds b, std::size_t offset, std::string_view what);

struct Boolean {
  using value_type = bool;
  der::Tag tag = der::tags::kBoolean;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const bool& v) const { w.add_boolean(v, tag); }
  Status decode(der::Reader& r, bool& v) const;
  const TypeNode* node() const;
};

// INTEGER that fits in int64, with an optional value range and named numbers.
struct Integer {
  using value_type = std::int64_t;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::string_view name = "INTEGER";
  std::vector<NamedNumber> named = {};
  der::Tag tag = der::tags::kInteger;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const std::int64_t& v) const { w.add_int64(v, tag); }
  Status decode(der::Reader& r, std::int64_t& v) const;
  const TypeNode* node() const;
};

// INTEGER of any size, kept as its minimal two's-complement content octets
// (certificate serial numbers, RSA moduli).
struct BigInteger {
  using value_type = Bytes;
  std::string_view name = "INTEGER";
  der::Tag tag = der::tags::kInteger;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const Bytes& v) const { w.add_integer_bytes(v, tag); }
  Status decode(der::Reader& r, Bytes& v) const;
  const TypeNode* node() const;
};

// ENUMERATED over a C++ enum (or int64) with its named values.
template <class E>
struct Enumerated {
  using value_type = E;
  std::string_view name;
  std::vector<NamedNumber> named;
  der::Tag tag = der::tags::kEnumerated;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const E& v) const { w.add_enumerated(static_cast<std::int64_t>(v), tag); }
  Status decode(der::Reader& r, E& v) const {
    std::size_t at = r.offset();
    OPENSET_TRY(std::int64_t x, r.read_enumerated(tag));
    for (const auto& n : named)
      if (n.value == x) {
        v = static_cast<E>(x);
        return Ok{};
      }
    return Error(Errc::kConstraint, std::string(name) + ": value " + std::to_string(x) +
                                        " is not one of the enumerated values", at);
  }
  const TypeNode* node() const {
    TypeNode n;
    n.kind = Kind::kEnumerated;
    n.name = std::string(name);
    n.tag = tag;
    n.named = named;
    return intern(std::move(n));
  }
};

struct BitStr {
  using value_type = der::BitString;
  std::string_view name = "BIT STRING";
  std::vector<NamedNumber> named = {};
  der::Tag tag = der::tags::kBitString;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const der::BitString& v) const { w.add_bit_string(v, tag); }
  Status decode(der::Reader& r, der::BitString& v) const;
  const TypeNode* node() const;
};

struct Octets {
  using value_type = Bytes;
  Bounds size = {};
  std::string_view name = "OCTET STRING";
  der::Tag tag = der::tags::kOctetString;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const Bytes& v) const { w.add_octet_string(v, tag); }
  Status decode(der::Reader& r, Bytes& v) const;
  const TypeNode* node() const;
};

struct NullValue {
  bool operator==(const NullValue&) const = default;
};
struct Null {
  using value_type = NullValue;
  der::Tag tag = der::tags::kNull;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const NullValue&) const { w.add_null(tag); }
  Status decode(der::Reader& r, NullValue&) const { return r.read_null(tag); }
  const TypeNode* node() const;
};

struct ObjectId {
  using value_type = der::Oid;
  std::string_view name = "OBJECT IDENTIFIER";
  der::Tag tag = der::tags::kOid;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const der::Oid& v) const { w.add_oid(v, tag); }
  Status decode(der::Reader& r, der::Oid& v) const;
  const TypeNode* node() const;
};

// A character string of one universal type; size bounds count characters.
struct Str {
  using value_type = std::string;
  der::Tag type = der::tags::kVisibleString;
  Bounds size = {};
  std::string_view name = {};
  der::Tag tag = type;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const std::string& v) const { w.add_string(type, v, tag); }
  Status decode(der::Reader& r, std::string& v) const;
  const TypeNode* node() const;
};

struct GeneralizedTime {
  using value_type = der::Time;
  std::string_view name = "GeneralizedTime";
  der::Tag tag = der::tags::kGeneralizedTime;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const der::Time& v) const { w.add_generalized_time(v, tag); }
  Status decode(der::Reader& r, der::Time& v) const;
  const TypeNode* node() const;
};

struct UtcTime {
  using value_type = der::Time;
  std::string_view name = "UTCTime";
  der::Tag tag = der::tags::kUtcTime;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const der::Time& v) const { w.add_utc_time(v, tag); }
  Status decode(der::Reader& r, der::Time& v) const;
  const TypeNode* node() const;
};

// An open type (ANY, TYPE-IDENTIFIER.&Type): one complete TLV kept exactly as received.
struct Any {
  using value_type = Bytes;
  std::string_view name = "ANY";
  bool matches(const der::Tag&) const { return true; }
  void encode(der::Writer& w, const Bytes& v) const { w.add_raw(v); }
  Status decode(der::Reader& r, Bytes& v) const;
  const TypeNode* node() const;
};

// A described SEQUENCE type.
template <Described T>
struct Seq {
  using value_type = T;
  der::Tag tag = der::tags::kSequence;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const T& v) const;
  Status decode(der::Reader& r, T& v) const;
  const TypeNode* node() const;
};

// A described CHOICE type (untagged; wrap in explicit_ to tag it).
template <ChoiceType T>
struct Choice {
  using value_type = T;
  bool matches(const der::Tag& t) const;
  void encode(der::Writer& w, const T& v) const;
  Status decode(der::Reader& r, T& v) const;
  const TypeNode* node() const;
};

template <class S>
struct SeqOf {
  using value_type = std::vector<typename S::value_type>;
  S elem = {};
  Bounds size = {};
  std::string_view name = "SEQUENCE OF";
  der::Tag tag = der::tags::kSequence;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const value_type& v) const {
    w.begin(tag);
    for (const auto& e : v) elem.encode(w, e);
    w.end();
  }
  Status decode(der::Reader& r, value_type& v) const {
    std::size_t at = r.offset();
    OPENSET_TRY(der::Reader in, r.enter(tag));
    v.clear();
    while (!in.empty()) {
      typename S::value_type e{};
      if (auto s = elem.decode(in, e); !s.ok()) {
        Error er = std::move(s).error();
        std::string where = "[";  // appended, not `"[" + ...`: GCC 12 -Wrestrict false positive
        where += std::to_string(v.size());
        where += ']';
        er.prefix(where);
        return er;
      }
      v.push_back(std::move(e));
    }
    return check_size(v.size(), size, at, name);
  }
  const TypeNode* node() const {
    TypeNode n;
    n.kind = Kind::kSequenceOf;
    n.name = std::string(name);
    n.tag = tag;
    n.element = elem.node();
    n.min_size = size.min;
    n.max_size = size.max;
    return intern(std::move(n));
  }
};

// SET OF: sorted by encoding on write (X.690 §11.6), order checked on read.
template <class S>
struct SetOf {
  using value_type = std::vector<typename S::value_type>;
  S elem = {};
  Bounds size = {};
  std::string_view name = "SET OF";
  der::Tag tag = der::tags::kSet;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const value_type& v) const {
    w.begin_set_of(tag);
    for (const auto& e : v) elem.encode(w, e);
    w.end();
  }
  Status decode(der::Reader& r, value_type& v) const {
    std::size_t at = r.offset();
    OPENSET_TRY(der::Reader in, r.enter_set_of(tag));
    v.clear();
    while (!in.empty()) {
      typename S::value_type e{};
      OPENSET_CHECK(elem.decode(in, e));
      v.push_back(std::move(e));
    }
    return check_size(v.size(), size, at, name);
  }
  const TypeNode* node() const {
    TypeNode n;
    n.kind = Kind::kSetOf;
    n.name = std::string(name);
    n.tag = tag;
    n.element = elem.node();
    n.min_size = size.min;
    n.max_size = size.max;
    return intern(std::move(n));
  }
};

// [n] EXPLICIT S: an outer constructed context tag around the complete inner encoding.
template <class S>
struct Explicit {
  using value_type = typename S::value_type;
  S inner = {};
  der::Tag tag = der::context(0, true);
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const value_type& v) const {
    w.begin(tag);
    inner.encode(w, v);
    w.end();
  }
  Status decode(der::Reader& r, value_type& v) const {
    OPENSET_TRY(der::Reader in, r.enter(tag));
    OPENSET_CHECK(inner.decode(in, v));
    return in.expect_end();
  }
  const TypeNode* node() const {
    TypeNode n;
    n.kind = Kind::kExplicit;
    n.name = tag.to_string() + " EXPLICIT";
    n.tag = tag;
    n.element = inner.node();
    return intern(std::move(n));
  }
};

// DEFAULT: omitted from the encoding when equal to the default (X.690 §11.5), and refused
// when present with the default value.
template <class S>
struct Default {
  using value_type = typename S::value_type;
  S inner;
  value_type value;
  bool matches(const der::Tag& t) const { return inner.matches(t); }
  const TypeNode* node() const { return inner.node(); }
};

}  // namespace spec

// [n] IMPLICIT: replaces the spec's own tag (keeps its primitive/constructed form).
template <class S>
S implicit(std::uint32_t n, S s) {
  static_assert(!std::is_same_v<S, spec::Any>, "an open type cannot be IMPLICITly tagged");
  s.tag = der::context(n, s.tag.constructed);
  return s;
}
template <class S>
spec::Explicit<S> explicit_(std::uint32_t n, S s) {
  return spec::Explicit<S>{std::move(s), der::context(n, true)};
}
template <class S>
spec::Default<S> with_default(S s, typename S::value_type v) {
  return spec::Default<S>{std::move(s), std::move(v)};
}

// Spec a member gets when none is written: described types, Bytes, bool, int64, Oid.
template <class V>
auto default_spec() {
  if constexpr (ChoiceType<V>) return spec::Choice<V>{};
  else if constexpr (Described<V>) return spec::Seq<V>{};
  else if constexpr (std::is_same_v<V, Bytes>) return spec::Octets{};
  else if constexpr (std::is_same_v<V, bool>) return spec::Boolean{};
  else if constexpr (std::is_same_v<V, std::int64_t>) return spec::Integer{};
  else if constexpr (std::is_same_v<V, der::Oid>) return spec::ObjectId{};
  else if constexpr (std::is_same_v<V, der::Time>) return spec::GeneralizedTime{};
  else static_assert(sizeof(V) == 0, "no default spec for this member type: pass one");
}

// ---------------------------------------------------------------------------------------------
// Visitors

class Encoder {
 public:
  explicit Encoder(der::Writer& w) : w_(w) {}

  template <class M, class S>
  void operator()(const M& member, std::string_view, const S& s) {
    if constexpr (is_optional<M>::value) {
      if (member) put(*member, s);
    } else {
      put(member, s);
    }
  }
  template <class M>
  void operator()(const M& member, std::string_view name) {
    if constexpr (is_optional<M>::value)
      (*this)(member, name, default_spec<typename M::value_type>());
    else
      (*this)(member, name, default_spec<M>());
  }
  template <std::size_t I, class Var, class S>
  void alt(const Var& v, std::string_view, const S& s) {
    if (v.index() == I) s.encode(w_, std::get<I>(v));
  }
  template <std::size_t I, class Var>
  void alt(const Var& v, std::string_view name) {
    alt<I>(v, name, default_spec<std::variant_alternative_t<I, Var>>());
  }

 private:
  template <class V, class S>
  void put(const V& v, const S& s) {
    if constexpr (requires { s.inner; s.value; }) {  // Default<S>
      if (!(v == s.value)) s.inner.encode(w_, v);
    } else {
      s.encode(w_, v);
    }
  }
  der::Writer& w_;
};

class Decoder {
 public:
  explicit Decoder(der::Reader& r) : r_(r) {}

  template <class M, class S>
  void operator()(M& member, std::string_view name, const S& s) {
    if (!status_.ok()) return;
    if constexpr (is_optional<M>::value) {
      if (present(s)) {
        member.emplace();
        run(name, [&] { return get(*member, s); });
      } else {
        member.reset();
      }
    } else if constexpr (requires { s.inner; s.value; }) {  // DEFAULT
      if (present(s)) {
        std::size_t at = r_.offset();
        run(name, [&] { return s.inner.decode(r_, member); });
        if (status_.ok() && member == s.value)
          status_ = Error(Errc::kNotDer, std::string(name) + ": DEFAULT value must be omitted", at);
      } else {
        member = s.value;
      }
    } else {
      run(name, [&] { return s.decode(r_, member); });
    }
  }
  template <class M>
  void operator()(M& member, std::string_view name) {
    if constexpr (is_optional<M>::value)
      (*this)(member, name, default_spec<typename M::value_type>());
    else
      (*this)(member, name, default_spec<M>());
  }
  template <std::size_t I, class Var, class S>
  void alt(Var& v, std::string_view name, const S& s) {
    if (chosen_ || !status_.ok()) return;
    if (!present(s)) return;
    chosen_ = true;
    run(name, [&] { return s.decode(r_, v.template emplace<I>()); });
  }
  template <std::size_t I, class Var>
  void alt(Var& v, std::string_view name) {
    alt<I>(v, name, default_spec<std::variant_alternative_t<I, Var>>());
  }

  bool chosen() const { return chosen_; }
  Status status() const { return status_; }

 private:
  template <class S>
  bool present(const S& s) const {
    if (r_.empty()) return false;
    auto t = r_.peek_tag();
    return t.ok() && s.matches(*t);
  }
  template <class V, class S>
  Status get(V& v, const S& s) {
    if constexpr (requires { s.inner; s.value; }) return s.inner.decode(r_, v);
    else return s.decode(r_, v);
  }
  template <class F>
  void run(std::string_view name, F&& f) {
    Status s = f();
    if (!s.ok()) {
      Error e = std::move(s).error();
      e.prefix(name);
      status_ = std::move(e);
    }
  }
  der::Reader& r_;
  Status status_;
  bool chosen_ = false;
};

class Describer {
 public:
  template <class M, class S>
  void operator()(const M&, std::string_view name, const S& s) {
    bool has_default = requires { s.inner; s.value; };
    members_.push_back(Member{name, s.node(), is_optional<M>::value, has_default});
  }
  template <class M>
  void operator()(const M& member, std::string_view name) {
    if constexpr (is_optional<M>::value)
      (*this)(member, name, default_spec<typename M::value_type>());
    else
      (*this)(member, name, default_spec<M>());
  }
  template <std::size_t I, class Var, class S>
  void alt(const Var&, std::string_view name, const S& s) {
    members_.push_back(Member{name, s.node(), false, false});
  }
  template <std::size_t I, class Var>
  void alt(const Var& v, std::string_view name) {
    alt<I>(v, name, default_spec<std::variant_alternative_t<I, Var>>());
  }
  std::vector<Member> take() { return std::move(members_); }

 private:
  std::vector<Member> members_;
};

// ---------------------------------------------------------------------------------------------
// Spec implementations for described types

template <Described T>
const TypeNode* type_node() {
  static const TypeNode* node = [] {
    TypeNode n;
    n.name = std::string(T::kName);
    if constexpr (ChoiceType<T>) {
      n.kind = Kind::kChoice;
    } else {
      n.kind = Kind::kSequence;
      n.tag = der::tags::kSequence;
    }
    Describer d;
    T tmp{};
    tmp.describe(d);
    n.members = d.take();
    return intern(std::move(n));
  }();
  return node;
}

template <Described T>
void spec::Seq<T>::encode(der::Writer& w, const T& v) const {
  w.begin(tag);
  Encoder e(w);
  const_cast<T&>(v).describe(e);  // describe() only reads through an Encoder
  w.end();
}

template <Described T>
Status spec::Seq<T>::decode(der::Reader& r, T& v) const {
  std::size_t at = r.offset();
  OPENSET_TRY(der::Reader in, r.enter(tag));
  Decoder d(in);
  v.describe(d);
  OPENSET_CHECK(d.status());
  // Inter-component constraints (WITH COMPONENTS ... | WITH COMPONENTS ...) that a component
  // list cannot express: a type states them in `Status check_components(std::size_t at) const`.
  if constexpr (requires(const T& t) { t.check_components(at); })
    OPENSET_CHECK(v.check_components(at));
  if (!in.empty()) {
    return Error(Errc::kMalformed,
                 std::string(T::kName) + ": unexpected " +
                     (in.peek_tag().ok() ? in.peek_tag()->to_string() : std::string("data")) +
                     " after the last component",
                 in.offset());
  }
  return Ok{};
}

template <Described T>
const TypeNode* spec::Seq<T>::node() const {
  const TypeNode* base = type_node<T>();
  if (tag == der::tags::kSequence) return base;
  TypeNode n = *base;  // implicitly re-tagged copy
  n.tag = tag;
  return intern(std::move(n));
}

template <ChoiceType T>
bool spec::Choice<T>::matches(const der::Tag& t) const {
  return type_node<T>()->can_start_with(t);
}

template <ChoiceType T>
void spec::Choice<T>::encode(der::Writer& w, const T& v) const {
  Encoder e(w);
  const_cast<T&>(v).describe(e);
}

template <ChoiceType T>
Status spec::Choice<T>::decode(der::Reader& r, T& v) const {
  std::size_t at = r.offset();
  Decoder d(r);
  v.describe(d);
  OPENSET_CHECK(d.status());
  if (!d.chosen()) {
    auto t = r.peek_tag();
    return Error(Errc::kMalformed,
                 std::string(T::kName) + ": " +
                     (t.ok() ? t->to_string() : std::string("end of input")) +
                     " matches none of the CHOICE alternatives",
                 at);
  }
  return Ok{};
}

template <ChoiceType T>
const TypeNode* spec::Choice<T>::node() const {
  return type_node<T>();
}

// ---------------------------------------------------------------------------------------------
// Entry points

// DER of a described value.
template <Described T>
Bytes encode(const T& v) {
  der::Writer w;
  if constexpr (ChoiceType<T>) spec::Choice<T>{}.encode(w, v);
  else spec::Seq<T>{}.encode(w, v);
  return w.finish();
}

// Decodes exactly one T from `input` (trailing bytes are an error).
template <Described T>
Result<T> decode(ByteView input, der::Limits limits = {}) {
  der::Reader r(input, limits);
  T v{};
  Status s = Ok{};
  if constexpr (ChoiceType<T>) s = spec::Choice<T>{}.decode(r, v);
  else s = spec::Seq<T>{}.decode(r, v);
  if (!s.ok()) return std::move(s).error();
  OPENSET_CHECK(r.expect_end());
  return v;
}

}  // namespace openset::asn1
