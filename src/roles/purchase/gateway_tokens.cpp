// The gateway's side of split shipments and installment / recurring payments (issue 5 items 5
// and 6; docs/purchase.md "Split shipments, installments and recurring payments").
//
// AuthToken ::= EncX{P1, P2, AuthTokenData, PANToken} (set-1.asn1 lines 1799-1822; notes §4.3):
// sealed by this gateway for itself (P1 = P2, notes "P1, P2"), the PANToken in the RSA block so
// that the PAN never reaches the merchant. The first approved authorization of a purchase whose
// AuthReq asks for it (AuthReqPayload.subsequentAuthInd) or whose PIHead carries InstallRecurData
// gets one; each later AuthReq whose PI is that token (PI [2] authToken) is authorized within
// what the cardholder signed and, while more may follow, gets the next token. Each token is used
// once: gateway_auth_chain links every authorization of a chain to the one whose token it used.
#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/seal/envelope.hpp"
#include "split.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::AuthCode;
using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

const char* const kGatewayTokenSchema = R"sql(
-- Every approved authorization of a purchase that has AuthTokens (split shipment, installments,
-- recurring), and the authorization whose AuthToken it used (NULL: the first, from the PI).
-- A token is used once: parent_rrpid is unique.
CREATE TABLE IF NOT EXISTS gateway_auth_chain (
  auth_rrpid       BLOB PRIMARY KEY,   -- gateway_authorizations.auth_rrpid (inserted just after)
  xid              BLOB NOT NULL,
  merchant_id      TEXT NOT NULL,
  parent_rrpid     BLOB UNIQUE,
  token_issued     INTEGER NOT NULL,   -- 1: its AuthRes carried an AuthToken
  released         INTEGER NOT NULL DEFAULT 0,  -- the rest of the hold released at capture
  created_at       INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS gateway_auth_chain_xid ON gateway_auth_chain(xid);
)sql";

namespace {

// authTokenOpaque (TokenOpaque: gateway-defined, set-1.asn1 line 1822): SEQUENCE { authRRPID
// OCTET STRING }, the authorization whose AuthRes carried the token.
Bytes encode_token_opaque(ByteView auth_rrpid) {
  der::Writer w;
  w.begin_sequence().add_octet_string(auth_rrpid).end();
  return w.finish();
}
Result<Bytes> decode_token_opaque(ByteView der) {
  der::Reader outer(der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(ByteView rrpid, in.read_octet_string());
  OPENSET_CHECK(in.expect_end());
  return to_bytes(rrpid);
}

constexpr std::int64_t kDay = 24 * 3600;

// A capture that is not reversed (as gateway.cpp's kLiveCapture).
constexpr std::string_view kLive =
    "i.cap_code = 0 AND NOT EXISTS (SELECT 1 FROM gateway_adjustment_items v WHERE v.kind = 'caprev' "
    "AND v.code = 0 AND v.target = i.capture_id)";

seal::EncXTypes token_types() {
  return seal::EncXTypes{content_type(CT::kAuthTokenTBS), content_type(CT::kAuthTokenTBE)};
}

}  // namespace

// What the chain of `xid` holds of the cardholder's money: per authorization, its live capture
// when captured, else what remains authorized (AuthAmt minus AuthRevReq releases).
Result<std::int64_t> Gateway::committed(ByteView xid) {
  OPENSET_TRY(store::Statement s, sql::prepare(db_, "SELECT c.auth_rrpid FROM gateway_auth_chain c WHERE c.xid = ?", xid));
  std::int64_t total = 0;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    const Bytes auth_rrpid = s.column_blob(0);
    OPENSET_TRY(auto captured, sql::scalar(db_,
                                           std::string("SELECT SUM(i.amount) FROM gateway_capture_items i WHERE "
                                                       "i.auth_rrpid = ? AND ") + std::string(kLive),
                                           auth_rrpid));
    if (captured) {
      total += *captured;
      continue;
    }
    OPENSET_TRY(auto current, current_authorized(auth_rrpid));
    total += current.value_or(0);
  }
  return total;
}

