// The banks' JSON wire (src/services/bank_wire.hpp) as a network peer sees it: any body for any
// method must be answered with 200, 400 or 404 and a JSON body, never crash, never throw, and
// never break the ledger invariants. Real banks (one issuer, one acquirer, a few cards and
// merchants) live in a temp dir, set up once; the acquirer reaches the issuer through a
// RemoteIssuer over the wire, so the client side's decoders run on every relayed call.
//
// Input: [method] [body...]
//   method % (issuer methods + acquirer methods): issuer_wire_methods() then acquirer_wire_methods()
//   body: the request JSON as is
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <unistd.h>

#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/invariants.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/services/bank_wire.hpp"

namespace {

using namespace openset;

roles::bank::IssuerBank* g_issuer = nullptr;
roles::bank::AcquirerBank* g_acquirer = nullptr;
services::RemoteIssuer* g_remote_issuer = nullptr;
std::uint64_t g_runs = 0;

template <class T>
T must(Result<T> r) {
  if (!r.ok()) std::abort();
  return std::move(r).value();
}
void must(const Status& s) {
  if (!s.ok()) std::abort();
}

void setup() {
  auto dir = std::filesystem::temp_directory_path() / ("openset-fuzz-bank-wire-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  using namespace roles::bank;
  g_issuer = must(IssuerBank::open((dir / "issuer.db").string(), IssuerProfile{"ISS1", "Fuzz Issuer"})).release();
  g_acquirer = must(AcquirerBank::open((dir / "acquirer.db").string(),
                                       AcquirerProfile{"ACQ1", "400001", "Fuzz Acquirer", "fuzz-key"}))
                   .release();
  must(g_issuer->add_bin("4111", "Atlas"));
  must(g_issuer->add_bin("5222", "Borealis"));
  (void)must(g_issuer->open_card({"4111111111111111", "202712", 100000, 840, "Atlas", {{"name", "Jane Doe"}}}));
  (void)must(g_issuer->open_card({"5222000011112222", "202712", 50000, 978, "Borealis", {{"name", "Jean Dupont"}}}));
  (void)must(g_issuer->open_card({"4111222233334444", "202712", 100000, 392, "Atlas", {{"name", "Taro Yamada"}}}));
  must(g_acquirer->add_merchant({"M1", {"Atlas", "Borealis"}, {{"name", "Shop One"}, {"address", "1 Main St"}}}));
  must(g_acquirer->add_merchant({"M2", {"Atlas"}, {{"name", "Shop Two"}}, true}));
  must(g_acquirer->add_gateway({"G1", "Atlas", {{"name", "Gateway One"}}}));
  g_remote_issuer = new services::RemoteIssuer(services::in_process_transport(*g_issuer));
  must(g_remote_issuer->refresh_bins());
  must(g_acquirer->add_routes(g_issuer->id(), *g_remote_issuer));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (g_issuer == nullptr) setup();
  if (size == 0) return 0;
  const auto& im = services::issuer_wire_methods();
  const auto& am = services::acquirer_wire_methods();
  const std::size_t pick = data[0] % (im.size() + am.size());
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  services::WireAnswer a = pick < im.size() ? services::serve_issuer(*g_issuer, im[pick], body)
                                            : services::serve_acquirer(*g_acquirer, am[pick - im.size()], body);
  if (a.status != 200 && a.status != 400 && a.status != 404) std::abort();
  if (a.body.empty() || a.body.front() != '{') std::abort();
  // Each bank's own ledger rules after every few hundred inputs (the check reads the databases).
  // Not the rules across the pair: the input may call the issuer directly, as another acquirer
  // in the same network would, which the acquirer here never sees.
  if (++g_runs % 256 == 0) {
    if (!roles::bank::check_invariants({g_issuer}, {}).empty()) std::abort();
    if (!roles::bank::check_invariants({}, {g_acquirer}).empty()) std::abort();
  }
  return 0;
}
