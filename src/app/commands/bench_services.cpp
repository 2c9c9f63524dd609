// `openset bench services` (issue 6, "Performance"): complete SET purchases through the
// services over loopback, each party its own process, for a fixed time per phase:
//   phase 1: one gateway process;  phase 2: two gateway processes sharing one database.
// Printed: purchases/s, p50/p99 latency (the wallet's whole buy: quote, accept, PInitReq..PRes),
// and, measured in the same run, the in-process rate of the same purchases (`openset bench
// purchase`'s loop) with the ratio: the cost of the network layer. Numbers on a shared machine
// move; the ratios measured in one run are what to compare.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/app/processes.hpp"
#include "openset/services/wallet_client.hpp"

namespace openset::app {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Phase {
  int purchases = 0, failures = 0;
  double seconds = 0, p50_ms = 0, p99_ms = 0;
  double rate() const { return seconds > 0 ? purchases / seconds : 0; }
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

Phase drive(services::WalletHandle& wallet, const std::string& store, int clients, int seconds, std::ostream& out) {
  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<int> failures{0};
  const auto stop = Clock::now() + std::chrono::seconds(seconds);
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  std::string first_error;
  for (int c = 0; c < clients; ++c)
    ts.emplace_back([&] {
      while (Clock::now() < stop) {
        roles::commerce::OrderForm f;
        f.store = "MER-0001";
        f.lines = {{"BK-APPLIED", 1}};
        f.delivery_at = time(nullptr) + 72 * 3600;
        f.delivery_place = "3 Bench Road";
        auto a = Clock::now();
        auto r = services::buy(wallet, store, f);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
        std::lock_guard lock(mu);
        if (r.ok() && r->entry.status == roles::purchase::WalletStatus::kAuthorized) {
          latencies.push_back(ms);
        } else {
          ++failures;
          if (first_error.empty()) first_error = r.ok() ? std::string(roles::purchase::to_string(r->entry.status)) : r.error().message;
        }
      }
    });
  for (auto& t : ts) t.join();
  Phase p;
  p.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  p.purchases = static_cast<int>(latencies.size());
  p.failures = failures.load();
  p.p50_ms = pct(latencies, 0.5);
  p.p99_ms = pct(latencies, 0.99);
  if (!first_error.empty()) out << "  (first failure: " << first_error << ")\n";
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Status run(const BenchServicesOptions& o, std::ostream& out) {
  fs::path dir = fs::temp_directory_path() / fmt::format("openset-bench-services-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(dir, ec);
  ProvisionOptions po;
  po.dir = dir.string();
  po.suite = o.suite;
  po.gateways = 2;
  po.port_base = 30000 + static_cast<int>(::getpid() % 1000) * 20;
  std::ostringstream prov_out, prov_err;
  out << "openset bench services: provisioning (keys, registration)...\n" << std::flush;
  if (run_provision(po, prov_out, prov_err) != kExitOk) return Error(Errc::kInvalidArgument, prov_err.str());
  json d = json::parse(slurp(dir / "deployment.json"));
  // Phase 1's merchant knows only the first gateway.
  json mc = json::parse(slurp(dir / "merchant" / "config.json"));
  json mc1 = mc;
  mc1["peers"]["gateway"] = json::array({mc["peers"]["gateway"][0]});
  { std::ofstream(dir / "merchant" / "config-one-gateway.json") << mc1.dump(2); }

  const std::string exe = openset_executable();
  std::vector<ServiceProcess> ps;
  auto start = [&](const json& s, const std::string& config) -> Status {
    ServiceProcess p;
    p.name = s["name"];
    p.role = s["role"];
    p.url = s["url"];
    p.config = config.empty() ? (dir / s["config"].get<std::string>()).string() : config;
    p.log = (dir / (p.name + ".log")).string();
    p.json_log = (dir / (p.name + ".jsonl")).string();
    OPENSET_CHECK(start_service(exe, p, std::chrono::seconds(60)));
    ps.push_back(p);
    return Ok{};
  };
  std::ostringstream quiet;
  auto cleanup = [&] {
    stop_services(ps, quiet);
    fs::remove_all(dir, ec);
  };
  auto wc = services::ServiceConfig::load(dir / "wallet" / "config.json");
  if (!wc.ok()) return wc.error();
  OPENSET_TRY(std::unique_ptr<services::WalletHandle> wallet, services::open_wallet(*wc));
  const std::string store = d["store"];

  Phase one, two;
  Status s = [&]() -> Status {
    for (const auto& svc : d["services"])
      if (svc["name"] != "gateway-2")
        OPENSET_CHECK(start(svc, svc["name"] == "merchant" ? (dir / "merchant" / "config-one-gateway.json").string() : ""));
    out << fmt::format("phase 1: one gateway process, {} concurrent purchases, {} s\n", o.clients, o.seconds) << std::flush;
    (void)drive(*wallet, store, 1, 1, quiet);  // warm-up
    one = drive(*wallet, store, o.clients, o.seconds, out);
    // Phase 2: the second gateway, and the merchant restarted with both.
    for (auto& p : ps)
      if (p.name == "merchant") {
        std::vector<ServiceProcess> m = {p};
        stop_services(m, quiet);
        p.pid = -1;
      }
    ps.erase(std::remove_if(ps.begin(), ps.end(), [](const ServiceProcess& p) { return p.pid < 0; }), ps.end());
    for (const auto& svc : d["services"])
      if (svc["name"] == "gateway-2") OPENSET_CHECK(start(svc, ""));
    for (const auto& svc : d["services"])
      if (svc["name"] == "merchant") OPENSET_CHECK(start(svc, ""));
    out << fmt::format("phase 2: two gateway processes on one database, {} concurrent purchases, {} s\n", o.clients,
                       o.seconds)
        << std::flush;
    (void)drive(*wallet, store, 1, 1, quiet);
    two = drive(*wallet, store, o.clients, o.seconds, out);
    return Ok{};
  }();
  wallet.reset();
  cleanup();
  OPENSET_CHECK(s);

  int n = o.in_process_n > 0 ? o.in_process_n : std::max(20, one.purchases);
  out << fmt::format("in process: {} purchases (openset bench purchase's loop, suite {})\n", n, o.suite) << std::flush;
  OPENSET_TRY(const crypto::Suite* suite, crypto::suite_by_name(o.suite));
  OPENSET_TRY(InProcessRate in, bench_in_process(*suite, n));

  out << "\n";
  out << fmt::format("  {:<34} {:>10} {:>10} {:>10} {:>9}\n", "", "purch./s", "p50 ms", "p99 ms", "failed");
  out << fmt::format("  {:<34} {:>10.1f} {:>10.1f} {:>10.1f} {:>9}\n", "services, 1 gateway", one.rate(), one.p50_ms,
                     one.p99_ms, one.failures);
  out << fmt::format("  {:<34} {:>10.1f} {:>10.1f} {:>10.1f} {:>9}\n", "services, 2 gateways", two.rate(), two.p50_ms,
                     two.p99_ms, two.failures);
  out << fmt::format("  {:<34} {:>10.1f} {:>10.1f} {:>10.1f} {:>9}\n", "in process (same suite)", in.per_second,
                     in.p50_ms, in.p99_ms, 0);
  out << fmt::format("  ratio services(1 gw) / in-process   {:.2f}\n", in.per_second > 0 ? one.rate() / in.per_second : 0);
  out << fmt::format("  ratio 2 gateways / 1 gateway        {:.2f}  ({} cores on this machine)\n",
                     one.rate() > 0 ? two.rate() / one.rate() : 0, std::thread::hardware_concurrency());
  if (one.failures + two.failures > 0)
    return Error(Errc::kInvalidArgument, fmt::format("{} purchases failed", one.failures + two.failures));
  return Ok{};
}

}  // namespace

int run_bench_services(const BenchServicesOptions& o, std::ostream& out, std::ostream& err) {
  if (o.seconds < 1 || o.clients < 1) {
    err << "openset bench services: --seconds and --clients must be at least 1\n";
    return kExitUsage;
  }
  Status s = run(o, out);
  if (!s.ok()) {
    err << "openset bench services: " << s.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace openset::app
