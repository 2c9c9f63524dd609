// The acquiring bank (Book 1: the merchant's financial institution): merchant accounts, gateway
// records, routing by BIN to the issuers, and the settlement of captures. One SQLite file per
// acquirer. The acquirer never stores a PAN: authorizations keep its last four digits and a keyed
// hash of the request.
//
// Chart of accounts (per currency, minor units, + debit / - credit):
//   merchant:<id>:<cur>       liability  owed to the merchant (captures - refunds)
//   due-from:<issuer>:<cur>   asset      interbank: owed by the issuer for captured sales
// Batch settlement (settle_batch, src/roles/bank/settlement.cpp; docs/purchase.md "Batches"):
//   merchant:<id>:<cur> is what is owed to the merchant and not yet settled;
//   merchant-settled:<id>:<cur> liability  settled: credited to the merchant's deposit account
//   settlement:<issuer>:<cur> asset      interbank clearing: what the issuer paid in settlement
// Settling a batch whose net is N_i with issuer i (sum N) posts, per currency, one entry:
//   settlement:<i> +N_i, due-from:<i> -N_i (each issuer), merchant:<id> +N, merchant-settled:<id> -N;
// the issuer posts due-to:<acq> +N_i, settlement:<acq> -N_i (IssuerBank::settle).
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
  // must outlive the acquirer. Reversals, refunds and batch settlement go to the issuer that
  // authorized through the same object (roles::Issuer::release, credit, reverse_*, settle: an
  // issuer that keeps their defaults takes none). An issuer id names one issuer: routing a
  // known id to another object re-points all its routes.
  Status add_route(std::string_view bin_prefix, std::string_view issuer_id, roles::Issuer& issuer);
  Status add_route(std::string_view bin_prefix, IssuerBank& issuer);
  // Every BIN the issuer announces (bins()), under the issuer bank's id or the one given (an
  // issuer in another process: services::RemoteIssuer).
  Status add_routes(IssuerBank& issuer);
  Status add_routes(std::string_view issuer_id, roles::Issuer& issuer);

  // ---- roles::Acquirer ----
  Result<std::vector<FormField>> merchant_registration_form(std::string_view merchant_id) override;
  Result<PartyCheck> verify_merchant(const MerchantClaim& claim) override;
  Result<PartyCheck> verify_gateway(const MerchantClaim& claim) override;
  Result<AuthorizationDecision> authorize(const AuthorizationRequest& req) override;
  Result<CaptureResult> capture(const CaptureRequest& req) override;
  Result<SettlementReport> settlement_report(std::string_view merchant_id, std::string_view day) override;
  Result<BatchSettlementResult> settle_batch(const BatchSettlementRequest& req) override;
  Result<std::vector<BatchItem>> settled_items(std::string_view merchant_id, std::string_view batch_id) override;

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
  // What the acquirer settled to the merchant's account in `currency` (merchant-settled), minor units.
  Result<std::int64_t> merchant_settled(std::string_view merchant_id, std::int64_t currency);
  store::Database& database() { return *db_; }
  Ledger& ledger() { return ledger_; }

 private:
  struct Route {
    std::string issuer_id;
    roles::Issuer* issuer = nullptr;
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
  Status fill_report_items(SettlementReport& rep, std::int64_t start);

  std::unique_ptr<store::Database> db_;
  Ledger ledger_;
  AcquirerProfile profile_;
  std::map<std::string, Route, std::less<>> routes_;  // BIN prefix -> issuer
};

// The report as CSV (RFC 4180; header line, one line per movement of the day - capture,
// capture-reversal, credit, credit-reversal, with its batch - then per currency the CAPTURES,
// CAPTURE-REVERSALS, CREDITS, CREDIT-REVERSALS, SETTLED and net TOTAL lines) and as JSON (the
// captures as `lines`/`totals`, the movements as `items`/`summary`; amounts both in minor units
// and as decimal strings).
std::string settlement_csv(const SettlementReport& r);
std::string settlement_json(const SettlementReport& r);

}  // namespace openset::roles::bank