// The AuthToken of an approved authorization (notes §4.3 "AuthToken generation"), and its row in
// gateway_auth_chain. nullopt (no token) when nothing more may be authorized: the last
// installment, a recurring agreement whose next payment would fall after its expiry.
Result<std::optional<asn1::EnvelopedData>> Gateway::issue_auth_token(const TokenPlan& plan, ByteView auth_rrpid,
                                                                     const Money& amount,
                                                                     std::string_view merchant_id) {
  const std::int64_t count = plan.count_before + 1;
  const std::int64_t total = plan.committed_before + amount.amount;  // TotalAuthAmount
  bool more = false;
  if (!plan.install_recur) {
    // Split shipment: always, even when this authorization commits all that was signed, since a
    // part captured for less gives the rest back (release_uncaptured) to be authorized again;
    // the token never buys more than PurchAmt minus what is committed (on_auth_token).
    more = true;
  } else if (plan.install_recur->install_recur_ind.value.index() == 0) {
    more = count < std::get<0>(plan.install_recur->install_recur_ind.value);  // installTotalTrans
  } else {
    const auto& r = std::get<1>(plan.install_recur->install_recur_ind.value);
    more = env_.now() + r.recurring_frequency * kDay <= r.recurring_expiry.to_unix();
  }
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO gateway_auth_chain (auth_rrpid, xid, merchant_id, parent_rrpid, token_issued, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                          auth_rrpid, plan.trans_ids.xid, merchant_id, plan.parent,
                          static_cast<std::int64_t>(more ? 1 : 0), env_.now()));
  if (!more) return std::optional<asn1::EnvelopedData>{};

  asn1::AuthTokenData atd;
  atd.trans_ids = plan.trans_ids;
  atd.purch_amt = plan.purch_amt;
  atd.merchant_id = asn1::MerchantID(std::string(merchant_id));
  atd.install_recur_data = plan.install_recur;
  atd.recurring_count = count;
  atd.prev_auth_date_time = env_.date();
  atd.total_auth_amount = Money{amount.currency, total, amount.amt_exp10};
  atd.auth_token_opaque = encode_token_opaque(auth_rrpid);
  asn1::PANToken pt;
  pt.pan = plan.pan;
  pt.card_expiry = plan.expiry;
  pt.ex_nonce = env_.random.bytes(20);
  SecretBytes pt_der(asn1::encode(pt));
  secure_wipe(pt.pan.data(), pt.pan.size());
  OPENSET_TRY(seal::Signer self_signer, config_.credentials.signer(false));
  OPENSET_TRY(seal::Recipient self, recipient_of(config_.credentials.key_exchange_certificate,
                                                 *config_.credentials.suite));
  OPENSET_TRY(asn1::EnvelopedData token, seal::EncX(self_signer, self, token_types(), asn1::encode(atd),
                                                    pt_der.view(), crypto::block_contents::kKeyPanToken));
  return std::optional<asn1::EnvelopedData>(std::move(token));
}

