#include "openset/roles/purchase/wallet.hpp"

#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/dual_signature.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS wallet_purchases (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant      TEXT NOT NULL,
  brand         TEXT NOT NULL,
  currency      INTEGER NOT NULL,
  amount        INTEGER NOT NULL,
  amt_exp10     INTEGER NOT NULL,
  od_summary    TEXT NOT NULL,
  pan_last4     TEXT NOT NULL,
  od            BLOB NOT NULL,
  lid_c         BLOB NOT NULL UNIQUE,
  lid_m         BLOB,
  xid           BLOB,
  pinit_rrpid   BLOB NOT NULL UNIQUE,
  pinit_chall_c BLOB NOT NULL,
  thumbs        BLOB,
  preq_rrpid    BLOB UNIQUE,
  preq_chall_c  BLOB,
  merchant_cert BLOB,
  status        TEXT NOT NULL,
  auth_code     INTEGER,
  completion    INTEGER,
  error_code    INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL);
-- The MerchantID the purchase initiation named (PurchaseOrder::merchant_id), when it named one.
CREATE TABLE IF NOT EXISTS wallet_expected_merchant (
  purchase_id   INTEGER PRIMARY KEY REFERENCES wallet_purchases(id),
  merchant_id   TEXT NOT NULL);
-- The InstallRecurData of a purchase, when the cardholder agreed to one (notes §3.9).
CREATE TABLE IF NOT EXISTS wallet_install_recur (
  purchase_id   INTEGER PRIMARY KEY REFERENCES wallet_purchases(id),
  data          BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS wallet_trail (
  purchase_id   INTEGER NOT NULL REFERENCES wallet_purchases(id),
  seq           INTEGER NOT NULL,
  direction     TEXT NOT NULL,
  type          TEXT NOT NULL,
  message       BLOB NOT NULL,
  at            INTEGER NOT NULL,
  PRIMARY KEY (purchase_id, seq));
-- InqReq sent (notes §3.11): the InqRes must echo RRPID and Chall-C2.
CREATE TABLE IF NOT EXISTS wallet_inquiries (
  rrpid         BLOB PRIMARY KEY,
  purchase_id   INTEGER NOT NULL REFERENCES wallet_purchases(id),
  chall_c2      BLOB NOT NULL,
  state         TEXT NOT NULL,
  created_at    INTEGER NOT NULL);
)sql";

constexpr std::string_view kSelectEntry =
    "SELECT id, merchant, brand, currency, amount, amt_exp10, od_summary, pan_last4, xid, status, "
    "auth_code, completion, error_code, created_at, updated_at FROM wallet_purchases ";

WalletStatus status_from(std::string_view s) {
  if (s == "requested") return WalletStatus::kRequested;
  if (s == "authorized") return WalletStatus::kAuthorized;
  if (s == "captured") return WalletStatus::kCaptured;
  if (s == "declined") return WalletStatus::kDeclined;
  if (s == "refused") return WalletStatus::kRefused;
  if (s == "refunded") return WalletStatus::kRefunded;
  if (s == "cancelled") return WalletStatus::kCancelled;
  return WalletStatus::kInitiated;
}

LogEntry read_entry(const store::Statement& s) {
  LogEntry e;
  e.id = s.column_int64(0);
  e.merchant = s.column_text(1);
  e.brand = s.column_text(2);
  e.amount = Money{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
  e.od_summary = s.column_text(6);
  e.pan_last4 = s.column_text(7);
  if (!s.column_is_null(8)) e.xid = s.column_blob(8);
  e.status = status_from(s.column_text(9));
  e.auth_code = sql::opt_int(s, 10);
  e.completion_code = sql::opt_int(s, 11);
  e.error_code = sql::opt_int(s, 12);
  e.created_at = s.column_int64(13);
  e.updated_at = s.column_int64(14);
  return e;
}

}  // namespace

std::string_view to_string(WalletStatus s) {
  switch (s) {
    case WalletStatus::kInitiated: return "initiated";
    case WalletStatus::kRequested: return "requested";
    case WalletStatus::kAuthorized: return "authorized";
    case WalletStatus::kCaptured: return "captured";
    case WalletStatus::kDeclined: return "declined";
    case WalletStatus::kRefused: return "refused";
    case WalletStatus::kRefunded: return "refunded";
    case WalletStatus::kCancelled: return "cancelled";
  }
  return "?";
}

