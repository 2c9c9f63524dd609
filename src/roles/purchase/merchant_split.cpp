// The merchant's side of split shipments and installment / recurring payments (issue 5 items 5
// and 6; docs/purchase.md "Split shipments, installments and recurring payments").
//
// The order's payment terms (merchant_payment_terms) decide what its first AuthReq asks: an
// AuthToken (AuthReqPayload.subsequentAuthInd, notes §4.2) and/or the InstallRecurData the
// cardholder signed into HODInput and PIHead (notes §3.9). The AuthToken of the latest approved
// AuthRes is kept (opaque: sealed by the gateway for itself, it holds the PANToken the merchant
// never sees, notes §8.1); authorize_next sends it back as the PI of a later AuthReq (PI [2]
// authToken, same TransIDs, new RRPID) and each such authorization is a part of the order
// (merchant_authorizations) with its own CapToken, captured with capture_part.
#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "openset/roles/purchase/messages.hpp"
#include "split.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

const char* const kMerchantSplitSchema = R"sql(
-- The payment terms agreed in the shopping step and the latest AuthToken (NULL: none held).
CREATE TABLE IF NOT EXISTS merchant_payment_terms (
  order_id      TEXT PRIMARY KEY,
  split         INTEGER NOT NULL,
  install_recur BLOB,             -- DER InstallRecurData
  auth_token    BLOB,             -- DER AuthToken (EnvelopedData) of the latest approved AuthRes
  updated_at    INTEGER NOT NULL);
-- The later authorizations of an order (parts 2, 3, ...; part 1 is merchant_orders' own).
CREATE TABLE IF NOT EXISTS merchant_authorizations (
  auth_rrpid    BLOB PRIMARY KEY,
  order_id      TEXT NOT NULL,
  part          INTEGER NOT NULL,
  currency      INTEGER NOT NULL,
  amount        INTEGER NOT NULL,  -- AuthReqAmt
  amt_exp10     INTEGER NOT NULL,
  auth_req      BLOB NOT NULL,
  auth_res_digest BLOB,
  state         TEXT NOT NULL,     -- authorizing, authorized, declined, refused, capturing, captured, reversed
  auth_code     INTEGER,
  auth_amount   INTEGER,
  cap_token     BLOB,
  cap_rrpid     BLOB,
  cap_code      INTEGER,
  cap_amount    INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (order_id, part));
-- AuthRevReqs about a part >= 2 (the request itself is in merchant_adjustments).
CREATE TABLE IF NOT EXISTS merchant_part_adjustments (
  rrpid         BLOB PRIMARY KEY,
  auth_rrpid    BLOB NOT NULL);
)sql";

Status Merchant::set_payment_terms(std::string_view order_id, const PaymentTerms& terms) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(store::Statement q, sql::prepare(db_, "SELECT state FROM merchant_orders WHERE order_id = ?", order_id));
  OPENSET_TRY(bool found, q.step());
  if (!found) return Error(Errc::kInvalidArgument, "no order " + std::string(order_id));
  const std::string state = q.column_text(0);
  if (state != "open" && state != "initiated")
    return Error(Errc::kInvalidArgument, "order " + std::string(order_id) + " is past its PReq: terms are fixed");
  std::optional<Bytes> ir;
  if (terms.install_recur) ir = asn1::encode(*terms.install_recur);
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_payment_terms (order_id, split, install_recur, updated_at) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT(order_id) DO UPDATE SET split = excluded.split, "
                          "install_recur = excluded.install_recur, updated_at = excluded.updated_at",
                          order_id, static_cast<std::int64_t>(terms.split ? 1 : 0), ir, env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: payment terms{}{}", order_id, terms.split ? " split-shipment" : "",
                  terms.install_recur ? (terms.install_recur->install_recur_ind.value.index() == 0
                                             ? " installments"
                                             : " recurring")
                                      : ""));
  return Ok{};
}

