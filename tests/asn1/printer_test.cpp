// `openset decode`'s printer and the type registry: pinned text for known PKCS#7 values, JSON
// structure, type detection and forcing, open types resolved through their OID, and clear
// errors (with offsets) on bad input.
#include <gtest/gtest.h>

#include <string>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/printer.hpp"
#include "openset/asn1/registry.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "set_test_values.hpp"

namespace openset::asn1 {
namespace {

using namespace openset::asn1::testing;
using CT = oid::ContentType;
using nlohmann::json;

std::string text(const Bytes& der, PrintOptions o = {}) {
  auto t = print_text(der, o);
  EXPECT_TRUE(t.ok()) << t.error().to_string();
  return t.ok() ? *t : std::string();
}

TEST(Printer, DigestedDataPinnedText) {
  const std::string expected =
      "    0:d=0  hl=2 l=  44 cons: SEQUENCE                DigestedData\n"
      "    2:d=1  hl=2 l=   1 prim:   INTEGER               ddVersion: INTEGER { ddVer0(0) } = ddVer0(0)\n"
      "    5:d=1  hl=2 l=   9 cons:   SEQUENCE              digestAlgorithm: AlgorithmIdentifier\n"
      "    7:d=2  hl=2 l=   5 prim:     OBJECT IDENTIFIER   algorithm: OBJECT IDENTIFIER = 1.3.14.3.2.26 (id-sha1)\n"
      "   14:d=2  hl=2 l=   0 prim:     NULL                parameters: ANY -> NULL\n"
      "   16:d=1  hl=2 l=   6 cons:   SEQUENCE              contentInfo: ContentInfo\n"
      "   18:d=2  hl=2 l=   4 prim:     OBJECT IDENTIFIER   contentType: ContentType = 2.23.42.0.3 (id-set-content-OIData)\n"
      "   24:d=1  hl=2 l=  20 prim:   OCTET STRING          digest: Digest = abababababababababababababababababababab\n";
  EXPECT_EQ(text(encode(dd(CT::kOIData))), expected);
}

TEST(Printer, SignedDataPinnedTextDescendsIntoTheTypedContent) {
  // S { M, HODInput }: contentInfo.content is printed as the type its contentType names.
  SignedData sd = signed_data_with_content(oid::content(CT::kHODInput), encode(hod_input()));
  const std::string expected =
      "    0:d=0  hl=3 l= 180 cons: SEQUENCE                SignedData\n"
      "    3:d=1  hl=2 l=   1 prim:   INTEGER               sdVersion: INTEGER { sdVer2(2) } = sdVer2(2)\n"
      "    6:d=1  hl=2 l=  11 cons:   SEQUENCE              digestAlgorithms: DigestAlgorithmIdentifiers\n"
      "    8:d=2  hl=2 l=   9 cons:     SEQUENCE            AlgorithmIdentifier\n"
      "   10:d=3  hl=2 l=   5 prim:       OBJECT IDENTIFIER  algorithm: OBJECT IDENTIFIER = 1.3.14.3.2.26 (id-sha1)\n"
      "   17:d=3  hl=2 l=   0 prim:       NULL              parameters: ANY -> NULL\n"
      "   19:d=1  hl=2 l=  54 cons:   SEQUENCE              contentInfo: ContentInfo\n"
      "   21:d=2  hl=2 l=   4 prim:     OBJECT IDENTIFIER   contentType: ContentType = 2.23.42.0.7 (id-set-content-HODInput)\n"
      "   27:d=2  hl=2 l=  46 cons:     [0]                 content: [0] EXPLICIT ANY\n"
      "   29:d=3  hl=2 l=  44 cons:       SEQUENCE          ANY -> HODInput\n"
      "   31:d=4  hl=2 l=   2 prim:         OCTET STRING    od: OD = 6f64\n"
      "   35:d=4  hl=2 l=  11 cons:         SEQUENCE        purchAmt: CurrencyAmount\n"
      "   37:d=5  hl=2 l=   2 prim:           INTEGER       currency: Currency = 840\n"
      "   41:d=5  hl=2 l=   2 prim:           INTEGER       amount: INTEGER (0..MAX) = 1234\n"
      "   45:d=5  hl=2 l=   1 prim:           INTEGER       amtExp10: INTEGER (MIN..MAX) = -2\n"
      "   48:d=4  hl=2 l=  20 prim:         OCTET STRING    odSalt: Nonce = 4444444444444444444444444444444444444444\n"
      "   70:d=4  hl=2 l=   3 cons:         [0]             installRecurData: InstallRecurData\n"
      "   72:d=5  hl=2 l=   1 prim:           [0]           installRecurInd: InstallRecurInd.installTotalTrans INTEGER (2..MAX) = 3\n"
      "   75:d=1  hl=2 l= 106 cons:   SEQUENCE              signerInfos: SignerInfos\n"
      "   77:d=2  hl=2 l= 104 cons:     SEQUENCE            SignerInfo\n"
      "   79:d=3  hl=2 l=   1 prim:       INTEGER           siVersion: INTEGER { siVer2(2) } = siVer2(2)\n"
      "   82:d=3  hl=2 l=   5 cons:       SEQUENCE          issuerAndSerialNumber: IssuerAndSerialNumber\n"
      "   84:d=4  hl=2 l=   0 cons:         SEQUENCE        issuer: Name\n"
      "   86:d=4  hl=2 l=   1 prim:         INTEGER         serialNumber: CertificateSerialNumber = 1\n"
      "   89:d=3  hl=2 l=   9 cons:       SEQUENCE          digestAlgorithm: AlgorithmIdentifier\n"
      "   91:d=4  hl=2 l=   5 prim:         OBJECT IDENTIFIER  algorithm: OBJECT IDENTIFIER = 1.3.14.3.2.26 (id-sha1)\n"
      "   98:d=4  hl=2 l=   0 prim:         NULL            parameters: ANY -> NULL\n"
      "  100:d=3  hl=2 l=  60 cons:       [2]               authenticatedAttributes: [2] EXPLICIT AttributeSeq\n"
      "  102:d=4  hl=2 l=  58 cons:         SEQUENCE        AttributeSeq\n"
      "  104:d=5  hl=2 l=  19 cons:           SEQUENCE      Attribute\n"
      "  106:d=6  hl=2 l=   9 prim:             OBJECT IDENTIFIER  type: OBJECT IDENTIFIER = 1.2.840.113549.1.9.3 (contentType)\n"
      "  117:d=6  hl=2 l=   6 cons:             SET         values: SET SIZE(1) OF\n"
      "  119:d=7  hl=2 l=   4 prim:               OBJECT IDENTIFIER  ANY -> ContentType = 2.23.42.0.7 (id-set-content-HODInput)\n"
      "  125:d=5  hl=2 l=  35 cons:           SEQUENCE      Attribute\n"
      "  127:d=6  hl=2 l=   9 prim:             OBJECT IDENTIFIER  type: OBJECT IDENTIFIER = 1.2.840.113549.1.9.4 (messageDigest)\n"
      "  138:d=6  hl=2 l=  22 cons:             SET         values: SET SIZE(1) OF\n"
      "  140:d=7  hl=2 l=  20 prim:               OCTET STRING  ANY -> MessageDigest = d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\n"
      "  162:d=3  hl=2 l=  13 cons:       SEQUENCE          digestEncryptionAlgorithm: AlgorithmIdentifier\n"
      "  164:d=4  hl=2 l=   9 prim:         OBJECT IDENTIFIER  algorithm: OBJECT IDENTIFIER = 1.2.840.113549.1.1.1 (id-rsaEncryption)\n"
      "  175:d=4  hl=2 l=   0 prim:         NULL            parameters: ANY -> NULL\n"
      "  177:d=3  hl=2 l=   4 prim:       OCTET STRING      encryptedDigest: EncryptedDigest = deadbeef\n";
  EXPECT_EQ(text(encode(sd)), expected);
}

TEST(Printer, JsonStructure) {
  auto j = print_json(encode(dd(CT::kOIData)));
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  EXPECT_EQ((*j)["type"], "DigestedData");
  EXPECT_FALSE(j->contains("error"));
  const json& root = (*j)["root"];
  EXPECT_EQ(root["offset"], 0);
  EXPECT_EQ(root["tag"], "SEQUENCE");
  EXPECT_EQ(root["constructed"], true);
  EXPECT_EQ(root["length"], 44);
  ASSERT_EQ(root["children"].size(), 4u);
  const json& version = root["children"][0];
  EXPECT_EQ(version["field"], "ddVersion");
  EXPECT_EQ(version["value"], 0);
  EXPECT_EQ(version["name"], "ddVer0");
  const json& algorithm = root["children"][1]["children"][0];
  EXPECT_EQ(algorithm["value"], "1.3.14.3.2.26");
  EXPECT_EQ(algorithm["name"], "id-sha1");
  EXPECT_EQ(root["children"][3]["field"], "digest");
  EXPECT_EQ(root["children"][3]["value"], rep("ab", 20));  // JSON carries the full hex
  EXPECT_EQ(root["children"][3]["class"], "universal");
  EXPECT_EQ(root["children"][3]["number"], 4);
}

TEST(Printer, JsonCarriesTypedValues) {
  // A PResData inside a SignedData: enumerations by name and number, REALs as numbers.
  PResData d;
  d.trans_ids = trans_ids();
  d.rrpid = Bytes(20, 1);
  d.chall_c = Bytes(20, 2);
  PResPayload p;
  p.completion_code = CompletionCode::kAuthorizationPerformed;
  p.results = Results{};
  p.results->auth_status = AuthStatus{date_1997(), AuthCode::kDeclined, 0.5, std::nullopt};
  d.p_res_payload_seq = {p};
  auto sd = signed_data_with_content(oid::content(CT::kPResData), encode(d));
  std::string t = text(encode(sd));
  EXPECT_NE(t.find("completionCode: CompletionCode = authorizationPerformed(4)"), std::string::npos) << t;
  EXPECT_NE(t.find("authRatio: FloatingPoint = 0.5"), std::string::npos) << t;
  EXPECT_NE(t.find("authCode: AuthCode = declined(2)"), std::string::npos) << t;
  EXPECT_NE(t.find("language: Language = \"en\""), std::string::npos) << t;
  EXPECT_NE(t.find("pReqDate: Date = 1997-05-31T12:00:00Z"), std::string::npos) << t;
  auto j = print_json(encode(sd));
  ASSERT_TRUE(j.ok());
  std::string dump = j->dump();
  EXPECT_NE(dump.find(R"("field":"authRatio")"), std::string::npos);
  EXPECT_NE(dump.find(R"("value":0.5)"), std::string::npos) << dump;
  EXPECT_NE(dump.find(R"("name":"authorizationPerformed")"), std::string::npos);
}

TEST(Printer, MessageWrapperIsDetectedAndNamesTheAlternative) {
  MessageWrapper w;
  w.message_header = message_header();
  SetError e;
  e.value = error_tbs();
  w.message.value.emplace<Message::kError>(e);
  std::string t = text(encode(w));
  EXPECT_EQ(t.rfind("    0:d=0  hl=3 l= 248 cons: SEQUENCE                MessageWrapper\n", 0), 0u) << t;
  EXPECT_NE(t.find("cons:   [0]                   message: [0] EXPLICIT Message\n"), std::string::npos) << t;
  EXPECT_NE(t.find("cons:     [999]               Message.error [999] EXPLICIT Error\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Error.unsignedError [1] EXPLICIT ErrorTBS"), std::string::npos) << t;
  EXPECT_NE(t.find("errorCode: ErrorCode = decodingFailure(3)"), std::string::npos) << t;
  EXPECT_NE(t.find("errorOID: OBJECT IDENTIFIER = 2.23.42.0.7 (id-set-content-HODInput)"), std::string::npos) << t;
  EXPECT_NE(t.find("ErrorMsg.messageHeader [0] EXPLICIT MessageHeader"), std::string::npos) << t;
}

TEST(Printer, DualSignedPurchaseRequestPrintsBothHalves) {
  MessageWrapper w;
  w.message_header = message_header();
  PReqDualSigned p;
  p.pi_dual_signed.pi_signature = detached_signed_data(oid::content(CT::kPI_TBS));
  p.pi_dual_signed.ex_pi_data = enveloped_data(oid::content(CT::kPIDualSignedTBE));
  p.oi_dual_signed.t1 = oi_data();
  p.oi_dual_signed.t2 = dd(CT::kPIData);
  PReq preq;
  preq.value = p;
  w.message.value.emplace<Message::kPurchaseRequest>(preq);
  std::string t = text(encode(w));
  EXPECT_NE(t.find("Message.purchaseRequest [2] EXPLICIT PReq"), std::string::npos) << t;
  EXPECT_NE(t.find("PReq.pReqDualSigned [0] EXPLICIT PReqDualSigned"), std::string::npos) << t;
  EXPECT_NE(t.find("piSignature: SignedData"), std::string::npos) << t;
  EXPECT_NE(t.find("exPIData: EnvelopedData"), std::string::npos) << t;
  EXPECT_NE(t.find("contentType: ContentType = 2.23.42.0.50 (id-set-content-PIDualSignedTBE)"), std::string::npos) << t;
  EXPECT_NE(t.find("oiDualSigned: OIDualSigned"), std::string::npos) << t;
  EXPECT_NE(t.find("t1: OIData"), std::string::npos) << t;
  EXPECT_NE(t.find("brandID: BrandID.visibleString VisibleString = \"Visa\""), std::string::npos) << t;
  EXPECT_NE(t.find("bin: BIN = \"411111\""), std::string::npos) << t;
  EXPECT_NE(t.find("t2: DigestedData"), std::string::npos) << t;
  EXPECT_NE(t.find("algorithm: OBJECT IDENTIFIER = 1.2.840.113549.1.1.6 (rsaOAEPEncryptionSET)"), std::string::npos) << t;
  // Long octet strings are cut unless --full.
  EXPECT_NE(t.find("encryptedKey: EncryptedKey = " + rep("ee", 32) + "\u2026 (128 octets)"), std::string::npos) << t;
  PrintOptions full;
  full.full = true;
  EXPECT_NE(text(encode(w), full).find("encryptedKey: EncryptedKey = " + rep("ee", 128) + "\n"), std::string::npos);
}

TEST(Printer, ForcedType) {
  PIData d{pi_head(), pan_data()};
  PrintOptions o;
  o.type = "PIData";
  std::string t = text(encode(d), o);
  EXPECT_EQ(t.rfind("    0:d=0  hl=4 l= 280 cons: SEQUENCE                PIData\n", 0), 0u) << t;
  EXPECT_NE(t.find("pan: PAN = \"4111111111111111\""), std::string::npos) << t;

  // A type that does not fit is an error naming the field, unless best effort.
  o.type = "OIData";
  auto r = print_text(encode(d), o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().has_offset());
  EXPECT_NE(r.error().message.find("transIDs: "), std::string::npos) << r.error().to_string();
  o.best_effort = true;
  t = text(encode(d), o);
  EXPECT_NE(t.find("OIData"), std::string::npos) << t;
  EXPECT_NE(t.find("\nerror: "), std::string::npos) << t;

  o.type = "NoSuchType";
  r = print_text(encode(d), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

TEST(Printer, UnknownOidIsPrintedDotted) {
  // SEQUENCE { OID 1.2.3.4.5, NULL }: no registered type fits; printed generically.
  std::string t = text(hex("30080604" "2a0304050500"));
  EXPECT_EQ(t,
            "    0:d=0  hl=2 l=   8 cons: SEQUENCE\n"
            "    2:d=1  hl=2 l=   4 prim:   OBJECT IDENTIFIER     1.2.3.4.5\n"
            "    8:d=1  hl=2 l=   0 prim:   NULL\n");
  // Inside a typed AlgorithmIdentifier the unknown algorithm's parameters stay generic.
  PrintOptions o;
  o.type = "AlgorithmIdentifier";
  t = text(hex("30080604" "2a0304050500"), o);
  EXPECT_NE(t.find("algorithm: OBJECT IDENTIFIER = 1.2.3.4.5\n"), std::string::npos) << t;
  EXPECT_NE(t.find("parameters: ANY\n"), std::string::npos) << t;
}

TEST(Printer, GenericValuesAndEncapsulatedDer) {
  // An OCTET STRING holding a complete DER SEQUENCE is shown with its content.
  std::string t = text(hex("30" "0f" "0405" "3003020105" "0c03616263" "0101ff"));
  EXPECT_NE(t.find("OCTET STRING          (encapsulates DER)"), std::string::npos) << t;
  EXPECT_NE(t.find("    4:d=2  hl=2 l=   3 cons:     SEQUENCE"), std::string::npos) << t;
  EXPECT_NE(t.find("prim:       INTEGER           5\n"), std::string::npos) << t;
  EXPECT_NE(t.find("UTF8String            \"abc\""), std::string::npos) << t;
  EXPECT_NE(t.find("BOOLEAN               TRUE"), std::string::npos) << t;
}

TEST(Printer, MalformedInputIsAnErrorWithItsOffset) {
  struct Case {
    const char* hex;
    Errc code;
    std::size_t offset;
  } cases[] = {
      {"", Errc::kTruncated, 0},
      {"30", Errc::kTruncated, 1},
      {"3003020101ff", Errc::kMalformed, 5},      // trailing octet
      {"3080020101 0000", Errc::kNotDer, 1},      // indefinite length
      {"3003020300", Errc::kTruncated, 2},        // inner INTEGER overruns its parent
      {"30040202007f", Errc::kNotDer, 4},         // non-minimal INTEGER
      {"3003010101", Errc::kNotDer, 4},           // BOOLEAN TRUE must be FF
      {"300217 00", Errc::kNotDer, 4},            // empty UTCTime
      {"30031201 41", Errc::kConstraint, 4},      // NumericString with a letter
      {"3081 0102 01 01", Errc::kNotDer, 1},      // long-form length below 128
  };
  for (const auto& c : cases) {
    auto r = print_text(hex(c.hex));
    ASSERT_FALSE(r.ok()) << c.hex;
    EXPECT_EQ(r.error().code, c.code) << c.hex << ": " << r.error().to_string();
    EXPECT_EQ(r.error().offset, c.offset) << c.hex << ": " << r.error().to_string();
    auto j = print_json(hex(c.hex));
    ASSERT_FALSE(j.ok());
    EXPECT_EQ(j.error().offset, c.offset);
  }
}

TEST(Printer, BestEffortPrintsWhatParsedThenTheError) {
  PrintOptions o;
  o.best_effort = true;
  // SEQUENCE { INTEGER 1, INTEGER (non-minimal) }
  auto r = print_text(hex("3007020101" "0202007f"), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r,
            "    0:d=0  hl=2 l=   7 cons: SEQUENCE\n"
            "    2:d=1  hl=2 l=   1 prim:   INTEGER               1\n"
            "    5:d=1  hl=2 l=   2 prim:   INTEGER\n"
            "error: not DER: INTEGER not minimally encoded (at offset 7)\n");
  auto j = print_json(hex("3007020101" "0202007f"), o);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["error"]["offset"], 7);
  EXPECT_EQ((*j)["error"]["code"], "not DER");
  EXPECT_EQ((*j)["root"]["children"].size(), 2u);
}

TEST(Printer, DeepNestingIsBoundedNotACrash) {
  // 200 nested SEQUENCEs around a NULL: deeper than der::Limits' 64.
  Bytes nested = {0x05, 0x00};
  for (int i = 0; i < 200; ++i) {
    der::Writer w;
    w.add_element(der::tags::kSequence, nested);
    nested = w.finish();
  }
  auto r = print_text(nested);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kLimit);
  PrintOptions o;
  o.best_effort = true;
  auto b = print_text(nested, o);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->find("error: limit"), std::string::npos);
  // Octet strings nested inside octet strings are bounded the same way.
  Bytes oct = {0x30, 0x00};
  for (int i = 0; i < 200; ++i) {
    der::Writer w;
    w.begin_sequence().add_octet_string(oct).end();
    oct = w.finish();
  }
  EXPECT_TRUE(print_text(oct).ok());
}

TEST(Printer, BmpStringIsShownAsUtf8) {
  // BrandID bmpString "Visa" forced as BrandID; and a generic BMPString with a non-ASCII char.
  PrintOptions o;
  o.type = "BrandID";
  std::string t = text(encode(BrandID::bmp(std::string("\x00V\x00i\x00s\x00\x61", 8))), o);
  EXPECT_NE(t.find("BrandID.bmpString BMPString = \"Visa\""), std::string::npos) << t;
  t = text(hex("3004" "1e0200e9"));
  EXPECT_NE(t.find("\"\xc3\xa9\""), std::string::npos) << t;  // U+00E9
}

// ---------------------------------------------------------------------------------------------
// Registry

TEST(Registry, EveryEntryHasANodeAndAStrictChecker) {
  ASSERT_GT(registered_types().size(), 100u);
  for (const auto& t : registered_types()) {
    ASSERT_NE(t.node, nullptr) << t.name;
    ASSERT_NE(t.check, nullptr) << t.name;
    EXPECT_FALSE(t.check(Bytes{}, {}).ok()) << t.name << " accepted empty input";
    EXPECT_EQ(find_type(t.name), &t) << t.name << " registered twice";
  }
}

TEST(Registry, ContentTypesSelectTheirTypes) {
  EXPECT_EQ(type_for_oid(oid::content(CT::kOIData))->name, "OIData");
  EXPECT_EQ(type_for_oid(oid::content(CT::kPI_TBS))->name, "PI-TBS");
  EXPECT_EQ(type_for_oid(oid::content(CT::kPIDualSignedTBE))->name, "PIDualSignedTBE");
  EXPECT_EQ(type_for_oid(oid::content(CT::kCapResTBE))->name, "SignedData");  // S { P, CapResData }
  EXPECT_EQ(type_for_oid(oid::content(CT::kCapTokenSeq))->name, "CapTokenSeq");
  EXPECT_EQ(type_for_oid(oid::pkcs7_signed_data())->name, "SignedData");
  EXPECT_EQ(type_for_oid(oid::pkcs9_message_digest())->name, "MessageDigest");
  EXPECT_EQ(type_for_oid(oid::des_cbc())->name, "CBC8Parameter");
  EXPECT_EQ(type_for_oid(der::Oid::from_arcs({1, 2, 3})), nullptr);
  // Every typed id-set-content type decodes its own example.
  EXPECT_TRUE(type_for_oid(oid::content(CT::kPANData))->check(encode(pan_data()), {}).ok());
  EXPECT_TRUE(type_for_oid(oid::content(CT::kHODInput))->check(encode(hod_input()), {}).ok());
  EXPECT_FALSE(type_for_oid(oid::content(CT::kHODInput))->check(encode(pan_data()), {}).ok());
}

TEST(Registry, EveryTypedContentTypeMapsToItsOwnName) {
  // id-set-content-X selects the type named X, except the ...TBE / ...TBEB ::= S{...} content
  // types, which are SignedData. 82 of the 83 content types are typed (the rest is
  // BCIDistributionTBS).
  unsigned mapped = 0;
  for (unsigned i = 0; i < oid::kContentTypeCount; ++i) {
    auto ct = static_cast<CT>(i);
    const RegisteredType* t = type_for_oid(oid::content(ct));
    if (t == nullptr) continue;
    ++mapped;
    if (t->name != "SignedData") {
      EXPECT_EQ(t->name, oid::content_name(ct));
    } else {
      EXPECT_NE(oid::content_name(ct).find("TBE"), std::string_view::npos) << oid::content_name(ct);
    }
  }
  EXPECT_EQ(mapped, 82u);
}

TEST(Registry, TopLevelCandidatesStartWithTheWrapper) {
  const auto& c = top_level_candidates();
  ASSERT_GE(c.size(), 6u);
  EXPECT_EQ(c[0]->name, "MessageWrapper");
  EXPECT_EQ(c[1]->name, "ContentInfo");
  EXPECT_EQ(c[2]->name, "SignedData");
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::size_t k = i + 1; k < c.size(); ++k) EXPECT_NE(c[i], c[k]);
}

TEST(Registry, NamesFollowBook3) {
  EXPECT_NE(find_type("PI-OILink"), nullptr);
  EXPECT_NE(find_type("Error"), nullptr);
  EXPECT_EQ(find_type("SetError"), nullptr);  // C++ name, not the ASN.1 one
}

}  // namespace
}  // namespace openset::asn1
