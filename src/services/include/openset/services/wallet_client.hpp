// The cardholder's side of the services (issue 6 item 2): the wallet engine (roles/purchase),
// unchanged, talking to a merchant service over HTTP.
//
//   1. the shopping step (outside SET): GET /store/catalog, POST /store/quote with the order
//      form, POST /store/accept -> the purchase initiation message (initiation.hpp);
//   2. the wallet checks that the initiation names the merchant and the amount it was shown;
//   3. SET: PInitReq -> PInitRes, PReq -> PRes, POSTed to the initiation's Payment-URL.
// A request that gets no answer (connection refused, reset, timeout, 503) is sent again, the same
// bytes, up to `attempts` times: SET's replay rules give the first answer back (the merchant and
// the gateway are idempotent on XID and RRPID), so a retry never pays twice.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "openset/roles/commerce.hpp"
#include "openset/roles/purchase/wallet.hpp"
#include "openset/services/config.hpp"
#include "openset/services/initiation.hpp"

namespace openset::services {

struct BuyOptions {
  int attempts = 5;                      // per SET request
  std::chrono::milliseconds pause{200};  // between attempts (doubling)
  net::ClientOptions client;
  std::function<void(std::string_view)> progress;  // one line per step (no secrets)
};

struct BuyResult {
  roles::commerce::Quote quote;
  PaymentInitiation initiation;
  std::int64_t wallet_id = 0;          // the purchase in the wallet's log
  roles::purchase::LogEntry entry;     // its state after the PRes
  int resent = 0;                      // SET requests sent more than once
};

// A wallet and the lock that serializes calls into it (several purchases may run at once).
struct WalletHandle {
  std::unique_ptr<roles::purchase::Wallet> wallet;
  std::mutex mu;
  std::unique_ptr<roles::SystemClock> clock;
  std::unique_ptr<roles::SystemRandomness> random;
  std::unique_ptr<Trust> trust;
};

// Opens the wallet a config file describes (service "wallet": files signature-key,
// signature-cert, pan, pan-secret, card-secret; chains.own; settings brand, expiry; trust; db).
Result<std::unique_ptr<WalletHandle>> open_wallet(const ServiceConfig& config);

// The whole purchase of `form` at the store at `store_url` ("http://127.0.0.1:8402").
Result<BuyResult> buy(WalletHandle& wallet, const std::string& store_url, roles::commerce::OrderForm form,
                      const BuyOptions& options = {});

// The store's catalog (GET /store/catalog) as JSON text.
Result<std::string> store_catalog(const std::string& store_url, const net::ClientOptions& options = {});

}  // namespace openset::services
