// The protocol explorer (issue 7, item 4): every SET message of a transaction between the
// parties, in order, and each message's decoded tree (the decoder of `openset decode`,
// asn1::print_json) annotated with who can read each part, whose key opens each envelope and
// which signature covers it. The dual signature made visible: in a PReq the payment half (PI) is
// sealed for the payment gateway and stays opaque to the merchant, while the order half (OIData)
// never reaches the gateway, which sees only its hash (docs/explorer.md).
//
//   Journal        the messages a party sent and received (table explorer_journal), grouped by
//                  transaction (LID-M, else XID, else the RRPID of the request a response answers)
//   explain()      one message's tree for a viewer (cardholder, merchant or gateway); envelopes
//                  addressed to the viewer's key-exchange key are opened and shown decoded, any
//                  other envelope is marked opaque with a plain-language note. Never throws: bad
//                  bytes give {"error": {...}}.
//   explain_trail  the wallet's trail (its own messages with the merchant) in the journal's shape
//
// Nothing is ever decrypted for a party that could not decrypt it, and no view holds a PAN: the
// PAN travels only inside PANData/PANToken, sealed for the gateway, which no view opens.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/seal/parties.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::purchase {
struct Transaction;
}

namespace openset::services::explorer {

enum class Party { kCardholder, kMerchant, kGateway };
// "cardholder", "merchant", "gateway".
std::string_view party_name(Party p);
Result<Party> party_from_name(std::string_view name);
// "The merchant's view", ...
std::string viewer_statement(Party p);

struct JournalEntry {
  std::int64_t seq = 0;
  std::int64_t at = 0;  // Unix seconds
  std::string tx;       // the transaction key
  std::string lid_m;    // hex, "" when the header had none
  std::string xid;      // hex, "" when the header had none
  Party from = Party::kCardholder;
  Party to = Party::kMerchant;
  std::string type;     // "PReq", "AuthRes", ... ("?" when the bytes are no MessageWrapper)
  Bytes message;
};

struct TransactionSummary {
  std::string tx;
  std::string lid_m, xid;  // hex
  std::int64_t first_at = 0, last_at = 0, count = 0;
  std::vector<std::string> types;  // in order
};

// The key a message is filed under: "m-<hex LID-M>", "x-<hex XID>", "r-<hex RRPID>" or "s-<seq>".
class Journal {
 public:
  // Opens (creating the table) the database at `location` (SQLite path or PostgreSQL URI): its
  // own connection, so the journal never waits on an engine's lock.
  static Result<std::unique_ptr<Journal>> open(const std::string& location);
  // Over a connection the caller owns and serializes (the merchant service journals on its
  // engine's connection, under the engine's lock: a second SQLite connection writing the same
  // file meanwhile makes the engine's transactions fail with "database is locked").
  static Result<std::unique_ptr<Journal>> attach(store::Database& db);

  // Files one message as sent by `from` to `to` at `at`. Takes the type and the TransIDs from
  // the MessageWrapper's header; an undecodable message is filed anyway (type "?").
  // `tx_hint`: the transaction key to file under when the header names none and the message
  // answers no earlier request (a CapReq or CredReq of a known order: "m-<hex LID-M>").
  Status record(Party from, Party to, ByteView der, std::int64_t at, std::string_view tx_hint = {});
  // The most recent transactions first.
  Result<std::vector<TransactionSummary>> transactions(std::int64_t limit = 200);
  // The messages of one transaction, in the order they were recorded.
  Result<std::vector<JournalEntry>> messages(std::string_view tx);
  Result<std::optional<JournalEntry>> message(std::int64_t seq);
  // Forgets every transaction whose last message was recorded before `before` (whole
  // transactions: a trail is never cut in two); returns how many messages went.
  Result<std::int64_t> prune(std::int64_t before);

 private:
  Journal(std::optional<store::Database> owned, store::Database* db) : owned_(std::move(owned)), db_(db) {}
  Result<std::string> key_for(const std::string& lid_m, const std::string& xid, const std::string& rrpid);
  std::optional<store::Database> owned_;
  store::Database* db_;
};

struct ExplainOptions {
  Party viewer = Party::kMerchant;
  Party from = Party::kCardholder;  // the message's direction: decides whom envelopes are for
  Party to = Party::kMerchant;
  // The viewer's key-exchange key: envelopes addressed to it (by their RecipientInfo) are opened.
  // Only ever the viewer's own key (a cardholder has none: SET 1.0 cardholders have no
  // key-exchange certificate).
  const seal::KeyHolder* key = nullptr;
};

// The annotated tree of one message: {"type", "viewer", "viewer_statement", "from", "to",
// "summary", "root": node}. Each node is print_json's (offset, tag, field, type, value,
// children) plus, where they apply: "readers" (parties), "sealed_for" (party), "signed_by"
// (text), "covered_by" (text), "opaque" (true: this viewer cannot open it; no children then),
// "opened_by" (the envelope's decrypted content, a child marked "opened"), "note" (plain
// language). Bad bytes: {"error": {"code", "message"}}.
nlohmann::json explain(ByteView der, const ExplainOptions& options);

// A journal entry as the list item the page shows (no message bytes).
nlohmann::json entry_json(const JournalEntry& e);
nlohmann::json summary_json(const TransactionSummary& t);

// The wallet's own trail as the page's messages list ({"tx", "messages": [...]}, from/to from
// the direction: the wallet talks to the merchant only), and one of its messages explained for
// the cardholder (seq = the trail item's seq; nullopt when there is none).
nlohmann::json trail_json(const roles::purchase::Transaction& t);
// The same purchase as an item of the page's transactions list (summary_json's shape).
nlohmann::json trail_summary_json(const roles::purchase::Transaction& t);
std::optional<nlohmann::json> explain_trail_message(const roles::purchase::Transaction& t, std::int64_t seq);

}  // namespace openset::services::explorer
