#include "openset/roles/purchase/gateway.hpp"

#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/dual_signature.hpp"
#include "openset/seal/envelope.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::AuthCode;
using asn1::CapCode;
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

}  // namespace

Gateway::Gateway(store::Database db, GatewayConfig config, Env env, Acquirer& acquirer)
    : db_(std::move(db)), config_(std::move(config)), env_(env), acquirer_(acquirer) {}

Result<std::unique_ptr<Gateway>> Gateway::open(const std::string& db_path, GatewayConfig config,
                                               Env env, Acquirer& acquirer) {
  if (config.credentials.suite == nullptr) return Error(Errc::kInvalidArgument, "gateway: no suite");
  OPENSET_CHECK(config.credentials.holder());
  OPENSET_TRY(store::Database db, store::Database::open(db_path, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(kSchema));
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
  {
    OPENSET_TRY(store::Statement q,
                sql::prepare(db_, "SELECT request_digest, auth_res FROM gateway_authorizations "
                                  "WHERE auth_rrpid = ?",
                             rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (seen) {
      if (!ct_equal(q.column_blob(0), digest))
        return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another AuthReq");
      log("gateway: AuthReq repeated, first AuthRes again");
      Answer a;
      a.send.push_back(Outgoing{Peer::kMerchant, "AuthRes", q.column_blob(1)});
      return a;
    }
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

  // The PI: dual-signed only (the gateway's policy requires cardholder certificates).
  auto pi = asn1::decode<asn1::PI>(o.baggage);
  if (!pi.ok()) return with_set_code(std::move(pi).error(), ErrorCode::kDecodingFailure);
  if (pi->value.index() == 0)
    return answer(AuthCode::kSignatureRequired, nullptr, "unsigned PI refused");
  if (pi->value.index() == 2)
    return refusal(ErrorCode::kMessageNotSupported, "AuthToken PIs are not supported");
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
  OPENSET_TRY(asn1::PIHead head, asn1::decode<asn1::PIHead>(opened->pi_head));
  OPENSET_TRY(asn1::PANData pan, asn1::decode<asn1::PANData>(opened->pan_data.view()));
  struct Wipe {
    asn1::PANData& p;
    ~Wipe() {
      secure_wipe(p.pan.data(), p.pan.size());
      secure_wipe(p.pan_secret);
    }
  } wipe{pan};

  // §3.8 / §8.4 item 3: the certificate's unique cardholder ID is HMAC(PANSecret, PAN, expiry).
  {
    OPENSET_TRY(std::string cn, common_name_of(*ch_cert));
    SecretBytes pan_secret(pan.pan_secret);
    auto id = pki::unique_cardholder_id(crypto::suite(path.suite), pan.pan, pan.card_expiry, pan_secret);
    if (!id.ok() || *id != cn)
      return answer(AuthCode::kInvalidTransaction, nullptr,
                    "the card data does not match the cardholder certificate");
  }
  // §8.4 item 4: the PI and the merchant's order are one purchase.
  if (!item.check_digests)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "AuthReq without CheckDigests");
  if (!ct_equal(asn1::encode(item.check_digests->h_oi_data), opened->h_oi_data))
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

  // §8.4 item 8: the acquirer, which asks the issuer (reference: XID and RRPID).
  AuthorizationRequest req;
  req.reference = hex(xid) + ":" + hex(rrpid);
  req.pan = pan.pan;
  req.expiry = pan.card_expiry;
  req.amount = amount;
  req.merchant_id = merchant_id;
  req.at = env_.now();
  auto decision = acquirer_.authorize(req);
  secure_wipe(req.pan.data(), req.pan.size());
  if (!decision.ok())
    return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer did not answer: " +
                                                       decision.error().message);
  return answer(auth_code_of(decision->verdict), &*decision,
                std::string(auth_verdict_name(decision->verdict)));
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
  {
    OPENSET_TRY(store::Statement q,
                sql::prepare(db_, "SELECT request_digest, cap_res FROM gateway_captures WHERE rrpid = ?",
                             rrpid));
    OPENSET_TRY(bool seen, q.step());
    if (seen) {
      if (!ct_equal(q.column_blob(0), digest))
        return refusal(ErrorCode::kUnspecifiedFailure, "RRPID already used by another CapReq");
      log("gateway: CapReq repeated, first CapRes again");
      Answer a;
      a.send.push_back(Outgoing{Peer::kMerchant, "CapRes", q.column_blob(1)});
      return a;
    }
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
    auto check = [&]() -> Result<CapCode> {
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
      OPENSET_TRY(auto dup, sql::scalar(db_,
                                        "SELECT COUNT(*) FROM gateway_capture_items WHERE xid = ? "
                                        "AND auth_rrpid = ? AND cap_code = 0",
                                        it.trans_ids.xid, it.auth_rrpid));
      if (dup.value_or(0) > 0) return CapCode::kDuplicateRequest;
      CaptureRequest creq;
      creq.reference = hex(it.trans_ids.xid) + ":" + hex(it.auth_rrpid) + ":capture";
      creq.authorization_id = opaque->authorization_id;
      creq.amount = want;
      creq.merchant_id = merchant_id;
      creq.at = env_.now();
      OPENSET_TRY(CaptureResult cr, acquirer_.capture(creq));
      capture_id = cr.capture_id;
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

Result<std::vector<AuthorizationView>> Gateway::authorizations() {
  OPENSET_TRY(store::Statement s,
              db_.prepare("SELECT a.xid, a.auth_rrpid, a.merchant_id, a.currency, a.amount, "
                          "a.amt_exp10, a.auth_code, a.authorization_id, a.created_at, "
                          "(SELECT i.amount FROM gateway_capture_items i WHERE i.xid = a.xid AND "
                          "i.auth_rrpid = a.auth_rrpid AND i.cap_code = 0) "
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
