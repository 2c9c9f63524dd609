// `openset provision`: a deployment directory for the network services (issue 6).
//
// The whole ecosystem is made once in process (Ecosystem::create: the CA hierarchy, the banks'
// accounts, the cardholder, merchant and gateway registered through SET's certificate
// protocols), then each party's part is written where its service will find it:
//
//   DIR/deployment.json         the services, their URLs and config files, in start order
//   DIR/passphrase              0600: decrypts every key below (one per deployment: a demo
//                               deployment; production gives each party its own)
//   DIR/admin-token             0600: the merchant back office's bearer token
//   DIR/pki/*.cert.pem          the root and the CA certificates
//   DIR/<party>/config.json     one per service (and the wallet's), see docs/services.md
//   DIR/<party>/*.key.pem       0600, encrypted PKCS#8
//   DIR/wallet/{pan,pan-secret,card-secret}   0600
//   DIR/ca/                     a CA directory (keys/, ca.db) of brand Atlas's CCA, MCA and PCA
//   DIR/data/*.db               the parties' SQLite files (or schemas of --db postgresql://...)
#include <filesystem>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/app/ecosystem.hpp"
#include "openset/app/files.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/env.hpp"
#include "openset/services/ca_directory.hpp"
#include "openset/store/ca_repository.hpp"
#include "openset/store/database.hpp"

namespace openset::app {
namespace {
// The spare card of a deployment (wallet/new-card): opened at the issuer, registered by nobody.
constexpr std::string_view kSparePan = "4111111111111129";
namespace fs = std::filesystem;
using nlohmann::json;

class Writer {
 public:
  Writer(fs::path dir, std::string passphrase, unsigned iterations)
      : dir_(std::move(dir)), pass_(std::move(passphrase)), iterations_(iterations) {}

  Status mkdir(const std::string& sub) {
    std::error_code ec;
    fs::create_directories(dir_ / sub, ec);
    if (ec) return Error(Errc::kIo, "cannot create " + (dir_ / sub).string() + ": " + ec.message());
    return Ok{};
  }
  // A certificate as PEM; returns its path relative to `from` (a party's folder).
  Result<std::string> cert(const std::string& rel, ByteView der) {
    OPENSET_CHECK(files::create((dir_ / rel).string(), crypto::to_pem(der, "CERTIFICATE"), 0644));
    return rel;
  }
  Result<std::string> key(const std::string& rel, const crypto::PrivateKey& k) {
    OPENSET_TRY(std::string pem, iterations_ != 0 ? k.to_encrypted_pem(pass_, iterations_) : k.to_encrypted_pem(pass_));
    OPENSET_CHECK(files::create((dir_ / rel).string(), pem, 0600));
    return rel;
  }
  Status secret(const std::string& rel, std::string_view text) {
    return files::create((dir_ / rel).string(), std::string(text) + "\n", 0600);
  }
  Status config(const std::string& party, const json& j) {
    return files::create((dir_ / party / "config.json").string(), j.dump(2) + "\n", 0600);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
  std::string pass_;
  unsigned iterations_;
};

std::string url(const ProvisionOptions& o, int offset) { return fmt::format("http://{}:{}", o.host, o.port_base + offset); }
std::string listen(const ProvisionOptions& o, int offset) { return fmt::format("{}:{}", o.host, o.port_base + offset); }
std::string random_hex(roles::Randomness& r, std::size_t n) { return to_hex(r.bytes(n)); }

// "../data/<party>.db" (relative to the party's folder) or the party's PostgreSQL schema.
std::string db_of(const ProvisionOptions& o, const std::string& party) {
  if (o.db.empty()) return "../data/" + party + ".db";
  return store::location_for(o.db, o.db_prefix + party);
}

}  // namespace

int run_provision(const ProvisionOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& m) {
    err << "openset provision: " << m << "\n";
    return kExitFailure;
  };
  if (o.gateways < 1 || o.gateways > 8) return fail("--gateways must be between 1 and 8");
  if (o.port_base < 1024 || o.port_base > 65000) return fail("--port-base must be between 1024 and 65000");
  fs::path dir(o.dir);
  if (fs::exists(dir / "deployment.json"))
    return fail(dir.string() + " already holds a deployment; remove it or choose another --dir");
  for (char c : o.db_prefix)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return fail("--db-prefix takes letters, digits and _");
  if (!o.db.empty() && !o.db.starts_with("postgresql://") && !o.db.starts_with("postgres://"))
    return fail("--db takes a postgresql:// URI (without it the databases are SQLite files in DIR/data)");
  auto suite = crypto::suite_by_name(o.suite);
  if (!suite.ok()) return fail("unknown suite '" + o.suite + "' (modern or set1)");

