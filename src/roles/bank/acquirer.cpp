#include "openset/roles/bank/acquirer.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "internal.hpp"

namespace openset::roles::bank {

namespace {
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS acquirer_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parties (
  kind TEXT NOT NULL CHECK (kind IN ('merchant', 'gateway')),
  party_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
  PRIMARY KEY (kind, party_id));
CREATE TABLE IF NOT EXISTS party_brands (
  kind TEXT NOT NULL,
  party_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  brand TEXT NOT NULL,
  PRIMARY KEY (kind, party_id, brand),
  FOREIGN KEY (kind, party_id) REFERENCES parties (kind, party_id));
CREATE TABLE IF NOT EXISTS party_fields (
  kind TEXT NOT NULL,
  party_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, party_id, name),
  FOREIGN KEY (kind, party_id) REFERENCES parties (kind, party_id));
CREATE TABLE IF NOT EXISTS party_forms (
  kind TEXT NOT NULL,
  brand TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  required INTEGER NOT NULL,
  PRIMARY KEY (kind, brand, name),
  UNIQUE (kind, brand, position));
CREATE TABLE IF NOT EXISTS acq_authorizations (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  pan_last4 TEXT NOT NULL CHECK (length(pan_last4) <= 4),
  issuer_id TEXT,
  verdict TEXT NOT NULL,
  authorization_id TEXT UNIQUE,
  approval_code TEXT,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  amt_exp10 INTEGER NOT NULL,
  at INTEGER NOT NULL,
  CHECK ((verdict = 'approved') = (authorization_id IS NOT NULL AND issuer_id IS NOT NULL)));
CREATE TABLE IF NOT EXISTS acq_captures (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  authorization_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  issuer_id TEXT,
  verdict TEXT NOT NULL,
  capture_id TEXT UNIQUE,
  currency INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  amt_exp10 INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  CHECK ((verdict = 'captured') = (entry IS NOT NULL AND capture_id IS NOT NULL AND issuer_id IS NOT NULL)));
CREATE INDEX IF NOT EXISTS acq_captures_by_merchant ON acq_captures (merchant_id, at);
CREATE TABLE IF NOT EXISTS acq_releases (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  authorization_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  release_id TEXT UNIQUE,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS acq_refunds (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  credit_id TEXT UNIQUE,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  CHECK ((verdict = 'credited') = (entry IS NOT NULL AND credit_id IS NOT NULL)));
CREATE TABLE IF NOT EXISTS acq_capture_reversals (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reversal_id TEXT UNIQUE,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  CHECK ((verdict = 'reversed') = (entry IS NOT NULL AND reversal_id IS NOT NULL)));
CREATE UNIQUE INDEX IF NOT EXISTS acq_capture_reversed_once ON acq_capture_reversals (capture_id)
  WHERE verdict = 'reversed';
CREATE TABLE IF NOT EXISTS acq_refund_reversals (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  credit_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reversal_id TEXT UNIQUE,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  entry INTEGER UNIQUE REFERENCES ledger_entries (id),
  CHECK ((verdict = 'reversed') = (entry IS NOT NULL AND reversal_id IS NOT NULL)));
CREATE UNIQUE INDEX IF NOT EXISTS acq_refund_reversed_once ON acq_refund_reversals (credit_id)
  WHERE verdict = 'reversed';
)sql";

constexpr std::string_view kMerchant = "merchant";
constexpr std::string_view kGateway = "gateway";

std::vector<FormField> default_party_form() {
  return {{"name", "Legal name", true}, {"address", "Business address", true}};
}

std::string merchant_account(std::string_view merchant_id, std::int64_t cur) {
  return "merchant:" + std::string(merchant_id) + ":" + std::to_string(cur);
}
std::string due_from(std::string_view issuer, std::int64_t cur) {
  return "due-from:" + std::string(issuer) + ":" + std::to_string(cur);
}
Money zero_of(const Money& m) { return Money{m.currency, 0, m.amt_exp10}; }
Error bad_request(std::string msg) { return Error(Errc::kInvalidArgument, "acquirer: " + std::move(msg)); }

Result<std::int64_t> next_seq(store::Database& db, std::string_view table) {
  std::string sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM " + std::string(table) + " WHERE ?1 = ?1";
  return detail::query_int(db, sql, std::int64_t{0});
}
}  // namespace

struct AcquirerBank::Party {
  std::string id;
  std::vector<std::string> brands;
  std::map<std::string, std::string> record;
  bool suspended = false;
};

AcquirerBank::AcquirerBank(std::unique_ptr<store::Database> db, AcquirerProfile profile)
    : db_(std::move(db)), ledger_(*db_), profile_(std::move(profile)) {}

