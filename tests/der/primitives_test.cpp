// The universal primitive types, one story each: what the Writer produces for a value (pinned
// to encodings worked out by hand from X.690), that the Reader gives the value back, and which
// near-miss encodings the Reader refuses, with the class of the refusal and the exact offset.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "der_test_util.hpp"
#include "openset/der/der.hpp"

namespace openset::der {
namespace {

using testing::Fails;
using testing::hex;
using testing::HexReader;
using testing::hexof;

template <class F>
std::string written(F&& f) {
  Writer w;
  f(w);
  return hexof(w.finish());
}

// ---------------------------------------------------------------------------------------------
// INTEGER

struct IntCase {
  std::int64_t value;
  const char* der;
};

const std::vector<IntCase>& int_cases() {
  static const std::vector<IntCase> cases = {
      {0, "020100"},
      {1, "020101"},
      {127, "02017f"},             // highest one-octet positive
      {128, "02020080"},           // 0x80 alone would be negative: a 00 is prepended
      {255, "020200ff"},
      {256, "02020100"},
      {-1, "0201ff"},
      {-128, "020180"},            // lowest one-octet negative
      {-129, "0202ff7f"},
      {32767, "02027fff"},
      {32768, "0203008000"},
      {-32768, "02028000"},
      {-32769, "0203ff7fff"},
      {std::numeric_limits<std::int64_t>::max(), "02087fffffffffffffff"},
      {std::numeric_limits<std::int64_t>::min(), "02088000000000000000"},
  };
  return cases;
}

TEST(Integer, SmallAndBoundaryValuesHaveTheirMinimalTwosComplementEncodings) {
  for (const auto& c : int_cases()) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(written([&](Writer& w) { w.add_int64(c.value); }), c.der);
    EXPECT_EQ(hexof(int64_content(c.value)), std::string(c.der).substr(4));
    HexReader h(c.der);
    auto v = h.reader.read_int64();
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(*v, c.value);
    EXPECT_TRUE(h.reader.empty());
  }
}

TEST(Integer, EnumeratedUsesTheSameContentUnderTagTen) {
  EXPECT_EQ(written([](Writer& w) { w.add_enumerated(5); }), "0a0105");
  EXPECT_EQ(written([](Writer& w) { w.add_enumerated(0); }), "0a0100");
  HexReader h("0a0105");
  EXPECT_EQ(*h.reader.read_enumerated(), 5);
  HexReader wrong("020105");  // an INTEGER is not an ENUMERATED
  EXPECT_TRUE(Fails(wrong.reader.read_enumerated(), Errc::kMalformed, 0));
}

TEST(Integer, LeadingZeroBeforeAPositiveOctetIsRefusedAsNotDer) {
  // 00 7f: the first nine bits are all zero (X.690 §8.3.2). The offset is the content octet.
  HexReader h("0202007f");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kNotDer, 2));
  HexReader h2("0202007f");
  EXPECT_TRUE(Fails(h2.reader.read_integer_bytes(), Errc::kNotDer, 2));
}

TEST(Integer, LeadingFfBeforeANegativeOctetIsRefusedAsNotDer) {
  HexReader h("0202ff80");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kNotDer, 2));
}

TEST(Integer, MinimalTwoOctetFormsAreAccepted) {
  // 00 80 (128) and ff 7f (-129) look similar to the refused ones but are minimal.
  HexReader a("02020080");
  EXPECT_EQ(*a.reader.read_int64(), 128);
  HexReader b("0202ff7f");
  EXPECT_EQ(*b.reader.read_int64(), -129);
}

TEST(Integer, EmptyIntegerIsMalformed) {
  HexReader h("0200");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kMalformed, 2));
}

TEST(Integer, NineOctetsDoNotFitAnInt64ButAreAValidInteger) {
  HexReader h("0209010000000000000000");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kLimit, 2));
  HexReader h2("0209010000000000000000");
  auto bytes = h2.reader.read_integer_bytes();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(hexof(*bytes), "010000000000000000");
}

TEST(Integer, WrongTagIsMalformedAtTheTag) {
  HexReader h("0101ff");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kMalformed, 0));
}

TEST(Integer, ImplicitlyTaggedIntegerIsReadUnderItsContextTag) {
  EXPECT_EQ(written([](Writer& w) { w.add_int64(300, context(1)); }), "8102012c");
  HexReader h("8102012c");
  EXPECT_EQ(*h.reader.read_int64(context(1)), 300);
}

