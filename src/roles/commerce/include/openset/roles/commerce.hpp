// Shopping and shipping: the parts of the seed's story that are not SET.
//
//   1. The cardholder fills an order form for one store (items and quantities, a delivery time
//      and a delivery place).
//   2. The merchant answers with a quote: unit prices, line totals, the amount payable and the
//      delivery method, or says what it changed (quantity cut to stock, delivery time moved).
//   3. The cardholder accepts the quote. The accepted quote's canonical JSON is the order
//      description OD whose digest the cardholder signs (HOD = DD{HODInput{OD, amount, ODSalt}},
//      notes §3.6): OD and amount are fixed before SET starts.
//   4. After authorization the merchant hands the goods to a carrier, which gives a tracking
//      number; the order's status shows the shipment.
//
// The exchange is JSON (docs/shopping.md describes every field). The storefront and the carrier
// are engines like the SET ones: state in their own SQLite database, time and randomness from
// the Env, every operation in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/roles/env.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::commerce {

// Format version of the order form, quote and OD documents.
inline constexpr std::string_view kFormat = "openset-shop/1";

// Limits a storefront applies to what a form may ask.
inline constexpr std::int64_t kMaxQuantity = 99;   // per line
inline constexpr std::size_t kMaxLines = 50;
inline constexpr std::size_t kMaxPlace = 200;      // characters
inline constexpr std::int64_t kMaxDaysAhead = 90;  // delivery no later than this

struct CatalogItem {
  std::string sku;
  std::string name;
  std::int64_t unit_price = 0;  // minor units of the store's currency
  std::int64_t stock = 0;
};

struct DeliveryMethod {
  std::string id;      // "courier", "post"
  std::string name;    // what the cardholder sees
  std::int64_t fee = 0;
  std::int64_t min_hours = 0;  // earliest delivery after the order, in hours
};

struct StoreConfig {
  std::string merchant_id;  // MerchantID (as in the merchant's certificate)
  std::string name;
  std::int64_t currency = 840;  // ISO 4217 numeric
  std::int64_t exp10 = -2;      // minor-unit exponent of the currency
  std::vector<CatalogItem> catalog;
  std::vector<DeliveryMethod> delivery;
};

// ---- documents ---------------------------------------------------------------------------

struct FormLine {
  std::string sku;
  std::int64_t quantity = 0;
};

// The cardholder's order form.
struct OrderForm {
  std::string store;             // merchant_id the form is for
  std::vector<FormLine> lines;
  std::int64_t delivery_at = 0;  // wished delivery time, Unix seconds
  std::string delivery_place;    // postal address
  std::string delivery_method;   // optional preference ("" = the store chooses)

  static Result<OrderForm> from_json(std::string_view text);
  std::string to_json() const;
};

// One field-level problem with a form (what issue 7's forms show next to the field).
struct FormProblem {
  std::string field;    // "lines[1].sku", "delivery_at", "delivery_place", ...
  std::string message;  // says what to do
};

struct QuoteLine {
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
};

// The merchant's answer.
struct Quote {
  std::string quote_id;
  std::string store;
  std::string store_name;
  std::vector<QuoteLine> lines;
  DeliveryMethod delivery;
  std::int64_t delivery_at = 0;
  std::string delivery_place;
  Money amount;                      // goods + delivery
  std::vector<std::string> changes;  // empty: exactly what was asked
  std::int64_t issued_at = 0;
  std::int64_t valid_until = 0;

  std::string to_json() const;
  static Result<Quote> from_json(std::string_view text);
  // The order description OD: the canonical JSON (sorted keys, no whitespace) of the quote's
  // content. Both sides compute it from the same quote; its bytes go into HODInput.od.
  Bytes order_description() const;
  // A short human summary ("2 x Applied Cryptography, 1 x ...") for logs and the wallet.
  std::string summary() const;
};

// ---- the storefront ----------------------------------------------------------------------

enum class OrderState { kQuoted, kAccepted, kPaid, kShipped, kDelivered, kCancelled };
std::string_view order_state_name(OrderState s);

struct Shipment {
  std::string carrier;
  std::string tracking_number;
  std::int64_t handed_over_at = 0;
};

struct StoreOrder {
  std::string quote_id;
  Quote quote;
  OrderState state = OrderState::kQuoted;
  std::optional<Bytes> xid;  // the SET transaction paying for it (set by mark_paid)
  std::optional<Shipment> shipment;
};

