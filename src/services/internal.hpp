// Pieces the role services share (not part of the library's interface).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "openset/net/http.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/roles/env.hpp"
#include "openset/roles/purchase/common.hpp"
#include "openset/services/config.hpp"
#include "openset/services/service.hpp"

namespace openset::services::detail {

// The real world for an engine: the system clock and OpenSSL randomness.
struct RealWorld {
  roles::SystemClock clock;
  roles::SystemRandomness random;
  roles::Env env{clock, random};
};

// The party's signature key and certificate, its key-exchange pair when `key_exchange`, and the
// chain "own" (files signature-key, signature-cert, key-exchange-key, key-exchange-cert).
Result<roles::purchase::Credentials> load_credentials(const ServiceConfig& c, bool key_exchange);

// The engine's log lines (they never hold a PAN, key or secret: roles' rule) as structured logs.
roles::purchase::Log engine_log(const ServiceContext& ctx, std::string party);

// A SET answer as HTTP: the first message of `a` to `to` in the body (application/set-payment),
// else 422 with the engine's diagnostic. Counts answers and refusals in the metrics.
net::Response set_response(const roles::purchase::Answer& a, roles::purchase::Peer to, const ServiceContext& ctx);

// {"currency", "amount", "exp10", "text"}: an amount as every JSON route shows it.
nlohmann::json money_json(const roles::Money& m);

bool setting_flag(const ServiceConfig& c, std::string_view name, bool fallback);

}  // namespace openset::services::detail
