// `openset serve carrier` and the merchant's RemoteCarrier (carrier_client.hpp).
#include <mutex>

#include "internal.hpp"
#include "openset/services/carrier_client.hpp"

namespace openset::services {
using nlohmann::json;
using roles::commerce::Parcel;
using roles::commerce::ParcelState;

json parcel_json(const Parcel& p) {
  json events = json::array();
  for (const auto& e : p.events)
    events.push_back({{"at", e.at}, {"state", std::string(roles::commerce::parcel_state_name(e.state))}, {"where", e.where}});
  return json{{"tracking_number", p.tracking_number}, {"sender", p.sender}, {"reference", p.reference},
              {"destination", p.destination}, {"promised_at", p.promised_at},
              {"state", std::string(roles::commerce::parcel_state_name(p.state()))}, {"events", events}};
}

namespace {
std::optional<ParcelState> state_from(std::string_view s) {
  for (ParcelState st : {ParcelState::kHandedOver, ParcelState::kInTransit, ParcelState::kDelivered})
    if (roles::commerce::parcel_state_name(st) == s) return st;
  return std::nullopt;
}
}  // namespace

Result<Parcel> parcel_from_json(const json& j) {
  auto bad = [](const char* f) { return Error(Errc::kMalformed, std::string("parcel: field ") + f + " missing or mistyped"); };
  if (!j.is_object()) return Error(Errc::kMalformed, "parcel: not an object");
  Parcel p;
  for (const char* f : {"tracking_number", "sender", "reference", "destination"})
    if (!j.contains(f) || !j[f].is_string()) return bad(f);
  if (!j.contains("promised_at") || !j["promised_at"].is_number_integer()) return bad("promised_at");
  if (!j.contains("events") || !j["events"].is_array()) return bad("events");
  p.tracking_number = j["tracking_number"];
  p.sender = j["sender"];
  p.reference = j["reference"];
  p.destination = j["destination"];
  p.promised_at = j["promised_at"];
  for (const auto& e : j["events"]) {
    if (!e.is_object() || !e.contains("at") || !e["at"].is_number_integer() || !e.contains("state") ||
        !e["state"].is_string() || !e.contains("where") || !e["where"].is_string())
      return bad("events[]");
    auto st = state_from(e["state"].get<std::string>());
    if (!st) return bad("events[].state");
    p.events.push_back({e["at"].get<std::int64_t>(), *st, e["where"].get<std::string>()});
  }
  return p;
}

Result<Parcel> RemoteCarrier::call(std::string_view path, const json& body) {
  OPENSET_TRY(net::Response r, peer_->post(path, net::kJson, body.dump()));
  json j = json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    std::string msg = !j.is_discarded() && j.contains("error") && j["error"].contains("message") && j["error"]["message"].is_string()
                          ? j["error"]["message"].get<std::string>()
                          : r.body.substr(0, 200);
    return Error(r.status == 422 ? Errc::kInvalidArgument : Errc::kIo, "the carrier answered " + std::to_string(r.status) + ": " + msg);
  }
  if (j.is_discarded()) return Error(Errc::kMalformed, "the carrier's answer is not JSON");
  return parcel_from_json(j);
}

Result<Parcel> RemoteCarrier::hand_over(const roles::Env&, std::string_view sender, std::string_view reference,
                                        std::string_view destination, std::int64_t promised_at) {
  return call("/carrier/hand-over", json{{"sender", sender}, {"reference", reference}, {"destination", destination},
                                         {"promised_at", promised_at}});
}

Result<Parcel> RemoteCarrier::track(std::string_view tracking_number) {
  return call("/carrier/track", json{{"tracking_number", tracking_number}});
}

namespace {

class CarrierService final : public Service {
 public:
  explicit CarrierService(roles::commerce::Carrier carrier) : carrier_(std::move(carrier)) {}
  std::vector<net::Route> routes() override {
    std::vector<std::string> types = {std::string(net::kJson)};
    return {
        {"POST", "/carrier/hand-over", types, [this](const net::Request& q) { return with_body(q, [this](const json& b) {
           if (!b.contains("sender") || !b["sender"].is_string() || !b.contains("reference") || !b["reference"].is_string() ||
               !b.contains("destination") || !b["destination"].is_string() || !b.contains("promised_at") ||
               !b["promised_at"].is_number_integer())
             return json_error(400, "give sender, reference, destination (strings) and promised_at (Unix seconds)");
           return answer(carrier_.hand_over(world_.env, b["sender"].get<std::string>(), b["reference"].get<std::string>(),
                                            b["destination"].get<std::string>(), b["promised_at"].get<std::int64_t>()));
         }); }},
        {"POST", "/carrier/track", types, [this](const net::Request& q) { return with_body(q, [this](const json& b) {
           if (!b.contains("tracking_number") || !b["tracking_number"].is_string()) return json_error(400, "give tracking_number");
           return answer(carrier_.track(b["tracking_number"].get<std::string>()));
         }); }},
        {"POST", "/carrier/advance", types, [this](const net::Request& q) { return with_body(q, [this](const json& b) {
           if (!b.contains("tracking_number") || !b["tracking_number"].is_string() || !b.contains("state") ||
               !b["state"].is_string() || !b.contains("where") || !b["where"].is_string())
             return json_error(400, "give tracking_number, state (in-transit, delivered) and where");
           auto st = state_from(b["state"].get<std::string>());
           if (!st) return json_error(400, "state must be handed-over, in-transit or delivered");
           return answer(carrier_.advance(world_.env, b["tracking_number"].get<std::string>(), *st, b["where"].get<std::string>()));
         }); }},
    };
  }

 private:
  template <class F>
  net::Response with_body(const net::Request& q, F f) {
    json b = json::parse(q.body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return json_error(400, "the body must be a JSON object");
    std::lock_guard lock(mu_);
    return f(b);
  }
  static net::Response answer(const Result<Parcel>& p) {
    if (!p.ok()) return json_error(p.error().code == Errc::kInvalidArgument ? 422 : 500, p.error().message);
    return net::Response::json(200, parcel_json(*p).dump());
  }
  detail::RealWorld world_;
  std::mutex mu_;
  roles::commerce::Carrier carrier_;
};

}  // namespace

Result<std::unique_ptr<Service>> open_carrier_service(const ServiceConfig& c, const ServiceContext&) {
  OPENSET_TRY(std::string name, c.setting("carrier_name"));
  if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
  OPENSET_TRY(roles::commerce::Carrier carrier, roles::commerce::Carrier::open(c.db, name));
  return std::unique_ptr<Service>(new CarrierService(std::move(carrier)));
}

}  // namespace openset::services
