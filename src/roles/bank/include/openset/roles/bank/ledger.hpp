// A double-entry ledger over one SQLite database (DESIGN.md "Money and state").
//
// Accounts carry one currency each. A journal entry is a set of postings, each a signed amount in
// minor units on one account (positive = debit, negative = credit); the postings of an entry sum
// to zero per currency, which post() checks before it writes anything. Postings and entries are
// append-only (SQLite triggers refuse UPDATE and DELETE): a balance is always SUM(amount) over an
// account's postings, never a stored number. Each entry has a unique key, so the same business
// operation cannot be posted twice.
//
// post() does not open a transaction: the engines open one per business operation
// (store::Database::begin) and post inside it together with their own records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::bank {

// ---- currencies (ISO 4217 numeric code and minor-unit exponent) ---------------------------
struct CurrencyInfo {
  std::int64_t code;
  std::int64_t exponent;  // the amtExp10 SET must carry for this currency (-2: cents)
  std::string_view alpha;
};
// nullptr when the currency is not one the banks keep.
const CurrencyInfo* find_currency(std::int64_t code);
// The currency is known, amtExp10 is its exponent and the amount is not negative.
bool money_ok(const Money& m);
// "12.34" for (1234, USD), "1200" for (1200, JPY); negative amounts get a leading '-'.
std::string format_minor(std::int64_t minor, std::int64_t currency);

// ---- accounts, entries ----------------------------------------------------------------------
enum class AccountKind { kAsset, kLiability, kEquity, kIncome, kExpense, kMemo };
std::string_view account_kind_name(AccountKind k);

struct Account {
  std::string id;     // e.g. "card:7", "due-to:ACQ1:840" (never a PAN)
  std::string owner;  // who the account belongs to, for people reading the ledger
  AccountKind kind = AccountKind::kAsset;
  std::int64_t currency = 0;
  bool operator==(const Account&) const = default;
};

struct Posting {
  std::string account;
  std::int64_t amount = 0;  // minor units; + debit, - credit; never 0
};

struct JournalEntry {
  std::string key;   // unique per business operation (idempotency), e.g. "capture:I1-C00000001"
  std::string kind;  // "hold", "capture", "release", "credit", ...
  std::string memo;  // free text without secrets
  std::int64_t at = 0;
  std::vector<Posting> postings;
};

// One currency of one entry whose postings do not sum to zero (found by audit()).
struct Imbalance {
  std::int64_t entry = 0;
  std::string key;
  std::int64_t currency = 0;
  std::int64_t sum = 0;
};

class Ledger {
 public:
  explicit Ledger(store::Database& db) : db_(&db) {}

  // CREATE TABLE IF NOT EXISTS for the ledger tables and their append-only triggers.
  static Status create_schema(store::Database& db);

  // Opens an account; opening it again with the same fields is a no-op, with other fields an
  // error (kConstraint).
  Status open_account(const Account& a);
  Result<std::optional<Account>> find_account(std::string_view id);

  // Writes a balanced entry; returns its id. Refuses (kInvalidArgument, nothing written) an
  // entry with fewer than two postings, a zero posting, an unknown account, or postings that do
  // not sum to zero per currency; a key already used is kConstraint.
  Result<std::int64_t> post(const JournalEntry& e);

  Result<std::int64_t> balance(std::string_view account);
  // Balances of every account whose id starts with `prefix` (accounts without postings: 0).
  Result<std::map<std::string, std::int64_t>> balances(std::string_view prefix = "");
  // Sum of all postings per currency (0 everywhere in a sound ledger).
  Result<std::map<std::int64_t, std::int64_t>> totals();
  Result<std::optional<std::int64_t>> entry_id(std::string_view key);
  Result<std::int64_t> entry_count();
  Result<std::int64_t> posting_count();

  // Entries whose postings do not balance per currency, and postings whose currency is not
  // their account's (reported with sum = the posting's amount). Empty in a sound ledger.
  Result<std::vector<Imbalance>> audit();

 private:
  store::Database* db_;
};

}  // namespace openset::roles::bank
