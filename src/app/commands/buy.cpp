// `openset wallet buy`: the cardholder's wallet shops at a merchant service and pays with SET
// over HTTP (issue 6 item 2; services/wallet_client.hpp).
#include <chrono>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/services/wallet_client.hpp"

namespace openset::app {

int run_wallet_buy(const BuyOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& m) {
    err << "openset wallet buy: " << m << "\n";
    return kExitFailure;
  };
  if (o.wallet.empty()) return fail("give the wallet's config file with --wallet FILE (openset provision makes DIR/wallet/config.json)");
  if (o.store.empty()) return fail("give the store's URL with --store URL (openset up prints it)");
  if (o.items.empty()) return fail("give at least one --item SKU[:QUANTITY] (the store's catalog: openset wallet buy --store URL --catalog)");
  if (o.place.empty()) return fail("give the delivery address with --place TEXT");

  auto catalog_text = services::store_catalog(o.store);
  if (!catalog_text.ok()) return fail("cannot reach the store: " + catalog_text.error().message);
  auto catalog = nlohmann::json::parse(*catalog_text, nullptr, false);
  if (catalog.is_discarded() || !catalog.contains("store") || !catalog["store"].is_string())
    return fail("the store's catalog is not what a store answers");

  roles::commerce::OrderForm form;
  form.store = catalog["store"].get<std::string>();
  for (const auto& item : o.items) {
    roles::commerce::FormLine line;
    auto colon = item.find(':');
    line.sku = item.substr(0, colon);
    line.quantity = 1;
    if (colon != std::string::npos) {
      std::string q = item.substr(colon + 1);
      if (q.empty() || q.size() > 6 || q.find_first_not_of("0123456789") != std::string::npos)
        return fail("--item " + item + ": the quantity after ':' must be a whole number");
      line.quantity = std::stoll(q);
    }
    form.lines.push_back(std::move(line));
  }
  form.delivery_at = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
                     static_cast<std::int64_t>(o.in_hours) * 3600;
  form.delivery_place = o.place;
  form.delivery_method = o.method;

  auto config = services::ServiceConfig::load(o.wallet);
  if (!config.ok()) return fail(config.error().message);
  if (config->service != "wallet") return fail(o.wallet + " is not a wallet's config file");
  auto wallet = services::open_wallet(*config);
  if (!wallet.ok()) return fail(wallet.error().message);
  services::BuyOptions bo;
  if (!o.json) bo.progress = [&](std::string_view line) { out << line << "\n"; };
  auto r = services::buy(**wallet, o.store, form, bo);
  if (!r.ok()) return fail(r.error().message);
  const auto& e = r->entry;
  if (o.json) {
    nlohmann::json j{{"wallet_id", r->wallet_id}, {"quote_id", r->quote.quote_id}, {"merchant", e.merchant},
                     {"amount", roles::format_amount(e.amount)}, {"status", std::string(roles::purchase::to_string(e.status))},
                     {"xid", to_hex(e.xid)}, {"resent", r->resent}};
    if (e.auth_code) j["auth_code"] = *e.auth_code;
    out << j.dump(2) << "\n";
  } else {
    out << fmt::format("purchase {} at {}: {} {} (order {}, card ending {})\n", r->wallet_id, e.merchant,
                       roles::format_amount(e.amount), roles::purchase::to_string(e.status), r->quote.quote_id,
                       e.pan_last4);
    out << "see it with: openset wallet history --db " << config->db << "\n";
  }
  bool approved = e.status == roles::purchase::WalletStatus::kAuthorized || e.status == roles::purchase::WalletStatus::kCaptured;
  return approved ? kExitOk : kExitFailure;
}

}  // namespace openset::app
