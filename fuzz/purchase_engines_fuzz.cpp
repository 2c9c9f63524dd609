// The purchase engines as a network peer sees them: any bytes arriving at the merchant, the
// gateway or the wallet must be answered (a SET Error or a refusal), never crash, never corrupt
// the ledgers. The parties are the demo's (suite set1 for fast keys, a deterministic stream for
// protocol values), set up once; one real purchase is recorded so that inputs can be mutations
// of real messages and get past the decoders into the signature, envelope and state checks.
//
// Input: [receiver] [mode] [rest...]
//   receiver % 3: 0 merchant, 1 gateway, 2 wallet
//   mode < 0x80:  rest is the message as is
//   mode >= 0x80: take recorded message (mode % count) and apply rest as (offset hi, offset lo,
//                 xor) triples
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include <unistd.h>

#include "openset/app/ecosystem.hpp"

namespace {

using namespace openset;

app::Ecosystem* g_eco = nullptr;
std::vector<Bytes>* g_recorded = nullptr;

void setup() {
  app::EcosystemOptions o;
  o.dir = std::filesystem::temp_directory_path() / ("openset-fuzz-engines-" + std::to_string(::getpid()));
  std::filesystem::remove_all(o.dir);
  o.suite = crypto::SuiteId::kSet1;
  o.seed = 7;
  o.credit_limit = 1'000'000'000;
  auto eco = app::Ecosystem::create(o);
  if (!eco.ok()) std::abort();
  g_eco = eco->release();
  g_recorded = new std::vector<Bytes>();
  // One real purchase and capture, recorded.
  std::string od = R"({"format":"openset-shop/1","fuzz":1})";
  auto order = g_eco->merchant().create_order(as_bytes(od), roles::Money{840, 1234, -2});
  if (!order.ok()) std::abort();
  roles::purchase::PurchaseOrder po;
  po.merchant = "fuzz";
  po.od = Bytes(od.begin(), od.end());
  po.amount = roles::Money{840, 1234, -2};
  po.lid_m = Bytes(order->begin(), order->end());
  // A split shipment, so that AuthTokens and later AuthReqs are among the recorded messages.
  roles::purchase::PaymentTerms terms;
  terms.split = true;
  if (!g_eco->merchant().set_payment_terms(*order, terms).ok()) std::abort();
  auto started = g_eco->wallet().start_purchase(po);
  if (!started.ok()) std::abort();
  using roles::purchase::Outgoing;
  using roles::purchase::Peer;
  (void)g_eco->run(roles::purchase::Answer{{Outgoing{Peer::kMerchant, "PInitReq", started->message}}, {}, {}},
                   "cardholder");
  auto cap = g_eco->merchant().capture_part(*order, 1, roles::Money{840, 1000, -2});
  if (cap.ok()) (void)g_eco->run(*cap, "merchant");
  auto next = g_eco->merchant().authorize_next(*order, roles::Money{840, 234, -2});
  if (next.ok()) (void)g_eco->run(*next, "merchant");
  auto cap2 = g_eco->merchant().capture_part(*order, 2);
  if (cap2.ok()) (void)g_eco->run(*cap2, "merchant");
  // The day's batch closed (BatchAdminReq / BatchAdminRes).
  roles::purchase::BatchAdminRequest close;
  close.brand = g_eco->card().brand;
  close.operation = asn1::BatchOperation::kClose;
  close.summary = true;
  auto batch = g_eco->merchant().batch_admin(close);
  if (batch.ok()) (void)g_eco->run(*batch, "merchant");
  // PCertReq / PCertRes.
  asn1::BrandAndBIN brand;
  brand.brand_id = asn1::BrandID(g_eco->card().brand);
  auto pcert = g_eco->merchant().request_gateway_certificates({brand});
  if (pcert.ok()) (void)g_eco->run(*pcert, "merchant");
  for (const auto& m : g_eco->trail()) g_recorded->push_back(m.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (g_eco == nullptr) setup();
  if (size < 2) return 0;
  int receiver = data[0] % 3;
  std::uint8_t mode = data[1];
  Bytes message;
  if (mode < 0x80 || g_recorded->empty()) {
    message.assign(data + 2, data + size);
  } else {
    message = (*g_recorded)[mode % g_recorded->size()];
    for (std::size_t i = 2; i + 2 < size; i += 3) {
      std::size_t at = (static_cast<std::size_t>(data[i]) << 8 | data[i + 1]) % message.size();
      message[at] ^= data[i + 2];
    }
  }
  roles::purchase::Answer a;
  switch (receiver) {
    case 0: a = g_eco->merchant().handle(message); break;
    case 1: a = g_eco->gateway().handle(message); break;
    default: a = g_eco->wallet().handle(message); break;
  }
  // Whatever it was, the answer is well-formed: a refusal names an ErrorCode in 1..22.
  if (a.refused && (static_cast<int>(*a.refused) < 1 || static_cast<int>(*a.refused) > 22))
    std::abort();
  return 0;
}