Result<std::unique_ptr<AcquirerBank>> AcquirerBank::open(const std::string& path, const AcquirerProfile& profile) {
  if (profile.id.empty() || profile.id.find(':') != std::string::npos)
    return bad_request("an acquirer needs an id without ':'");
  if (profile.bin.empty() || !detail::digits_only(profile.bin)) return bad_request("an acquirer needs a BIN of digits");
  OPENSET_TRY(store::Database db, store::Database::open(path, store::Database::Mode::kCreate));
  auto owned = std::make_unique<store::Database>(std::move(db));
  {
    OPENSET_TRY(store::Transaction t, owned->begin());
    OPENSET_CHECK(Ledger::create_schema(*owned));
    OPENSET_CHECK(owned->exec(kSchema));
    OPENSET_CHECK(owned->exec(detail::kAcquirerSettlementSchema));
    OPENSET_TRY(store::Statement s, owned->prepare("SELECT value FROM acquirer_meta WHERE key = 'id'"));
    OPENSET_TRY(bool row, s.step());
    if (row && s.column_text(0) != profile.id)
      return bad_request("database belongs to acquirer '" + s.column_text(0) + "', not '" + profile.id + "'");
    if (!row) {
      OPENSET_TRY(store::Statement ins, owned->prepare(
          "INSERT INTO acquirer_meta (key, value) VALUES ('id', ?1), ('bin', ?2), ('name', ?3)"));
      ins.bind(1, std::string_view(profile.id)).bind(2, std::string_view(profile.bin)).bind(3, std::string_view(profile.name));
      OPENSET_CHECK(ins.run());
    }
    OPENSET_CHECK(t.commit());
  }
  return std::unique_ptr<AcquirerBank>(new AcquirerBank(std::move(owned), profile));
}

Result<std::string> AcquirerBank::fingerprint(const std::vector<std::string>& parts) const {
  std::string key = profile_.fingerprint_key.empty() ? "openset-acquirer:" + profile_.id : profile_.fingerprint_key;
  return detail::fingerprint(key, parts);
}

// ---------------------------------------------------------------- provisioning

namespace {
Status insert_party(store::Database& db, std::string_view kind, std::string_view id,
                    const std::vector<std::string>& brands, const std::map<std::string, std::string>& record,
                    bool suspended) {
  if (id.empty()) return bad_request(std::string(kind) + " without an id");
  if (brands.empty()) return bad_request(std::string(kind) + " '" + std::string(id) + "' needs a brand");
  OPENSET_TRY(store::Transaction t, db.begin());
  {
    OPENSET_TRY(store::Statement s, db.prepare("INSERT INTO parties (kind, party_id, status) VALUES (?1, ?2, ?3)"));
    s.bind(1, kind).bind(2, id).bind(3, std::string_view(suspended ? "suspended" : "active"));
    auto st = s.run();
    if (!st.ok()) {
      if (st.error().code == Errc::kConstraint)
        return Error(Errc::kConstraint, "acquirer: " + std::string(kind) + " '" + std::string(id) + "' exists");
      return st;
    }
  }
  {
    OPENSET_TRY(store::Statement s, db.prepare(
        "INSERT INTO party_brands (kind, party_id, position, brand) VALUES (?1, ?2, ?3, ?4)"));
    for (std::size_t i = 0; i < brands.size(); ++i) {
      s.reset();
      s.bind(1, kind).bind(2, id).bind(3, static_cast<std::int64_t>(i)).bind(4, std::string_view(brands[i]));
      OPENSET_CHECK(s.run());
    }
  }
  {
    OPENSET_TRY(store::Statement s, db.prepare(
        "INSERT INTO party_fields (kind, party_id, name, value) VALUES (?1, ?2, ?3, ?4)"));
    for (const auto& [name, value] : record) {
      s.reset();
      s.bind(1, kind).bind(2, id).bind(3, std::string_view(name)).bind(4, std::string_view(value));
      OPENSET_CHECK(s.run());
    }
  }
  return t.commit();
}
}  // namespace

Status AcquirerBank::add_merchant(const MerchantAccount& m) {
  return insert_party(*db_, kMerchant, m.merchant_id, m.brands, m.record, m.suspended);
}

Status AcquirerBank::add_gateway(const GatewayRecord& g) {
  return insert_party(*db_, kGateway, g.gateway_id, {g.brand}, g.record, g.suspended);
}

Status AcquirerBank::set_merchant_suspended(std::string_view merchant_id, bool suspended) {
  // RETURNING tells whether a row changed (SQLite's changes() does not exist on PostgreSQL).
  OPENSET_TRY(store::Statement s, db_->prepare("UPDATE parties SET status = ?3 WHERE kind = ?1 AND party_id = ?2 "
                                               "RETURNING party_id"));
  s.bind(1, kMerchant).bind(2, merchant_id).bind(3, std::string_view(suspended ? "suspended" : "active"));
  OPENSET_TRY(bool changed, s.step());
  if (!changed) return bad_request("no merchant '" + std::string(merchant_id) + "'");
  return Ok{};
}

Status AcquirerBank::set_form(std::string_view kind, std::string_view brand, const std::vector<FormField>& fields) {
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(store::Statement del, db_->prepare("DELETE FROM party_forms WHERE kind = ?1 AND brand = ?2"));
    del.bind(1, kind).bind(2, brand);
    OPENSET_CHECK(del.run());
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO party_forms (kind, brand, position, name, label, required) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name.empty()) return bad_request("a form field needs a name");
    ins.reset();
    ins.bind(1, kind).bind(2, brand).bind(3, static_cast<std::int64_t>(i)).bind(4, std::string_view(fields[i].name));
    ins.bind(5, std::string_view(fields[i].label)).bind(6, std::int64_t{fields[i].required ? 1 : 0});
    if (!ins.run().ok()) return bad_request("form field '" + fields[i].name + "' appears twice");
  }
  return t.commit();
}
Status AcquirerBank::set_merchant_form(std::string_view brand, const std::vector<FormField>& fields) {
  return set_form(kMerchant, brand, fields);
}
Status AcquirerBank::set_gateway_form(std::string_view brand, const std::vector<FormField>& fields) {
  return set_form(kGateway, brand, fields);
}

