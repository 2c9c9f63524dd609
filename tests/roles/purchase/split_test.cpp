// Split shipments (AuthReq with subsequentAuthInd, later AuthReqs whose PI is the AuthToken) and
// installment / recurring payments (InstallRecurData signed once by the cardholder). Each step
// asserts the AuthCode / CapCode (or the ErrorCode) and the ledgers (IssuerBank::position,
// AcquirerBank::merchant_balance); the bank invariants are checked after every test (World).
#include "purchase_fixture.hpp"

#include <algorithm>

#include "openset/roles/purchase/messages.hpp"
#include "openset/seal/dual_signature.hpp"

namespace openset::roles::purchase::testing {
namespace {

constexpr std::int64_t kDay = 24 * 3600;

asn1::InstallRecurData installments(std::int64_t n) {
  asn1::InstallRecurData d;
  d.install_recur_ind.value = n;
  return d;
}
asn1::InstallRecurData recurring(std::int64_t every_days, std::int64_t expiry) {
  asn1::InstallRecurData d;
  asn1::Recurring r;
  r.recurring_frequency = every_days;
  r.recurring_expiry = der::Time::from_unix(expiry);
  d.install_recur_ind.value = r;
  return d;
}

class SplitTest : public PurchaseTest {
 protected:
  struct Bought {
    std::string order_id;
    Bytes preq, auth_req;
    Answer refused;  // the first refusal, if any
  };
  // One purchase with payment terms; the wallet signs `wallet_ir` (default: the terms').
  // Stops before the gateway when `stop_before_gateway`.
  Bought buy(std::int64_t cents, const PaymentTerms& terms,
             std::optional<std::optional<asn1::InstallRecurData>> wallet_ir = std::nullopt,
             bool stop_before_gateway = false) {
    Bought b;
    b.order_id = must(w->merchant_engine->create_order(as_bytes(kOD), usd(cents)));
    EXPECT_TRUE(w->merchant_engine->set_payment_terms(b.order_id, terms).ok());
    PurchaseOrder po;
    po.merchant = "Harbour Street Books";
    po.od = to_bytes(kOD);
    po.amount = usd(cents);
    po.lid_m = to_bytes(b.order_id);
    po.od_summary = "3 books";
    po.install_recur = wallet_ir ? *wallet_ir : terms.install_recur;
    Started s = must(w->wallet->start_purchase(po));
    auto failed = [&](const Answer& a) {
      if (a.ok()) return false;
      b.refused = a;
      return true;
    };
    Answer a = w->to_merchant(s.message);
    if (failed(a)) return b;
    a = w->to_wallet(a.send.at(0).message);
    if (failed(a)) return b;
    b.preq = a.send.at(0).message;
    a = w->to_merchant(b.preq);
    if (failed(a)) return b;
    b.auth_req = a.send.at(0).message;
    if (stop_before_gateway) return b;
    a = w->to_gateway(b.auth_req);
    if (failed(a)) return b;
    a = w->to_merchant(a.send.at(0).message);
    if (failed(a)) return b;
    EXPECT_TRUE(w->to_wallet(a.send.at(0).message).ok());
    return b;
  }
  Bought bought(std::int64_t cents, const PaymentTerms& terms) {
    Bought b = buy(cents, terms);
    EXPECT_TRUE(b.refused.ok()) << b.refused.detail;
    OrderView o = must(w->merchant_engine->order(b.order_id));
    EXPECT_EQ(o.state, OrderState::kAuthorized);
    EXPECT_TRUE(o.has_auth_token);
    return b;
  }
  // CapReq for one part; returns its CapCode as the merchant recorded it.
  std::int64_t capture(const std::string& order, int part, std::optional<Money> amount = std::nullopt) {
    Answer cap = must(w->merchant_engine->capture_part(order, part, amount));
    Answer res = w->to_gateway(cap.send.at(0).message);
    EXPECT_TRUE(res.ok()) << res.detail;
    if (!res.ok()) return -1;
    EXPECT_TRUE(w->to_merchant(res.send.at(0).message).ok());
    OrderView o = must(w->merchant_engine->order(order));
    return o.parts.at(static_cast<std::size_t>(part - 1)).cap_code.value_or(-1);
  }
  // A later AuthReq for `cents`; the gateway's answer is delivered to the merchant.
  struct Next {
    Bytes auth_req;
    Answer gateway;  // AuthRes, or the Error it refused with
    std::optional<std::int64_t> auth_code;
  };
  Next next(const std::string& order, std::int64_t cents) {
    Next n;
    Answer a = must(w->merchant_engine->authorize_next(order, usd(cents)));
    n.auth_req = a.send.at(0).message;
    n.gateway = w->to_gateway(n.auth_req);
    if (!n.gateway.send.empty()) {
      EXPECT_TRUE(w->to_merchant(n.gateway.send.at(0).message).ok());
    }
    OrderView o = must(w->merchant_engine->order(order));
    n.auth_code = o.parts.back().auth_code;
    return n;
  }
  struct Ledger {
    std::int64_t held, owed, merchant;
    bool operator==(const Ledger&) const = default;
  };
  Ledger ledger() {
    auto p = w->position();
    return Ledger{p.held, p.owed, w->merchant_balance()};
  }
  Bytes token_of(const std::string& order) {
    auto q = must(w->merchant_engine->database().prepare(
        "SELECT auth_token FROM merchant_payment_terms WHERE order_id = ?1"));
    q.bind(1, std::string_view(order));
    EXPECT_TRUE(must(q.step()));
    return q.column_is_null(0) ? Bytes{} : q.column_blob(0);
  }
  void set_token(const std::string& order, const Bytes& token) {
    auto q = must(w->merchant_engine->database().prepare(
        "UPDATE merchant_payment_terms SET auth_token = ?1 WHERE order_id = ?2"));
    q.bind(1, ByteView(token)).bind(2, std::string_view(order));
    EXPECT_TRUE(q.run().ok());
  }
  static std::int64_t code(AuthCode c) { return static_cast<std::int64_t>(c); }
  static std::int64_t code(CapCode c) { return static_cast<std::int64_t>(c); }
  PaymentTerms split() { return PaymentTerms{true, std::nullopt}; }
};

// ---- split shipments ------------------------------------------------------------------------

TEST_P(SplitTest, SplitShipmentInTwoParts) {
  w->start();
  Bought b = bought(5000, split());
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  // The first AuthRes carries an AuthToken, opaque to the merchant (no PAN in its database).
  const Bytes token = token_of(b.order_id);
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(std::search(token.begin(), token.end(), kPan.begin(), kPan.end()), token.end());
  // Part 1 shipped: 20.00 captured, the rest of the hold released.
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
  // Part 2: a new authorization with the AuthToken for the 30.00 left, then its capture.
  Next n = next(b.order_id, 3000);
  ASSERT_TRUE(n.gateway.ok()) << n.gateway.detail;
  EXPECT_EQ(n.auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{3000, 2000, 2000}));
  OrderView o = must(w->merchant_engine->order(b.order_id));
  ASSERT_EQ(o.parts.size(), 2u);
  EXPECT_EQ(o.parts[1].authorized, usd(3000));
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  o = must(w->merchant_engine->order(b.order_id));
  EXPECT_EQ(o.parts[0].captured, usd(2000));
  EXPECT_EQ(o.parts[1].captured, usd(3000));
  EXPECT_EQ(o.parts[1].state, "captured");
  // All that was signed is captured: the token the merchant still holds buys nothing more.
  EXPECT_TRUE(o.has_auth_token);
  EXPECT_EQ(next(b.order_id, 1).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
  // The PAN never reached the merchant's database (notes §8.1), tokens and all.
  Bytes db = database_bytes(w->dir / "merchant.db");
  EXPECT_EQ(std::search(db.begin(), db.end(), kPan.begin(), kPan.end()), db.end());
}

TEST_P(SplitTest, SplitShipmentInThreeParts) {
  w->start();
  Bought b = bought(6000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 1000, 1000}));
  Next n = next(b.order_id, 2000);
  EXPECT_EQ(n.auth_code, code(AuthCode::kApproved));
  EXPECT_TRUE(must(w->merchant_engine->order(b.order_id)).has_auth_token);  // 30.00 still open
  EXPECT_EQ(ledger(), (Ledger{2000, 1000, 1000}));
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
  n = next(b.order_id, 3000);
  EXPECT_EQ(n.auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{3000, 3000, 3000}));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 6000, 6000}));
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.size(), 3u);
}

