// Scale-out (issue 6 item 5): two engine instances of the same issuer and acquirer on the SAME
// database (one SQLite file, or one PostgreSQL schema when OPENSET_TEST_DB=postgres), each
// instance in its own thread with its own connection, racing the same references and different
// ones. Exactly one hold per reference, one capture per capture reference, and the ledger
// invariants hold at the end (checked by the fixture's TearDown).
#include <barrier>
#include <thread>

#include "bank_fixture.hpp"

namespace openset::roles::bank::testing {
namespace {

class ConcurrencyTest : public BankTest {};

struct Outcome {
  bool ok = false;
  std::string error;
  std::string id;
  int verdict = -1;
};

TEST_F(ConcurrencyTest, TwoEnginesOnOneDatabaseRacingTheSameAndDifferentReferences) {
  // The second instance of each bank, on the same databases.
  auto i2 = IssuerBank::open(issuer_path(), IssuerProfile{"ISS1", "First Issuer"});
  ASSERT_TRUE(i2.ok()) << i2.error().to_string();
  auto a2 = AcquirerBank::open(acquirer_path(), AcquirerProfile{"ACQ1", "400001", "First Acquirer", "test-key"});
  ASSERT_TRUE(a2.ok()) << a2.error().to_string();
  ASSERT_TRUE((*a2)->add_routes(**i2).ok());
  AcquirerBank* engines[2] = {acquirer_.get(), a2->get()};

  constexpr int kRounds = 25;
  std::vector<Outcome> auths[2], caps[2], own[2];
  std::barrier sync(2);
  auto worker = [&](std::size_t w) {
    AcquirerBank& acq = *engines[w];
    for (int i = 0; i < kRounds; ++i) {
      sync.arrive_and_wait();
      // The same authorization reference from both.
      auto d = acq.authorize(auth("shared-" + std::to_string(i), kPanUsd, usd(100)));
      Outcome o;
      o.ok = d.ok();
      if (d.ok()) {
        o.id = d->authorization_id;
        o.verdict = static_cast<int>(d->verdict);
      } else {
        o.error = d.error().to_string();
      }
      auths[w].push_back(o);
      // A reference of its own.
      auto m = acq.authorize(auth("own-" + std::to_string(w) + "-" + std::to_string(i), kPanUsd, usd(50)));
      Outcome p;
      p.ok = m.ok();
      if (m.ok()) p.verdict = static_cast<int>(m->verdict);
      else p.error = m.error().to_string();
      own[w].push_back(p);
      sync.arrive_and_wait();
      // The same capture reference, for the whole authorized amount, from both.
      Outcome c;
      if (o.ok && !o.id.empty()) {
        auto r = acq.capture(cap("cap-" + std::to_string(i), o.id, usd(100)));
        c.ok = r.ok();
        if (r.ok()) {
          c.id = r->capture_id;
          c.verdict = static_cast<int>(r->verdict);
        } else {
          c.error = r.error().to_string();
        }
      }
      caps[w].push_back(c);
      // And a second capture reference for the same authorization: it must not exceed it.
      if (o.ok && !o.id.empty() && w == 1) (void)acq.capture(cap("cap-extra-" + std::to_string(i), o.id, usd(100)));
    }
  };
  std::thread t0(worker, std::size_t{0}), t1(worker, std::size_t{1});
  t0.join();
  t1.join();

  for (std::size_t i = 0; i < static_cast<std::size_t>(kRounds); ++i) {
    for (std::size_t w = 0; w < 2; ++w) {
      ASSERT_TRUE(auths[w][i].ok) << "round " << i << " engine " << w << ": " << auths[w][i].error;
      EXPECT_EQ(auths[w][i].verdict, static_cast<int>(AuthVerdict::kApproved));
      ASSERT_TRUE(own[w][i].ok) << own[w][i].error;
      EXPECT_EQ(own[w][i].verdict, static_cast<int>(AuthVerdict::kApproved));
      ASSERT_TRUE(caps[w][i].ok) << "round " << i << " engine " << w << ": " << caps[w][i].error;
      EXPECT_EQ(caps[w][i].verdict, static_cast<int>(CaptureVerdict::kCaptured));
    }
    EXPECT_EQ(auths[0][i].id, auths[1][i].id) << "one hold per reference";
    EXPECT_EQ(caps[0][i].id, caps[1][i].id) << "one capture per reference";
  }
  auto pos = issuer_->position(kPanUsd);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->owed, kRounds * 100) << "each shared authorization captured once, never beyond it";
  EXPECT_EQ(pos->held, 2 * kRounds * 50) << "one hold per own reference";
  EXPECT_EQ(acquirer_->merchant_balance("M1", 840).value(), kRounds * 100);
  auto v = check_invariants(**i2, **a2);
  EXPECT_TRUE(v.empty()) << to_string(v);
}

}  // namespace
}  // namespace openset::roles::bank::testing
