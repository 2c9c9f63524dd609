// The purchase initiation ("wake-up") message: what a merchant's web page hands to the
// cardholder's wallet so that the wallet can start SET's payment protocol (PInitReq), carried as
// `application/set-payment-initiation` (IANA registration; set-reference notes §7.2).
//
// The External Interface Guide's own field list is not available to us (notes §7.3 [NF]), so
// this message is our design (docs/services.md, departure S-1): RFC 822-style header lines, one
// field per line, ASCII, at most 16 KiB, in this order:
//
//   SET-Initiation: 1.0
//   Merchant-Name: Harbour Street Bookshop
//   Merchant-ID: MER-0001
//   Brands: Atlas
//   Purchase-Amount: 840 4995 -2            (ISO 4217 numeric currency, amount, amtExp10)
//   LID-M: 5a3f...                          (the merchant's order label, hex: PInitReq's LID-M)
//   Order-Description: <base64 of the OD>   (what the cardholder agreed; hashed into OIData)
//   Order-Summary: 1 x SET: The Complete Guide, post
//   Payment-URL: http://127.0.0.1:8402/set  (where PInitReq and PReq are POSTed)
//   Expires: 2026-11-28T10:00:00Z
//
// The wallet shows Merchant-Name, the summary and the amount before it signs anything, and
// refuses a message whose amount or merchant differs from what the cardholder was shown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/roles/bank_api.hpp"

namespace openset::services {

inline constexpr std::size_t kMaxInitiation = 16 * 1024;

struct PaymentInitiation {
  std::string merchant_name;
  std::string merchant_id;
  std::vector<std::string> brands;
  roles::Money amount;
  Bytes lid_m;
  Bytes od;
  std::string summary;
  std::string payment_url;
  std::int64_t expires = 0;  // Unix seconds

  std::string to_text() const;
  // Strict: every field above present exactly once, in any order; unknown fields are ignored
  // (a later version may add some); values checked (amount digits, hex, base64, http URL).
  static Result<PaymentInitiation> parse(std::string_view text);
};

}  // namespace openset::services