Result<PaymentTerms> Merchant::payment_terms(std::string_view order_id) {
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT split, install_recur FROM merchant_payment_terms "
                                               "WHERE order_id = ?",
                                               order_id));
  OPENSET_TRY(bool found, q.step());
  PaymentTerms t;
  if (!found) return t;
  t.split = q.column_int64(0) != 0;
  if (!q.column_is_null(1)) {
    OPENSET_TRY(t.install_recur, asn1::decode<asn1::InstallRecurData>(q.column_blob(1)));
  }
  return t;
}

// The AuthToken of an approved AuthRes replaces the one held (which the gateway has now
// consumed); none: the purchase may not be authorized further.
Status Merchant::record_auth_token(std::string_view order_id, const asn1::AuthResBaggage& baggage) {
  if (baggage.auth_token)
    return sql::exec(db_,
                     "INSERT INTO merchant_payment_terms (order_id, split, auth_token, updated_at) VALUES (?, 0, ?, ?) "
                     "ON CONFLICT(order_id) DO UPDATE SET auth_token = excluded.auth_token, "
                     "updated_at = excluded.updated_at",
                     order_id, asn1::encode(*baggage.auth_token), env_.now());
  return sql::exec(db_, "UPDATE merchant_payment_terms SET auth_token = NULL, updated_at = ? WHERE order_id = ?",
                   env_.now(), order_id);
}

Result<Answer> Merchant::authorize_next(std::string_view order_id, const Money& amount) {
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT o.brand, o.trans_ids, t.auth_token FROM merchant_orders o "
                                               "JOIN merchant_payment_terms t ON t.order_id = o.order_id "
                                               "WHERE o.order_id = ?",
                                               order_id));
  OPENSET_TRY(bool found, q.step());
  if (!found || q.column_is_null(2))
    return Error(Errc::kInvalidArgument, "order " + std::string(order_id) + " holds no AuthToken");
  const std::string brand = q.column_text(0);
  OPENSET_TRY(asn1::TransIDs tids, asn1::decode<asn1::TransIDs>(q.column_blob(1)));
  const Bytes token = q.column_blob(2);
  {
    // An AuthReq still unanswered (its AuthRes lost): the same request again, which the gateway
    // answers with its first AuthRes (idempotent on the RRPID); another amount waits for it.
    OPENSET_TRY(store::Statement p, sql::prepare(db_,
                                                 "SELECT auth_req, currency, amount, amt_exp10, part FROM "
                                                 "merchant_authorizations WHERE order_id = ? AND state = 'authorizing'",
                                                 order_id));
    OPENSET_TRY(bool pending, p.step());
    if (pending) {
      if (!(Money{p.column_int64(1), p.column_int64(2), p.column_int64(3)} == amount))
        return Error(Errc::kInvalidArgument, "order " + std::string(order_id) + " awaits an AuthRes");
      log(fmt::format("merchant: order {}: AuthReq for part {} sent again", order_id, p.column_int64(4)));
      Answer a;
      a.send.push_back(Outgoing{Peer::kGateway, "AuthReq", p.column_blob(0)});
      return a;
    }
  }
  OPENSET_TRY(PaymentTerms terms, payment_terms(order_id));
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + brand);

  // AuthReqData for a PI that is an AuthToken: no CheckDigests (notes §4.2, "omitted when PI =
  // AuthToken"), the same TransIDs, a fresh RRPID.
  const Bytes rrpid = env_.random.bytes(20);
  asn1::AuthReqData ard;
  asn1::AuthReqItem& item = ard.auth_req_item;
  item.auth_tags.auth_rr_tags.rrpid = rrpid;
  item.auth_tags.auth_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(merchant_id_);
  item.auth_tags.auth_rr_tags.current_date = env_.date();
  item.auth_tags.trans_ids = tids;
  item.auth_req_payload.auth_req_amt = amount;
  item.auth_req_payload.subsequent_auth_ind = true;
  item.auth_req_payload.install_recur_data = terms.install_recur;
  ard.capture_now = false;
  OPENSET_TRY(Bytes wire, make_auth_req(env_, config_.credentials, gw->key_exchange_certificate, ard,
                                        explicit_wrap(2, token)));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(auto last, sql::scalar(db_, "SELECT MAX(part) FROM merchant_authorizations WHERE order_id = ?", order_id));
  const std::int64_t part = last ? *last + 1 : 2;
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_authorizations (auth_rrpid, order_id, part, currency, amount, "
                          "amt_exp10, auth_req, state, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, 'authorizing', ?, ?)",
                          rrpid, order_id, part, amount.currency, amount.amount, amount.amt_exp10, wire,
                          env_.now(), env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: AuthReq with the AuthToken for part {} ({})", order_id, part,
                  format_amount(amount)));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "AuthReq", std::move(wire)});
  return a;
}

