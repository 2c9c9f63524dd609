#include "openset/roles/bank/ledger.hpp"

#include <array>

#include "internal.hpp"

namespace openset::roles::bank {

namespace {
constexpr std::array<CurrencyInfo, 8> kCurrencies = {{
    {840, -2, "USD"},
    {978, -2, "EUR"},
    {392, 0, "JPY"},
    {826, -2, "GBP"},
    {756, -2, "CHF"},
    {124, -2, "CAD"},
    {156, -2, "CNY"},
    {48, -3, "BHD"},
}};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS ledger_accounts (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense', 'memo')),
  currency INTEGER NOT NULL CHECK (currency > 0));
CREATE TABLE IF NOT EXISTS ledger_entries (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  memo TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_postings (
  entry INTEGER NOT NULL REFERENCES ledger_entries (id),
  line INTEGER NOT NULL,
  account TEXT NOT NULL REFERENCES ledger_accounts (id),
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (entry, line));
CREATE INDEX IF NOT EXISTS ledger_postings_by_account ON ledger_postings (account);
)sql";

// Append-only history: the same triggers in each engine's dialect (errors are constraint
// violations in both: SQLite's RAISE(ABORT) and SQLSTATE 23000).
constexpr const char* kSqliteTriggers = R"sql(
CREATE TRIGGER IF NOT EXISTS ledger_postings_append_only_u BEFORE UPDATE ON ledger_postings
  BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_postings_append_only_d BEFORE DELETE ON ledger_postings
  BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_entries_append_only_u BEFORE UPDATE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_entries_append_only_d BEFORE DELETE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_accounts_fixed_u BEFORE UPDATE ON ledger_accounts
  BEGIN SELECT RAISE(ABORT, 'ledger accounts do not change'); END;
)sql";
constexpr const char* kPostgresTriggers = R"sql(
CREATE OR REPLACE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation'; END $$;
CREATE OR REPLACE TRIGGER ledger_postings_append_only_u BEFORE UPDATE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('ledger postings are append-only');
CREATE OR REPLACE TRIGGER ledger_postings_append_only_d BEFORE DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('ledger postings are append-only');
CREATE OR REPLACE TRIGGER ledger_entries_append_only_u BEFORE UPDATE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('ledger entries are append-only');
CREATE OR REPLACE TRIGGER ledger_entries_append_only_d BEFORE DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('ledger entries are append-only');
CREATE OR REPLACE TRIGGER ledger_accounts_fixed_u BEFORE UPDATE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('ledger accounts do not change');
)sql";

std::optional<AccountKind> parse_kind(std::string_view s) {
  for (auto k : {AccountKind::kAsset, AccountKind::kLiability, AccountKind::kEquity,
                 AccountKind::kIncome, AccountKind::kExpense, AccountKind::kMemo})
    if (account_kind_name(k) == s) return k;
  return std::nullopt;
}
}  // namespace

const CurrencyInfo* find_currency(std::int64_t code) {
  for (const auto& c : kCurrencies)
    if (c.code == code) return &c;
  return nullptr;
}

bool money_ok(const Money& m) {
  const CurrencyInfo* c = find_currency(m.currency);
  return c != nullptr && c->exponent == m.amt_exp10 && m.amount >= 0;
}

std::string format_minor(std::int64_t minor, std::int64_t currency) {
  const CurrencyInfo* c = find_currency(currency);
  std::int64_t exp = c != nullptr ? -c->exponent : 0;
  bool neg = minor < 0;
  // Magnitude as unsigned (minor may be INT64_MIN).
  std::uint64_t mag = neg ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(mag);
  std::size_t e = exp > 0 ? static_cast<std::size_t>(exp) : 0;
  if (e > 0) {
    if (digits.size() <= e) digits.insert(0, e + 1 - digits.size(), '0');
    digits.insert(digits.size() - e, ".");
  }
  return neg ? "-" + digits : digits;
}

std::string_view account_kind_name(AccountKind k) {
  switch (k) {
    case AccountKind::kAsset: return "asset";
    case AccountKind::kLiability: return "liability";
    case AccountKind::kEquity: return "equity";
    case AccountKind::kIncome: return "income";
    case AccountKind::kExpense: return "expense";
    case AccountKind::kMemo: return "memo";
  }
  return "?";
}

Status Ledger::create_schema(store::Database& db) {
  OPENSET_CHECK(db.exec(kSchema));
  return db.exec(db.is_postgres() ? kPostgresTriggers : kSqliteTriggers);
}

Status Ledger::open_account(const Account& a) {
  if (a.id.empty() || find_currency(a.currency) == nullptr)
    return Error(Errc::kInvalidArgument, "ledger: account '" + a.id + "' needs an id and a known currency");
  OPENSET_TRY(auto existing, find_account(a.id));
  if (existing) {
    if (*existing == a) return Ok{};
    return Error(Errc::kConstraint, "ledger: account '" + a.id + "' exists with other attributes");
  }
  OPENSET_TRY(store::Statement s,
              db_->prepare("INSERT INTO ledger_accounts (id, owner, kind, currency) VALUES (?1, ?2, ?3, ?4)"));
  s.bind(1, std::string_view(a.id)).bind(2, std::string_view(a.owner));
  s.bind(3, account_kind_name(a.kind)).bind(4, a.currency);
  return s.run();
}

