// The carrier as a service (issue 6): `openset serve carrier` puts the Carrier engine
// (roles/commerce) behind JSON, and RemoteCarrier is the merchant's side of it.
//
//   POST /carrier/hand-over  {"sender","reference","destination","promised_at"} -> Parcel
//   POST /carrier/track      {"tracking_number"} -> Parcel
//   POST /carrier/advance    {"tracking_number","state","where"} -> Parcel
// Parcel: {"tracking_number","sender","reference","destination","promised_at",
//          "state","events":[{"at","state","where"}]}
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "openset/roles/commerce.hpp"
#include "openset/services/service.hpp"

namespace openset::services {

nlohmann::json parcel_json(const roles::commerce::Parcel& p);
Result<roles::commerce::Parcel> parcel_from_json(const nlohmann::json& j);

class RemoteCarrier final : public roles::commerce::Shipper {
 public:
  RemoteCarrier(std::shared_ptr<PeerClient> peer, std::string name) : peer_(std::move(peer)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Result<roles::commerce::Parcel> hand_over(const roles::Env& env, std::string_view sender, std::string_view reference,
                                            std::string_view destination, std::int64_t promised_at) override;
  Result<roles::commerce::Parcel> track(std::string_view tracking_number);

 private:
  Result<roles::commerce::Parcel> call(std::string_view path, const nlohmann::json& body);
  std::shared_ptr<PeerClient> peer_;
  std::string name_;
};

}  // namespace openset::services
