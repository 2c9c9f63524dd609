// The issuing bank (Book 1: the cardholder's financial institution): card accounts with credit
// limits, authorization holds, capture postings, reversals and refunds, and the answers the
// cardholder CA needs (registration form, cardholder verification). One SQLite file per issuer.
//
// Chart of accounts (all amounts in the card's currency, minor units, + debit / - credit):
//   card:<n>              asset  what the cardholder owes (captures - refunds)
//   hold:<n>              memo   open authorization holds on the card
//   holds-control:<cur>   memo   the other side of every hold
//   due-to:<acq>:<cur>    liab.  interbank: owed to acquirer <acq> for its captures
//   settlement:<acq>:<cur> asset interbank clearing: what was paid to <acq> in batch settlement
// available credit = limit - balance(card:<n>) - balance(hold:<n>).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "openset/roles/bank/ledger.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::bank {

struct IssuerProfile {
  std::string id;    // short, unique in the network: prefixes the ids this issuer hands out
  std::string name;  // for people
};

// A card account as the issuer provisions it.
struct CardAccount {
  std::string pan;
  std::string expiry;  // YYYYMM
  std::int64_t credit_limit = 0;  // minor units of `currency`
  std::int64_t currency = 840;
  std::string brand;   // e.g. "Atlas"
  // The cardholder record the registration answers are checked against: field name -> value
  // ("name", "billing-address", "postal-code", "date-of-birth", ...).
  std::map<std::string, std::string> holder;
  bool blocked = false;
};

// Where a card stands (minor units of its currency).
struct CardPosition {
  std::int64_t currency = 0;
  std::int64_t limit = 0;
  std::int64_t owed = 0;       // captured - refunded
  std::int64_t held = 0;       // open holds
  std::int64_t available = 0;  // limit - owed - held
};

// Reversal of (part of) an authorization hold, refund of (part of) a capture, reversal of a
// capture or a refund: the types live in roles/bank_api.hpp (roles::Acquirer relays them).
using roles::CreditResult;
using roles::CreditVerdict;
using roles::credit_verdict_name;
using roles::ReleaseResult;
using roles::ReleaseVerdict;
using roles::release_verdict_name;
using roles::ReversalResult;
using roles::ReversalVerdict;
using roles::reversal_verdict_name;

class IssuerBank final : public roles::Issuer {
 public:
  // Opens (creates) the issuer's database; the profile id must match the one it was created with.
  static Result<std::unique_ptr<IssuerBank>> open(const std::string& path, const IssuerProfile& profile);

  const std::string& id() const { return profile_.id; }

  // ---- provisioning ----
  // A BIN (PAN prefix) this issuer serves, and the brand of its cards (chooses the registration
  // form when the PAN is not a known card).
  Status add_bin(std::string_view prefix, std::string_view brand = "");
  // The registration form for cards of `brand` (replaces any previous one). Brands without a
  // form get name + billing-address + postal-code.
  Status set_registration_form(std::string_view brand, const std::vector<FormField>& fields);
  // Opens the card account; returns its ledger account id ("card:<n>"). A PAN already issued is
  // refused (kConstraint).
  Result<std::string> open_card(const CardAccount& card);
  Status block_card(std::string_view pan);
  Status unblock_card(std::string_view pan);
  Result<CardPosition> position(std::string_view pan);

  // ---- roles::Issuer ----
  std::vector<std::string> bins() const override;
  Result<std::vector<FormField>> registration_form(std::string_view pan) override;
  Result<CardCheck> verify_cardholder(const CardholderClaim& claim) override;
  Result<AuthorizationDecision> authorize(const AuthorizationRequest& req) override;
  Result<CaptureResult> capture(const CaptureRequest& req) override;

  // ---- reversals and refunds (relayed by the acquirer; roles::Issuer) ----
  // Releases `amount` of what remains authorized (idempotent on reference, like capture).
  Result<ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                const Money& amount, std::int64_t at = 0) override;
  // Credits the card with `amount` of a capture; the refunds of one capture never exceed it.
  Result<CreditResult> credit(std::string_view reference, std::string_view capture_id,
                              const Money& amount, std::int64_t at = 0) override;
  // Voids a whole capture (CapRevReq): the inverse of the capture's four postings (card and
  // due-to back, the hold restored: the authorization can be captured again or released).
  // Refused while the capture has refunds that are not reversed (kRefunded).
  Result<ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                         std::int64_t at = 0) override;
  // Reverses a whole refund (CredRevReq): the inverse of the credit's postings.
  Result<ReversalResult> reverse_credit(std::string_view reference, std::string_view credit_id,
                                        std::int64_t at = 0) override;

  // ---- batch settlement (relayed by the acquirer when a gateway batch closes) ----
  // Clears `net` (signed minor units of `currency`; negative: the acquirer pays back) of what
  // is due to `acquirer_id`: due-to:<acq> debited, settlement:<acq> credited. Idempotent on
  // (acquirer, reference); the same reference with another amount is refused (kConstraint).
  Result<std::string> settle(std::string_view acquirer_id, std::string_view reference, std::int64_t currency,
                             std::int64_t net, std::int64_t at = 0) override;

  // ---- inspection (tests, invariants, reports) ----
  store::Database& database() { return *db_; }
  Ledger& ledger() { return ledger_; }

 private:
  IssuerBank(std::unique_ptr<store::Database> db, IssuerProfile profile);
  struct Card;
  Result<std::optional<Card>> find_card(std::string_view pan);
  Result<std::vector<FormField>> form_for_brand(std::string_view brand);
  Status set_status(std::string_view pan, std::string_view status);
  Status load_bins();
  // The longest BIN prefix of the PAN this issuer serves (nullptr: none).
  const std::pair<const std::string, std::string>* bin_of(std::string_view pan) const;

  std::unique_ptr<store::Database> db_;
  Ledger ledger_;
  IssuerProfile profile_;
  std::map<std::string, std::string> bins_;  // prefix -> brand
};

}  // namespace openset::roles::bank
