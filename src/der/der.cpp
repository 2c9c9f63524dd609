// Strict DER: see der.hpp. Rules cite ITU-T X.690 (07/2002) section numbers.
#include "openset/der/der.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace openset::der {
namespace {

Error err(Errc c, std::string msg, std::size_t off) { return Error(c, std::move(msg), off); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Tags

std::string_view universal_name(std::uint32_t number) {
  switch (number) {
    case 1: return "BOOLEAN";
    case 2: return "INTEGER";
    case 3: return "BIT STRING";
    case 4: return "OCTET STRING";
    case 5: return "NULL";
    case 6: return "OBJECT IDENTIFIER";
    case 9: return "REAL";
    case 10: return "ENUMERATED";
    case 12: return "UTF8String";
    case 16: return "SEQUENCE";
    case 17: return "SET";
    case 18: return "NumericString";
    case 19: return "PrintableString";
    case 20: return "T61String";
    case 22: return "IA5String";
    case 23: return "UTCTime";
    case 24: return "GeneralizedTime";
    case 26: return "VisibleString";
    case 28: return "UniversalString";
    case 30: return "BMPString";
    default: return "";
  }
}

bool is_string_tag(const Tag& t) {
  if (t.cls != TagClass::kUniversal) return false;
  switch (t.number) {
    case 12: case 18: case 19: case 20: case 22: case 26: case 28: case 30: return true;
    default: return false;
  }
}

std::string Tag::to_string() const {
  // Built by appending: GCC 12 at -O3 reports a false -Wrestrict for `"[" + std::string&&`
  // (GCC bug 105651), which breaks -Werror release builds.
  std::string s;
  switch (cls) {
    case TagClass::kUniversal: {
      auto n = universal_name(number);
      if (!n.empty()) return std::string(n);
      s = "[UNIVERSAL ";
      break;
    }
    case TagClass::kApplication: s = "[APPLICATION "; break;
    case TagClass::kContext: s = "["; break;
    case TagClass::kPrivate: s = "[PRIVATE "; break;
    default: return "[?]";
  }
  s += std::to_string(number);
  s += ']';
  return s;
}

void append_tag(Bytes& out, const Tag& tag) {
  auto first = static_cast<std::uint8_t>((static_cast<unsigned>(tag.cls) << 6) |
                                         (tag.constructed ? 0x20u : 0u));
  if (tag.number < 31) {
    out.push_back(static_cast<std::uint8_t>(first | tag.number));
    return;
  }
  out.push_back(static_cast<std::uint8_t>(first | 0x1f));
  std::array<std::uint8_t, 5> tmp{};
  std::size_t n = 0;
  std::uint32_t v = tag.number;
  do {
    tmp[n++] = static_cast<std::uint8_t>(v & 0x7f);
    v >>= 7;
  } while (v != 0);
  while (n > 0) {
    --n;
    out.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
  }
}

void append_length(Bytes& out, std::size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
    return;
  }
  std::array<std::uint8_t, sizeof(std::size_t)> tmp{};
  std::size_t n = 0;
  while (len != 0) {
    tmp[n++] = static_cast<std::uint8_t>(len & 0xff);
    len >>= 8;
  }
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  while (n > 0) out.push_back(tmp[--n]);
}

// ---------------------------------------------------------------------------------------------
// Oid

Result<Oid> Oid::from_der_content(ByteView content, std::size_t offset) {
  // X.690 §8.19: each subidentifier in base 128, minimal (no leading 0x80 octet).
  if (content.empty()) return err(Errc::kMalformed, "OBJECT IDENTIFIER is empty", offset);
  bool start = true;
  std::size_t arc_len = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    std::uint8_t b = content[i];
    if (start && b == 0x80)
      return err(Errc::kNotDer, "OBJECT IDENTIFIER arc has a leading 0x80 octet", offset + i);
    ++arc_len;
    if (arc_len > 9) return err(Errc::kLimit, "OBJECT IDENTIFIER arc exceeds 63 bits", offset + i);
    start = (b & 0x80) == 0;
    if (start) arc_len = 0;
  }
  if (!start)
    return err(Errc::kMalformed, "OBJECT IDENTIFIER ends inside an arc",
               offset + content.size() - 1);
  Oid o;
  o.content_.assign(content.begin(), content.end());
  return o;
}