// AuthReq with PI = [2] authToken (notes §4.2: a subsequent authorization; CheckDigests omitted).
Result<Answer> Gateway::on_auth_token(const asn1::EnvelopedData& token, const asn1::AuthReqData& data,
                                      const std::string& merchant_id, std::optional<TokenPlan>& plan,
                                      const AuthAnswer& answer) {
  const asn1::AuthReqItem& item = data.auth_req_item;
  const asn1::AuthTags& tags = item.auth_tags;
  const Bytes& rrpid = tags.auth_rr_tags.rrpid;
  const Bytes& xid = tags.trans_ids.xid;
  const Money& amount = item.auth_req_payload.auth_req_amt;

  // The token opens with our key-exchange key and carries our own signature (P1 = P2 = this
  // gateway); anything else, a token altered on the way included, is one signatureFailure
  // (docs/seal.md "Padding oracle").
  OPENSET_TRY(seal::KeyHolder holder, config_.credentials.holder());
  OPENSET_TRY(crypto::PublicKey own_key, crypto::certificate_public_key(config_.credentials.signature_certificate));
  OPENSET_TRY(asn1::IssuerAndSerialNumber own_id,
              certificate_issuer_and_serial(config_.credentials.signature_certificate));
  std::vector<seal::TrustedSigner> self{seal::TrustedSigner{own_key, own_id}};
  auto opened = seal::open_EncX(token, holder, token_types(), crypto::block_contents::kKeyPanToken, self,
                                config_.trust.policy);
  if (!opened.ok())
    return refusal(ErrorCode::kSignatureFailure, "the AuthToken does not open or is not this gateway's");
  auto atd_r = asn1::decode<asn1::AuthTokenData>(opened->content.view());
  auto pt_r = asn1::decode<asn1::PANToken>(opened->param.view());
  if (!atd_r.ok() || !pt_r.ok())
    return refusal(ErrorCode::kDecodingFailure, "the AuthToken's contents do not decode", Errc::kMalformed);
  asn1::AuthTokenData& atd = *atd_r;
  asn1::PANToken& pt = *pt_r;
  struct Wipe {
    asn1::PANToken& p;
    ~Wipe() { secure_wipe(p.pan.data(), p.pan.size()); }
  } wipe{pt};

  // The token belongs to this merchant and this purchase (notes §8.4 item 6 for PIs).
  if (atd.merchant_id.text() != merchant_id)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "the AuthToken is another merchant's");
  if (asn1::encode(atd.trans_ids) != asn1::encode(tags.trans_ids))
    return answer(AuthCode::kPiAuthMismatch, nullptr, "the AuthToken is another purchase's");
  if (!atd.auth_token_opaque)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "the AuthToken names no authorization");
  auto parent_r = decode_token_opaque(*atd.auth_token_opaque);
  if (!parent_r.ok()) return answer(AuthCode::kPiAuthMismatch, nullptr, "the AuthToken names no authorization");
  const Bytes parent = std::move(parent_r).value();
  OPENSET_TRY(auto issued, sql::scalar(db_,
                                       "SELECT token_issued FROM gateway_auth_chain WHERE auth_rrpid = ? AND "
                                       "xid = ? AND merchant_id = ?",
                                       parent, xid, merchant_id));
  if (!issued || *issued != 1)
    return answer(AuthCode::kPiAuthMismatch, nullptr, "no AuthToken was issued for that authorization");
  // Each token once (the same AuthReq again was answered above from gateway_authorizations).
  OPENSET_TRY(auto used, sql::scalar(db_, "SELECT COUNT(*) FROM gateway_auth_chain WHERE parent_rrpid = ?", parent));
  if (used.value_or(0) > 0) return answer(AuthCode::kPiPreviouslyUsed, nullptr, "this AuthToken was already used");

  // As for the first authorization: capture is a separate CapReq.
  if (data.capture_now) return answer(AuthCode::kCaptureNotSupported, nullptr, "captureNow is not supported");
  // InstallRecurData, when the merchant repeats it, is the one the cardholder signed.
  if (item.auth_req_payload.install_recur_data &&
      (!atd.install_recur_data || !(*item.auth_req_payload.install_recur_data == *atd.install_recur_data)))
    return answer(AuthCode::kInstallRecurMismatch, nullptr, "InstallRecurData differs from the signed one");
  // The amount: the signed currency, positive.
  if (!same_denomination(amount, atd.purch_amt) || amount.amount <= 0)
    return answer(AuthCode::kAmountError, nullptr, "AuthReqAmt not in the signed currency");
  OPENSET_TRY(auto count, sql::scalar(db_, "SELECT COUNT(*) FROM gateway_auth_chain WHERE xid = ?", xid));
  OPENSET_TRY(std::int64_t held, committed(xid));
  if (!atd.install_recur_data) {
    // Split shipment: all parts together never above PurchAmt (notes §4.2 "AuthReqAmt may
    // differ from PurchAmt"; the cardholder signed PurchAmt once).
    if (amount.amount > atd.purch_amt.amount - held)
      return answer(AuthCode::kAmountError, nullptr,
                    fmt::format("{} above what remains of the signed amount ({} committed)",
                                format_amount(amount), held));
  } else {
    // Installments and recurring payments (notes §3.9): each payment at most the signed amount.
    const auto& ind = atd.install_recur_data->install_recur_ind.value;
    if (ind.index() == 0 && count.value_or(0) >= std::get<0>(ind))
      return answer(AuthCode::kInstallRecurMismatch, nullptr,
                    fmt::format("all {} installments are authorized", std::get<0>(ind)));
    if (ind.index() == 1) {
      const asn1::Recurring& r = std::get<1>(ind);
      if (env_.now() > r.recurring_expiry.to_unix())
        return answer(AuthCode::kRecurringExpired, nullptr, "the recurring agreement has expired");
      OPENSET_TRY(auto last, sql::scalar(db_, "SELECT MAX(created_at) FROM gateway_auth_chain WHERE xid = ?", xid));
      if (last && env_.now() - *last < r.recurring_frequency * kDay)
        return answer(AuthCode::kRecurringTooSoon, nullptr,
                      fmt::format("less than {} day(s) since the last payment", r.recurring_frequency));
    }
    if (amount.amount > atd.purch_amt.amount)
      return answer(AuthCode::kAmountError, nullptr, "a payment above the signed amount");
  }

  TokenPlan p;
  p.trans_ids = atd.trans_ids;
  p.purch_amt = atd.purch_amt;
  p.install_recur = atd.install_recur_data;
  p.count_before = count.value_or(0);
  p.committed_before = held;
  p.parent = parent;
  p.pan = pt.pan;
  p.expiry = pt.card_expiry;
  plan = std::move(p);

  // The issuer, as for the first authorization (§8.4 item 8), with the PAN from the PANToken.
  return ask_issuer(xid, rrpid, pt.pan, pt.card_expiry, amount, merchant_id, answer, "subsequent authorization: ");
}

