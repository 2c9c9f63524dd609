// The requester's side of SET certificate registration (Book 2 §3 "Cardholder certificate
// registration", notes §5.1) driven over any transport: `openset wallet|merchant|gateway register`
// (in process or over HTTP) and the wallet UI's "Register a card" share it.
//
//   cardholder: CardCInitReq -> CardCInitRes, RegFormReq -> RegFormRes (the form to show),
//               CertReq (with the answers) -> CertRes [-> CertInqReq -> CertInqRes when pending]
//   merchant / gateway: Me-AqCInitReq -> Me-AqCInitRes (the form), CertReq -> CertRes [...]
#pragma once

#include <functional>
#include <map>
#include <string>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/net/http.hpp"
#include "openset/roles/certs/requester.hpp"

namespace openset::services {

// Sends one registration request and returns the CA's answer.
using RegistrationExchange = std::function<Result<Bytes>(const Bytes& request)>;

// POST <ca_url> (e.g. "http://127.0.0.1:8403/cca"), application/set-registration.
RegistrationExchange http_registration_exchange(net::Url ca_url, net::ClientOptions options = {});

// Up to the form: the initiation and, for a cardholder, RegFormReq. Afterwards reg.form() holds
// the fields to answer. A referral (the CA sends the cardholder elsewhere) is Errc::kPolicy with
// the CA's reason.
Status registration_form(roles::certs::Registration& reg, const roles::Env& env, const RegistrationExchange& exchange);

// The fields the form requires that `answers` lacks (empty: complete).
std::vector<std::string> missing_answers(const roles::certs::Registration& reg,
                                         const std::map<std::string, std::string>& answers);

// CertReq with the answers, and CertInqReq once if the CA answered "pending". Afterwards the
// certificates and keys are in `reg`. A CA that still defers is Errc::kPolicy ("ask again later").
Status registration_complete(roles::certs::Registration& reg, const roles::Env& env, const RegistrationExchange& exchange,
                             const std::map<std::string, std::string>& answers);

}  // namespace openset::services
