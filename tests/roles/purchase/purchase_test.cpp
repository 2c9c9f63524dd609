// The purchase told end to end (issue 4, seed steps 3-6): PInitReq/PInitRes, the dual-signed
// PReq, AuthReq/AuthRes with a CapToken, PRes into the wallet's log, captures in one CapReq; and
// who sees what.
#include "purchase_fixture.hpp"

namespace openset::roles::purchase::testing {
namespace {

TEST_P(PurchaseTest, ApprovedPurchaseEndsInTheWalletLog) {
  w->start();
  World::Run r = w->purchase(usd(12345));
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;

  // The issuer holds the amount; nothing is posted yet.
  auto pos = w->position();
  EXPECT_EQ(pos.held, 12345);
  EXPECT_EQ(pos.owed, 0);
  EXPECT_EQ(w->merchant_balance(), 0);

  // The merchant's order: authorized, with an opaque CapToken.
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kAuthorized);
  EXPECT_EQ(o.auth_code, 0);
  ASSERT_TRUE(o.authorized);
  EXPECT_EQ(*o.authorized, usd(12345));
  EXPECT_FALSE(o.cap_token.empty());

  // The gateway's record.
  auto auths = must(w->gateway_engine->authorizations());
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0].auth_code, 0);
  EXPECT_EQ(auths[0].merchant_id, "MER-0001");
  EXPECT_FALSE(auths[0].authorization_id.empty());

  // The wallet's log: history() and show().
  auto hist = must(w->wallet->history());
  ASSERT_EQ(hist.size(), 1u);
  const LogEntry& e = hist[0];
  EXPECT_EQ(e.status, WalletStatus::kAuthorized);
  EXPECT_EQ(e.merchant, "Harbour Street Books");
  EXPECT_EQ(e.brand, "Atlas");
  EXPECT_EQ(e.amount, usd(12345));
  EXPECT_EQ(e.pan_last4, "3212");
  EXPECT_EQ(e.auth_code, 0);
  EXPECT_EQ(e.completion_code, static_cast<std::int64_t>(asn1::CompletionCode::kAuthorizationPerformed));
  EXPECT_EQ(e.xid, o.xid);
  Transaction t = must(w->wallet->show(e.id));
  ASSERT_EQ(t.trail.size(), 4u);
  EXPECT_EQ(t.trail[0].type, "PInitReq");
  EXPECT_EQ(t.trail[1].type, "PInitRes");
  EXPECT_EQ(t.trail[2].type, "PReq");
  EXPECT_EQ(t.trail[3].type, "PRes");
  EXPECT_EQ(t.trail[3].message, r.pres);
  // The PAN is not in the wallet's log (only the last four digits).
  EXPECT_FALSE(test::contains(database_bytes(w->dir / "wallet.db"), as_bytes(kPan)));

  // Every message decodes as the SET type its header says.
  for (const Bytes* m : {&r.pinit_req, &r.pinit_res, &r.preq, &r.auth_req, &r.auth_res, &r.pres})
    EXPECT_TRUE(unwrap(*m).ok());
  EXPECT_EQ(message_index(must(unwrap(r.auth_req))), asn1::Message::kAuthorizationRequest);
}

TEST_P(PurchaseTest, DeclinedForInsufficientFundsMovesNothing) {
  w->start();
  World::Run r = w->purchase(usd(250000));  // the card's limit is USD 1000.00
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kDeclined);
  EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).auth_code,
            static_cast<std::int64_t>(AuthCode::kDeclined));
  EXPECT_TRUE(must(w->merchant_engine->order(r.order_id)).cap_token.empty());
  auto e = must(w->wallet->history()).at(0);
  EXPECT_EQ(e.status, WalletStatus::kDeclined);
  EXPECT_EQ(e.auth_code, static_cast<std::int64_t>(AuthCode::kDeclined));
  auto pos = w->position();
  EXPECT_EQ(pos.held, 0);
  EXPECT_EQ(pos.owed, 0);
  EXPECT_EQ(w->merchant_balance(), 0);
  // A declined order cannot be captured.
  EXPECT_FALSE(w->merchant_engine->capture({{r.order_id, std::nullopt}}).ok());
}

TEST_P(PurchaseTest, SeveralOrdersCapturedInOneCapReq) {
  w->start();
  std::vector<World::Run> runs;
  for (std::int64_t cents : {1000, 2550, 9999}) {
    runs.push_back(w->purchase(usd(cents)));
    ASSERT_FALSE(runs.back().refused) << runs.back().detail;
  }
  EXPECT_EQ(w->position().held, 1000 + 2550 + 9999);

  Answer cap = must(w->merchant_engine->capture());  // every authorized order
  ASSERT_EQ(cap.send.size(), 1u);                    // one gateway, one CapReq
  EXPECT_EQ(cap.send[0].type, "CapReq");
  for (const auto& r : runs)
    EXPECT_EQ(must(w->merchant_engine->order(r.order_id)).state, OrderState::kCapturing);
  Answer res = w->to_gateway(cap.send[0].message);
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_EQ(res.send.size(), 1u);
  Answer rec = w->to_merchant(res.send[0].message);
  ASSERT_TRUE(rec.ok()) << rec.detail;

  for (const auto& r : runs) {
    OrderView o = must(w->merchant_engine->order(r.order_id));
    EXPECT_EQ(o.state, OrderState::kCaptured);
    EXPECT_EQ(o.cap_code, 0);
    EXPECT_EQ(o.captured, o.authorized);
  }
  auto pos = w->position();
  EXPECT_EQ(pos.held, 0);
  EXPECT_EQ(pos.owed, 1000 + 2550 + 9999);
  EXPECT_EQ(w->merchant_balance(), 1000 + 2550 + 9999);

  // The day's settlement lists the three captures.
  auto report = w->acquirer->settlement_report("MER-0001", "2026-02-01");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->lines.size(), 3u);
  EXPECT_EQ(report->total, 1000 + 2550 + 9999);
}

