// Shopping before SET and shipping after it: the order form, the merchant's quote (or what it
// changed), acceptance fixing OD and the amount, and the carrier's tracking.
#include "openset/roles/commerce.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "openset/test/tools.hpp"

namespace openset::roles::commerce {
namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // 2026-11-18T...Z
constexpr std::int64_t kDay = 86400;

StoreConfig bookshop() {
  StoreConfig c;
  c.merchant_id = "MER-0001";
  c.name = "Harbour Street Bookshop";
  c.catalog = {{"BK-APPLIED", "Applied Cryptography", 4995, 10},
               {"BK-SET", "SET: The Complete Guide", 2355, 1},
               {"BK-RARE", "First Edition", 90000, 0}};
  c.delivery = {{"post", "Standard post", 450, 48}, {"courier", "Courier", 1200, 4}};
  return c;
}

struct Shop : ::testing::Test {
  ManualClock clock{kNow};
  DeterministicRandomness random{42};
  Env env{clock, random};
  std::filesystem::path dir = test::temp_dir() /
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  Storefront store = [&] {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return std::move(Storefront::open((dir / "store.db").string(), bookshop())).value();
  }();
  Carrier carrier = std::move(Carrier::open((dir / "carrier.db").string(), "Swift Parcel")).value();

  OrderForm form(std::vector<FormLine> lines, std::int64_t at = kNow + 3 * kDay) {
    OrderForm f;
    f.store = "MER-0001";
    f.lines = std::move(lines);
    f.delivery_at = at;
    f.delivery_place = "12 Elm Road, Springfield";
    return f;
  }
};

TEST_F(Shop, QuoteAsAskedPricesEveryLineAndTheCheapestDelivery) {
  auto q = store.quote(env, form({{"BK-APPLIED", 2}, {"BK-SET", 1}}));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  ASSERT_EQ(q->lines.size(), 2u);
  EXPECT_EQ(q->lines[0].line_total, 2 * 4995);
  EXPECT_EQ(q->lines[1].unit_price, 2355);
  EXPECT_EQ(q->delivery.id, "post");
  EXPECT_EQ(q->amount, (Money{840, 2 * 4995 + 2355 + 450, -2}));
  EXPECT_EQ(format_amount(q->amount), "127.95 USD");
  EXPECT_TRUE(q->changes.empty());
  EXPECT_EQ(q->valid_until, kNow + 30 * 60);
  EXPECT_EQ(q->summary(), "2 x Applied Cryptography, 1 x SET: The Complete Guide");
  // OD is canonical: the quote read back from JSON gives the same bytes.
  auto back = Quote::from_json(q->to_json());
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->order_description(), q->order_description());
  Bytes od_bytes = q->order_description();
  std::string od(od_bytes.begin(), od_bytes.end());
  EXPECT_EQ(od.find('\n'), std::string::npos);
  EXPECT_NE(od.find("\"amount\":{\"amount\":12795,\"currency\":840,\"exp10\":-2}"), std::string::npos) << od;
  // Asking for the courier changes the fee and the amount.
  auto f = form({{"BK-APPLIED", 1}});
  f.delivery_method = "courier";
  auto c = store.quote(env, f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->delivery.id, "courier");
  EXPECT_EQ(c->amount.amount, 4995 + 1200);
}

