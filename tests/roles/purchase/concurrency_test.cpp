// Scale-out (issue 6 item 5): two gateway processes sharing one database. Here two Gateway
// engines (each with its own acquirer and issuer instances, connections, randomness and trust
// validator) on the SAME databases receive the same AuthReq and then the same CapReq at the same
// moment, each in its own thread: one authorization, one capture, and the second answer equals
// the first. On SQLite (one file) and, with OPENSET_TEST_DB=postgres, on one PostgreSQL schema.
#include <barrier>
#include <thread>

#include "purchase_fixture.hpp"

namespace openset::roles::purchase::testing {
namespace {

using ConcurrencyTest = PurchaseTest;

struct Second {
  std::unique_ptr<IssuerBank> issuer;
  std::unique_ptr<AcquirerBank> acquirer;
  ManualClock clock{kNow};
  DeterministicRandomness random{0xC0C0};
  Env env{clock, random};
  std::unique_ptr<pki::PathValidator> validator;
  std::unique_ptr<Gateway> gateway;
};

// Both engines handle `m` at once; returns their answers.
std::pair<Answer, Answer> race(Gateway& g1, Gateway& g2, const Bytes& m) {
  Answer a1, a2;
  std::barrier sync(2);
  std::thread t1([&] {
    sync.arrive_and_wait();
    a1 = g1.handle(m);
  });
  std::thread t2([&] {
    sync.arrive_and_wait();
    a2 = g2.handle(m);
  });
  t1.join();
  t2.join();
  return {std::move(a1), std::move(a2)};
}

TEST_P(ConcurrencyTest, TwoGatewaysOnOneDatabaseAuthorizeAndCaptureOnce) {
  w->start();
  Second s;
  s.issuer = must(IssuerBank::open(test::test_db(w->dir, "issuer"), bank::IssuerProfile{"ISS-ATLAS", "Atlas First Bank"}));
  s.acquirer = must(AcquirerBank::open(test::test_db(w->dir, "acquirer"),
                                       bank::AcquirerProfile{"ACQ-HARBOUR", "400001", "Harbour Acquiring", "k"}));
  ASSERT_TRUE(s.acquirer->add_routes(*s.issuer).ok());
  GatewayConfig gc;
  gc.credentials = w->gateway;
  gc.brand = "Atlas";
  gc.trust = w->trust(s.validator);
  s.gateway = must(Gateway::open(test::test_db(w->dir, "gateway"), std::move(gc), s.env, *s.acquirer));

  for (int round = 0; round < 3; ++round) {
    World::Run r = w->purchase(usd(1000 + round), kOD, std::nullopt, std::nullopt, {}, World::Stop::kBeforeAuthReq);
    ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
    ASSERT_FALSE(r.auth_req.empty());
    auto [a1, a2] = race(*w->gateway_engine, *s.gateway, r.auth_req);
    ASSERT_TRUE(a1.ok()) << a1.detail;
    ASSERT_TRUE(a2.ok()) << a2.detail;
    ASSERT_EQ(a1.send.size(), 1u);
    ASSERT_EQ(a2.send.size(), 1u);
    EXPECT_EQ(a1.send[0].message, a2.send[0].message) << "the second AuthRes equals the first";
    Answer m = w->to_merchant(a1.send[0].message);
    ASSERT_TRUE(m.ok()) << m.detail;
  }
  EXPECT_EQ(must(w->gateway_engine->authorizations()).size(), 3u);
  EXPECT_EQ(w->position().held, 1000 + 1001 + 1002) << "one hold per authorization";

  Answer cap = must(w->merchant_engine->capture());
  ASSERT_EQ(cap.send.size(), 1u);
  auto [c1, c2] = race(*w->gateway_engine, *s.gateway, cap.send[0].message);
  ASSERT_TRUE(c1.ok()) << c1.detail;
  ASSERT_TRUE(c2.ok()) << c2.detail;
  ASSERT_EQ(c1.send.size(), 1u);
  ASSERT_EQ(c2.send.size(), 1u);
  EXPECT_EQ(c1.send[0].message, c2.send[0].message) << "the second CapRes equals the first";
  Answer rec = w->to_merchant(c1.send[0].message);
  ASSERT_TRUE(rec.ok()) << rec.detail;
  EXPECT_EQ(w->position().owed, 1000 + 1001 + 1002) << "captured exactly once";
  EXPECT_EQ(w->position().held, 0);
  EXPECT_EQ(w->merchant_balance(), 1000 + 1001 + 1002);
}

INSTANTIATE_TEST_SUITE_P(Suites, ConcurrencyTest, ::testing::Values(crypto::SuiteId::kModern), suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
