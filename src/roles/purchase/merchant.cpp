#include "openset/roles/purchase/merchant.hpp"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/pki/identity.hpp"
#include "openset/roles/purchase/messages.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/dual_signature.hpp"
#include "openset/seal/signature.hpp"
#include "split.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS merchant_orders (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id      TEXT NOT NULL UNIQUE,
  od            BLOB NOT NULL,
  currency      INTEGER NOT NULL,
  amount        INTEGER NOT NULL,
  amt_exp10     INTEGER NOT NULL,
  state         TEXT NOT NULL,
  brand         TEXT,
  lid_c         BLOB,
  xid           BLOB UNIQUE,
  trans_ids     BLOB,
  pinit_rrpid   BLOB,
  chall_c       BLOB,
  chall_m       BLOB,
  pinit_res     BLOB,
  preq_digest   BLOB,
  oi_rrpid      BLOB,
  oi_chall_c    BLOB,
  auth_rrpid    BLOB UNIQUE,
  auth_req      BLOB,
  auth_res_digest BLOB,
  auth_code     INTEGER,
  auth_currency INTEGER,
  auth_amount   INTEGER,
  auth_exp10    INTEGER,
  cap_token     BLOB,
  pres          BLOB,
  cap_rrpid     BLOB,
  cap_code      INTEGER,
  cap_currency  INTEGER,
  cap_amount    INTEGER,
  cap_exp10     INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS merchant_captures (
  rrpid         BLOB PRIMARY KEY,
  brand         TEXT NOT NULL,
  cap_req       BLOB NOT NULL,
  cap_res       BLOB,
  state         TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL);
-- AuthRevReq, CapRevReq, CredReq, CredRevReq sent, and their answers (notes §4.5, §4.7).
CREATE TABLE IF NOT EXISTS merchant_adjustments (
  rrpid         BLOB PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('authrev', 'caprev', 'cred', 'credrev')),
  order_id      TEXT NOT NULL,
  currency      INTEGER,
  amount        INTEGER,          -- AuthNewAmt, or the amount to refund / whose refund to reverse
  amt_exp10     INTEGER,
  request       BLOB NOT NULL,
  response      BLOB,
  code          INTEGER,          -- AuthRevCode / CapRevOrCredCode of the answer
  done_amount   INTEGER,          -- what the gateway says was done (capRevOrCredActualAmt)
  state         TEXT NOT NULL,    -- sent / answered / refused
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL);
-- Which cardholder certificate signed the order's PReq: only that cardholder's InqReq is
-- answered (notes §3.11).
CREATE TABLE IF NOT EXISTS merchant_cardholders (
  order_id      TEXT PRIMARY KEY,
  cert_digest   BLOB NOT NULL);
)sql";

constexpr std::string_view kSelectOrder =
    "SELECT order_id, brand, currency, amount, amt_exp10, state, xid, auth_code, auth_currency, "
    "auth_amount, auth_exp10, cap_token, cap_code, cap_currency, cap_amount, cap_exp10, "
    "created_at, updated_at, trans_ids, auth_rrpid, "
    "(SELECT SUM(CASE a.kind WHEN 'cred' THEN a.done_amount ELSE -a.done_amount END) FROM "
    "merchant_adjustments a WHERE a.order_id = merchant_orders.order_id AND a.code = 0 AND "
    "a.kind IN ('cred', 'credrev')) FROM merchant_orders ";

OrderState state_from(std::string_view s) {
  if (s == "initiated") return OrderState::kInitiated;
  if (s == "authorizing") return OrderState::kAuthorizing;
  if (s == "authorized") return OrderState::kAuthorized;
  if (s == "declined") return OrderState::kDeclined;
  if (s == "capturing") return OrderState::kCapturing;
  if (s == "captured") return OrderState::kCaptured;
  if (s == "reversed") return OrderState::kReversed;
  if (s == "refunded") return OrderState::kRefunded;
  return OrderState::kOpen;
}

Bytes blob_or_empty(const store::Statement& s, int col) {
  return s.column_is_null(col) ? Bytes{} : s.column_blob(col);
}

OrderView read_order(const store::Statement& s) {
  OrderView o;
  o.order_id = s.column_text(0);
  o.brand = s.column_is_null(1) ? "" : s.column_text(1);
  o.amount = Money{s.column_int64(2), s.column_int64(3), s.column_int64(4)};
  o.state = state_from(s.column_text(5));
  o.xid = blob_or_empty(s, 6);
  o.auth_code = sql::opt_int(s, 7);
  if (!s.column_is_null(9))
    o.authorized = Money{s.column_int64(8), s.column_int64(9), s.column_int64(10)};
  o.cap_token = blob_or_empty(s, 11);
  o.cap_code = sql::opt_int(s, 12);
  if (!s.column_is_null(14))
    o.captured = Money{s.column_int64(13), s.column_int64(14), s.column_int64(15)};
  o.created_at = s.column_int64(16);
  o.updated_at = s.column_int64(17);
  o.trans_ids = blob_or_empty(s, 18);
  o.auth_rrpid = blob_or_empty(s, 19);
  if (!s.column_is_null(20) && o.captured)
    o.refunded = Money{o.captured->currency, s.column_int64(20), o.captured->amt_exp10};
  return o;
}

// AuthRatio / CapRatio = amount / PurchAmt (notes §3.10).
double ratio(const Money& part, const Money& whole) {
  if (whole.amount == 0) return 0.0;
  double r = static_cast<double>(part.amount) / static_cast<double>(whole.amount);
  for (std::int64_t e = part.amt_exp10; e < whole.amt_exp10; ++e) r /= 10.0;
  for (std::int64_t e = whole.amt_exp10; e < part.amt_exp10; ++e) r *= 10.0;
  return r;
}

}  // namespace

std::string_view to_string(OrderState s) {
  switch (s) {
    case OrderState::kOpen: return "open";
    case OrderState::kInitiated: return "initiated";
    case OrderState::kAuthorizing: return "authorizing";
    case OrderState::kAuthorized: return "authorized";
    case OrderState::kDeclined: return "declined";
    case OrderState::kCapturing: return "capturing";
    case OrderState::kCaptured: return "captured";
    case OrderState::kReversed: return "reversed";
    case OrderState::kRefunded: return "refunded";
  }
  return "?";
}

Merchant::Merchant(store::Database db, MerchantConfig config, Env env, std::string merchant_id)
    : db_(std::move(db)), config_(std::move(config)), env_(env), merchant_id_(std::move(merchant_id)) {}

Result<std::unique_ptr<Merchant>> Merchant::open(const std::string& db_path, MerchantConfig config,
                                                 Env env) {
  if (config.credentials.suite == nullptr) return Error(Errc::kInvalidArgument, "merchant: no suite");
  OPENSET_TRY(std::string mid, merchant_id_of(config.credentials.signature_certificate));
  OPENSET_CHECK(config.credentials.holder());
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(kSchema));
  OPENSET_CHECK(create_batch_schema(db));
  OPENSET_CHECK(db.exec(kMerchantSplitSchema));  // merchant_split.cpp
  std::unique_ptr<Merchant> m(new Merchant(std::move(db), std::move(config), env, std::move(mid)));
  OPENSET_CHECK(m->load_gateway_certificates());
  return m;
}

void Merchant::log(std::string_view line) const {
  if (config_.log) config_.log(line);
}

const GatewayRoute* Merchant::route(std::string_view brand) const {
  for (const auto& g : config_.gateways)
    if (g.brand == brand) return &g;
  return nullptr;
}

