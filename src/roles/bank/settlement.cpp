// Batch settlement between the banks (issue 5 item 9; BatchAdminReq close, notes §4.9) and the
// movements of the daily settlement report. The chart of accounts is in acquirer.hpp and
// issuer.hpp; docs/purchase.md "Batches and settlement" tells the whole flow.
//
// Order of work (as capture and refund): the issuers first, each idempotent on its reference,
// then the acquirer's own postings and records in one transaction. A crash in between leaves the
// acquirer with nothing recorded; repeating the same request completes it and moves nothing twice.
#include <map>
#include <set>
#include <tuple>

#include "internal.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"

namespace openset::roles::bank {

namespace detail {
const char* const kAcquirerSettlementSchema = R"sql(
-- One row per settled gateway batch, with the ledger entry that moved its money (NULL when the
-- batch nets to zero in every currency).
CREATE TABLE IF NOT EXISTS acq_settlements (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  settlement_id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (merchant_id, batch_id));
-- Net per issuer and currency (signed minor units: + owed to the merchant).
CREATE TABLE IF NOT EXISTS acq_settlement_nets (
  settlement_id TEXT NOT NULL REFERENCES acq_settlements (settlement_id),
  issuer_id TEXT NOT NULL,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (settlement_id, issuer_id, currency));
-- Each capture, capture reversal, credit and credit reversal is settled at most once.
CREATE TABLE IF NOT EXISTS acq_settlement_items (
  settlement_id TEXT NOT NULL REFERENCES acq_settlements (settlement_id),
  kind TEXT NOT NULL CHECK (kind IN ('capture', 'capture-reversal', 'credit', 'credit-reversal')),
  bank_id TEXT NOT NULL,
  xref TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  issuer_id TEXT NOT NULL,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  amt_exp10 INTEGER NOT NULL,
  PRIMARY KEY (kind, bank_id));
)sql";

const char* const kIssuerSettlementSchema = R"sql(
CREATE TABLE IF NOT EXISTS interbank_settlements (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  settlement_id TEXT NOT NULL UNIQUE,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((amount = 0) = (entry IS NULL)));
)sql";
}  // namespace detail

