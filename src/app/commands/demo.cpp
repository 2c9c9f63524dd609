// `openset demo`: the dual signature end to end, in one process, in both suites.
//
// The story (seed steps 3-5; Book 1's purchase request; notes §3.8):
//   1. The parties get keys and certificates (a stand-in root until the SET CA hierarchy of
//      issue 3 exists).
//   2. Shopping ends in an order description (OD) and an amount; the cardholder hashes them into
//      HOD = DD{HODInput} and builds the order information (OIData, for the merchant) and the
//      payment instructions (PIHead + PANData, for the gateway).
//   3. One dual signature covers both halves; PANData is sealed for the gateway alone
//      (EX{P, PI-OILink, PANData}); the cardholder sends PReq.
//   4. The merchant checks its half (the signature, HOD against its own OD and amount) holding
//      no card number, then forwards the payment half.
//   5. The gateway opens the payment half, checks the signature and the link to the order
//      (DD{OIData}), and reads the card data; it never receives the order description.
//   6. Tampering and a refused suite are shown failing.
// Every message is saved so `openset decode`, `openssl asn1parse` and `openssl verify` can
// inspect it.
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "openset/app/commands.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/seal/seal.hpp"

namespace openset::app {
namespace {

namespace fs = std::filesystem;
using asn1::oid::ContentType;

// The demo card. A test number (Luhn-valid, from the range card networks reserve for testing);
// it never appears in output: only its last four digits are shown.
constexpr std::string_view kDemoPan = "4111111111111111";
constexpr std::string_view kDemoExpiry = "202912";
constexpr std::string_view kOrderDescription =
    "Order 1001 from the Harbour Street Bookshop: 2 x 'Applied Cryptography' at 49.95, "
    "1 x 'SET: The Complete Guide' at 23.55; deliver 2026-12-01 09:00-12:00 to "
    "12 Elm Road, Springfield";

struct Party {
  std::string name;
  crypto::PrivateKey key;
  Bytes certificate;
  asn1::IssuerAndSerialNumber id;
};

struct Step {
  std::ostream& out;
  int n = 0;
  void operator()(std::string_view text) { out << fmt::format("\n[{}] {}\n", ++n, text); }
  void detail(std::string_view text) { out << "    " << text << "\n"; }
};

Status write_file(const fs::path& p, ByteView data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  if (!f) return Error(Errc::kIo, "cannot write " + p.string());
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!f) return Error(Errc::kIo, "write failed: " + p.string());
  return Ok{};
}

Result<Party> make_party(std::string name, crypto::KeyRole role, const crypto::Suite& suite,
                         const Party* issuer, std::string_view organization) {
  Party p;
  p.name = std::move(name);
  unsigned bits = role == crypto::KeyRole::kCertificateAuthority ? suite.ca_rsa_bits
                                                                  : suite.ee_rsa_bits;
  OPENSET_TRY(p.key, crypto::PrivateKey::generate_rsa(bits));
  crypto::CertificateTemplate t;
  t.common_name = p.name;
  t.organization = std::string(organization);
  t.role = role;
  OPENSET_TRY(p.certificate,
              crypto::issue_certificate(p.key.public_key(), t, issuer ? issuer->key : p.key,
                                        issuer ? ByteView(issuer->certificate) : ByteView(),
                                        suite));
  OPENSET_TRY(crypto::CertificateId cid, crypto::certificate_id(p.certificate));
  p.id.issuer = std::move(cid.issuer);
  p.id.serial_number = std::move(cid.serial);
  return p;
}

// Does `needle` occur in `hay`? Used to show who holds which secret.
bool contains(ByteView hay, std::string_view needle) {
  auto n = as_bytes(needle);
  return std::search(hay.begin(), hay.end(), n.begin(), n.end()) != hay.end();
}

// Walks MessageWrapper { messageHeader, message [0] EXPLICIT Message } and
// PReq ::= CHOICE { pReqDualSigned [0] EXPLICIT PReqDualSigned, ... } to the exact bytes the
// merchant received: the header, piDualSigned, OIData (t1 of OIDualSigned) and DD{PIData} (t2).
struct MerchantView {
  ByteView header;
  ByteView pi_dual_signed;
  ByteView pi_signature;
  ByteView oi_data;
  ByteView h_pi_data;
};
Result<MerchantView> split_preq(ByteView wrapper) {
  der::Reader outer(wrapper);
  OPENSET_TRY(der::Reader mw, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element header, mw.read_element(der::tags::kSequence));
  // message [0] EXPLICIT Message; Message CHOICE: purchaseRequest [2] EXPLICIT PReq
  // (SetMessage, notes §1.1 and §1.6).
  OPENSET_TRY(der::Reader message, mw.enter(der::context(0, true)));
  OPENSET_TRY(der::Reader r, message.enter(der::context(asn1::Message::kPurchaseRequest, true)));
  OPENSET_TRY(der::Reader choice, r.enter(der::context(0, true)));
  OPENSET_CHECK(r.expect_end());
  OPENSET_TRY(der::Reader dual, choice.enter_sequence());
  MerchantView v;
  v.header = header.tlv;
  OPENSET_TRY(der::Element pi, dual.read_element(der::tags::kSequence));
  v.pi_dual_signed = pi.tlv;
  OPENSET_TRY(der::Reader pi_in, dual.open(pi));
  OPENSET_TRY(der::Element sig, pi_in.read_element(der::tags::kSequence));
  v.pi_signature = sig.tlv;
  // OIDualSigned ::= L{OIData, PIData}: seal splits it into the bytes as received.
  OPENSET_TRY(der::Element oi, dual.read_element(der::tags::kSequence));
  OPENSET_TRY(seal::LinkageParts parts, seal::split_L(oi.tlv));
  v.oi_data = parts.t1;
  v.h_pi_data = parts.t2;
  return v;
}

std::string amount_text(const asn1::CurrencyAmount& a) {
  // ISO 4217 840 = USD; value = amount * 10^amtExp10.
  std::string digits = std::to_string(a.amount);
  if (a.amt_exp10 < 0) {
    auto places = static_cast<std::size_t>(-a.amt_exp10);
    while (digits.size() <= places) digits.insert(0, "0");
    digits.insert(digits.size() - places, ".");
  }
  return (a.currency == 840 ? std::string("USD ") : fmt::format("[{}] ", a.currency)) + digits;
}

Status run_suite(const crypto::Suite& suite, const fs::path& dir, std::ostream& out,
                 bool verbose) {
  Step step{out};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error(Errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
  out << fmt::format("\n=== Suite '{}' ({}) — messages saved in {}\n", suite.name,
                     suite.description, dir.string());

  // 1. Parties -------------------------------------------------------------------------------
  step("Parties get keys and certificates");
  OPENSET_TRY(Party root, make_party("OpenSET Demo Root", crypto::KeyRole::kCertificateAuthority,
                                     suite, nullptr, "OpenSET"));
  OPENSET_TRY(Party cardholder, make_party("Cardholder signature", crypto::KeyRole::kSignature,
                                           suite, &root, "Atlas Card Bank"));
  OPENSET_TRY(Party gateway, make_party("Gateway key exchange", crypto::KeyRole::kKeyExchange,
                                        suite, &root, "Harbour Acquiring"));
  for (const Party* p : {&root, &cardholder, &gateway}) {
    std::string file = p->name.substr(0, p->name.find(' '));
    for (auto& c : file) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    OPENSET_CHECK(write_file(dir / (file + ".cert.pem"),
                             as_bytes(crypto::to_pem(p->certificate, "CERTIFICATE"))));
    step.detail(fmt::format("{:<22} RSA-{} ({})", p->name, p->key.bits(), file + ".cert.pem"));
  }
  step.detail("(a stand-in root: the SET CA hierarchy and its certificate profile come later)");

  // 2. The order and the cardholder's two halves ------------------------------------------------
  step("Shopping ends in an order description (OD) and an amount; the cardholder builds both halves");
  asn1::CurrencyAmount amount{840, 12345, -2};  // USD 123.45 (ISO 4217 minor unit: 2)
  Bytes od = to_bytes(kOrderDescription);
  Bytes od_salt = crypto::random_bytes(20);
  asn1::HODInput hod_input;
  hod_input.od = od;
  hod_input.purch_amt = amount;
  hod_input.od_salt = od_salt;
  OPENSET_TRY(asn1::DigestedData hod,
              seal::DD(suite, asn1::oid::content(ContentType::kHODInput), asn1::encode(hod_input)));

  asn1::TransIDs trans_ids;
  trans_ids.lid_c = to_bytes(std::string_view("wallet-0001"));
  trans_ids.lid_m = to_bytes(std::string_view("order-1001"));
  trans_ids.xid = crypto::random_bytes(20);
  trans_ids.p_req_date = der::Time::from_unix(std::time(nullptr));
  trans_ids.language = "en";

  asn1::OIData oi;
  oi.trans_ids = trans_ids;
  oi.rrpid = crypto::random_bytes(20);
  oi.chall_c = crypto::random_bytes(20);
  oi.hod = hod;
  oi.od_salt = od_salt;
  oi.chall_m = crypto::random_bytes(20);
  oi.brand_id = asn1::BrandID("Atlas");  // a fictional brand
  oi.bin = std::string(kDemoPan.substr(0, 6));
  Bytes oi_der = asn1::encode(oi);

  SecretBytes card_secret(crypto::random_bytes(20));
  asn1::PIHead head;
  head.trans_ids = trans_ids;
  head.inputs.hod = hod;
  head.inputs.purch_amt = amount;
  head.merchant_id = asn1::MerchantID("HARBOUR-BOOKS-01");
  // TransStain ::= HMAC{XID, CardSecret} (PIHead, notes §3.5)
  OPENSET_TRY(head.trans_stain, seal::HMAC(suite, card_secret.view(), trans_ids.xid));
  head.sw_ident = "OpenSET wallet 0.1.0";
  Bytes head_der = asn1::encode(head);

  asn1::PANData pan_data;
  pan_data.pan = std::string(kDemoPan);
  pan_data.card_expiry = std::string(kDemoExpiry);
  pan_data.pan_secret = crypto::random_bytes(20);
  pan_data.ex_nonce = crypto::random_bytes(20);
  SecretBytes pan_der(asn1::encode(pan_data));
  secure_wipe(pan_data.pan_secret);
  step.detail(fmt::format("OIData {} octets (for the merchant), PIHead {} octets + PANData {} "
                          "octets (for the gateway), amount {}, card ending {}",
                          oi_der.size(), head_der.size(), pan_der.size(), amount_text(amount),
                          kDemoPan.substr(kDemoPan.size() - 4)));
  OPENSET_CHECK(write_file(dir / "OIData.der", oi_der));

  // 3. Dual signature and PReq ------------------------------------------------------------------
  step("The cardholder dual-signs PI and OI and seals PANData for the gateway alone");
  seal::Signer ch_signer{&cardholder.key, cardholder.id, &suite, {cardholder.certificate}};
  OPENSET_TRY(crypto::PublicKey gw_pub, crypto::certificate_public_key(gateway.certificate));
  seal::Recipient gw_recipient{gw_pub, gateway.id, &suite};
  OPENSET_TRY(seal::DualSignedPI dual, seal::seal_dual_signed_pi(ch_signer, gw_recipient, head_der,
                                                                 oi_der, pan_der.view()));
  OPENSET_TRY(asn1::PIDualSigned pi_ds, asn1::decode<asn1::PIDualSigned>(dual.pi_dual_signed));
  OPENSET_TRY(asn1::OIDualSigned oi_ds, asn1::decode<asn1::OIDualSigned>(dual.oi_dual_signed));
  asn1::PReq preq;
  preq.value.emplace<0>(asn1::PReqDualSigned{std::move(pi_ds), std::move(oi_ds)});
  // Every SET message travels in a MessageWrapper (SetMessage, notes §1.1-1.3).
  asn1::MessageWrapper wrapper;
  wrapper.message_header.date = der::Time::from_unix(std::time(nullptr));
  wrapper.message_header.message_ids =
      asn1::MessageIDs{trans_ids.lid_c, trans_ids.lid_m, trans_ids.xid};
  wrapper.message_header.rrpid = oi.rrpid;
  wrapper.message_header.sw_ident = "OpenSET wallet 0.1.0";
  wrapper.message.value.emplace<asn1::Message::kPurchaseRequest>(std::move(preq));
  Bytes preq_der = asn1::encode(wrapper);
  OPENSET_CHECK(write_file(dir / "PReq.der", preq_der));
  OPENSET_CHECK(write_file(dir / "PIDualSigned.der", dual.pi_dual_signed));
  OPENSET_CHECK(write_file(dir / "PISignature.der", asn1::encode(dual.pi_signature)));
  step.detail(fmt::format("PISignature = SO{{C, PI-TBS{{DD(PIData), DD(OIData)}}}}: one {} "
                          "signature over both halves",
                          suite.id == crypto::SuiteId::kSet1 ? "SHA-1/RSA" : "SHA-256/RSA"));
  step.detail(fmt::format("exPIData = EX{{P, PI-OILink, PANData}}: {} content, PANData inside "
                          "the RSA block ({} octets)",
                          crypto::to_string(suite.cipher),
                          dual.ex_pi_data.recipient_infos.at(0).encrypted_key.size()));
  step.detail(fmt::format("MessageWrapper{{PReq}}: {} octets -> PReq.der", preq_der.size()));

  // 4. The merchant ------------------------------------------------------------------------------
  step("The merchant checks its half without the card number");
  seal::Policy policy = seal::Policy::only(suite.id);
  OPENSET_TRY(MerchantView mv, split_preq(preq_der));
  OPENSET_TRY(asn1::SignedData pi_sig, asn1::decode<asn1::SignedData>(mv.pi_signature));
  OPENSET_TRY(crypto::PublicKey ch_pub, crypto::certificate_public_key(cardholder.certificate));
  std::vector<seal::TrustedSigner> trusted{{ch_pub, cardholder.id}};
  OPENSET_TRY(seal::DualSignatureCheck m_check,
              seal::verify_dual_signature_merchant(pi_sig, mv.oi_data, mv.h_pi_data, trusted,
                                                   policy));
  step.detail("dual signature verifies over DD(OIData received) + DD(PIData) from OIDualSigned");
  // The merchant recomputes HOD from its own OD and amount and the salt in OIData (§3.8).
  OPENSET_TRY(asn1::OIData m_oi, asn1::decode<asn1::OIData>(mv.oi_data));
  OPENSET_TRY(asn1::MessageHeader m_header, asn1::decode<asn1::MessageHeader>(mv.header));
  if (!m_header.message_ids || m_header.message_ids->x_id != m_oi.trans_ids.xid ||
      m_header.rrpid != m_oi.rrpid)
    return Error(Errc::kConstraint, "MessageHeader identifiers do not match OIData");
  step.detail("MessageHeader's XID and RRPID match OIData's");
  asn1::HODInput m_hod_input{od, amount, m_oi.od_salt, std::nullopt, std::nullopt};
  OPENSET_TRY(seal::DigestCheck hod_ok,
              seal::check_DD(m_oi.hod, asn1::oid::content(ContentType::kHODInput),
                             asn1::encode(m_hod_input), policy));
  step.detail("HOD matches the merchant's own order description and amount");
  bool merchant_sees_pan = contains(preq_der, kDemoPan);
  step.detail(fmt::format("card number anywhere in the {} octets the merchant received: {}",
                          preq_der.size(), merchant_sees_pan ? "YES (bug!)" : "no"));
  if (merchant_sees_pan) return Error(Errc::kInvalidArgument, "the merchant could read the PAN");

  // 5. The gateway ------------------------------------------------------------------------------
  step("The gateway opens the payment half and checks its link to the order");
  // (In SET the PI travels to the gateway inside AuthReq, issue 4; here it is handed over.)
  Bytes gateway_received = to_bytes(mv.pi_dual_signed);
  seal::KeyHolder gw_holder{&gateway.key, gateway.id};
  OPENSET_TRY(seal::OpenedDualSignedPI opened,
              seal::open_dual_signed_pi(gateway_received, gw_holder, trusted, policy));
  step.detail("exPIData opens with the gateway's key-exchange key; DD(PANData) matches the RSA block");
  step.detail("dual signature verifies over DD(PIData rebuilt) + DD(OIData) from PI-OILink");
  // The merchant's CheckDigests carry DD(OIData); it must equal the one the cardholder signed.
  OPENSET_TRY(Bytes merchant_hoi,
              seal::DD_der(suite, asn1::oid::content(ContentType::kOIData), mv.oi_data));
  if (!ct_equal(merchant_hoi, opened.h_oi_data))
    return Error(Errc::kDigestMismatch, "PI and OI do not belong to the same purchase");
  step.detail("DD(OIData) in the PI equals the merchant's: PI and OI are one purchase");
  OPENSET_TRY(asn1::PIHead g_head, asn1::decode<asn1::PIHead>(opened.pi_head));
  OPENSET_TRY(asn1::PANData g_pan, asn1::decode<asn1::PANData>(opened.pan_data.view()));
  step.detail(fmt::format("PIHead: merchant {}, amount {}; PANData: card ending {}, expiry {}",
                          g_head.merchant_id.text(), amount_text(g_head.inputs.purch_amt),
                          g_pan.pan.substr(g_pan.pan.size() - 4), g_pan.card_expiry));
  bool gateway_sees_od = contains(gateway_received, "Applied Cryptography");
  step.detail(fmt::format("order description anywhere in what the gateway received: {}",
                          gateway_sees_od ? "YES (bug!)" : "no"));
  secure_wipe(g_pan.pan.data(), g_pan.pan.size());
  if (gateway_sees_od) return Error(Errc::kInvalidArgument, "the gateway could read the order");

  // 6. Refusals ---------------------------------------------------------------------------------
  step("Tampering and refused suites fail");
  {
    Bytes tampered = preq_der;
    auto at = static_cast<std::size_t>(mv.oi_data.data() - preq_der.data()) + mv.oi_data.size() / 2;
    tampered[at] ^= 0x01;
    auto tv = split_preq(tampered);
    Status r = tv.ok() ? Status(Error(Errc::kMalformed, "")) : Status(tv.error());
    if (tv.ok()) {
      auto sig = asn1::decode<asn1::SignedData>(tv->pi_signature);
      auto res = seal::verify_dual_signature_merchant(*sig, tv->oi_data, tv->h_pi_data, trusted,
                                                      policy);
      r = res.ok() ? Status(Ok{}) : Status(res.error());
    }
    if (r.ok()) return Error(Errc::kSignature, "a tampered OIData was accepted");
    step.detail("one bit flipped in OIData: merchant refuses (" + r.error().to_string() + ")");
  }
  {
    auto other = suite.id == crypto::SuiteId::kSet1 ? crypto::SuiteId::kModern
                                                    : crypto::SuiteId::kSet1;
    auto refused = seal::open_dual_signed_pi(gateway_received, gw_holder, trusted,
                                             seal::Policy::only(other));
    if (refused.ok()) return Error(Errc::kPolicy, "a refused suite was accepted");
    step.detail("a gateway accepting only '" + std::string(crypto::to_string(other)) +
                "' refuses: " + refused.error().to_string());
  }

  // 7. Decode -----------------------------------------------------------------------------------
  step("Inspect the saved messages");
  step.detail("openset decode " + (dir / "PReq.der").string());
  step.detail("openssl asn1parse -inform DER -i -in " + (dir / "PReq.der").string());
  step.detail("openssl verify -CAfile " + (dir / "openset.cert.pem").string() + " " +
              (dir / "cardholder.cert.pem").string());
  if (verbose) {
    DecodeOptions d;
    std::string s(preq_der.begin(), preq_der.end());
    if (decode_bytes(s, d, out, out) != kExitOk)
      return Error(Errc::kMalformed, "PReq does not decode");
  }
  (void)m_check;
  (void)hod_ok;
  return Ok{};
}

}  // namespace

int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err) {
  out << "OpenSET demo: the dual signature of SET 1.0, end to end\n"
         "A cardholder pays a bookshop; the merchant must never see the card number, the\n"
         "payment gateway must never see what was bought.\n";
  for (const auto& name : opts.suites) {
    auto s = crypto::suite_by_name(name);
    if (!s.ok()) {
      err << "openset demo: " << s.error().message << "\n";
      return kExitUsage;
    }
    Status st = run_suite(**s, fs::path(opts.out_dir) / name, out, opts.verbose);
    if (!st.ok()) {
      err << "openset demo: suite '" << name << "' failed: " << st.error().to_string() << "\n";
      return kExitFailure;
    }
  }
  out << "\nDemo complete: every check passed in suite(s):";
  for (const auto& n : opts.suites) out << " " << n;
  out << ".\nDecode a saved message: openset decode " << opts.out_dir << "/"
      << opts.suites.front() << "/PReq.der\n";
  return kExitOk;
}

}  // namespace openset::app
