#include "openset/roles/bank/invariants.hpp"

#include <map>
#include <set>

#include "internal.hpp"

namespace openset::roles::bank {

namespace {

using Rows = std::vector<std::vector<std::string>>;

Result<Rows> rows(store::Database& db, const char* sql, int columns) {
  OPENSET_TRY(store::Statement s, db.prepare(sql));
  Rows out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    std::vector<std::string> r;
    for (int i = 0; i < columns; ++i) r.push_back(s.column_text(i));
    out.push_back(std::move(r));
  }
  return out;
}

// A rule expressed as a query returning the offending rows; the detail joins "label=value".
struct Rule {
  const char* name;
  const char* sql;
  std::vector<const char*> labels;
};

void run_rules(store::Database& db, const std::string& bank, const std::vector<Rule>& rules,
               std::vector<Violation>& out) {
  for (const auto& rule : rules) {
    auto r = rows(db, rule.sql, static_cast<int>(rule.labels.size()));
    if (!r.ok()) {
      out.push_back({bank, "storage", std::string(rule.name) + ": " + r.error().message});
      continue;
    }
    for (const auto& row : *r) {
      std::string detail;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (!detail.empty()) detail += " ";
        detail += std::string(rule.labels[i]) + "=" + row[i];
      }
      out.push_back({bank, rule.name, detail});
    }
  }
}

void check_ledger(Ledger& ledger, const std::string& bank, std::vector<Violation>& out) {
  auto audit = ledger.audit();
  if (!audit.ok()) {
    out.push_back({bank, "storage", audit.error().message});
    return;
  }
  for (const auto& i : *audit)
    out.push_back({bank, "balanced-entry",
                   "entry " + std::to_string(i.entry) + " (" + i.key + ") currency " + std::to_string(i.currency) +
                       " sums to " + std::to_string(i.sum)});
  auto totals = ledger.totals();
  if (!totals.ok()) {
    out.push_back({bank, "storage", totals.error().message});
    return;
  }
  for (const auto& [cur, sum] : *totals)
    if (sum != 0)
      out.push_back({bank, "conservation", "postings in currency " + std::to_string(cur) + " sum to " + std::to_string(sum)});
}

