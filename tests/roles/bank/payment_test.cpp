// The payment story through the acquirer to the issuer: authorization holds, captures,
// reversals, refunds, idempotent retries, refusals that move nothing, and failures that leave
// nothing partial. Every test ends with the invariant checker (BankTest::TearDown).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>
#include <tuple>

#include "bank_fixture.hpp"

namespace openset::roles::bank::testing {
namespace {

// An issuer in front of the real one that counts the calls it forwards.
class CountingIssuer final : public roles::Issuer {
 public:
  explicit CountingIssuer(roles::Issuer& inner) : inner_(inner) {}
  std::vector<std::string> bins() const override { return inner_.bins(); }
  Result<std::vector<FormField>> registration_form(std::string_view pan) override {
    return inner_.registration_form(pan);
  }
  Result<CardCheck> verify_cardholder(const CardholderClaim& c) override { return inner_.verify_cardholder(c); }
  Result<AuthorizationDecision> authorize(const AuthorizationRequest& r) override {
    ++authorizations;
    return inner_.authorize(r);
  }
  Result<CaptureResult> capture(const CaptureRequest& r) override {
    ++captures;
    return inner_.capture(r);
  }
  int authorizations = 0;
  int captures = 0;

 private:
  roles::Issuer& inner_;
};

using PaymentTest = BankTest;

TEST_F(PaymentTest, ApprovalPlacesAHoldOnAvailableCredit) {
  auto d = acquirer_->authorize(auth("xid1:rrpid1", kPanUsd, usd(2500)));
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->verdict, AuthVerdict::kApproved);
  EXPECT_TRUE(std::regex_match(d->approval_code, std::regex("[0-9A-Z]{6}"))) << d->approval_code;
  EXPECT_EQ(d->authorization_id.rfind("ISS1-A", 0), 0u) << d->authorization_id;
  EXPECT_EQ(d->amount, usd(2500));
  auto p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.limit, 100000);
  EXPECT_EQ(p.held, 2500);
  EXPECT_EQ(p.owed, 0);
  EXPECT_EQ(p.available, 97500);
  // A hold moves no money between the banks and credits no merchant yet.
  EXPECT_EQ(acquirer_entries(), 0);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 0);
}

TEST_F(PaymentTest, ApprovalCodeIsDeterministic) {
  // Same history in a second pair of banks gives the same ids and codes (no clock, no randomness).
  auto d1 = acquirer_->authorize(auth("r1", kPanUsd, usd(100))).value();
  issuer_.reset();
  acquirer_.reset();
  dir_ += "-again";  // fresh databases (files, or schemas on PostgreSQL)
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  open_banks();
  provision();
  auto d2 = acquirer_->authorize(auth("r1", kPanUsd, usd(100))).value();
  EXPECT_EQ(d1.authorization_id, d2.authorization_id);
  EXPECT_EQ(d1.approval_code, d2.approval_code);
}

TEST_F(PaymentTest, EachDeclineReasonMovesNothing) {
  ASSERT_TRUE(issuer_->open_card({"4111000000000002", "202401", 100000, 840, "Atlas", {}}).ok());
  ASSERT_TRUE(issuer_->open_card({"4111000000000003", kExpiry, 100000, 840, "Atlas", {}}).ok());
  ASSERT_TRUE(issuer_->block_card("4111000000000003").ok());
  auto wrong_expiry = auth("d2", kPanUsd, usd(100));
  wrong_expiry.expiry = "202812";
  auto expired = auth("d3", "4111000000000002", usd(100));
  expired.expiry = "202401";
  auto not_yet_expired = auth("d3b", kPanUsd, usd(100), "M1", 1830297600 /* 2028-01-01 */);
  struct Case {
    AuthorizationRequest req;
    AuthVerdict want;
  };
  const std::vector<Case> cases = {
      {auth("d1", kPanUnknown, usd(100)), AuthVerdict::kUnknownCard},
      {wrong_expiry, AuthVerdict::kExpired},
      {expired, AuthVerdict::kExpired},
      {not_yet_expired, AuthVerdict::kExpired},  // the card's own expiry passed at `at`
      {auth("d4", "4111000000000003", usd(100)), AuthVerdict::kBlocked},
      {auth("d5", kPanUsd, usd(100001)), AuthVerdict::kInsufficientFunds},
      {auth("d6", kPanUsd, Money{840, 1, 0}), AuthVerdict::kCurrency},     // wrong exponent for USD
      {auth("d7", kPanUsd, eur(100)), AuthVerdict::kCurrency},             // not the card's currency
      {auth("d8", kPanUsd, Money{999, 100, -2}), AuthVerdict::kCurrency},  // unknown currency
      {auth("d9", kPanUsd, usd(100), "NOPE"), AuthVerdict::kUnknownMerchant},
      {auth("d10", kPanUsd, usd(100), "M2"), AuthVerdict::kUnknownMerchant},  // suspended
      {auth("d11", "6011000000000004", usd(100)), AuthVerdict::kNoRoute},
  };
  for (const auto& c : cases) {
    auto d = acquirer_->authorize(c.req);
    ASSERT_TRUE(d.ok()) << c.req.reference << ": " << d.error().to_string();
    EXPECT_EQ(d->verdict, c.want) << c.req.reference << ": " << auth_verdict_name(d->verdict);
    EXPECT_TRUE(d->authorization_id.empty());
    EXPECT_TRUE(d->approval_code.empty());
    EXPECT_EQ(d->amount.amount, 0);
  }
  EXPECT_EQ(issuer_entries(), 0);
  EXPECT_EQ(acquirer_entries(), 0);
  EXPECT_EQ(issuer_->position(kPanUsd).value().available, 100000);
  // Every answer was recorded: a retry returns it again.
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_authorizations"), 12);
  EXPECT_EQ(acquirer_->authorize(cases[5].req).value().verdict, AuthVerdict::kInsufficientFunds);
}

