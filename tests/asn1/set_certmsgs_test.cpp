// SetCertMsgs (set-1.asn1 lines 371-729): pinned DER of the initiation messages, a round trip
// of every message and component, the Message CHOICE alternatives 22-31, and refusals (BER,
// wrong tags, SIZE / value / WITH COMPONENTS constraints, reserved RequestType values).
#include <gtest/gtest.h>

#include <string>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/registry.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "set_test_values.hpp"

namespace openset::asn1 {
namespace {

using namespace testing;  // NOLINT
using CT = oid::ContentType;

template <class T>
Status status_of(const Bytes& der) {
  auto r = decode<T>(der);
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

void expect_refused(const Status& s, Errc code, std::string_view fragment) {
  ASSERT_FALSE(s.ok()) << "expected a refusal containing '" << fragment << "'";
  EXPECT_EQ(s.error().code, code) << s.error().to_string();
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().to_string();
}

void expect_refused_at_all(const Status& s, std::string_view fragment) {
  ASSERT_FALSE(s.ok()) << "expected a refusal containing '" << fragment << "'";
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().to_string();
}

// Encode, decode, compare the value and the re-encoding.
template <class T>
void round_trip(const T& v) {
  Bytes der = encode(v);
  auto back = decode<T>(der);
  ASSERT_TRUE(back.ok()) << T::kName << ": " << back.error().to_string();
  if constexpr (requires { *back == v; }) {
    EXPECT_TRUE(*back == v) << T::kName;
  }
  EXPECT_EQ(encode(*back), der) << T::kName;
}

// ---------------------------------------------------------------------------------------------
// Example values

CertThumb thumb_dd() { return {sha1_null(), Bytes(20, 0xdd)}; }

Thumbs cert_thumbs_cc() {
  Thumbs t;
  t.digest_algorithm = sha1_null();
  t.cert_thumbs = std::vector<Bytes>{Bytes(20, 0xcc)};
  return t;
}

CardCInitReq card_c_init_req() {
  CardCInitReq r;
  r.rrpid = Bytes(20, 0x11);
  r.lid_ee = hex("01020304");
  r.chall_ee = Bytes(20, 0x22);
  r.brand_id = BrandID("Atlas");
  r.thumbs = cert_thumbs_cc();
  return r;
}

MeAqCInitReq me_aq_c_init_req() {
  MeAqCInitReq r;
  r.rrpid = Bytes(20, 0x11);
  r.lid_ee = hex("01020304");
  r.chall_ee = Bytes(20, 0x22);
  r.request_type = RequestType::kMerInitialBoth;
  r.id_data.value = MerchantAcquirerID{"400001", MerchantID("MER-0001")};
  r.brand_id = BrandID("Atlas");
  r.language = "en";
  return r;
}

CardCInitResTBS card_c_init_res_tbs() {
  CardCInitResTBS t;
  t.rrpid = Bytes(20, 0x11);
  t.lid_ee = hex("01020304");
  t.chall_ee = Bytes(20, 0x22);
  t.lid_ca = hex("cafe");
  t.cae_thumb = thumb_dd();
  return t;
}

RegField reg_field(std::string name, bool required) {
  RegField f;
  f.field_id = der::Oid::from_arcs({2, 23, 42, 2, 0});  // id-set-field-fullName
  f.field_name = FieldName(std::move(name));
  f.field_desc = FieldDesc("as printed on the card");
  f.field_len = 64;
  f.field_required = required;
  return f;
}

RegFormOrReferral form() {
  RegFormData d;
  d.reg_template = RegTemplate{};
  d.reg_template->reg_form_id = 7;
  d.reg_template->brand_logo_url = "https://atlas.example/logo.png";
  d.reg_template->reg_field_seq = std::vector<RegField>{reg_field("name", true),
                                                        reg_field("postal-code", false)};
  d.policy = PolicyText("Atlas cardholder certificate policy.");
  RegFormOrReferral r;
  r.value = d;
  return r;
}

RegFormOrReferral referral() {
  ReferralData d;
  d.reason = Reason("Register with your bank first");
  d.referral_url_seq = std::vector<std::string>{"https://bank.example/set"};
  RegFormOrReferral r;
  r.value = d;
  return r;
}

MeAqCInitResTBS me_aq_c_init_res_tbs() {
  MeAqCInitResTBS t;
  t.rrpid = Bytes(20, 0x11);
  t.lid_ee = hex("01020304");
  t.chall_ee = Bytes(20, 0x22);
  t.lid_ca = hex("0a0b");
  t.chall_ca = Bytes(20, 0x33);
  t.request_type = RequestType::kMerInitialBoth;
  t.reg_form_or_referral = form();
  t.acct_data_field = reg_field("account", true);
  t.cae_thumb = thumb_dd();
  t.brand_crl_identifier = hex("3000");
  t.thumbs = thumbs();
  return t;
}

RegFormReqData reg_form_req_data() {
  RegFormReqData d;
  d.rrpid = Bytes(20, 0x44);
  d.lid_ee = hex("01");
  d.chall_ee2 = Bytes(20, 0x45);
  d.lid_ca = hex("cafe");
  d.request_type = RequestType::kCardInitialSig;
  d.language = "en";
  d.thumbs = cert_thumbs_cc();
  return d;
}

RegFormResTBS reg_form_res_tbs() {
  RegFormResTBS t;
  t.rrpid = Bytes(20, 0x44);
  t.lid_ee = hex("01");
  t.chall_ee2 = Bytes(20, 0x45);
  t.lid_ca = hex("cafe");
  t.chall_ca = Bytes(20, 0x46);
  t.cae_thumb = thumb_dd();
  t.request_type = RequestType::kCardInitialSig;
  t.form_or_referal = referral();
  return t;
}

SubjectPublicKeyInfo spki(std::uint8_t fill) {
  SubjectPublicKeyInfo k;
  k.algorithm = {oid::rsa_encryption(), hex("0500")};
  k.subject_public_key.bytes = Bytes(16, fill);
  k.subject_public_key.unused_bits = 0;
  return k;
}

CertReqData cert_req_data() {
  CertReqData d;
  d.rrpid = Bytes(20, 0x55);
  d.lid_ee = hex("01");
  d.chall_ee3 = Bytes(20, 0x56);
  d.lid_ca = hex("cafe");
  d.chall_ca = Bytes(20, 0x46);
  d.request_type = RequestType::kMerInitialBoth;
  d.request_date = date_1997();
  IDData id;
  id.value = AcquirerID{"400001", std::string("12345")};
  d.id_data = id;
  d.reg_form_id = 7;
  RegFormItems name{FieldName("name"), FieldValue{}};
  name.field_value.value.emplace<0>(FieldValueString("Ada Lovelace"));
  RegFormItems blob{FieldName("photo"), FieldValue{}};
  blob.field_value.value.emplace<1>(hex("0102"));
  d.reg_form = std::vector<RegFormItems>{name, blob};
  d.ca_back_key_data = BackKeyData{oid::aes256_cbc(), Bytes(32, 0x77)};
  d.public_key_sor_e.public_key_s = spki(0x01);
  d.public_key_sor_e.public_key_e = spki(0x02);
  d.ee_thumb = thumb_dd();
  d.thumbs = cert_thumbs_cc();
  return d;
}

CertStatus cert_status() {
  CertStatus s;
  s.cert_status_code = CertStatusCode::kRejectedByIssuer;
  s.nonce_cca = Bytes(20, 0x66);
  s.ee_message = EEMessage("see failed items");
  s.ca_msg = CAMsg{};
  s.ca_msg->card_logo_url = "https://atlas.example/card.png";
  s.ca_msg->card_currency = 840;
  s.ca_msg->cardholder_msg = CardholderMsg("Welcome");
  s.failed_item_seq = std::vector<FailedItem>{{2, ItemReason("postal code differs")}};
  return s;
}

CertResData cert_res_data() {
  CertResData d;
  d.rrpid = Bytes(20, 0x55);
  d.lid_ee = hex("01");
  d.chall_ee3 = Bytes(20, 0x56);
  d.lid_ca = hex("cafe");
  d.cert_status = cert_status();
  d.cert_thumbs = cert_thumbs_cc();
  d.brand_crl_identifier = hex("3000");
  d.thumbs = thumbs();
  return d;
}

EncryptedData encrypted_data(const der::Oid& ct) {
  EncryptedData e;
  e.encrypted_content_info.content_type = ct;
  e.encrypted_content_info.content_encryption_algorithm = {oid::des_cbc(), hex("0408" + rep("01", 8))};
  e.encrypted_content_info.encrypted_content = Bytes(32, 0xec);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Pinned vectors (hand-assembled from set-1.asn1 and X.690)

// CardCInitReq (lines 513-519):
//   30 62                                  SEQUENCE, 98 octets
//     04 14 11..11                         rrpid RRPID (20)
//     04 04 01020304                       lid-EE LocalID
//     04 14 22..22                         chall-EE Challenge (20)
//     1a 05 41746c6173                     brandID: visibleString "Atlas"
//     a0 27                                thumbs [0] EXPLICIT
//       30 25                              Thumbs
//         30 09 06 05 2b0e03021a 05 00     digestAlgorithm sha1, NULL
//         a0 18 30 16 04 14 cc..cc         certThumbs [0] EXPLICIT Digests { one Digest }
const std::string kCardCInitReqHex = "3062" "0414" + rep("11", 20) + "040401020304" "0414" +
                                     rep("22", 20) + "1a0541746c6173" "a027" "3025"
                                     "300906052b0e03021a0500" "a018" "3016" "0414" + rep("cc", 20);

// Me-AqCInitReq (lines 533-542), no thumbs:
//   30 54
//     04 14 11..11  04 04 01020304  04 14 22..22     rrpid, lid-EE, chall-EE
//     0a 01 06                             requestType merInitialBoth (6)
//     a0 12                                idData: merchantAcquirerID [0] IMPLICIT SEQUENCE
//       12 06 343030303031                   merchantBIN NumericString "400001"
//       1a 08 4d45522d30303031               merchantID: visibleString "MER-0001"
//     1a 05 41746c6173                     brandID "Atlas"
//     1a 02 656e                           language "en"
const std::string kMeAqCInitReqHex = "3054" "0414" + rep("11", 20) + "040401020304" "0414" +
                                     rep("22", 20) + "0a0106" "a012" "1206343030303031"
                                     "1a084d45522d30303031" "1a0541746c6173" "1a02656e";

// CardCInitResTBS (lines 523-531):
//   30 5b
//     04 14 11..11  04 04 01020304  04 14 22..22     rrpid, lid-EE, chall-EE
//     04 02 cafe                           lid-CA LocalID (OPTIONAL, untagged)
//     a0 23                                caeThumb [0] EXPLICIT
//       30 21 30 09 06 05 2b0e03021a 05 00 04 14 dd..dd   CertThumb
const std::string kCardCInitResTBSHex = "305b" "0414" + rep("11", 20) + "040401020304" "0414" +
                                        rep("22", 20) + "0402cafe" "a023" "3021"
                                        "300906052b0e03021a0500" "0414" + rep("dd", 20);

TEST(CertMsgsPinned, CardCInitReq) {
  EXPECT_EQ(to_hex(encode(card_c_init_req())), kCardCInitReqHex);
  auto back = decode<CardCInitReq>(hex(kCardCInitReqHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, card_c_init_req());
}

TEST(CertMsgsPinned, MeAqCInitReq) {
  EXPECT_EQ(to_hex(encode(me_aq_c_init_req())), kMeAqCInitReqHex);
  auto back = decode<MeAqCInitReq>(hex(kMeAqCInitReqHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, me_aq_c_init_req());
}

TEST(CertMsgsPinned, CardCInitResTBS) {
  EXPECT_EQ(to_hex(encode(card_c_init_res_tbs())), kCardCInitResTBSHex);
  auto back = decode<CardCInitResTBS>(hex(kCardCInitResTBSHex));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, card_c_init_res_tbs());
}

TEST(CertMsgsPinned, RegFieldOmitsItsDefaults) {
  // RegField { fieldName "name" } with fieldLen 128, fieldRequired FALSE, fieldInvisible FALSE:
  //   30 06  1a 04 6e616d65
  RegField f;
  f.field_name = FieldName("name");
  EXPECT_EQ(to_hex(encode(f)), "30061a046e616d65");
  // fieldId [0] IMPLICIT OID, fieldDesc [1] EXPLICIT, fieldLen 64, fieldRequired [2] TRUE:
  //   30 18  80 04 672a0200  1a 04 6e616d65  a1 04 1a 02 4869  02 01 40  82 01 ff
  f.field_id = der::Oid::from_arcs({2, 23, 42, 2, 0});
  f.field_desc = FieldDesc("Hi");
  f.field_len = 64;
  f.field_required = true;
  EXPECT_EQ(to_hex(encode(f)), "3018" "8004672a0200" "1a046e616d65" "a1041a024869" "020140" "8201ff");
}

TEST(CertMsgsPinned, CertReqAndCertResAlternativesAreExplicit) {
  CertReq req;
  req.value.emplace<CertReq::kEncX>(enveloped_data(oid::content(CT::kCertReqTBEX)));
  EXPECT_EQ(encode(req)[0], 0xa0);
  req.value.emplace<CertReq::kEnc>(enveloped_data(oid::content(CT::kCertReqTBE)));
  Bytes der = encode(req);
  EXPECT_EQ(der[0], 0xa1);
  EXPECT_EQ(der[der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2], 0x30);  // then the EnvelopedData
  CertRes res;
  res.value.emplace<CertRes::kCertResTBS>(
      signed_data_with_content(oid::content(CT::kCertResData), encode(cert_res_data())));
  EXPECT_EQ(encode(res)[0], 0xa0);
  res.value.emplace<CertRes::kCertResTBSK>(encrypted_data(oid::content(CT::kCertResTBE)));
  EXPECT_EQ(encode(res)[0], 0xa1);
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(CertMsgsRoundTrip, EveryMessageAndComponent) {
  round_trip(card_c_init_req());
  round_trip(card_c_init_res_tbs());
  round_trip(me_aq_c_init_req());
  round_trip(me_aq_c_init_res_tbs());
  round_trip(reg_form_req_data());
  round_trip(reg_form_res_tbs());
  round_trip(cert_req_data());
  round_trip(cert_status());
  round_trip(cert_res_data());
  round_trip(form());
  round_trip(referral());
  round_trip(reg_field("x", true));
  round_trip(AcctInfo{AcctData{std::string(74, 'A'), Bytes(20, 1)}});
  round_trip(PANOnly{"4111111111111111", Bytes(20, 2)});
  round_trip(CertInqReqTBS{Bytes(20, 1), hex("01"), Bytes(20, 2), hex("cafe")});

  MeAqCInitReq acq = me_aq_c_init_req();
  acq.request_type = RequestType::kPgwyRenewalBoth;
  acq.id_data.value = AcquirerID{"400001", std::nullopt};
  acq.thumbs = thumbs();
  round_trip(acq);

  CertReqTBS tbs{cert_req_data(), AcctInfo{PANData0{"4111111111111111", "202712", Bytes(20, 3),
                                                      Bytes(20, 4)}}};
  round_trip(tbs);
  CertReqTBEX tbex{cert_req_data(), detached_signed_data(oid::content(CT::kCertReqTBS))};
  round_trip(tbex);

  RegFormReqTBE tbe;
  tbe.t1 = reg_form_req_data();
  tbe.t2 = dd(CT::kPANOnly);
  round_trip(tbe);

  CertReq req;
  req.value.emplace<CertReq::kEnc>(enveloped_data(oid::content(CT::kCertReqTBE)));
  round_trip(req);
  CertRes res;
  res.value.emplace<CertRes::kCertResTBSK>(encrypted_data(oid::content(CT::kCertResTBE)));
  round_trip(res);

  // A minimal CertReqData: only the mandatory components, one key.
  CertReqData min;
  min.rrpid = Bytes(20, 1);
  min.lid_ee = hex("01");
  min.chall_ee3 = Bytes(20, 2);
  min.request_date = date_1997();
  min.public_key_sor_e.public_key_e = spki(3);
  round_trip(min);
}

TEST(CertMsgsRoundTrip, MessageAlternatives22To31) {
  auto ctx = [](std::uint32_t n) { return der::context(n, true); };
  CertReq req;
  req.value.emplace<CertReq::kEncX>(enveloped_data(oid::content(CT::kCertReqTBEX)));
  CertRes res;
  res.value.emplace<CertRes::kCertResTBSK>(encrypted_data(oid::content(CT::kCertResTBE)));
  for (std::size_t i = 22; i <= 31; ++i) {
    Message m;
    switch (i) {
      case 22: m.value.emplace<22>(card_c_init_req()); break;
      case 23: m.value.emplace<23>(signed_data_with_content(oid::content(CT::kCardCInitResTBS),
                                                            encode(card_c_init_res_tbs()))); break;
      case 24: m.value.emplace<24>(me_aq_c_init_req()); break;
      case 25: m.value.emplace<25>(signed_data_with_content(oid::content(CT::kMeAqCInitResTBS),
                                                            encode(me_aq_c_init_res_tbs()))); break;
      case 26: m.value.emplace<26>(enveloped_data(oid::content(CT::kRegFormReqTBE))); break;
      case 27: m.value.emplace<27>(signed_data_with_content(oid::content(CT::kRegFormResTBS),
                                                            encode(reg_form_res_tbs()))); break;
      case 28: m.value.emplace<28>(req); break;
      case 29: m.value.emplace<29>(res); break;
      case 30: m.value.emplace<30>(detached_signed_data(oid::content(CT::kCertInqReqTBS))); break;
      default: m.value.emplace<31>(res); break;
    }
    Bytes der = encode(m);
    auto tag = der::Reader(der).peek_tag();
    ASSERT_TRUE(tag.ok());
    EXPECT_EQ(*tag, ctx(static_cast<std::uint32_t>(i))) << i;
    MessageWrapper w;
    w.message_header = message_header();
    w.message = m;
    Bytes wd = encode(w);
    auto back = decode<MessageWrapper>(wd);
    ASSERT_TRUE(back.ok()) << i << ": " << back.error().to_string();
    EXPECT_EQ(back->message.value.index(), i);
    EXPECT_EQ(encode(*back), wd);
  }
  // Raw DER is no longer accepted for the typed alternatives: [22] { SEQUENCE {} }.
  expect_refused_at_all(status_of<Message>(hex("b6023000")), "rrpid");
}

TEST(CertMsgsRegistry, TypesAndContentTypesAreKnownToDecode) {
  for (std::string_view n : {"CardCInitReq", "CardCInitResTBS", "Me-AqCInitReq", "Me-AqCInitResTBS",
                             "RegFormReqData", "RegFormReqTBE", "RegFormResTBS", "CertReq",
                             "CertReqTBEX", "CertReqTBS", "CertReqData", "CertRes", "CertResData",
                             "CertStatus", "CertInqReqTBS", "RegField", "RegForm", "RegFieldSeq",
                             "FailedItemSeq", "PublicKeySorE", "ReferralData", "IDData"})
    EXPECT_NE(find_type(n), nullptr) << n;
  for (auto [ct, name] : {std::pair{CT::kCardCInitResTBS, "CardCInitResTBS"},
                          std::pair{CT::kMeAqCInitResTBS, "Me-AqCInitResTBS"},
                          std::pair{CT::kRegFormResTBS, "RegFormResTBS"},
                          std::pair{CT::kCertReqData, "CertReqData"},
                          std::pair{CT::kCertReqTBS, "CertReqTBS"},
                          std::pair{CT::kCertResData, "CertResData"},
                          std::pair{CT::kCertInqReqTBS, "CertInqReqTBS"},
                          std::pair{CT::kRegFormReqTBE, "RegFormReqTBE"},
                          std::pair{CT::kCertReqTBEX, "CertReqTBEX"},
                          std::pair{CT::kCertReqTBE, "SignedData"},
                          std::pair{CT::kCertResTBE, "SignedData"}}) {
    const RegisteredType* t = type_for_oid(oid::content(ct));
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->name, name);
  }
  const RegisteredType* t = find_type("CardCInitReq");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->check(hex(kCardCInitReqHex), {}).ok());
}

// ---------------------------------------------------------------------------------------------
// Refusals

TEST(CertMsgsRefusals, BerFormsAreRefused) {
  // Indefinite length.
  std::string indefinite = "3080" + kCardCInitReqHex.substr(4) + "0000";
  EXPECT_FALSE(status_of<CardCInitReq>(hex(indefinite)).ok());
  // Non-minimal length octets (81 62 for 98).
  std::string long_len = "308162" + kCardCInitReqHex.substr(4);
  EXPECT_FALSE(status_of<CardCInitReq>(hex(long_len)).ok());
  // Constructed VisibleString (BER only) for brandID.
  std::string constructed = kMeAqCInitReqHex;
  std::size_t at = constructed.find("1a0541746c6173");
  ASSERT_NE(at, std::string::npos);
  constructed.replace(at, 14, "3a071a0541746c6173");
  constructed.replace(2, 2, "56");
  EXPECT_FALSE(status_of<MeAqCInitReq>(hex(constructed)).ok());
}

TEST(CertMsgsRefusals, WrongTagsAreRefused) {
  // thumbs under [1] instead of [0] EXPLICIT: nothing may follow brandID but [0].
  std::string wrong = kCardCInitReqHex;
  std::size_t at = wrong.find("a027");
  wrong.replace(at, 4, "a127");
  expect_refused(status_of<CardCInitReq>(hex(wrong)), Errc::kMalformed, "after the last component");
  // caeThumb is mandatory in CardCInitResTBS: without it the decoder names it.
  std::string no_thumb = "3036" "0414" + rep("11", 20) + "040401020304" "0414" + rep("22", 20) + "0402cafe";
  expect_refused_at_all(status_of<CardCInitResTBS>(hex(no_thumb)), "caeThumb");
  // idData as an untagged SEQUENCE (the alternatives are [0] / [1] IMPLICIT).
  std::string untagged = kMeAqCInitReqHex;
  at = untagged.find("a012");
  untagged.replace(at, 4, "3012");
  expect_refused(status_of<MeAqCInitReq>(hex(untagged)), Errc::kMalformed, "idData");
}

TEST(CertMsgsRefusals, ConstraintViolationsAreRefused) {
  // RRPID of 19 octets.
  CardCInitReq r = card_c_init_req();
  r.rrpid = Bytes(19, 0x11);
  expect_refused(status_of<CardCInitReq>(encode(r)), Errc::kConstraint, "rrpid");
  // Reserved RequestType values (cardInitialEnc 2, cardRenewalBoth 12) and out-of-range 19.
  for (const char* v : {"02", "0c", "13"}) {
    std::string h = kMeAqCInitReqHex;
    h.replace(h.find("0a0106"), 6, std::string("0a01") + v);
    expect_refused(status_of<MeAqCInitReq>(hex(h)), Errc::kConstraint, "requestType");
  }
  // ReferralData with neither reason nor referralURLSeq: 30 00.
  expect_refused(status_of<ReferralData>(hex("3000")), Errc::kConstraint,
                 "reason or referralURLSeq must be present");
  // ... also inside RegFormOrReferral ([1] IMPLICIT ReferralData, empty).
  expect_refused(status_of<RegFormOrReferral>(hex("a100")), Errc::kConstraint, "referralData");
  // PublicKeySorE with neither key.
  CertReqData d = cert_req_data();
  d.public_key_sor_e = {};
  expect_refused(status_of<CertReqData>(encode(d)), Errc::kConstraint,
                 "publicKeyS or publicKeyE must be present");
  // RegForm SIZE(1..50): empty, and 51 items.
  d = cert_req_data();
  d.reg_form = std::vector<RegFormItems>{};
  expect_refused(status_of<CertReqData>(encode(d)), Errc::kConstraint, "regForm");
  RegFormItems item{FieldName("f"), FieldValue{}};
  item.field_value.value.emplace<1>(hex("00"));
  d.reg_form = std::vector<RegFormItems>(51, item);
  expect_refused(status_of<CertReqData>(encode(d)), Errc::kConstraint, "regForm");
  // FieldValue octetString SIZE(1..128).
  item.field_value.value.emplace<1>(Bytes(129, 0));
  d.reg_form = std::vector<RegFormItems>{item};
  expect_refused(status_of<CertReqData>(encode(d)), Errc::kConstraint, "fieldValue");
  // FailedItem itemNumber (1..50).
  CertStatus s = cert_status();
  s.failed_item_seq = std::vector<FailedItem>{{51, ItemReason("x")}};
  expect_refused(status_of<CertStatus>(encode(s)), Errc::kConstraint, "itemNumber");
  // CertStatusCode 13 does not exist.
  expect_refused(status_of<CertStatus>(hex("30030a010d")), Errc::kConstraint, "certStatusCode");
  // RegField.fieldLen (1..128).
  RegField f = reg_field("x", false);
  f.field_len = 129;
  expect_refused(status_of<RegField>(encode(f)), Errc::kConstraint, "fieldLen");
  // A DEFAULT value encoded explicitly: fieldLen 128 (02 01 ... needs 02 02 0080) and
  // fieldRequired FALSE ([2] 01 00).
  expect_refused(status_of<RegField>(hex("300a1a046e616d6502020080")), Errc::kNotDer, "DEFAULT");
  expect_refused(status_of<RegField>(hex("30091a046e616d65820100")), Errc::kNotDer, "DEFAULT");
  // AcctIdentification is exactly 74 characters (D-10).
  expect_refused(status_of<AcctData>(encode(AcctData{std::string(73, 'A'), Bytes(20, 1)})),
                 Errc::kConstraint, "acctIdentification");
  // Language SIZE(1..35).
  MeAqCInitReq m = me_aq_c_init_req();
  m.language = std::string(36, 'e');
  expect_refused(status_of<MeAqCInitReq>(encode(m)), Errc::kConstraint, "language");
  // BIN is 6 digits.
  m = me_aq_c_init_req();
  m.id_data.value = MerchantAcquirerID{"40001", MerchantID("M")};
  expect_refused(status_of<MeAqCInitReq>(encode(m)), Errc::kConstraint, "merchantBIN");
  // BackKey (1..32, D-11).
  d = cert_req_data();
  d.ca_back_key_data->back_key = Bytes(33, 1);
  expect_refused(status_of<CertReqData>(encode(d)), Errc::kConstraint, "backKey");
}

}  // namespace
}  // namespace openset::asn1
