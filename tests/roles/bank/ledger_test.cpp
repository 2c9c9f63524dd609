// The double-entry ledger on its own: balanced entries only, balances derived from postings,
// append-only history, currencies and their exponents.
#include <gtest/gtest.h>

#include "openset/roles/bank/ledger.hpp"
#include "openset/store/database.hpp"
#include "openset/test/db_location.hpp"

namespace openset::roles::bank {
namespace {

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(test::postgres_mode() ? test::fresh_pg_location("ledger") : ":memory:",
                                    store::Database::Mode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    db_ = std::make_unique<store::Database>(std::move(*db));
    ASSERT_TRUE(Ledger::create_schema(*db_).ok());
    ASSERT_TRUE(Ledger::create_schema(*db_).ok());  // idempotent
    ledger_ = std::make_unique<Ledger>(*db_);
    for (const auto& a : {Account{"cash:840", "bank", AccountKind::kAsset, 840},
                          Account{"deposits:840", "bank", AccountKind::kLiability, 840},
                          Account{"cash:978", "bank", AccountKind::kAsset, 978},
                          Account{"deposits:978", "bank", AccountKind::kLiability, 978}})
      ASSERT_TRUE(ledger_->open_account(a).ok());
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, BalancedEntryPostsAndBalancesAreSums) {
  ASSERT_TRUE(ledger_->post({"e1", "deposit", "", 1, {{"cash:840", 500}, {"deposits:840", -500}}}).ok());
  ASSERT_TRUE(ledger_->post({"e2", "deposit", "", 2, {{"cash:840", 250}, {"deposits:840", -250}}}).ok());
  EXPECT_EQ(ledger_->balance("cash:840").value(), 750);
  EXPECT_EQ(ledger_->balance("deposits:840").value(), -750);
  EXPECT_EQ(ledger_->balance("cash:978").value(), 0);
  auto all = ledger_->balances("cash:").value();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(all["cash:840"], 750);
  EXPECT_EQ(ledger_->totals().value()[840], 0);
  EXPECT_TRUE(ledger_->audit().value().empty());
}

TEST_F(LedgerTest, RefusesUnbalancedEntriesAndWritesNothing) {
  auto r = ledger_->post({"bad", "deposit", "", 1, {{"cash:840", 500}, {"deposits:840", -499}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("not balanced"), std::string::npos);
  // Balanced in total but not per currency.
  EXPECT_FALSE(ledger_->post({"fx", "fx", "", 1, {{"cash:840", 100}, {"deposits:978", -100}}}).ok());
  EXPECT_FALSE(ledger_->post({"one", "x", "", 1, {{"cash:840", 100}}}).ok());
  EXPECT_FALSE(ledger_->post({"zero", "x", "", 1, {{"cash:840", 0}, {"deposits:840", 0}}}).ok());
  EXPECT_FALSE(ledger_->post({"ghost", "x", "", 1, {{"cash:840", 5}, {"nowhere", -5}}}).ok());
  EXPECT_EQ(ledger_->entry_count().value(), 0);
  EXPECT_EQ(ledger_->posting_count().value(), 0);
}

TEST_F(LedgerTest, MultiCurrencyEntryBalancesPerCurrency) {
  ASSERT_TRUE(ledger_->post({"fx", "fx", "", 1,
                             {{"cash:840", 110}, {"deposits:840", -110}, {"cash:978", 100}, {"deposits:978", -100}}})
                  .ok());
  EXPECT_EQ(ledger_->balance("cash:978").value(), 100);
}

TEST_F(LedgerTest, EntryKeyIsUnique) {
  ASSERT_TRUE(ledger_->post({"k", "deposit", "", 1, {{"cash:840", 1}, {"deposits:840", -1}}}).ok());
  auto again = ledger_->post({"k", "deposit", "", 1, {{"cash:840", 1}, {"deposits:840", -1}}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConstraint);
  EXPECT_EQ(ledger_->balance("cash:840").value(), 1);
}

TEST_F(LedgerTest, PostingsAndEntriesAreAppendOnly) {
  ASSERT_TRUE(ledger_->post({"k", "deposit", "", 1, {{"cash:840", 7}, {"deposits:840", -7}}}).ok());
  EXPECT_FALSE(db_->exec("UPDATE ledger_postings SET amount = 8 WHERE line = 1").ok());
  EXPECT_FALSE(db_->exec("DELETE FROM ledger_postings").ok());
  EXPECT_FALSE(db_->exec("DELETE FROM ledger_entries").ok());
  EXPECT_FALSE(db_->exec("UPDATE ledger_accounts SET currency = 978").ok());
  EXPECT_EQ(ledger_->balance("cash:840").value(), 7);
}

TEST_F(LedgerTest, AccountsOpenOnceWithFixedAttributes) {
  EXPECT_TRUE(ledger_->open_account({"cash:840", "bank", AccountKind::kAsset, 840}).ok());
  EXPECT_FALSE(ledger_->open_account({"cash:840", "bank", AccountKind::kAsset, 978}).ok());
  EXPECT_FALSE(ledger_->open_account({"odd", "bank", AccountKind::kAsset, 999}).ok());
  auto a = ledger_->find_account("deposits:978").value();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->kind, AccountKind::kLiability);
}

TEST_F(LedgerTest, AuditFindsAnUnbalancedEntryWrittenBehindItsBack) {
  ASSERT_TRUE(ledger_->post({"k", "deposit", "", 1, {{"cash:840", 7}, {"deposits:840", -7}}}).ok());
  ASSERT_TRUE(db_->exec("INSERT INTO ledger_postings (entry, line, account, currency, amount) "
                        "SELECT id, 3, 'cash:840', 840, 1 FROM ledger_entries WHERE key = 'k'")
                  .ok());
  auto audit = ledger_->audit().value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].key, "k");
  EXPECT_EQ(audit[0].sum, 1);
}

TEST(Currency, ExponentsAndFormatting) {
  EXPECT_TRUE(money_ok(Money{840, 1234, -2}));
  EXPECT_TRUE(money_ok(Money{978, 1, -2}));
  EXPECT_TRUE(money_ok(Money{392, 1200, 0}));
  EXPECT_FALSE(money_ok(Money{392, 1200, -2}));
  EXPECT_FALSE(money_ok(Money{840, 1234, 0}));
  EXPECT_FALSE(money_ok(Money{999, 1, -2}));
  EXPECT_FALSE(money_ok(Money{840, -1, -2}));
  EXPECT_EQ(format_minor(1234, 840), "12.34");
  EXPECT_EQ(format_minor(5, 978), "0.05");
  EXPECT_EQ(format_minor(-150, 840), "-1.50");
  EXPECT_EQ(format_minor(1200, 392), "1200");
  EXPECT_EQ(format_minor(1, 48), "0.001");
}

}  // namespace
}  // namespace openset::roles::bank
