// The protocol explorer: the message journal and the annotated trees (explorer.hpp).
//
// Who can read what comes from SET Book 1 (Business Description) §3.3 "Dual signature" and
// Book 2 (Programmer's Guide) Part II:
//   - PReq (Book 2 §3.3.4 "Purchase request"): PIDualSigned = { piSignature SO{C, PI-TBS},
//     exPIData EX{P, PI-OILink, PANData} }: PIHead and the card number are sealed for the payment
//     gateway; OIDualSigned = L{OIData, PIData} carries the order information in the clear for
//     the merchant and only DD{PIData}, the hash of the payment half. PI-TBS holds H(PIData) and
//     H(OIData): one signature (the dual signature, Book 1 §3.3) covers both halves, each party
//     checking it with the half it sees and the hash of the other.
//   - AuthReq (Book 2 §3.4.1): EncB{M, P, AuthReqData, PI}: sealed for the gateway and signed by
//     the merchant; the PI rides along as baggage (the merchant forwards what it cannot open).
//   - AuthRes (Book 2 §3.4.2): EncB{P, M, AuthResData, AuthResBaggage}: sealed for the merchant,
//     signed by the gateway; the baggage's CapToken (Enc/EncX{P1, P2, CapTokenData}) and
//     AuthToken are sealed for the gateway itself, AcqCardMsg (EncK) for the cardholder under
//     the key the cardholder gave in PIHead.acqBackKeyData.
//   - CapReq/CapRes, AuthRevReq/Res, CredReq/Res, ..., BatchAdminReq/Res (Book 2 §3.5-3.9): the
//     same pattern, the request sealed for the gateway, the response for the merchant.
//   - PInitReq, PInitRes, PRes, InqReq/InqRes, PCertReq/Res, Error: in the clear (signed or not).
#include "openset/services/explorer.hpp"

#include <algorithm>
#include <map>

#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/printer.hpp"
#include "openset/roles/purchase/wallet.hpp"
#include "openset/roles/wire.hpp"
#include "openset/seal/envelope.hpp"