const std::vector<Rule>& issuer_rules() {
  static const std::vector<Rule> kRules = {
      {"capture-within-authorization",
       "SELECT * FROM (SELECT a.authorization_id, a.amount, "
       "  (SELECT COALESCE(SUM(c.amount), 0) FROM captures c WHERE c.auth_seq = a.seq AND c.verdict = 'captured' "
       "   AND NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed')) AS cap, "
       "  (SELECT COALESCE(SUM(r.amount), 0) FROM releases r WHERE r.auth_seq = a.seq AND r.verdict = 'released') AS rel "
       "FROM authorizations a WHERE a.verdict = 'approved') x WHERE cap > amount OR cap + rel > amount",
       {"authorization", "authorized", "captured", "released"}},
      {"capture-of-approved-authorization",
       "SELECT c.capture_id, c.authorization_id FROM captures c LEFT JOIN authorizations a ON a.seq = c.auth_seq "
       "WHERE c.verdict = 'captured' AND (a.seq IS NULL OR a.verdict <> 'approved' OR a.currency <> c.currency)",
       {"capture", "authorization"}},
      // Refunds not reversed stay within their capture; a reversed capture keeps none.
      {"refund-within-capture",
       "SELECT c.capture_id, c.amount, SUM(f.amount) FROM credits f JOIN captures c ON c.seq = f.capture_seq "
       "WHERE f.verdict = 'credited' AND NOT EXISTS (SELECT 1 FROM credit_reversals w WHERE w.credit_seq = f.seq AND w.verdict = 'reversed') GROUP BY c.seq "
       "HAVING SUM(f.amount) > c.amount OR c.verdict <> 'captured' OR NOT (NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed'))",
       {"capture", "captured", "refunded"}},
      {"reversal-of-whole-original",
       "SELECT 'capture', v.reversal_id, v.amount FROM capture_reversals v JOIN captures c ON c.seq = v.capture_seq "
       "WHERE v.verdict = 'reversed' AND (c.verdict <> 'captured' OR v.amount <> c.amount) "
       "UNION ALL SELECT 'credit', w.reversal_id, w.amount FROM credit_reversals w JOIN credits f ON f.seq = w.credit_seq "
       "WHERE w.verdict = 'reversed' AND (f.verdict <> 'credited' OR w.amount <> f.amount)",
       {"operation", "reversal", "amount"}},
      {"refused-without-posting",
       "SELECT 'authorization', reference, verdict FROM authorizations WHERE verdict <> 'approved' AND entry IS NOT NULL "
       "UNION ALL SELECT 'capture', reference, verdict FROM captures WHERE verdict <> 'captured' AND entry IS NOT NULL "
       "UNION ALL SELECT 'release', reference, verdict FROM releases WHERE verdict <> 'released' AND entry IS NOT NULL "
       "UNION ALL SELECT 'credit', reference, verdict FROM credits WHERE verdict <> 'credited' AND entry IS NOT NULL "
       "UNION ALL SELECT 'capture-reversal', reference, verdict FROM capture_reversals WHERE verdict <> 'reversed' "
       "  AND entry IS NOT NULL "
       "UNION ALL SELECT 'credit-reversal', reference, verdict FROM credit_reversals WHERE verdict <> 'reversed' "
       "  AND entry IS NOT NULL",
       {"operation", "reference", "verdict"}},
      {"posting-without-operation",
       "SELECT e.id, e.key FROM ledger_entries e WHERE "
       "NOT EXISTS (SELECT 1 FROM authorizations a WHERE a.entry = e.id AND a.verdict = 'approved') AND "
       "NOT EXISTS (SELECT 1 FROM captures c WHERE c.entry = e.id AND c.verdict = 'captured') AND "
       "NOT EXISTS (SELECT 1 FROM releases r WHERE r.entry = e.id AND r.verdict = 'released') AND "
       "NOT EXISTS (SELECT 1 FROM credits f WHERE f.entry = e.id AND f.verdict = 'credited') AND "
       "NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.entry = e.id AND v.verdict = 'reversed') AND "
       "NOT EXISTS (SELECT 1 FROM credit_reversals w WHERE w.entry = e.id AND w.verdict = 'reversed') AND "
       "NOT EXISTS (SELECT 1 FROM interbank_settlements b WHERE b.entry = e.id)",
       {"entry", "key"}},
      // Ledger against records: each card's holds = what remains authorized; what the
      // cardholder owes = captures - refunds.
      {"holds-match-authorizations",
       "WITH remaining AS ("
       "  SELECT a.card, SUM(a.amount"
       "    - (SELECT COALESCE(SUM(c.amount), 0) FROM captures c WHERE c.auth_seq = a.seq AND c.verdict = 'captured'"
       "       AND NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed'))"
       "    - (SELECT COALESCE(SUM(r.amount), 0) FROM releases r WHERE r.auth_seq = a.seq AND r.verdict = 'released')"
       "  ) AS held FROM authorizations a WHERE a.verdict = 'approved' GROUP BY a.card) "
       "SELECT * FROM (SELECT k.id, COALESCE(m.held, 0) AS records, "
       "  (SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = 'hold:' || k.id) AS ledger "
       "FROM cards k LEFT JOIN remaining m ON m.card = k.id) x WHERE records <> ledger",
       {"card", "records", "ledger"}},
      {"owed-matches-captures",
       "WITH owed AS ("
       "  SELECT a.card, SUM(c.amount"
       "    - (SELECT COALESCE(SUM(f.amount), 0) FROM credits f WHERE f.capture_seq = c.seq AND f.verdict = 'credited'"
       "       AND NOT EXISTS (SELECT 1 FROM credit_reversals w WHERE w.credit_seq = f.seq AND w.verdict = 'reversed'))"
       "  ) AS owed FROM captures c JOIN authorizations a ON a.seq = c.auth_seq WHERE c.verdict = 'captured' "
       "  AND NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed') "
       "  GROUP BY a.card) "
       "SELECT * FROM (SELECT k.id, COALESCE(o.owed, 0) AS records, "
       "  (SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = 'card:' || k.id) AS ledger "
       "FROM cards k LEFT JOIN owed o ON o.card = k.id) x WHERE records <> ledger",
       {"card", "records", "ledger"}},
  };
  return kRules;
}

