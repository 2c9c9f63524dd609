// The network services end to end (issue 6), in one test process: a deployment made by
// `openset provision`, every service on its own loopback port (net::Server), the wallet buying
// over HTTP. What the tests check is what a demanding operator would: purchases approved and
// recorded by every party, captures exactly once, the banks' invariants, no PAN where it must not
// be, and clear answers to bad input over the wire.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/test/db_location.hpp"
#include "services_support.hpp"
#include "openset/net/http.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/certs/requester.hpp"
#include "openset/roles/bank/invariants.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/services/config.hpp"
#include "openset/services/service.hpp"
#include "openset/services/wallet_client.hpp"
#include "openset/services/web.hpp"

namespace openset {
namespace {
namespace fs = std::filesystem;
using test::slurp;
using nlohmann::json;




struct Running {
  std::string name;
  std::unique_ptr<services::Service> service;
  std::unique_ptr<net::Server> server;
};

// Provisions once; each test starts the services it needs afresh (state persists in data/).
class ServicesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("openset-services-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    app::ProvisionOptions o;
    o.dir = dir_.string();
    o.suite = "set1";  // RSA-1024 end entities: quick to make
    o.port_base = test::free_port_base(20000);
    o.gateways = 2;
    o.pbkdf2_iterations = 1000;
    db_ = test::DeploymentDb::from_environment();
    db_.apply(o);
    std::ostringstream out, err;
    ASSERT_NE(o.port_base, 0);
    ASSERT_EQ(app::run_provision(o, out, err), app::kExitOk) << err.str();
    deployment_ = json::parse(slurp(dir_ / "deployment.json"));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  void SetUp() override {
    log_lines_ = std::make_shared<std::vector<std::string>>();
    auto lines = log_lines_;
    auto mu = log_mu_;
    for (const auto& s : deployment_["services"]) {
      auto config = services::ServiceConfig::load(dir_ / s["config"].get<std::string>());
      ASSERT_TRUE(config.ok()) << config.error().message;
      config->server.workers = 3;
      auto log = std::make_shared<net::Log>(config->service, [lines, mu](std::string_view line) {
        std::lock_guard lock(*mu);
        lines->emplace_back(line);
      });
      auto metrics = std::make_shared<net::Metrics>();
      Running r;
      r.name = s["name"].get<std::string>();
      auto service = services::open_service(*config, {metrics, log});
      ASSERT_TRUE(service.ok()) << r.name << ": " << service.error().message;
      r.service = std::move(*service);
      auto server = net::Server::start(config->server, r.service->routes(), metrics, log);
      ASSERT_TRUE(server.ok()) << r.name << ": " << server.error().message;
      r.server = std::move(*server);
      running_.push_back(std::move(r));
    }
    auto wc = services::ServiceConfig::load(dir_ / deployment_["wallet"].get<std::string>());
    ASSERT_TRUE(wc.ok()) << wc.error().message;
    auto wallet = services::open_wallet(*wc);
    ASSERT_TRUE(wallet.ok()) << wallet.error().message;
    wallet_ = std::move(*wallet);
    store_ = deployment_["store"].get<std::string>();
    admin_token_ = slurp(dir_ / "admin-token");
    while (!admin_token_.empty() && (admin_token_.back() == '\n')) admin_token_.pop_back();
  }
  void TearDown() override {
    for (auto it = running_.rbegin(); it != running_.rend(); ++it) it->server->stop(std::chrono::milliseconds(2000));
    running_.clear();
    wallet_.reset();
  }

  roles::commerce::OrderForm form(const std::string& sku, std::int64_t qty) {
    roles::commerce::OrderForm f;
    f.store = "MER-0001";
    f.lines = {{sku, qty}};
    f.delivery_at = time(nullptr) + 72 * 3600;
    f.delivery_place = "1 Main Street, Springfield";
    return f;
  }

  net::Response admin_post(const std::string& path, const json& body, std::string token = "") {
    auto u = net::Url::parse(store_ + path);
    EXPECT_TRUE(u.ok());
    net::ClientOptions co;
    co.headers.emplace_back("Authorization", "Bearer " + (token.empty() ? admin_token_ : token));
    auto r = net::post(*u, net::kJson, body.dump(), co);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::Response{};
  }

  net::Response admin_get(const std::string& path, std::string token = "") {
    auto u = net::Url::parse(store_ + path);
    EXPECT_TRUE(u.ok());
    net::ClientOptions co;
    if (token != "none") co.headers.emplace_back("Authorization", "Bearer " + (token.empty() ? admin_token_ : token));
    auto r = net::get(*u, co);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::Response{};
  }

  std::vector<roles::bank::Violation> invariants() {
    auto issuer = roles::bank::IssuerBank::open(db_.location(dir_, "issuer"), {"FAB", "First Atlas Bank"});
    auto acquirer = roles::bank::AcquirerBank::open(db_.location(dir_, "acquirer"),
                                                    {"HAQ", "400001", "Harbour Acquiring", test::first_line(dir_ / "acquirer" / "fingerprint.key")});
    EXPECT_TRUE(issuer.ok() && acquirer.ok());
    return roles::bank::check_invariants(**issuer, **acquirer);
  }

  static inline fs::path dir_;
  static inline test::DeploymentDb db_;
  static inline json deployment_;
  std::vector<Running> running_;
  std::unique_ptr<services::WalletHandle> wallet_;
  std::string store_, admin_token_;
  std::shared_ptr<std::vector<std::string>> log_lines_;
  std::shared_ptr<std::mutex> log_mu_ = std::make_shared<std::mutex>();
};


std::string pan() { return "4111111111111111"; }

bool contains_pan(const std::string& text) { return text.find(pan()) != std::string::npos; }

TEST_F(ServicesTest, PurchaseOverHttpIsAuthorizedShippedCapturedAndRecordedByEveryParty) {
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->entry.status, roles::purchase::WalletStatus::kAuthorized);
  EXPECT_EQ(r->initiation.amount.amount, r->quote.amount.amount);
  EXPECT_EQ(r->entry.pan_last4, "1111");

