// The payment gateway (Book 1 "payment gateway"; notes §4, §8.4, §8.5): the only party that
// opens payment instructions. It also takes AuthRevReq (notes §4.5: the hold released in part or
// in full, AuthRevRes with a new CapToken), CapRevReq, CredReq and CredRevReq (§4.7: a capture
// voided, refunded in part or in full, a refund reversed), each idempotent on its RRPID. AuthReq -> checks of both signatures, the PI <-> order link, the
// amount and the identifiers, then roles::Acquirer::authorize -> AuthRes with a CapToken sealed
// for the gateway itself. CapReq -> per CapItem: its CapToken, the amount, roles::Acquirer::capture
// -> CapRes with a CapStatus per item. Both are idempotent on their RRPID.
//
// The gateway never receives the order description (only HOD). State: one SQLite file
// (gateway_authorizations, gateway_captures, gateway_capture_items).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "openset/asn1/set_paymsgs.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/roles/purchase/common.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::purchase {

struct TokenPlan;  // split.hpp

struct GatewayConfig {
  Credentials credentials;  // gateway signature + key-exchange certificates and their chain
  std::string brand;        // the brand whose PCA certified this gateway
  // The acquirer BINs this gateway serves: a PCertReq naming another BIN is answered unknownBIN
  // (notes §4.8). Empty: the gateway answers for every BIN of its brand.
  std::vector<std::string> acquirer_bins;
  TrustContext trust;
  Freshness freshness;
  Log log;
  // The brand's policy on cardholders without certificates: true declines an unsigned PI
  // (AuthCode signatureRequired, notes §3.8); false authorizes it on the PANToken.
  bool cardholder_certificate_required = true;
};

struct AuthorizationView {
  Bytes xid;
  Bytes auth_rrpid;
  std::string merchant_id;
  Money amount;                   // AuthReqAmt
  std::int64_t auth_code = 0;     // AuthCode answered
  std::string authorization_id;   // the issuer's hold (approved only)
  std::optional<Money> captured;  // what a CapReq captured
  std::int64_t created_at = 0;
};

class Gateway {
 public:
  static Result<std::unique_ptr<Gateway>> open(const std::string& db_path, GatewayConfig config,
                                               Env env, Acquirer& acquirer);

  // AuthReq -> AuthRes; CapReq -> CapRes; AuthRevReq -> AuthRevRes; CapRevReq -> CapRevRes;
  // CredReq -> CredRes; CredRevReq -> CredRevRes (to the merchant). Refusals answer with a signed
  // Error.
  Answer handle(ByteView der);

  Result<std::vector<AuthorizationView>> authorizations();

  store::Database& database() { return db_; }

  // ---- batches (BatchAdminReq, notes §4.9; gateway_batch.cpp) ----
  struct BatchView {
    std::int64_t batch_id = 0;
    std::string merchant_id;
    std::string state;  // open, closed, purged
    std::int64_t opened_at = 0;
    std::optional<std::int64_t> closed_at;
    std::string settlement_id;  // the acquirer's, once closed
    std::vector<BatchItem> items;
  };
  // nullopt: no such batch.
  Result<std::optional<BatchView>> batch(std::int64_t batch_id);

 private:
  // BatchAdminReq -> BatchAdminRes (gateway_batch.cpp).
  Result<Answer> on_batch_admin(const asn1::MessageWrapper& w, ByteView der);
  static Status create_batch_schema(store::Database& db);
  // Whether an item of `merchant_id` in `amount`'s currency may go to batch `requested` (the
  // merchant's open batch when nullopt): 0 yes, 1 unknown or another merchant's batch, 2 closed,
  // 3 the batch holds another currency.
  Result<int> batch_refusal(std::string_view merchant_id, std::optional<std::int64_t> requested, const Money& amount);
  // Puts a done item into batch `requested` (else the merchant's open batch, opened when none is):
  // its BatchID and batchSequenceNum.
  Result<std::pair<std::int64_t, std::int64_t>> batch_assign(std::string_view merchant_id,
                                                             std::optional<std::int64_t> requested, BatchItemKind kind,
                                                             const asn1::TransIDs& trans_ids, ByteView auth_rrpid,
                                                             std::string_view bank_id, const Money& amount,
                                                             ByteView rrpid, std::int64_t item);
  Gateway(store::Database db, GatewayConfig config, Env env, Acquirer& acquirer);
  Result<Answer> on_auth_req(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_cap_req(const asn1::MessageWrapper& w, ByteView der);
  enum class Adjustment { kCapRev, kCred, kCredRev };
  Result<Answer> on_auth_rev_req(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_cap_rev_or_cred(const asn1::MessageWrapper& w, ByteView der, Adjustment kind);
  Result<Answer> on_pcert_req(const asn1::MessageWrapper& w, ByteView der);
  // The merchant's key-exchange certificate among those it sent with its signature.
  Result<seal::Recipient> merchant_recipient(const OpenedSigned& o);
  // AuthAmt of an approved authorization minus what AuthRevReq released and, for a part of a
  // split shipment, what was released at its capture (nullopt: unknown).
  Result<std::optional<std::int64_t>> current_authorized(ByteView auth_rrpid);
  void log(std::string_view line) const;
  // Split shipments and installment / recurring payments (gateway_tokens.cpp): an AuthReq whose
  // PI is an AuthToken; the AuthToken of an approved AuthRes; the rest of a chain
  // authorization's hold released when it is captured in part; what a chain has committed.
  using AuthAnswer =
      std::function<Result<Answer>(asn1::AuthCode, const AuthorizationDecision*, std::string_view)>;
  Result<Answer> on_auth_token(const asn1::EnvelopedData& token, const asn1::AuthReqData& data,
                               const std::string& merchant_id, std::optional<TokenPlan>& plan,
                               const AuthAnswer& answer);
  Result<std::optional<asn1::EnvelopedData>> issue_auth_token(const TokenPlan& plan, ByteView auth_rrpid,
                                                              const Money& amount, std::string_view merchant_id);
  Status release_uncaptured(ByteView auth_rrpid, const std::string& authorization_id, const Money& captured,
                            const std::string& reference);
  Result<std::int64_t> committed(ByteView xid);
  // The acquirer and the issuer's verdict for an authorization, answered with `answer`
  // (`what` prefixes the log line).
  Result<Answer> ask_issuer(ByteView xid, ByteView rrpid, std::string_view pan, std::string_view expiry,
                            const Money& amount, const std::string& merchant_id, const AuthAnswer& answer,
                            std::string_view what);

  store::Database db_;
  GatewayConfig config_;
  Env env_;
  Acquirer& acquirer_;
};

}  // namespace openset::roles::purchase