TEST_F(Shop, BadFormsAreExplainedFieldByFieldAndNothingIsStored) {
  auto f = form({{"BK-NOPE", 1}, {"BK-APPLIED", 0}, {"BK-SET", 1000}, {"BK-APPLIED", 1}},
                kNow - 60);
  f.delivery_place = "   ";
  f.store = "MER-0002";
  f.delivery_method = "drone";
  std::vector<FormProblem> problems;
  auto q = store.quote(env, f, &problems);
  ASSERT_FALSE(q.ok());
  auto has = [&](std::string_view field, std::string_view words) {
    for (const auto& p : problems)
      if (p.field == field && p.message.find(words) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("store", "another store"));
  EXPECT_TRUE(has("lines[0].sku", "unknown item"));
  EXPECT_TRUE(has("lines[1].quantity", "at least 1"));
  EXPECT_TRUE(has("lines[2].quantity", "at most 99"));
  EXPECT_TRUE(has("lines[3].sku", "listed twice"));
  EXPECT_TRUE(has("delivery_at", "in the past"));
  EXPECT_TRUE(has("delivery_place", "where to deliver"));
  EXPECT_TRUE(has("delivery_method", "unknown delivery method"));
  EXPECT_NE(q.error().message.find("delivery_at"), std::string::npos);
  // Too far ahead and no lines at all.
  std::vector<FormProblem> p2;
  EXPECT_FALSE(store.quote(env, form({}, kNow + 200 * kDay), &p2).ok());
  EXPECT_EQ(p2.size(), 2u);
  EXPECT_TRUE(store.orders()->empty());
}

TEST_F(Shop, TheMerchantSaysWhatItChanged) {
  auto q = store.quote(env, form({{"BK-SET", 3}, {"BK-RARE", 1}, {"BK-APPLIED", 1}}, kNow + 3600));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  ASSERT_EQ(q->changes.size(), 3u);
  EXPECT_NE(q->changes[0].find("only 1 in stock"), std::string::npos);
  EXPECT_NE(q->changes[1].find("out of stock, removed"), std::string::npos);
  EXPECT_NE(q->changes[2].find("cannot arrive before"), std::string::npos);
  EXPECT_EQ(q->lines.size(), 2u);
  EXPECT_EQ(q->delivery_at, kNow + 48 * 3600);  // post needs 48 hours
  // Nothing orderable at all is refused.
  std::vector<FormProblem> problems;
  EXPECT_FALSE(store.quote(env, form({{"BK-RARE", 1}}), &problems).ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "lines");
}

TEST_F(Shop, AcceptanceReservesStockOnceAndQuotesExpire) {
  auto a = store.quote(env, form({{"BK-SET", 1}}));
  auto b = store.quote(env, form({{"BK-SET", 1}, {"BK-APPLIED", 2}}));
  ASSERT_TRUE(a.ok() && b.ok());
  auto accepted = store.accept(env, a->quote_id);
  ASSERT_TRUE(accepted.ok()) << accepted.error().to_string();
  EXPECT_EQ(accepted->order_description(), a->order_description());
  EXPECT_EQ(*store.stock("BK-SET"), 0);
  EXPECT_FALSE(store.accept(env, a->quote_id).ok());  // twice
  // b wanted the last copy too: refused, and its other line reserved nothing (one transaction).
  auto late = store.accept(env, b->quote_id);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("no longer in stock"), std::string::npos);
  EXPECT_EQ(*store.stock("BK-APPLIED"), 10);
  EXPECT_EQ(store.order(b->quote_id)->state, OrderState::kQuoted);
  // A quote older than 30 minutes cannot be accepted.
  auto c = store.quote(env, form({{"BK-APPLIED", 1}}));
  ASSERT_TRUE(c.ok());
  clock.advance(31 * 60);
  auto expired = store.accept(env, c->quote_id);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_FALSE(store.accept(env, "Q-unknown").ok());
}

TEST_F(Shop, APaymentRefLeadsBackToItsQuote) {
  auto a = store.quote(env, form({{"BK-APPLIED", 1}}));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(store.quote_for_payment("ORD-1")->has_value());
  ASSERT_TRUE(store.link_payment(a->quote_id, "ORD-1").ok());
  EXPECT_EQ(*store.payment_ref(a->quote_id), std::optional<std::string>("ORD-1"));
  EXPECT_EQ(*store.quote_for_payment("ORD-1"), std::optional<std::string>(a->quote_id));
  EXPECT_FALSE(store.link_payment(a->quote_id, "ORD-2").ok());
  EXPECT_FALSE(store.quote_for_payment("ORD-2")->has_value());
}

TEST_F(Shop, ADeclinedOrderIsCancelledAndItsStockReturns) {
  auto q = store.quote(env, form({{"BK-APPLIED", 3}, {"BK-SET", 1}}));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(store.accept(env, q->quote_id).ok());
  EXPECT_EQ(*store.stock("BK-APPLIED"), 7);
  EXPECT_EQ(*store.stock("BK-SET"), 0);
  ASSERT_TRUE(store.cancel(q->quote_id).ok());
  EXPECT_EQ(*store.stock("BK-APPLIED"), 10);
  EXPECT_EQ(*store.stock("BK-SET"), 1);
  EXPECT_EQ(store.order(q->quote_id)->state, OrderState::kCancelled);
  ASSERT_TRUE(store.cancel(q->quote_id).ok());  // twice: nothing more returns
  EXPECT_EQ(*store.stock("BK-APPLIED"), 10);
  EXPECT_FALSE(store.mark_paid(q->quote_id, Bytes(20, 1)).ok());
  // A paid order is not cancelled (it is refunded through SET).
  auto p = store.quote(env, form({{"BK-APPLIED", 1}}));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(store.accept(env, p->quote_id).ok());
  ASSERT_TRUE(store.mark_paid(p->quote_id, Bytes(20, 2)).ok());
  EXPECT_FALSE(store.cancel(p->quote_id).ok());
  EXPECT_EQ(*store.stock("BK-APPLIED"), 9);
}

