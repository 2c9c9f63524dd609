#include "openset/roles/commerce.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/base/bytes.hpp"

namespace openset::roles::commerce {

namespace {

using nlohmann::json;

constexpr std::int64_t kQuoteValidity = 30 * 60;  // a quote holds for 30 minutes

Error invalid(std::string msg) { return Error(Errc::kInvalidArgument, std::move(msg)); }

// "2026-12-01T09:00:00Z" (the only form accepted: UTC, seconds, 'Z').
Result<std::int64_t> parse_time(const std::string& s) {
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (i >= s.size() || std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  der::Time t;
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z' || !digits(0, 4, t.year) || !digits(5, 2, t.month) ||
      !digits(8, 2, t.day) || !digits(11, 2, t.hour) || !digits(14, 2, t.minute) ||
      !digits(17, 2, t.second) || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
      t.hour > 23 || t.minute > 59 || t.second > 59)
    return invalid("time \"" + s + "\" is not of the form YYYY-MM-DDTHH:MM:SSZ");
  std::int64_t unix = t.to_unix();
  if (der::Time::from_unix(unix) != t) return invalid("time \"" + s + "\" is not a real date");
  return unix;
}

std::string iso(std::int64_t t) { return der::Time::from_unix(t).to_iso8601(); }

// Reads a field of the expected JSON type or explains which one is wrong.
template <class T>
Result<T> field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return invalid(std::string("missing field \"") + name + "\"");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return invalid(std::string("field \"") + name + "\" has the wrong type");
  }
}

Result<json> parse_json(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid("not a JSON object");
  auto fmt = j.find("format");
  if (fmt == j.end() || !fmt->is_string() || fmt->get<std::string>() != kFormat)
    return invalid(std::string("\"format\" must be \"") + std::string(kFormat) + "\"");
  return j;
}

