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

// One card of a wallet: where its files are (the signature key is encrypted with the
// cardholder's passphrase), its certificate chain (the CCA's, brand CA's: chains.own), brand and
// expiry (YYYYMM).
struct WalletCardFiles {
  std::string signature_key, signature_cert, pan, pan_secret, card_secret;
  std::vector<std::string> chain;
  std::string brand, expiry;
};
// The card a wallet config file describes (files signature-key, signature-cert, pan, pan-secret,
// card-secret; chains.own; settings brand, expiry).
Result<WalletCardFiles> config_card(const ServiceConfig& config);

// Opens the wallet a config file describes (service "wallet": the card above; trust; db), its
// key decrypted with the config's passphrase file.
Result<std::unique_ptr<WalletHandle>> open_wallet(const ServiceConfig& config);
// The same for `card`, its key decrypted with `passphrase` (the wallet UI asks the cardholder).
// A passphrase that does not decrypt the key: Errc::kPolicy "the passphrase is wrong".
Result<std::unique_ptr<WalletHandle>> open_wallet(const ServiceConfig& config, const WalletCardFiles& card,
                                                  const std::string& passphrase);

// What the wallet signs must be what the cardholder was shown: Errc::kPolicy, naming the
// difference and saying that nothing was paid, when the initiation's amount, merchant or order
// description differs from `shown` (od: compared when not empty).
Status check_initiation(const PaymentInitiation& initiation, const roles::Money& shown_amount,
                        const std::string& shown_merchant_id, ByteView shown_od = {});

// SET alone (the shopping was done elsewhere, e.g. in a browser): PInitReq and PReq to the
// initiation's Payment-URL, resent while there is no answer. `initiation` must have been checked.
// result.quote is left empty.
Result<BuyResult> pay(WalletHandle& wallet, const PaymentInitiation& initiation, const BuyOptions& options = {});

// The whole purchase of `form` at the store at `store_url` ("http://127.0.0.1:8402").
Result<BuyResult> buy(WalletHandle& wallet, const std::string& store_url, roles::commerce::OrderForm form,
                      const BuyOptions& options = {});

// SET's inquiry (InqReq, notes §3.11), signed with the card's certificate, about purchase `id`
// of the wallet's log, POSTed to `payment_url`: the InqRes updates the log (captured, refunded,
// cancelled...). Returns the entry after the answer.
Result<roles::purchase::LogEntry> inquire(WalletHandle& wallet, std::int64_t id, const std::string& payment_url,
                                          const BuyOptions& options = {});

// The store's catalog (GET /store/catalog) as JSON text.
Result<std::string> store_catalog(const std::string& store_url, const net::ClientOptions& options = {});

}  // namespace openset::services