const std::vector<Rule>& acquirer_rules() {
  static const std::vector<Rule> kRules = {
      {"capture-within-authorization",
       "SELECT a.authorization_id, a.amount, SUM(c.amount) FROM acq_captures c "
       "JOIN acq_authorizations a ON a.authorization_id = c.authorization_id "
       "WHERE c.verdict = 'captured' AND NOT EXISTS (SELECT 1 FROM acq_capture_reversals v WHERE v.capture_id = c.capture_id AND v.verdict = 'reversed') GROUP BY a.seq HAVING SUM(c.amount) > a.amount "
       "UNION ALL SELECT c.authorization_id, 0, c.amount FROM acq_captures c WHERE c.verdict = 'captured' AND NOT EXISTS "
       "  (SELECT 1 FROM acq_authorizations a WHERE a.authorization_id = c.authorization_id AND a.verdict = 'approved')",
       {"authorization", "authorized", "captured"}},
      {"refund-within-capture",
       "SELECT c.capture_id, c.amount, SUM(f.amount) FROM acq_refunds f JOIN acq_captures c ON c.capture_id = f.capture_id "
       "WHERE f.verdict = 'credited' AND NOT EXISTS (SELECT 1 FROM acq_refund_reversals w WHERE w.credit_id = f.credit_id AND w.verdict = 'reversed') GROUP BY c.seq HAVING SUM(f.amount) > c.amount OR NOT (NOT EXISTS (SELECT 1 FROM acq_capture_reversals v WHERE v.capture_id = c.capture_id AND v.verdict = 'reversed'))",
       {"capture", "captured", "refunded"}},
      {"refused-without-posting",
       "SELECT 'capture', reference, verdict FROM acq_captures WHERE verdict <> 'captured' AND entry IS NOT NULL "
       "UNION ALL SELECT 'refund', reference, verdict FROM acq_refunds WHERE verdict <> 'credited' AND entry IS NOT NULL "
       "UNION ALL SELECT 'capture-reversal', reference, verdict FROM acq_capture_reversals WHERE verdict <> 'reversed' "
       "  AND entry IS NOT NULL "
       "UNION ALL SELECT 'refund-reversal', reference, verdict FROM acq_refund_reversals WHERE verdict <> 'reversed' "
       "  AND entry IS NOT NULL",
       {"operation", "reference", "verdict"}},
      {"posting-without-operation",
       "SELECT e.id, e.key FROM ledger_entries e WHERE "
       "NOT EXISTS (SELECT 1 FROM acq_captures c WHERE c.entry = e.id AND c.verdict = 'captured') AND "
       "NOT EXISTS (SELECT 1 FROM acq_refunds f WHERE f.entry = e.id AND f.verdict = 'credited') AND "
       "NOT EXISTS (SELECT 1 FROM acq_capture_reversals v WHERE v.entry = e.id AND v.verdict = 'reversed') AND "
       "NOT EXISTS (SELECT 1 FROM acq_refund_reversals w WHERE w.entry = e.id AND w.verdict = 'reversed') AND "
       "NOT EXISTS (SELECT 1 FROM acq_settlements z WHERE z.entry = e.id)",
       {"entry", "key"}},
      {"merchant-balance-matches-captures",
       "WITH owed AS ("
       "  SELECT 'merchant:' || c.merchant_id || ':' || c.currency AS account, SUM(c.amount"
       "    - (SELECT COALESCE(SUM(f.amount), 0) FROM acq_refunds f WHERE f.capture_id = c.capture_id"
       "       AND f.verdict = 'credited' AND NOT EXISTS (SELECT 1 FROM acq_refund_reversals w WHERE w.credit_id = f.credit_id AND w.verdict = 'reversed'))) AS owed "
       "  FROM acq_captures c WHERE c.verdict = 'captured' AND NOT EXISTS (SELECT 1 FROM acq_capture_reversals v WHERE v.capture_id = c.capture_id AND v.verdict = 'reversed') GROUP BY account) "
       "SELECT * FROM (SELECT a.id, COALESCE(o.owed, 0) - COALESCE((SELECT SUM(n.amount) FROM acq_settlement_nets n JOIN acq_settlements z "
       "  ON z.settlement_id = n.settlement_id WHERE 'merchant:' || z.merchant_id || ':' || n.currency = a.id), 0) AS unsettled, "
       "  -(SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = a.id) AS ledger "
       "FROM ledger_accounts a LEFT JOIN owed o ON o.account = a.id "
       "WHERE a.id LIKE 'merchant:%') x WHERE unsettled <> ledger",
       {"account", "records", "ledger"}},
      // Batch settlement (settlement.cpp): what was settled to merchants and cleared with each
      // issuer is what the settled batches net to, and each batch nets to its items.
      {"merchant-settled-matches-batches",
       "SELECT * FROM (SELECT a.id, COALESCE((SELECT SUM(n.amount) FROM acq_settlement_nets n JOIN acq_settlements z "
       "  ON z.settlement_id = n.settlement_id WHERE 'merchant-settled:' || z.merchant_id || ':' || n.currency = a.id), 0) AS rec, "
       "  -(SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = a.id) AS ledger "
       "FROM ledger_accounts a WHERE a.id LIKE 'merchant-settled:%') x WHERE rec <> ledger",
       {"account", "records", "ledger"}},
      {"clearing-matches-batches",
       "SELECT * FROM (SELECT a.id, COALESCE((SELECT SUM(n.amount) FROM acq_settlement_nets n "
       "  WHERE 'settlement:' || n.issuer_id || ':' || n.currency = a.id), 0) AS rec, "
       "  (SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = a.id) AS ledger "
       "FROM ledger_accounts a WHERE a.id LIKE 'settlement:%') x WHERE rec <> ledger",
       {"account", "records", "ledger"}},
      // What each issuer owes the acquirer is every movement with it not yet settled:
      // captures - capture reversals - refunds + refund reversals - settled nets.
      {"due-from-matches-unsettled",
       "SELECT * FROM (SELECT a.id, "
       "  COALESCE((SELECT SUM(c.amount) FROM acq_captures c WHERE c.verdict = 'captured' "
       "    AND 'due-from:' || c.issuer_id || ':' || c.currency = a.id), 0) "
       "  - COALESCE((SELECT SUM(v.amount) FROM acq_capture_reversals v JOIN acq_captures c ON c.capture_id = v.capture_id "
       "    WHERE v.verdict = 'reversed' AND 'due-from:' || c.issuer_id || ':' || c.currency = a.id), 0) "
       "  - COALESCE((SELECT SUM(f.amount) FROM acq_refunds f JOIN acq_captures c ON c.capture_id = f.capture_id "
       "    WHERE f.verdict = 'credited' AND 'due-from:' || c.issuer_id || ':' || c.currency = a.id), 0) "
       "  + COALESCE((SELECT SUM(w.amount) FROM acq_refund_reversals w JOIN acq_refunds f ON f.credit_id = w.credit_id "
       "    JOIN acq_captures c ON c.capture_id = f.capture_id "
       "    WHERE w.verdict = 'reversed' AND 'due-from:' || c.issuer_id || ':' || c.currency = a.id), 0) "
       "  - COALESCE((SELECT SUM(n.amount) FROM acq_settlement_nets n "
       "    WHERE 'due-from:' || n.issuer_id || ':' || n.currency = a.id), 0) AS rec, "
       "  (SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p WHERE p.account = a.id) AS ledger "
       "FROM ledger_accounts a WHERE a.id LIKE 'due-from:%') x WHERE rec <> ledger",
       {"account", "records", "ledger"}},
      {"batch-nets-its-items",
       "SELECT * FROM (SELECT n.settlement_id, n.issuer_id, n.currency, n.amount, COALESCE((SELECT SUM(CASE WHEN i.kind IN "
       "  ('capture', 'credit-reversal') THEN i.amount ELSE -i.amount END) FROM acq_settlement_items i WHERE "
       "  i.settlement_id = n.settlement_id AND i.issuer_id = n.issuer_id AND i.currency = n.currency), 0) AS items "
       "FROM acq_settlement_nets n) x WHERE amount <> items",
       {"settlement", "issuer", "currency", "net", "items"}},
  };
  return kRules;
}

