// The merchant's side of batches (issue 5 item 9; notes §4.9): BatchAdminReq out, BatchAdminRes
// in, the merchant's own record of what the gateway put in each batch (from CapRes, CapRevRes,
// CredRes and CredRevRes: CapResPayload / CapRevOrCredResPayload batchID and batchSequenceNum),
// and reconciliation of that record against the acquirer's settlement and the gateway's totals.
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "openset/roles/purchase/messages.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kBatchSchema = R"sql(
-- What the gateway confirmed in each batch (one row per confirmed item).
CREATE TABLE IF NOT EXISTS merchant_batch_items (
  batch_id      INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('capture', 'capture-reversal', 'credit', 'credit-reversal')),
  xid           BLOB NOT NULL,
  currency      INTEGER NOT NULL,
  amount        INTEGER NOT NULL,
  amt_exp10     INTEGER NOT NULL,
  rrpid         BLOB NOT NULL,       -- of the request whose answer confirmed it
  created_at    INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS merchant_batch_items_batch ON merchant_batch_items(batch_id, seq);
-- BatchAdminReq sent and their BatchAdminRes.
CREATE TABLE IF NOT EXISTS merchant_batch_admin (
  rrpid         BLOB PRIMARY KEY,
  brand         TEXT NOT NULL,
  batch_id      INTEGER,
  operation     INTEGER,
  request       BLOB NOT NULL,
  response      BLOB,
  ba_status     INTEGER,             -- BAStatus of the answer (NULL: none given)
  state         TEXT NOT NULL,       -- sent / answered
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL);
-- The last word of the gateway on each batch.
CREATE TABLE IF NOT EXISTS merchant_batches (
  batch_id      INTEGER PRIMARY KEY,
  brand         TEXT NOT NULL,
  ba_status     INTEGER,
  transmission  INTEGER,
  closed        INTEGER NOT NULL,
  totals        BLOB,                -- DER of BatchTotals
  settled_net   INTEGER,
  details       BLOB,                -- DER of TransDetails
  updated_at    INTEGER NOT NULL);
)sql";

}  // namespace

BatchTotalsView totals_of(const std::vector<BatchItem>& items) {
  BatchTotalsView t;
  for (const auto& i : items) {
    if (t.currency == 0) t.currency = i.amount.currency;
    if (batch_item_sign(i.kind) > 0) {
      ++t.count_debit;
      t.amount_debit += i.amount.amount;
    } else {
      ++t.count_credit;
      t.amount_credit += i.amount.amount;
    }
  }
  t.net = t.amount_debit - t.amount_credit;
  return t;
}

BatchTotalsView totals_of(const asn1::BatchTotals& b) {
  BatchTotalsView t;
  t.currency = b.transaction_total_amt_debit.currency;
  t.count_debit = b.transaction_count_debit;
  t.amount_debit = b.transaction_total_amt_debit.amount;
  t.count_credit = b.transaction_count_credit;
  t.amount_credit = b.transaction_total_amt_credit.amount;
  t.net = t.amount_debit - t.amount_credit;
  return t;
}

std::string_view difference_kind_name(DifferenceKind k) {
  switch (k) {
    case DifferenceKind::kMissingAtAcquirer: return "missing-at-acquirer";
    case DifferenceKind::kMissingAtMerchant: return "missing-at-merchant";
    case DifferenceKind::kAmountMismatch: return "amount-mismatch";
    case DifferenceKind::kTotalsMismatch: return "totals-mismatch";
  }
  return "?";
}