TEST_F(Shop, OnlyAPaidOrderShipsOnceAndTheCarrierTracksIt) {
  auto q = store.quote(env, form({{"BK-APPLIED", 1}}));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(store.accept(env, q->quote_id).ok());
  EXPECT_FALSE(store.ship(env, q->quote_id, carrier).ok());  // not paid yet
  Bytes xid(20, 0xab);
  ASSERT_TRUE(store.mark_paid(q->quote_id, xid).ok());
  ASSERT_TRUE(store.mark_paid(q->quote_id, xid).ok());                 // the same payment again
  EXPECT_FALSE(store.mark_paid(q->quote_id, Bytes(20, 0xcd)).ok());    // another one
  clock.advance(3600);
  auto s = store.ship(env, q->quote_id, carrier);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->carrier, "Swift Parcel");
  ASSERT_EQ(s->tracking_number.size(), 13u);
  EXPECT_EQ(s->tracking_number.substr(0, 3), "SWI");
  EXPECT_EQ(s->handed_over_at, kNow + 3600);
  auto again = store.ship(env, q->quote_id, carrier);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tracking_number, s->tracking_number);
  auto o = store.order(q->quote_id);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->state, OrderState::kShipped);
  EXPECT_EQ(o->xid, xid);
  ASSERT_TRUE(o->shipment.has_value());
  EXPECT_EQ(o->shipment->tracking_number, s->tracking_number);

  auto p = carrier.track(s->tracking_number);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->state(), ParcelState::kHandedOver);
  EXPECT_EQ(p->destination, "12 Elm Road, Springfield");
  EXPECT_EQ(p->reference, q->quote_id);
  clock.advance(kDay);
  ASSERT_TRUE(carrier.advance(env, s->tracking_number, ParcelState::kInTransit, "Depot").ok());
  EXPECT_FALSE(carrier.advance(env, s->tracking_number, ParcelState::kHandedOver, "x").ok());
  auto d = carrier.advance(env, s->tracking_number, ParcelState::kDelivered, "Springfield");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->events.size(), 3u);
  EXPECT_EQ(d->events[2].at, kNow + 3600 + kDay);
  EXPECT_EQ(parcel_state_name(d->state()), "delivered");
  EXPECT_FALSE(carrier.track("SWI0000000000").ok());
}

TEST(ShopDocuments, OrderFormJsonIsStrict) {
  auto f = OrderForm::from_json(R"({"format":"openset-shop/1","store":"MER-0001",
      "lines":[{"sku":"BK-SET","quantity":2}],"delivery_at":"2026-12-01T09:00:00Z",
      "delivery_place":"12 Elm Road"})");
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_EQ(f->lines[0].quantity, 2);
  EXPECT_EQ(der::Time::from_unix(f->delivery_at).to_iso8601(), "2026-12-01T09:00:00Z");
  auto round = OrderForm::from_json(f->to_json());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->delivery_at, f->delivery_at);

  for (const char* bad : {
           R"({"store":"M","lines":[],"delivery_at":"2026-12-01T09:00:00Z","delivery_place":"x"})",
           R"({"format":"openset-shop/2","store":"M","lines":[],"delivery_at":"2026-12-01T09:00:00Z","delivery_place":"x"})",
           R"({"format":"openset-shop/1","store":"M","lines":[],"delivery_at":"2026-02-30T09:00:00Z","delivery_place":"x"})",
           R"({"format":"openset-shop/1","store":"M","lines":[],"delivery_at":"2026-12-01 09:00","delivery_place":"x"})",
           R"({"format":"openset-shop/1","store":"M","lines":[{"sku":"A","quantity":"2"}],"delivery_at":"2026-12-01T09:00:00Z","delivery_place":"x"})",
           R"({"format":"openset-shop/1","store":"M","lines":{},"delivery_at":"2026-12-01T09:00:00Z","delivery_place":"x"})",
           R"({"format":"openset-shop/1","store":"M","lines":[]})",
           "[1,2]", "not json", ""}) {
    EXPECT_FALSE(OrderForm::from_json(bad).ok()) << bad;
  }
}

TEST(ShopDocuments, AmountsAreWrittenForPeople) {
  EXPECT_EQ(format_amount(Money{840, 5, -2}), "0.05 USD");
  EXPECT_EQ(format_amount(Money{392, 1500, 0}), "1500 JPY");
  EXPECT_EQ(format_amount(Money{978, 123456, -2}), "1234.56 EUR");
  EXPECT_EQ(format_amount(Money{999, 1, 1}), "10 ISO4217:999");
}

}  // namespace
}  // namespace openset::roles::commerce
