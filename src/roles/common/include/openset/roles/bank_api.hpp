// What the SET parties ask the banks behind them. SET stops at the payment gateway and the CAs;
// what lies behind them is the "financial network" of Book 1 (the acquirer's and the issuer's
// existing systems). These interfaces are that boundary:
//
//   gateway  --authorize / capture / release / refund / reversals-->  Acquirer  --...-->  Issuer (by BIN)
//   CCA      --registration form, verify_cardholder-->  Issuer   (Book 2, cardholder registration)
//   MCA/PCA  --verify_merchant / verify_gateway-->  Acquirer     (Book 2, merchant registration)
//
// The bank engines (src/roles/bank) implement them over a double-entry ledger; the gateway and
// the CA engines only see these interfaces. Business outcomes (declined, unknown card, wrong
// answers) are values; a Result error means the bank could not answer at all (storage failure,
// malformed request) and nothing was changed.
//
// Idempotency (DESIGN.md "Money and state"): every call that moves money carries a `reference`
// chosen by the caller from SET identifiers (e.g. hex XID + RRPID). A repeated reference returns
// the first answer and moves nothing again; the same reference with different content is refused
// (kConflict) and moves nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/set_paymsgs.hpp"
#include "openset/base/result.hpp"

namespace openset::roles {

// Amounts: SET's CurrencyAmount (ISO 4217 numeric currency, amount, amtExp10): the value is
// amount x 10^amtExp10. Banks keep minor units and refuse an amount whose amtExp10 is not the
// currency's minor-unit exponent (kCurrency below).
using Money = asn1::CurrencyAmount;
// Amount text for people and reports: "123.45 USD", "-5.00 EUR" (ISO 4217 numeric codes of the
// currencies we know; others "ISO4217:<n>").
std::string format_amount(const Money& m);

// ---- registration (certificate protocols) ------------------------------------------------

// One field of a registration form (RegFormRes, Book 2 cardholder registration: the form
// depends on the issuer and the brand).
struct FormField {
  std::string name;    // stable key, e.g. "name", "billing-address", "postal-code"
  std::string label;   // what the wallet shows
  bool required = true;
  bool operator==(const FormField&) const = default;
};

// What the cardholder claims, as the CCA received it in CertReq (PAN and expiry from the
// AcctInfo OAEP block; answers from the RegFormItems).
struct CardholderClaim {
  std::string pan;
  std::string expiry;  // YYYYMM
  std::map<std::string, std::string> answers;
  // Unix seconds (the CA's clock): a card whose expiry month ended before `at` is kExpired.
  std::int64_t at = 0;
};

enum class CardVerdict {
  kOk,
  kUnknownPan,     // no such card at this issuer
  kWrongExpiry,    // the card exists, the expiry is not its expiry
  kExpired,        // the card's expiry has passed
  kBlocked,        // reported lost/stolen or closed
  kWrongAnswers,   // a form answer does not match the issuer's record (see wrong_fields)
};
std::string_view card_verdict_name(CardVerdict v);

struct CardCheck {
  CardVerdict verdict = CardVerdict::kUnknownPan;
  std::vector<std::string> wrong_fields;  // kWrongAnswers: names of the fields that differ
  std::string brand;                      // the card's brand as the issuer knows it
};

// What the merchant (or gateway) claims when it registers with the MCA (PCA).
struct MerchantClaim {
  std::string merchant_id;   // as the acquirer knows it (MerchantID)
  std::string acquirer_bin;  // the acquirer's BIN the merchant says it banks with
  std::map<std::string, std::string> answers;  // RegFormItems (e.g. "name", "address")
};

enum class PartyVerdict { kOk, kUnknown, kWrongAnswers, kSuspended };
std::string_view party_verdict_name(PartyVerdict v);

struct PartyCheck {
  PartyVerdict verdict = PartyVerdict::kUnknown;
  std::vector<std::string> wrong_fields;
  std::string brand;  // the brand the acquirer holds the merchant's (gateway's) account under
};

// ---- payment -----------------------------------------------------------------------------

enum class AuthVerdict {
  kApproved,
  kUnknownCard,          // issuer has no such PAN
  kExpired,              // card expired or the expiry given is wrong
  kBlocked,              // card blocked / stolen
  kInsufficientFunds,    // available credit does not cover the amount
  kCurrency,             // currency or exponent not accepted
  kUnknownMerchant,      // acquirer has no such merchant, or it is suspended
  kNoRoute,              // acquirer knows no issuer for the PAN's BIN
  kConflict,             // reference reused with different content
};
std::string_view auth_verdict_name(AuthVerdict v);

struct AuthorizationRequest {
  std::string reference;     // idempotency key (gateway: hex XID ":" hex RRPID of the AuthReq)
  std::string pan;           // from PANData, at the gateway only
  std::string expiry;        // YYYYMM
  Money amount;
  std::string merchant_id;
  std::int64_t at = 0;       // Unix seconds (the engine's clock)
  // Set by the acquirer when it forwards the request to an issuer (its identity, e.g. its BIN):
  // the issuer keys idempotency and interbank settlement on it. Empty from the gateway.
  std::string acquirer_id;
};

struct AuthorizationDecision {
  AuthVerdict verdict = AuthVerdict::kUnknownCard;
  std::string authorization_id;  // the issuer's hold; empty unless approved
  std::string approval_code;     // 6 characters (AuthCode's approvalCode); empty unless approved
  Money amount;                  // what was authorized (equal to the request when approved)
};

enum class CaptureVerdict {
  kCaptured,
  kUnknownAuthorization,
  kExceedsAuthorization,   // amount above what remains authorized
  kAlreadyCaptured,        // this authorization was captured in full by another reference
  kReleased,               // the hold was released (reversed) before the capture
  kConflict,               // reference reused with different content
};
std::string_view capture_verdict_name(CaptureVerdict v);

struct CaptureRequest {
  std::string reference;         // idempotency key (gateway: hex XID ":" CapReq item)
  std::string authorization_id;  // from the CapToken
  Money amount;
  std::string merchant_id;
  std::int64_t at = 0;
  std::string acquirer_id;  // as in AuthorizationRequest: set by the acquirer towards the issuer
};

struct CaptureResult {
  CaptureVerdict verdict = CaptureVerdict::kUnknownAuthorization;
  std::string capture_id;
  Money amount;  // what was posted
};

// Reversal of (part of) an authorization hold (SET AuthRevReq, notes §4.5).
enum class ReleaseVerdict { kReleased, kUnknownAuthorization, kExceedsRemaining, kConflict };
inline std::string_view release_verdict_name(ReleaseVerdict v) {
  switch (v) {
    case ReleaseVerdict::kReleased: return "released";
    case ReleaseVerdict::kUnknownAuthorization: return "unknown-authorization";
    case ReleaseVerdict::kExceedsRemaining: return "exceeds-remaining";
    case ReleaseVerdict::kConflict: return "conflict";
  }
  return "?";
}
struct ReleaseResult {
  ReleaseVerdict verdict = ReleaseVerdict::kUnknownAuthorization;
  std::string release_id;
  Money amount;  // what was released
};

// Refund of (part of) a capture (SET CredReq, notes §4.7); the refunds of one capture never
// exceed it.
enum class CreditVerdict { kCredited, kUnknownCapture, kExceedsCaptured, kConflict };
inline std::string_view credit_verdict_name(CreditVerdict v) {
  switch (v) {
    case CreditVerdict::kCredited: return "credited";
    case CreditVerdict::kUnknownCapture: return "unknown-capture";
    case CreditVerdict::kExceedsCaptured: return "exceeds-captured";
    case CreditVerdict::kConflict: return "conflict";
  }
  return "?";
}
struct CreditResult {
  CreditVerdict verdict = CreditVerdict::kUnknownCapture;
  std::string credit_id;
  Money amount;  // what was credited
};

// Reversal of a whole capture (SET CapRevReq: the capture is voided before settlement; its
// postings are inverted and the authorization's hold is restored) or of a whole credit (SET
// CredRevReq: the refund's postings are inverted).
enum class ReversalVerdict {
  kReversed,
  kUnknown,          // no such capture (credit) at this bank, or not of this merchant
  kAlreadyReversed,  // reversed before, under another reference
  kRefunded,         // capture reversal only: the capture has (unreversed) refunds
  kConflict,         // reference reused with different content
};
inline std::string_view reversal_verdict_name(ReversalVerdict v) {
  switch (v) {
    case ReversalVerdict::kReversed: return "reversed";
    case ReversalVerdict::kUnknown: return "unknown";
    case ReversalVerdict::kAlreadyReversed: return "already-reversed";
    case ReversalVerdict::kRefunded: return "refunded";
    case ReversalVerdict::kConflict: return "conflict";
  }
  return "?";
}
struct ReversalResult {
  ReversalVerdict verdict = ReversalVerdict::kUnknown;
  std::string reversal_id;
  Money amount;  // what was reversed (the whole capture or credit)
};

// ---- batch settlement (BatchAdminReq close, notes §4.9) ------------------------------------

// What a gateway batch holds: captures and credit reversals are debits to the cardholder (the
// merchant is owed more), credits and capture reversals are credits to the cardholder (the
// merchant is owed less). AmountType of TransactionDetail (set-1.asn1 lines 1775-1778).
enum class BatchItemKind { kCapture, kCaptureReversal, kCredit, kCreditReversal };
inline std::string_view batch_item_kind_name(BatchItemKind k) {
  switch (k) {
    case BatchItemKind::kCapture: return "capture";
    case BatchItemKind::kCaptureReversal: return "capture-reversal";
    case BatchItemKind::kCredit: return "credit";
    case BatchItemKind::kCreditReversal: return "credit-reversal";
  }
  return "?";
}
// The kind a stored name names (nullopt: none).
inline std::optional<BatchItemKind> batch_item_kind_from(std::string_view name) {
  for (BatchItemKind k : {BatchItemKind::kCapture, BatchItemKind::kCaptureReversal, BatchItemKind::kCredit,
                          BatchItemKind::kCreditReversal})
    if (batch_item_kind_name(k) == name) return k;
  return std::nullopt;
}
// +1 when the item adds to what the merchant is owed, -1 when it takes from it.
inline int batch_item_sign(BatchItemKind k) {
  return k == BatchItemKind::kCapture || k == BatchItemKind::kCreditReversal ? 1 : -1;
}

struct BatchItem {
  BatchItemKind kind = BatchItemKind::kCapture;
  std::string bank_id;   // capture_id, reversal_id or credit_id as the bank answered it
  std::string xref;      // the SET transaction: hex XID (what the merchant reconciles on)
  Money amount;          // positive; the sign follows from `kind`
  std::int64_t sequence = 0;  // batchSequenceNum
  bool operator==(const BatchItem&) const = default;
};

struct BatchSettlementRequest {
  std::string reference;    // idempotency key (gateway: "batch:" + its id + ":" + BatchID)
  std::string merchant_id;
  std::string batch_id;     // the gateway's BatchID (text)
  std::vector<BatchItem> items;
  std::int64_t at = 0;
};

enum class BatchSettlementVerdict {
  kSettled,
  kUnknownMerchant,   // no such merchant at the acquirer
  kUnknownItem,       // an item the acquirer has no (accepted) record of
  kForeignItem,       // an item of another merchant
  kAmountMismatch,    // an item whose amount or currency is not the acquirer's
  kAlreadySettled,    // an item settled before in another batch
  kConflict,          // reference reused with other content
};
inline std::string_view batch_settlement_verdict_name(BatchSettlementVerdict v) {
  switch (v) {
    case BatchSettlementVerdict::kSettled: return "settled";
    case BatchSettlementVerdict::kUnknownMerchant: return "unknown-merchant";
    case BatchSettlementVerdict::kUnknownItem: return "unknown-item";
    case BatchSettlementVerdict::kForeignItem: return "foreign-item";
    case BatchSettlementVerdict::kAmountMismatch: return "amount-mismatch";
    case BatchSettlementVerdict::kAlreadySettled: return "already-settled";
    case BatchSettlementVerdict::kConflict: return "conflict";
  }
  return "?";
}

struct BatchSettlementResult {
  BatchSettlementVerdict verdict = BatchSettlementVerdict::kUnknownItem;
  std::string settlement_id;
  // Net credited to the merchant per currency (ISO 4217 numeric -> minor units; negative: the
  // merchant is debited).
  std::map<std::int64_t, std::int64_t> net;
  std::string item;       // the offending item's bank_id when refused
  std::int64_t at = 0;    // when it was settled (the deposit date)
};

// One line of a merchant's daily settlement report.
struct SettlementLine {
  std::string capture_id;
  std::string authorization_id;
  std::string reference;
  Money amount;
  std::int64_t at = 0;
};
struct SettlementReport {
  std::string merchant_id;
  std::string day;  // YYYY-MM-DD (UTC)
  std::vector<SettlementLine> lines;
  std::int64_t currency = 0;
  std::int64_t total = 0;  // in minor units of `currency`
  // Totals per currency (ISO 4217 numeric -> minor units). When the day holds more than one
  // currency, `currency` and `total` are 0 and only these totals are meaningful.
  std::map<std::int64_t, std::int64_t> totals;