Result<std::string> Merchant::create_order(ByteView od, const Money& amount) {
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(auto n, sql::scalar(db_, "SELECT COALESCE(MAX(id), 0) FROM merchant_orders"));
  // LID-M: the merchant's own label (LocalID, 1..20 octets), from a counter.
  std::string order_id = fmt::format("order-{:06}", n.value_or(0) + 1);
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_orders (order_id, od, currency, amount, amt_exp10, "
                          "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                          order_id, od, amount.currency, amount.amount, amount.amt_exp10,
                          env_.now(), env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {} created for {}", order_id, format_amount(amount)));
  return order_id;
}

Answer Merchant::handle(ByteView der) {
  auto w = unwrap(der);
  Peer reply_to = Peer::kCardholder;
  Result<Answer> r = [&]() -> Result<Answer> {
    if (!w.ok()) return w.error();
    std::size_t idx = message_index(*w);
    if (idx == asn1::Message::kAuthorizationResponse || idx == asn1::Message::kCaptureResponse ||
        idx == asn1::Message::kAuthReversalResponse || idx == asn1::Message::kCaptureReversalResponse ||
        idx == asn1::Message::kCreditResponse || idx == asn1::Message::kCreditReversalResponse ||
        idx == asn1::Message::kPCertificateResponse ||
        idx == asn1::Message::kBatchAdministrationResponse)
      reply_to = Peer::kGateway;
    if (idx == asn1::Message::kError) return on_error(*w, der);
    OPENSET_CHECK(check_header(env_, w->message_header, config_.freshness));
    switch (idx) {
      case asn1::Message::kPurchaseInitRequest: return on_pinit_req(*w, der);
      case asn1::Message::kPurchaseRequest: return on_preq(*w, der);
      case asn1::Message::kAuthorizationResponse: return on_auth_res(*w, der);
      case asn1::Message::kCaptureResponse: return on_cap_res(*w, der);
      case asn1::Message::kAuthReversalResponse: return on_auth_rev_res(*w, der);
      case asn1::Message::kCaptureReversalResponse: return on_cap_rev_or_cred_res(*w, der, "caprev");
      case asn1::Message::kCreditResponse: return on_cap_rev_or_cred_res(*w, der, "cred");
      case asn1::Message::kCreditReversalResponse: return on_cap_rev_or_cred_res(*w, der, "credrev");
      case asn1::Message::kInquiryRequest: return on_inq_req(*w, der);
      case asn1::Message::kBatchAdministrationResponse: return on_batch_admin_res(*w, der);
      case asn1::Message::kPCertificateResponse: return on_pcert_res(*w, der);
      default:
        return refusal(ErrorCode::kMessageNotSupported,
                       fmt::format("the merchant does not take {}", message_type_name(idx)));
    }
  }();
  if (r.ok()) return std::move(r).value();
  auto signer = config_.credentials.signer(true);
  return refuse(env_, r.error(), der, signer.ok() ? &*signer : nullptr, reply_to, config_.log,
                "merchant");
}

// PInitReq -> PInitRes ::= S{M, PInitResData} (notes §3.2, §3.3).
Result<Answer> Merchant::on_pinit_req(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  const crypto::Suite& suite = *config_.credentials.suite;
  const auto& req = std::get<asn1::Message::kPurchaseInitRequest>(w.message.value);
  const auto& h = w.message_header;
  if (h.rrpid && !ct_equal(*h.rrpid, req.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from PInitReq's");
  const std::string brand = req.brand_id.text();
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr)
    return refusal(ErrorCode::kUnspecifiedFailure, "the merchant does not accept this brand");
  if (!req.local_id_m)
    return refusal(ErrorCode::kUnknownLID, "PInitReq without LID-M: no order to pay");
  const std::string order_id(as_string_view(*req.local_id_m));

  OPENSET_TRY(store::Statement q,
              sql::prepare(db_, "SELECT id, state, pinit_rrpid, pinit_res FROM merchant_orders "
                                "WHERE order_id = ?",
                           order_id));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownLID, "no such order (LID-M)");
  const std::int64_t id = q.column_int64(0);
  const std::string state = q.column_text(1);
  if (state == "initiated" && !q.column_is_null(2) && ct_equal(q.column_blob(2), req.rrpid)) {
    // The same PInitReq again (a retry): the same PInitRes, nothing new.
    Answer a;
    a.send.push_back(Outgoing{Peer::kCardholder, "PInitRes", q.column_blob(3)});
    return a;
  }
  if (state != "open") return refusal(ErrorCode::kUnknownLID, "this order is already being paid");

  // PInitResData: a fresh XID and Chall-M, the echoes, the gateway's key-exchange certificate.
  asn1::PInitResData data;
  data.trans_ids.lid_c = req.local_id_c;
  data.trans_ids.lid_m = req.local_id_m;
  data.trans_ids.xid = env_.random.bytes(20);
  data.trans_ids.p_req_date = env_.date();
  data.trans_ids.language = req.language;
  data.rrpid = req.rrpid;
  data.chall_c = req.chall_c;
  data.chall_m = env_.random.bytes(20);
  OPENSET_TRY(data.pe_thumb, pki::cert_thumb(suite, gw->key_exchange_certificate));
  data.thumbs = req.thumbs;

  // Send the certificates the wallet does not hold (per its Thumbs).
  std::vector<Bytes> items{config_.credentials.signature_certificate};
  items.insert(items.end(), config_.credentials.chain.begin(), config_.credentials.chain.end());
  items.push_back(gw->key_exchange_certificate);
  items.insert(items.end(), gw->chain.begin(), gw->chain.end());
  std::vector<Bytes> unique;
  for (auto& c : items)
    if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(c);
  if (req.thumbs && req.thumbs->cert_thumbs) {
    OPENSET_TRY(unique, pki::not_held(req.thumbs->digest_algorithm, *req.thumbs->cert_thumbs, unique));
  }
  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(false));
  signer.certificates = std::move(unique);
  OPENSET_TRY(asn1::SignedData sd,
              seal::S(signer, content_type(CT::kPInitResData), asn1::encode(data)));
  asn1::Message m;
  m.value.emplace<asn1::Message::kPurchaseInitResponse>(std::move(sd));
  const asn1::TransIDs& t = data.trans_ids;
  Bytes wire = wrap(make_header(env_, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid}, data.rrpid),
                    std::move(m));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_orders SET state = 'initiated', brand = ?, lid_c = ?, "
                          "xid = ?, trans_ids = ?, pinit_rrpid = ?, chall_c = ?, chall_m = ?, "
                          "pinit_res = ?, updated_at = ? WHERE id = ?",
                          brand, t.lid_c, t.xid, asn1::encode(t), req.rrpid, req.chall_c,
                          data.chall_m, wire, env_.now(), id));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: PInitRes (XID {}) for brand {}", order_id,
                  hex(t.xid).substr(0, 12), brand));
  Answer a;
  a.send.push_back(Outgoing{Peer::kCardholder, "PInitRes", std::move(wire)});
  return a;
}