  auto shipped = admin_post("/admin/ship", {{"quote_id", r->quote.quote_id}});
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  json j = json::parse(shipped.body);
  EXPECT_EQ(j["set_state"], "captured");
  EXPECT_EQ(j["store_state"], "shipped");
  EXPECT_FALSE(j["shipment"]["tracking_number"].get<std::string>().empty());
  EXPECT_EQ(j["captured"]["amount"], r->quote.amount.amount);
  // Capturing again answers the same, moves nothing.
  auto again = admin_post("/admin/capture", {{"quote_id", r->quote.quote_id}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["captured"], j["captured"]);

  // The wallet's log knows it; the banks' books balance.
  auto history = roles::purchase::wallet_history(wallet_->wallet->database());
  ASSERT_TRUE(history.ok());
  EXPECT_FALSE(history->empty());
  EXPECT_TRUE(invariants().empty());

  // No PAN in the merchant's or the gateway's files, nor in any service's log line.
  // On PostgreSQL the merchant's and gateway's tables are in the server: every value of their
  // schemas is read; the files are the storefront's and the carrier's (and, on SQLite, theirs).
  if (db_.postgres())
    for (const char* party : {"merchant", "gateway"}) {
      Bytes all = test::pg_database_bytes(db_.location(dir_, party));
      EXPECT_FALSE(all.empty()) << party;
      EXPECT_FALSE(contains_pan(std::string(all.begin(), all.end()))) << party;
    }
  for (const char* f : {"merchant.db", "shop.db", "gateway.db", "carrier.db"})
    if (fs::exists(dir_ / "data" / f)) {
      EXPECT_FALSE(contains_pan(slurp(dir_ / "data" / f))) << f;
    }
  std::lock_guard lock(*log_mu_);
  EXPECT_FALSE(log_lines_->empty());
  for (const auto& line : *log_lines_) EXPECT_FALSE(contains_pan(line)) << line;
}

// The protocol explorer (docs/explorer.md) over HTTP: the page, and the journal behind the admin
// token; the PReq's payment half opaque in the merchant's view, no PAN in any answer.
TEST_F(ServicesTest, TheProtocolExplorerShowsTheMerchantsViewBehindTheAdminToken) {
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(admin_get("/admin/explorer/transactions", "none").status, 401);
  EXPECT_EQ(admin_get("/admin/explorer/transactions", "wrong-token").status, 401);
  auto page = admin_get("/explorer", "none");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("explorer.js"), std::string::npos);
  for (const char* id : {"id=\"transactions\"", "id=\"message-tree\"", "id=\"viewer\"", "id=\"diagram\""})
    EXPECT_NE(page.body.find(id), std::string::npos) << id;
  EXPECT_EQ(admin_get("/static/explorer/explorer.js", "none").status, 200);