Oid Oid::from_arcs(std::initializer_list<std::uint64_t> arcs) {
  std::vector<std::uint64_t> v(arcs);
  if (v.size() < 2 || v[0] > 2 || (v[0] < 2 && v[1] > 39)) std::abort();
  Oid o;
  auto put = [&](std::uint64_t x) {
    std::array<std::uint8_t, 10> tmp{};
    std::size_t n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(x & 0x7f);
      x >>= 7;
    } while (x != 0);
    while (n > 0) {
      --n;
      o.content_.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
    }
  };
  put(v[0] * 40 + v[1]);
  for (std::size_t i = 2; i < v.size(); ++i) put(v[i]);
  return o;
}

namespace {
// The largest arc from_der_content accepts (nine base-128 octets).
constexpr std::uint64_t kMaxOidArc = static_cast<std::uint64_t>(INT64_MAX);
}  // namespace

Result<Oid> Oid::parse(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  std::uint64_t cur = 0;
  bool have_digit = false;
  for (std::size_t i = 0; i <= dotted.size(); ++i) {
    if (i == dotted.size() || dotted[i] == '.') {
      if (!have_digit) return err(Errc::kInvalidArgument, "empty arc in OID text", i);
      arcs.push_back(cur);
      cur = 0;
      have_digit = false;
      continue;
    }
    char c = dotted[i];
    if (c < '0' || c > '9') return err(Errc::kInvalidArgument, "OID text has a non-digit", i);
    // Arcs up to 63 bits: exactly what from_der_content accepts, so that
    // parse(o.to_string()) == o for every decoded OID.
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (cur > (kMaxOidArc - d) / 10) return err(Errc::kLimit, "OID arc exceeds 63 bits", i);
    cur = cur * 10 + d;
    have_digit = true;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
    return err(Errc::kInvalidArgument, "OID must start with 0.x, 1.x (x<40) or 2.x", 0);
  if (arcs[1] > kMaxOidArc - arcs[0] * 40)
    return err(Errc::kLimit, "OID first subidentifier exceeds 63 bits", 0);
  Oid o;
  // Reuse from_arcs's encoder through an explicit loop (initializer_list needs literals).
  auto put = [&](std::uint64_t x) {
    std::array<std::uint8_t, 10> tmp{};
    std::size_t n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(x & 0x7f);
      x >>= 7;
    } while (x != 0);
    while (n > 0) {
      --n;
      o.content_.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
    }
  };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  return o;
}

std::vector<std::uint64_t> Oid::arcs() const {
  std::vector<std::uint64_t> out;
  std::uint64_t cur = 0;
  bool first = true;
  for (std::uint8_t b : content_) {
    cur = (cur << 7) | (b & 0x7f);
    if ((b & 0x80) == 0) {
      if (first) {
        if (cur < 40) { out.push_back(0); out.push_back(cur); }
        else if (cur < 80) { out.push_back(1); out.push_back(cur - 40); }
        else { out.push_back(2); out.push_back(cur - 80); }
        first = false;
      } else {
        out.push_back(cur);
      }
      cur = 0;
    }
  }
  return out;
}

std::string Oid::to_string() const {
  std::string s;
  for (auto a : arcs()) {
    if (!s.empty()) s.push_back('.');
    s += std::to_string(a);
  }
  return s;
}

bool Oid::starts_with(const Oid& arc) const noexcept {
  if (arc.content_.size() > content_.size()) return false;
  if (!std::equal(arc.content_.begin(), arc.content_.end(), content_.begin())) return false;
  // The prefix must end on an arc boundary (it does: arc's last octet has no continuation bit).
  return true;
}

// ---------------------------------------------------------------------------------------------
// BitString

