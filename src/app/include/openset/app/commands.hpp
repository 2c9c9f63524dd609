// The `openset` sub-commands as plain functions: each takes its options and output streams and
// returns the process exit code. main.cpp parses the command line; tests and fuzzers call these.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::app {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the operation failed (bad input, check failed)
inline constexpr int kExitUsage = 2;       // bad command line

struct DecodeOptions {
  std::string file;        // empty or "-": standard input
  bool json = false;       // machine-readable output
  bool full = false;       // do not shorten long OCTET STRINGs
  bool best_effort = false;  // print what parses, then the error
  std::string type;        // force the top-level type by its ASN.1 name
  bool pem = false;        // input is PEM (or base64); auto-detected when it starts with "-----"
};
int run_decode(const DecodeOptions& opts, std::ostream& out, std::ostream& err);
// Decodes bytes already in memory (used by run_decode, the demo and the fuzzer).
int decode_bytes(const std::string& input, const DecodeOptions& opts, std::ostream& out,
                 std::ostream& err);

int run_suites(std::ostream& out);

struct DemoOptions {
  std::string out_dir = "openset-demo";  // where every message is saved
  std::vector<std::string> suites = {"modern"};  // several: one folder per suite under out_dir
  bool verbose = false;                  // also print the decoded trees
  std::string db;  // the banks', merchant's and gateway's databases: a directory or postgresql:// URI ("": out_dir/state)
};
int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err);

// `openset bench purchase`: N complete purchases and their captures in one process; throughput,
// latency, RSA operations per purchase and the crypto bound (src/app/commands/bench.cpp).
struct BenchOptions {
  int n = 200;
  std::string suite = "modern";
  std::string dir;  // where the parties' databases go (default: a temporary directory, removed)
};
int run_bench_purchase(const BenchOptions& opts, std::ostream& out, std::ostream& err);

