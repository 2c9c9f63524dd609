// Crash tests of the services (issue 6, "Reliability"): every party in its own process (the
// `openset serve` binary), a load of purchases and captures, and kill -9 of the gateway, of the
// merchant and of the issuer in the middle of it. Clients retry (the same bytes: SET's replay
// rules make that safe). Afterwards: every purchase the wallet saw authorized is authorized at the
// merchant and captured exactly once, the banks' invariants hold, and retried requests got their
// first answers (no second hold, no second capture).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "services_support.hpp"
#include "openset/net/http.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/invariants.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/services/config.hpp"
#include "openset/store/database.hpp"
#include "openset/services/wallet_client.hpp"

#ifndef OPENSET_BINARY
#error "OPENSET_BINARY must name the openset executable"
#endif

namespace openset {
namespace {
namespace fs = std::filesystem;
using test::slurp;
using nlohmann::json;
using namespace std::chrono_literals;




struct Proc {
  std::string name, role, config, url;
  pid_t pid = -1;
};

class Fleet {
 public:
  explicit Fleet(fs::path dir) : dir_(std::move(dir)) {}
  ~Fleet() {
    for (auto& [n, p] : procs_)
      if (p.pid > 0) {
        kill(p.pid, SIGKILL);
        waitpid(p.pid, nullptr, 0);
      }
  }
  void add(const json& s) {
    Proc p;
    p.name = s["name"];
    p.config = (dir_ / s["config"].get<std::string>()).string();
    p.url = s["url"];
    p.role = json::parse(slurp(p.config))["service"];
    procs_[p.name] = p;
    order_.push_back(p.name);
  }
  bool start(const std::string& name) {
    Proc& p = procs_.at(name);
    std::string log = (dir_ / (name + ".log")).string();
    p.pid = fork();
    if (p.pid == 0) {
      FILE* f = freopen(log.c_str(), "a", stderr);
      (void)f;
      FILE* g = freopen("/dev/null", "w", stdout);
      (void)g;
      execl(OPENSET_BINARY, OPENSET_BINARY, "serve", p.role.c_str(), "--config", p.config.c_str(), nullptr);
      _exit(127);
    }
    auto u = net::Url::parse(p.url + "/health");
    net::ClientOptions co;
    co.timeout = 500ms;
    co.connect_timeout = 200ms;
    for (int i = 0; i < 300; ++i) {
      auto r = net::get(*u, co);
      if (r.ok() && r->status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  bool start_all() {
    for (const auto& n : order_)
      if (!start(n)) return false;
    return true;
  }
  void kill9(const std::string& name) {
    Proc& p = procs_.at(name);
    kill(p.pid, SIGKILL);
    waitpid(p.pid, nullptr, 0);
    p.pid = -1;
  }
  void stop_all() {
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      Proc& p = procs_.at(*it);
      if (p.pid > 0) {
        kill(p.pid, SIGTERM);
        waitpid(p.pid, nullptr, 0);
        p.pid = -1;
      }
    }
  }

 private:
  fs::path dir_;
  std::map<std::string, Proc> procs_;
  std::vector<std::string> order_;
};

TEST(ServicesCrash, KillNineGatewayMerchantAndIssuerDuringLoad) {
  fs::path dir = fs::temp_directory_path() / ("openset-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  app::ProvisionOptions o;
  o.dir = dir.string();
  o.suite = "set1";
  o.port_base = test::free_port_base(40000);
  o.pbkdf2_iterations = 1000;
  const test::DeploymentDb db = test::DeploymentDb::from_environment();
  db.apply(o);
  ASSERT_NE(o.port_base, 0);
  std::ostringstream out, err;
  ASSERT_EQ(app::run_provision(o, out, err), app::kExitOk) << err.str();
  json d = json::parse(slurp(dir / "deployment.json"));
  Fleet fleet(dir);
  for (const auto& s : d["services"]) fleet.add(s);
  ASSERT_TRUE(fleet.start_all());

  auto wc = services::ServiceConfig::load(dir / "wallet" / "config.json");
  ASSERT_TRUE(wc.ok());
  auto wallet = services::open_wallet(*wc);
  ASSERT_TRUE(wallet.ok()) << wallet.error().message;
  const std::string store = d["store"];
  std::string token = slurp(dir / "admin-token");
  while (!token.empty() && token.back() == '\n') token.pop_back();

  services::BuyOptions bo;
  bo.attempts = 8;
  bo.pause = 150ms;
  bo.client.timeout = 5s;
  bo.client.connect_timeout = 500ms;

  std::mutex mu;
  std::vector<std::string> authorized;  // quote ids the wallet saw authorized
  std::atomic<int> failed{0};
  std::map<std::string, int> failures;  // by message
  std::atomic<bool> done{false};
  std::atomic<int> resent{0};  // SET requests the wallet had to send again
  auto buyer = [&] {
    while (!done.load()) {
      roles::commerce::OrderForm f;
      f.store = "MER-0001";
      f.lines = {{"BK-APPLIED", 1}};
      f.delivery_at = time(nullptr) + 72 * 3600;
      f.delivery_place = "2 Load Street";
      auto r = services::buy(**wallet, store, f, bo);
      if (r.ok()) resent += r->resent;
      if (r.ok() && r->entry.status == roles::purchase::WalletStatus::kAuthorized) {
        std::lock_guard lock(mu);
        authorized.push_back(r->quote.quote_id);
      } else {
        ++failed;
        {
          std::lock_guard lock(mu);
          ++failures[r.ok() ? std::string(roles::purchase::to_string(r->entry.status)) : r.error().message];
        }
        std::this_thread::sleep_for(100ms);
      }
    }
  };
  std::vector<std::thread> buyers;
  for (int i = 0; i < 3; ++i) buyers.emplace_back(buyer);
  auto wait_for = [&](std::size_t n) {
    for (int i = 0; i < 600; ++i) {
      {
        std::lock_guard lock(mu);
        if (authorized.size() >= n) return;
      }
      std::this_thread::sleep_for(50ms);
    }
  };
  wait_for(3);
  fleet.kill9(d["services"][2]["name"].get<std::string>() == "gateway" ? "gateway" : "gateway");
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(fleet.start("gateway"));
  wait_for(6);
  fleet.kill9("merchant");
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(fleet.start("merchant"));
  wait_for(9);
  fleet.kill9("issuer");
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(fleet.start("issuer"));
  wait_for(12);
  done = true;
  for (auto& t : buyers) t.join();

  // Every authorized purchase captured, each exactly once (twice asked).
  auto capture = [&](const std::string& q) -> json {
    auto u = net::Url::parse(store + "/admin/capture");
    net::ClientOptions co;
    co.headers.emplace_back("Authorization", "Bearer " + token);
    for (int i = 0; i < 10; ++i) {
      auto r = net::post(*u, net::kJson, json{{"quote_id", q}}.dump(), co);
      if (r.ok() && r->status == 200) return json::parse(r->body);
      std::this_thread::sleep_for(200ms);
    }
    return json::object();
  };
  ASSERT_GE(authorized.size(), 12u);
  for (const auto& q : authorized) {
    json first = capture(q);
    json second = capture(q);
    EXPECT_EQ(first["set_state"], "captured") << q << " " << first.dump();
    EXPECT_EQ(second["captured"], first["captured"]) << q;
  }
  fleet.stop_all();

  // Across the parties: every order the merchant holds as authorized or captured has the
  // gateway's approval, and every approval (the gateway's) is a hold at the issuer; every hold
  // at the issuer is known to the gateway (no hold orphaned by a crash); orders a client gave up
  // on are still "authorizing" or earlier, with nothing captured.
  {
    auto mdb = store::Database::open(db.location(dir, "merchant"), store::Database::Mode::kOpenExisting);
    auto gdb = store::Database::open(db.location(dir, "gateway"), store::Database::Mode::kOpenExisting);
    auto idb = store::Database::open(db.location(dir, "issuer"), store::Database::Mode::kOpenExisting);
    ASSERT_TRUE(mdb.ok() && gdb.ok() && idb.ok());
    std::map<std::string, std::string> gateway_ok;  // xid hex -> authorization id (approved)
    {
      auto st = gdb->prepare("SELECT xid, auth_code, authorization_id FROM gateway_authorizations");
      ASSERT_TRUE(st.ok());
      while (*st->step())
        if (st->column_int64(1) == 0) gateway_ok[to_hex(st->column_blob(0))] = st->column_text(2);
    }
    std::set<std::string> issuer_holds;
    {
      auto st = idb->prepare("SELECT authorization_id FROM authorizations WHERE verdict = 'approved'");
      ASSERT_TRUE(st.ok());
      while (*st->step()) issuer_holds.insert(st->column_text(0));
    }
    int merchant_authorized = 0;
    auto st = mdb->prepare("SELECT order_id, state, xid FROM merchant_orders");
    ASSERT_TRUE(st.ok());
    while (*st->step()) {
      std::string state = st->column_text(1);
      if (state == "authorized" || state == "captured" || state == "capturing") {
        ++merchant_authorized;
        std::string xid = to_hex(st->column_blob(2));
        ASSERT_TRUE(gateway_ok.contains(xid)) << st->column_text(0) << " is " << state << " without the gateway's approval";
        EXPECT_TRUE(issuer_holds.contains(gateway_ok[xid])) << st->column_text(0);
      } else {
        EXPECT_TRUE(state == "open" || state == "initiated" || state == "authorizing" || state == "declined")
            << st->column_text(0) << " is " << state;
      }
    }
    for (const auto& [xid, id] : gateway_ok) EXPECT_TRUE(issuer_holds.contains(id)) << "gateway approval " << xid;
    std::set<std::string> gateway_ids;
    for (const auto& [xid, id] : gateway_ok) gateway_ids.insert(id);
    for (const auto& id : issuer_holds) EXPECT_TRUE(gateway_ids.contains(id)) << "hold " << id << " unknown to the gateway";
    EXPECT_GE(merchant_authorized, static_cast<int>(authorized.size()));
  }

  auto issuer = roles::bank::IssuerBank::open(db.location(dir, "issuer"), {"FAB", "First Atlas Bank"});
  auto acquirer = roles::bank::AcquirerBank::open(db.location(dir, "acquirer"),
                                                  {"HAQ", "400001", "Harbour Acquiring", test::first_line(dir / "acquirer" / "fingerprint.key")});
  ASSERT_TRUE(issuer.ok() && acquirer.ok());
  auto violations = roles::bank::check_invariants(**issuer, **acquirer);
  for (const auto& v : violations) ADD_FAILURE() << v.rule << ": " << v.detail;
  for (const auto& [message, count] : failures) std::cout << "  " << count << " purchase(s) failed: " << message << "\n";
  std::cout << "crash test (" << (db.postgres() ? "PostgreSQL" : "SQLite") << "): " << authorized.size() << " purchases authorized and captured once, " << failed.load()
            << " failed cleanly, " << resent.load() << " SET requests sent again, under kill -9 of gateway, merchant and issuer\n";
  // The kills hit requests in flight (else this test would prove little).
  EXPECT_GT(resent.load(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace openset
