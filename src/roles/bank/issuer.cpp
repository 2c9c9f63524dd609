#include "openset/roles/bank/issuer.hpp"

#include <algorithm>
#include <utility>

#include "internal.hpp"

namespace openset::roles::bank {

namespace {
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS issuer_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issuer_bins (
  prefix TEXT PRIMARY KEY CHECK (length(prefix) BETWEEN 1 AND 11),
  brand TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issuer_forms (
  brand TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  required INTEGER NOT NULL,
  PRIMARY KEY (brand, name),
  UNIQUE (brand, position));
CREATE TABLE IF NOT EXISTS cards (
  id INTEGER PRIMARY KEY,
  pan TEXT NOT NULL UNIQUE,
  last4 TEXT NOT NULL,
  expiry TEXT NOT NULL CHECK (length(expiry) = 6),
  credit_limit INTEGER NOT NULL CHECK (credit_limit >= 0),
  currency INTEGER NOT NULL,
  brand TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'blocked')));
CREATE TABLE IF NOT EXISTS cardholder_fields (
  card INTEGER NOT NULL REFERENCES cards (id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (card, name));
CREATE TABLE IF NOT EXISTS authorizations (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  authorization_id TEXT UNIQUE,
  card INTEGER REFERENCES cards (id),
  merchant_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  approval_code TEXT,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  amt_exp10 INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'approved') = (entry IS NOT NULL AND authorization_id IS NOT NULL)));
CREATE TABLE IF NOT EXISTS captures (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  capture_id TEXT UNIQUE,
  authorization_id TEXT NOT NULL,
  auth_seq INTEGER REFERENCES authorizations (seq),
  verdict TEXT NOT NULL,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  amt_exp10 INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'captured') = (entry IS NOT NULL AND capture_id IS NOT NULL AND auth_seq IS NOT NULL)));
CREATE TABLE IF NOT EXISTS releases (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  release_id TEXT UNIQUE,
  auth_seq INTEGER NOT NULL REFERENCES authorizations (seq),
  verdict TEXT NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'released') = (entry IS NOT NULL AND release_id IS NOT NULL)));
CREATE TABLE IF NOT EXISTS credits (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  credit_id TEXT UNIQUE,
  capture_seq INTEGER NOT NULL REFERENCES captures (seq),
  verdict TEXT NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'credited') = (entry IS NOT NULL AND credit_id IS NOT NULL)));
-- Capture reversals (CapRevReq) and credit reversals (CredRevReq): each voids one whole capture
-- (credit) with the inverse postings; at most one reversal per capture (credit).
CREATE TABLE IF NOT EXISTS capture_reversals (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  reversal_id TEXT UNIQUE,
  capture_seq INTEGER NOT NULL REFERENCES captures (seq),
  verdict TEXT NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'reversed') = (entry IS NOT NULL AND reversal_id IS NOT NULL)));
CREATE UNIQUE INDEX IF NOT EXISTS capture_reversed_once ON capture_reversals (capture_seq)
  WHERE verdict = 'reversed';
CREATE TABLE IF NOT EXISTS credit_reversals (
  seq INTEGER PRIMARY KEY,
  acquirer TEXT NOT NULL,
  reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  reversal_id TEXT UNIQUE,
  credit_seq INTEGER NOT NULL REFERENCES credits (seq),
  verdict TEXT NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  UNIQUE (acquirer, reference),
  CHECK ((verdict = 'reversed') = (entry IS NOT NULL AND reversal_id IS NOT NULL)));
CREATE UNIQUE INDEX IF NOT EXISTS credit_reversed_once ON credit_reversals (credit_seq)
  WHERE verdict = 'reversed';
)sql";

// What Book 2's cardholder registration typically asks when the issuer configured nothing.
std::vector<FormField> default_form() {
  return {{"name", "Name on the card", true},
          {"billing-address", "Billing address", true},
          {"postal-code", "Postal code", true}};
}

std::string acquirer_key(const std::string& id) { return id.empty() ? std::string("-") : id; }
std::string card_account(std::int64_t n) { return "card:" + std::to_string(n); }
std::string hold_account(std::int64_t n) { return "hold:" + std::to_string(n); }
std::string holds_control(std::int64_t cur) { return "holds-control:" + std::to_string(cur); }
std::string due_to(const std::string& acq, std::int64_t cur) { return "due-to:" + acq + ":" + std::to_string(cur); }

Money zero_of(const Money& m) { return Money{m.currency, 0, m.amt_exp10}; }

Error bad_request(std::string msg) { return Error(Errc::kInvalidArgument, "issuer: " + std::move(msg)); }

// Next sequence number of a table (inside the operation's IMMEDIATE transaction).
Result<std::int64_t> next_seq(store::Database& db, std::string_view table) {
  std::string sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM " + std::string(table) + " WHERE ?1 = ?1";
  return detail::query_int(db, sql, std::int64_t{0});
}
}  // namespace