namespace {

std::string merchant_account(std::string_view merchant_id, std::int64_t cur) {
  return "merchant:" + std::string(merchant_id) + ":" + std::to_string(cur);
}
std::string settled_account(std::string_view merchant_id, std::int64_t cur) {
  return "merchant-settled:" + std::string(merchant_id) + ":" + std::to_string(cur);
}
std::string due_from(std::string_view issuer, std::int64_t cur) {
  return "due-from:" + std::string(issuer) + ":" + std::to_string(cur);
}
std::string due_to(std::string_view acq, std::int64_t cur) {
  return "due-to:" + std::string(acq) + ":" + std::to_string(cur);
}
std::string clearing(std::string_view counterpart, std::int64_t cur) {
  return "settlement:" + std::string(counterpart) + ":" + std::to_string(cur);
}

// The acquirer's record of one item: whose, which issuer, how much.
struct Known {
  std::string merchant_id;
  std::string issuer_id;
  Money amount;
};

const char* lookup_sql(BatchItemKind k) {
  switch (k) {
    case BatchItemKind::kCapture:
      return "SELECT merchant_id, issuer_id, currency, amount, amt_exp10 FROM acq_captures "
             "WHERE capture_id = ?1 AND verdict = 'captured'";
    case BatchItemKind::kCaptureReversal:
      return "SELECT c.merchant_id, c.issuer_id, c.currency, v.amount, c.amt_exp10 FROM acq_capture_reversals v "
             "JOIN acq_captures c ON c.capture_id = v.capture_id WHERE v.reversal_id = ?1 AND v.verdict = 'reversed'";
    case BatchItemKind::kCredit:
      return "SELECT c.merchant_id, c.issuer_id, c.currency, f.amount, c.amt_exp10 FROM acq_refunds f "
             "JOIN acq_captures c ON c.capture_id = f.capture_id WHERE f.credit_id = ?1 AND f.verdict = 'credited'";
    case BatchItemKind::kCreditReversal:
      return "SELECT c.merchant_id, c.issuer_id, c.currency, w.amount, c.amt_exp10 FROM acq_refund_reversals w "
             "JOIN acq_refunds f ON f.credit_id = w.credit_id JOIN acq_captures c ON c.capture_id = f.capture_id "
             "WHERE w.reversal_id = ?1 AND w.verdict = 'reversed'";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------- issuer side

Result<std::string> IssuerBank::settle(std::string_view acquirer_id, std::string_view reference,
                                       std::int64_t currency, std::int64_t net, std::int64_t at) {
  if (acquirer_id.empty() || reference.empty())
    return Error(Errc::kInvalidArgument, "issuer: settlement without an acquirer or a reference");
  if (find_currency(currency) == nullptr) return Error(Errc::kInvalidArgument, "issuer: settlement currency unknown");
  auto stored = [&]() -> Result<std::optional<std::string>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT settlement_id, currency, amount FROM interbank_settlements WHERE acquirer = ?1 AND reference = ?2"));
    s.bind(1, acquirer_id).bind(2, reference);
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<std::string>();
    if (s.column_int64(1) != currency || s.column_int64(2) != net)
      return Error(Errc::kConstraint, "issuer: settlement reference reused with another amount");
    return std::optional<std::string>(s.column_text(0));
  };
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t seq, detail::query_int(*db_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM interbank_settlements "
                                                        "WHERE ?1 = ?1", std::int64_t{0}));
  const std::string id = detail::sequence_id(profile_.id + "-S", seq);
  std::optional<std::int64_t> entry;
  if (net != 0) {
    const std::string acq(acquirer_id);
    OPENSET_CHECK(ledger_.open_account({due_to(acq, currency), "acquirer " + acq, AccountKind::kLiability, currency}));
    OPENSET_CHECK(ledger_.open_account({clearing(acq, currency), "acquirer " + acq, AccountKind::kAsset, currency}));
    JournalEntry e;
    e.key = "settlement:" + id;
    e.kind = "settlement";
    e.memo = "batch settlement " + id + " with acquirer " + acq;
    e.at = at;
    e.postings = {{due_to(acq, currency), net}, {clearing(acq, currency), -net}};
    OPENSET_TRY(std::int64_t eid, ledger_.post(e));
    entry = eid;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO interbank_settlements (seq, acquirer, reference, settlement_id, currency, amount, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  ins.bind(1, seq).bind(2, acquirer_id).bind(3, reference).bind(4, std::string_view(id));
  ins.bind(5, currency).bind(6, net).bind(7, at);
  if (entry) ins.bind(8, *entry); else ins.bind_null(8);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return id;
}

// ---------------------------------------------------------------- acquirer side

Result<BatchSettlementResult> AcquirerBank::settle_batch(const BatchSettlementRequest& req) {
  if (req.reference.empty() || req.batch_id.empty())
    return Error(Errc::kInvalidArgument, "acquirer: batch settlement without a reference or a batch");
  std::vector<std::string> parts{"settle", req.merchant_id, req.batch_id};
  for (const auto& it : req.items) {
    parts.emplace_back(batch_item_kind_name(it.kind));
    parts.push_back(it.bank_id);
    parts.push_back(it.xref);
    parts.push_back(detail::money_part(it.amount));
    parts.push_back(std::to_string(it.sequence));
  }
  OPENSET_TRY(std::string fp, fingerprint(parts));
  auto stored = [&]() -> Result<std::optional<BatchSettlementResult>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, settlement_id, at FROM acq_settlements WHERE reference = ?1"));
    s.bind(1, std::string_view(req.reference));
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<BatchSettlementResult>();
    BatchSettlementResult r;
    if (s.column_text(0) != fp) {
      r.verdict = BatchSettlementVerdict::kConflict;
      return std::optional<BatchSettlementResult>(r);
    }
    r.verdict = BatchSettlementVerdict::kSettled;
    r.settlement_id = s.column_text(1);
    r.at = s.column_int64(2);
    OPENSET_TRY(store::Statement n, db_->prepare(
        "SELECT currency, SUM(amount) FROM acq_settlement_nets WHERE settlement_id = ?1 GROUP BY currency"));
    n.bind(1, std::string_view(r.settlement_id));
    for (;;) {
      OPENSET_TRY(bool more, n.step());
      if (!more) break;
      r.net[n.column_int64(0)] = n.column_int64(1);
    }
    return std::optional<BatchSettlementResult>(r);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  auto refused = [](BatchSettlementVerdict v, std::string item) {
    BatchSettlementResult r;
    r.verdict = v;
    r.item = std::move(item);
    return r;
  };
  OPENSET_TRY(std::int64_t known_merchant, detail::query_int(*db_,
      "SELECT COUNT(*) FROM parties WHERE kind = 'merchant' AND party_id = ?1", std::string_view(req.merchant_id)));
  if (known_merchant == 0) return refused(BatchSettlementVerdict::kUnknownMerchant, "");

  // Every item must be the acquirer's record, of this merchant, with its amount, and not settled.
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> per_issuer;  // (issuer, cur) -> net
  std::vector<std::pair<const BatchItem*, std::string>> checked;             // item, issuer
  std::set<std::pair<BatchItemKind, std::string>> seen;
  for (const auto& it : req.items) {
    if (!seen.insert({it.kind, it.bank_id}).second) return refused(BatchSettlementVerdict::kAlreadySettled, it.bank_id);
    OPENSET_TRY(store::Statement s, db_->prepare(lookup_sql(it.kind)));
    s.bind(1, std::string_view(it.bank_id));
    OPENSET_TRY(bool row, s.step());
    if (!row) return refused(BatchSettlementVerdict::kUnknownItem, it.bank_id);
    Known k{s.column_text(0), s.column_text(1), Money{s.column_int64(2), s.column_int64(3), s.column_int64(4)}};
    if (k.merchant_id != req.merchant_id) return refused(BatchSettlementVerdict::kForeignItem, it.bank_id);
    if (!(k.amount == it.amount)) return refused(BatchSettlementVerdict::kAmountMismatch, it.bank_id);
    OPENSET_TRY(std::int64_t settled, detail::query_int(*db_,
        "SELECT COUNT(*) FROM acq_settlement_items WHERE kind = '" + std::string(batch_item_kind_name(it.kind)) +
            "' AND bank_id = ?1", std::string_view(it.bank_id)));
    if (settled != 0) return refused(BatchSettlementVerdict::kAlreadySettled, it.bank_id);
    per_issuer[{k.issuer_id, k.amount.currency}] += batch_item_sign(it.kind) * it.amount.amount;
    checked.emplace_back(&it, k.issuer_id);
  }

  // The issuers clear their part first (idempotent on reference + currency).
  for (const auto& [key, net] : per_issuer) {
    const auto& [issuer_id, cur] = key;
    const Route* route = route_to(issuer_id);
    if (route == nullptr)
      return Error(Errc::kUnsupported, "acquirer: issuer '" + issuer_id + "' takes no settlement from here");
    OPENSET_CHECK(route->issuer->settle(profile_.id, req.reference + ":" + std::to_string(cur), cur, net, req.at));
  }

  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t seq, detail::query_int(*db_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM acq_settlements "
                                                        "WHERE ?1 = ?1", std::int64_t{0}));
  BatchSettlementResult r;
  r.verdict = BatchSettlementVerdict::kSettled;
  r.settlement_id = detail::sequence_id(profile_.id + "-S", seq);
  r.at = req.at;
  std::map<std::string, std::int64_t> postings;  // account -> amount
  for (const auto& [key, net] : per_issuer) {
    const auto& [issuer_id, cur] = key;
    r.net[cur] += net;
    if (net == 0) continue;
    OPENSET_CHECK(ledger_.open_account({clearing(issuer_id, cur), "issuer " + issuer_id, AccountKind::kAsset, cur}));
    postings[clearing(issuer_id, cur)] += net;
    postings[due_from(issuer_id, cur)] -= net;
  }
  for (const auto& [cur, net] : r.net) {
    if (net == 0) continue;
    OPENSET_CHECK(ledger_.open_account({settled_account(req.merchant_id, cur), "merchant " + req.merchant_id,
                                        AccountKind::kLiability, cur}));
    postings[merchant_account(req.merchant_id, cur)] += net;
    postings[settled_account(req.merchant_id, cur)] -= net;
  }
  std::optional<std::int64_t> entry;
  JournalEntry e;
  for (const auto& [account, amount] : postings)
    if (amount != 0) e.postings.push_back({account, amount});
  if (!e.postings.empty()) {
    e.key = "settlement:" + r.settlement_id;
    e.kind = "settlement";
    e.memo = "settlement " + r.settlement_id + " of batch " + req.batch_id + " for " + req.merchant_id;
    e.at = req.at;
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  {
    OPENSET_TRY(store::Statement ins, db_->prepare(
        "INSERT INTO acq_settlements (seq, reference, fingerprint, settlement_id, merchant_id, batch_id, at, entry) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    ins.bind(1, seq).bind(2, std::string_view(req.reference)).bind(3, std::string_view(fp));
    ins.bind(4, std::string_view(r.settlement_id)).bind(5, std::string_view(req.merchant_id));
    ins.bind(6, std::string_view(req.batch_id)).bind(7, req.at);
    if (entry) ins.bind(8, *entry); else ins.bind_null(8);
    OPENSET_CHECK(ins.run());
  }
  for (const auto& [key, net] : per_issuer) {
    OPENSET_TRY(store::Statement ins, db_->prepare(
        "INSERT INTO acq_settlement_nets (settlement_id, issuer_id, currency, amount) VALUES (?1, ?2, ?3, ?4)"));
    ins.bind(1, std::string_view(r.settlement_id)).bind(2, std::string_view(key.first)).bind(3, key.second).bind(4, net);
    OPENSET_CHECK(ins.run());
  }
  for (const auto& [it, issuer_id] : checked) {
    OPENSET_TRY(store::Statement ins, db_->prepare(
        "INSERT INTO acq_settlement_items (settlement_id, kind, bank_id, xref, sequence, issuer_id, currency, amount, "
        "amt_exp10) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    ins.bind(1, std::string_view(r.settlement_id)).bind(2, batch_item_kind_name(it->kind));
    ins.bind(3, std::string_view(it->bank_id)).bind(4, std::string_view(it->xref)).bind(5, it->sequence);
    ins.bind(6, std::string_view(issuer_id)).bind(7, it->amount.currency).bind(8, it->amount.amount);
    ins.bind(9, it->amount.amt_exp10);
    OPENSET_CHECK(ins.run());
  }
  OPENSET_CHECK(t.commit());
  return r;
}

Result<std::vector<BatchItem>> AcquirerBank::settled_items(std::string_view merchant_id, std::string_view batch_id) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT i.kind, i.bank_id, i.xref, i.sequence, i.currency, i.amount, i.amt_exp10 FROM acq_settlement_items i "
      "JOIN acq_settlements s ON s.settlement_id = i.settlement_id WHERE s.merchant_id = ?1 AND s.batch_id = ?2 "
      "ORDER BY i.sequence, i.rowid"));
  s.bind(1, merchant_id).bind(2, batch_id);
  std::vector<BatchItem> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    auto k = batch_item_kind_from(s.column_text(0));
    if (!k) return Error(Errc::kMalformed, "acquirer: stored settlement item kind is unreadable");
    out.push_back(BatchItem{*k, s.column_text(1), s.column_text(2),
                            Money{s.column_int64(4), s.column_int64(5), s.column_int64(6)}, s.column_int64(3)});
  }
  return out;
}

Result<std::int64_t> AcquirerBank::merchant_settled(std::string_view merchant_id, std::int64_t currency) {
  OPENSET_TRY(std::int64_t b, ledger_.balance(settled_account(merchant_id, currency)));
  return -b;  // a liability: credit balance
}

// The day's movements of one merchant for the settlement report (items and summary).
Status AcquirerBank::fill_report_items(SettlementReport& rep, std::int64_t start) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT kind, id, original_id, reference, currency, amount, amt_exp10, at, seq, "
      "  (SELECT z.batch_id FROM acq_settlement_items i JOIN acq_settlements z ON z.settlement_id = i.settlement_id "
      "   WHERE i.kind = m.kind AND i.bank_id = m.id) FROM ("
      "SELECT 'capture' AS kind, c.capture_id AS id, c.authorization_id AS original_id, c.reference, c.currency, "
      "  c.amount, c.amt_exp10, c.at, c.seq, 0 AS k FROM acq_captures c "
      "  WHERE c.merchant_id = ?1 AND c.verdict = 'captured' "
      "UNION ALL SELECT 'capture-reversal', v.reversal_id, v.capture_id, v.reference, c.currency, v.amount, "
      "  c.amt_exp10, v.at, v.seq, 1 FROM acq_capture_reversals v JOIN acq_captures c ON c.capture_id = v.capture_id "
      "  WHERE c.merchant_id = ?1 AND v.verdict = 'reversed' "
      "UNION ALL SELECT 'credit', f.credit_id, f.capture_id, f.reference, c.currency, f.amount, c.amt_exp10, f.at, "
      "  f.seq, 2 FROM acq_refunds f JOIN acq_captures c ON c.capture_id = f.capture_id "
      "  WHERE c.merchant_id = ?1 AND f.verdict = 'credited' "
      "UNION ALL SELECT 'credit-reversal', w.reversal_id, w.credit_id, w.reference, c.currency, w.amount, "
      "  c.amt_exp10, w.at, w.seq, 3 FROM acq_refund_reversals w JOIN acq_refunds f ON f.credit_id = w.credit_id "
      "  JOIN acq_captures c ON c.capture_id = f.capture_id WHERE c.merchant_id = ?1 AND w.verdict = 'reversed') m "
      "WHERE m.at >= ?2 AND m.at < ?3 ORDER BY m.at, m.k, m.seq"));
  s.bind(1, std::string_view(rep.merchant_id)).bind(2, start).bind(3, start + 86400);
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    auto k = batch_item_kind_from(s.column_text(0));
    if (!k) return Error(Errc::kMalformed, "acquirer: unreadable movement kind");
    SettlementReport::Item item;
    item.kind = *k;
    item.id = s.column_text(1);
    item.original_id = s.column_text(2);
    item.reference = s.column_text(3);
    item.amount = Money{s.column_int64(4), s.column_int64(5), s.column_int64(6)};
    item.at = s.column_int64(7);
    if (!s.column_is_null(9)) item.batch = s.column_text(9);
    SettlementReport::Summary& sum = rep.summary[item.amount.currency];
    const std::int64_t a = item.amount.amount;
    switch (item.kind) {
      case BatchItemKind::kCapture: sum.captures += a; break;
      case BatchItemKind::kCaptureReversal: sum.capture_reversals += a; break;
      case BatchItemKind::kCredit: sum.credits += a; break;
      case BatchItemKind::kCreditReversal: sum.credit_reversals += a; break;
    }
    sum.net += batch_item_sign(item.kind) * a;
    if (!item.batch.empty()) sum.settled += batch_item_sign(item.kind) * a;
    ++sum.count;
    rep.items.push_back(std::move(item));
  }
  return Ok{};
}

}  // namespace openset::roles::bank
