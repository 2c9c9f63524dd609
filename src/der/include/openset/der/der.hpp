// Strict DER (ITU-T X.690 §10-11) reading and writing.
//
// Reader is a cursor over borrowed bytes, in the manner of BoringSSL's CBS: reading never
// allocates, a child is a sub-span of its parent, and every read either succeeds or returns an
// Error naming what was wrong and the absolute byte offset. DER strictness lives here, so no
// caller can forget it: indefinite lengths, non-minimal lengths and tags, constructed strings,
// non-minimal INTEGERs, BOOLEANs other than 00/FF, non-zero BIT STRING padding, unsorted SET OF,
// and malformed times are all refused.
//
// Writer is an append-only buffer with nested length prefixes (BoringSSL's CBB): begin() a
// constructed value, add children, end() it; SET OF children are sorted on end().
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"

namespace openset::der {

// ---------------------------------------------------------------------------------------------
// Tags
enum class TagClass : std::uint8_t { kUniversal = 0, kApplication = 1, kContext = 2, kPrivate = 3 };

struct Tag {
  TagClass cls = TagClass::kUniversal;
  bool constructed = false;
  std::uint32_t number = 0;

  constexpr bool operator==(const Tag&) const = default;
  // Same class and number, ignoring the constructed bit.
  constexpr bool same_id(const Tag& o) const { return cls == o.cls && number == o.number; }
  constexpr Tag as_constructed() const { return Tag{cls, true, number}; }
  constexpr Tag as_primitive() const { return Tag{cls, false, number}; }
  // "[0]", "[APPLICATION 3]", "SEQUENCE", "INTEGER", "[UNIVERSAL 29]"
  std::string to_string() const;
};

constexpr Tag universal(std::uint32_t n, bool constructed = false) {
  return Tag{TagClass::kUniversal, constructed, n};
}
constexpr Tag context(std::uint32_t n, bool constructed = false) {
  return Tag{TagClass::kContext, constructed, n};
}
constexpr Tag application(std::uint32_t n, bool constructed = false) {
  return Tag{TagClass::kApplication, constructed, n};
}

namespace tags {
inline constexpr Tag kBoolean = universal(1);
inline constexpr Tag kInteger = universal(2);
inline constexpr Tag kBitString = universal(3);
inline constexpr Tag kOctetString = universal(4);
inline constexpr Tag kNull = universal(5);
inline constexpr Tag kOid = universal(6);
inline constexpr Tag kReal = universal(9);
inline constexpr Tag kEnumerated = universal(10);
inline constexpr Tag kUtf8String = universal(12);
inline constexpr Tag kSequence = universal(16, true);
inline constexpr Tag kSet = universal(17, true);
inline constexpr Tag kNumericString = universal(18);
inline constexpr Tag kPrintableString = universal(19);
inline constexpr Tag kT61String = universal(20);
inline constexpr Tag kIa5String = universal(22);
inline constexpr Tag kUtcTime = universal(23);
inline constexpr Tag kGeneralizedTime = universal(24);
inline constexpr Tag kVisibleString = universal(26);
inline constexpr Tag kUniversalString = universal(28);
inline constexpr Tag kBmpString = universal(30);
}  // namespace tags

// The ASN.1 name of a universal tag ("INTEGER"), or "" when it has none.
std::string_view universal_name(std::uint32_t number);
// True for the character-string types (NumericString ... BMPString).
bool is_string_tag(const Tag& t);

// ---------------------------------------------------------------------------------------------
// Values

// OBJECT IDENTIFIER, held as its DER content octets (so comparison is bytewise and cheap).
class Oid {
 public:
  Oid() = default;
  // From dotted text ("2.23.42.0.3"). Returns an error for malformed text.
  static Result<Oid> parse(std::string_view dotted);
  // From arcs; aborts on an impossible OID (use only with literal constants).
  static Oid from_arcs(std::initializer_list<std::uint64_t> arcs);
  // From DER content octets; validated (minimal arcs, last octet complete).
  static Result<Oid> from_der_content(ByteView content, std::size_t offset = 0);

  ByteView der_content() const noexcept { return content_; }
  std::vector<std::uint64_t> arcs() const;
  std::string to_string() const;  // dotted
  bool empty() const noexcept { return content_.empty(); }
  // True when *this lies under (or equals) `arc`.
  bool starts_with(const Oid& arc) const noexcept;