TEST_F(PaymentTest, ExactlyTheAvailableCreditIsApprovedThenNothingMore) {
  approve("a1", kPanUsd, usd(60000));
  approve("a2", kPanUsd, usd(40000));
  EXPECT_EQ(acquirer_->authorize(auth("a3", kPanUsd, usd(1))).value().verdict, AuthVerdict::kInsufficientFunds);
  EXPECT_EQ(issuer_->position(kPanUsd).value().available, 0);
}

TEST_F(PaymentTest, PartialThenFullCapture) {
  std::string a = approve("a1", kPanUsd, usd(10000));
  auto c1 = acquirer_->capture(cap("c1", a, usd(3000)));
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  EXPECT_EQ(c1->verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(c1->amount, usd(3000));
  auto p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.owed, 3000);
  EXPECT_EQ(p.held, 7000);
  EXPECT_EQ(p.available, 90000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 3000);

  auto c2 = acquirer_->capture(cap("c2", a, usd(7000))).value();
  EXPECT_EQ(c2.verdict, CaptureVerdict::kCaptured);
  EXPECT_NE(c2.capture_id, c1->capture_id);
  p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.owed, 10000);
  EXPECT_EQ(p.held, 0);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 10000);
  EXPECT_EQ(issuer_->ledger().balance("due-to:ACQ1:840").value(), -10000);
  EXPECT_EQ(acquirer_->ledger().balance("due-from:ISS1:840").value(), 10000);

  // Captured in full: another reference is refused and moves nothing.
  auto entries = issuer_entries();
  auto c3 = acquirer_->capture(cap("c3", a, usd(1))).value();
  EXPECT_EQ(c3.verdict, CaptureVerdict::kAlreadyCaptured);
  EXPECT_TRUE(c3.capture_id.empty());
  EXPECT_EQ(issuer_entries(), entries);
}

