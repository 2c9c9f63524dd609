// Batches (issue 5 item 9; notes §4.9): the gateway's batches of captures, capture reversals,
// credits and credit reversals; BatchAdminReq open / close (-> settlement between the banks) /
// status / list / purge; the daily settlement report; reconciliation of the merchant's records
// with what the acquirer settled. Each normal path and each refusal asserts the BAStatus (or
// CapCode / CapRevOrCredCode) and the ledgers before and after; the bank invariants are checked
// after every test (World's destructor).
#include <nlohmann/json.hpp>

#include "purchase_fixture.hpp"

namespace openset::roles::purchase::testing {
namespace {

using asn1::BAStatus;
using asn1::BatchOperation;
using asn1::CapCode;
using asn1::CapRevOrCredCode;
using asn1::TransmissionStatus;

class BatchTest : public PurchaseTest {
 protected:
  World::Run bought(std::int64_t cents) {
    World::Run r = w->purchase(usd(cents));
    EXPECT_FALSE(r.refused) << r.refused_by << ": " << r.detail;
    return r;
  }
  // Merchant -> gateway -> merchant; returns the request on the wire and keeps the answer.
  Bytes round(Result<Answer> req, Merchant* m = nullptr) {
    if (m == nullptr) m = w->merchant_engine.get();
    Answer a = must(std::move(req));
    Bytes wire = a.send.at(0).message;
    Answer g = w->to_gateway(wire);
    EXPECT_TRUE(g.ok()) << g.detail;
    if (g.ok() && !g.send.empty()) {
      last_answer = g.send.at(0).message;
      Answer r = m->handle(last_answer);
      EXPECT_TRUE(r.ok()) << r.detail;
    }
    return wire;
  }
  void capture(const std::string& order, std::optional<std::int64_t> batch = std::nullopt) {
    round(w->merchant_engine->capture({{order, std::nullopt, batch}}));
  }
  Bytes admin(std::optional<BatchOperation> op, std::optional<std::int64_t> batch = std::nullopt,
              bool summary = false, std::optional<asn1::ReturnTransactionDetail> detail = std::nullopt,
              Merchant* m = nullptr) {
    if (m == nullptr) m = w->merchant_engine.get();
    return round(m->batch_admin(BatchAdminRequest{"Atlas", batch, op, summary, detail}), m);
  }
  // BAStatus of the merchant's latest BatchAdminRes.
  std::int64_t last_status(Merchant* m = nullptr) {
    if (m == nullptr) m = w->merchant_engine.get();
    auto s = must(m->database().prepare(
        "SELECT COALESCE(ba_status, -1) FROM merchant_batch_admin ORDER BY created_at DESC, rowid DESC LIMIT 1"));
    EXPECT_TRUE(must(s.step()));
    return s.column_int64(0);
  }
  Bytes xid_of(const std::string& order) { return must(w->merchant_engine->order(order)).xid; }
  std::int64_t cap_code(const std::string& order) { return must(w->merchant_engine->order(order)).cap_code.value_or(-1); }
  std::int64_t last_adjustment_code() {
    auto s = must(w->merchant_engine->database().prepare(
        "SELECT code FROM merchant_adjustments ORDER BY created_at DESC, rowid DESC LIMIT 1"));
    EXPECT_TRUE(must(s.step()));
    return s.column_int64(0);
  }
  // Both banks' view of the merchant's money (USD, minor units).
  struct Books {
    std::int64_t unsettled, settled, due_from, acq_clearing, due_to, iss_clearing, owed;
    bool operator==(const Books&) const = default;
  };
  Books books() {
    auto bal = [](bank::Ledger& l, const std::string& a) { return must(l.balance(a)); };
    return Books{w->merchant_balance(),
                 must(w->acquirer->merchant_settled("MER-0001", 840)),
                 bal(w->acquirer->ledger(), "due-from:ISS-ATLAS:840"),
                 bal(w->acquirer->ledger(), "settlement:ISS-ATLAS:840"),
                 -bal(w->issuer->ledger(), "due-to:ACQ-HARBOUR:840"),
                 bal(w->issuer->ledger(), "settlement:ACQ-HARBOUR:840"),
                 w->position().owed};
  }
  std::int64_t entries() { return must(w->acquirer->ledger().entry_count()) + must(w->issuer->ledger().entry_count()); }
  // A second merchant of the same acquirer (another MerchantID) with its own engine.
  std::unique_ptr<Merchant> other_merchant() {
    using pki::CertType;
    auto s = w->suite->id;
    MerchantConfig mc;
    mc.credentials = Credentials{w->suite,
                                 key(s, "merchant-sig", false),
                                 w->h.ee(*w->h.atlas_mca, CertType::kMerchantSignature, "Atlas", "Other Shop",
                                         "merchant-sig", "MER-0002"),
                                 key(s, "merchant-kx", false),
                                 w->h.ee(*w->h.atlas_mca, CertType::kMerchantKeyExchange, "Atlas", "Other Shop",
                                         "merchant-kx", "MER-0002"),
                                 {w->h.atlas->certificate(), w->h.atlas_mca->certificate()}};
    mc.gateways = {w->route};
    mc.trust = w->trust(other_validator);
    return must(Merchant::open(test::test_db(w->dir, "merchant2"), std::move(mc), w->env));
  }
  // The day: three sales captured, one capture voided, one partial refund.
  struct Day {
    World::Run a, b, c;
  };
  Day a_day() {
    Day d{bought(5000), bought(3000), bought(2000)};
    round(w->merchant_engine->capture());
    EXPECT_EQ(cap_code(d.a.order_id), 0);
    round(w->merchant_engine->reverse_capture(d.c.order_id));
    EXPECT_EQ(last_adjustment_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
    round(w->merchant_engine->credit(d.a.order_id, usd(1000)));
    EXPECT_EQ(last_adjustment_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
    return d;
  }
  std::unique_ptr<pki::PathValidator> other_validator;
  Bytes last_answer;
};

// ---- the day's batch, closed and settled --------------------------------------------------------

TEST_P(BatchTest, ClosingTheDaysBatchSettlesItsNetBetweenTheBanks) {
  w->start();
  a_day();
  // Every item went to the merchant's batch 1, opened by the first capture.
  auto items = must(w->merchant_engine->batch_items(1));
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].kind, BatchItemKind::kCapture);
  EXPECT_EQ(items[3].kind, BatchItemKind::kCaptureReversal);
  EXPECT_EQ(items[4].kind, BatchItemKind::kCredit);
  for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(items[i].sequence, static_cast<std::int64_t>(i + 1));
  BatchTotalsView mine = must(w->merchant_engine->batch_totals(1));
  EXPECT_EQ(mine, (BatchTotalsView{840, 3, 10000, 2, 3000, 7000}));
  // Before the close: 70.00 owed to the merchant, unsettled; the issuer owes it to the acquirer.
  EXPECT_EQ(books(), (Books{7000, 0, 7000, 0, 7000, 0, 7000}));
  EXPECT_EQ(must(w->merchant_engine->batches()), std::vector<std::int64_t>{1});
  EXPECT_EQ(must(w->merchant_engine->open_batches()), std::vector<std::int64_t>{1});