// PReq -> AuthReq (notes §3.4, §3.8; checks §8.3). The merchant never sees PANData.
Result<Answer> Merchant::on_preq(const asn1::MessageWrapper& w, ByteView der) {
  const crypto::Suite& suite = *config_.credentials.suite;
  const auto& h = w.message_header;
  OPENSET_TRY(ByteView body, message_body(der));
  auto parts_r = preq_parts(body);
  if (!parts_r.ok()) return with_set_code(std::move(parts_r).error(), ErrorCode::kDecodingFailure);
  const PReqParts& parts = *parts_r;
  // A cardholder without a certificate (PReqUnsigned) only where the brand allows it.
  if (parts.unsigned_pi && config_.cardholder_certificate_required)
    return refusal(ErrorCode::kSignatureRequired,
                   "this merchant's brand requires a cardholder certificate (dual-signed PReq)");
  OPENSET_TRY(asn1::OIData oi, asn1::decode<asn1::OIData>(parts.oi_data));

  // Header consistent with the body (notes §1.7).
  if (!h.rrpid || !ct_equal(*h.rrpid, oi.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from OIData's");
  if (h.message_ids && h.message_ids->x_id && !ct_equal(*h.message_ids->x_id, oi.trans_ids.xid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header XID differs from OIData's");

  // §8.3 item 1: the transaction by XID.
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT id, order_id, od, currency, amount, amt_exp10, state, brand, "
                           "trans_ids, chall_m, preq_digest, auth_req, pres FROM merchant_orders "
                           "WHERE xid = ?",
                           oi.trans_ids.xid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownXID, "no purchase with this XID");
  const std::int64_t id = q.column_int64(0);
  const std::string order_id = q.column_text(1);
  const Bytes od = q.column_blob(2);
  const Money amount{q.column_int64(3), q.column_int64(4), q.column_int64(5)};
  const std::string state = q.column_text(6);
  const std::string brand = q.column_text(7);
  const Bytes trans_ids_der = q.column_blob(8);
  const Bytes chall_m = q.column_blob(9);
  const Bytes digest = sha256(body);
  if (state != "initiated") {
    // A PReq already accepted: the same bytes again get the first answer (the AuthReq again,
    // which the gateway answers idempotently, or the PRes); anything else reuses a spent
    // Chall-M (§8.3 item 2: replay of an old PReq fails).
    if (!q.column_is_null(10) && ct_equal(q.column_blob(10), digest)) {
      Answer a;
      if (!q.column_is_null(12)) a.send.push_back(Outgoing{Peer::kCardholder, "PRes", q.column_blob(12)});
      else a.send.push_back(Outgoing{Peer::kGateway, "AuthReq", blob_or_empty(q, 11)});
      log(fmt::format("merchant: order {}: PReq repeated, first answer again", order_id));
      return a;
    }
    return refusal(ErrorCode::kChallengeMismatch, "Chall-M of this purchase was already used");
  }

  // §8.3 item 4: the cardholder's signature certificate (card type, the order's brand, valid,
  // not revoked) and the dual signature over DD(OIData received) + DD(PIData). An unsigned PReq
  // has neither: the gateway ties its PI to this order by HOIData (notes §3.8).
  std::optional<Bytes> ch_cert;
  if (!parts.unsigned_pi) {
    OPENSET_TRY(asn1::SignedData pi_sig, asn1::decode<asn1::SignedData>(parts.pi_signature));
    if (pi_sig.signer_infos.size() != 1)
      return refusal(ErrorCode::kSignatureFailure, "PISignature must have one signer");
    std::vector<Bytes> pool = pi_sig.certificates ? *pi_sig.certificates : std::vector<Bytes>{};
    pool.insert(pool.end(), config_.trust.certificates.begin(), config_.trust.certificates.end());
    ch_cert = find_certificate(pi_sig.signer_infos[0].issuer_and_serial_number, pool);
    if (!ch_cert) return refusal(ErrorCode::kMissingCertificate, "no cardholder certificate");
    OPENSET_TRY(pki::ValidatedPath path, validate_certificate(env_, *ch_cert, pki::CertType::kCardholder,
                                                              config_.trust, pool, brand));
    std::vector<seal::TrustedSigner> trusted{
        seal::TrustedSigner{path.leaf_key, pi_sig.signer_infos[0].issuer_and_serial_number}};
    auto dual = seal::verify_dual_signature_merchant(pi_sig, parts.oi_data, parts.h_pi_data,
                                                     trusted, config_.trust.policy);
    if (!dual.ok()) return with_set_code(std::move(dual).error(), ErrorCode::kSignatureFailure);
  } else {
    // The DD{PIDataUnsigned} must at least be a detached digest of our suite.
    auto dd = asn1::decode<asn1::DigestedData>(parts.h_pi_data);
    if (!dd.ok() || dd->content_info.content ||
        !(dd->content_info.content_type == content_type(CT::kPIDataUnsigned)))
      return refusal(ErrorCode::kDecodingFailure, "OIUnsigned: t2 is not a detached DD{PIDataUnsigned}");
  }

  // §8.3 item 2: the TransIDs it issued and the Chall-M it sent.
  if (asn1::encode(oi.trans_ids) != trans_ids_der) {
    OPENSET_TRY(asn1::TransIDs issued, asn1::decode<asn1::TransIDs>(trans_ids_der));
    if (issued.lid_c != oi.trans_ids.lid_c || issued.lid_m != oi.trans_ids.lid_m)
      return refusal(ErrorCode::kUnknownLID, "OIData names other LIDs than PInitRes");
    return refusal(ErrorCode::kUnknownXID, "OIData.transIDs differ from those of PInitRes");
  }
  if (!oi.chall_m || !ct_equal(*oi.chall_m, chall_m))
    return refusal(ErrorCode::kChallengeMismatch, "OIData does not carry our Chall-M");
  if (oi.brand_id.text() != brand)
    return refusal(ErrorCode::kUnspecifiedFailure, "OIData names another brand than PInitReq");
  OPENSET_CHECK(check_freshness(env_, oi.trans_ids.p_req_date, config_.freshness, "PReqDate"));

  // §8.3 item 3: HOD from its own OD and amount with the cardholder's ODSalt.
  asn1::HODInput hi;
  hi.od = od;
  hi.purch_amt = amount;
  hi.od_salt = oi.od_salt;
  OPENSET_TRY(PaymentTerms terms, payment_terms(order_id));  // merchant_split.cpp
  hi.install_recur_data = terms.install_recur;                // notes §3.9
  Bytes hi_der = asn1::encode(hi);
  auto hod_ok = seal::check_DD(oi.hod, content_type(CT::kHODInput), hi_der, config_.trust.policy);
  if (!hod_ok.ok())
    return refusal(ErrorCode::kUnspecifiedFailure,
                   "HOD does not match the merchant's order description and amount",
                   Errc::kDigestMismatch);
  OPENSET_TRY(asn1::DigestedData hod2, seal::DD(suite, content_type(CT::kHODInput), hi_der));

  // §8.3 item 5: forward the PI unchanged (PI ::= CHOICE { ..., piDualSigned [1] ... }).
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr) return refusal(ErrorCode::kUnspecifiedFailure, "no gateway for this brand");
  Bytes auth_rrpid = env_.random.bytes(20);
  OPENSET_TRY(asn1::AuthReqData ard,
              make_auth_req_data(env_, suite, merchant_id_, auth_rrpid, oi.trans_ids,
                                 parts.oi_data, hod2, amount));
  ard.auth_req_item.auth_req_payload.subsequent_auth_ind = terms.split;  // asks for an AuthToken
  ard.auth_req_item.auth_req_payload.install_recur_data = terms.install_recur;
  Bytes pi = parts.unsigned_pi ? explicit_wrap(0, parts.pi_unsigned) : explicit_wrap(1, parts.pi_dual_signed);
  OPENSET_TRY(Bytes auth_req,
              make_auth_req(env_, config_.credentials, gw->key_exchange_certificate, ard, pi));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_orders SET state = 'authorizing', preq_digest = ?, "
                          "oi_rrpid = ?, oi_chall_c = ?, auth_rrpid = ?, auth_req = ?, "
                          "updated_at = ? WHERE id = ?",
                          digest, oi.rrpid, oi.chall_c, auth_rrpid, auth_req, env_.now(), id));
  if (ch_cert)
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO merchant_cardholders (order_id, cert_digest) VALUES (?, ?) "
                            "ON CONFLICT (order_id) DO UPDATE SET cert_digest = excluded.cert_digest",
                            order_id, sha256(*ch_cert)));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: PReq checked ({}, HOD, Chall-M), AuthReq for {}", order_id,
                  parts.unsigned_pi ? "unsigned, no cardholder certificate" : "dual signature",
                  format_amount(amount)));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "AuthReq", std::move(auth_req)});
  return a;
}