// `openset wallet history` / `openset wallet show ID`: the cardholder's transaction log, read from
// the wallet's database (src/app/commands/wallet.cpp).
struct WalletOptions {
  std::string db;         // the wallet's SQLite file (openset demo: DIR/state/wallet.db)
  std::int64_t id = 0;    // show
  bool json = false;
};
int run_wallet_history(const WalletOptions& opts, std::ostream& out, std::ostream& err);
int run_wallet_show(const WalletOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace openset::app

namespace openset::app {

// `openset ca init|issue|revoke|crl|list`: a SET CA hierarchy kept in a directory
// (keys/ encrypted PKCS#8 PEM 0600, certs/ PEM, ca.db SQLite records). See src/store/README.md.
struct CaOptions {
  std::string dir;
  // init
  std::string suite = "modern";
  std::string brand = "Atlas";
  std::vector<std::string> with;     // extra CAs under the brand: cca, mca, pca
  // passphrase: from this file, else the environment variable OPENSET_PASSPHRASE
  std::string passphrase_file;
  // issue / revoke / crl
  std::string ca;                    // root, brand, cca, mca, pca
  std::string type;                  // merchant-signature, ..., cardholder
  std::string subject;               // common name of the subject
  std::string pan_file;              // cardholder: file holding the PAN
  std::string expiry;                // cardholder: YYYYMM
  std::string merchant_id = "MER-0001";
  std::string acquirer_bin = "400001";
  std::string out;                   // issue: output prefix; crl: output file (DER)
  std::string serial;                // revoke: hex
  std::string reason = "unspecified";
  long long crl_number = 0;          // crl: rebuild this published CRL instead of issuing the next
  int crl_days = 7;                  // crl: nextUpdate = thisUpdate + days
  bool json = false;                 // list
  // Not on the command line: tests fix the clock and make key encryption cheap.
  long long at = 0;                  // Unix time to use as "now" (0: the clock)
  unsigned pbkdf2_iterations = 0;    // 0: PrivateKey::kDefaultPbkdf2Iterations
};
int run_ca_init(const CaOptions& opts, std::ostream& out, std::ostream& err);
int run_ca_issue(const CaOptions& opts, std::ostream& out, std::ostream& err);
int run_ca_revoke(const CaOptions& opts, std::ostream& out, std::ostream& err);
int run_ca_crl(const CaOptions& opts, std::ostream& out, std::ostream& err);
int run_ca_list(const CaOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace openset::app

namespace openset::app {

// `openset wallet register`, `openset merchant register`, `openset gateway register`: run the
// SET registration protocol (roles::certs) in-process against the CCA / MCA / PCA of a CA
// directory, with the issuer's / acquirer's SQLite file behind the CA (src/app/commands/register.cpp).
struct RegisterOptions {
  std::string ca_dir;                 // made by `openset ca init --with cca,mca,pca` (or provision: DIR/ca)
  std::string ca_url;                 // a CA service (`openset serve ca`): the requests go there over HTTP
  std::string out;                    // messages NN-<MessageType>.der, certificates, keys
  std::string passphrase_file;        // else OPENSET_PASSPHRASE: the CA key's and the new keys'
  std::vector<std::string> answers;   // registration form: name=value
  // wallet
  std::string issuer_db, issuer_id = "issuer", issuer_name = "Issuer";
  std::string pan_file, expiry;
  // merchant / gateway
  std::string acquirer_db, acquirer_id = "acquirer", acquirer_bin = "400001";
  std::string merchant_id;
  // Not on the command line: tests fix the clock and make key encryption cheap.
  long long at = 0;
  unsigned pbkdf2_iterations = 0;
};
int run_wallet_register(const RegisterOptions& opts, std::ostream& out, std::ostream& err);
int run_merchant_register(const RegisterOptions& opts, std::ostream& out, std::ostream& err);
int run_gateway_register(const RegisterOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace openset::app

// ---- the network services (issue 6): src/app/commands/{provision,serve,up,buy}.cpp ----
namespace openset::app {

// `openset provision`: makes a deployment directory: the CA hierarchy, the banks' accounts, every
// party registered through SET's certificate protocols, and one config file per service
// (docs/services.md). `openset up` runs it when the directory has no deployment yet.
struct ProvisionOptions {
  std::string dir = "openset-services";
  std::string suite = "modern";
  std::string host = "127.0.0.1";
  int port_base = 8400;       // issuer +1, acquirer +2, merchant +5, carrier +6, gateways +10..
  int gateways = 1;           // gateway processes sharing one database
  std::string db;             // "" : SQLite files in DIR/data; postgresql://...: merchant, gateway, banks there
  std::string db_prefix;      // PostgreSQL: schema names are <prefix><party> (several deployments, one server)
  std::int64_t stock = 100000;         // per catalog item (sold-out items stay sold out)
  std::int64_t credit_limit = 100000000000;  // the test card's limit, minor units
  // Not on the command line: tests make key encryption cheap.
  unsigned pbkdf2_iterations = 0;
};
int run_provision(const ProvisionOptions& opts, std::ostream& out, std::ostream& err);

struct ServeOptions {
  std::string service;  // ca | merchant | gateway | acquirer | issuer | carrier
  std::string config;   // its config file
  std::string log_file; // "" : structured logs to standard error
};
int run_serve(const ServeOptions& opts, std::ostream& out, std::ostream& err);

struct UpOptions {
  ProvisionOptions provision;
  std::string openset;  // the openset binary to start the services with (default: this one)
  int wait_seconds = 30;  // for every service to answer /health
};
int run_up(const UpOptions& opts, std::ostream& out, std::ostream& err);

struct BuyOptions {
  std::string wallet;                 // the wallet's config file (DIR/wallet/config.json)
  std::string store;                  // the merchant's URL
  std::vector<std::string> items;     // SKU[:QUANTITY]
  std::string place;                  // delivery address
  int in_hours = 72;                  // wished delivery: this many hours from now
  std::string method;                 // delivery method id ("" : the store chooses)
  bool json = false;
};
int run_wallet_buy(const BuyOptions& opts, std::ostream& out, std::ostream& err);

// `openset bench services`: purchases through the services over loopback for a fixed time,
// beside the in-process rate of the same purchases measured in the same run.
struct BenchServicesOptions {
  int seconds = 10;      // per phase
  int clients = 4;       // concurrent wallets' purchases
  std::string suite = "modern";
  int in_process_n = 0;  // 0: as many as the one-gateway phase completed (at least 20)
};
int run_bench_services(const BenchServicesOptions& opts, std::ostream& out, std::ostream& err);

struct InProcessRate {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
};
// `openset bench purchase`'s loop: n purchases in one process (PInitReq ... PRes).
Result<InProcessRate> bench_in_process(const crypto::Suite& suite, int n);

}  // namespace openset::app
