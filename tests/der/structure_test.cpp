// The framing around values: tags, lengths, nesting, SET OF order, limits and offsets. Each
// refusal names its class (not DER, malformed, truncated, limit) and the offset of the octet at
// fault, counted from the start of the outermost input.
#include <gtest/gtest.h>

#include <cstdint>
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

// `header` followed by n octets of `fill`.
Bytes with_content(std::string_view header, std::size_t n, std::uint8_t fill = 0xaa) {
  Bytes b = hex(header);
  b.insert(b.end(), n, fill);
  return b;
}

std::string header_of(const Bytes& der, std::size_t n) { return hexof(ByteView(der).first(n)); }

// ---------------------------------------------------------------------------------------------
// Lengths

TEST(Length, WriterUsesTheShortFormUpTo127AndTheMinimalLongFormAbove) {
  struct Case {
    std::size_t n;
    const char* header;
  };
  const Case cases[] = {
      {0, "0400"},        {1, "0401"},         {127, "047f"},           {128, "048180"},
      {255, "0481ff"},    {256, "04820100"},   {65535, "0482ffff"},     {65536, "0483010000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.n);
    Writer w;
    w.add_octet_string(Bytes(c.n, 0x11));
    Bytes der = w.finish();
    const std::size_t hlen = std::string(c.header).size() / 2;
    ASSERT_EQ(der.size(), hlen + c.n);
    EXPECT_EQ(header_of(der, hlen), c.header);
    Reader r(der);
    auto back = r.read_octet_string();
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(back->size(), c.n);
  }
}

TEST(Length, AppendLengthEncodesDirectly) {
  Bytes out;
  append_length(out, 0x80);
  append_length(out, 0x1234);
  append_length(out, 0x7f);
  EXPECT_EQ(hexof(out), "8180" "821234" "7f");
}

TEST(Length, LongFormOf128IsAccepted) {
  Bytes der = with_content("048180", 128);
  Reader r(der);
  auto e = r.read_any();
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->content.size(), 128u);
  EXPECT_EQ(e->content_offset, 3u);
}

TEST(Length, IndefiniteLengthIsRefusedAsNotDer) {
  HexReader h("308005000000");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kNotDer, 1));
}

TEST(Length, LongFormForAShortLengthIsNotDer) {
  Bytes der = with_content("048105", 5);
  Reader r(der);
  EXPECT_TRUE(Fails(r.read_any(), Errc::kNotDer, 1));
  Bytes der2 = with_content("04817f", 127);
  Reader r2(der2);
  EXPECT_TRUE(Fails(r2.read_any(), Errc::kNotDer, 1));
}

TEST(Length, LeadingZeroLengthOctetIsNotDer) {
  // 82 00 85: 0x85 fits in one octet; the offset is the zero octet.
  Bytes der = with_content("04820085", 0x85);
  Reader r(der);
  EXPECT_TRUE(Fails(r.read_any(), Errc::kNotDer, 2));
  Bytes der2 = with_content("048200ff", 0xff);
  Reader r2(der2);
  EXPECT_TRUE(Fails(r2.read_any(), Errc::kNotDer, 2));
}

TEST(Length, TwoOctetBoundaryIsExact) {
  Bytes der = with_content("04820100", 256);
  Reader r(der);
  EXPECT_TRUE(r.read_any().ok());
}

TEST(Length, ReservedFfIsMalformed) {
  HexReader h("04ff00");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kMalformed, 1));
}

TEST(Length, MoreThanFourLengthOctetsIsALimit) {
  HexReader h("04850100000000");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kLimit, 1));
}

TEST(Length, BeyondTheInputIsTruncatedAtTheElement) {
  HexReader h("04050102");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kTruncated, 0));
  HexReader nested("3004 0405 0102");  // the inner value overruns its parent, not the input
  auto seq = nested.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(Fails(seq->read_any(), Errc::kTruncated, 2));
}