// AuthRes ::= CHOICE { encB [0] EncB{P, M, AuthResData, AuthResBaggage}, encBX [1] ... }:
// encBX would carry a PANToken, which this merchant must never receive (notes §8.1). Opened with
// our key; a gateway signature certificate of the order's brand; the RRPID and XID ours.
Result<Merchant::OpenedAuthRes> Merchant::open_auth_res(const asn1::MessageWrapper& w, ByteView body,
                                                        const std::string& brand, ByteView xid) {
  const auto& h = w.message_header;
  const auto& res = std::get<asn1::Message::kAuthorizationResponse>(w.message.value);
  if (res.value.index() != 0)
    return refusal(ErrorCode::kMessageNotSupported, "AuthRes with a PANToken (encBX) refused");
  OPENSET_TRY(ByteView encb, explicit_inner(body, 0));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  seal::EncBTypes types{content_type(CT::kAuthResBaggage), content_type(CT::kAuthResTBS),
                        content_type(CT::kAuthResTBE)};
  OPENSET_TRY(OpenedSigned o, open_encb(env_, encb, holder, types, pki::CertType::kGatewaySignature,
                                        config_.trust, brand));
  OpenedAuthRes out;
  OPENSET_TRY(out.data, asn1::decode<asn1::AuthResData>(o.content));
  OPENSET_TRY(out.baggage, asn1::decode<asn1::AuthResBaggage>(o.baggage));
  if (!h.rrpid || !ct_equal(out.data.auth_tags.auth_rr_tags.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "AuthRes RRPID differs from the header's");
  if (!ct_equal(out.data.auth_tags.trans_ids.xid, xid))
    return refusal(ErrorCode::kUnknownXID, "AuthRes names another XID");
  return out;
}

// AuthRes -> PRes ::= S{M, PResData} (notes §4.3, §3.10).
Result<Answer> Merchant::on_auth_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "AuthRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT id, order_id, currency, amount, amt_exp10, state, brand, xid, "
                           "trans_ids, oi_rrpid, oi_chall_c, auth_res_digest, pres, lid_c "
                           "FROM merchant_orders WHERE auth_rrpid = ?",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return on_next_auth_res(w, der);  // a later authorization (merchant_split.cpp)
  const std::int64_t id = q.column_int64(0);
  const std::string order_id = q.column_text(1);
  const Money amount{q.column_int64(2), q.column_int64(3), q.column_int64(4)};
  const std::string state = q.column_text(5);
  const std::string brand = q.column_text(6);
  const Bytes xid = q.column_blob(7);
  const Bytes trans_ids_der = q.column_blob(8);
  const Bytes oi_rrpid = q.column_blob(9);
  const Bytes oi_chall_c = q.column_blob(10);
  OPENSET_TRY(ByteView body, message_body(der));
  const Bytes digest = sha256(body);
  if (state != "authorizing") {
    if (!q.column_is_null(11) && ct_equal(q.column_blob(11), digest)) {
      Answer a;  // the gateway repeated its answer: the cardholder gets the same PRes
      if (!q.column_is_null(12)) a.send.push_back(Outgoing{Peer::kCardholder, "PRes", q.column_blob(12)});
      return a;
    }
    return refusal(ErrorCode::kUnknownRRPID, "this authorization already has its AuthRes");
  }

  OPENSET_TRY(OpenedAuthRes opened, open_auth_res(w, body, brand, xid));
  const asn1::AuthResData& data = opened.data;
  const asn1::AuthResBaggage& baggage = opened.baggage;
  const asn1::AuthHeader& ah = data.auth_res_payload.auth_header;
  const bool approved = ah.auth_code == asn1::AuthCode::kApproved;
  std::optional<Bytes> cap_token;
  if (baggage.cap_token) cap_token = asn1::encode(*baggage.cap_token);

  // PRes (notes §3.10): AuthStatus with AuthRatio = AuthAmt / PurchAmt.
  OPENSET_TRY(asn1::TransIDs tids, asn1::decode<asn1::TransIDs>(trans_ids_der));
  asn1::PResPayload p;
  p.completion_code = amount.amount == 0 ? asn1::CompletionCode::kMeaninglessRatio
                                         : asn1::CompletionCode::kAuthorizationPerformed;
  asn1::Results results;
  asn1::AuthStatus st;
  st.auth_date = env_.date();
  st.auth_code = ah.auth_code;
  st.auth_ratio = approved ? ratio(ah.auth_amt, amount) : 0.0;
  results.auth_status = st;
  if (baggage.acq_card_msg) results.acq_card_msg = baggage.acq_card_msg;  // opaque, forwarded
  p.results = std::move(results);
  OPENSET_TRY(Bytes wire, make_pres(tids, oi_rrpid, oi_chall_c, std::move(p)));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_orders SET state = ?, auth_res_digest = ?, auth_code = ?, "
                          "auth_currency = ?, auth_amount = ?, auth_exp10 = ?, cap_token = ?, "
                          "pres = ?, updated_at = ? WHERE id = ?",
                          approved ? "authorized" : "declined", digest,
                          static_cast<std::int64_t>(ah.auth_code), ah.auth_amt.currency,
                          ah.auth_amt.amount, ah.auth_amt.amt_exp10, cap_token, wire, env_.now(),
                          id));
  if (approved) OPENSET_CHECK(record_auth_token(order_id, baggage));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: AuthRes {} (AuthCode {}), PRes sent", order_id,
                  approved ? "approved" : "declined", static_cast<int>(ah.auth_code)));
  Answer a;
  a.send.push_back(Outgoing{Peer::kCardholder, "PRes", std::move(wire)});
  return a;
}

// PRes ::= S{M, PResData} with one payload (notes §3.10), in a MessageWrapper for the wallet.
Result<Bytes> Merchant::make_pres(const asn1::TransIDs& tids, const Bytes& oi_rrpid,
                                  const Bytes& oi_chall_c, asn1::PResPayload payload, bool inquiry) {
  asn1::PResData pres;
  pres.trans_ids = tids;
  pres.rrpid = oi_rrpid;
  pres.chall_c = oi_chall_c;
  pres.p_res_payload_seq.push_back(std::move(payload));
  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
  OPENSET_TRY(asn1::SignedData sd, seal::S(signer, content_type(CT::kPResData), asn1::encode(pres)));
  asn1::Message m;
  if (inquiry) m.value.emplace<asn1::Message::kInquiryResponse>(std::move(sd));  // InqRes ::= PRes
  else m.value.emplace<asn1::Message::kPurchaseResponse>(std::move(sd));
  return wrap(make_header(env_, asn1::MessageIDs{tids.lid_c, tids.lid_m, tids.xid}, oi_rrpid),
              std::move(m));
}

