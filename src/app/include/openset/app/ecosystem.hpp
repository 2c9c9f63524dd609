// Every party of the seed's story in one process: the SET certificate hierarchy (root, two
// brands, and under each a CCA, an MCA and a PCA), the issuing and the acquiring bank, the
// cardholder's wallet, the merchant (storefront and SET server), the payment gateway and the
// carrier. Each keeps its own SQLite file under one directory.
//
// The engines are sans I/O (DESIGN.md "roles"); `deliver` is the in-process transport that
// hands each outgoing message to the engine it is addressed to and records it in the trail
// (seq, sender, receiver, type, bytes). The demo saves the trail as NN-<MessageType>.der, the
// purchase benchmark times it, and the network services (later) replace `deliver` with HTTP.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openset/crypto/algorithms.hpp"
#include "openset/pki/authority.hpp"
#include "openset/pki/validation.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/certs/ca.hpp"
#include "openset/roles/commerce.hpp"
#include "openset/roles/env.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "openset/roles/purchase/wallet.hpp"

namespace openset::app {

struct EcosystemOptions {
  std::filesystem::path dir;  // each party's database goes here (created)
  // Where the issuer, acquirer, merchant and gateway databases go instead: a directory or a
  // postgresql:// URI (one schema per party, store::location_for; they must not exist yet).
  // Empty: dir. The wallet, storefront, carrier and CA registration stay SQLite files in dir.
  std::string db;
  // PostgreSQL: schema names are <db_prefix><party> (several ecosystems on one server).
  std::string db_prefix;
  crypto::SuiteId suite = crypto::SuiteId::kModern;
  std::int64_t start = 0;     // Unix time of "now" at the start (0: the system clock)
  std::uint64_t seed = 0;     // 0: OpenSSL randomness; else a deterministic stream (tests)
  std::int64_t credit_limit = 150000;  // the demo card's limit, minor units of USD
  // Progress lines while keys are generated and parties set up ("" lines are not sent).
  std::function<void(std::string_view)> progress;
  // Where the engines' log lines go (none: discarded).
  std::function<void(std::string_view party, std::string_view line)> log;
};

// One message as it travelled.
struct TrailEntry {
  int seq = 0;
  std::string from;
  std::string to;
  std::string type;
  Bytes message;
};

// A test card, provisioned at the issuer and registered in the wallet.
struct DemoCard {
  std::string pan;
  std::string expiry;
  std::string brand;
  std::int64_t credit_limit = 0;
};

// What the parties were given when the ecosystem was made: keys, certificates, the card, the
// banks' profiles, the store. `openset provision` writes them into each service's files. Holds
// secrets (private keys, the PAN, PANSecret, CardSecret): never log it.
struct EcosystemMaterial {
  roles::purchase::Credentials cardholder, merchant, gateway;
  roles::purchase::Card card;
  std::vector<Bytes> merchant_known, gateway_known, wallet_known;  // trust.known of each party
  roles::bank::IssuerProfile issuer;
  roles::bank::AcquirerProfile acquirer;
  std::string gateway_id;
  roles::commerce::StoreConfig store;
  std::string carrier_name;
};

// One of brand Atlas's registration CAs (CCA, MCA, PCA) as `openset provision` exports it into
// a CA directory for `openset serve ca`: the CA (its certificate and what it issued so far), its
// signing key and its key-exchange pair.
struct RegistrationCa {
  std::string name;  // "cca", "mca", "pca"
  const pki::CertificateAuthority* ca = nullptr;
  crypto::PrivateKey key;
  Bytes kx_certificate;
  crypto::PrivateKey kx_key;
};

class Ecosystem {
 public:
  static Result<std::unique_ptr<Ecosystem>> create(const EcosystemOptions& opts);
  ~Ecosystem();

  roles::ManualClock& clock() { return *clock_; }
  const roles::Env& env() const { return *env_; }
  const crypto::Suite& suite() const { return *suite_; }

  roles::bank::IssuerBank& issuer() { return *issuer_; }
  roles::bank::AcquirerBank& acquirer() { return *acquirer_; }
  roles::purchase::Wallet& wallet() { return *wallet_; }
  roles::purchase::Merchant& merchant() { return *merchant_; }
  roles::purchase::Gateway& gateway() { return *gateway_; }
  roles::commerce::Storefront& store() { return *store_; }
  roles::commerce::Carrier& carrier() { return *carrier_; }
  const DemoCard& card() const { return card_; }
  const std::string& merchant_id() const { return merchant_id_; }
  // The root, every CA certificate and the end entities' (for files and `openssl verify`).
  const Bytes& root_certificate() const;
  std::vector<std::pair<std::string, Bytes>> certificates() const;

  // Hands `message` from `from` to the engine of `to` and returns that engine's answer.
  roles::purchase::Answer deliver(const roles::purchase::Outgoing& out, std::string_view from);
  // Delivers every outgoing message of `a` (from `from`) and then their answers, recursively,
  // until nothing more is to be sent. Returns the last answer (the one that sent nothing).
  roles::purchase::Answer run(const roles::purchase::Answer& a, std::string_view from);

  const std::vector<TrailEntry>& trail() const { return trail_; }
  const EcosystemMaterial& material() const { return material_; }
  // The root, brand Atlas's CA, and its CCA, MCA and PCA (with keys: secrets, never log them).
  const pki::CertificateAuthority& root_ca() const;
  const pki::CertificateAuthority& brand_ca() const;
  std::vector<RegistrationCa> registration_cas() const;
  void record(std::string_view from, std::string_view to, std::string_view type, ByteView message);

 private:
  Ecosystem() = default;
  struct Pki;
  std::unique_ptr<roles::ManualClock> clock_;
  std::unique_ptr<roles::Randomness> random_;
  std::unique_ptr<roles::Env> env_;
  const crypto::Suite* suite_ = nullptr;
  std::unique_ptr<Pki> pki_;
  std::vector<std::unique_ptr<pki::PathValidator>> validators_;
  // The CCA, MCA and PCA of brand Atlas as registration engines (they refer to pki_, the banks,
  // ca_db_ and ca_trust_, declared before them so that they go after them).
  std::unique_ptr<store::Database> ca_db_;
  std::unique_ptr<roles::TrustContext> ca_trust_;
  std::unique_ptr<roles::bank::IssuerBank> issuer_;
  std::unique_ptr<roles::bank::AcquirerBank> acquirer_;
  std::unique_ptr<roles::purchase::Wallet> wallet_;
  std::unique_ptr<roles::purchase::Merchant> merchant_;
  std::unique_ptr<roles::purchase::Gateway> gateway_;
  std::unique_ptr<roles::commerce::Storefront> store_;
  std::unique_ptr<roles::commerce::Carrier> carrier_;
  std::unique_ptr<roles::certs::CaEngine> cca_, mca_, pca_;
  DemoCard card_;
  std::string merchant_id_;
  std::vector<std::pair<std::string, Bytes>> end_entities_;
  std::vector<TrailEntry> trail_;
  EcosystemMaterial material_;
};

}  // namespace openset::app