TEST(Integer, ConstructedIntegerIsRefused) {
  HexReader h("2203020101");
  EXPECT_TRUE(Fails(h.reader.read_int64(), Errc::kNotDer, 0));
}

// ---------------------------------------------------------------------------------------------
// Big INTEGERs (serial numbers, RSA moduli) through add_unsigned_bytes / read_unsigned_bytes

TEST(BigInteger, HighBitGetsALeadingZeroSoTheValueStaysPositive) {
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("8001")); }), "0203008001");
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("ff")); }), "020200ff");
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("7f")); }), "02017f");
}

TEST(BigInteger, LeadingZerosInTheMagnitudeAreStripped) {
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("00007f")); }), "02017f");
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("000080")); }), "02020080");
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes(hex("0000")); }), "020100");
  EXPECT_EQ(written([](Writer& w) { w.add_unsigned_bytes({}); }), "020100");
}

TEST(BigInteger, A2048BitModulusRoundTripsWithALongFormLength) {
  Bytes modulus(256, 0xc3);
  modulus.back() = 0x01;
  Writer w;
  w.add_unsigned_bytes(modulus);
  Bytes der = w.finish();
  ASSERT_EQ(der.size(), 4u + 1u + 256u);
  EXPECT_EQ(hexof(ByteView(der).first(5)), "0282010100");  // 257 content octets, 00 first
  Reader r(der);
  auto back = r.read_unsigned_bytes();
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(to_bytes(*back), modulus);
}

TEST(BigInteger, ReadUnsignedStripsTheSignOctet) {
  HexReader h("0203008001");
  EXPECT_EQ(hexof(*h.reader.read_unsigned_bytes()), "8001");
  HexReader zero("020100");
  EXPECT_EQ(hexof(*zero.reader.read_unsigned_bytes()), "00");
}

TEST(BigInteger, NegativeValueIsAConstraintViolationForAnUnsignedRead) {
  HexReader h("0201ff");
  EXPECT_TRUE(Fails(h.reader.read_unsigned_bytes(), Errc::kConstraint, 2));
  HexReader h2("30040202ff7f");
  auto seq = h2.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(Fails(seq->read_unsigned_bytes(), Errc::kConstraint, 4));
}

TEST(BigInteger, NonMinimalMagnitudeIsStillRefusedAsNotDer) {
  HexReader h("0203000080");
  EXPECT_TRUE(Fails(h.reader.read_unsigned_bytes(), Errc::kNotDer, 2));
}

TEST(BigInteger, IntegerBytesAreWrittenAsGiven) {
  EXPECT_EQ(written([](Writer& w) { w.add_integer_bytes(hex("ff7f")); }), "0202ff7f");
}

// ---------------------------------------------------------------------------------------------
// BOOLEAN and NULL

TEST(Boolean, TrueIsFfAndFalseIsZero) {
  EXPECT_EQ(written([](Writer& w) { w.add_boolean(true); }), "0101ff");
  EXPECT_EQ(written([](Writer& w) { w.add_boolean(false); }), "010100");
  HexReader h("0101ff010100");
  EXPECT_TRUE(*h.reader.read_boolean());
  EXPECT_FALSE(*h.reader.read_boolean());
  EXPECT_TRUE(h.reader.empty());
}

TEST(Boolean, TrueSpelledAsOneIsValidBerButNotDer) {
  HexReader h("010101");
  EXPECT_TRUE(Fails(h.reader.read_boolean(), Errc::kNotDer, 2));
}

TEST(Boolean, TwoContentOctetsAreMalformed) {
  HexReader h("0102ffff");
  EXPECT_TRUE(Fails(h.reader.read_boolean(), Errc::kMalformed, 2));
  HexReader empty("0100");
  EXPECT_TRUE(Fails(empty.reader.read_boolean(), Errc::kMalformed, 2));
}

TEST(Boolean, ImplicitContextTag) {
  EXPECT_EQ(written([](Writer& w) { w.add_boolean(true, context(0)); }), "8001ff");
  HexReader h("8001ff");
  EXPECT_TRUE(*h.reader.read_boolean(context(0)));
}

TEST(Null, IsTwoOctets) {
  EXPECT_EQ(written([](Writer& w) { w.add_null(); }), "0500");
  HexReader h("0500");
  EXPECT_TRUE(h.reader.read_null().ok());
  EXPECT_TRUE(h.reader.empty());
}

