// One whole SET purchase (wallet -> merchant -> gateway, then a capture) where the gateway's
// Acquirer is a RemoteAcquirer over the banks' JSON wire, and the acquirer reaches the issuer
// through a RemoteIssuer: the purchase fixture of tests/roles/purchase, only the banks moved
// behind the wire. The World checks the bank invariants when it ends.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "../roles/purchase/purchase_fixture.hpp"
#include "openset/services/bank_wire.hpp"

namespace openset::roles::purchase::testing {
namespace {

services::BankTransport counting(services::BankTransport inner, std::vector<std::string>& log) {
  return [inner, &log](std::string_view method, const std::string& body) -> Result<std::string> {
    log.emplace_back(method);
    return inner(method, body);
  };
}

TEST(PurchaseOverTheWire, TheGatewayAuthorizesAndCapturesThroughTheBanksWire) {
  std::vector<std::string> to_acquirer, to_issuer;
  std::unique_ptr<services::RemoteIssuer> remote_issuer;
  std::unique_ptr<services::RemoteAcquirer> remote_acquirer;
  World w(crypto::SuiteId::kSet1, "PurchaseOverTheWire.Gateway");
  remote_issuer = std::make_unique<services::RemoteIssuer>(counting(services::in_process_transport(*w.issuer), to_issuer));
  ASSERT_TRUE(remote_issuer->refresh_bins().ok());
  ASSERT_TRUE(w.acquirer->add_routes(w.issuer->id(), *remote_issuer).ok());
  remote_acquirer =
      std::make_unique<services::RemoteAcquirer>(counting(services::in_process_transport(*w.acquirer), to_acquirer));
  w.gateway_bank = remote_acquirer.get();
  w.start();

  World::Run r = w.purchase(usd(12345));
  ASSERT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
  EXPECT_EQ(w.position().held, 12345);
  OrderView o = must(w.merchant_engine->order(r.order_id));
  EXPECT_EQ(o.state, OrderState::kAuthorized);
  EXPECT_EQ(o.auth_code, 0);

  Answer cap = must(w.merchant_engine->capture());
  ASSERT_EQ(cap.send.size(), 1u);
  Answer res = w.to_gateway(cap.send[0].message);
  ASSERT_TRUE(res.ok()) << res.detail;
  ASSERT_EQ(res.send.size(), 1u);
  ASSERT_TRUE(w.to_merchant(res.send[0].message).ok());
  EXPECT_EQ(must(w.merchant_engine->order(r.order_id)).state, OrderState::kCaptured);
  auto pos = w.position();
  EXPECT_EQ(pos.held, 0);
  EXPECT_EQ(pos.owed, 12345);
  EXPECT_EQ(w.merchant_balance(), 12345);

  // Both calls crossed both wires.
  auto has = [](const std::vector<std::string>& log, const std::string& m) {
    return std::find(log.begin(), log.end(), m) != log.end();
  };
  EXPECT_TRUE(has(to_acquirer, "acquirer.authorize"));
  EXPECT_TRUE(has(to_acquirer, "acquirer.capture"));
  EXPECT_TRUE(has(to_issuer, "issuer.authorize"));
  EXPECT_TRUE(has(to_issuer, "issuer.capture"));
}

}  // namespace
}  // namespace openset::roles::purchase::testing