  bool operator==(const Oid& o) const noexcept { return content_ == o.content_; }
  std::strong_ordering operator<=>(const Oid& o) const noexcept { return content_ <=> o.content_; }

 private:
  Bytes content_;
};

// BIT STRING: the bits plus the count of unused bits in the last octet (0..7).
struct BitString {
  Bytes bytes;
  std::uint8_t unused_bits = 0;
  bool operator==(const BitString&) const = default;
  std::size_t bit_length() const { return bytes.size() * 8 - unused_bits; }
  // Named-bit access (bit 0 is the most significant bit of the first octet), as KeyUsage uses.
  bool bit(std::size_t i) const;
  // Builds the DER form of a named-bit list: trailing zero bits removed (X.690 §11.2.2).
  static BitString from_named_bits(std::initializer_list<std::size_t> set_bits);
};

// UTCTime / GeneralizedTime in DER form: always UTC ("Z"), seconds always present,
// GeneralizedTime fractions without trailing zeros (X.690 §11.7, §11.8).
struct Time {
  int year = 1970;    // full year
  int month = 1;      // 1..12
  int day = 1;        // 1..31
  int hour = 0;       // 0..23
  int minute = 0;     // 0..59
  int second = 0;     // 0..59 (60 allowed for a leap second)
  std::uint32_t nanos = 0;  // fraction, GeneralizedTime only

  auto operator<=>(const Time&) const = default;
  static Time from_unix(std::int64_t seconds, std::uint32_t nanos = 0);
  std::int64_t to_unix() const;
  std::string to_iso8601() const;  // "2026-11-27T14:16:43Z"
};

// One complete TLV as found in the input.
struct Element {
  Tag tag;
  ByteView content;   // the value octets
  ByteView tlv;       // tag, length and value
  std::size_t offset = 0;          // absolute offset of the first tag octet
  std::size_t content_offset = 0;  // absolute offset of the first content octet
};

struct Limits {
  std::size_t max_length = 64u << 20;  // largest single value accepted (64 MiB)
  unsigned max_depth = 64;            // deepest nesting of constructed values
};

// ---------------------------------------------------------------------------------------------
// Reader
class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView data, Limits limits = {}) : data_(data), limits_(limits) {}

  bool empty() const noexcept { return pos_ >= data_.size(); }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  // Absolute offset of the cursor in the outermost input.
  std::size_t offset() const noexcept { return base_ + pos_; }
  unsigned depth() const noexcept { return depth_; }
  const Limits& limits() const noexcept { return limits_; }
  ByteView rest() const noexcept { return data_.subspan(pos_); }

  // The tag of the next element, without consuming it (error when empty or malformed).
  Result<Tag> peek_tag() const;
  // True when the next element has exactly this tag.
  bool peek_is(const Tag& t) const;

  // Reads any one TLV.
  Result<Element> read_any();
  // Reads one TLV whose tag must equal `expected`; returns it.
  Result<Element> read_element(const Tag& expected);
  // Reads a constructed element with tag `expected` and returns a Reader over its contents.
  Result<Reader> enter(const Tag& expected);
  Result<Reader> enter_sequence() { return enter(tags::kSequence); }
  // Reads a SET OF with tag `expected` and checks that the children are in DER order
  // (ascending by encoding, X.690 §11.6); returns a Reader over its contents.
  Result<Reader> enter_set_of(const Tag& expected = tags::kSet);
  // Returns a Reader over an element's content (for a constructed Element already read).
  Result<Reader> open(const Element& e) const;

  // Fails unless every byte has been consumed.
  Status expect_end() const;

  // Primitive types. `tag` overrides the universal tag for IMPLICIT tagging.
  Result<bool> read_boolean(const Tag& tag = tags::kBoolean);
  // INTEGER content, validated minimal; two's complement big-endian.
  Result<ByteView> read_integer_bytes(const Tag& tag = tags::kInteger);
  Result<std::int64_t> read_int64(const Tag& tag = tags::kInteger);
  // Non-negative INTEGER as its magnitude (leading 00 stripped); errors if negative.
  Result<ByteView> read_unsigned_bytes(const Tag& tag = tags::kInteger);
  Result<std::int64_t> read_enumerated(const Tag& tag = tags::kEnumerated);
  Result<BitString> read_bit_string(const Tag& tag = tags::kBitString);
  Result<ByteView> read_octet_string(const Tag& tag = tags::kOctetString);
  Status read_null(const Tag& tag = tags::kNull);
  Result<Oid> read_oid(const Tag& tag = tags::kOid);
  // A character string of universal type `type` (charset checked), under `tag` if given.
  Result<std::string_view> read_string(const Tag& type, std::optional<Tag> tag = std::nullopt);
  Result<Time> read_utc_time(const Tag& tag = tags::kUtcTime);
  Result<Time> read_generalized_time(const Tag& tag = tags::kGeneralizedTime);

 private:
  Reader(ByteView data, std::size_t base, unsigned depth, Limits limits)
      : data_(data), base_(base), depth_(depth), limits_(limits) {}
  Result<Element> parse_header(std::size_t at) const;
  Result<Element> read_primitive(const Tag& tag, const char* what);

  ByteView data_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;
  unsigned depth_ = 0;
  Limits limits_;
};