TEST(Null, WithContentIsMalformedAtTheContent) {
  HexReader h("050100");
  EXPECT_TRUE(Fails(h.reader.read_null(), Errc::kMalformed, 2));
}

// ---------------------------------------------------------------------------------------------
// OBJECT IDENTIFIER

struct OidCase {
  const char* dotted;
  const char* der;
};

TEST(Oid, KnownIdentifiersHaveTheirPublishedEncodings) {
  const OidCase cases[] = {
      {"1.2.840.113549", "06062a864886f70d"},           // rsadsi
      {"1.2.840.113549.1.1.11", "06092a864886f70d01010b"},  // sha256WithRSAEncryption
      {"2.23.42.0.3", "0604672a0003"},                  // id-set-content-OIData: 2*40+23 = 103
      {"1.3.14.3.2.26", "06052b0e03021a"},              // id-sha1
      {"2.5.4.3", "0603550403"},                        // id-at-commonName
      {"2.999", "06028837"},                            // 999+80 = 1079 = 0x08*128 + 0x37
      {"0.0", "060100"},
      {"2.40", "060178"},                               // first subidentifier 120
      {"1.2.72057594037927936", "060a2a818080808080808000"},  // arc 2^56: nine octets
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dotted);
    auto parsed = Oid::parse(c.dotted);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    EXPECT_EQ(written([&](Writer& w) { w.add_oid(*parsed); }), c.der);
    EXPECT_EQ(parsed->to_string(), c.dotted);
    HexReader h(c.der);
    auto read = h.reader.read_oid();
    ASSERT_TRUE(read.ok()) << read.error().to_string();
    EXPECT_EQ(*read, *parsed);
    EXPECT_EQ(read->to_string(), c.dotted);
  }
}

TEST(Oid, FromArcsMatchesParse) {
  EXPECT_EQ(Oid::from_arcs({2, 23, 42, 0, 3}), *Oid::parse("2.23.42.0.3"));
  EXPECT_EQ(Oid::from_arcs({2, 999}), *Oid::parse("2.999"));
  auto arcs = Oid::from_arcs({1, 2, 840, 113549, 1}).arcs();
  EXPECT_EQ(arcs, (std::vector<std::uint64_t>{1, 2, 840, 113549, 1}));
}

TEST(Oid, LargestArcTheDecoderAcceptsIsSixtyThreeBits) {
  // 2^63-1 takes nine base-128 octets: ff x8 then 7f.
  HexReader h("060a2affffffffffffffff7f");
  auto oid = h.reader.read_oid();
  ASSERT_TRUE(oid.ok()) << oid.error().to_string();
  EXPECT_EQ(oid->to_string(), "1.2.9223372036854775807");
  EXPECT_EQ(oid->arcs().back(), 9223372036854775807ull);
}

TEST(Oid, ArcLongerThanNineOctetsIsALimit) {
  // The tenth octet of the second arc is content index 10, offset 12.
  HexReader h("060b2a81808080808080808000");
  EXPECT_TRUE(Fails(h.reader.read_oid(), Errc::kLimit, 12));
}

TEST(Oid, ArcWithLeadingEightyIsNotDer) {
  // 2a 80 01: the second arc starts with a padding octet (X.690 §8.19.2).
  HexReader h("06032a8001");
  EXPECT_TRUE(Fails(h.reader.read_oid(), Errc::kNotDer, 3));
  HexReader first("06028001");  // also in the first subidentifier
  EXPECT_TRUE(Fails(first.reader.read_oid(), Errc::kNotDer, 2));
}

TEST(Oid, TruncatedLastArcIsMalformedAtItsLastOctet) {
  HexReader h("06032a8686");  // 86 86: the last octet still has its continuation bit
  EXPECT_TRUE(Fails(h.reader.read_oid(), Errc::kMalformed, 4));
  HexReader t("06022a86");
  EXPECT_TRUE(Fails(t.reader.read_oid(), Errc::kMalformed, 3));
}

TEST(Oid, EmptyOidIsMalformed) {
  HexReader h("0600");
  EXPECT_TRUE(Fails(h.reader.read_oid(), Errc::kMalformed, 2));
  EXPECT_TRUE(Fails(Oid::from_der_content({}, 40), Errc::kMalformed, 40));
}