TEST(Length, MissingOrTruncatedLengthOctets) {
  HexReader none("04");
  EXPECT_TRUE(Fails(none.reader.read_any(), Errc::kTruncated, 1));
  HexReader part("048201");
  EXPECT_TRUE(Fails(part.reader.read_any(), Errc::kTruncated, 2));
  HexReader empty("");
  EXPECT_TRUE(Fails(empty.reader.read_any(), Errc::kTruncated, 0));
}

TEST(Length, MaxLengthLimitIsChecked) {
  Bytes der = with_content("0411", 17);
  Reader strict(der, Limits{16, 64});
  EXPECT_TRUE(Fails(strict.read_any(), Errc::kLimit, 0));
  Reader exact(der, Limits{17, 64});
  EXPECT_TRUE(exact.read_any().ok());
  // The limit is checked before the truncation check: a huge claim is a limit, not a wait.
  HexReader huge("0484ffffffff", Limits{1024, 64});
  EXPECT_TRUE(Fails(huge.reader.read_any(), Errc::kLimit, 0));
}

// ---------------------------------------------------------------------------------------------
// Tags

TEST(Tag, HighTagNumberFormRoundTrips) {
  // 999 = 7*128 + 103: 9f 87 67.
  Writer w;
  w.add_element(context(999), hex("aa"));
  w.begin(application(31));
  w.end();
  w.add_element(Tag{TagClass::kPrivate, false, 200}, {});
  w.add_element(context(268435455), {});  // 2^28-1, the largest four-octet tag number
  Bytes der = w.finish();
  EXPECT_EQ(hexof(der), "9f876701aa" "7f1f00" "df814800" "9fffffff7f00");
  Reader r(der);
  auto a = r.read_any();
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->tag, context(999));
  EXPECT_EQ(hexof(a->content), "aa");
  EXPECT_EQ(a->content_offset, 4u);
  auto b = r.read_any();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->tag, application(31, true));
  auto c = r.read_any();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tag, (Tag{TagClass::kPrivate, false, 200}));
  auto d = r.read_any();
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->tag.number, 268435455u);
  EXPECT_TRUE(r.expect_end().ok());
}

TEST(Tag, ThirtyOneIsTheFirstHighTagNumber) {
  HexReader h("9f1f00");
  auto e = h.reader.read_any();
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->tag, context(31));
  Bytes out;
  append_tag(out, context(30));
  append_tag(out, context(31));
  EXPECT_EQ(hexof(out), "9e" "9f1f");
}

TEST(Tag, LowNumbersInTheHighTagFormAreNotDer) {
  HexReader five("9f0500");
  EXPECT_TRUE(Fails(five.reader.read_any(), Errc::kNotDer, 0));
  HexReader thirty("9f1e00");
  EXPECT_TRUE(Fails(thirty.reader.read_any(), Errc::kNotDer, 0));
}

TEST(Tag, LeadingEightyInTheTagNumberIsNotDer) {
  HexReader h("9f80876700");  // 999 padded with an empty leading group
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kNotDer, 1));
}

TEST(Tag, UniversalZeroIsReservedForEndOfContents) {
  HexReader h("0000");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kMalformed, 0));
  HexReader inside("30020000");
  auto seq = inside.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(Fails(seq->read_any(), Errc::kMalformed, 2));
}

TEST(Tag, TagNumbersBeyondTwentyEightBitsAreALimit) {
  HexReader h("9f818080800000");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kLimit, 0));
}

TEST(Tag, TruncatedTagIsTruncated) {
  HexReader h("9f87");
  EXPECT_TRUE(Fails(h.reader.read_any(), Errc::kTruncated, 0));
  HexReader h2("9f");
  EXPECT_TRUE(Fails(h2.reader.read_any(), Errc::kTruncated, 0));
}