  admin(BatchOperation::kClose, 1);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto view = must(w->merchant_engine->batch(1));
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->closed);
  EXPECT_EQ(view->transmission_status, TransmissionStatus::kCompletedSuccessfully);
  EXPECT_EQ(view->settled_net, 7000);
  ASSERT_TRUE(view->gateway_totals.has_value());
  EXPECT_EQ(*view->gateway_totals, mine);
  EXPECT_TRUE(reconcile_totals(mine, *view->gateway_totals).empty());
  // After: the merchant is credited exactly the net, the issuer cleared it with the acquirer.
  EXPECT_EQ(books(), (Books{0, 7000, 0, 7000, 0, -7000, 7000}));
  EXPECT_EQ(must(w->gateway_engine->batch(1))->state, "closed");
  // The closed batch is still listed (the settlement report), no longer open.
  EXPECT_EQ(must(w->merchant_engine->batches()), std::vector<std::int64_t>{1});
  EXPECT_TRUE(must(w->merchant_engine->open_batches()).empty());
  // What the acquirer settled is what the merchant recorded.
  auto settled = must(w->acquirer->settled_items("MER-0001", "1"));
  EXPECT_EQ(settled.size(), 5u);
  EXPECT_TRUE(reconcile(items, settled).empty());
}

TEST_P(BatchTest, TheDailyReportListsCapturesReversalsAndCreditsWithTheirBatch) {
  w->start();
  Day d = a_day();
  admin(BatchOperation::kClose);  // the open batch
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto rep = must(w->acquirer->settlement_report("MER-0001", "2026-02-01"));
  ASSERT_EQ(rep.items.size(), 5u);
  EXPECT_EQ(rep.items[3].kind, BatchItemKind::kCaptureReversal);
  EXPECT_EQ(rep.items[4].kind, BatchItemKind::kCredit);
  for (const auto& i : rep.items) EXPECT_EQ(i.batch, "1");
  // The reference starts with the transaction's XID.
  EXPECT_EQ(rep.items[0].reference.rfind(hex(xid_of(d.a.order_id)), 0), 0u);
  const auto& sum = rep.summary.at(840);
  EXPECT_EQ(sum.captures, 10000);
  EXPECT_EQ(sum.capture_reversals, 2000);
  EXPECT_EQ(sum.credits, 1000);
  EXPECT_EQ(sum.credit_reversals, 0);
  EXPECT_EQ(sum.net, 7000);
  EXPECT_EQ(sum.settled, 7000);
  // Captures not voided, as before.
  EXPECT_EQ(rep.lines.size(), 2u);
  EXPECT_EQ(rep.total, 8000);

  std::string csv = bank::settlement_csv(rep);
  EXPECT_EQ(csv.rfind("merchant_id,day,type,batch,id,original_id,reference,currency,amount,amount_minor,at\r\n", 0), 0u);
  EXPECT_NE(csv.find("MER-0001,2026-02-01,capture,1," + rep.items[0].id + ","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",capture-reversal,1," + rep.items[3].id + "," + rep.items[2].id + ","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",USD,-10.00,-1000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("MER-0001,2026-02-01,CAPTURES,,,,,USD,100.00,10000,\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("MER-0001,2026-02-01,CREDITS,,,,,USD,-10.00,-1000,\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("MER-0001,2026-02-01,TOTAL,,,,,USD,70.00,7000,\r\n"), std::string::npos) << csv;
  auto j = nlohmann::json::parse(bank::settlement_json(rep));
  ASSERT_EQ(j["items"].size(), 5u);
  EXPECT_EQ(j["items"][4]["type"], "credit");
  EXPECT_EQ(j["items"][4]["amount_minor"], -1000);
  EXPECT_EQ(j["items"][4]["batch"], "1");
  ASSERT_EQ(j["summary"].size(), 1u);
  EXPECT_EQ(j["summary"][0]["net"], "70.00");
  EXPECT_EQ(j["summary"][0]["settled_minor"], 7000);
  EXPECT_EQ(j["summary"][0]["count"], 5);
}

TEST_P(BatchTest, CloseTwiceSettlesOnceAndAReplayGetsTheFirstAnswer) {
  w->start();
  a_day();
  Bytes close = admin(BatchOperation::kClose, 1);
  Bytes first = last_answer;
  const Books after = books();
  const std::int64_t n = entries();
  // The same request again: the same answer, nothing moves.
  Answer again = w->to_gateway(close);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.send.at(0).message, first);
  EXPECT_TRUE(w->merchant_engine->handle(first).ok());  // a repeated answer is ignored
  // A new request to close the closed batch: refused, nothing moves.
  admin(BatchOperation::kClose, 1);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnspecifiedFailure));
  EXPECT_TRUE(must(w->merchant_engine->batch(1))->closed);
  EXPECT_EQ(books(), after);
  EXPECT_EQ(entries(), n);
  // The acquirer settles a batch once, whoever asks again.
  auto gw = must(w->gateway_engine->batch(1));
  BatchSettlementRequest req{"batch:MER-0001:1", "MER-0001", "1", gw->items, kNow};
  auto r = must(w->acquirer->settle_batch(req));
  EXPECT_EQ(r.verdict, BatchSettlementVerdict::kSettled);
  EXPECT_EQ(r.net.at(840), 7000);
  EXPECT_EQ(books(), after);
  req.reference = "batch:MER-0001:1-again";
  EXPECT_EQ(must(w->acquirer->settle_batch(req)).verdict, BatchSettlementVerdict::kAlreadySettled);
  EXPECT_EQ(entries(), n);
}

// ---- refusals -----------------------------------------------------------------------------------

TEST_P(BatchTest, NothingIsAddedToAClosedOrUnknownBatch) {
  w->start();
  World::Run a = bought(5000), b = bought(3000);
  capture(a.order_id);
  admin(BatchOperation::kClose, 1);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  const Books closed = books();
  // CapReq naming the closed batch (SaleDetail.batchID): batchClosed, nothing captured.
  capture(b.order_id, 1);
  EXPECT_EQ(cap_code(b.order_id), static_cast<std::int64_t>(CapCode::kBatchClosed));
  EXPECT_EQ(must(w->merchant_engine->order(b.order_id)).state, OrderState::kAuthorized);
  EXPECT_EQ(books(), closed);
  EXPECT_EQ(w->position().held, 3000);
  // An unknown batch: batchUnknown.
  capture(b.order_id, 99);
  EXPECT_EQ(cap_code(b.order_id), static_cast<std::int64_t>(CapCode::kBatchUnknown));
  EXPECT_EQ(books(), closed);
  // A refund into the closed batch (newBatchID): batchClosed, nothing refunded.
  OrderView o = must(w->merchant_engine->order(a.order_id));
  CapRevOrCredItem item{must(asn1::decode<asn1::TransIDs>(o.trans_ids)), o.auth_rrpid, usd(5000), usd(1000),
                        o.cap_token, 1};
  Bytes cred = must(make_cap_rev_or_cred_req(w->env, w->merchant, "MER-0001", w->gateway.key_exchange_certificate,
                                             w->random.bytes(20), CapRevOrCred::kCred, {item}));
  ASSERT_TRUE(w->to_gateway(cred).ok());
  auto codes = must(w->gateway_engine->database().prepare(
      "SELECT code FROM gateway_adjustment_items ORDER BY created_at DESC, rowid DESC LIMIT 1"));
  ASSERT_TRUE(must(codes.step()));
  EXPECT_EQ(codes.column_int64(0), static_cast<std::int64_t>(CapRevOrCredCode::kBatchClosed));
  EXPECT_EQ(books(), closed);
  // The same through the merchant's API: CredRes batchClosed, nothing refunded.
  round(w->merchant_engine->credit(a.order_id, usd(1000), 1));
  EXPECT_EQ(last_adjustment_code(), static_cast<std::int64_t>(CapRevOrCredCode::kBatchClosed));
  EXPECT_FALSE(must(w->merchant_engine->order(a.order_id)).refunded.has_value());
  EXPECT_EQ(books(), closed);
  // Into the merchant's open batch by name: done, in that batch.
  admin(BatchOperation::kOpen, 5);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  round(w->merchant_engine->credit(a.order_id, usd(1000), 5));
  EXPECT_EQ(last_adjustment_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
  ASSERT_EQ(must(w->merchant_engine->batch_items(5)).size(), 1u);
  EXPECT_EQ(must(w->merchant_engine->batch_items(5))[0].kind, BatchItemKind::kCredit);
  admin(BatchOperation::kClose, 5);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  // Without a batch, the capture opens the merchant's next batch.
  capture(b.order_id);
  EXPECT_EQ(cap_code(b.order_id), 0);
  EXPECT_EQ(must(w->merchant_engine->batch_items(6)).size(), 1u);
  EXPECT_EQ(must(w->gateway_engine->batch(6))->state, "open");
  EXPECT_EQ(books(), (Books{3000, 4000, 3000, 4000, 3000, -4000, 7000}));
}

TEST_P(BatchTest, UnknownAndForeignBatchesAreUnknown) {
  w->start();
  World::Run a = bought(5000);
  capture(a.order_id);
  const Books before = books();
  admin(std::nullopt, 42, true);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  EXPECT_FALSE(must(w->merchant_engine->batch(42)).has_value());
  // Another merchant can neither see nor close MER-0001's batch 1.
  auto other = other_merchant();
  admin(std::nullopt, 1, true, std::nullopt, other.get());
  EXPECT_EQ(last_status(other.get()), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  admin(BatchOperation::kClose, 1, false, std::nullopt, other.get());
  EXPECT_EQ(last_status(other.get()), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  admin(BatchOperation::kPurge, 1, false, std::nullopt, other.get());
  EXPECT_EQ(last_status(other.get()), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  EXPECT_EQ(must(w->gateway_engine->batch(1))->state, "open");
  EXPECT_EQ(books(), before);
  // A BatchAdminRes meant for MER-0001 is refused by the other merchant (unknown RRPID).
  admin(std::nullopt, 1, true);
  EXPECT_FALSE(other->handle(last_answer).ok());
  // Closing with no open batch (the other merchant has none): unknownBatchID.
  admin(BatchOperation::kClose, std::nullopt, false, std::nullopt, other.get());
  EXPECT_EQ(last_status(other.get()), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  // A BatchAdminReq reusing an RRPID with other content is refused with an Error.
  Answer mine = must(w->merchant_engine->batch_admin(BatchAdminRequest{"Atlas", 1, std::nullopt, true, std::nullopt}));
  ASSERT_TRUE(w->to_gateway(mine.send.at(0).message).ok());
  auto q = must(w->merchant_engine->database().prepare(
      "SELECT rrpid FROM merchant_batch_admin ORDER BY created_at DESC, rowid DESC LIMIT 1"));
  ASSERT_TRUE(must(q.step()));
  asn1::BatchAdminReqData forged;
  forged.batch_admin_rr_tags.rrpid = q.column_blob(0);
  forged.batch_admin_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(std::string("MER-0001"));
  forged.batch_admin_rr_tags.current_date = w->env.date();
  forged.batch_id = 1;
  forged.batch_operation = BatchOperation::kClose;
  Bytes wire = must(make_batch_admin_req(w->env, w->merchant, w->gateway.key_exchange_certificate, forged));
  Answer refused = w->to_gateway(wire);
  EXPECT_EQ(refused.refused, asn1::ErrorCode::kUnspecifiedFailure) << refused.detail;
  EXPECT_EQ(must(w->gateway_engine->batch(1))->state, "open");
  EXPECT_EQ(books(), before);
}

TEST_P(BatchTest, OpenListAndPurge) {
  w->start();
  // Open with the merchant's own BatchID; a second open finds it open.
  admin(BatchOperation::kOpen, 7);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  admin(BatchOperation::kOpen);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kBatchAlreadyOpen));
  World::Run a = bought(5000), b = bought(2500);
  round(w->merchant_engine->capture());
  auto items = must(w->merchant_engine->batch_items(7));
  ASSERT_EQ(items.size(), 2u);
  // List: one item at a time.
  admin(std::nullopt, 7, true, asn1::ReturnTransactionDetail{1, 1, false, std::nullopt});
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto view = must(w->merchant_engine->batch(7));
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->details.size(), 1u);
  EXPECT_EQ(view->next_starting_point, 2);
  EXPECT_EQ(view->details[0].transaction_amt, usd(5000));
  EXPECT_EQ(view->details[0].transaction_amt_type, asn1::AmountType::kDebit);
  EXPECT_EQ(view->details[0].trans_ids.xid, xid_of(a.order_id));
  EXPECT_EQ(view->transmission_status, TransmissionStatus::kPending);
  admin(std::nullopt, 7, false, asn1::ReturnTransactionDetail{2, 10, false, std::nullopt});
  view = must(w->merchant_engine->batch(7));
  ASSERT_EQ(view->details.size(), 1u);
  EXPECT_EQ(view->details[0].trans_ids.xid, xid_of(b.order_id));
  EXPECT_EQ(view->details[0].batch_sequence_num, 2);
  EXPECT_EQ(view->next_starting_point, 0);
  admin(std::nullopt, 7, false, asn1::ReturnTransactionDetail{9, 10, false, std::nullopt});
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnknownStartingPoint));
  // A batch with items cannot be purged (its money moved at the banks).
  const Books before = books();
  admin(BatchOperation::kPurge, 7);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnspecifiedFailure));
  EXPECT_EQ(must(w->gateway_engine->batch(7))->state, "open");
  EXPECT_EQ(books(), before);
  // Closed, then an empty batch opened and purged; a BatchID in use cannot be reopened.
  admin(BatchOperation::kClose, 7);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  admin(BatchOperation::kOpen, 7);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kBatchIDunavailable));
  admin(BatchOperation::kOpen);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  EXPECT_EQ(must(w->gateway_engine->batch(8))->state, "open");
  admin(BatchOperation::kPurge, 8);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  EXPECT_EQ(must(w->gateway_engine->batch(8))->state, "purged");
  // Both batches are known to the merchant (8 from its BatchAdminRes, without items).
  EXPECT_EQ(must(w->merchant_engine->batches()), (std::vector<std::int64_t>{7, 8}));
  admin(std::nullopt, 8, true);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnknownBatchID));
  // A closed batch cannot be purged either.
  admin(BatchOperation::kPurge, 7);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnspecifiedFailure));
  EXPECT_EQ(books(), (Books{0, 7500, 0, 7500, 0, -7500, 7500}));
}

