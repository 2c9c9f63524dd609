// The gateway's batches (issue 5 item 9; notes §4.9, §4.6, §4.7, §8.5): every capture, capture
// reversal, credit and credit reversal the gateway carries out goes to a batch of its merchant
// (the batchID the merchant names in SaleDetail / newBatchID, else its open batch, opened when it
// has none). BatchAdminReq opens, closes (-> settlement at the acquirer), queries (BatchStatus
// with BatchTotals), lists (TransDetails) and purges batches; each request is idempotent on its
// RRPID. docs/purchase.md "Batches and settlement"; departures B-1.. in docs/departures.md.
#include <fmt/format.h>

#include <map>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/seal/envelope.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::BAStatus;
using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kBatchSchema = R"sql(
-- Batches between this gateway and its merchants (BatchID is the gateway's, unique over all
-- merchants). At most one open batch per merchant.
CREATE TABLE IF NOT EXISTS gateway_batches (
  batch_id         INTEGER PRIMARY KEY CHECK (batch_id >= 0),
  merchant_id      TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('open', 'closing', 'closed', 'purged')),
  opened_at        INTEGER NOT NULL,
  closed_at        INTEGER,
  settlement_id    TEXT,
  settled_at       INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS gateway_batches_one_open ON gateway_batches(merchant_id)
  WHERE state = 'open';
CREATE TABLE IF NOT EXISTS gateway_batch_items (
  batch_id         INTEGER NOT NULL REFERENCES gateway_batches(batch_id),
  seq              INTEGER NOT NULL CHECK (seq >= 1),
  kind             TEXT NOT NULL CHECK (kind IN ('capture', 'capture-reversal', 'credit', 'credit-reversal')),
  trans_ids        BLOB NOT NULL,
  xid              BLOB NOT NULL,
  auth_rrpid       BLOB NOT NULL,
  bank_id          TEXT NOT NULL,
  currency         INTEGER NOT NULL,
  amount           INTEGER NOT NULL CHECK (amount > 0),
  amt_exp10        INTEGER NOT NULL,
  rrpid            BLOB NOT NULL,     -- the CapReq / CapRevReq / CredReq / CredRevReq
  item             INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (batch_id, seq),
  UNIQUE (kind, bank_id));
-- BatchAdminReq under its RRPID: replays get `response` again.
CREATE TABLE IF NOT EXISTS gateway_batch_admin (
  rrpid            BLOB PRIMARY KEY,
  request_digest   BLOB NOT NULL,
  merchant_id      TEXT NOT NULL,
  response         BLOB NOT NULL,
  created_at       INTEGER NOT NULL);
)sql";

struct StoredItem {
  BatchItem item;
  Bytes trans_ids;
  Bytes auth_rrpid;
};

}  // namespace

Status Gateway::create_batch_schema(store::Database& db) { return db.exec(kBatchSchema); }

Result<int> Gateway::batch_refusal(std::string_view merchant_id, std::optional<std::int64_t> requested,
                                   const Money& amount) {
  std::optional<std::int64_t> id = requested;
  if (!id) {
    OPENSET_TRY(auto open, sql::scalar(db_, "SELECT batch_id FROM gateway_batches WHERE merchant_id = ? AND "
                                            "state = 'open'", merchant_id));
    if (!open) return 0;  // a new batch will be opened
    id = *open;
  } else {
    OPENSET_TRY(store::Statement s, sql::prepare(db_, "SELECT merchant_id, state FROM gateway_batches WHERE "
                                                      "batch_id = ?", *id));
    OPENSET_TRY(bool row, s.step());
    // Another merchant's batch is as unknown as no batch (its existence is not disclosed).
    if (!row || s.column_text(0) != merchant_id || s.column_text(1) == "purged") return 1;
    if (s.column_text(1) != "open") return 2;
  }
  // A batch holds one currency (its BatchTotals are CurrencyAmounts; departure B-3).
  OPENSET_TRY(auto other, sql::scalar(db_, "SELECT COUNT(*) FROM gateway_batch_items WHERE batch_id = ? AND "
                                           "(currency <> ? OR amt_exp10 <> ?)",
                                      *id, amount.currency, amount.amt_exp10));
  return other.value_or(0) > 0 ? 3 : 0;
}

