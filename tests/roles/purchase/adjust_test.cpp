// After the purchase: AuthRevReq (notes §4.5), CapRevReq, CredReq, CredRevReq (§4.7) and
// InqReq (§3.11). Each normal path and each refusal asserts the AuthRevCode / CapRevOrCredCode
// (or the ErrorCode) and the ledgers before and after (IssuerBank::position,
// AcquirerBank::merchant_balance); the bank invariants are checked after every test (World).
#include "purchase_fixture.hpp"

#include "openset/seal/signature.hpp"

namespace openset::roles::purchase::testing {
namespace {

using asn1::AuthRevCode;
using asn1::CapRevOrCredCode;
using asn1::CompletionCode;

class AdjustTest : public PurchaseTest {
 protected:
  World::Run bought(std::int64_t cents) {
    World::Run r = w->purchase(usd(cents));
    EXPECT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
    EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kAuthorized);
    return r;
  }
  void capture(const std::string& order, std::optional<Money> amount = std::nullopt) {
    Answer cap = must(w->merchant_engine->capture({{order, amount}}));
    Answer res = w->to_gateway(cap.send.at(0).message);
    ASSERT_TRUE(res.ok()) << res.detail;
    ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  }
  // A request from the merchant to the gateway and the answer back; returns the request.
  Bytes round(Result<Answer> req) {
    Answer a = must(std::move(req));
    Bytes wire = a.send.at(0).message;
    Answer g = w->to_gateway(wire);
    EXPECT_TRUE(g.ok()) << g.detail;
    if (g.ok()) {
      last_answer = g.send.at(0).message;
      Answer m = w->to_merchant(last_answer);
      EXPECT_TRUE(m.ok()) << m.detail;
    }
    return wire;
  }
  // The code of the merchant's latest adjustment, as its AuthRevRes / CapRevRes... said.
  std::int64_t last_code() {
    auto s = must(w->merchant_engine->database().prepare(
        "SELECT code FROM merchant_adjustments ORDER BY created_at DESC, rowid DESC LIMIT 1"));
    EXPECT_TRUE(must(s.step()));
    return s.column_int64(0);
  }
  struct Ledger {
    std::int64_t held, owed, merchant;
    bool operator==(const Ledger&) const = default;
  };
  Ledger ledger() {
    auto p = w->position();
    return Ledger{p.held, p.owed, w->merchant_balance()};
  }
  Credentials other_merchant(const std::string& merchant_id) {
    using pki::CertType;
    auto s = w->suite->id;
    return Credentials{w->suite,
                       key(s, "merchant-sig", false),
                       w->h.ee(*w->h.atlas_mca, CertType::kMerchantSignature, "Atlas", "Other Shop", "merchant-sig",
                               merchant_id),
                       key(s, "merchant-kx", false),
                       w->h.ee(*w->h.atlas_mca, CertType::kMerchantKeyExchange, "Atlas", "Other Shop", "merchant-kx"),
                       {w->h.atlas->certificate(), w->h.atlas_mca->certificate()}};
  }
  // The AuthRevReq the merchant would send for `order`, rebuilt with other credentials or
  // another authorization RRPID.
  Bytes forged_auth_rev(const std::string& order, const Money& new_amount, const Credentials& who,
                        const std::string& merchant_id, std::optional<Bytes> auth_rrpid = std::nullopt) {
    OrderView o = must(w->merchant_engine->order(order));
    auto q = must(w->merchant_engine->database().prepare("SELECT auth_req FROM merchant_orders WHERE order_id = ?1"));
    q.bind(1, std::string_view(order));
    EXPECT_TRUE(must(q.step()));
    Bytes auth_req = q.column_blob(0);
    Pair parts = must(split_pair(must(message_body(auth_req))));
    AuthRevRequest req{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), auth_rrpid.value_or(o.auth_rrpid), o.amount,
                       new_amount, to_bytes(parts.second), o.cap_token};
    return must(make_auth_rev_req(w->env, who, merchant_id, w->gateway.key_exchange_certificate,
                                  w->random.bytes(20), req));
  }
  Bytes last_answer;
};

// ---- AuthRevReq / AuthRevRes ------------------------------------------------------------------