std::vector<Difference> reconcile(const std::vector<BatchItem>& merchant, const std::vector<BatchItem>& acquirer) {
  struct Side {
    bool present = false;
    std::int64_t amount = 0;
    std::int64_t currency = 0;
  };
  std::map<std::pair<BatchItemKind, std::string>, std::pair<Side, Side>> by;
  for (const auto& i : merchant) {
    Side& s = by[{i.kind, i.xref}].first;
    s.present = true;
    s.amount += i.amount.amount;
    s.currency = i.amount.currency;
  }
  for (const auto& i : acquirer) {
    Side& s = by[{i.kind, i.xref}].second;
    s.present = true;
    s.amount += i.amount.amount;
    s.currency = i.amount.currency;
  }
  std::vector<Difference> out;
  for (const auto& [key, sides] : by) {
    const auto& [m, a] = sides;
    Difference d;
    d.item_kind = key.first;
    d.xref = key.second;
    d.merchant_amount = m.amount;
    d.other_amount = a.amount;
    if (!a.present) {
      d.kind = DifferenceKind::kMissingAtAcquirer;
      d.detail = fmt::format("{} {} recorded by the merchant, not settled", batch_item_kind_name(key.first), key.second);
    } else if (!m.present) {
      d.kind = DifferenceKind::kMissingAtMerchant;
      d.detail = fmt::format("{} {} settled, unknown to the merchant", batch_item_kind_name(key.first), key.second);
    } else if (m.amount != a.amount || m.currency != a.currency) {
      d.kind = DifferenceKind::kAmountMismatch;
      d.detail = fmt::format("{} {}: merchant {} [{}], acquirer {} [{}]", batch_item_kind_name(key.first), key.second,
                             m.amount, m.currency, a.amount, a.currency);
    } else {
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Difference> reconcile_totals(const BatchTotalsView& merchant, const BatchTotalsView& gateway) {
  std::vector<Difference> out;
  auto cmp = [&](std::string_view what, std::int64_t m, std::int64_t g) {
    if (m == g) return;
    Difference d;
    d.kind = DifferenceKind::kTotalsMismatch;
    d.merchant_amount = m;
    d.other_amount = g;
    d.detail = fmt::format("{}: merchant {}, gateway {}", what, m, g);
    out.push_back(std::move(d));
  };
  if (merchant.count_debit + merchant.count_credit > 0 && gateway.count_debit + gateway.count_credit > 0)
    cmp("currency", merchant.currency, gateway.currency);
  cmp("transactionCountDebit", merchant.count_debit, gateway.count_debit);
  cmp("transactionTotalAmtDebit", merchant.amount_debit, gateway.amount_debit);
  cmp("transactionCountCredit", merchant.count_credit, gateway.count_credit);
  cmp("transactionTotalAmtCredit", merchant.amount_credit, gateway.amount_credit);
  return out;
}

Status Merchant::create_batch_schema(store::Database& db) { return db.exec(kBatchSchema); }

Status Merchant::record_batch_item(BatchItemKind kind, std::int64_t batch_id, std::int64_t sequence, ByteView xid,
                                   const Money& amount, ByteView rrpid) {
  return sql::exec(db_,
                   "INSERT INTO merchant_batch_items (batch_id, seq, kind, xid, currency, amount, amt_exp10, rrpid, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   batch_id, sequence, batch_item_kind_name(kind), xid, amount.currency, amount.amount,
                   amount.amt_exp10, rrpid, env_.now());
}

Result<std::vector<BatchItem>> Merchant::batch_items(std::int64_t batch_id) {
  OPENSET_TRY(store::Statement s,
              sql::prepare(db_, "SELECT kind, xid, currency, amount, amt_exp10, seq FROM merchant_batch_items "
                                "WHERE batch_id = ? ORDER BY seq, rowid",
                           batch_id));
  std::vector<BatchItem> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    auto k = batch_item_kind_from(s.column_text(0));
    if (!k) return Error(Errc::kMalformed, "merchant: stored batch item kind is unreadable");
    out.push_back(BatchItem{*k, "", hex(s.column_blob(1)), Money{s.column_int64(2), s.column_int64(3), s.column_int64(4)},
                            s.column_int64(5)});
  }
  return out;
}

Result<BatchTotalsView> Merchant::batch_totals(std::int64_t batch_id) {
  OPENSET_TRY(auto items, batch_items(batch_id));
  return totals_of(items);
}

Result<Answer> Merchant::batch_admin(const BatchAdminRequest& req) {
  const GatewayRoute* gw = route(req.brand);
  if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + req.brand);
  asn1::BatchAdminReqData data;
  data.batch_admin_rr_tags.rrpid = env_.random.bytes(20);
  data.batch_admin_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(merchant_id_);
  data.batch_admin_rr_tags.current_date = env_.date();
  data.batch_id = req.batch_id;
  data.batch_operation = req.operation;
  data.return_batch_summary_ind = req.summary;
  data.return_transaction_detail = req.detail;
  OPENSET_TRY(Bytes wire, make_batch_admin_req(env_, config_.credentials, gw->key_exchange_certificate, data));
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_batch_admin (rrpid, brand, batch_id, operation, request, state, "
                          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?)",
                          data.batch_admin_rr_tags.rrpid, req.brand, req.batch_id,
                          req.operation ? std::optional<std::int64_t>(static_cast<std::int64_t>(*req.operation))
                                        : std::nullopt,
                          wire, env_.now(), env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: BatchAdminReq to the {} gateway", req.brand));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "BatchAdminReq", std::move(wire)});
  return a;
}

// BatchAdminRes ::= Enc{P, M, BatchAdminResData} (notes §4.9).
Result<Answer> Merchant::on_batch_admin_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "BatchAdminRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_, "SELECT brand, response FROM merchant_batch_admin WHERE rrpid = ?", *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no BatchAdminReq with this RRPID");
  const std::string brand = q.column_text(0);
  if (!q.column_is_null(1)) {
    if (q.column_blob(1) == to_bytes(der)) return Answer{};
    return refusal(ErrorCode::kUnknownRRPID, "this BatchAdminReq already has its BatchAdminRes");
  }
  const auto& ed = std::get<asn1::Message::kBatchAdministrationResponse>(w.message.value);
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  OPENSET_TRY(OpenedSigned o, open_enc(env_, ed, holder,
                                       seal::EncTypes{content_type(CT::kBatchAdminResData),
                                                      content_type(CT::kBatchAdminResTBE)},
                                       pki::CertType::kGatewaySignature, config_.trust, brand));
  auto data_r = asn1::decode<asn1::BatchAdminResData>(o.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::BatchAdminResData& d = *data_r;
  if (!ct_equal(d.batch_admin_tags.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "BatchAdminRes RRPID differs from the header's");
  std::optional<Bytes> totals;
  if (d.batch_status) totals = asn1::encode(d.batch_status->batch_details.batch_totals);
  std::optional<std::int64_t> settled;
  if (d.settlement_info)
    settled = d.settlement_info->settlement_type == asn1::AmountType::kDebit ? -d.settlement_info->settlement_amount.amount
                                                                             : d.settlement_info->settlement_amount.amount;
  std::optional<Bytes> details;
  if (d.trans_details) details = asn1::encode(*d.trans_details);
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_, "UPDATE merchant_batch_admin SET response = ?, state = 'answered', ba_status = ?, "
                               "updated_at = ? WHERE rrpid = ?",
                          der, d.ba_status ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d.ba_status))
                                           : std::nullopt,
                          env_.now(), *h.rrpid));
  // A batch the gateway does not know is not recorded as one.
  if (d.ba_status != asn1::BAStatus::kUnknownBatchID && d.ba_status != asn1::BAStatus::kBatchIDunavailable) {
    OPENSET_CHECK(sql::exec(
        db_,
        "INSERT INTO merchant_batches (batch_id, brand, ba_status, transmission, closed, totals, settled_net, details, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (batch_id) DO UPDATE SET "
        "ba_status = ?3, transmission = COALESCE(?4, merchant_batches.transmission), "
        "closed = CASE WHEN merchant_batches.closed > ?5 THEN merchant_batches.closed ELSE ?5 END, "
        "totals = COALESCE(?6, merchant_batches.totals), settled_net = COALESCE(?7, merchant_batches.settled_net), "
        "details = ?8, updated_at = ?9",
        d.batch_id, brand,
        d.ba_status ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d.ba_status)) : std::nullopt,
        d.transmission_status ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d.transmission_status))
                              : std::nullopt,
        static_cast<std::int64_t>(d.batch_status && d.batch_status->closed_when ? 1 : 0), totals, settled, details,
        env_.now()));
  }
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: BatchAdminRes for batch {}: BAStatus {}", d.batch_id,
                  d.ba_status ? static_cast<int>(*d.ba_status) : 0));
  return Answer{};
}

