// SET building blocks (modules SetMessage and SetPayMsgs): pinned encodings assembled by hand
// from set-1.asn1 and X.690, round trips, and the constraint checks of Book 3.
//
// Every pinned vector below was written from the ASN.1 text, octet by octet, before the
// encoder ran; the breakdown is in the comment above it. A change that alters any of these
// bytes changes SET's wire format.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_paymsgs.hpp"
#include "set_test_values.hpp"

namespace openset::asn1 {
namespace {

using namespace openset::asn1::testing;

// ---------------------------------------------------------------------------------------------
// CurrencyAmount { currency 840 (USD), amount 1234, amtExp10 -2 } = USD 12.34
//   30 0b                 SEQUENCE, 11 octets
//      02 02 03 48        currency  INTEGER 840
//      02 02 04 d2        amount    INTEGER 1234
//      02 01 fe           amtExp10  INTEGER -2
TEST(SetPinned, CurrencyAmount) {
  EXPECT_EQ(to_hex(encode(usd_12_34())), kCurrencyAmountHex);
  auto back = decode<CurrencyAmount>(hex(kCurrencyAmountHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, usd_12_34());
}

// TransIDs { lid-C 01020304, lid-M "M1", xid 11*20, pReqDate 1997-05-31 12:00:00Z,
//            paySysID "PS1", language "en" }
//   30 3a                                  SEQUENCE, 58 octets
//      04 04 01020304                      lid-C     LocalID (OCTET STRING)
//      80 02 4d31                          lid-M     [0] IMPLICIT LocalID
//      04 14 1111...11                     xid       XID, 20 octets
//      18 0f 31393937303533313132303030305a  pReqDate  GeneralizedTime "19970531120000Z"
//      81 03 505331                        paySysID  [1] IMPLICIT VisibleString "PS1"
//      1a 02 656e                          language  VisibleString "en"
TEST(SetPinned, TransIDs) {
  EXPECT_EQ(to_hex(encode(trans_ids())), kTransIDsHex);
  auto back = decode<TransIDs>(hex(kTransIDsHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, trans_ids());
}

// PANData { pan "4111111111111111", cardExpiry "202712", panSecret 22*20, exNonce 33*20 }
//   30 46                                  SEQUENCE, 70 octets
//      12 10 34313131313131313131313131313131  pan        NumericString, 16 digits
//      12 06 323032373132                      cardExpiry NumericString "202712"
//      04 14 2222...22                         panSecret  Secret, 20 octets
//      04 14 3333...33                         exNonce    Nonce, 20 octets
TEST(SetPinned, PANData) {
  EXPECT_EQ(to_hex(encode(pan_data())), kPANDataHex);
  auto back = decode<PANData>(hex(kPANDataHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, pan_data());
}

// HODInput { od "od", purchAmt USD 12.34, odSalt 44*20,
//            installRecurData { installRecurInd installTotalTrans 3 } }
//   30 2c                                  SEQUENCE, 44 octets
//      04 02 6f64                          od        OD (OCTET STRING)
//      30 0b ...                           purchAmt  CurrencyAmount (above)
//      04 14 4444...44                     odSalt    Nonce
//      a0 03                               installRecurData [0] IMPLICIT InstallRecurData
//         80 01 03                            installRecurInd: installTotalTrans [0] IMPLICIT INTEGER 3
TEST(SetPinned, HODInput) {
  EXPECT_EQ(to_hex(encode(hod_input())), kHODInputHex);
  auto back = decode<HODInput>(hex(kHODInputHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, hod_input());
}

// OIData { transIDs (above), rrpid 55*20, chall-C 66*20, hod DD{HODInput}, odSalt 44*20,
//          chall-M 77*20, brandID visibleString "Visa", bin "411111", odExtOIDs { 2.23.42.1.1 } }
//   30 81 d8                               SEQUENCE, 216 octets (long-form length)
//      30 3a ...                           transIDs  TransIDs (above, 60 octets)
//      04 14 5555...55                     rrpid     RRPID
//      04 14 6666...66                     chall-C   Challenge
//      30 2c                               hod       DigestedData (46 octets)
//         02 01 00                            ddVersion 0
//         30 09 06 05 2b0e03021a 05 00        digestAlgorithm { id-sha1, NULL }
//         30 06 06 04 672a0007                contentInfo { id-set-content-HODInput }
//         04 14 abab...ab                     digest
//      04 14 4444...44                     odSalt    Nonce
//      04 14 7777...77                     chall-M   Challenge (untagged, OPTIONAL)
//      1a 04 56697361                      brandID   SETString: visibleString "Visa"
//      12 06 343131313131                  bin       NumericString "411111"
//      a0 06                               odExtOIDs [0] IMPLICIT OIDList
//         06 04 672a0101                      2.23.42.1.1
TEST(SetPinned, OIData) {
  EXPECT_EQ(to_hex(encode(oi_data())), kOIDataHex);
  auto back = decode<OIData>(hex(kOIDataHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(encode(*back), hex(kOIDataHex));
  EXPECT_EQ(back->brand_id.text(), "Visa");
  EXPECT_EQ(back->chall_m, Bytes(20, 0x77));
}

// PIHead { transIDs, inputs { hod DD{HODInput}, purchAmt }, merchantID "Merchant1",
//          transStain 88*20, swIdent "OpenSET/0.1",
//          acqBackKeyData { desCBC, 99*8 },
//          piExtensions { { 2.23.42.1.8, critical TRUE, extnValue NULL } } }
//   30 81 cd                               SEQUENCE, 205 octets
//      30 3a ...                           transIDs (60 octets)
//      30 3b                               inputs, 59 octets
//         30 2c ...                           hod DigestedData (46 octets)
//         30 0b ...                           purchAmt CurrencyAmount (13 octets)
//      1a 09 4d65726368616e7431            merchantID SETString: visibleString "Merchant1"
//      04 14 8888...88                     transStain HMAC{XID, Secret} = Digest, 20 octets
//      1a 0b 4f70656e5345542f302e31        swIdent    VisibleString "OpenSET/0.1"
//      a1 13                               acqBackKeyData [1] EXPLICIT
//         30 11                               BackKeyData
//            06 05 2b0e030207                    backAlgID id-desCBC 1.3.14.3.2.7
//            04 08 9999999999999999              backKey   BackKey, 8 octets
//      a2 0f                               piExtensions [2] IMPLICIT MsgExtensions
//         30 0d                               MsgExtension
//            06 04 672a0108                      extnID    2.23.42.1.8
//            01 01 ff                            critical  TRUE (FALSE would be omitted)
//            a0 02 05 00                         extnValue [0] EXPLICIT NULL
TEST(SetPinned, PIHead) {
  EXPECT_EQ(to_hex(encode(pi_head())), kPIHeadHex);
  auto back = decode<PIHead>(hex(kPIHeadHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(encode(*back), hex(kPIHeadHex));
  ASSERT_TRUE(back->pi_extensions.has_value());
  EXPECT_TRUE(back->pi_extensions->at(0).critical);
  EXPECT_EQ(back->acq_back_key_data->back_alg_id, oid::des_cbc());
}

// MessageHeader { version 1, (revision 0 omitted), date 1997-05-31 12:00:00Z,
//                 messageIDs { xID 11*20 }, rrpid 99*20, swIdent "OpenSET/0.1" }
//   30 4f                                  SEQUENCE, 79 octets
//      02 01 01                            version   INTEGER setVer1
//      18 0f 31393937303533313132303030305a  date    GeneralizedTime
//      a0 16                               messageIDs [0] IMPLICIT MessageIDs
//         82 14 1111...11                     xID  [2] IMPLICIT XID
//      81 14 9999...99                     rrpid     [1] IMPLICIT RRPID
//      1a 0b 4f70656e5345542f302e31        swIdent   VisibleString "OpenSET/0.1"
TEST(SetPinned, MessageHeader) {
  EXPECT_EQ(to_hex(encode(message_header())), kMessageHeaderHex);
  auto back = decode<MessageHeader>(hex(kMessageHeaderHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, message_header());
  EXPECT_EQ(back->revision, 0);
}

// ---------------------------------------------------------------------------------------------
// Cross-check with OpenSSL's parser (independent of ours).

std::string openssl_asn1parse(const Bytes& der) {
  if (std::system("openssl version > /dev/null 2>&1") != 0) return {};
  // One file per process: CTest runs tests of this binary in parallel processes.
  std::string path = ::testing::TempDir() + "openset_asn1parse_" + std::to_string(::getpid()) + ".der";
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  }
  std::string cmd = "openssl asn1parse -inform DER -in " + path + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    pclose(p);
  }
  std::remove(path.c_str());
  return out;
}

TEST(SetOpenSsl, PIHeadParsesTheSameWay) {
  std::string out = openssl_asn1parse(hex(kPIHeadHex));
  if (out.empty()) GTEST_SKIP() << "openssl not available";
  // The outer SEQUENCE with a long-form length, the [1] EXPLICIT BackKeyData, the [2] IMPLICIT
  // extensions, the des-cbc OID and the TRUE criticality, all where we put them.
  EXPECT_NE(out.find("0:d=0  hl=3 l= 205 cons: SEQUENCE"), std::string::npos) << out;
  EXPECT_NE(out.find("cons: cont [ 1 ]"), std::string::npos) << out;
  EXPECT_NE(out.find("cons: cont [ 2 ]"), std::string::npos) << out;
  EXPECT_NE(out.find(":des-cbc"), std::string::npos) << out;
  EXPECT_NE(out.find("BOOLEAN           :255"), std::string::npos) << out;
  EXPECT_NE(out.find("VISIBLESTRING     :OpenSET/0.1"), std::string::npos) << out;
  EXPECT_EQ(out.find("Error"), std::string::npos) << out;
}

TEST(SetOpenSsl, MessageHeaderParsesTheSameWay) {
  std::string out = openssl_asn1parse(hex(kMessageHeaderHex));
  if (out.empty()) GTEST_SKIP() << "openssl not available";
  EXPECT_NE(out.find("0:d=0  hl=2 l=  79 cons: SEQUENCE"), std::string::npos) << out;
  EXPECT_NE(out.find("INTEGER           :01"), std::string::npos) << out;
  EXPECT_NE(out.find("GENERALIZEDTIME   :19970531120000Z"), std::string::npos) << out;
  EXPECT_NE(out.find("cons: cont [ 0 ]"), std::string::npos) << out;
  EXPECT_NE(out.find("prim: cont [ 2 ]"), std::string::npos) << out;
  EXPECT_NE(out.find("prim: cont [ 1 ]"), std::string::npos) << out;
  EXPECT_EQ(out.find("Error"), std::string::npos) << out;
}

TEST(SetOpenSsl, CurrencyAmountParsesTheSameWay) {
  std::string out = openssl_asn1parse(hex(kCurrencyAmountHex));
  if (out.empty()) GTEST_SKIP() << "openssl not available";
  EXPECT_NE(out.find("INTEGER           :0348"), std::string::npos) << out;
  EXPECT_NE(out.find("INTEGER           :04D2"), std::string::npos) << out;
  EXPECT_NE(out.find("INTEGER           :-02"), std::string::npos) << out;
}

// ---------------------------------------------------------------------------------------------
// Constraints: each refusal names its field path and has the right error class.

void expect_refused(const Status& s, Errc code, std::string_view path) {
  ASSERT_FALSE(s.ok()) << "expected a refusal naming " << path;
  EXPECT_EQ(s.error().code, code) << s.error().to_string();
  EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().to_string();
  EXPECT_TRUE(s.error().has_offset()) << s.error().to_string();
}

template <class T>
Status decode_status(const Bytes& der) {
  auto r = decode<T>(der);
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

TEST(SetConstraints, PanWithALetterIsRefused) {
  PANData p = pan_data();
  p.pan = "41111111111111A1";
  expect_refused(decode_status<PANData>(encode(p)), Errc::kConstraint, "pan: ");
}

TEST(SetConstraints, PanOfTwentyDigitsIsRefused) {
  PANData p = pan_data();
  p.pan = "41111111111111111111";
  Status s = decode_status<PANData>(encode(p));
  expect_refused(s, Errc::kConstraint, "pan: PAN has size 20, outside SIZE(1..19)");
}

TEST(SetConstraints, PanInsidePIDataNamesTheWholePath) {
  PIData d;
  d.pi_head = pi_head();
  d.pan_data = pan_data();
  d.pan_data.pan = "";
  expect_refused(decode_status<PIData>(encode(d)), Errc::kConstraint, "panData: pan: PAN has size 0");
}

TEST(SetConstraints, XidOfNineteenOctetsIsRefused) {
  TransIDs t = trans_ids();
  t.xid = Bytes(19, 0x11);
  expect_refused(decode_status<TransIDs>(encode(t)), Errc::kConstraint, "xid: XID has size 19");
  OIData o = oi_data();
  o.trans_ids.xid = Bytes(21, 0x11);
  expect_refused(decode_status<OIData>(encode(o)), Errc::kConstraint, "transIDs: xid: XID has size 21");
}

TEST(SetConstraints, CardExpiryOfFiveDigitsIsRefused) {
  PANToken t{"4111111111111111", "20271", Bytes(20, 3)};
  expect_refused(decode_status<PANToken>(encode(t)), Errc::kConstraint,
                 "cardExpiry: CardExpiry has size 5, outside SIZE(6..6)");
}

TEST(SetConstraints, CurrencyOutsideOneToNineHundredNinetyNineIsRefused) {
  CurrencyAmount a = usd_12_34();
  a.currency = 0;
  expect_refused(decode_status<CurrencyAmount>(encode(a)), Errc::kConstraint, "currency: Currency value 0");
  a.currency = 1000;
  expect_refused(decode_status<CurrencyAmount>(encode(a)), Errc::kConstraint, "currency: Currency value 1000");
  a.currency = 999;
  EXPECT_TRUE(decode_status<CurrencyAmount>(encode(a)).ok());
}

TEST(SetConstraints, NegativeAmountIsRefused) {
  CurrencyAmount a = usd_12_34();
  a.amount = -1;
  expect_refused(decode_status<CurrencyAmount>(encode(a)), Errc::kConstraint, "amount: ");
}

TEST(SetConstraints, DefaultValueEncodedExplicitlyIsRefused) {
  // MessageHeader with revision 0 written out: 02 01 00 after the version.
  std::string h(kMessageHeaderHex);
  std::string with_revision = "3052" + h.substr(4, 6) + "020100" + h.substr(10);
  expect_refused(decode_status<MessageHeader>(hex(with_revision)), Errc::kNotDer,
                 "revision: DEFAULT value must be omitted");
  // MsgExtension with critical FALSE written out.
  expect_refused(decode_status<MsgExtension>(hex("300d0604672a0108010100a0020500")), Errc::kNotDer,
                 "critical: DEFAULT value must be omitted");
}

TEST(SetConstraints, RevisionOtherThanZeroIsRefused) {
  std::string h(kMessageHeaderHex);
  std::string rev1 = "3052" + h.substr(4, 6) + "020101" + h.substr(10);
  expect_refused(decode_status<MessageHeader>(hex(rev1)), Errc::kConstraint, "revision: ");
}

TEST(SetConstraints, VersionOtherThanOneIsRefused) {
  MessageHeader m = message_header();
  m.version = 2;
  expect_refused(decode_status<MessageHeader>(encode(m)), Errc::kConstraint, "version: ");
}

TEST(SetConstraints, UnknownChoiceTagIsRefused) {
  // InstallRecurInd with [5] instead of [0]/[1], inside InstallRecurData.
  expect_refused(decode_status<InstallRecurData>(hex("3003850103")), Errc::kMalformed,
                 "installRecurInd: InstallRecurInd: [5] matches none of the CHOICE alternatives");
  // PReq with [7].
  expect_refused(decode_status<PReq>(hex("a7023000")), Errc::kMalformed, "PReq: [7] matches none");
  // SETString given as a UTF8String.
  OIData o = oi_data();
  std::string oh = to_hex(encode(o));
  std::size_t at = oh.find("1a0456697361");
  ASSERT_NE(at, std::string::npos);
  oh.replace(at, 2, "0c");
  expect_refused(decode_status<OIData>(hex(oh)), Errc::kMalformed, "brandID: BrandID: UTF8String matches none");
}

TEST(SetConstraints, InstallTotalTransBelowTwoIsRefused) {
  expect_refused(decode_status<InstallRecurData>(hex("3003800101")), Errc::kConstraint,
                 "installRecurInd: installTotalTrans: ");
}

TEST(SetConstraints, MissingMandatoryFieldIsRefused) {
  // PANData without exNonce.
  std::string full(kPANDataHex);
  std::string cut = "3030" + full.substr(4, full.size() - 4 - 44);
  expect_refused(decode_status<PANData>(hex(cut)), Errc::kTruncated, "exNonce: ");
  // MessageHeader without swIdent.
  MessageHeader m = message_header();
  Bytes der = encode(m);
  std::string mh = to_hex(der);
  std::string no_sw = "3042" + mh.substr(4, mh.size() - 4 - 26);
  expect_refused(decode_status<MessageHeader>(hex(no_sw)), Errc::kTruncated, "swIdent: ");
}

TEST(SetConstraints, BmpBrandIdCountsCharactersNotOctets) {
  // 40 BMP characters (80 octets) fit BrandID's SIZE(1..40); 41 do not.
  BrandID ok = BrandID::bmp(std::string(80, 'a'));
  EXPECT_TRUE(decode_status<BrandID>(encode(ok)).ok());
  BrandID too_long = BrandID::bmp(std::string(82, 'a'));
  expect_refused(decode_status<BrandID>(encode(too_long)), Errc::kConstraint, "bmpString: ");
}

TEST(SetConstraints, AcctIdentificationIsExactlySeventyFourCharacters) {
  AcctData a{std::string(74, 'A'), Bytes(20, 1)};
  EXPECT_TRUE(decode_status<AcctData>(encode(a)).ok());
  a.acct_identification = "12345";
  expect_refused(decode_status<AcctData>(encode(a)), Errc::kConstraint, "acctIdentification: ");
}

// ---------------------------------------------------------------------------------------------
// Round trips of the remaining SetMessage types.

template <class T>
void expect_round_trip(const T& v) {
  Bytes der = encode(v);
  auto back = decode<T>(der);
  ASSERT_TRUE(back.ok()) << T::kName << ": " << back.error().to_string();
  EXPECT_EQ(encode(*back), der) << T::kName;
}

TEST(SetRoundTrip, SetMessageTypes) {
  expect_round_trip(message_ids());
  expect_round_trip(MessageIDs{});
  expect_round_trip(pan_data0());
  expect_round_trip(PANToken{"4111111111111111", "202712", Bytes(20, 3)});
  expect_round_trip(HMACPanData{"4111111111111111", "202712"});
  expect_round_trip(PANOnly{"4111111111111111", Bytes(20, 4)});
  expect_round_trip(AcctData{std::string(74, 'A'), Bytes(20, 1)});
  AcctInfo ai;
  ai.value = pan_data0();
  expect_round_trip(ai);
  ai.value = AcctData{std::string(74, 'B'), Bytes(20, 2)};
  expect_round_trip(ai);
  expect_round_trip(BackKeyData{oid::des_cdmf(), Bytes(5, 9)});
  expect_round_trip(cert_thumb());
  expect_round_trip(thumbs());
  expect_round_trip(DateTime{date_1997(), true});
  expect_round_trip(Distance{DistanceScale::kKilometers, 12});
  expect_round_trip(location());
  expect_round_trip(msg_extension());
  expect_round_trip(CRLNotificationTBS{date_1997(), Bytes(20, 5)});
  expect_round_trip(CRLNotificationResTBS{date_1997(), Bytes(32, 6)});
  expect_round_trip(error_tbs());
  ErrorTBS bad_wrapper = error_tbs();
  bad_wrapper.error_msg.value = hex("3000");
  bad_wrapper.error_oid.reset();
  bad_wrapper.error_thumb.reset();
  expect_round_trip(bad_wrapper);
  SetError e;
  e.value = error_tbs();
  expect_round_trip(e);
  e.value = signed_data_with_content(oid::content(oid::ContentType::kErrorTBS), encode(error_tbs()));
  expect_round_trip(e);
  expect_round_trip(BrandID::bmp(std::string("\x00V\x00i\x00s\x00\x61", 8)));
}

TEST(SetRoundTrip, ErrorCodeCoversEveryBook3Value) {
  for (std::int64_t v = 1; v <= 22; ++v) {
    ErrorTBS t = error_tbs();
    t.error_code = static_cast<ErrorCode>(v);
    expect_round_trip(t);
  }
  // 0 and 23 are not ErrorCodes.
  ErrorTBS t = error_tbs();
  t.error_code = static_cast<ErrorCode>(23);
  expect_refused(decode_status<ErrorTBS>(encode(t)), Errc::kConstraint, "errorCode: ");
}

TEST(SetRoundTrip, ErrorTagsAreAsInBook3) {
  // Error.unsignedError [1] EXPLICIT ErrorTBS { errorCode, errorNonce, errorOID [0] IMPLICIT,
  // errorThumb [1] EXPLICIT, errorMsg [2] EXPLICIT ErrorMsg.messageHeader [0] EXPLICIT }
  SetError e;
  e.value = error_tbs();
  std::string h = to_hex(encode(e));
  EXPECT_EQ(h.substr(0, 2), "a1");
  EXPECT_NE(h.find("0a0103"), std::string::npos) << h;  // ENUMERATED decodingFailure(3)
  EXPECT_NE(h.find("8004672a0007"), std::string::npos) << h;  // errorOID [0] IMPLICIT
  // errorMsg [2] EXPLICIT (83 octets) { messageHeader [0] EXPLICIT (81) { MessageHeader (79) } }
  EXPECT_NE(h.find("a253" "a051" "304f"), std::string::npos) << h;
}

}  // namespace
}  // namespace openset::asn1
