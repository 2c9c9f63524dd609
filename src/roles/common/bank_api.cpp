#include "openset/roles/bank_api.hpp"

#include <map>
#include <string>

namespace openset::roles {

std::string_view card_verdict_name(CardVerdict v) {
  switch (v) {
    case CardVerdict::kOk: return "ok";
    case CardVerdict::kUnknownPan: return "unknown-pan";
    case CardVerdict::kWrongExpiry: return "wrong-expiry";
    case CardVerdict::kExpired: return "expired";
    case CardVerdict::kBlocked: return "blocked";
    case CardVerdict::kWrongAnswers: return "wrong-answers";
  }
  return "?";
}

std::string_view party_verdict_name(PartyVerdict v) {
  switch (v) {
    case PartyVerdict::kOk: return "ok";
    case PartyVerdict::kUnknown: return "unknown";
    case PartyVerdict::kWrongAnswers: return "wrong-answers";
    case PartyVerdict::kSuspended: return "suspended";
  }
  return "?";
}

std::string_view auth_verdict_name(AuthVerdict v) {
  switch (v) {
    case AuthVerdict::kApproved: return "approved";
    case AuthVerdict::kUnknownCard: return "unknown-card";
    case AuthVerdict::kExpired: return "expired";
    case AuthVerdict::kBlocked: return "blocked";
    case AuthVerdict::kInsufficientFunds: return "insufficient-funds";
    case AuthVerdict::kCurrency: return "currency";
    case AuthVerdict::kUnknownMerchant: return "unknown-merchant";
    case AuthVerdict::kNoRoute: return "no-route";
    case AuthVerdict::kConflict: return "conflict";
  }
  return "?";
}

std::string_view capture_verdict_name(CaptureVerdict v) {
  switch (v) {
    case CaptureVerdict::kCaptured: return "captured";
    case CaptureVerdict::kUnknownAuthorization: return "unknown-authorization";
    case CaptureVerdict::kExceedsAuthorization: return "exceeds-authorization";
    case CaptureVerdict::kAlreadyCaptured: return "already-captured";
    case CaptureVerdict::kReleased: return "released";
    case CaptureVerdict::kConflict: return "conflict";
  }
  return "?";
}

namespace {
Error not_taken(std::string_view what) {
  return Error(Errc::kUnsupported, "issuer: takes no " + std::string(what) + " from the acquirer");
}
}  // namespace

Result<ReleaseResult> Issuer::release(std::string_view, std::string_view, const Money&, std::int64_t) {
  return not_taken("releases");
}
Result<CreditResult> Issuer::credit(std::string_view, std::string_view, const Money&, std::int64_t) {
  return not_taken("refunds");
}
Result<ReversalResult> Issuer::reverse_capture(std::string_view, std::string_view, std::int64_t) {
  return not_taken("capture reversals");
}
Result<ReversalResult> Issuer::reverse_credit(std::string_view, std::string_view, std::int64_t) {
  return not_taken("refund reversals");
}
Result<std::string> Issuer::settle(std::string_view, std::string_view, std::int64_t, std::int64_t, std::int64_t) {
  return not_taken("settlement");
}

std::string format_amount(const Money& m) {
  static const std::map<std::int64_t, const char*> kCodes = {
      {840, "USD"}, {978, "EUR"}, {392, "JPY"}, {826, "GBP"}, {156, "CNY"}};
  auto it = kCodes.find(m.currency);
  std::string code = it != kCodes.end() ? it->second : "ISO4217:" + std::to_string(m.currency);
  std::string digits = std::to_string(m.amount < 0 ? -m.amount : m.amount);
  if (m.amt_exp10 < 0) {
    auto places = static_cast<std::size_t>(-m.amt_exp10);
    while (digits.size() <= places) digits.insert(0, "0");
    digits.insert(digits.size() - places, ".");
  } else {
    digits.append(static_cast<std::size_t>(m.amt_exp10), '0');
  }
  return (m.amount < 0 ? "-" : "") + digits + " " + code;
}

}  // namespace openset::roles