TEST(Oid, ParseRefusesMalformedText) {
  EXPECT_TRUE(Fails(Oid::parse(""), Errc::kInvalidArgument, 0));
  EXPECT_TRUE(Fails(Oid::parse("1"), Errc::kInvalidArgument, 0));       // one arc
  EXPECT_TRUE(Fails(Oid::parse("1..2"), Errc::kInvalidArgument, 2));    // empty arc
  EXPECT_TRUE(Fails(Oid::parse("1.2."), Errc::kInvalidArgument, 4));    // trailing dot
  EXPECT_TRUE(Fails(Oid::parse(".1.2"), Errc::kInvalidArgument, 0));    // leading dot
  EXPECT_TRUE(Fails(Oid::parse("1.2.a"), Errc::kInvalidArgument, 4));   // not a digit
  EXPECT_TRUE(Fails(Oid::parse("1.-2"), Errc::kInvalidArgument, 2));
  EXPECT_TRUE(Fails(Oid::parse("3.1"), Errc::kInvalidArgument, 0));     // first arc 0..2
  EXPECT_TRUE(Fails(Oid::parse("1.40"), Errc::kInvalidArgument, 0));    // second arc < 40
  EXPECT_TRUE(Fails(Oid::parse("0.40"), Errc::kInvalidArgument, 0));
  EXPECT_TRUE(Fails(Oid::parse("1.2.99999999999999999999"), Errc::kLimit, 22));
}

TEST(Oid, TextAcceptsExactlyTheArcsTheDecoderAccepts) {
  // Arcs are limited to 63 bits, the nine-octet limit of from_der_content, so every decoded
  // OID's text parses back to it, and nothing parses that could not be decoded.
  auto max = Oid::parse("1.2.9223372036854775807");
  ASSERT_TRUE(max.ok()) << max.error().to_string();
  EXPECT_EQ(hexof(max->der_content()), "2affffffffffffffff7f");
  EXPECT_TRUE(Oid::from_der_content(max->der_content()).ok());
  EXPECT_TRUE(Fails(Oid::parse("1.2.9223372036854775808"), Errc::kLimit, 22));
  // The first subidentifier is 80 + the second arc under 2.
  auto first = Oid::parse("2.9223372036854775727");
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->to_string(), "2.9223372036854775727");
  EXPECT_TRUE(Fails(Oid::parse("2.9223372036854775728"), Errc::kLimit, 0));
  HexReader h("060a2affffffffffffffff7f");
  auto decoded = h.reader.read_oid();
  ASSERT_TRUE(decoded.ok());
  auto text = Oid::parse(decoded->to_string());
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  EXPECT_EQ(*text, *decoded);
}

TEST(Oid, StartsWithIsArcwise) {
  Oid set = *Oid::parse("2.23.42");
  EXPECT_TRUE(Oid::parse("2.23.42.0.3")->starts_with(set));
  EXPECT_TRUE(set.starts_with(set));
  EXPECT_FALSE(Oid::parse("2.23.43.1")->starts_with(set));
  EXPECT_FALSE(set.starts_with(*Oid::parse("2.23.42.0")));
  // 1.2.8 (2a 08) is not a prefix of 1.2.840 (2a 86 48) even though "8" prefixes "840".
  EXPECT_FALSE(Oid::parse("1.2.840")->starts_with(*Oid::parse("1.2.8")));
}

TEST(Oid, OrderingIsByEncoding) {
  EXPECT_LT(*Oid::parse("1.2.3"), *Oid::parse("1.2.4"));
  EXPECT_TRUE(Oid().empty());
  EXPECT_EQ(Oid().to_string(), "");
}

// ---------------------------------------------------------------------------------------------
// BIT STRING

TEST(BitString, KeyUsageDigitalSignatureAndKeyCertSign) {
  // digitalSignature(0) and keyCertSign(5): 1000 0100, two trailing zero bits unused.
  BitString ku = BitString::from_named_bits({0, 5});
  EXPECT_EQ(ku.unused_bits, 2);
  EXPECT_EQ(ku.bit_length(), 6u);
  EXPECT_TRUE(ku.bit(0));
  EXPECT_FALSE(ku.bit(1));
  EXPECT_TRUE(ku.bit(5));
  EXPECT_FALSE(ku.bit(6));
  EXPECT_FALSE(ku.bit(100));
  EXPECT_EQ(written([&](Writer& w) { w.add_bit_string(ku); }), "03020284");
  HexReader h("03020284");
  auto back = h.reader.read_bit_string();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, ku);
}