Result<Answer> Merchant::capture(const std::vector<CaptureItem>& items) {
  struct Pick {
    std::string order_id;
    std::string brand;
    CapRequestItem item;
  };
  std::vector<Pick> picks;
  auto take = [&](const store::Statement& s, const std::optional<Money>& amount) -> Status {
    Pick p;
    p.order_id = s.column_text(0);
    p.brand = s.column_text(1);
    if (s.column_text(2) != "authorized")
      return Error(Errc::kInvalidArgument, "order " + p.order_id + " is not authorized");
    if (s.column_is_null(3))
      return Error(Errc::kInvalidArgument, "order " + p.order_id + " has no CapToken");
    p.item.cap_token = s.column_blob(3);
    OPENSET_TRY(p.item.trans_ids, asn1::decode<asn1::TransIDs>(s.column_blob(4)));
    p.item.auth_rrpid = s.column_blob(5);
    p.item.amount = amount ? *amount : Money{s.column_int64(6), s.column_int64(7), s.column_int64(8)};
    picks.push_back(std::move(p));
    return Ok{};
  };
  constexpr std::string_view kPick =
      "SELECT order_id, brand, state, cap_token, trans_ids, auth_rrpid, auth_currency, "
      "auth_amount, auth_exp10 FROM merchant_orders ";
  if (items.empty()) {
    OPENSET_TRY(store::Statement s,
                db_.prepare(std::string(kPick) + "WHERE state = 'authorized' ORDER BY id"));
    for (;;) {
      OPENSET_TRY(bool row, s.step());
      if (!row) break;
      OPENSET_CHECK(take(s, std::nullopt));
    }
  } else {
    for (const auto& it : items) {
      OPENSET_TRY(store::Statement s,
                  sql::prepare(db_, std::string(kPick) + "WHERE order_id = ?", it.order_id));
      OPENSET_TRY(bool row, s.step());
      if (!row) return Error(Errc::kInvalidArgument, "no order " + it.order_id);
      OPENSET_CHECK(take(s, it.amount));
      picks.back().item.batch_id = it.batch_id;
    }
  }
  if (picks.empty()) return Error(Errc::kInvalidArgument, "nothing to capture");

  // One CapReq per gateway (brand).
  std::map<std::string, std::vector<const Pick*>> by_brand;
  for (const auto& p : picks) by_brand[p.brand].push_back(&p);
  Answer a;
  OPENSET_TRY(store::Transaction tx, db_.begin());
  for (const auto& [brand, group] : by_brand) {
    const GatewayRoute* gw = route(brand);
    if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + brand);
    std::vector<CapRequestItem> reqs;
    for (const Pick* p : group) reqs.push_back(p->item);
    Bytes rrpid = env_.random.bytes(20);
    OPENSET_TRY(Bytes wire, make_cap_req(env_, config_.credentials, merchant_id_,
                                         gw->key_exchange_certificate, rrpid, reqs));
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO merchant_captures (rrpid, brand, cap_req, state, "
                            "created_at, updated_at) VALUES (?, ?, ?, 'sent', ?, ?)",
                            rrpid, brand, wire, env_.now(), env_.now()));
    for (const Pick* p : group)
      OPENSET_CHECK(sql::exec(db_,
                              "UPDATE merchant_orders SET state = 'capturing', cap_rrpid = ?, "
                              "updated_at = ? WHERE order_id = ?",
                              rrpid, env_.now(), p->order_id));
    log(fmt::format("merchant: CapReq with {} item(s) to the {} gateway", group.size(), brand));
    a.send.push_back(Outgoing{Peer::kGateway, "CapReq", std::move(wire)});
  }
  OPENSET_CHECK(tx.commit());
  return a;
}

// CapRes ::= Enc{P, M, CapResData} (notes §4.6).
Result<Answer> Merchant::on_cap_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "CapRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_, "SELECT brand, cap_res FROM merchant_captures WHERE rrpid = ?",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no CapReq with this RRPID");
  const std::string brand = q.column_text(0);
  if (!q.column_is_null(1)) {
    if (q.column_blob(1) == to_bytes(der)) return Answer{};
    return refusal(ErrorCode::kUnknownRRPID, "this CapReq already has its CapRes");
  }
  const auto& ed = std::get<asn1::Message::kCaptureResponse>(w.message.value);
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  OPENSET_TRY(OpenedSigned o,
              open_enc(env_, ed, holder,
                       seal::EncTypes{content_type(CT::kCapResData), content_type(CT::kCapResTBE)},
                       pki::CertType::kGatewaySignature, config_.trust, brand));
  OPENSET_TRY(asn1::CapResData data, asn1::decode<asn1::CapResData>(o.content));
  if (!ct_equal(data.cap_rr_tags.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "CapRes RRPID differs from the header's");

  OPENSET_TRY(store::Transaction tx, db_.begin());
  for (const asn1::CapResItem& it : data.cap_res_item_seq) {
    const auto& p = it.cap_res_payload;
    const bool ok = p.cap_code == asn1::CapCode::kSuccess;
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_orders SET state = ?, cap_code = ?, cap_currency = ?, "
                            "cap_amount = ?, cap_exp10 = ?, updated_at = ? WHERE xid = ? AND "
                            "auth_rrpid = ? AND cap_rrpid = ?",
                            ok ? "captured" : "authorized", static_cast<std::int64_t>(p.cap_code),
                            p.cap_amt.currency, p.cap_amt.amount, p.cap_amt.amt_exp10, env_.now(),
                            it.trans_ids.xid, it.auth_rrpid, *h.rrpid));
    if (ok && p.batch_id)
      OPENSET_CHECK(record_batch_item(BatchItemKind::kCapture, *p.batch_id, p.batch_sequence_num.value_or(0),
                                      it.trans_ids.xid, p.cap_amt, *h.rrpid));
    OPENSET_CHECK(on_part_cap_res(it, *h.rrpid));
  }
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_captures SET cap_res = ?, state = 'answered', "
                          "updated_at = ? WHERE rrpid = ?",
                          der, env_.now(), *h.rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: CapRes with {} item(s) recorded", data.cap_res_item_seq.size()));
  return Answer{};
}

