// `openset wallet register`, `openset merchant register`, `openset gateway register`.
//
// In-process for now: the requester engine (roles::certs::Registration) talks to the CA engine
// (roles::certs::CaEngine) of a CA directory made by `openset ca init --with cca,mca,pca`, with
// the issuer's or the acquirer's SQLite file behind the CA. Every message exchanged is saved as
// NN-<MessageType>.der in --out; the certificates as PEM; the private keys as encrypted PKCS#8
// (PBES2, mode 0600); the cardholder's PANSecret (needed to pay) in a 0600 file. The PAN is read
// from a file and never printed. The CA's registration state goes to <ca-dir>/registration.db
// and every certificate issued is recorded in <ca-dir>/ca.db (so `openset ca list` shows it).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "openset/app/commands.hpp"
#include "openset/app/files.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/authority.hpp"
#include "openset/pki/identity.hpp"
#include "openset/pki/profile.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/certs/ca.hpp"
#include "openset/roles/certs/requester.hpp"
#include "openset/net/http.hpp"
#include "openset/services/ca_directory.hpp"
#include "openset/services/registration_client.hpp"
#include "openset/store/ca_repository.hpp"

namespace openset::app {
namespace {
namespace fs = std::filesystem;
using pki::CertType;
using roles::certs::Requester;

Result<std::string> passphrase(const RegisterOptions& o) { return files::passphrase(o.passphrase_file); }

std::map<std::string, std::string> parse_answers(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& a : items) {
    auto eq = a.find('=');
    if (eq == std::string::npos) out[a] = "";
    else out[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return out;
}

class Recorder {
 public:
  explicit Recorder(std::string dir) : dir_(std::move(dir)) {}
  Status save(ByteView der) {
    auto w = roles::unwrap(der);
    std::string type = w.ok() ? std::string(roles::message_type_name(roles::message_index(*w))) : "unknown";
    std::string prefix = std::to_string(++n_);
    if (prefix.size() < 2) prefix.insert(0, "0");
    return files::create(dir_ + "/" + prefix + "-" + type + ".der",
                      std::string_view(reinterpret_cast<const char*>(der.data()), der.size()), 0644);
  }
  int count() const { return n_; }

 private:
  std::string dir_;
  int n_ = 0;
};

// The CA engine in this process (no --ca-url): the CA restored from the directory, the banks
// from their files. Everything the engine refers to lives here.
struct LocalCa {
  std::unique_ptr<pki::CertificateAuthority> ca;
  std::unique_ptr<roles::bank::IssuerBank> issuer;
  std::unique_ptr<roles::bank::AcquirerBank> acquirer;
  std::unique_ptr<store::Database> state;
  std::unique_ptr<pki::PathValidator> validator;
  std::unique_ptr<roles::TrustContext> trust;
  std::unique_ptr<roles::certs::CaEngine> engine;
};

Result<std::unique_ptr<LocalCa>> local_ca(const RegisterOptions& o, Requester who, const services::CaDir& d,
                                          store::CaRepository& repo, const std::string& ca_name,
                                          const std::string& pass, std::ostream& err) {
  auto l = std::make_unique<LocalCa>();
  OPENSET_TRY(pki::CertificateAuthority restored,
              services::restore_ca(o.ca_dir, repo, d, ca_name, roles::certs::ca_type_for(who), pass));
  l->ca = std::make_unique<pki::CertificateAuthority>(std::move(restored));
  OPENSET_TRY(std::string key_pem, files::read_text(o.ca_dir + "/keys/" + ca_name + ".key.pem"));
  OPENSET_TRY(crypto::PrivateKey ca_key, crypto::PrivateKey::from_encrypted_pem(key_pem, pass));

  // The banks behind the CA.
  roles::certs::CaEngineConfig cfg;
  if (who == Requester::kCardholder) {
    if (o.issuer_db.empty()) return Error(Errc::kInvalidArgument, "give the issuer's database with --issuer-db FILE");
    OPENSET_TRY(l->issuer, roles::bank::IssuerBank::open(o.issuer_db, {o.issuer_id, o.issuer_name}));
    cfg.issuers = {l->issuer.get()};
    cfg.issuer_unit = o.issuer_name;
  } else {
    if (o.acquirer_db.empty()) return Error(Errc::kInvalidArgument, "give the acquirer's database with --acquirer-db FILE");
    OPENSET_TRY(l->acquirer, roles::bank::AcquirerBank::open(o.acquirer_db, {o.acquirer_id, o.acquirer_bin, o.acquirer_id, ""}));
    cfg.acquirer = l->acquirer.get();
  }
  cfg.chain = {d.certs.at(ca_name), d.certs.at("brand"), d.certs.at("root")};
  if (d.certs.contains(ca_name + "-kx")) {
    // The CA's key-exchange certificate (made by 'ca init'): caeThumb names it and the requests
    // are opened with its key. A directory made before it existed runs as R-1 (modern only).
    OPENSET_TRY(std::string kx_pem, files::read_text(o.ca_dir + "/keys/" + ca_name + "-kx.key.pem"));
    auto kx_key = crypto::PrivateKey::from_encrypted_pem(kx_pem, pass);
    if (!kx_key.ok()) return Error(kx_key.error().code, "cannot decrypt the " + ca_name + "-kx key (wrong passphrase?)");
    cfg.key_exchange_certificate = d.certs.at(ca_name + "-kx");
    cfg.key_exchange_key = std::move(*kx_key);
  }
  // The CA engine's event log (never holds a secret) goes to stderr, where refusals are explained.
  cfg.log = [&err](std::string_view line) { err << "  [" << line << "]\n"; };
  cfg.on_issued = [&repo, ca_name](const pki::IssuedCertificate& c) -> Status {
    return services::record_issued(repo, ca_name, c);
  };

  OPENSET_TRY(store::Database state, store::Database::open(o.ca_dir + "/registration.db", store::Database::Mode::kCreate));
  l->state = std::make_unique<store::Database>(std::move(state));
  pki::TrustStore ca_roots;
  OPENSET_CHECK(ca_roots.add_root(d.certs.at("root")));
  l->validator = std::make_unique<pki::PathValidator>(std::move(ca_roots));
  l->trust = std::make_unique<roles::TrustContext>(
      roles::TrustContext{l->validator.get(), d.all, {}, std::nullopt, seal::Policy::only(d.suite->id)});
  OPENSET_TRY(l->engine, roles::certs::CaEngine::open(*l->ca, std::move(ca_key), *l->state, *l->trust, cfg));
  return l;

}

Status run(const RegisterOptions& o, Requester who, std::ostream& out, std::ostream& err) {
  if (o.ca_dir.empty()) return Error(Errc::kInvalidArgument, "give the CA directory with --ca-dir DIR");
  if (o.out.empty()) return Error(Errc::kInvalidArgument, "give the output directory with --out DIR");
  if (!fs::exists(o.ca_dir + "/ca.db")) return Error(Errc::kIo, o.ca_dir + " is not a CA directory (no ca.db)");
  OPENSET_TRY(std::string pass, passphrase(o));
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) return Error(Errc::kIo, "cannot create " + o.out);

  OPENSET_TRY(store::CaRepository repo, store::CaRepository::open(o.ca_dir + "/ca.db", store::Database::Mode::kOpenExisting));
  OPENSET_TRY(services::CaDir d, services::read_ca_dir(repo));
  const std::string ca_name = who == Requester::kCardholder ? "cca" : who == Requester::kMerchant ? "mca" : "pca";
  // The CA: in this process, or a CA service (`openset serve ca`) at --ca-url.
  std::unique_ptr<LocalCa> local;
  std::optional<net::Url> ca_url;
  if (o.ca_url.empty()) {
    OPENSET_TRY(local, local_ca(o, who, d, repo, ca_name, pass, err));
  } else {
    OPENSET_TRY(net::Url u, net::Url::parse(o.ca_url));
    u.target = "/" + ca_name;
    ca_url = std::move(u);
  }

  // The requester: trusts the root only.
  pki::TrustStore roots;
  OPENSET_CHECK(roots.add_root(d.certs.at("root")));
  pki::PathValidator validator(roots);
  roles::TrustContext trust{&validator, {}, {}, std::nullopt, seal::Policy::only(d.suite->id)};
  roles::certs::RequesterConfig rc;
  rc.who = who;
  rc.suite = d.suite;
  rc.brand = d.brand;
  rc.merchant_id = o.merchant_id;
  rc.acquirer_bin = o.acquirer_bin;
  roles::certs::Registration reg(rc, trust);
  std::string pan;
  if (who == Requester::kCardholder) {
    if (o.pan_file.empty() || o.expiry.empty())
      return Error(Errc::kInvalidArgument, "give the card with --pan-file FILE and --expiry YYYYMM");
    OPENSET_TRY(std::string text, files::read_text(o.pan_file));
    pan = files::trim(text);
    reg.set_card(pan, o.expiry);
  }

  roles::SystemClock system_clock;
  roles::ManualClock fixed(o.at);
  const roles::Clock& clock = o.at != 0 ? static_cast<const roles::Clock&>(fixed) : system_clock;
  roles::SystemRandomness random;
  roles::Env env{clock, random};
  Recorder rec(o.out);
  services::RegistrationExchange remote;
  if (ca_url) remote = services::http_registration_exchange(*ca_url);
  auto exchange = [&](const Bytes& request) -> Result<Bytes> {
    OPENSET_CHECK(rec.save(request));
    Bytes response;
    if (local) {
      OPENSET_TRY(response, local->engine->handle(env, request));
    } else {
      OPENSET_TRY(response, remote(request));
    }
    OPENSET_CHECK(rec.save(response));
    return response;
  };

  OPENSET_CHECK(services::registration_form(reg, env, exchange));
  std::map<std::string, std::string> answers = parse_answers(o.answers);
  for (const auto& name : services::missing_answers(reg, answers))
    return Error(Errc::kInvalidArgument, "the registration form requires '" + name + "': give --answer " + name + "=VALUE");
  OPENSET_CHECK(services::registration_complete(reg, env, exchange, answers));

  // Save the results.
  const std::string base = who == Requester::kCardholder ? "cardholder" : who == Requester::kMerchant ? "merchant" : "gateway";
  auto save_key = [&](const crypto::PrivateKey& k, const std::string& name) -> Status {
    OPENSET_TRY(std::string pem, o.pbkdf2_iterations != 0 ? k.to_encrypted_pem(pass, o.pbkdf2_iterations)
                                                           : k.to_encrypted_pem(pass));
    return files::create(o.out + "/" + name + ".key.pem", pem, 0600);
  };
  const auto& certs = reg.certificates();
  if (who == Requester::kCardholder) {
    OPENSET_CHECK(files::create(o.out + "/cardholder.cert.pem", crypto::to_pem(certs[0], "CERTIFICATE"), 0644));
    OPENSET_CHECK(save_key(*reg.signature_key(), "cardholder"));
    OPENSET_CHECK(files::create(o.out + "/cardholder.pan-secret", to_hex(reg.pan_secret().view()) + "\n", 0600));
  } else {
    OPENSET_CHECK(files::create(o.out + "/" + base + "-signature.cert.pem", crypto::to_pem(certs[0], "CERTIFICATE"), 0644));
    OPENSET_CHECK(save_key(*reg.signature_key(), base + "-signature"));
    if (certs.size() > 1 && reg.key_exchange_key()) {
      OPENSET_CHECK(files::create(o.out + "/" + base + "-key-exchange.cert.pem", crypto::to_pem(certs[1], "CERTIFICATE"), 0644));
      OPENSET_CHECK(save_key(*reg.key_exchange_key(), base + "-key-exchange"));
    }
  }
  out << base << " registered with the " << d.brand << " " << pki::to_string(roles::certs::ca_type_for(who)) << ": " << certs.size()
      << " certificate(s), " << rec.count() << " messages saved in " << o.out << "\n";
  return Ok{};
}

int run_register(const RegisterOptions& o, Requester who, std::string_view cmd, std::ostream& out, std::ostream& err) {
  Status s = run(o, who, out, err);
  if (!s.ok()) {
    err << "openset " << cmd << " register: " << s.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int run_wallet_register(const RegisterOptions& o, std::ostream& out, std::ostream& err) {
  return run_register(o, Requester::kCardholder, "wallet", out, err);
}
int run_merchant_register(const RegisterOptions& o, std::ostream& out, std::ostream& err) {
  return run_register(o, Requester::kMerchant, "merchant", out, err);
}
int run_gateway_register(const RegisterOptions& o, std::ostream& out, std::ostream& err) {
  return run_register(o, Requester::kGateway, "gateway", out, err);
}

}  // namespace openset::app