struct IssuerBank::Card {
  std::int64_t id = 0;
  std::string pan;
  std::string expiry;
  std::int64_t limit = 0;
  std::int64_t currency = 0;
  std::string brand;
  bool blocked = false;
  std::map<std::string, std::string> holder;
};

IssuerBank::IssuerBank(std::unique_ptr<store::Database> db, IssuerProfile profile)
    : db_(std::move(db)), ledger_(*db_), profile_(std::move(profile)) {}

Result<std::unique_ptr<IssuerBank>> IssuerBank::open(const std::string& path, const IssuerProfile& profile) {
  if (profile.id.empty() || profile.id.find(':') != std::string::npos)
    return bad_request("an issuer needs an id without ':'");
  OPENSET_TRY(store::Database db, store::Database::open(path, store::Database::Mode::kCreate));
  auto owned = std::make_unique<store::Database>(std::move(db));
  {
    OPENSET_TRY(store::Transaction t, owned->begin());
    OPENSET_CHECK(Ledger::create_schema(*owned));
    OPENSET_CHECK(owned->exec(kSchema));
    OPENSET_CHECK(owned->exec(detail::kIssuerSettlementSchema));
    OPENSET_TRY(store::Statement s, owned->prepare("SELECT value FROM issuer_meta WHERE key = 'id'"));
    OPENSET_TRY(bool row, s.step());
    if (row && s.column_text(0) != profile.id)
      return bad_request("database belongs to issuer '" + s.column_text(0) + "', not '" + profile.id + "'");
    if (!row) {
      OPENSET_TRY(store::Statement ins, owned->prepare(
          "INSERT INTO issuer_meta (key, value) VALUES ('id', ?1), ('name', ?2)"));
      ins.bind(1, std::string_view(profile.id)).bind(2, std::string_view(profile.name));
      OPENSET_CHECK(ins.run());
    }
    OPENSET_CHECK(t.commit());
  }
  std::unique_ptr<IssuerBank> bank(new IssuerBank(std::move(owned), profile));
  OPENSET_CHECK(bank->load_bins());
  return bank;
}

Status IssuerBank::load_bins() {
  OPENSET_TRY(store::Statement s, db_->prepare("SELECT prefix, brand FROM issuer_bins"));
  bins_.clear();
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    bins_[s.column_text(0)] = s.column_text(1);
  }
  return Ok{};
}

std::vector<std::string> IssuerBank::bins() const {
  std::vector<std::string> out;
  for (const auto& [prefix, brand] : bins_) out.push_back(prefix);
  return out;
}

const std::pair<const std::string, std::string>* IssuerBank::bin_of(std::string_view pan) const {
  const std::pair<const std::string, std::string>* best = nullptr;
  for (const auto& b : bins_)
    if (pan.starts_with(b.first) && (best == nullptr || b.first.size() > best->first.size())) best = &b;
  return best;
}

Status IssuerBank::add_bin(std::string_view prefix, std::string_view brand) {
  if (prefix.empty() || prefix.size() > 11 || !detail::digits_only(prefix))
    return bad_request("a BIN is 1 to 11 digits");
  OPENSET_TRY(store::Statement s, db_->prepare(
      "INSERT INTO issuer_bins (prefix, brand) VALUES (?1, ?2) ON CONFLICT (prefix) DO UPDATE SET brand = ?2"));
  s.bind(1, prefix).bind(2, brand);
  OPENSET_CHECK(s.run());
  return load_bins();
}

Status IssuerBank::set_registration_form(std::string_view brand, const std::vector<FormField>& fields) {
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(store::Statement del, db_->prepare("DELETE FROM issuer_forms WHERE brand = ?1"));
    del.bind(1, brand);
    OPENSET_CHECK(del.run());
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO issuer_forms (brand, position, name, label, required) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name.empty()) return bad_request("a form field needs a name");
    ins.reset();
    ins.bind(1, brand).bind(2, static_cast<std::int64_t>(i)).bind(3, std::string_view(fields[i].name));
    ins.bind(4, std::string_view(fields[i].label)).bind(5, std::int64_t{fields[i].required ? 1 : 0});
    auto st = ins.run();
    if (!st.ok()) return bad_request("form field '" + fields[i].name + "' appears twice");
  }
  return t.commit();
}

Result<std::vector<FormField>> IssuerBank::form_for_brand(std::string_view brand) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT name, label, required FROM issuer_forms WHERE brand = ?1 ORDER BY position"));
  s.bind(1, brand);
  std::vector<FormField> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(FormField{s.column_text(0), s.column_text(1), s.column_int64(2) != 0});
  }
  if (out.empty()) return default_form();
  return out;
}