std::string trim(std::string s) {
  auto sp = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && sp(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && sp(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

json amount_json(const Money& m) {
  return json{{"currency", m.currency}, {"amount", m.amount}, {"exp10", m.amt_exp10}};
}

// The quote's content that OD covers (everything the cardholder agrees to pay for).
json od_json(const Quote& q) {
  json lines = json::array();
  for (const auto& l : q.lines)
    lines.push_back({{"sku", l.sku}, {"name", l.name}, {"quantity", l.quantity},
                     {"unit_price", l.unit_price}, {"line_total", l.line_total}});
  return json{{"format", kFormat},
              {"quote_id", q.quote_id},
              {"store", q.store},
              {"store_name", q.store_name},
              {"lines", lines},
              {"delivery", {{"method", q.delivery.id}, {"name", q.delivery.name},
                            {"fee", q.delivery.fee}, {"at", iso(q.delivery_at)},
                            {"place", q.delivery_place}}},
              {"amount", amount_json(q.amount)}};
}

std::string hex_id(Randomness& r, std::string_view prefix, std::size_t n) {
  return std::string(prefix) + to_hex(r.bytes(n));
}

const char* state_text(OrderState s) {
  switch (s) {
    case OrderState::kQuoted: return "quoted";
    case OrderState::kAccepted: return "accepted";
    case OrderState::kPaid: return "paid";
    case OrderState::kShipped: return "shipped";
    case OrderState::kDelivered: return "delivered";
    case OrderState::kCancelled: return "cancelled";
  }
  return "unknown";
}

Result<OrderState> parse_state(const std::string& s) {
  for (OrderState st : {OrderState::kQuoted, OrderState::kAccepted, OrderState::kPaid,
                        OrderState::kShipped, OrderState::kDelivered, OrderState::kCancelled})
    if (s == state_text(st)) return st;
  return Error(Errc::kMalformed, "unknown order state in the store's database");
}

const char* parcel_text(ParcelState s) {
  switch (s) {
    case ParcelState::kHandedOver: return "handed-over";
    case ParcelState::kInTransit: return "in-transit";
    case ParcelState::kDelivered: return "delivered";
  }
  return "unknown";
}

}  // namespace

std::string_view order_state_name(OrderState s) { return state_text(s); }
std::string_view parcel_state_name(ParcelState s) { return parcel_text(s); }


// ---- documents ---------------------------------------------------------------------------

Result<OrderForm> OrderForm::from_json(std::string_view text) {
  OPENSET_TRY(json j, parse_json(text));
  OrderForm f;
  OPENSET_TRY(f.store, field<std::string>(j, "store"));
  auto lines = j.find("lines");
  if (lines == j.end() || !lines->is_array()) return invalid("\"lines\" must be an array");
  if (lines->size() > kMaxLines) return invalid(fmt::format("at most {} lines", kMaxLines));
  for (const auto& l : *lines) {
    if (!l.is_object()) return invalid("each line must be an object {sku, quantity}");
    FormLine fl;
    OPENSET_TRY(fl.sku, field<std::string>(l, "sku"));
    OPENSET_TRY(fl.quantity, field<std::int64_t>(l, "quantity"));
    f.lines.push_back(std::move(fl));
  }
  OPENSET_TRY(std::string at, field<std::string>(j, "delivery_at"));
  OPENSET_TRY(f.delivery_at, parse_time(at));
  OPENSET_TRY(f.delivery_place, field<std::string>(j, "delivery_place"));
  if (j.contains("delivery_method")) {
    OPENSET_TRY(f.delivery_method, field<std::string>(j, "delivery_method"));
  }
  return f;
}

std::string OrderForm::to_json() const {
  json rows = json::array();
  for (const auto& l : lines) rows.push_back({{"sku", l.sku}, {"quantity", l.quantity}});
  json j{{"format", kFormat}, {"store", store}, {"lines", rows},
         {"delivery_at", iso(delivery_at)}, {"delivery_place", delivery_place}};
  if (!delivery_method.empty()) j["delivery_method"] = delivery_method;
  return j.dump(2);
}

std::string Quote::to_json() const {
  json j = od_json(*this);
  j["changes"] = changes;
  j["issued_at"] = iso(issued_at);
  j["valid_until"] = iso(valid_until);
  return j.dump(2);
}

Result<Quote> Quote::from_json(std::string_view text) {
  OPENSET_TRY(json j, parse_json(text));
  Quote q;
  try {
    q.quote_id = j.at("quote_id").get<std::string>();
    q.store = j.at("store").get<std::string>();
    q.store_name = j.at("store_name").get<std::string>();
    for (const auto& l : j.at("lines"))
      q.lines.push_back(QuoteLine{l.at("sku").get<std::string>(), l.at("name").get<std::string>(),
                                  l.at("quantity").get<std::int64_t>(),
                                  l.at("unit_price").get<std::int64_t>(),
                                  l.at("line_total").get<std::int64_t>()});
    const json& d = j.at("delivery");
    q.delivery.id = d.at("method").get<std::string>();
    q.delivery.name = d.at("name").get<std::string>();
    q.delivery.fee = d.at("fee").get<std::int64_t>();
    q.delivery_place = d.at("place").get<std::string>();
    OPENSET_TRY(q.delivery_at, parse_time(d.at("at").get<std::string>()));
    const json& a = j.at("amount");
    q.amount.currency = a.at("currency").get<std::int64_t>();
    q.amount.amount = a.at("amount").get<std::int64_t>();
    q.amount.amt_exp10 = a.at("exp10").get<std::int64_t>();
    if (j.contains("changes")) q.changes = j.at("changes").get<std::vector<std::string>>();
    if (j.contains("issued_at")) {
      OPENSET_TRY(q.issued_at, parse_time(j.at("issued_at").get<std::string>()));
    }
    if (j.contains("valid_until")) {
      OPENSET_TRY(q.valid_until, parse_time(j.at("valid_until").get<std::string>()));
    }
  } catch (const json::exception& e) {
    return invalid(std::string("quote: ") + e.what());
  }
  return q;
}

Bytes Quote::order_description() const {
  std::string s = od_json(*this).dump();  // sorted keys, no whitespace: canonical
  return Bytes(s.begin(), s.end());
}

std::string Quote::summary() const {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += ", ";
    s += fmt::format("{} x {}", l.quantity, l.name);
  }
  return s;
}

// ---- the storefront ----------------------------------------------------------------------

Result<Storefront> Storefront::open(const std::string& db_path, StoreConfig config) {
  if (config.catalog.empty() || config.delivery.empty())
    return invalid("a store needs a catalog and at least one delivery method");
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(
      "CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, quantity INTEGER NOT NULL "
      "CHECK (quantity >= 0));"
      "CREATE TABLE IF NOT EXISTS orders (quote_id TEXT PRIMARY KEY, quote TEXT NOT NULL, "
      "state TEXT NOT NULL, xid BLOB, carrier TEXT, tracking TEXT, shipped_at INTEGER, "
      "created_at INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS payment_refs (quote_id TEXT PRIMARY KEY REFERENCES orders(quote_id), "
      "order_ref TEXT NOT NULL UNIQUE);"));
  OPENSET_TRY(store::Transaction tx, db.begin());
  for (const auto& item : config.catalog) {
    OPENSET_TRY(store::Statement st,
                db.prepare("INSERT OR IGNORE INTO stock (sku, quantity) VALUES (?, ?)"));
    OPENSET_CHECK(st.bind(1, item.sku).bind(2, item.stock).run());
  }
  OPENSET_CHECK(tx.commit());
  return Storefront(std::move(db), std::move(config));
}