  EcosystemOptions eo;
  eo.dir = dir / "data";
  eo.suite = (*suite)->id;
  eo.credit_limit = o.credit_limit;
  eo.db = o.db;  // the issuer, acquirer, merchant and gateway there; the others in DIR/data
  eo.db_prefix = o.db_prefix;
  eo.progress = [&](std::string_view line) {
    if (!line.empty()) out << "  " << line << "\n";
  };
  out << "provisioning a deployment in " << dir.string() << " (suite " << o.suite << ")\n";
  auto eco = Ecosystem::create(eo);
  if (!eco.ok()) return fail("cannot make the ecosystem: " + eco.error().message);
  const EcosystemMaterial& m = (*eco)->material();

  roles::SystemRandomness random;
  std::string pass = random_hex(random, 24);
  Writer w(dir, pass, o.pbkdf2_iterations);
  auto run = [&]() -> Status {
    for (const char* sub : {"pki", "issuer", "acquirer", "ca", "gateway", "merchant", "carrier", "wallet"})
      OPENSET_CHECK(w.mkdir(sub));
    OPENSET_CHECK(w.secret("passphrase", pass));
    std::string admin_token = random_hex(random, 16);
    OPENSET_CHECK(w.secret("admin-token", admin_token));

    // The CA certificates, by name.
    std::map<std::string, std::string> pki;  // name -> path relative to a party folder
    for (const auto& [name, der] : (*eco)->certificates()) {
      if (name == "cardholder" || name.starts_with("merchant-") || name.starts_with("gateway-")) continue;
      std::string lower = name;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      OPENSET_TRY(std::string rel, w.cert("pki/" + lower + ".cert.pem", der));
      pki[lower] = "../" + rel;
    }
    auto known_paths = [&](const std::vector<Bytes>& known) -> Result<std::vector<std::string>> {
      std::vector<std::string> paths;
      for (const auto& der : known) {
        bool found = false;
        for (const auto& [name, cert] : (*eco)->certificates())
          if (cert == der) {
            std::string lower = name;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (pki.contains(lower)) {
              paths.push_back(pki[lower]);
              found = true;
              break;
            }
          }
        if (!found) return Error(Errc::kInvalidArgument, "a known certificate is not among the CA certificates");
      }
      return paths;
    };
    json trust_root = pki.at("root");
    auto trust = [&](const std::vector<Bytes>& known) -> Result<json> {
      OPENSET_TRY(std::vector<std::string> paths, known_paths(known));
      return json{{"root", trust_root}, {"known", paths}};
    };
    json suites = json::array({o.suite});
    json limits = {{"max_body", 1 << 20}, {"read_timeout_ms", 10000}, {"workers", 4}, {"max_connections", 512}};
    std::vector<std::string> gateway_urls;
    for (int g = 0; g < o.gateways; ++g) gateway_urls.push_back(url(o, 10 + g) );

    // ---- issuer, acquirer ----
    OPENSET_CHECK(w.config("issuer", {{"service", "issuer"}, {"listen", listen(o, 1)}, {"db", db_of(o, "issuer")},
                                      {"suites", suites}, {"limits", limits},
                                      {"settings", {{"bank_id", m.issuer.id}, {"bank_name", m.issuer.name}}}}));
    OPENSET_CHECK(w.secret("acquirer/fingerprint.key", m.acquirer.fingerprint_key));
    OPENSET_CHECK(w.config("acquirer", {{"service", "acquirer"}, {"listen", listen(o, 2)}, {"db", db_of(o, "acquirer")},
                                        {"suites", suites}, {"limits", limits},
                                        {"files", {{"fingerprint-key", "fingerprint.key"}}},
                                        {"peers", {{"issuer", json::array({url(o, 1)})}}},
                                        {"settings", {{"bank_id", m.acquirer.id}, {"bin", m.acquirer.bin},
                                                      {"bank_name", m.acquirer.name}, {"issuer_id", m.issuer.id}}}}));

    // ---- gateway(s): one set of keys, one database, several processes ----
    auto party_files = [&](const std::string& party, const roles::purchase::Credentials& c, bool kx) -> Result<json> {
      json f;
      OPENSET_TRY(std::string sk, w.key(party + "/signature.key.pem", c.signature_key));
      OPENSET_TRY(std::string sc, w.cert(party + "/signature.cert.pem", c.signature_certificate));
      f["signature-key"] = sk.substr(party.size() + 1);
      f["signature-cert"] = sc.substr(party.size() + 1);
      if (kx) {
        OPENSET_TRY(std::string kk, w.key(party + "/key-exchange.key.pem", c.key_exchange_key));
        OPENSET_TRY(std::string kc, w.cert(party + "/key-exchange.cert.pem", c.key_exchange_certificate));
        f["key-exchange-key"] = kk.substr(party.size() + 1);
        f["key-exchange-cert"] = kc.substr(party.size() + 1);
      }
      return f;
    };
    OPENSET_TRY(json gw_files, party_files("gateway", m.gateway, true));
    OPENSET_TRY(std::vector<std::string> gw_chain, known_paths(m.gateway.chain));
    OPENSET_TRY(json gw_trust, trust(m.gateway_known));
    for (int g = 0; g < o.gateways; ++g) {
      std::string name = g == 0 ? "gateway" : fmt::format("gateway-{}", g + 1);
      json j = {{"service", "gateway"}, {"listen", listen(o, 10 + g)}, {"db", db_of(o, "gateway")}, {"suites", suites},
                {"limits", limits}, {"passphrase_file", "../passphrase"}, {"files", gw_files},
                {"chains", {{"own", gw_chain}}}, {"trust", gw_trust},
                {"peers", {{"acquirer", json::array({url(o, 2)})}}},
                {"settings", {{"brand", "Atlas"}, {"acquirer_bins", m.acquirer.bin}}}};
      if (g == 0) {
        OPENSET_CHECK(w.config("gateway", j));
      } else {
        // gateway-2.json ... beside gateway/config.json (same keys and database).
        OPENSET_CHECK(files::create((dir / "gateway" / (name + ".json")).string(), j.dump(2) + "\n", 0600));
      }
    }

    // ---- merchant ----
    OPENSET_TRY(json m_files, party_files("merchant", m.merchant, true));
    OPENSET_TRY(std::string gkx, w.cert("merchant/gateway-key-exchange.cert.pem", m.gateway.key_exchange_certificate));
    m_files["gateway-key-exchange-cert"] = gkx.substr(std::string("merchant/").size());
    OPENSET_TRY(std::vector<std::string> m_chain, known_paths(m.merchant.chain));
    OPENSET_TRY(json m_trust, trust(m.merchant_known));
    json catalog = json::array();
    for (const auto& i : m.store.catalog)
      catalog.push_back({{"sku", i.sku}, {"name", i.name}, {"unit_price", i.unit_price},
                         {"stock", i.stock == 0 ? 0 : std::max(i.stock, o.stock)}});
    json delivery = json::array();
    for (const auto& d : m.store.delivery)
      delivery.push_back({{"id", d.id}, {"name", d.name}, {"fee", d.fee}, {"min_hours", d.min_hours}});
    OPENSET_CHECK(w.config("merchant", {{"service", "merchant"}, {"listen", listen(o, 5)}, {"db", db_of(o, "merchant")},
                                        {"suites", suites}, {"limits", limits}, {"passphrase_file", "../passphrase"},
                                        {"files", m_files}, {"chains", {{"own", m_chain}, {"gateway", gw_chain}}},
                                        {"trust", m_trust},
                                        {"peers", {{"gateway", gateway_urls}, {"carrier", json::array({url(o, 6)})}}},
                                        {"settings", {{"brand", "Atlas"}, {"store_name", m.store.name},
                                                      {"storefront_db", "../data/shop.db"},
                                                      {"carrier_name", m.carrier_name}, {"admin_token", admin_token},
                                                      {"payment_url", url(o, 5) + "/set"},
                                                      {"wallet_url", url(o, 7)},
                                                      {"catalog", catalog}, {"delivery", delivery}}}}));

    // ---- the registration CAs (CCA, MCA, PCA of brand Atlas) as a CA directory ----
    OPENSET_CHECK(w.mkdir("ca/keys"));
    {
      OPENSET_TRY(store::CaRepository repo, store::CaRepository::open((dir / "ca" / "ca.db").string(),
                                                                       store::Database::Mode::kCreate));
      OPENSET_CHECK(repo.set_meta("suite", o.suite));
      OPENSET_CHECK(repo.set_meta("brand", "Atlas"));
      // What each CA issued, the root's own certificate first (serials go on from these).
      for (const auto& c : (*eco)->root_ca().issued()) OPENSET_CHECK(services::record_issued(repo, "root", c));
      for (const auto& c : (*eco)->brand_ca().issued()) OPENSET_CHECK(services::record_issued(repo, "brand", c));
      for (const auto& rc : (*eco)->registration_cas()) {
        for (const auto& c : rc.ca->issued()) OPENSET_CHECK(services::record_issued(repo, rc.name, c));
        OPENSET_TRY(std::string key_file, w.key("ca/keys/" + rc.name + ".key.pem", rc.key));
        OPENSET_TRY(std::string kx_file, w.key("ca/keys/" + rc.name + "-kx.key.pem", rc.kx_key));
        (void)key_file;
        (void)kx_file;
      }
    }
    OPENSET_CHECK(w.config("ca", {{"service", "ca"}, {"listen", listen(o, 3)}, {"db", "../data/ca-registration.db"},
                                  {"suites", suites}, {"limits", limits}, {"passphrase_file", "../passphrase"},
                                  {"peers", {{"issuer", json::array({url(o, 1)})}, {"acquirer", json::array({url(o, 2)})}}},
                                  {"settings", {{"ca_dir", "."}, {"issuer_unit", m.issuer.name}}}}));

    // ---- carrier ----
    OPENSET_CHECK(w.config("carrier", {{"service", "carrier"}, {"listen", listen(o, 6)}, {"db", "../data/carrier.db"},
                                       {"limits", limits}, {"settings", {{"carrier_name", m.carrier_name}}}}));

    // ---- the wallet (the cardholder's own program, not a service of `openset up`) ----
    OPENSET_TRY(json wl_files, party_files("wallet", m.cardholder, false));
    OPENSET_CHECK(w.secret("wallet/pan", m.card.pan));
    OPENSET_CHECK(w.secret("wallet/pan-secret", to_hex(m.card.pan_secret.view())));
    OPENSET_CHECK(w.secret("wallet/card-secret", to_hex(m.card.card_secret.view())));
    wl_files["pan"] = "pan";
    wl_files["pan-secret"] = "pan-secret";
    wl_files["card-secret"] = "card-secret";
    OPENSET_TRY(std::vector<std::string> wl_chain, known_paths(m.cardholder.chain));
    OPENSET_TRY(json wl_trust, trust(m.wallet_known));
    OPENSET_CHECK(w.config("wallet", {{"service", "wallet"}, {"listen", listen(o, 7)}, {"db", "../data/wallet.db"},
                                      {"suites", suites}, {"passphrase_file", "../passphrase"}, {"files", wl_files},
                                      {"chains", {{"own", wl_chain}}}, {"trust", wl_trust},
                                      {"peers", {{"ca", json::array({url(o, 3)})}}},
                                      {"settings", {{"brand", m.card.brand}, {"expiry", m.card.expiry},
                                                    {"card_label", m.card.brand + " card"}}}}));
    // A second card the issuer has opened but nobody has registered yet: the wallet's pages
    // register it with the CA service (SET's cardholder registration), then pay with it.
    {
      roles::bank::CardAccount spare;
      spare.pan = std::string(kSparePan);
      spare.expiry = m.card.expiry;
      spare.credit_limit = o.credit_limit;
      spare.currency = 840;
      spare.brand = m.card.brand;
      spare.holder = {{"name", "Alice Example"}, {"billing-address", "12 Elm Road, Springfield"}, {"postal-code", "12345"}};
      OPENSET_CHECK((*eco)->issuer().open_card(spare));
      OPENSET_CHECK(w.secret("wallet/new-card", json{{"pan", spare.pan}, {"expiry", spare.expiry}}.dump()));
    }

    // ---- the deployment: start order (a service's peers start before it) ----
    json services = json::array();
    auto add = [&](const std::string& name, const std::string& role, const std::string& config, int offset) {
      services.push_back({{"name", name}, {"role", role}, {"config", config}, {"url", url(o, offset)}});
    };
    add("issuer", "issuer", "issuer/config.json", 1);
    add("acquirer", "acquirer", "acquirer/config.json", 2);
    add("ca", "ca", "ca/config.json", 3);
    for (int g = 0; g < o.gateways; ++g)
      add(g == 0 ? "gateway" : fmt::format("gateway-{}", g + 1), "gateway",
          g == 0 ? "gateway/config.json" : fmt::format("gateway/gateway-{}.json", g + 1), 10 + g);
    add("carrier", "carrier", "carrier/config.json", 6);
    add("merchant", "merchant", "merchant/config.json", 5);
    add("wallet", "wallet", "wallet/config.json", 7);
    json d = {{"suite", o.suite}, {"services", services}, {"wallet", "wallet/config.json"},
              {"store", url(o, 5)}, {"ca", url(o, 3)}, {"db", o.db.empty() ? "sqlite" : "postgresql"}};
    return files::create((dir / "deployment.json").string(), d.dump(2) + "\n", 0644);
  };
  Status s = run();
  eco->reset();  // close every database before the services open them
  if (!s.ok()) return fail(s.error().message);
  out << "deployment ready: " << (dir / "deployment.json").string() << "\n";
  return kExitOk;
}

}  // namespace openset::app
