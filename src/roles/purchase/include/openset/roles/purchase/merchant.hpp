// The merchant server (Book 1 "merchant"; notes §3, §4, §8.3): answers PInitReq with a signed
// PInitRes, checks the order half of the dual-signed PReq and asks the gateway for the
// authorization (AuthReq, the PI travelling as baggage), answers the cardholder with PRes once
// the AuthRes is in, and captures authorized orders in batches (CapReq / CapRes). Afterwards it
// reduces or cancels authorizations (AuthRevReq), voids captures (CapRevReq), refunds
// (CredReq) and reverses refunds (CredRevReq), and answers the cardholder's InqReq with the
// order's status (InqRes, notes §3.11).
//
// The merchant never holds the PAN (notes §8.1): it has OIData, the PI blob sealed for the
// gateway, and its own order description. State: one SQLite file (merchant_orders,
// merchant_captures, merchant_adjustments, merchant_cardholders).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/roles/purchase/batch.hpp"
#include "openset/roles/purchase/common.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::purchase {

// The payment gateway the merchant uses for one brand: its key-exchange certificate (the
// cardholder seals PANData to it; the merchant seals AuthReq/CapReq to it) and that
// certificate's CA chain, sent to wallets that lack it.
struct GatewayRoute {
  std::string brand;
  Bytes key_exchange_certificate;
  std::vector<Bytes> chain;
};

struct MerchantConfig {
  Credentials credentials;  // merchant signature + key-exchange certificates and their chain
  std::vector<GatewayRoute> gateways;
  TrustContext trust;
  Freshness freshness;
  Log log;
  // The brand's policy on cardholders without certificates (notes §3.8 PReqUnsigned): true
  // refuses a PReqUnsigned with signatureRequired.
  bool cardholder_certificate_required = true;
};

enum class OrderState {
  kOpen,         // created by the shopping step, no SET message yet
  kInitiated,    // PInitRes sent (XID, Chall-M issued)
  kAuthorizing,  // PReq accepted, AuthReq sent to the gateway
  kAuthorized,   // AuthRes approved, PRes sent
  kDeclined,     // AuthRes declined, PRes sent
  kCapturing,    // in a CapReq awaiting its CapRes
  kCaptured,     // CapRes: success
  kReversed,     // AuthRevRes approved with AuthNewAmt 0: the authorization is cancelled
  kRefunded,     // CredRes: what was captured is refunded in full
};
std::string_view to_string(OrderState s);

// One authorization of an order (split shipments, installments, recurring payments:
// merchant_split.cpp). Part 1 is the authorization of the PReq; later parts were authorized with
// an AuthToken (Merchant::authorize_next).
struct AuthorizationPart {
  int part = 1;
  Bytes auth_rrpid;
  std::string state;  // authorizing, authorized, declined, refused, capturing, captured, reversed
  Money requested;    // AuthReqAmt
  std::optional<std::int64_t> auth_code;
  std::optional<Money> authorized;  // AuthAmt
  std::optional<std::int64_t> cap_code;
  std::optional<Money> captured;    // CapAmt
};

struct OrderView {
  std::string order_id;  // LID-M
  std::string brand;
  Money amount;
  OrderState state = OrderState::kOpen;
  Bytes xid;
  std::optional<std::int64_t> auth_code;  // AuthCode of the AuthRes
  std::optional<Money> authorized;        // AuthAmt
  Bytes trans_ids;   // DER of the TransIDs issued in PInitRes
  Bytes auth_rrpid;  // RRPID of the AuthReq
  Bytes cap_token;   // DER of the CapToken from the AuthRes (opaque: sealed for the gateway)
  std::optional<std::int64_t> cap_code;   // CapCode of the CapRes item
  std::optional<Money> captured;          // CapAmt
  std::optional<Money> refunded;          // credits (CredRes) minus credits reversed (CredRevRes)
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  // Every authorization of the order, part 1 first (one entry for a plain purchase).
  std::vector<AuthorizationPart> parts;
  bool has_auth_token = false;  // an AuthToken is held: authorize_next may ask for more
};