bool BitString::bit(std::size_t i) const {
  std::size_t byte = i / 8;
  if (byte >= bytes.size() || i >= bit_length()) return false;
  return (bytes[byte] >> (7 - i % 8)) & 1;
}

BitString BitString::from_named_bits(std::initializer_list<std::size_t> set_bits) {
  BitString b;
  std::size_t highest = 0;
  bool any = false;
  for (auto i : set_bits) {
    highest = std::max(highest, i);
    any = true;
  }
  if (!any) return b;  // empty named-bit list: 03 01 00
  b.bytes.assign(highest / 8 + 1, 0);
  for (auto i : set_bits) b.bytes[i / 8] = static_cast<std::uint8_t>(b.bytes[i / 8] | (0x80u >> (i % 8)));
  b.unused_bits = static_cast<std::uint8_t>(7 - highest % 8);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Time

namespace {
constexpr bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}
// Days since 1970-01-01 (Howard Hinnant's civil-from-days inverse).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

Time Time::from_unix(std::int64_t seconds, std::uint32_t nanos) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) { rem += 86400; --days; }
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Time t;
  t.year = static_cast<int>(y + (m <= 2));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  t.nanos = nanos;
  return t;
}

std::int64_t Time::to_unix() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

std::string Time::to_iso8601() const {
  char buf[48];
  if (nanos == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour,
                  minute, second);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", year, month, day, hour,
                  minute, second, nanos);
  }
  return buf;
}

namespace {

Result<int> digits(ByteView c, std::size_t at, std::size_t n, std::size_t offset) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t ch = c[at + i];
    if (ch < '0' || ch > '9') return err(Errc::kMalformed, "time has a non-digit", offset + at + i);
    v = v * 10 + (ch - '0');
  }
  return v;
}

Status check_time_fields(const Time& t, std::size_t offset) {
  if (t.month < 1 || t.month > 12) return err(Errc::kMalformed, "time: month out of range", offset);
  if (t.day < 1 || t.day > days_in_month(t.year, t.month))
    return err(Errc::kMalformed, "time: day out of range", offset);
  if (t.hour > 23 || t.minute > 59 || t.second > 60)
    return err(Errc::kMalformed, "time: hour, minute or second out of range", offset);
  return Ok{};
}

}  // namespace

Result<Time> parse_utc_time(ByteView c, std::size_t offset) {
  // X.690 §11.8: YYMMDDHHMMSSZ exactly.
  if (c.size() != 13 || c[12] != 'Z')
    return err(Errc::kNotDer, "UTCTime must be YYMMDDHHMMSSZ", offset);
  Time t;
  OPENSET_TRY(int yy, digits(c, 0, 2, offset));
  OPENSET_TRY(t.month, digits(c, 2, 2, offset));
  OPENSET_TRY(t.day, digits(c, 4, 2, offset));
  OPENSET_TRY(t.hour, digits(c, 6, 2, offset));
  OPENSET_TRY(t.minute, digits(c, 8, 2, offset));
  OPENSET_TRY(t.second, digits(c, 10, 2, offset));
  t.year = yy < 50 ? 2000 + yy : 1900 + yy;  // RFC 5280 §4.1.2.5.1
  OPENSET_CHECK(check_time_fields(t, offset));
  return t;
}

