// A SET world for the purchase tests, rebuilt per test (keys come from the test-support cache):
//
//   Root
//    +-- Atlas brand CA ---- Atlas CCA ---- cardholder (Jane, PAN 4111 1198 7654 3212)
//    |                  +--- Atlas MCA ---- merchant (MER-0001) signature + key exchange
//    |                  +--- Atlas PCA ---- gateway signature + key exchange
//    +-- Borealis brand CA - Borealis CCA - cardholder (a card of another brand)
//                       +--- Borealis MCA - merchant (MER-0002)
//
// Banks: the real IssuerBank (BIN 4111 Atlas, Jane's card limit USD 1000.00) and AcquirerBank
// (merchant MER-0001 for Atlas), each on its own SQLite file. Parties: Wallet, Merchant and
// Gateway engines, each on its own SQLite file, driven by deliver() which records what each
// party received. After every test the bank invariants must hold.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/pki/pki.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/invariants.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "openset/roles/purchase/messages.hpp"
#include "openset/roles/purchase/wallet.hpp"
#include "openset/test/db_location.hpp"
#include "openset/test/party.hpp"
#include "openset/test/tools.hpp"

namespace openset::roles::purchase::testing {

namespace fs = std::filesystem;
using asn1::AuthCode;
using asn1::CapCode;
using asn1::ErrorCode;
using bank::AcquirerBank;
using bank::IssuerBank;

inline const std::string kPan = "4111119876543212";  // Luhn-valid test number
inline const std::string kExpiry = "202912";
inline const std::string kOD =
    "Order: 2 x 'Applied Cryptography' at 49.95, 1 x 'SET Secure Electronic Transaction' at "
    "23.55; deliver 2026-02-03 09:00-12:00 to 12 Elm Road, Springfield; courier: Harbour Express";

inline der::Time at(int y, int mo, int d) {
  der::Time t;
  t.year = y;
  t.month = mo;
  t.day = d;
  return t;
}
inline const der::Time kT0 = at(2026, 1, 1);
inline const std::int64_t kNow = at(2026, 2, 1).to_unix();

inline Money usd(std::int64_t cents) { return Money{840, cents, -2}; }

template <class T>
T must(Result<T> r) {
  if (!r.ok()) {
    ADD_FAILURE() << r.error().to_string();
    std::abort();
  }
  return std::move(r).value();
}

inline crypto::PrivateKey key(crypto::SuiteId s, const std::string& name, bool ca) {
  const auto& suite = crypto::suite(s);
  return test::make_party_with_bits(s, "purchase-" + name, ca ? suite.ca_rsa_bits : suite.ee_rsa_bits).key;
}

inline Bytes read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Everything a party keeps on disk: its SQLite file with the WAL and shared-memory files (on
// PostgreSQL: every value in the party's schema; the wallet stays a SQLite file).
inline Bytes database_bytes(const fs::path& db) {
  if (test::postgres_mode() && db.stem() != "wallet")
    return test::pg_database_bytes(test::test_db(db.parent_path(), db.stem().string()));
  Bytes all;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    fs::path p = db.string() + suffix;
    if (fs::exists(p)) {
      Bytes b = read_all(p);
      all.insert(all.end(), b.begin(), b.end());
    }
  }
  return all;
}

struct Hierarchy {
  const crypto::Suite* suite;
  std::optional<pki::CertificateAuthority> root, atlas, borealis, atlas_cca, atlas_mca, atlas_pca,
      borealis_cca, borealis_mca;
  SecretBytes card_secret{Bytes(20, 0x11)};
  Bytes nonce_cca = Bytes(20, 0x22);