Wallet::Wallet(store::Database db, WalletConfig config, Env env)
    : db_(std::move(db)), config_(std::move(config)), env_(env) {}

Result<std::unique_ptr<Wallet>> Wallet::open(const std::string& db_path, WalletConfig config,
                                             Env env) {
  if (config.credentials.suite == nullptr)
    return Error(Errc::kInvalidArgument, "wallet: no suite");
  // A card with a certificate has its PANSecret and CardSecret; a card without one (PReqUnsigned,
  // notes §3.8) has neither.
  const bool certified = !config.credentials.signature_certificate.empty();
  if (certified && (config.card.pan_secret.size() != 20 || config.card.card_secret.size() != 20))
    return Error(Errc::kInvalidArgument, "wallet: PANSecret and CardSecret must be 20 octets");
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(kSchema));
  return std::unique_ptr<Wallet>(new Wallet(std::move(db), std::move(config), env));
}

Status Wallet::trail(std::int64_t id, std::string_view direction, std::string_view type,
                     ByteView msg) {
  OPENSET_TRY(auto n, sql::scalar(db_, "SELECT COUNT(*) FROM wallet_trail WHERE purchase_id = ?", id));
  return sql::exec(db_,
                   "INSERT INTO wallet_trail (purchase_id, seq, direction, type, message, at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   id, n.value_or(0) + 1, direction, type, msg, env_.now());
}

Result<Started> Wallet::start_purchase(const PurchaseOrder& order) {
  const crypto::Suite& suite = *config_.credentials.suite;
  const Card& card = config_.card;
  if (card.pan.size() < 6) return Error(Errc::kInvalidArgument, "wallet: card without a PAN");

  // PInitReq (notes §3.2): clear text; a fresh RRPID, LID-C and Chall-C.
  asn1::PInitReq req;
  req.rrpid = env_.random.bytes(20);
  req.language = config_.language;
  req.local_id_c = env_.random.bytes(20);
  req.local_id_m = order.lid_m;
  req.chall_c = env_.random.bytes(20);
  req.brand_id = asn1::BrandID(card.brand);
  req.bin = card.pan.substr(0, 6);
  // The certificates the wallet already holds: the merchant need not send them again.
  std::vector<Bytes> held = config_.trust.certificates;
  OPENSET_TRY(asn1::Thumbs thumbs, pki::make_thumbs(suite, held, {}, {}));
  req.thumbs = thumbs;

  asn1::Message m;
  m.value.emplace<asn1::Message::kPurchaseInitRequest>(req);
  asn1::MessageIDs ids;
  ids.lid_c = req.local_id_c;
  ids.lid_m = req.local_id_m;
  Bytes wire = wrap(make_header(env_, ids, req.rrpid), std::move(m));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(
      db_,
      "INSERT INTO wallet_purchases (merchant, brand, currency, amount, amt_exp10, od_summary, "
      "pan_last4, od, lid_c, lid_m, pinit_rrpid, pinit_chall_c, thumbs, status, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'initiated', ?, ?)",
      order.merchant, card.brand, order.amount.currency, order.amount.amount,
      order.amount.amt_exp10, order.od_summary, last4(card.pan), order.od, req.local_id_c,
      req.local_id_m, req.rrpid, req.chall_c, asn1::encode(thumbs), env_.now(), env_.now()));
  OPENSET_TRY(auto id, sql::scalar(db_, "SELECT last_insert_rowid()"));
  if (order.merchant_id)
    OPENSET_CHECK(sql::exec(db_, "INSERT INTO wallet_expected_merchant (purchase_id, merchant_id) VALUES (?, ?)", *id,
                            *order.merchant_id));
  if (order.install_recur)
    OPENSET_CHECK(sql::exec(db_, "INSERT INTO wallet_install_recur (purchase_id, data) VALUES (?, ?)", *id,
                            asn1::encode(*order.install_recur)));
  OPENSET_CHECK(trail(*id, "sent", "PInitReq", wire));
  OPENSET_CHECK(tx.commit());
  if (config_.log)
    config_.log(fmt::format("wallet: purchase {} started with {} for {} ({} card ending {})", *id,
                            order.merchant, format_amount(order.amount), card.brand, last4(card.pan)));
  return Started{*id, std::move(wire)};
}