Result<Time> parse_generalized_time(ByteView c, std::size_t offset) {
  // X.690 §11.7: YYYYMMDDHHMMSS[.f+]Z, no trailing zeros in the fraction, no empty fraction.
  if (c.size() < 15 || c.back() != 'Z')
    return err(Errc::kNotDer, "GeneralizedTime must be YYYYMMDDHHMMSS[.fff]Z", offset);
  Time t;
  OPENSET_TRY(t.year, digits(c, 0, 4, offset));
  OPENSET_TRY(t.month, digits(c, 4, 2, offset));
  OPENSET_TRY(t.day, digits(c, 6, 2, offset));
  OPENSET_TRY(t.hour, digits(c, 8, 2, offset));
  OPENSET_TRY(t.minute, digits(c, 10, 2, offset));
  OPENSET_TRY(t.second, digits(c, 12, 2, offset));
  std::size_t n = c.size() - 1;  // without Z
  if (n > 14) {
    if (c[14] != '.')
      return err(Errc::kNotDer, "GeneralizedTime fraction must use '.'", offset + 14);
    std::size_t frac_len = n - 15;
    if (frac_len == 0 || frac_len > 9)
      return err(Errc::kNotDer, "GeneralizedTime fraction must have 1..9 digits", offset + 14);
    if (c[n - 1] == '0')
      return err(Errc::kNotDer, "GeneralizedTime fraction has trailing zeros", offset + n - 1);
    OPENSET_TRY(int frac, digits(c, 15, frac_len, offset));
    std::uint32_t nanos = static_cast<std::uint32_t>(frac);
    for (std::size_t i = frac_len; i < 9; ++i) nanos *= 10;
    t.nanos = nanos;
  }
  OPENSET_CHECK(check_time_fields(t, offset));
  return t;
}

// ---------------------------------------------------------------------------------------------
// Content validators

Result<bool> parse_boolean(ByteView c, std::size_t offset) {
  if (c.size() != 1) return err(Errc::kMalformed, "BOOLEAN must have one content octet", offset);
  if (c[0] == 0x00) return false;
  if (c[0] == 0xff) return true;
  return err(Errc::kNotDer, "BOOLEAN TRUE must be 0xFF", offset);  // X.690 §11.1
}

Status check_integer(ByteView c, std::size_t offset) {
  if (c.empty()) return err(Errc::kMalformed, "INTEGER has no content octets", offset);
  // X.690 §8.3.2: the first nine bits must not be all zero or all one.
  if (c.size() > 1 && ((c[0] == 0x00 && (c[1] & 0x80) == 0) || (c[0] == 0xff && (c[1] & 0x80) != 0)))
    return err(Errc::kNotDer, "INTEGER not minimally encoded", offset);
  return Ok{};
}

