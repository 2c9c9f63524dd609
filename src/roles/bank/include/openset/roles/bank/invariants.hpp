// What must hold in the banks after any sequence of events, crashes included (DESIGN.md "Money
// and state"). Tests call check_invariants() after every scenario; an operator can run it over
// the banks' databases at any time.
#pragma once

#include <string>
#include <vector>

#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"

namespace openset::roles::bank {

struct Violation {
  std::string bank;    // the issuer's or acquirer's id, or "A/B" for a rule across two banks
  std::string rule;    // e.g. "balanced-entry", "capture-within-authorization", "interbank-mirror"
  std::string detail;  // what was found (ids and amounts; never a PAN)
};

// Checks, in every bank: each journal entry balances per currency (and posts in its accounts'
// currency); ledger balances agree with the records (holds, amounts owed by cardholders, owed to
// merchants); no authorization captured above its amount, captures + releases of one
// authorization never above it; refunds never above their capture; a refused request left no
// posting and every posting belongs to an accepted request. Across every issuer/acquirer pair:
// the issuer's due-to:<acquirer> mirrors the acquirer's due-from:<issuer> in every currency, and
// each capture is known on both sides with the same amount. Batch settlement (settlement.cpp):
// the merchant's unsettled account is what is owed minus what settled batches netted, its
// merchant-settled account and the acquirer's settlement:<issuer> clearing accounts are what the
// settled batches netted, each batch's net is the sum of its items, and the issuer's
// settlement:<acquirer> mirrors the acquirer's settlement:<issuer> (clearing-mirror), each
// due-from:<issuer> is the movements with that issuer not yet settled; every
// settlement posting belongs to a recorded settlement. Empty result: all hold. Rules across
// banks only look at the pairs given, so pass every bank of the network.
std::vector<Violation> check_invariants(const std::vector<IssuerBank*>& issuers,
                                        const std::vector<AcquirerBank*>& acquirers);
std::vector<Violation> check_invariants(IssuerBank& issuer, AcquirerBank& acquirer);

// One violation per line, for test failure messages.
std::string to_string(const std::vector<Violation>& v);

}  // namespace openset::roles::bank
