#include "openset/roles/bank_api.hpp"

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

}  // namespace openset::roles