TEST(Tag, NamesForPrinting) {
  EXPECT_EQ(context(0).to_string(), "[0]");
  EXPECT_EQ(application(3).to_string(), "[APPLICATION 3]");
  EXPECT_EQ((Tag{TagClass::kPrivate, false, 5}).to_string(), "[PRIVATE 5]");
  EXPECT_EQ(tags::kSequence.to_string(), "SEQUENCE");
  EXPECT_EQ(tags::kInteger.to_string(), "INTEGER");
  EXPECT_EQ(universal(29).to_string(), "[UNIVERSAL 29]");
  EXPECT_EQ(universal_name(24), "GeneralizedTime");
  EXPECT_EQ(universal_name(99), "");
  EXPECT_TRUE(tags::kSequence.same_id(universal(16)));
  EXPECT_EQ(universal(16).as_constructed(), tags::kSequence);
  EXPECT_EQ(tags::kSequence.as_primitive(), universal(16));
}

TEST(Tag, PeekSeesTheNextTagWithoutConsumingIt) {
  HexReader h("a003020101 9f876700");
  EXPECT_EQ(*h.reader.peek_tag(), context(0, true));
  EXPECT_TRUE(h.reader.peek_is(context(0, true)));
  EXPECT_FALSE(h.reader.peek_is(context(0)));  // the constructed bit counts
  EXPECT_FALSE(h.reader.peek_is(context(1, true)));
  EXPECT_EQ(h.reader.offset(), 0u);
  ASSERT_TRUE(h.reader.read_any().ok());
  EXPECT_EQ(*h.reader.peek_tag(), context(999));
  EXPECT_EQ(h.reader.offset(), 5u);
  ASSERT_TRUE(h.reader.read_any().ok());
  EXPECT_TRUE(Fails(h.reader.peek_tag(), Errc::kTruncated, 9));
  EXPECT_FALSE(h.reader.peek_is(context(0, true)));
}

TEST(Tag, PeekReportsAMalformedHeader) {
  HexReader h("3080");
  EXPECT_TRUE(Fails(h.reader.peek_tag(), Errc::kNotDer, 1));
  EXPECT_FALSE(h.reader.peek_is(tags::kSequence));
}

// ---------------------------------------------------------------------------------------------
// Constructed values, offsets and trailing data

TEST(Reader, ElementOffsetsAreAbsoluteInNestedReaders) {
  // SEQUENCE { [0] { INTEGER 5 }, OCTET STRING aabbcc }
  HexReader h("300a a003020105 0403aabbcc");
  auto seq = h.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->offset(), 2u);
  EXPECT_EQ(seq->depth(), 1u);
  auto tagged = seq->read_element(context(0, true));
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->offset, 2u);
  EXPECT_EQ(tagged->content_offset, 4u);
  auto inner = seq->open(*tagged);
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->offset(), 4u);
  EXPECT_EQ(inner->depth(), 2u);
  auto i = inner->read_element(tags::kInteger);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->offset, 4u);
  EXPECT_EQ(i->content_offset, 6u);
  EXPECT_EQ(hexof(i->tlv), "020105");
  auto os = seq->read_element(tags::kOctetString);
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->offset, 7u);
  EXPECT_EQ(os->content_offset, 9u);
  EXPECT_TRUE(seq->expect_end().ok());
  EXPECT_TRUE(h.reader.expect_end().ok());
}

TEST(Reader, ErrorsDeepInsideReportTheOffsetInTheWholeInput) {
  // SEQUENCE { [0] { INTEGER 00 7f }, NULL }: the bad INTEGER's content starts at 6.
  HexReader h("3008 a00402 02007f 0500");
  auto seq = h.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  auto inner = seq->enter(context(0));
  ASSERT_TRUE(inner.ok());
  EXPECT_TRUE(Fails(inner->read_int64(), Errc::kNotDer, 6));
}

TEST(Reader, TrailingBytesAfterTheLastValueAreMalformed) {
  HexReader h("0500 0500");
  ASSERT_TRUE(h.reader.read_null().ok());
  EXPECT_EQ(h.reader.remaining(), 2u);
  EXPECT_EQ(hexof(h.reader.rest()), "0500");
  EXPECT_TRUE(Fails(h.reader.expect_end(), Errc::kMalformed, 2));
  HexReader nested("3004 0500 0500");
  auto seq = nested.reader.enter_sequence();
  ASSERT_TRUE(seq.ok());
  ASSERT_TRUE(seq->read_null().ok());
  EXPECT_TRUE(Fails(seq->expect_end(), Errc::kMalformed, 4));
}