TEST_P(SplitTest, PartialPartCaptureReleasesTheRestAndLeavesItAuthorizable) {
  w->start();
  Bought b = bought(6000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  EXPECT_EQ(next(b.order_id, 3000).auth_code, code(AuthCode::kApproved));
  // Part 2 ships only 10.00 of its 30.00: the 20.00 go back and may be authorized again.
  EXPECT_EQ(capture(b.order_id, 2, usd(1000)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
  EXPECT_EQ(next(b.order_id, 4000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{4000, 2000, 2000}));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 6000, 6000}));
}

TEST_P(SplitTest, CaptureReversalOfAPartRestoresOnlyWhatItCaptured) {
  w->start();
  Bought b = bought(5000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
  // CapRevReq voids part 1's capture: its 20.00 are held again, not the 30.00 released.
  Answer rev = must(w->merchant_engine->reverse_capture(b.order_id));
  Answer g = w->to_gateway(rev.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{2000, 0, 0}));
  // 20.00 still committed to part 1: 30.00 may be authorized, not more.
  EXPECT_EQ(next(b.order_id, 3001).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(next(b.order_id, 3000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  // Part 1 cancelled with AuthRevReq: exactly its 20.00 go back.
  Answer cancel = must(w->merchant_engine->reverse_authorization(b.order_id, usd(0)));
  g = w->to_gateway(cancel.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{3000, 0, 0}));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(SplitTest, AuthReversalOfALaterPartReleasesItsHold) {
  w->start();
  Bought b = bought(6000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  EXPECT_EQ(next(b.order_id, 3000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{3000, 1000, 1000}));
  auto auth_rev = [&](int part, std::int64_t cents) {
    Answer a = must(w->merchant_engine->reverse_authorization_part(b.order_id, part, usd(cents)));
    Answer g = w->to_gateway(a.send.at(0).message);
    EXPECT_TRUE(g.ok()) << g.detail;
    if (g.ok()) {
      EXPECT_TRUE(w->to_merchant(g.send.at(0).message).ok());
    }
    auto s = must(w->merchant_engine->database().prepare(
        "SELECT code FROM merchant_adjustments ORDER BY created_at DESC, rowid DESC LIMIT 1"));
    EXPECT_TRUE(must(s.step()));
    return s.column_int64(0);
  };
  // Part 2 will ship only 10.00: 20.00 of its hold go back, and may be authorized again.
  EXPECT_EQ(auth_rev(2, 1000), static_cast<std::int64_t>(asn1::AuthRevCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{1000, 1000, 1000}));
  OrderView o = must(w->merchant_engine->order(b.order_id));
  EXPECT_EQ(o.parts.at(1).authorized, usd(1000));
  EXPECT_EQ(o.parts.at(0).captured, usd(1000));  // part 1 untouched
  EXPECT_EQ(next(b.order_id, 4001).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(next(b.order_id, 4000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{5000, 1000, 1000}));
  // Part 2 cancelled altogether; its new CapToken named 10.00, now nothing is left to capture.
  EXPECT_EQ(auth_rev(2, 0), static_cast<std::int64_t>(asn1::AuthRevCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{4000, 1000, 1000}));
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.at(1).state, "reversed");
  EXPECT_FALSE(w->merchant_engine->capture_part(b.order_id, 2).ok());
  EXPECT_EQ(capture(b.order_id, 4), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

TEST_P(SplitTest, CaptureNowInALaterAuthReqIsNotSupported) {
  w->start();
  Bought b = bought(3000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  const Ledger before = ledger();
  OrderView o = must(w->merchant_engine->order(b.order_id));
  asn1::AuthReqData ard;
  auto& item = ard.auth_req_item;
  item.auth_tags.auth_rr_tags.rrpid = w->random.bytes(20);
  item.auth_tags.auth_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID("MER-0001");
  item.auth_tags.auth_rr_tags.current_date = w->env.date();
  item.auth_tags.trans_ids = must(asn1::decode<asn1::TransIDs>(o.trans_ids));
  item.auth_req_payload.auth_req_amt = usd(1000);
  ard.capture_now = true;
  Bytes req = must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, ard,
                                 explicit_wrap(2, token_of(b.order_id))));
  Answer g = w->to_gateway(req);
  ASSERT_TRUE(g.ok()) << g.detail;
  EXPECT_TRUE(std::any_of(w->gateway_log.begin(), w->gateway_log.end(), [](const std::string& l) {
    return l.find("AuthCode " + std::to_string(static_cast<int>(AuthCode::kCaptureNotSupported))) !=
           std::string::npos;
  }));
  EXPECT_EQ(ledger(), before);
  EXPECT_EQ(next(b.order_id, 2000).auth_code, code(AuthCode::kApproved));  // the token is unused
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(SplitTest, AVoidedPartCapturedAgainForLessReleasesTheNewRest) {
  w->start();
  Bought b = bought(5000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  Answer rev = must(w->merchant_engine->reverse_capture(b.order_id));
  Answer g = w->to_gateway(rev.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{2000, 0, 0}));
  // Captured again for 5.00 only: the other 15.00 go back too.
  EXPECT_EQ(capture(b.order_id, 1, usd(500)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 500, 500}));
  EXPECT_EQ(next(b.order_id, 4501).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(next(b.order_id, 4500).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{4500, 500, 500}));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

TEST_P(SplitTest, SubsequentAuthorizationAboveTheRemainderIsAnAmountError) {
  w->start();
  Bought b = bought(5000, split());
  // Nothing captured yet: the whole 50.00 is still authorized, nothing more may be.
  Next n = next(b.order_id, 1);
  EXPECT_EQ(n.auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(ledger(), (Ledger{5000, 0, 0}));
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  n = next(b.order_id, 3001);
  EXPECT_EQ(n.auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
  // Another currency is an amountError too; the token is not consumed by a refusal.
  Answer a = must(w->merchant_engine->authorize_next(b.order_id, Money{978, 100, -2}));
  Answer g = w->to_gateway(a.send.at(0).message);
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.back().auth_code, code(AuthCode::kAmountError));
  EXPECT_TRUE(must(w->merchant_engine->order(b.order_id)).has_auth_token);
  EXPECT_EQ(next(b.order_id, 3000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{3000, 2000, 2000}));
  EXPECT_EQ(capture(b.order_id, 5), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

TEST_P(SplitTest, IssuerDeclineLeavesTheAuthTokenUsable) {
  w->start();
  Bought b = bought(90000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(10000)), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 10000, 10000}));
  // Another purchase takes most of the card's 1000.00 limit.
  Bought other = buy(85000, PaymentTerms{});
  ASSERT_TRUE(other.refused.ok()) << other.refused.detail;
  EXPECT_EQ(ledger(), (Ledger{85000, 10000, 10000}));
  // The issuer declines the next part (insufficient funds): nothing moves, the token stays.
  const Bytes token = token_of(b.order_id);
  EXPECT_EQ(next(b.order_id, 80000).auth_code, code(AuthCode::kDeclined));
  EXPECT_EQ(ledger(), (Ledger{85000, 10000, 10000}));
  EXPECT_EQ(token_of(b.order_id), token);
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.back().state, "declined");
  // Once the other order is cancelled, the same token authorizes the part.
  Answer rev = must(w->merchant_engine->reverse_authorization(other.order_id, usd(0)));
  Answer g = w->to_gateway(rev.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(next(b.order_id, 80000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{80000, 10000, 10000}));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 90000, 90000}));
}

TEST_P(SplitTest, ConsumedAuthTokenIsRefused) {
  w->start();
  Bought b = bought(6000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  const Bytes first = token_of(b.order_id);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
  EXPECT_NE(token_of(b.order_id), first);  // a new token replaces the used one
  const Ledger before = ledger();
  // The used token again, in a new AuthReq (new RRPID): piPreviouslyUsed, nothing moves.
  const Bytes second = token_of(b.order_id);
  set_token(b.order_id, first);
  Next n = next(b.order_id, 1000);
  EXPECT_TRUE(n.gateway.ok());
  EXPECT_EQ(n.auth_code, code(AuthCode::kPiPreviouslyUsed));
  EXPECT_EQ(ledger(), before);
  set_token(b.order_id, second);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
}

TEST_P(SplitTest, ReplayedSubsequentAuthReqGetsTheFirstAnswer) {
  w->start();
  Bought b = bought(5000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  Next n = next(b.order_id, 2000);
  EXPECT_EQ(n.auth_code, code(AuthCode::kApproved));
  const Ledger before = ledger();
  auto gateway_rows = [&] {
    return must(w->gateway_engine->authorizations()).size();
  };
  const std::size_t rows = gateway_rows();
  Answer again = w->to_gateway(n.auth_req);
  ASSERT_TRUE(again.ok()) << again.detail;
  EXPECT_EQ(again.send.at(0).message, n.gateway.send.at(0).message);
  EXPECT_EQ(ledger(), before);
  EXPECT_EQ(gateway_rows(), rows);
  // The merchant takes the repeated AuthRes without change.
  EXPECT_TRUE(w->to_merchant(again.send.at(0).message).ok());
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.size(), 2u);
}

TEST_P(SplitTest, ALostAuthResIsRecoveredByAskingAgain) {
  w->start();
  Bought b = bought(5000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(2000)), code(CapCode::kSuccess));
  Answer first = must(w->merchant_engine->authorize_next(b.order_id, usd(3000)));
  Answer g = w->to_gateway(first.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;  // ... and the AuthRes is lost on the way back
  EXPECT_EQ(ledger(), (Ledger{3000, 2000, 2000}));
  // Another amount must wait; the same amount sends the same AuthReq again.
  EXPECT_FALSE(w->merchant_engine->authorize_next(b.order_id, usd(1000)).ok());
  Answer again = must(w->merchant_engine->authorize_next(b.order_id, usd(3000)));
  EXPECT_EQ(again.send.at(0).message, first.send.at(0).message);
  Answer g2 = w->to_gateway(again.send.at(0).message);
  ASSERT_TRUE(g2.ok()) << g2.detail;
  EXPECT_EQ(g2.send.at(0).message, g.send.at(0).message);
  ASSERT_TRUE(w->to_merchant(g2.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{3000, 2000, 2000}));  // authorized once
  OrderView o = must(w->merchant_engine->order(b.order_id));
  ASSERT_EQ(o.parts.size(), 2u);
  EXPECT_EQ(o.parts[1].state, "authorized");
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

TEST_P(SplitTest, AuthTokenOfAnotherOrderIsRefused) {
  w->start();
  Bought a = bought(3000, split());
  Bought b = bought(3000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  const Ledger before = ledger();
  const Bytes own = token_of(b.order_id);
  set_token(b.order_id, token_of(a.order_id));
  Next n = next(b.order_id, 1000);
  EXPECT_TRUE(n.gateway.ok());
  EXPECT_EQ(n.auth_code, code(AuthCode::kPiAuthMismatch));
  EXPECT_EQ(ledger(), before);
  set_token(b.order_id, own);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(ledger(), (Ledger{before.held + 1000, before.owed, before.merchant}));
  // The order's parts 2 (refused) and 3 (approved): capture the approved one.
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  // Release order a's hold so that no hold is left behind.
  Answer rev = must(w->merchant_engine->reverse_authorization(a.order_id, usd(0)));
  Answer g = w->to_gateway(rev.send.at(0).message);
  ASSERT_TRUE(g.ok()) << g.detail;
  ASSERT_TRUE(w->to_merchant(g.send.at(0).message).ok());
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
}

TEST_P(SplitTest, AuthTokenOfAnotherMerchantIsRefused) {
  w->start();
  Bought b = bought(3000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  const Ledger before = ledger();
  // Another merchant of the brand presents this order's token under its own signature.
  using pki::CertType;
  auto s = w->suite->id;
  Credentials other{w->suite,
                    key(s, "merchant-sig", false),
                    w->h.ee(*w->h.atlas_mca, CertType::kMerchantSignature, "Atlas", "Other Shop", "merchant-sig",
                            "MER-0002"),
                    key(s, "merchant-kx", false),
                    w->h.ee(*w->h.atlas_mca, CertType::kMerchantKeyExchange, "Atlas", "Other Shop", "merchant-kx"),
                    {w->h.atlas->certificate(), w->h.atlas_mca->certificate()}};
  OrderView o = must(w->merchant_engine->order(b.order_id));
  asn1::AuthReqData ard;
  auto& item = ard.auth_req_item;
  item.auth_tags.auth_rr_tags.rrpid = w->random.bytes(20);
  item.auth_tags.auth_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID("MER-0002");
  item.auth_tags.auth_rr_tags.current_date = w->env.date();
  item.auth_tags.trans_ids = must(asn1::decode<asn1::TransIDs>(o.trans_ids));
  item.auth_req_payload.auth_req_amt = usd(1000);
  item.auth_req_payload.subsequent_auth_ind = true;
  Bytes req = must(make_auth_req(w->env, other, w->gateway.key_exchange_certificate, ard,
                                 explicit_wrap(2, token_of(b.order_id))));
  Answer g = w->to_gateway(req);
  ASSERT_TRUE(g.ok()) << g.detail;
  EXPECT_TRUE(std::any_of(w->gateway_log.begin(), w->gateway_log.end(), [](const std::string& l) {
    return l.find("AuthCode " + std::to_string(static_cast<int>(AuthCode::kPiAuthMismatch))) != std::string::npos &&
           l.find("another merchant") != std::string::npos;
  }));
  EXPECT_EQ(ledger(), before);
  // The token is still good for its own merchant.
  EXPECT_EQ(next(b.order_id, 2000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(SplitTest, TamperedAuthTokenIsRefused) {
  w->start();
  Bought b = bought(3000, split());
  EXPECT_EQ(capture(b.order_id, 1, usd(1000)), code(CapCode::kSuccess));
  const Ledger before = ledger();
  const Bytes own = token_of(b.order_id);
  Bytes bad = own;
  bad[bad.size() - 5] ^= 0x01;  // inside the encrypted content
  set_token(b.order_id, bad);
  Next n = next(b.order_id, 1000);
  EXPECT_FALSE(n.gateway.ok());
  EXPECT_EQ(n.gateway.refused, ErrorCode::kSignatureFailure);
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).parts.back().state, "refused");
  EXPECT_EQ(ledger(), before);
  set_token(b.order_id, own);
  EXPECT_EQ(next(b.order_id, 2000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(SplitTest, PlainPurchaseGetsNoAuthToken) {
  w->start();
  Bought b = buy(5000, PaymentTerms{});
  ASSERT_TRUE(b.refused.ok()) << b.refused.detail;
  OrderView o = must(w->merchant_engine->order(b.order_id));
  EXPECT_FALSE(o.has_auth_token);
  EXPECT_EQ(o.parts.size(), 1u);
  EXPECT_FALSE(w->merchant_engine->authorize_next(b.order_id, usd(100)).ok());
  EXPECT_EQ(capture(b.order_id, 1), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 5000, 5000}));
}

// ---- installments and recurring payments ----------------------------------------------------

TEST_P(SplitTest, InstallmentsAreAuthorizedUpToTheirCount) {
  w->start();
  PaymentTerms terms{false, installments(3)};
  Bought b = bought(1000, terms);
  EXPECT_EQ(capture(b.order_id, 1), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 1000, 1000}));
  // A payment above the signed amount is refused; the token stays.
  w->clock.advance(30 * kDay);
  EXPECT_EQ(next(b.order_id, 1001).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(ledger(), (Ledger{0, 1000, 1000}));
  const Bytes second_token = token_of(b.order_id);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(capture(b.order_id, 3), code(CapCode::kSuccess));
  w->clock.advance(30 * kDay);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
  EXPECT_EQ(capture(b.order_id, 4), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
  // Three of three: no token is left, and an old one cannot buy a fourth.
  EXPECT_FALSE(must(w->merchant_engine->order(b.order_id)).has_auth_token);
  EXPECT_FALSE(w->merchant_engine->authorize_next(b.order_id, usd(1000)).ok());
  set_token(b.order_id, second_token);
  Next n = next(b.order_id, 1000);
  EXPECT_EQ(n.auth_code, code(AuthCode::kPiPreviouslyUsed));
  EXPECT_EQ(ledger(), (Ledger{0, 3000, 3000}));
}

TEST_P(SplitTest, RecurringPaymentsRespectFrequencyExpiryAndAmount) {
  w->start();
  // Every 30 days, until 100 days from now, at most 10.00 each.
  PaymentTerms terms{false, recurring(30, kNow + 100 * kDay)};
  Bought b = bought(1000, terms);
  EXPECT_EQ(capture(b.order_id, 1), code(CapCode::kSuccess));
  // Too early: 29 days after the first payment.
  w->clock.advance(29 * kDay);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kRecurringTooSoon));
  EXPECT_EQ(ledger(), (Ledger{0, 1000, 1000}));
  w->clock.advance(1 * kDay);
  // Above the signed amount.
  EXPECT_EQ(next(b.order_id, 1001).auth_code, code(AuthCode::kAmountError));
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));  // day 30
  EXPECT_EQ(capture(b.order_id, 4), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
  w->clock.advance(30 * kDay);
  EXPECT_EQ(next(b.order_id, 900).auth_code, code(AuthCode::kApproved));  // day 60, less is fine
  EXPECT_EQ(capture(b.order_id, 5), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2900, 2900}));
  EXPECT_TRUE(must(w->merchant_engine->order(b.order_id)).has_auth_token);  // day 90 <= expiry
  // After the expiry (day 101): recurringExpired, nothing moves.
  w->clock.advance(41 * kDay);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kRecurringExpired));
  EXPECT_EQ(ledger(), (Ledger{0, 2900, 2900}));
}

TEST_P(SplitTest, RecurringTokensStopBeforeTheExpiry) {
  w->start();
  // Every 30 days until day 50: the payment of day 30 is the last one.
  Bought b = bought(1000, PaymentTerms{false, recurring(30, kNow + 50 * kDay)});
  EXPECT_EQ(capture(b.order_id, 1), code(CapCode::kSuccess));
  w->clock.advance(30 * kDay);
  EXPECT_EQ(next(b.order_id, 1000).auth_code, code(AuthCode::kApproved));
  EXPECT_FALSE(must(w->merchant_engine->order(b.order_id)).has_auth_token);
  EXPECT_FALSE(w->merchant_engine->authorize_next(b.order_id, usd(1000)).ok());
  EXPECT_EQ(capture(b.order_id, 2), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 2000, 2000}));
}

