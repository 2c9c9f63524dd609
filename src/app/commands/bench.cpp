// `openset bench purchase`: N complete purchases (PInitReq through PRes) and their captures, in
// one process, against the real engines and databases; throughput, latency percentiles, RSA
// operations per purchase, and the crypto bound measured in the same run: the time the same
// number of RSA private-key operations alone takes with the suite's end-entity key size.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "openset/app/commands.hpp"
#include "openset/app/ecosystem.hpp"
#include "openset/crypto/counters.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/roles/bank/invariants.hpp"

namespace openset::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using roles::purchase::Answer;
using roles::purchase::Outgoing;
using roles::purchase::Peer;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// One purchase from the merchant's order to the wallet's PRes. Error if not authorized.
Status purchase(Ecosystem& eco, int i, std::vector<std::string>& orders) {
  std::string od = fmt::format(R"({{"format":"openset-shop/1","bench":{}}})", i);
  roles::Money amount{840, 1000 + i % 100, -2};
  OPENSET_TRY(std::string order_id, eco.merchant().create_order(as_bytes(od), amount));
  roles::purchase::PurchaseOrder po;
  po.merchant = "bench";
  po.od = Bytes(od.begin(), od.end());
  po.amount = amount;
  po.lid_m = Bytes(order_id.begin(), order_id.end());
  po.od_summary = "bench";
  OPENSET_TRY(roles::purchase::Started started, eco.wallet().start_purchase(po));
  Answer last = eco.run(Answer{{Outgoing{Peer::kMerchant, "PInitReq", started.message}}, {}, {}},
                        "cardholder");
  OPENSET_TRY(roles::purchase::Transaction t, eco.wallet().show(started.id));
  if (t.entry.status != roles::purchase::WalletStatus::kAuthorized)
    return Error(Errc::kInvalidArgument,
                 fmt::format("purchase {} ended {} ({})", i, roles::purchase::to_string(t.entry.status),
                             last.detail));
  orders.push_back(order_id);
  return Ok{};
}

// A fresh ecosystem in `dir` (emptied first) with a card limit no benchmark reaches.
Result<std::unique_ptr<Ecosystem>> bench_ecosystem(const fs::path& dir, const crypto::Suite& suite,
                                                   std::function<void(std::string_view)> progress) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  EcosystemOptions eo;
  eo.dir = dir;
  eo.suite = suite.id;
  eo.credit_limit = 1'000'000'000;
  eo.progress = std::move(progress);
  return Ecosystem::create(eo);
}