TEST(BitString, EmptyNamedBitListIsOneOctetOfContent) {
  EXPECT_EQ(written([](Writer& w) { w.add_bit_string(BitString::from_named_bits({})); }),
            "030100");
  HexReader h("030100");
  auto back = h.reader.read_bit_string();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->bit_length(), 0u);
}

TEST(BitString, NamedBitsAcrossAnOctetBoundary) {
  // decipherOnly(8): 0000 0000 1xxx xxxx.
  EXPECT_EQ(written([](Writer& w) { w.add_bit_string(BitString::from_named_bits({8})); }),
            "0303070080");
  EXPECT_EQ(written([](Writer& w) { w.add_bit_string(BitString::from_named_bits({0})); }),
            "03020780");
  EXPECT_EQ(written([](Writer& w) { w.add_bit_string(BitString::from_named_bits({7})); }),
            "03020001");
}

TEST(BitString, WriterClearsPaddingBits) {
  BitString b{hex("ff"), 4};
  EXPECT_EQ(written([&](Writer& w) { w.add_bit_string(b); }), "030204f0");
}

TEST(BitString, WholeOctetsRoundTrip) {
  BitString key{Bytes(32, 0x5a), 0};
  Writer w;
  w.add_bit_string(key);
  Bytes der = w.finish();
  EXPECT_EQ(hexof(ByteView(der).first(3)), "032100");
  Reader r(der);
  EXPECT_EQ(*r.read_bit_string(), key);
}

TEST(BitString, UnusedCountAboveSevenIsMalformed) {
  HexReader h("030208ff");
  EXPECT_TRUE(Fails(h.reader.read_bit_string(), Errc::kMalformed, 2));
}

TEST(BitString, NonZeroPaddingBitsAreNotDerAtTheLastOctet) {
  HexReader h("0303020085");  // unused 2, last octet ...01
  EXPECT_TRUE(Fails(h.reader.read_bit_string(), Errc::kNotDer, 4));
}

TEST(BitString, UnusedBitsWithoutAnyOctetIsMalformed) {
  HexReader h("030101");
  EXPECT_TRUE(Fails(h.reader.read_bit_string(), Errc::kMalformed, 2));
  HexReader none("0300");
  EXPECT_TRUE(Fails(none.reader.read_bit_string(), Errc::kMalformed, 2));
}

TEST(BitString, ConstructedFormIsBerOnly) {
  HexReader h("2304030200ff");
  EXPECT_TRUE(Fails(h.reader.read_bit_string(), Errc::kNotDer, 0));
}

// ---------------------------------------------------------------------------------------------
// OCTET STRING

TEST(OctetString, RoundTripsAndIsZeroCopy) {
  EXPECT_EQ(written([](Writer& w) { w.add_octet_string(hex("010203")); }), "0403010203");
  EXPECT_EQ(written([](Writer& w) { w.add_octet_string({}); }), "0400");
  HexReader h("0403010203");
  auto v = h.reader.read_octet_string();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(hexof(*v), "010203");
  EXPECT_EQ(v->data(), h.bytes.data() + 2);  // a view into the input, not a copy
}

TEST(OctetString, ConstructedFormIsRefusedAsBerOnly) {
  // 24 06 { 04 01 aa, 04 01 bb }: the BER segmented form of aa bb (X.690 §10.2).
  HexReader h("24060401aa0401bb");
  EXPECT_TRUE(Fails(h.reader.read_octet_string(), Errc::kNotDer, 0));
}

TEST(OctetString, ImplicitTagKeepsItsPrimitiveForm) {
  EXPECT_EQ(written([](Writer& w) { w.add_octet_string(hex("aa"), context(2)); }), "8201aa");
  HexReader h("8201aa");
  EXPECT_EQ(hexof(*h.reader.read_octet_string(context(2))), "aa");
  HexReader cons("a2030401aa");
  EXPECT_TRUE(Fails(cons.reader.read_octet_string(context(2)), Errc::kNotDer, 0));
}

// ---------------------------------------------------------------------------------------------
// Character strings

struct StringCase {
  Tag type;
  std::string value;
  const char* der;
};

