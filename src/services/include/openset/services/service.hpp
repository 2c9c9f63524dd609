// One party behind HTTP (issue 6): the role engine, unchanged, with the routes that feed it.
//
//   POST /set            application/set-payment     a SET MessageWrapper; the answer in the body
//   POST /bank/<method>  application/json            the banks' wire (bank_wire.hpp)
//   /store/..., /admin/..., /carrier/...  application/json   the merchant's storefront and back office,
//                                                     the carrier (docs/services.md)
//   GET /health, GET /metrics                         every service (net::Server)
//
// An engine is not thread-safe: each service serializes calls into its engine with one mutex and
// never holds it while waiting on another service, so a merchant waiting for its gateway keeps
// answering other cardholders. Scaling a role means more processes (several gateways on one
// PostgreSQL database), not more threads in one engine (docs/scaling.md).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/net/http.hpp"
#include "openset/services/config.hpp"

namespace openset::services {

class Service {
 public:
  virtual ~Service() = default;
  virtual std::vector<net::Route> routes() = 0;
};

struct ServiceContext {
  std::shared_ptr<net::Metrics> metrics;
  std::shared_ptr<net::Log> log;
};

// Opens the engine of `config.service` with its database, keys, trust and peers.
Result<std::unique_ptr<Service>> open_service(const ServiceConfig& config, const ServiceContext& context);

Result<std::unique_ptr<Service>> open_issuer_service(const ServiceConfig& config, const ServiceContext& context);
Result<std::unique_ptr<Service>> open_acquirer_service(const ServiceConfig& config, const ServiceContext& context);
Result<std::unique_ptr<Service>> open_gateway_service(const ServiceConfig& config, const ServiceContext& context);
Result<std::unique_ptr<Service>> open_merchant_service(const ServiceConfig& config, const ServiceContext& context);
Result<std::unique_ptr<Service>> open_ca_service(const ServiceConfig& config, const ServiceContext& context);
Result<std::unique_ptr<Service>> open_carrier_service(const ServiceConfig& config, const ServiceContext& context);
// The cardholder's wallet with its browser pages, on 127.0.0.1 only (wallet_service.cpp).
Result<std::unique_ptr<Service>> open_wallet_service(const ServiceConfig& config, const ServiceContext& context);

// A peer reached at one or more URLs (several gateway processes, say). Requests go round-robin;
// when one URL cannot be reached (connection refused, reset, timeout) the same request goes to
// the next, and to each at most `attempts` times in all, with a short pause between rounds.
// Resending is safe because every SET request and every bank call is idempotent on its SET
// identifiers (XID, RRPID, references): a resent request gets the first answer.
class PeerClient {
 public:
  PeerClient(std::string name, std::vector<std::string> urls, net::ClientOptions options = {}, int attempts = 3);
  // POSTs to <url><path>. An HTTP status is not an error (the Response carries it).
  Result<net::Response> post(std::string_view path, std::string_view content_type, std::string_view body);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<net::Url> urls_;
  net::ClientOptions options_;
  int attempts_;
  std::atomic<unsigned> next_{0};
};

// The banks' transport over a PeerClient: POST /bank/<method>, JSON; non-200 is an Error.
std::function<Result<std::string>(std::string_view, const std::string&)> bank_transport(std::shared_ptr<PeerClient> peer);

// The JSON error body every JSON route answers with: {"error": {"message": ..., "problems": [...]}}.
net::Response json_error(int status, std::string_view message);

}  // namespace openset::services
