// `openset serve issuer` and `openset serve acquirer`: the bank engines (src/roles/bank) behind
// the banks' JSON wire (bank_wire.hpp). The acquirer reaches its issuers over the same wire.
#include <mutex>

#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/services/bank_wire.hpp"
#include "openset/services/service.hpp"

namespace openset::services {
namespace {

template <class Bank, class Serve>
std::vector<net::Route> bank_routes(Bank& bank, std::mutex& mu, const std::vector<std::string>& methods, Serve serve) {
  std::vector<net::Route> routes;
  for (const auto& m : methods) {
    routes.push_back(net::Route{"POST", "/bank/" + m, {std::string(net::kJson)},
                                [&bank, &mu, m, serve](const net::Request& req) {
                                  WireAnswer a;
                                  {
                                    std::lock_guard lock(mu);
                                    a = serve(bank, m, req.body);
                                  }
                                  return net::Response::json(a.status, std::move(a.body));
                                }});
  }
  return routes;
}

class IssuerService final : public Service {
 public:
  explicit IssuerService(std::unique_ptr<roles::bank::IssuerBank> bank) : bank_(std::move(bank)) {}
  std::vector<net::Route> routes() override {
    return bank_routes(static_cast<roles::Issuer&>(*bank_), mu_, issuer_wire_methods(),
                       [](roles::Issuer& b, std::string_view m, std::string_view body) { return serve_issuer(b, m, body); });
  }

 private:
  std::mutex mu_;
  std::unique_ptr<roles::bank::IssuerBank> bank_;
};

class AcquirerService final : public Service {
 public:
  AcquirerService(std::vector<std::unique_ptr<RemoteIssuer>> issuers, std::unique_ptr<roles::bank::AcquirerBank> bank)
      : issuers_(std::move(issuers)), bank_(std::move(bank)) {}
  std::vector<net::Route> routes() override {
    return bank_routes(static_cast<roles::Acquirer&>(*bank_), mu_, acquirer_wire_methods(),
                       [](roles::Acquirer& b, std::string_view m, std::string_view body) { return serve_acquirer(b, m, body); });
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<RemoteIssuer>> issuers_;  // before bank_: the bank routes to them
  std::unique_ptr<roles::bank::AcquirerBank> bank_;
};

}  // namespace

Result<std::unique_ptr<Service>> open_issuer_service(const ServiceConfig& c, const ServiceContext&) {
  OPENSET_TRY(std::string id, c.setting("bank_id"));
  OPENSET_TRY(std::string name, c.setting("bank_name"));
  if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
  OPENSET_TRY(auto bank, roles::bank::IssuerBank::open(c.db, {id, name}));
  return std::unique_ptr<Service>(new IssuerService(std::move(bank)));
}

Result<std::unique_ptr<Service>> open_acquirer_service(const ServiceConfig& c, const ServiceContext&) {
  roles::bank::AcquirerProfile p;
  OPENSET_TRY(p.id, c.setting("bank_id"));
  OPENSET_TRY(p.bin, c.setting("bin"));
  OPENSET_TRY(p.name, c.setting("bank_name"));
  OPENSET_TRY(std::string key_file, c.file_path("fingerprint-key"));
  OPENSET_TRY(p.fingerprint_key, read_passphrase(key_file));
  if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
  OPENSET_TRY(auto bank, roles::bank::AcquirerBank::open(c.db, p));
  OPENSET_TRY(std::vector<std::string> urls, c.peer("issuer"));
  std::vector<std::unique_ptr<RemoteIssuer>> issuers;
  // One issuer service for now (several URLs are instances of it); more issuers would be more
  // peers ("issuer-2", ...), each routed by its BINs.
  auto remote = std::make_unique<RemoteIssuer>(bank_transport(std::make_shared<PeerClient>("issuer", urls)));
  auto bins = remote->refresh_bins();
  if (!bins.ok())
    return Error(Errc::kIo, "the acquirer cannot ask the issuer for its BINs (" + bins.error().message +
                                "); start the issuer service first");
  OPENSET_TRY(std::string issuer_id, c.setting("issuer_id"));
  OPENSET_CHECK(bank->add_routes(issuer_id, *remote));
  issuers.push_back(std::move(remote));
  return std::unique_ptr<Service>(new AcquirerService(std::move(issuers), std::move(bank)));
}

}  // namespace openset::services
