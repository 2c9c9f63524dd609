// The banks' own network ("the financial network" of Book 1, outside SET): the calls of
// roles::Issuer and roles::Acquirer (openset/roles/bank_api.hpp) as JSON over HTTP POST, so that
// the gateway, the CAs and the acquirer can reach the banks in other processes (issue 6).
// SET does not define this interface; docs/services.md documents it (departure S-2).
//
//   POST <bank>/bank/<method>   Content-Type: application/json   body: the request object
//   200 {"ok": <result object>}                 the call returned a value
//   200 {"error": {"code": "<Errc name>", "message": "..."}}   the call returned an Error
//   400 {"error": {"code": "malformed", ...}}    malformed JSON, missing or mistyped fields
//   404 {"error": {"code": "unsupported", ...}}  unknown method
//   (500 only if the bank threw, which it should not; nothing is answered from a half-done call)
//
// Methods: issuer.<every virtual of roles::Issuer> (bins, registration_form, verify_cardholder,
// authorize, capture, release, credit, reverse_capture, reverse_credit, settle) and
// acquirer.<every virtual of roles::Acquirer> (merchant_registration_form, verify_merchant,
// verify_gateway, authorize, capture, release, refund, reverse_capture, reverse_refund,
// settlement_report, settle_batch, settled_items); issuer_wire_methods() / acquirer_wire_methods()
// list them. Amounts are {"currency": 840, "amount": 1234, "exp10": -2}; PANs travel only in the
// issuer/acquirer authorization and registration calls, as they do between real banks (the logs
// never show them, and no error message of the wire quotes one).
//
// Field names are the C++ member names; enums travel as their stable names (auth_verdict_name,
// ...), Errc as errc_name; int64 values as JSON integers; maps keyed by currency as arrays of
// {"currency": n, ...}. Every field is required (a missing one, one of the wrong type, an integer
// outside int64 or an unknown enum name is a 400 naming the field); unknown fields are ignored.
//
// Both ends are pure: RemoteIssuer/RemoteAcquirer take a Transport (the services give them
// net::post; tests give them a function that calls serve_* directly), and serve_issuer /
// serve_acquirer turn one request body into one response body.
#pragma once

#include <cstdint>
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
  Result<roles::ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                       const roles::Money& amount, std::int64_t at) override;
  Result<roles::CreditResult> credit(std::string_view reference, std::string_view capture_id,
                                     const roles::Money& amount, std::int64_t at) override;
  Result<roles::ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                                std::int64_t at) override;
  Result<roles::ReversalResult> reverse_credit(std::string_view reference, std::string_view credit_id,
                                               std::int64_t at) override;
  Result<std::string> settle(std::string_view acquirer_id, std::string_view reference, std::int64_t currency,
                             std::int64_t net, std::int64_t at) override;

 private:
  BankTransport transport_;
  std::vector<std::string> bins_;
};

class RemoteAcquirer final : public roles::Acquirer {
 public:
  explicit RemoteAcquirer(BankTransport transport);
  Result<std::vector<roles::FormField>> merchant_registration_form(std::string_view merchant_id) override;
  Result<roles::PartyCheck> verify_merchant(const roles::MerchantClaim& claim) override;
  Result<roles::PartyCheck> verify_gateway(const roles::MerchantClaim& claim) override;
  Result<roles::AuthorizationDecision> authorize(const roles::AuthorizationRequest& req) override;
  Result<roles::CaptureResult> capture(const roles::CaptureRequest& req) override;
  Result<roles::ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                       const roles::Money& amount, std::int64_t at) override;
  Result<roles::CreditResult> refund(std::string_view reference, std::string_view capture_id,
                                     const roles::Money& amount, std::int64_t at) override;
  Result<roles::ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                                std::int64_t at) override;
  Result<roles::ReversalResult> reverse_refund(std::string_view reference, std::string_view credit_id,
                                               std::int64_t at) override;
  Result<roles::SettlementReport> settlement_report(std::string_view merchant_id, std::string_view day) override;
  Result<roles::BatchSettlementResult> settle_batch(const roles::BatchSettlementRequest& req) override;
  Result<std::vector<roles::BatchItem>> settled_items(std::string_view merchant_id,
                                                      std::string_view batch_id) override;

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

// The wire's method names ("issuer.authorize", ...), in a fixed order (tests, fuzzing).
const std::vector<std::string>& issuer_wire_methods();
const std::vector<std::string>& acquirer_wire_methods();

// A transport that calls serve_issuer / serve_acquirer in this process (tests, the demo): a
// non-200 answer is an Error (kIo) carrying the answer's message. The bank must outlive it.
BankTransport in_process_transport(roles::Issuer& issuer);
BankTransport in_process_transport(roles::Acquirer& acquirer);

}  // namespace openset::services