// What the cardholder and the merchant agreed about the payment in the shopping step (outside
// SET, like the OD and the amount): a split shipment (the AuthReq asks for an AuthToken,
// subsequentAuthInd) or installments / recurring payments (InstallRecurData, which the wallet
// signs into HODInput and PIHead: notes §3.9).
struct PaymentTerms {
  bool split = false;
  std::optional<asn1::InstallRecurData> install_recur;
};

struct CaptureItem {
  std::string order_id;
  std::optional<Money> amount;  // default: what was authorized
  std::optional<std::int64_t> batch_id = std::nullopt;  // SaleDetail.batchID (default: the gateway's open batch)
};

class Merchant {
 public:
  static Result<std::unique_ptr<Merchant>> open(const std::string& db_path, MerchantConfig config,
                                                Env env);

  // The end of the shopping step (outside SET): an order description and an amount. Returns the
  // order id, which is the LID-M the wallet puts into PInitReq.
  Result<std::string> create_order(ByteView od, const Money& amount);

  // PInitReq -> PInitRes (cardholder); PReq -> AuthReq (gateway); AuthRes -> PRes (cardholder);
  // CapRes -> recorded; Error -> recorded. Refusals answer with an Error to the sender.
  Answer handle(ByteView der);

  // One CapReq per gateway with a CapItem (and its CapToken) per order; no items: every
  // authorized order.
  // Errors: an order that is not authorized or has no CapToken (nothing is sent or recorded).
  Result<Answer> capture(const std::vector<CaptureItem>& items = {});

  // AuthRevReq (notes §4.5) for an authorized order: the authorization becomes `new_amount`
  // (0 cancels it); the AuthRevRes records the new amount and its CapToken.
  Result<Answer> reverse_authorization(std::string_view order_id, const Money& new_amount);
  // CapRevReq (notes §4.7): voids the order's capture (before settlement); the order is
  // authorized again.
  Result<Answer> reverse_capture(std::string_view order_id);
  // CredReq: refunds `amount` of the order's capture (several refunds never above it), in the
  // merchant's batch `batch_id` (newBatchID; default: the gateway's open batch).
  Result<Answer> credit(std::string_view order_id, const Money& amount,
                        std::optional<std::int64_t> batch_id = std::nullopt);
  // The order's CredReqs still waiting for their CredRes (the gateway did not answer), as they
  // were first sent: sending one again gets the gateway's first answer or the refund now, never a
  // second refund (the gateway is idempotent on the RRPID). Empty: none pending.
  Result<Answer> pending_credits(std::string_view order_id);
  // CredRevReq: reverses an earlier refund of `amount` of the order.
  Result<Answer> reverse_credit(std::string_view order_id, const Money& amount);

  Result<std::vector<OrderView>> orders();
  Result<OrderView> order(std::string_view order_id);

  // PCertReq (notes §4.8): asks the gateway for its current certificates for each brand (and
  // acquirer BIN); the PCertRes, once checked, replaces the route's gateway key-exchange
  // certificate and chain, here and in the merchant's database (kept across restarts).
  Result<Answer> request_gateway_certificates(const std::vector<asn1::BrandAndBIN>& brands);
  // The gateway certificates the merchant currently uses, per brand.
  std::vector<GatewayRoute> gateway_routes() const;
  // Split shipments, installments and recurring payments (merchant_split.cpp; docs/purchase.md).
  // The payment terms of an order not yet authorized (before its PReq arrives).
  Status set_payment_terms(std::string_view order_id, const PaymentTerms& terms);
  // A later AuthReq for the order whose PI is the AuthToken of the latest approved AuthRes (same
  // XID, new RRPID): the next part of a split shipment, the next installment or recurring payment.
  // A part still awaiting its AuthRes for the same amount: that AuthReq again (the gateway repeats
  // its first answer). Errors: no AuthToken held, a part pending for another amount.
  Result<Answer> authorize_next(std::string_view order_id, const Money& amount);
  // CapReq for one authorization of the order (part 1: as capture({{order_id, amount}})).
  Result<Answer> capture_part(std::string_view order_id, int part, std::optional<Money> amount = std::nullopt);
  // AuthRevReq for one authorization of the order (part 1: as reverse_authorization), e.g. a
  // shipment that will not go: its hold becomes `new_amount` (0 releases it).
  Result<Answer> reverse_authorization_part(std::string_view order_id, int part, const Money& new_amount);

