// `openset serve wallet`: the cardholder's wallet as a program of its own with a browser UI on
// 127.0.0.1 only (issue 7 item 2). SET meant the wallet to be a separate, trusted program that a
// merchant's web page wakes up with the purchase initiation message (set-reference notes §7.2);
// here the storefront's "Pay with SET" posts that message to the wallet, the browser follows,
// and the cardholder sees the wallet's own pages: never the merchant's.
//
//   POST /pay                   (a form from the storefront: initiation, store, quote_id) -> 303 /pay?h=...
//   GET  /api/handoff?h=        the initiation as the wallet checked it (amount and merchant
//                               confirmed with the store itself; a mismatch is refused)
//   GET  /api/cards             the cards (brand, last four digits, expiry): never a PAN
//   POST /api/pay               {handoff, card, passphrase}: SET's PInitReq/PReq; a wrong passphrase
//                               sends nothing
//   GET  /api/history           the transaction log, with what the store says of each order
//                               (shipped, tracking number)
//   POST /api/inquire           {id, passphrase}: SET's InqReq to the merchant; the log follows
//   POST /api/register/start    {pan, expiry, label}: CardCInitReq, RegFormReq -> the CA's form
//   POST /api/register/finish   {session, answers, passphrase, passphrase_again}: CertReq -> a new card
//   GET  /api/explorer/...      the protocol explorer over the wallet's trail, the cardholder's view
//   GET  /, /pay, /history, /register, /explorer: the pages (src/services/web/wallet, web/explorer)
//
// The service refuses to listen anywhere but the loopback interface, answers only requests whose
// Host is its own loopback address (a DNS-rebinding page cannot reach it), and takes the JSON
// POSTs only from its own pages (Origin). The card's key stays encrypted on disk; the passphrase
// comes with each payment and is forgotten after it. Bodies are never logged.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/roles/commerce.hpp"
#include "openset/services/explorer.hpp"
#include "openset/services/registration_client.hpp"
#include "openset/services/wallet_client.hpp"
#include "openset/services/web.hpp"
#include "openset/store/database.hpp"

