#include "openset/roles/purchase/gateway.hpp"

#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/dual_signature.hpp"
#include "openset/seal/envelope.hpp"
#include "split.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::AuthCode;
using asn1::AuthRevCode;
using asn1::CapCode;
using asn1::CapRevOrCredCode;
using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS gateway_authorizations (
  auth_rrpid       BLOB PRIMARY KEY,
  xid              BLOB NOT NULL,
  request_digest   BLOB NOT NULL,
  merchant_id      TEXT NOT NULL,
  currency         INTEGER NOT NULL,
  amount           INTEGER NOT NULL,
  amt_exp10        INTEGER NOT NULL,
  auth_code        INTEGER NOT NULL,
  authorization_id TEXT,
  auth_res         BLOB NOT NULL,
  created_at       INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS gateway_authorizations_xid ON gateway_authorizations(xid);
CREATE TABLE IF NOT EXISTS gateway_captures (
  rrpid            BLOB PRIMARY KEY,
  request_digest   BLOB NOT NULL,
  merchant_id      TEXT NOT NULL,
  cap_res          BLOB NOT NULL,
  created_at       INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS gateway_capture_items (
  cap_rrpid        BLOB NOT NULL REFERENCES gateway_captures(rrpid),
  item             INTEGER NOT NULL,
  xid              BLOB NOT NULL,
  auth_rrpid       BLOB NOT NULL,
  currency         INTEGER NOT NULL,
  amount           INTEGER NOT NULL,
  amt_exp10        INTEGER NOT NULL,
  cap_code         INTEGER NOT NULL,
  capture_id       TEXT,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (cap_rrpid, item));
-- AuthRevReq, CapRevReq, CredReq, CredRevReq (notes §4.5, §4.7): the request under its RRPID
-- (replays get `response` again) and one row per item with its code and the bank's ids.
CREATE TABLE IF NOT EXISTS gateway_adjustments (
  rrpid            BLOB PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('authrev', 'caprev', 'cred', 'credrev')),
  request_digest   BLOB NOT NULL,
  merchant_id      TEXT NOT NULL,
  response         BLOB NOT NULL,
  created_at       INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS gateway_adjustment_items (
  rrpid            BLOB NOT NULL REFERENCES gateway_adjustments(rrpid),
  item             INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  xid              BLOB NOT NULL,
  auth_rrpid       BLOB NOT NULL,
  currency         INTEGER NOT NULL,
  amount           INTEGER NOT NULL,   -- released, reversed or credited
  amt_exp10        INTEGER NOT NULL,
  code             INTEGER NOT NULL,   -- AuthRevCode or CapRevOrCredCode (0: done)
  target           TEXT,               -- authorization_id, capture_id or credit_id acted on
  bank_id          TEXT,               -- release_id, reversal id or credit_id from the bank
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (rrpid, item));
CREATE INDEX IF NOT EXISTS gateway_adjustment_items_target ON gateway_adjustment_items(kind, target);
)sql";

// How old a PReqDate the gateway still authorizes (notes §8.4 item 7: "PReqDate not too old";
// the window is not in our sources: docs/departures.md P-9).
constexpr std::int64_t kPReqMaxAge = 7 * 24 * 3600;

AuthCode auth_code_of(AuthVerdict v) {
  switch (v) {
    case AuthVerdict::kApproved: return AuthCode::kApproved;
    case AuthVerdict::kExpired: return AuthCode::kExpiredCard;
    case AuthVerdict::kBlocked: return AuthCode::kCallIssuer;
    case AuthVerdict::kCurrency: return AuthCode::kAmountError;
    case AuthVerdict::kUnknownMerchant: return AuthCode::kInvalidTransaction;
    case AuthVerdict::kConflict: return AuthCode::kSystemError;
    case AuthVerdict::kInsufficientFunds:
    case AuthVerdict::kUnknownCard:
    case AuthVerdict::kNoRoute: return AuthCode::kDeclined;
  }
  return AuthCode::kDeclined;
}

CapCode cap_code_of(CaptureVerdict v) {
  switch (v) {
    case CaptureVerdict::kCaptured: return CapCode::kSuccess;
    case CaptureVerdict::kAlreadyCaptured:
    case CaptureVerdict::kConflict: return CapCode::kDuplicateRequest;
    case CaptureVerdict::kReleased: return CapCode::kAuthExpired;
    case CaptureVerdict::kUnknownAuthorization:
    case CaptureVerdict::kExceedsAuthorization: return CapCode::kInvalidAuthData;
  }
  return CapCode::kUnspecifiedFailure;
}

// TokenOpaque (notes §4.4: gateway-defined): SEQUENCE { authorizationId VisibleString,
// xid OCTET STRING, merchantID VisibleString }. Sealed in the CapToken for the gateway itself.
struct TokenOpaque {
  std::string authorization_id;
  Bytes xid;
  std::string merchant_id;
};
Bytes encode_opaque(const TokenOpaque& t) {
  der::Writer w;
  w.begin_sequence()
      .add_string(der::tags::kVisibleString, t.authorization_id)
      .add_octet_string(t.xid)
      .add_string(der::tags::kVisibleString, t.merchant_id)
      .end();
  return w.finish();
}
Result<TokenOpaque> decode_opaque(ByteView der) {
  der::Reader outer(der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  TokenOpaque t;
  OPENSET_TRY(std::string_view a, in.read_string(der::tags::kVisibleString));
  OPENSET_TRY(ByteView x, in.read_octet_string());
  OPENSET_TRY(std::string_view m, in.read_string(der::tags::kVisibleString));
  OPENSET_CHECK(in.expect_end());
  t.authorization_id = std::string(a);
  t.xid = to_bytes(x);
  t.merchant_id = std::string(m);
  return t;
}

Result<asn1::Name> subject_of(ByteView cert) {
  OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(cert));
  return c.to_be_signed.subject;
}

// A capture that is not reversed (CapRevReq): the SQL condition on gateway_capture_items i.
constexpr std::string_view kLiveCapture =
    "i.cap_code = 0 AND NOT EXISTS (SELECT 1 FROM gateway_adjustment_items v WHERE v.kind = 'caprev' "
    "AND v.code = 0 AND v.target = i.capture_id)";

}  // namespace

Gateway::Gateway(store::Database db, GatewayConfig config, Env env, Acquirer& acquirer)
    : db_(std::move(db)), config_(std::move(config)), env_(env), acquirer_(acquirer) {}

Result<std::unique_ptr<Gateway>> Gateway::open(const std::string& db_path, GatewayConfig config,
                                               Env env, Acquirer& acquirer) {
  if (config.credentials.suite == nullptr) return Error(Errc::kInvalidArgument, "gateway: no suite");
  OPENSET_CHECK(config.credentials.holder());
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(kSchema));
  OPENSET_CHECK(create_batch_schema(db));
  OPENSET_CHECK(db.exec(kGatewayTokenSchema));  // gateway_tokens.cpp
  return std::unique_ptr<Gateway>(new Gateway(std::move(db), std::move(config), env, acquirer));
}

void Gateway::log(std::string_view line) const {
  if (config_.log) config_.log(line);
}

Answer Gateway::handle(ByteView der) {
  auto w = unwrap(der);
  Result<Answer> r = [&]() -> Result<Answer> {
    if (!w.ok()) return w.error();
    std::size_t idx = message_index(*w);
    if (idx == asn1::Message::kError) {
      log("gateway: Error received and recorded in the log only");
      return Answer{};
    }
    OPENSET_CHECK(check_header(env_, w->message_header, config_.freshness));
    switch (idx) {
      case asn1::Message::kAuthorizationRequest: return on_auth_req(*w, der);
      case asn1::Message::kCaptureRequest: return on_cap_req(*w, der);
      case asn1::Message::kAuthReversalRequest: return on_auth_rev_req(*w, der);
      case asn1::Message::kCaptureReversalRequest: return on_cap_rev_or_cred(*w, der, Adjustment::kCapRev);
      case asn1::Message::kCreditRequest: return on_cap_rev_or_cred(*w, der, Adjustment::kCred);
      case asn1::Message::kCreditReversalRequest: return on_cap_rev_or_cred(*w, der, Adjustment::kCredRev);
      case asn1::Message::kBatchAdministrationRequest: return on_batch_admin(*w, der);
      case asn1::Message::kPCertificateRequest: return on_pcert_req(*w, der);
      default:
        return refusal(ErrorCode::kMessageNotSupported,
                       fmt::format("the gateway does not take {}", message_type_name(idx)));
    }
  }();
  if (r.ok()) return std::move(r).value();
  auto signer = config_.credentials.signer(true);
  return refuse(env_, r.error(), der, signer.ok() ? &*signer : nullptr, Peer::kMerchant,
                config_.log, "gateway");
}