TEST_P(AdjustTest, PartialAuthReversalReleasesTheDifference) {
  w->start();
  World::Run r = bought(5000);
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(3000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{3000, 0, 0}));  // 20.00 released at the issuer
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kAuthorized);
  EXPECT_EQ(o.authorized, usd(3000));
  // The new CapToken captures the new amount; the rest of the hold is gone.
  capture(r.order_id);
  o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kCaptured);
  EXPECT_EQ(o.captured, usd(3000));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(AdjustTest, FullAuthReversalCancelsTheOrder) {
  w->start();
  World::Run r = bought(5000);
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(0)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kReversed);
  EXPECT_EQ(o.authorized, usd(0));
  EXPECT_TRUE(o.cap_token.empty());
  // The AuthRevRes without a CapToken is the plain Enc alternative (notes §4.5).
  auto m = must(unwrap(last_answer));
  EXPECT_EQ(std::get<asn1::Message::kAuthReversalResponse>(m.message.value).value.index(), 1u);
  EXPECT_FALSE(w->merchant_engine->capture({{r.order_id, std::nullopt}}).ok());
}

TEST_P(AdjustTest, AuthReversalAboveTheAuthorizationIsAnInvalidAmount) {
  w->start();
  World::Run r = bought(5000);
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(5001)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kInvalidAmount));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).authorized, usd(5000));
  // Another currency is an amountError.
  round(w->merchant_engine->reverse_authorization(r.order_id, Money{978, 100, -2}));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kAmountError));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
}

TEST_P(AdjustTest, AuthReversalOfACapturedAuthorizationIsRefused) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(1000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kInvalidTransaction));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kCaptured);
}

TEST_P(AdjustTest, AuthReversalOfAnUnknownOrForeignAuthorizationIsAnInvalidTransaction) {
  w->start();
  World::Run r = bought(5000);
  // Unknown: an AuthRRPID the gateway never saw.
  Answer a = w->to_gateway(forged_auth_rev(r.order_id, usd(0), w->merchant, "MER-0001", w->random.bytes(20)));
  ASSERT_TRUE(a.ok()) << a.detail;
  // Foreign: another merchant (certified by the same MCA) names MER-0001's authorization.
  Answer b = w->to_gateway(forged_auth_rev(r.order_id, usd(0), other_merchant("MER-0009"), "MER-0009"));
  ASSERT_TRUE(b.ok()) << b.detail;
  for (const Answer* x : {&a, &b}) {
    auto m = must(unwrap(x->send.at(0).message));
    const auto& res = std::get<asn1::Message::kAuthReversalResponse>(m.message.value);
    ASSERT_EQ(res.value.index(), 1u);  // Enc: no new CapToken
  }
  auto codes = must(w->gateway_engine->database().prepare(
      "SELECT code FROM gateway_adjustment_items WHERE kind = 'authrev' ORDER BY created_at, rowid"));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(must(codes.step()));
    EXPECT_EQ(codes.column_int64(0), static_cast<std::int64_t>(AuthRevCode::kInvalidTransaction));
  }
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
}

TEST_P(AdjustTest, AuthReversalWithAnotherOrdersCapTokenIsInvalid) {
  w->start();
  World::Run r1 = bought(5000);
  World::Run r2 = bought(1000);
  // The merchant's record of order 1 carries order 2's CapToken.
  auto s = must(w->merchant_engine->database().prepare(
      "UPDATE merchant_orders SET cap_token = (SELECT cap_token FROM merchant_orders WHERE order_id = ?2) "
      "WHERE order_id = ?1"));
  s.bind(1, std::string_view(r1.order_id)).bind(2, std::string_view(r2.order_id));
  ASSERT_TRUE(s.run().ok());
  round(w->merchant_engine->reverse_authorization(r1.order_id, usd(0)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(AuthRevCode::kInvalidCapToken));
  EXPECT_EQ(ledger(), (Ledger{6000, 0, 0}));
}

TEST_P(AdjustTest, ReplayedAuthRevReqGetsTheFirstAnswerAndMovesNothing) {
  w->start();
  World::Run r = bought(5000);
  Bytes req = round(w->merchant_engine->reverse_authorization(r.order_id, usd(2000)));
  Bytes first = last_answer;
  EXPECT_EQ(ledger(), (Ledger{2000, 0, 0}));
  Answer again = w->to_gateway(req);
  ASSERT_TRUE(again.ok()) << again.detail;
  EXPECT_EQ(again.send.at(0).message, first);  // byte for byte
  EXPECT_EQ(ledger(), (Ledger{2000, 0, 0}));
  EXPECT_TRUE(w->to_merchant(first).ok());    // the merchant takes the same answer again quietly
  // A second reduction is a new request: 20.00 -> 5.00.
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(500)));
  EXPECT_EQ(last_code(), 0);
  EXPECT_EQ(ledger(), (Ledger{500, 0, 0}));
}