std::vector<FormProblem> Storefront::check(const Env& env, const OrderForm& form) const {
  std::vector<FormProblem> p;
  if (form.store != config_.merchant_id)
    p.push_back({"store", "this form is for another store (\"" + form.store + "\")"});
  if (form.lines.empty()) p.push_back({"lines", "add at least one item"});
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < form.lines.size(); ++i) {
    const auto& l = form.lines[i];
    std::string where = fmt::format("lines[{}]", i);
    auto it = std::find_if(config_.catalog.begin(), config_.catalog.end(),
                           [&](const CatalogItem& c) { return c.sku == l.sku; });
    if (it == config_.catalog.end())
      p.push_back({where + ".sku", "unknown item \"" + l.sku + "\": pick one from the catalog"});
    if (++seen[l.sku] > 1) p.push_back({where + ".sku", "item listed twice: merge the lines"});
    if (l.quantity <= 0)
      p.push_back({where + ".quantity", "quantity must be at least 1"});
    else if (l.quantity > kMaxQuantity)
      p.push_back({where + ".quantity", fmt::format("at most {} of one item", kMaxQuantity)});
  }
  if (form.delivery_at <= env.now())
    p.push_back({"delivery_at", "the delivery time is in the past: choose a later time"});
  else if (form.delivery_at > env.now() + kMaxDaysAhead * 86400)
    p.push_back({"delivery_at", fmt::format("deliveries are planned at most {} days ahead",
                                            kMaxDaysAhead)});
  std::string place = trim(form.delivery_place);
  if (place.empty()) p.push_back({"delivery_place", "say where to deliver"});
  else if (place.size() > kMaxPlace)
    p.push_back({"delivery_place", fmt::format("at most {} characters", kMaxPlace)});
  if (!form.delivery_method.empty() &&
      std::none_of(config_.delivery.begin(), config_.delivery.end(),
                   [&](const DeliveryMethod& d) { return d.id == form.delivery_method; }))
    p.push_back({"delivery_method", "unknown delivery method \"" + form.delivery_method + "\""});
  return p;
}

