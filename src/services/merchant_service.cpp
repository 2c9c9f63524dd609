// `openset serve merchant`: the merchant's storefront (JSON, the shopping step outside SET), its
// SET server (POST /set: PInitReq, PReq, InqReq from wallets; AuthReq/CapReq/... to the gateway
// services) and its back office (JSON, behind a bearer token: orders, ship, capture, batches).
//
//   GET  /store/catalog          the items, prices, stock and delivery methods
//   POST /store/quote            an OrderForm -> the merchant's answer (Quote) or 422 with problems
//   POST /store/accept           {"quote_id"} -> the purchase initiation message
//                                (application/set-payment-initiation, initiation.hpp)
//   POST /store/order            {"quote_id"} -> the order's state, payment and shipment
//   POST /set                    SET messages from wallets (application/set-payment)
//   GET  /admin/orders           every SET order (Authorization: Bearer <admin token>)
//   POST /admin/ship             {"quote_id"}: hands the parcel to the carrier, then captures
//   POST /admin/capture          {"quote_id"}: captures without shipping (CapReq)
//   POST /admin/close-batch      {}: closes every open batch (BatchAdminReq), settles
//   GET  /explorer               the protocol explorer page (web/explorer), over the routes:
//   GET  /admin/explorer/transactions, /admin/explorer/messages?tx=KEY, /admin/explorer/message?seq=N
//                                every SET message this merchant sent or received (explorer.hpp),
//                                each explained in the merchant's view
//   POST /admin/refund           {"quote_id", "amount"?, "request_id"?}: refunds (CredReq)
//   GET  /admin/settlement       every batch, open and closed: items, totals, net settled
//   GET  /, /order, /office      the storefront, an order's page, the back office (web/store,
//                                web/office; files under /static/)
#include <array>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "openset/roles/commerce.hpp"
#include "openset/roles/purchase/batch.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "openset/services/carrier_client.hpp"
#include "openset/services/explorer.hpp"
#include "openset/services/initiation.hpp"
#include "openset/services/web.hpp"

namespace openset::services {
namespace {
using nlohmann::json;
using roles::purchase::Answer;
using roles::purchase::Outgoing;
using roles::purchase::Peer;

json money_json(const roles::Money& m) {
  return json{{"currency", m.currency}, {"amount", m.amount}, {"exp10", m.amt_exp10}, {"text", roles::format_amount(m)}};
}

// The back office's refund requests by request_id, in the merchant's database beside its orders:
// a retry is never a second refund, not even after a restart. A row is written before the
// CredReq leaves (answer NULL) and gets the answer once the gateway's CredRes is recorded; a row
// without answer is an attempt whose outcome the back office never saw (see refund()).
constexpr const char* kRefundRequestsSchema = R"sql(
CREATE TABLE IF NOT EXISTS merchant_refund_requests (
  request_key     TEXT PRIMARY KEY,
  order_id        TEXT NOT NULL,
  amount          INTEGER NOT NULL,
  refunded_before INTEGER NOT NULL,
  answer          TEXT)
)sql";

struct RefundRequest {
  std::string order_id;
  std::int64_t amount = 0;
  std::int64_t refunded_before = 0;
  std::optional<std::string> answer;
};

class RefundRequests {
 public:
  static Result<RefundRequests> attach(store::Database& db) {
    OPENSET_CHECK(db.exec(kRefundRequestsSchema));
    return RefundRequests(db);
  }
  Result<std::optional<RefundRequest>> find(const std::string& key) {
    OPENSET_TRY(store::Statement q, db_->prepare("SELECT order_id, amount, refunded_before, answer "
                                                 "FROM merchant_refund_requests WHERE request_key = ?"));
    q.bind(1, std::string_view(key));
    OPENSET_TRY(bool row, q.step());
    if (!row) return std::optional<RefundRequest>();
    RefundRequest r{q.column_text(0), q.column_int64(1), q.column_int64(2), std::nullopt};
    if (!q.column_is_null(3)) r.answer = q.column_text(3);
    return std::optional<RefundRequest>(std::move(r));
  }
  Status begin(const std::string& key, const RefundRequest& r) {
    OPENSET_TRY(store::Statement q, db_->prepare("INSERT INTO merchant_refund_requests "
                                                 "(request_key, order_id, amount, refunded_before) VALUES (?, ?, ?, ?)"));
    q.bind(1, std::string_view(key)).bind(2, std::string_view(r.order_id)).bind(3, r.amount).bind(4, r.refunded_before);
    return q.run();
  }
  Status answer(const std::string& key, const std::string& answer) {
    OPENSET_TRY(store::Statement q,
                db_->prepare("UPDATE merchant_refund_requests SET answer = ? WHERE request_key = ?"));
    q.bind(1, std::string_view(answer)).bind(2, std::string_view(key));
    return q.run();
  }
  Status forget(const std::string& key) {
    OPENSET_TRY(store::Statement q, db_->prepare("DELETE FROM merchant_refund_requests WHERE request_key = ?"));
    q.bind(1, std::string_view(key));
    return q.run();
  }

 private:
  explicit RefundRequests(store::Database& db) : db_(&db) {}
  store::Database* db_;
};

class MerchantService final : public Service {
 public:
  MerchantService(const ServiceConfig& c, ServiceContext ctx) : ctx_(std::move(ctx)) {
    payment_url_ = c.setting_or("payment_url", "http://" + c.host + ":" + std::to_string(c.port) + "/set");
    admin_token_ = c.setting_or("admin_token", "");
    wallet_url_ = c.setting_or("wallet_url", "");
  }
  ~MerchantService() override {
    {
      std::lock_guard lock(resume_mu_);
      stopping_ = true;
    }
    resume_cv_.notify_all();
    if (resume_.joinable()) resume_.join();
  }