// A chain authorization captured in part: the rest of its hold goes back to the cardholder now
// (the next part is authorized afresh with the AuthToken), so that no hold outlives the capture
// (docs/departures.md SP-2).
Status Gateway::release_uncaptured(ByteView auth_rrpid, const std::string& authorization_id, const Money& captured,
                                   const std::string& reference) {
  OPENSET_TRY(auto chained, sql::scalar(db_, "SELECT COUNT(*) FROM gateway_auth_chain WHERE auth_rrpid = ?", auth_rrpid));
  if (chained.value_or(0) == 0) return Ok{};
  OPENSET_TRY(auto current, current_authorized(auth_rrpid));
  const std::int64_t rest = current.value_or(0) - captured.amount;
  if (rest <= 0) return Ok{};
  OPENSET_TRY(ReleaseResult r, acquirer_.release(reference + ":rest", authorization_id,
                                                 Money{captured.currency, rest, captured.amt_exp10}, env_.now()));
  if (r.verdict != ReleaseVerdict::kReleased)
    return Error(Errc::kInvalidArgument, fmt::format("releasing the rest of a split authorization: {}",
                                              release_verdict_name(r.verdict)));
  OPENSET_CHECK(sql::exec(db_, "UPDATE gateway_auth_chain SET released = released + ? WHERE auth_rrpid = ?", rest, auth_rrpid));
  log(fmt::format("gateway: {} of a chain authorization released after its partial capture",
                  format_amount(Money{captured.currency, rest, captured.amt_exp10})));
  return Ok{};
}

}  // namespace openset::roles::purchase