  auto txs = admin_get("/admin/explorer/transactions");
  ASSERT_EQ(txs.status, 200) << txs.body;
  json t = json::parse(txs.body);
  std::string key;
  for (const auto& tx : t["transactions"])
    if (tx["lid_m"] == to_hex(r->initiation.lid_m)) key = tx["tx"].get<std::string>();
  ASSERT_FALSE(key.empty()) << txs.body;
  EXPECT_EQ(admin_get("/admin/explorer/messages?tx=" + services::url_encode(key), "none").status, 401);
  auto msgs = admin_get("/admin/explorer/messages?tx=" + services::url_encode(key));
  ASSERT_EQ(msgs.status, 200) << msgs.body;
  json m = json::parse(msgs.body);
  std::vector<std::string> types;
  std::int64_t preq = 0;
  for (const auto& e : m["messages"]) {
    types.push_back(e["type"].get<std::string>() + ":" + e["from"].get<std::string>() + ">" + e["to"].get<std::string>());
    if (e["type"] == "PReq") preq = e["seq"].get<std::int64_t>();
  }
  EXPECT_EQ(types, (std::vector<std::string>{"PInitReq:cardholder>merchant", "PInitRes:merchant>cardholder",
                                             "PReq:cardholder>merchant", "AuthReq:merchant>gateway",
                                             "AuthRes:gateway>merchant", "PRes:merchant>cardholder"}));
  for (const auto& e : m["messages"]) {
    auto one = admin_get("/admin/explorer/message?seq=" + std::to_string(e["seq"].get<std::int64_t>()));
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_FALSE(contains_pan(one.body)) << e["type"];
    json v = json::parse(one.body);
    EXPECT_EQ(v["viewer_statement"], "The merchant's view");
    if (e["seq"] == preq) {
      EXPECT_NE(one.body.find("the merchant cannot read the card number"), std::string::npos);
    }
    if (e["type"] == "AuthRes") {
      EXPECT_NE(one.body.find("\"opened_by\":\"merchant\""), std::string::npos);
    }
  }
  EXPECT_EQ(admin_get("/admin/explorer/message?seq=abc").status, 400);
  EXPECT_EQ(admin_get("/admin/explorer/message?seq=999999").status, 404);
  EXPECT_EQ(admin_get("/admin/explorer/messages?tx=nope").status, 404);
}

TEST_F(ServicesTest, ConcurrentPurchasesSpreadOverTwoGatewaysAndCaptureExactlyOnce) {
  constexpr int kThreads = 4, kEach = 6;
  std::vector<std::string> quotes;
  std::mutex mu;
  std::atomic<int> approved{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto r = services::buy(*wallet_, store_, form("BK-APPLIED", 1));
        if (r.ok() && r->entry.status == roles::purchase::WalletStatus::kAuthorized) {
          ++approved;
          std::lock_guard lock(mu);
          quotes.push_back(r->quote.quote_id);
        } else {
          ++failed;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(approved.load(), kThreads * kEach);
  EXPECT_EQ(failed.load(), 0);

  // Capture each twice, from two threads at once: one capture each.
  threads.clear();
  std::atomic<int> captured{0};
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (const auto& q : quotes) {
        auto a = admin_post("/admin/capture", {{"quote_id", q}});
        if (a.status == 200 && json::parse(a.body)["set_state"] == "captured") ++captured;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(captured.load(), 2 * kThreads * kEach);
  EXPECT_TRUE(invariants().empty());

  // Both gateway processes took AuthReqs.
  int gateways_used = 0;
  for (auto& r : running_)
    if (r.name.starts_with("gateway") && r.server->metrics().exposition().find("route=\"/set\"") != std::string::npos)
      ++gateways_used;
  EXPECT_EQ(gateways_used, 2);
}

TEST_F(ServicesTest, BadInputOverTheWireGetsClearAnswersAndTheServiceGoesOn) {
  auto set_url = net::Url::parse(store_ + "/set");
  ASSERT_TRUE(set_url.ok());
  auto wrong_type = net::post(*set_url, "text/plain", "hello");
  ASSERT_TRUE(wrong_type.ok());
  EXPECT_EQ(wrong_type->status, 415);
  EXPECT_NE(wrong_type->body.find("application/set-payment"), std::string::npos);

  std::string garbage(512, '\0');
  std::mt19937 rng(7);
  for (auto& c : garbage) c = static_cast<char>(rng());
  auto random = net::post(*set_url, net::kSetPayment, garbage);
  ASSERT_TRUE(random.ok());
  EXPECT_TRUE(random->status == 200 || random->status == 422) << random->status;
  if (random->status == 200) {
    EXPECT_EQ(random->content_type, net::kSetPayment);  // a SET Error
  }

  auto huge = net::post(*set_url, net::kSetPayment, std::string(2 << 20, 'x'));
  if (huge.ok()) {
    EXPECT_EQ(huge->status, 413);
  }

  auto quote_url = net::Url::parse(store_ + "/store/quote");
  auto bad_form = form("BK-SET", 0);
  auto q = net::post(*quote_url, net::kJson, bad_form.to_json());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->status, 422);
  EXPECT_NE(q->body.find("problems"), std::string::npos);
  auto unknown = net::post(*quote_url, net::kJson, form("NO-SUCH-BOOK", 1).to_json());
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 422);
  auto not_json = net::post(*quote_url, net::kJson, "{");
  ASSERT_TRUE(not_json.ok());
  EXPECT_EQ(not_json->status, 400);

  EXPECT_EQ(admin_post("/admin/close-batch", json::object(), "wrong-token").status, 401);

  // Still serving: a whole purchase goes through.
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->entry.status, roles::purchase::WalletStatus::kAuthorized);
}

// ---- the merchant's pages and back office (issue 7 items 1 and 3) ----------------------------

std::string header_of(const net::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return v;
  }
  return "";
}

net::Response http_get(const std::string& url, const std::string& token = "") {
  auto u = net::Url::parse(url);
  EXPECT_TRUE(u.ok()) << url;
  net::ClientOptions co;
  if (!token.empty()) co.headers.emplace_back("Authorization", "Bearer " + token);
  auto r = net::get(*u, co);
  EXPECT_TRUE(r.ok()) << url << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : net::Response{};
}