Result<std::string> IssuerBank::open_card(const CardAccount& card) {
  if (card.pan.size() < 12 || card.pan.size() > 19 || !detail::digits_only(card.pan))
    return bad_request("a PAN is 12 to 19 digits");
  if (bin_of(card.pan) == nullptr) return bad_request("card " + detail::masked(card.pan) + " is outside this issuer's BINs");
  if (!detail::expiry_end(card.expiry)) return bad_request("card expiry must be YYYYMM");
  if (card.credit_limit < 0) return bad_request("credit limit must not be negative");
  if (find_currency(card.currency) == nullptr) return bad_request("unknown currency " + std::to_string(card.currency));
  if (card.brand.empty()) return bad_request("a card needs a brand");
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "INSERT INTO cards (pan, last4, expiry, credit_limit, currency, brand, status) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    s.bind(1, std::string_view(card.pan)).bind(2, std::string_view(detail::last4(card.pan)));
    s.bind(3, std::string_view(card.expiry)).bind(4, card.credit_limit).bind(5, card.currency);
    s.bind(6, std::string_view(card.brand)).bind(7, std::string_view(card.blocked ? "blocked" : "active"));
    auto st = s.run();
    if (!st.ok()) {
      if (st.error().code == Errc::kConstraint)
        return Error(Errc::kConstraint, "issuer: card " + detail::masked(card.pan) + " already exists");
      return detail::storage_error("issuer: open card", st.error());
    }
  }
  OPENSET_TRY(std::int64_t id, detail::query_int(*db_, "SELECT id FROM cards WHERE pan = ?1", card.pan));
  {
    OPENSET_TRY(store::Statement s, db_->prepare("INSERT INTO cardholder_fields (card, name, value) VALUES (?1, ?2, ?3)"));
    for (const auto& [name, value] : card.holder) {
      s.reset();
      s.bind(1, id).bind(2, std::string_view(name)).bind(3, std::string_view(value));
      OPENSET_CHECK(s.run());
    }
  }
  std::string owner = "cardholder " + detail::masked(card.pan);
  OPENSET_CHECK(ledger_.open_account({card_account(id), owner, AccountKind::kAsset, card.currency}));
  OPENSET_CHECK(ledger_.open_account({hold_account(id), owner, AccountKind::kMemo, card.currency}));
  OPENSET_CHECK(ledger_.open_account({holds_control(card.currency), profile_.id, AccountKind::kMemo, card.currency}));
  OPENSET_CHECK(t.commit());
  return card_account(id);
}

Result<std::optional<IssuerBank::Card>> IssuerBank::find_card(std::string_view pan) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT id, expiry, credit_limit, currency, brand, status FROM cards WHERE pan = ?1"));
  s.bind(1, pan);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<Card>();
  Card c;
  c.id = s.column_int64(0);
  c.pan = std::string(pan);
  c.expiry = s.column_text(1);
  c.limit = s.column_int64(2);
  c.currency = s.column_int64(3);
  c.brand = s.column_text(4);
  c.blocked = s.column_text(5) == "blocked";
  OPENSET_TRY(store::Statement f, db_->prepare("SELECT name, value FROM cardholder_fields WHERE card = ?1"));
  f.bind(1, c.id);
  for (;;) {
    OPENSET_TRY(bool more, f.step());
    if (!more) break;
    c.holder[f.column_text(0)] = f.column_text(1);
  }
  return std::optional<Card>(std::move(c));
}

Status IssuerBank::set_status(std::string_view pan, std::string_view status) {
  OPENSET_TRY(auto card, find_card(pan));
  if (!card) return bad_request("no card " + detail::masked(pan));
  OPENSET_TRY(store::Statement s, db_->prepare("UPDATE cards SET status = ?2 WHERE id = ?1"));
  s.bind(1, card->id).bind(2, status);
  return s.run();
}
Status IssuerBank::block_card(std::string_view pan) { return set_status(pan, "blocked"); }
Status IssuerBank::unblock_card(std::string_view pan) { return set_status(pan, "active"); }

Result<CardPosition> IssuerBank::position(std::string_view pan) {
  OPENSET_TRY(auto card, find_card(pan));
  if (!card) return bad_request("no card " + detail::masked(pan));
  CardPosition p;
  p.currency = card->currency;
  p.limit = card->limit;
  OPENSET_TRY(p.owed, ledger_.balance(card_account(card->id)));
  OPENSET_TRY(p.held, ledger_.balance(hold_account(card->id)));
  p.available = p.limit - p.owed - p.held;
  return p;
}

// ---------------------------------------------------------------- registration (CCA side)

Result<std::vector<FormField>> IssuerBank::registration_form(std::string_view pan) {
  const auto* bin = bin_of(pan);
  if (bin == nullptr) return bad_request("card " + detail::masked(pan) + " is not issued by " + profile_.id);
  OPENSET_TRY(auto card, find_card(pan));
  return form_for_brand(card ? std::string_view(card->brand) : std::string_view(bin->second));
}