Result<std::int64_t> Storefront::stock(std::string_view sku) {
  OPENSET_TRY(store::Statement st, db_.prepare("SELECT quantity FROM stock WHERE sku = ?"));
  st.bind(1, sku);
  OPENSET_TRY(bool row, st.step());
  if (!row) return invalid("unknown item \"" + std::string(sku) + "\"");
  return st.column_int64(0);
}

Result<Quote> Storefront::quote(const Env& env, const OrderForm& form,
                                std::vector<FormProblem>* problems) {
  std::vector<FormProblem> found = check(env, form);
  if (!found.empty()) {
    std::string text = "the order form needs changes:";
    for (const auto& f : found) text += " " + f.field + ": " + f.message + ";";
    text.pop_back();
    if (problems != nullptr) *problems = found;
    return invalid(text);
  }
  Quote q;
  q.store = config_.merchant_id;
  q.store_name = config_.name;
  std::int64_t goods = 0;
  for (const auto& l : form.lines) {
    const auto& item = *std::find_if(config_.catalog.begin(), config_.catalog.end(),
                                     [&](const CatalogItem& c) { return c.sku == l.sku; });
    OPENSET_TRY(std::int64_t available, stock(l.sku));
    std::int64_t qty = std::min(l.quantity, available);
    if (qty < l.quantity)
      q.changes.push_back(qty == 0 ? fmt::format("{}: out of stock, removed", item.name)
                                   : fmt::format("{}: only {} in stock, quantity reduced from {}",
                                                 item.name, qty, l.quantity));
    if (qty == 0) continue;
    q.lines.push_back(QuoteLine{item.sku, item.name, qty, item.unit_price, qty * item.unit_price});
    goods += qty * item.unit_price;
  }
  if (q.lines.empty()) {
    if (problems != nullptr) *problems = {{"lines", "none of these items is in stock"}};
    return invalid("the order form needs changes: lines: none of these items is in stock");
  }
  // Delivery: the method asked for, else the cheapest; never earlier than the method allows.
  std::vector<DeliveryMethod> methods = config_.delivery;
  std::sort(methods.begin(), methods.end(),
            [](const DeliveryMethod& a, const DeliveryMethod& b) { return a.fee < b.fee; });
  q.delivery = methods.front();
  for (const auto& d : methods)
    if (d.id == form.delivery_method) q.delivery = d;
  q.delivery_at = form.delivery_at;
  std::int64_t earliest = env.now() + q.delivery.min_hours * 3600;
  if (q.delivery_at < earliest) {
    q.delivery_at = earliest;
    q.changes.push_back(fmt::format("delivery by {} cannot arrive before {}: moved", q.delivery.name,
                                    iso(earliest)));
  }
  q.delivery_place = trim(form.delivery_place);
  q.amount = Money{config_.currency, goods + q.delivery.fee, config_.exp10};
  q.issued_at = env.now();
  q.valid_until = env.now() + kQuoteValidity;
  q.quote_id = hex_id(env.random, "Q-", 6);

  OPENSET_TRY(store::Statement st,
              db_.prepare("INSERT INTO orders (quote_id, quote, state, created_at) "
                          "VALUES (?, ?, 'quoted', ?)"));
  OPENSET_CHECK(st.bind(1, q.quote_id).bind(2, q.to_json()).bind(3, env.now()).run());
  return q;
}

Result<StoreOrder> Storefront::order(std::string_view quote_id) {
  OPENSET_TRY(store::Statement st,
              db_.prepare("SELECT quote, state, xid, carrier, tracking, shipped_at FROM orders "
                          "WHERE quote_id = ?"));
  st.bind(1, quote_id);
  OPENSET_TRY(bool row, st.step());
  if (!row) return invalid("no order \"" + std::string(quote_id) + "\" at this store");
  StoreOrder o;
  o.quote_id = std::string(quote_id);
  OPENSET_TRY(o.quote, Quote::from_json(st.column_text(0)));
  OPENSET_TRY(o.state, parse_state(st.column_text(1)));
  if (!st.column_is_null(2)) o.xid = st.column_blob(2);
  if (!st.column_is_null(4))
    o.shipment = Shipment{st.column_text(3), st.column_text(4), st.column_int64(5)};
  return o;
}