// AuthRes to a later AuthReq: recorded on its part; the cardholder is not in this exchange.
Result<Answer> Merchant::on_next_auth_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT a.order_id, a.state, a.auth_res_digest, o.brand, o.xid, a.part "
                                               "FROM merchant_authorizations a JOIN merchant_orders o ON "
                                               "o.order_id = a.order_id WHERE a.auth_rrpid = ?",
                                               *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no AuthReq with this RRPID");
  const std::string order_id = q.column_text(0);
  const std::string state = q.column_text(1);
  const std::string brand = q.column_text(3);
  const Bytes xid = q.column_blob(4);
  const std::int64_t part = q.column_int64(5);
  OPENSET_TRY(ByteView body, message_body(der));
  const Bytes digest = sha256(body);
  if (state != "authorizing") {
    if (!q.column_is_null(2) && ct_equal(q.column_blob(2), digest)) return Answer{};  // repeated
    return refusal(ErrorCode::kUnknownRRPID, "this authorization already has its AuthRes");
  }
  OPENSET_TRY(OpenedAuthRes opened, open_auth_res(w, body, brand, xid));
  const asn1::AuthResData& data = opened.data;
  const asn1::AuthResBaggage& baggage = opened.baggage;
  const asn1::AuthHeader& ah = data.auth_res_payload.auth_header;
  const bool approved = ah.auth_code == asn1::AuthCode::kApproved;
  std::optional<Bytes> cap_token;
  if (approved && baggage.cap_token) cap_token = asn1::encode(*baggage.cap_token);

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_authorizations SET state = ?, auth_res_digest = ?, auth_code = ?, "
                          "auth_amount = ?, cap_token = ?, updated_at = ? WHERE auth_rrpid = ?",
                          approved ? "authorized" : "declined", digest, static_cast<std::int64_t>(ah.auth_code),
                          ah.auth_amt.amount, cap_token, env_.now(), *h.rrpid));
  if (approved) OPENSET_CHECK(record_auth_token(order_id, baggage));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: part {} {} (AuthCode {}){}", order_id, part,
                  approved ? "authorized" : "declined", static_cast<int>(ah.auth_code),
                  approved && baggage.auth_token ? ", next AuthToken kept" : ""));
  return Answer{};
}