TEST(Strings, EachTypeRoundTripsUnderItsOwnTag) {
  const StringCase cases[] = {
      {tags::kUtf8String, "h\xc3\xa9llo", "0c0668c3a96c6c6f"},
      {tags::kPrintableString, "Test CA", "130754657374204341"},
      {tags::kPrintableString, "a'()+,-./:=? Z9", "130f612728292b2c2d2e2f3a3d3f205a39"},
      {tags::kIa5String, "a@b.c", "1605614062 2e63"},
      {tags::kNumericString, "0123 45", "120730313233203435"},
      {tags::kVisibleString, "Hi!~", "1a044869217e"},
      {tags::kBmpString, std::string("\0A", 2), "1e020041"},
      {tags::kUniversalString, std::string("\0\0\0A", 4), "1c0400000041"},
      {tags::kT61String, "\x1b\xff", "14021bff"},  // no charset check for T61String
      {tags::kUtf8String, "\xf0\x9f\x98\x80", "0c04f09f9880"},  // U+1F600
      {tags::kUtf8String, "", "0c00"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type.to_string() + " " + c.der);
    const std::string der = hexof(hex(c.der));
    EXPECT_EQ(written([&](Writer& w) { w.add_string(c.type, c.value); }), der);
    HexReader h(c.der);
    auto v = h.reader.read_string(c.type);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(*v, c.value);
    EXPECT_TRUE(is_string_tag(c.type));
  }
  EXPECT_FALSE(is_string_tag(tags::kOctetString));
  EXPECT_FALSE(is_string_tag(context(12)));
}

struct CharsetCase {
  Tag type;
  const char* der;
  std::size_t offset;  // of the offending character
};

TEST(Strings, CharsetViolationsAreConstraintErrorsAtTheOffendingCharacter) {
  const CharsetCase cases[] = {
      {tags::kPrintableString, "1303614062", 3},     // '@'
      {tags::kPrintableString, "13022a41", 2},       // '*'
      {tags::kPrintableString, "1303412641", 3},     // '&'
      {tags::kPrintableString, "13024100", 3},       // NUL
      {tags::kNumericString, "1203313261", 4},       // 'a'
      {tags::kNumericString, "12022d31", 2},         // '-'
      {tags::kIa5String, "16034180 41", 3},          // 0x80
      {tags::kVisibleString, "1a0341 0941", 3},      // TAB
      {tags::kVisibleString, "1a01 7f", 2},          // DEL
      {tags::kBmpString, "1e03004100", 2},           // odd length
      {tags::kUniversalString, "1c03000041", 2},     // not a multiple of four
      {tags::kUtf8String, "0c0241c0", 3},            // truncated sequence
      {tags::kUtf8String, "0c02c080", 2},            // overlong NUL
      {tags::kUtf8String, "0c03e08080", 2},          // overlong three-octet
      {tags::kUtf8String, "0c03eda080", 2},          // surrogate U+D800
      {tags::kUtf8String, "0c02c328", 3},            // bad continuation
      {tags::kUtf8String, "0c04f4908080", 2},        // above U+10FFFF
      {tags::kUtf8String, "0c0241ff", 3},            // 0xFF is never a lead octet
      {tags::kUtf8String, "0c0180", 2},              // lone continuation octet
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type.to_string() + " " + c.der);
    HexReader h(c.der);
    EXPECT_TRUE(Fails(h.reader.read_string(c.type), Errc::kConstraint, c.offset));
  }
}

TEST(Strings, ImplicitTagChecksTheUnderlyingCharset) {
  EXPECT_EQ(written([](Writer& w) { w.add_string(tags::kIa5String, "abc", context(1)); }),
            "8103616263");
  HexReader h("8103616263");
  EXPECT_EQ(*h.reader.read_string(tags::kIa5String, context(1)), "abc");
  HexReader bad("81026180");
  EXPECT_TRUE(Fails(bad.reader.read_string(tags::kIa5String, context(1)), Errc::kConstraint, 3));
  HexReader untagged("1603616263");  // the universal tag where [1] was expected
  EXPECT_TRUE(Fails(untagged.reader.read_string(tags::kIa5String, context(1)), Errc::kMalformed, 0));
}

TEST(Strings, ConstructedStringIsBerOnly) {
  HexReader h("2c050c03616263");
  EXPECT_TRUE(Fails(h.reader.read_string(tags::kUtf8String), Errc::kNotDer, 0));
}

// ---------------------------------------------------------------------------------------------
// UTCTime and GeneralizedTime

Time at(int y, int mo, int d, int h, int mi, int s, std::uint32_t nanos = 0) {
  Time t;
  t.year = y;
  t.month = mo;
  t.day = d;
  t.hour = h;
  t.minute = mi;
  t.second = s;
  t.nanos = nanos;
  return t;
}