Status run(const BenchOptions& opts, const crypto::Suite& suite, std::ostream& out) {
  fs::path dir = opts.dir.empty()
                     ? fs::temp_directory_path() / fmt::format("openset-bench-{}", ::getpid())
                     : fs::path(opts.dir);
  std::error_code ec;
  out << fmt::format("openset bench purchase: {} purchases, suite {} ({})\n", opts.n, suite.name,
                     suite.description);
  OPENSET_TRY(std::unique_ptr<Ecosystem> eco,
              bench_ecosystem(dir, suite, [&](std::string_view line) { out << "  setup: " << line << "\n" << std::flush; }));

  std::vector<std::string> orders;
  OPENSET_CHECK(purchase(*eco, -1, orders));  // warm-up: caches, statements, page cache
  orders.clear();

  crypto::RsaOpCounts ops0 = crypto::rsa_op_counts();
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(opts.n));
  auto t0 = Clock::now();
  int tick = std::max(1, opts.n / 10);
  for (int i = 0; i < opts.n; ++i) {
    auto a = Clock::now();
    OPENSET_CHECK(purchase(*eco, i, orders));
    latencies.push_back(seconds(Clock::now() - a));
    if ((i + 1) % tick == 0 || i + 1 == opts.n)
      out << fmt::format("  {:>6}/{} purchases\n", i + 1, opts.n) << std::flush;
  }
  auto t_purchases = Clock::now();
  // The day's captures: one CapReq per batch of up to 50 orders.
  for (std::size_t i = 0; i < orders.size(); i += 50) {
    std::vector<roles::purchase::CaptureItem> items;
    for (std::size_t j = i; j < std::min(orders.size(), i + 50); ++j)
      items.push_back({orders[j], std::nullopt});
    OPENSET_TRY(Answer cap, eco->merchant().capture(items));
    (void)eco->run(cap, "merchant");
  }
  auto t1 = Clock::now();
  crypto::RsaOpCounts ops1 = crypto::rsa_op_counts();
  for (const auto& id : orders) {
    OPENSET_TRY(roles::purchase::OrderView o, eco->merchant().order(id));
    if (o.state != roles::purchase::OrderState::kCaptured)
      return Error(Errc::kInvalidArgument, "order " + id + " was not captured");
  }
  auto violations = roles::bank::check_invariants(eco->issuer(), eco->acquirer());
  if (!violations.empty())
    return Error(Errc::kInvalidArgument, "ledger invariants violated: " + roles::bank::to_string(violations));

  // The crypto bound, measured now: the same number of RSA private-key operations alone.
  std::uint64_t priv = ops1.private_ops - ops0.private_ops;
  std::uint64_t pub = ops1.public_ops - ops0.public_ops;
  OPENSET_TRY(crypto::PrivateKey key, crypto::PrivateKey::generate_rsa(suite.ee_rsa_bits));
  Bytes data(64, 0x5a);
  auto b0 = Clock::now();
  for (std::uint64_t i = 0; i < priv; ++i) {
    OPENSET_CHECK(crypto::sign(key, suite.digest, data));
  }
  double bound = seconds(Clock::now() - b0);

  double total = seconds(t1 - t0);
  double n = static_cast<double>(opts.n);
  out << "\n";
  out << fmt::format("  purchases            {}  (each PInitReq ... PRes; then {} CapReq)\n", opts.n,
                     (orders.size() + 49) / 50);
  out << fmt::format("  wall time            {:.3f} s  ({:.3f} s purchases, {:.3f} s captures)\n", total,
                     seconds(t_purchases - t0), seconds(t1 - t_purchases));
  out << fmt::format("  throughput           {:.1f} purchases/s\n", n / total);
  out << fmt::format("  latency p50 / p99    {:.2f} ms / {:.2f} ms  (PInitReq to PRes)\n",
                     1e3 * percentile(latencies, 0.50), 1e3 * percentile(latencies, 0.99));
  out << fmt::format("  RSA per purchase     {:.1f} private-key, {:.1f} public-key operations (RSA-{})\n",
                     static_cast<double>(priv) / n, static_cast<double>(pub) / n, suite.ee_rsa_bits);
  out << fmt::format("  crypto bound         {:.3f} s for the same {} private-key operations alone\n",
                     bound, priv);
  out << fmt::format("  ratio                {:.2f} x the crypto bound\n", bound > 0 ? total / bound : 0);
  if (opts.dir.empty()) fs::remove_all(dir, ec);
  return Ok{};
}

}  // namespace

Result<InProcessRate> bench_in_process(const crypto::Suite& suite, int n) {
  fs::path dir = fs::temp_directory_path() / fmt::format("openset-bench-inproc-{}", ::getpid());
  std::error_code ec;
  OPENSET_TRY(std::unique_ptr<Ecosystem> eco, bench_ecosystem(dir, suite, {}));
  std::vector<std::string> orders;
  OPENSET_CHECK(purchase(*eco, -1, orders));  // warm-up
  std::vector<double> latencies;
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto a = Clock::now();
    OPENSET_CHECK(purchase(*eco, i, orders));
    latencies.push_back(seconds(Clock::now() - a));
  }
  InProcessRate r;
  r.per_second = n / seconds(Clock::now() - t0);
  r.p50_ms = 1e3 * percentile(latencies, 0.50);
  r.p99_ms = 1e3 * percentile(latencies, 0.99);
  eco.reset();
  fs::remove_all(dir, ec);
  return r;
}

int run_bench_purchase(const BenchOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.n < 1) {
    err << "openset bench purchase: -n must be at least 1\n";
    return kExitUsage;
  }
  auto s = crypto::suite_by_name(opts.suite);
  if (!s.ok()) {
    err << "openset bench purchase: " << s.error().message << "\n";
    return kExitUsage;
  }
  Status st = run(opts, **s, out);
  if (!st.ok()) {
    err << "openset bench purchase: " << st.error().to_string() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace openset::app
