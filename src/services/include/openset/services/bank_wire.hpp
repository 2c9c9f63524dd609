// The banks' own network ("the financial network" of Book 1, outside SET): the calls of
// roles::Issuer and roles::Acquirer (openset/roles/bank_api.hpp) as JSON over HTTP POST, so that
// the gateway, the CAs and the acquirer can reach the banks in other processes (issue 6).
// SET does not define this interface; docs/services.md documents it (departure S-2).
//
//   POST <bank>/bank/<method>   Content-Type: application/json   body: the request object
//   200 {"ok": <result object>}                 the call returned a value
//   200 {"error": {"code": "<Errc name>", "message": "..."}}   the call returned an Error
//   400 malformed JSON or missing fields; 404 unknown method
//
// Methods: issuer.bins, issuer.registration_form, issuer.verify_cardholder, issuer.authorize,
// issuer.capture, and acquirer.<every virtual of roles::Acquirer>. Amounts are
// {"currency": 840, "amount": 1234, "exp10": -2}; PANs travel only in the issuer/acquirer
// authorization and registration calls, as they do between real banks (the logs never show them).
//
// Both ends are pure: RemoteIssuer/RemoteAcquirer take a Transport (the services give them
// net::post; tests give them a function that calls serve_* directly), and serve_issuer /
// serve_acquirer turn one request body into one response body.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/roles/bank_api.hpp"

namespace openset::services {

// Sends `body` (JSON) for `method` ("acquirer.authorize") and returns the response body.
// An Error means the bank could not be reached or answered with a non-200 status.
using BankTransport = std::function<Result<std::string>(std::string_view method, const std::string& body)>;

class RemoteIssuer final : public roles::Issuer {
 public:
  explicit RemoteIssuer(BankTransport transport, std::vector<std::string> bins = {});
  // bins(): cached from the last refresh_bins() (the interface's bins() cannot fail).
  Status refresh_bins();
  std::vector<std::string> bins() const override;
  Result<std::vector<roles::FormField>> registration_form(std::string_view pan) override;
  Result<roles::CardCheck> verify_cardholder(const roles::CardholderClaim& claim) override;
  Result<roles::AuthorizationDecision> authorize(const roles::AuthorizationRequest& req) override;
  Result<roles::CaptureResult> capture(const roles::CaptureRequest& req) override;
  // ... and every other virtual of roles::Issuer, each one method of the wire.

 private:
  BankTransport transport_;
  std::vector<std::string> bins_;
};

class RemoteAcquirer final : public roles::Acquirer {
 public:
  explicit RemoteAcquirer(BankTransport transport);
  // TODO(helper): every virtual of roles::Acquirer, each one method of the wire.
 private:
  BankTransport transport_;
};

// Server side: one call. `method` as above; `body` the request JSON. Returns the status and the
// response body (JSON). Never throws; bad JSON is a 400 with a message saying what is missing.
struct WireAnswer {
  int status = 200;
  std::string body;
};
WireAnswer serve_issuer(roles::Issuer& issuer, std::string_view method, std::string_view body);
WireAnswer serve_acquirer(roles::Acquirer& acquirer, std::string_view method, std::string_view body);

}  // namespace openset::services
