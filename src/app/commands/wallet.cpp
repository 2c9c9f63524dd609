// `openset wallet history` and `openset wallet show ID`: the cardholder's transaction log (seed
// step 6: "the consumer's software can keep a transaction log for later queries"), read from the
// wallet's database. The log never held the card number: only its last four digits.
#include <ostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/roles/commerce.hpp"
#include "openset/roles/purchase/wallet.hpp"
#include "openset/store/database.hpp"

namespace openset::app {
namespace {

using roles::purchase::LogEntry;

std::string when(std::int64_t t) { return der::Time::from_unix(t).to_iso8601(); }

nlohmann::json entry_json(const LogEntry& e) {
  nlohmann::json j{{"id", e.id},
                   {"merchant", e.merchant},
                   {"brand", e.brand},
                   {"amount", roles::commerce::format_amount(e.amount)},
                   {"amount_minor", e.amount.amount},
                   {"currency", e.amount.currency},
                   {"order", e.od_summary},
                   {"card", "..." + e.pan_last4},
                   {"xid", to_hex(e.xid)},
                   {"status", std::string(roles::purchase::to_string(e.status))},
                   {"created_at", when(e.created_at)},
                   {"updated_at", when(e.updated_at)}};
  if (e.auth_code) j["auth_code"] = *e.auth_code;
  if (e.completion_code) j["completion_code"] = *e.completion_code;
  if (e.error_code) j["error_code"] = *e.error_code;
  return j;
}

Result<store::Database> open_wallet(const WalletOptions& opts) {
  if (opts.db.empty()) return Error(Errc::kInvalidArgument, "give the wallet's database with --db");
  auto db = store::Database::open(opts.db, store::Database::Mode::kOpenExisting);
  if (!db.ok())
    return Error(Errc::kIo, "cannot open the wallet database " + opts.db +
                                " (a wallet made by `openset demo` is DIR/state/wallet.db)");
  return db;
}

}  // namespace

int run_wallet_history(const WalletOptions& opts, std::ostream& out, std::ostream& err) {
  auto db = open_wallet(opts);
  if (!db.ok()) {
    err << "openset wallet history: " << db.error().message << "\n";
    return kExitFailure;
  }
  auto entries = roles::purchase::wallet_history(*db);
  if (!entries.ok()) {
    err << "openset wallet history: " << entries.error().to_string()
        << " (is this a wallet database?)\n";
    return kExitFailure;
  }
  if (opts.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : *entries) j.push_back(entry_json(e));
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  if (entries->empty()) {
    out << "No purchases yet.\n";
    return kExitOk;
  }
  out << fmt::format("{:>4}  {:<20}  {:<24}  {:>12}  {:<10}  {:<8}  {}\n", "id", "date", "merchant",
                     "amount", "status", "card", "order");
  for (const auto& e : *entries)
    out << fmt::format("{:>4}  {:<20}  {:<24}  {:>12}  {:<10}  ...{:<5}  {}\n", e.id,
                       when(e.created_at), e.merchant.substr(0, 24),
                       roles::commerce::format_amount(e.amount),
                       roles::purchase::to_string(e.status), e.pan_last4, e.od_summary);
  out << fmt::format("{} purchase(s). Details: openset wallet show ID --db {}\n", entries->size(),
                     opts.db);
  return kExitOk;
}

int run_wallet_show(const WalletOptions& opts, std::ostream& out, std::ostream& err) {
  auto db = open_wallet(opts);
  if (!db.ok()) {
    err << "openset wallet show: " << db.error().message << "\n";
    return kExitFailure;
  }
  auto t = roles::purchase::wallet_transaction(*db, opts.id);
  if (!t.ok()) {
    err << "openset wallet show: " << t.error().message
        << " (list them with: openset wallet history --db " << opts.db << ")\n";
    return kExitFailure;
  }
  const LogEntry& e = t->entry;
  if (opts.json) {
    nlohmann::json j = entry_json(e);
    nlohmann::json trail = nlohmann::json::array();
    for (const auto& m : t->trail)
      trail.push_back({{"seq", m.seq}, {"direction", m.direction}, {"type", m.type},
                       {"octets", m.message.size()}, {"at", when(m.at)}});
    j["messages"] = trail;
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  out << fmt::format("Purchase {}\n", e.id);
  out << fmt::format("  merchant      {}\n", e.merchant);
  out << fmt::format("  order         {}\n", e.od_summary);
  out << fmt::format("  amount        {}\n", roles::commerce::format_amount(e.amount));
  out << fmt::format("  card          {} ending {}\n", e.brand, e.pan_last4);
  out << fmt::format("  status        {}\n", roles::purchase::to_string(e.status));
  if (e.auth_code) out << fmt::format("  AuthCode      {}\n", *e.auth_code);
  if (e.error_code) out << fmt::format("  ErrorCode     {}\n", *e.error_code);
  out << fmt::format("  XID           {}\n", to_hex(e.xid));
  out << fmt::format("  started       {}\n  last change   {}\n", when(e.created_at), when(e.updated_at));
  out << "  messages\n";
  for (const auto& m : t->trail)
    out << fmt::format("    {:>2}. {:<8} {:<9} {:>6} octets  {}\n", m.seq, m.direction, m.type,
                       m.message.size(), when(m.at));
  return kExitOk;
}

}  // namespace openset::app