namespace openset::services::explorer {
namespace {
using nlohmann::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS explorer_journal (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  tx         TEXT NOT NULL,
  lid_m      TEXT NOT NULL,
  xid        TEXT NOT NULL,
  rrpid      TEXT NOT NULL,
  from_party TEXT NOT NULL,
  to_party   TEXT NOT NULL,
  type       TEXT NOT NULL,
  message    BLOB NOT NULL)
)sql";
constexpr const char* kIndex = "CREATE INDEX IF NOT EXISTS explorer_journal_tx ON explorer_journal (tx, seq)";

constexpr unsigned bit(Party p) { return 1u << static_cast<unsigned>(p); }
constexpr unsigned kAll = bit(Party::kCardholder) | bit(Party::kMerchant) | bit(Party::kGateway);

json readers_json(unsigned mask) {
  json a = json::array();
  for (Party p : {Party::kCardholder, Party::kMerchant, Party::kGateway})
    if ((mask & bit(p)) != 0) a.push_back(party_name(p));
  return a;
}

struct PartyText {
  std::string_view name;  // on the wire of the explorer's JSON
  std::string_view the;   // in a sentence
};
constexpr PartyText kPartyText[] = {
    {"cardholder", "the cardholder"}, {"merchant", "the merchant"}, {"gateway", "the payment gateway"}};
const PartyText& text_of(Party p) { return kPartyText[static_cast<std::size_t>(p)]; }

std::string the(Party p) { return std::string(text_of(p).the); }
std::string possessive(Party p) { return the(p) + "'s"; }

constexpr std::string_view kSelectEntries =
    "SELECT seq, at, tx, lid_m, xid, from_party, to_party, type, message FROM explorer_journal ";

Result<JournalEntry> read_entry(const store::Statement& s) {
  JournalEntry e;
  e.seq = s.column_int64(0);
  e.at = s.column_int64(1);
  e.tx = s.column_text(2);
  e.lid_m = s.column_text(3);
  e.xid = s.column_text(4);
  OPENSET_TRY(e.from, party_from_name(s.column_text(5)));
  OPENSET_TRY(e.to, party_from_name(s.column_text(6)));
  e.type = s.column_text(7);
  e.message = s.column_blob(8);
  return e;
}

// ---- explain ---------------------------------------------------------------------------------

const std::map<std::string, std::string, std::less<>>& summaries() {
  static const std::map<std::string, std::string, std::less<>> k = {
      {"PInitReq", "The cardholder starts the payment: brand, challenge and the merchant's order ID, in the clear."},
      {"PInitRes", "The merchant answers with the transaction ID and the payment gateway's key-exchange certificate, signed by the merchant."},
      {"PReq",
       "The purchase request with its dual signature: the order half (OIData) is for the merchant, the payment half (PI, with the "
       "card number) is sealed for the payment gateway. One signature covers both through their hashes."},
      {"PRes", "The merchant confirms the purchase to the cardholder, signed by the merchant."},
      {"InqReq", "The cardholder asks how the purchase stands."},
      {"InqRes", "The merchant's answer to an inquiry (the shape of PRes)."},
      {"AuthReq",
       "The merchant asks the payment gateway to authorize: its request is sealed for the gateway, and the cardholder's payment "
       "half (PI) rides along unopened."},
      {"AuthRes",
       "The gateway's answer, sealed for the merchant; the capture token inside it is sealed for the gateway itself, so only the "
       "gateway can use it later."},
      {"CapReq", "The merchant captures: its request and the capture tokens are sealed for the gateway."},
      {"CapRes", "The gateway's capture answer, sealed for the merchant."},
      {"AuthRevReq", "The merchant reverses (part of) an authorization, sealed for the gateway."},
      {"AuthRevRes", "The gateway's answer to a reversal, sealed for the merchant."},
      {"CredReq", "The merchant credits the cardholder (a refund), sealed for the gateway."},
      {"CredRes", "The gateway's answer to a credit, sealed for the merchant."},
      {"BatchAdminReq", "The merchant administers its batch (close, summary), sealed for the gateway."},
      {"BatchAdminRes", "The gateway's batch answer, sealed for the merchant."},
      {"PCertReq", "The merchant asks for the gateway's current certificates."},
      {"PCertRes", "The gateway's certificates."},
      {"Error", "A refusal: the SET Error message, naming what went wrong."},
  };
  return k;
}

// A text value (a character string of the message, not hex) with every run of 12 or more
// digits masked, the rule of the services' logs: should a card number ever travel in a text field
// of a readable part, no view shows it.
void redact_digit_runs(json& n) {
  auto v = n.find("value");
  auto cls = n.find("class");
  if (v == n.end() || !v->is_string() || cls == n.end() || *cls != "universal") return;
  auto num = n.find("number");
  if (num == n.end() || !num->is_number_integer()) return;
  static constexpr int kStrings[] = {12, 18, 19, 20, 22, 26, 28, 30};  // UTF8 .. BMP
  const int tag = num->get<int>();
  if (std::find(std::begin(kStrings), std::end(kStrings), tag) == std::end(kStrings)) return;
  std::string text = v->get<std::string>(), out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i >= 12) out += "[digits withheld]";
    else out.append(text, i, j - i);
    if (j < text.size()) out += text[j];
    i = j + 1;
  }
  *v = out;
}

struct Annotator {
  const ExplainOptions& o;

  struct Scope {
    unsigned readers = 0;     // who can read the parts in the clear here
    Party signer = Party::kCardholder;  // whose signature a SignedData here carries
    bool has_signer = false;
    bool in_baggage = false;  // inside an EncB's baggage (forwarded, not the sender's own)
    int envelopes = 0;        // envelopes around this node (opened ones)
  };