// An Error from the gateway (signed by a gateway of the brand) about an AuthReq or a CapReq.
Result<Answer> Merchant::on_error(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  OPENSET_TRY(ReceivedError e, read_error(w));
  std::optional<Bytes> rrpid = e.about ? e.about->rrpid : w.message_header.rrpid;
  if (!rrpid) return Answer{};
  // Only a gateway's signed Error changes an order's state.
  const auto& err = std::get<asn1::Message::kError>(w.message.value);
  if (err.value.index() != 0) {
    log("merchant: unsigned Error ignored");
    return Answer{};
  }
  auto cs = verify_signed(env_, std::get<0>(err.value), content_type(CT::kErrorTBS),
                          pki::CertType::kGatewaySignature, config_.trust);
  if (!cs.ok()) {
    log("merchant: Error with a signature that does not verify ignored");
    return Answer{};
  }
  // An AuthReq the gateway refused: the order is declined and the cardholder learns it from a
  // PRes with CompletionCode orderRejected (notes §3.10).
  Answer a;
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT id, trans_ids, oi_rrpid, oi_chall_c FROM merchant_orders "
                           "WHERE auth_rrpid = ? AND state = 'authorizing'",
                           *rrpid));
  OPENSET_TRY(bool pending, q.step());
  OPENSET_TRY(store::Transaction tx, db_.begin());
  if (pending) {
    OPENSET_TRY(asn1::TransIDs tids, asn1::decode<asn1::TransIDs>(q.column_blob(1)));
    asn1::PResPayload p;
    p.completion_code = asn1::CompletionCode::kOrderRejected;
    OPENSET_TRY(Bytes wire, make_pres(tids, q.column_blob(2), q.column_blob(3), std::move(p)));
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_orders SET state = 'declined', pres = ?, updated_at = ? "
                            "WHERE id = ?",
                            wire, env_.now(), q.column_int64(0)));
    a.send.push_back(Outgoing{Peer::kCardholder, "PRes", std::move(wire)});
  }
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_orders SET state = 'authorized', updated_at = ? "
                          "WHERE cap_rrpid = ? AND state = 'capturing'",
                          env_.now(), *rrpid));
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_captures SET state = 'refused', updated_at = ? "
                          "WHERE rrpid = ?",
                          env_.now(), *rrpid));
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_adjustments SET state = 'refused', code = ?, updated_at = ? "
                          "WHERE rrpid = ? AND state = 'sent'",
                          -static_cast<std::int64_t>(e.code), env_.now(), *rrpid));
  OPENSET_CHECK(on_part_error(*rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: the gateway refused a request (ErrorCode {})", static_cast<int>(e.code)));
  return a;
}

// ---------------------------------------------------------------- reversals, credits, inquiry

Result<Answer> Merchant::reverse_authorization(std::string_view order_id, const Money& new_amount) {
  return send_adjustment(order_id, "authrev", new_amount);
}
Result<Answer> Merchant::reverse_capture(std::string_view order_id) {
  return send_adjustment(order_id, "caprev", std::nullopt);
}
Result<Answer> Merchant::credit(std::string_view order_id, const Money& amount,
                                std::optional<std::int64_t> batch_id) {
  return send_adjustment(order_id, "cred", amount, batch_id);
}
Result<Answer> Merchant::reverse_credit(std::string_view order_id, const Money& amount) {
  return send_adjustment(order_id, "credrev", amount);
}
Result<Answer> Merchant::pending_credits(std::string_view order_id) {
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT request FROM merchant_adjustments WHERE order_id = ? AND kind = 'cred' AND "
                           "state = 'sent' ORDER BY created_at, rrpid",
                           order_id));
  Answer a;
  for (;;) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    a.send.push_back(Outgoing{Peer::kGateway, "CredReq", q.column_blob(0)});
  }
  return a;
}

// Builds and records one AuthRevReq / CapRevReq / CredReq / CredRevReq for an order the gateway
// authorized. The amounts and the order's state are the gateway's to judge (it answers with an
// AuthRevCode / CapRevOrCredCode); the merchant only needs the authorization's identifiers.
Result<Answer> Merchant::send_adjustment(std::string_view order_id, std::string_view kind,
                                         std::optional<Money> amount, std::optional<std::int64_t> batch_id) {
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT brand, trans_ids, auth_rrpid, auth_code, currency, amount, amt_exp10, "
                           "cap_token, auth_req, auth_currency, auth_amount, auth_exp10, cap_currency, "
                           "cap_amount, cap_exp10 FROM merchant_orders WHERE order_id = ?",
                           order_id));
  OPENSET_TRY(bool found, q.step());
  if (!found) return Error(Errc::kInvalidArgument, "no order " + std::string(order_id));
  if (q.column_is_null(2) || q.column_is_null(1) || q.column_is_null(3) || q.column_int64(3) != 0)
    return Error(Errc::kInvalidArgument, "order " + std::string(order_id) + " was never authorized");
  const std::string brand = q.column_text(0);
  const GatewayRoute* gw = route(brand);
  if (gw == nullptr) return Error(Errc::kInvalidArgument, "no gateway for brand " + brand);
  OPENSET_TRY(asn1::TransIDs tids, asn1::decode<asn1::TransIDs>(q.column_blob(1)));
  const Bytes auth_rrpid = q.column_blob(2);
  const Money purchase{q.column_int64(4), q.column_int64(5), q.column_int64(6)};
  std::optional<Bytes> cap_token;
  if (!q.column_is_null(7)) cap_token = q.column_blob(7);
  const Money authorized{q.column_int64(9), q.column_int64(10), q.column_int64(11)};
  const Money captured = q.column_is_null(13) ? authorized
                                              : Money{q.column_int64(12), q.column_int64(13), q.column_int64(14)};
  Bytes rrpid = env_.random.bytes(20);
  Bytes wire;
  std::string type;
  if (kind == "authrev") {
    // The PI as forwarded: the AuthReq's baggage (EncB = SEQUENCE { enc, baggage }, outside the
    // envelope, so the merchant can copy it; notes §4.5 AuthRevReqBaggage.pi).
    const Bytes auth_req = q.column_blob(8);
    OPENSET_TRY(ByteView body, message_body(auth_req));
    OPENSET_TRY(Pair parts, split_pair(body));
    AuthRevRequest req{tids, auth_rrpid, purchase, *amount, to_bytes(parts.second), cap_token};
    OPENSET_TRY(wire, make_auth_rev_req(env_, config_.credentials, merchant_id_, gw->key_exchange_certificate,
                                        rrpid, req));
    type = "AuthRevReq";
  } else {
    CapRevOrCred k = kind == "caprev" ? CapRevOrCred::kCapRev
                     : kind == "cred" ? CapRevOrCred::kCred
                                      : CapRevOrCred::kCredRev;
    CapRevOrCredItem item{tids, auth_rrpid, captured, kind == "caprev" ? std::optional<Money>(captured) : amount,
                          cap_token};
    item.new_batch_id = batch_id;  // newBatchID (set-1.asn1 line 1438)
    OPENSET_TRY(wire, make_cap_rev_or_cred_req(env_, config_.credentials, merchant_id_,
                                               gw->key_exchange_certificate, rrpid, k, {item}));
    type = kind == "caprev" ? "CapRevReq" : kind == "cred" ? "CredReq" : "CredRevReq";
  }
  const Money asked = amount.value_or(captured);
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_adjustments (rrpid, kind, order_id, currency, amount, amt_exp10, "
                          "request, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?)",
                          rrpid, kind, order_id, asked.currency, asked.amount, asked.amt_exp10, wire, env_.now(),
                          env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: {} for {} to the {} gateway", order_id, type, format_amount(asked), brand));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, type, std::move(wire)});
  return a;
}