TEST(Reader, WrongTagIsMalformedAtTheTag) {
  HexReader h("0500");
  EXPECT_TRUE(Fails(h.reader.read_element(tags::kInteger), Errc::kMalformed, 0));
  HexReader set("3100");
  EXPECT_TRUE(Fails(set.reader.enter_sequence(), Errc::kMalformed, 0));
  HexReader prim("1000");  // a SEQUENCE tag with the primitive bit is not a SEQUENCE
  EXPECT_TRUE(Fails(prim.reader.enter_sequence(), Errc::kMalformed, 0));
}

TEST(Reader, OpeningAPrimitiveElementIsMalformed) {
  HexReader h("0401aa");
  auto e = h.reader.read_any();
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(Fails(h.reader.open(*e), Errc::kMalformed, 0));
}

TEST(Reader, EnterAcceptsAPrimitiveSpellingOfTheTagAndRequiresConstructed) {
  // enter() always wants the constructed form of the tag it is given.
  HexReader h("a0020500");
  auto r = h.reader.enter(context(0));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->read_null().ok());
}

Bytes nested_sequences(int n) {
  Writer w;
  for (int i = 0; i < n; ++i) w.begin_sequence();
  w.add_null();
  for (int i = 0; i < n; ++i) w.end();
  return w.finish();
}

TEST(Reader, NestingDeeperThanTheLimitIsRefused) {
  // 100 SEQUENCEs around a NULL. From the inside, the k-th SEQUENCE has 2k content octets
  // while that is below 128 (k <= 63), then three-octet headers: so the outer 37 headers take
  // three octets and the 65th SEQUENCE from the outside starts at 37*3 + 27*2 = 165.
  Bytes der = nested_sequences(100);
  Reader r(der, Limits{1u << 20, 64});
  std::vector<Reader> path{r};
  Result<Reader> next = path.back().enter_sequence();
  while (next.ok()) {
    path.push_back(*next);
    next = path.back().enter_sequence();
  }
  EXPECT_EQ(path.size(), 65u);  // the top reader plus 64 levels
  EXPECT_TRUE(Fails(next, Errc::kLimit, 165));
}

TEST(Reader, NestingUpToTheLimitIsAccepted) {
  Bytes der = nested_sequences(100);
  Reader r(der, Limits{1u << 20, 100});
  for (int i = 0; i < 100; ++i) {
    auto in = r.enter_sequence();
    ASSERT_TRUE(in.ok()) << i << ": " << in.error().to_string();
    r = *in;
  }
  EXPECT_TRUE(r.read_null().ok());
  EXPECT_EQ(r.depth(), 100u);
}

// ---------------------------------------------------------------------------------------------
// SET OF

TEST(SetOf, WriterSortsChildrenByTheirEncodings) {
  Writer w;
  w.begin_set_of();
  w.add_int64(3);
  w.add_int64(1);
  w.add_int64(2);
  w.end();
  EXPECT_EQ(hexof(w.finish()), "3109" "020101" "020102" "020103");
}

TEST(SetOf, ShorterEncodingSortsFirstWhenItIsSmallerAtTheLengthOctet) {
  Writer w;
  w.begin_set_of();
  w.add_octet_string(hex("aaaa"));
  w.add_octet_string(hex("bb"));
  w.add_null();
  w.end();
  EXPECT_EQ(hexof(w.finish()), "3109" "0401bb" "0402aaaa" "0500");
}