  static const std::string* str(const json& n, const char* key) {
    auto it = n.find(key);
    if (it == n.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
  }
  static bool is(const json& n, const char* key, std::string_view v) {
    const std::string* s = str(n, key);
    return s != nullptr && *s == v;
  }
  static bool field_or_type(const json& n, std::string_view v) { return is(n, "field", v) || is(n, "type", v); }

  static bool is_envelope(const json& n) {
    if (is(n, "type", "EnvelopedData")) return true;
    // An untyped SEQUENCE { INTEGER, SET OF RecipientInfo, EncryptedContentInfo }.
    auto it = n.find("children");
    if (it == n.end() || !it->is_array() || it->size() != 3) return false;
    return is((*it)[0], "field", "edVersion") && is((*it)[1], "field", "recipientInfos");
  }
  static bool is_encrypted_data(const json& n) { return is(n, "type", "EncryptedData"); }

  // The TLV a node stands for, in `bytes`.
  static std::optional<ByteView> slice(const json& n, ByteView bytes) {
    if (!n.contains("offset") || !n.contains("header_length") || !n.contains("length")) return std::nullopt;
    auto off = n["offset"].get<std::size_t>();
    auto len = n["header_length"].get<std::size_t>() + n["length"].get<std::size_t>();
    if (off > bytes.size() || len > bytes.size() - off) return std::nullopt;
    return bytes.subspan(off, len);
  }

  // Whom an envelope is for: the viewer when its RecipientInfo names the viewer's key; else the
  // message's receiver for the outer envelope of a gateway -> merchant message; else the payment
  // gateway (the PI, the CapTokens, the AuthTokens and every request to the gateway are sealed
  // for it: the only other key-exchange keys in a purchase).
  Party recipient(const Scope& s, bool addressed_to_viewer) const {
    if (addressed_to_viewer) return o.viewer;
    if (s.envelopes == 0 && !s.in_baggage && o.to == Party::kMerchant && o.from == Party::kGateway) return Party::kMerchant;
    return Party::kGateway;
  }

  bool addressed_to_key(const asn1::EnvelopedData& e) const {
    if (o.key == nullptr || e.recipient_infos.size() != 1) return false;
    const auto& id = e.recipient_infos[0].issuer_and_serial_number;
    return id.issuer == o.key->id.issuer && id.serial_number == o.key->id.serial_number;
  }

  std::string envelope_note(const json& n, Party sealed_for, Party author, bool opened) const {
    const bool pi = field_or_type(n, "exPIData") || field_or_type(n, "piUnsigned") || field_or_type(n, "PIUnsigned");
    std::string who = the(sealed_for);
    std::string text;
    if (pi) {
      text = "The payment half (PIHead and the card number), sealed for the payment gateway: ";
      text += o.viewer == Party::kCardholder ? "you sealed this for the gateway; neither you nor the merchant can open it again."
                                             : "the merchant cannot read the card number.";
      return text;
    }
    if (opened) return "Sealed for " + who + " by " + the(author) + ": opened with " + possessive(o.viewer) + " key-exchange key.";
    if (sealed_for == o.viewer)
      return "Sealed for " + who + " (" + (o.key == nullptr ? "this view holds no key to open it" : "not under the key this view holds") + ").";
    if (o.viewer == author) return "Sealed for " + who + ": you sealed this for " + who + " and cannot open it again.";
    return "Sealed for " + who + " by " + the(author) + ": " + the(o.viewer) + " cannot open it.";
  }

  // An EnvelopedData node: sealed_for, readers, opaque, and (for the viewer's own key) the
  // decrypted content as a child.
  void envelope(json& n, const Scope& s, ByteView bytes) {
    std::optional<asn1::EnvelopedData> env;
    if (auto tlv = slice(n, bytes)) {
      auto d = asn1::decode<asn1::EnvelopedData>(*tlv);
      if (d.ok()) env = std::move(*d);
    }
    const bool mine = env && addressed_to_key(*env);
    const Party sealed_for = recipient(s, mine);
    // Who sealed it: the message's sender for its own envelopes; the gateway for the tokens it
    // hands the merchant to carry (CapToken, AuthToken); the cardholder for the PI.
    Party author = o.from;
    if (s.in_baggage) author = Party::kGateway;  // CapToken, AuthToken: the gateway's own, carried back
    const bool pi = field_or_type(n, "exPIData") || field_or_type(n, "piUnsigned") || field_or_type(n, "PIUnsigned");
    if (pi) author = Party::kCardholder;
    n["sealed_for"] = party_name(sealed_for);
    n["sealed_by"] = party_name(author);
    n["readers"] = readers_json(bit(sealed_for));
    const bool extra = field_or_type(n, "encX") || field_or_type(n, "encBX");  // PANToken in the RSA block
    // The envelope's visible frame (version, recipient, algorithms) is readable by whoever
    // holds the bytes; the ciphertext is only bytes nobody but the recipient can read.
    if (n.contains("children"))
      for (auto& k : n["children"]) mark_readers(k, kAll & (bit(o.from) | bit(o.to) | s.readers));
    bool opened = false;
    if (mine && sealed_for == o.viewer && o.key != nullptr && !pi && !extra) {
      auto open = seal::open_E(*env, *o.key, env->encrypted_content_info.content_type, seal::Policy::all());
      if (open.ok()) {
        asn1::PrintOptions po;
        po.best_effort = true;
        auto tree = asn1::print_json(open->content.view(), po);
        if (tree.ok() && (*tree)["root"].is_object()) {
          json inner = std::move((*tree)["root"]);
          Scope in;
          in.readers = bit(sealed_for) | bit(author);
          in.signer = author;
          in.has_signer = true;
          in.envelopes = s.envelopes + 1;
          Bytes content = to_bytes(open->content.view());
          walk(inner, in, content);
          inner["opened"] = true;
          inner["opened_by"] = party_name(o.viewer);
          inner["note"] = "Opened by " + the(o.viewer) + ": the decrypted content, signed inside by " + the(author) + ".";
          n["children"].push_back(std::move(inner));
          opened = true;
        }
      }
    }
    n["opaque"] = !opened;
    n["note"] = envelope_note(n, sealed_for, author, opened);
  }

  static void mark_readers(json& n, unsigned readers) {
    n["readers"] = readers_json(readers);
    if (n.contains("children"))
      for (auto& k : n["children"]) mark_readers(k, readers);
  }

  void walk(json& n, Scope s, ByteView bytes) {
    if (!n.is_object()) return;
    if (is_envelope(n)) {
      envelope(n, s, bytes);
      return;
    }
    if (is_encrypted_data(n) || field_or_type(n, "acqCardMsg")) {
      // EK{AcqBackKey, ...}: under the symmetric key the cardholder put in PIHead (Book 2 §3.4.2,
      // AcqCardMsg): the cardholder reads it, the merchant only forwards it.
      n["sealed_for"] = party_name(Party::kCardholder);
      n["sealed_by"] = party_name(Party::kGateway);
      n["readers"] = readers_json(bit(Party::kCardholder) | bit(Party::kGateway));
      n["opaque"] = o.viewer != Party::kCardholder && o.viewer != Party::kGateway;
      n["note"] = "A message from the acquirer for the cardholder, encrypted under a key the cardholder chose: the merchant "
                  "passes it on without reading it.";
      if (n["opaque"].get<bool>()) n.erase("children");
      return;
    }
    if (field_or_type(n, "PANData") || field_or_type(n, "panData") || field_or_type(n, "PANToken") || field_or_type(n, "panToken")) {
      // Only ever inside an envelope for the gateway, which no view opens; should one appear in
      // the clear, its content is withheld all the same.
      n.erase("children");
      n.erase("value");
      n["opaque"] = true;
      n["readers"] = readers_json(bit(Party::kGateway));
      n["note"] = "The card number: for the payment gateway only.";
      return;
    }
    n["readers"] = readers_json(s.readers);
    redact_digit_runs(n);

    if (field_or_type(n, "piSignature") || field_or_type(n, "PISignature")) {
      n["signed_by"] = "dual signature of the cardholder";
      n["readers"] = readers_json(kAll);
      n["note"] = "The dual signature: the cardholder signs H(PIData) and H(OIData) together. The merchant checks it with the "
                  "order it sees and H(PIData); the gateway with the payment half and H(OIData).";
    } else if (is(n, "type", "SignedData") && s.has_signer) {
      n["signed_by"] = possessive(s.signer) + " signature";
      if (auto kids = n.find("children"); kids != n.end() && kids->is_array())
        for (auto& k : *kids)
          if (is(k, "field", "contentInfo")) k["covered_by"] = possessive(s.signer) + " signature";
    }
    if (field_or_type(n, "OIData") || field_or_type(n, "oiData")) {
      n["covered_by"] = "the cardholder's dual signature (through H(OIData))";
      n["readers"] = readers_json(bit(Party::kCardholder) | bit(Party::kMerchant));
      n["note"] = "The order half: the merchant reads it; the payment gateway only ever sees its hash, H(OIData).";
    }
    if (field_or_type(n, "hPIData") || field_or_type(n, "HPIData")) {
      n["covered_by"] = "the cardholder's dual signature";
      n["note"] = "Only the hash of the payment half: the merchant links the payment to the order without seeing it.";
    }
    if (field_or_type(n, "hOIData") || field_or_type(n, "HOIData")) {
      n["covered_by"] = "the cardholder's dual signature";
      n["note"] = "Only the hash of the order half: the gateway links the order to the payment without seeing it.";
    }
    if (field_or_type(n, "oiDualSigned") || field_or_type(n, "OIDualSigned") || field_or_type(n, "oiUnsigned")) {
      n["covered_by"] = "the cardholder's dual signature";
      n["readers"] = readers_json(bit(Party::kCardholder) | bit(Party::kMerchant));
    }

    auto kids = n.find("children");
    if (kids == n.end() || !kids->is_array()) return;
    // EncB / EncBX: SEQUENCE { enc|encX, baggage }: the baggage travels outside the envelope.
    const bool encb = kids->size() == 2 && is_envelope((*kids)[0]);
    // OIDualSigned / OIUnsigned = L{OIData, PIData}: t2 is DD{PIData}, the payment half's hash.
    const bool oi_link = field_or_type(n, "oiDualSigned") || field_or_type(n, "OIDualSigned") ||
                         field_or_type(n, "oiUnsigned") || field_or_type(n, "OIUnsigned");
    for (std::size_t i = 0; i < kids->size(); ++i) {
      Scope c = s;
      json& k = (*kids)[i];
      if (encb && i == 1) {
        c.in_baggage = true;
        if (!k.contains("covered_by"))
          k["covered_by"] = possessive(o.from) + " signature (DD{Baggage} inside the sealed part)";
        if (!k.contains("note"))
          k["note"] = "Baggage: carried next to the sealed part and bound to it by its hash, which " + the(o.from) +
                      " signed inside; it may hold parts sealed for someone else, passed on unopened.";
      }
      if (oi_link && i == 1) {
        k["covered_by"] = "the cardholder's dual signature";
        k["note"] = "H(PIData): only the hash of the payment half. The merchant checks the dual signature with it and "
                    "never sees the card number.";
      }
      if (field_or_type(k, "pi") || field_or_type(k, "PI") || field_or_type(k, "piDualSigned") || field_or_type(k, "PIDualSigned"))
        c.readers = c.readers | bit(Party::kGateway);  // the PI is forwarded to the gateway
      if (field_or_type(k, "capToken") || field_or_type(k, "authToken")) c.in_baggage = true;
      walk(k, c, bytes);
    }
  }
};

json error_json(const Error& e) {
  return json{{"error", {{"code", std::string(errc_name(e.code))}, {"message", e.message}}}};
}

}  // namespace

