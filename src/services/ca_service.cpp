// `openset serve ca`: brand Atlas's registration CAs (CCA, MCA, PCA: src/roles/certs CaEngine)
// behind HTTP, restored from a CA directory (ca_directory.hpp). The CCA asks the issuer about
// the card and the MCA/PCA ask the acquirer about the merchant/gateway over the banks' wire.
//
//   POST /cca   application/set-registration   CardCInitReq, RegFormReq, CertReq, CertInqReq
//   POST /mca   application/set-registration   Me-AqCInitReq, RegFormReq, CertReq, CertInqReq
//   POST /pca   application/set-registration   (the same, for payment gateways)
#include <filesystem>
#include <mutex>

#include "internal.hpp"
#include "openset/roles/certs/ca.hpp"
#include "openset/roles/certs/common.hpp"
#include "openset/services/bank_wire.hpp"
#include "openset/services/ca_directory.hpp"
#include "openset/store/ca_repository.hpp"

namespace openset::services {
namespace {
namespace fs = std::filesystem;

class CaService final : public Service {
 public:
  explicit CaService(ServiceContext ctx) : ctx_(std::move(ctx)) {}

  Status open(const ServiceConfig& c) {
    std::string dir = c.setting_or("ca_dir", ".");
    if (!fs::path(dir).is_absolute()) dir = (c.base / dir).lexically_normal().string();
    if (c.passphrase_file.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"passphrase_file\" is missing");
    OPENSET_TRY(std::string pass, read_passphrase(c.passphrase_file));
    OPENSET_TRY(store::CaRepository repo, store::CaRepository::open(dir + "/ca.db", store::Database::Mode::kOpenExisting));
    repo_ = std::make_unique<store::CaRepository>(std::move(repo));
    OPENSET_TRY(dir_, read_ca_dir(*repo_));
    if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing (the CAs' registration state)");
    OPENSET_TRY(store::Database state, store::Database::open(c.db, store::Database::Mode::kCreate));
    state_ = std::make_unique<store::Database>(std::move(state));

    pki::TrustStore roots;
    OPENSET_CHECK(roots.add_root(dir_.certs.at("root")));
    validator_ = std::make_unique<pki::PathValidator>(std::move(roots));
    trust_ = std::make_unique<roles::TrustContext>();
    trust_->validator = validator_.get();
    trust_->certificates = dir_.all;
    trust_->policy = seal::Policy::only(dir_.suite->id);

    OPENSET_TRY(std::vector<std::string> issuer_urls, c.peer("issuer"));
    OPENSET_TRY(std::vector<std::string> acquirer_urls, c.peer("acquirer"));
    issuer_ = std::make_unique<RemoteIssuer>(bank_transport(std::make_shared<PeerClient>("issuer", issuer_urls)));
    auto bins = issuer_->refresh_bins();
    if (!bins.ok()) return Error(Errc::kIo, "the CA cannot ask the issuer for its BINs (" + bins.error().message + "); start the issuer service first");
    acquirer_ = std::make_unique<RemoteAcquirer>(bank_transport(std::make_shared<PeerClient>("acquirer", acquirer_urls)));

    for (const auto& [name, who] : {std::pair<std::string, roles::certs::Requester>{"cca", roles::certs::Requester::kCardholder},
                                    {"mca", roles::certs::Requester::kMerchant},
                                    {"pca", roles::certs::Requester::kGateway}}) {
      if (!dir_.certs.contains(name) || !fs::exists(dir + "/keys/" + name + ".key.pem")) continue;
      Served s;
      s.name = name;
      OPENSET_TRY(pki::CertificateAuthority ca, restore_ca(dir, *repo_, dir_, name, roles::certs::ca_type_for(who), pass));
      s.ca = std::make_unique<pki::CertificateAuthority>(std::move(ca));
      OPENSET_TRY(crypto::PrivateKey key, read_key(dir + "/keys/" + name + ".key.pem", pass));
      roles::certs::CaEngineConfig cfg;
      if (who == roles::certs::Requester::kCardholder) {
        cfg.issuers = {issuer_.get()};
        cfg.issuer_unit = c.setting_or("issuer_unit", "Issuer");
      } else {
        cfg.acquirer = acquirer_.get();
      }
      cfg.chain = {dir_.certs.at(name), dir_.certs.at("brand"), dir_.certs.at("root")};
      if (dir_.certs.contains(name + "-kx")) {
        OPENSET_TRY(crypto::PrivateKey kx, read_key(dir + "/keys/" + name + "-kx.key.pem", pass));
        cfg.key_exchange_certificate = dir_.certs.at(name + "-kx");
        cfg.key_exchange_key = std::move(kx);
      }
      store::CaRepository* repo_ptr = repo_.get();
      const std::string ca_name = name;
      cfg.on_issued = [repo_ptr, ca_name](const pki::IssuedCertificate& issued) -> Status {
        return record_issued(*repo_ptr, ca_name, issued);
      };
      cfg.log = detail::engine_log(ctx_, name);
      OPENSET_TRY(s.engine, roles::certs::CaEngine::open(*s.ca, std::move(key), *state_, *trust_, std::move(cfg)));
      served_.push_back(std::move(s));
    }
    if (served_.empty()) return Error(Errc::kInvalidArgument, dir + " holds no CCA, MCA or PCA with its key");
    return Ok{};
  }

  std::vector<net::Route> routes() override {
    std::vector<net::Route> r;
    for (auto& s : served_) {
      roles::certs::CaEngine* engine = s.engine.get();
      std::string name = s.name;
      r.push_back({"POST", "/" + name, {std::string(net::kSetRegistration)}, [this, engine, name](const net::Request& q) {
                     Result<Bytes> answer = Error(Errc::kIo, "");
                     {
                       std::lock_guard lock(mu_);  // the CAs share one state database and ca.db
                       answer = engine->handle(world_.env, to_bytes(std::string_view(q.body)));
                     }
                     if (!answer.ok()) {
                       if (ctx_.log) ctx_.log->error("ca_failed", {{"ca", name}, {"error", answer.error().message}});
                       return net::Response::error(500, "the " + name + " could not answer (" + answer.error().message + ")");
                     }
                     if (ctx_.metrics) ctx_.metrics->add("openset_ca_answers_total", "registration answers, by CA", "{ca=\"" + name + "\"}");
                     return net::Response::bytes(net::kSetRegistration, std::string(answer->begin(), answer->end()));
                   }});
    }
    return r;
  }

 private:
  struct Served {
    std::string name;
    std::unique_ptr<pki::CertificateAuthority> ca;
    std::unique_ptr<roles::certs::CaEngine> engine;
  };
  static Result<crypto::PrivateKey> read_key(const std::string& path, const std::string& pass) {
    OPENSET_TRY(std::string text, read_text(path));
    auto k = crypto::PrivateKey::from_encrypted_pem(text, pass);
    if (!k.ok()) return Error(k.error().code, "cannot decrypt " + path + " (wrong passphrase file?)");
    return std::move(*k);
  }

  ServiceContext ctx_;
  detail::RealWorld world_;
  std::mutex mu_;
  std::unique_ptr<store::CaRepository> repo_;
  CaDir dir_;
  std::unique_ptr<store::Database> state_;
  std::unique_ptr<pki::PathValidator> validator_;
  std::unique_ptr<roles::TrustContext> trust_;
  std::unique_ptr<RemoteIssuer> issuer_;
  std::unique_ptr<RemoteAcquirer> acquirer_;
  std::vector<Served> served_;  // after what they refer to
};

}  // namespace

Result<std::unique_ptr<Service>> open_ca_service(const ServiceConfig& c, const ServiceContext& ctx) {
  auto s = std::make_unique<CaService>(ctx);
  OPENSET_CHECK(s->open(c));
  return std::unique_ptr<Service>(std::move(s));
}

}  // namespace openset::services