Answer Wallet::handle(ByteView der) {
  auto w = unwrap(der);
  Result<Answer> r = [&]() -> Result<Answer> {
    if (!w.ok()) return w.error();
    OPENSET_CHECK(check_header(env_, w->message_header, config_.freshness));
    switch (message_index(*w)) {
      case asn1::Message::kPurchaseInitResponse: return on_pinit_res(*w, der);
      case asn1::Message::kPurchaseResponse: return on_pres(*w, der);
      case asn1::Message::kInquiryResponse: return on_inq_res(*w, der);
      case asn1::Message::kError: return on_error(*w, der);
      default:
        return refusal(ErrorCode::kMessageNotSupported,
                       fmt::format("the wallet does not take {}",
                                   message_type_name(message_index(*w))));
    }
  }();
  if (r.ok()) return std::move(r).value();
  auto signer = config_.credentials.signer(false);
  return refuse(env_, r.error(), der, signer.ok() ? &*signer : nullptr, Peer::kMerchant,
                config_.log, "wallet");
}

// PInitRes ::= S{M, PInitResData} (notes §3.3; checks §8.2).
Result<Answer> Wallet::on_pinit_res(const asn1::MessageWrapper& w, ByteView der) {
  const crypto::Suite& suite = *config_.credentials.suite;
  const Card& card = config_.card;
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "PInitRes without an RRPID");

  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT id, lid_c, lid_m, pinit_chall_c, thumbs, od, currency, amount, "
                           "amt_exp10 FROM wallet_purchases WHERE pinit_rrpid = ? AND "
                           "status = 'initiated'",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no PInitReq awaits this PInitRes");
  const std::int64_t id = q.column_int64(0);
  const Bytes lid_c = q.column_blob(1);
  const std::optional<Bytes> lid_m =
      q.column_is_null(2) ? std::nullopt : std::optional<Bytes>(q.column_blob(2));
  const Bytes chall_c = q.column_blob(3);
  const Bytes thumbs_der = q.column_blob(4);
  const Bytes od = q.column_blob(5);
  const Money amount{q.column_int64(6), q.column_int64(7), q.column_int64(8)};

  // The merchant's signature: a merchant signature certificate of the card's brand (§8.2).
  const auto& sd = std::get<asn1::Message::kPurchaseInitResponse>(w.message.value);
  OPENSET_TRY(CertifiedSignature cs,
              verify_signed(env_, sd, content_type(CT::kPInitResData),
                            pki::CertType::kMerchantSignature, config_.trust, card.brand));
  OPENSET_TRY(asn1::PInitResData data, asn1::decode<asn1::PInitResData>(cs.content));

  // Echoes (notes §3.3, §1.7).
  if (!ct_equal(data.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "PInitResData.rrpid differs from the header's");
  if (!ct_equal(data.chall_c, chall_c))
    return refusal(ErrorCode::kChallengeMismatch, "PInitRes does not echo our Chall-C");
  if (!ct_equal(data.trans_ids.lid_c, lid_c))
    return refusal(ErrorCode::kUnknownLID, "PInitRes names another LID-C");
  if (lid_m && (!data.trans_ids.lid_m || !ct_equal(*data.trans_ids.lid_m, *lid_m)))
    return refusal(ErrorCode::kUnknownLID, "PInitRes names another LID-M");
  if (h.message_ids && ((h.message_ids->x_id && !ct_equal(*h.message_ids->x_id, data.trans_ids.xid)) ||
                        (h.message_ids->lid_c && !ct_equal(*h.message_ids->lid_c, lid_c))))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header IDs differ from PInitResData's");
  if (!data.thumbs || asn1::encode(*data.thumbs) != thumbs_der)
    return refusal(ErrorCode::kThumbsMismatch, "PInitRes does not echo our Thumbs");

  // The gateway's key-exchange certificate named by peThumb: gateway key-exchange type, same
  // brand, valid path (§8.2).
  std::vector<Bytes> pool = sd.certificates ? *sd.certificates : std::vector<Bytes>{};
  pool.insert(pool.end(), config_.trust.certificates.begin(), config_.trust.certificates.end());
  std::optional<Bytes> gateway_kx = find_by_thumb(suite, data.pe_thumb, pool);
  if (!gateway_kx)
    return refusal(ErrorCode::kMissingCertificate, "no certificate matches peThumb");
  OPENSET_CHECK(validate_certificate(env_, *gateway_kx, pki::CertType::kGatewayKeyExchange,
                                     config_.trust, pool, card.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(cs.signer_certificate));
  // The merchant who answers is the one the purchase initiation named (Book 1 presents the
  // initiation as what starts the wallet; OpenSET's wallet holds the merchant to it): a
  // certificate of another merchant of the brand is valid, yet not whom the cardholder is paying.
  {
    OPENSET_TRY(store::Statement e, sql::prepare(db_, "SELECT merchant_id FROM wallet_expected_merchant "
                                                      "WHERE purchase_id = ?", id));
    OPENSET_TRY(bool named, e.step());
    if (named && e.column_text(0) != merchant_id)
      return refusal(ErrorCode::kInvalidCertificate,
                     fmt::format("PInitRes is signed by merchant {}, not by {} whom the purchase initiation "
                                 "named; no PReq was sent", merchant_id, e.column_text(0)));
  }

  // The purchase request (notes §3.8).
  const asn1::TransIDs& tids = data.trans_ids;
  Bytes od_salt = env_.random.bytes(20);
  asn1::HODInput hod_input;
  hod_input.od = od;
  hod_input.purch_amt = amount;
  hod_input.od_salt = od_salt;
  std::optional<asn1::InstallRecurData> install_recur;
  {
    OPENSET_TRY(store::Statement ir, sql::prepare(db_, "SELECT data FROM wallet_install_recur WHERE purchase_id = ?", id));
    OPENSET_TRY(bool has, ir.step());
    if (has) {
      OPENSET_TRY(install_recur, asn1::decode<asn1::InstallRecurData>(ir.column_blob(0)));
    }
  }
  hod_input.install_recur_data = install_recur;
  OPENSET_TRY(asn1::DigestedData hod,
              seal::DD(suite, content_type(CT::kHODInput), asn1::encode(hod_input)));

  asn1::OIData oi;
  oi.trans_ids = tids;
  oi.rrpid = env_.random.bytes(20);
  oi.chall_c = env_.random.bytes(20);
  oi.hod = hod;
  oi.od_salt = od_salt;
  oi.chall_m = data.chall_m;
  oi.brand_id = asn1::BrandID(card.brand);
  oi.bin = card.pan.substr(0, 6);
  Bytes oi_der = asn1::encode(oi);

  // A cardholder without a signature certificate sends PReqUnsigned (notes §3.8): the PANToken
  // instead of PANData, no dual signature, and TransStain keyed with the PANToken's exNonce
  // (there is no CardSecret; docs/departures.md P-23).
  const bool certified = !config_.credentials.signature_certificate.empty();
  const Bytes unsigned_ex_nonce = certified ? Bytes{} : env_.random.bytes(20);
  asn1::PIHead head;
  head.trans_ids = tids;
  head.inputs.hod = hod;
  head.inputs.purch_amt = amount;
  head.merchant_id = asn1::MerchantID(merchant_id);
  head.install_recur_data = install_recur;
  OPENSET_TRY(head.trans_stain, seal::HMAC(suite, certified ? card.card_secret.view() : ByteView(unsigned_ex_nonce),
                                           xid_der(tids.xid)));
  head.sw_ident = std::string(kSoftwareIdent);
  Bytes head_der = asn1::encode(head);

  OPENSET_TRY(seal::Recipient gateway, recipient_of(*gateway_kx, suite));
  asn1::PReq preq;
  if (certified) {
    asn1::PANData pan_data;
    pan_data.pan = card.pan;
    pan_data.card_expiry = card.expiry;
    pan_data.pan_secret = card.pan_secret.expose();
    pan_data.ex_nonce = env_.random.bytes(20);
    SecretBytes pan_der(asn1::encode(pan_data));
    secure_wipe(pan_data.pan_secret);
    secure_wipe(pan_data.pan.data(), pan_data.pan.size());

    OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
    OPENSET_TRY(seal::DualSignedPI dual,
                seal::seal_dual_signed_pi(signer, gateway, head_der, oi_der, pan_der.view()));
    OPENSET_TRY(asn1::PIDualSigned pi, asn1::decode<asn1::PIDualSigned>(dual.pi_dual_signed));
    OPENSET_TRY(asn1::OIDualSigned oids, asn1::decode<asn1::OIDualSigned>(dual.oi_dual_signed));
    preq.value.emplace<0>(asn1::PReqDualSigned{std::move(pi), std::move(oids)});
  } else {
    asn1::PANToken token;
    token.pan = card.pan;
    token.card_expiry = card.expiry;
    token.ex_nonce = unsigned_ex_nonce;
    SecretBytes token_der(asn1::encode(token));
    secure_wipe(token.pan.data(), token.pan.size());
    OPENSET_TRY(seal::UnsignedPI u, seal::seal_unsigned_pi(suite, gateway, head_der, oi_der, token_der.view()));
    OPENSET_TRY(asn1::OIUnsigned oiu, asn1::decode<asn1::OIUnsigned>(u.oi_unsigned));
    preq.value.emplace<1>(asn1::PReqUnsigned{std::move(u.pi_unsigned), std::move(oiu)});
  }
  asn1::Message m;
  m.value.emplace<asn1::Message::kPurchaseRequest>(std::move(preq));
  Bytes wire = wrap(make_header(env_, asn1::MessageIDs{tids.lid_c, tids.lid_m, tids.xid}, oi.rrpid),
                    std::move(m));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE wallet_purchases SET xid = ?, lid_m = ?, preq_rrpid = ?, "
                          "preq_chall_c = ?, merchant_cert = ?, status = 'requested', "
                          "updated_at = ? WHERE id = ?",
                          tids.xid, tids.lid_m, oi.rrpid, oi.chall_c, cs.signer_certificate,
                          env_.now(), id));
  OPENSET_CHECK(trail(id, "received", "PInitRes", der));
  OPENSET_CHECK(trail(id, "sent", "PReq", wire));
  OPENSET_CHECK(tx.commit());
  if (config_.log)
    config_.log(fmt::format("wallet: purchase {}: PInitRes checked (merchant {}), PReq sent", id,
                            merchant_id));
  Answer a;
  a.send.push_back(Outgoing{Peer::kMerchant, "PReq", std::move(wire)});
  return a;
}