// AuthReq ::= EncB{M, P, AuthReqData, PI} -> AuthRes (notes §4.2, §4.3; checks §8.4, §3.8).
Result<Answer> Gateway::on_auth_req(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  OPENSET_TRY(ByteView body, message_body(der));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());

  // §8.4 items 1-2: open with our key-exchange key, the merchant's signature (merchant
  // signature certificate of our brand), DD(PI) inside the signed part against the PI attached.
  seal::EncBTypes types{content_type(CT::kPI), content_type(CT::kAuthReqTBS),
                        content_type(CT::kAuthReqTBE)};
  OPENSET_TRY(OpenedSigned o, open_encb(env_, body, holder, types, pki::CertType::kMerchantSignature,
                                        config_.trust, config_.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(o.signer_certificate));
  auto data_r = asn1::decode<asn1::AuthReqData>(o.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::AuthReqData& data = *data_r;
  // set-1.asn1 lines 1002-1008 (D-4): saleDetail only with captureNow TRUE.
  if (!data.capture_now && data.sale_detail)
    return refusal(ErrorCode::kDecodingFailure, "AuthReqData: saleDetail without captureNow",
                   Errc::kConstraint);
  const asn1::AuthReqItem& item = data.auth_req_item;
  const asn1::AuthTags& tags = item.auth_tags;
  const Bytes& rrpid = tags.auth_rr_tags.rrpid;
  const Bytes& xid = tags.trans_ids.xid;
  if (!h.rrpid || !ct_equal(*h.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from AuthRRTags'");
  if (h.message_ids && h.message_ids->x_id && !ct_equal(*h.message_ids->x_id, xid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header XID differs from AuthTags'");
  OPENSET_CHECK(check_freshness(env_, tags.auth_rr_tags.current_date, config_.freshness,
                                "AuthRRTags.currentDate"));
  if (tags.auth_rr_tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "AuthRRTags name another merchant than the signer");

  // Idempotency (DESIGN.md "Money and state"): the same request under the same RRPID gets the
  // first AuthRes; another request reusing the RRPID is refused. Nothing moves either way.
  const Bytes digest = sha256(o.signed_content);
  // Asked again inside the transaction below: another gateway process on the same database may
  // have answered the same AuthReq in between (transactions are serialized, src/store/README.md).
  auto replay = [&]() -> Result<std::optional<Answer>> {
    OPENSET_TRY(store::Statement q,
                sql::prepare(db_, "SELECT request_digest, auth_res FROM gateway_authorizations "
                                  "WHERE auth_rrpid = ?",
                             rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (!seen) return std::optional<Answer>();
    if (!ct_equal(q.column_blob(0), digest))
      return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another AuthReq");
    log("gateway: AuthReq repeated, first AuthRes again");
    Answer a;
    a.send.push_back(Outgoing{Peer::kMerchant, "AuthRes", q.column_blob(1)});
    return std::optional<Answer>(std::move(a));
  };
  {
    OPENSET_TRY(std::optional<Answer> again, replay());
    if (again) return std::move(*again);
  }

  // The merchant's key-exchange certificate (sent with its signature) to seal AuthRes to.
  OPENSET_TRY(Bytes merchant_kx, first_valid(env_, o.certificates, pki::CertType::kMerchantKeyExchange,
                                             config_.trust, config_.brand));
  OPENSET_TRY(asn1::Name signer_subject, subject_of(o.signer_certificate));
  OPENSET_TRY(asn1::Name kx_subject, subject_of(merchant_kx));
  if (!(signer_subject == kx_subject))
    return refusal(ErrorCode::kMissingCertificate, "no key-exchange certificate of the signing merchant");
  OPENSET_TRY(seal::Recipient merchant, recipient_of(merchant_kx, *config_.credentials.suite));

  const Money& amount = item.auth_req_payload.auth_req_amt;
  OPENSET_TRY(store::Transaction tx, db_.begin());
  {
    OPENSET_TRY(std::optional<Answer> again, replay());
    if (again) return std::move(*again);
  }
  // Set when the approved AuthRes carries an AuthToken (split shipment, installments,
  // recurring: gateway_tokens.cpp).
  std::optional<TokenPlan> plan;

  // The answer: AuthRes ::= EncB{P, M, AuthResData, AuthResBaggage}, recorded under the RRPID.
  auto answer = [&](AuthCode code, const AuthorizationDecision* d, std::string_view why) -> Result<Answer> {
    const bool approved = code == AuthCode::kApproved;
    asn1::AuthResData rd;
    rd.auth_tags = tags;
    asn1::AuthHeader& ah = rd.auth_res_payload.auth_header;
    ah.auth_amt = approved ? d->amount : amount;
    ah.auth_code = code;
    if (d != nullptr) ah.response_data.resp_reason = asn1::RespReason::kIssuer;
    asn1::AuthResBaggage bag;
    if (approved) {
      asn1::AuthValCodes avc;
      if (d->approval_code.size() == asn1::ub_approvalCode) avc.approval_code = d->approval_code;
      ah.response_data.auth_val_codes = avc;
      // CapToken ::= Enc{P1, P2, CapTokenData} with P1 = P2 = this gateway (notes §4.4).
      asn1::CapTokenData ctd;
      ctd.auth_rrpid = rrpid;
      ctd.auth_amt = d->amount;
      ctd.token_opaque = encode_opaque(TokenOpaque{d->authorization_id, xid, merchant_id});
      OPENSET_TRY(seal::Signer self_signer, config_.credentials.signer(false));
      OPENSET_TRY(seal::Recipient self, recipient_of(config_.credentials.key_exchange_certificate,
                                                     *config_.credentials.suite));
      OPENSET_TRY(asn1::EnvelopedData token,
                  seal::Enc(self_signer, self,
                            seal::EncTypes{content_type(CT::kCapTokenData),
                                           content_type(CT::kCapTokenTBE)},
                            asn1::encode(ctd)));
      asn1::CapToken ct;
      ct.value.emplace<1>(std::move(token));
      bag.cap_token = std::move(ct);
      if (plan) {
        OPENSET_TRY(bag.auth_token, issue_auth_token(*plan, rrpid, d->amount, merchant_id));
      }
    }
    OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
    seal::EncBTypes rtypes{content_type(CT::kAuthResBaggage), content_type(CT::kAuthResTBS),
                           content_type(CT::kAuthResTBE)};
    OPENSET_TRY(Bytes encb, seal::EncB(signer, merchant, rtypes, asn1::encode(rd), asn1::encode(bag)));
    OPENSET_TRY(asn1::AuthRes::B b, asn1::decode<asn1::AuthRes::B>(encb));
    asn1::AuthRes res;
    res.value.emplace<0>(std::move(b));
    asn1::Message m;
    m.value.emplace<asn1::Message::kAuthorizationResponse>(std::move(res));
    const asn1::TransIDs& t = tags.trans_ids;
    Bytes wire = wrap(make_header(env_, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid}, rrpid), std::move(m));
    OPENSET_CHECK(sql::exec(
        db_,
        "INSERT INTO gateway_authorizations (auth_rrpid, xid, request_digest, merchant_id, "
        "currency, amount, amt_exp10, auth_code, authorization_id, auth_res, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rrpid, xid, digest, merchant_id, ah.auth_amt.currency, ah.auth_amt.amount,
        ah.auth_amt.amt_exp10, static_cast<std::int64_t>(code),
        approved ? std::optional<std::string>(d->authorization_id) : std::nullopt, wire,
        env_.now()));
    OPENSET_CHECK(tx.commit());
    log(fmt::format("gateway: AuthReq XID {} from {}: AuthCode {}{}{}", hex(xid).substr(0, 12),
                    merchant_id, static_cast<int>(code), why.empty() ? "" : " - ", why));
    Answer a;
    a.send.push_back(Outgoing{Peer::kMerchant, "AuthRes", std::move(wire)});
    return a;
  };

  // The PI: dual-signed, or unsigned (PIUnsigned) where the brand's policy allows cardholders
  // without certificates (notes §3.8).
  auto pi = asn1::decode<asn1::PI>(o.baggage);
  if (!pi.ok()) return with_set_code(std::move(pi).error(), ErrorCode::kDecodingFailure);
  if (pi->value.index() == 2)  // a later authorization of the purchase (gateway_tokens.cpp)
    return on_auth_token(std::get<2>(pi->value), data, merchant_id, plan, answer);
  asn1::PIHead head;
  Bytes h_oi_data;  // DD{OIData} from the PI-OILink
  struct CardData {
    std::string pan, expiry;
    ~CardData() {
      secure_wipe(pan.data(), pan.size());
      secure_wipe(expiry.data(), expiry.size());
    }
  } card;
  if (pi->value.index() == 0) {
    if (config_.cardholder_certificate_required)
      return answer(AuthCode::kSignatureRequired, nullptr,
                    "unsigned PI refused: the brand requires cardholder certificates");
    OPENSET_TRY(ByteView pi_u_der, explicit_inner(o.baggage, 0));
    auto opened = seal::open_unsigned_pi(pi_u_der, holder, config_.trust.policy);
    if (!opened.ok()) {
      Error e = std::move(opened).error();
      e.set_code = static_cast<std::int32_t>(ErrorCode::kSignatureFailure);  // one code (seal.md)
      return e;
    }
    OPENSET_TRY(head, asn1::decode<asn1::PIHead>(opened->pi_head));
    OPENSET_TRY(asn1::PANToken token, asn1::decode<asn1::PANToken>(opened->pan_token.view()));
    card.pan = std::move(token.pan);
    card.expiry = std::move(token.card_expiry);
    secure_wipe(token.pan.data(), token.pan.size());
    // TransStain of an unsigned PI: HMAC{XID, exNonce} (docs/departures.md P-23).
    OPENSET_TRY(Bytes stain, seal::HMAC(crypto::suite(opened->suite), token.ex_nonce,
                                        xid_der(head.trans_ids.xid)));
    if (!ct_equal(stain, head.trans_stain))
      return answer(AuthCode::kPiAuthMismatch, nullptr, "TransStain does not match the PANToken");
    h_oi_data = std::move(opened->h_oi_data);
  } else {
    OPENSET_TRY(ByteView pi_ds_der, explicit_inner(o.baggage, 1));
    const asn1::PIDualSigned& pi_ds = std::get<1>(pi->value);
    if (pi_ds.pi_signature.signer_infos.size() != 1)
      return refusal(ErrorCode::kSignatureFailure, "PISignature must have one signer");

    // §8.4 item 3: the cardholder certificate (card type, our brand, valid, not revoked), then
    // open exPIData (EX, PANData in the RSA block) and verify the dual signature.
    std::vector<Bytes> pool = pi_ds.pi_signature.certificates ? *pi_ds.pi_signature.certificates
                                                               : std::vector<Bytes>{};
    pool.insert(pool.end(), config_.trust.certificates.begin(), config_.trust.certificates.end());
    const auto& signer_id = pi_ds.pi_signature.signer_infos[0].issuer_and_serial_number;
    std::optional<Bytes> ch_cert = find_certificate(signer_id, pool);
    if (!ch_cert) return refusal(ErrorCode::kMissingCertificate, "no cardholder certificate");
    OPENSET_TRY(pki::ValidatedPath path, validate_certificate(env_, *ch_cert, pki::CertType::kCardholder,
                                                              config_.trust, pool, config_.brand));
    std::vector<seal::TrustedSigner> trusted{seal::TrustedSigner{path.leaf_key, signer_id}};
    auto opened = seal::open_dual_signed_pi(pi_ds_der, holder, trusted, config_.trust.policy);
    if (!opened.ok()) {
      Error e = std::move(opened).error();
      e.set_code = static_cast<std::int32_t>(ErrorCode::kSignatureFailure);  // one code (seal.md)
      return e;
    }
    OPENSET_TRY(head, asn1::decode<asn1::PIHead>(opened->pi_head));
    OPENSET_TRY(asn1::PANData pan, asn1::decode<asn1::PANData>(opened->pan_data.view()));
    struct Wipe {
      asn1::PANData& p;
      ~Wipe() {
        secure_wipe(p.pan.data(), p.pan.size());
        secure_wipe(p.pan_secret);
      }
    } wipe{pan};

    // §3.8 / §8.4 item 3: the certificate's unique cardholder ID is HMAC(PANSecret, PAN, expiry).
    OPENSET_TRY(std::string cn, common_name_of(*ch_cert));
    SecretBytes pan_secret(pan.pan_secret);
    auto id = pki::unique_cardholder_id(crypto::suite(path.suite), pan.pan, pan.card_expiry, pan_secret);
    if (!id.ok() || *id != cn)
      return answer(AuthCode::kInvalidTransaction, nullptr,
                    "the card data does not match the cardholder certificate");
    card.pan = pan.pan;
    card.expiry = pan.card_expiry;
    h_oi_data = std::move(opened->h_oi_data);
  }
  // §8.4 item 4: the PI and the merchant's order are one purchase.
  if (!item.check_digests)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "AuthReq without CheckDigests");
  if (!ct_equal(asn1::encode(item.check_digests->h_oi_data), h_oi_data))
    return answer(AuthCode::kPiAuthMismatch, nullptr, "DD(OIData) of the PI differs from HOIData");
  if (asn1::encode(item.check_digests->hod2) != asn1::encode(head.inputs.hod))
    return answer(AuthCode::kPiAuthMismatch, nullptr, "PIHead's HOD differs from HOD2");
  // §8.4 item 6: identity (XID, LIDs, MerchantID).
  if (asn1::encode(head.trans_ids) != asn1::encode(tags.trans_ids))
    return answer(AuthCode::kPiAuthMismatch, nullptr, "PIHead's TransIDs differ from AuthTags'");
  if (head.merchant_id.text() != merchant_id)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "PIHead names another merchant");
  // §8.4 item 5: the amount the merchant asks for is the amount the cardholder signed.
  if (!(head.inputs.purch_amt == amount))
    return answer(AuthCode::kAmountError, nullptr, "AuthReqAmt differs from PurchAmt");
  // §8.4 item 7: freshness and reuse.
  OPENSET_CHECK(check_freshness(env_, head.trans_ids.p_req_date,
                                Freshness{kPReqMaxAge, config_.freshness.max_skew}, "PReqDate"));
  OPENSET_TRY(auto used, sql::scalar(db_,
                                     "SELECT COUNT(*) FROM gateway_authorizations WHERE xid = ? "
                                     "AND auth_code = 0",
                                     xid));
  if (used.value_or(0) > 0)
    return answer(AuthCode::kPiPreviouslyUsed, nullptr, "this XID is already authorized");
  if (data.capture_now)
    return answer(AuthCode::kCaptureNotSupported, nullptr, "captureNow is not supported");
  // Split shipment (subsequentAuthInd) or installments / recurring payments (InstallRecurData
  // in the signed PIHead, notes §3.9): the AuthRes carries an AuthToken (gateway_tokens.cpp).
  const auto& irq = item.auth_req_payload.install_recur_data;
  if (irq && (!head.install_recur_data || !(*irq == *head.install_recur_data)))
    return answer(AuthCode::kInstallRecurMismatch, nullptr, "AuthReq's InstallRecurData is not the signed one");
  if (head.install_recur_data && head.install_recur_data->install_recur_ind.value.index() == 1 &&
      env_.now() > std::get<1>(head.install_recur_data->install_recur_ind.value).recurring_expiry.to_unix())
    return answer(AuthCode::kRecurringExpired, nullptr, "the signed recurring agreement has expired");
  if (item.auth_req_payload.subsequent_auth_ind || head.install_recur_data) {
    TokenPlan p;
    p.trans_ids = head.trans_ids;
    p.purch_amt = head.inputs.purch_amt;
    p.install_recur = head.install_recur_data;
    p.pan = card.pan;
    p.expiry = card.expiry;
    plan = std::move(p);
  }

  return ask_issuer(xid, rrpid, card.pan, card.expiry, amount, merchant_id, answer, "");
}

// §8.4 item 8: the acquirer, which asks the issuer (reference: XID and RRPID); the AuthRes says
// its verdict as an AuthCode (P-13). The request's copy of the PAN is wiped.
Result<Answer> Gateway::ask_issuer(ByteView xid, ByteView rrpid, std::string_view pan, std::string_view expiry,
                                   const Money& amount, const std::string& merchant_id,
                                   const AuthAnswer& answer, std::string_view what) {
  AuthorizationRequest req;
  req.reference = hex(xid) + ":" + hex(rrpid);
  req.pan = std::string(pan);
  req.expiry = std::string(expiry);
  req.amount = amount;
  req.merchant_id = merchant_id;
  req.at = env_.now();
  auto decision = acquirer_.authorize(req);
  secure_wipe(req.pan.data(), req.pan.size());
  if (!decision.ok())
    return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer did not answer: " + decision.error().message);
  return answer(auth_code_of(decision->verdict), &*decision,
                fmt::format("{}{}", what, auth_verdict_name(decision->verdict)));
}

// CapReq ::= EncB{M, P, CapReqData, CapTokenSeq} -> CapRes ::= Enc{P, M, CapResData}
// (notes §4.6; checks §8.5).
Result<Answer> Gateway::on_cap_req(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  const crypto::Suite& suite = *config_.credentials.suite;
  const auto& cap_req = std::get<asn1::Message::kCaptureRequest>(w.message.value);
  if (cap_req.value.index() != 0)
    return refusal(ErrorCode::kMessageNotSupported, "CapReq with a PANToken (encBX) refused");
  OPENSET_TRY(ByteView body, message_body(der));
  OPENSET_TRY(ByteView encb, explicit_inner(body, 0));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  seal::EncBTypes types{content_type(CT::kCapTokenSeq), content_type(CT::kCapReqTBS),
                        content_type(CT::kCapReqTBE)};
  OPENSET_TRY(OpenedSigned o, open_encb(env_, encb, holder, types, pki::CertType::kMerchantSignature,
                                        config_.trust, config_.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(o.signer_certificate));
  auto data_r = asn1::decode<asn1::CapReqData>(o.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::CapReqData& data = *data_r;
  const Bytes& rrpid = data.cap_rr_tags.rrpid;
  if (!h.rrpid || !ct_equal(*h.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from CapRRTags'");
  OPENSET_CHECK(check_freshness(env_, data.cap_rr_tags.current_date, config_.freshness,
                                "CapRRTags.currentDate"));
  if (data.cap_rr_tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "CapRRTags name another merchant than the signer");

  const Bytes digest = sha256(o.signed_content);
  // Asked again inside the transaction below: another gateway process on the same database may
  // have answered the same CapReq in between (transactions are serialized, src/store/README.md).
  auto replay = [&]() -> Result<std::optional<Answer>> {
    OPENSET_TRY(store::Statement q,
                sql::prepare(db_, "SELECT request_digest, cap_res FROM gateway_captures WHERE rrpid = ?",
                             rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (!seen) return std::optional<Answer>();
    if (!ct_equal(q.column_blob(0), digest))
      return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another CapReq");
    log("gateway: CapReq repeated, first CapRes again");
    Answer a;
    a.send.push_back(Outgoing{Peer::kMerchant, "CapRes", q.column_blob(1)});
    return std::optional<Answer>(std::move(a));
  };
  {
    OPENSET_TRY(std::optional<Answer> again, replay());
    if (again) return std::move(*again);
  }

  // CapTokenSeq: one CapToken per CapItem, in order.
  std::vector<Bytes> tokens;
  {
    der::Reader outer(o.baggage);
    auto in = outer.enter_sequence();
    if (!in.ok()) return with_set_code(std::move(in).error(), ErrorCode::kDecodingFailure);
    while (!in->empty()) {
      auto e = in->read_any();
      if (!e.ok()) return with_set_code(std::move(e).error(), ErrorCode::kDecodingFailure);
      tokens.push_back(to_bytes(e->tlv));
    }
  }
  if (tokens.size() != data.cap_item_seq.size())
    return refusal(ErrorCode::kDecodingFailure, "CapTokenSeq and CapItemSeq differ in length",
                   Errc::kConstraint);

  OPENSET_TRY(Bytes merchant_kx, first_valid(env_, o.certificates, pki::CertType::kMerchantKeyExchange,
                                             config_.trust, config_.brand));
  OPENSET_TRY(asn1::Name signer_subject, subject_of(o.signer_certificate));
  OPENSET_TRY(asn1::Name kx_subject, subject_of(merchant_kx));
  if (!(signer_subject == kx_subject))
    return refusal(ErrorCode::kMissingCertificate, "no key-exchange certificate of the signing merchant");
  OPENSET_TRY(seal::Recipient merchant, recipient_of(merchant_kx, suite));
  OPENSET_TRY(crypto::PublicKey own_key,
              crypto::certificate_public_key(config_.credentials.signature_certificate));
  OPENSET_TRY(asn1::IssuerAndSerialNumber own_id,
              certificate_issuer_and_serial(config_.credentials.signature_certificate));
  std::vector<seal::TrustedSigner> self{seal::TrustedSigner{own_key, own_id}};

  OPENSET_TRY(store::Transaction tx, db_.begin());
  {
    OPENSET_TRY(std::optional<Answer> again, replay());
    if (again) return std::move(*again);
  }
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO gateway_captures (rrpid, request_digest, merchant_id, "
                          "cap_res, created_at) VALUES (?, ?, ?, x'', ?)",
                          rrpid, digest, merchant_id, env_.now()));
  asn1::CapResData res;
  res.cap_rr_tags = data.cap_rr_tags;
  int captured = 0;
  for (std::size_t i = 0; i < data.cap_item_seq.size(); ++i) {
    const asn1::CapItem& it = data.cap_item_seq[i];
    const Money& want = it.cap_payload.cap_req_amt;
    std::string capture_id;
    // Each item on its own (§8.5): the token, the amount, duplicates, then the acquirer.
    // SaleDetail.batchID: the merchant's batch (notes §8.5: closed batch => batchClosed).
    const std::optional<std::int64_t> want_batch =
        it.cap_payload.sale_detail ? it.cap_payload.sale_detail->batch_id : std::nullopt;
    auto check = [&]() -> Result<CapCode> {
      OPENSET_TRY(int batch_no, batch_refusal(merchant_id, want_batch, want));
      if (batch_no != 0)
        return batch_no == 1 ? CapCode::kBatchUnknown : batch_no == 2 ? CapCode::kBatchClosed : CapCode::kUnspecifiedFailure;
      auto tok = asn1::decode<asn1::CapToken>(tokens[i]);
      if (!tok.ok()) return CapCode::kInvalidCapToken;
      if (tok->value.index() == 2) return CapCode::kCapTokenMissing;
      if (tok->value.index() != 1) return CapCode::kInvalidCapToken;
      auto opened = seal::open_Enc(std::get<1>(tok->value), holder,
                                   seal::EncTypes{content_type(CT::kCapTokenData),
                                                  content_type(CT::kCapTokenTBE)},
                                   self, config_.trust.policy);
      if (!opened.ok()) return CapCode::kInvalidCapToken;
      auto ctd = asn1::decode<asn1::CapTokenData>(opened->content.view());
      if (!ctd.ok() || !ct_equal(ctd->auth_rrpid, it.auth_rrpid)) return CapCode::kInvalidCapToken;
      auto opaque = decode_opaque(ctd->token_opaque);
      if (!opaque.ok() || !ct_equal(opaque->xid, it.trans_ids.xid) ||
          opaque->merchant_id != merchant_id)
        return CapCode::kInvalidCapToken;
      if (!same_denomination(want, ctd->auth_amt) || want.amount > ctd->auth_amt.amount)
        return CapCode::kInvalidAuthData;  // capture above what was authorized
      // What remains authorized after AuthRevReq reductions (an older CapToken names more).
      OPENSET_TRY(auto current, current_authorized(it.auth_rrpid));
      if (current && want.amount > *current) return CapCode::kInvalidAuthData;
      OPENSET_TRY(auto dup, sql::scalar(db_,
                                        std::string("SELECT COUNT(*) FROM gateway_capture_items i "
                                                    "WHERE i.xid = ? AND i.auth_rrpid = ? AND ") +
                                            std::string(kLiveCapture),
                                        it.trans_ids.xid, it.auth_rrpid));
      if (dup.value_or(0) > 0) return CapCode::kDuplicateRequest;
      // A capture voided by CapRevReq may be captured again: under a new bank reference.
      OPENSET_TRY(auto voided, sql::scalar(db_,
                                           "SELECT COUNT(*) FROM gateway_capture_items i WHERE i.xid = ? "
                                           "AND i.auth_rrpid = ? AND i.cap_code = 0",
                                           it.trans_ids.xid, it.auth_rrpid));
      CaptureRequest creq;
      creq.reference = hex(it.trans_ids.xid) + ":" + hex(it.auth_rrpid) + ":capture" +
                       (voided.value_or(0) > 0 ? ":" + std::to_string(*voided) : std::string());
      creq.authorization_id = opaque->authorization_id;
      creq.amount = want;
      creq.merchant_id = merchant_id;
      creq.at = env_.now();
      OPENSET_TRY(CaptureResult cr, acquirer_.capture(creq));
      capture_id = cr.capture_id;
      if (cr.verdict == CaptureVerdict::kCaptured)  // split shipment part (gateway_tokens.cpp)
        OPENSET_CHECK(release_uncaptured(it.auth_rrpid, opaque->authorization_id, want, creq.reference));
      return cap_code_of(cr.verdict);
    };
    auto code_r = check();
    if (!code_r.ok())
      return refusal(ErrorCode::kUnspecifiedFailure,
                     "capture failed: " + code_r.error().message);
    CapCode code = *code_r;
    if (code == CapCode::kSuccess) ++captured;
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO gateway_capture_items (cap_rrpid, item, xid, auth_rrpid, "
                            "currency, amount, amt_exp10, cap_code, capture_id, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            rrpid, static_cast<std::int64_t>(i), it.trans_ids.xid, it.auth_rrpid,
                            want.currency, want.amount, want.amt_exp10,
                            static_cast<std::int64_t>(code),
                            capture_id.empty() ? std::nullopt : std::optional<std::string>(capture_id),
                            env_.now()));
    asn1::CapResItem ri;
    ri.trans_ids = it.trans_ids;
    ri.auth_rrpid = it.auth_rrpid;
    ri.cap_res_payload.cap_code = code;
    ri.cap_res_payload.cap_amt = want;
    if (code == CapCode::kSuccess) {
      OPENSET_TRY(auto placed, batch_assign(merchant_id, want_batch, BatchItemKind::kCapture, it.trans_ids,
                                            it.auth_rrpid, capture_id, want, rrpid, static_cast<std::int64_t>(i)));
      ri.cap_res_payload.batch_id = placed.first;
      ri.cap_res_payload.batch_sequence_num = placed.second;
    }
    res.cap_res_item_seq.push_back(std::move(ri));
  }

  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
  OPENSET_TRY(asn1::EnvelopedData enc,
              seal::Enc(signer, merchant,
                        seal::EncTypes{content_type(CT::kCapResData), content_type(CT::kCapResTBE)},
                        asn1::encode(res)));
  asn1::Message m;
  m.value.emplace<asn1::Message::kCaptureResponse>(std::move(enc));
  Bytes wire = wrap(make_header(env_, std::nullopt, rrpid), std::move(m));
  OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_captures SET cap_res = ? WHERE rrpid = ?", wire, rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("gateway: CapReq from {}: {} of {} item(s) captured", merchant_id, captured,
                  data.cap_item_seq.size()));
  Answer a;
  a.send.push_back(Outgoing{Peer::kMerchant, "CapRes", std::move(wire)});
  return a;
}

// ---------------------------------------------------------------- reversals and credits

Result<seal::Recipient> Gateway::merchant_recipient(const OpenedSigned& o) {
  OPENSET_TRY(Bytes merchant_kx, first_valid(env_, o.certificates, pki::CertType::kMerchantKeyExchange,
                                             config_.trust, config_.brand));
  OPENSET_TRY(asn1::Name signer_subject, subject_of(o.signer_certificate));
  OPENSET_TRY(asn1::Name kx_subject, subject_of(merchant_kx));
  if (!(signer_subject == kx_subject))
    return refusal(ErrorCode::kMissingCertificate, "no key-exchange certificate of the signing merchant");
  return recipient_of(merchant_kx, *config_.credentials.suite);
}

Result<std::optional<std::int64_t>> Gateway::current_authorized(ByteView auth_rrpid) {
  return sql::scalar(db_,
                     "SELECT a.amount - COALESCE((SELECT SUM(v.amount) FROM gateway_adjustment_items v "
                     "WHERE v.kind = 'authrev' AND v.code = 0 AND v.target = a.authorization_id), 0) "
                     // the rest of a split-shipment part released at its capture (gateway_tokens.cpp)
                     "- COALESCE((SELECT c.released FROM gateway_auth_chain c WHERE c.auth_rrpid = a.auth_rrpid), 0) "
                     "FROM gateway_authorizations a WHERE a.auth_rrpid = ? AND a.auth_code = 0",
                     auth_rrpid);
}

namespace {
// A CapToken the merchant sent back: sealed by this gateway for itself (Enc{P, P, CapTokenData},
// notes §4.4), for this authorization RRPID, XID and merchant. nullopt when it is not.
std::optional<asn1::CapTokenData> open_own_token(const asn1::CapToken& tok, const seal::KeyHolder& holder,
                                                 const std::vector<seal::TrustedSigner>& self,
                                                 const seal::Policy& policy, ByteView auth_rrpid,
                                                 ByteView xid, std::string_view merchant_id,
                                                 std::string* authorization_id) {
  if (tok.value.index() != 1) return std::nullopt;
  auto opened = seal::open_Enc(std::get<1>(tok.value), holder,
                               seal::EncTypes{content_type(CT::kCapTokenData), content_type(CT::kCapTokenTBE)},
                               self, policy);
  if (!opened.ok()) return std::nullopt;
  auto ctd = asn1::decode<asn1::CapTokenData>(opened->content.view());
  if (!ctd.ok() || !ct_equal(ctd->auth_rrpid, auth_rrpid)) return std::nullopt;
  auto opaque = decode_opaque(ctd->token_opaque);
  if (!opaque.ok() || !ct_equal(opaque->xid, xid) || opaque->merchant_id != merchant_id) return std::nullopt;
  if (authorization_id != nullptr) *authorization_id = opaque->authorization_id;
  return std::move(ctd).value();
}

AuthRevCode auth_rev_code_of(ReleaseVerdict v) {
  switch (v) {
    case ReleaseVerdict::kReleased: return AuthRevCode::kApproved;
    case ReleaseVerdict::kExceedsRemaining: return AuthRevCode::kInvalidAmount;
    case ReleaseVerdict::kUnknownAuthorization: return AuthRevCode::kInvalidTransaction;
    case ReleaseVerdict::kConflict: return AuthRevCode::kSystemError;
  }
  return AuthRevCode::kUnspecifiedFailure;
}
}  // namespace

// AuthRevReq ::= EncB{M, P, AuthRevReqData, AuthRevReqBaggage} -> AuthRevRes (notes §4.5).
Result<Answer> Gateway::on_auth_rev_req(const asn1::MessageWrapper& w, ByteView der) {
  const auto& h = w.message_header;
  OPENSET_TRY(ByteView body, message_body(der));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  // As AuthReq (§8.4 items 1-2): open, the merchant's signature, DD{Baggage} in the signed L.
  seal::EncBTypes types{content_type(CT::kAuthRevReqBaggage), content_type(CT::kAuthRevReqTBS),
                        content_type(CT::kAuthRevReqTBE)};
  OPENSET_TRY(OpenedSigned o, open_encb(env_, body, holder, types, pki::CertType::kMerchantSignature,
                                        config_.trust, config_.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(o.signer_certificate));
  auto data_r = asn1::decode<asn1::AuthRevReqData>(o.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  auto bag_r = asn1::decode<asn1::AuthRevReqBaggage>(o.baggage);
  if (!bag_r.ok()) return with_set_code(std::move(bag_r).error(), ErrorCode::kDecodingFailure);
  const asn1::AuthRevReqData& data = *data_r;
  const asn1::RRTags& tags = data.auth_rev_tags.auth_rev_rr_tags;
  const Bytes& rrpid = tags.rrpid;
  if (!h.rrpid || !ct_equal(*h.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from AuthRevRRTags'");
  OPENSET_CHECK(check_freshness(env_, tags.current_date, config_.freshness, "AuthRevRRTags.currentDate"));
  if (tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "AuthRevRRTags name another merchant than the signer");
  // Which authorization: the copy of the original AuthReqData (its AuthTags: AuthRRPID and
  // TransIDs). SET makes it OPTIONAL; this gateway needs it (docs/departures.md P-17).
  if (!data.auth_req_data)
    return refusal(ErrorCode::kUnspecifiedFailure, "AuthRevReqData without the original authReqData");
  const asn1::AuthTags& orig = data.auth_req_data->auth_req_item.auth_tags;
  const Bytes& auth_rrpid = orig.auth_rr_tags.rrpid;
  const Bytes& xid = orig.trans_ids.xid;
  if (h.message_ids && h.message_ids->x_id && !ct_equal(*h.message_ids->x_id, xid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header XID differs from the authorization's");

  // Idempotency on the RRPID, as AuthReq.
  const Bytes digest = sha256(o.signed_content);
  {
    OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                                 "SELECT request_digest, response, kind FROM gateway_adjustments "
                                                 "WHERE rrpid = ?",
                                                 rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (seen) {
      if (!ct_equal(q.column_blob(0), digest) || q.column_text(2) != "authrev")
        return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another request");
      log("gateway: AuthRevReq repeated, first AuthRevRes again");
      Answer a;
      a.send.push_back(Outgoing{Peer::kMerchant, "AuthRevRes", q.column_blob(1)});
      return a;
    }
  }
  OPENSET_TRY(seal::Recipient merchant, merchant_recipient(o));
  OPENSET_TRY(store::Transaction tx, db_.begin());

  // AuthRevRes: EncB{P, M, AuthRevResData, AuthRevResBaggage{capTokenNew}} when a CapToken for the
  // new amount goes back, else Enc{P, M, AuthRevResData} (notes §4.5 "Correction").
  auto answer = [&](AuthRevCode code, const Money& new_amt, std::int64_t released, const std::string& target,
                    const std::string& bank_id, std::string_view why) -> Result<Answer> {
    asn1::AuthRevResData rd;
    rd.auth_rev_code = code;
    rd.auth_rev_tags = data.auth_rev_tags;
    rd.auth_new_amt = new_amt;
    rd.auth_res_data_new.trans_ids = orig.trans_ids;
    const bool approved = code == AuthRevCode::kApproved;
    std::optional<asn1::CapToken> token;
    if (approved && new_amt.amount > 0) {
      asn1::CapTokenData ctd;
      ctd.auth_rrpid = auth_rrpid;
      ctd.auth_amt = new_amt;
      ctd.token_opaque = encode_opaque(TokenOpaque{target, xid, merchant_id});
      OPENSET_TRY(seal::Signer self_signer, config_.credentials.signer(false));
      OPENSET_TRY(seal::Recipient self, recipient_of(config_.credentials.key_exchange_certificate,
                                                     *config_.credentials.suite));
      OPENSET_TRY(asn1::EnvelopedData sealed,
                  seal::Enc(self_signer, self,
                            seal::EncTypes{content_type(CT::kCapTokenData), content_type(CT::kCapTokenTBE)},
                            asn1::encode(ctd)));
      asn1::CapToken ct;
      ct.value.emplace<1>(std::move(sealed));
      token = std::move(ct);
    }
    OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
    asn1::AuthRevRes res;
    if (token) {
      asn1::AuthRevResBaggage bag;
      bag.cap_token_new = std::move(token);
      seal::EncBTypes rtypes{content_type(CT::kAuthRevResBaggage), content_type(CT::kAuthRevResTBS),
                             content_type(CT::kAuthRevResTBEB)};
      OPENSET_TRY(Bytes encb, seal::EncB(signer, merchant, rtypes, asn1::encode(rd), asn1::encode(bag)));
      OPENSET_TRY(asn1::AuthRevRes::B b, asn1::decode<asn1::AuthRevRes::B>(encb));
      res.value.emplace<0>(std::move(b));
    } else {
      OPENSET_TRY(asn1::EnvelopedData enc,
                  seal::Enc(signer, merchant,
                            seal::EncTypes{content_type(CT::kAuthRevResData), content_type(CT::kAuthRevResTBE)},
                            asn1::encode(rd)));
      res.value.emplace<1>(std::move(enc));
    }
    asn1::Message m;
    m.value.emplace<asn1::Message::kAuthReversalResponse>(std::move(res));
    const asn1::TransIDs& t = orig.trans_ids;
    Bytes wire = wrap(make_header(env_, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid}, rrpid), std::move(m));
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO gateway_adjustments (rrpid, kind, request_digest, merchant_id, "
                            "response, created_at) VALUES (?, 'authrev', ?, ?, ?, ?)",
                            rrpid, digest, merchant_id, wire, env_.now()));
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO gateway_adjustment_items (rrpid, item, kind, xid, auth_rrpid, "
                            "currency, amount, amt_exp10, code, target, bank_id, created_at) "
                            "VALUES (?, 0, 'authrev', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            rrpid, xid, auth_rrpid, new_amt.currency, released, new_amt.amt_exp10,
                            static_cast<std::int64_t>(code),
                            target.empty() ? std::nullopt : std::optional<std::string>(target),
                            bank_id.empty() ? std::nullopt : std::optional<std::string>(bank_id), env_.now()));
    OPENSET_CHECK(tx.commit());
    log(fmt::format("gateway: AuthRevReq XID {} from {}: AuthRevCode {}{}{}", hex(xid).substr(0, 12),
                    merchant_id, static_cast<int>(code), why.empty() ? "" : " - ", why));
    Answer a;
    a.send.push_back(Outgoing{Peer::kMerchant, "AuthRevRes", std::move(wire)});
    return a;
  };

  const Money& want = data.auth_new_amt;
  // The authorization: one this gateway approved, for this merchant and XID (unknown and
  // foreign authorizations get the same answer).
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT merchant_id, xid, auth_code, authorization_id, currency, "
                                               "amount, amt_exp10 FROM gateway_authorizations WHERE auth_rrpid = ?",
                                               auth_rrpid));
  OPENSET_TRY(bool known, q.step());
  if (!known || q.column_text(0) != merchant_id || !ct_equal(q.column_blob(1), xid) || q.column_int64(2) != 0 ||
      q.column_is_null(3))
    return answer(AuthRevCode::kInvalidTransaction, want, 0, "", "", "no such authorization of this merchant");
  const std::string authorization_id = q.column_text(3);
  const Money authorized{q.column_int64(4), q.column_int64(5), q.column_int64(6)};
  OPENSET_TRY(auto cur, current_authorized(auth_rrpid));
  const Money current{authorized.currency, cur.value_or(0), authorized.amt_exp10};
  // The CapToken of the authorization (AuthRevReqBaggage.capToken, notes §4.5).
  if (!bag_r->cap_token || bag_r->cap_token->value.index() == 2)
    return answer(AuthRevCode::kMissingCapToken, current, 0, "", "", "no CapToken");
  OPENSET_TRY(crypto::PublicKey own_key, crypto::certificate_public_key(config_.credentials.signature_certificate));
  OPENSET_TRY(asn1::IssuerAndSerialNumber own_id,
              certificate_issuer_and_serial(config_.credentials.signature_certificate));
  std::vector<seal::TrustedSigner> self{seal::TrustedSigner{own_key, own_id}};
  std::string token_authorization;
  if (!open_own_token(*bag_r->cap_token, holder, self, config_.trust.policy, auth_rrpid, xid, merchant_id,
                      &token_authorization) ||
      token_authorization != authorization_id)
    return answer(AuthRevCode::kInvalidCapToken, current, 0, "", "", "CapToken is not this authorization's");
  // AuthNewAmt: the authorization's currency, 0 <= new <= what remains authorized.
  if (!same_denomination(want, authorized))
    return answer(AuthRevCode::kAmountError, current, 0, "", "", "AuthNewAmt in another currency");
  if (want.amount < 0 || want.amount > current.amount)
    return answer(AuthRevCode::kInvalidAmount, current, 0, "", "", "AuthNewAmt above the authorized amount");
  // Not once captured (a capture is reversed with CapRevReq first).
  OPENSET_TRY(auto live, sql::scalar(db_,
                                     std::string("SELECT COUNT(*) FROM gateway_capture_items i WHERE i.xid = ? "
                                                 "AND i.auth_rrpid = ? AND ") + std::string(kLiveCapture),
                                     xid, auth_rrpid));
  if (live.value_or(0) > 0)
    return answer(AuthRevCode::kInvalidTransaction, current, 0, "", "", "the authorization is captured");
  const std::int64_t release = current.amount - want.amount;
  if (release == 0) return answer(AuthRevCode::kApproved, want, 0, authorization_id, "", "nothing to release");
  auto r = acquirer_.release(hex(xid) + ":" + hex(rrpid) + ":release", authorization_id,
                             Money{want.currency, release, want.amt_exp10}, env_.now());
  if (!r.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer did not answer: " + r.error().message);
  const AuthRevCode code = auth_rev_code_of(r->verdict);
  const bool ok = code == AuthRevCode::kApproved;
  return answer(code, ok ? want : current, ok ? release : 0, authorization_id, r->release_id,
                std::string(release_verdict_name(r->verdict)));
}

namespace {
CapRevOrCredCode code_of(CreditVerdict v) {
  switch (v) {
    case CreditVerdict::kCredited: return CapRevOrCredCode::kSuccess;
    case CreditVerdict::kUnknownCapture: return CapRevOrCredCode::kOriginalNotFound;
    case CreditVerdict::kExceedsCaptured: return CapRevOrCredCode::kCapDataMismatch;
    case CreditVerdict::kConflict: return CapRevOrCredCode::kDuplicateRequest;
  }
  return CapRevOrCredCode::kUnspecifiedFailure;
}
CapRevOrCredCode code_of(ReversalVerdict v) {
  switch (v) {
    case ReversalVerdict::kReversed: return CapRevOrCredCode::kSuccess;
    case ReversalVerdict::kUnknown: return CapRevOrCredCode::kOriginalNotFound;
    case ReversalVerdict::kAlreadyReversed:
    case ReversalVerdict::kConflict: return CapRevOrCredCode::kDuplicateRequest;
    case ReversalVerdict::kRefunded: return CapRevOrCredCode::kOriginalProcessed;
  }
  return CapRevOrCredCode::kUnspecifiedFailure;
}
}  // namespace

// CapRevReq / CredReq / CredRevReq ::= EncB{M, P, CapRevData | CredReqData | CredRevReqData,
// CapTokenSeq} -> CapRevRes / CredRes / CredRevRes ::= Enc{P, M, ...ResData} (notes §4.7, §8.5).
Result<Answer> Gateway::on_cap_rev_or_cred(const asn1::MessageWrapper& w, ByteView der, Adjustment kind) {
  const auto& h = w.message_header;
  const char* kind_name = kind == Adjustment::kCapRev ? "caprev" : kind == Adjustment::kCred ? "cred" : "credrev";
  const char* req_name = kind == Adjustment::kCapRev ? "CapRevReq" : kind == Adjustment::kCred ? "CredReq" : "CredRevReq";
  const char* res_name = kind == Adjustment::kCapRev ? "CapRevRes" : kind == Adjustment::kCred ? "CredRes" : "CredRevRes";
  std::size_t choice = 0;
  if (kind == Adjustment::kCapRev) choice = std::get<asn1::Message::kCaptureReversalRequest>(w.message.value).value.index();
  if (kind == Adjustment::kCred) choice = std::get<asn1::Message::kCreditRequest>(w.message.value).value.index();
  if (kind == Adjustment::kCredRev) choice = std::get<asn1::Message::kCreditReversalRequest>(w.message.value).value.index();
  if (choice != 0)
    return refusal(ErrorCode::kMessageNotSupported, fmt::format("{} with a PANToken (encBX) refused", req_name));
  OPENSET_TRY(ByteView body, message_body(der));
  OPENSET_TRY(ByteView encb, explicit_inner(body, 0));
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  const CT tbs = kind == Adjustment::kCapRev ? CT::kCapRevReqTBS : kind == Adjustment::kCred ? CT::kCredReqTBS : CT::kCredRevReqTBS;
  const CT tbe = kind == Adjustment::kCapRev ? CT::kCapRevReqTBE : kind == Adjustment::kCred ? CT::kCredReqTBE : CT::kCredRevReqTBE;
  OPENSET_TRY(OpenedSigned o, open_encb(env_, encb, holder,
                                        seal::EncBTypes{content_type(CT::kCapTokenSeq), content_type(tbs),
                                                        content_type(tbe)},
                                        pki::CertType::kMerchantSignature, config_.trust, config_.brand));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(o.signer_certificate));
  // CapRevData ::= [0] EXPLICIT, CredReqData ::= [1], CredRevReqData ::= [2] (notes §4.7).
  Result<asn1::CapRevOrCredReqData> data_r = [&]() -> Result<asn1::CapRevOrCredReqData> {
    if (kind == Adjustment::kCapRev) {
      OPENSET_TRY(auto d, asn1::decode<asn1::CapRevData>(o.content));
      return d.get();
    }
    if (kind == Adjustment::kCred) {
      OPENSET_TRY(auto d, asn1::decode<asn1::CredReqData>(o.content));
      return d.get();
    }
    OPENSET_TRY(auto d, asn1::decode<asn1::CredRevReqData>(o.content));
    return d.get();
  }();
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::CapRevOrCredReqData& data = *data_r;
  const Bytes& rrpid = data.cap_rev_or_cred_rr_tags.rrpid;
  if (!h.rrpid || !ct_equal(*h.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from CapRevOrCredRRTags'");
  OPENSET_CHECK(check_freshness(env_, data.cap_rev_or_cred_rr_tags.current_date, config_.freshness,
                                "CapRevOrCredRRTags.currentDate"));
  if (data.cap_rev_or_cred_rr_tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "CapRevOrCredRRTags name another merchant than the signer");

  const Bytes digest = sha256(o.signed_content);
  {
    OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                                 "SELECT request_digest, response, kind FROM gateway_adjustments "
                                                 "WHERE rrpid = ?",
                                                 rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (seen) {
      if (!ct_equal(q.column_blob(0), digest) || q.column_text(2) != kind_name)
        return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another request");
      log(fmt::format("gateway: {} repeated, first {} again", req_name, res_name));
      Answer a;
      a.send.push_back(Outgoing{Peer::kMerchant, res_name, q.column_blob(1)});
      return a;
    }
  }
  // CapTokenSeq: one per item, in order; any may be null (notes §4.7).
  std::vector<Bytes> tokens;
  {
    der::Reader outer(o.baggage);
    auto in = outer.enter_sequence();
    if (!in.ok()) return with_set_code(std::move(in).error(), ErrorCode::kDecodingFailure);
    while (!in->empty()) {
      auto e = in->read_any();
      if (!e.ok()) return with_set_code(std::move(e).error(), ErrorCode::kDecodingFailure);
      tokens.push_back(to_bytes(e->tlv));
    }
  }
  if (tokens.size() != data.cap_rev_or_cred_req_item_seq.size())
    return refusal(ErrorCode::kDecodingFailure, "CapTokenSeq and the request items differ in length",
                   Errc::kConstraint);
  OPENSET_TRY(seal::Recipient merchant, merchant_recipient(o));
  OPENSET_TRY(crypto::PublicKey own_key, crypto::certificate_public_key(config_.credentials.signature_certificate));
  OPENSET_TRY(asn1::IssuerAndSerialNumber own_id,
              certificate_issuer_and_serial(config_.credentials.signature_certificate));
  std::vector<seal::TrustedSigner> self{seal::TrustedSigner{own_key, own_id}};

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO gateway_adjustments (rrpid, kind, request_digest, merchant_id, response, "
                          "created_at) VALUES (?, ?, ?, ?, x'', ?)",
                          rrpid, kind_name, digest, merchant_id, env_.now()));
  asn1::CapRevOrCredResData res;
  res.cap_rev_or_cred_rr_tags = data.cap_rev_or_cred_rr_tags;
  int done = 0;
  for (std::size_t i = 0; i < data.cap_rev_or_cred_req_item_seq.size(); ++i) {
    const asn1::CapRevOrCredReqItem& it = data.cap_rev_or_cred_req_item_seq[i];
    const Bytes& xid = it.trans_ids.xid;
    Money actual = it.cap_rev_or_cred_req_amt.value_or(it.cap_payload.cap_req_amt);
    std::string target, bank_id;
    auto check = [&]() -> Result<CapRevOrCredCode> {
      // newBatchID: the merchant's batch for this item (closed batch => batchClosed).
      OPENSET_TRY(int batch_no, batch_refusal(merchant_id, it.new_batch_id, actual));
      if (batch_no != 0)
        return batch_no == 1 ? CapRevOrCredCode::kBatchUnknown
                             : batch_no == 2 ? CapRevOrCredCode::kBatchClosed : CapRevOrCredCode::kUnspecifiedFailure;
      // The token, when not null, must be one this gateway sealed for this authorization.
      auto tok = asn1::decode<asn1::CapToken>(tokens[i]);
      if (!tok.ok()) return CapRevOrCredCode::kInvalidCapToken;
      if (tok->value.index() != 2 &&
          !open_own_token(*tok, holder, self, config_.trust.policy, it.auth_rrpid, xid, merchant_id, nullptr))
        return CapRevOrCredCode::kInvalidCapToken;
      // The capture of this authorization, by this merchant, not voided.
      OPENSET_TRY(store::Statement c,
                  sql::prepare(db_,
                               std::string("SELECT i.capture_id, i.currency, i.amount, i.amt_exp10 FROM "
                                           "gateway_capture_items i JOIN gateway_captures g ON g.rrpid = i.cap_rrpid "
                                           "WHERE i.xid = ? AND i.auth_rrpid = ? AND g.merchant_id = ? AND ") +
                                   std::string(kLiveCapture),
                               xid, it.auth_rrpid, merchant_id));
      OPENSET_TRY(bool found, c.step());
      if (!found) {
        if (kind != Adjustment::kCapRev) return CapRevOrCredCode::kOriginalNotFound;
        OPENSET_TRY(auto voided, sql::scalar(db_,
                                             "SELECT COUNT(*) FROM gateway_capture_items i JOIN gateway_captures g "
                                             "ON g.rrpid = i.cap_rrpid WHERE i.xid = ? AND i.auth_rrpid = ? AND "
                                             "g.merchant_id = ? AND i.cap_code = 0",
                                             xid, it.auth_rrpid, merchant_id));
        return voided.value_or(0) > 0 ? CapRevOrCredCode::kDuplicateRequest : CapRevOrCredCode::kOriginalNotFound;
      }
      const std::string capture_id = c.column_text(0);
      const Money captured{c.column_int64(1), c.column_int64(2), c.column_int64(3)};
      // CapPayload is copied from the CapReq (notes §4.7): its amount is what was captured.
      if (!(it.cap_payload.cap_req_amt == captured)) return CapRevOrCredCode::kCapDataMismatch;
      if (!same_denomination(actual, captured) || actual.amount <= 0) return CapRevOrCredCode::kCapDataMismatch;
      const std::string reference = hex(xid) + ":" + hex(rrpid) + ":" + std::to_string(i) + ":" + kind_name;
      if (kind == Adjustment::kCapRev) {
        // A capture is voided whole (P-18).
        if (actual.amount != captured.amount) return CapRevOrCredCode::kCapDataMismatch;
        target = capture_id;
        OPENSET_TRY(ReversalResult r, acquirer_.reverse_capture(reference, capture_id, env_.now()));
        bank_id = r.reversal_id;
        return code_of(r.verdict);
      }
      if (kind == Adjustment::kCred) {
        target = capture_id;
        OPENSET_TRY(CreditResult r, acquirer_.refund(reference, capture_id, actual, env_.now()));
        bank_id = r.credit_id;
        return code_of(r.verdict);
      }
      // CredRevReq: the newest refund of this capture with this amount that is not reversed.
      if (!it.cap_rev_or_cred_req_amt) return CapRevOrCredCode::kMissingCapData;
      OPENSET_TRY(store::Statement f,
                  sql::prepare(db_,
                               "SELECT f.bank_id FROM gateway_adjustment_items f WHERE f.kind = 'cred' AND "
                               "f.code = 0 AND f.target = ? AND f.amount = ? AND NOT EXISTS (SELECT 1 FROM "
                               "gateway_adjustment_items v WHERE v.kind = 'credrev' AND v.code = 0 AND "
                               "v.target = f.bank_id) ORDER BY f.created_at DESC, f.rowid DESC",
                               capture_id, actual.amount));
      OPENSET_TRY(bool credit_found, f.step());
      if (!credit_found) {
        OPENSET_TRY(auto reversed, sql::scalar(db_,
                                               "SELECT COUNT(*) FROM gateway_adjustment_items f WHERE f.kind = "
                                               "'cred' AND f.code = 0 AND f.target = ? AND f.amount = ?",
                                               capture_id, actual.amount));
        return reversed.value_or(0) > 0 ? CapRevOrCredCode::kDuplicateRequest : CapRevOrCredCode::kOriginalNotFound;
      }
      target = f.column_text(0);
      OPENSET_TRY(ReversalResult r, acquirer_.reverse_refund(reference, target, env_.now()));
      bank_id = r.reversal_id;
      return code_of(r.verdict);
    };
    auto code_r = check();
    if (!code_r.ok())
      return refusal(ErrorCode::kUnspecifiedFailure, fmt::format("{} failed: {}", req_name, code_r.error().message));
    const CapRevOrCredCode code = *code_r;
    if (code == CapRevOrCredCode::kSuccess) ++done;
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO gateway_adjustment_items (rrpid, item, kind, xid, auth_rrpid, currency, "
                            "amount, amt_exp10, code, target, bank_id, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            rrpid, static_cast<std::int64_t>(i), kind_name, xid, it.auth_rrpid, actual.currency,
                            code == CapRevOrCredCode::kSuccess ? actual.amount : std::int64_t{0}, actual.amt_exp10,
                            static_cast<std::int64_t>(code),
                            target.empty() ? std::nullopt : std::optional<std::string>(target),
                            bank_id.empty() ? std::nullopt : std::optional<std::string>(bank_id), env_.now()));
    asn1::CapRevOrCredResItem ri;
    ri.trans_ids = it.trans_ids;
    ri.auth_rrpid = it.auth_rrpid;
    ri.cap_rev_or_cred_res_payload.cap_rev_or_cred_code = code;
    ri.cap_rev_or_cred_res_payload.cap_rev_or_cred_actual_amt =
        code == CapRevOrCredCode::kSuccess ? actual : Money{actual.currency, 0, actual.amt_exp10};
    if (code == CapRevOrCredCode::kSuccess) {
      const BatchItemKind bk = kind == Adjustment::kCapRev ? BatchItemKind::kCaptureReversal
                               : kind == Adjustment::kCred ? BatchItemKind::kCredit
                                                           : BatchItemKind::kCreditReversal;
      OPENSET_TRY(auto placed, batch_assign(merchant_id, it.new_batch_id, bk, it.trans_ids, it.auth_rrpid, bank_id,
                                            actual, rrpid, static_cast<std::int64_t>(i)));
      ri.cap_rev_or_cred_res_payload.batch_id = placed.first;
      ri.cap_rev_or_cred_res_payload.batch_sequence_num = placed.second;
    }
    res.cap_rev_or_cred_res_item_seq.push_back(std::move(ri));
  }

  Bytes content;
  CT res_tbe = CT::kCapRevResTBE, res_data = CT::kCapRevResData;
  if (kind == Adjustment::kCapRev) {
    asn1::CapRevResData d;
    d.value.emplace<0>(std::move(res));
    content = asn1::encode(d);
  } else if (kind == Adjustment::kCred) {
    asn1::CredResData d;
    d.value.emplace<0>(std::move(res));
    content = asn1::encode(d);
    res_tbe = CT::kCredResTBE;
    res_data = CT::kCredResData;
  } else {
    asn1::CredRevResData d;
    d.value.emplace<0>(std::move(res));
    content = asn1::encode(d);
    res_tbe = CT::kCredRevResTBE;
    res_data = CT::kCredRevResData;
  }
  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
  OPENSET_TRY(asn1::EnvelopedData enc,
              seal::Enc(signer, merchant, seal::EncTypes{content_type(res_data), content_type(res_tbe)}, content));
  asn1::Message m;
  if (kind == Adjustment::kCapRev) m.value.emplace<asn1::Message::kCaptureReversalResponse>(std::move(enc));
  else if (kind == Adjustment::kCred) m.value.emplace<asn1::Message::kCreditResponse>(std::move(enc));
  else m.value.emplace<asn1::Message::kCreditReversalResponse>(std::move(enc));
  Bytes wire = wrap(make_header(env_, std::nullopt, rrpid), std::move(m));
  OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_adjustments SET response = ? WHERE rrpid = ?", wire, rrpid));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("gateway: {} from {}: {} of {} item(s) done", req_name, merchant_id, done,
                  data.cap_rev_or_cred_req_item_seq.size()));
  Answer a;
  a.send.push_back(Outgoing{Peer::kMerchant, res_name, std::move(wire)});
  return a;
}

Result<std::vector<AuthorizationView>> Gateway::authorizations() {
  OPENSET_TRY(store::Statement s,
              db_.prepare("SELECT a.xid, a.auth_rrpid, a.merchant_id, a.currency, a.amount, "
                          "a.amt_exp10, a.auth_code, a.authorization_id, a.created_at, "
                          "(SELECT i.amount FROM gateway_capture_items i WHERE i.xid = a.xid AND "
                          "i.auth_rrpid = a.auth_rrpid AND i.cap_code = 0 AND NOT EXISTS (SELECT 1 FROM "
                          "gateway_adjustment_items v WHERE v.kind = 'caprev' AND v.code = 0 AND "
                          "v.target = i.capture_id)) "
                          "FROM gateway_authorizations a ORDER BY a.created_at, a.rowid"));
  std::vector<AuthorizationView> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    AuthorizationView v;
    v.xid = s.column_blob(0);
    v.auth_rrpid = s.column_blob(1);
    v.merchant_id = s.column_text(2);
    v.amount = Money{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
    v.auth_code = s.column_int64(6);
    if (!s.column_is_null(7)) v.authorization_id = s.column_text(7);
    v.created_at = s.column_int64(8);
    if (!s.column_is_null(9)) v.captured = Money{v.amount.currency, s.column_int64(9), v.amount.amt_exp10};
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace openset::roles::purchase