TEST_P(SplitTest, RecurringAgreementAlreadyExpiredIsNotAuthorized) {
  w->start();
  Bought b = buy(1000, PaymentTerms{false, recurring(30, kNow - kDay)});
  ASSERT_TRUE(b.refused.ok()) << b.refused.detail;
  OrderView o = must(w->merchant_engine->order(b.order_id));
  EXPECT_EQ(o.state, OrderState::kDeclined);
  EXPECT_EQ(o.auth_code, code(AuthCode::kRecurringExpired));
  EXPECT_FALSE(o.has_auth_token);
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
}

TEST_P(SplitTest, MerchantTermsOtherThanTheSignedOnesFailTheHOD) {
  w->start();
  // The merchant thinks 12 installments, the cardholder signed 3: HOD differs (notes §8.3 item 3).
  Bought b = buy(1000, PaymentTerms{false, installments(12)}, installments(3));
  EXPECT_FALSE(b.refused.ok());
  EXPECT_TRUE(b.auth_req.empty());
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
}

TEST_P(SplitTest, AuthReqInstallRecurDataOtherThanTheSignedIsAMismatch) {
  w->start();
  // A merchant that claims more installments in AuthReqPayload than the PIHead carries.
  Bought b = buy(1000, PaymentTerms{false, installments(3)}, std::nullopt, true);
  ASSERT_FALSE(b.auth_req.empty());
  PReqParts pp = must(preq_parts(must(message_body(b.preq))));
  asn1::OIData oi = must(asn1::decode<asn1::OIData>(pp.oi_data));
  asn1::AuthReqData ard = must(make_auth_req_data(w->env, *w->suite, "MER-0001", w->random.bytes(20), oi.trans_ids,
                                                  pp.oi_data, oi.hod, usd(1000)));
  ard.auth_req_item.auth_req_payload.install_recur_data = installments(30);
  Bytes req = must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, ard,
                                 explicit_wrap(1, pp.pi_dual_signed)));
  Answer g = w->to_gateway(req);
  ASSERT_TRUE(g.ok()) << g.detail;
  EXPECT_TRUE(std::any_of(w->gateway_log.begin(), w->gateway_log.end(), [](const std::string& l) {
    return l.find("AuthCode " + std::to_string(static_cast<int>(AuthCode::kInstallRecurMismatch))) !=
           std::string::npos;
  }));
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
}