TEST_F(PaymentTest, CaptureAboveAuthorizationIsRefused) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  EXPECT_EQ(acquirer_->capture(cap("c1", a, usd(5001))).value().verdict, CaptureVerdict::kExceedsAuthorization);
  ASSERT_EQ(acquirer_->capture(cap("c2", a, usd(4000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(acquirer_->capture(cap("c3", a, usd(1001))).value().verdict, CaptureVerdict::kExceedsAuthorization);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 4000);
  EXPECT_EQ(issuer_->position(kPanUsd).value().held, 1000);
}

TEST_F(PaymentTest, CaptureOfUnknownOrForeignAuthorizationIsRefused) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  EXPECT_EQ(acquirer_->capture(cap("c1", "ISS1-A99999999", usd(10))).value().verdict,
            CaptureVerdict::kUnknownAuthorization);
  ASSERT_TRUE(acquirer_->add_merchant({"M3", {"Atlas"}, {{"name", "Shop Three"}}}).ok());
  EXPECT_EQ(acquirer_->capture(cap("c2", a, usd(10), "M3")).value().verdict, CaptureVerdict::kUnknownAuthorization);
  // Straight to the issuer from an acquirer that did not authorize it.
  auto direct = cap("c3", a, usd(10));
  direct.acquirer_id = "ACQ9";
  EXPECT_EQ(issuer_->capture(direct).value().verdict, CaptureVerdict::kUnknownAuthorization);
  EXPECT_EQ(issuer_entries(), 1);  // the hold only
}

TEST_F(PaymentTest, RetriedAuthorizationReturnsFirstAnswerWithoutAskingTheIssuer) {
  CountingIssuer counting(*issuer_);
  ASSERT_TRUE(acquirer_->add_route("4111", "ISS1", counting).ok());
  auto first = acquirer_->authorize(auth("xid:1", kPanUsd, usd(1500))).value();
  auto before = issuer_->position(kPanUsd).value();
  auto again = acquirer_->authorize(auth("xid:1", kPanUsd, usd(1500)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(counting.authorizations, 1);
  EXPECT_EQ(again->verdict, AuthVerdict::kApproved);
  EXPECT_EQ(again->authorization_id, first.authorization_id);
  EXPECT_EQ(again->approval_code, first.approval_code);
  auto after = issuer_->position(kPanUsd).value();
  EXPECT_EQ(after.held, before.held);
  EXPECT_EQ(issuer_entries(), 1);
  // A repeated reference that the acquirer lost still gets the issuer's first answer.
  auto direct = auth("xid:1", kPanUsd, usd(1500));
  direct.acquirer_id = "ACQ1";
  EXPECT_EQ(issuer_->authorize(direct).value().authorization_id, first.authorization_id);
  EXPECT_EQ(issuer_entries(), 1);
}

TEST_F(PaymentTest, RetriedCaptureReturnsFirstAnswerAndMovesNothing) {
  std::string a = approve("a1", kPanUsd, usd(8000));
  auto c1 = acquirer_->capture(cap("c1", a, usd(8000))).value();
  ASSERT_EQ(c1.verdict, CaptureVerdict::kCaptured);
  auto issuer_balances = issuer_->ledger().balances().value();
  auto acquirer_balances = acquirer_->ledger().balances().value();
  auto ie = issuer_entries(), ae = acquirer_entries();
  for (int i = 0; i < 3; ++i) {
    auto again = acquirer_->capture(cap("c1", a, usd(8000))).value();
    EXPECT_EQ(again.verdict, CaptureVerdict::kCaptured);
    EXPECT_EQ(again.capture_id, c1.capture_id);
    EXPECT_EQ(again.amount, usd(8000));
  }
  EXPECT_EQ(issuer_->ledger().balances().value(), issuer_balances);
  EXPECT_EQ(acquirer_->ledger().balances().value(), acquirer_balances);
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(acquirer_entries(), ae);
}

TEST_F(PaymentTest, ReusedReferenceWithOtherContentIsAConflict) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  auto ie = issuer_entries();
  EXPECT_EQ(acquirer_->authorize(auth("a1", kPanUsd, usd(5001))).value().verdict, AuthVerdict::kConflict);
  EXPECT_EQ(acquirer_->authorize(auth("a1", kPanEur, eur(5000))).value().verdict, AuthVerdict::kConflict);
  ASSERT_EQ(acquirer_->capture(cap("c1", a, usd(1000))).value().verdict, CaptureVerdict::kCaptured);
  auto conflict = acquirer_->capture(cap("c1", a, usd(2000))).value();
  EXPECT_EQ(conflict.verdict, CaptureVerdict::kConflict);
  EXPECT_TRUE(conflict.capture_id.empty());
  // The issuer applies the same rule on its own.
  auto direct = cap("c1", a, usd(2000));
  direct.acquirer_id = "ACQ1";
  EXPECT_EQ(issuer_->capture(direct).value().verdict, CaptureVerdict::kConflict);
  EXPECT_EQ(issuer_entries(), ie + 1);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 1000);
  // The original request still gets its original answer.
  EXPECT_EQ(acquirer_->authorize(auth("a1", kPanUsd, usd(5000))).value().authorization_id, a);
}

TEST_F(PaymentTest, ReleaseReturnsCreditAndBlocksLaterCapture) {
  std::string a = approve("a1", kPanUsd, usd(10000));
  auto r = acquirer_->release("rel1", a, usd(10000), kT0 + 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->verdict, ReleaseVerdict::kReleased);
  EXPECT_EQ(issuer_->position(kPanUsd).value().available, 100000);
  EXPECT_EQ(acquirer_->capture(cap("c1", a, usd(100))).value().verdict, CaptureVerdict::kReleased);
  // Retry of the release: same answer, nothing moves.
  auto ie = issuer_entries();
  EXPECT_EQ(acquirer_->release("rel1", a, usd(10000)).value().release_id, r->release_id);
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(acquirer_->release("rel2", a, usd(1)).value().verdict, ReleaseVerdict::kExceedsRemaining);
}

TEST_F(PaymentTest, PartialReleaseLeavesTheRestCapturable) {
  std::string a = approve("a1", kPanUsd, usd(10000));
  ASSERT_EQ(issuer_->release("rel1", a, usd(4000)).value().verdict, ReleaseVerdict::kReleased);
  EXPECT_EQ(issuer_->position(kPanUsd).value().held, 6000);
  EXPECT_EQ(acquirer_->capture(cap("c1", a, usd(7000))).value().verdict, CaptureVerdict::kExceedsAuthorization);
  EXPECT_EQ(acquirer_->capture(cap("c2", a, usd(6000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(acquirer_->capture(cap("c3", a, usd(1))).value().verdict, CaptureVerdict::kAlreadyCaptured);
  EXPECT_EQ(issuer_->release("rel2", a, usd(1)).value().verdict, ReleaseVerdict::kExceedsRemaining);
  EXPECT_EQ(issuer_->release("rel3", "ISS1-A77777777", usd(1)).value().verdict,
            ReleaseVerdict::kUnknownAuthorization);
  auto p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.held, 0);
  EXPECT_EQ(p.owed, 6000);
}

TEST_F(PaymentTest, RefundsStayWithinCaptures) {
  std::string a = approve("a1", kPanUsd, usd(10000));
  auto c = acquirer_->capture(cap("c1", a, usd(10000))).value();
  ASSERT_EQ(c.verdict, CaptureVerdict::kCaptured);
  auto f1 = acquirer_->refund("f1", c.capture_id, usd(3000), kT0 + kDay);
  ASSERT_TRUE(f1.ok()) << f1.error().to_string();
  EXPECT_EQ(f1->verdict, CreditVerdict::kCredited);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 7000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 7000);
  // Retry: the same credit, nothing more.
  EXPECT_EQ(acquirer_->refund("f1", c.capture_id, usd(3000)).value().credit_id, f1->credit_id);
  EXPECT_EQ(acquirer_->refund("f1", c.capture_id, usd(3001)).value().verdict, CreditVerdict::kConflict);
  EXPECT_EQ(acquirer_->refund("f2", c.capture_id, usd(7001)).value().verdict, CreditVerdict::kExceedsCaptured);
  EXPECT_EQ(acquirer_->refund("f3", c.capture_id, usd(7000)).value().verdict, CreditVerdict::kCredited);
  EXPECT_EQ(acquirer_->refund("f4", c.capture_id, usd(1)).value().verdict, CreditVerdict::kExceedsCaptured);
  EXPECT_EQ(acquirer_->refund("f5", "ISS1-C55555555", usd(1)).value().verdict, CreditVerdict::kUnknownCapture);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 0);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 0);
  EXPECT_EQ(issuer_->ledger().balance("due-to:ACQ1:840").value(), 0);
  EXPECT_EQ(acquirer_->ledger().balance("due-from:ISS1:840").value(), 0);
}

TEST_F(PaymentTest, CaptureReversalRestoresTheHoldAndIsIdempotent) {
  std::string a = approve("a1", kPanUsd, usd(10000));
  auto c = acquirer_->capture(cap("c1", a, usd(10000))).value();
  ASSERT_EQ(c.verdict, CaptureVerdict::kCaptured);
  // Refunded in part: the capture cannot be voided.
  auto f = acquirer_->refund("f1", c.capture_id, usd(2500)).value();
  ASSERT_EQ(f.verdict, CreditVerdict::kCredited);
  EXPECT_EQ(acquirer_->reverse_capture("v0", c.capture_id).value().verdict, ReversalVerdict::kRefunded);
  // The refund reversed: owed back to 10000; then the capture voided: the hold is back.
  auto fr = acquirer_->reverse_refund("w1", f.credit_id).value();
  ASSERT_EQ(fr.verdict, ReversalVerdict::kReversed);
  EXPECT_EQ(fr.amount, usd(2500));
  EXPECT_EQ(acquirer_->reverse_refund("w2", f.credit_id).value().verdict, ReversalVerdict::kAlreadyReversed);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 10000);
  auto ie = issuer_entries();
  auto v = acquirer_->reverse_capture("v1", c.capture_id, kT0 + 5).value();
  ASSERT_EQ(v.verdict, ReversalVerdict::kReversed);
  EXPECT_EQ(issuer_entries(), ie + 1);
  auto p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.owed, 0);
  EXPECT_EQ(p.held, 10000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 0);
  // Retry: the same answer, nothing moves; same reference for another capture: conflict.
  EXPECT_EQ(acquirer_->reverse_capture("v1", c.capture_id).value().reversal_id, v.reversal_id);
  EXPECT_EQ(issuer_entries(), ie + 1);
  EXPECT_EQ(acquirer_->reverse_capture("v2", c.capture_id).value().verdict, ReversalVerdict::kAlreadyReversed);
  EXPECT_EQ(acquirer_->reverse_capture("v3", "ISS1-C55555555").value().verdict, ReversalVerdict::kUnknown);
  // A voided capture takes no refund; the authorization can be captured again (new reference).
  EXPECT_EQ(acquirer_->refund("f2", c.capture_id, usd(1)).value().verdict, CreditVerdict::kUnknownCapture);
  EXPECT_EQ(acquirer_->capture(cap("c2", a, usd(6000))).value().verdict, CaptureVerdict::kCaptured);
  p = issuer_->position(kPanUsd).value();
  EXPECT_EQ(p.owed, 6000);
  EXPECT_EQ(p.held, 4000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 6000);
  EXPECT_EQ(issuer_->ledger().balance("due-to:ACQ1:840").value(), -6000);
  EXPECT_EQ(acquirer_->ledger().balance("due-from:ISS1:840").value(), 6000);
}