  // Every movement of the day (issue 5 item 9): captures, capture reversals, credits and credit
  // reversals, in time order, each with the batch it was settled in (empty: not yet settled).
  struct Item {
    BatchItemKind kind = BatchItemKind::kCapture;
    std::string id;           // capture_id, reversal_id or credit_id
    std::string original_id;  // the authorization (capture), capture (credit, capture reversal),
                              // or credit (credit reversal) it acts on
    std::string reference;    // the gateway's reference (hex XID first)
    std::string batch;        // settlement batch (gateway BatchID); empty while unsettled
    Money amount;             // positive; batch_item_sign(kind) gives the direction
    std::int64_t at = 0;
  };
  std::vector<Item> items;
  // Per currency: gross captures, capture reversals, credits, credit reversals (all positive),
  // net = captures - capture reversals - credits + credit reversals, and what of it is settled.
  struct Summary {
    std::int64_t captures = 0, capture_reversals = 0, credits = 0, credit_reversals = 0;
    std::int64_t net = 0, settled = 0;
    std::int64_t count = 0;
  };
  std::map<std::int64_t, Summary> summary;
};

// ---- the interfaces ----------------------------------------------------------------------

class Issuer {
 public:
  virtual ~Issuer() = default;
  // The card's issuer BINs (PAN prefixes) this issuer answers for.
  virtual std::vector<std::string> bins() const = 0;
  // Registration form fields for this card's issuer and brand (RegFormRes).
  virtual Result<std::vector<FormField>> registration_form(std::string_view pan) = 0;
  virtual Result<CardCheck> verify_cardholder(const CardholderClaim& claim) = 0;
  // Places a hold on the card's available credit when approved.
  virtual Result<AuthorizationDecision> authorize(const AuthorizationRequest& req) = 0;
  // Turns (part of) a hold into a debit of the card account, owed to the acquirer.
  virtual Result<CaptureResult> capture(const CaptureRequest& req) = 0;

