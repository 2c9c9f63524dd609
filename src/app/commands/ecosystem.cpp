#include "openset/app/ecosystem.hpp"

#include <chrono>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "openset/asn1/oids.hpp"
#include "openset/pki/identity.hpp"
#include "openset/pki/pki.hpp"
#include "openset/roles/certs/requester.hpp"

namespace openset::app {

namespace fs = std::filesystem;
using roles::purchase::Answer;
using roles::purchase::Outgoing;
using roles::purchase::Peer;

namespace {

// The demo's cards: test numbers (Luhn-valid, from the range networks reserve for testing).
constexpr std::string_view kAtlasPan = "4111111111111111";
constexpr std::string_view kMerchantId = "MER-0001";
constexpr std::string_view kAcquirerBin = "400001";

der::Time t(std::int64_t unix) { return der::Time::from_unix(unix); }

// One brand's CAs: brand CA -> CCA, MCA, PCA.
struct BrandCas {
  std::string brand;
  std::optional<pki::CertificateAuthority> bca, cca, mca, pca;
  crypto::PrivateKey cca_key, mca_key, pca_key;  // the CA engines sign with these
  // The CAs' key-exchange certificates (notes §5.2 caeThumb), issued by the brand CA with
  // end-entity sized keys; the CA engines open RegFormReq / CertReq with these keys. Only for the
  // brand whose CAs run registration engines (Atlas).
  Bytes cca_kx, mca_kx, pca_kx;
  crypto::PrivateKey cca_kx_key, mca_kx_key, pca_kx_key;
};

}  // namespace

struct Ecosystem::Pki {
  std::optional<pki::CertificateAuthority> root;
  std::vector<BrandCas> brands;
};

Ecosystem::~Ecosystem() = default;

const Bytes& Ecosystem::root_certificate() const { return pki_->root->certificate(); }
const pki::CertificateAuthority& Ecosystem::root_ca() const { return *pki_->root; }
const pki::CertificateAuthority& Ecosystem::brand_ca() const { return *pki_->brands.at(0).bca; }

std::vector<RegistrationCa> Ecosystem::registration_cas() const {
  const BrandCas& a = pki_->brands.at(0);
  return {RegistrationCa{"cca", &*a.cca, a.cca_key, a.cca_kx, a.cca_kx_key},
          RegistrationCa{"mca", &*a.mca, a.mca_key, a.mca_kx, a.mca_kx_key},
          RegistrationCa{"pca", &*a.pca, a.pca_key, a.pca_kx, a.pca_kx_key}};
}

std::vector<std::pair<std::string, Bytes>> Ecosystem::certificates() const {
  std::vector<std::pair<std::string, Bytes>> out;
  out.emplace_back("root", pki_->root->certificate());
  for (const auto& b : pki_->brands) {
    out.emplace_back(b.brand + "-brand-ca", b.bca->certificate());
    out.emplace_back(b.brand + "-cca", b.cca->certificate());
    out.emplace_back(b.brand + "-mca", b.mca->certificate());
    out.emplace_back(b.brand + "-pca", b.pca->certificate());
    if (!b.cca_kx.empty()) out.emplace_back(b.brand + "-cca-key-exchange", b.cca_kx);
    if (!b.mca_kx.empty()) out.emplace_back(b.brand + "-mca-key-exchange", b.mca_kx);
    if (!b.pca_kx.empty()) out.emplace_back(b.brand + "-pca-key-exchange", b.pca_kx);
  }
  out.insert(out.end(), end_entities_.begin(), end_entities_.end());
  return out;
}

Result<std::unique_ptr<Ecosystem>> Ecosystem::create(const EcosystemOptions& opts) {
  auto say = [&](std::string_view line) {
    if (opts.progress) opts.progress(line);
  };
  std::unique_ptr<Ecosystem> e(new Ecosystem());
  std::error_code ec;
  fs::create_directories(opts.dir, ec);
  if (ec) return Error(Errc::kIo, "cannot create " + opts.dir.string() + ": " + ec.message());
  const std::string db_base = opts.db.empty() ? opts.dir.string() : opts.db;
  auto party_db = [&](std::string_view party) {
    return store::location_for(db_base, opts.db.empty() ? std::string(party) : opts.db_prefix + std::string(party));
  };
  if (store::is_postgres_location(db_base))
    for (const char* party : {"issuer", "acquirer", "merchant", "gateway"})
      if (store::Database::open(party_db(party), store::Database::Mode::kOpenExisting).ok())
        return Error(Errc::kInvalidArgument, std::string("the PostgreSQL schema '") + party +
                                                 "' already exists: the parties need fresh schemas (drop issuer, "
                                                 "acquirer, merchant and gateway, or use another database)");

  std::int64_t now = opts.start != 0
                         ? opts.start
                         : std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  e->clock_ = std::make_unique<roles::ManualClock>(now);
  if (opts.seed != 0)
    e->random_ = std::make_unique<roles::DeterministicRandomness>(opts.seed);
  else
    e->random_ = std::make_unique<roles::SystemRandomness>();
  e->env_ = std::make_unique<roles::Env>(roles::Env{*e->clock_, *e->random_});
  e->suite_ = &crypto::suite(opts.suite);
  const crypto::Suite& suite = *e->suite_;
  const der::Time t0 = t(now - 86400);  // everything valid since yesterday

  // ---- the SET certificate hierarchy (issue 3; notes §5.7) ----
  int keys = 0;
  auto key = [&](bool ca) -> Result<crypto::PrivateKey> {
    ++keys;
    return crypto::PrivateKey::generate_rsa(ca ? suite.ca_rsa_bits : suite.ee_rsa_bits);
  };
  say(fmt::format("generating keys for the CA hierarchy (RSA-{} CAs, suite {})", suite.ca_rsa_bits,
                  suite.name));
  e->pki_ = std::make_unique<Pki>();
  {
    OPENSET_TRY(crypto::PrivateKey root_key, key(true));
    OPENSET_TRY(crypto::PrivateKey next_root_key, key(true));
    OPENSET_TRY(e->pki_->root,
                pki::CertificateAuthority::create_root(
                    suite, std::move(root_key), next_root_key.public_key(),
                    pki::set_name("OpenSET Root", "SET Root", "OpenSET Root CA"), t0));
  }
  for (const char* brand : {"Atlas", "Borealis"}) {
    say(fmt::format("  brand {}: brand CA, cardholder CA, merchant CA, payment gateway CA", brand));
    BrandCas b;
    b.brand = brand;
    OPENSET_TRY(crypto::PrivateKey bk, key(true));
    OPENSET_TRY(b.bca, e->pki_->root->create_subordinate(
                           pki::CertType::kBrand, std::move(bk),
                           pki::set_name(brand, "Brand CA", std::string(brand) + " Brand CA"), t0));
    OPENSET_TRY(crypto::PrivateKey ck, key(true));
    b.cca_key = ck;
    OPENSET_TRY(b.cca, b.bca->create_subordinate(
                           pki::CertType::kCardholderCA, std::move(ck),
                           pki::set_name(brand, "CCA", std::string(brand) + " First Bank CCA"), t0));
    OPENSET_TRY(crypto::PrivateKey mk, key(true));
    b.mca_key = mk;
    OPENSET_TRY(b.mca, b.bca->create_subordinate(
                           pki::CertType::kMerchantCA, std::move(mk),
                           pki::set_name(brand, "MCA", std::string(brand) + " Acquirer MCA"), t0));
    OPENSET_TRY(crypto::PrivateKey pk, key(true));
    b.pca_key = pk;
    OPENSET_TRY(b.pca, b.bca->create_subordinate(
                           pki::CertType::kPaymentGatewayCA, std::move(pk),
                           pki::set_name(brand, "PCA", std::string(brand) + " Gateway PCA"), t0));
    e->pki_->brands.push_back(std::move(b));
  }
  BrandCas& atlas = e->pki_->brands[0];
  // The Atlas CCA's, MCA's and PCA's key-exchange certificates (pki::CertType::k...CAKeyExchange:
  // the CA's certificateType bit, keyEncipherment, end-entity key — RSA-1024 in set1, which is
  // what lets set1 register at all: SET 1.0 caps key transport at RSA-1024, notes §2.4-§2.6).
  say("  brand Atlas: key-exchange certificates for its CCA, MCA and PCA (the requests are encrypted to them)");
  auto ca_kx = [&](const pki::CertificateAuthority& ca, pki::CertType type, crypto::PrivateKey& kx_key) -> Result<Bytes> {
    OPENSET_TRY(kx_key, key(false));
    OPENSET_TRY(asn1::Certificate own, asn1::decode<asn1::Certificate>(ca.certificate()));
    pki::IssueRequest r;
    r.type = type;
    r.subject = own.to_be_signed.subject;
    r.public_key = kx_key.public_key();
    r.not_before = t0;
    return atlas.bca->issue(r);
  };
  OPENSET_TRY(atlas.cca_kx, ca_kx(*atlas.cca, pki::CertType::kCardholderCAKeyExchange, atlas.cca_kx_key));
  OPENSET_TRY(atlas.mca_kx, ca_kx(*atlas.mca, pki::CertType::kMerchantCAKeyExchange, atlas.mca_kx_key));
  OPENSET_TRY(atlas.pca_kx, ca_kx(*atlas.pca, pki::CertType::kPaymentGatewayCAKeyExchange, atlas.pca_kx_key));
  std::vector<Bytes> atlas_cardholder_chain = {atlas.bca->certificate(), atlas.cca->certificate()};
  std::vector<Bytes> atlas_merchant_chain = {atlas.bca->certificate(), atlas.mca->certificate()};
  std::vector<Bytes> atlas_gateway_chain = {atlas.bca->certificate(), atlas.pca->certificate()};

  auto validator = [&]() -> pki::PathValidator* {
    pki::TrustStore trust;
    (void)trust.add_root(e->pki_->root->certificate());
    e->validators_.push_back(std::make_unique<pki::PathValidator>(std::move(trust)));
    return e->validators_.back().get();
  };
  auto trust_with = [&](std::vector<Bytes> known) {
    roles::TrustContext tc;
    tc.validator = validator();
    tc.certificates = std::move(known);
    tc.policy = seal::Policy::only(suite.id);
    return tc;
  };
  auto party_log = [&](std::string party) -> roles::purchase::Log {
    if (!opts.log) return {};
    auto sink = opts.log;
    return [sink, party](std::string_view line) { sink(party, line); };
  };

  // ---- the banks behind the gateway ----
  say("opening the issuing bank (First Atlas Bank) and the acquiring bank (Harbour Acquiring)");
  e->material_.issuer = {"FAB", "First Atlas Bank"};
  OPENSET_TRY(e->issuer_, roles::bank::IssuerBank::open(party_db("issuer"), e->material_.issuer));
  OPENSET_CHECK(e->issuer_->add_bin("4111", "Atlas"));
  e->card_ = DemoCard{std::string(kAtlasPan), "", "Atlas", opts.credit_limit};
  {
    der::Time exp = der::Time::from_unix(now);
    e->card_.expiry = fmt::format("{:04d}{:02d}", exp.year + 3, exp.month);
  }
  roles::bank::CardAccount account;
  account.pan = e->card_.pan;
  account.expiry = e->card_.expiry;
  account.credit_limit = e->card_.credit_limit;
  account.currency = 840;
  account.brand = "Atlas";
  account.holder = {{"name", "Alice Example"},
                    {"billing-address", "12 Elm Road, Springfield"},
                    {"postal-code", "12345"}};
  OPENSET_CHECK(e->issuer_->open_card(account));

  roles::bank::AcquirerProfile acq;
  acq.id = "HAQ";
  acq.bin = std::string(kAcquirerBin);
  acq.name = "Harbour Acquiring";
  acq.fingerprint_key = to_hex(e->random_->bytes(32));
  e->material_.acquirer = acq;
  e->material_.gateway_id = "GW-0001";
  OPENSET_TRY(e->acquirer_, roles::bank::AcquirerBank::open(party_db("acquirer"), acq));
  roles::bank::MerchantAccount ma;
  ma.merchant_id = std::string(kMerchantId);
  ma.brands = {"Atlas"};
  ma.record = {{"name", "Harbour Street Bookshop"}, {"address", "1 Harbour Street, Springfield"}};
  OPENSET_CHECK(e->acquirer_->add_merchant(ma));
  OPENSET_CHECK(e->acquirer_->add_routes(*e->issuer_));
  e->merchant_id_ = std::string(kMerchantId);

  // ---- end entities: registered through SET's certificate protocols (issue 3) ----
  // The CCA asks the issuer about the card and the form answers; the MCA and the PCA ask the
  // acquirer about the merchant and the gateway (roles/certs).
  OPENSET_CHECK(e->acquirer_->add_gateway(
      {"GW-0001", "Atlas", {{"name", "Atlas Payment Gateway"}, {"address", "9 Bank Street, Springfield"}}}));
  OPENSET_TRY(store::Database ca_db, store::Database::open((opts.dir / "ca-registration.db").string(),
                                                           store::Database::Mode::kCreate));
  e->ca_db_ = std::make_unique<store::Database>(std::move(ca_db));
  e->ca_trust_ = std::make_unique<roles::TrustContext>(trust_with({}));
  for (const auto& [name, der] : e->certificates()) e->ca_trust_->certificates.push_back(der);
  auto ca_engine = [&](pki::CertificateAuthority& ca, const crypto::PrivateKey& ca_key, const Bytes& kx,
                       const crypto::PrivateKey& kx_key,
                       std::string name) -> Result<std::unique_ptr<roles::certs::CaEngine>> {
    roles::certs::CaEngineConfig c;
    c.key_exchange_certificate = kx;
    c.key_exchange_key = kx_key;
    c.issuers = {e->issuer_.get()};
    c.acquirer = e->acquirer_.get();
    c.issuer_unit = "Atlas First Bank";
    c.chain = {ca.certificate(), atlas.bca->certificate(), e->pki_->root->certificate()};
    c.policy = seal::Policy::only(suite.id);
    if (opts.log) {
      auto sink = opts.log;
      c.log = [sink, name](std::string_view line) { sink(name, line); };
    }
    return roles::certs::CaEngine::open(ca, ca_key, *e->ca_db_, *e->ca_trust_, std::move(c));
  };
  OPENSET_TRY(e->cca_, ca_engine(*atlas.cca, atlas.cca_key, atlas.cca_kx, atlas.cca_kx_key, "CCA"));
  OPENSET_TRY(e->mca_, ca_engine(*atlas.mca, atlas.mca_key, atlas.mca_kx, atlas.mca_kx_key, "MCA"));
  OPENSET_TRY(e->pca_, ca_engine(*atlas.pca, atlas.pca_key, atlas.pca_kx, atlas.pca_kx_key, "PCA"));

  // Runs one registration to the end, every message through the trail.
  auto enroll = [&](roles::certs::Registration& reg, roles::certs::CaEngine& ca, std::string who,
                    std::string ca_name, const std::map<std::string, std::string>& answers) -> Status {
    auto exchange = [&](const Bytes& request) -> Result<Bytes> {
      auto w = roles::unwrap(request);
      e->record(who, ca_name, w.ok() ? roles::message_type_name(roles::message_index(*w)) : "?", request);
      OPENSET_TRY(Bytes response, ca.handle(*e->env_, request));
      auto rw = roles::unwrap(response);
      e->record(ca_name, who, rw.ok() ? roles::message_type_name(roles::message_index(*rw)) : "?",
             response);
      return response;
    };
    OPENSET_TRY(Bytes init, reg.initiate(*e->env_));
    OPENSET_TRY(Bytes init_res, exchange(init));
    OPENSET_TRY(std::optional<Bytes> reg_form_req, reg.on_init_response(*e->env_, init_res));
    if (reg_form_req) {
      OPENSET_TRY(Bytes form, exchange(*reg_form_req));
      OPENSET_CHECK(reg.on_reg_form_res(*e->env_, form));
    }
    OPENSET_TRY(Bytes cert_req, reg.cert_req(*e->env_, answers));
    OPENSET_TRY(Bytes cert_res, exchange(cert_req));
    OPENSET_TRY(roles::certs::Registration::Outcome outcome, reg.on_cert_res(*e->env_, cert_res));
    if (outcome != roles::certs::Registration::Outcome::kComplete)
      return Error(Errc::kInvalidArgument, who + ": registration still pending");
    return Ok{};
  };
  auto requester = [&](roles::certs::Requester who) {
    roles::certs::RequesterConfig c;
    c.who = who;
    c.suite = &suite;
    c.brand = "Atlas";
    c.merchant_id = who == roles::certs::Requester::kGateway ? "GW-0001" : std::string(kMerchantId);
    c.acquirer_bin = std::string(kAcquirerBin);
    c.make_key = [&](pki::CertType) { return key(false); };
    // The CAs have key-exchange certificates: caeThumb must name one (R-1 no longer applies).
    c.accept_ca_signature_certificate_as_cae = false;
    return c;
  };

  roles::purchase::Credentials cardholder, merchant, gateway;
  SecretBytes card_secret, pan_secret;
  // Both suites: the CAs' key-exchange certificates carry end-entity keys (RSA-1024 in set1).
  {
    say("the cardholder registers with the Atlas CCA (CardCInitReq, RegFormReq, CertReq); the "
        "issuer checks the card and the form");
    roles::TrustContext ch_trust = trust_with({});
    roles::certs::Registration ch_reg(requester(roles::certs::Requester::kCardholder), ch_trust);
    ch_reg.set_card(e->card_.pan, e->card_.expiry);
    OPENSET_CHECK(enroll(ch_reg, *e->cca_, "cardholder", "CCA", account.holder));
    cardholder.suite = &suite;
    cardholder.signature_key = *ch_reg.signature_key();
    cardholder.signature_certificate = ch_reg.certificates().at(0);
    cardholder.chain = atlas_cardholder_chain;
    card_secret = ch_reg.card_secret();
    pan_secret = ch_reg.pan_secret();

    say("the merchant registers with the Atlas MCA and the gateway with the Atlas PCA "
        "(Me-AqCInitReq, CertReq); the acquirer checks both");
    roles::TrustContext m_trust = trust_with({});
    roles::certs::Registration m_reg(requester(roles::certs::Requester::kMerchant), m_trust);
    OPENSET_CHECK(enroll(m_reg, *e->mca_, "merchant", "MCA", ma.record));
    merchant.suite = &suite;
    merchant.signature_key = *m_reg.signature_key();
    merchant.key_exchange_key = *m_reg.key_exchange_key();
    merchant.signature_certificate = m_reg.certificates().at(0);
    merchant.key_exchange_certificate = m_reg.certificates().at(1);
    merchant.chain = atlas_merchant_chain;

    roles::TrustContext g_trust = trust_with({});
    roles::certs::Registration g_reg(requester(roles::certs::Requester::kGateway), g_trust);
    OPENSET_CHECK(enroll(g_reg, *e->pca_, "gateway", "PCA",
                         {{"name", "Atlas Payment Gateway"}, {"address", "9 Bank Street, Springfield"}}));
    gateway.suite = &suite;
    gateway.signature_key = *g_reg.signature_key();
    gateway.key_exchange_key = *g_reg.key_exchange_key();
    gateway.signature_certificate = g_reg.certificates().at(0);
    gateway.key_exchange_certificate = g_reg.certificates().at(1);
    gateway.chain = atlas_gateway_chain;
  }
  Bytes gateway_kx = gateway.key_exchange_certificate;
  e->end_entities_ = {{"cardholder", cardholder.signature_certificate},
                      {"merchant-signature", merchant.signature_certificate},
                      {"merchant-key-exchange", merchant.key_exchange_certificate},
                      {"gateway-signature", gateway.signature_certificate},
                      {"gateway-key-exchange", gateway.key_exchange_certificate}};
  say(fmt::format("  {} RSA keys generated", keys));

  // ---- the engines ----
  say("opening the wallet, the merchant, the payment gateway, the storefront and the carrier");
  e->material_.cardholder = cardholder;
  e->material_.merchant = merchant;
  e->material_.gateway = gateway;
  roles::purchase::WalletConfig wc;
  wc.credentials = std::move(cardholder);
  wc.card = roles::purchase::Card{e->card_.pan, e->card_.expiry, std::move(pan_secret),
                                  std::move(card_secret), "Atlas"};
  e->material_.card = wc.card;
  e->material_.wallet_known = atlas_cardholder_chain;
  wc.trust = trust_with(atlas_cardholder_chain);
  wc.log = party_log("cardholder");
  OPENSET_TRY(e->wallet_, roles::purchase::Wallet::open((opts.dir / "wallet.db").string(),
                                                        std::move(wc), *e->env_));

  roles::purchase::MerchantConfig mc;
  mc.credentials = std::move(merchant);
  mc.gateways.push_back(roles::purchase::GatewayRoute{"Atlas", gateway_kx, atlas_gateway_chain});
  {
    std::vector<Bytes> known = atlas_merchant_chain;
    known.push_back(atlas.cca->certificate());
    known.push_back(atlas.pca->certificate());
    e->material_.merchant_known = known;
    mc.trust = trust_with(std::move(known));
  }
  mc.log = party_log("merchant");
  OPENSET_TRY(e->merchant_, roles::purchase::Merchant::open(party_db("merchant"),
                                                            std::move(mc), *e->env_));

  roles::purchase::GatewayConfig gc;
  gc.credentials = std::move(gateway);
  gc.brand = "Atlas";
  gc.acquirer_bins = {e->acquirer_->bin()};
  {
    std::vector<Bytes> known = atlas_gateway_chain;
    known.push_back(atlas.cca->certificate());
    known.push_back(atlas.mca->certificate());
    e->material_.gateway_known = known;
    gc.trust = trust_with(std::move(known));
  }
  gc.log = party_log("gateway");
  OPENSET_TRY(e->gateway_, roles::purchase::Gateway::open(party_db("gateway"),
                                                          std::move(gc), *e->env_, *e->acquirer_));

  roles::commerce::StoreConfig sc;
  sc.merchant_id = std::string(kMerchantId);
  sc.name = "Harbour Street Bookshop";
  sc.catalog = {{"BK-APPLIED", "Applied Cryptography", 4995, 20},
                {"BK-SET", "SET: The Complete Guide", 2355, 5},
                {"BK-TAOCP", "The Art of Computer Programming (boxed set)", 24900, 2},
                {"BK-RARE", "Signed first edition", 90000, 0}};
  sc.delivery = {{"post", "Standard post", 450, 48}, {"courier", "Courier", 1200, 4}};
  e->material_.store = sc;
  e->material_.carrier_name = "Swift Parcel";
  OPENSET_TRY(roles::commerce::Storefront store,
              roles::commerce::Storefront::open((opts.dir / "storefront.db").string(), sc));
  e->store_ = std::make_unique<roles::commerce::Storefront>(std::move(store));
  OPENSET_TRY(roles::commerce::Carrier carrier,
              roles::commerce::Carrier::open((opts.dir / "carrier.db").string(), e->material_.carrier_name));
  e->carrier_ = std::make_unique<roles::commerce::Carrier>(std::move(carrier));
  return e;
}

void Ecosystem::record(std::string_view from, std::string_view to, std::string_view type,
                       ByteView message) {
  trail_.push_back(TrailEntry{static_cast<int>(trail_.size()) + 1, std::string(from),
                              std::string(to), std::string(type),
                              Bytes(message.begin(), message.end())});
}

Answer Ecosystem::deliver(const Outgoing& out, std::string_view from) {
  std::string_view to = roles::purchase::peer_name(out.to);
  record(from, to, out.type, out.message);
  switch (out.to) {
    case Peer::kCardholder: return wallet_->handle(out.message);
    case Peer::kMerchant: return merchant_->handle(out.message);
    case Peer::kGateway: return gateway_->handle(out.message);
  }
  Answer a;
  a.refused = asn1::ErrorCode::kUnspecifiedFailure;
  a.detail = "no such peer";
  return a;
}

Answer Ecosystem::run(const Answer& first, std::string_view from) {
  std::deque<std::pair<Outgoing, std::string>> queue;
  for (const auto& o : first.send) queue.emplace_back(o, std::string(from));
  Answer last = first;
  while (!queue.empty()) {
    auto [out, sender] = std::move(queue.front());
    queue.pop_front();
    Answer a = deliver(out, sender);
    std::string receiver(roles::purchase::peer_name(out.to));
    for (const auto& o : a.send) queue.emplace_back(o, receiver);
    last = std::move(a);
  }
  return last;
}

}  // namespace openset::app
