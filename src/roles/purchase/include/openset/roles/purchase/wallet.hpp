// The cardholder's wallet (Book 1 "cardholder"; notes §3, §8.2): starts a purchase (PInitReq),
// checks the merchant's PInitRes and pays with the dual-signed PReq, checks the PRes and keeps a
// transaction log that history() and show() query.
//
// State: one SQLite file (tables wallet_purchases, wallet_trail). The PAN is never stored: the
// log keeps its last four digits; the trail keeps the messages as exchanged (in PReq the card
// data is inside the envelope sealed for the gateway).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openset/roles/purchase/common.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::purchase {

// The card as the wallet holds it after registration (notes §3.7, §5.6).
struct Card {
  std::string pan;          // never logged, never stored in the wallet database
  std::string expiry;       // CardExpiry, YYYYMM
  SecretBytes pan_secret;   // PANSecret = CardSecret XOR NonceCCA (20 octets)
  SecretBytes card_secret;  // CardSecret (20 octets): the key of TransStain = HMAC{XID, CardSecret}
  std::string brand;        // BrandID, e.g. "Atlas"
};

struct WalletConfig {
  Credentials credentials;  // the cardholder signature certificate and its chain
  Card card;
  TrustContext trust;       // roots, known certificates, CRLs, BCI, suite policy
  Freshness freshness;
  std::string language = "en";
  Log log;
};

// What the cardholder agreed to in the shopping step (outside SET).
struct PurchaseOrder {
  std::string merchant;            // the merchant's name, for the log
  Bytes od;                        // the order description (OD), as agreed with the merchant
  Money amount;                    // PurchAmt
  std::optional<Bytes> lid_m;      // LID-M from the merchant's initiation, when there was one
  std::string od_summary;          // a short text for the log
  // The MerchantID the merchant's initiation named, when there was one: the PInitRes must be
  // signed with that merchant's certificate (its MerchantData), else no PReq is sent.
  std::optional<std::string> merchant_id;
  // Installments or recurring payments the cardholder agrees to (notes §3.9): signed once, into
  // HODInput and PIHead, so the dual signature covers it; the gateway authorizes the later
  // payments within it.
  std::optional<asn1::InstallRecurData> install_recur;
};

struct Started {
  std::int64_t id = 0;  // the transaction's id in the wallet log
  Bytes message;        // PInitReq (DER MessageWrapper), to the merchant
};

enum class WalletStatus {
  kInitiated, kRequested, kAuthorized, kCaptured, kDeclined, kRefused,
  kRefunded,   // an InqRes reported a credit (refund) of the purchase
  kCancelled,  // an InqRes reported the authorization reversed to zero
};
std::string_view to_string(WalletStatus s);

struct LogEntry {
  std::int64_t id = 0;
  std::string merchant;
  std::string brand;
  Money amount;
  std::string od_summary;
  std::string pan_last4;
  Bytes xid;
  WalletStatus status = WalletStatus::kInitiated;
  std::optional<std::int64_t> auth_code;        // AuthCode from the PRes' AuthStatus
  std::optional<std::int64_t> completion_code;  // CompletionCode of the PRes
  std::optional<std::int64_t> error_code;       // ErrorCode of an Error received or raised
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct TrailItem {
  std::int64_t seq = 0;
  std::string direction;  // "sent" | "received"
  std::string type;       // PInitReq, PInitRes, PReq, PRes, Error
  Bytes message;
  std::int64_t at = 0;
};

struct Transaction {
  LogEntry entry;
  std::vector<TrailItem> trail;
};

// The transaction log read straight from a wallet's database (`openset wallet history|show`):
// no keys or card needed to read it.
Result<std::vector<LogEntry>> wallet_history(store::Database& db);
Result<Transaction> wallet_transaction(store::Database& db, std::int64_t id);

class Wallet {
 public:
  static Result<std::unique_ptr<Wallet>> open(const std::string& db_path, WalletConfig config,
                                              Env env);

  // A new purchase: fresh LID-C, RRPID and Chall-C; PInitReq for the card's brand with the
  // thumbprints of the certificates the wallet holds (notes §3.2).
  Result<Started> start_purchase(const PurchaseOrder& order);
  // PInitRes -> PReq to the merchant; PRes -> recorded (nothing to send); InqRes -> the status
  // recorded; Error -> recorded.
  Answer handle(ByteView der);
  // InqReq (notes §3.11) about purchase `id` (after its PInitRes): signed with the card's
  // certificate, or the unsigned form. To the merchant.
  Result<Bytes> inquire(std::int64_t id, bool sign = true);

  Result<std::vector<LogEntry>> history();
  Result<Transaction> show(std::int64_t id);

  store::Database& database() { return db_; }

 private:
  Wallet(store::Database db, WalletConfig config, Env env);
  Result<Answer> on_pinit_res(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_pres(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_error(const asn1::MessageWrapper& w, ByteView der);
  Result<Answer> on_inq_res(const asn1::MessageWrapper& w, ByteView der);
  Status trail(std::int64_t id, std::string_view direction, std::string_view type, ByteView msg);

  store::Database db_;
  WalletConfig config_;
  Env env_;
};

}  // namespace openset::roles::purchase