namespace {
Result<std::vector<std::int64_t>> batch_ids(store::Database& db, const char* query) {
  OPENSET_TRY(store::Statement q, sql::prepare(db, query));
  std::vector<std::int64_t> out;
  for (;;) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    out.push_back(q.column_int64(0));
  }
  return out;
}
}  // namespace

Result<std::vector<std::int64_t>> Merchant::open_batches() {
  return batch_ids(db_,
                   "SELECT DISTINCT i.batch_id FROM merchant_batch_items i WHERE NOT EXISTS "
                   "(SELECT 1 FROM merchant_batches b WHERE b.batch_id = i.batch_id AND b.closed = 1) "
                   "ORDER BY i.batch_id");
}

Result<std::vector<std::int64_t>> Merchant::batches() {
  return batch_ids(db_,
                   "SELECT batch_id FROM merchant_batch_items UNION SELECT batch_id FROM merchant_batches "
                   "ORDER BY batch_id");
}

Result<std::optional<MerchantBatchView>> Merchant::batch(std::int64_t batch_id) {
  OPENSET_TRY(store::Statement s,
              sql::prepare(db_, "SELECT brand, ba_status, transmission, closed, totals, settled_net, details, updated_at "
                                "FROM merchant_batches WHERE batch_id = ?",
                           batch_id));
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<MerchantBatchView>();
  MerchantBatchView v;
  v.batch_id = batch_id;
  v.brand = s.column_text(0);
  if (!s.column_is_null(1)) v.ba_status = static_cast<asn1::BAStatus>(s.column_int64(1));
  if (!s.column_is_null(2)) v.transmission_status = static_cast<asn1::TransmissionStatus>(s.column_int64(2));
  v.closed = s.column_int64(3) != 0;
  if (!s.column_is_null(4)) {
    OPENSET_TRY(asn1::BatchTotals t, asn1::decode<asn1::BatchTotals>(s.column_blob(4)));
    v.gateway_totals = totals_of(t);
  }
  if (!s.column_is_null(5)) v.settled_net = s.column_int64(5);
  if (!s.column_is_null(6)) {
    OPENSET_TRY(asn1::TransDetails td, asn1::decode<asn1::TransDetails>(s.column_blob(6)));
    v.details = std::move(td.transaction_detail_seq);
    v.next_starting_point = td.next_starting_point;
  }
  v.updated_at = s.column_int64(7);
  return std::optional<MerchantBatchView>(std::move(v));
}

}  // namespace openset::roles::purchase