TEST_F(PaymentTest, MultiCurrency) {
  std::string u = approve("u", kPanUsd, usd(1999));
  std::string e = approve("e", kPanEur, eur(4550));
  std::string y = approve("y", kPanJpy, jpy(12000));
  // JPY has no minor unit: an amount in "cents" is refused.
  EXPECT_EQ(acquirer_->authorize(auth("y2", kPanJpy, Money{392, 1200000, -2})).value().verdict, AuthVerdict::kCurrency);
  for (const auto& [ref, id, m] : {std::tuple{"cu", u, usd(1999)}, std::tuple{"ce", e, eur(4550)},
                                   std::tuple{"cy", y, jpy(12000)}})
    ASSERT_EQ(acquirer_->capture(cap(ref, id, m)).value().verdict, CaptureVerdict::kCaptured) << ref;
  // A capture in another currency than its authorization cannot be answered.
  auto wrong = acquirer_->capture(cap("cx", u, eur(1)));
  EXPECT_FALSE(wrong.ok());
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 1999);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 978).value(), 4550);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 392).value(), 12000);
  EXPECT_EQ(issuer_->ledger().balance("due-to:ACQ1:392").value(), -12000);
  auto report = acquirer_->settlement_report("M1", "2025-03-14").value();
  EXPECT_EQ(report.lines.size(), 3u);
  EXPECT_EQ(report.currency, 0);  // more than one currency: see totals
  EXPECT_EQ(report.totals.at(840), 1999);
  EXPECT_EQ(report.totals.at(978), 4550);
  EXPECT_EQ(report.totals.at(392), 12000);
}