Result<std::vector<StoreOrder>> Storefront::orders() {
  OPENSET_TRY(store::Statement st, db_.prepare("SELECT quote_id FROM orders ORDER BY created_at, quote_id"));
  std::vector<std::string> ids;
  for (;;) {
    OPENSET_TRY(bool row, st.step());
    if (!row) break;
    ids.push_back(st.column_text(0));
  }
  std::vector<StoreOrder> out;
  for (const auto& id : ids) {
    OPENSET_TRY(StoreOrder o, order(id));
    out.push_back(std::move(o));
  }
  return out;
}

Result<Quote> Storefront::accept(const Env& env, std::string_view quote_id) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(StoreOrder o, order(quote_id));
  if (o.state != OrderState::kQuoted)
    return invalid("quote " + o.quote_id + " was already " + std::string(state_text(o.state)));
  if (env.now() > o.quote.valid_until)
    return invalid("quote " + o.quote_id + " has expired: ask for a new quote");
  for (const auto& l : o.quote.lines) {
    OPENSET_TRY(store::Statement st,
                db_.prepare("UPDATE stock SET quantity = quantity - ? WHERE sku = ? AND quantity >= ? RETURNING sku"));
    OPENSET_TRY(bool row, st.bind(1, l.quantity).bind(2, l.sku).bind(3, l.quantity).step());
    if (!row)
      return invalid(l.name + " is no longer in stock in that quantity: ask for a new quote");
  }
  OPENSET_TRY(store::Statement up,
              db_.prepare("UPDATE orders SET state = 'accepted' WHERE quote_id = ?"));
  OPENSET_CHECK(up.bind(1, quote_id).run());
  OPENSET_CHECK(tx.commit());
  return o.quote;
}

Status Storefront::cancel(std::string_view quote_id) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(StoreOrder o, order(quote_id));
  if (o.state == OrderState::kCancelled) return Ok{};
  if (o.state != OrderState::kQuoted && o.state != OrderState::kAccepted)
    return invalid("order " + o.quote_id + " is " + std::string(state_text(o.state)) +
                   ": a paid order is refunded, not cancelled");
  if (o.state == OrderState::kAccepted) {
    for (const auto& l : o.quote.lines) {
      OPENSET_TRY(store::Statement st,
                  db_.prepare("UPDATE stock SET quantity = quantity + ? WHERE sku = ?"));
      OPENSET_CHECK(st.bind(1, l.quantity).bind(2, l.sku).run());
    }
  }
  OPENSET_TRY(store::Statement up,
              db_.prepare("UPDATE orders SET state = 'cancelled' WHERE quote_id = ?"));
  OPENSET_CHECK(up.bind(1, quote_id).run());
  return tx.commit();
}

Status Storefront::mark_paid(std::string_view quote_id, ByteView xid) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(StoreOrder o, order(quote_id));
  if (o.state == OrderState::kPaid && o.xid && *o.xid == Bytes(xid.begin(), xid.end())) return Ok{};
  if (o.state != OrderState::kAccepted)
    return invalid("order " + o.quote_id + " is " + std::string(state_text(o.state)) +
                   ", not awaiting payment");
  OPENSET_TRY(store::Statement up,
              db_.prepare("UPDATE orders SET state = 'paid', xid = ? WHERE quote_id = ?"));
  OPENSET_CHECK(up.bind(1, xid).bind(2, quote_id).run());
  return tx.commit();
}

