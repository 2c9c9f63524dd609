// The protocol explorer (issue 7, item 4): a real purchase in process (the purchase fixture's
// World), journaled as the merchant service journals it, then each party's view of each message:
// the PI opaque to the merchant, OIData readable, the AuthRes opened for the merchant with its
// CapToken still sealed for the gateway, and no view holding the card number.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "../roles/purchase/purchase_fixture.hpp"
#include "openset/services/explorer.hpp"

namespace openset::roles::purchase::testing {
namespace {
using nlohmann::json;
namespace ex = services::explorer;

// Every node of a tree (depth first) for which `pred` holds.
void find_all(const json& n, const std::function<bool(const json&)>& pred, std::vector<const json*>& out) {
  if (!n.is_object()) return;
  if (pred(n)) out.push_back(&n);
  if (n.contains("children"))
    for (const auto& k : n["children"]) find_all(k, pred, out);
}
std::vector<const json*> nodes(const json& tree, const std::function<bool(const json&)>& pred) {
  std::vector<const json*> out;
  find_all(tree.at("root"), pred, out);
  return out;
}
bool named(const json& n, const std::string& name) {
  return (n.contains("field") && n["field"] == name) || (n.contains("type") && n["type"] == name);
}
json readers(std::initializer_list<const char*> r) {
  json a = json::array();
  for (const char* p : r) a.push_back(p);
  return a;
}

class ExplorerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w = std::make_unique<World>(crypto::SuiteId::kSet1, "Explorer");
    w->start();
    run = w->purchase(usd(4321));
    ASSERT_FALSE(run.refused) << run.refused_by << ": " << run.detail;
    Answer cap = must(w->merchant_engine->capture());
    ASSERT_EQ(cap.send.size(), 1u);
    cap_req = cap.send[0].message;
    Answer res = w->to_gateway(cap_req);
    ASSERT_TRUE(res.ok()) << res.detail;
    cap_res = res.send.at(0).message;
    ASSERT_TRUE(w->to_merchant(cap_res).ok());
    holder = must(w->merchant.holder());

    journal = must(ex::Journal::open(test::test_db(w->dir, "merchant")));
    using P = ex::Party;
    std::int64_t t = kNow;
    ASSERT_TRUE(journal->record(P::kCardholder, P::kMerchant, run.pinit_req, t++).ok());
    ASSERT_TRUE(journal->record(P::kMerchant, P::kCardholder, run.pinit_res, t++).ok());
    ASSERT_TRUE(journal->record(P::kCardholder, P::kMerchant, run.preq, t++).ok());
    ASSERT_TRUE(journal->record(P::kMerchant, P::kGateway, run.auth_req, t++).ok());
    ASSERT_TRUE(journal->record(P::kGateway, P::kMerchant, run.auth_res, t++).ok());
    ASSERT_TRUE(journal->record(P::kMerchant, P::kCardholder, run.pres, t++).ok());
    ASSERT_TRUE(journal->record(P::kMerchant, P::kGateway, cap_req, t++).ok());
    ASSERT_TRUE(journal->record(P::kGateway, P::kMerchant, cap_res, t++).ok());
  }
  void TearDown() override {
    journal.reset();
    w.reset();
  }

  json view(ByteView m, ex::Party viewer, ex::Party from, ex::Party to) {
    ex::ExplainOptions o;
    o.viewer = viewer;
    o.from = from;
    o.to = to;
    if (viewer == ex::Party::kMerchant) o.key = &holder;
    json j = ex::explain(m, o);
    if (const char* dump = std::getenv("OPENSET_EXPLORER_DUMP")) {
      std::ofstream f(std::string(dump) + "/" + j.value("type", std::string("error")) + "-" +
                      std::string(ex::party_name(viewer)) + ".json");
      f << j.dump(1);
    }
    return j;
  }

  std::unique_ptr<World> w;
  World::Run run;
  Bytes cap_req, cap_res;
  seal::KeyHolder holder;
  std::unique_ptr<ex::Journal> journal;
};