// AuthRevRes ::= CHOICE { encB EncB{P, M, AuthRevResData, AuthRevResBaggage}, enc Enc{P, M,
// AuthRevResData} } (notes §4.5).
Result<Answer> Merchant::on_auth_rev_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "AuthRevRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT a.order_id, a.response, o.brand FROM merchant_adjustments a JOIN "
                           "merchant_orders o ON o.order_id = a.order_id WHERE a.rrpid = ? AND a.kind = 'authrev'",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no AuthRevReq with this RRPID");
  const std::string order_id = q.column_text(0);
  const std::string brand = q.column_text(2);
  if (!q.column_is_null(1)) {
    if (q.column_blob(1) == to_bytes(der)) return Answer{};
    return refusal(ErrorCode::kUnknownRRPID, "this AuthRevReq already has its AuthRevRes");
  }
  const auto& res = std::get<asn1::Message::kAuthReversalResponse>(w.message.value);
  OPENSET_TRY(ByteView body, message_body(der));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  asn1::AuthRevResData data;
  std::optional<Bytes> cap_token_new;
  if (res.value.index() == 0) {
    OPENSET_TRY(ByteView encb, explicit_inner(body, 0));
    seal::EncBTypes types{content_type(CT::kAuthRevResBaggage), content_type(CT::kAuthRevResTBS),
                          content_type(CT::kAuthRevResTBEB)};
    OPENSET_TRY(OpenedSigned o, open_encb(env_, encb, holder, types, pki::CertType::kGatewaySignature,
                                          config_.trust, brand));
    OPENSET_TRY(data, asn1::decode<asn1::AuthRevResData>(o.content));
    OPENSET_TRY(asn1::AuthRevResBaggage bag, asn1::decode<asn1::AuthRevResBaggage>(o.baggage));
    if (bag.cap_token_new) cap_token_new = asn1::encode(*bag.cap_token_new);
  } else {
    OPENSET_TRY(OpenedSigned o,
                open_enc(env_, std::get<1>(res.value), holder,
                         seal::EncTypes{content_type(CT::kAuthRevResData), content_type(CT::kAuthRevResTBE)},
                         pki::CertType::kGatewaySignature, config_.trust, brand));
    OPENSET_TRY(data, asn1::decode<asn1::AuthRevResData>(o.content));
  }
  if (!ct_equal(data.auth_rev_tags.auth_rev_rr_tags.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "AuthRevRes RRPID differs from the header's");
  const bool approved = data.auth_rev_code == asn1::AuthRevCode::kApproved;
  const Money& amt = data.auth_new_amt;
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_TRY(bool of_part, on_part_auth_rev_res(*h.rrpid, approved, amt, cap_token_new));  // merchant_split.cpp
  if (approved && !of_part)
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_orders SET state = ?, auth_currency = ?, auth_amount = ?, "
                            "auth_exp10 = ?, cap_token = ?, updated_at = ? WHERE order_id = ?",
                            amt.amount == 0 ? "reversed" : "authorized", amt.currency, amt.amount, amt.amt_exp10,
                            cap_token_new, env_.now(), order_id));
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_adjustments SET response = ?, code = ?, done_amount = ?, "
                          "state = 'answered', updated_at = ? WHERE rrpid = ?",
                          der, static_cast<std::int64_t>(data.auth_rev_code), amt.amount, env_.now(), *h.rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: AuthRevRes AuthRevCode {}, authorized {}", order_id,
                  static_cast<int>(data.auth_rev_code), format_amount(amt)));
  return Answer{};
}

// CapRevRes / CredRes / CredRevRes ::= Enc{P, M, CapRevResData | CredResData | CredRevResData}.
Result<Answer> Merchant::on_cap_rev_or_cred_res(const asn1::MessageWrapper& w, ByteView der,
                                                std::string_view kind) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "response without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT a.order_id, a.response, o.brand FROM merchant_adjustments a JOIN "
                           "merchant_orders o ON o.order_id = a.order_id WHERE a.rrpid = ? AND a.kind = ?",
                           *h.rrpid, kind));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no request of this kind with this RRPID");
  const std::string order_id = q.column_text(0);
  const std::string brand = q.column_text(2);
  if (!q.column_is_null(1)) {
    if (q.column_blob(1) == to_bytes(der)) return Answer{};
    return refusal(ErrorCode::kUnknownRRPID, "this request already has its answer");
  }
  const asn1::EnvelopedData* ed = nullptr;
  CT data_type = CT::kCapRevResData, tbe = CT::kCapRevResTBE;
  if (kind == "caprev") {
    ed = &std::get<asn1::Message::kCaptureReversalResponse>(w.message.value);
  } else if (kind == "cred") {
    ed = &std::get<asn1::Message::kCreditResponse>(w.message.value);
    data_type = CT::kCredResData;
    tbe = CT::kCredResTBE;
  } else {
    ed = &std::get<asn1::Message::kCreditReversalResponse>(w.message.value);
    data_type = CT::kCredRevResData;
    tbe = CT::kCredRevResTBE;
  }
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  OPENSET_TRY(OpenedSigned o, open_enc(env_, *ed, holder, seal::EncTypes{content_type(data_type), content_type(tbe)},
                                       pki::CertType::kGatewaySignature, config_.trust, brand));
  Result<asn1::CapRevOrCredResData> data_r = [&]() -> Result<asn1::CapRevOrCredResData> {
    if (kind == "caprev") {
      OPENSET_TRY(auto d, asn1::decode<asn1::CapRevResData>(o.content));
      return d.get();
    }
    if (kind == "cred") {
      OPENSET_TRY(auto d, asn1::decode<asn1::CredResData>(o.content));
      return d.get();
    }
    OPENSET_TRY(auto d, asn1::decode<asn1::CredRevResData>(o.content));
    return d.get();
  }();
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  if (!ct_equal(data_r->cap_rev_or_cred_rr_tags.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "response RRPID differs from the header's");
  if (data_r->cap_rev_or_cred_res_item_seq.size() != 1)
    return refusal(ErrorCode::kDecodingFailure, "one item expected (one order per request)", Errc::kConstraint);
  const asn1::CapRevOrCredResPayload& p = data_r->cap_rev_or_cred_res_item_seq[0].cap_rev_or_cred_res_payload;
  const bool ok = p.cap_rev_or_cred_code == asn1::CapRevOrCredCode::kSuccess;
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_adjustments SET response = ?, code = ?, done_amount = ?, "
                          "state = 'answered', updated_at = ? WHERE rrpid = ?",
                          der, static_cast<std::int64_t>(p.cap_rev_or_cred_code),
                          p.cap_rev_or_cred_actual_amt.amount, env_.now(), *h.rrpid));
  if (ok && p.batch_id)
    OPENSET_CHECK(record_batch_item(kind == "caprev" ? BatchItemKind::kCaptureReversal
                                    : kind == "cred" ? BatchItemKind::kCredit
                                                     : BatchItemKind::kCreditReversal,
                                    *p.batch_id, p.batch_sequence_num.value_or(0),
                                    data_r->cap_rev_or_cred_res_item_seq[0].trans_ids.xid,
                                    p.cap_rev_or_cred_actual_amt, *h.rrpid));
  if (ok && kind == "caprev") {
    // The capture is void: the order is authorized again (its CapToken still names the hold).
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_orders SET state = 'authorized', cap_code = NULL, cap_currency = NULL, "
                            "cap_amount = NULL, cap_exp10 = NULL, cap_rrpid = NULL, updated_at = ? "
                            "WHERE order_id = ?",
                            env_.now(), order_id));
  } else if (ok) {
    // Refunded in full -> refunded; a refund reversed -> captured again.
    OPENSET_CHECK(sql::exec(db_,
                            "UPDATE merchant_orders SET state = CASE WHEN cap_amount <= COALESCE((SELECT "
                            "SUM(CASE a.kind WHEN 'cred' THEN a.done_amount ELSE -a.done_amount END) FROM "
                            "merchant_adjustments a WHERE a.order_id = merchant_orders.order_id AND a.code = 0 "
                            "AND a.kind IN ('cred', 'credrev')), 0) THEN 'refunded' ELSE 'captured' END, "
                            "updated_at = ? WHERE order_id = ?",
                            env_.now(), order_id));
  }
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: order {}: {} answered with CapRevOrCredCode {}", order_id, kind,
                  static_cast<int>(p.cap_rev_or_cred_code)));
  return Answer{};
}