// Integer columns come back as decimal text; anything else reads as 0 (and then mismatches).
std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  bool neg = !s.empty() && s[0] == '-';
  for (std::size_t i = neg ? 1 : 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9' || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
      return 0;
  }
  return neg ? -v : v;
}

// currency -> balance, from accounts "<prefix><currency>".
Result<std::map<std::int64_t, std::int64_t>> by_currency(Ledger& ledger, const std::string& prefix) {
  OPENSET_TRY(auto balances, ledger.balances(prefix));
  std::map<std::int64_t, std::int64_t> out;
  for (const auto& [id, balance] : balances) {
    std::string tail = id.substr(prefix.size());
    if (tail.empty() || !detail::digits_only(tail)) continue;
    out[to_int(tail)] += balance;
  }
  return out;
}

struct CaptureRow {
  std::string counterpart;  // acquirer (issuer side) or issuer (acquirer side)
  std::int64_t currency = 0;
  std::int64_t amount = 0;
};
Result<std::map<std::string, CaptureRow>> captures_of(store::Database& db, const char* sql) {
  OPENSET_TRY(Rows r, rows(db, sql, 4));
  std::map<std::string, CaptureRow> out;
  for (const auto& row : r) out[row[0]] = CaptureRow{row[1], to_int(row[2]), to_int(row[3])};
  return out;
}