// ---- CredReq / CredRes --------------------------------------------------------------------------

TEST_P(AdjustTest, PartialRefundsNeverExceedTheCapture) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  round(w->merchant_engine->credit(r.order_id, usd(2000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).refunded, usd(2000));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kCaptured);
  round(w->merchant_engine->credit(r.order_id, usd(3001)));  // above what is left
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kCapDataMismatch));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
  round(w->merchant_engine->credit(r.order_id, usd(3000)));
  EXPECT_EQ(last_code(), 0);
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kRefunded);
  EXPECT_EQ(o.refunded, usd(5000));
  round(w->merchant_engine->credit(r.order_id, usd(1)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kCapDataMismatch));
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
}

TEST_P(AdjustTest, ARefundOfAnUncapturedOrderIsNotFound) {
  w->start();
  World::Run r = bought(5000);
  round(w->merchant_engine->credit(r.order_id, usd(1000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kOriginalNotFound));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
}

TEST_P(AdjustTest, ReplayedCredReqGetsTheFirstAnswerAndRefundsOnce) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  Bytes req = round(w->merchant_engine->credit(r.order_id, usd(1500)));
  Bytes first = last_answer;
  Answer again = w->to_gateway(req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.send.at(0).message, first);
  EXPECT_EQ(ledger(), (Ledger{0, 3500, 3500}));
}

TEST_P(AdjustTest, ACredReqLeftWithoutAnswerIsPendingAndSentAgainRefundsOnce) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  EXPECT_TRUE(must(w->merchant_engine->pending_credits(r.order_id)).send.empty());
  // The CredReq reaches the gateway (money moves) but its CredRes is lost.
  Answer sent = must(w->merchant_engine->credit(r.order_id, usd(1500)));
  ASSERT_TRUE(w->to_gateway(sent.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{0, 3500, 3500}));
  EXPECT_FALSE(must(w->merchant_engine->order(r.order_id)).refunded.has_value());
  Answer pending = must(w->merchant_engine->pending_credits(r.order_id));
  ASSERT_EQ(pending.send.size(), 1u);
  EXPECT_EQ(pending.send[0].message, sent.send[0].message);
  // Sent again: the gateway's first answer; the merchant records it; nothing moves twice.
  round(std::move(pending));
  EXPECT_EQ(last_code(), 0);
  EXPECT_EQ(ledger(), (Ledger{0, 3500, 3500}));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).refunded, usd(1500));
  EXPECT_TRUE(must(w->merchant_engine->pending_credits(r.order_id)).send.empty());
}

TEST_P(AdjustTest, AnotherMerchantCannotRefundTheCapture) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  OrderView o = must(w->merchant_engine->order(r.order_id));
  CapRevOrCredItem item{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), usd(5000),
                        std::nullopt};
  Bytes req = must(make_cap_rev_or_cred_req(w->env, other_merchant("MER-0009"), "MER-0009",
                                            w->gateway.key_exchange_certificate, w->random.bytes(20),
                                            CapRevOrCred::kCred, {item}));
  Answer a = w->to_gateway(req);
  ASSERT_TRUE(a.ok()) << a.detail;
  auto codes = must(w->gateway_engine->database().prepare("SELECT code FROM gateway_adjustment_items"));
  ASSERT_TRUE(must(codes.step()));
  EXPECT_EQ(codes.column_int64(0), static_cast<std::int64_t>(CapRevOrCredCode::kOriginalNotFound));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

// ---- CapRevReq / CapRevRes ----------------------------------------------------------------------

TEST_P(AdjustTest, CaptureReversalRestoresTheHoldAndAllowsAnotherCapture) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  round(w->merchant_engine->reverse_capture(r.order_id));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));  // the capture's postings inverted, hold restored
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kAuthorized);
  EXPECT_FALSE(o.captured);
  // The voided capture is not settled.
  EXPECT_TRUE(must(w->acquirer->settlement_report("MER-0001", "2026-02-01")).lines.empty());
  // Captured again (a smaller amount), then the rest of the authorization released.
  capture(r.order_id, usd(4000));
  EXPECT_EQ(ledger(), (Ledger{1000, 4000, 4000}));
  EXPECT_EQ(must(w->acquirer->settlement_report("MER-0001", "2026-02-01")).total, 4000);
}