TEST_F(ExplorerTest, ThePaymentHalfIsOpaqueToTheMerchantAndTheOrderHalfReadable) {
  json v = view(run.preq, ex::Party::kMerchant, ex::Party::kCardholder, ex::Party::kMerchant);
  ASSERT_FALSE(v.contains("error")) << v.dump();
  EXPECT_EQ(v["type"], "PReq");
  EXPECT_EQ(v["viewer_statement"], "The merchant's view");
  auto pi = nodes(v, [](const json& n) { return named(n, "exPIData"); });
  ASSERT_EQ(pi.size(), 1u);
  EXPECT_EQ((*pi[0])["opaque"], true);
  EXPECT_EQ((*pi[0])["sealed_for"], "gateway");
  EXPECT_EQ((*pi[0])["readers"], readers({"gateway"}));
  EXPECT_NE((*pi[0])["note"].get<std::string>().find("cannot read the card number"), std::string::npos);
  for (const auto& k : (*pi[0])["children"]) EXPECT_FALSE(k.contains("opened")) << "nothing opened for the merchant";

  auto oi = nodes(v, [](const json& n) { return named(n, "OIData"); });
  ASSERT_FALSE(oi.empty());
  for (const auto* n : oi) {
    EXPECT_FALSE(n->contains("opaque") && (*n)["opaque"] == true);
    EXPECT_EQ((*n)["readers"], readers({"cardholder", "merchant"}));
    EXPECT_NE((*n)["covered_by"].get<std::string>().find("dual signature"), std::string::npos);
  }
  auto sig = nodes(v, [](const json& n) { return named(n, "piSignature"); });
  ASSERT_EQ(sig.size(), 1u);
  EXPECT_EQ((*sig[0])["signed_by"], "dual signature of the cardholder");

  // The cardholder's own view says it sealed the PI for the gateway.
  json c = view(run.preq, ex::Party::kCardholder, ex::Party::kCardholder, ex::Party::kMerchant);
  auto cpi = nodes(c, [](const json& n) { return named(n, "exPIData"); });
  ASSERT_EQ(cpi.size(), 1u);
  EXPECT_EQ((*cpi[0])["opaque"], true);
  EXPECT_NE((*cpi[0])["note"].get<std::string>().find("you sealed this for the gateway"), std::string::npos);
}

TEST_F(ExplorerTest, TheAuthResIsOpenedForTheMerchantAndItsCapTokenStaysSealed) {
  json v = view(run.auth_res, ex::Party::kMerchant, ex::Party::kGateway, ex::Party::kMerchant);
  ASSERT_FALSE(v.contains("error")) << v.dump();
  auto opened = nodes(v, [](const json& n) { return n.contains("opened") && n["opened"] == true; });
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ((*opened[0])["opened_by"], "merchant");
  EXPECT_FALSE(nodes(v, [](const json& n) { return named(n, "AuthResData"); }).empty()) << "decoded inside";
  auto envs = nodes(v, [](const json& n) { return n.contains("sealed_for"); });
  ASSERT_GE(envs.size(), 2u);
  EXPECT_EQ((*envs[0])["sealed_for"], "merchant");
  EXPECT_EQ((*envs[0])["opaque"], false);
  auto token = nodes(v, [](const json& n) { return named(n, "capToken"); });
  ASSERT_FALSE(token.empty());
  std::vector<const json*> sealed;
  find_all(*token[0], [](const json& n) { return n.contains("sealed_for"); }, sealed);
  ASSERT_FALSE(sealed.empty());
  EXPECT_EQ((*sealed[0])["sealed_for"], "gateway");
  EXPECT_EQ((*sealed[0])["opaque"], true);

  // The AuthReq the merchant sealed for the gateway stays closed in its own view.
  json a = view(run.auth_req, ex::Party::kMerchant, ex::Party::kMerchant, ex::Party::kGateway);
  auto aenv = nodes(a, [](const json& n) { return n.contains("sealed_for"); });
  ASSERT_FALSE(aenv.empty());
  for (const auto* n : aenv) {
    EXPECT_EQ((*n)["sealed_for"], "gateway");
    EXPECT_EQ((*n)["opaque"], true);
  }
  // The CapReq's CapToken is the gateway's own, carried back by the merchant.
  json cq = view(cap_req, ex::Party::kMerchant, ex::Party::kMerchant, ex::Party::kGateway);
  auto cenv = nodes(cq, [](const json& n) { return n.contains("sealed_for"); });
  ASSERT_EQ(cenv.size(), 2u);
  EXPECT_EQ((*cenv[1])["sealed_by"], "gateway");
  EXPECT_EQ((*cenv[1])["opaque"], true);
  // The gateway's view holds no key here: nothing opened, the PI still marked for the gateway.
  json g = view(run.auth_req, ex::Party::kGateway, ex::Party::kMerchant, ex::Party::kGateway);
  EXPECT_TRUE(nodes(g, [](const json& n) { return n.contains("opened"); }).empty());
  auto gpi = nodes(g, [](const json& n) { return named(n, "exPIData"); });
  ASSERT_EQ(gpi.size(), 1u);
  EXPECT_EQ((*gpi[0])["readers"], readers({"gateway"}));
  // A signed message: the merchant's signature covers PInitRes' content.
  json pr = view(run.pinit_res, ex::Party::kMerchant, ex::Party::kMerchant, ex::Party::kCardholder);
  auto signed_by = nodes(pr, [](const json& n) { return n.contains("signed_by"); });
  ASSERT_FALSE(signed_by.empty());
  EXPECT_EQ((*signed_by[0])["signed_by"], "the merchant's signature");
  // The CapRes is the merchant's to open.
  json cr = view(cap_res, ex::Party::kMerchant, ex::Party::kGateway, ex::Party::kMerchant);
  EXPECT_EQ(nodes(cr, [](const json& n) { return n.contains("opened"); }).size(), 1u);
}

