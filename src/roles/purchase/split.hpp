// Split shipments and installment / recurring payments (issue 5 items 5-6; docs/purchase.md
// "Split shipments, installments and recurring payments"): what gateway.cpp / merchant.cpp share
// with gateway_tokens.cpp / merchant_split.cpp. Private to the library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openset/asn1/set_paymsgs.hpp"
#include "openset/base/bytes.hpp"
#include "openset/roles/purchase/common.hpp"

namespace openset::roles::purchase {

// The gateway's tables for AuthToken chains (created next to kSchema in Gateway::open).
extern const char* const kGatewayTokenSchema;
// The merchant's tables for payment terms and later authorizations (Merchant::open).
extern const char* const kMerchantSplitSchema;

// What the AuthToken of an approved AuthRes must carry (notes §4.3 "AuthToken generation":
// the first authorization copies the PI's fields, later ones copy the previous token's and
// increment RecurringCount / TotalAuthAmount).
struct TokenPlan {
  asn1::TransIDs trans_ids;
  Money purch_amt;  // PurchAmt the cardholder signed (PIHead.inputs)
  std::optional<asn1::InstallRecurData> install_recur;  // PIHead.installRecurData (signed)
  std::int64_t count_before = 0;      // approved authorizations of the chain before this one
  std::int64_t committed_before = 0;  // captured or still authorized before this one (minor units)
  std::optional<Bytes> parent;        // AuthRRPID of the authorization whose token this one used
  std::string pan;                    // for the PANToken (EncX parameter); wiped
  std::string expiry;
  TokenPlan() = default;
  TokenPlan(const TokenPlan&) = default;
  TokenPlan& operator=(const TokenPlan&) = default;
  ~TokenPlan() { secure_wipe(pan.data(), pan.size()); }
};

}  // namespace openset::roles::purchase