// Content-level validators (shared with Reader and usable on Element contents).
Result<bool> parse_boolean(ByteView content, std::size_t offset);
Status check_integer(ByteView content, std::size_t offset);
Result<std::int64_t> parse_int64(ByteView content, std::size_t offset);
Result<BitString> parse_bit_string(ByteView content, std::size_t offset);
Status check_string(std::uint32_t universal_type, ByteView content, std::size_t offset);
Result<Time> parse_utc_time(ByteView content, std::size_t offset);
Result<Time> parse_generalized_time(ByteView content, std::size_t offset);

// ---------------------------------------------------------------------------------------------
// Writer
class Writer {
 public:
  Writer() = default;

  // Constructed values: begin(tag) ... end(). begin_set_of() ... end() sorts the children.
  Writer& begin(const Tag& tag);
  Writer& begin_sequence() { return begin(tags::kSequence); }
  Writer& begin_set_of(const Tag& tag = tags::kSet);
  Writer& end();

  Writer& add_boolean(bool v, const Tag& tag = tags::kBoolean);
  Writer& add_int64(std::int64_t v, const Tag& tag = tags::kInteger);
  Writer& add_enumerated(std::int64_t v, const Tag& tag = tags::kEnumerated);
  // Non-negative integer given as big-endian magnitude (leading zeros allowed in the input).
  Writer& add_unsigned_bytes(ByteView magnitude, const Tag& tag = tags::kInteger);
  // Integer given as two's complement content; must already be minimal.
  Writer& add_integer_bytes(ByteView twos_complement, const Tag& tag = tags::kInteger);
  Writer& add_bit_string(const BitString& v, const Tag& tag = tags::kBitString);
  Writer& add_octet_string(ByteView v, const Tag& tag = tags::kOctetString);
  Writer& add_null(const Tag& tag = tags::kNull);
  Writer& add_oid(const Oid& v, const Tag& tag = tags::kOid);
  Writer& add_string(const Tag& type, std::string_view v, std::optional<Tag> tag = std::nullopt);
  Writer& add_utc_time(const Time& t, const Tag& tag = tags::kUtcTime);
  Writer& add_generalized_time(const Time& t, const Tag& tag = tags::kGeneralizedTime);
  // Appends an already-encoded TLV (open types, values kept as received).
  Writer& add_raw(ByteView tlv);
  // Appends a TLV with the given tag and content.
  Writer& add_element(const Tag& tag, ByteView content);

  bool balanced() const noexcept { return stack_.empty(); }
  const Bytes& bytes() const noexcept { return buf_; }
  // Returns the encoding; every begin() must have been end()ed (checked in debug builds).
  Bytes finish();

 private:
  struct Open {
    std::size_t start;  // where the tag starts
    std::size_t body;   // where the content starts (after a 1-byte length placeholder)
    bool sort;          // SET OF: sort children on end()
  };
  void put_tag(const Tag& tag);
  std::vector<Open> stack_;
  Bytes buf_;
};

// Encodes a length per X.690 §10.1 (definite, minimal).
void append_length(Bytes& out, std::size_t len);
void append_tag(Bytes& out, const Tag& tag);
// Minimal two's-complement content for an int64.
Bytes int64_content(std::int64_t v);

}  // namespace openset::der