Result<Shipment> Storefront::ship(const Env& env, std::string_view quote_id, Shipper& carrier) {
  OPENSET_TRY(StoreOrder o, order(quote_id));
  if (o.state == OrderState::kShipped && o.shipment) return *o.shipment;
  if (o.state != OrderState::kPaid)
    return invalid("order " + o.quote_id + " is " + std::string(state_text(o.state)) +
                   ": only a paid order ships");
  // The carrier's hand-over is idempotent on (sender, reference), so a crash between the two
  // writes is repaired by shipping again.
  OPENSET_TRY(Parcel p, carrier.hand_over(env, config_.merchant_id, o.quote_id,
                                          o.quote.delivery_place, o.quote.delivery_at));
  Shipment s{carrier.name(), p.tracking_number, env.now()};
  OPENSET_TRY(store::Statement up,
              db_.prepare("UPDATE orders SET state = 'shipped', carrier = ?, tracking = ?, "
                          "shipped_at = ? WHERE quote_id = ? AND state = 'paid'"));
  OPENSET_CHECK(up.bind(1, s.carrier).bind(2, s.tracking_number).bind(3, s.handed_over_at)
                    .bind(4, quote_id).run());
  return s;
}

Status Storefront::link_payment(std::string_view quote_id, std::string_view order_ref) {
  OPENSET_TRY(std::optional<std::string> existing, payment_ref(quote_id));
  if (existing) {
    if (*existing == order_ref) return Ok{};
    return invalid("quote " + std::string(quote_id) + " is already paid for by another order");
  }
  OPENSET_TRY(store::Statement st, db_.prepare("INSERT INTO payment_refs (quote_id, order_ref) VALUES (?, ?)"));
  return st.bind(1, quote_id).bind(2, order_ref).run();
}

namespace {
// The one text value `query` (with one parameter) selects, if any.
Result<std::optional<std::string>> text_of(store::Database& db, std::string_view query, std::string_view key) {
  OPENSET_TRY(store::Statement st, db.prepare(query));
  st.bind(1, key);
  OPENSET_TRY(bool row, st.step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.column_text(0));
}
}  // namespace

Result<std::optional<std::string>> Storefront::payment_ref(std::string_view quote_id) {
  return text_of(db_, "SELECT order_ref FROM payment_refs WHERE quote_id = ?", quote_id);
}

Result<std::optional<std::string>> Storefront::quote_for_payment(std::string_view order_ref) {
  return text_of(db_, "SELECT quote_id FROM payment_refs WHERE order_ref = ?", order_ref);
}

// ---- the carrier -------------------------------------------------------------------------

Result<Carrier> Carrier::open(const std::string& db_path, std::string name) {
  if (name.size() < 3) return invalid("a carrier's name has at least 3 letters");
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(
      "CREATE TABLE IF NOT EXISTS parcels (tracking TEXT PRIMARY KEY, sender TEXT NOT NULL, "
      "reference TEXT NOT NULL, destination TEXT NOT NULL, promised_at INTEGER NOT NULL, "
      "UNIQUE (sender, reference));"
      "CREATE TABLE IF NOT EXISTS events (tracking TEXT NOT NULL REFERENCES parcels(tracking), "
      "seq INTEGER NOT NULL, at INTEGER NOT NULL, state TEXT NOT NULL, place TEXT NOT NULL, "
      "PRIMARY KEY (tracking, seq));"));
  return Carrier(std::move(db), std::move(name));
}