  // After a restart: the AuthReqs that had no AuthRes are sent again, until none is left (every
  // few seconds while the gateway cannot be reached), so those orders complete without waiting
  // for their cardholders to send their PReq again. Only the orders left over from before the
  // restart: the list is taken before the service answers anyone, and a later round sends only
  // those of them still waiting, never the AuthReq of a purchase that is in flight right now (its
  // AuthRes may be on its way; sending it again would be a second AuthReq in the trail).
  void start_resume() {
    Result<Answer> first = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      first = merchant_->pending_authorizations();
    }
    if (!first.ok()) {
      if (ctx_.log) ctx_.log->warn("resume_failed", {{"error", first.error().message}});
      return;
    }
    if (first->send.empty()) return;
    std::set<Bytes> left_over;
    for (const auto& o : first->send) left_over.insert(o.message);
    resume_ = std::thread([this, left_over = std::move(left_over)] {
      for (int round = 0; round < 60; ++round) {
        {
          std::unique_lock lock(resume_mu_);
          if (resume_cv_.wait_for(lock, std::chrono::milliseconds(round == 0 ? 200 : 5000), [this] { return stopping_; }))
            return;
        }
        Result<Answer> pending = Error(Errc::kIo, "");
        {
          std::lock_guard lock(mu_);
          pending = merchant_->pending_authorizations();
        }
        if (!pending.ok()) return;
        std::erase_if(pending->send, [&](const Outgoing& o) { return !left_over.contains(o.message); });
        if (pending->send.empty()) return;
        const std::size_t n = pending->send.size();
        auto driven = drive(std::move(*pending));
        if (ctx_.log)
          ctx_.log->info("resumed_authorizations", {{"orders", std::to_string(n)}, {"ok", driven.ok() ? "yes" : "no"}});
        if (driven.ok()) return;
      }
    });
  }

  Status open(const ServiceConfig& c) {
    OPENSET_TRY(Trust trust, Trust::load(c));
    trust_ = std::move(trust);
    roles::purchase::MerchantConfig m;
    OPENSET_TRY(m.credentials, detail::load_credentials(c, true));
    explorer_credentials_ = m.credentials;  // the key-exchange key opens the explorer's envelopes
    OPENSET_TRY(explorer_key_, explorer_credentials_.holder());
    OPENSET_TRY(brand_, c.setting("brand"));
    roles::purchase::GatewayRoute route;
    route.brand = brand_;
    OPENSET_TRY(route.key_exchange_certificate, c.certificate("gateway-key-exchange-cert"));
    OPENSET_TRY(route.chain, c.chain("gateway"));
    m.gateways.push_back(std::move(route));
    m.trust = trust_.context;
    m.cardholder_certificate_required = detail::setting_flag(c, "cardholder_certificate_required", true);
    m.log = detail::engine_log(ctx_, "merchant");
    if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
    OPENSET_TRY(merchant_, roles::purchase::Merchant::open(c.db, std::move(m), world_.env));
    OPENSET_TRY(journal_, explorer::Journal::attach(merchant_->database()));
    // How long the explorer keeps a transaction after its last message (docs/explorer.md).
    if (c.settings.contains("explorer_keep_days")) {
      const auto& v = c.settings["explorer_keep_days"];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 36500)
        return Error(Errc::kInvalidArgument, c.file.string() +
                                                 ": \"explorer_keep_days\" is a whole number of days, 0 (keep every "
                                                 "message) to 36500");
      journal_keep_seconds_ = v.get<std::int64_t>() * 86400;
    }
    {
      std::lock_guard lock(mu_);
      prune_journal();
    }
    OPENSET_TRY(RefundRequests requests, RefundRequests::attach(merchant_->database()));
    refund_requests_.emplace(requests);

    roles::commerce::StoreConfig sc;
    sc.merchant_id = merchant_->merchant_id();
    OPENSET_TRY(sc.name, c.setting("store_name"));
    if (!c.settings.contains("catalog") || !c.settings["catalog"].is_array())
      return Error(Errc::kInvalidArgument, c.file.string() + ": settings.catalog must list the items");
    for (const auto& i : c.settings["catalog"]) {
      if (!i.is_object() || !i.contains("sku") || !i.contains("name") || !i.contains("unit_price") || !i.contains("stock"))
        return Error(Errc::kInvalidArgument, c.file.string() + ": each catalog item has sku, name, unit_price, stock");
      sc.catalog.push_back({i["sku"].get<std::string>(), i["name"].get<std::string>(), i["unit_price"].get<std::int64_t>(),
                            i["stock"].get<std::int64_t>()});
    }
    if (!c.settings.contains("delivery") || !c.settings["delivery"].is_array())
      return Error(Errc::kInvalidArgument, c.file.string() + ": settings.delivery must list the delivery methods");
    for (const auto& d : c.settings["delivery"]) {
      if (!d.is_object() || !d.contains("id") || !d.contains("name") || !d.contains("fee") || !d.contains("min_hours"))
        return Error(Errc::kInvalidArgument, c.file.string() + ": each delivery method has id, name, fee, min_hours");
      sc.delivery.push_back({d["id"].get<std::string>(), d["name"].get<std::string>(), d["fee"].get<std::int64_t>(),
                             d["min_hours"].get<std::int64_t>()});
    }
    std::string store_db = c.setting_or("storefront_db", "storefront.db");
    if (!store_db.starts_with("postgres") && !std::filesystem::path(store_db).is_absolute())
      store_db = (c.base / store_db).string();
    OPENSET_TRY(roles::commerce::Storefront store, roles::commerce::Storefront::open(store_db, std::move(sc)));
    store_ = std::make_unique<roles::commerce::Storefront>(std::move(store));