  explicit Hierarchy(crypto::SuiteId s) : suite(&crypto::suite(s)) {
    using pki::CertType;
    using pki::set_name;
    root = must(pki::CertificateAuthority::create_root(
        *suite, key(s, "root", true), key(s, "root2", true).public_key(),
        set_name("OpenSET Root", "SET Root", "OpenSET Root CA"), kT0));
    atlas = must(root->create_subordinate(CertType::kBrand, key(s, "atlas", true),
                                          set_name("Atlas", "Brand CA", "Atlas Brand CA"), kT0));
    borealis = must(root->create_subordinate(CertType::kBrand, key(s, "borealis", true),
                                             set_name("Borealis", "Brand CA", "Borealis Brand CA"), kT0));
    atlas_cca = must(atlas->create_subordinate(CertType::kCardholderCA, key(s, "atlas-cca", true),
                                               set_name("Atlas", "CCA", "Atlas First Bank CCA"), kT0));
    atlas_mca = must(atlas->create_subordinate(CertType::kMerchantCA, key(s, "atlas-mca", true),
                                               set_name("Atlas", "MCA", "Atlas Acquirer MCA"), kT0));
    atlas_pca = must(atlas->create_subordinate(CertType::kPaymentGatewayCA, key(s, "atlas-pca", true),
                                               set_name("Atlas", "PCA", "Atlas Gateway PCA"), kT0));
    borealis_cca = must(borealis->create_subordinate(CertType::kCardholderCA, key(s, "borealis-cca", true),
                                                     set_name("Borealis", "CCA", "Borealis Bank CCA"), kT0));
    borealis_mca = must(borealis->create_subordinate(CertType::kMerchantCA, key(s, "borealis-mca", true),
                                                     set_name("Borealis", "MCA", "Borealis Acquirer MCA"), kT0));
  }

  SecretBytes pan_secret() const { return must(pki::pan_secret(card_secret, nonce_cca)); }

  Bytes cardholder_cert(pki::CertificateAuthority& cca, const std::string& brand, const std::string& keyname,
                        std::optional<der::Time> not_after = std::nullopt) const {
    pki::IssueRequest r;
    r.type = pki::CertType::kCardholder;
    r.subject = must(pki::cardholder_name(*suite, brand, "First Bank", kPan, kExpiry, pan_secret()));
    r.public_key = key(suite->id, keyname, false).public_key();
    r.not_before = kT0;
    r.not_after = not_after;
    r.card_expiry = kExpiry;
    return must(cca.issue(r));
  }