TEST_P(BatchTest, ABatchTheAcquirerRejectsStaysOpenAndMovesNothing) {
  w->start();
  World::Run a = bought(5000);
  capture(a.order_id);
  const Books before = books();
  const std::int64_t n = entries();
  // The gateway's record of the item no longer matches the acquirer's (a corrupted batch).
  ASSERT_TRUE(w->gateway_engine->database().exec("UPDATE gateway_batch_items SET amount = 4999").ok());
  admin(BatchOperation::kClose, 1);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kUnspecifiedFailure));
  auto view = must(w->merchant_engine->batch(1));
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->transmission_status, TransmissionStatus::kBatchRejectedByAcquirer);
  EXPECT_FALSE(view->closed);
  EXPECT_EQ(must(w->gateway_engine->batch(1))->state, "open");
  EXPECT_EQ(books(), before);
  EXPECT_EQ(entries(), n);
  // Repaired, the batch closes and settles once.
  ASSERT_TRUE(w->gateway_engine->database().exec("UPDATE gateway_batch_items SET amount = 5000").ok());
  admin(BatchOperation::kClose, 1);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  EXPECT_EQ(books(), (Books{0, 5000, 0, 5000, 0, -5000, 5000}));
}

TEST_P(BatchTest, VoidingASettledCaptureDebitsTheMerchantInTheNextBatch) {
  w->start();
  World::Run a = bought(5000);
  capture(a.order_id);
  admin(BatchOperation::kClose, 1);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  EXPECT_EQ(books(), (Books{0, 5000, 0, 5000, 0, -5000, 5000}));
  // The capture is voided after settlement: the reversal goes into the merchant's next batch.
  round(w->merchant_engine->reverse_capture(a.order_id));
  EXPECT_EQ(last_adjustment_code(), static_cast<std::int64_t>(CapRevOrCredCode::kSuccess));
  auto items = must(w->merchant_engine->batch_items(2));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, BatchItemKind::kCaptureReversal);
  EXPECT_EQ(books(), (Books{-5000, 5000, -5000, 5000, -5000, -5000, 0}));
  admin(BatchOperation::kClose, 2);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto view = must(w->merchant_engine->batch(2));
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->settled_net, -5000);  // SettlementInfo: debit
  EXPECT_EQ(books(), (Books{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(reconcile(items, must(w->acquirer->settled_items("MER-0001", "2"))).empty());
}

TEST_P(BatchTest, AFailureBetweenTheBanksIsCompletedByClosingAgain) {
  w->start();
  World::Run a = bought(5000), b = bought(3000);
  capture(a.order_id);
  // The acquirer fails to record its side after the issuer cleared (a crash between the banks).
  ASSERT_TRUE(test::inject_insert_failure(w->acquirer->database(), "acq_settlements"));
  Answer req = must(w->merchant_engine->batch_admin(BatchAdminRequest{"Atlas", 1, BatchOperation::kClose, false,
                                                                     std::nullopt}));
  Answer refused = w->to_gateway(req.send.at(0).message);
  EXPECT_EQ(refused.refused, asn1::ErrorCode::kUnspecifiedFailure) << refused.detail;
  // The batch is closing: status says inProgress, new captures go to the next batch.
  EXPECT_EQ(must(w->gateway_engine->batch(1))->state, "closing");
  EXPECT_EQ(w->merchant_balance(), 5000);
  EXPECT_EQ(must(w->acquirer->merchant_settled("MER-0001", 840)), 0);
  admin(std::nullopt, 1);
  EXPECT_EQ(must(w->merchant_engine->batch(1))->transmission_status, TransmissionStatus::kInProgress);
  capture(b.order_id);
  EXPECT_EQ(cap_code(b.order_id), 0);
  EXPECT_EQ(must(w->merchant_engine->batch_items(2)).size(), 1u);
  // Repaired, closing again settles batch 1 once, with exactly its items.
  ASSERT_TRUE(test::heal_insert_failure(w->acquirer->database(), "acq_settlements"));
  admin(BatchOperation::kClose, 1);
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  EXPECT_EQ(must(w->merchant_engine->batch(1))->settled_net, 5000);
  EXPECT_EQ(books(), (Books{3000, 5000, 3000, 5000, 3000, -5000, 8000}));
}

TEST_P(BatchTest, AnEmptyBatchClosesWithoutMovingMoney) {
  w->start();
  const Books before = books();
  const std::int64_t n = entries();
  admin(BatchOperation::kOpen);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  admin(BatchOperation::kClose, std::nullopt, true);  // the open batch
  EXPECT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto view = must(w->merchant_engine->batch(1));
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->closed);
  EXPECT_FALSE(view->settled_net.has_value());  // no SettlementInfo for an empty batch
  ASSERT_TRUE(view->gateway_totals.has_value());
  EXPECT_EQ(view->gateway_totals->count_debit + view->gateway_totals->count_credit, 0);
  EXPECT_EQ(books(), before);
  EXPECT_EQ(entries(), n);
}

// ---- reconciliation -----------------------------------------------------------------------------

TEST_P(BatchTest, ReconciliationFindsAnInjectedDifference) {
  w->start();
  World::Run a = bought(5000), b = bought(3000);
  round(w->merchant_engine->capture());
  admin(BatchOperation::kClose, 1);
  ASSERT_EQ(last_status(), static_cast<std::int64_t>(BAStatus::kSuccess));
  auto settled = must(w->acquirer->settled_items("MER-0001", "1"));
  EXPECT_TRUE(reconcile(must(w->merchant_engine->batch_items(1)), settled).empty());
  // The merchant's records claim a capture the gateway never received, and a wrong amount.
  const std::string ghost = "00112233445566778899aabbccddeeff00112233";
  const std::string insert = "INSERT INTO merchant_batch_items (batch_id, seq, kind, xid, currency, amount, "
                             "amt_exp10, rrpid, created_at) VALUES (1, 3, 'capture', x'" + ghost +
                             "', 840, 1234, -2, x'00', 0)";
  ASSERT_TRUE(w->merchant_engine->database().exec(insert.c_str()).ok());
  ASSERT_TRUE(w->merchant_engine->database()
                  .exec("UPDATE merchant_batch_items SET amount = 2999 WHERE seq = 2 AND batch_id = 1")
                  .ok());
  auto diff = reconcile(must(w->merchant_engine->batch_items(1)), settled);
  ASSERT_EQ(diff.size(), 2u);
  std::map<DifferenceKind, Difference> by;
  for (auto& d : diff) by[d.kind] = d;
  ASSERT_TRUE(by.count(DifferenceKind::kMissingAtAcquirer));
  EXPECT_EQ(by[DifferenceKind::kMissingAtAcquirer].xref, ghost);
  EXPECT_EQ(by[DifferenceKind::kMissingAtAcquirer].merchant_amount, 1234);
  ASSERT_TRUE(by.count(DifferenceKind::kAmountMismatch));
  EXPECT_EQ(by[DifferenceKind::kAmountMismatch].xref, hex(xid_of(b.order_id)));
  EXPECT_EQ(by[DifferenceKind::kAmountMismatch].merchant_amount, 2999);
  EXPECT_EQ(by[DifferenceKind::kAmountMismatch].other_amount, 3000);
  // The merchant's totals no longer match the gateway's BatchTotals either.
  auto view = must(w->merchant_engine->batch(1));
  ASSERT_TRUE(view && view->gateway_totals);
  auto tdiff = reconcile_totals(must(w->merchant_engine->batch_totals(1)), *view->gateway_totals);
  EXPECT_EQ(tdiff.size(), 2u);  // count and amount of debits
  // A settled item the merchant lost: missing at the merchant.
  ASSERT_TRUE(w->merchant_engine->database().exec("DELETE FROM merchant_batch_items WHERE seq = 1").ok());
  diff = reconcile(must(w->merchant_engine->batch_items(1)), settled);
  bool lost = false;
  for (const auto& d : diff)
    if (d.kind == DifferenceKind::kMissingAtMerchant && d.xref == hex(xid_of(a.order_id))) lost = d.other_amount == 5000;
  EXPECT_TRUE(lost);
}

INSTANTIATE_TEST_SUITE_P(Suites, BatchTest, ::testing::Values(crypto::SuiteId::kModern, crypto::SuiteId::kSet1),
                         suite_name);

}  // namespace
}  // namespace openset::roles::purchase::testing