Result<std::pair<std::int64_t, std::int64_t>> Gateway::batch_assign(
    std::string_view merchant_id, std::optional<std::int64_t> requested, BatchItemKind kind,
    const asn1::TransIDs& trans_ids, ByteView auth_rrpid, std::string_view bank_id, const Money& amount,
    ByteView rrpid, std::int64_t item) {
  std::int64_t id = 0;
  if (requested) {
    id = *requested;  // checked open and the merchant's by batch_refusal in this transaction
  } else {
    OPENSET_TRY(auto open, sql::scalar(db_, "SELECT batch_id FROM gateway_batches WHERE merchant_id = ? AND "
                                            "state = 'open'", merchant_id));
    if (open) {
      id = *open;
    } else {
      OPENSET_TRY(auto next, sql::scalar(db_, "SELECT COALESCE(MAX(batch_id), 0) + 1 FROM gateway_batches"));
      id = next.value_or(1);
      OPENSET_CHECK(sql::exec(db_, "INSERT INTO gateway_batches (batch_id, merchant_id, state, opened_at) "
                                   "VALUES (?, ?, 'open', ?)", id, merchant_id, env_.now()));
      log(fmt::format("gateway: batch {} opened for {}", id, merchant_id));
    }
  }
  OPENSET_TRY(auto seq, sql::scalar(db_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM gateway_batch_items WHERE batch_id = ?",
                                    id));
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO gateway_batch_items (batch_id, seq, kind, trans_ids, xid, auth_rrpid, bank_id, "
                          "currency, amount, amt_exp10, rrpid, item, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          id, seq.value_or(1), batch_item_kind_name(kind), asn1::encode(trans_ids), trans_ids.xid,
                          auth_rrpid, bank_id, amount.currency, amount.amount, amount.amt_exp10, rrpid, item,
                          env_.now()));
  return std::pair<std::int64_t, std::int64_t>{id, seq.value_or(1)};
}

namespace {

Result<std::vector<StoredItem>> items_of(store::Database& db, std::int64_t batch_id) {
  OPENSET_TRY(store::Statement s,
              sql::prepare(db, "SELECT kind, bank_id, xid, seq, currency, amount, amt_exp10, trans_ids, auth_rrpid "
                               "FROM gateway_batch_items WHERE batch_id = ? ORDER BY seq",
                           batch_id));
  std::vector<StoredItem> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    auto k = batch_item_kind_from(s.column_text(0));
    if (!k) return Error(Errc::kMalformed, "gateway: stored batch item kind is unreadable");
    StoredItem it;
    it.item = BatchItem{*k, s.column_text(1), hex(s.column_blob(2)),
                        Money{s.column_int64(4), s.column_int64(5), s.column_int64(6)}, s.column_int64(3)};
    it.trans_ids = s.column_blob(7);
    it.auth_rrpid = s.column_blob(8);
    out.push_back(std::move(it));
  }
  return out;
}

// BatchTotals (set-1.asn1 lines 1751-1757): debits are what the cardholder is charged (captures,
// credit reversals), credits what is given back (credits, capture reversals), from the
// cardholder's account's side like TransactionDetail.transactionAmtType (B-2).
asn1::BatchTotals totals_of(const std::vector<StoredItem>& items, const Money& zero) {
  asn1::BatchTotals t;
  t.transaction_total_amt_credit = zero;
  t.transaction_total_amt_debit = zero;
  for (const auto& i : items) {
    if (batch_item_sign(i.item.kind) > 0) {
      ++t.transaction_count_debit;
      t.transaction_total_amt_debit.amount += i.item.amount.amount;
    } else {
      ++t.transaction_count_credit;
      t.transaction_total_amt_credit.amount += i.item.amount.amount;
    }
  }
  return t;
}

}  // namespace