TEST_P(SplitTest, InstallRecurDataTamperedInThePIBreaksTheDualSignature) {
  w->start();
  Bought b = buy(1000, PaymentTerms{false, installments(3)}, std::nullopt, true);
  ASSERT_FALSE(b.auth_req.empty());
  PReqParts pp = must(preq_parts(must(message_body(b.preq))));
  asn1::OIData oi = must(asn1::decode<asn1::OIData>(pp.oi_data));
  // Whoever could open exPIData (a test here, with the gateway's key) and re-seal it with 30
  // installments instead of 3 still cannot make the cardholder's dual signature cover it.
  std::vector<seal::TrustedSigner> ch{seal::TrustedSigner{
      w->cardholder.signature_key.public_key(), must(certificate_issuer_and_serial(w->cardholder.signature_certificate))}};
  seal::OpenedDualSignedPI opened =
      must(seal::open_dual_signed_pi(pp.pi_dual_signed, must(w->gateway.holder()), ch, seal::Policy::only(w->suite->id)));
  asn1::PIHead head = must(asn1::decode<asn1::PIHead>(opened.pi_head));
  ASSERT_TRUE(head.install_recur_data.has_value());
  EXPECT_EQ(*head.install_recur_data, installments(3));
  head.install_recur_data = installments(30);
  seal::DualSignedPI resealed =
      must(seal::seal_dual_signed_pi(must(w->cardholder.signer(false)),
                                     must(recipient_of(w->gateway.key_exchange_certificate, *w->suite)),
                                     asn1::encode(head), pp.oi_data, opened.pan_data.view()));
  asn1::PIDualSigned original = must(asn1::decode<asn1::PIDualSigned>(pp.pi_dual_signed));
  asn1::PIDualSigned forged;
  forged.pi_signature = original.pi_signature;  // the cardholder's signature over the real PI
  forged.ex_pi_data = resealed.ex_pi_data;
  asn1::AuthReqData ard = must(make_auth_req_data(w->env, *w->suite, "MER-0001", w->random.bytes(20), oi.trans_ids,
                                                  pp.oi_data, oi.hod, usd(1000)));
  ard.auth_req_item.auth_req_payload.install_recur_data = installments(30);
  Bytes req = must(make_auth_req(w->env, w->merchant, w->gateway.key_exchange_certificate, ard,
                                 explicit_wrap(1, asn1::encode(forged))));
  Answer g = w->to_gateway(req);
  EXPECT_FALSE(g.ok());
  EXPECT_EQ(g.refused, ErrorCode::kSignatureFailure);
  EXPECT_EQ(ledger(), (Ledger{0, 0, 0}));
  // The genuine AuthReq still goes through, with the signed 3 installments.
  Answer real = w->to_gateway(b.auth_req);
  ASSERT_TRUE(real.ok()) << real.detail;
  ASSERT_TRUE(w->to_merchant(real.send.at(0).message).ok());
  EXPECT_TRUE(must(w->merchant_engine->order(b.order_id)).has_auth_token);
  EXPECT_EQ(capture(b.order_id, 1), code(CapCode::kSuccess));
  EXPECT_EQ(ledger(), (Ledger{0, 1000, 1000}));
}

INSTANTIATE_TEST_SUITE_P(Suites, SplitTest, ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1),
                         suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