TEST_F(PaymentTest, SettlementReportForOneMerchantAndDay) {
  ASSERT_TRUE(acquirer_->add_merchant({"M3", {"Atlas"}, {{"name", "Shop, \"Three\""}}}).ok());
  std::string a1 = approve("a1", kPanUsd, usd(10000));
  std::string a2 = approve("a2", kPanUsd, usd(5000));
  auto other = acquirer_->authorize(auth("a3", kPanUsd, usd(700), "M3")).value();
  ASSERT_EQ(acquirer_->capture(cap("c1", a1, usd(2500), "M1", kT0)).value().verdict, CaptureVerdict::kCaptured);
  ASSERT_EQ(acquirer_->capture(cap("c2", a1, usd(1234), "M1", kT0 + 3600)).value().verdict, CaptureVerdict::kCaptured);
  ASSERT_EQ(acquirer_->capture(cap("c3", a2, usd(5000), "M1", kT0 + kDay)).value().verdict, CaptureVerdict::kCaptured);
  ASSERT_EQ(acquirer_->capture(cap("c4", other.authorization_id, usd(700), "M3", kT0)).value().verdict,
            CaptureVerdict::kCaptured);
  ASSERT_EQ(acquirer_->capture(cap("c5", a2, usd(1), "M1", kT0)).value().verdict, CaptureVerdict::kAlreadyCaptured);

  auto r = acquirer_->settlement_report("M1", "2025-03-14").value();
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].reference, "c1");
  EXPECT_EQ(r.lines[1].reference, "c2");
  EXPECT_EQ(r.lines[0].authorization_id, a1);
  EXPECT_EQ(r.currency, 840);
  EXPECT_EQ(r.total, 3734);
  EXPECT_EQ(acquirer_->settlement_report("M1", "2025-03-15").value().total, 5000);
  EXPECT_TRUE(acquirer_->settlement_report("M1", "2025-03-13").value().lines.empty());
  EXPECT_FALSE(acquirer_->settlement_report("M1", "2025-02-30").ok());
  EXPECT_FALSE(acquirer_->settlement_report("M1", "14/03/2025").ok());
  EXPECT_FALSE(acquirer_->settlement_report("NOPE", "2025-03-14").ok());

  std::string csv = settlement_csv(r);
  EXPECT_EQ(csv,
            "merchant_id,day,type,batch,id,original_id,reference,currency,amount,amount_minor,at\r\n"
            "M1,2025-03-14,capture,," + r.lines[0].capture_id + "," + a1 + ",c1,USD,25.00,2500,2025-03-14T12:00:00Z\r\n"
            "M1,2025-03-14,capture,," + r.lines[1].capture_id + "," + a1 + ",c2,USD,12.34,1234,2025-03-14T13:00:00Z\r\n"
            "M1,2025-03-14,CAPTURES,,,,,USD,37.34,3734,\r\n"
            "M1,2025-03-14,CAPTURE-REVERSALS,,,,,USD,0.00,0,\r\n"
            "M1,2025-03-14,CREDITS,,,,,USD,0.00,0,\r\n"
            "M1,2025-03-14,CREDIT-REVERSALS,,,,,USD,0.00,0,\r\n"
            "M1,2025-03-14,SETTLED,,,,,USD,0.00,0,\r\n"
            "M1,2025-03-14,TOTAL,,,,,USD,37.34,3734,\r\n");
  auto j = nlohmann::json::parse(settlement_json(r));
  EXPECT_EQ(j["merchant_id"], "M1");
  EXPECT_EQ(j["day"], "2025-03-14");
  ASSERT_EQ(j["lines"].size(), 2u);
  EXPECT_EQ(j["lines"][1]["amount"], "12.34");
  EXPECT_EQ(j["lines"][1]["amount_minor"], 1234);
  EXPECT_EQ(j["lines"][0]["at"], "2025-03-14T12:00:00Z");
  ASSERT_EQ(j["totals"].size(), 1u);
  EXPECT_EQ(j["totals"][0]["currency"], "USD");
  EXPECT_EQ(j["totals"][0]["total"], "37.34");
  EXPECT_EQ(j["totals"][0]["total_minor"], 3734);
  // CSV quoting of awkward text.
  auto r3 = acquirer_->settlement_report("M3", "2025-03-14").value();
  r3.items[0].reference = "a,\"b\"";
  EXPECT_NE(settlement_csv(r3).find(",\"a,\"\"b\"\"\",USD,"), std::string::npos);
}