TEST_F(ExplorerTest, NoViewHoldsTheCardNumber) {
  using P = ex::Party;
  auto msgs = must(journal->messages(must(journal->transactions()).back().tx));
  ASSERT_FALSE(msgs.empty());
  std::size_t checked = 0;
  for (const auto& tx : must(journal->transactions()))
    for (const auto& m : must(journal->messages(tx.tx)))
      for (P viewer : {P::kCardholder, P::kMerchant, P::kGateway}) {
        std::string dump = view(m.message, viewer, m.from, m.to).dump();
        EXPECT_EQ(dump.find(kPan), std::string::npos) << m.type << " in " << ex::party_name(viewer) << "'s view";
        EXPECT_EQ(dump.find(to_hex(as_bytes(kPan))), std::string::npos) << m.type;
        ++checked;
      }
  EXPECT_EQ(checked, 8u * 3u);
}

TEST_F(ExplorerTest, TheJournalGivesTheMessagesInOrderWithTheirParties) {
  auto txs = must(journal->transactions());
  // The purchase (PInitReq .. PRes under its LID-M) and the capture (CapReq/CapRes: no TransIDs
  // in their headers, joined by the RRPID).
  ASSERT_EQ(txs.size(), 2u);
  const auto& purchase = txs[1];
  EXPECT_EQ(purchase.types, (std::vector<std::string>{"PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes"}));
  EXPECT_EQ(purchase.lid_m, to_hex(as_bytes(run.order_id)));
  EXPECT_FALSE(purchase.xid.empty());
  EXPECT_EQ(txs[0].types, (std::vector<std::string>{"CapReq", "CapRes"}));
  auto msgs = must(journal->messages(purchase.tx));
  ASSERT_EQ(msgs.size(), 6u);
  EXPECT_EQ(msgs[0].from, ex::Party::kCardholder);
  EXPECT_EQ(msgs[3].to, ex::Party::kGateway);
  EXPECT_EQ(msgs[4].from, ex::Party::kGateway);
  EXPECT_EQ(msgs[5].to, ex::Party::kCardholder);
  for (std::size_t i = 1; i < msgs.size(); ++i) EXPECT_LT(msgs[i - 1].seq, msgs[i].seq);
  auto one = must(journal->message(msgs[2].seq));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->message, run.preq);
  EXPECT_FALSE(must(journal->message(99999)).has_value());
  json e = ex::entry_json(msgs[2]);
  EXPECT_EQ(e["type"], "PReq");
  EXPECT_EQ(e["from"], "cardholder");
  EXPECT_FALSE(e.contains("message"));
}

// Retention: whole transactions go once their last message is old enough; a trail whose first
// messages are old but whose last is not stays whole.
TEST_F(ExplorerTest, PruningForgetsWholeTransactionsOnly) {
  EXPECT_EQ(must(journal->prune(kNow + 3)), 0);  // the purchase's last message is kNow + 5
  ASSERT_EQ(must(journal->transactions()).size(), 2u);
  EXPECT_EQ(must(journal->prune(kNow + 6)), 6);  // the purchase goes, the capture (kNow + 7) stays
  auto txs = must(journal->transactions());
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].types, (std::vector<std::string>{"CapReq", "CapRes"}));
  EXPECT_EQ(must(journal->prune(kNow + 6)), 0);
  EXPECT_EQ(must(journal->prune(kNow + 8)), 2);
  EXPECT_TRUE(must(journal->transactions()).empty());
}