Result<std::int64_t> parse_int64(ByteView c, std::size_t offset) {
  OPENSET_CHECK(check_integer(c, offset));
  if (c.size() > 8) return err(Errc::kLimit, "INTEGER does not fit in 64 bits", offset);
  std::uint64_t v = (c[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (std::uint8_t b : c) v = (v << 8) | b;
  return static_cast<std::int64_t>(v);
}

Result<BitString> parse_bit_string(ByteView c, std::size_t offset) {
  if (c.empty()) return err(Errc::kMalformed, "BIT STRING has no content octets", offset);
  std::uint8_t unused = c[0];
  if (unused > 7) return err(Errc::kMalformed, "BIT STRING unused-bit count above 7", offset);
  if (c.size() == 1 && unused != 0)
    return err(Errc::kMalformed, "empty BIT STRING with unused bits", offset);
  if (unused != 0 && (c.back() & ((1u << unused) - 1)) != 0)  // X.690 §11.2.1
    return err(Errc::kNotDer, "BIT STRING padding bits are not zero", offset + c.size() - 1);
  BitString b;
  b.unused_bits = unused;
  b.bytes.assign(c.begin() + 1, c.end());
  return b;
}

Status check_string(std::uint32_t type, ByteView c, std::size_t offset) {
  auto bad = [&](std::size_t i, const char* what) {
    return err(Errc::kConstraint, std::string(universal_name(type)) + ": " + what, offset + i);
  };
  switch (type) {
    case 18:  // NumericString: digits and space
      for (std::size_t i = 0; i < c.size(); ++i)
        if (!((c[i] >= '0' && c[i] <= '9') || c[i] == ' ')) return bad(i, "character not allowed");
      return Ok{};
    case 19:  // PrintableString (X.680 §41.4)
      for (std::size_t i = 0; i < c.size(); ++i) {
        std::uint8_t ch = c[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  std::strchr(" '()+,-./:=?", ch) != nullptr;
        if (!ok || ch == 0) return bad(i, "character not allowed");
      }
      return Ok{};
    case 26:  // VisibleString: 0x20..0x7E
      for (std::size_t i = 0; i < c.size(); ++i)
        if (c[i] < 0x20 || c[i] > 0x7e) return bad(i, "character not allowed");
      return Ok{};
    case 22:  // IA5String: 0x00..0x7F
      for (std::size_t i = 0; i < c.size(); ++i)
        if (c[i] > 0x7f) return bad(i, "character not allowed");
      return Ok{};
    case 30:  // BMPString: UCS-2, even length
      if (c.size() % 2 != 0) return bad(0, "odd length");
      return Ok{};
    case 28:  // UniversalString: UCS-4
      if (c.size() % 4 != 0) return bad(0, "length not a multiple of 4");
      return Ok{};
    case 12: {  // UTF8String: well-formed, shortest form, no surrogates
      std::size_t i = 0;
      while (i < c.size()) {
        std::uint8_t b = c[i];
        std::size_t n;
        std::uint32_t cp;
        if (b < 0x80) { ++i; continue; }
        if ((b & 0xe0) == 0xc0) { n = 2; cp = b & 0x1fu; }
        else if ((b & 0xf0) == 0xe0) { n = 3; cp = b & 0x0fu; }
        else if ((b & 0xf8) == 0xf0) { n = 4; cp = b & 0x07u; }
        else return bad(i, "invalid UTF-8 lead octet");
        if (i + n > c.size()) return bad(i, "truncated UTF-8 sequence");
        for (std::size_t k = 1; k < n; ++k) {
          if ((c[i + k] & 0xc0) != 0x80) return bad(i + k, "invalid UTF-8 continuation");
          cp = (cp << 6) | (c[i + k] & 0x3fu);
        }
        static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          return bad(i, "overlong or invalid UTF-8 code point");
        i += n;
      }
      return Ok{};
    }
    default:  // T61String and others: no charset check
      return Ok{};
  }
}

// ---------------------------------------------------------------------------------------------
// Reader

Result<Element> Reader::parse_header(std::size_t at) const {
  const std::size_t start = at;
  const std::size_t abs = base_ + at;
  if (at >= data_.size()) return err(Errc::kTruncated, "expected a value, found end of input", abs);
  std::uint8_t b0 = data_[at++];
  Tag tag;
  tag.cls = static_cast<TagClass>(b0 >> 6);
  tag.constructed = (b0 & 0x20) != 0;
  std::uint32_t num = b0 & 0x1fu;
  if (num == 0x1f) {
    // High tag number form (X.690 §8.1.2.4); DER requires it minimal.
    num = 0;
    std::size_t count = 0;
    for (;;) {
      if (at >= data_.size()) return err(Errc::kTruncated, "tag number truncated", abs);
      std::uint8_t b = data_[at++];
      if (count == 0 && b == 0x80)
        return err(Errc::kNotDer, "tag number has a leading 0x80 octet", base_ + at - 1);
      if (++count > 4) return err(Errc::kLimit, "tag number too large", abs);
      num = (num << 7) | (b & 0x7fu);
      if ((b & 0x80) == 0) break;
    }
    if (num < 31) return err(Errc::kNotDer, "tag number below 31 in high-tag form", abs);
  }
  tag.number = num;
  if (tag.cls == TagClass::kUniversal && num == 0)
    return err(Errc::kMalformed, "tag [UNIVERSAL 0] is reserved (end-of-contents)", abs);

  if (at >= data_.size()) return err(Errc::kTruncated, "length octets missing", base_ + at);
  std::uint8_t l0 = data_[at++];
  std::size_t len;
  if (l0 < 0x80) {
    len = l0;
  } else if (l0 == 0x80) {
    return err(Errc::kNotDer, "indefinite length (BER only)", base_ + at - 1);
  } else if (l0 == 0xff) {
    return err(Errc::kMalformed, "reserved length octet 0xFF", base_ + at - 1);
  } else {
    std::size_t n = l0 & 0x7fu;
    if (n > sizeof(std::size_t) || n > 4)
      return err(Errc::kLimit, "length field too long", base_ + at - 1);
    if (at + n > data_.size()) return err(Errc::kTruncated, "length octets truncated", base_ + at);
    if (data_[at] == 0)
      return err(Errc::kNotDer, "length has a leading zero octet", base_ + at);
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | data_[at + i];
    at += n;
    if (len < 0x80) return err(Errc::kNotDer, "long-form length below 128", base_ + start + 1);
  }
  if (len > limits_.max_length)
    return err(Errc::kLimit,
               "value of " + std::to_string(len) + " octets exceeds the limit of " +
                   std::to_string(limits_.max_length),
               abs);
  if (len > data_.size() - at)
    return err(Errc::kTruncated,
               tag.to_string() + " claims " + std::to_string(len) + " octets, only " +
                   std::to_string(data_.size() - at) + " remain",
               abs);
  Element e;
  e.tag = tag;
  e.content = data_.subspan(at, len);
  e.tlv = data_.subspan(start, at - start + len);
  e.offset = abs;
  e.content_offset = base_ + at;
  return e;
}

Result<Tag> Reader::peek_tag() const {
  OPENSET_TRY(Element e, parse_header(pos_));
  return e.tag;
}

bool Reader::peek_is(const Tag& t) const {
  auto e = parse_header(pos_);
  return e.ok() && e->tag == t;
}

Result<Element> Reader::read_any() {
  OPENSET_TRY(Element e, parse_header(pos_));
  pos_ += e.tlv.size();
  return e;
}

Result<Element> Reader::read_element(const Tag& expected) {
  OPENSET_TRY(Element e, parse_header(pos_));
  if (e.tag != expected) {
    return err(Errc::kMalformed,
               "expected " + expected.to_string() + (expected.constructed ? " (constructed)" : "") +
                   ", found " + e.tag.to_string() + (e.tag.constructed ? " (constructed)" : ""),
               e.offset);
  }
  pos_ += e.tlv.size();
  return e;
}

Result<Reader> Reader::open(const Element& e) const {
  if (!e.tag.constructed)
    return err(Errc::kMalformed, e.tag.to_string() + " is not constructed", e.offset);
  if (depth_ + 1 > limits_.max_depth)
    return err(Errc::kLimit, "nesting deeper than " + std::to_string(limits_.max_depth), e.offset);
  return Reader(e.content, e.content_offset, depth_ + 1, limits_);
}

Result<Reader> Reader::enter(const Tag& expected) {
  Tag want = expected.as_constructed();
  OPENSET_TRY(Element e, read_element(want));
  return open(e);
}

Result<Reader> Reader::enter_set_of(const Tag& expected) {
  OPENSET_TRY(Element e, read_element(expected.as_constructed()));
  OPENSET_TRY(Reader r, open(e));
  // X.690 §11.6: components in ascending order of their encodings (shorter is padded with
  // trailing zero octets for the comparison, which equals lexicographic order with
  // "prefix first" for distinct TLVs).
  Reader scan = r;
  ByteView prev;
  while (!scan.empty()) {
    OPENSET_TRY(Element child, scan.read_any());
    if (!prev.empty() &&
        std::lexicographical_compare(child.tlv.begin(), child.tlv.end(), prev.begin(), prev.end()))
      return err(Errc::kNotDer, "SET OF components are not in ascending DER order", child.offset);
    prev = child.tlv;
  }
  return r;
}

Status Reader::expect_end() const {
  if (!empty())
    return err(Errc::kMalformed, std::to_string(remaining()) + " unexpected trailing octets",
               offset());
  return Ok{};
}

Result<Element> Reader::read_primitive(const Tag& tag, const char* what) {
  OPENSET_TRY(Element e, parse_header(pos_));
  if (!e.tag.same_id(tag))
    return err(Errc::kMalformed, std::string("expected ") + what + " " + tag.to_string() +
                                     ", found " + e.tag.to_string(),
               e.offset);
  if (e.tag.constructed)
    return err(Errc::kNotDer, std::string(what) + " must be primitive in DER", e.offset);
  pos_ += e.tlv.size();
  return e;
}

Result<bool> Reader::read_boolean(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "BOOLEAN"));
  return parse_boolean(e.content, e.content_offset);
}

Result<ByteView> Reader::read_integer_bytes(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "INTEGER"));
  OPENSET_CHECK(check_integer(e.content, e.content_offset));
  return e.content;
}