// PRes ::= S{M, PResData} (notes §3.10; checks §8.2).
Result<Answer> Wallet::on_pres(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "PRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT id, lid_c, xid, preq_chall_c, merchant_cert, status FROM "
                           "wallet_purchases WHERE preq_rrpid = ?",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no PReq awaits this PRes");
  const std::int64_t id = q.column_int64(0);
  const Bytes lid_c = q.column_blob(1);
  const Bytes xid = q.column_blob(2);
  const Bytes chall_c = q.column_blob(3);
  const Bytes merchant_cert = q.column_blob(4);
  const std::string status = q.column_text(5);
  if (status != "requested") {
    // A PRes repeated by the merchant (our retried PReq): nothing to record again.
    OPENSET_TRY(auto same, sql::scalar(db_,
                                       "SELECT COUNT(*) FROM wallet_trail WHERE purchase_id = ? "
                                       "AND type = 'PRes' AND message = ?",
                                       id, der));
    if (same.value_or(0) > 0) return Answer{};
    return refusal(ErrorCode::kUnknownRRPID, "this purchase already has its PRes");
  }

  const auto& sd = std::get<asn1::Message::kPurchaseResponse>(w.message.value);
  OPENSET_TRY(CertifiedSignature cs,
              verify_signed(env_, sd, content_type(CT::kPResData),
                            pki::CertType::kMerchantSignature, config_.trust, config_.card.brand));
  if (cs.signer_certificate != merchant_cert)
    return refusal(ErrorCode::kInvalidCertificate,
                   "PRes is signed by another merchant than PInitRes", Errc::kSignature);
  OPENSET_TRY(asn1::PResData data, asn1::decode<asn1::PResData>(cs.content));
  if (!ct_equal(data.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "PResData.rrpid differs from the header's");
  if (!ct_equal(data.chall_c, chall_c))
    return refusal(ErrorCode::kChallengeMismatch, "PRes does not echo our Chall-C");
  if (!ct_equal(data.trans_ids.xid, xid))
    return refusal(ErrorCode::kUnknownXID, "PRes names another XID");
  if (!ct_equal(data.trans_ids.lid_c, lid_c))
    return refusal(ErrorCode::kUnknownLID, "PRes names another LID-C");

  // The latest payload says where the purchase stands (one payload per event, notes §3.10).
  const asn1::PResPayload& p = data.p_res_payload_seq.back();
  std::string new_status = "declined";
  std::optional<std::int64_t> auth_code;
  if (p.results && p.results->auth_status)
    auth_code = static_cast<std::int64_t>(p.results->auth_status->auth_code);
  switch (p.completion_code) {
    case asn1::CompletionCode::kCapturePerformed:
      new_status = (p.results && p.results->cap_status &&
                    p.results->cap_status->cap_code == asn1::CapCode::kSuccess)
                       ? "captured" : "authorized";
      break;
    case asn1::CompletionCode::kAuthorizationPerformed:
      new_status = (auth_code && *auth_code == 0) ? "authorized" : "declined";
      break;
    case asn1::CompletionCode::kOrderReceived:
      new_status = "requested";
      break;
    default:
      new_status = "declined";
  }

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE wallet_purchases SET status = ?, auth_code = ?, completion = ?, "
                          "updated_at = ? WHERE id = ?",
                          new_status, auth_code, static_cast<std::int64_t>(p.completion_code),
                          env_.now(), id));
  OPENSET_CHECK(trail(id, "received", "PRes", der));
  OPENSET_CHECK(tx.commit());
  if (config_.log) config_.log(fmt::format("wallet: purchase {}: PRes checked, {}", id, new_status));
  return Answer{};
}

