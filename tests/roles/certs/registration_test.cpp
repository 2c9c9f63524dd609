// The registration protocols end to end: requester engines against the CA engine (CCA, MCA,
// PCA) with the real issuer and acquirer banks behind them, and every refusal of issue 3's
// "Bad input" list answered with a SET Error whose ErrorCode fits, with nothing issued.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/identity.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/certs/ca.hpp"
#include "openset/roles/certs/requester.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/signature.hpp"
#include "openset/test/party.hpp"
#include "pki_fixture.hpp"

namespace openset::roles::certs {
namespace {

namespace fs = std::filesystem;
using asn1::ErrorCode;
using pki::CertType;
using pki::testing::Hierarchy;
using pki::testing::kNow;
using pki::testing::must;

constexpr const char* kPan = "4111111111111111";
constexpr const char* kExpiry = "202812";
constexpr crypto::SuiteId kSuite = crypto::SuiteId::kModern;

std::map<std::string, std::string> holder() {
  return {{"name", "Ada Lovelace"}, {"billing-address", "1 Main St"}, {"postal-code", "12345"}};
}

fs::path temp_dir(const std::string& tag) {
  static std::atomic<int> n{0};
  fs::path p = fs::temp_directory_path() /
               ("openset-certs-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A key per registration (cached by name in the test support library).
std::function<Result<crypto::PrivateKey>(CertType)> keys(std::string tag, crypto::SuiteId s = kSuite) {
  return [tag, s](CertType t) -> Result<crypto::PrivateKey> {
    const auto& suite = crypto::suite(s);
    return test::make_party_with_bits(s, "certs-" + tag + "-" + std::string(pki::to_string(t)),
                                      suite.ee_rsa_bits)
        .key;
  };
}

// The CA key-exchange certificate (notes §5.2 caeThumb) of `ca`, issued by `parent` to the CA's
// own subject, with an end-entity sized key.
Bytes ca_key_exchange_certificate(const Hierarchy& h, pki::CertificateAuthority& parent,
                                  const pki::CertificateAuthority& ca, const char* keyname) {
  pki::IssueRequest r;
  r.type = *pki::key_exchange_type_of(ca.type());
  r.subject = must(asn1::decode<asn1::Certificate>(ca.certificate())).to_be_signed.subject;
  r.public_key = pki::testing::key(h.suite->id, keyname, false).public_key();
  r.not_before = h.t0;
  return must(parent.issue(r));
}

struct World {
  crypto::SuiteId suite;
  Hierarchy h{suite};
  fs::path dir = temp_dir("world");
  store::Database db = must(store::Database::open((dir / "ca-state.db").string(), store::Database::Mode::kCreate));
  std::unique_ptr<bank::IssuerBank> issuer;
  std::unique_ptr<bank::AcquirerBank> acquirer;
  pki::PathValidator ca_validator{h.trust()};
  TrustContext ca_trust;
  ManualClock clock{kNow.to_unix()};
  DeterministicRandomness random{7};
  Env env{clock, random};
  std::vector<std::string> log;
  std::unique_ptr<CaEngine> cca, mca, pca;
  // The CAs' key-exchange certificates (empty when the World runs without them: R-1).
  Bytes cca_kx, mca_kx, pca_kx;

  explicit World(std::int64_t defer_seconds = 0, crypto::SuiteId s = kSuite, bool key_exchange = true)
      : suite(s) {
    issuer = must(bank::IssuerBank::open((dir / "issuer.db").string(), {"first", "Atlas First Bank"}));
    EXPECT_TRUE(issuer->add_bin("411111", "Atlas").ok());
    bank::CardAccount card;
    card.pan = kPan;
    card.expiry = kExpiry;
    card.credit_limit = 500000;
    card.brand = "Atlas";
    card.holder = holder();
    EXPECT_TRUE(issuer->open_card(card).ok());
    acquirer = must(bank::AcquirerBank::open((dir / "acquirer.db").string(), {"acq1", "400001", "Atlas Acquirer", "k"}));
    EXPECT_TRUE(acquirer->add_merchant({"MER-0001", {"Atlas"}, {{"name", "Corner Shop"}, {"address", "2 High St"}}}).ok());
    EXPECT_TRUE(acquirer->add_merchant({"MER-0002", {"Atlas"}, {{"name", "Old Shop"}, {"address", "3 Low St"}}, true}).ok());
    EXPECT_TRUE(acquirer->add_gateway({"GW-0001", "Atlas", {{"name", "Atlas Gateway"}, {"address", "9 Bank St"}}}).ok());

    ca_trust.validator = &ca_validator;
    ca_trust.certificates = h.intermediates();
    ca_trust.policy = seal::Policy::only(suite);

    if (key_exchange) {
      cca_kx = ca_key_exchange_certificate(h, *h.atlas_geo, *h.atlas_cca, "atlas-cca-kx");
      mca_kx = ca_key_exchange_certificate(h, *h.atlas, *h.atlas_mca, "atlas-mca-kx");
      pca_kx = ca_key_exchange_certificate(h, *h.atlas, *h.atlas_pca, "atlas-pca-kx");
    }
    auto config = [&](const pki::CertificateAuthority& ca, std::vector<Bytes> chain) {
      CaEngineConfig c;
      c.issuers = {issuer.get()};
      c.acquirer = acquirer.get();
      c.issuer_unit = "Atlas First Bank";
      c.chain = std::move(chain);
      c.defer_seconds = defer_seconds;
      c.log = [this](std::string_view line) { log.emplace_back(line); };
      if (key_exchange) {
        const char* name = ca.type() == CertType::kCardholderCA ? "atlas-cca-kx"
                           : ca.type() == CertType::kMerchantCA ? "atlas-mca-kx"
                                                                  : "atlas-pca-kx";
        c.key_exchange_certificate = ca.type() == CertType::kCardholderCA ? cca_kx
                                     : ca.type() == CertType::kMerchantCA ? mca_kx
                                                                           : pca_kx;
        c.key_exchange_key = pki::testing::key(suite, name, false);
      }
      return c;
    };
    Bytes root = h.root->certificate(), brand = h.atlas->certificate();
    cca = must(CaEngine::open(*h.atlas_cca, pki::testing::key(suite, "atlas-cca", true), db, ca_trust,
                              config(*h.atlas_cca, {h.atlas_cca->certificate(), h.atlas_geo->certificate(), brand, root})));
    mca = must(CaEngine::open(*h.atlas_mca, pki::testing::key(suite, "atlas-mca", true), db, ca_trust,
                              config(*h.atlas_mca, {h.atlas_mca->certificate(), brand, root})));
    pca = must(CaEngine::open(*h.atlas_pca, pki::testing::key(suite, "atlas-pca", true), db, ca_trust,
                              config(*h.atlas_pca, {h.atlas_pca->certificate(), brand, root})));
  }
  ~World() { fs::remove_all(dir); }
};

// A requester's own trust: the root only; everything else comes from the CA.
struct Party {
  pki::PathValidator validator;
  TrustContext trust;
  explicit Party(const Hierarchy& h) : validator(h.trust()) {
    trust.validator = &validator;
    trust.policy = seal::Policy::only(h.suite->id);
  }
};

RequesterConfig cardholder_config(const std::string& tag, crypto::SuiteId s = kSuite) {
  RequesterConfig c;
  c.who = Requester::kCardholder;
  c.suite = &crypto::suite(s);
  c.brand = "Atlas";
  c.make_key = keys(tag, s);
  return c;
}

RequesterConfig merchant_config(Requester who, std::string id, const std::string& tag,
                                crypto::SuiteId s = kSuite) {
  RequesterConfig c;
  c.who = who;
  c.suite = &crypto::suite(s);
  c.brand = "Atlas";
  c.merchant_id = std::move(id);
  c.acquirer_bin = "400001";
  c.make_key = keys(tag, s);
  return c;
}

ErrorCode code_of(const Error& e) { return set_error_code(e); }

// The cardholder flow up to the CertReq (returned), with the form checks on the way.
Bytes cardholder_to_cert_req(World& w, Registration& reg, const std::map<std::string, std::string>& answers) {
  Bytes init = must(reg.initiate(w.env));
  Bytes init_res = must(w.cca->handle(w.env, init));
  std::optional<Bytes> reg_form_req = must(reg.on_init_response(w.env, init_res));
  EXPECT_TRUE(reg_form_req.has_value());
  Bytes reg_form_res = must(w.cca->handle(w.env, *reg_form_req));
  Status s = reg.on_reg_form_res(w.env, reg_form_res);
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_FALSE(reg.referral().has_value());
  return must(reg.cert_req(w.env, answers));
}

std::size_t issued_count(World& w) { return must(w.cca->issued()).size() + must(w.mca->issued()).size() + must(w.pca->issued()).size(); }

// ---------------------------------------------------------------------------------------------

TEST(CardholderRegistration, IssuesACertificateWithTheHashedAccountNumber) {
  World w;
  Party p(w.h);
  Registration reg(cardholder_config("happy"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes cert_req = cardholder_to_cert_req(w, reg, holder());
  // The form came from the issuer (name, billing-address, postal-code).
  ASSERT_EQ(reg.form().size(), 3u);
  EXPECT_EQ(reg.form()[0].field_name.text(), "name");
  Bytes cert_res = must(w.cca->handle(w.env, cert_req));
  auto outcome = reg.on_cert_res(w.env, cert_res);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(*outcome, Registration::Outcome::kComplete);
  ASSERT_EQ(reg.certificates().size(), 1u);
  // CertRes to a cardholder is EncK (certResTBSK), CardCInitRes/RegFormRes signed.
  auto wrapper = must(asn1::decode<asn1::MessageWrapper>(cert_res));
  EXPECT_EQ(std::get<asn1::Message::kCertificateResponse>(wrapper.message.value).value.index(),
            asn1::CertRes::kCertResTBSK);
  // The certificate validates as a cardholder's and its CN is the hashed account number.
  auto path = validate_certificate(w.env, reg.certificates()[0], CertType::kCardholder, p.trust, {}, "Atlas");
  ASSERT_TRUE(path.ok()) << path.error().to_string();
  std::string id = must(pki::unique_cardholder_id(crypto::suite(kSuite), kPan, kExpiry, reg.pan_secret()));
  std::string der(reg.certificates()[0].begin(), reg.certificates()[0].end());
  EXPECT_NE(der.find(id), std::string::npos);
  EXPECT_EQ(der.find(kPan), std::string::npos);
  EXPECT_EQ(issued_count(w), 1u);
  EXPECT_EQ(w.h.atlas_cca->issued().size(), 2u);  // the fixture's cardholder + ours
}

TEST(CardholderRegistration, ThumbsDecideWhichCertificatesTheCaSends) {
  World w;
  Party p(w.h);
  Registration first(cardholder_config("thumbs1"), p.trust);
  first.set_card(kPan, kExpiry);
  Bytes init = must(first.initiate(w.env));
  Bytes res = must(w.cca->handle(w.env, init));
  auto sd1 = std::get<asn1::Message::kCardholderCInitResponse>(must(asn1::decode<asn1::MessageWrapper>(res)).message.value);
  ASSERT_TRUE(sd1.certificates.has_value());
  // CCA, geo-political CA, brand CA and the CCA's key-exchange certificate: the party's Thumbs
  // list only its trusted root.
  EXPECT_EQ(sd1.certificates->size(), 4u);
  ASSERT_TRUE(first.on_init_response(w.env, res).ok());
  // A second run from the same party: its Thumbs now list the chain (and the root).
  Registration second(cardholder_config("thumbs2"), p.trust);
  second.set_card(kPan, kExpiry);
  Bytes init2 = must(second.initiate(w.env));
  Bytes res2 = must(w.cca->handle(w.env, init2));
  auto sd2 = std::get<asn1::Message::kCardholderCInitResponse>(must(asn1::decode<asn1::MessageWrapper>(res2)).message.value);
  EXPECT_FALSE(sd2.certificates.has_value() && !sd2.certificates->empty());
  EXPECT_TRUE(second.on_init_response(w.env, res2).ok());
}

struct Refusal {
  const char* name;
  std::string pan;
  std::string expiry;
  std::map<std::string, std::string> answers;
};

TEST(CardholderRegistration, IssuerRefusalsAreUnspecifiedFailuresAndIssueNothing) {
  auto wrong = holder();
  wrong["postal-code"] = "99999";
  // unknown PAN (the BIN is served, the card is not), wrong expiry, wrong form answers.
  for (const Refusal& r : {Refusal{"unknown PAN", "4111119999999999", kExpiry, holder()},
                           Refusal{"wrong expiry", kPan, "202811", holder()},
                           Refusal{"wrong answers", kPan, kExpiry, wrong}}) {
    World w;
    Party p(w.h);
    Registration reg(cardholder_config(std::string("refuse-") + r.name), p.trust);
    reg.set_card(r.pan, r.expiry);
    Bytes cert_req = cardholder_to_cert_req(w, reg, r.answers);
    Bytes res = must(w.cca->handle(w.env, cert_req));
    auto outcome = reg.on_cert_res(w.env, res);
    ASSERT_FALSE(outcome.ok()) << r.name;
    // notes §4.11: an Error must not reveal whether the PAN was valid.
    EXPECT_EQ(code_of(outcome.error()), ErrorCode::kUnspecifiedFailure) << r.name;
    auto err = must(read_error(must(unwrap(res))));
    EXPECT_TRUE(err.signed_error);
    EXPECT_EQ(issued_count(w), 0u) << r.name;
    EXPECT_EQ(w.h.atlas_cca->issued().size(), 1u) << r.name;  // only the fixture's
  }
}

TEST(CardholderRegistration, ReplayedCertReqIsRefusedAndIssuesNothing) {
  World w;
  Party p(w.h);
  Registration reg(cardholder_config("replay"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes cert_req = cardholder_to_cert_req(w, reg, holder());
  Bytes res = must(w.cca->handle(w.env, cert_req));
  ASSERT_TRUE(reg.on_cert_res(w.env, res).ok());
  ASSERT_EQ(issued_count(w), 1u);
  Bytes again = must(w.cca->handle(w.env, cert_req));
  auto err = read_error(must(unwrap(again)));
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->code, ErrorCode::kChallengeMismatch);
  EXPECT_EQ(issued_count(w), 1u);
}

TEST(CardholderRegistration, WrongBrandIsRefused) {
  World w;
  Party p(w.h);
  RequesterConfig c = cardholder_config("brand");
  c.brand = "Meridian";
  Registration reg(c, p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes res = must(w.cca->handle(w.env, must(reg.initiate(w.env))));
  auto r = reg.on_init_response(w.env, res);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(code_of(r.error()), ErrorCode::kUnspecifiedFailure);
}

TEST(CardholderRegistration, TamperedCaSignatureIsRefusedByTheWallet) {
  World w;
  Party p(w.h);
  Registration reg(cardholder_config("tamper-ca"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes res = must(w.cca->handle(w.env, must(reg.initiate(w.env))));
  auto wrapper = must(asn1::decode<asn1::MessageWrapper>(res));
  auto& sd = std::get<asn1::Message::kCardholderCInitResponse>(wrapper.message.value);
  sd.signer_infos[0].encrypted_digest.back() ^= 0x01;
  auto r = reg.on_init_response(w.env, asn1::encode(wrapper));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(code_of(r.error()), ErrorCode::kSignatureFailure);
}

TEST(CardholderRegistration, DeferredIssuanceIsDeliveredByCertInq) {
  World w(3600);
  Party p(w.h);
  Registration reg(cardholder_config("deferred"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes cert_req = cardholder_to_cert_req(w, reg, holder());
  auto first = reg.on_cert_res(w.env, must(w.cca->handle(w.env, cert_req)));
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(*first, Registration::Outcome::kPending);
  EXPECT_EQ(issued_count(w), 0u);
  // Too early: requestInProgress.
  auto early = reg.on_cert_res(w.env, must(w.cca->handle(w.env, must(reg.cert_inq_req(w.env)))));
  ASSERT_TRUE(early.ok()) << early.error().to_string();
  EXPECT_EQ(*early, Registration::Outcome::kPending);
  w.clock.advance(3601);
  Bytes inq_res = must(w.cca->handle(w.env, must(reg.cert_inq_req(w.env))));
  auto done = reg.on_cert_res(w.env, inq_res);
  ASSERT_TRUE(done.ok()) << done.error().to_string();
  EXPECT_EQ(*done, Registration::Outcome::kComplete);
  EXPECT_EQ(reg.certificates().size(), 1u);
  EXPECT_EQ(issued_count(w), 1u);
  // CertInqRes is the CertRes CHOICE under [31].
  EXPECT_EQ(must(unwrap(inq_res)).message.value.index(), asn1::Message::kCertificateInquiryResponse);
}

TEST(CardholderRegistration, RenewalIsSignedWithTheOldCertificate) {
  World w;
  Party p(w.h);
  Registration reg(cardholder_config("renew-a"), p.trust);
  reg.set_card(kPan, kExpiry);
  ASSERT_TRUE(reg.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, reg, holder())))).ok());
  Registration renew(cardholder_config("renew-b"), p.trust);
  renew.set_card(kPan, kExpiry);
  renew.set_renewal(reg.certificates()[0], *reg.signature_key());
  Bytes cert_req = cardholder_to_cert_req(w, renew, holder());
  auto out = renew.on_cert_res(w.env, must(w.cca->handle(w.env, cert_req)));
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(*out, Registration::Outcome::kComplete);
  EXPECT_EQ(issued_count(w), 2u);
}

TEST(CardholderRegistration, RenewalWithARevokedExpiredOrWrongTypeCertificateIsRefused) {
  // revoked
  {
    World w;
    Party p(w.h);
    Registration reg(cardholder_config("revoked-a"), p.trust);
    reg.set_card(kPan, kExpiry);
    ASSERT_TRUE(reg.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, reg, holder())))).ok());
    Bytes serial = w.h.atlas_cca->issued().back().serial;
    ASSERT_TRUE(w.h.atlas_cca->revoke(serial, w.env.date()).ok());
    w.clock.advance(60);
    Bytes crl = must(w.h.atlas_cca->issue_crl(w.env.date(), pki::add_days(w.env.date(), 7)));
    w.ca_trust.crls.push_back(crl);
    Registration renew(cardholder_config("revoked-b"), p.trust);
    renew.set_card(kPan, kExpiry);
    renew.set_renewal(reg.certificates()[0], *reg.signature_key());
    auto out = renew.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, renew, holder()))));
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(code_of(out.error()), ErrorCode::kRevokedCertificate);
    EXPECT_EQ(issued_count(w), 1u);
  }
  // expired: the old certificate runs to its card's expiry (March 2026)
  {
    World w;
    Party p(w.h);
    auto card = bank::CardAccount{};
    card.pan = "4111112222222222";
    card.expiry = "202602";
    card.credit_limit = 1000;
    card.brand = "Atlas";
    card.holder = holder();
    ASSERT_TRUE(w.issuer->open_card(card).ok());
    Registration reg(cardholder_config("expired-a"), p.trust);
    reg.set_card(card.pan, card.expiry);
    ASSERT_TRUE(reg.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, reg, holder())))).ok());
    w.clock.set(pki::testing::at(2026, 3, 15).to_unix());
    Registration renew(cardholder_config("expired-b"), p.trust);
    renew.set_card(kPan, kExpiry);
    renew.set_renewal(reg.certificates()[0], *reg.signature_key());
    auto out = renew.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, renew, holder()))));
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(code_of(out.error()), ErrorCode::kExpiredCertificate);
    EXPECT_EQ(issued_count(w), 1u);
  }
  // wrong certificate type: a merchant's signature certificate presented as a cardholder's
  {
    World w;
    Party p(w.h);
    Registration renew(cardholder_config("wrongtype"), p.trust);
    renew.set_card(kPan, kExpiry);
    renew.set_renewal(w.h.merchant_sig, pki::testing::key(kSuite, "merchant-sig", false));
    auto out = renew.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, renew, holder()))));
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(code_of(out.error()), ErrorCode::kInvalidCertificate);
    EXPECT_EQ(issued_count(w), 0u);
  }
}