Result<std::vector<FormField>> AcquirerBank::form_for(std::string_view kind, std::string_view brand) {
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT name, label, required FROM party_forms WHERE kind = ?1 AND brand = ?2 ORDER BY position"));
  s.bind(1, kind).bind(2, brand);
  std::vector<FormField> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(FormField{s.column_text(0), s.column_text(1), s.column_int64(2) != 0});
  }
  if (out.empty()) return default_party_form();
  return out;
}

Result<std::optional<AcquirerBank::Party>> AcquirerBank::find_party(std::string_view kind, std::string_view id) {
  OPENSET_TRY(store::Statement s, db_->prepare("SELECT status FROM parties WHERE kind = ?1 AND party_id = ?2"));
  s.bind(1, kind).bind(2, id);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<Party>();
  Party p;
  p.id = std::string(id);
  p.suspended = s.column_text(0) == "suspended";
  OPENSET_TRY(store::Statement b, db_->prepare(
      "SELECT brand FROM party_brands WHERE kind = ?1 AND party_id = ?2 ORDER BY position"));
  b.bind(1, kind).bind(2, id);
  for (;;) {
    OPENSET_TRY(bool more, b.step());
    if (!more) break;
    p.brands.push_back(b.column_text(0));
  }
  OPENSET_TRY(store::Statement f, db_->prepare("SELECT name, value FROM party_fields WHERE kind = ?1 AND party_id = ?2"));
  f.bind(1, kind).bind(2, id);
  for (;;) {
    OPENSET_TRY(bool more, f.step());
    if (!more) break;
    p.record[f.column_text(0)] = f.column_text(1);
  }
  return std::optional<Party>(std::move(p));
}

Status AcquirerBank::add_route_impl(std::string_view bin_prefix, Route route) {
  if (bin_prefix.empty() || bin_prefix.size() > 11 || !detail::digits_only(bin_prefix))
    return bad_request("a BIN prefix is 1 to 11 digits");
  if (route.issuer_id.empty() || route.issuer_id.find(':') != std::string::npos)
    return bad_request("an issuer needs an id without ':'");
  // One id, one issuer: a route to a new object under a known id re-points every route of that id.
  for (auto& [prefix, r] : routes_)
    if (r.issuer_id == route.issuer_id) {
      r.issuer = route.issuer;
    }
  routes_[std::string(bin_prefix)] = std::move(route);
  return Ok{};
}
Status AcquirerBank::add_route(std::string_view bin_prefix, std::string_view issuer_id, roles::Issuer& issuer) {
  return add_route_impl(bin_prefix, Route{std::string(issuer_id), &issuer});
}
Status AcquirerBank::add_route(std::string_view bin_prefix, IssuerBank& issuer) {
  return add_route_impl(bin_prefix, Route{issuer.id(), &issuer});
}
Status AcquirerBank::add_routes(IssuerBank& issuer) { return add_routes(issuer.id(), issuer); }
Status AcquirerBank::add_routes(std::string_view issuer_id, roles::Issuer& issuer) {
  for (const auto& b : issuer.bins()) OPENSET_CHECK(add_route(b, issuer_id, issuer));
  return Ok{};
}

const AcquirerBank::Route* AcquirerBank::route_for_pan(std::string_view pan) const {
  const Route* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [prefix, r] : routes_)
    if (pan.starts_with(prefix) && (best == nullptr || prefix.size() > best_len)) {
      best = &r;
      best_len = prefix.size();
    }
  return best;
}

const AcquirerBank::Route* AcquirerBank::route_to(std::string_view issuer_id) const {
  for (const auto& [prefix, r] : routes_)
    if (r.issuer_id == issuer_id) return &r;
  return nullptr;
}

// ---------------------------------------------------------------- registration (MCA / PCA side)

Result<std::vector<FormField>> AcquirerBank::merchant_registration_form(std::string_view merchant_id) {
  OPENSET_TRY(auto m, find_party(kMerchant, merchant_id));
  return form_for(kMerchant, m && !m->brands.empty() ? std::string_view(m->brands.front()) : std::string_view());
}

Result<PartyCheck> AcquirerBank::verify_party(std::string_view kind, const MerchantClaim& claim) {
  PartyCheck out;
  OPENSET_TRY(auto p, find_party(kind, claim.merchant_id));
  if (!p || claim.acquirer_bin != profile_.bin) {
    out.verdict = PartyVerdict::kUnknown;
    return out;
  }
  out.brand = p->brands.empty() ? std::string() : p->brands.front();
  if (p->suspended) {
    out.verdict = PartyVerdict::kSuspended;
    return out;
  }
  OPENSET_TRY(auto form, form_for(kind, out.brand));
  out.wrong_fields = detail::wrong_answers(form, p->record, claim.answers);
  out.verdict = out.wrong_fields.empty() ? PartyVerdict::kOk : PartyVerdict::kWrongAnswers;
  return out;
}
Result<PartyCheck> AcquirerBank::verify_merchant(const MerchantClaim& claim) { return verify_party(kMerchant, claim); }
Result<PartyCheck> AcquirerBank::verify_gateway(const MerchantClaim& claim) { return verify_party(kGateway, claim); }

