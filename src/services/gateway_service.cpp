// `openset serve gateway`: the payment gateway engine (src/roles/purchase) behind POST /set, with
// the acquirer reached over the banks' wire. Several gateway processes may share one database
// (PostgreSQL): the engine keeps no state between messages outside it (docs/scaling.md).
#include <mutex>

#include "internal.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/services/bank_wire.hpp"

namespace openset::services {
namespace {
using roles::purchase::Peer;

class GatewayService final : public Service {
 public:
  GatewayService(ServiceContext ctx, std::unique_ptr<detail::RealWorld> world, Trust trust,
                 std::unique_ptr<RemoteAcquirer> acquirer)
      : ctx_(std::move(ctx)), world_(std::move(world)), trust_(std::move(trust)), acquirer_(std::move(acquirer)) {}

  Status open(const ServiceConfig& c) {
    roles::purchase::GatewayConfig g;
    OPENSET_TRY(g.credentials, detail::load_credentials(c, true));
    OPENSET_TRY(g.brand, c.setting("brand"));
    std::string bins = c.setting_or("acquirer_bins", "");
    for (std::size_t p = 0; p < bins.size();) {
      auto comma = bins.find(',', p);
      std::string b = bins.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
      if (!b.empty()) g.acquirer_bins.push_back(b);
      if (comma == std::string::npos) break;
      p = comma + 1;
    }
    g.trust = trust_.context;
    g.cardholder_certificate_required = detail::setting_flag(c, "cardholder_certificate_required", true);
    g.log = detail::engine_log(ctx_, "gateway");
    if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
    OPENSET_TRY(gateway_, roles::purchase::Gateway::open(c.db, std::move(g), world_->env, *acquirer_));
    return Ok{};
  }

  std::vector<net::Route> routes() override {
    return {net::Route{"POST", "/set", {std::string(net::kSetPayment)}, [this](const net::Request& req) {
                         roles::purchase::Answer a;
                         {
                           std::lock_guard lock(mu_);
                           a = gateway_->handle(to_bytes(std::string_view(req.body)));
                         }
                         return detail::set_response(a, Peer::kMerchant, ctx_);
                       }}};
  }

 private:
  ServiceContext ctx_;
  std::unique_ptr<detail::RealWorld> world_;
  Trust trust_;
  std::unique_ptr<RemoteAcquirer> acquirer_;
  std::mutex mu_;
  std::unique_ptr<roles::purchase::Gateway> gateway_;
};

}  // namespace

Result<std::unique_ptr<Service>> open_gateway_service(const ServiceConfig& c, const ServiceContext& ctx) {
  OPENSET_TRY(Trust trust, Trust::load(c));
  OPENSET_TRY(std::vector<std::string> urls, c.peer("acquirer"));
  auto acquirer = std::make_unique<RemoteAcquirer>(bank_transport(std::make_shared<PeerClient>("acquirer", urls)));
  auto s = std::make_unique<GatewayService>(ctx, std::make_unique<detail::RealWorld>(), std::move(trust),
                                            std::move(acquirer));
  OPENSET_CHECK(s->open(c));
  return std::unique_ptr<Service>(std::move(s));
}

}  // namespace openset::services