Result<std::int64_t> Reader::read_int64(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "INTEGER"));
  return parse_int64(e.content, e.content_offset);
}

Result<ByteView> Reader::read_unsigned_bytes(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "INTEGER"));
  OPENSET_CHECK(check_integer(e.content, e.content_offset));
  if (e.content[0] & 0x80)
    return err(Errc::kConstraint, "INTEGER must not be negative", e.content_offset);
  ByteView v = e.content;
  if (v.size() > 1 && v[0] == 0) v = v.subspan(1);
  return v;
}

Result<std::int64_t> Reader::read_enumerated(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "ENUMERATED"));
  return parse_int64(e.content, e.content_offset);
}

Result<BitString> Reader::read_bit_string(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "BIT STRING"));
  return parse_bit_string(e.content, e.content_offset);
}

Result<ByteView> Reader::read_octet_string(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "OCTET STRING"));
  return e.content;
}

Status Reader::read_null(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "NULL"));
  if (!e.content.empty()) return err(Errc::kMalformed, "NULL must be empty", e.content_offset);
  return Ok{};
}

Result<Oid> Reader::read_oid(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "OBJECT IDENTIFIER"));
  return Oid::from_der_content(e.content, e.content_offset);
}

Result<std::string_view> Reader::read_string(const Tag& type, std::optional<Tag> tag) {
  Tag t = tag.value_or(type);
  std::string what(universal_name(type.number));
  OPENSET_TRY(Element e, read_primitive(t, what.c_str()));
  OPENSET_CHECK(check_string(type.number, e.content, e.content_offset));
  return as_string_view(e.content);
}