std::string_view party_name(Party p) { return text_of(p).name; }

Result<Party> party_from_name(std::string_view name) {
  for (Party p : {Party::kCardholder, Party::kMerchant, Party::kGateway})
    if (party_name(p) == name) return p;
  return Error(Errc::kInvalidArgument, "no party named " + std::string(name) + " (cardholder, merchant, gateway)");
}

std::string viewer_statement(Party p) {
  std::string s = possessive(p);
  s[0] = 'T';
  return s + " view";
}

// ---- Journal ---------------------------------------------------------------------------------

Result<std::unique_ptr<Journal>> Journal::open(const std::string& location) {
  OPENSET_TRY(store::Database db, store::Database::open(location, store::Database::Mode::kCreate));
  OPENSET_CHECK(db.exec(kSchema));
  OPENSET_CHECK(db.exec(kIndex));
  auto j = std::unique_ptr<Journal>(new Journal(std::move(db), nullptr));
  j->db_ = &*j->owned_;
  return j;
}

Result<std::unique_ptr<Journal>> Journal::attach(store::Database& db) {
  OPENSET_CHECK(db.exec(kSchema));
  OPENSET_CHECK(db.exec(kIndex));
  return std::unique_ptr<Journal>(new Journal(std::nullopt, &db));
}

Result<std::string> Journal::key_for(const std::string& lid_m, const std::string& xid, const std::string& rrpid) {
  if (!lid_m.empty()) return "m-" + lid_m;
  if (!xid.empty()) {
    OPENSET_TRY(store::Statement q, db_->prepare("SELECT tx FROM explorer_journal WHERE xid = ? ORDER BY seq LIMIT 1"));
    q.bind(1, std::string_view(xid));
    OPENSET_TRY(bool row, q.step());
    if (row) return q.column_text(0);
    return "x-" + xid;
  }
  if (!rrpid.empty()) {
    // A response without TransIDs (CapRes, BatchAdminRes, ...) joins its request.
    OPENSET_TRY(store::Statement q, db_->prepare("SELECT tx FROM explorer_journal WHERE rrpid = ? ORDER BY seq LIMIT 1"));
    q.bind(1, std::string_view(rrpid));
    OPENSET_TRY(bool row, q.step());
    if (row) return q.column_text(0);
    return "r-" + rrpid;
  }
  return std::string();
}