  const std::string& merchant_id() const { return merchant_id_; }
  store::Database& database() { return db_; }

  // ---- batches (BatchAdminReq / BatchAdminRes, notes §4.9; merchant_batch.cpp) ----
  // Builds and records a BatchAdminReq to the brand's gateway; its BatchAdminRes is recorded by
  // handle() (batch() shows it).
  Result<Answer> batch_admin(const BatchAdminRequest& req);
  // What the last BatchAdminRes about the batch said (nullopt: none yet).
  Result<std::optional<MerchantBatchView>> batch(std::int64_t batch_id);
  // The merchant's own record of the batch: every capture, capture reversal, credit and credit
  // reversal the gateway confirmed in it (CapRes / CapRevRes / CredRes / CredRevRes).
  Result<std::vector<BatchItem>> batch_items(std::int64_t batch_id);
  Result<BatchTotalsView> batch_totals(std::int64_t batch_id);
  // The batches the merchant has confirmed items in and has not seen closed, oldest first.
  Result<std::vector<std::int64_t>> open_batches();
  // Every batch the merchant knows, open or closed (items confirmed in it, or a BatchAdminRes
  // about it), oldest first: the settlement report's list.
  Result<std::vector<std::int64_t>> batches();
  // The AuthReqs of orders still waiting for their AuthRes (state authorizing), as they were
  // first sent: after a restart the merchant sends them again (the gateway answers a repeated
  // AuthReq with its first AuthRes, or authorizes it now) and the orders complete without the
  // cardholder. At most `limit` orders, oldest first.
  Result<Answer> pending_authorizations(int limit = 100);

 private:
  Result<Answer> on_batch_admin_res(const asn1::MessageWrapper& w, ByteView der);
  static Status create_batch_schema(store::Database& db);
  Status record_batch_item(BatchItemKind kind, std::int64_t batch_id, std::int64_t sequence, ByteView xid,
                           const Money& amount, ByteView rrpid);
  Merchant(store::Database db, MerchantConfig config, Env env, std::string merchant_id);
  Result<Answer> on_pinit_req(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_preq(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_auth_res(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_cap_res(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_error(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_auth_rev_res(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_cap_rev_or_cred_res(const asn1::MessageWrapper& w, ByteView der, std::string_view kind);
  Result<Answer> on_inq_req(const asn1::MessageWrapper& w, ByteView der);
  struct OpenedAuthRes {
    asn1::AuthResData data;
    asn1::AuthResBaggage baggage;
  };
  Result<OpenedAuthRes> open_auth_res(const asn1::MessageWrapper& w, ByteView body, const std::string& brand,
                                      ByteView xid);
  Result<Answer> on_pcert_res(const asn1::MessageWrapper& w, ByteView der);
  Status load_gateway_certificates();
  Result<Answer> send_adjustment(std::string_view order_id, std::string_view kind, std::optional<Money> amount,
                                 std::optional<std::int64_t> batch_id = std::nullopt);
  Result<Bytes> make_pres(const asn1::TransIDs& tids, const Bytes& oi_rrpid, const Bytes& oi_chall_c,
                          asn1::PResPayload payload, bool inquiry = false);
  const GatewayRoute* route(std::string_view brand) const;
  void log(std::string_view line) const;
  // merchant_split.cpp
  Result<PaymentTerms> payment_terms(std::string_view order_id);
  Result<Answer> on_next_auth_res(const asn1::MessageWrapper& w, ByteView der);
  Status record_auth_token(std::string_view order_id, const asn1::AuthResBaggage& baggage);
  Status on_part_cap_res(const asn1::CapResItem& item, ByteView cap_rrpid);
  Status on_part_error(ByteView rrpid);
  Result<bool> on_part_auth_rev_res(ByteView rrpid, bool approved, const Money& amount,
                                    const std::optional<Bytes>& cap_token);
  Status add_parts(OrderView& o);

  store::Database db_;
  MerchantConfig config_;
  Env env_;
  std::string merchant_id_;
};

}  // namespace openset::roles::purchase