Result<CardCheck> IssuerBank::verify_cardholder(const CardholderClaim& claim) {
  CardCheck out;
  OPENSET_TRY(auto card, find_card(claim.pan));
  if (!card) {
    out.verdict = CardVerdict::kUnknownPan;
    return out;
  }
  out.brand = card->brand;
  auto end = detail::expiry_end(card->expiry);
  if (claim.expiry != card->expiry) {
    out.verdict = CardVerdict::kWrongExpiry;
  } else if (!end || claim.at >= *end) {
    out.verdict = CardVerdict::kExpired;
  } else if (card->blocked) {
    out.verdict = CardVerdict::kBlocked;
  } else {
    OPENSET_TRY(auto form, form_for_brand(card->brand));
    out.wrong_fields = detail::wrong_answers(form, card->holder, claim.answers);
    out.verdict = out.wrong_fields.empty() ? CardVerdict::kOk : CardVerdict::kWrongAnswers;
  }
  return out;
}

// ---------------------------------------------------------------- authorization

Result<AuthorizationDecision> IssuerBank::authorize(const AuthorizationRequest& req) {
  if (req.reference.empty()) return bad_request("authorization without a reference");
  if (req.amount.amount <= 0) return bad_request("authorization amount must be positive");
  const std::string acq = acquirer_key(req.acquirer_id);
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"authorize", req.pan, req.expiry,
                                                        detail::money_part(req.amount), req.merchant_id}));
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, authorization_id, approval_code, currency, amount, amt_exp10 "
        "FROM authorizations WHERE acquirer = ?1 AND reference = ?2"));
    s.bind(1, std::string_view(acq)).bind(2, std::string_view(req.reference));
    OPENSET_TRY(bool row, s.step());
    if (row) {
      AuthorizationDecision d;
      if (s.column_text(0) != fp) {
        d.verdict = AuthVerdict::kConflict;
        d.amount = zero_of(req.amount);
        return d;  // nothing written: the transaction rolls back
      }
      auto v = detail::parse_auth_verdict(s.column_text(1));
      if (!v) return Error(Errc::kMalformed, "issuer: stored verdict is unreadable");
      d.verdict = *v;
      Money m{s.column_int64(4), s.column_int64(5), s.column_int64(6)};
      if (d.verdict == AuthVerdict::kApproved) {
        d.authorization_id = s.column_text(2);
        d.approval_code = s.column_text(3);
        d.amount = m;
      } else {
        d.amount = zero_of(m);
      }
      return d;
    }
  }

  OPENSET_TRY(auto card, find_card(req.pan));
  AuthVerdict verdict = AuthVerdict::kApproved;
  if (!card) {
    verdict = AuthVerdict::kUnknownCard;
  } else {
    auto end = detail::expiry_end(card->expiry);
    if (req.expiry != card->expiry || !end || req.at >= *end) {
      verdict = AuthVerdict::kExpired;
    } else if (card->blocked) {
      verdict = AuthVerdict::kBlocked;
    } else if (!money_ok(req.amount) || req.amount.currency != card->currency) {
      verdict = AuthVerdict::kCurrency;
    } else {
      OPENSET_TRY(std::int64_t owed, ledger_.balance(card_account(card->id)));
      OPENSET_TRY(std::int64_t held, ledger_.balance(hold_account(card->id)));
      if (req.amount.amount > card->limit - owed - held) verdict = AuthVerdict::kInsufficientFunds;
    }
  }

  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "authorizations"));
  AuthorizationDecision d;
  d.verdict = verdict;
  d.amount = zero_of(req.amount);
  std::optional<std::int64_t> entry;
  if (verdict == AuthVerdict::kApproved) {
    d.authorization_id = detail::sequence_id(profile_.id + "-A", seq);
    OPENSET_TRY(d.approval_code, detail::approval_code(profile_.id + "|" + d.authorization_id + "|" + req.reference));
    d.amount = req.amount;
    JournalEntry e;
    e.key = "hold:" + d.authorization_id;
    e.kind = "hold";
    e.memo = "authorization " + d.authorization_id + " on card " + detail::masked(req.pan) + " for " +
             req.merchant_id;
    e.at = req.at;
    e.postings = {{hold_account(card->id), req.amount.amount}, {holds_control(card->currency), -req.amount.amount}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO authorizations (seq, acquirer, reference, fingerprint, authorization_id, card, merchant_id, "
      "verdict, approval_code, currency, amount, amt_exp10, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
  ins.bind(1, seq).bind(2, std::string_view(acq)).bind(3, std::string_view(req.reference)).bind(4, std::string_view(fp));
  if (entry) {
    ins.bind(5, std::string_view(d.authorization_id)).bind(9, std::string_view(d.approval_code)).bind(14, *entry);
  } else {
    ins.bind_null(5).bind_null(9).bind_null(14);
  }
  if (card) ins.bind(6, card->id); else ins.bind_null(6);
  ins.bind(7, std::string_view(req.merchant_id)).bind(8, auth_verdict_name(verdict));
  ins.bind(10, req.amount.currency).bind(11, req.amount.amount).bind(12, req.amount.amt_exp10).bind(13, req.at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return d;
}

// ---------------------------------------------------------------- capture

namespace {
struct AuthRow {
  std::int64_t seq = 0;
  std::string acquirer;
  std::int64_t card = 0;
  std::string merchant_id;
  Money amount;
};

Result<std::optional<AuthRow>> find_approved(store::Database& db, std::string_view authorization_id) {
  OPENSET_TRY(store::Statement s, db.prepare(
      "SELECT seq, acquirer, card, merchant_id, currency, amount, amt_exp10 FROM authorizations "
      "WHERE authorization_id = ?1 AND verdict = 'approved'"));
  s.bind(1, authorization_id);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<AuthRow>();
  return std::optional<AuthRow>(AuthRow{s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_text(3),
                                        Money{s.column_int64(4), s.column_int64(5), s.column_int64(6)}});
}

struct Usage {
  std::int64_t captured = 0;
  std::int64_t released = 0;
};
Result<Usage> usage_of(store::Database& db, std::int64_t auth_seq) {
  Usage u;
  // Reversed captures (CapRevReq) no longer count: their hold was restored.
  OPENSET_TRY(u.captured, detail::query_int(db,
      "SELECT COALESCE(SUM(amount), 0) FROM captures c WHERE auth_seq = ?1 AND verdict = 'captured' "
      "AND NOT EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed')",
      auth_seq));
  OPENSET_TRY(u.released, detail::query_int(db,
      "SELECT COALESCE(SUM(amount), 0) FROM releases WHERE auth_seq = ?1 AND verdict = 'released'", auth_seq));
  return u;
}
}  // namespace

Result<CaptureResult> IssuerBank::capture(const CaptureRequest& req) {
  if (req.reference.empty()) return bad_request("capture without a reference");
  if (req.amount.amount <= 0) return bad_request("capture amount must be positive");
  const std::string acq = acquirer_key(req.acquirer_id);
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"capture", req.authorization_id,
                                                        detail::money_part(req.amount), req.merchant_id}));
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, capture_id, currency, amount, amt_exp10 FROM captures "
        "WHERE acquirer = ?1 AND reference = ?2"));
    s.bind(1, std::string_view(acq)).bind(2, std::string_view(req.reference));
    OPENSET_TRY(bool row, s.step());
    if (row) {
      CaptureResult r;
      Money m{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
      if (s.column_text(0) != fp) {
        r.verdict = CaptureVerdict::kConflict;
        r.amount = zero_of(req.amount);
        return r;
      }
      auto v = detail::parse_capture_verdict(s.column_text(1));
      if (!v) return Error(Errc::kMalformed, "issuer: stored capture verdict is unreadable");
      r.verdict = *v;
      if (r.verdict == CaptureVerdict::kCaptured) {
        r.capture_id = s.column_text(2);
        r.amount = m;
      } else {
        r.amount = zero_of(m);
      }
      return r;
    }
  }

  OPENSET_TRY(auto auth, find_approved(*db_, req.authorization_id));
  // Only the acquirer (and merchant) that obtained the authorization may capture it.
  if (auth && (auth->acquirer != acq || auth->merchant_id != req.merchant_id)) auth.reset();
  CaptureVerdict verdict = CaptureVerdict::kCaptured;
  if (!auth) {
    verdict = CaptureVerdict::kUnknownAuthorization;
  } else {
    if (req.amount.currency != auth->amount.currency || req.amount.amt_exp10 != auth->amount.amt_exp10)
      return bad_request("capture currency differs from the authorization's");
    OPENSET_TRY(Usage u, usage_of(*db_, auth->seq));
    std::int64_t remaining = auth->amount.amount - u.captured - u.released;
    // Nothing left: captured (in part or in full, the rest released) or released before any capture.
    if (remaining <= 0)
      verdict = u.captured > 0 ? CaptureVerdict::kAlreadyCaptured : CaptureVerdict::kReleased;
    else if (req.amount.amount > remaining)
      verdict = CaptureVerdict::kExceedsAuthorization;
  }

  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "captures"));
  CaptureResult r;
  r.verdict = verdict;
  r.amount = zero_of(req.amount);
  std::optional<std::int64_t> entry;
  if (verdict == CaptureVerdict::kCaptured) {
    r.capture_id = detail::sequence_id(profile_.id + "-C", seq);
    r.amount = req.amount;
    const std::int64_t cur = auth->amount.currency;
    const std::int64_t a = req.amount.amount;
    OPENSET_CHECK(ledger_.open_account({due_to(acq, cur), "acquirer " + acq, AccountKind::kLiability, cur}));
    JournalEntry e;
    e.key = "capture:" + r.capture_id;
    e.kind = "capture";
    e.memo = "capture " + r.capture_id + " of " + req.authorization_id + " for " + req.merchant_id;
    e.at = req.at;
    e.postings = {{card_account(auth->card), a}, {due_to(acq, cur), -a},
                  {holds_control(cur), a}, {hold_account(auth->card), -a}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO captures (seq, acquirer, reference, fingerprint, capture_id, authorization_id, auth_seq, verdict, "
      "currency, amount, amt_exp10, at, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  ins.bind(1, seq).bind(2, std::string_view(acq)).bind(3, std::string_view(req.reference)).bind(4, std::string_view(fp));
  if (entry) ins.bind(5, std::string_view(r.capture_id)).bind(13, *entry); else ins.bind_null(5).bind_null(13);
  ins.bind(6, std::string_view(req.authorization_id));
  if (auth) ins.bind(7, auth->seq); else ins.bind_null(7);
  ins.bind(8, capture_verdict_name(verdict)).bind(9, req.amount.currency).bind(10, req.amount.amount);
  ins.bind(11, req.amount.amt_exp10).bind(12, req.at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

// ---------------------------------------------------------------- reversal and refund

Result<ReleaseResult> IssuerBank::release(std::string_view reference, std::string_view authorization_id,
                                          const Money& amount, std::int64_t at) {
  if (reference.empty()) return bad_request("release without a reference");
  if (amount.amount <= 0) return bad_request("release amount must be positive");
  OPENSET_TRY(store::Transaction t, db_->begin());
  OPENSET_TRY(auto auth, find_approved(*db_, authorization_id));
  ReleaseResult r;
  r.amount = zero_of(amount);
  if (!auth) {
    r.verdict = ReleaseVerdict::kUnknownAuthorization;
    return r;
  }
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"release", std::string(authorization_id), detail::money_part(amount)}));
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, release_id, amount FROM releases WHERE acquirer = ?1 AND reference = ?2"));
    s.bind(1, std::string_view(auth->acquirer)).bind(2, reference);
    OPENSET_TRY(bool row, s.step());
    if (row) {
      if (s.column_text(0) != fp) {
        r.verdict = ReleaseVerdict::kConflict;
        return r;
      }
      if (s.column_text(1) == release_verdict_name(ReleaseVerdict::kReleased)) {
        r.verdict = ReleaseVerdict::kReleased;
        r.release_id = s.column_text(2);
        r.amount = Money{auth->amount.currency, s.column_int64(3), auth->amount.amt_exp10};
      } else {
        r.verdict = ReleaseVerdict::kExceedsRemaining;
      }
      return r;
    }
  }
  if (amount.currency != auth->amount.currency || amount.amt_exp10 != auth->amount.amt_exp10)
    return bad_request("release currency differs from the authorization's");
  OPENSET_TRY(Usage u, usage_of(*db_, auth->seq));
  const std::int64_t remaining = auth->amount.amount - u.captured - u.released;
  r.verdict = amount.amount > remaining ? ReleaseVerdict::kExceedsRemaining : ReleaseVerdict::kReleased;
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "releases"));
  std::optional<std::int64_t> entry;
  if (r.verdict == ReleaseVerdict::kReleased) {
    r.release_id = detail::sequence_id(profile_.id + "-R", seq);
    r.amount = amount;
    JournalEntry e;
    e.key = "release:" + r.release_id;
    e.kind = "release";
    e.memo = "release " + r.release_id + " of " + std::string(authorization_id);
    e.at = at;
    e.postings = {{holds_control(amount.currency), amount.amount}, {hold_account(auth->card), -amount.amount}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO releases (seq, acquirer, reference, fingerprint, release_id, auth_seq, verdict, amount, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  ins.bind(1, seq).bind(2, std::string_view(auth->acquirer)).bind(3, reference).bind(4, std::string_view(fp));
  if (entry) ins.bind(5, std::string_view(r.release_id)).bind(10, *entry); else ins.bind_null(5).bind_null(10);
  ins.bind(6, auth->seq).bind(7, release_verdict_name(r.verdict)).bind(8, amount.amount).bind(9, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

Result<CreditResult> IssuerBank::credit(std::string_view reference, std::string_view capture_id,
                                        const Money& amount, std::int64_t at) {
  if (reference.empty()) return bad_request("credit without a reference");
  if (amount.amount <= 0) return bad_request("credit amount must be positive");
  OPENSET_TRY(store::Transaction t, db_->begin());
  CreditResult r;
  r.amount = zero_of(amount);
  OPENSET_TRY(store::Statement c, db_->prepare(
      "SELECT c.seq, c.acquirer, a.card, c.currency, c.amount, c.amt_exp10, "
      "EXISTS (SELECT 1 FROM capture_reversals v WHERE v.capture_seq = c.seq AND v.verdict = 'reversed') "
      "FROM captures c JOIN authorizations a ON a.seq = c.auth_seq "
      "WHERE c.capture_id = ?1 AND c.verdict = 'captured'"));
  c.bind(1, capture_id);
  OPENSET_TRY(bool found, c.step());
  if (!found) {
    r.verdict = CreditVerdict::kUnknownCapture;
    return r;
  }
  const std::int64_t cap_seq = c.column_int64(0);
  const std::string acq = c.column_text(1);
  const std::int64_t card = c.column_int64(2);
  const Money captured{c.column_int64(3), c.column_int64(4), c.column_int64(5)};
  const bool capture_reversed = c.column_int64(6) != 0;
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"credit", std::string(capture_id), detail::money_part(amount)}));
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, credit_id, amount FROM credits WHERE acquirer = ?1 AND reference = ?2"));
    s.bind(1, std::string_view(acq)).bind(2, reference);
    OPENSET_TRY(bool row, s.step());
    if (row) {
      if (s.column_text(0) != fp) {
        r.verdict = CreditVerdict::kConflict;
        return r;
      }
      if (s.column_text(1) == credit_verdict_name(CreditVerdict::kCredited)) {
        r.verdict = CreditVerdict::kCredited;
        r.credit_id = s.column_text(2);
        r.amount = Money{captured.currency, s.column_int64(3), captured.amt_exp10};
      } else {
        r.verdict = CreditVerdict::kExceedsCaptured;
      }
      return r;
    }
  }
  if (capture_reversed) {  // a voided capture takes no refund (nothing to refund)
    r.verdict = CreditVerdict::kUnknownCapture;
    return r;
  }
  if (amount.currency != captured.currency || amount.amt_exp10 != captured.amt_exp10)
    return bad_request("credit currency differs from the capture's");
  // Refunds reversed (CredRevReq) no longer count.
  OPENSET_TRY(std::int64_t credited, detail::query_int(*db_,
      "SELECT COALESCE(SUM(amount), 0) FROM credits f WHERE capture_seq = ?1 AND verdict = 'credited' "
      "AND NOT EXISTS (SELECT 1 FROM credit_reversals v WHERE v.credit_seq = f.seq AND v.verdict = 'reversed')",
      cap_seq));
  r.verdict = amount.amount > captured.amount - credited ? CreditVerdict::kExceedsCaptured : CreditVerdict::kCredited;
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "credits"));
  std::optional<std::int64_t> entry;
  if (r.verdict == CreditVerdict::kCredited) {
    r.credit_id = detail::sequence_id(profile_.id + "-F", seq);
    r.amount = amount;
    JournalEntry e;
    e.key = "credit:" + r.credit_id;
    e.kind = "credit";
    e.memo = "refund " + r.credit_id + " of capture " + std::string(capture_id);
    e.at = at;
    e.postings = {{due_to(acq, amount.currency), amount.amount}, {card_account(card), -amount.amount}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO credits (seq, acquirer, reference, fingerprint, credit_id, capture_seq, verdict, amount, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  ins.bind(1, seq).bind(2, std::string_view(acq)).bind(3, reference).bind(4, std::string_view(fp));
  if (entry) ins.bind(5, std::string_view(r.credit_id)).bind(10, *entry); else ins.bind_null(5).bind_null(10);
  ins.bind(6, cap_seq).bind(7, credit_verdict_name(r.verdict)).bind(8, amount.amount).bind(9, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

// ---------------------------------------------------------------- capture and credit reversals

namespace {
// The stored answer of a reversal under (acquirer, reference), when there is one.
Result<std::optional<ReversalResult>> stored_reversal(store::Database& db, std::string_view table,
                                                      const std::string& acq, std::string_view reference,
                                                      const std::string& fp, const Money& of) {
  OPENSET_TRY(store::Statement s, db.prepare(
      "SELECT fingerprint, verdict, reversal_id, amount FROM " + std::string(table) +
      " WHERE acquirer = ?1 AND reference = ?2"));
  s.bind(1, std::string_view(acq)).bind(2, reference);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<ReversalResult>();
  ReversalResult r;
  r.amount = zero_of(of);
  if (s.column_text(0) != fp) {
    r.verdict = ReversalVerdict::kConflict;
    return std::optional<ReversalResult>(r);
  }
  auto v = detail::parse_reversal_verdict(s.column_text(1));
  if (!v) return Error(Errc::kMalformed, "issuer: stored reversal verdict is unreadable");
  r.verdict = *v;
  if (r.verdict == ReversalVerdict::kReversed) {
    r.reversal_id = s.column_text(2);
    r.amount.amount = s.column_int64(3);
  }
  return std::optional<ReversalResult>(r);
}
}  // namespace

Result<ReversalResult> IssuerBank::reverse_capture(std::string_view reference, std::string_view capture_id,
                                                   std::int64_t at) {
  if (reference.empty()) return bad_request("capture reversal without a reference");
  OPENSET_TRY(store::Transaction t, db_->begin());
  ReversalResult r;
  OPENSET_TRY(store::Statement c, db_->prepare(
      "SELECT c.seq, c.acquirer, a.card, c.currency, c.amount, c.amt_exp10 FROM captures c "
      "JOIN authorizations a ON a.seq = c.auth_seq WHERE c.capture_id = ?1 AND c.verdict = 'captured'"));
  c.bind(1, capture_id);
  OPENSET_TRY(bool found, c.step());
  if (!found) return r;  // kUnknown, nothing recorded (no acquirer to key it on)
  const std::int64_t cap_seq = c.column_int64(0);
  const std::string acq = c.column_text(1);
  const std::int64_t card = c.column_int64(2);
  const Money captured{c.column_int64(3), c.column_int64(4), c.column_int64(5)};
  r.amount = zero_of(captured);
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"reverse-capture", std::string(capture_id)}));
  {
    OPENSET_TRY(auto previous, stored_reversal(*db_, "capture_reversals", acq, reference, fp, captured));
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t reversed, detail::query_int(*db_,
      "SELECT count(*) FROM capture_reversals WHERE capture_seq = ?1 AND verdict = 'reversed'", cap_seq));
  OPENSET_TRY(std::int64_t refunded, detail::query_int(*db_,
      "SELECT count(*) FROM credits f WHERE f.capture_seq = ?1 AND f.verdict = 'credited' AND NOT EXISTS "
      "(SELECT 1 FROM credit_reversals v WHERE v.credit_seq = f.seq AND v.verdict = 'reversed')", cap_seq));
  r.verdict = reversed > 0 ? ReversalVerdict::kAlreadyReversed
              : refunded > 0 ? ReversalVerdict::kRefunded
                             : ReversalVerdict::kReversed;
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "capture_reversals"));
  std::optional<std::int64_t> entry;
  if (r.verdict == ReversalVerdict::kReversed) {
    r.reversal_id = detail::sequence_id(profile_.id + "-V", seq);
    r.amount = captured;
    const std::int64_t cur = captured.currency;
    const std::int64_t a = captured.amount;
    JournalEntry e;
    e.key = "capture-reversal:" + r.reversal_id;
    e.kind = "capture-reversal";
    e.memo = "reversal " + r.reversal_id + " of capture " + std::string(capture_id);
    e.at = at;
    // The capture's postings inverted: the card owes A less, the acquirer is owed A less, and
    // the hold is restored (the authorization is open again for A).
    e.postings = {{card_account(card), -a}, {due_to(acq, cur), a}, {holds_control(cur), -a}, {hold_account(card), a}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO capture_reversals (seq, acquirer, reference, fingerprint, reversal_id, capture_seq, verdict, "
      "amount, at, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  ins.bind(1, seq).bind(2, std::string_view(acq)).bind(3, reference).bind(4, std::string_view(fp));
  if (entry) ins.bind(5, std::string_view(r.reversal_id)).bind(10, *entry); else ins.bind_null(5).bind_null(10);
  ins.bind(6, cap_seq).bind(7, reversal_verdict_name(r.verdict)).bind(8, r.amount.amount).bind(9, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

Result<ReversalResult> IssuerBank::reverse_credit(std::string_view reference, std::string_view credit_id,
                                                  std::int64_t at) {
  if (reference.empty()) return bad_request("credit reversal without a reference");
  OPENSET_TRY(store::Transaction t, db_->begin());
  ReversalResult r;
  OPENSET_TRY(store::Statement c, db_->prepare(
      "SELECT f.seq, f.acquirer, a.card, c.currency, f.amount, c.amt_exp10 FROM credits f "
      "JOIN captures c ON c.seq = f.capture_seq JOIN authorizations a ON a.seq = c.auth_seq "
      "WHERE f.credit_id = ?1 AND f.verdict = 'credited'"));
  c.bind(1, credit_id);
  OPENSET_TRY(bool found, c.step());
  if (!found) return r;
  const std::int64_t credit_seq = c.column_int64(0);
  const std::string acq = c.column_text(1);
  const std::int64_t card = c.column_int64(2);
  const Money credited{c.column_int64(3), c.column_int64(4), c.column_int64(5)};
  r.amount = zero_of(credited);
  OPENSET_TRY(std::string fp, detail::fingerprint("", {"reverse-credit", std::string(credit_id)}));
  {
    OPENSET_TRY(auto previous, stored_reversal(*db_, "credit_reversals", acq, reference, fp, credited));
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t reversed, detail::query_int(*db_,
      "SELECT count(*) FROM credit_reversals WHERE credit_seq = ?1 AND verdict = 'reversed'", credit_seq));
  r.verdict = reversed > 0 ? ReversalVerdict::kAlreadyReversed : ReversalVerdict::kReversed;
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "credit_reversals"));
  std::optional<std::int64_t> entry;
  if (r.verdict == ReversalVerdict::kReversed) {
    r.reversal_id = detail::sequence_id(profile_.id + "-W", seq);
    r.amount = credited;
    JournalEntry e;
    e.key = "credit-reversal:" + r.reversal_id;
    e.kind = "credit-reversal";
    e.memo = "reversal " + r.reversal_id + " of refund " + std::string(credit_id);
    e.at = at;
    e.postings = {{card_account(card), credited.amount}, {due_to(acq, credited.currency), -credited.amount}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO credit_reversals (seq, acquirer, reference, fingerprint, reversal_id, credit_seq, verdict, "
      "amount, at, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  ins.bind(1, seq).bind(2, std::string_view(acq)).bind(3, reference).bind(4, std::string_view(fp));
  if (entry) ins.bind(5, std::string_view(r.reversal_id)).bind(10, *entry); else ins.bind_null(5).bind_null(10);
  ins.bind(6, credit_seq).bind(7, reversal_verdict_name(r.verdict)).bind(8, r.amount.amount).bind(9, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

}  // namespace openset::roles::bank