    OPENSET_TRY(std::vector<std::string> gateways, c.peer("gateway"));
    gateway_ = std::make_unique<PeerClient>("gateway", gateways);
    if (c.peers.contains("carrier")) {
      OPENSET_TRY(std::string carrier_name, c.setting("carrier_name"));
      carrier_ = std::make_unique<RemoteCarrier>(std::make_shared<PeerClient>("carrier", c.peers.at("carrier")),
                                                 carrier_name);
    }
    return Ok{};
  }

  std::vector<net::Route> routes() override {
    const std::vector<std::string> set_types = {std::string(net::kSetPayment)};
    const std::vector<std::string> json_types = {std::string(net::kJson)};
    std::vector<net::Route> r;
    r.push_back({"POST", "/set", set_types, [this](const net::Request& q) { return on_set(q); }});
    r.push_back({"GET", "/store/catalog", {}, [this](const net::Request&) { return catalog(); }});
    r.push_back({"POST", "/store/quote", json_types, [this](const net::Request& q) { return quote(q); }});
    r.push_back({"POST", "/store/accept", json_types, [this](const net::Request& q) { return accept(q); }});
    r.push_back({"POST", "/store/order", json_types, [this](const net::Request& q) { return store_order(q); }});
    r.push_back({"GET", "/admin/orders", {}, [this](const net::Request& q) { return admin(q, [this](const json&) { return orders(); }); }});
    r.push_back({"POST", "/admin/ship", json_types, [this](const net::Request& q) { return admin(q, [this](const json& b) { return ship(b); }); }});
    r.push_back({"POST", "/admin/capture", json_types, [this](const net::Request& q) { return admin(q, [this](const json& b) { return capture(b, false); }); }});
    r.push_back({"POST", "/admin/close-batch", json_types, [this](const net::Request& q) { return admin(q, [this](const json&) { return close_batches(); }); }});
    add_explorer_routes(r);
    r.push_back({"POST", "/admin/refund", json_types, [this](const net::Request& q) { return admin(q, [this](const json& b) { return refund(b); }); }});
    r.push_back({"GET", "/admin/settlement", {}, [this](const net::Request& q) { return admin(q, [this](const json&) { return settlement(); }); }});
    // The pages (issue 7): the storefront hands the payment to the wallet, another origin on
    // loopback, with a form POST (CSP form-action).
    PageOptions store_pages;
    store_pages.form_targets = {"http://127.0.0.1:*", "http://localhost:*"};
    add_static_routes(r, store_pages);
    add_page(r, "/", "store/index.html", store_pages);
    add_page(r, "/order", "store/order.html", store_pages);
    add_page(r, "/office", "office/index.html");
    return r;
  }

 private:
  // Delivers `a`'s messages to the gateway(s) and their answers back into the engine until
  // nothing is left to send; returns the message for the cardholder, if any. The engine lock is
  // never held while a gateway is asked.
  // `order_id`: the order the messages are about, when the caller knows it; a message whose
  // header names no transaction (CapReq, CredReq carry only an RRPID) is filed under it in the
  // explorer's journal.
  Result<std::optional<Bytes>> drive(Answer a, const std::string& order_id = {}) {
    std::deque<Outgoing> queue(a.send.begin(), a.send.end());
    std::optional<Bytes> to_cardholder;
    while (!queue.empty()) {
      Outgoing o = std::move(queue.front());
      queue.pop_front();
      if (o.to == Peer::kCardholder) {
        to_cardholder = std::move(o.message);
        continue;
      }
      if (o.to != Peer::kGateway) continue;
      journal(explorer::Party::kMerchant, explorer::Party::kGateway, o.message, order_id);
      auto r = gateway_->post("/set", net::kSetPayment, std::string_view(reinterpret_cast<const char*>(o.message.data()), o.message.size()));
      if (!r.ok()) {
        if (ctx_.log) ctx_.log->warn("gateway_unreachable", {{"type", o.type}, {"error", r.error().message}});
        return Error(Errc::kIo, "the payment gateway did not answer (" + r.error().message + ")");
      }
      if (r->status != 200) {
        if (ctx_.log) ctx_.log->warn("gateway_refused", {{"type", o.type}, {"status", std::to_string(r->status)}});
        return Error(Errc::kIo, "the payment gateway answered " + std::to_string(r->status));
      }
      journal(explorer::Party::kGateway, explorer::Party::kMerchant, as_bytes(r->body));
      Answer b;
      {
        std::lock_guard lock(mu_);
        b = merchant_->handle(to_bytes(std::string_view(r->body)));
      }
      for (auto& m : b.send) queue.push_back(std::move(m));
    }
    return to_cardholder;
  }

  net::Response on_set(const net::Request& q) {
    journal(explorer::Party::kCardholder, explorer::Party::kMerchant, as_bytes(q.body));
    Answer a;
    {
      std::lock_guard lock(mu_);
      a = merchant_->handle(to_bytes(std::string_view(q.body)));
    }
    auto out = drive(std::move(a));
    if (!out.ok()) {
      net::Response r = net::Response::error(503, out.error().message + "; send the same message again later");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    if (!*out) return net::Response::error(422, "the message was not accepted and SET has no answer to give");
    if (ctx_.metrics) ctx_.metrics->add("openset_merchant_set_answers_total", "SET answers sent to cardholders");
    journal(explorer::Party::kMerchant, explorer::Party::kCardholder, **out);
    return net::Response::bytes(net::kSetPayment, std::string(out->value().begin(), out->value().end()));
  }

  net::Response catalog() {
    std::lock_guard store_lock(store_mu_);
    const auto& c = store_->config();
    json items = json::array();
    for (const auto& i : c.catalog) {
      auto stock = store_->stock(i.sku);
      items.push_back({{"sku", i.sku}, {"name", i.name}, {"unit_price", i.unit_price}, {"stock", stock.ok() ? *stock : 0}});
    }
    json delivery = json::array();
    for (const auto& d : c.delivery)
      delivery.push_back({{"id", d.id}, {"name", d.name}, {"fee", d.fee}, {"min_hours", d.min_hours}});
    json j{{"store", c.merchant_id}, {"name", c.name}, {"currency", c.currency}, {"exp10", c.exp10},
           {"items", items}, {"delivery", delivery}, {"brands", json::array({brand_})}, {"wallet_url", wallet_url_}};
    return net::Response::json(200, j.dump());
  }

  net::Response quote(const net::Request& q) {
    auto form = roles::commerce::OrderForm::from_json(q.body);
    if (!form.ok()) return json_error(400, form.error().message);
    std::vector<roles::commerce::FormProblem> problems;
    Result<roles::commerce::Quote> quote = Error(Errc::kIo, "");
    {
      std::lock_guard lock(store_mu_);
      quote = store_->quote(world_.env, *form, &problems);
    }
    if (!quote.ok()) {
      json j;
      j["error"]["message"] = quote.error().message;
      j["error"]["problems"] = json::array();
      for (const auto& p : problems) j["error"]["problems"].push_back({{"field", p.field}, {"message", p.message}});
      return net::Response::json(422, j.dump());
    }
    return net::Response::json(200, quote->to_json());
  }

  static Result<std::string> quote_id_of(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("quote_id") || !j["quote_id"].is_string())
      return Error(Errc::kInvalidArgument, "the body must be {\"quote_id\": \"...\"}");
    return j["quote_id"].get<std::string>();
  }

  net::Response accept(const net::Request& q) {
    auto id = quote_id_of(q.body);
    if (!id.ok()) return json_error(400, id.error().message);
    std::string order_id;
    roles::commerce::Quote accepted;
    {
      std::lock_guard store_lock(store_mu_);
      auto a = store_->accept(world_.env, *id);
      if (a.ok()) {
        accepted = std::move(*a);
      } else {
        // Accepted before (a client sending the same request again after a lost answer or a
        // crash of this service): the same quote, the same initiation.
        auto before = store_->order(*id);
        if (!before.ok() || before->state == roles::commerce::OrderState::kQuoted ||
            before->state == roles::commerce::OrderState::kCancelled)
          return json_error(422, a.error().message);
        accepted = before->quote;
      }
      auto ref = store_->payment_ref(*id);
      if (!ref.ok()) return json_error(500, ref.error().message);
      if (*ref) {
        order_id = **ref;
      } else {
        Result<std::string> created = Error(Errc::kIo, "");
        {
          std::lock_guard lock(mu_);
          created = merchant_->create_order(accepted.order_description(), accepted.amount);
        }
        if (!created.ok()) return json_error(500, created.error().message);
        order_id = *created;
        auto linked = store_->link_payment(*id, order_id);
        if (!linked.ok()) return json_error(500, linked.error().message);
      }
    }
    PaymentInitiation p;
    p.merchant_name = store_->config().name;
    p.merchant_id = store_->config().merchant_id;
    p.brands = {brand_};
    p.amount = accepted.amount;
    p.lid_m = Bytes(order_id.begin(), order_id.end());
    p.od = accepted.order_description();
    p.summary = accepted.summary();
    p.payment_url = payment_url_;
    p.expires = accepted.valid_until;
    return net::Response::bytes(net::kSetPaymentInitiation, p.to_text());
  }

  // The SET order behind a quote and its state (and, once authorized, the storefront learns it
  // was paid: the SET order is the truth, the storefront follows it).
  Result<std::pair<std::string, roles::purchase::OrderView>> set_order(const std::string& quote_id) {
    OPENSET_TRY(std::optional<std::string> ref, store_->payment_ref(quote_id));
    if (!ref) return Error(Errc::kInvalidArgument, "quote " + quote_id + " was never accepted for payment");
    roles::purchase::OrderView v;
    {
      std::lock_guard lock(mu_);
      OPENSET_TRY(v, merchant_->order(*ref));
    }
    return std::make_pair(*ref, std::move(v));
  }

  Status sync_paid(const std::string& quote_id, const roles::purchase::OrderView& v) {
    OPENSET_TRY(roles::commerce::StoreOrder so, store_->order(quote_id));
    bool authorized = v.state == roles::purchase::OrderState::kAuthorized ||
                      v.state == roles::purchase::OrderState::kCapturing ||
                      v.state == roles::purchase::OrderState::kCaptured;
    if (authorized && so.state == roles::commerce::OrderState::kAccepted) return store_->mark_paid(quote_id, v.xid);
    return Ok{};
  }

  json order_json(const std::string& quote_id) {
    json j{{"quote_id", quote_id}};
    auto so = store_->order(quote_id);
    if (so.ok()) {
      j["store_state"] = std::string(roles::commerce::order_state_name(so->state));
      j["amount"] = money_json(so->quote.amount);
      if (so->shipment)
        j["shipment"] = {{"carrier", so->shipment->carrier}, {"tracking_number", so->shipment->tracking_number},
                         {"handed_over_at", so->shipment->handed_over_at}};
    }
    auto set = set_order(quote_id);
    if (set.ok()) {
      const auto& v = set->second;
      j["order_id"] = set->first;
      j["set_state"] = std::string(roles::purchase::to_string(v.state));
      j["xid"] = to_hex(v.xid);
      if (v.authorized) j["authorized"] = money_json(*v.authorized);
      if (v.captured) j["captured"] = money_json(*v.captured);
      if (v.refunded) j["refunded"] = money_json(*v.refunded);
    }
    return j;
  }

  net::Response store_order(const net::Request& q) {
    auto id = quote_id_of(q.body);
    if (!id.ok()) return json_error(400, id.error().message);
    std::lock_guard store_lock(store_mu_);
    auto so = store_->order(*id);
    if (!so.ok()) return json_error(404, so.error().message);
    return net::Response::json(200, order_json(*id).dump());
  }

  template <class F>
  net::Response admin(const net::Request& q, F f) {
    auto it = q.headers.find("authorization");
    if (admin_token_.empty() || it == q.headers.end() || it->second != "Bearer " + admin_token_)
      return json_error(401, "the back office needs 'Authorization: Bearer <admin token>' (settings.admin_token)");
    json body = json::object();
    if (q.method == "POST") {
      body = json::parse(q.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) return json_error(400, "the body must be a JSON object");
    }
    return f(body);
  }

  net::Response orders() {
    Result<std::vector<roles::purchase::OrderView>> list = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      list = merchant_->orders();
    }
    if (!list.ok()) return json_error(500, list.error().message);
    json out = json::array();
    std::lock_guard store_lock(store_mu_);
    for (const auto& v : *list) {
      json o{{"order_id", v.order_id}, {"state", std::string(roles::purchase::to_string(v.state))},
             {"amount", money_json(v.amount)}, {"xid", to_hex(v.xid)}, {"created_at", v.created_at}};
      if (v.authorized) o["authorized"] = money_json(*v.authorized);
      if (v.captured) o["captured"] = money_json(*v.captured);
      if (v.refunded) o["refunded"] = money_json(*v.refunded);
      auto quote_id = store_->quote_for_payment(v.order_id);
      if (quote_id.ok() && *quote_id) {
        o["quote_id"] = **quote_id;
        auto so = store_->order(**quote_id);
        if (so.ok()) {
          o["store_state"] = std::string(roles::commerce::order_state_name(so->state));
          o["summary"] = so->quote.summary();
          if (so->shipment)
            o["shipment"] = {{"carrier", so->shipment->carrier}, {"tracking_number", so->shipment->tracking_number},
                             {"handed_over_at", so->shipment->handed_over_at}};
        }
      }
      out.push_back(std::move(o));
    }
    return net::Response::json(200, json{{"orders", out}}.dump());
  }

  net::Response ship(const json& body) {
    if (!body.contains("quote_id") || !body["quote_id"].is_string()) return json_error(400, "give {\"quote_id\": \"...\"}");
    if (!carrier_) return json_error(409, "no carrier is configured (peers.carrier)");
    std::string quote_id = body["quote_id"].get<std::string>();
    {
      std::lock_guard store_lock(store_mu_);
      auto set = set_order(quote_id);
      if (!set.ok()) return json_error(404, set.error().message);
      auto paid = sync_paid(quote_id, set->second);
      if (!paid.ok()) return json_error(500, paid.error().message);
      auto shipped = store_->ship(world_.env, quote_id, *carrier_);
      if (!shipped.ok()) return json_error(409, shipped.error().message);
    }
    return capture(body, true);
  }

  net::Response capture(const json& body, bool after_ship) {
    if (!body.contains("quote_id") || !body["quote_id"].is_string()) return json_error(400, "give {\"quote_id\": \"...\"}");
    std::string quote_id = body["quote_id"].get<std::string>();
    // One capture of an order at a time: a second request waits and then gets the first one's
    // answer instead of "the order is being captured" (striped locks: orders spread over 16).
    std::lock_guard order_lock(capture_mu_[std::hash<std::string>{}(quote_id) % capture_mu_.size()]);
    Result<std::pair<std::string, roles::purchase::OrderView>> set = Error(Errc::kIo, "");
    {
      std::lock_guard store_lock(store_mu_);
      set = set_order(quote_id);
    }
    if (!set.ok()) return json_error(404, set.error().message);
    if (set->second.state == roles::purchase::OrderState::kCaptured) {
      std::lock_guard store_lock(store_mu_);
      return net::Response::json(200, order_json(quote_id).dump());  // captured before: same answer
    }
    Result<Answer> a = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      a = merchant_->capture({roles::purchase::CaptureItem{set->first, std::nullopt}});
    }
    if (!a.ok()) return json_error(409, a.error().message);
    auto driven = drive(std::move(*a), set->first);
    if (!driven.ok()) return json_error(503, driven.error().message + "; capture again later (it is idempotent)");
    std::lock_guard store_lock(store_mu_);
    json j = order_json(quote_id);
    j["shipped"] = after_ship;
    return net::Response::json(200, j.dump());
  }

  net::Response close_batches() {
    Result<std::vector<std::int64_t>> open = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      open = merchant_->open_batches();
    }
    if (!open.ok()) return json_error(500, open.error().message);
    json out = json::array();
    for (std::int64_t b : *open) {
      roles::purchase::BatchAdminRequest req;
      req.brand = brand_;
      req.batch_id = b;
      req.operation = asn1::BatchOperation::kClose;
      req.summary = true;
      Result<Answer> a = Error(Errc::kIo, "");
      {
        std::lock_guard lock(mu_);
        a = merchant_->batch_admin(req);
      }
      if (!a.ok()) return json_error(409, a.error().message);
      auto driven = drive(std::move(*a));
      if (!driven.ok()) return json_error(503, driven.error().message + "; close again later (it is idempotent)");
      std::lock_guard lock(mu_);
      auto view = merchant_->batch(b);
      json jb{{"batch_id", b}};
      if (view.ok() && *view) {
        jb["closed"] = (*view)->closed;
        if ((*view)->settled_net) jb["settled_net"] = *(*view)->settled_net;
      }
      out.push_back(std::move(jb));
    }
    return net::Response::json(200, json{{"batches", out}}.dump());
  }

  // ---- the protocol explorer (explorer.hpp): every SET message in and out, in its own table ----

  // Files a message; a failure is logged and never stops the payment. The journal shares the
  // engine's connection, so it is used under the engine's lock.
  void journal(explorer::Party from, explorer::Party to, ByteView der, const std::string& order_id = {}) {
    Status s = Ok{};
    const std::string hint = order_id.empty() ? std::string() : "m-" + to_hex(as_bytes(order_id));
    {
      std::lock_guard lock(mu_);
      s = journal_->record(from, to, der, world_.env.now(), hint);
      prune_journal();
    }
    if (!s.ok() && ctx_.log) ctx_.log->warn("journal_failed", {{"error", s.error().message}});
  }

  // At most once an hour (and when the service opens): the journal forgets the transactions
  // whose last message is older than explorer_keep_days. Under mu_ (the engine's connection).
  void prune_journal() {
    const std::int64_t now = world_.env.now();
    if (journal_keep_seconds_ <= 0 || now < next_journal_prune_) return;
    next_journal_prune_ = now + 3600;
    auto n = journal_->prune(now - journal_keep_seconds_);
    if (!ctx_.log) return;
    if (!n.ok()) ctx_.log->warn("journal_prune_failed", {{"error", n.error().message}});
    else if (*n > 0) ctx_.log->info("journal_pruned", {{"messages", std::to_string(*n)}});
  }

  void add_explorer_routes(std::vector<net::Route>& r) {
    add_page(r, "/explorer", "explorer/index.html");
    r.push_back({"GET", "/admin/explorer/transactions", {}, [this](const net::Request& q) {
                   return admin(q, [this](const json&) { return explorer_transactions(); });
                 }});
    r.push_back({"GET", "/admin/explorer/messages", {}, [this](const net::Request& q) {
                   return admin(q, [this, &q](const json&) { return explorer_messages(q); });
                 }});
    r.push_back({"GET", "/admin/explorer/message", {}, [this](const net::Request& q) {
                   return admin(q, [this, &q](const json&) { return explorer_message(q); });
                 }});
  }

  net::Response explorer_transactions() {
    Result<std::vector<explorer::TransactionSummary>> list = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      list = journal_->transactions();
    }
    if (!list.ok()) return json_error(500, list.error().message);
    json out = json::array();
    for (const auto& t : *list) out.push_back(explorer::summary_json(t));
    return net::Response::json(200, json{{"viewer", "merchant"}, {"transactions", out}}.dump());
  }

  net::Response explorer_messages(const net::Request& q) {
    auto params = query_params(q.target);
    if (!params.ok() || !params->contains("tx")) return json_error(400, "give ?tx=<transaction key>");
    Result<std::vector<explorer::JournalEntry>> list = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      list = journal_->messages(params->at("tx"));
    }
    if (!list.ok()) return json_error(500, list.error().message);
    if (list->empty()) return json_error(404, "no transaction " + params->at("tx"));
    json out = json::array();
    for (const auto& e : *list) out.push_back(explorer::entry_json(e));
    return net::Response::json(200, json{{"tx", params->at("tx")}, {"viewer", "merchant"}, {"messages", out}}.dump());
  }

  net::Response explorer_message(const net::Request& q) {
    auto params = query_params(q.target);
    std::int64_t seq = 0;
    if (params.ok() && params->contains("seq")) {
      const std::string& t = params->at("seq");
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), seq);
      if (ec != std::errc{} || end != t.data() + t.size()) seq = 0;
    }
    if (seq <= 0) return json_error(400, "give ?seq=<message number>");
    Result<std::optional<explorer::JournalEntry>> e = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      e = journal_->message(seq);
    }
    if (!e.ok()) return json_error(500, e.error().message);
    if (!*e) return json_error(404, "no message " + std::to_string(seq));
    explorer::ExplainOptions o;
    o.viewer = explorer::Party::kMerchant;
    o.from = (*e)->from;
    o.to = (*e)->to;
    o.key = &explorer_key_;
    json j = explorer::explain((*e)->message, o);
    j["seq"] = seq;
    j["tx"] = (*e)->tx;
    return net::Response::json(200, j.dump());
  }

  // A refund (CredReq) of a captured order: `amount` minor units, by default all that was
  // captured and not yet refunded. Never above what is left: that is checked here (409, nothing
  // sent) and again by the gateway. A retry is never a second refund: a CredReq of the order
  // still without answer is sent again first (the gateway answers it once), and a request_id
  // seen before gets its first answer, also after a restart (RefundRequests).
  net::Response refund(const json& body) {
    if (!body.contains("quote_id") || !body["quote_id"].is_string()) return json_error(400, "give {\"quote_id\": \"...\"}");
    const std::string quote_id = body["quote_id"].get<std::string>();
    std::optional<std::int64_t> asked;
    if (body.contains("amount") && !body["amount"].is_null()) {
      if (!body["amount"].is_number_integer() || body["amount"].get<std::int64_t>() <= 0)
        return json_error(400, "\"amount\" is a positive whole number of minor units (cents)");
      asked = body["amount"].get<std::int64_t>();
    }
    std::string request_key;
    if (body.contains("request_id")) {
      if (!body["request_id"].is_string() || body["request_id"].get<std::string>().empty() ||
          body["request_id"].get<std::string>().size() > 100)
        return json_error(400, "\"request_id\" is a string of 1 to 100 characters");
      request_key = quote_id + "/" + body["request_id"].get<std::string>();
    }
    std::lock_guard order_lock(capture_mu_[std::hash<std::string>{}(quote_id) % capture_mu_.size()]);
    std::optional<RefundRequest> earlier;
    if (!request_key.empty()) {
      Result<std::optional<RefundRequest>> seen = Error(Errc::kIo, "");
      {
        std::lock_guard lock(mu_);
        seen = refund_requests_->find(request_key);
      }
      if (!seen.ok()) return json_error(500, seen.error().message);
      if (*seen && (*seen)->answer) {
        json j = json::parse(*(*seen)->answer, nullptr, false);
        if (j.is_discarded()) return json_error(500, "the recorded answer to refund request " + request_key + " is unreadable");
        j["repeated"] = true;
        j["message"] = "this refund request was done before: nothing more was refunded";
        return net::Response::json(200, j.dump());
      }
      earlier = std::move(*seen);
    }
    Result<std::pair<std::string, roles::purchase::OrderView>> set = Error(Errc::kIo, "");
    {
      std::lock_guard store_lock(store_mu_);
      set = set_order(quote_id);
    }
    if (!set.ok()) return json_error(404, set.error().message);
    const std::string order_id = set->first;
    Result<Answer> pending = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      pending = merchant_->pending_credits(order_id);
    }
    if (!pending.ok()) return json_error(500, pending.error().message);
    if (!pending->send.empty()) {
      auto driven = drive(std::move(*pending), order_id);
      if (!driven.ok()) return json_error(503, driven.error().message + "; an earlier refund is waiting for its answer: send the same request again later");
      if (!earlier) {
        std::lock_guard store_lock(store_mu_);
        json j = order_json(quote_id);
        j["message"] = "an earlier refund had no answer from the gateway: it was sent again and is now recorded "
                       "(nothing was refunded twice); ask again if you meant another refund";
        return net::Response::json(200, j.dump());
      }
      std::lock_guard store_lock(store_mu_);
      set = set_order(quote_id);
      if (!set.ok()) return json_error(404, set.error().message);
    }
    const auto& v = set->second;
    const std::int64_t before = v.refunded ? v.refunded->amount : 0;
    if (earlier) {
      // This request_id was sent before and its answer never reached the back office. The
      // refund is in the order once the order's refunded total covers it: then that is the
      // answer. Otherwise the earlier attempt refunded nothing and this one starts afresh.
      if (v.captured && before >= earlier->refunded_before + earlier->amount) {
        const roles::Money done{v.captured->currency, earlier->amount, v.captured->amt_exp10};
        json j;
        {
          std::lock_guard store_lock(store_mu_);
          j = order_json(quote_id);
        }
        j["refund"] = money_json(done);
        j["message"] = "refunded " + roles::format_amount(done) + " (the answer to the first try was lost; nothing was refunded twice)";
        Status saved = Ok{};
        {
          std::lock_guard lock(mu_);
          saved = refund_requests_->answer(request_key, j.dump());
        }
        if (!saved.ok() && ctx_.log) ctx_.log->warn("refund_request_not_saved", {{"error", saved.error().message}});
        return net::Response::json(200, j.dump());
      }
      std::lock_guard lock(mu_);
      Status forgot = refund_requests_->forget(request_key);
      if (!forgot.ok()) return json_error(500, forgot.error().message);
    }
    if (!v.captured || (v.state != roles::purchase::OrderState::kCaptured && v.state != roles::purchase::OrderState::kRefunded))
      return json_error(409, "order " + quote_id + " is " + std::string(roles::purchase::to_string(v.state)) +
                                 ": only a captured order can be refunded (nothing was sent)");
    const roles::Money captured = *v.captured;
    const std::int64_t left = captured.amount - before;
    auto with = [&](std::int64_t minor) { return roles::Money{captured.currency, minor, captured.amt_exp10}; };
    if (left <= 0)
      return json_error(409, "order " + quote_id + " is refunded in full already (" + roles::format_amount(with(before)) +
                                 " of " + roles::format_amount(captured) + "); nothing was sent");
    const std::int64_t amount = asked.value_or(left);
    if (amount > left)
      return json_error(409, roles::format_amount(with(amount)) + " is more than the " + roles::format_amount(with(left)) +
                                 " that can still be refunded (captured " + roles::format_amount(captured) + ", refunded " +
                                 roles::format_amount(with(before)) + "); nothing was sent");
    Result<Answer> a = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      // The request is on record before the CredReq exists, in the same engine lock: a crash
      // after this leaves a row without answer, which the next try resolves (above).
      if (!request_key.empty()) {
        Status noted = refund_requests_->begin(request_key, RefundRequest{order_id, amount, before, std::nullopt});
        if (!noted.ok()) return json_error(500, noted.error().message + "; nothing was sent");
      }
      a = merchant_->credit(order_id, with(amount));
      if (!a.ok() && !request_key.empty()) (void)refund_requests_->forget(request_key);
    }
    if (!a.ok()) return json_error(409, a.error().message);
    auto driven = drive(std::move(*a), order_id);
    if (!driven.ok()) return json_error(503, driven.error().message + "; send the same request again later (the refund is made once)");
    json j;
    {
      std::lock_guard store_lock(store_mu_);
      j = order_json(quote_id);
    }
    const std::int64_t after = j.contains("refunded") ? j["refunded"]["amount"].get<std::int64_t>() : 0;
    if (after - before != amount) {
      if (!request_key.empty()) {
        std::lock_guard lock(mu_);
        (void)refund_requests_->forget(request_key);  // refused: the same request may be tried again
      }
      return json_error(409, "the payment gateway refused the refund of " + roles::format_amount(with(amount)) +
                                 " (refunded so far: " + roles::format_amount(with(after)) + ")");
    }
    j["refund"] = money_json(with(amount));
    j["message"] = "refunded " + roles::format_amount(with(amount));
    if (!request_key.empty()) {
      Status saved = Ok{};
      {
        std::lock_guard lock(mu_);
        saved = refund_requests_->answer(request_key, j.dump());
      }
      // The refund is made either way; without its answer on record a retry finds the order's
      // refunded total instead (above).
      if (!saved.ok() && ctx_.log) ctx_.log->warn("refund_request_not_saved", {{"error", saved.error().message}});
    }
    return net::Response::json(200, j.dump());
  }

  // The settlement report: every batch the merchant knows, with what the merchant recorded in it
  // (captures, capture reversals, credits, credit reversals), its totals per kind and, once the
  // gateway closed it, the net settled (BatchAdminRes SettlementInfo) and the gateway's totals.
  net::Response settlement() {
    Result<std::vector<roles::purchase::OrderView>> all = Error(Errc::kIo, "");
    Result<std::vector<std::int64_t>> ids = Error(Errc::kIo, "");
    {
      std::lock_guard lock(mu_);
      ids = merchant_->batches();
      all = merchant_->orders();
    }
    if (!ids.ok()) return json_error(500, ids.error().message);
    if (!all.ok()) return json_error(500, all.error().message);
    std::map<std::string, std::string> quote_of_xid;  // hex XID -> quote id
    {
      std::lock_guard store_lock(store_mu_);
      for (const auto& o : *all) {
        auto q = store_->quote_for_payment(o.order_id);
        if (q.ok() && *q) quote_of_xid[to_hex(o.xid)] = **q;
      }
    }
    json out = json::array();
    for (std::int64_t b : *ids) {
      Result<std::optional<roles::purchase::MerchantBatchView>> view = Error(Errc::kIo, "");
      Result<std::vector<roles::BatchItem>> items = Error(Errc::kIo, "");
      {
        std::lock_guard lock(mu_);
        view = merchant_->batch(b);
        items = merchant_->batch_items(b);
      }
      if (!view.ok()) return json_error(500, view.error().message);
      if (!items.ok()) return json_error(500, items.error().message);
      json jb{{"batch_id", b}, {"state", *view && (*view)->closed ? "closed" : "open"}};
      json list = json::array();
      std::map<std::string, std::pair<std::int64_t, std::int64_t>> per_kind;  // kind -> count, amount
      for (const auto& i : *items) {
        const std::string kind(roles::batch_item_kind_name(i.kind));
        json ji{{"sequence", i.sequence}, {"kind", kind}, {"xid", i.xref}, {"amount", money_json(i.amount)}};
        auto q = quote_of_xid.find(i.xref);
        if (q != quote_of_xid.end()) ji["quote_id"] = q->second;
        list.push_back(std::move(ji));
        per_kind[kind].first += 1;
        per_kind[kind].second += i.amount.amount;
      }
      jb["items"] = std::move(list);
      json kinds = json::object();
      for (const auto& [kind, t] : per_kind) kinds[kind] = {{"count", t.first}, {"amount", t.second}};
      jb["by_kind"] = std::move(kinds);
      const roles::purchase::BatchTotalsView mine = roles::purchase::totals_of(*items);
      auto totals_json = [](const roles::purchase::BatchTotalsView& t) {
        return json{{"currency", t.currency}, {"count_debit", t.count_debit}, {"amount_debit", t.amount_debit},
                    {"count_credit", t.count_credit}, {"amount_credit", t.amount_credit}, {"net", t.net}};
      };
      jb["totals"] = totals_json(mine);
      jb["exp10"] = items->empty() ? store_->config().exp10 : items->front().amount.amt_exp10;
      if (*view) {
        const auto& v = **view;
        if (v.settled_net) jb["settled_net"] = *v.settled_net;
        if (v.gateway_totals) {
          jb["gateway_totals"] = totals_json(*v.gateway_totals);
          jb["reconciled"] = roles::purchase::reconcile_totals(mine, *v.gateway_totals).empty();
        }
        jb["updated_at"] = v.updated_at;
      }
      out.push_back(std::move(jb));
    }
    return net::Response::json(200, json{{"batches", out}}.dump());
  }

  ServiceContext ctx_;
  detail::RealWorld world_;
  Trust trust_;
  std::string brand_, payment_url_, admin_token_, wallet_url_;
  std::int64_t journal_keep_seconds_ = 90 * 86400;  // explorer_keep_days; 0: forever
  std::int64_t next_journal_prune_ = 0;              // under mu_
  std::optional<RefundRequests> refund_requests_;  // on the engine's connection: under mu_
  std::mutex mu_;        // the SET engine
  std::mutex store_mu_;  // the storefront (taken before mu_ when both are needed)
  std::array<std::mutex, 16> capture_mu_;  // per order (striped), taken before the others
  std::unique_ptr<roles::purchase::Merchant> merchant_;
  std::unique_ptr<roles::commerce::Storefront> store_;
  std::unique_ptr<PeerClient> gateway_;
  std::unique_ptr<RemoteCarrier> carrier_;
  roles::purchase::Credentials explorer_credentials_;
  seal::KeyHolder explorer_key_;  // points into explorer_credentials_
  std::unique_ptr<explorer::Journal> journal_;
  std::mutex resume_mu_;
  std::condition_variable resume_cv_;
  bool stopping_ = false;
  std::thread resume_;  // last: joined first
};

}  // namespace

Result<std::unique_ptr<Service>> open_merchant_service(const ServiceConfig& c, const ServiceContext& ctx) {
  auto s = std::make_unique<MerchantService>(c, ctx);
  OPENSET_CHECK(s->open(c));
  s->start_resume();
  return std::unique_ptr<Service>(std::move(s));
}

}  // namespace openset::services