// The merchant service knows which order it captures: CapReq (no TransIDs in its header) and
// its CapRes are filed with the purchase when the service gives the order as a hint.
TEST_F(ExplorerTest, ACaptureOfAKnownOrderJoinsItsPurchase) {
  auto j = must(ex::Journal::open(test::test_db(w->dir, "merchant-hinted")));
  using P = ex::Party;
  const std::string order = "m-" + to_hex(as_bytes(run.order_id));
  std::int64_t t = kNow;
  for (const auto& [from, to, m] : {std::tuple{P::kCardholder, P::kMerchant, run.pinit_req},
                                    std::tuple{P::kMerchant, P::kCardholder, run.pinit_res},
                                    std::tuple{P::kCardholder, P::kMerchant, run.preq},
                                    std::tuple{P::kMerchant, P::kGateway, run.auth_req},
                                    std::tuple{P::kGateway, P::kMerchant, run.auth_res},
                                    std::tuple{P::kMerchant, P::kCardholder, run.pres}})
    ASSERT_TRUE(j->record(from, to, m, t++).ok());
  ASSERT_TRUE(j->record(P::kMerchant, P::kGateway, cap_req, t++, order).ok());
  ASSERT_TRUE(j->record(P::kGateway, P::kMerchant, cap_res, t++).ok());  // joins its request by RRPID
  // A hint never overrides what the header says: the PReq stays under its own LID-M.
  ASSERT_TRUE(j->record(P::kCardholder, P::kMerchant, run.preq, t++, "m-00").ok());
  auto txs = must(j->transactions());
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].tx, order);
  EXPECT_EQ(txs[0].types, (std::vector<std::string>{"PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",
                                                    "CapReq", "CapRes", "PReq"}));
}

TEST_F(ExplorerTest, TheWalletsTrailIsTheCardholdersView) {
  auto t = must(wallet_transaction(w->wallet->database(), run.wallet_id));
  json list = ex::trail_json(t);
  ASSERT_EQ(list["messages"].size(), t.trail.size());
  std::vector<std::string> seen;
  for (const auto& m : list["messages"])
    seen.push_back(m["type"].get<std::string>() + ":" + m["from"].get<std::string>() + ">" + m["to"].get<std::string>());
  EXPECT_EQ(seen, (std::vector<std::string>{"PInitReq:cardholder>merchant", "PInitRes:merchant>cardholder",
                                            "PReq:cardholder>merchant", "PRes:merchant>cardholder"}));
  json s = ex::trail_summary_json(t);
  EXPECT_EQ(s["count"], 4);
  std::int64_t preq = list["messages"][2]["seq"].get<std::int64_t>();
  auto v = ex::explain_trail_message(t, preq);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["viewer_statement"], "The cardholder's view");
  auto pi = nodes(*v, [](const json& n) { return named(n, "exPIData"); });
  ASSERT_EQ(pi.size(), 1u);
  EXPECT_EQ((*pi[0])["opaque"], true);
  EXPECT_NE((*pi[0])["note"].get<std::string>().find("you sealed this for the gateway"), std::string::npos);
  EXPECT_EQ(v->dump().find(kPan), std::string::npos);
  EXPECT_FALSE(ex::explain_trail_message(t, 999999).has_value());
}

TEST_F(ExplorerTest, GarbageGivesAnErrorNotACrash) {
  ex::ExplainOptions o;
  o.key = &holder;
  for (const Bytes& bad : {Bytes{}, Bytes{0x30}, Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, Bytes(100, 0xff)}) {
    json j = ex::explain(bad, o);
    EXPECT_TRUE(j.contains("error")) << j.dump();
  }
  // A real message cut short, and one with a flipped octet in the middle.
  Bytes cut(run.auth_res.begin(), run.auth_res.begin() + static_cast<std::ptrdiff_t>(run.auth_res.size() / 2));
  EXPECT_TRUE(ex::explain(cut, o).contains("error"));
  Bytes flipped = run.auth_res;
  flipped[flipped.size() - 40] ^= 0x5a;
  json f = ex::explain(flipped, o);  // may decode (ciphertext) or not: never a crash
  EXPECT_TRUE(f.is_object());
  // The journal files garbage too, under a transaction of its own.
  ASSERT_TRUE(journal->record(ex::Party::kCardholder, ex::Party::kMerchant, Bytes{0x01, 0x02}, kNow).ok());
  auto txs = must(journal->transactions());
  EXPECT_EQ(txs[0].types, (std::vector<std::string>{"?"}));
  EXPECT_TRUE(ex::party_from_name("bank").ok() == false);
}

}  // namespace
}  // namespace openset::roles::purchase::testing