Result<std::optional<Account>> Ledger::find_account(std::string_view id) {
  OPENSET_TRY(store::Statement s, db_->prepare("SELECT owner, kind, currency FROM ledger_accounts WHERE id = ?1"));
  s.bind(1, id);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<Account>();
  auto kind = parse_kind(s.column_text(1));
  if (!kind) return Error(Errc::kMalformed, "ledger: account '" + std::string(id) + "' has an unknown kind");
  return std::optional<Account>(Account{std::string(id), s.column_text(0), *kind, s.column_int64(2)});
}

Result<std::int64_t> Ledger::post(const JournalEntry& e) {
  if (e.key.empty()) return Error(Errc::kInvalidArgument, "ledger: entry without a key");
  if (e.postings.size() < 2)
    return Error(Errc::kInvalidArgument, "ledger: entry '" + e.key + "' has fewer than two postings");
  // Check everything before writing anything.
  std::map<std::int64_t, std::int64_t> sums;
  std::vector<std::int64_t> currencies;
  for (const auto& p : e.postings) {
    if (p.amount == 0) return Error(Errc::kInvalidArgument, "ledger: entry '" + e.key + "' has a zero posting");
    OPENSET_TRY(auto acct, find_account(p.account));
    if (!acct)
      return Error(Errc::kInvalidArgument, "ledger: entry '" + e.key + "' posts to unknown account '" + p.account + "'");
    std::int64_t& sum = sums[acct->currency];
    if (__builtin_add_overflow(sum, p.amount, &sum))
      return Error(Errc::kInvalidArgument, "ledger: entry '" + e.key + "' overflows");
    currencies.push_back(acct->currency);
  }
  for (const auto& [cur, sum] : sums)
    if (sum != 0)
      return Error(Errc::kInvalidArgument, "ledger: entry '" + e.key + "' is not balanced in currency " +
                                               std::to_string(cur) + " (off by " + std::to_string(sum) + ")");
  OPENSET_TRY(store::Statement ins, db_->prepare("INSERT INTO ledger_entries (key, kind, memo, at) VALUES (?1, ?2, ?3, ?4)"));
  ins.bind(1, std::string_view(e.key)).bind(2, std::string_view(e.kind)).bind(3, std::string_view(e.memo)).bind(4, e.at);
  auto st = ins.run();
  if (!st.ok()) {
    if (st.error().code == Errc::kConstraint)
      return Error(Errc::kConstraint, "ledger: entry '" + e.key + "' was already posted");
    return std::move(st).error();
  }
  OPENSET_TRY(std::int64_t id, detail::query_int(*db_, "SELECT id FROM ledger_entries WHERE key = ?1", e.key));
  OPENSET_TRY(store::Statement p,
              db_->prepare("INSERT INTO ledger_postings (entry, line, account, currency, amount) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (std::size_t i = 0; i < e.postings.size(); ++i) {
    p.reset();
    p.bind(1, id).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, std::string_view(e.postings[i].account));
    p.bind(4, currencies[i]).bind(5, e.postings[i].amount);
    OPENSET_CHECK(p.run());
  }
  return id;
}

Result<std::int64_t> Ledger::balance(std::string_view account) {
  return detail::query_int(*db_, "SELECT COALESCE(SUM(amount), 0) FROM ledger_postings WHERE account = ?1", account);
}

Result<std::map<std::string, std::int64_t>> Ledger::balances(std::string_view prefix) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT a.id, COALESCE((SELECT SUM(p.amount) FROM ledger_postings p WHERE p.account = a.id), 0) "
      "FROM ledger_accounts a WHERE substr(a.id, 1, length(?1)) = ?1 ORDER BY a.id"));
  s.bind(1, prefix);
  std::map<std::string, std::int64_t> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out[s.column_text(0)] = s.column_int64(1);
  }
  return out;
}

Result<std::map<std::int64_t, std::int64_t>> Ledger::totals() {
  OPENSET_TRY(store::Statement s, db_->prepare("SELECT currency, SUM(amount) FROM ledger_postings GROUP BY currency"));
  std::map<std::int64_t, std::int64_t> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out[s.column_int64(0)] = s.column_int64(1);
  }
  return out;
}

Result<std::optional<std::int64_t>> Ledger::entry_id(std::string_view key) {
  OPENSET_TRY(store::Statement s, db_->prepare("SELECT id FROM ledger_entries WHERE key = ?1"));
  s.bind(1, key);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(s.column_int64(0));
}

Result<std::int64_t> Ledger::entry_count() {
  return detail::query_int(*db_, "SELECT count(*) FROM ledger_entries WHERE ?1 = ?1", std::int64_t{0});
}
Result<std::int64_t> Ledger::posting_count() {
  return detail::query_int(*db_, "SELECT count(*) FROM ledger_postings WHERE ?1 = ?1", std::int64_t{0});
}

Result<std::vector<Imbalance>> Ledger::audit() {
  std::vector<Imbalance> out;
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT p.entry, e.key, p.currency, SUM(p.amount) FROM ledger_postings p "
        "LEFT JOIN ledger_entries e ON e.id = p.entry "
        "GROUP BY p.entry, e.key, p.currency HAVING SUM(p.amount) <> 0 ORDER BY p.entry"));
    for (;;) {
      OPENSET_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(Imbalance{s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_int64(3)});
    }
  }
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT p.entry, e.key, p.currency, p.amount FROM ledger_postings p "
        "LEFT JOIN ledger_entries e ON e.id = p.entry "
        "LEFT JOIN ledger_accounts a ON a.id = p.account "
        "WHERE a.currency IS NULL OR a.currency <> p.currency ORDER BY p.entry"));
    for (;;) {
      OPENSET_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(Imbalance{s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_int64(3)});
    }
  }
  return out;
}

}  // namespace openset::roles::bank