  // Relayed by the acquirer that authorized (Acquirer::release, refund, reverse_capture,
  // reverse_refund, settle_batch); the meaning is IssuerBank's (src/roles/bank/issuer.hpp). An
  // issuer that takes none of these from the acquirer keeps the defaults: kUnsupported, nothing
  // moved. They are virtual so that the acquirer can reach an issuer in another process
  // (services::RemoteIssuer) as it reaches one in process.
  virtual Result<ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                        const Money& amount, std::int64_t at);
  virtual Result<CreditResult> credit(std::string_view reference, std::string_view capture_id,
                                      const Money& amount, std::int64_t at);
  virtual Result<ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                                 std::int64_t at);
  virtual Result<ReversalResult> reverse_credit(std::string_view reference, std::string_view credit_id,
                                                std::int64_t at);
  // Interbank clearing of a settled batch: `net` signed minor units of `currency` owed to
  // `acquirer_id`; returns the issuer's settlement id. Idempotent on (acquirer, reference).
  virtual Result<std::string> settle(std::string_view acquirer_id, std::string_view reference,
                                     std::int64_t currency, std::int64_t net, std::int64_t at);
};

class Acquirer {
 public:
  virtual ~Acquirer() = default;
  virtual Result<std::vector<FormField>> merchant_registration_form(std::string_view merchant_id) = 0;
  virtual Result<PartyCheck> verify_merchant(const MerchantClaim& claim) = 0;
  virtual Result<PartyCheck> verify_gateway(const MerchantClaim& claim) = 0;
  // Routes to the issuer by the PAN's BIN.
  virtual Result<AuthorizationDecision> authorize(const AuthorizationRequest& req) = 0;
  // Asks the issuer to post, and credits the merchant's account.
  virtual Result<CaptureResult> capture(const CaptureRequest& req) = 0;
  // Releases `amount` of what remains authorized (AuthRevReq), relayed to the issuer that
  // authorized. Idempotent on reference.
  virtual Result<ReleaseResult> release(std::string_view reference, std::string_view authorization_id,
                                        const Money& amount, std::int64_t at) = 0;
  // Refunds `amount` of a capture to the card (CredReq): debits the merchant, credits the card.
  virtual Result<CreditResult> refund(std::string_view reference, std::string_view capture_id,
                                      const Money& amount, std::int64_t at) = 0;
  // Voids a whole capture (CapRevReq): the inverse of its postings at both banks, the hold
  // restored at the issuer.
  virtual Result<ReversalResult> reverse_capture(std::string_view reference, std::string_view capture_id,
                                                 std::int64_t at) = 0;
  // Reverses a whole refund (CredRevReq): the inverse of its postings at both banks.
  virtual Result<ReversalResult> reverse_refund(std::string_view reference, std::string_view credit_id,
                                                std::int64_t at) = 0;
  virtual Result<SettlementReport> settlement_report(std::string_view merchant_id,
                                                     std::string_view day) = 0;
  // Settles a closed gateway batch (BatchAdminReq close, notes §4.9): each issuer clears the
  // batch's net with the acquirer and the merchant's account is credited with the net.
  // Idempotent on reference; nothing moves when any item is refused.
  virtual Result<BatchSettlementResult> settle_batch(const BatchSettlementRequest& req) = 0;
  // The items the acquirer settled in the merchant's batch (empty: none or unknown).
  virtual Result<std::vector<BatchItem>> settled_items(std::string_view merchant_id,
                                                       std::string_view batch_id) = 0;
};

}  // namespace openset::roles