TEST(CardholderRegistration, TheCaNeitherStoresNorLogsThePanOrTheSecrets) {
  World w(0);
  Party p(w.h);
  Registration reg(cardholder_config("nopan"), p.trust);
  reg.set_card(kPan, kExpiry);
  ASSERT_TRUE(reg.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, reg, holder())))).ok());
  // A refused one too (its PAN must not be kept either).
  Registration bad(cardholder_config("nopan-bad"), p.trust);
  bad.set_card("4111113333333333", kExpiry);
  EXPECT_FALSE(bad.on_cert_res(w.env, must(w.cca->handle(w.env, cardholder_to_cert_req(w, bad, holder())))).ok());
  std::string stored;
  for (const auto& e : fs::directory_iterator(w.dir))
    if (e.path().filename().string().rfind("ca-state.db", 0) == 0) stored += slurp(e.path());
  ASSERT_FALSE(stored.empty());
  std::string logs;
  for (const auto& l : w.log) logs += l + "\n";
  ASSERT_FALSE(logs.empty());
  for (const std::string& hay : {stored, logs}) {
    EXPECT_EQ(hay.find(kPan), std::string::npos);
    EXPECT_EQ(hay.find("4111113333333333"), std::string::npos);
    std::string cs(reinterpret_cast<const char*>(reg.card_secret().view().data()), reg.card_secret().size());
    std::string ps(reinterpret_cast<const char*>(reg.pan_secret().view().data()), reg.pan_secret().size());
    EXPECT_EQ(hay.find(cs), std::string::npos);
    EXPECT_EQ(hay.find(ps), std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------

Registration::Outcome register_party(World& w, CaEngine& ca, Registration& reg,
                                     const std::map<std::string, std::string>& answers, Bytes* cert_req_out = nullptr) {
  Bytes res = must(ca.handle(w.env, must(reg.initiate(w.env))));
  auto none = reg.on_init_response(w.env, res);
  EXPECT_TRUE(none.ok()) << none.error().to_string();
  Bytes cert_req = must(reg.cert_req(w.env, answers));
  if (cert_req_out) *cert_req_out = cert_req;
  return must(reg.on_cert_res(w.env, must(ca.handle(w.env, cert_req))));
}

TEST(MerchantRegistration, MerchantGetsSignatureAndKeyExchangeCertificates) {
  World w;
  Party p(w.h);
  Registration reg(merchant_config(Requester::kMerchant, "MER-0001", "mer"), p.trust);
  EXPECT_EQ(register_party(w, *w.mca, reg, {{"name", "Corner Shop"}, {"address", "2 High St"}}),
            Registration::Outcome::kComplete);
  ASSERT_EQ(reg.certificates().size(), 2u);
  EXPECT_TRUE(validate_certificate(w.env, reg.certificates()[0], CertType::kMerchantSignature, p.trust).ok());
  EXPECT_TRUE(validate_certificate(w.env, reg.certificates()[1], CertType::kMerchantKeyExchange, p.trust).ok());
  // A signature certificate is not a key-exchange certificate.
  auto wrong = validate_certificate(w.env, reg.certificates()[0], CertType::kMerchantKeyExchange, p.trust);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(code_of(wrong.error()), ErrorCode::kInvalidCertificate);
  EXPECT_EQ(must(w.mca->issued()).size(), 2u);
}

TEST(MerchantRegistration, GatewayRegistersWithThePca) {
  World w;
  Party p(w.h);
  Registration reg(merchant_config(Requester::kGateway, "GW-0001", "gw"), p.trust);
  EXPECT_EQ(register_party(w, *w.pca, reg, {{"name", "Atlas Gateway"}, {"address", "9 Bank St"}}),
            Registration::Outcome::kComplete);
  ASSERT_EQ(reg.certificates().size(), 2u);
  EXPECT_TRUE(validate_certificate(w.env, reg.certificates()[0], CertType::kGatewaySignature, p.trust).ok());
  EXPECT_TRUE(validate_certificate(w.env, reg.certificates()[1], CertType::kGatewayKeyExchange, p.trust).ok());
}

TEST(MerchantRegistration, AcquirerRefusalsIssueNothing) {
  for (auto [id, answers] : {std::pair<std::string, std::map<std::string, std::string>>{
                                 "MER-0001", {{"name", "Corner Shop"}, {"address", "elsewhere"}}},
                             {"MER-9999", {{"name", "Nobody"}, {"address", "nowhere"}}},
                             {"MER-0002", {{"name", "Old Shop"}, {"address", "3 Low St"}}}}) {
    World w;
    Party p(w.h);
    Registration reg(merchant_config(Requester::kMerchant, id, "merref-" + id), p.trust);
    Bytes res = must(w.mca->handle(w.env, must(reg.initiate(w.env))));
    ASSERT_TRUE(reg.on_init_response(w.env, res).ok());
    if (reg.referral()) continue;  // unknown merchant: referred elsewhere, nothing to request
    auto out = reg.on_cert_res(w.env, must(w.mca->handle(w.env, must(reg.cert_req(w.env, answers)))));
    ASSERT_FALSE(out.ok()) << id;
    EXPECT_EQ(code_of(out.error()), ErrorCode::kUnspecifiedFailure) << id;
    EXPECT_EQ(issued_count(w), 0u) << id;
  }
}

TEST(MerchantRegistration, TamperedRequestSignatureIsRefused) {
  World w;
  Party p(w.h);
  Registration reg(merchant_config(Requester::kMerchant, "MER-0001", "mer-tamper"), p.trust);
  Bytes res = must(w.mca->handle(w.env, must(reg.initiate(w.env))));
  ASSERT_TRUE(reg.on_init_response(w.env, res).ok());
  Bytes cert_req = must(reg.cert_req(w.env, {{"name", "Corner Shop"}, {"address", "2 High St"}}));
  // Open the envelope with the MCA's key-exchange key (the test has it), break the signature,
  // re-seal.
  auto wrapper = must(unwrap(cert_req));
  auto& cr = std::get<asn1::Message::kCertificateRequest>(wrapper.message.value);
  const auto& env_data = std::get<asn1::CertReq::kEnc>(cr.value);
  crypto::PrivateKey mca_key = pki::testing::key(kSuite, "atlas-mca-kx", false);
  seal::KeyHolder holder{&mca_key, must(certificate_issuer_and_serial(w.mca_kx))};
  auto opened = must(seal::open_E(env_data, holder, ct(asn1::oid::ContentType::kCertReqTBE), seal::Policy::only(kSuite)));
  auto sd = must(asn1::decode<asn1::SignedData>(opened.content.view()));
  sd.signer_infos[0].encrypted_digest[0] ^= 0x80;
  seal::Recipient to{mca_key.public_key(), holder.id, &crypto::suite(kSuite)};
  cr.value.emplace<asn1::CertReq::kEnc>(must(seal::E(to, ct(asn1::oid::ContentType::kCertReqTBE), asn1::encode(sd))));
  Bytes answer = must(w.mca->handle(w.env, asn1::encode(wrapper)));
  auto err = must(read_error(must(unwrap(answer))));
  EXPECT_EQ(err.code, ErrorCode::kSignatureFailure);
  EXPECT_EQ(issued_count(w), 0u);
}

TEST(MerchantRegistration, MessagesToTheWrongCaAreRefused) {
  World w;
  Party p(w.h);
  // A merchant's Me-AqCInitReq sent to the PCA, and a CardCInitReq sent to the MCA.
  Registration m(merchant_config(Requester::kMerchant, "MER-0001", "wrongca"), p.trust);
  auto r1 = m.on_init_response(w.env, must(w.pca->handle(w.env, must(m.initiate(w.env)))));
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(code_of(r1.error()), ErrorCode::kUnspecifiedFailure);
  Registration c(cardholder_config("wrongca-c"), p.trust);
  c.set_card(kPan, kExpiry);
  auto r2 = c.on_init_response(w.env, must(w.mca->handle(w.env, must(c.initiate(w.env)))));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(code_of(r2.error()), ErrorCode::kMessageNotSupported);
  // Garbage: decodingFailure.
  auto err = must(read_error(must(unwrap(must(w.cca->handle(w.env, Bytes{0x30, 0x03, 0x02, 0x01, 0x00}))))));
  EXPECT_EQ(err.code, ErrorCode::kDecodingFailure);
}

// ---- CA key-exchange certificates (notes §5.2 caeThumb; docs/departures.md R-1) ------------

// S{CA, T} again with caeThumb naming `named` (and `named` among the certificates): what a CA
// (or someone holding its signing key) would send if it named the wrong certificate.
template <class TBS, std::size_t kIndex>
Bytes with_cae(World& w, ByteView response, const Bytes& named, asn1::oid::ContentType type, const char* ca_key,
               const pki::CertificateAuthority& ca) {
  auto wrapper = must(unwrap(response));
  auto& sd = std::get<kIndex>(wrapper.message.value);
  TBS tbs = must(asn1::decode<TBS>(*sd.content_info.content));
  tbs.cae_thumb = must(pki::cert_thumb(*w.h.suite, named));
  crypto::PrivateKey key = pki::testing::key(w.suite, ca_key, true);
  seal::Signer s;
  s.key = &key;
  s.id = must(certificate_issuer_and_serial(ca.certificate()));
  s.suite = w.h.suite;
  if (sd.certificates) s.certificates = *sd.certificates;
  s.certificates.push_back(named);
  sd = must(seal::S(s, ct(type), asn1::encode(tbs)));
  return asn1::encode(wrapper);
}

Bytes cca_names(World& w, ByteView res, const Bytes& named) {
  return with_cae<asn1::CardCInitResTBS, asn1::Message::kCardholderCInitResponse>(
      w, res, named, asn1::oid::ContentType::kCardCInitResTBS, "atlas-cca", *w.h.atlas_cca);
}
Bytes mca_names(World& w, ByteView res, const Bytes& named) {
  return with_cae<asn1::MeAqCInitResTBS, asn1::Message::kMeAqCInitResponse>(
      w, res, named, asn1::oid::ContentType::kMeAqCInitResTBS, "atlas-mca", *w.h.atlas_mca);
}

// SET 1.0's suite: CA keys are RSA-2048, key transport is capped at RSA-1024 (notes §2.4-§2.6);
// with the CA key-exchange certificates (RSA-1024) registration runs in set1 too.
TEST(CaKeyExchange, CardholderRegistersInSet1) {
  World w(0, crypto::SuiteId::kSet1);
  Party p(w.h);
  Registration reg(cardholder_config("set1-card", crypto::SuiteId::kSet1), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes cert_req = cardholder_to_cert_req(w, reg, holder());
  EXPECT_EQ(reg.ca_certificate(), w.cca_kx);  // caeThumb named the CCA's key-exchange certificate
  auto outcome = reg.on_cert_res(w.env, must(w.cca->handle(w.env, cert_req)));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(*outcome, Registration::Outcome::kComplete);
  ASSERT_EQ(reg.certificates().size(), 1u);
  auto path = validate_certificate(w.env, reg.certificates()[0], CertType::kCardholder, p.trust, {}, "Atlas");
  ASSERT_TRUE(path.ok()) << path.error().to_string();
  EXPECT_EQ(path->suite, crypto::SuiteId::kSet1);
  EXPECT_EQ(path->leaf_key.bits(), 1024u);
}

TEST(CaKeyExchange, MerchantAndGatewayRegisterInSet1) {
  World w(0, crypto::SuiteId::kSet1);
  Party p(w.h);
  Registration m(merchant_config(Requester::kMerchant, "MER-0001", "set1-mer", crypto::SuiteId::kSet1), p.trust);
  ASSERT_TRUE(m.on_init_response(w.env, must(w.mca->handle(w.env, must(m.initiate(w.env))))).ok());
  EXPECT_EQ(m.ca_certificate(), w.mca_kx);
  auto out = m.on_cert_res(
      w.env, must(w.mca->handle(w.env, must(m.cert_req(w.env, {{"name", "Corner Shop"}, {"address", "2 High St"}})))));
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(*out, Registration::Outcome::kComplete);
  ASSERT_EQ(m.certificates().size(), 2u);
  EXPECT_TRUE(validate_certificate(w.env, m.certificates()[1], CertType::kMerchantKeyExchange, p.trust, {}, "Atlas").ok());

  Registration g(merchant_config(Requester::kGateway, "GW-0001", "set1-gw", crypto::SuiteId::kSet1), p.trust);
  ASSERT_TRUE(g.on_init_response(w.env, must(w.pca->handle(w.env, must(g.initiate(w.env))))).ok());
  EXPECT_EQ(g.ca_certificate(), w.pca_kx);
  auto gout = g.on_cert_res(
      w.env, must(w.pca->handle(w.env, must(g.cert_req(w.env, {{"name", "Atlas Gateway"}, {"address", "9 Bank St"}})))));
  ASSERT_TRUE(gout.ok()) << gout.error().to_string();
  EXPECT_EQ(g.certificates().size(), 2u);
}

// R-1 as it was: without key-exchange certificates, set1 cannot register (the CA's RSA-2048
// signature key is beyond SET 1.0's key transport); modern still can (existing callers).
TEST(CaKeyExchange, WithoutOneSet1CannotRegisterAndModernStillCan) {
  {
    World w(0, crypto::SuiteId::kSet1, false);
    Party p(w.h);
    Registration reg(cardholder_config("set1-legacy", crypto::SuiteId::kSet1), p.trust);
    reg.set_card(kPan, kExpiry);
    Bytes res = must(w.cca->handle(w.env, must(reg.initiate(w.env))));
    auto next = reg.on_init_response(w.env, res);
    EXPECT_FALSE(next.ok() && next->has_value());  // no RegFormReq can be sealed to RSA-2048
  }
  World w(0, kSuite, false);
  Party p(w.h);
  Registration reg(cardholder_config("modern-legacy"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes cert_req = cardholder_to_cert_req(w, reg, holder());
  EXPECT_EQ(reg.ca_certificate(), w.h.atlas_cca->certificate());
  ASSERT_TRUE(reg.on_cert_res(w.env, must(w.cca->handle(w.env, cert_req))).ok());
  // A requester that insists on a key-exchange certificate refuses the CA's signature certificate.
  RequesterConfig strict = cardholder_config("modern-strict");
  strict.accept_ca_signature_certificate_as_cae = false;
  Registration r2(strict, p.trust);
  r2.set_card(kPan, kExpiry);
  auto refused = r2.on_init_response(w.env, must(w.cca->handle(w.env, must(r2.initiate(w.env)))));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(code_of(refused.error()), ErrorCode::kInvalidCertificate) << refused.error().to_string();
}

TEST(CaKeyExchange, RequesterRefusesACaeThumbOfTheWrongType) {
  World w;
  Party p(w.h);
  struct Case {
    const char* name;
    Bytes cert;
  };
  // A merchant's key-exchange certificate, another CA's key-exchange certificate, the brand CA
  // (the party holds the MCA's certificate, so every path builds and only the type is wrong).
  p.trust.certificates.push_back(w.h.atlas_mca->certificate());
  for (const Case& c : {Case{"merchant key-exchange", w.h.merchant_kx}, Case{"MCA key-exchange", w.mca_kx},
                        Case{"brand CA", w.h.atlas->certificate()}}) {
    Registration reg(cardholder_config(std::string("wrongcae-") + c.name), p.trust);
    reg.set_card(kPan, kExpiry);
    Bytes res = must(w.cca->handle(w.env, must(reg.initiate(w.env))));
    auto r = reg.on_init_response(w.env, cca_names(w, res, c.cert));
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(code_of(r.error()), ErrorCode::kInvalidCertificate) << c.name << ": " << r.error().to_string();
  }
  // And a merchant told to encrypt to the CCA's key-exchange certificate.
  Registration m(merchant_config(Requester::kMerchant, "MER-0001", "wrongcae-m"), p.trust);
  Bytes res = must(w.mca->handle(w.env, must(m.initiate(w.env))));
  auto r = m.on_init_response(w.env, mca_names(w, res, w.cca_kx));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(code_of(r.error()), ErrorCode::kInvalidCertificate) << r.error().to_string();
}

// A CA with a key-exchange certificate opens requests with that key only: a RegFormReq or CertReq
// sealed to its signature certificate does not open (unspecifiedFailure, nothing issued).
TEST(CaKeyExchange, CaRefusesRequestsSealedToItsSignatureCertificate) {
  World w;
  Party p(w.h);
  Registration reg(cardholder_config("to-sig"), p.trust);
  reg.set_card(kPan, kExpiry);
  Bytes res = must(w.cca->handle(w.env, must(reg.initiate(w.env))));
  auto reg_form_req = must(reg.on_init_response(w.env, cca_names(w, res, w.h.atlas_cca->certificate())));
  ASSERT_TRUE(reg_form_req.has_value());
  EXPECT_EQ(reg.ca_certificate(), w.h.atlas_cca->certificate());
  auto err = must(read_error(must(unwrap(must(w.cca->handle(w.env, *reg_form_req))))));
  EXPECT_EQ(err.code, ErrorCode::kUnspecifiedFailure);

  Registration m(merchant_config(Requester::kMerchant, "MER-0001", "to-sig-m"), p.trust);
  Bytes mres = must(w.mca->handle(w.env, must(m.initiate(w.env))));
  ASSERT_TRUE(m.on_init_response(w.env, mca_names(w, mres, w.h.atlas_mca->certificate())).ok());
  Bytes cert_req = must(m.cert_req(w.env, {{"name", "Corner Shop"}, {"address", "2 High St"}}));
  auto merr = must(read_error(must(unwrap(must(w.mca->handle(w.env, cert_req))))));
  EXPECT_EQ(merr.code, ErrorCode::kUnspecifiedFailure);
  EXPECT_EQ(issued_count(w), 0u);
}

TEST(CaKeyExchange, EngineRefusesAKeyExchangeCertificateThatIsNotItsOwn) {
  World w;
  auto open_with = [&](const Bytes& cert, const char* keyname) {
    CaEngineConfig c;
    c.issuers = {w.issuer.get()};
    c.key_exchange_certificate = cert;
    c.key_exchange_key = pki::testing::key(w.suite, keyname, false);
    return CaEngine::open(*w.h.atlas_cca, pki::testing::key(w.suite, "atlas-cca", true), w.db, w.ca_trust, c);
  };
  EXPECT_TRUE(open_with(w.cca_kx, "atlas-cca-kx").ok());
  EXPECT_FALSE(open_with(w.mca_kx, "atlas-mca-kx").ok());          // another CA's
  EXPECT_FALSE(open_with(w.h.merchant_kx, "merchant-kx").ok());    // an end entity's
  EXPECT_FALSE(open_with(w.cca_kx, "atlas-mca-kx").ok());          // the wrong key
  CaEngineConfig half;
  half.key_exchange_certificate = w.cca_kx;
  EXPECT_FALSE(CaEngine::open(*w.h.atlas_cca, pki::testing::key(w.suite, "atlas-cca", true), w.db, w.ca_trust, half).ok());
}

}  // namespace
}  // namespace openset::roles::certs