Result<Time> Reader::read_utc_time(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "UTCTime"));
  return parse_utc_time(e.content, e.content_offset);
}

Result<Time> Reader::read_generalized_time(const Tag& tag) {
  OPENSET_TRY(Element e, read_primitive(tag, "GeneralizedTime"));
  return parse_generalized_time(e.content, e.content_offset);
}

// ---------------------------------------------------------------------------------------------
// Writer

void Writer::put_tag(const Tag& tag) { append_tag(buf_, tag); }

Writer& Writer::begin(const Tag& tag) {
  put_tag(tag.as_constructed());
  std::size_t start = buf_.size();
  buf_.push_back(0);  // placeholder: one length octet, widened on end() if needed
  stack_.push_back(Open{start, buf_.size(), false});
  return *this;
}

Writer& Writer::begin_set_of(const Tag& tag) {
  begin(tag);
  stack_.back().sort = true;
  return *this;
}

Writer& Writer::end() {
  if (stack_.empty()) std::abort();  // programming error: unbalanced end()
  Open o = stack_.back();
  stack_.pop_back();
  std::size_t len = buf_.size() - o.body;
  if (o.sort && len > 0) {
    // Sort the children by their encodings (X.690 §11.6).
    std::vector<ByteView> kids;
    Reader r(ByteView(buf_).subspan(o.body, len), Limits{SIZE_MAX, UINT32_MAX});
    while (!r.empty()) {
      auto e = r.read_any();
      if (!e.ok()) std::abort();  // we wrote these bytes ourselves
      kids.push_back(e->tlv);
    }
    std::sort(kids.begin(), kids.end(), [](ByteView a, ByteView b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    });
    Bytes sorted;
    sorted.reserve(len);
    for (auto k : kids) sorted.insert(sorted.end(), k.begin(), k.end());
    std::copy(sorted.begin(), sorted.end(), buf_.begin() + static_cast<std::ptrdiff_t>(o.body));
  }
  Bytes lenbytes;
  append_length(lenbytes, len);
  std::size_t at = o.body - 1;
  if (lenbytes.size() == 1) {
    buf_[at] = lenbytes[0];
  } else {
    buf_[at] = lenbytes[0];
    buf_.insert(buf_.begin() + static_cast<std::ptrdiff_t>(at + 1), lenbytes.begin() + 1,
                lenbytes.end());
  }
  return *this;
}