Result<Answer> Merchant::capture_part(std::string_view order_id, int part, std::optional<Money> amount) {
  if (part == 1) return capture({CaptureItem{std::string(order_id), amount}});
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT a.state, a.cap_token, a.auth_rrpid, a.currency, a.auth_amount, "
                                               "a.amt_exp10, o.trans_ids, o.brand FROM merchant_authorizations a "
                                               "JOIN merchant_orders o ON o.order_id = a.order_id "
                                               "WHERE a.order_id = ? AND a.part = ?",
                                               order_id, static_cast<std::int64_t>(part)));
  OPENSET_TRY(bool found, q.step());
  if (!found) return Error(Errc::kInvalidArgument, fmt::format("order {} has no part {}", order_id, part));
  if (q.column_text(0) != "authorized" || q.column_is_null(1))
    return Error(Errc::kInvalidArgument, fmt::format("part {} of order {} is not authorized", part, order_id));
  CapRequestItem item;
  item.cap_token = q.column_blob(1);
  item.auth_rrpid = q.column_blob(2);
  const Money authorized{q.column_int64(3), q.column_int64(4), q.column_int64(5)};
  item.amount = amount.value_or(authorized);
  OPENSET_TRY(item.trans_ids, asn1::decode<asn1::TransIDs>(q.column_blob(6)));
  const std::string brand = q.column_text(7);
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + brand);
  const Bytes rrpid = env_.random.bytes(20);
  OPENSET_TRY(Bytes wire, make_cap_req(env_, config_.credentials, merchant_id_, gw->key_exchange_certificate, rrpid,
                                       {item}));
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_captures (rrpid, brand, cap_req, state, created_at, updated_at) "
                          "VALUES (?, ?, ?, 'sent', ?, ?)",
                          rrpid, brand, wire, env_.now(), env_.now()));
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_authorizations SET state = 'capturing', cap_rrpid = ?, updated_at = ? "
                          "WHERE auth_rrpid = ?",
                          rrpid, env_.now(), item.auth_rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: CapReq for part {} ({})", order_id, part, format_amount(item.amount)));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "CapReq", std::move(wire)});
  return a;
}

Result<Answer> Merchant::reverse_authorization_part(std::string_view order_id, int part, const Money& new_amount) {
  if (part == 1) return reverse_authorization(order_id, new_amount);
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT a.state, a.cap_token, a.auth_rrpid, a.currency, a.amount, "
                                               "a.amt_exp10, a.auth_req, o.trans_ids, o.brand FROM "
                                               "merchant_authorizations a JOIN merchant_orders o ON "
                                               "o.order_id = a.order_id WHERE a.order_id = ? AND a.part = ?",
                                               order_id, static_cast<std::int64_t>(part)));
  OPENSET_TRY(bool found, q.step());
  if (!found) return Error(Errc::kInvalidArgument, fmt::format("order {} has no part {}", order_id, part));
  if (q.column_text(0) != "authorized")
    return Error(Errc::kInvalidArgument, fmt::format("part {} of order {} is not authorized", part, order_id));
  std::optional<Bytes> cap_token;
  if (!q.column_is_null(1)) cap_token = q.column_blob(1);
  const Bytes auth_rrpid = q.column_blob(2);
  const Money requested{q.column_int64(3), q.column_int64(4), q.column_int64(5)};
  const Bytes auth_req = q.column_blob(6);
  OPENSET_TRY(asn1::TransIDs tids, asn1::decode<asn1::TransIDs>(q.column_blob(7)));
  const std::string brand = q.column_text(8);
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + brand);
  // As send_adjustment: the PI as forwarded (here the AuthToken) from the AuthReq's baggage.
  OPENSET_TRY(ByteView body, message_body(auth_req));
  OPENSET_TRY(Pair parts, split_pair(body));
  const Bytes rrpid = env_.random.bytes(20);
  AuthRevRequest req{tids, auth_rrpid, requested, new_amount, to_bytes(parts.second), cap_token};
  OPENSET_TRY(Bytes wire, make_auth_rev_req(env_, config_.credentials, merchant_id_, gw->key_exchange_certificate,
                                            rrpid, req));
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_adjustments (rrpid, kind, order_id, currency, amount, amt_exp10, "
                          "request, state, created_at, updated_at) VALUES (?, 'authrev', ?, ?, ?, ?, ?, 'sent', ?, ?)",
                          rrpid, order_id, new_amount.currency, new_amount.amount, new_amount.amt_exp10, wire,
                          env_.now(), env_.now()));
  OPENSET_CHECK(sql::exec(db_, "INSERT INTO merchant_part_adjustments (rrpid, auth_rrpid) VALUES (?, ?)", rrpid,
                          auth_rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: AuthRevReq for part {} to {}", order_id, part, format_amount(new_amount)));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "AuthRevReq", std::move(wire)});
  return a;
}

// An AuthRevRes about a part >= 2: recorded on the part (true), not on the order's part 1.
Result<bool> Merchant::on_part_auth_rev_res(ByteView rrpid, bool approved, const Money& amount,
                                            const std::optional<Bytes>& cap_token) {
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_, "SELECT auth_rrpid FROM merchant_part_adjustments WHERE rrpid = ?", rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return false;
  if (approved)
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_authorizations SET state = ?, auth_amount = ?, cap_token = ?, "
                            "updated_at = ? WHERE auth_rrpid = ?",
                            amount.amount == 0 ? "reversed" : "authorized", amount.amount, cap_token, env_.now(),
                            q.column_blob(0)));
  return true;
}

