// The acquiring bank (Book 1: the merchant's financial institution): merchant accounts, gateway
// records, routing by BIN to the issuers, and the settlement of captures. One SQLite file per
// acquirer. The acquirer never stores a PAN: authorizations keep its last four digits and a keyed
// hash of the request.
//
// Chart of accounts (per currency, minor units, + debit / - credit):
//   merchant:<id>:<cur>       liability  owed to the merchant (captures - refunds)
//   due-from:<issuer>:<cur>   asset      interbank: owed by the issuer for captured sales
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/roles/bank/issuer.hpp"
#include "openset/roles/bank/ledger.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::bank {

struct AcquirerProfile {
  std::string id;    // unique in the network; what issuers know this acquirer by
  std::string bin;   // the acquirer's BIN (MerchantClaim.acquirer_bin must equal it)
  std::string name;
  // Key of the HMAC that fingerprints requests (so that the stored fingerprint of a request
  // that carried a PAN cannot be searched for the PAN). Empty: derived from the id (weak).
  std::string fingerprint_key;
};

struct MerchantAccount {
  std::string merchant_id;
  std::vector<std::string> brands;  // brands accepted; the first is the one reported by verify
  // The record registration answers are checked against ("name", "address", ...).
  std::map<std::string, std::string> record;
  bool suspended = false;
};

struct GatewayRecord {
  std::string gateway_id;
  std::string brand;
  std::map<std::string, std::string> record;
  bool suspended = false;
};

// What the acquirer answered for a refund (it relays the issuer's CreditResult).
using RefundResult = CreditResult;

class AcquirerBank final : public roles::Acquirer {
 public:
  static Result<std::unique_ptr<AcquirerBank>> open(const std::string& path, const AcquirerProfile& profile);

  const std::string& id() const { return profile_.id; }
  const std::string& bin() const { return profile_.bin; }

  // ---- provisioning ----
  Status add_merchant(const MerchantAccount& m);
  Status set_merchant_suspended(std::string_view merchant_id, bool suspended);
  Status add_gateway(const GatewayRecord& g);
  // Registration forms per brand (defaults: merchant name + address; gateway name + address).
  Status set_merchant_form(std::string_view brand, const std::vector<FormField>& fields);
  Status set_gateway_form(std::string_view brand, const std::vector<FormField>& fields);
  // Routing: PANs starting with `bin_prefix` go to `issuer` (longest prefix wins). The issuer
  // must outlive the acquirer. The IssuerBank overload also enables release() and refund().
  // An issuer id names one issuer: routing a known id to another object re-points all its routes.
  Status add_route(std::string_view bin_prefix, std::string_view issuer_id, roles::Issuer& issuer);
  Status add_route(std::string_view bin_prefix, IssuerBank& issuer);
  // Every BIN the issuer bank announces.
  Status add_routes(IssuerBank& issuer);

  // ---- roles::Acquirer ----
  Result<std::vector<FormField>> merchant_registration_form(std::string_view merchant_id) override;
  Result<PartyCheck> verify_merchant(const MerchantClaim& claim) override;
  Result<PartyCheck> verify_gateway(const MerchantClaim& claim) override;
  Result<AuthorizationDecision> authorize(const AuthorizationRequest& req) override;
  Result<CaptureResult> capture(const CaptureRequest& req) override;
  Result<SettlementReport> settlement_report(std::string_view merchant_id, std::string_view day) override;

  // ---- reversals and refunds, relayed to the issuer that authorized (roles::Acquirer) ----
  Result<ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                const Money& amount, std::int64_t at = 0) override;
  Result<RefundResult> refund(std::string_view reference, std::string_view capture_id, const Money& amount,
                              std::int64_t at = 0) override;
  // The capture's postings inverted here (merchant debited, due-from credited) after the issuer
  // inverted its own; settlement reports leave reversed captures out.
  Result<ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                         std::int64_t at = 0) override;
  // The refund's postings inverted here (merchant credited again) after the issuer's.
  Result<ReversalResult> reverse_refund(std::string_view reference, std::string_view credit_id,
                                        std::int64_t at = 0) override;

  // ---- inspection ----
  // What the acquirer owes the merchant in `currency` (captures - refunds), minor units.
  Result<std::int64_t> merchant_balance(std::string_view merchant_id, std::int64_t currency);
  store::Database& database() { return *db_; }
  Ledger& ledger() { return ledger_; }

 private:
  struct Route {
    std::string issuer_id;
    roles::Issuer* issuer = nullptr;
    IssuerBank* bank = nullptr;
  };
  struct Party;
  AcquirerBank(std::unique_ptr<store::Database> db, AcquirerProfile profile);
  Status add_route_impl(std::string_view bin_prefix, Route route);
  const Route* route_for_pan(std::string_view pan) const;
  const Route* route_to(std::string_view issuer_id) const;
  Result<std::optional<Party>> find_party(std::string_view kind, std::string_view id);
  Result<std::vector<FormField>> form_for(std::string_view kind, std::string_view brand);
  Status set_form(std::string_view kind, std::string_view brand, const std::vector<FormField>& fields);
  Result<PartyCheck> verify_party(std::string_view kind, const MerchantClaim& claim);
  Result<std::string> fingerprint(const std::vector<std::string>& parts) const;
  Result<ReversalResult> reverse(std::string_view kind, std::string_view reference,
                                 std::string_view original_id, std::int64_t at);

  std::unique_ptr<store::Database> db_;
  Ledger ledger_;
  AcquirerProfile profile_;
  std::map<std::string, Route, std::less<>> routes_;  // BIN prefix -> issuer
};

// The report as CSV (RFC 4180; header line, one line per capture, one TOTAL line per currency)
// and as JSON (amounts both in minor units and as decimal strings).
std::string settlement_csv(const SettlementReport& r);
std::string settlement_json(const SettlementReport& r);

}  // namespace openset::roles::bank