Status Journal::record(Party from, Party to, ByteView der, std::int64_t at, std::string_view tx_hint) {
  std::string type = "?", lid_m, xid, rrpid;
  auto w = roles::unwrap(der);
  if (w.ok()) {
    type = std::string(roles::message_type_name(roles::message_index(*w)));
    const auto& h = w->message_header;
    if (h.message_ids) {
      if (h.message_ids->lid_m) lid_m = to_hex(*h.message_ids->lid_m);
      if (h.message_ids->x_id) xid = to_hex(*h.message_ids->x_id);
    }
    if (h.rrpid) rrpid = to_hex(*h.rrpid);
  }
  OPENSET_TRY(store::Transaction t, db_->begin());
  OPENSET_TRY(std::string tx, key_for(lid_m, xid, rrpid));
  if (!tx_hint.empty() && lid_m.empty() && xid.empty() && (tx.empty() || tx == "r-" + rrpid)) tx = std::string(tx_hint);
  OPENSET_TRY(store::Statement ins,
              db_->prepare("INSERT INTO explorer_journal (at, tx, lid_m, xid, rrpid, from_party, to_party, type, message) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.bind(1, at).bind(2, std::string_view(tx)).bind(3, std::string_view(lid_m)).bind(4, std::string_view(xid));
  ins.bind(5, std::string_view(rrpid)).bind(6, party_name(from)).bind(7, party_name(to)).bind(8, std::string_view(type));
  ins.bind(9, der);
  OPENSET_CHECK(ins.run());
  if (tx.empty()) {
    // No identifier at all (an Error about bad bytes): a transaction of its own.
    OPENSET_TRY(store::Statement up,
                db_->prepare("UPDATE explorer_journal SET tx = 's-' || CAST(seq AS TEXT) WHERE tx = ''"));
    OPENSET_CHECK(up.run());
  }
  return t.commit();
}

Result<std::int64_t> Journal::prune(std::int64_t before) {
  constexpr const char* kOld = "(SELECT tx FROM explorer_journal GROUP BY tx HAVING MAX(at) < ?)";
  OPENSET_TRY(store::Transaction t, db_->begin());
  OPENSET_TRY(store::Statement n, db_->prepare(std::string("SELECT COUNT(*) FROM explorer_journal WHERE tx IN ") + kOld));
  n.bind(1, before);
  OPENSET_TRY(bool row, n.step());
  const std::int64_t count = row ? n.column_int64(0) : 0;
  n.reset();
  if (count > 0) {
    OPENSET_TRY(store::Statement d, db_->prepare(std::string("DELETE FROM explorer_journal WHERE tx IN ") + kOld));
    d.bind(1, before);
    OPENSET_CHECK(d.run());
  }
  OPENSET_CHECK(t.commit());
  return count;
}

Result<std::vector<TransactionSummary>> Journal::transactions(std::int64_t limit) {
  OPENSET_TRY(store::Statement q,
              db_->prepare("SELECT tx, MIN(seq) AS first_seq, MIN(at), MAX(at), COUNT(*) FROM explorer_journal "
                          "GROUP BY tx ORDER BY first_seq DESC LIMIT ?"));
  q.bind(1, limit);
  std::vector<TransactionSummary> out;
  while (true) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    TransactionSummary t;
    t.tx = q.column_text(0);
    t.first_at = q.column_int64(2);
    t.last_at = q.column_int64(3);
    t.count = q.column_int64(4);
    out.push_back(std::move(t));
  }
  for (auto& t : out) {
    OPENSET_TRY(store::Statement m, db_->prepare("SELECT type, lid_m, xid FROM explorer_journal WHERE tx = ? ORDER BY seq"));
    m.bind(1, std::string_view(t.tx));
    while (true) {
      OPENSET_TRY(bool row, m.step());
      if (!row) break;
      t.types.push_back(m.column_text(0));
      if (t.lid_m.empty()) t.lid_m = m.column_text(1);
      if (t.xid.empty()) t.xid = m.column_text(2);
    }
  }
  return out;
}

namespace {
Result<std::vector<JournalEntry>> read_entries(store::Statement& q) {
  std::vector<JournalEntry> out;
  while (true) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    OPENSET_TRY(JournalEntry e, read_entry(q));
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

Result<std::vector<JournalEntry>> Journal::messages(std::string_view tx) {
  OPENSET_TRY(store::Statement q, db_->prepare(std::string(kSelectEntries) + "WHERE tx = ? ORDER BY seq"));
  q.bind(1, tx);
  return read_entries(q);
}

Result<std::optional<JournalEntry>> Journal::message(std::int64_t seq) {
  OPENSET_TRY(store::Statement q, db_->prepare(std::string(kSelectEntries) + "WHERE seq = ?"));
  q.bind(1, seq);
  OPENSET_TRY(std::vector<JournalEntry> found, read_entries(q));
  if (found.empty()) return std::optional<JournalEntry>{};
  return std::optional<JournalEntry>(std::move(found.front()));
}

// ---- explain ---------------------------------------------------------------------------------

json explain(ByteView der, const ExplainOptions& options) {
  auto w = roles::unwrap(der);
  if (!w.ok()) return error_json(w.error());
  auto tree = asn1::print_json(der);
  if (!tree.ok()) return error_json(tree.error());
  json out = json::object();
  const std::string type(roles::message_type_name(roles::message_index(*w)));
  out["type"] = type;
  out["viewer"] = party_name(options.viewer);
  out["viewer_statement"] = viewer_statement(options.viewer);
  out["from"] = party_name(options.from);
  out["to"] = party_name(options.to);
  auto s = summaries().find(type);
  if (s != summaries().end()) out["summary"] = s->second;
  json root = std::move((*tree)["root"]);
  Annotator a{options};
  Annotator::Scope scope;
  scope.readers = bit(options.from) | bit(options.to);
  scope.signer = options.from;
  scope.has_signer = true;
  a.walk(root, scope, der);
  out["root"] = std::move(root);
  return out;
}

json entry_json(const JournalEntry& e) {
  return json{{"seq", e.seq},   {"at", e.at},   {"tx", e.tx},     {"lid_m", e.lid_m},
              {"xid", e.xid},   {"from", party_name(e.from)}, {"to", party_name(e.to)},
              {"type", e.type}, {"size", e.message.size()}};
}

json summary_json(const TransactionSummary& t) {
  return json{{"tx", t.tx},           {"lid_m", t.lid_m},     {"xid", t.xid},     {"first_at", t.first_at},
              {"last_at", t.last_at}, {"count", t.count},     {"types", t.types}};
}

namespace {
JournalEntry trail_entry(const roles::purchase::TrailItem& i, const std::string& tx) {
  JournalEntry e;
  e.seq = i.seq;
  e.at = i.at;
  e.tx = tx;
  const bool sent = i.direction == "sent";
  e.from = sent ? Party::kCardholder : Party::kMerchant;
  e.to = sent ? Party::kMerchant : Party::kCardholder;
  e.type = i.type;
  e.message = i.message;
  return e;
}
}  // namespace

json trail_json(const roles::purchase::Transaction& t) {
  const std::string tx = std::to_string(t.entry.id);
  json msgs = json::array();
  for (const auto& i : t.trail) {
    JournalEntry e = trail_entry(i, tx);
    json j = entry_json(e);
    j["xid"] = to_hex(t.entry.xid);
    msgs.push_back(std::move(j));
  }
  return json{{"tx", tx}, {"viewer", "cardholder"}, {"messages", std::move(msgs)}};
}

json trail_summary_json(const roles::purchase::Transaction& t) {
  TransactionSummary s;
  s.tx = std::to_string(t.entry.id);
  s.xid = to_hex(t.entry.xid);
  s.count = static_cast<std::int64_t>(t.trail.size());
  for (const auto& i : t.trail) {
    if (s.first_at == 0 || i.at < s.first_at) s.first_at = i.at;
    s.last_at = std::max(s.last_at, i.at);
    s.types.push_back(i.type);
  }
  return summary_json(s);
}

std::optional<json> explain_trail_message(const roles::purchase::Transaction& t, std::int64_t seq) {
  for (const auto& i : t.trail) {
    if (i.seq != seq) continue;
    JournalEntry e = trail_entry(i, std::to_string(t.entry.id));
    ExplainOptions o;
    o.viewer = Party::kCardholder;
    o.from = e.from;
    o.to = e.to;
    json j = explain(e.message, o);
    j["seq"] = seq;
    return j;
  }
  return std::nullopt;
}

}  // namespace openset::services::explorer