// InqReq (notes §3.11): signed S{C, InqReqData} (or the unsigned form), with the TransIDs of the
// merchant's PInitRes, a fresh RRPID and Chall-C2.
Result<Bytes> Wallet::inquire(std::int64_t id, bool sign) {
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT t.message FROM wallet_trail t WHERE t.purchase_id = ? AND "
                           "t.type = 'PInitRes' AND t.direction = 'received' ORDER BY t.seq LIMIT 1",
                           id));
  OPENSET_TRY(bool found, q.step());
  if (!found) return Error(Errc::kInvalidArgument, fmt::format("wallet: purchase {} has no PInitRes", id));
  // The TransIDs as the merchant issued them (PInitResData, signed by the merchant, checked).
  OPENSET_TRY(asn1::MessageWrapper pw, unwrap(q.column_blob(0)));
  const auto& sd = std::get<asn1::Message::kPurchaseInitResponse>(pw.message.value);
  if (!sd.content_info.content) return Error(Errc::kMalformed, "wallet: PInitRes without content");
  OPENSET_TRY(asn1::PInitResData pinit, asn1::decode<asn1::PInitResData>(*sd.content_info.content));
  asn1::InqReqData data;
  data.trans_ids = pinit.trans_ids;
  data.rrpid = env_.random.bytes(20);
  data.chall_c2 = env_.random.bytes(20);
  asn1::InqReq inq;
  if (sign) {
    OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
    OPENSET_TRY(asn1::SignedData s, seal::S(signer, content_type(CT::kInqReqData), asn1::encode(data)));
    inq.value.emplace<0>(std::move(s));
  } else {
    inq.value.emplace<1>(data);
  }
  asn1::Message m;
  m.value.emplace<asn1::Message::kInquiryRequest>(std::move(inq));
  const asn1::TransIDs& t = data.trans_ids;
  Bytes wire = wrap(make_header(env_, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid}, data.rrpid), std::move(m));
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO wallet_inquiries (rrpid, purchase_id, chall_c2, state, created_at) "
                          "VALUES (?, ?, ?, 'sent', ?)",
                          data.rrpid, id, data.chall_c2, env_.now()));
  OPENSET_CHECK(trail(id, "sent", "InqReq", wire));
  OPENSET_CHECK(tx.commit());
  if (config_.log) config_.log(fmt::format("wallet: purchase {}: InqReq sent", id));
  return wire;
}

