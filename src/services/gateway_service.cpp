// `openset serve gateway`: the payment gateway engine (src/roles/purchase) behind POST /set, with
// the acquirer reached over the banks' wire. Several gateway processes may share one database
// (PostgreSQL): the engine keeps no state between messages outside it (docs/scaling.md).
#include <atomic>
#include <mutex>

#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/services/bank_wire.hpp"

namespace openset::services {
namespace {
using roles::purchase::Peer;

class GatewayService final : public Service {
 public:
  GatewayService(ServiceContext ctx, std::unique_ptr<detail::RealWorld> world, Trust trust,
                 std::unique_ptr<RemoteAcquirer> acquirer, std::shared_ptr<std::atomic<bool>> bank_trouble)
      : ctx_(std::move(ctx)),
        world_(std::move(world)),
        trust_(std::move(trust)),
        acquirer_(std::move(acquirer)),
        bank_trouble_(std::move(bank_trouble)) {}

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
                         bool bank_trouble = false;
                         {
                           std::lock_guard lock(mu_);
                           bank_trouble_->store(false);
                           a = gateway_->handle(to_bytes(std::string_view(req.body)));
                           bank_trouble = bank_trouble_->load();
                         }
                         // The acquirer or the issuer could not be reached: nothing was decided
                         // or recorded, so the merchant is told to send the same AuthReq again
                         // rather than given a SET Error it would take as the answer.
                         if (bank_trouble && !a.ok()) {
                           if (ctx_.metrics)
                             ctx_.metrics->add("openset_gateway_bank_unavailable_total",
                                               "requests answered 503 because a bank could not be reached");
                           net::Response r = net::Response::error(
                               503, "the acquirer or the issuer cannot be reached; send the same message again");
                           r.headers.emplace_back("Retry-After", "1");
                           return r;
                         }
                         return detail::set_response(a, Peer::kMerchant, ctx_);
                       }}};
  }

 private:
  ServiceContext ctx_;
  std::unique_ptr<detail::RealWorld> world_;
  Trust trust_;
  std::unique_ptr<RemoteAcquirer> acquirer_;
  std::shared_ptr<std::atomic<bool>> bank_trouble_;  // set when a bank call failed in transport
  std::mutex mu_;
  std::unique_ptr<roles::purchase::Gateway> gateway_;
};

}  // namespace

Result<std::unique_ptr<Service>> open_gateway_service(const ServiceConfig& c, const ServiceContext& ctx) {
  OPENSET_TRY(Trust trust, Trust::load(c));
  OPENSET_TRY(std::vector<std::string> urls, c.peer("acquirer"));
  auto trouble = std::make_shared<std::atomic<bool>>(false);
  auto transport = bank_transport(std::make_shared<PeerClient>("acquirer", urls));
  // Notes a call that did not reach a bank: a transport failure, or the acquirer's own
  // transport failure towards the issuer (an answer whose error code is the I/O error).
  BankTransport watched = [transport, trouble](std::string_view method, const std::string& body) -> Result<std::string> {
    auto r = transport(method, body);
    if (!r.ok()) {
      trouble->store(true);
      return r;
    }
    if (r->find("\"error\"") != std::string::npos) {
      auto j = nlohmann::json::parse(*r, nullptr, false);
      if (!j.is_discarded() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
          j["error"]["code"] == std::string(errc_name(Errc::kIo)))
        trouble->store(true);
    }
    return r;
  };
  auto acquirer = std::make_unique<RemoteAcquirer>(std::move(watched));
  auto s = std::make_unique<GatewayService>(ctx, std::make_unique<detail::RealWorld>(), std::move(trust),
                                            std::move(acquirer), trouble);
  OPENSET_CHECK(s->open(c));
  return std::unique_ptr<Service>(std::move(s));
}

}  // namespace openset::services