Result<std::optional<Gateway::BatchView>> Gateway::batch(std::int64_t batch_id) {
  OPENSET_TRY(store::Statement s,
              sql::prepare(db_, "SELECT merchant_id, state, opened_at, closed_at, settlement_id FROM gateway_batches "
                                "WHERE batch_id = ?",
                           batch_id));
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<BatchView>();
  BatchView v;
  v.batch_id = batch_id;
  v.merchant_id = s.column_text(0);
  v.state = s.column_text(1);
  v.opened_at = s.column_int64(2);
  if (!s.column_is_null(3)) v.closed_at = s.column_int64(3);
  if (!s.column_is_null(4)) v.settlement_id = s.column_text(4);
  OPENSET_TRY(auto items, items_of(db_, batch_id));
  for (auto& i : items) v.items.push_back(std::move(i.item));
  return std::optional<BatchView>(std::move(v));
}

// BatchAdminReq ::= Enc{M, P, BatchAdminReqData} -> BatchAdminRes ::= Enc{P, M, BatchAdminResData}
// (notes §4.9). Business outcomes are BAStatus values; a request that cannot be read or
// authenticated is refused with an Error (ErrorCode), as the other merchant requests.
Result<Answer> Gateway::on_batch_admin(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  const auto& h = w.message_header;
  const auto& ed = std::get<asn1::Message::kBatchAdministrationRequest>(w.message.value);
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  OPENSET_TRY(OpenedSigned o, open_enc(env_, ed, holder,
                                       seal::EncTypes{content_type(CT::kBatchAdminReqData),
                                                      content_type(CT::kBatchAdminReqTBE)},
                                       pki::CertType::kMerchantSignature, config_.trust, config_.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(o.signer_certificate));
  auto data_r = asn1::decode<asn1::BatchAdminReqData>(o.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::BatchAdminReqData& data = *data_r;
  const asn1::RRTags& tags = data.batch_admin_rr_tags;
  const Bytes& rrpid = tags.rrpid;
  if (!h.rrpid || !ct_equal(*h.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from batchAdminRRTags'");
  OPENSET_CHECK(check_freshness(env_, tags.current_date, config_.freshness, "batchAdminRRTags.currentDate"));
  if (tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "batchAdminRRTags name another merchant than the signer");

  // Idempotency on the RRPID (as the other requests): the first answer again, nothing moves.
  const Bytes digest = sha256(o.signed_content);
  {
    OPENSET_TRY(store::Statement q, sql::prepare(db_, "SELECT request_digest, response FROM gateway_batch_admin "
                                                      "WHERE rrpid = ?",
                                                 rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (seen) {
      if (!ct_equal(q.column_blob(0), digest))
        return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another BatchAdminReq");
      log("gateway: BatchAdminReq repeated, first BatchAdminRes again");
      Answer a;
      a.send.push_back(Outgoing{Peer::kMerchant, "BatchAdminRes", q.column_blob(1)});
      return a;
    }
  }
  OPENSET_TRY(seal::Recipient merchant, merchant_recipient(o));
  std::optional<store::Transaction> tx;
  {
    OPENSET_TRY(store::Transaction t, db_.begin());
    tx.emplace(std::move(t));
  }

  asn1::BatchAdminResData res;
  res.batch_admin_tags = tags;  // echoed, as the other responses echo their RRTags
  std::string what;
  // A batch of this merchant (purged ones and other merchants' are unknown): its row.
  struct Row {
    std::int64_t id = 0;
    std::string state;
    std::int64_t opened_at = 0;
    std::optional<std::int64_t> closed_at;
    std::optional<std::int64_t> settled_at;
    std::string settlement_id;
  };
  auto find = [&](std::int64_t id) -> Result<std::optional<Row>> {
    OPENSET_TRY(store::Statement s, sql::prepare(db_,
                                                 "SELECT merchant_id, state, opened_at, closed_at, settled_at, "
                                                 "settlement_id FROM gateway_batches WHERE batch_id = ?",
                                                 id));
    OPENSET_TRY(bool row, s.step());
    if (!row || s.column_text(0) != merchant_id || s.column_text(1) == "purged") return std::optional<Row>();
    Row r;
    r.id = id;
    r.state = s.column_text(1);
    r.opened_at = s.column_int64(2);
    if (!s.column_is_null(3)) r.closed_at = s.column_int64(3);
    if (!s.column_is_null(4)) r.settled_at = s.column_int64(4);
    if (!s.column_is_null(5)) r.settlement_id = s.column_text(5);
    return std::optional<Row>(r);
  };
  OPENSET_TRY(auto open_id, sql::scalar(db_, "SELECT batch_id FROM gateway_batches WHERE merchant_id = ? AND "
                                             "state = 'open'", merchant_id));
  // BatchStatus of a batch (set-1.asn1 lines 1730-1757).
  auto status_of = [&](const Row& r, const std::vector<StoredItem>& items) {
    asn1::BatchStatus st;
    st.open_date_time = der::Time::from_unix(r.opened_at);
    if (r.closed_at)
      st.closed_when = asn1::ClosedWhen{asn1::CloseStatus::kClosedbyMerchant, der::Time::from_unix(*r.closed_at)};
    Money zero{840, 0, -2};
    if (!items.empty()) zero = Money{items[0].item.amount.currency, 0, items[0].item.amount.amt_exp10};
    st.batch_details.batch_totals = totals_of(items, zero);
    asn1::BrandBatchDetails bd;
    bd.brand_id = asn1::BrandID(config_.brand);
    bd.batch_totals = st.batch_details.batch_totals;
    st.batch_details.brand_batch_details_seq = std::vector<asn1::BrandBatchDetails>{bd};
    return st;
  };
  // SettlementInfo (lines 1696-1701): the batch's net, credited (or debited) to the merchant.
  auto settlement_of = [&](const std::vector<StoredItem>& items, std::int64_t at) -> std::optional<asn1::SettlementInfo> {
    if (items.empty()) return std::nullopt;
    std::int64_t net = 0;
    for (const auto& i : items) net += batch_item_sign(i.item.kind) * i.item.amount.amount;
    asn1::SettlementInfo si;
    si.settlement_amount = Money{items[0].item.amount.currency, net < 0 ? -net : net, items[0].item.amount.amt_exp10};
    si.settlement_type = net < 0 ? asn1::AmountType::kDebit : asn1::AmountType::kCredit;
    si.settlement_account = asn1::SettlementInfo::Account(merchant_id);
    si.settlement_deposit_date = der::Time::from_unix(at);
    return si;
  };

  const auto op = data.batch_operation;
  if (op && *op == asn1::BatchOperation::kOpen) {
    // Open: one open batch per merchant; a BatchID the merchant names must be free.
    if (open_id) {
      res.batch_id = *open_id;
      res.ba_status = BAStatus::kBatchAlreadyOpen;
      what = "already open";
    } else {
      std::int64_t id = 0;
      bool taken = false;
      if (data.batch_id) {
        OPENSET_TRY(auto exists, sql::scalar(db_, "SELECT COUNT(*) FROM gateway_batches WHERE batch_id = ?",
                                             *data.batch_id));
        taken = exists.value_or(0) > 0;
        id = *data.batch_id;
      } else {
        OPENSET_TRY(auto next, sql::scalar(db_, "SELECT COALESCE(MAX(batch_id), 0) + 1 FROM gateway_batches"));
        id = next.value_or(1);
      }
      res.batch_id = id;
      if (taken) {
        res.ba_status = BAStatus::kBatchIDunavailable;
        what = "BatchID unavailable";
      } else {
        OPENSET_CHECK(sql::exec(db_, "INSERT INTO gateway_batches (batch_id, merchant_id, state, opened_at) "
                                     "VALUES (?, ?, 'open', ?)", id, merchant_id, env_.now()));
        res.ba_status = BAStatus::kSuccess;
        res.batch_status = status_of(Row{id, "open", env_.now(), std::nullopt, std::nullopt, ""}, {});
        what = "opened";
      }
    }
  } else {
    // The other operations name a batch (default: the merchant's open batch).
    std::optional<std::int64_t> id = data.batch_id ? data.batch_id : open_id;
    res.batch_id = id.value_or(0);
    std::optional<Row> row;
    if (id) {
      OPENSET_TRY(row, find(*id));
    }
    if (!row) {
      res.ba_status = BAStatus::kUnknownBatchID;
      what = "unknown BatchID";
    } else {
      OPENSET_TRY(auto items, items_of(db_, row->id));
      res.ba_status = BAStatus::kSuccess;
      if (op && *op == asn1::BatchOperation::kClose) {
        if (row->state != "open" && row->state != "closing") {
          // Closing twice: nothing moves (B-4); the batch's state says when it was closed.
          res.ba_status = BAStatus::kUnspecifiedFailure;
          res.transmission_status = asn1::TransmissionStatus::kCompletedSuccessfully;
          what = "already closed";
        } else {
          // Close -> settlement (issue 5 item 9): the acquirer clears the batch with the issuers
          // and credits the merchant; idempotent on the batch's reference.
          // The batch is 'closing' (committed) before the acquirer is asked: no item joins it any
          // more (new ones open the next batch), so a close repeated after a failure or a crash
          // sends the acquirer the same items under the same reference and completes it once.
          if (row->state == "open") {
            OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_batches SET state = 'closing' WHERE batch_id = ?", row->id));
            OPENSET_CHECK(tx->commit());
            tx.reset();
            OPENSET_TRY(store::Transaction t, db_.begin());
            tx.emplace(std::move(t));
            row->state = "closing";
          }
          std::string settlement_id;
          std::int64_t settled_at = env_.now();
          bool settled = true;
          if (!items.empty()) {
            BatchSettlementRequest sreq;
            sreq.reference = "batch:" + merchant_id + ":" + std::to_string(row->id);
            sreq.merchant_id = merchant_id;
            sreq.batch_id = std::to_string(row->id);
            sreq.at = env_.now();
            for (const auto& i : items) sreq.items.push_back(i.item);
            auto sr = acquirer_.settle_batch(sreq);
            if (!sr.ok())
              return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer did not answer: " + sr.error().message);
            settled = sr->verdict == BatchSettlementVerdict::kSettled;
            settlement_id = sr->settlement_id;
            if (settled) settled_at = sr->at;
            if (!settled)
              what = fmt::format("rejected by the acquirer ({} {})", batch_settlement_verdict_name(sr->verdict),
                                 sr->item);
          }
          if (settled) {
            OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_batches SET state = 'closed', closed_at = ?, settlement_id = ?, "
                                         "settled_at = ? WHERE batch_id = ?",
                                    env_.now(), settlement_id, settled_at, row->id));
            row->state = "closed";
            row->closed_at = env_.now();
            row->settled_at = settled_at;
            res.transmission_status = asn1::TransmissionStatus::kCompletedSuccessfully;
            res.settlement_info = settlement_of(items, settled_at);
            what = "closed and settled";
          } else {
            // Rejected: the batch is open again (nothing moved at the banks).
            OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_batches SET state = 'open' WHERE batch_id = ?", row->id));
            row->state = "open";
            res.ba_status = BAStatus::kUnspecifiedFailure;
            res.transmission_status = asn1::TransmissionStatus::kBatchRejectedByAcquirer;
          }
        }
        res.batch_status = status_of(*row, items);
      } else if (op && *op == asn1::BatchOperation::kPurge) {
        // Purge: only an open batch without items (what is in a batch has moved money at the
        // banks and leaves only by reversal; B-5).
        if (row->state != "open" || !items.empty()) {
          res.ba_status = BAStatus::kUnspecifiedFailure;
          what = "not purgeable";
        } else {
          OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_batches SET state = 'purged', closed_at = ? WHERE batch_id = ?",
                                  env_.now(), row->id));
          what = "purged";
        }
      } else {
        what = "status";
        if (row->state == "closed") {
          res.transmission_status = asn1::TransmissionStatus::kCompletedSuccessfully;
          res.settlement_info = settlement_of(items, row->settled_at.value_or(row->closed_at.value_or(0)));
        } else {
          res.transmission_status = row->state == "closing" ? asn1::TransmissionStatus::kInProgress
                                                            : asn1::TransmissionStatus::kPending;
        }
      }
      if (data.return_batch_summary_ind && !res.batch_status) res.batch_status = status_of(*row, items);
      // TransDetails (lines 1658-1668): items from batchSequenceNum startingPoint (1 when <= 0),
      // at most maximumItems; nextStartingPoint 0 when nothing follows (B-6).
      if (data.return_transaction_detail && res.ba_status == BAStatus::kSuccess) {
        const asn1::ReturnTransactionDetail& rtd = *data.return_transaction_detail;
        const std::int64_t start = rtd.starting_point <= 0 ? 1 : rtd.starting_point;
        if (start > static_cast<std::int64_t>(items.size()) + 1) {
          res.ba_status = BAStatus::kUnknownStartingPoint;
        } else if (!rtd.errors_only_ind) {
          asn1::TransDetails td;
          for (const auto& i : items) {
            if (i.item.sequence < start) continue;
            if (static_cast<std::int64_t>(td.transaction_detail_seq.size()) >= rtd.maximum_items) {
              td.next_starting_point = i.item.sequence;
              break;
            }
            asn1::TransactionDetail d;
            OPENSET_TRY(d.trans_ids, asn1::decode<asn1::TransIDs>(i.trans_ids));
            d.auth_rrpid = i.auth_rrpid;
            d.brand_id = asn1::BrandID(config_.brand);
            d.batch_sequence_num = i.item.sequence;
            d.transaction_amt = i.item.amount;
            d.transaction_amt_type =
                batch_item_sign(i.item.kind) > 0 ? asn1::AmountType::kDebit : asn1::AmountType::kCredit;
            d.transaction_status = asn1::TransactionStatus::kSuccess;
            td.transaction_detail_seq.push_back(std::move(d));
          }
          res.trans_details = std::move(td);
        } else {
          res.trans_details = asn1::TransDetails{};  // every item here succeeded
        }
      }
    }
  }

  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
  OPENSET_TRY(asn1::EnvelopedData enc,
              seal::Enc(signer, merchant,
                        seal::EncTypes{content_type(CT::kBatchAdminResData), content_type(CT::kBatchAdminResTBE)},
                        asn1::encode(res)));
  asn1::Message m;
  m.value.emplace<asn1::Message::kBatchAdministrationResponse>(std::move(enc));
  Bytes wire = wrap(make_header(env_, std::nullopt, rrpid), std::move(m));
  OPENSET_CHECK(sql::exec(db_, "INSERT INTO gateway_batch_admin (rrpid, request_digest, merchant_id, response, "
                               "created_at) VALUES (?, ?, ?, ?, ?)",
                          rrpid, digest, merchant_id, wire, env_.now()));
  OPENSET_CHECK(tx->commit());
  log(fmt::format("gateway: BatchAdminReq from {} for batch {}: {} (BAStatus {})", merchant_id, res.batch_id, what,
                  static_cast<int>(res.ba_status.value_or(BAStatus::kSuccess))));
  Answer a;
  a.send.push_back(Outgoing{Peer::kMerchant, "BatchAdminRes", std::move(wire)});
  return a;
}

}  // namespace openset::roles::purchase