namespace openset::services {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kHandoffSeconds = 30 * 60;      // an initiation waits this long for the cardholder
constexpr std::int64_t kRegistrationSeconds = 10 * 60;  // a registration form stays open this long
constexpr std::size_t kMaxPending = 256;                 // hand-offs (and registrations) kept at most

bool loopback_host(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost"; }

std::string last4(const std::string& pan) { return pan.size() >= 4 ? pan.substr(pan.size() - 4) : pan; }

// Luhn (ISO/IEC 7812-1 annex B): the check digit every card number carries.
bool luhn_ok(const std::string& pan) {
  int sum = 0;
  bool twice = false;
  for (auto it = pan.rbegin(); it != pan.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

struct Card {
  std::string id;
  std::string label;
  std::string last4;
  WalletCardFiles files;
};

// What the storefront handed over, and what the wallet made of it.
struct Handoff {
  std::string text;
  std::string store;
  std::string quote_id;
  std::int64_t received = 0;
  std::optional<PaymentInitiation> initiation;
  std::string refusal;       // why the wallet will not pay it ("" = it may)
  std::string store_name;    // as the store's own catalog says
  std::optional<roles::Money> store_amount;  // as the store's own record of the order says
  std::optional<json> result;  // once paid: the answer (a second attempt gets it again)
};

struct RegistrationSession {
  std::unique_ptr<pki::PathValidator> validator;
  std::unique_ptr<roles::TrustContext> trust;
  std::unique_ptr<roles::certs::Registration> reg;
  std::string pan;  // kept in memory until the card is saved; never logged
  std::string expiry, label;
  std::int64_t created = 0;
};

class WalletService final : public Service {
 public:
  WalletService(const ServiceConfig& c, ServiceContext ctx) : config_(c), ctx_(std::move(ctx)) {}

  Status open() {
    const ServiceConfig& c = config_;
    if (!loopback_host(c.host))
      return Error(Errc::kInvalidArgument, c.file.string() + ": the wallet listens on 127.0.0.1 only (its pages take the "
                                                             "card's passphrase); set \"listen\" to 127.0.0.1:PORT");
    if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
    OPENSET_TRY(store::Database db, store::Database::open(c.db, store::Database::Mode::kCreate));
    db_ = std::make_unique<store::Database>(std::move(db));
    OPENSET_CHECK(db_->exec(R"sql(
CREATE TABLE IF NOT EXISTS wallet_ui_purchases (
  wallet_id    INTEGER PRIMARY KEY,
  card_id      TEXT NOT NULL,
  store_url    TEXT NOT NULL,
  quote_id     TEXT NOT NULL,
  payment_url  TEXT NOT NULL))sql"));
    cards_dir_ = c.base / c.setting_or("cards_dir", "cards");
    return Ok{};
  }

  std::vector<net::Route> routes() override {
    const std::vector<std::string> json_types = {std::string(net::kJson)};
    std::vector<net::Route> r;
    add_static_routes(r);
    add_page(r, "/", "wallet/index.html");
    add_page(r, "/pay", "wallet/pay.html");
    add_page(r, "/history", "wallet/history.html");
    add_page(r, "/register", "wallet/register.html");
    // The protocol explorer's page, the cardholder's view of the wallet's own trail.
    r.push_back({"GET", "/explorer", {}, [](const net::Request&) {
                   net::Response page = web_file("explorer/index.html");
                   const std::string merchant = R"(data-api="/admin/explorer" data-token="admin")";
                   auto at = page.body.find(merchant);
                   if (at != std::string::npos) page.body.replace(at, merchant.size(), R"(data-api="/api/explorer" data-token="none")");
                   return page;
                 }});
    r.push_back({"GET", "/api/explorer/transactions", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return explorer_transactions(); }); }});
    r.push_back({"GET", "/api/explorer/messages", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return explorer_messages(q, false); }); }});
    r.push_back({"GET", "/api/explorer/message", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return explorer_messages(q, true); }); }});
    r.push_back({"POST", "/pay", {"application/x-www-form-urlencoded"}, [this](const net::Request& q) { return guarded(q, false, [&] { return receive(q); }); }});
    r.push_back({"GET", "/api/handoff", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return handoff(q); }); }});
    r.push_back({"GET", "/api/cards", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return cards_json(); }); }});
    r.push_back({"POST", "/api/pay", json_types, [this](const net::Request& q) { return guarded(q, true, [&] { return pay_handoff(q); }); }});
    r.push_back({"GET", "/api/history", {}, [this](const net::Request& q) { return guarded(q, false, [&] { return history(); }); }});
    r.push_back({"POST", "/api/inquire", json_types, [this](const net::Request& q) { return guarded(q, true, [&] { return inquire_one(q); }); }});
    r.push_back({"POST", "/api/register/start", json_types, [this](const net::Request& q) { return guarded(q, true, [&] { return register_start(q); }); }});
    r.push_back({"POST", "/api/register/finish", json_types, [this](const net::Request& q) { return guarded(q, true, [&] { return register_finish(q); }); }});
    return r;
  }

 private:
  // The Host must be this wallet's loopback address (DNS rebinding), and a JSON POST must come
  // from the wallet's own pages (Origin, when the browser sends one, is this wallet).
  template <class F>
  net::Response guarded(const net::Request& q, bool same_origin, F f) {
    auto host = q.headers.find("host");
    const std::string port = std::to_string(config_.port);
    auto own = [&](const std::string& h) {
      return h == "127.0.0.1:" + port || h == "localhost:" + port || h == "[::1]:" + port;
    };
    if (host == q.headers.end() || !own(host->second))
      return json_error(403, "the wallet answers only at its own address (http://127.0.0.1:" + port + ")");
    if (same_origin) {
      auto origin = q.headers.find("origin");
      if (origin != q.headers.end() && origin->second != "http://" + host->second)
        return json_error(403, "only the wallet's own pages may ask it to pay or register");
    }
    return f();
  }

  std::int64_t now() const { return world_.clock.now(); }

  std::string token() { return to_hex(world_.random.bytes(16)); }

  // ---- cards ----
  Result<std::vector<Card>> cards() {
    std::vector<Card> out;
    Card first;
    first.id = "1";
    OPENSET_TRY(first.files, config_card(config_));
    OPENSET_TRY(std::string pan, read_passphrase(first.files.pan));
    first.last4 = last4(pan);
    first.label = config_.setting_or("card_label", first.files.brand + " card");
    out.push_back(std::move(first));
    std::error_code ec;
    if (!fs::is_directory(cards_dir_, ec)) return out;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(cards_dir_, ec))
      if (e.is_directory() && fs::exists(e.path() / "card.json")) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      OPENSET_TRY(std::string text, read_text((d / "card.json").string()));
      json j = json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return Error(Errc::kMalformed, (d / "card.json").string() + " is not JSON");
      Card c;
      c.id = d.filename().string();
      c.label = j.value("label", "");
      c.last4 = j.value("last4", "");
      c.files.brand = j.value("brand", "");
      c.files.expiry = j.value("expiry", "");
      c.files.signature_key = (d / "signature.key.pem").string();
      c.files.signature_cert = (d / "signature.cert.pem").string();
      c.files.pan = (d / "pan").string();
      c.files.pan_secret = (d / "pan-secret").string();
      c.files.card_secret = (d / "card-secret").string();
      c.files.chain = first_chain();
      out.push_back(std::move(c));
    }
    return out;
  }

  std::vector<std::string> first_chain() const {
    auto own = config_.chains.find("own");
    return own == config_.chains.end() ? std::vector<std::string>{} : own->second;
  }

  Result<Card> card(const std::string& id) {
    OPENSET_TRY(std::vector<Card> all, cards());
    for (auto& c : all)
      if (c.id == id) return std::move(c);
    return Error(Errc::kInvalidArgument, "the wallet has no card " + id);
  }

  net::Response cards_json() {
    auto all = cards();
    if (!all.ok()) return json_error(500, all.error().message);
    json out = json::array();
    for (const auto& c : *all)
      out.push_back({{"id", c.id}, {"label", c.label}, {"brand", c.files.brand}, {"last4", c.last4},
                     {"expiry", c.files.expiry}});
    return net::Response::json(200, json{{"cards", out}}.dump());
  }

  // ---- the purchase initiation from the storefront ----
  static std::optional<std::string> field(const std::map<std::string, std::string>& f, const char* name) {
    auto it = f.find(name);
    if (it == f.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }

  // What the store itself says of the order: its name and id (catalog) and the amount of the
  // quote (order). The wallet compares them with the initiation before it shows a Pay button.
  void confirm_with_store(Handoff& h) {
    const PaymentInitiation& init = *h.initiation;
    net::ClientOptions o;
    o.timeout = std::chrono::milliseconds(5000);
    auto base = net::Url::parse(h.store);
    if (!base.ok() || h.store.rfind("http://", 0) != 0) {
      h.refusal = "the store's address \"" + h.store + "\" is not an http:// URL; the wallet cannot confirm the order";
      return;
    }
    net::Url cat_url = *base, order_url = *base;
    cat_url.target = "/store/catalog";
    order_url.target = "/store/order";
    auto cat = net::get(cat_url, o);
    auto ord = net::post(order_url, net::kJson, json{{"quote_id", h.quote_id}}.dump(), o);
    if (!cat.ok() || !ord.ok() || cat->status != 200 || ord->status != 200) {
      h.refusal = "the store at " + h.store + " did not confirm quote " + h.quote_id +
                  "; nothing was paid (go back to the store and try again)";
      return;
    }
    json c = json::parse(cat->body, nullptr, false);
    json d = json::parse(ord->body, nullptr, false);
    if (c.is_discarded() || d.is_discarded() || !c.contains("store") || !d.contains("amount")) {
      h.refusal = "the store's answer could not be read; nothing was paid";
      return;
    }
    h.store_name = c.value("name", "");
    const json& a = d["amount"];
    roles::Money shown;
    shown.currency = a.value("currency", std::int64_t{0});
    shown.amount = a.value("amount", std::int64_t{0});
    shown.amt_exp10 = a.value("exp10", std::int64_t{0});
    h.store_amount = shown;
    auto checked = check_initiation(init, shown, c.value("store", ""));
    if (!checked.ok()) {
      h.refusal = checked.error().message;
      return;
    }
    if (d.contains("order_id") && d["order_id"].is_string() &&
        d["order_id"].get<std::string>() != std::string(init.lid_m.begin(), init.lid_m.end())) {
      h.refusal = "the payment initiation is for another order than quote " + h.quote_id + "; nothing was paid";
      return;
    }
    if (init.expires != 0 && init.expires < now()) h.refusal = "the store's offer expired; go back to the store for a new quote";
  }

  net::Response receive(const net::Request& q) {
    auto form = form_decode(q.body);
    if (!form.ok()) return net::Response::error(400, "the form could not be read: " + form.error().message);
    Handoff h;
    h.received = now();
    h.text = field(*form, "initiation").value_or("");
    h.store = field(*form, "store").value_or("");
    h.quote_id = field(*form, "quote_id").value_or("");
    if (h.text.empty()) return net::Response::error(400, "no purchase initiation was given (form field \"initiation\")");
    if (h.text.size() > kMaxInitiation) return net::Response::error(413, "the purchase initiation is too long");
    auto parsed = PaymentInitiation::parse(h.text);
    if (!parsed.ok()) {
      h.refusal = "the purchase initiation is not valid: " + parsed.error().message + "; nothing was paid";
    } else {
      h.initiation = std::move(*parsed);
      if (h.store.empty() || h.quote_id.empty())
        h.refusal = "the store did not say which order this is (store, quote_id); the wallet cannot confirm it";
      else
        confirm_with_store(h);
    }
    if (ctx_.log) ctx_.log->info("initiation_received", {{"accepted", h.refusal.empty() ? "yes" : "no"}});
    std::string t = token();
    {
      std::lock_guard lock(mu_);
      prune();
      handoffs_[t] = std::move(h);
    }
    return redirect("/pay?h=" + t);
  }

  // Expired hand-offs and registrations go; so do the oldest beyond a bound (any page may post to
  // the wallet: it must not grow without limit).
  void prune() {
    const std::int64_t t = now();
    while (handoffs_.size() >= kMaxPending) {
      auto oldest = std::min_element(handoffs_.begin(), handoffs_.end(),
                                     [](const auto& a, const auto& b) { return a.second.received < b.second.received; });
      handoffs_.erase(oldest);
    }
    while (registrations_.size() >= kMaxPending) {
      auto oldest = std::min_element(registrations_.begin(), registrations_.end(),
                                     [](const auto& a, const auto& b) { return a.second->created < b.second->created; });
      registrations_.erase(oldest);
    }
    for (auto it = handoffs_.begin(); it != handoffs_.end();)
      it = t - it->second.received > kHandoffSeconds ? handoffs_.erase(it) : std::next(it);
    for (auto it = registrations_.begin(); it != registrations_.end();)
      it = t - it->second->created > kRegistrationSeconds ? registrations_.erase(it) : std::next(it);
  }

  static json money(const roles::Money& m) { return detail::money_json(m); }

  net::Response handoff(const net::Request& q) {
    auto params = query_params(q.target);
    if (!params.ok() || !params->contains("h")) return json_error(400, "give ?h=<the hand-off> from the store's redirect");
    std::lock_guard lock(mu_);
    auto it = handoffs_.find(params->at("h"));
    if (it == handoffs_.end())
      return json_error(404, "this payment request is unknown or expired; go back to the store and press Pay with SET again");
    const Handoff& h = it->second;
    json j{{"store", h.store}, {"quote_id", h.quote_id}, {"accepted", h.refusal.empty()}};
    if (!h.refusal.empty()) j["refusal"] = h.refusal;
    if (h.initiation) {
      const PaymentInitiation& p = *h.initiation;
      j["initiation"] = {{"merchant_name", p.merchant_name}, {"merchant_id", p.merchant_id}, {"brands", p.brands},
                         {"amount", money(p.amount)}, {"summary", p.summary}, {"payment_url", p.payment_url},
                         {"expires", p.expires}};
    }
    if (!h.store_name.empty()) j["store_name"] = h.store_name;
    if (h.store_amount) j["store_amount"] = money(*h.store_amount);
    if (h.result) j["result"] = *h.result;
    return net::Response::json(200, j.dump());
  }

  static Result<json> body_object(const net::Request& q) {
    json b = json::parse(q.body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return Error(Errc::kInvalidArgument, "the body must be a JSON object");
    return b;
  }
  static std::string str(const json& b, const char* name) {
    return b.contains(name) && b[name].is_string() ? b[name].get<std::string>() : std::string();
  }

  net::Response pay_handoff(const net::Request& q) {
    auto b = body_object(q);
    if (!b.ok()) return json_error(400, b.error().message);
    const std::string hid = str(*b, "handoff"), card_id = str(*b, "card"), passphrase = str(*b, "passphrase");
    Handoff h;
    {
      std::lock_guard lock(mu_);
      auto it = handoffs_.find(hid);
      if (it == handoffs_.end()) return json_error(404, "this payment request is unknown or expired; go back to the store");
      if (it->second.result) return net::Response::json(200, it->second.result->dump());  // paid before: same answer
      if (!it->second.refusal.empty()) return json_error(409, it->second.refusal);
      h = it->second;
    }
    if (passphrase.empty()) return json_error(422, "enter the passphrase of the card's key; nothing was sent");
    auto c = card(card_id.empty() ? "1" : card_id);
    if (!c.ok()) return json_error(404, c.error().message);
    // One payment at a time: each opens the wallet engine over the same log with the card's key.
    std::lock_guard pay_lock(pay_mu_);
    auto handle = open_wallet(config_, c->files, passphrase);
    if (!handle.ok()) {
      if (handle.error().code == Errc::kPolicy)
        return json_error(403, "the passphrase is wrong; nothing was sent. Try again");
      return json_error(500, handle.error().message);
    }
    BuyOptions o;
    auto paid = services::pay(**handle, *h.initiation, o);
    if (!paid.ok()) {
      if (ctx_.log) ctx_.log->warn("payment_failed", {{"error", paid.error().message}});
      return json_error(502, "the payment did not complete: " + paid.error().message);
    }
    const auto& e = paid->entry;
    {
      std::lock_guard lock(db_mu_);
      auto st = db_->prepare("INSERT INTO wallet_ui_purchases (wallet_id, card_id, store_url, quote_id, payment_url) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (wallet_id) DO NOTHING");
      if (st.ok()) {
        st->bind(1, paid->wallet_id).bind(2, c->id).bind(3, h.store).bind(4, h.quote_id).bind(5, h.initiation->payment_url);
        (void)st->run();
      }
    }
    json r{{"wallet_id", paid->wallet_id}, {"status", std::string(roles::purchase::to_string(e.status))},
           {"amount", money(e.amount)}, {"merchant", e.merchant}, {"summary", e.od_summary}, {"card", c->label},
           {"last4", e.pan_last4}, {"return_url", h.store + "/order?quote=" + url_encode(h.quote_id)}};
    if (e.auth_code) r["auth_code"] = *e.auth_code;
    if (e.error_code) r["error_code"] = *e.error_code;
    if (ctx_.log) ctx_.log->info("payment", {{"wallet_id", std::to_string(paid->wallet_id)}, {"status", r["status"].get<std::string>()}});
    std::lock_guard lock(mu_);
    auto it = handoffs_.find(hid);
    if (it != handoffs_.end()) it->second.result = r;
    return net::Response::json(200, r.dump());
  }

  // ---- the transaction log ----
  struct UiRow {
    std::string card_id, store_url, quote_id, payment_url;
  };
  std::map<std::int64_t, UiRow> ui_rows() {
    std::map<std::int64_t, UiRow> out;
    std::lock_guard lock(db_mu_);
    auto st = db_->prepare("SELECT wallet_id, card_id, store_url, quote_id, payment_url FROM wallet_ui_purchases");
    if (!st.ok()) return out;
    while (true) {
      auto row = st->step();
      if (!row.ok() || !*row) break;
      out[st->column_int64(0)] = {st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)};
    }
    return out;
  }

  static json entry_json(const roles::purchase::LogEntry& e) {
    json j{{"id", e.id}, {"merchant", e.merchant}, {"brand", e.brand}, {"amount", detail::money_json(e.amount)},
           {"summary", e.od_summary}, {"last4", e.pan_last4}, {"xid", to_hex(e.xid)},
           {"status", std::string(roles::purchase::to_string(e.status))}, {"created_at", e.created_at},
           {"updated_at", e.updated_at}};
    if (e.auth_code) j["auth_code"] = *e.auth_code;
    if (e.error_code) j["error_code"] = *e.error_code;
    return j;
  }

  net::Response history() {
    Result<std::vector<roles::purchase::LogEntry>> entries = Error(Errc::kIo, "");
    {
      std::lock_guard lock(db_mu_);
      entries = roles::purchase::wallet_history(*db_);
    }
    auto rows = ui_rows();
    if (!entries.ok()) {
      if (rows.empty()) return net::Response::json(200, json{{"purchases", json::array()}}.dump());  // nothing paid yet
      return json_error(500, entries.error().message);
    }
    json out = json::array();
    net::ClientOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    for (const auto& e : *entries) {
      json j = entry_json(e);
      auto row = rows.find(e.id);
      if (row != rows.end()) {
        j["store_url"] = row->second.store_url;
        j["quote_id"] = row->second.quote_id;
        j["order_url"] = row->second.store_url + "/order?quote=" + url_encode(row->second.quote_id);
        // What the store says of the order (outside SET): the parcel and its tracking number.
        auto u = net::Url::parse(row->second.store_url);
        if (u.ok()) {
          u->target = "/store/order";
          auto r = net::post(*u, net::kJson, json{{"quote_id", row->second.quote_id}}.dump(), o);
          if (r.ok() && r->status == 200) {
            json s = json::parse(r->body, nullptr, false);
            if (!s.is_discarded() && s.is_object()) {
              j["store"] = json::object();
              for (const char* k : {"store_state", "set_state", "shipment", "captured", "refunded"})
                if (s.contains(k)) j["store"][k] = s[k];
            }
          }
        }
      }
      out.push_back(std::move(j));
    }
    return net::Response::json(200, json{{"purchases", out}}.dump());
  }

  net::Response inquire_one(const net::Request& q) {
    auto b = body_object(q);
    if (!b.ok()) return json_error(400, b.error().message);
    if (!b->contains("id") || !(*b)["id"].is_number_integer()) return json_error(400, "give {\"id\": <purchase>, \"passphrase\": ...}");
    const std::int64_t id = (*b)["id"].get<std::int64_t>();
    const std::string passphrase = str(*b, "passphrase");
    if (passphrase.empty()) return json_error(422, "enter the passphrase of the card's key; nothing was sent");
    auto rows = ui_rows();
    auto row = rows.find(id);
    if (row == rows.end()) return json_error(404, "purchase " + std::to_string(id) + " was not paid from this wallet's pages");
    auto c = card(row->second.card_id);
    if (!c.ok()) return json_error(404, c.error().message);
    std::lock_guard pay_lock(pay_mu_);
    auto handle = open_wallet(config_, c->files, passphrase);
    if (!handle.ok())
      return handle.error().code == Errc::kPolicy ? json_error(403, "the passphrase is wrong; nothing was sent. Try again")
                                                  : json_error(500, handle.error().message);
    auto e = services::inquire(**handle, id, row->second.payment_url);
    if (!e.ok()) return json_error(502, "the merchant did not answer the inquiry: " + e.error().message);
    return net::Response::json(200, entry_json(*e).dump());
  }

  // ---- the protocol explorer: the wallet's trail in the cardholder's view (explorer.hpp) ----
  net::Response explorer_transactions() {
    Result<std::vector<roles::purchase::LogEntry>> entries = Error(Errc::kIo, "");
    std::vector<roles::purchase::Transaction> all;
    {
      std::lock_guard lock(db_mu_);
      entries = roles::purchase::wallet_history(*db_);
      if (entries.ok())
        for (const auto& e : *entries) {
          auto t = roles::purchase::wallet_transaction(*db_, e.id);
          if (t.ok()) all.push_back(std::move(*t));
        }
    }
    json out = json::array();
    for (const auto& t : all) out.push_back(explorer::trail_summary_json(t));
    return net::Response::json(200, json{{"viewer", "cardholder"}, {"transactions", out}}.dump());
  }

  // ?tx=<purchase id>: its messages; with `one`, &seq=<n>: that message explained.
  net::Response explorer_messages(const net::Request& q, bool one) {
    auto params = query_params(q.target);
    if (!params.ok() || !params->contains("tx")) return json_error(400, "give ?tx=<purchase number>");
    std::int64_t id = 0, seq = 0;
    try {
      id = std::stoll(params->at("tx"));
      if (one) seq = std::stoll(params->contains("seq") ? params->at("seq") : "0");
    } catch (const std::exception&) {
      return json_error(400, "tx and seq are numbers");
    }
    Result<roles::purchase::Transaction> t = Error(Errc::kIo, "");
    {
      std::lock_guard lock(db_mu_);
      t = roles::purchase::wallet_transaction(*db_, id);
    }
    if (!t.ok()) return json_error(404, "no purchase " + params->at("tx") + " in this wallet");
    if (!one) return net::Response::json(200, explorer::trail_json(*t).dump());
    auto explained = explorer::explain_trail_message(*t, seq);
    if (!explained) return json_error(404, "no message " + std::to_string(seq) + " in purchase " + params->at("tx"));
    return net::Response::json(200, explained->dump());
  }

  // ---- registering a card (SET certificate registration, Book 2 §3) ----
  net::Response register_start(const net::Request& q) {
    auto b = body_object(q);
    if (!b.ok()) return json_error(400, b.error().message);
    std::string pan = str(*b, "pan");
    pan.erase(std::remove_if(pan.begin(), pan.end(), [](char ch) { return ch == ' ' || ch == '-'; }), pan.end());
    std::string expiry = str(*b, "expiry");
    expiry.erase(std::remove(expiry.begin(), expiry.end(), '-'), expiry.end());
    const std::string label = str(*b, "label");
    std::vector<std::pair<std::string, std::string>> problems;
    if (pan.size() < 12 || pan.size() > 19 || !std::all_of(pan.begin(), pan.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      problems.emplace_back("pan", "a card number has 12 to 19 digits");
    else if (!luhn_ok(pan))
      problems.emplace_back("pan", "this card number fails its check digit: look for a typo");
    if (expiry.size() != 6 || !std::all_of(expiry.begin(), expiry.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      problems.emplace_back("expiry", "give the expiry month as YYYY-MM");
    } else {
      der::Time t = der::Time::from_unix(now());
      const int month = std::stoi(expiry.substr(4, 2));
      if (month < 1 || month > 12) problems.emplace_back("expiry", "the month must be 01 to 12");
      else if (std::stoi(expiry) < t.year * 100 + t.month) problems.emplace_back("expiry", "this card has expired");
    }
    if (!problems.empty()) return problems_error(problems);
    auto ca = config_.peers.find("ca");
    if (ca == config_.peers.end() || ca->second.empty())
      return json_error(409, "this wallet knows no CA (peers.ca in its config): it cannot register cards");
    auto url = net::Url::parse(ca->second.front());
    if (!url.ok()) return json_error(500, url.error().message);
    url->target = "/cca";

    auto s = std::make_unique<RegistrationSession>();
    auto root = read_certificate(config_.trust_root);
    if (!root.ok()) return json_error(500, root.error().message);
    pki::TrustStore roots;
    if (auto added = roots.add_root(*root); !added.ok()) return json_error(500, added.error().message);
    s->validator = std::make_unique<pki::PathValidator>(std::move(roots));
    s->trust = std::make_unique<roles::TrustContext>(
        roles::TrustContext{s->validator.get(), {}, {}, std::nullopt, seal::Policy::only(config_.suite().id)});
    roles::certs::RequesterConfig rc;
    rc.who = roles::certs::Requester::kCardholder;
    rc.suite = &config_.suite();
    rc.brand = config_.setting_or("brand", "");
    s->reg = std::make_unique<roles::certs::Registration>(rc, *s->trust);
    s->reg->set_card(pan, expiry);
    s->pan = pan;
    s->expiry = expiry;
    s->label = label.empty() ? rc.brand + " card ending " + last4(pan) : label;
    s->created = now();
    auto formed = registration_form(*s->reg, world_.env, http_registration_exchange(*url));
    if (!formed.ok())
      return json_error(422, "the CA did not start the registration: " + net::Log::redact(formed.error().message));
    json fields = json::array();
    for (const auto& f : s->reg->form()) {
      if (f.field_invisible) continue;
      fields.push_back({{"name", f.field_name.text()},
                        {"description", f.field_desc ? f.field_desc->text() : f.field_name.text()},
                        {"required", f.field_required}, {"max_length", f.field_len}});
    }
    std::string t = token();
    {
      std::lock_guard lock(mu_);
      prune();
      registrations_[t] = std::move(s);
    }
    return net::Response::json(200, json{{"session", t}, {"fields", fields}, {"brand", rc.brand}}.dump());
  }

  static net::Response problems_error(const std::vector<std::pair<std::string, std::string>>& problems) {
    json j;
    j["error"]["message"] = "some fields need attention";
    j["error"]["problems"] = json::array();
    for (const auto& [f, m] : problems) j["error"]["problems"].push_back({{"field", f}, {"message", m}});
    return net::Response::json(422, j.dump());
  }

  net::Response register_finish(const net::Request& q) {
    auto b = body_object(q);
    if (!b.ok()) return json_error(400, b.error().message);
    const std::string sid = str(*b, "session"), passphrase = str(*b, "passphrase"), again = str(*b, "passphrase_again");
    std::map<std::string, std::string> answers;
    if (b->contains("answers") && (*b)["answers"].is_object())
      for (const auto& [k, v] : (*b)["answers"].items())
        if (v.is_string() && !v.get<std::string>().empty()) answers[k] = v.get<std::string>();
    std::unique_ptr<RegistrationSession> s;
    {
      std::lock_guard lock(mu_);
      auto it = registrations_.find(sid);
      if (it == registrations_.end()) return json_error(404, "this registration is unknown or expired; start again");
      std::vector<std::pair<std::string, std::string>> problems;
      for (const auto& name : missing_answers(*it->second->reg, answers)) problems.emplace_back(name, "the CA requires this field");
      if (passphrase.size() < 8) problems.emplace_back("passphrase", "choose a passphrase of at least 8 characters");
      else if (passphrase != again) problems.emplace_back("passphrase_again", "the two passphrases differ");
      if (!problems.empty()) return problems_error(problems);
      s = std::move(it->second);
      registrations_.erase(it);
    }
    auto ca = config_.peers.find("ca");
    auto url = net::Url::parse(ca->second.front());
    if (!url.ok()) return json_error(500, url.error().message);
    url->target = "/cca";
    auto done = registration_complete(*s->reg, world_.env, http_registration_exchange(*url), answers);
    if (!done.ok()) return json_error(422, "the CA did not issue the certificate: " + net::Log::redact(done.error().message) +
                                  ". Check that your answers match what your bank knows of the account, then start again");
    auto saved = save_card(*s, passphrase);
    if (!saved.ok()) return json_error(500, saved.error().message);
    if (ctx_.log) ctx_.log->info("card_registered", {{"card", *saved}});
    return net::Response::json(200, json{{"card", *saved}, {"label", s->label}, {"last4", last4(s->pan)}}.dump());
  }

  // The new card's folder: cards/<n>/ (0700) with the encrypted key, the certificate, and the
  // PAN, PANSecret and CardSecret in owner-only files.
  Result<std::string> save_card(const RegistrationSession& s, const std::string& passphrase) {
    std::lock_guard lock(cards_mu_);
    std::error_code ec;
    fs::create_directories(cards_dir_, ec);
    int n = 2;
    while (fs::exists(cards_dir_ / std::to_string(n))) ++n;
    const std::string id = std::to_string(n);
    const fs::path dir = cards_dir_ / id;
    if (::mkdir(dir.c_str(), 0700) != 0) return Error(Errc::kIo, "cannot create " + dir.string());
    const auto& reg = *s.reg;
    if (!reg.signature_key() || reg.certificates().empty()) return Error(Errc::kIo, "the registration left no certificate");
    OPENSET_TRY(std::string key_pem, reg.signature_key()->to_encrypted_pem(passphrase));
    OPENSET_CHECK(create_file((dir / "signature.key.pem").string(), key_pem, 0600));
    OPENSET_CHECK(create_file((dir / "signature.cert.pem").string(), crypto::to_pem(reg.certificates().front(), "CERTIFICATE"), 0644));
    OPENSET_CHECK(create_file((dir / "pan").string(), s.pan + "\n", 0600));
    OPENSET_CHECK(create_file((dir / "pan-secret").string(), to_hex(reg.pan_secret().view()) + "\n", 0600));
    OPENSET_CHECK(create_file((dir / "card-secret").string(), to_hex(reg.card_secret().view()) + "\n", 0600));
    json meta{{"label", s.label}, {"brand", config_.setting_or("brand", "")}, {"expiry", s.expiry}, {"last4", last4(s.pan)}};
    OPENSET_CHECK(create_file((dir / "card.json").string(), meta.dump(2) + "\n", 0644));  // last: a card is listed once complete
    return id;
  }

  ServiceConfig config_;
  ServiceContext ctx_;
  detail::RealWorld world_;
  fs::path cards_dir_;
  std::unique_ptr<store::Database> db_;
  std::mutex db_mu_;     // db_
  std::mutex mu_;        // handoffs_, registrations_
  std::mutex pay_mu_;    // one wallet engine at a time
  std::mutex cards_mu_;  // new card folders
  std::map<std::string, Handoff> handoffs_;
  std::map<std::string, std::unique_ptr<RegistrationSession>> registrations_;
};

}  // namespace

Result<std::unique_ptr<Service>> open_wallet_service(const ServiceConfig& c, const ServiceContext& ctx) {
  auto s = std::make_unique<WalletService>(c, ctx);
  OPENSET_CHECK(s->open());
  return std::unique_ptr<Service>(std::move(s));
}

}  // namespace openset::services