  Bytes ee(pki::CertificateAuthority& ca, pki::CertType t, const std::string& brand, const std::string& cn,
           const std::string& keyname, const std::string& merchant_id = "MER-0001") const {
    pki::IssueRequest r;
    r.type = t;
    r.subject = pki::set_name(brand, "End entity", cn);
    r.public_key = key(suite->id, keyname, false).public_key();
    r.not_before = kT0;
    if (t == pki::CertType::kMerchantSignature) {
      asn1::MerchantDataSyntax md;
      md.mer_id = merchant_id;
      md.mer_acquirer_bin = "400001";
      asn1::MerNames n;
      n.language = "en";
      n.name = "Harbour Street Books";
      n.city = "Springfield";
      n.country_name = "USA";
      md.mer_name_seq.push_back(n);
      md.mer_country = 840;
      r.merchant_data = md;
    }
    if (t == pki::CertType::kGatewayKeyExchange) {
      asn1::TunnelingSyntax tun;
      tun.tunnel_alg_ids = {asn1::oid::des_cbc()};
      r.tunneling = tun;
    }
    return must(ca.issue(r));
  }
};

// Who got what: every message delivered to a party, in order.
struct Tap {
  std::vector<Bytes> to_merchant, to_gateway, to_wallet;
};

class World {
 public:
  explicit World(crypto::SuiteId s, const std::string& name)
      : h(s), suite(h.suite), clock(kNow), random(0x5E7), env{clock, random} {
    dir = test::temp_dir() / ("purchase-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    using pki::CertType;
    // Parties' credentials.
    cardholder = Credentials{suite, key(s, "cardholder", false),
                             h.cardholder_cert(*h.atlas_cca, "Atlas", "cardholder"), {}, {},
                             {h.atlas->certificate(), h.atlas_cca->certificate()}};
    merchant = Credentials{suite,
                           key(s, "merchant-sig", false),
                           h.ee(*h.atlas_mca, CertType::kMerchantSignature, "Atlas", "Harbour Street Books", "merchant-sig"),
                           key(s, "merchant-kx", false),
                           h.ee(*h.atlas_mca, CertType::kMerchantKeyExchange, "Atlas", "Harbour Street Books", "merchant-kx"),
                           {h.atlas->certificate(), h.atlas_mca->certificate()}};
    gateway = Credentials{suite,
                          key(s, "gateway-sig", false),
                          h.ee(*h.atlas_pca, CertType::kGatewaySignature, "Atlas", "Atlas Gateway", "gateway-sig"),
                          key(s, "gateway-kx", false),
                          h.ee(*h.atlas_pca, CertType::kGatewayKeyExchange, "Atlas", "Atlas Gateway", "gateway-kx"),
                          {h.atlas->certificate(), h.atlas_pca->certificate()}};
    card.pan = kPan;
    card.expiry = kExpiry;
    card.pan_secret = h.pan_secret();
    card.card_secret = h.card_secret;
    card.brand = "Atlas";
    route = GatewayRoute{"Atlas", gateway.key_exchange_certificate,
                         {h.atlas->certificate(), h.atlas_pca->certificate()}};
    // Banks.
    issuer = must(IssuerBank::open(test::test_db(dir, "issuer"), bank::IssuerProfile{"ISS-ATLAS", "Atlas First Bank"}));
    EXPECT_TRUE(issuer->add_bin("4111", "Atlas").ok());
    auto c = issuer->open_card(bank::CardAccount{kPan, kExpiry, 100000, 840, "Atlas", {{"name", "Jane Doe"}}});
    EXPECT_TRUE(c.ok()) << c.error().to_string();
    acquirer = must(AcquirerBank::open(test::test_db(dir, "acquirer"),
                                       bank::AcquirerProfile{"ACQ-HARBOUR", "400001", "Harbour Acquiring", "k"}));
    EXPECT_TRUE(acquirer->add_merchant({"MER-0001", {"Atlas"}, {{"name", "Harbour Street Books"}}}).ok());
    EXPECT_TRUE(acquirer->add_routes(*issuer).ok());
  }

  ~World() {
    if (issuer && acquirer) {
      auto v = bank::check_invariants(*issuer, *acquirer);
      EXPECT_TRUE(v.empty()) << bank::to_string(v);
    }
  }

  TrustContext trust(std::unique_ptr<pki::PathValidator>& v, std::vector<Bytes> known = {}) {
    pki::TrustStore ts;
    EXPECT_TRUE(ts.add_root(h.root->certificate()).ok());
    v = std::make_unique<pki::PathValidator>(std::move(ts));
    TrustContext t;
    t.validator = v.get();
    t.certificates = std::move(known);
    t.crls = crls;
    t.policy = seal::Policy::only(suite->id);
    return t;
  }

  // Opens the three engines with the current credentials (tests may change them first).
  void start() {
    WalletConfig wc;
    wc.credentials = cardholder;
    wc.card = card;
    wc.trust = trust(wallet_validator, {h.atlas->certificate()});  // the wallet knows its brand CA
    wc.log = [this](std::string_view l) { wallet_log.emplace_back(l); };
    wallet = must(Wallet::open((dir / "wallet.db").string(), std::move(wc), env));
    MerchantConfig mc;
    mc.credentials = merchant;
    mc.gateways = {route};
    mc.trust = trust(merchant_validator);
    mc.log = [this](std::string_view l) { merchant_log.emplace_back(l); };
    merchant_engine = must(Merchant::open(test::test_db(dir, "merchant"), std::move(mc), env));
    GatewayConfig gc;
    gc.credentials = gateway;
    gc.brand = "Atlas";
    gc.trust = trust(gateway_validator);
    gc.log = [this](std::string_view l) { gateway_log.emplace_back(l); };
    gateway_engine = must(Gateway::open(test::test_db(dir, "gateway"), std::move(gc), env,
                                        gateway_bank != nullptr ? *gateway_bank : *acquirer));
  }

  // Delivers a message to a party, recording it.
  Answer to_merchant(ByteView m) {
    tap.to_merchant.push_back(to_bytes(m));
    return merchant_engine->handle(m);
  }
  Answer to_gateway(ByteView m) {
    tap.to_gateway.push_back(to_bytes(m));
    return gateway_engine->handle(m);
  }
  Answer to_wallet(ByteView m) {
    tap.to_wallet.push_back(to_bytes(m));
    return wallet->handle(m);
  }

  // One purchase step by step; stops at the first refusal (recorded in `refused_at`).
  struct Run {
    std::string order_id;
    std::int64_t wallet_id = 0;
    Bytes pinit_req, pinit_res, preq, auth_req, auth_res, pres;
    std::optional<ErrorCode> refused;
    std::string refused_by, detail;
  };
  enum class Stop { kNever, kBeforePReq, kBeforeAuthReq };
  Run purchase(const Money& amount, const std::string& od = kOD,
               std::optional<Money> wallet_amount = std::nullopt, std::optional<std::string> wallet_od = std::nullopt,
               const std::function<void(Run&)>& before_pinit_res = {}, Stop stop = Stop::kNever) {
    Run r;
    r.order_id = must(merchant_engine->create_order(as_bytes(od), amount));
    PurchaseOrder po;
    po.merchant = "Harbour Street Books";
    po.od = to_bytes(wallet_od.value_or(od));
    po.amount = wallet_amount.value_or(amount);
    po.lid_m = to_bytes(r.order_id);
    po.od_summary = "3 books";
    Started s = must(wallet->start_purchase(po));
    r.wallet_id = s.id;
    r.pinit_req = s.message;
    auto fail = [&](const Answer& a, const char* who) {
      if (a.ok()) return false;
      r.refused = a.refused;
      r.refused_by = who;
      r.detail = a.detail;
      return true;
    };
    Answer a = to_merchant(r.pinit_req);
    if (fail(a, "merchant")) return r;
    r.pinit_res = a.send.at(0).message;
    if (before_pinit_res) before_pinit_res(r);
    a = to_wallet(r.pinit_res);
    if (fail(a, "wallet")) return r;
    r.preq = a.send.at(0).message;
    if (stop == Stop::kBeforePReq) return r;
    a = to_merchant(r.preq);
    if (fail(a, "merchant")) return r;
    r.auth_req = a.send.at(0).message;
    if (stop == Stop::kBeforeAuthReq) return r;
    a = to_gateway(r.auth_req);
    if (fail(a, "gateway")) {
      if (!a.send.empty()) to_merchant(a.send.at(0).message);  // the gateway's Error
      return r;
    }
    r.auth_res = a.send.at(0).message;
    a = to_merchant(r.auth_res);
    if (fail(a, "merchant")) return r;
    r.pres = a.send.at(0).message;
    a = to_wallet(r.pres);
    if (fail(a, "wallet")) return r;
    return r;
  }

  bank::CardPosition position() { return must(issuer->position(kPan)); }
  std::int64_t merchant_balance() { return must(acquirer->merchant_balance("MER-0001", 840)); }

  Hierarchy h;
  const crypto::Suite* suite;
  ManualClock clock;
  DeterministicRandomness random;
  Env env;
  fs::path dir;
  std::vector<Bytes> crls;
  Credentials cardholder, merchant, gateway;
  Card card;
  GatewayRoute route;
  std::unique_ptr<IssuerBank> issuer;
  std::unique_ptr<AcquirerBank> acquirer;
  // The Acquirer the gateway calls (nullptr: `acquirer` in process; tests/services: over the wire).
  roles::Acquirer* gateway_bank = nullptr;
  std::unique_ptr<pki::PathValidator> wallet_validator, merchant_validator, gateway_validator;
  std::unique_ptr<Wallet> wallet;
  std::unique_ptr<Merchant> merchant_engine;
  std::unique_ptr<Gateway> gateway_engine;
  std::vector<std::string> wallet_log, merchant_log, gateway_log;
  Tap tap;
};

// Both suites for every test.
class PurchaseTest : public ::testing::TestWithParam<crypto::SuiteId> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (auto& c : name)
      if (c == '/') c = '_';
    w = std::make_unique<World>(GetParam(), name);
  }
  void TearDown() override { w.reset(); }
  std::unique_ptr<World> w;
};

inline std::string suite_name(const ::testing::TestParamInfo<crypto::SuiteId>& i) {
  return std::string(crypto::suite(i.param).name);
}

}  // namespace openset::roles::purchase::testing