TEST_F(ServicesTest, TheStorefrontAndBackOfficePagesAreServedWithTheirPolicy) {
  auto page = http_get(store_ + "/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("id=\"order-form\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"pay-with-set\""), std::string::npos);
  const std::string csp = header_of(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  // The storefront's form may hand the payment to a wallet on loopback, and nowhere else.
  EXPECT_NE(csp.find("form-action 'self' http://127.0.0.1:* http://localhost:*;"), std::string::npos) << csp;
  EXPECT_EQ(header_of(page, "X-Content-Type-Options"), "nosniff");

  auto js = http_get(store_ + "/static/store/store.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("wallet-handoff"), std::string::npos);
  for (const char* path : {"/order?quote=Q-none", "/static/store/order.js", "/static/office/office.js",
                           "/static/common.css", "/static/common.js"})
    EXPECT_EQ(http_get(store_ + path).status, 200) << path;
  // The back office posts no form anywhere else.
  auto office = http_get(store_ + "/office");
  ASSERT_EQ(office.status, 200);
  EXPECT_NE(office.body.find("id=\"token\""), std::string::npos);
  EXPECT_NE(header_of(office, "Content-Security-Policy").find("form-action 'self';"), std::string::npos);

  // The catalog names the cardholder's wallet (provision: the wallet's listen address).
  auto catalog = http_get(store_ + "/store/catalog");
  ASSERT_EQ(catalog.status, 200);
  json wallet_config = json::parse(slurp(dir_ / deployment_["wallet"].get<std::string>()));
  EXPECT_EQ(json::parse(catalog.body)["wallet_url"], "http://" + wallet_config["listen"].get<std::string>());
}

TEST_F(ServicesTest, TheBackOfficeRefundsACapturedOrderOnceAndNeverAboveTheCapture) {
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string q = r->quote.quote_id;
  const std::int64_t total = r->quote.amount.amount;
  ASSERT_GE(total, 4);
  auto order = [&] {
    auto u = net::Url::parse(store_ + "/store/order");
    auto o = net::post(*u, net::kJson, json{{"quote_id", q}}.dump());
    EXPECT_TRUE(o.ok() && o->status == 200);
    return o.ok() ? json::parse(o->body) : json{};
  };

  // Not captured: refused, nothing sent.
  auto early = admin_post("/admin/refund", {{"quote_id", q}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.body.find("only a captured order"), std::string::npos) << early.body;
  EXPECT_EQ(admin_post("/admin/refund", {{"quote_id", "Q-none"}}).status, 404);
  EXPECT_EQ(admin_post("/admin/refund", {{"quote_id", q}, {"amount", -5}}).status, 400);

  ASSERT_EQ(admin_post("/admin/ship", {{"quote_id", q}}).status, 200);
  // Above the capture: refused, nothing moved.
  auto too_much = admin_post("/admin/refund", {{"quote_id", q}, {"amount", total + 1}});
  EXPECT_EQ(too_much.status, 409) << too_much.body;
  EXPECT_NE(too_much.body.find("nothing was sent"), std::string::npos) << too_much.body;
  EXPECT_FALSE(order().contains("refunded"));
  EXPECT_TRUE(invariants().empty());

  // A part, then the same request again (a retry): refunded once.
  const std::int64_t part = total / 4;
  auto first = admin_post("/admin/refund", {{"quote_id", q}, {"amount", part}, {"request_id", "r-1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::parse(first.body)["refunded"]["amount"], part);
  auto retry = admin_post("/admin/refund", {{"quote_id", q}, {"amount", part}, {"request_id", "r-1"}});
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(json::parse(retry.body)["repeated"], true);
  EXPECT_EQ(order()["refunded"]["amount"], part);
  // The rest (the default amount), then nothing is left.
  auto rest = admin_post("/admin/refund", {{"quote_id", q}});
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(json::parse(rest.body)["refund"]["amount"], total - part);
  json after = order();
  EXPECT_EQ(after["refunded"]["amount"], total);
  EXPECT_EQ(after["set_state"], "refunded");
  auto more = admin_post("/admin/refund", {{"quote_id", q}, {"amount", 1}});
  EXPECT_EQ(more.status, 409) << more.body;
  EXPECT_NE(more.body.find("refunded in full"), std::string::npos) << more.body;
  EXPECT_TRUE(invariants().empty());

  // The orders list shows the quote, the shipment and the amounts.
  auto list = http_get(store_ + "/admin/orders", admin_token_);
  ASSERT_EQ(list.status, 200);
  json mine;
  const json listed = json::parse(list.body);
  for (const auto& o : listed["orders"])
    if (o.value("quote_id", "") == q) mine = o;
  ASSERT_TRUE(mine.is_object()) << list.body;
  EXPECT_EQ(mine["state"], "refunded");
  EXPECT_EQ(mine["store_state"], "shipped");
  EXPECT_FALSE(mine["shipment"]["tracking_number"].get<std::string>().empty());
  EXPECT_EQ(mine["captured"]["amount"], total);
  EXPECT_EQ(mine["refunded"]["amount"], total);
  EXPECT_EQ(mine["authorized"]["amount"], total);

  // Closing the day: the report lists the closed batch with the capture, both refunds and its net.
  auto closed = admin_post("/admin/close-batch", json::object());
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto report = http_get(store_ + "/admin/settlement", admin_token_);
  ASSERT_EQ(report.status, 200) << report.body;
  json batch;
  const json reported = json::parse(report.body);
  for (const auto& b : reported["batches"])
    for (const auto& i : b["items"])
      if (i.value("quote_id", "") == q && i["kind"] == "credit") batch = b;
  ASSERT_TRUE(batch.is_object()) << report.body;
  EXPECT_EQ(batch["state"], "closed");
  ASSERT_TRUE(batch.contains("settled_net")) << batch.dump();
  EXPECT_EQ(batch["settled_net"], batch["totals"]["net"]);
  EXPECT_EQ(batch["reconciled"], true);
  std::int64_t credited = 0;
  for (const auto& i : batch["items"])
    if (i.value("quote_id", "") == q && i["kind"] == "credit") credited += i["amount"]["amount"].get<std::int64_t>();
  EXPECT_EQ(credited, total);
  EXPECT_TRUE(invariants().empty());
}

TEST_F(ServicesTest, EveryBackOfficeRouteWantsTheToken) {
  for (const char* path : {"/admin/orders", "/admin/settlement"}) {
    EXPECT_EQ(http_get(store_ + path).status, 401) << path;
    EXPECT_EQ(http_get(store_ + path, "wrong-token").status, 401) << path;
  }
  for (const char* path : {"/admin/ship", "/admin/capture", "/admin/refund", "/admin/close-batch"}) {
    auto u = net::Url::parse(store_ + path);
    ASSERT_TRUE(u.ok());
    auto none = net::post(*u, net::kJson, R"({"quote_id":"Q-none"})");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->status, 401) << path;
    EXPECT_EQ(admin_post(path, {{"quote_id", "Q-none"}}, "wrong-token").status, 401) << path;
  }
}

TEST_F(ServicesTest, WalletRefusesAnInitiationWhoseAmountDiffersFromTheQuote) {
  // A store in the middle: forwards the quote, then asks for more money in the initiation.
  std::string real = store_;
  std::vector<net::Route> routes;
  routes.push_back({"POST", "/store/quote", {std::string(net::kJson)}, [real](const net::Request& q) {
                      auto u = net::Url::parse(real + "/store/quote");
                      auto r = net::post(*u, net::kJson, q.body);
                      return r.ok() ? *r : net::Response::error(502, "no store");
                    }});
  routes.push_back({"POST", "/store/accept", {std::string(net::kJson)}, [real](const net::Request& q) {
                      auto u = net::Url::parse(real + "/store/accept");
                      auto r = net::post(*u, net::kJson, q.body);
                      if (!r.ok() || r->status != 200) return net::Response::error(502, "no store");
                      auto p = services::PaymentInitiation::parse(r->body);
                      p->amount.amount += 100;
                      return net::Response::bytes(net::kSetPaymentInitiation, p->to_text());
                    }});
  net::ServerOptions so;
  so.service = "evil-store";
  auto evil = net::Server::start(so, routes, std::make_shared<net::Metrics>(), std::make_shared<net::Log>("evil", [](std::string_view) {}));
  ASSERT_TRUE(evil.ok());
  auto before = roles::purchase::wallet_history(wallet_->wallet->database());
  ASSERT_TRUE(before.ok());
  auto r = services::buy(*wallet_, (*evil)->url(), form("BK-SET", 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kPolicy);
  EXPECT_NE(r.error().message.find("nothing was paid"), std::string::npos);
  auto after = roles::purchase::wallet_history(wallet_->wallet->database());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size());  // no PInitReq was even made
}



// The wallet service (issue 7 item 2): the storefront's hand-off, the checks before a Pay button,
// the passphrase, registration of a new card. Over HTTP, as the browser pages use it.
TEST_F(ServicesTest, WalletServiceChecksTheHandOffAsksThePassphraseAndRegistersACard) {
  std::string wallet_url;
  for (const auto& s : deployment_["services"])
    if (s["role"] == "wallet") wallet_url = s["url"].get<std::string>();
  ASSERT_FALSE(wallet_url.empty()) << "the deployment starts the wallet service";
  auto call = [&](const std::string& method, const std::string& path, const std::string& ctype, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto u = net::Url::parse((path.rfind("http", 0) == 0 ? "" : wallet_url) + path);
    EXPECT_TRUE(u.ok());
    net::ClientOptions co;
    co.headers = std::move(headers);
    auto r = method == "GET" ? net::get(*u, co) : net::post(*u, ctype, body, co);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::Response{};
  };
  auto jcall = [&](const std::string& path, const json& body) { return call("POST", path, "application/json", body.dump()); };
  // The shopping step, as the storefront page does it.
  auto quote = call("POST", store_ + "/store/quote", "application/json", form("BK-SET", 1).to_json());
  ASSERT_EQ(quote.status, 200) << quote.body;
  const std::string quote_id = json::parse(quote.body)["quote_id"].get<std::string>();
  auto accepted = call("POST", store_ + "/store/accept", "application/json", json{{"quote_id", quote_id}}.dump());
  ASSERT_EQ(accepted.status, 200);
  auto hand_off = [&](const std::string& initiation) {
    auto r = call("POST", "/pay", "application/x-www-form-urlencoded",
                  "initiation=" + services::url_encode(initiation) + "&store=" + services::url_encode(store_) +
                      "&quote_id=" + services::url_encode(quote_id));
    EXPECT_EQ(r.status, 303);
    std::string location;
    for (const auto& [k, v] : r.headers)
      if (k == "Location" || k == "location") location = v;
    EXPECT_EQ(location.rfind("/pay?h=", 0), 0u) << location;
    return location.substr(7);
  };
  const std::string pass = test::first_line(dir_ / "passphrase");
  auto history_size = [&] { return json::parse(call("GET", "/api/history", "", "").body)["purchases"].size(); };
  const std::size_t before = history_size();

  // A tampered initiation (more money than the store quoted) is refused: no Pay button, 409.
  auto tampered = services::PaymentInitiation::parse(accepted.body);
  ASSERT_TRUE(tampered.ok());
  tampered->amount.amount += 100;
  const std::string bad = hand_off(tampered->to_text());
  json seen = json::parse(call("GET", "/api/handoff?h=" + bad, "", "").body);
  EXPECT_FALSE(seen["accepted"].get<bool>());
  EXPECT_NE(seen["refusal"].get<std::string>().find("nothing was paid"), std::string::npos);
  EXPECT_EQ(jcall("/api/pay", {{"handoff", bad}, {"card", "1"}, {"passphrase", pass}}).status, 409);

  // The genuine one: a wrong passphrase sends nothing; the right one pays; paying twice does not.
  const std::string good = hand_off(accepted.body);
  seen = json::parse(call("GET", "/api/handoff?h=" + good, "", "").body);
  ASSERT_TRUE(seen["accepted"].get<bool>()) << seen.dump();
  EXPECT_EQ(seen["store_amount"]["amount"], seen["initiation"]["amount"]["amount"]);
  auto wrong = jcall("/api/pay", {{"handoff", good}, {"card", "1"}, {"passphrase", pass + "x"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_NE(wrong.body.find("passphrase is wrong; nothing was sent"), std::string::npos);
  EXPECT_EQ(history_size(), before) << "a wrong passphrase must not start a purchase";
  auto paid = jcall("/api/pay", {{"handoff", good}, {"card", "1"}, {"passphrase", pass}});
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(json::parse(paid.body)["status"], "authorized");
  auto again = jcall("/api/pay", {{"handoff", good}, {"card", "1"}, {"passphrase", pass}});
  EXPECT_EQ(again.body, paid.body);
  EXPECT_EQ(history_size(), before + 1);
  EXPECT_FALSE(contains_pan(paid.body));

  // Only the wallet's own pages and address: another Origin, another Host are refused.
  EXPECT_EQ(call("POST", "/api/pay", "application/json", "{}", {{"Origin", "http://shop.example"}}).status, 403);
  auto rebinding = call("GET", "/api/cards", "", "", {{"Host", "evil.example"}});
  EXPECT_EQ(rebinding.status, 403);

  // Registering the spare card: the CA's form first, then the certificate; the new card pays.
  json spare = json::parse(slurp(dir_ / "wallet" / "new-card"));
  const std::string spare_pan = spare["pan"].get<std::string>();
  std::string expiry = spare["expiry"].get<std::string>();
  expiry.insert(4, "-");
  std::string typo = spare_pan;
  typo.back() = typo.back() == '0' ? '1' : '0';
  auto refused = jcall("/api/register/start", {{"pan", typo}, {"expiry", expiry}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("check digit"), std::string::npos);
  EXPECT_EQ(refused.body.find(typo), std::string::npos);
  auto started = jcall("/api/register/start", {{"pan", spare_pan}, {"expiry", expiry}, {"label", "Spare"}});
  ASSERT_EQ(started.status, 200) << started.body;
  json form_json = json::parse(started.body);
  ASSERT_FALSE(form_json["fields"].empty());
  json answers = json::object();
  // What the issuer knows of the account holder (provision's spare card).
  const std::map<std::string, std::string> holder = {
      {"name", "Alice Example"}, {"billing-address", "12 Elm Road, Springfield"}, {"postal-code", "12345"}};
  for (const auto& f : form_json["fields"]) {
    const std::string name = f["name"].get<std::string>();
    answers[name] = holder.contains(name) ? holder.at(name) : "x";
  }
  auto weak = jcall("/api/register/finish", {{"session", form_json["session"]}, {"answers", answers}, {"passphrase", "short"},
                                             {"passphrase_again", "short"}});
  EXPECT_EQ(weak.status, 422);
  auto finished = jcall("/api/register/finish", {{"session", form_json["session"]}, {"answers", answers},
                                                 {"passphrase", "a long passphrase"}, {"passphrase_again", "a long passphrase"}});
  ASSERT_EQ(finished.status, 200) << finished.body;
  const std::string card_id = json::parse(finished.body)["card"].get<std::string>();
  auto cards = call("GET", "/api/cards", "", "");
  EXPECT_NE(cards.body.find("\"last4\":\"" + spare_pan.substr(spare_pan.size() - 4) + "\""), std::string::npos);
  EXPECT_EQ(cards.body.find(spare_pan), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "wallet" / "cards" / card_id / "card.json").find(spare_pan), std::string::npos);
  EXPECT_EQ(fs::status(dir_ / "wallet" / "cards" / card_id / "pan").permissions() & fs::perms::group_read, fs::perms::none);

  auto quote2 = call("POST", store_ + "/store/quote", "application/json", form("BK-SET", 1).to_json());
  const std::string quote2_id = json::parse(quote2.body)["quote_id"].get<std::string>();
  auto accepted2 = call("POST", store_ + "/store/accept", "application/json", json{{"quote_id", quote2_id}}.dump());
  auto r2 = call("POST", "/pay", "application/x-www-form-urlencoded",
                 "initiation=" + services::url_encode(accepted2.body) + "&store=" + services::url_encode(store_) +
                     "&quote_id=" + services::url_encode(quote2_id));
  std::string h2;
  for (const auto& [k, v] : r2.headers)
    if (k == "Location" || k == "location") h2 = v.substr(7);
  auto paid2 = jcall("/api/pay", {{"handoff", h2}, {"card", card_id}, {"passphrase", "a long passphrase"}});
  ASSERT_EQ(paid2.status, 200) << paid2.body;
  EXPECT_EQ(json::parse(paid2.body)["last4"], spare_pan.substr(spare_pan.size() - 4));
  EXPECT_TRUE(invariants().empty());

  // The wallet will not listen beyond this computer.
  auto wc = services::ServiceConfig::load(dir_ / deployment_["wallet"].get<std::string>());
  ASSERT_TRUE(wc.ok());
  wc->host = "0.0.0.0";
  auto exposed = services::open_service(*wc, {});
  ASSERT_FALSE(exposed.ok());
  EXPECT_NE(exposed.error().message.find("127.0.0.1 only"), std::string::npos);
}

TEST_F(ServicesTest, AnAuthorizationLeftWithoutAnswerCompletesWhenTheMerchantRestarts) {
  auto orders_in = [&](const std::string& state) {
    auto u = net::Url::parse(store_ + "/admin/orders");
    net::ClientOptions co;
    co.headers.emplace_back("Authorization", "Bearer " + admin_token_);
    auto r = net::get(*u, co);
    EXPECT_TRUE(r.ok() && r->status == 200);
    int n = 0;
    if (!r.ok() || r->status != 200) return -1;
    const json list = json::parse(r->body);  // kept alive for the loop
    for (const auto& o : list["orders"]) n += o["state"] == state ? 1 : 0;
    return n;
  };
  const int authorized_before = orders_in("authorized");
  // The gateways go away; the wallet tries once and gives up: the order waits at the merchant.
  for (auto& r : running_)
    if (r.name.starts_with("gateway")) r.server->stop(std::chrono::milliseconds(500));
  services::BuyOptions once;
  once.attempts = 1;
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1), once);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(orders_in("authorizing"), 1) << r.error().message;
  // Everything restarts: the merchant sends that AuthReq again by itself.
  TearDown();
  SetUp();
  int waiting = 1;
  for (int i = 0; i < 100 && waiting > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    waiting = orders_in("authorizing");
  }
  EXPECT_EQ(waiting, 0);
  EXPECT_EQ(orders_in("authorized"), authorized_before + 1);
  EXPECT_TRUE(invariants().empty());
}

// The refund's request_id is kept in the merchant's database: a retry is never a second refund,
// whether the first answer was lost with the gateway away or the merchant restarted since.
TEST_F(ServicesTest, TheExplorersRetentionIsAWholeNumberOfDays) {
  std::string file;
  for (const auto& s : deployment_["services"])
    if (s["role"] == "merchant") file = s["config"].get<std::string>();
  ASSERT_FALSE(file.empty());
  auto mc = services::ServiceConfig::load(dir_ / file);
  ASSERT_TRUE(mc.ok()) << mc.error().message;
  for (const json& bad : {json(-1), json(1.5), json("30"), json(36501)}) {
    mc->settings["explorer_keep_days"] = bad;
    auto s = services::open_service(*mc, {});
    ASSERT_FALSE(s.ok()) << bad.dump();
    EXPECT_NE(s.error().message.find("\"explorer_keep_days\" is a whole number of days"), std::string::npos)
        << s.error().message;
  }
}

TEST_F(ServicesTest, ARefundRequestIsMadeOnceAcrossALostAnswerAndARestart) {
  auto r = services::buy(*wallet_, store_, form("BK-SET", 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string q = r->quote.quote_id;
  const std::int64_t total = r->quote.amount.amount;
  ASSERT_GE(total, 4);
  ASSERT_EQ(admin_post("/admin/ship", {{"quote_id", q}}).status, 200);
  auto refunded = [&]() -> std::int64_t {
    auto u = net::Url::parse(store_ + "/store/order");
    auto o = net::post(*u, net::kJson, json{{"quote_id", q}}.dump());
    EXPECT_TRUE(o.ok() && o->status == 200);
    if (!o.ok() || o->status != 200) return -1;
    json j = json::parse(o->body);
    return j.contains("refunded") ? j["refunded"]["amount"].get<std::int64_t>() : 0;
  };
  const std::int64_t part = total / 4;
  const json ask{{"quote_id", q}, {"amount", part}, {"request_id", "desk-7"}};
  EXPECT_EQ(admin_post("/admin/refund", {{"quote_id", q}, {"amount", part}, {"request_id", ""}}).status, 400);

  // The gateways go away: the CredReq leaves, no answer comes back; the desk is told to retry.
  for (auto& run : running_)
    if (run.name.starts_with("gateway")) run.server->stop(std::chrono::milliseconds(500));
  auto lost = admin_post("/admin/refund", ask);
  EXPECT_EQ(lost.status, 503) << lost.body;
  EXPECT_NE(lost.body.find("send the same request again"), std::string::npos) << lost.body;

  // Everything restarts; the same request again: the waiting CredReq is sent (once) and its
  // outcome is this request's answer.
  TearDown();
  SetUp();
  auto again = admin_post("/admin/refund", ask);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["refund"]["amount"], part) << again.body;
  EXPECT_NE(again.body.find("nothing was refunded twice"), std::string::npos) << again.body;
  EXPECT_EQ(refunded(), part);

  // Restarted once more, the request is still known: its first answer, nothing more refunded.
  TearDown();
  SetUp();
  auto third = admin_post("/admin/refund", ask);
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(json::parse(third.body)["repeated"], true);
  EXPECT_EQ(json::parse(third.body)["refund"]["amount"], part);
  EXPECT_EQ(refunded(), part);

  // Another request_id is another refund.
  auto other = admin_post("/admin/refund", {{"quote_id", q}, {"amount", part}, {"request_id", "desk-8"}});
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(refunded(), 2 * part);
  EXPECT_TRUE(invariants().empty());
}

TEST_F(ServicesTest, MerchantRegistersWithTheMcaServiceOverHttpAndSerialsGoOnAfterARestart) {
  auto register_merchant = [&]() -> Result<Bytes> {
    auto root = services::read_certificate((dir_ / "pki" / "root.cert.pem").string());
    if (!root.ok()) return root.error();
    pki::TrustStore roots;
    OPENSET_CHECK(roots.add_root(*root));
    pki::PathValidator validator(roots);
    roles::TrustContext trust{&validator, {}, {}, std::nullopt, seal::Policy::only(crypto::SuiteId::kSet1)};
    roles::certs::RequesterConfig rc;
    rc.who = roles::certs::Requester::kMerchant;
    rc.suite = &crypto::suite(crypto::SuiteId::kSet1);
    rc.brand = "Atlas";
    rc.merchant_id = "MER-0001";
    rc.acquirer_bin = "400001";
    rc.accept_ca_signature_certificate_as_cae = false;
    roles::certs::Registration reg(rc, trust);
    roles::SystemClock clock;
    roles::SystemRandomness random;
    roles::Env env{clock, random};
    auto mca = net::Url::parse(deployment_["ca"].get<std::string>() + "/mca");
    auto exchange = [&](const Bytes& request) -> Result<Bytes> {
      OPENSET_TRY(net::Response r, net::post(*mca, net::kSetRegistration,
                                             std::string_view(reinterpret_cast<const char*>(request.data()), request.size())));
      if (r.status != 200 || r.content_type != net::kSetRegistration)
        return Error(Errc::kIo, std::to_string(r.status) + " " + r.body);
      return to_bytes(std::string_view(r.body));
    };
    OPENSET_TRY(Bytes init, reg.initiate(env));
    OPENSET_TRY(Bytes init_res, exchange(init));
    OPENSET_TRY(std::optional<Bytes> form_req, reg.on_init_response(env, init_res));
    if (form_req) {
      OPENSET_TRY(Bytes form, exchange(*form_req));
      OPENSET_CHECK(reg.on_reg_form_res(env, form));
    }
    OPENSET_TRY(Bytes cert_req, reg.cert_req(env, {{"name", "Harbour Street Bookshop"}, {"address", "1 Harbour Street, Springfield"}}));
    OPENSET_TRY(Bytes cert_res, exchange(cert_req));
    OPENSET_TRY(auto outcome, reg.on_cert_res(env, cert_res));
    if (outcome != roles::certs::Registration::Outcome::kComplete) return Error(Errc::kInvalidArgument, "not complete");
    return reg.certificates().at(0);
  };
  auto first = register_merchant();
  ASSERT_TRUE(first.ok()) << first.error().message;
  // Restart every service (the CA restores itself from ca.db), register again: a new serial.
  TearDown();
  SetUp();
  auto second = register_merchant();
  ASSERT_TRUE(second.ok()) << second.error().message;
  auto a = asn1::decode<asn1::Certificate>(*first);
  auto b = asn1::decode<asn1::Certificate>(*second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->to_be_signed.serial_number, b->to_be_signed.serial_number);
  // A message that is not a registration request gets a SET Error, not a crash.
  auto mca = net::Url::parse(deployment_["ca"].get<std::string>() + "/mca");
  auto junk = net::post(*mca, net::kSetRegistration, std::string("\x30\x03\x02\x01\x00", 5));
  ASSERT_TRUE(junk.ok());
  EXPECT_TRUE(junk->status == 200 || junk->status == 500) << junk->status;
  auto wrong = net::post(*mca, net::kSetPayment, "x");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 415);
}

TEST(PaymentInitiation, RoundTripsAndRefusesWhatIsNotOne) {
  services::PaymentInitiation p;
  p.merchant_name = "Harbour Street Bookshop";
  p.merchant_id = "MER-0001";
  p.brands = {"Atlas", "Borealis"};
  p.amount = {840, 2805, -2};
  p.lid_m = {0x01, 0x02, 0xff};
  p.od = {'{', '}', 0x00, 0x80};
  p.summary = "1 x SET: The Complete Guide";
  p.payment_url = "http://127.0.0.1:8405/set";
  p.expires = 1795000000;
  auto back = services::PaymentInitiation::parse(p.to_text());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->merchant_name, p.merchant_name);
  EXPECT_EQ(back->brands, p.brands);
  EXPECT_EQ(back->amount.amount, 2805);
  EXPECT_EQ(back->lid_m, p.lid_m);
  EXPECT_EQ(back->od, p.od);
  EXPECT_EQ(back->expires, p.expires);
  std::string text = p.to_text();
  EXPECT_FALSE(services::PaymentInitiation::parse("").ok());
  EXPECT_FALSE(services::PaymentInitiation::parse("Merchant-Name: x\r\n").ok());  // not first line
  std::string twice = text + "LID-M: 01\r\n";
  EXPECT_FALSE(services::PaymentInitiation::parse(twice).ok());
  std::string no_url = text.substr(0, text.find("Payment-URL")) + text.substr(text.find("Expires"));
  EXPECT_FALSE(services::PaymentInitiation::parse(no_url).ok());
  std::string negative = text;
  negative.replace(negative.find("2805"), 4, "-5");
  EXPECT_FALSE(services::PaymentInitiation::parse(negative).ok());
  EXPECT_FALSE(services::PaymentInitiation::parse(std::string(20000, 'a')).ok());
  std::string control = text;
  control.insert(control.find("Brands"), std::string("X: \x01\r\n"));
  EXPECT_FALSE(services::PaymentInitiation::parse(control).ok());
}

}  // namespace
}  // namespace openset