// InqRes ::= PRes (notes §3.10-§3.11): the merchant of the purchase, our RRPID and Chall-C2, the
// TransIDs; the payload's status goes into the log.
Result<Answer> Wallet::on_inq_res(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  if (!h.rrpid) return refusal(ErrorCode::kBadMessageHeader, "InqRes without an RRPID");
  OPENSET_TRY(store::Statement q,
              sql::prepare(db_,
                           "SELECT i.purchase_id, i.chall_c2, i.state, p.xid, p.lid_c, p.merchant_cert, p.status "
                           "FROM wallet_inquiries i JOIN wallet_purchases p ON p.id = i.purchase_id "
                           "WHERE i.rrpid = ?",
                           *h.rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no InqReq awaits this InqRes");
  const std::int64_t id = q.column_int64(0);
  const Bytes chall_c2 = q.column_blob(1);
  if (q.column_text(2) != "sent") return Answer{};  // answered already
  const Bytes xid = q.column_is_null(3) ? Bytes{} : q.column_blob(3);
  const Bytes lid_c = q.column_blob(4);
  const Bytes merchant_cert = q.column_is_null(5) ? Bytes{} : q.column_blob(5);
  std::string status = q.column_text(6);
  const auto& sd = std::get<asn1::Message::kInquiryResponse>(w.message.value);
  OPENSET_TRY(CertifiedSignature cs,
              verify_signed(env_, sd, content_type(CT::kPResData), pki::CertType::kMerchantSignature,
                            config_.trust, config_.card.brand));
  if (cs.signer_certificate != merchant_cert)
    return refusal(ErrorCode::kInvalidCertificate, "InqRes is signed by another merchant than PInitRes",
                   Errc::kSignature);
  OPENSET_TRY(asn1::PResData data, asn1::decode<asn1::PResData>(cs.content));
  if (!ct_equal(data.rrpid, *h.rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "PResData.rrpid differs from the header's");
  if (!ct_equal(data.chall_c, chall_c2)) return refusal(ErrorCode::kChallengeMismatch, "InqRes does not echo Chall-C2");
  if (!ct_equal(data.trans_ids.xid, xid)) return refusal(ErrorCode::kUnknownXID, "InqRes names another XID");
  if (!ct_equal(data.trans_ids.lid_c, lid_c)) return refusal(ErrorCode::kUnknownLID, "InqRes names another LID-C");
  const asn1::PResPayload& p = data.p_res_payload_seq.back();
  std::optional<std::int64_t> auth_code;
  const asn1::Results* r = p.results ? &*p.results : nullptr;
  if (r && r->auth_status) auth_code = static_cast<std::int64_t>(r->auth_status->auth_code);
  switch (p.completion_code) {
    case asn1::CompletionCode::kCreditPerformed: status = "refunded"; break;
    case asn1::CompletionCode::kCapturePerformed:
      status = r && r->cap_status && r->cap_status->cap_code == asn1::CapCode::kSuccess ? "captured" : "authorized";
      break;
    case asn1::CompletionCode::kAuthorizationPerformed:
      if (auth_code && *auth_code == 0)
        status = r->auth_status->auth_ratio > 0.0 ? "authorized" : "cancelled";
      else
        status = "declined";
      break;
    case asn1::CompletionCode::kOrderReceived: status = "requested"; break;
    case asn1::CompletionCode::kOrderRejected: status = "declined"; break;
    default: break;  // orderNotReceived, meaninglessRatio: nothing new to record
  }
  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE wallet_purchases SET status = ?, auth_code = COALESCE(?, auth_code), "
                          "completion = ?, updated_at = ? WHERE id = ?",
                          status, auth_code, static_cast<std::int64_t>(p.completion_code), env_.now(), id));
  OPENSET_CHECK(sql::exec(db_, "UPDATE wallet_inquiries SET state = 'answered' WHERE rrpid = ?", *h.rrpid));
  OPENSET_CHECK(trail(id, "received", "InqRes", der));
  OPENSET_CHECK(tx.commit());
  if (config_.log) config_.log(fmt::format("wallet: purchase {}: InqRes checked, {}", id, status));
  return Answer{};
}

// An Error from the merchant about one of our messages: the purchase is marked refused.
Result<Answer> Wallet::on_error(const asn1::MessageWrapper& w, ByteView der) {
  OPENSET_TRY(ReceivedError e, read_error(w));
  std::optional<Bytes> rrpid = e.about ? e.about->rrpid : w.message_header.rrpid;
  if (!rrpid) return Answer{};
  OPENSET_TRY(auto id, sql::scalar(db_,
                                   "SELECT id FROM wallet_purchases WHERE (pinit_rrpid = ? OR "
                                   "preq_rrpid = ?) AND status IN ('initiated', 'requested')",
                                   *rrpid, *rrpid));
  if (!id) return Answer{};
  // Only the merchant's signed Error (a merchant signature certificate of the card's brand whose
  // signature verifies) ends a purchase: merchants always sign theirs (notes §4.11), so an
  // unsigned or forged one could come from anyone on the path. It is kept in the trail only.
  const auto& err = std::get<asn1::Message::kError>(w.message.value);
  bool genuine = false;
  if (err.value.index() == 0) {
    auto cs = verify_signed(env_, std::get<0>(err.value), content_type(CT::kErrorTBS),
                            pki::CertType::kMerchantSignature, config_.trust, config_.card.brand);
    genuine = cs.ok();
  }
  OPENSET_TRY(store::Transaction tx, db_.begin());
  if (!genuine) {
    OPENSET_CHECK(trail(*id, "received", "Error", der));
    OPENSET_CHECK(tx.commit());
    if (config_.log)
      config_.log(fmt::format("wallet: purchase {}: an {} Error (ErrorCode {}) recorded, the purchase "
                              "stands",
                              *id, err.value.index() == 0 ? "unverifiable" : "unsigned",
                              static_cast<int>(e.code)));
    return Answer{};
  }
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE wallet_purchases SET status = 'refused', error_code = ?, "
                          "updated_at = ? WHERE id = ?",
                          static_cast<std::int64_t>(e.code), env_.now(), *id));
  OPENSET_CHECK(trail(*id, "received", "Error", der));
  OPENSET_CHECK(tx.commit());
  if (config_.log)
    config_.log(fmt::format("wallet: purchase {}: the merchant refused it (ErrorCode {})", *id,
                            static_cast<int>(e.code)));
  return Answer{};
}