TEST(SetOf, WriterSortsLongChildrenAndWidensTheSetLength) {
  Writer w;
  w.begin_sequence();
  w.begin_set_of();
  w.add_octet_string(Bytes(200, 0xff));
  w.add_octet_string(Bytes(200, 0x00));
  w.end();
  w.add_null();
  w.end();
  Bytes der = w.finish();
  // SET content: 2 * (3 + 200) = 406 = 0x196; SEQUENCE content 4 + 406 + 2 = 412 = 0x19c.
  ASSERT_EQ(der.size(), 4u + 412u);
  EXPECT_EQ(header_of(der, 11), "3082019c" "31820196" "0481c8");
  EXPECT_EQ(der[11], 0x00);
  EXPECT_EQ(der[4 + 4 + 203 + 3], 0xff);
  Reader r(der);
  auto seq = r.enter_sequence();
  ASSERT_TRUE(seq.ok());
  auto set = seq->enter_set_of();
  ASSERT_TRUE(set.ok()) << set.error().to_string();
  EXPECT_EQ((*set->read_octet_string())[0], 0x00);
  EXPECT_EQ((*set->read_octet_string())[0], 0xff);
  EXPECT_TRUE(seq->read_null().ok());
}

TEST(SetOf, NestedSetsAreEachSorted) {
  Writer w;
  w.begin_set_of();
  w.begin_set_of();
  w.add_int64(9);
  w.add_int64(8);
  w.end();
  w.begin_set_of();
  w.add_int64(1);
  w.end();
  w.end();
  // Inner sets: 31 06 020108 020109 and 31 03 020101; 31 03 sorts before 31 06.
  EXPECT_EQ(hexof(w.finish()), "310d" "3103020101" "3106020108020109");
}

TEST(SetOf, ReaderRefusesUnsortedChildrenAtTheFirstOneOutOfOrder) {
  HexReader h("3109 020102 020101 020103");
  EXPECT_TRUE(Fails(h.reader.enter_set_of(), Errc::kNotDer, 5));
  HexReader late("3109 020101 020103 020102");
  EXPECT_TRUE(Fails(late.reader.enter_set_of(), Errc::kNotDer, 8));
}

TEST(SetOf, ReaderAcceptsSortedAndEqualChildren) {
  HexReader h("3109 020101 020101 020102");
  auto set = h.reader.enter_set_of();
  ASSERT_TRUE(set.ok()) << set.error().to_string();
  EXPECT_EQ(*set->read_int64(), 1);
  HexReader empty("3100");
  EXPECT_TRUE(empty.reader.enter_set_of().ok());
}

TEST(SetOf, ImplicitlyTaggedSetOf) {
  Writer w;
  w.begin_set_of(context(1));
  w.add_int64(2);
  w.add_int64(1);
  w.end();
  EXPECT_EQ(hexof(w.finish()), "a106020101020102");
  HexReader h("a106020101020102");
  EXPECT_TRUE(h.reader.enter_set_of(context(1)).ok());
  HexReader bad("a106020102020101");
  EXPECT_TRUE(Fails(bad.reader.enter_set_of(context(1)), Errc::kNotDer, 5));
}

TEST(SetOf, ASequenceIsNotASet) {
  HexReader h("3003020101");
  EXPECT_TRUE(Fails(h.reader.enter_set_of(), Errc::kMalformed, 0));
}

TEST(SetOf, MalformedChildIsReportedWhileCheckingTheOrder) {
  HexReader h("3104 020101 02");
  EXPECT_TRUE(Fails(h.reader.enter_set_of(), Errc::kTruncated, 6));
}

// ---------------------------------------------------------------------------------------------
// Writer: nested length prefixes patched in place

struct NestCase {
  std::size_t inner_octets;  // OCTET STRING size inside the SEQUENCE
  std::size_t content;       // resulting SEQUENCE content size
  const char* header;        // SEQUENCE header + OCTET STRING header
};

