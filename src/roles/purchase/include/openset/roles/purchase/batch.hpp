// Batches seen from the merchant (BatchAdminReq / BatchAdminRes, notes §4.9; issue 5 item 9) and
// reconciliation: what the merchant recorded in a batch against what the acquirer settled, and
// against the gateway's BatchTotals. docs/purchase.md "Batches and settlement".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/roles/bank_api.hpp"

namespace openset::roles::purchase {

// One BatchAdminReq: an operation (open, close, purge; none: a query) on a batch (none: the
// merchant's open batch; for open, none lets the gateway choose the BatchID).
struct BatchAdminRequest {
  std::string brand;  // which gateway
  std::optional<std::int64_t> batch_id;
  std::optional<asn1::BatchOperation> operation;
  bool summary = false;                                  // returnBatchSummaryInd
  std::optional<asn1::ReturnTransactionDetail> detail;   // returnTransactionDetail
};

// Totals of a batch in BatchTotals' terms (debits: captures and credit reversals; credits:
// refunds and capture reversals; minor units of `currency`), net = debits - credits.
struct BatchTotalsView {
  std::int64_t currency = 0;
  std::int64_t count_debit = 0;
  std::int64_t amount_debit = 0;
  std::int64_t count_credit = 0;
  std::int64_t amount_credit = 0;
  std::int64_t net = 0;
  bool operator==(const BatchTotalsView&) const = default;
};
BatchTotalsView totals_of(const std::vector<BatchItem>& items);
BatchTotalsView totals_of(const asn1::BatchTotals& t);

// What the merchant learnt of a batch from its last BatchAdminRes.
struct MerchantBatchView {
  std::int64_t batch_id = 0;
  std::string brand;
  std::optional<asn1::BAStatus> ba_status;
  std::optional<asn1::TransmissionStatus> transmission_status;
  bool closed = false;                        // BatchStatus.closedWhen present
  std::optional<BatchTotalsView> gateway_totals;  // BatchStatus.batchDetails.batchTotals
  std::optional<std::int64_t> settled_net;    // SettlementInfo: + credited to the merchant, - debited
  std::vector<asn1::TransactionDetail> details;   // TransDetails of the last answer
  std::int64_t next_starting_point = 0;
  std::int64_t updated_at = 0;
};

enum class DifferenceKind {
  kMissingAtAcquirer,  // the merchant recorded it, the acquirer did not settle it
  kMissingAtMerchant,  // the acquirer settled it, the merchant has no record of it
  kAmountMismatch,     // both have it, with other amounts (or currencies)
  kTotalsMismatch,     // batch totals differ (reconcile_totals)
};
std::string_view difference_kind_name(DifferenceKind k);

struct Difference {
  DifferenceKind kind = DifferenceKind::kMissingAtAcquirer;
  BatchItemKind item_kind = BatchItemKind::kCapture;
  std::string xref;                 // hex XID (empty for totals)
  std::int64_t merchant_amount = 0; // minor units (sum over the transaction's items of the kind)
  std::int64_t other_amount = 0;
  std::string detail;
};

// Matches the merchant's items with the acquirer's settled items by (kind, XID), comparing the
// sums of their amounts. Empty: reconciled.
std::vector<Difference> reconcile(const std::vector<BatchItem>& merchant, const std::vector<BatchItem>& acquirer);
// The merchant's totals against the gateway's (BatchAdminRes BatchTotals); empty: they agree.
std::vector<Difference> reconcile_totals(const BatchTotalsView& merchant, const BatchTotalsView& gateway);

}  // namespace openset::roles::purchase
