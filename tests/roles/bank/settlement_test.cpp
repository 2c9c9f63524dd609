// Batch settlement between the banks (AcquirerBank::settle_batch, IssuerBank::settle; issue 5
// item 9): the nets per issuer and currency, the merchant's settled account, idempotency, and
// the refusals that move nothing. The invariants run after every test (BankTest::TearDown).
#include <gtest/gtest.h>

#include <set>

#include "bank_fixture.hpp"

namespace openset::roles::bank::testing {
namespace {

class SettlementTest : public BankTest {
 protected:
  // A capture through the acquirer; returns its capture_id.
  std::string captured(const std::string& ref, const std::string& pan, Money amount) {
    std::string a = approve(ref + "-a", pan, amount);
    auto c = acquirer_->capture(cap(ref, a, amount));
    EXPECT_TRUE(c.ok());
    EXPECT_EQ(c->verdict, CaptureVerdict::kCaptured);
    return c->capture_id;
  }
  BatchSettlementRequest batch(const std::string& id, std::vector<BatchItem> items, std::string merchant = "M1") {
    return BatchSettlementRequest{"batch:" + merchant + ":" + id, std::move(merchant), id, std::move(items), kT0 + 3600};
  }
  std::int64_t bal(Ledger& l, const std::string& a) { return l.balance(a).value(); }
};

TEST_F(SettlementTest, EachIssuerClearsItsNetAndTheMerchantIsCreditedPerCurrency) {
  std::string c1 = captured("c1", kPanUsd, usd(4000));
  std::string c2 = captured("c2", kPanEur, eur(2500));
  auto f = acquirer_->refund("f1", c1, usd(500), kT0 + 120).value();
  ASSERT_EQ(f.verdict, CreditVerdict::kCredited);
  auto r = acquirer_->settle_batch(batch("1", {{BatchItemKind::kCapture, c1, "x1", usd(4000), 1},
                                               {BatchItemKind::kCapture, c2, "x2", eur(2500), 2},
                                               {BatchItemKind::kCredit, f.credit_id, "x1", usd(500), 3}}));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->verdict, BatchSettlementVerdict::kSettled);
  EXPECT_EQ(r->net.at(840), 3500);
  EXPECT_EQ(r->net.at(978), 2500);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 0);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 840).value(), 3500);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 978).value(), 2500);
  EXPECT_EQ(bal(acquirer_->ledger(), "due-from:" + issuer_->id() + ":840"), 0);
  EXPECT_EQ(bal(acquirer_->ledger(), "settlement:" + issuer_->id() + ":978"), 2500);
  EXPECT_EQ(bal(issuer_->ledger(), "due-to:ACQ1:840"), 0);
  EXPECT_EQ(bal(issuer_->ledger(), "settlement:ACQ1:840"), -3500);
  auto items = acquirer_->settled_items("M1", "1").value();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].kind, BatchItemKind::kCredit);
  // The day's report shows the batch of each movement.
  auto rep = acquirer_->settlement_report("M1", "2025-03-14").value();
  ASSERT_EQ(rep.items.size(), 3u);
  for (const auto& i : rep.items) EXPECT_EQ(i.batch, "1");
  EXPECT_EQ(rep.summary.at(840).net, 3500);
  EXPECT_EQ(rep.summary.at(840).settled, 3500);
  EXPECT_EQ(rep.summary.at(978).captures, 2500);
}

TEST_F(SettlementTest, ARefundOfASettledCaptureDebitsTheMerchantInTheNextBatch) {
  std::string c1 = captured("c1", kPanUsd, usd(4000));
  ASSERT_EQ(acquirer_->settle_batch(batch("1", {{BatchItemKind::kCapture, c1, "x1", usd(4000), 1}}))->verdict,
            BatchSettlementVerdict::kSettled);
  auto f = acquirer_->refund("f1", c1, usd(1500), kT0 + 7200).value();
  auto r = acquirer_->settle_batch(batch("2", {{BatchItemKind::kCredit, f.credit_id, "x1", usd(1500), 1}})).value();
  EXPECT_EQ(r.verdict, BatchSettlementVerdict::kSettled);
  EXPECT_EQ(r.net.at(840), -1500);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 840).value(), 2500);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 0);
  EXPECT_EQ(bal(issuer_->ledger(), "settlement:ACQ1:840"), -2500);
}