std::string ascii_hex(std::string_view s) { return hexof(as_bytes(s)); }

TEST(UtcTime, IsYYMMDDHHMMSSZ) {
  EXPECT_EQ(written([](Writer& w) { w.add_utc_time(at(2026, 11, 27, 14, 16, 43)); }),
            "170d" + ascii_hex("261127141643Z"));
  HexReader h("170d" + ascii_hex("261127141643Z"));
  auto t = h.reader.read_utc_time();
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, at(2026, 11, 27, 14, 16, 43));
  EXPECT_EQ(t->to_iso8601(), "2026-11-27T14:16:43Z");
}

TEST(UtcTime, TwoDigitYearsCoverNineteenFiftyToTwentyFortyNine) {
  // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, YY < 50 is 20YY.
  HexReader a("170d" + ascii_hex("500101000000Z"));
  EXPECT_EQ(a.reader.read_utc_time()->year, 1950);
  HexReader b("170d" + ascii_hex("491231235959Z"));
  EXPECT_EQ(b.reader.read_utc_time()->year, 2049);
  EXPECT_EQ(written([](Writer& w) { w.add_utc_time(at(1950, 1, 1, 0, 0, 0)); }),
            "170d" + ascii_hex("500101000000Z"));
}

TEST(UtcTime, LeapYearFebruaryTwentyNinth) {
  HexReader ok("170d" + ascii_hex("240229120000Z"));
  EXPECT_EQ(ok.reader.read_utc_time()->day, 29);
  HexReader no("170d" + ascii_hex("230229120000Z"));
  EXPECT_TRUE(Fails(no.reader.read_utc_time(), Errc::kMalformed, 2));
}

struct TimeRefusal {
  const char* text;
  Errc code;
  std::size_t offset;
};

TEST(UtcTime, NonDerFormsAreRefused) {
  const TimeRefusal cases[] = {
      {"261127141643", Errc::kNotDer, 2},          // no Z
      {"261127141643+0100", Errc::kNotDer, 2},     // local offset
      {"2611271416Z", Errc::kNotDer, 2},           // no seconds
      {"261127141643.5Z", Errc::kNotDer, 2},       // fraction
      {"261327141643Z", Errc::kMalformed, 2},      // month 13
      {"261127241643Z", Errc::kMalformed, 2},      // hour 24
      {"261100141643Z", Errc::kMalformed, 2},      // day 0
      {"260431141643Z", Errc::kMalformed, 2},      // April 31st
      {"26112714164aZ", Errc::kMalformed, 13},     // non-digit, at that digit
      {"2611271416 3Z", Errc::kMalformed, 12},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Writer w;
    w.add_octet_string(as_bytes(c.text), tags::kUtcTime);
    Bytes der = w.finish();
    Reader r(der);
    EXPECT_TRUE(Fails(r.read_utc_time(), c.code, c.offset));
  }
}

TEST(GeneralizedTime, WholeSecondsAndFractions) {
  struct Case {
    Time t;
    const char* text;
  };
  const Case cases[] = {
      {at(2026, 11, 27, 14, 16, 43), "20261127141643Z"},
      {at(2026, 11, 27, 14, 16, 43, 500000000), "20261127141643.5Z"},
      {at(2026, 11, 27, 14, 16, 43, 120000000), "20261127141643.12Z"},
      {at(2026, 11, 27, 14, 16, 43, 123456789), "20261127141643.123456789Z"},
      {at(2026, 11, 27, 14, 16, 43, 1), "20261127141643.000000001Z"},
      {at(9999, 12, 31, 23, 59, 59), "99991231235959Z"},
      {at(1900, 3, 1, 0, 0, 0), "19000301000000Z"},
      {at(2016, 12, 31, 23, 59, 60), "20161231235960Z"},  // leap second
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string text = c.text;
    std::string der = "18" + hexof(Bytes{static_cast<std::uint8_t>(text.size())}) + ascii_hex(text);
    EXPECT_EQ(written([&](Writer& w) { w.add_generalized_time(c.t); }), der);
    HexReader h(der);
    auto t = h.reader.read_generalized_time();
    ASSERT_TRUE(t.ok()) << t.error().to_string();
    EXPECT_EQ(*t, c.t);
  }
}

