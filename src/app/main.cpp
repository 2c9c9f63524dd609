// `openset`: one binary, one sub-command per job (like git or openssl). Parsing only; the work
// is in commands/.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "openset/app/commands.hpp"

int main(int argc, char** argv) {
  using namespace openset::app;

  CLI::App app{
      "OpenSET: Secure Electronic Transaction 1.0 (Visa/MasterCard, 1997).\n"
      "Run 'openset <command> --help' for the options of a command."};
  app.name("openset");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("openset 0.1.0"));

  DecodeOptions dec;
  CLI::App* decode = app.add_subcommand(
      "decode",
      "Print a DER file (a SET message, PKCS#7 blob, certificate, ...) as an indented tree,\n"
      "naming SET types and fields where it recognises them. Reads standard input when no\n"
      "FILE is given. Exit status 1 on malformed input, with the byte offset of the fault.");
  decode->add_option("FILE", dec.file, "DER file to decode ('-' or none: standard input)");
  decode->add_flag("--json", dec.json, "Print JSON instead of the text tree");
  decode->add_flag("--full", dec.full, "Print long OCTET STRINGs in full");
  decode->add_flag("--best-effort", dec.best_effort,
                   "On malformed input, print what parsed before the error");
  decode->add_option("--type", dec.type,
                     "Decode the input as this SET/PKCS#7 type (e.g. PIData, SignedData)");
  decode->add_flag("--pem", dec.pem, "Input is PEM or base64 (auto-detected for PEM)");

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "The seed's story with every party running for real: the CA hierarchy, the banks, a\n"
      "cardholder shopping and paying with SET's dual signature, the gateway authorizing\n"
      "through acquirer and issuer, shipping, the day's capture and settlement. Every SET\n"
      "message is saved under --out as NN-<MessageType>.der, each party's database in --out/state.");
  demo_cmd->add_option("--out", demo.out_dir, "Directory for the messages, certificates and databases")
      ->capture_default_str();
  demo_cmd->add_option("--suite", demo.suites,
                       "Suite(s) to run: modern (default), set1 (SET 1.0's own algorithms); "
                       "several: one folder each")
      ->check(CLI::IsMember({"modern", "set1"}));
  demo_cmd->add_flag("-v,--verbose", demo.verbose, "Also print each message's decoded tree");
  demo_cmd->add_option("--db", demo.db,
                       "Where the banks', merchant's and gateway's databases go: a directory, or a "
                       "PostgreSQL URI (postgresql://...; one schema per party, which must not exist yet). "
                       "Default: --out/state");

  BenchOptions bench;
  CLI::App* bench_cmd = app.add_subcommand("bench", "Benchmarks (throughput against a bound measured in the same run)");
  bench_cmd->require_subcommand(1);
  CLI::App* bench_purchase = bench_cmd->add_subcommand(
      "purchase",
      "N complete SET purchases (PInitReq through PRes) and their captures in one process:\n"
      "purchases per second, p50/p99 latency, RSA operations per purchase, and the crypto\n"
      "bound (the same number of RSA private-key operations alone) with the ratio.");
  bench_purchase->add_option("-n", bench.n, "Number of purchases")->capture_default_str()->check(CLI::Range(1, 1000000));
  bench_purchase->add_option("--suite", bench.suite, "modern or set1")
      ->capture_default_str()->check(CLI::IsMember({"modern", "set1"}));
  bench_purchase->add_option("--dir", bench.dir, "Keep the parties' databases here (default: a temporary directory)");

  BenchServicesOptions bench_svc;
  CLI::App* bench_services = bench_cmd->add_subcommand(
      "services",
      "Complete SET purchases through the network services on loopback (each party its own\n"
      "process) for a fixed time, with one gateway process and then two on one database:\n"
      "purchases/s, p50/p99 latency, and the in-process rate of the same purchases measured in\n"
      "the same run, with the ratios.");
  bench_services->add_option("--seconds", bench_svc.seconds, "Seconds per phase")->capture_default_str()->check(CLI::Range(1, 3600));
  bench_services->add_option("--clients", bench_svc.clients, "Concurrent purchases")->capture_default_str()->check(CLI::Range(1, 64));
  bench_services->add_option("--suite", bench_svc.suite, "modern or set1")->capture_default_str()->check(CLI::IsMember({"modern", "set1"}));

  CLI::App* suites =
      app.add_subcommand("suites", "List the cryptographic suites and their algorithms");

  // openset ca init|issue|revoke|crl|list
  CaOptions ca;
  CLI::App* ca_cmd = app.add_subcommand(
      "ca",
      "Run a SET certificate authority hierarchy kept in a directory: keys/ (encrypted PKCS#8,\n"
      "mode 0600), certs/ (PEM) and ca.db (every certificate issued or revoked, every CRL).\n"
      "The passphrase comes from --passphrase-file FILE or the OPENSET_PASSPHRASE variable.\n"
      "Start with 'openset ca init --dir DIR --with mca', then 'openset ca <command> --help'.");
  ca_cmd->require_subcommand(1);
  auto add_dir = [&](CLI::App* c) {
    c->add_option("--dir", ca.dir, "The CA directory")->required();
    c->add_option("--passphrase-file", ca.passphrase_file,
                  "File whose first line is the passphrase (default: $OPENSET_PASSPHRASE)");
  };
  auto add_ca = [&](CLI::App* c) {
    c->add_option("--ca", ca.ca, "Which CA: root, brand, or one made with --with (cca, mca, pca)")->required();
  };
  CLI::App* ca_init = ca_cmd->add_subcommand(
      "init",
      "Create a new CA directory: a SET root CA and a brand CA (and with --with cca,mca,pca the\n"
      "cardholder, merchant and payment-gateway CAs). Refuses a DIR that already exists.");
  add_dir(ca_init);
  ca_init->add_option("--suite", ca.suite, "Cryptographic suite")
      ->check(CLI::IsMember({"modern", "set1"}))->capture_default_str();
  ca_init->add_option("--brand", ca.brand, "Brand name (the O of every certificate below the root)")
      ->capture_default_str();
  ca_init->add_option("--with", ca.with, "CAs to create under the brand: cca, mca, pca")->delimiter(',');
  CLI::App* ca_issue = ca_cmd->add_subcommand(
      "issue",
      "Generate an end-entity key, have --ca certify it and record the certificate. Writes\n"
      "PREFIX.key.pem (encrypted with the passphrase, mode 0600) and PREFIX.cert.pem; for a\n"
      "cardholder also PREFIX.pansecret (0600): the subject carries only the hashed account number.");
  add_dir(ca_issue);
  add_ca(ca_issue);
  ca_issue->add_option("--type", ca.type,
                       "merchant-signature, merchant-key-exchange, gateway-signature, gateway-key-exchange, "
                       "cardholder")->required();
  ca_issue->add_option("--subject", ca.subject, "Subject common name (merchant or gateway name)");
  ca_issue->add_option("--pan-file", ca.pan_file, "Cardholder: file holding the card number (never stored)");
  ca_issue->add_option("--expiry", ca.expiry, "Cardholder: card expiry YYYYMM");
  ca_issue->add_option("--merchant-id", ca.merchant_id, "Merchant signature: merID")->capture_default_str();
  ca_issue->add_option("--acquirer-bin", ca.acquirer_bin, "Merchant signature: acquirer BIN")->capture_default_str();
  ca_issue->add_option("--out", ca.out, "Output prefix for the key and certificate files")->required();
  CLI::App* ca_revoke = ca_cmd->add_subcommand(
      "revoke", "Record the revocation of a certificate --ca issued (serial as 'openset ca list' shows it).\n"
                "The next 'openset ca crl' lists it.");
  add_dir(ca_revoke);
  add_ca(ca_revoke);
  ca_revoke->add_option("--serial", ca.serial, "Serial number in hex")->required();
  ca_revoke->add_option("--reason", ca.reason, "Reason, kept in ca.db")->capture_default_str();
  CLI::App* ca_crl = ca_cmd->add_subcommand(
      "crl", "Publish the next CRL of --ca (DER) from the records in ca.db, or with --number N\n"
             "rebuild a CRL published earlier, byte for byte.");
  add_dir(ca_crl);
  add_ca(ca_crl);
  ca_crl->add_option("--out", ca.out, "Output file (DER)")->required();
  ca_crl->add_option("--number", ca.crl_number, "Rebuild CRL number N instead of publishing a new one");
  ca_crl->add_option("--days", ca.crl_days, "nextUpdate: this many days after thisUpdate")->capture_default_str();
  CLI::App* ca_list = ca_cmd->add_subcommand(
      "list", "List every certificate the CAs of DIR issued: issuer, serial, type, validity, revoked?");
  ca_list->add_option("--dir", ca.dir, "The CA directory")->required();
  ca_list->add_flag("--json", ca.json, "Print JSON");


  // openset wallet|merchant|gateway register (SET registration protocols, in-process)
  RegisterOptions reg;
  auto add_register = [&](CLI::App* parent, const char* who, bool card) {
    CLI::App* c = parent->add_subcommand(
        "register",
        std::string("Register the ") + who + " with its SET CA: " +
            (card ? "CardCInitReq, RegFormReq, CertReq (and CertInqReq)" : "Me-AqCInitReq, CertReq (and CertInqReq)") +
            ",\nin-process against a CA directory and the bank's database, or with --ca-url against a CA\n"
            "service (openset serve ca; --ca-dir then gives only the root and the suite). Saves every message as\n"
            "NN-<MessageType>.der, the certificate(s) as PEM and the key(s) as encrypted PKCS#8 (0600) in --out.");
    c->add_option("--ca-dir", reg.ca_dir, "CA directory (openset ca init --with cca,mca,pca; openset provision: DIR/ca)")->required();
    c->add_option("--ca-url", reg.ca_url, "A CA service's URL (openset serve ca): register over HTTP instead of in-process");
    c->add_option("--out", reg.out, "Output directory")->required();
    c->add_option("--passphrase-file", reg.passphrase_file,
                  "Passphrase of the CA key and of the new keys (else OPENSET_PASSPHRASE)");
    c->add_option("--answer", reg.answers, "Registration form answer NAME=VALUE (repeat)");
    if (card) {
      c->add_option("--issuer-db", reg.issuer_db, "The issuer's SQLite file (in-process only)");
      c->add_option("--issuer-id", reg.issuer_id, "The issuer's id in that file")->capture_default_str();
      c->add_option("--issuer-name", reg.issuer_name, "The issuer's name (OU of the certificate)")->capture_default_str();
      c->add_option("--pan-file", reg.pan_file, "File holding the card number (never printed or stored)")->required();
      c->add_option("--expiry", reg.expiry, "Card expiry YYYYMM")->required();
    } else {
      c->add_option("--acquirer-db", reg.acquirer_db, "The acquirer's SQLite file (in-process only)");
      c->add_option("--acquirer-id", reg.acquirer_id, "The acquirer's id in that file")->capture_default_str();
      c->add_option("--acquirer-bin", reg.acquirer_bin, "The acquirer's BIN")->capture_default_str();
      c->add_option("--id", reg.merchant_id, "Merchant (gateway) id at the acquirer")->required();
    }
    return c;
  };
  CLI::App* wallet_cmd = app.add_subcommand("wallet", "The cardholder's wallet");
  wallet_cmd->require_subcommand(1);
  CLI::App* wallet_register = add_register(wallet_cmd, "cardholder", true);
  WalletOptions wallet;
  CLI::App* wallet_history = wallet_cmd->add_subcommand(
      "history", "The wallet's transaction log: every purchase, its amount and status");
  wallet_history->add_option("--db", wallet.db, "The wallet's database (openset demo: DIR/state/wallet.db)")
      ->required();
  wallet_history->add_flag("--json", wallet.json, "Print JSON");
  CLI::App* wallet_show = wallet_cmd->add_subcommand(
      "show", "One purchase from the transaction log, with the SET messages it exchanged");
  wallet_show->add_option("id", wallet.id, "The purchase's id (see openset wallet history)")->required();
  wallet_show->add_option("--db", wallet.db, "The wallet's database")->required();
  wallet_show->add_flag("--json", wallet.json, "Print JSON");
  CLI::App* merchant_cmd = app.add_subcommand("merchant", "The merchant server");
  merchant_cmd->require_subcommand(1);
  CLI::App* merchant_register = add_register(merchant_cmd, "merchant", false);
  CLI::App* gateway_cmd = app.add_subcommand("gateway", "The payment gateway");
  gateway_cmd->require_subcommand(1);
  CLI::App* gateway_register = add_register(gateway_cmd, "payment gateway", false);
  // ---- the network services (issue 6) ----
  BuyOptions buy;
  CLI::App* wallet_buy = wallet_cmd->add_subcommand(
      "buy",
      "Shop at a merchant service and pay with SET over HTTP: the order form, the store's quote,\n"
      "the purchase initiation message, then PInitReq/PReq. The card number never leaves the\n"
      "wallet unencrypted; a request without an answer is sent again (SET's replay rules make\n"
      "that safe). Exit status 1 when the purchase is not authorized.");
  wallet_buy->add_option("--wallet", buy.wallet, "The wallet's config file (openset provision: DIR/wallet/config.json)")->required();
  wallet_buy->add_option("--store", buy.store, "The merchant service's URL (openset up prints it)")->required();
  wallet_buy->add_option("--item", buy.items, "SKU[:QUANTITY], several allowed (GET STORE/store/catalog lists them)")->required();
  wallet_buy->add_option("--place", buy.place, "Delivery address")->required();
  wallet_buy->add_option("--in-hours", buy.in_hours, "Wished delivery, hours from now")->capture_default_str()->check(CLI::Range(1, 24 * 90));
  wallet_buy->add_option("--method", buy.method, "Delivery method id (default: the store chooses)");
  wallet_buy->add_flag("--json", buy.json, "Print JSON");

  ProvisionOptions prov;
  auto add_provision = [&](CLI::App* c) {
    c->add_option("--dir", prov.dir, "The deployment directory")->capture_default_str();
    c->add_option("--suite", prov.suite, "modern or set1")->capture_default_str()->check(CLI::IsMember({"modern", "set1"}));
    c->add_option("--port-base", prov.port_base, "Ports: issuer +1, acquirer +2, merchant +5, carrier +6, gateways +10...")
        ->capture_default_str();
    c->add_option("--gateways", prov.gateways, "Gateway processes sharing one database")->capture_default_str()->check(CLI::Range(1, 8));
    c->add_option("--db", prov.db, "Database of the merchant, gateway and banks: postgresql://... (default: SQLite files in DIR/data)");
    c->add_option("--db-prefix", prov.db_prefix, "PostgreSQL: schema names are PREFIX<party> (several deployments on one server)");
    c->add_option("--stock", prov.stock, "Stock of each catalog item")->capture_default_str();
  };
  CLI::App* provision_cmd = app.add_subcommand(
      "provision",
      "Make a deployment directory for the services: the CA hierarchy, the banks' accounts, the\n"
      "cardholder, merchant and gateway registered through SET's certificate protocols, and one\n"
      "config file per service (docs/services.md). Keys are encrypted with DIR/passphrase.");
  add_provision(provision_cmd);

  UpOptions up;
  CLI::App* up_cmd = app.add_subcommand(
      "up",
      "Start the whole ecosystem on loopback, one process per party (issuer, acquirer, gateway(s),\n"
      "carrier, merchant), provisioning DIR first when it holds no deployment. Prints where each\n"
      "listens; Ctrl-C stops them all.");
  add_provision(up_cmd);
  up_cmd->add_option("--wait", up.wait_seconds, "Seconds each service has to answer /health")->capture_default_str();

  ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Run one party as a network service: SET messages as HTTP POST bodies\n"
      "(application/set-payment), the banks' JSON wire, the storefront; /health and /metrics\n"
      "(Prometheus). Stops on SIGINT/SIGTERM after the requests in flight.");
  serve_cmd->add_option("role", serve.service,
                        "ca, merchant, gateway, acquirer, issuer, carrier, or wallet (the cardholder's wallet and its\n"
                        "pages, on 127.0.0.1 only)")
      ->required()->check(CLI::IsMember({"ca", "merchant", "gateway", "acquirer", "issuer", "carrier", "wallet"}));
  serve_cmd->add_option("--config", serve.config, "The service's config file (openset provision makes them)")->required();
  serve_cmd->add_option("--log-file", serve.log_file, "Append the structured (JSON) logs here instead of standard error");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  if (*wallet_buy) return run_wallet_buy(buy, std::cout, std::cerr);
  if (*provision_cmd) return run_provision(prov, std::cout, std::cerr);
  if (*up_cmd) {
    up.provision = prov;
    return run_up(up, std::cout, std::cerr);
  }
  if (*serve_cmd) return run_serve(serve, std::cout, std::cerr);
  if (*wallet_register) return run_wallet_register(reg, std::cout, std::cerr);
  if (*wallet_history) return run_wallet_history(wallet, std::cout, std::cerr);
  if (*wallet_show) return run_wallet_show(wallet, std::cout, std::cerr);
  if (*merchant_register) return run_merchant_register(reg, std::cout, std::cerr);
  if (*gateway_register) return run_gateway_register(reg, std::cout, std::cerr);
  if (*bench_services) return run_bench_services(bench_svc, std::cout, std::cerr);
  if (*bench_purchase) return run_bench_purchase(bench, std::cout, std::cerr);
  if (*decode) return run_decode(dec, std::cout, std::cerr);
  if (*demo_cmd) return run_demo(demo, std::cout, std::cerr);
  if (*suites) return run_suites(std::cout);
  if (*ca_init) return run_ca_init(ca, std::cout, std::cerr);
  if (*ca_issue) return run_ca_issue(ca, std::cout, std::cerr);
  if (*ca_revoke) return run_ca_revoke(ca, std::cout, std::cerr);
  if (*ca_crl) return run_ca_crl(ca, std::cout, std::cerr);
  if (*ca_list) return run_ca_list(ca, std::cout, std::cerr);
  return kExitUsage;
}
