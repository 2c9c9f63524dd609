// What the browser pages and the storefront hand to the services, as an attacker's page could
// send it: the purchase initiation message the wallet receives (initiation.hpp), form and query
// decoding (web.hpp), and the order form the storefront parses (commerce.hpp). Each must answer
// with a value or an Error, never crash; a parsed initiation must survive its own round trip.
//
// Input: [which] [bytes...]   which % 4: 0 initiation, 1 form body, 2 request target, 3 order form
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openset/roles/commerce.hpp"
#include "openset/services/initiation.hpp"
#include "openset/services/web.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openset;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto p = services::PaymentInitiation::parse(text);
      if (p.ok()) {
        auto again = services::PaymentInitiation::parse(p->to_text());
        if (!again.ok() || again->to_text() != p->to_text()) std::abort();  // what we write, we read back
      }
      break;
    }
    case 1: {
      auto f = services::form_decode(text);
      if (f.ok())
        for (const auto& kv : *f) (void)services::url_encode(kv.second);
      break;
    }
    case 2:
      (void)services::query_params(text);
      break;
    default:
      (void)roles::commerce::OrderForm::from_json(text);
      break;
  }
  return 0;
}