TEST_P(PurchaseTest, PartialCaptureBelowTheAuthorization) {
  w->start();
  World::Run r = w->purchase(usd(5000));
  ASSERT_FALSE(r.refused) << r.detail;
  Answer cap = must(w->merchant_engine->capture({{r.order_id, usd(4000)}}));
  Answer res = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  OrderView o = must(w->merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kCaptured);
  EXPECT_EQ(o.captured, usd(4000));
  EXPECT_EQ(w->merchant_balance(), 4000);
  EXPECT_EQ(w->position().owed, 4000);
}

// Who sees what (notes §8.1, DESIGN.md): the merchant never receives, stores or logs the PAN;
// the gateway and the banks never receive or store the order description.
TEST_P(PurchaseTest, MerchantNeverSeesThePanGatewayNeverSeesTheOrder) {
  w->start();
  std::vector<World::Run> runs;
  runs.push_back(w->purchase(usd(4200)));
  runs.push_back(w->purchase(usd(300000)));  // declined
  for (const auto& r : runs) ASSERT_FALSE(r.refused) << r.detail;
  Answer cap = must(w->merchant_engine->capture());
  Answer res = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());

  // The PAN and its common formattings; the BIN (first six digits, PInitReq) and the last four
  // are allowed, so the forms searched for cover the digits in between.
  std::vector<Bytes> pan_forms = {
      to_bytes(kPan),
      to_bytes(kPan.substr(0, 12)),
      to_bytes(kPan.substr(6)),
      to_bytes(std::string("4111 1198 7654 3212")),
      to_bytes(std::string("4111-1198-7654-3212")),
      to_bytes(std::string("1198 7654")),
      to_bytes(std::string("1198-7654")),
      test::bcd(kPan),
      test::bcd(kPan.substr(4, 8)),
  };
  auto no_pan = [&](ByteView where, const std::string& what) {
    for (const Bytes& f : pan_forms)
      EXPECT_FALSE(test::contains(where, f)) << "a form of the PAN in " << what;
  };
  ASSERT_GE(w->tap.to_merchant.size(), 7u);  // 2 x (PInitReq, PReq, AuthRes) + CapRes
  for (std::size_t i = 0; i < w->tap.to_merchant.size(); ++i)
    no_pan(w->tap.to_merchant[i], "message " + std::to_string(i) + " to the merchant");
  no_pan(database_bytes(w->dir / "merchant.db"), "the merchant's database");
  std::string log;
  for (const auto& l : w->merchant_log) log += l + "\n";
  no_pan(as_bytes(log), "the merchant's log");
  EXPECT_FALSE(log.empty());

  // The order description (and a distinctive part of it).
  std::vector<Bytes> od_forms = {to_bytes(kOD), to_bytes(std::string("Applied Cryptography")),
                                 to_bytes(std::string("12 Elm Road"))};
  auto no_od = [&](ByteView where, const std::string& what) {
    for (const Bytes& f : od_forms) EXPECT_FALSE(test::contains(where, f)) << "the OD in " << what;
  };
  ASSERT_GE(w->tap.to_gateway.size(), 3u);
  for (std::size_t i = 0; i < w->tap.to_gateway.size(); ++i)
    no_od(w->tap.to_gateway[i], "message " + std::to_string(i) + " to the gateway");
  no_od(database_bytes(w->dir / "gateway.db"), "the gateway's database");
  no_od(database_bytes(w->dir / "acquirer.db"), "the acquirer's database");
  no_od(database_bytes(w->dir / "issuer.db"), "the issuer's database");
  std::string glog;
  for (const auto& l : w->gateway_log) glog += l + "\n";
  no_od(as_bytes(glog), "the gateway's log");
  // Sanity: the merchant does hold the OD (it is its order), so the scan can find it.
  EXPECT_TRUE(test::contains(database_bytes(w->dir / "merchant.db"), od_forms[1]));
}

// The same story replayed: every engine reopens its database and carries on.
TEST_P(PurchaseTest, EnginesKeepTheirStateAcrossRestarts) {
  w->start();
  World::Run r = w->purchase(usd(777));
  ASSERT_FALSE(r.refused) << r.detail;
  w->wallet.reset();
  w->merchant_engine.reset();
  w->gateway_engine.reset();
  w->start();
  EXPECT_EQ(must(w->wallet->history()).size(), 1u);
  Answer cap = must(w->merchant_engine->capture());
  Answer res = w->to_gateway(cap.send.at(0).message);
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_TRUE(w->to_merchant(res.send.at(0).message).ok());
  EXPECT_EQ(w->merchant_balance(), 777);
}

INSTANTIATE_TEST_SUITE_P(Suites, PurchaseTest,
                         ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1), suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