struct Parcel;

// Who takes the merchant's parcels: the Carrier engine in process, or a carrier service over the
// network (src/services). Hand-over is idempotent on (sender, reference).
class Shipper {
 public:
  virtual ~Shipper() = default;
  virtual const std::string& name() const = 0;
  virtual Result<Parcel> hand_over(const Env& env, std::string_view sender, std::string_view reference,
                                   std::string_view destination, std::int64_t promised_at) = 0;
};

class Storefront {
 public:
  static Result<Storefront> open(const std::string& db_path, StoreConfig config);

  const StoreConfig& config() const { return config_; }

  // Validates the form; refused forms leave nothing stored. Problems are listed field by field
  // (Error text joins them; `problems` receives them one by one).
  Result<Quote> quote(const Env& env, const OrderForm& form,
                      std::vector<FormProblem>* problems = nullptr);
  // The cardholder accepts: the quote must exist, still be valid and not accepted before; stock
  // is reserved. Returns the accepted quote (its OD and amount now fixed).
  Result<Quote> accept(const Env& env, std::string_view quote_id);
  // The payment was declined (or the cardholder gave up) before the order was paid: the order is
  // cancelled and its reserved stock returns to the shelf. Cancelling twice is a no-op.
  Status cancel(std::string_view quote_id);
  // SET authorization succeeded for this order (XID of the purchase).
  Status mark_paid(std::string_view quote_id, ByteView xid);
  // Hands the goods to the carrier; only a paid order ships, and only once.
  Result<Shipment> ship(const Env& env, std::string_view quote_id, Shipper& carrier);
  // The SET order (the merchant engine's order id, sent as LID-M) that pays for a quote: set once
  // when the quote is accepted for payment; setting it again to the same value is a no-op,
  // to another value kInvalidArgument.
  Status link_payment(std::string_view quote_id, std::string_view order_ref);
  Result<std::optional<std::string>> payment_ref(std::string_view quote_id);
  // The other way: the quote a SET order (its order ref) pays for; nullopt when none.
  Result<std::optional<std::string>> quote_for_payment(std::string_view order_ref);
  Result<StoreOrder> order(std::string_view quote_id);
  Result<std::vector<StoreOrder>> orders();
  // Current stock of an item.
  Result<std::int64_t> stock(std::string_view sku);

 private:
  Storefront(store::Database db, StoreConfig config)
      : db_(std::move(db)), config_(std::move(config)) {}
  std::vector<FormProblem> check(const Env& env, const OrderForm& form) const;
  store::Database db_;
  StoreConfig config_;
};

// ---- the carrier (the seed's logistics company) --------------------------------------------

enum class ParcelState { kHandedOver, kInTransit, kDelivered };
std::string_view parcel_state_name(ParcelState s);

struct TrackingEvent {
  std::int64_t at = 0;
  ParcelState state = ParcelState::kHandedOver;
  std::string where;
};

struct Parcel {
  std::string tracking_number;
  std::string sender;         // merchant id
  std::string reference;      // the sender's order reference
  std::string destination;
  std::int64_t promised_at = 0;
  std::vector<TrackingEvent> events;
  ParcelState state() const { return events.empty() ? ParcelState::kHandedOver : events.back().state; }
};

class Carrier final : public Shipper {
 public:
  static Result<Carrier> open(const std::string& db_path, std::string name);
  const std::string& name() const override { return name_; }

  // Takes a parcel; the tracking number is "<3 letters of the carrier>" + 10 digits from the
  // Env's randomness. The same (sender, reference) handed over twice returns the first parcel.
  Result<Parcel> hand_over(const Env& env, std::string_view sender, std::string_view reference,
                           std::string_view destination, std::int64_t promised_at) override;
  // Moves a parcel on (handed over -> in transit -> delivered); refuses going backwards.
  Result<Parcel> advance(const Env& env, std::string_view tracking_number, ParcelState to,
                         std::string_view where);
  Result<Parcel> track(std::string_view tracking_number);

 private:
  Carrier(store::Database db, std::string name) : db_(std::move(db)), name_(std::move(name)) {}
  store::Database db_;
  std::string name_;
};

// Amount text for people: "123.45 USD" (roles/common).
using roles::format_amount;

}  // namespace openset::roles::commerce