Result<std::vector<LogEntry>> Wallet::history() { return wallet_history(db_); }
Result<Transaction> Wallet::show(std::int64_t id) { return wallet_transaction(db_, id); }

Result<std::vector<LogEntry>> wallet_history(store::Database& db) {
  OPENSET_TRY(store::Statement s, db.prepare(std::string(kSelectEntry) + "ORDER BY id"));
  std::vector<LogEntry> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(read_entry(s));
  }
  return out;
}

Result<Transaction> wallet_transaction(store::Database& db, std::int64_t id) {
  OPENSET_TRY(store::Statement s, sql::prepare(db, std::string(kSelectEntry) + "WHERE id = ?", id));
  OPENSET_TRY(bool row, s.step());
  if (!row) return Error(Errc::kInvalidArgument, fmt::format("no transaction {}", id));
  Transaction t;
  t.entry = read_entry(s);
  OPENSET_TRY(store::Statement q,
              sql::prepare(db,
                           "SELECT seq, direction, type, message, at FROM wallet_trail WHERE "
                           "purchase_id = ? ORDER BY seq",
                           id));
  for (;;) {
    OPENSET_TRY(bool r, q.step());
    if (!r) break;
    t.trail.push_back(TrailItem{q.column_int64(0), q.column_text(1), q.column_text(2),
                                q.column_blob(3), q.column_int64(4)});
  }
  return t;
}

}  // namespace openset::roles::purchase