TEST_F(PaymentTest, FailureInsideTheIssuerLeavesNothing) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  auto before = issuer_->ledger().balances().value();
  auto ie = issuer_entries();
  // Inject a storage failure on the last write of the capture (its interbank posting).
  ASSERT_TRUE(inject_failure(issuer_->database(), "ledger_postings", "NEW.account LIKE 'due-to:%'"));
  auto c = acquirer_->capture(cap("c1", a, usd(5000)));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("injected failure"), std::string::npos) << c.error().message;
  EXPECT_EQ(issuer_->ledger().balances().value(), before);
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(count(issuer_->database(), "SELECT count(*) FROM captures"), 0);
  EXPECT_EQ(count(issuer_->database(), "SELECT count(*) FROM ledger_accounts WHERE id LIKE 'due-to:%'"), 0);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_captures"), 0);
  EXPECT_EQ(acquirer_entries(), 0);
  // Once storage works again the same request goes through, once.
  ASSERT_TRUE(heal(issuer_->database(), "ledger_postings"));
  EXPECT_EQ(acquirer_->capture(cap("c1", a, usd(5000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 5000);
}

TEST_F(PaymentTest, FailedAuthorizationWriteLeavesNoHold) {
  ASSERT_TRUE(inject_failure(issuer_->database(), "authorizations"));
  auto d = acquirer_->authorize(auth("a1", kPanUsd, usd(5000)));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(issuer_entries(), 0);  // the hold posted before the failing insert was rolled back
  EXPECT_EQ(issuer_->position(kPanUsd).value().held, 0);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_authorizations"), 0);
  ASSERT_TRUE(heal(issuer_->database(), "authorizations"));
  approve("a1", kPanUsd, usd(5000));
}

TEST_F(PaymentTest, CrashBetweenIssuerAndAcquirerHealsOnRetry) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  ASSERT_TRUE(inject_failure(acquirer_->database(), "acq_captures"));
  ASSERT_FALSE(acquirer_->capture(cap("c1", a, usd(5000))).ok());
  EXPECT_EQ(acquirer_entries(), 0);  // the acquirer's posting went with its failed record
  // The issuer did post: the banks disagree until the gateway retries, and the checker says so.
  auto v = check_invariants(*issuer_, *acquirer_);
  ASSERT_FALSE(v.empty());
  bool mirror = false;
  for (const auto& x : v) mirror = mirror || x.rule == "interbank-mirror";
  EXPECT_TRUE(mirror) << to_string(v);
  ASSERT_TRUE(heal(acquirer_->database(), "acq_captures"));
  auto ie = issuer_entries();
  auto c = acquirer_->capture(cap("c1", a, usd(5000))).value();
  EXPECT_EQ(c.verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(issuer_entries(), ie);  // the issuer answered from its record
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 5000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 5000);
}

TEST_F(PaymentTest, RefusedWhenTheDatabaseIsReadOnly) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  const bool pg = issuer_->database().is_postgres();
  ASSERT_TRUE(issuer_->database().exec(pg ? "SET default_transaction_read_only = on" : "PRAGMA query_only = ON").ok());
  auto c = acquirer_->capture(cap("c1", a, usd(100)));
  EXPECT_FALSE(c.ok());
  ASSERT_TRUE(issuer_->database().exec(pg ? "SET default_transaction_read_only = off" : "PRAGMA query_only = OFF").ok());
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 0);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_captures"), 0);
}