Status Merchant::on_part_cap_res(const asn1::CapResItem& item, ByteView cap_rrpid) {
  const auto& p = item.cap_res_payload;
  const bool ok = p.cap_code == asn1::CapCode::kSuccess;
  return sql::exec(db_,
                   "UPDATE merchant_authorizations SET state = ?, cap_code = ?, cap_amount = ?, updated_at = ? "
                   "WHERE auth_rrpid = ? AND cap_rrpid = ?",
                   ok ? "captured" : "authorized", static_cast<std::int64_t>(p.cap_code), p.cap_amt.amount,
                   env_.now(), item.auth_rrpid, cap_rrpid);
}

// The gateway refused a later AuthReq (the AuthToken stays: the gateway did not consume it) or
// the CapReq of a part.
Status Merchant::on_part_error(ByteView rrpid) {
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_authorizations SET state = 'refused', updated_at = ? WHERE auth_rrpid = ? "
                          "AND state = 'authorizing'",
                          env_.now(), rrpid));
  return sql::exec(db_,
                   "UPDATE merchant_authorizations SET state = 'authorized', updated_at = ? WHERE cap_rrpid = ? "
                   "AND state = 'capturing'",
                   env_.now(), rrpid);
}

Status Merchant::add_parts(OrderView& o) {
  if (!o.auth_rrpid.empty()) {
    AuthorizationPart p;
    p.part = 1;
    p.auth_rrpid = o.auth_rrpid;
    p.state = std::string(to_string(o.state));
    p.requested = o.amount;
    p.auth_code = o.auth_code;
    p.authorized = o.authorized;
    p.cap_code = o.cap_code;
    p.captured = o.captured;
    o.parts.push_back(std::move(p));
  }
  OPENSET_TRY(store::Statement s, sql::prepare(db_,
                                               "SELECT part, auth_rrpid, state, currency, amount, amt_exp10, "
                                               "auth_code, auth_amount, cap_code, cap_amount FROM "
                                               "merchant_authorizations WHERE order_id = ? ORDER BY part",
                                               o.order_id));
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    AuthorizationPart p;
    p.part = static_cast<int>(s.column_int64(0));
    p.auth_rrpid = s.column_blob(1);
    p.state = s.column_text(2);
    p.requested = Money{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
    p.auth_code = sql::opt_int(s, 6);
    if (auto a = sql::opt_int(s, 7)) p.authorized = Money{p.requested.currency, *a, p.requested.amt_exp10};
    p.cap_code = sql::opt_int(s, 8);
    if (auto c = sql::opt_int(s, 9)) p.captured = Money{p.requested.currency, *c, p.requested.amt_exp10};
    o.parts.push_back(std::move(p));
  }
  OPENSET_TRY(auto held, sql::scalar(db_,
                                     "SELECT COUNT(*) FROM merchant_payment_terms WHERE order_id = ? AND "
                                     "auth_token IS NOT NULL",
                                     o.order_id));
  o.has_auth_token = held.value_or(0) > 0;
  return Ok{};
}

}  // namespace openset::roles::purchase