TEST(Writer, NestedLengthsAcrossEveryLengthFormBoundary) {
  const NestCase cases[] = {
      {125, 127, "307f" "047d"},
      {126, 128, "308180" "047e"},
      {252, 255, "3081ff" "0481fc"},
      {253, 256, "30820100" "0481fd"},
      {65531, 65535, "3082ffff" "0482fffb"},
      {65532, 65536, "3083010000" "0482fffc"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    Writer w;
    w.begin_sequence();
    w.add_octet_string(Bytes(c.inner_octets, 0x42));
    w.end();
    EXPECT_TRUE(w.balanced());
    Bytes der = w.finish();
    const std::size_t hlen = std::string(c.header).size() / 2;
    EXPECT_EQ(header_of(der, hlen), c.header);
    EXPECT_EQ(der.size(), hlen + c.inner_octets);
    Reader r(der);
    auto seq = r.enter_sequence();
    ASSERT_TRUE(seq.ok()) << seq.error().to_string();
    EXPECT_EQ(seq->remaining(), c.content);
    EXPECT_EQ(seq->read_octet_string()->size(), c.inner_octets);
    EXPECT_TRUE(seq->expect_end().ok());
    EXPECT_TRUE(r.expect_end().ok());
  }
}

TEST(Writer, WideningAnInnerLengthKeepsOuterAndSiblingBytesInPlace) {
  // SEQUENCE { SEQUENCE { OCTET STRING (300) }, [0] { SEQUENCE { NULL } }, INTEGER 7 }
  Writer w;
  w.begin_sequence();
  w.begin_sequence();
  w.add_octet_string(Bytes(300, 0x33));
  w.end();
  w.begin(context(0));
  w.begin_sequence();
  w.add_null();
  w.end();
  w.end();
  w.add_int64(7);
  w.end();
  Bytes der = w.finish();
  // inner SEQUENCE: 30 82 01 30 | 04 82 01 2c | 300 octets = 308 octets
  // [0]: a0 04 30 02 05 00 = 6; INTEGER: 3; outer content 317 = 0x13d.
  ASSERT_EQ(der.size(), 4u + 317u);
  EXPECT_EQ(header_of(der, 12), "3082013d" "30820130" "0482012c");
  EXPECT_EQ(hexof(ByteView(der).last(9)), "a004300205000201" "07");
  Reader r(der);
  auto outer = r.enter_sequence();
  ASSERT_TRUE(outer.ok());
  auto inner = outer->enter_sequence();
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->read_octet_string()->size(), 300u);
  auto tagged = outer->enter(context(0));
  ASSERT_TRUE(tagged.ok());
  auto innermost = tagged->enter_sequence();
  ASSERT_TRUE(innermost.ok());
  EXPECT_TRUE(innermost->read_null().ok());
  EXPECT_EQ(*outer->read_int64(), 7);
  EXPECT_TRUE(outer->expect_end().ok());
}

TEST(Writer, DeeplyNestedLongValuesAllWiden) {
  // Five levels, each adding a 200-octet sibling: every level crosses a length-form boundary.
  Writer w;
  for (int i = 0; i < 5; ++i) {
    w.begin_sequence();
    w.add_octet_string(Bytes(200, static_cast<std::uint8_t>(i)));
  }
  for (int i = 0; i < 5; ++i) w.end();
  Bytes der = w.finish();
  Reader r(der);
  for (int i = 0; i < 5; ++i) {
    auto in = r.enter_sequence();
    ASSERT_TRUE(in.ok()) << in.error().to_string();
    r = *in;
    auto os = r.read_octet_string();
    ASSERT_TRUE(os.ok());
    EXPECT_EQ((*os)[0], i);
  }
  EXPECT_TRUE(r.expect_end().ok());
}

TEST(Writer, RawAndElementAppendAsGiven) {
  Writer w;
  w.begin_sequence();
  w.add_raw(hex("0500"));
  w.add_element(context(3), hex("0102"));
  w.end();
  EXPECT_EQ(hexof(w.bytes()), "3006" "0500" "83020102");
  EXPECT_TRUE(w.balanced());
}

TEST(Writer, BalanceIsTracked) {
  Writer w;
  w.begin_sequence();
  EXPECT_FALSE(w.balanced());
  w.end();
  EXPECT_TRUE(w.balanced());
  EXPECT_EQ(hexof(w.finish()), "3000");
}

TEST(WriterDeathTest, UnbalancedFinishAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Writer w;
        w.begin_sequence();
        (void)w.finish();
      },
      "");
  EXPECT_DEATH(
      {
        Writer w;
        w.end();
      },
      "");
}

}  // namespace
}  // namespace openset::der