Writer& Writer::add_element(const Tag& tag, ByteView content) {
  put_tag(tag);
  append_length(buf_, content.size());
  buf_.insert(buf_.end(), content.begin(), content.end());
  return *this;
}

Writer& Writer::add_boolean(bool v, const Tag& tag) {
  const std::uint8_t c = v ? 0xff : 0x00;
  return add_element(tag, ByteView(&c, 1));
}

Bytes int64_content(std::int64_t v) {
  Bytes out;
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(u >> (i * 8)));
  std::size_t skip = 0;
  while (skip < 7 && ((out[skip] == 0x00 && (out[skip + 1] & 0x80) == 0) ||
                      (out[skip] == 0xff && (out[skip + 1] & 0x80) != 0)))
    ++skip;
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(skip));
  return out;
}

Writer& Writer::add_int64(std::int64_t v, const Tag& tag) {
  return add_element(tag, int64_content(v));
}

Writer& Writer::add_enumerated(std::int64_t v, const Tag& tag) {
  return add_element(tag, int64_content(v));
}

Writer& Writer::add_unsigned_bytes(ByteView magnitude, const Tag& tag) {
  std::size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  ByteView m = magnitude.subspan(skip);
  Bytes c;
  if (m.empty() || (m[0] & 0x80)) c.push_back(0);
  c.insert(c.end(), m.begin(), m.end());
  return add_element(tag, c);
}

Writer& Writer::add_integer_bytes(ByteView twos, const Tag& tag) {
  if (!check_integer(twos, 0).ok()) std::abort();  // caller bug: not minimal
  return add_element(tag, twos);
}

Writer& Writer::add_bit_string(const BitString& v, const Tag& tag) {
  Bytes c;
  c.reserve(v.bytes.size() + 1);
  c.push_back(v.bytes.empty() ? 0 : v.unused_bits);
  c.insert(c.end(), v.bytes.begin(), v.bytes.end());
  if (!v.bytes.empty() && v.unused_bits)  // DER: padding bits zero
    c.back() = static_cast<std::uint8_t>(c.back() & ~((1u << v.unused_bits) - 1));
  return add_element(tag, c);
}

Writer& Writer::add_octet_string(ByteView v, const Tag& tag) { return add_element(tag, v); }

Writer& Writer::add_null(const Tag& tag) { return add_element(tag, {}); }

Writer& Writer::add_oid(const Oid& v, const Tag& tag) { return add_element(tag, v.der_content()); }

Writer& Writer::add_string(const Tag& type, std::string_view v, std::optional<Tag> tag) {
  (void)type;
  return add_element(tag.value_or(type), as_bytes(v));
}

Writer& Writer::add_utc_time(const Time& t, const Tag& tag) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d%02dZ", t.year % 100, t.month, t.day, t.hour,
                t.minute, t.second);
  return add_element(tag, as_bytes(buf));
}

Writer& Writer::add_generalized_time(const Time& t, const Tag& tag) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", t.year, t.month, t.day, t.hour,
                        t.minute, t.second);
  std::string s(buf, static_cast<std::size_t>(n));
  if (t.nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09u", t.nanos);
    std::string f(frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  s += "Z";
  return add_element(tag, as_bytes(s));
}

Writer& Writer::add_raw(ByteView tlv) {
  buf_.insert(buf_.end(), tlv.begin(), tlv.end());
  return *this;
}

Bytes Writer::finish() {
  if (!stack_.empty()) std::abort();  // programming error: unbalanced begin()
  return std::move(buf_);
}

}  // namespace openset::der
