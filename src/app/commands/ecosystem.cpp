#include "openset/app/ecosystem.hpp"

#include <chrono>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "openset/asn1/oids.hpp"
#include "openset/pki/identity.hpp"
#include "openset/pki/pki.hpp"

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
};

}  // namespace

struct Ecosystem::Pki {
  std::optional<pki::CertificateAuthority> root;
  std::vector<BrandCas> brands;
};

Ecosystem::~Ecosystem() = default;

const Bytes& Ecosystem::root_certificate() const { return pki_->root->certificate(); }

std::vector<std::pair<std::string, Bytes>> Ecosystem::certificates() const {
  std::vector<std::pair<std::string, Bytes>> out;
  out.emplace_back("root", pki_->root->certificate());
  for (const auto& b : pki_->brands) {
    out.emplace_back(b.brand + "-brand-ca", b.bca->certificate());
    out.emplace_back(b.brand + "-cca", b.cca->certificate());
    out.emplace_back(b.brand + "-mca", b.mca->certificate());
    out.emplace_back(b.brand + "-pca", b.pca->certificate());
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
    OPENSET_TRY(b.cca, b.bca->create_subordinate(
                           pki::CertType::kCardholderCA, std::move(ck),
                           pki::set_name(brand, "CCA", std::string(brand) + " First Bank CCA"), t0));
    OPENSET_TRY(crypto::PrivateKey mk, key(true));
    OPENSET_TRY(b.mca, b.bca->create_subordinate(
                           pki::CertType::kMerchantCA, std::move(mk),
                           pki::set_name(brand, "MCA", std::string(brand) + " Acquirer MCA"), t0));
    OPENSET_TRY(crypto::PrivateKey pk, key(true));
    OPENSET_TRY(b.pca, b.bca->create_subordinate(
                           pki::CertType::kPaymentGatewayCA, std::move(pk),
                           pki::set_name(brand, "PCA", std::string(brand) + " Gateway PCA"), t0));
    e->pki_->brands.push_back(std::move(b));
  }
  BrandCas& atlas = e->pki_->brands[0];
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
  OPENSET_TRY(e->issuer_, roles::bank::IssuerBank::open((opts.dir / "issuer.db").string(),
                                                        {"FAB", "First Atlas Bank"}));
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
  OPENSET_TRY(e->acquirer_, roles::bank::AcquirerBank::open((opts.dir / "acquirer.db").string(), acq));
  roles::bank::MerchantAccount ma;
  ma.merchant_id = std::string(kMerchantId);
  ma.brands = {"Atlas"};
  ma.record = {{"name", "Harbour Street Bookshop"}, {"address", "1 Harbour Street, Springfield"}};
  OPENSET_CHECK(e->acquirer_->add_merchant(ma));
  OPENSET_CHECK(e->acquirer_->add_routes(*e->issuer_));
  e->merchant_id_ = std::string(kMerchantId);

  // ---- end entities (issued directly here; the registration protocols are `openset wallet
  // register` / `merchant register` / `gateway register`) ----
  say("issuing the cardholder's, the merchant's and the gateway's certificates");
  roles::purchase::Credentials cardholder;
  cardholder.suite = &suite;
  OPENSET_TRY(cardholder.signature_key, key(false));
  SecretBytes card_secret(e->random_->bytes(20));
  Bytes nonce_cca = e->random_->bytes(20);
  OPENSET_TRY(SecretBytes pan_secret, pki::pan_secret(card_secret, nonce_cca));
  {
    pki::IssueRequest r;
    r.type = pki::CertType::kCardholder;
    OPENSET_TRY(r.subject, pki::cardholder_name(suite, "Atlas", "Atlas First Bank", e->card_.pan,
                                                e->card_.expiry, pan_secret));
    r.public_key = cardholder.signature_key.public_key();
    r.not_before = t0;
    r.card_expiry = e->card_.expiry;
    OPENSET_TRY(cardholder.signature_certificate, atlas.cca->issue(r));
  }
  cardholder.chain = atlas_cardholder_chain;

  roles::purchase::Credentials merchant;
  merchant.suite = &suite;
  OPENSET_TRY(merchant.signature_key, key(false));
  OPENSET_TRY(merchant.key_exchange_key, key(false));
  {
    pki::IssueRequest r;
    r.type = pki::CertType::kMerchantSignature;
    r.subject = pki::set_name("Atlas", "Merchant", "Harbour Street Bookshop");
    r.public_key = merchant.signature_key.public_key();
    r.not_before = t0;
    asn1::MerchantDataSyntax md;
    md.mer_id = std::string(kMerchantId);
    md.mer_acquirer_bin = std::string(kAcquirerBin);
    asn1::MerNames n;
    n.language = "en";
    n.name = "Harbour Street Bookshop";
    n.city = "Springfield";
    n.country_name = "USA";
    md.mer_name_seq.push_back(n);
    md.mer_country = 840;
    r.merchant_data = md;
    OPENSET_TRY(merchant.signature_certificate, atlas.mca->issue(r));
    r.type = pki::CertType::kMerchantKeyExchange;
    r.merchant_data.reset();
    r.public_key = merchant.key_exchange_key.public_key();
    OPENSET_TRY(merchant.key_exchange_certificate, atlas.mca->issue(r));
  }
  merchant.chain = atlas_merchant_chain;

  roles::purchase::Credentials gateway;
  gateway.suite = &suite;
  OPENSET_TRY(gateway.signature_key, key(false));
  OPENSET_TRY(gateway.key_exchange_key, key(false));
  {
    pki::IssueRequest r;
    r.type = pki::CertType::kGatewaySignature;
    r.subject = pki::set_name("Atlas", "Payment Gateway", "Atlas Payment Gateway");
    r.public_key = gateway.signature_key.public_key();
    r.not_before = t0;
    OPENSET_TRY(gateway.signature_certificate, atlas.pca->issue(r));
    r.type = pki::CertType::kGatewayKeyExchange;
    r.public_key = gateway.key_exchange_key.public_key();
    OPENSET_TRY(gateway.key_exchange_certificate, atlas.pca->issue(r));
  }
  gateway.chain = atlas_gateway_chain;
  Bytes gateway_kx = gateway.key_exchange_certificate;
  e->end_entities_ = {{"cardholder", cardholder.signature_certificate},
                      {"merchant-signature", merchant.signature_certificate},
                      {"merchant-key-exchange", merchant.key_exchange_certificate},
                      {"gateway-signature", gateway.signature_certificate},
                      {"gateway-key-exchange", gateway.key_exchange_certificate}};
  say(fmt::format("  {} RSA keys generated", keys));

  // ---- the engines ----
  say("opening the wallet, the merchant, the payment gateway, the storefront and the carrier");
  roles::purchase::WalletConfig wc;
  wc.credentials = std::move(cardholder);
  wc.card = roles::purchase::Card{e->card_.pan, e->card_.expiry, std::move(pan_secret),
                                  std::move(card_secret), "Atlas"};
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
    mc.trust = trust_with(std::move(known));
  }
  mc.log = party_log("merchant");
  OPENSET_TRY(e->merchant_, roles::purchase::Merchant::open((opts.dir / "merchant.db").string(),
                                                            std::move(mc), *e->env_));

  roles::purchase::GatewayConfig gc;
  gc.credentials = std::move(gateway);
  gc.brand = "Atlas";
  {
    std::vector<Bytes> known = atlas_gateway_chain;
    known.push_back(atlas.cca->certificate());
    known.push_back(atlas.mca->certificate());
    gc.trust = trust_with(std::move(known));
  }
  gc.log = party_log("gateway");
  OPENSET_TRY(e->gateway_, roles::purchase::Gateway::open((opts.dir / "gateway.db").string(),
                                                          std::move(gc), *e->env_, *e->acquirer_));

  roles::commerce::StoreConfig sc;
  sc.merchant_id = std::string(kMerchantId);
  sc.name = "Harbour Street Bookshop";
  sc.catalog = {{"BK-APPLIED", "Applied Cryptography", 4995, 20},
                {"BK-SET", "SET: The Complete Guide", 2355, 5},
                {"BK-TAOCP", "The Art of Computer Programming (boxed set)", 24900, 2},
                {"BK-RARE", "Signed first edition", 90000, 0}};
  sc.delivery = {{"post", "Standard post", 450, 48}, {"courier", "Courier", 1200, 4}};
  OPENSET_TRY(roles::commerce::Storefront store,
              roles::commerce::Storefront::open((opts.dir / "storefront.db").string(), sc));
  e->store_ = std::make_unique<roles::commerce::Storefront>(std::move(store));
  OPENSET_TRY(roles::commerce::Carrier carrier,
              roles::commerce::Carrier::open((opts.dir / "carrier.db").string(), "Swift Parcel"));
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