TEST(GeneralizedTime, LeapYearsFollowTheGregorianRule) {
  for (const char* ok : {"20240229000000Z", "20000229000000Z", "16000229000000Z"}) {
    SCOPED_TRACE(ok);
    Writer w;
    w.add_octet_string(as_bytes(ok), tags::kGeneralizedTime);
    Bytes der = w.finish();
    Reader r(der);
    EXPECT_TRUE(r.read_generalized_time().ok());
  }
}

TEST(GeneralizedTime, NonDerFormsAreRefused) {
  const TimeRefusal cases[] = {
      {"20261127141643", Errc::kNotDer, 2},            // no Z
      {"20261127141643+0100", Errc::kNotDer, 2},       // local offset
      {"20261127141643-0500", Errc::kNotDer, 2},
      {"202611271416Z", Errc::kNotDer, 2},             // no seconds
      {"2026112714Z", Errc::kNotDer, 2},               // no minutes
      {"20261127141643.50Z", Errc::kNotDer, 18},       // trailing zero in the fraction
      {"20261127141643.0Z", Errc::kNotDer, 17},        // a zero fraction is left out
      {"20261127141643,5Z", Errc::kNotDer, 16},        // ',' as the decimal sign
      {"20261127141643.Z", Errc::kNotDer, 16},         // empty fraction
      {"20261127141643.1234567891Z", Errc::kNotDer, 16},  // more than nine digits
      {"20261327141643Z", Errc::kMalformed, 2},        // month 13
      {"20260230141643Z", Errc::kMalformed, 2},        // February 30th
      {"20230229141643Z", Errc::kMalformed, 2},        // not a leap year
      {"19000229141643Z", Errc::kMalformed, 2},        // century, not a leap year
      {"20261127146043Z", Errc::kMalformed, 2},        // minute 60
      {"20261127141661Z", Errc::kMalformed, 2},        // second 61
      {"2026112714164xZ", Errc::kMalformed, 15},       // non-digit
      {"20261127141643.5aZ", Errc::kMalformed, 18},    // non-digit in the fraction
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Writer w;
    w.add_octet_string(as_bytes(c.text), tags::kGeneralizedTime);
    Bytes der = w.finish();
    Reader r(der);
    EXPECT_TRUE(Fails(r.read_generalized_time(), c.code, c.offset));
  }
}

TEST(Time, UnixConversionKnownPoints) {
  EXPECT_EQ(Time::from_unix(0), at(1970, 1, 1, 0, 0, 0));
  EXPECT_EQ(Time::from_unix(951782400), at(2000, 2, 29, 0, 0, 0));
  EXPECT_EQ(Time::from_unix(-631152000), at(1950, 1, 1, 0, 0, 0));
  EXPECT_EQ(Time::from_unix(2524607999), at(2049, 12, 31, 23, 59, 59));
  EXPECT_EQ(Time::from_unix(253402300799), at(9999, 12, 31, 23, 59, 59));
  EXPECT_EQ(Time::from_unix(-1), at(1969, 12, 31, 23, 59, 59));
  EXPECT_EQ(at(9999, 12, 31, 23, 59, 59).to_unix(), 253402300799);
  EXPECT_EQ(Time::from_unix(5, 250000000).to_iso8601(), "1970-01-01T00:00:05.250000000Z");
}

TEST(Time, UnixRoundTripAcrossTheUtcTimeWindowAndThroughBothEncodings) {
  const std::int64_t first = at(1950, 1, 1, 0, 0, 0).to_unix();
  const std::int64_t last = at(2049, 12, 31, 23, 59, 59).to_unix();
  int checked = 0;
  // A step that is not a multiple of a day, a week or a year, so every field varies.
  for (std::int64_t s = first; s <= last; s += 86400 * 3 + 3607) {
    Time t = Time::from_unix(s);
    ASSERT_EQ(t.to_unix(), s);
    ASSERT_GE(t.year, 1950);
    ASSERT_LE(t.year, 2049);
    Writer w;
    w.add_utc_time(t);
    w.add_generalized_time(t);
    Bytes der = w.finish();
    Reader r(der);
    auto u = r.read_utc_time();
    auto g = r.read_generalized_time();
    ASSERT_TRUE(u.ok()) << u.error().to_string();
    ASSERT_TRUE(g.ok()) << g.error().to_string();
    ASSERT_EQ(*u, t);
    ASSERT_EQ(*g, t);
    ++checked;
  }
  EXPECT_GT(checked, 10000);
  EXPECT_EQ(Time::from_unix(last + 1).year, 2050);
}

}  // namespace
}  // namespace openset::der