// ---------------------------------------------------------------- authorization

Result<AuthorizationDecision> AcquirerBank::authorize(const AuthorizationRequest& req) {
  if (req.reference.empty()) return bad_request("authorization without a reference");
  if (req.amount.amount <= 0) return bad_request("authorization amount must be positive");
  OPENSET_TRY(std::string fp, fingerprint({"authorize", req.pan, req.expiry, detail::money_part(req.amount),
                                           req.merchant_id}));
  auto stored = [&]() -> Result<std::optional<AuthorizationDecision>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, authorization_id, approval_code, currency, amount, amt_exp10 "
        "FROM acq_authorizations WHERE reference = ?1"));
    s.bind(1, std::string_view(req.reference));
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<AuthorizationDecision>();
    AuthorizationDecision d;
    if (s.column_text(0) != fp) {
      d.verdict = AuthVerdict::kConflict;
      d.amount = zero_of(req.amount);
      return std::optional<AuthorizationDecision>(d);
    }
    auto v = detail::parse_auth_verdict(s.column_text(1));
    if (!v) return Error(Errc::kMalformed, "acquirer: stored verdict is unreadable");
    d.verdict = *v;
    Money m{s.column_int64(4), s.column_int64(5), s.column_int64(6)};
    d.amount = d.verdict == AuthVerdict::kApproved ? m : zero_of(m);
    if (d.verdict == AuthVerdict::kApproved) {
      d.authorization_id = s.column_text(2);
      d.approval_code = s.column_text(3);
    }
    return std::optional<AuthorizationDecision>(d);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;  // the first answer; the issuer is not asked again
  }

  AuthorizationDecision d;
  d.amount = zero_of(req.amount);
  std::string issuer_id;
  OPENSET_TRY(auto merchant, find_party(kMerchant, req.merchant_id));
  if (!merchant || merchant->suspended) {
    d.verdict = AuthVerdict::kUnknownMerchant;
  } else if (!money_ok(req.amount)) {
    d.verdict = AuthVerdict::kCurrency;
  } else if (const Route* route = route_for_pan(req.pan); route == nullptr) {
    d.verdict = AuthVerdict::kNoRoute;
  } else {
    AuthorizationRequest fwd = req;
    fwd.acquirer_id = profile_.id;
    OPENSET_TRY(d, route->issuer->authorize(fwd));
    if (d.verdict == AuthVerdict::kConflict) return d;  // never recorded
    if (d.verdict == AuthVerdict::kApproved && d.authorization_id.empty())
      return Error(Errc::kMalformed, "acquirer: issuer approved without an authorization id");
    issuer_id = route->issuer_id;
  }

  // Record the answer (one transaction). A concurrent twin may have recorded first.
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "acq_authorizations"));
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO acq_authorizations (seq, reference, fingerprint, merchant_id, pan_last4, issuer_id, verdict, "
      "authorization_id, approval_code, currency, amount, amt_exp10, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  ins.bind(1, seq).bind(2, std::string_view(req.reference)).bind(3, std::string_view(fp));
  ins.bind(4, std::string_view(req.merchant_id)).bind(5, std::string_view(detail::last4(req.pan)));
  if (issuer_id.empty()) ins.bind_null(6); else ins.bind(6, std::string_view(issuer_id));
  ins.bind(7, auth_verdict_name(d.verdict));
  if (d.verdict == AuthVerdict::kApproved)
    ins.bind(8, std::string_view(d.authorization_id)).bind(9, std::string_view(d.approval_code));
  else
    ins.bind_null(8).bind_null(9);
  ins.bind(10, req.amount.currency).bind(11, req.amount.amount).bind(12, req.amount.amt_exp10).bind(13, req.at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return d;
}

// ---------------------------------------------------------------- capture

Result<CaptureResult> AcquirerBank::capture(const CaptureRequest& req) {
  if (req.reference.empty()) return bad_request("capture without a reference");
  if (req.amount.amount <= 0) return bad_request("capture amount must be positive");
  OPENSET_TRY(std::string fp, fingerprint({"capture", req.authorization_id, detail::money_part(req.amount),
                                           req.merchant_id}));
  auto stored = [&]() -> Result<std::optional<CaptureResult>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, capture_id, currency, amount, amt_exp10 FROM acq_captures WHERE reference = ?1"));
    s.bind(1, std::string_view(req.reference));
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<CaptureResult>();
    CaptureResult r;
    if (s.column_text(0) != fp) {
      r.verdict = CaptureVerdict::kConflict;
      r.amount = zero_of(req.amount);
      return std::optional<CaptureResult>(r);
    }
    auto v = detail::parse_capture_verdict(s.column_text(1));
    if (!v) return Error(Errc::kMalformed, "acquirer: stored capture verdict is unreadable");
    r.verdict = *v;
    Money m{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
    r.amount = r.verdict == CaptureVerdict::kCaptured ? m : zero_of(m);
    if (r.verdict == CaptureVerdict::kCaptured) r.capture_id = s.column_text(2);
    return std::optional<CaptureResult>(r);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }

  CaptureResult r;
  r.verdict = CaptureVerdict::kUnknownAuthorization;
  r.amount = zero_of(req.amount);
  std::string issuer_id;
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT issuer_id FROM acq_authorizations WHERE authorization_id = ?1 AND merchant_id = ?2 "
        "AND verdict = 'approved'"));
    s.bind(1, std::string_view(req.authorization_id)).bind(2, std::string_view(req.merchant_id));
    OPENSET_TRY(bool row, s.step());
    if (row) issuer_id = s.column_text(0);
  }
  if (!issuer_id.empty()) {
    const Route* route = route_to(issuer_id);
    if (route == nullptr) return Error(Errc::kUnsupported, "acquirer: no route to issuer '" + issuer_id + "'");
    CaptureRequest fwd = req;
    fwd.acquirer_id = profile_.id;
    OPENSET_TRY(r, route->issuer->capture(fwd));
    if (r.verdict == CaptureVerdict::kConflict) return r;  // never recorded
    if (r.verdict == CaptureVerdict::kCaptured &&
        (r.capture_id.empty() || r.amount.currency != req.amount.currency || r.amount.amount != req.amount.amount))
      return Error(Errc::kMalformed, "acquirer: issuer's capture answer does not match the request");
  }

  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "acq_captures"));
  std::optional<std::int64_t> entry;
  if (r.verdict == CaptureVerdict::kCaptured) {
    const std::int64_t cur = r.amount.currency;
    const std::int64_t a = r.amount.amount;
    OPENSET_CHECK(ledger_.open_account({merchant_account(req.merchant_id, cur), "merchant " + req.merchant_id,
                                        AccountKind::kLiability, cur}));
    OPENSET_CHECK(ledger_.open_account({due_from(issuer_id, cur), "issuer " + issuer_id, AccountKind::kAsset, cur}));
    JournalEntry e;
    e.key = "capture:" + r.capture_id;
    e.kind = "capture";
    e.memo = "capture " + r.capture_id + " of " + req.authorization_id + " for " + req.merchant_id;
    e.at = req.at;
    e.postings = {{due_from(issuer_id, cur), a}, {merchant_account(req.merchant_id, cur), -a}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO acq_captures (seq, reference, fingerprint, authorization_id, merchant_id, issuer_id, verdict, "
      "capture_id, currency, amount, amt_exp10, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  ins.bind(1, seq).bind(2, std::string_view(req.reference)).bind(3, std::string_view(fp));
  ins.bind(4, std::string_view(req.authorization_id)).bind(5, std::string_view(req.merchant_id));
  if (issuer_id.empty()) ins.bind_null(6); else ins.bind(6, std::string_view(issuer_id));
  ins.bind(7, capture_verdict_name(r.verdict));
  if (entry) ins.bind(8, std::string_view(r.capture_id)).bind(13, *entry); else ins.bind_null(8).bind_null(13);
  ins.bind(9, req.amount.currency).bind(10, req.amount.amount).bind(11, req.amount.amt_exp10).bind(12, req.at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

// ---------------------------------------------------------------- reversal and refund

Result<ReleaseResult> AcquirerBank::release(std::string_view reference, std::string_view authorization_id,
                                            const Money& amount, std::int64_t at) {
  if (reference.empty()) return bad_request("release without a reference");
  OPENSET_TRY(std::string fp, fingerprint({"release", std::string(authorization_id), detail::money_part(amount)}));
  auto stored = [&]() -> Result<std::optional<ReleaseResult>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, release_id, amount FROM acq_releases WHERE reference = ?1"));
    s.bind(1, reference);
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<ReleaseResult>();
    ReleaseResult r;
    r.amount = zero_of(amount);
    if (s.column_text(0) != fp) {
      r.verdict = ReleaseVerdict::kConflict;
    } else if (s.column_text(1) == release_verdict_name(ReleaseVerdict::kReleased)) {
      r.verdict = ReleaseVerdict::kReleased;
      r.release_id = s.column_text(2);
      r.amount.amount = s.column_int64(3);
    } else {
      r.verdict = ReleaseVerdict::kExceedsRemaining;
    }
    return std::optional<ReleaseResult>(r);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t known, detail::query_int(*db_,
      "SELECT count(*) FROM acq_authorizations WHERE authorization_id = ?1 AND verdict = 'approved'", authorization_id));
  ReleaseResult r;
  r.amount = zero_of(amount);
  if (known == 0) {
    r.verdict = ReleaseVerdict::kUnknownAuthorization;
    return r;
  }
  OPENSET_TRY(std::string issuer_id, [&]() -> Result<std::string> {
    OPENSET_TRY(store::Statement s, db_->prepare("SELECT issuer_id FROM acq_authorizations WHERE authorization_id = ?1"));
    s.bind(1, authorization_id);
    OPENSET_TRY(bool row, s.step());
    return row ? s.column_text(0) : std::string();
  }());
  const Route* route = route_to(issuer_id);
  if (route == nullptr)
    return Error(Errc::kUnsupported, "acquirer: issuer '" + issuer_id + "' takes no reversals from here");
  OPENSET_TRY(r, route->issuer->release(reference, authorization_id, amount, at));
  if (r.verdict == ReleaseVerdict::kConflict || r.verdict == ReleaseVerdict::kUnknownAuthorization) return r;
  OPENSET_TRY(store::Transaction t, db_->begin());
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "acq_releases"));
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO acq_releases (seq, reference, fingerprint, authorization_id, verdict, release_id, amount, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  ins.bind(1, seq).bind(2, reference).bind(3, std::string_view(fp)).bind(4, authorization_id);
  ins.bind(5, release_verdict_name(r.verdict));
  if (r.release_id.empty()) ins.bind_null(6); else ins.bind(6, std::string_view(r.release_id));
  ins.bind(7, r.amount.amount).bind(8, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

Result<RefundResult> AcquirerBank::refund(std::string_view reference, std::string_view capture_id,
                                          const Money& amount, std::int64_t at) {
  if (reference.empty()) return bad_request("refund without a reference");
  OPENSET_TRY(std::string fp, fingerprint({"refund", std::string(capture_id), detail::money_part(amount)}));
  auto stored = [&]() -> Result<std::optional<RefundResult>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, credit_id, amount FROM acq_refunds WHERE reference = ?1"));
    s.bind(1, reference);
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<RefundResult>();
    RefundResult r;
    r.amount = zero_of(amount);
    if (s.column_text(0) != fp) {
      r.verdict = CreditVerdict::kConflict;
    } else if (s.column_text(1) == credit_verdict_name(CreditVerdict::kCredited)) {
      r.verdict = CreditVerdict::kCredited;
      r.credit_id = s.column_text(2);
      r.amount.amount = s.column_int64(3);
    } else {
      r.verdict = CreditVerdict::kExceedsCaptured;
    }
    return std::optional<RefundResult>(r);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  RefundResult r;
  r.amount = zero_of(amount);
  std::string issuer_id, merchant_id;
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT issuer_id, merchant_id FROM acq_captures WHERE capture_id = ?1 AND verdict = 'captured'"));
    s.bind(1, capture_id);
    OPENSET_TRY(bool row, s.step());
    if (!row) {
      r.verdict = CreditVerdict::kUnknownCapture;
      return r;
    }
    issuer_id = s.column_text(0);
    merchant_id = s.column_text(1);
  }
  const Route* route = route_to(issuer_id);
  if (route == nullptr)
    return Error(Errc::kUnsupported, "acquirer: issuer '" + issuer_id + "' takes no refunds from here");
  OPENSET_TRY(r, route->issuer->credit(reference, capture_id, amount, at));
  if (r.verdict == CreditVerdict::kConflict || r.verdict == CreditVerdict::kUnknownCapture) return r;
  OPENSET_TRY(store::Transaction t, db_->begin());
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, "acq_refunds"));
  std::optional<std::int64_t> entry;
  if (r.verdict == CreditVerdict::kCredited) {
    const std::int64_t cur = r.amount.currency;
    JournalEntry e;
    e.key = "refund:" + r.credit_id;
    e.kind = "refund";
    e.memo = "refund " + r.credit_id + " of capture " + std::string(capture_id) + " for " + merchant_id;
    e.at = at;
    e.postings = {{merchant_account(merchant_id, cur), r.amount.amount}, {due_from(issuer_id, cur), -r.amount.amount}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO acq_refunds (seq, reference, fingerprint, capture_id, verdict, credit_id, amount, at, entry) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  ins.bind(1, seq).bind(2, reference).bind(3, std::string_view(fp)).bind(4, capture_id);
  ins.bind(5, credit_verdict_name(r.verdict));
  if (entry) ins.bind(6, std::string_view(r.credit_id)).bind(9, *entry); else ins.bind_null(6).bind_null(9);
  ins.bind(7, r.amount.amount).bind(8, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

// One whole reversal (capture or refund) at the acquirer: relayed to the issuer, then the
// original's postings inverted here. `kind` is "capture" or "refund".
Result<ReversalResult> AcquirerBank::reverse(std::string_view kind, std::string_view reference,
                                             std::string_view original_id, std::int64_t at) {
  const bool capture = kind == "capture";
  if (reference.empty()) return bad_request(std::string(kind) + " reversal without a reference");
  const std::string table = capture ? "acq_capture_reversals" : "acq_refund_reversals";
  const std::string id_col = capture ? "capture_id" : "credit_id";
  OPENSET_TRY(std::string fp, fingerprint({"reverse-" + std::string(kind), std::string(original_id)}));
  // The original: issuer, merchant, currency, amount.
  std::string issuer_id, merchant_id;
  Money original;
  {
    OPENSET_TRY(store::Statement s, db_->prepare(
        capture ? "SELECT issuer_id, merchant_id, currency, amount, amt_exp10 FROM acq_captures "
                  "WHERE capture_id = ?1 AND verdict = 'captured'"
                : "SELECT c.issuer_id, c.merchant_id, c.currency, f.amount, c.amt_exp10 FROM acq_refunds f "
                  "JOIN acq_captures c ON c.capture_id = f.capture_id WHERE f.credit_id = ?1 AND f.verdict = 'credited'"));
    s.bind(1, original_id);
    OPENSET_TRY(bool row, s.step());
    if (!row) return ReversalResult{};  // kUnknown, nothing recorded
    issuer_id = s.column_text(0);
    merchant_id = s.column_text(1);
    original = Money{s.column_int64(2), s.column_int64(3), s.column_int64(4)};
  }
  auto stored = [&]() -> Result<std::optional<ReversalResult>> {
    OPENSET_TRY(store::Statement s, db_->prepare(
        "SELECT fingerprint, verdict, reversal_id, amount FROM " + table + " WHERE reference = ?1"));
    s.bind(1, reference);
    OPENSET_TRY(bool row, s.step());
    if (!row) return std::optional<ReversalResult>();
    ReversalResult r;
    r.amount = zero_of(original);
    if (s.column_text(0) != fp) {
      r.verdict = ReversalVerdict::kConflict;
      return std::optional<ReversalResult>(r);
    }
    auto v = detail::parse_reversal_verdict(s.column_text(1));
    if (!v) return Error(Errc::kMalformed, "acquirer: stored reversal verdict is unreadable");
    r.verdict = *v;
    if (r.verdict == ReversalVerdict::kReversed) {
      r.reversal_id = s.column_text(2);
      r.amount.amount = s.column_int64(3);
    }
    return std::optional<ReversalResult>(r);
  };
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  const Route* route = route_to(issuer_id);
  if (route == nullptr)
    return Error(Errc::kUnsupported, "acquirer: issuer '" + issuer_id + "' takes no reversals from here");
  ReversalResult r;
  if (capture) {
    OPENSET_TRY(r, route->issuer->reverse_capture(reference, original_id, at));
  } else {
    OPENSET_TRY(r, route->issuer->reverse_credit(reference, original_id, at));
  }
  if (r.verdict == ReversalVerdict::kConflict || r.verdict == ReversalVerdict::kUnknown) return r;
  if (r.verdict == ReversalVerdict::kReversed &&
      (r.reversal_id.empty() || r.amount.currency != original.currency || r.amount.amount != original.amount))
    return Error(Errc::kMalformed, "acquirer: issuer's reversal answer does not match the original");
  OPENSET_TRY(store::Transaction t, db_->begin());
  {
    OPENSET_TRY(auto previous, stored());
    if (previous) return *previous;
  }
  OPENSET_TRY(std::int64_t seq, next_seq(*db_, table));
  std::optional<std::int64_t> entry;
  if (r.verdict == ReversalVerdict::kReversed) {
    const std::int64_t cur = original.currency;
    const std::int64_t a = original.amount;
    JournalEntry e;
    e.key = std::string(kind) + "-reversal:" + r.reversal_id;
    e.kind = std::string(kind) + "-reversal";
    e.memo = "reversal " + r.reversal_id + " of " + std::string(kind) + " " + std::string(original_id) + " for " +
             merchant_id;
    e.at = at;
    // The inverse of the original's postings: capture {due-from +A, merchant -A}, refund
    // {merchant +A, due-from -A}.
    if (capture)
      e.postings = {{merchant_account(merchant_id, cur), a}, {due_from(issuer_id, cur), -a}};
    else
      e.postings = {{due_from(issuer_id, cur), a}, {merchant_account(merchant_id, cur), -a}};
    OPENSET_TRY(std::int64_t id, ledger_.post(e));
    entry = id;
  }
  OPENSET_TRY(store::Statement ins, db_->prepare(
      "INSERT INTO " + table + " (seq, reference, fingerprint, " + id_col +
      ", verdict, reversal_id, amount, at, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  ins.bind(1, seq).bind(2, reference).bind(3, std::string_view(fp)).bind(4, original_id);
  ins.bind(5, reversal_verdict_name(r.verdict));
  if (entry) ins.bind(6, std::string_view(r.reversal_id)).bind(9, *entry); else ins.bind_null(6).bind_null(9);
  ins.bind(7, r.amount.amount).bind(8, at);
  OPENSET_CHECK(ins.run());
  OPENSET_CHECK(t.commit());
  return r;
}

Result<ReversalResult> AcquirerBank::reverse_capture(std::string_view reference, std::string_view capture_id,
                                                     std::int64_t at) {
  return reverse("capture", reference, capture_id, at);
}

Result<ReversalResult> AcquirerBank::reverse_refund(std::string_view reference, std::string_view credit_id,
                                                    std::int64_t at) {
  return reverse("refund", reference, credit_id, at);
}

Result<std::int64_t> AcquirerBank::merchant_balance(std::string_view merchant_id, std::int64_t currency) {
  OPENSET_TRY(std::int64_t b, ledger_.balance(merchant_account(merchant_id, currency)));
  return -b;  // a liability: credit balance
}

// ---------------------------------------------------------------- settlement

Result<SettlementReport> AcquirerBank::settlement_report(std::string_view merchant_id, std::string_view day) {
  auto start = detail::day_start(day);
  if (!start) return bad_request("settlement day must be YYYY-MM-DD");
  OPENSET_TRY(auto merchant, find_party(kMerchant, merchant_id));
  if (!merchant) return bad_request("no merchant '" + std::string(merchant_id) + "'");
  SettlementReport rep;
  rep.merchant_id = std::string(merchant_id);
  rep.day = std::string(day);
  OPENSET_TRY(store::Statement s, db_->prepare(
      "SELECT c.capture_id, c.authorization_id, c.reference, c.currency, c.amount, c.amt_exp10, c.at "
      "FROM acq_captures c WHERE c.merchant_id = ?1 AND c.verdict = 'captured' AND c.at >= ?2 AND c.at < ?3 "
      "AND NOT EXISTS (SELECT 1 FROM acq_capture_reversals v WHERE v.capture_id = c.capture_id "
      "AND v.verdict = 'reversed') "
      "ORDER BY c.at, c.seq"));
  s.bind(1, merchant_id).bind(2, *start).bind(3, *start + 86400);
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    SettlementLine l;
    l.capture_id = s.column_text(0);
    l.authorization_id = s.column_text(1);
    l.reference = s.column_text(2);
    l.amount = Money{s.column_int64(3), s.column_int64(4), s.column_int64(5)};
    l.at = s.column_int64(6);
    rep.totals[l.amount.currency] += l.amount.amount;
    rep.lines.push_back(std::move(l));
  }
  if (rep.totals.size() == 1) {
    rep.currency = rep.totals.begin()->first;
    rep.total = rep.totals.begin()->second;
  }
  OPENSET_CHECK(fill_report_items(rep, *start));
  return rep;
}

namespace {
std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}
std::string alpha_of(std::int64_t cur) {
  const CurrencyInfo* c = find_currency(cur);
  return c != nullptr ? std::string(c->alpha) : std::to_string(cur);
}
}  // namespace

// One line per movement (type: capture, capture-reversal, credit, credit-reversal; amount signed
// from the merchant's side), then per currency the gross lines CAPTURES, CAPTURE-REVERSALS,
// CREDITS, CREDIT-REVERSALS, SETTLED and the net TOTAL (issue 5 item 9).
std::string settlement_csv(const SettlementReport& r) {
  std::string out = "merchant_id,day,type,batch,id,original_id,reference,currency,amount,amount_minor,at\r\n";
  for (const auto& l : r.items) {
    const std::int64_t a = batch_item_sign(l.kind) * l.amount.amount;
    out += csv_field(r.merchant_id) + "," + r.day + "," + std::string(batch_item_kind_name(l.kind)) + "," +
           csv_field(l.batch) + "," + csv_field(l.id) + "," + csv_field(l.original_id) + "," + csv_field(l.reference) +
           "," + alpha_of(l.amount.currency) + "," + format_minor(a, l.amount.currency) + "," + std::to_string(a) +
           "," + detail::iso8601(l.at) + "\r\n";
  }
  for (const auto& [cur, sum] : r.summary) {
    const std::int64_t currency = cur;  // clang 14 cannot capture a structured binding in a lambda
    auto line = [&](std::string_view label, std::int64_t v) {
      out += csv_field(r.merchant_id) + "," + r.day + "," + std::string(label) + ",,,,," + alpha_of(currency) + "," +
             format_minor(v, currency) + "," + std::to_string(v) + ",\r\n";
    };
    line("CAPTURES", sum.captures);
    line("CAPTURE-REVERSALS", -sum.capture_reversals);
    line("CREDITS", -sum.credits);
    line("CREDIT-REVERSALS", sum.credit_reversals);
    line("SETTLED", sum.settled);
    line("TOTAL", sum.net);
  }
  return out;
}

std::string settlement_json(const SettlementReport& r) {
  nlohmann::ordered_json j;
  j["merchant_id"] = r.merchant_id;
  j["day"] = r.day;
  j["lines"] = nlohmann::ordered_json::array();
  for (const auto& l : r.lines) {
    nlohmann::ordered_json line;
    line["capture_id"] = l.capture_id;
    line["authorization_id"] = l.authorization_id;
    line["reference"] = l.reference;
    line["currency"] = alpha_of(l.amount.currency);
    line["currency_code"] = l.amount.currency;
    line["amount"] = format_minor(l.amount.amount, l.amount.currency);
    line["amount_minor"] = l.amount.amount;
    line["at"] = detail::iso8601(l.at);
    j["lines"].push_back(std::move(line));
  }
  j["totals"] = nlohmann::ordered_json::array();
  for (const auto& [cur, total] : r.totals) {
    nlohmann::ordered_json t;
    t["currency"] = alpha_of(cur);
    t["currency_code"] = cur;
    t["total"] = format_minor(total, cur);
    t["total_minor"] = total;
    j["totals"].push_back(std::move(t));
  }
  // The day's movements and their totals (issue 5 item 9).
  j["items"] = nlohmann::ordered_json::array();
  for (const auto& l : r.items) {
    const std::int64_t a = batch_item_sign(l.kind) * l.amount.amount;
    nlohmann::ordered_json it;
    it["type"] = batch_item_kind_name(l.kind);
    it["batch"] = l.batch;
    it["id"] = l.id;
    it["original_id"] = l.original_id;
    it["reference"] = l.reference;
    it["currency"] = alpha_of(l.amount.currency);
    it["currency_code"] = l.amount.currency;
    it["amount"] = format_minor(a, l.amount.currency);
    it["amount_minor"] = a;
    it["at"] = detail::iso8601(l.at);
    j["items"].push_back(std::move(it));
  }
  j["summary"] = nlohmann::ordered_json::array();
  for (const auto& [cur, sum] : r.summary) {
    nlohmann::ordered_json t;
    t["currency"] = alpha_of(cur);
    t["currency_code"] = cur;
    t["count"] = sum.count;
    t["captures_minor"] = sum.captures;
    t["capture_reversals_minor"] = sum.capture_reversals;
    t["credits_minor"] = sum.credits;
    t["credit_reversals_minor"] = sum.credit_reversals;
    t["net_minor"] = sum.net;
    t["net"] = format_minor(sum.net, cur);
    t["settled_minor"] = sum.settled;
    t["settled"] = format_minor(sum.settled, cur);
    j["summary"].push_back(std::move(t));
  }
  return j.dump(2);
}

}  // namespace openset::roles::bank