// InqReq (notes §3.11) -> InqRes ::= PRes: where the order stands, for its cardholder only.
Result<Answer> Merchant::on_inq_req(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  const auto& h = w.message_header;
  const auto& inq = std::get<asn1::Message::kInquiryRequest>(w.message.value);
  asn1::InqReqData data;
  std::optional<Bytes> signer;
  if (inq.value.index() == 0) {
    // InqReqSigned ::= S{C, InqReqData}: a cardholder certificate that validates.
    OPENSET_TRY(CertifiedSignature cs, verify_signed(env_, std::get<0>(inq.value), content_type(CT::kInqReqData),
                                                     pki::CertType::kCardholder, config_.trust));
    auto d = asn1::decode<asn1::InqReqData>(cs.content);
    if (!d.ok()) return with_set_code(std::move(d).error(), ErrorCode::kDecodingFailure);
    data = std::move(d).value();
    signer = std::move(cs.signer_certificate);
  } else {
    data = std::get<1>(inq.value);
  }
  if (!h.rrpid || !ct_equal(*h.rrpid, data.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from InqReqData's");
  // The order: by XID, with exactly the TransIDs this merchant issued (an unsigned InqReq proves
  // nothing else; P-20), and, when signed, by the cardholder whose certificate signed the PReq.
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT o.order_id, o.trans_ids, o.state, o.currency, o.amount, o.amt_exp10, "
                           "o.auth_code, o.auth_currency, o.auth_amount, o.auth_exp10, o.cap_code, "
                           "o.cap_currency, o.cap_amount, o.cap_exp10, o.updated_at, c.cert_digest "
                           "FROM merchant_orders o LEFT JOIN merchant_cardholders c ON c.order_id = o.order_id "
                           "WHERE o.xid = ?",
                           data.trans_ids.xid));
  OPENSET_TRY(bool found, q.step());
  if (!found || q.column_is_null(1) || q.column_blob(1) != asn1::encode(data.trans_ids))
    return refusal(ErrorCode::kUnknownXID, "no purchase with these TransIDs");
  if (signer && !q.column_is_null(15) && !ct_equal(q.column_blob(15), sha256(*signer)))
    return refusal(ErrorCode::kUnknownXID, "the purchase is another cardholder's");
  const std::string order_id = q.column_text(0);
  const std::string state = q.column_text(2);
  const Money purchase{q.column_int64(3), q.column_int64(4), q.column_int64(5)};
  der::Time updated = der::Time::from_unix(q.column_int64(14));
  asn1::PResPayload p;
  asn1::Results results;
  if (state == "initiated") {
    p.completion_code = asn1::CompletionCode::kOrderNotReceived;  // InqReq without PReq
  } else if (state == "authorizing") {
    p.completion_code = asn1::CompletionCode::kOrderReceived;
  } else {
    // AuthStatus / CapStatus / CreditStatus with their ratios to PurchAmt (notes §3.10).
    if (!q.column_is_null(6)) {
      asn1::AuthStatus st;
      st.auth_date = updated;
      st.auth_code = static_cast<asn1::AuthCode>(q.column_int64(6));
      st.auth_ratio = q.column_int64(6) == 0 && !q.column_is_null(8)
                          ? ratio(Money{q.column_int64(7), q.column_int64(8), q.column_int64(9)}, purchase)
                          : 0.0;
      results.auth_status = st;
      p.completion_code = asn1::CompletionCode::kAuthorizationPerformed;
    } else {
      p.completion_code = asn1::CompletionCode::kOrderRejected;
    }
    if (!q.column_is_null(10) && !q.column_is_null(12) && (state == "captured" || state == "refunded")) {
      asn1::CapStatus cs;
      cs.cap_date = updated;
      cs.cap_code = static_cast<asn1::CapCode>(q.column_int64(10));
      cs.cap_ratio = ratio(Money{q.column_int64(11), q.column_int64(12), q.column_int64(13)}, purchase);
      results.cap_status = cs;
      p.completion_code = asn1::CompletionCode::kCapturePerformed;
    }
    // Every completed refund that is not reversed (the reversals are matched by amount).
    OPENSET_TRY(store::Statement c,
                sql::prepare(db_,
                             "SELECT kind, done_amount, currency, amt_exp10, updated_at FROM merchant_adjustments "
                             "WHERE order_id = ? AND code = 0 AND kind IN ('cred', 'credrev') "
                             "ORDER BY created_at, rowid",
                             order_id));
    std::vector<std::pair<Money, std::int64_t>> credits;
    for (;;) {
      OPENSET_TRY(bool row, c.step());
      if (!row) break;
      Money m{c.column_int64(2), c.column_int64(1), c.column_int64(3)};
      if (c.column_text(0) == "cred") {
        credits.emplace_back(m, c.column_int64(4));
      } else {
        for (auto it = credits.rbegin(); it != credits.rend(); ++it)
          if (it->first == m) {
            credits.erase(std::next(it).base());
            break;
          }
      }
    }
    if (!credits.empty()) {
      std::vector<asn1::CreditStatus> seq;
      for (const auto& [m, when] : credits) {
        asn1::CreditStatus cs;
        cs.credit_date = der::Time::from_unix(when);
        cs.credit_code = asn1::CapRevOrCredCode::kSuccess;
        cs.credit_ratio = ratio(m, purchase);
        seq.push_back(cs);
      }
      results.cred_status_seq = std::move(seq);
      p.completion_code = asn1::CompletionCode::kCreditPerformed;
    }
    if (purchase.amount == 0) p.completion_code = asn1::CompletionCode::kMeaninglessRatio;
    p.results = std::move(results);
  }
  OPENSET_TRY(Bytes wire, make_pres(data.trans_ids, data.rrpid, data.chall_c2, std::move(p), true));
  log(fmt::format("merchant: order {}: InqReq ({}) answered, state {}", order_id,
                  signer ? "signed" : "unsigned", state));
  Answer a;
  a.send.push_back(Outgoing{Peer::kCardholder, "InqRes", std::move(wire)});
  return a;
}

Result<std::vector<OrderView>> Merchant::orders() {
  OPENSET_TRY(store::Statement s, db_.prepare(std::string(kSelectOrder) + "ORDER BY id"));
  std::vector<OrderView> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(read_order(s));
    OPENSET_CHECK(add_parts(out.back()));
  }
  return out;
}

Result<OrderView> Merchant::order(std::string_view order_id) {
  OPENSET_TRY(store::Statement s,
              sql::prepare(db_, std::string(kSelectOrder) + "WHERE order_id = ?", order_id));
  OPENSET_TRY(bool row, s.step());
  if (!row) return Error(Errc::kInvalidArgument, "no order " + std::string(order_id));
  OrderView o = read_order(s);
  OPENSET_CHECK(add_parts(o));
  return o;
}

Result<Answer> Merchant::pending_authorizations(int limit) {
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT order_id, auth_req FROM merchant_orders WHERE state = 'authorizing' "
                           "AND auth_req IS NOT NULL ORDER BY id LIMIT ?",
                           static_cast<std::int64_t>(limit)));
  Answer a;
  for (;;) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    a.send.push_back(Outgoing{Peer::kGateway, "AuthReq", q.column_blob(1)});
    log(fmt::format("merchant: order {}: AuthReq sent again (no AuthRes before the restart)", q.column_text(0)));
  }
  return a;
}

}  // namespace openset::roles::purchase