TEST_P(AdjustTest, CaptureReversalAfterARefundIsRefusedAndTwiceIsADuplicate) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  round(w->merchant_engine->credit(r.order_id, usd(1000)));
  EXPECT_EQ(ledger(), (Ledger{0, 4000, 4000}));
  round(w->merchant_engine->reverse_capture(r.order_id));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kOriginalProcessed));
  EXPECT_EQ(ledger(), (Ledger{0, 4000, 4000}));
  // The refund reversed, the capture can be voided; a second void is a duplicate.
  round(w->merchant_engine->reverse_credit(r.order_id, usd(1000)));
  EXPECT_EQ(last_code(), 0);
  round(w->merchant_engine->reverse_capture(r.order_id));
  EXPECT_EQ(last_code(), 0);
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  // A CapRevReq for the voided capture (the merchant replays its old one under a new RRPID).
  OrderView o = must(w->merchant_engine->order(r.order_id));
  CapRevOrCredItem item{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), usd(5000),
                        o.cap_token};
  Answer a = w->to_gateway(must(make_cap_rev_or_cred_req(w->env, w->merchant, "MER-0001",
                                                         w->gateway.key_exchange_certificate, w->random.bytes(20),
                                                         CapRevOrCred::kCapRev, {item})));
  ASSERT_TRUE(a.ok()) << a.detail;
  auto q = must(w->gateway_engine->database().prepare(
      "SELECT code FROM gateway_adjustment_items ORDER BY created_at DESC, rowid DESC LIMIT 1"));
  ASSERT_TRUE(must(q.step()));
  EXPECT_EQ(q.column_int64(0), static_cast<std::int64_t>(CapRevOrCredCode::kDuplicateRequest));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
}

TEST_P(AdjustTest, CaptureReversalOfAPartOfTheCaptureIsACapDataMismatch) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  OrderView o = must(w->merchant_engine->order(r.order_id));
  CapRevOrCredItem item{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), usd(100),
                        o.cap_token};
  Answer a = w->to_gateway(must(make_cap_rev_or_cred_req(w->env, w->merchant, "MER-0001",
                                                         w->gateway.key_exchange_certificate, w->random.bytes(20),
                                                         CapRevOrCred::kCapRev, {item})));
  ASSERT_TRUE(a.ok()) << a.detail;
  auto q = must(w->gateway_engine->database().prepare("SELECT code FROM gateway_adjustment_items"));
  ASSERT_TRUE(must(q.step()));
  EXPECT_EQ(q.column_int64(0), static_cast<std::int64_t>(CapRevOrCredCode::kCapDataMismatch));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

// ---- CredRevReq / CredRevRes --------------------------------------------------------------------

TEST_P(AdjustTest, CreditReversalPutsTheRefundBack) {
  w->start();
  World::Run r = bought(5000);
  capture(r.order_id);
  round(w->merchant_engine->credit(r.order_id, usd(5000)));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kRefunded);
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
  Bytes req = round(w->merchant_engine->reverse_credit(r.order_id, usd(5000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kCaptured);
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).refunded, usd(0));
  // Replay: the first answer, nothing moves.
  Bytes first = last_answer;
  Answer again = w->to_gateway(req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.send.at(0).message, first);
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  // The same refund again: a duplicate; a refund that never was: not found.
  round(w->merchant_engine->reverse_credit(r.order_id, usd(5000)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kDuplicateRequest));
  round(w->merchant_engine->reverse_credit(r.order_id, usd(999)));
  EXPECT_EQ(last_code(), static_cast<std::int64_t>(CapRevOrCredCode::kOriginalNotFound));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

// ---- InqReq / InqRes ------------------------------------------------------------------------------

TEST_P(AdjustTest, InquiryFollowsTheOrderIntoTheWalletLog) {
  w->start();
  World::Run r = bought(5000);
  auto ask = [&](bool sign) {
    Bytes inq = must(w->wallet->inquire(r.wallet_id, sign));
    Answer a = w->to_merchant(inq);
    EXPECT_TRUE(a.ok()) << a.detail;
    EXPECT_EQ(a.send.at(0).type, "InqRes");
    Answer b = w->to_wallet(a.send.at(0).message);
    EXPECT_TRUE(b.ok()) << b.detail;
    return must(w->wallet->show(r.wallet_id)).entry;
  };
  LogEntry e = ask(true);
  EXPECT_EQ(e.status, WalletStatus::kAuthorized);
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(CompletionCode::kAuthorizationPerformed));
  capture(r.order_id);
  e = ask(true);
  EXPECT_EQ(e.status, WalletStatus::kCaptured);
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(CompletionCode::kCapturePerformed));
  round(w->merchant_engine->credit(r.order_id, usd(1000)));
  e = ask(false);  // the unsigned form with the right TransIDs is answered too
  EXPECT_EQ(e.status, WalletStatus::kRefunded);
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(CompletionCode::kCreditPerformed));
  // The trail keeps each InqReq and InqRes.
  int inq = 0;
  for (const auto& t : must(w->wallet->show(r.wallet_id)).trail) inq += t.type == "InqRes";
  EXPECT_EQ(inq, 3);
  EXPECT_EQ(ledger(), (Ledger{0, 4000, 4000}));  // an inquiry moves nothing
}