TEST_F(SettlementTest, RefusedBatchesMoveNothing) {
  ASSERT_TRUE(acquirer_->add_merchant({"M3", {"Atlas"}, {{"name", "Shop Three"}}}).ok());
  std::string c1 = captured("c1", kPanUsd, usd(4000));
  std::string a3 = acquirer_->authorize(auth("a3", kPanUsd, usd(700), "M3")).value().authorization_id;
  std::string c3 = acquirer_->capture(cap("c3", a3, usd(700), "M3")).value().capture_id;
  const auto ai = acquirer_entries(), ii = issuer_entries();
  auto verdict = [&](BatchSettlementRequest req) { return acquirer_->settle_batch(req).value().verdict; };
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCapture, "NOPE", "x", usd(1), 1}})),
            BatchSettlementVerdict::kUnknownItem);
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCapture, c3, "x", usd(700), 1}})),
            BatchSettlementVerdict::kForeignItem);
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCapture, c1, "x", usd(3999), 1}})),
            BatchSettlementVerdict::kAmountMismatch);
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCredit, c1, "x", usd(4000), 1}})),
            BatchSettlementVerdict::kUnknownItem);  // a capture is not a credit
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCapture, c1, "x", usd(4000), 1},
                                {BatchItemKind::kCapture, c1, "x", usd(4000), 2}})),
            BatchSettlementVerdict::kAlreadySettled);
  EXPECT_EQ(verdict(batch("1", {{BatchItemKind::kCapture, c1, "x", usd(4000), 1}}, "NOPE")),
            BatchSettlementVerdict::kUnknownMerchant);
  EXPECT_FALSE(acquirer_->settle_batch(BatchSettlementRequest{"", "M1", "1", {}, kT0}).ok());
  EXPECT_EQ(acquirer_entries(), ai);
  EXPECT_EQ(issuer_entries(), ii);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 4000);
  // Settled once; the same reference with other content is a conflict; the item again is refused.
  auto req = batch("1", {{BatchItemKind::kCapture, c1, "x", usd(4000), 1}});
  EXPECT_EQ(verdict(req), BatchSettlementVerdict::kSettled);
  EXPECT_EQ(verdict(req), BatchSettlementVerdict::kSettled);  // replay: the first answer
  EXPECT_EQ(acquirer_entries(), ai + 1);
  EXPECT_EQ(issuer_entries(), ii + 1);
  auto other = req;
  other.items[0].sequence = 5;
  EXPECT_EQ(verdict(other), BatchSettlementVerdict::kConflict);
  other.reference = "batch:M1:2";
  other.batch_id = "2";
  EXPECT_EQ(verdict(other), BatchSettlementVerdict::kAlreadySettled);
  EXPECT_EQ(acquirer_entries(), ai + 1);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 840).value(), 4000);
  // The issuer refuses a settlement reference reused with another amount.
  EXPECT_FALSE(issuer_->settle("ACQ1", "batch:M1:1:840", 840, 1, kT0).ok());
  EXPECT_EQ(issuer_entries(), ii + 1);
}

TEST_F(SettlementTest, InvariantsSeeAOneSidedInterbankSettlement) {
  std::string c1 = captured("c1", kPanUsd, usd(4000));
  // The issuer clears without the acquirer (e.g. the acquirer crashed before its own postings).
  ASSERT_TRUE(issuer_->settle("ACQ1", "batch:M1:1:840", 840, 4000, kT0).ok());
  auto v = check_invariants(*issuer_, *acquirer_);
  bool mirror = false, clearing = false;
  for (const auto& x : v) {
    mirror = mirror || x.rule == "interbank-mirror";
    clearing = clearing || x.rule == "clearing-mirror";
  }
  EXPECT_TRUE(mirror) << to_string(v);
  EXPECT_TRUE(clearing) << to_string(v);
  // Completing the batch at the acquirer (same reference) restores them.
  auto r = acquirer_->settle_batch(batch("1", {{BatchItemKind::kCapture, c1, "x", usd(4000), 1}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, BatchSettlementVerdict::kSettled);
  EXPECT_TRUE(check_invariants(*issuer_, *acquirer_).empty()) << to_string(check_invariants(*issuer_, *acquirer_));
}

TEST_F(SettlementTest, InvariantsSeeClearingWithoutABatch) {
  captured("c1", kPanUsd, usd(4000));
  // A balanced entry that clears with the issuer and pays the merchant without any batch.
  const std::string iss = issuer_->id();
  ASSERT_TRUE(acquirer_->ledger().open_account({"settlement:" + iss + ":840", "issuer", AccountKind::kAsset, 840}).ok());
  ASSERT_TRUE(acquirer_->ledger()
                  .open_account({"merchant-settled:M1:840", "merchant M1", AccountKind::kLiability, 840})
                  .ok());
  JournalEntry e{"bogus", "settlement", "no batch", kT0, {{"settlement:" + iss + ":840", 4000},
                                                          {"due-from:" + iss + ":840", -4000},
                                                          {"merchant:M1:840", 4000},
                                                          {"merchant-settled:M1:840", -4000}}};
  ASSERT_TRUE(acquirer_->ledger().post(e).ok());
  auto v = check_invariants(*issuer_, *acquirer_);
  std::set<std::string> rules;
  for (const auto& x : v) rules.insert(x.rule);
  for (const char* r : {"due-from-matches-unsettled", "clearing-matches-batches", "merchant-settled-matches-batches",
                        "merchant-balance-matches-captures", "posting-without-operation", "interbank-mirror",
                        "clearing-mirror"})
    EXPECT_TRUE(rules.count(r)) << r << "\n" << to_string(v);
  check_invariants_at_end_ = false;
}

}  // namespace
}  // namespace openset::roles::bank::testing
