#include "openset/services/service.hpp"

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "internal.hpp"

namespace openset::services {

PeerClient::PeerClient(std::string name, std::vector<std::string> urls, net::ClientOptions options, int attempts)
    : name_(std::move(name)), options_(options), attempts_(attempts < 1 ? 1 : attempts) {
  for (const auto& u : urls) {
    auto parsed = net::Url::parse(u);
    if (parsed.ok()) urls_.push_back(*parsed);  // ServiceConfig::load checked them
  }
}

Result<net::Response> PeerClient::post(std::string_view path, std::string_view content_type, std::string_view body) {
  if (urls_.empty()) return Error(Errc::kInvalidArgument, "no URL for the " + name_ + " service");
  const std::size_t n = urls_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed) % n;
  Error last(Errc::kIo, "the " + name_ + " service was not reached");
  for (int round = 0; round < attempts_; ++round) {
    if (round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 * round));
    for (std::size_t k = 0; k < n; ++k) {
      net::Url u = urls_[(start + k) % n];
      u.target = std::string(path);
      auto r = net::post(u, content_type, body, options_);
      if (r.ok()) {
        // 503: the peer is shutting down or full; another instance may take it.
        if (r->status == 503 && (n > 1 || round + 1 < attempts_)) {
          last = Error(Errc::kIo, u.text() + ": 503 " + r->body);
          continue;
        }
        return r;
      }
      last = std::move(r).error();
    }
  }
  return last;
}

std::function<Result<std::string>(std::string_view, const std::string&)> bank_transport(std::shared_ptr<PeerClient> peer) {
  return [peer](std::string_view method, const std::string& body) -> Result<std::string> {
    OPENSET_TRY(net::Response r, peer->post("/bank/" + std::string(method), net::kJson, body));
    if (r.status != 200)
      return Error(Errc::kIo, "the " + peer->name() + " answered " + std::to_string(r.status) + " to " +
                                  std::string(method) + ": " + r.body.substr(0, 300));
    return std::move(r.body);
  };
}

net::Response json_error(int status, std::string_view message) {
  nlohmann::json j;
  j["error"]["message"] = std::string(message);
  return net::Response::json(status, j.dump());
}

Result<std::unique_ptr<Service>> open_service(const ServiceConfig& config, const ServiceContext& context) {
  if (config.service == "issuer") return open_issuer_service(config, context);
  if (config.service == "acquirer") return open_acquirer_service(config, context);
  if (config.service == "gateway") return open_gateway_service(config, context);
  if (config.service == "merchant") return open_merchant_service(config, context);
  if (config.service == "carrier") return open_carrier_service(config, context);
  if (config.service == "ca") return open_ca_service(config, context);
  if (config.service == "wallet") return open_wallet_service(config, context);
  return Error(Errc::kUnsupported, "the " + config.service + " service is not available yet");
}

}  // namespace openset::services

// ---- shared by the role services (internal.hpp) ----

namespace openset::services::detail {

Result<roles::purchase::Credentials> load_credentials(const ServiceConfig& c, bool key_exchange) {
  roles::purchase::Credentials cr;
  cr.suite = &c.suite();
  OPENSET_TRY(cr.signature_key, c.key("signature-key"));
  OPENSET_TRY(cr.signature_certificate, c.certificate("signature-cert"));
  if (key_exchange) {
    OPENSET_TRY(cr.key_exchange_key, c.key("key-exchange-key"));
    OPENSET_TRY(cr.key_exchange_certificate, c.certificate("key-exchange-cert"));
  }
  OPENSET_TRY(cr.chain, c.chain("own"));
  return cr;
}

roles::purchase::Log engine_log(const ServiceContext& ctx, std::string party) {
  auto log = ctx.log;
  if (!log) return {};
  return [log, party](std::string_view line) { log->info("engine", {{"party", party}, {"line", std::string(line)}}); };
}

net::Response set_response(const roles::purchase::Answer& a, roles::purchase::Peer to, const ServiceContext& ctx) {
  for (const auto& o : a.send) {
    if (o.to != to) continue;
    if (ctx.metrics)
      ctx.metrics->add("openset_set_messages_sent_total", "SET messages answered, by type",
                       "{type=\"" + o.type + "\"}");
    return net::Response::bytes(net::kSetPayment, std::string(o.message.begin(), o.message.end()));
  }
  if (ctx.metrics)
    ctx.metrics->add("openset_set_unanswered_total", "SET requests that got no SET message back");
  return net::Response::error(422, "the message was not accepted and SET has no answer to give (" +
                                       (a.detail.empty() ? std::string("no detail") : a.detail) + ")");
}

bool setting_flag(const ServiceConfig& c, std::string_view name, bool fallback) {
  std::string k(name);
  if (c.settings.contains(k) && c.settings[k].is_boolean()) return c.settings[k].get<bool>();
  return fallback;
}

}  // namespace openset::services::detail

namespace openset::services::detail {

nlohmann::json money_json(const roles::Money& m) {
  return nlohmann::json{{"currency", m.currency}, {"amount", m.amount}, {"exp10", m.amt_exp10}, {"text", roles::format_amount(m)}};
}

}  // namespace openset::services::detail