TEST_P(AdjustTest, InquiryAboutACancelledAuthorizationAndBeforeThePReq) {
  w->start();
  World::Run r = bought(5000);
  round(w->merchant_engine->reverse_authorization(r.order_id, usd(0)));
  Answer a = w->to_merchant(must(w->wallet->inquire(r.wallet_id)));
  ASSERT_TRUE(a.ok()) << a.detail;
  ASSERT_TRUE(w->to_wallet(a.send.at(0).message).ok());
  EXPECT_EQ(must(w->wallet->show(r.wallet_id)).entry.status, WalletStatus::kCancelled);
  // A purchase whose PReq never reached the merchant: orderNotReceived.
  World::Run r2 = w->purchase(usd(1000), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforePReq);
  Answer b = w->to_merchant(must(w->wallet->inquire(r2.wallet_id)));
  ASSERT_TRUE(b.ok()) << b.detail;
  ASSERT_TRUE(w->to_wallet(b.send.at(0).message).ok());
  LogEntry e = must(w->wallet->show(r2.wallet_id)).entry;
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(CompletionCode::kOrderNotReceived));
  EXPECT_EQ(e.status, WalletStatus::kRequested);
}

TEST_P(AdjustTest, OnlyTheCardholderOfTheOrderGetsAnAnswer) {
  w->start();
  World::Run r = bought(5000);
  Bytes genuine = must(w->wallet->inquire(r.wallet_id));
  asn1::MessageWrapper m = must(unwrap(genuine));
  const auto& sd = std::get<0>(std::get<asn1::Message::kInquiryRequest>(m.message.value).value);
  asn1::InqReqData data = must(asn1::decode<asn1::InqReqData>(*sd.content_info.content));
  auto send = [&](const asn1::InqReqData& d, const Credentials* signer) {
    asn1::InqReq inq;
    if (signer != nullptr) {
      seal::Signer s = must(signer->signer(true));
      inq.value.emplace<0>(must(seal::S(s, content_type(asn1::oid::ContentType::kInqReqData), asn1::encode(d))));
    } else {
      inq.value.emplace<1>(d);
    }
    asn1::Message msg;
    msg.value.emplace<asn1::Message::kInquiryRequest>(std::move(inq));
    return w->to_merchant(wrap(make_header(w->env, std::nullopt, d.rrpid), std::move(msg)));
  };
  // Another cardholder of the same brand, signing the right TransIDs.
  Credentials other{w->suite, key(w->suite->id, "cardholder2", false),
                    w->h.cardholder_cert(*w->h.atlas_cca, "Atlas", "cardholder2"), {}, {},
                    {w->h.atlas->certificate(), w->h.atlas_cca->certificate()}};
  Answer a = send(data, &other);
  EXPECT_EQ(a.refused, ErrorCode::kUnknownXID);
  // Unsigned with the XID but another LID-C (not the TransIDs the merchant issued).
  asn1::InqReqData wrong = data;
  wrong.trans_ids.lid_c = w->random.bytes(20);
  EXPECT_EQ(send(wrong, nullptr).refused, ErrorCode::kUnknownXID);
  // An XID the merchant never issued.
  wrong = data;
  wrong.trans_ids.xid = w->random.bytes(20);
  EXPECT_EQ(send(wrong, nullptr).refused, ErrorCode::kUnknownXID);
  // The genuine one is answered.
  Answer ok = w->to_merchant(genuine);
  ASSERT_TRUE(ok.ok()) << ok.detail;
  EXPECT_TRUE(w->to_wallet(ok.send.at(0).message).ok());
  EXPECT_EQ(must(w->wallet->show(r.wallet_id)).entry.status, WalletStatus::kAuthorized);
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
}

INSTANTIATE_TEST_SUITE_P(Suites, AdjustTest, ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1),
                         suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