TEST_F(PaymentTest, StateSurvivesReopening) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  auto c = acquirer_->capture(cap("c1", a, usd(2000))).value();
  acquirer_.reset();
  issuer_.reset();
  open_banks();
  ASSERT_TRUE(acquirer_->add_routes(*issuer_).ok());
  EXPECT_EQ(issuer_->bins().size(), 2u);
  EXPECT_EQ(acquirer_->capture(cap("c1", a, usd(2000))).value().capture_id, c.capture_id);
  EXPECT_EQ(acquirer_->capture(cap("c2", a, usd(3000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(issuer_->position(kPanUsd).value().owed, 5000);
  // A database answers only to the bank it was created for.
  EXPECT_FALSE(IssuerBank::open(issuer_path(), IssuerProfile{"ISS2", "Other"}).ok());
  EXPECT_FALSE(AcquirerBank::open(acquirer_path(), AcquirerProfile{"ACQ2", "400002", "Other", ""}).ok());
}

TEST_F(PaymentTest, AcquirerDatabaseNeverHoldsThePan) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  ASSERT_EQ(acquirer_->capture(cap("c1", a, usd(5000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(acquirer_->authorize(auth("a2", kPanEur, eur(999999))).value().verdict, AuthVerdict::kInsufficientFunds);
  EXPECT_EQ(acquirer_->authorize(auth("a3", kPanUnknown, usd(1))).value().verdict, AuthVerdict::kUnknownCard);
  auto file_bytes = [&](const std::string& path) {
    if (store::is_postgres_location(path)) return openset::test::pg_database_bytes(path);
    Bytes all;
    for (const char* suffix : {"", "-wal"}) {
      if (!std::filesystem::exists(path + suffix)) continue;
      Bytes b = openset::test::read_file(path + suffix);
      all.insert(all.end(), b.begin(), b.end());
    }
    return all;
  };
  auto bytes_of = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  Bytes acq = file_bytes(acquirer_path());
  ASSERT_FALSE(acq.empty());
  for (const auto& pan : {kPanUsd, kPanEur, kPanUnknown})
    EXPECT_FALSE(openset::test::contains(acq, bytes_of(pan))) << "PAN ending " << pan.substr(12);
  EXPECT_TRUE(openset::test::contains(acq, bytes_of("1111")));  // the last four are kept
  // The scan does find a PAN where one is stored: the issuer's file.
  EXPECT_TRUE(openset::test::contains(file_bytes(issuer_path()), bytes_of(kPanUsd)));
}

TEST_F(PaymentTest, ErrorsNameCardsByTheirLastFourDigits) {
  auto dup = issuer_->open_card({kPanUsd, kExpiry, 1, 840, "Atlas", {}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message.find(kPanUsd), std::string::npos) << dup.error().message;
  EXPECT_NE(dup.error().message.find("1111"), std::string::npos);
  auto foreign = issuer_->registration_form("6011000000000004");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().message.find("6011000000000004"), std::string::npos) << foreign.error().message;
  auto outside = issuer_->open_card({"6011000000000004", kExpiry, 1, 840, "Atlas", {}});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().message.find("6011000000000004"), std::string::npos);
  EXPECT_FALSE(issuer_->block_card(kPanUnknown).ok());
}

TEST_F(PaymentTest, MalformedRequestsAreErrorsAndMoveNothing) {
  EXPECT_FALSE(acquirer_->authorize(auth("", kPanUsd, usd(1))).ok());
  EXPECT_FALSE(acquirer_->authorize(auth("z", kPanUsd, usd(0))).ok());
  EXPECT_FALSE(acquirer_->authorize(auth("z", kPanUsd, usd(-5))).ok());
  std::string a = approve("a1", kPanUsd, usd(5000));
  EXPECT_FALSE(acquirer_->capture(cap("c", a, usd(0))).ok());
  EXPECT_FALSE(issuer_->release("r", a, usd(0)).ok());
  EXPECT_EQ(issuer_entries(), 1);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_captures"), 0);
}

// ---------------------------------------------------------------------------------------------
// The checker itself: corrupt the records behind the engines' backs, expect it to notice.

TEST_F(PaymentTest, InvariantCheckerFindsAnUnbalancedEntry) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  ASSERT_EQ(acquirer_->capture(cap("c1", a, usd(5000))).value().verdict, CaptureVerdict::kCaptured);
  ASSERT_TRUE(check_invariants(*issuer_, *acquirer_).empty());
  check_invariants_at_end_ = false;
  ASSERT_TRUE(issuer_->database()
                  .exec("INSERT INTO ledger_postings (entry, line, account, currency, amount) "
                        "SELECT id, 9, 'card:1', 840, 100 FROM ledger_entries WHERE kind = 'capture'")
                  .ok());
  auto v = check_invariants(*issuer_, *acquirer_);
  std::set<std::string> rules;
  for (const auto& x : v) rules.insert(x.rule);
  EXPECT_TRUE(rules.count("balanced-entry")) << to_string(v);
  EXPECT_TRUE(rules.count("conservation")) << to_string(v);
  EXPECT_TRUE(rules.count("owed-matches-captures")) << to_string(v);
}

TEST_F(PaymentTest, InvariantCheckerFindsACaptureAboveItsAuthorization) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  ASSERT_EQ(acquirer_->capture(cap("c1", a, usd(5000))).value().verdict, CaptureVerdict::kCaptured);
  check_invariants_at_end_ = false;
  ASSERT_TRUE(issuer_->database().exec("UPDATE captures SET amount = 6000").ok());
  ASSERT_TRUE(acquirer_->database().exec("UPDATE acq_captures SET amount = 6000").ok());
  auto v = check_invariants(*issuer_, *acquirer_);
  std::set<std::string> rules;
  for (const auto& x : v) rules.insert(x.rule);
  EXPECT_TRUE(rules.count("capture-within-authorization")) << to_string(v);
  EXPECT_TRUE(rules.count("holds-match-authorizations")) << to_string(v);
  EXPECT_TRUE(rules.count("merchant-balance-matches-captures")) << to_string(v);
}

TEST_F(PaymentTest, InvariantCheckerFindsAPostingForADeclineAndALostMirror) {
  std::string a = approve("a1", kPanUsd, usd(5000));
  ASSERT_EQ(acquirer_->authorize(auth("d1", kPanUsd, usd(999999))).value().verdict, AuthVerdict::kInsufficientFunds);
  ASSERT_EQ(acquirer_->capture(cap("c1", a, usd(5000))).value().verdict, CaptureVerdict::kCaptured);
  check_invariants_at_end_ = false;
  // Pretend the decline had been approved with the hold's entry, and lose the acquirer's capture.
  ASSERT_TRUE(issuer_->database().exec("PRAGMA ignore_check_constraints = ON").ok());
  ASSERT_TRUE(issuer_->database()
                  .exec("UPDATE authorizations SET entry = (SELECT id FROM ledger_entries WHERE kind = 'capture') "
                        "WHERE reference = 'd1'")
                  .ok());
  ASSERT_TRUE(acquirer_->database().exec("PRAGMA ignore_check_constraints = ON").ok());
  ASSERT_TRUE(acquirer_->database().exec("UPDATE acq_captures SET capture_id = 'lost'").ok());
  auto v = check_invariants(*issuer_, *acquirer_);
  std::set<std::string> rules;
  for (const auto& x : v) rules.insert(x.rule);
  EXPECT_TRUE(rules.count("refused-without-posting")) << to_string(v);
  EXPECT_TRUE(rules.count("capture-mirror")) << to_string(v);
}

}  // namespace
}  // namespace openset::roles::bank::testing

namespace openset::roles::bank::testing {
namespace {

TEST_F(BankTest, LongestBinPrefixRoutesToTheRightIssuerAndBothSettle) {
  auto second = IssuerBank::open(test::test_db(dir_, "issuer2"), IssuerProfile{"ISS2", "Second Issuer"});
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  std::unique_ptr<IssuerBank> iss2 = std::move(*second);
  ASSERT_TRUE(iss2->add_bin("411122", "Atlas").ok());
  const std::string pan2 = "4111229999990000";
  ASSERT_TRUE(iss2->open_card({pan2, kExpiry, 20000, 840, "Atlas", {}}).ok());
  ASSERT_TRUE(acquirer_->add_routes(*iss2).ok());

  std::string a1 = approve("a1", kPanUsd, usd(1000));
  std::string a2 = approve("a2", pan2, usd(2000));
  EXPECT_EQ(a1.rfind("ISS1-", 0), 0u);
  EXPECT_EQ(a2.rfind("ISS2-", 0), 0u);
  // 4111222233334444 is ISS1's card but falls in ISS2's longer BIN: ISS2 does not know it.
  EXPECT_EQ(acquirer_->authorize(auth("a3", kPanJpy, jpy(10))).value().verdict, AuthVerdict::kUnknownCard);
  ASSERT_EQ(acquirer_->capture(cap("c1", a1, usd(1000))).value().verdict, CaptureVerdict::kCaptured);
  ASSERT_EQ(acquirer_->capture(cap("c2", a2, usd(2000))).value().verdict, CaptureVerdict::kCaptured);
  EXPECT_EQ(acquirer_->ledger().balance("due-from:ISS1:840").value(), 1000);
  EXPECT_EQ(acquirer_->ledger().balance("due-from:ISS2:840").value(), 2000);
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), 3000);
  auto v = check_invariants({issuer_.get(), iss2.get()}, {acquirer_.get()});
  EXPECT_TRUE(v.empty()) << to_string(v);
  acquirer_.reset();  // it points at iss2, which goes first
  check_invariants_at_end_ = false;
}

}  // namespace
}  // namespace openset::roles::bank::testing