Result<Parcel> Carrier::track(std::string_view tracking_number) {
  OPENSET_TRY(store::Statement st,
              db_.prepare("SELECT sender, reference, destination, promised_at FROM parcels "
                          "WHERE tracking = ?"));
  st.bind(1, tracking_number);
  OPENSET_TRY(bool row, st.step());
  if (!row) return invalid("no parcel with tracking number " + std::string(tracking_number));
  Parcel p;
  p.tracking_number = std::string(tracking_number);
  p.sender = st.column_text(0);
  p.reference = st.column_text(1);
  p.destination = st.column_text(2);
  p.promised_at = st.column_int64(3);
  OPENSET_TRY(store::Statement ev,
              db_.prepare("SELECT at, state, place FROM events WHERE tracking = ? ORDER BY seq"));
  ev.bind(1, tracking_number);
  for (;;) {
    OPENSET_TRY(bool more, ev.step());
    if (!more) break;
    TrackingEvent e;
    e.at = ev.column_int64(0);
    std::string s = ev.column_text(1);
    e.state = s == "delivered" ? ParcelState::kDelivered
              : s == "in-transit" ? ParcelState::kInTransit : ParcelState::kHandedOver;
    e.where = ev.column_text(2);
    p.events.push_back(std::move(e));
  }
  return p;
}

Result<Parcel> Carrier::hand_over(const Env& env, std::string_view sender,
                                  std::string_view reference, std::string_view destination,
                                  std::int64_t promised_at) {
  if (sender.empty() || reference.empty() || trim(std::string(destination)).empty())
    return invalid("a parcel needs a sender, a reference and a destination");
  OPENSET_TRY(store::Transaction tx, db_.begin());
  {
    OPENSET_TRY(store::Statement st,
                db_.prepare("SELECT tracking FROM parcels WHERE sender = ? AND reference = ?"));
    st.bind(1, sender).bind(2, reference);
    OPENSET_TRY(bool row, st.step());
    if (row) return track(st.column_text(0));  // the same parcel handed over again
  }
  std::string prefix;
  for (char c : name_)
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 && prefix.size() < 3)
      prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  while (prefix.size() < 3) prefix += 'X';
  std::string tracking;
  for (int attempt = 0; attempt < 8 && tracking.empty(); ++attempt) {
    std::string candidate = prefix;
    for (std::uint8_t b : env.random.bytes(10)) candidate += static_cast<char>('0' + b % 10);
    OPENSET_TRY(store::Statement st, db_.prepare("SELECT 1 FROM parcels WHERE tracking = ?"));
    st.bind(1, candidate);
    OPENSET_TRY(bool taken, st.step());
    if (!taken) tracking = candidate;
  }
  if (tracking.empty()) return Error(Errc::kIo, "could not allocate a tracking number");
  OPENSET_TRY(store::Statement ins,
              db_.prepare("INSERT INTO parcels (tracking, sender, reference, destination, "
                          "promised_at) VALUES (?, ?, ?, ?, ?)"));
  OPENSET_CHECK(ins.bind(1, tracking).bind(2, sender).bind(3, reference).bind(4, destination)
                    .bind(5, promised_at).run());
  OPENSET_TRY(store::Statement ev,
              db_.prepare("INSERT INTO events (tracking, seq, at, state, place) "
                          "VALUES (?, 0, ?, 'handed-over', ?)"));
  OPENSET_CHECK(ev.bind(1, tracking).bind(2, env.now()).bind(3, std::string(sender)).run());
  OPENSET_CHECK(tx.commit());
  return track(tracking);
}

Result<Parcel> Carrier::advance(const Env& env, std::string_view tracking_number, ParcelState to,
                                std::string_view where) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(Parcel p, track(tracking_number));
  if (static_cast<int>(to) <= static_cast<int>(p.state()))
    return invalid(fmt::format("parcel {} is already {}", p.tracking_number,
                               parcel_text(p.state())));
  OPENSET_TRY(store::Statement ev,
              db_.prepare("INSERT INTO events (tracking, seq, at, state, place) "
                          "VALUES (?, ?, ?, ?, ?)"));
  OPENSET_CHECK(ev.bind(1, tracking_number)
                    .bind(2, static_cast<std::int64_t>(p.events.size()))
                    .bind(3, env.now())
                    .bind(4, std::string_view(parcel_text(to)))
                    .bind(5, where)
                    .run());
  OPENSET_CHECK(tx.commit());
  return track(tracking_number);
}

}  // namespace openset::roles::commerce
