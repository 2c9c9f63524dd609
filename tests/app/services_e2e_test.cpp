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