void check_pair(IssuerBank& issuer, AcquirerBank& acquirer, std::vector<Violation>& out) {
  const std::string pair = issuer.id() + "/" + acquirer.id();
  auto owed = by_currency(issuer.ledger(), "due-to:" + acquirer.id() + ":");
  auto due = by_currency(acquirer.ledger(), "due-from:" + issuer.id() + ":");
  if (!owed.ok() || !due.ok()) {
    out.push_back({pair, "storage", !owed.ok() ? owed.error().message : due.error().message});
    return;
  }
  std::set<std::int64_t> currencies;
  for (const auto& [c, v] : *owed) currencies.insert(c);
  for (const auto& [c, v] : *due) currencies.insert(c);
  for (auto c : currencies) {
    std::int64_t payable = owed->count(c) != 0 ? -owed->at(c) : 0;  // liability: credit balance
    std::int64_t receivable = due->count(c) != 0 ? due->at(c) : 0;
    if (payable != receivable)
      out.push_back({pair, "interbank-mirror",
                     "currency " + std::to_string(c) + ": issuer owes " + std::to_string(payable) +
                         ", acquirer expects " + std::to_string(receivable)});
  }
  // Batch settlement: what the issuer paid the acquirer is what the acquirer received from it.
  auto paid = by_currency(issuer.ledger(), "settlement:" + acquirer.id() + ":");
  auto received = by_currency(acquirer.ledger(), "settlement:" + issuer.id() + ":");
  if (!paid.ok() || !received.ok()) {
    out.push_back({pair, "storage", !paid.ok() ? paid.error().message : received.error().message});
    return;
  }
  std::set<std::int64_t> clearing;
  for (const auto& [c, v] : *paid) clearing.insert(c);
  for (const auto& [c, v] : *received) clearing.insert(c);
  for (auto c : clearing) {
    std::int64_t out_ = paid->count(c) != 0 ? -paid->at(c) : 0;
    std::int64_t in_ = received->count(c) != 0 ? received->at(c) : 0;
    if (out_ != in_)
      out.push_back({pair, "clearing-mirror",
                     "currency " + std::to_string(c) + ": issuer paid " + std::to_string(out_) +
                         ", acquirer received " + std::to_string(in_)});
  }
  auto iss = captures_of(issuer.database(),
                         "SELECT capture_id, acquirer, currency, amount FROM captures WHERE verdict = 'captured'");
  auto acq = captures_of(acquirer.database(),
                         "SELECT capture_id, issuer_id, currency, amount FROM acq_captures WHERE verdict = 'captured'");
  if (!iss.ok() || !acq.ok()) {
    out.push_back({pair, "storage", !iss.ok() ? iss.error().message : acq.error().message});
    return;
  }
  for (const auto& [id, c] : *acq) {
    if (c.counterpart != issuer.id()) continue;
    auto it = iss->find(id);
    if (it == iss->end() || it->second.counterpart != acquirer.id())
      out.push_back({pair, "capture-mirror", "capture " + id + " is unknown to the issuer"});
    else if (it->second.amount != c.amount || it->second.currency != c.currency)
      out.push_back({pair, "capture-mirror", "capture " + id + ": issuer posted " + std::to_string(it->second.amount) +
                                                 ", acquirer " + std::to_string(c.amount)});
  }
  for (const auto& [id, c] : *iss) {
    if (c.counterpart != acquirer.id()) continue;
    auto it = acq->find(id);
    if (it == acq->end() || it->second.counterpart != issuer.id())
      out.push_back({pair, "capture-mirror", "capture " + id + " is unknown to the acquirer"});
  }
  // Reversals of captures and refunds: the same originals reversed at both banks.
  auto iss_rev = captures_of(issuer.database(),
      "SELECT 'capture:' || c.capture_id, v.acquirer, c.currency, v.amount FROM capture_reversals v "
      "JOIN captures c ON c.seq = v.capture_seq WHERE v.verdict = 'reversed' "
      "UNION ALL SELECT 'refund:' || f.credit_id, w.acquirer, 0, w.amount FROM credit_reversals w "
      "JOIN credits f ON f.seq = w.credit_seq WHERE w.verdict = 'reversed'");
  auto acq_rev = captures_of(acquirer.database(),
      "SELECT 'capture:' || v.capture_id, c.issuer_id, c.currency, v.amount FROM acq_capture_reversals v "
      "JOIN acq_captures c ON c.capture_id = v.capture_id WHERE v.verdict = 'reversed' "
      "UNION ALL SELECT 'refund:' || w.credit_id, c.issuer_id, 0, w.amount FROM acq_refund_reversals w "
      "JOIN acq_refunds f ON f.credit_id = w.credit_id JOIN acq_captures c ON c.capture_id = f.capture_id "
      "WHERE w.verdict = 'reversed'");
  if (!iss_rev.ok() || !acq_rev.ok()) {
    out.push_back({pair, "storage", !iss_rev.ok() ? iss_rev.error().message : acq_rev.error().message});
    return;
  }
  for (const auto& [id, c] : *acq_rev) {
    if (c.counterpart != issuer.id()) continue;
    auto it = iss_rev->find(id);
    if (it == iss_rev->end() || it->second.amount != c.amount)
      out.push_back({pair, "reversal-mirror", id + " is reversed at the acquirer, not (or not so) at the issuer"});
  }
  for (const auto& [id, c] : *iss_rev) {
    if (c.counterpart != acquirer.id()) continue;
    if (acq_rev->find(id) == acq_rev->end())
      out.push_back({pair, "reversal-mirror", id + " is reversed at the issuer, not at the acquirer"});
  }
}

}  // namespace

std::vector<Violation> check_invariants(const std::vector<IssuerBank*>& issuers,
                                        const std::vector<AcquirerBank*>& acquirers) {
  std::vector<Violation> out;
  for (IssuerBank* i : issuers) {
    check_ledger(i->ledger(), i->id(), out);
    run_rules(i->database(), i->id(), issuer_rules(), out);
  }
  for (AcquirerBank* a : acquirers) {
    check_ledger(a->ledger(), a->id(), out);
    run_rules(a->database(), a->id(), acquirer_rules(), out);
  }
  for (IssuerBank* i : issuers)
    for (AcquirerBank* a : acquirers) check_pair(*i, *a, out);
  return out;
}

std::vector<Violation> check_invariants(IssuerBank& issuer, AcquirerBank& acquirer) {
  return check_invariants(std::vector<IssuerBank*>{&issuer}, std::vector<AcquirerBank*>{&acquirer});
}

std::string to_string(const std::vector<Violation>& v) {
  std::string out;
  for (const auto& x : v) out += "[" + x.bank + "] " + x.rule + ": " + x.detail + "\n";
  return out;
}

}  // namespace openset::roles::bank
