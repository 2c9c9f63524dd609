#include "openset/services/registration_client.hpp"

namespace openset::services {

RegistrationExchange http_registration_exchange(net::Url ca_url, net::ClientOptions options) {
  return [ca_url = std::move(ca_url), options](const Bytes& request) -> Result<Bytes> {
    OPENSET_TRY(net::Response r, net::post(ca_url, net::kSetRegistration,
                                           std::string_view(reinterpret_cast<const char*>(request.data()), request.size()),
                                           options));
    if (r.status != 200 || r.content_type != net::kSetRegistration)
      return Error(Errc::kIo, "the CA at " + ca_url.text() + " answered " + std::to_string(r.status) + ": " +
                                  r.body.substr(0, 300));
    return to_bytes(std::string_view(r.body));
  };
}

Status registration_form(roles::certs::Registration& reg, const roles::Env& env, const RegistrationExchange& exchange) {
  OPENSET_TRY(Bytes init, reg.initiate(env));
  OPENSET_TRY(Bytes init_res, exchange(init));
  OPENSET_TRY(std::optional<Bytes> reg_form_req, reg.on_init_response(env, init_res));
  if (reg_form_req) {
    OPENSET_TRY(Bytes reg_form_res, exchange(*reg_form_req));
    OPENSET_CHECK(reg.on_reg_form_res(env, reg_form_res));
  }
  if (reg.referral()) {
    std::string reason = reg.referral()->reason ? reg.referral()->reason->text() : "no reason given";
    return Error(Errc::kPolicy, "the CA referred the registration elsewhere: " + reason);
  }
  return Ok{};
}

std::vector<std::string> missing_answers(const roles::certs::Registration& reg,
                                         const std::map<std::string, std::string>& answers) {
  std::vector<std::string> missing;
  for (const auto& f : reg.form())
    if (f.field_required && !answers.contains(f.field_name.text())) missing.push_back(f.field_name.text());
  return missing;
}

Status registration_complete(roles::certs::Registration& reg, const roles::Env& env, const RegistrationExchange& exchange,
                             const std::map<std::string, std::string>& answers) {
  OPENSET_TRY(Bytes cert_req, reg.cert_req(env, answers));
  OPENSET_TRY(Bytes cert_res, exchange(cert_req));
  OPENSET_TRY(auto outcome, reg.on_cert_res(env, cert_res));
  if (outcome == roles::certs::Registration::Outcome::kPending) {
    OPENSET_TRY(Bytes inq, reg.cert_inq_req(env));
    OPENSET_TRY(Bytes inq_res, exchange(inq));
    OPENSET_TRY(outcome, reg.on_cert_res(env, inq_res));
    if (outcome != roles::certs::Registration::Outcome::kComplete)
      return Error(Errc::kPolicy, "the CA deferred the request; ask again later");
  }
  return Ok{};
}

}  // namespace openset::services
