// CA side of the certificate-management protocols. Checks and their ErrorCodes: docs/pki.md
// "Registration protocols".
#include "openset/roles/certs/ca.hpp"

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <utility>

#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/base/bytes.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/profile.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/signature.hpp"

namespace openset::roles::certs {

using asn1::ErrorCode;
using asn1::Message;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS reg_requests(
  lid_ca BLOB PRIMARY KEY,
  requester TEXT NOT NULL,
  state TEXT NOT NULL,              -- init, form, pending, issued
  chall_ca BLOB,
  reg_form_id INTEGER,
  issuer_index INTEGER,
  fields TEXT,                      -- the form's field names, one per line
  merchant_id TEXT,
  acquirer_bin TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reg_rrpids(
  rrpid BLOB PRIMARY KEY,
  message TEXT NOT NULL,
  lid_ca BLOB,
  at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reg_deferred(
  lid_ca BLOB PRIMARY KEY REFERENCES reg_requests(lid_ca),
  ready_at INTEGER NOT NULL,
  request_type INTEGER NOT NULL,
  subject BLOB NOT NULL,
  spki_s BLOB,
  spki_e BLOB,
  card_expiry TEXT,
  merchant_data BLOB);
CREATE TABLE IF NOT EXISTS reg_issued(
  ca TEXT NOT NULL,
  serial BLOB NOT NULL,
  lid_ca BLOB NOT NULL,
  cert_type TEXT NOT NULL,
  key_hash BLOB NOT NULL UNIQUE,   -- a key is never certified twice (notes §8.6)
  certificate BLOB NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY(ca, serial));
)sql";

// Errors that are not the requester's fault: the engine cannot answer (storage).
bool internal(const Error& e) { return e.set_code == 0 && e.code == Errc::kIo; }

std::string short_hex(ByteView b) { return to_hex(b.first(std::min<std::size_t>(b.size(), 8))); }

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += '\n';
    s += x;
  }
  return s;
}
std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b <= s.size() && !s.empty()) {
    std::size_t e = s.find('\n', b);
    if (e == std::string::npos) e = s.size();
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

// The text of a SETString-valued form answer.
std::string answer_text(const asn1::FieldValue& v) {
  if (const auto* s = std::get_if<0>(&v.value)) return s->text();
  const Bytes& b = std::get<1>(v.value);
  return std::string(b.begin(), b.end());
}

Error replayed(std::string_view what) {
  // A request whose RRPID was seen, or whose challenge (chall-CA) was already consumed: the CA's
  // challenge is what makes EE requests fresh (notes §8.7), so it is a challengeMismatch.
  return refusal(ErrorCode::kChallengeMismatch, std::string(what) + ": replayed request");
}

}  // namespace

struct CaEngine::Impl {
  pki::CertificateAuthority& ca;
  crypto::PrivateKey key;
  store::Database& db;
  TrustContext& trust;
  CaEngineConfig cfg;
  Requester serves = Requester::kCardholder;
  asn1::IssuerAndSerialNumber id;
  asn1::CertThumb cae_thumb;
  // The key that opens RegFormReq / CertReq envelopes and the RecipientInfo id it answers to:
  // the key-exchange certificate's when configured, else the CA's own (R-1).
  crypto::PrivateKey kx_key;
  asn1::IssuerAndSerialNumber kx_id;
  seal::Policy policy;
  std::string ca_label;  // for reg_issued.ca and logs: the CA's type and brand

  Impl(pki::CertificateAuthority& c, crypto::PrivateKey k, store::Database& d, TrustContext& t,
       CaEngineConfig config)
      : ca(c), key(std::move(k)), db(d), trust(t), cfg(std::move(config)) {}

  void log(const std::string& line) const {
    if (cfg.log) cfg.log(ca_label + ": " + line);
  }

  const crypto::Suite& suite() const { return ca.suite(); }

  // ---- what the peer lacks (Thumbs) -------------------------------------------------------

  Result<std::vector<Bytes>> certs_for(const std::optional<asn1::Thumbs>& peer,
                                       std::span<const Bytes> items) const {
    if (!peer || !peer->cert_thumbs) return std::vector<Bytes>(items.begin(), items.end());
    return pki::not_held(peer->digest_algorithm, *peer->cert_thumbs, items);
  }
  Result<std::vector<Bytes>> crls_for(const std::optional<asn1::Thumbs>& peer) const {
    if (!peer || !peer->crl_thumbs) return cfg.crls;
    return pki::not_held(peer->digest_algorithm, *peer->crl_thumbs, cfg.crls);
  }
  Result<std::optional<Bytes>> bci_for(const std::optional<asn1::Thumbs>& peer) const {
    if (!cfg.brand_crl_identifier) return std::optional<Bytes>{};
    if (!peer || !peer->brand_crl_id_thumbs) return cfg.brand_crl_identifier;
    OPENSET_TRY(std::vector<Bytes> missing,
                pki::not_held(peer->digest_algorithm, *peer->brand_crl_id_thumbs,
                              std::span<const Bytes>(&*cfg.brand_crl_identifier, 1)));
    if (missing.empty()) return std::optional<Bytes>{};
    return cfg.brand_crl_identifier;
  }

  // S{CA, T} carrying `extra` certificates and the chain / CRLs the peer lacks.
  Result<asn1::SignedData> sign(CT type, const Bytes& tbs, const std::optional<asn1::Thumbs>& peer,
                                const std::vector<Bytes>& extra = {}) const {
    seal::Signer s;
    s.key = &key;
    s.id = id;
    s.suite = &suite();
    s.certificates = extra;
    // The chain, and the key-exchange certificate caeThumb names (sent unless the peer holds it).
    std::vector<Bytes> mine = cfg.chain;
    if (cfg.key_exchange_certificate) mine.push_back(*cfg.key_exchange_certificate);
    OPENSET_TRY(std::vector<Bytes> chain, certs_for(peer, mine));
    for (auto& c : chain) s.certificates.push_back(std::move(c));
    OPENSET_TRY(asn1::SignedData sd, seal::S(s, ct(type), tbs));
    OPENSET_TRY(std::vector<Bytes> crls, crls_for(peer));
    if (!crls.empty()) sd.crls = std::move(crls);
    return sd;
  }

  seal::Signer error_signer() const {
    seal::Signer s;
    s.key = &key;
    s.id = id;
    s.suite = &suite();
    return s;
  }

  Bytes respond(const Env& env, const asn1::MessageWrapper& req, asn1::Message m) const {
    return wrap(make_header(env, std::nullopt, req.message_header.rrpid), std::move(m));
  }

  // ---- state ------------------------------------------------------------------------------

  struct Record {
    Bytes lid_ca;
    std::string requester;
    std::string state;
    Bytes chall_ca;
    std::int64_t reg_form_id = 0;
    std::int64_t issuer_index = -1;
    std::vector<std::string> fields;
    std::string merchant_id;
    std::string acquirer_bin;
  };

  Result<std::optional<Record>> find(ByteView lid_ca) {
    OPENSET_TRY(store::Statement st,
                db.prepare("SELECT requester, state, chall_ca, reg_form_id, issuer_index, fields, "
                           "merchant_id, acquirer_bin FROM reg_requests WHERE lid_ca = ?"));
    st.bind(1, lid_ca);
    OPENSET_TRY(bool row, st.step());
    if (!row) return std::optional<Record>{};
    Record r;
    r.lid_ca = to_bytes(lid_ca);
    r.requester = st.column_text(0);
    r.state = st.column_text(1);
    r.chall_ca = st.column_blob(2);
    r.reg_form_id = st.column_int64(3);
    r.issuer_index = st.column_is_null(4) ? -1 : st.column_int64(4);
    r.fields = split_lines(st.column_text(5));
    r.merchant_id = st.column_text(6);
    r.acquirer_bin = st.column_text(7);
    return std::optional<Record>(std::move(r));
  }

  Status insert(const Env& env, const Record& r) {
    OPENSET_TRY(store::Statement st,
                db.prepare("INSERT INTO reg_requests(lid_ca, requester, state, chall_ca, reg_form_id, "
                           "issuer_index, fields, merchant_id, acquirer_bin, created, updated) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    st.bind(1, ByteView(r.lid_ca)).bind(2, std::string_view(r.requester)).bind(3, std::string_view(r.state));
    if (r.chall_ca.empty()) st.bind_null(4); else st.bind(4, ByteView(r.chall_ca));
    st.bind(5, r.reg_form_id);
    if (r.issuer_index < 0) st.bind_null(6); else st.bind(6, r.issuer_index);
    std::string fields = join_lines(r.fields);
    st.bind(7, std::string_view(fields)).bind(8, std::string_view(r.merchant_id));
    st.bind(9, std::string_view(r.acquirer_bin)).bind(10, env.now()).bind(11, env.now());
    return st.run();
  }

  Status update(const Env& env, const Record& r) {
    OPENSET_TRY(store::Statement st,
                db.prepare("UPDATE reg_requests SET state = ?, chall_ca = ?, reg_form_id = ?, "
                           "issuer_index = ?, fields = ?, updated = ? WHERE lid_ca = ?"));
    st.bind(1, std::string_view(r.state));
    if (r.chall_ca.empty()) st.bind_null(2); else st.bind(2, ByteView(r.chall_ca));
    st.bind(3, r.reg_form_id);
    if (r.issuer_index < 0) st.bind_null(4); else st.bind(4, r.issuer_index);
    std::string fields = join_lines(r.fields);
    st.bind(5, std::string_view(fields)).bind(6, env.now()).bind(7, ByteView(r.lid_ca));
    return st.run();
  }

  Result<bool> rrpid_seen(ByteView rrpid) {
    OPENSET_TRY(store::Statement st, db.prepare("SELECT 1 FROM reg_rrpids WHERE rrpid = ?"));
    st.bind(1, rrpid);
    return st.step();
  }
  Status remember_rrpid(const Env& env, ByteView rrpid, std::string_view message, ByteView lid_ca) {
    OPENSET_TRY(store::Statement st,
                db.prepare("INSERT INTO reg_rrpids(rrpid, message, lid_ca, at) VALUES(?,?,?,?)"));
    st.bind(1, rrpid).bind(2, message).bind(3, lid_ca).bind(4, env.now());
    return st.run();
  }

  Result<std::int64_t> next_form_id() {
    OPENSET_TRY(store::Statement st, db.prepare("SELECT COALESCE(MAX(reg_form_id), 0) + 1 FROM reg_requests"));
    OPENSET_TRY(bool row, st.step());
    return row ? st.column_int64(0) : std::int64_t{1};
  }

  Result<bool> key_certified(const Bytes& key_hash) {
    OPENSET_TRY(store::Statement st, db.prepare("SELECT 1 FROM reg_issued WHERE key_hash = ?"));
    st.bind(1, ByteView(key_hash));
    return st.step();
  }

  Result<std::vector<Bytes>> issued_for(ByteView lid_ca) {
    OPENSET_TRY(store::Statement st,
                db.prepare("SELECT certificate FROM reg_issued WHERE lid_ca = ? ORDER BY rowid"));
    st.bind(1, lid_ca);
    std::vector<Bytes> out;
    for (;;) {
      OPENSET_TRY(bool row, st.step());
      if (!row) break;
      out.push_back(st.column_blob(0));
    }
    return out;
  }

  // ---- common request checks -------------------------------------------------------------

  static Status header_matches(const asn1::MessageWrapper& w, ByteView rrpid) {
    if (w.message_header.rrpid && !equal_bytes(*w.message_header.rrpid, rrpid))
      return refusal(ErrorCode::kWrapperMsgMismatch, "MessageHeader.rrpid differs from the message's rrpid");
    return Ok{};
  }
  static bool equal_bytes(ByteView a, ByteView b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

  Status fresh(const Env& env, ByteView rrpid, std::string_view what) {
    OPENSET_TRY(bool seen, rrpid_seen(rrpid));
    if (seen) return replayed(what);
    (void)env;
    return Ok{};
  }

  Status brand_served(const asn1::BrandID& brand) const {
    if (brand.text() != ca.brand())
      return refusal(ErrorCode::kUnspecifiedFailure, "brand '" + brand.text() + "' is not served by this CA");
    return Ok{};
  }

  Status kind_served(asn1::RequestType t) const {
    if (request_kind(t).requester != serves)
      return refusal(ErrorCode::kUnspecifiedFailure,
                     std::string("request type for a ") + std::string(to_string(request_kind(t).requester)) +
                         " sent to a " + std::string(pki::to_string(ca.type())));
    return Ok{};
  }

  Result<Record> new_record(const Env& env, std::string state) {
    Record r;
    r.lid_ca = env.random.bytes(20);
    r.requester = std::string(to_string(serves));
    r.state = std::move(state);
    return r;
  }

  asn1::RegFormOrReferral form_of(std::int64_t reg_form_id, const std::vector<FormField>& fields) const {
    asn1::RegFormData d;
    asn1::RegTemplate t;
    t.reg_form_id = reg_form_id;
    if (!fields.empty()) {
      std::vector<asn1::RegField> seq;
      for (const auto& f : fields) {
        asn1::RegField rf;
        rf.field_name = asn1::FieldName(f.name);
        if (!f.label.empty()) rf.field_desc = asn1::FieldDesc(f.label);
        rf.field_required = f.required;
        seq.push_back(std::move(rf));
      }
      t.reg_field_seq = std::move(seq);
    }
    d.reg_template = std::move(t);
    d.policy = asn1::PolicyText(cfg.policy_text);
    asn1::RegFormOrReferral r;
    r.value = std::move(d);
    return r;
  }

  static asn1::RegFormOrReferral referral(std::string reason) {
    asn1::ReferralData d;
    d.reason = asn1::Reason(std::move(reason));
    asn1::RegFormOrReferral r;
    r.value = std::move(d);
    return r;
  }

  // The issuer that answers for a PAN's BIN (longest prefix), or -1.
  std::int64_t issuer_for(std::string_view pan) const {
    std::int64_t best = -1;
    std::size_t best_len = 0;
    for (std::size_t i = 0; i < cfg.issuers.size(); ++i)
      for (const auto& bin : cfg.issuers[i]->bins())
        if (bin.size() > best_len && pan.substr(0, bin.size()) == bin) {
          best = static_cast<std::int64_t>(i);
          best_len = bin.size();
        }
    return best;
  }

  // ---- CardCInitReq (notes §5.2) -------------------------------------------------------------

  Result<Bytes> card_c_init(const Env& env, const asn1::MessageWrapper& w, const asn1::CardCInitReq& req) {
    if (serves != Requester::kCardholder)
      return refusal(ErrorCode::kMessageNotSupported, "CardCInitReq sent to a " + std::string(pki::to_string(ca.type())));
    OPENSET_CHECK(header_matches(w, req.rrpid));
    OPENSET_CHECK(fresh(env, req.rrpid, "CardCInitReq"));
    OPENSET_CHECK(brand_served(req.brand_id));
    OPENSET_TRY(Record r, new_record(env, "init"));

    asn1::CardCInitResTBS tbs;
    tbs.rrpid = req.rrpid;
    tbs.lid_ee = req.lid_ee;
    tbs.chall_ee = req.chall_ee;
    tbs.lid_ca = r.lid_ca;
    tbs.cae_thumb = cae_thumb;
    OPENSET_TRY(tbs.brand_crl_identifier, bci_for(req.thumbs));
    OPENSET_TRY(asn1::SignedData sd, sign(CT::kCardCInitResTBS, asn1::encode(tbs), req.thumbs));

    OPENSET_TRY(store::Transaction tx, db.begin());
    OPENSET_CHECK(insert(env, r));
    OPENSET_CHECK(remember_rrpid(env, req.rrpid, "CardCInitReq", r.lid_ca));
    OPENSET_CHECK(tx.commit());
    log("CardCInitReq -> CardCInitRes, lid-CA " + short_hex(r.lid_ca));
    asn1::Message m;
    m.value.emplace<Message::kCardholderCInitResponse>(std::move(sd));
    return respond(env, w, std::move(m));
  }

  // ---- Me-AqCInitReq (notes §5.2) ------------------------------------------------------------

  Result<Bytes> me_aq_c_init(const Env& env, const asn1::MessageWrapper& w, const asn1::MeAqCInitReq& req) {
    if (serves == Requester::kCardholder)
      return refusal(ErrorCode::kMessageNotSupported, "Me-AqCInitReq sent to a CCA");
    OPENSET_CHECK(header_matches(w, req.rrpid));
    OPENSET_CHECK(fresh(env, req.rrpid, "Me-AqCInitReq"));
    OPENSET_CHECK(kind_served(req.request_type));
    OPENSET_CHECK(brand_served(req.brand_id));
    OPENSET_TRY(Record r, new_record(env, "form"));
    if (const auto* m = std::get_if<asn1::MerchantAcquirerID>(&req.id_data.value)) {
      r.merchant_id = m->merchant_id.text();
      r.acquirer_bin = m->merchant_bin;
    } else {
      const auto& a = std::get<asn1::AcquirerID>(req.id_data.value);
      r.merchant_id = a.acquirer_business_id.value_or("");
      r.acquirer_bin = a.acquirer_bin;
    }
    r.chall_ca = env.random.bytes(20);
    OPENSET_TRY(r.reg_form_id, next_form_id());

    asn1::MeAqCInitResTBS tbs;
    tbs.rrpid = req.rrpid;
    tbs.lid_ee = req.lid_ee;
    tbs.chall_ee = req.chall_ee;
    tbs.lid_ca = r.lid_ca;
    tbs.chall_ca = r.chall_ca;
    tbs.request_type = req.request_type;
    if (cfg.acquirer == nullptr) {
      tbs.reg_form_or_referral = referral("No acquirer is connected to this CA");
    } else {
      auto form = cfg.acquirer->merchant_registration_form(r.merchant_id);
      if (!form.ok()) {
        if (internal(form.error())) return std::move(form).error();
        tbs.reg_form_or_referral = referral("Please contact your acquirer to register");
      } else {
        for (const auto& f : *form) r.fields.push_back(f.name);
        tbs.reg_form_or_referral = form_of(r.reg_form_id, *form);
      }
    }
    tbs.cae_thumb = cae_thumb;
    OPENSET_TRY(tbs.brand_crl_identifier, bci_for(req.thumbs));
    OPENSET_TRY(asn1::SignedData sd, sign(CT::kMeAqCInitResTBS, asn1::encode(tbs), req.thumbs));

    OPENSET_TRY(store::Transaction tx, db.begin());
    OPENSET_CHECK(insert(env, r));
    OPENSET_CHECK(remember_rrpid(env, req.rrpid, "Me-AqCInitReq", r.lid_ca));
    OPENSET_CHECK(tx.commit());
    log("Me-AqCInitReq -> Me-AqCInitRes, lid-CA " + short_hex(r.lid_ca) + ", form " +
        std::to_string(r.reg_form_id));
    asn1::Message m;
    m.value.emplace<Message::kMeAqCInitResponse>(std::move(sd));
    return respond(env, w, std::move(m));
  }

  // ---- RegFormReq (notes §5.3, §8.6) ---------------------------------------------------------

  // The recipient of EXH / EncX / Enc{EE, CA, ...}: the CA key-exchange certificate's key (notes
  // §5.2 caeThumb, §5.3, §5.4), or the CA's own without one (R-1).
  seal::KeyHolder holder() const { return seal::KeyHolder{&kx_key, kx_id}; }

  Result<Bytes> reg_form(const Env& env, const asn1::MessageWrapper& w, const asn1::EnvelopedData& env_data) {
    if (serves != Requester::kCardholder)
      return refusal(ErrorCode::kMessageNotSupported, "RegFormReq sent to a " + std::string(pki::to_string(ca.type())));
    // RegFormReq ::= EXH { CA, RegFormReqData, PANOnly }: the PAN travels in the RSA block.
    auto opened = seal::open_EXH(env_data, holder(), ct(CT::kRegFormReqTBE), ct(CT::kPANOnly),
                                 crypto::block_contents::kKeyHashPanOnly, policy);
    if (!opened.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "RegFormReq does not open");
    auto data = asn1::decode<asn1::RegFormReqData>(opened->content.view());
    if (!data.ok()) return with_set_code(std::move(data).error().prefix("RegFormReqData"), ErrorCode::kDecodingFailure);
    auto pan_only = asn1::decode<asn1::PANOnly>(opened->param.view());
    if (!pan_only.ok()) return refusal(ErrorCode::kDecodingFailure, "PANOnly does not decode");
    const asn1::RegFormReqData& req = *data;
    OPENSET_CHECK(header_matches(w, req.rrpid));
    OPENSET_CHECK(fresh(env, req.rrpid, "RegFormReq"));
    OPENSET_CHECK(kind_served(req.request_type));

    Record r;
    if (req.lid_ca) {
      OPENSET_TRY(std::optional<Record> found, find(*req.lid_ca));
      if (!found || found->requester != to_string(serves))
        return refusal(ErrorCode::kUnknownLID, "RegFormReq: unknown lid-CA");
      if (found->state != "init" && found->state != "form") return replayed("RegFormReq");
      r = std::move(*found);
    } else {
      OPENSET_TRY(r, new_record(env, "init"));
      OPENSET_CHECK(insert(env, r));
    }
    r.state = "form";
    r.chall_ca = env.random.bytes(20);
    OPENSET_TRY(r.reg_form_id, next_form_id());
    r.fields.clear();

    // PAN -> BIN -> issuer -> the issuer's form for the card's brand (notes §8.6). A card no
    // issuer here answers for gets a referral, not an Error (nothing is said about the PAN).
    asn1::RegFormOrReferral form;
    r.issuer_index = issuer_for(pan_only->pan);
    if (r.issuer_index < 0) {
      form = referral("This card cannot be registered with this certificate authority");
    } else {
      auto fields = cfg.issuers[static_cast<std::size_t>(r.issuer_index)]->registration_form(pan_only->pan);
      if (!fields.ok()) {
        if (internal(fields.error())) return std::move(fields).error();
        form = referral("Please contact your card issuer to register");
      } else {
        for (const auto& f : *fields) r.fields.push_back(f.name);
        form = form_of(r.reg_form_id, *fields);
      }
    }

    asn1::RegFormResTBS tbs;
    tbs.rrpid = req.rrpid;
    tbs.lid_ee = req.lid_ee;
    tbs.chall_ee2 = req.chall_ee2;
    tbs.lid_ca = r.lid_ca;
    tbs.chall_ca = r.chall_ca;
    tbs.cae_thumb = cae_thumb;
    tbs.request_type = req.request_type;
    tbs.form_or_referal = std::move(form);
    OPENSET_TRY(tbs.brand_crl_identifier, bci_for(req.thumbs));
    OPENSET_TRY(asn1::SignedData sd, sign(CT::kRegFormResTBS, asn1::encode(tbs), req.thumbs));

    OPENSET_TRY(store::Transaction tx, db.begin());
    OPENSET_CHECK(update(env, r));
    OPENSET_CHECK(remember_rrpid(env, req.rrpid, "RegFormReq", r.lid_ca));
    OPENSET_CHECK(tx.commit());
    log("RegFormReq -> RegFormRes, lid-CA " + short_hex(r.lid_ca) +
        (r.fields.empty() ? std::string(", referral") : ", form " + std::to_string(r.reg_form_id)));
    asn1::Message m;
    m.value.emplace<Message::kRegistrationFormResponse>(std::move(sd));
    return respond(env, w, std::move(m));
  }

  // ---- CertReq (notes §5.4, §8.6) ------------------------------------------------------------

  struct Request {
    asn1::CertReqData data;
    std::optional<asn1::AcctInfo> acct_info;
    RequestKind kind;
    std::optional<Bytes> old_certificate;  // renewal: the certificate whose key co-signed
    Bytes new_signer_key_hash;
  };

  pki::CertType ee_signature_type() const {
    return serves == Requester::kCardholder ? pki::CertType::kCardholder
           : serves == Requester::kMerchant ? pki::CertType::kMerchantSignature
                                            : pki::CertType::kGatewaySignature;
  }

  // The keys a CertReq's SignerInfos may name: the new signature key (uncertified_key_id) and,
  // for a renewal, the certificate being renewed, validated as this CA's end-entity type.
  Result<std::vector<seal::TrustedSigner>> signers_for(const Env& env, const asn1::CertReqData& d,
                                                       const asn1::SignedData& sd,
                                                       std::optional<Bytes>& old_cert) {
    std::vector<seal::TrustedSigner> out;
    if (d.public_key_sor_e.public_key_s) {
      auto k = key_of(*d.public_key_sor_e.public_key_s);
      if (!k.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "publicKeyS is not a usable key");
      out.push_back(seal::TrustedSigner{*k, uncertified_key_id()});
    }
    if (request_kind(d.request_type).renewal) {
      const asn1::IssuerAndSerialNumber none = uncertified_key_id();
      std::vector<Bytes> pool = sd.certificates.value_or(std::vector<Bytes>{});
      for (const auto& c : trust.certificates) pool.push_back(c);
      for (const auto& si : sd.signer_infos) {
        if (si.issuer_and_serial_number.issuer == none.issuer) continue;
        auto cert = find_certificate(si.issuer_and_serial_number, pool);
        if (!cert) return refusal(ErrorCode::kMissingCertificate, "CertReq: the renewed certificate is missing");
        std::vector<Bytes> extra = sd.certificates.value_or(std::vector<Bytes>{});
        OPENSET_TRY(pki::ValidatedPath path,
                    validate_certificate(env, *cert, ee_signature_type(), trust, extra, ca.brand()));
        out.push_back(seal::TrustedSigner{path.leaf_key, si.issuer_and_serial_number});
        old_cert = *cert;
        break;
      }
      if (!old_cert)
        return refusal(ErrorCode::kSignatureRequired, "renewal CertReq not signed with the certificate it renews");
    }
    if (out.empty()) return refusal(ErrorCode::kSignatureRequired, "CertReq names no signature key");
    return out;
  }

  Result<Request> open_cert_req(const Env& env, const asn1::CertReq& cr) {
    Request out;
    if (cr.value.index() == asn1::CertReq::kEncX) {
      // encx: EncX { EE, CA, CertReqData, AcctInfo }; AcctInfo rides in the RSA block and the
      // detached signature covers CertReqTBS = { CertReqData, AcctInfo }.
      bool decrypted = false;
      std::optional<Bytes> old_cert;
      seal::SignerResolver resolve = [&](ByteView t_der, const asn1::SignedData& so)
          -> Result<std::vector<seal::TrustedSigner>> {
        decrypted = true;
        auto d = asn1::decode<asn1::CertReqData>(t_der);
        if (!d.ok()) return with_set_code(std::move(d).error().prefix("CertReqData"), ErrorCode::kDecodingFailure);
        return signers_for(env, *d, so, old_cert);
      };
      auto o = seal::open_EncX(std::get<asn1::CertReq::kEncX>(cr.value), holder(), cert_req_encx_types(),
                               crypto::block_contents::kKeyAcctInfo, resolve, policy);
      if (!o.ok()) {
        // One code for every failure before the plaintext is in hand (seal/envelope.hpp NOTE).
        if (!decrypted) return refusal(ErrorCode::kUnspecifiedFailure, "CertReq does not open");
        return with_set_code(std::move(o).error(), ErrorCode::kSignatureFailure);
      }
      OPENSET_TRY(out.data, asn1::decode<asn1::CertReqData>(o->content.view()));
      auto ai = asn1::decode<asn1::AcctInfo>(o->param.view());
      if (!ai.ok()) return refusal(ErrorCode::kDecodingFailure, "AcctInfo does not decode");
      out.acct_info = std::move(*ai);
      out.old_certificate = std::move(old_cert);
      OPENSET_CHECK(all_signed(*o->signature, out));
    } else {
      // enc: Enc { EE, CA, CertReqData } = E { CA, S { EE, CertReqData } }.
      auto o = seal::open_E(std::get<asn1::CertReq::kEnc>(cr.value), holder(), ct(CT::kCertReqTBE), policy);
      if (!o.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "CertReq does not open");
      auto sd = asn1::decode<asn1::SignedData>(o->content.view());
      if (!sd.ok() || !sd->content_info.content)
        return refusal(ErrorCode::kDecodingFailure, "CertReqTBE is not a SignedData with content");
      auto d = asn1::decode<asn1::CertReqData>(*sd->content_info.content);
      if (!d.ok()) return with_set_code(std::move(d).error().prefix("CertReqData"), ErrorCode::kDecodingFailure);
      std::optional<Bytes> old_cert;
      OPENSET_TRY(std::vector<seal::TrustedSigner> trusted, signers_for(env, *d, *sd, old_cert));
      auto v = seal::verify_S(*sd, ct(CT::kCertReqData), trusted, policy);
      if (!v.ok()) return with_set_code(std::move(v).error(), ErrorCode::kSignatureFailure);
      if (v->signature.suite != o->suite)
        return refusal(ErrorCode::kSignatureFailure, "signature and envelope in different suites");
      out.data = std::move(*d);
      out.old_certificate = std::move(old_cert);
      OPENSET_CHECK(all_signed(v->signature, out));
    }
    out.kind = request_kind(out.data.request_type);
    return out;
  }

  // Proof of possession with the new signature key; for a renewal also the old certificate's.
  static Status all_signed(const seal::SignatureInfo& info, const Request& r) {
    bool has_new = r.data.public_key_sor_e.public_key_s.has_value();
    std::size_t need = (has_new ? 1u : 0u) + (r.old_certificate ? 1u : 0u);
    std::vector<std::size_t> seen = info.signers;
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    if (seen.size() < need)
      return refusal(ErrorCode::kSignatureRequired,
                     has_new && r.old_certificate ? "renewal CertReq needs the new and the old key's signatures"
                                                  : "CertReq is not signed with the key to be certified");
    return Ok{};
  }

  struct Approved {
    RequestKind kind;
    asn1::Name subject;
    std::optional<asn1::SubjectPublicKeyInfo> spki_s, spki_e;
    std::optional<std::string> card_expiry;
    std::optional<asn1::MerchantDataSyntax> merchant_data;
  };

  // Issues the certificates of an approved request and records them (inside the caller's
  // transaction).
  Result<std::vector<Bytes>> issue(const Env& env, ByteView lid_ca, const Approved& a) {
    struct One {
      pki::CertType type;
      const asn1::SubjectPublicKeyInfo* spki;
    };
    std::vector<One> todo;
    if (serves == Requester::kCardholder) {
      todo.push_back({pki::CertType::kCardholder, &*a.spki_s});
    } else {
      bool m = serves == Requester::kMerchant;
      if (a.spki_s) todo.push_back({m ? pki::CertType::kMerchantSignature : pki::CertType::kGatewaySignature, &*a.spki_s});
      if (a.spki_e) todo.push_back({m ? pki::CertType::kMerchantKeyExchange : pki::CertType::kGatewayKeyExchange, &*a.spki_e});
    }
    std::vector<Bytes> out;
    for (const One& one : todo) {
      pki::IssueRequest ir;
      ir.type = one.type;
      ir.subject = a.subject;
      OPENSET_TRY(ir.public_key, key_of(*one.spki));
      ir.not_before = env.date();
      ir.card_expiry = a.card_expiry;
      if (one.type == pki::CertType::kMerchantSignature) ir.merchant_data = a.merchant_data;
      auto cert = ca.issue(ir);
      if (!cert.ok()) return with_set_code(std::move(cert).error(), ErrorCode::kUnspecifiedFailure);
      const pki::IssuedCertificate& rec = ca.issued().back();
      if (cfg.on_issued) OPENSET_CHECK(cfg.on_issued(rec));
      OPENSET_TRY(Bytes key_hash, crypto::digest(crypto::DigestAlg::kSha256, asn1::encode(*one.spki)));
      OPENSET_TRY(store::Statement st,
                  db.prepare("INSERT INTO reg_issued(ca, serial, lid_ca, cert_type, key_hash, certificate, at) "
                             "VALUES(?,?,?,?,?,?,?)"));
      st.bind(1, std::string_view(ca_label)).bind(2, ByteView(rec.serial)).bind(3, lid_ca);
      st.bind(4, pki::to_string(one.type)).bind(5, ByteView(key_hash)).bind(6, ByteView(*cert)).bind(7, env.now());
      OPENSET_CHECK(st.run());
      log("issued " + std::string(pki::to_string(one.type)) + " serial " + to_hex(rec.serial) + " for lid-CA " +
          short_hex(lid_ca));
      out.push_back(std::move(*cert));
    }
    return out;
  }

  // CertRes / CertInqRes: S{CA, CertResData}, or EncK{CAKey, CA, CertResData} when a back key
  // is given (cardholders: notes §5.1, §8.6; merchants and gateways get it signed only).
  Result<asn1::CertRes> cert_res(const Env& env, const asn1::CertResData& data, const std::vector<Bytes>& certs,
                                 const std::optional<asn1::Thumbs>& peer,
                                 const std::optional<asn1::BackKeyData>& back_key) const {
    (void)env;
    OPENSET_TRY(asn1::SignedData sd, sign(CT::kCertResData, asn1::encode(data), peer, certs));
    asn1::CertRes res;
    if (back_key) {
      seal::KeyData kd;
      kd.cipher = suite().cipher;
      kd.key = SecretBytes(back_key->back_key);
      OPENSET_TRY(asn1::EncryptedData ek, seal::EK(kd, ct(CT::kCertResTBE), asn1::encode(sd)));
      res.value.emplace<asn1::CertRes::kCertResTBSK>(std::move(ek));
    } else {
      res.value.emplace<asn1::CertRes::kCertResTBS>(std::move(sd));
    }
    return res;
  }

  Result<asn1::CertResData> res_data(const Bytes& rrpid, const Bytes& lid_ee, const Bytes& chall_ee3,
                                     const Bytes& lid_ca, asn1::CertStatus status,
                                     const std::vector<Bytes>& certs,
                                     const std::optional<asn1::Thumbs>& peer) const {
    asn1::CertResData d;
    d.rrpid = rrpid;
    d.lid_ee = lid_ee;
    d.chall_ee3 = chall_ee3;
    d.lid_ca = lid_ca;
    d.cert_status = std::move(status);
    if (!certs.empty()) {
      OPENSET_TRY(asn1::Thumbs t, pki::make_thumbs(suite(), certs, {}, {}));
      d.cert_thumbs = std::move(t);
    }
    OPENSET_TRY(d.brand_crl_identifier, bci_for(peer));
    return d;
  }

  Status back_key_usable(const std::optional<asn1::BackKeyData>& bk) const {
    if (!bk) return Ok{};
    const der::Oid& want = suite().cipher == crypto::CipherAlg::kDesCbc ? asn1::oid::des_cbc() : asn1::oid::aes256_cbc();
    if (!(bk->back_alg_id == want) || bk->back_key.size() != crypto::key_size(suite().cipher))
      return refusal(ErrorCode::kUnspecifiedFailure, "caBackKeyData is not a key of the CA's suite");
    return Ok{};
  }

  Result<Bytes> cert_req(const Env& env, const asn1::MessageWrapper& w, const asn1::CertReq& cr) {
    OPENSET_TRY(Request req, open_cert_req(env, cr));
    const asn1::CertReqData& d = req.data;
    OPENSET_CHECK(header_matches(w, d.rrpid));
    OPENSET_CHECK(kind_served(d.request_type));
    OPENSET_CHECK(fresh(env, d.rrpid, "CertReq"));

    // The registration this request completes: lid-CA and the CA's challenge (notes §8.6).
    if (!d.lid_ca) return refusal(ErrorCode::kUnknownLID, "CertReq without lid-CA");
    OPENSET_TRY(std::optional<Record> found, find(*d.lid_ca));
    if (!found || found->requester != to_string(serves)) return refusal(ErrorCode::kUnknownLID, "CertReq: unknown lid-CA");
    Record rec = std::move(*found);
    if (rec.state != "form") return replayed("CertReq");
    if (!d.chall_ca || !equal_bytes(*d.chall_ca, rec.chall_ca))
      return refusal(ErrorCode::kChallengeMismatch, "CertReq: chall-CA is not the CA's challenge");
    if (d.reg_form_id != rec.reg_form_id)
      return refusal(ErrorCode::kUnspecifiedFailure, "CertReq: regFormID is not the form the CA sent");

    // requestDate: one day of tolerance each way (MessageHeader-style freshness, notes §8.7).
    std::int64_t when = d.request_date.to_unix();
    if (when < env.now() - 86400) return refusal(ErrorCode::kMessageTooOld, "CertReq: requestDate too old");
    if (when > env.now() + 86400) return refusal(ErrorCode::kMessageTooNew, "CertReq: requestDate in the future");

    // Keys: what the request type asks for, each never certified before.
    const auto& keys = d.public_key_sor_e;
    if (req.kind.signature != keys.public_key_s.has_value() || req.kind.key_exchange != keys.public_key_e.has_value())
      return refusal(ErrorCode::kUnspecifiedFailure, "CertReq: the keys do not match the request type");
    for (const auto* k : {&keys.public_key_s, &keys.public_key_e}) {
      if (!*k) continue;
      OPENSET_TRY(Bytes h, crypto::digest(crypto::DigestAlg::kSha256, asn1::encode(**k)));
      OPENSET_TRY(bool seen, key_certified(h));
      if (seen) return refusal(ErrorCode::kUnspecifiedFailure, "CertReq: this key was certified before");
    }
    if (req.old_certificate && d.ee_thumb) {
      OPENSET_TRY(asn1::CertThumb t, pki::cert_thumb(suite(), *req.old_certificate));
      if (!(t.thumbprint == d.ee_thumb->thumbprint))
        return refusal(ErrorCode::kThumbsMismatch, "CertReq: eeThumb is not the renewed certificate");
    }
    OPENSET_CHECK(back_key_usable(d.ca_back_key_data));

    Approved a;
    a.kind = req.kind;
    a.spki_s = keys.public_key_s;
    a.spki_e = keys.public_key_e;
    std::map<std::string, std::string> answers;
    if (d.reg_form)
      for (const auto& item : *d.reg_form) answers[item.field_name.text()] = answer_text(item.field_value);
    for (const auto& f : rec.fields)
      if (!answers.contains(f)) answers[f] = "";
    std::optional<Bytes> nonce_cca;

    if (serves == Requester::kCardholder) {
      // The back key must be there, or the reply cannot be encrypted (CertStatusCode 12).
      if (!d.ca_back_key_data) {
        asn1::CertStatus st;
        st.cert_status_code = asn1::CertStatusCode::kUnableToEncryptResponse;
        OPENSET_TRY(asn1::CertResData rd, res_data(d.rrpid, d.lid_ee, d.chall_ee3, rec.lid_ca, st, {}, d.thumbs));
        OPENSET_TRY(asn1::CertRes res, cert_res(env, rd, {}, d.thumbs, std::nullopt));
        log("CertReq without caBackKeyData -> CertRes unableToEncryptResponse, lid-CA " + short_hex(rec.lid_ca));
        asn1::Message m;
        m.value.emplace<Message::kCertificateResponse>(std::move(res));
        return respond(env, w, std::move(m));
      }
      const auto* p0 = req.acct_info ? std::get_if<asn1::PANData0>(&req.acct_info->value) : nullptr;
      if (p0 == nullptr) return refusal(ErrorCode::kUnspecifiedFailure, "cardholder CertReq without PANData0");
      std::int64_t issuer = issuer_for(p0->pan);
      if (issuer < 0 || issuer != rec.issuer_index)
        return refusal(ErrorCode::kUnspecifiedFailure, "CertReq: the card is not the one the form was for");
      CardholderClaim claim{p0->pan, p0->card_expiry, answers};
      auto verdict = cfg.issuers[static_cast<std::size_t>(issuer)]->verify_cardholder(claim);
      if (!verdict.ok()) {
        if (internal(verdict.error())) return std::move(verdict).error();
        return refusal(ErrorCode::kUnspecifiedFailure, "the issuer could not verify the cardholder");
      }
      if (verdict->verdict != CardVerdict::kOk) {
        // notes §4.11: never tell whether a PAN or secret was valid -> unspecifiedFailure.
        log("CertReq refused by the issuer (" + std::string(card_verdict_name(verdict->verdict)) + "), lid-CA " +
            short_hex(rec.lid_ca));
        return refusal(ErrorCode::kUnspecifiedFailure, "the issuer refused the registration");
      }
      // PANSecret = CardSecret XOR NonceCCA; the CN is HMAC(PANSecret, {PAN, expiry}) (notes §5.6).
      // The CA refuses a cardholder name with a run of 12+ digits (it could be a PAN, docs/pki.md
      // P-1); an upper-case hex HMAC has one now and then, so the CA draws another NonceCCA.
      SecretBytes card_secret(p0->card_secret);
      Result<SecretBytes> ps = Error(Errc::kInvalidArgument, "no NonceCCA");
      for (int attempt = 0; attempt < 32; ++attempt) {
        nonce_cca = env.random.bytes(20);
        ps = pki::pan_secret(card_secret, *nonce_cca);
        if (!ps.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "CardSecret unusable");
        auto cn = pki::unique_cardholder_id(suite(), p0->pan, p0->card_expiry, *ps);
        if (!cn.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "cardholder ID cannot be built");
        std::size_t run = 0, longest = 0;
        for (char ch : *cn) {
          run = (ch >= '0' && ch <= '9') ? run + 1 : 0;
          longest = std::max(longest, run);
        }
        if (longest < 12) break;
      }
      auto subject = pki::cardholder_name(suite(), ca.brand(), cfg.issuer_unit, p0->pan, p0->card_expiry, *ps);
      if (!subject.ok()) return refusal(ErrorCode::kUnspecifiedFailure, "cardholder name cannot be built");
      a.subject = std::move(*subject);
      a.card_expiry = p0->card_expiry;
    } else {
      std::string merchant_id = rec.merchant_id, bin = rec.acquirer_bin;
      if (d.id_data) {
        if (const auto* m = std::get_if<asn1::MerchantAcquirerID>(&d.id_data->value)) {
          merchant_id = m->merchant_id.text();
          bin = m->merchant_bin;
        } else {
          const auto& aq = std::get<asn1::AcquirerID>(d.id_data->value);
          merchant_id = aq.acquirer_business_id.value_or("");
          bin = aq.acquirer_bin;
        }
        if (merchant_id != rec.merchant_id || bin != rec.acquirer_bin)
          return refusal(ErrorCode::kUnspecifiedFailure, "CertReq: idData differs from Me-AqCInitReq");
      }
      if (cfg.acquirer == nullptr) return refusal(ErrorCode::kUnspecifiedFailure, "no acquirer behind this CA");
      MerchantClaim claim{merchant_id, bin, answers};
      auto verdict = serves == Requester::kMerchant ? cfg.acquirer->verify_merchant(claim)
                                                   : cfg.acquirer->verify_gateway(claim);
      if (!verdict.ok()) {
        if (internal(verdict.error())) return std::move(verdict).error();
        return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer could not verify the request");
      }
      if (verdict->verdict != PartyVerdict::kOk) {
        log("CertReq refused by the acquirer (" + std::string(party_verdict_name(verdict->verdict)) + "), lid-CA " +
            short_hex(rec.lid_ca));
        return refusal(ErrorCode::kUnspecifiedFailure, "the acquirer refused the registration");
      }
      std::string name = answers.contains("name") && !answers["name"].empty() ? answers["name"] : merchant_id;
      bool gw = serves == Requester::kGateway;
      a.subject = pki::set_name(ca.brand(), gw ? "Payment Gateway" : "Merchant", name);
      if (!gw) {
        asn1::MerchantDataSyntax md;
        md.mer_id = asn1::MerchantID(merchant_id);
        md.mer_acquirer_bin = bin;
        asn1::MerNames n;
        n.language = cfg.language;
        n.name = asn1::MerNames::MerName(name);
        n.city = asn1::MerNames::City(answers.contains("city") && !answers["city"].empty() ? answers["city"] : "-");
        n.country_name = asn1::MerNames::CountryName(
            answers.contains("country") && !answers["country"].empty() ? answers["country"] : "USA");
        md.mer_name_seq.push_back(std::move(n));
        md.mer_country = 840;
        a.merchant_data = std::move(md);
      }
    }

    // Approved: issue now, or defer.
    asn1::CertStatus st;
    st.nonce_cca = nonce_cca;
    std::vector<Bytes> certs;
    OPENSET_TRY(store::Transaction tx, db.begin());
    if (cfg.defer_seconds > 0) {
      OPENSET_TRY(store::Statement ins,
                  db.prepare("INSERT INTO reg_deferred(lid_ca, ready_at, request_type, subject, spki_s, spki_e, "
                             "card_expiry, merchant_data) VALUES(?,?,?,?,?,?,?,?)"));
      Bytes subject = asn1::encode(a.subject);
      ins.bind(1, ByteView(rec.lid_ca)).bind(2, env.now() + cfg.defer_seconds);
      ins.bind(3, static_cast<std::int64_t>(d.request_type)).bind(4, ByteView(subject));
      Bytes s = a.spki_s ? asn1::encode(*a.spki_s) : Bytes{}, e = a.spki_e ? asn1::encode(*a.spki_e) : Bytes{};
      if (a.spki_s) ins.bind(5, ByteView(s)); else ins.bind_null(5);
      if (a.spki_e) ins.bind(6, ByteView(e)); else ins.bind_null(6);
      if (a.card_expiry) ins.bind(7, std::string_view(*a.card_expiry)); else ins.bind_null(7);
      Bytes md = a.merchant_data ? asn1::encode(*a.merchant_data) : Bytes{};
      if (a.merchant_data) ins.bind(8, ByteView(md)); else ins.bind_null(8);
      OPENSET_CHECK(ins.run());
      rec.state = "pending";
      st.cert_status_code = asn1::CertStatusCode::kRequestPended;
    } else {
      OPENSET_TRY(certs, issue(env, rec.lid_ca, a));
      rec.state = "issued";
      st.cert_status_code = asn1::CertStatusCode::kRequestComplete;
    }
    rec.chall_ca.clear();  // consumed
    OPENSET_CHECK(update(env, rec));
    OPENSET_CHECK(remember_rrpid(env, d.rrpid, "CertReq", rec.lid_ca));
    OPENSET_TRY(asn1::CertResData rd, res_data(d.rrpid, d.lid_ee, d.chall_ee3, rec.lid_ca, st, certs, d.thumbs));
    OPENSET_TRY(asn1::CertRes res,
                cert_res(env, rd, certs, d.thumbs,
                         serves == Requester::kCardholder ? d.ca_back_key_data : std::nullopt));
    OPENSET_CHECK(tx.commit());
    log(std::string("CertReq -> CertRes ") + (certs.empty() ? "requestPended" : "requestComplete") + ", lid-CA " +
        short_hex(rec.lid_ca));
    asn1::Message m;
    m.value.emplace<Message::kCertificateResponse>(std::move(res));
    return respond(env, w, std::move(m));
  }

  // ---- CertInqReq (notes §5.5) ---------------------------------------------------------------

  Result<Bytes> cert_inq(const Env& env, const asn1::MessageWrapper& w, const asn1::SignedData& sd) {
    if (!sd.content_info.content) return refusal(ErrorCode::kDecodingFailure, "CertInqReq without content");
    auto tbs = asn1::decode<asn1::CertInqReqTBS>(*sd.content_info.content);
    if (!tbs.ok()) return with_set_code(std::move(tbs).error().prefix("CertInqReqTBS"), ErrorCode::kDecodingFailure);
    OPENSET_CHECK(header_matches(w, tbs->rrpid));
    OPENSET_TRY(std::optional<Record> found, find(tbs->lid_ca));
    if (!found || found->requester != to_string(serves)) return refusal(ErrorCode::kUnknownLID, "CertInqReq: unknown lid-CA");
    Record rec = std::move(*found);
    OPENSET_CHECK(fresh(env, tbs->rrpid, "CertInqReq"));

    // Signed with the key being certified (or its certificate, once issued).
    OPENSET_TRY(store::Statement q,
                db.prepare("SELECT ready_at, request_type, subject, spki_s, spki_e, card_expiry, merchant_data "
                           "FROM reg_deferred WHERE lid_ca = ?"));
    q.bind(1, ByteView(rec.lid_ca));
    OPENSET_TRY(bool have, q.step());
    if (!have) return refusal(ErrorCode::kUnknownLID, "CertInqReq: no deferred request under this lid-CA");
    std::int64_t ready_at = q.column_int64(0);
    Approved a;
    a.kind = request_kind(static_cast<asn1::RequestType>(q.column_int64(1)));
    OPENSET_TRY(a.subject, asn1::decode<asn1::Name>(q.column_blob(2)));
    if (!q.column_is_null(3)) {
      OPENSET_TRY(a.spki_s, asn1::decode<asn1::SubjectPublicKeyInfo>(q.column_blob(3)));
    }
    if (!q.column_is_null(4)) {
      OPENSET_TRY(a.spki_e, asn1::decode<asn1::SubjectPublicKeyInfo>(q.column_blob(4)));
    }
    if (!q.column_is_null(5)) a.card_expiry = q.column_text(5);
    if (!q.column_is_null(6)) {
      OPENSET_TRY(a.merchant_data, asn1::decode<asn1::MerchantDataSyntax>(q.column_blob(6)));
    }
    q.reset();

    std::vector<seal::TrustedSigner> trusted;
    for (const auto* k : {&a.spki_s, &a.spki_e})
      if (*k) {
        OPENSET_TRY(crypto::PublicKey pk, key_of(**k));
        trusted.push_back(seal::TrustedSigner{pk, uncertified_key_id()});
      }
    auto v = seal::verify_S(sd, ct(CT::kCertInqReqTBS), trusted, policy);
    if (!v.ok()) return with_set_code(std::move(v).error(), ErrorCode::kSignatureFailure);

    asn1::CertStatus st;
    std::vector<Bytes> certs;
    OPENSET_TRY(store::Transaction tx, db.begin());
    if (rec.state == "issued") {
      OPENSET_TRY(certs, issued_for(rec.lid_ca));
      st.cert_status_code = asn1::CertStatusCode::kRequestComplete;
    } else if (env.now() < ready_at) {
      st.cert_status_code = asn1::CertStatusCode::kRequestInProgress;
    } else {
      OPENSET_TRY(certs, issue(env, rec.lid_ca, a));
      rec.state = "issued";
      OPENSET_CHECK(update(env, rec));
      st.cert_status_code = asn1::CertStatusCode::kRequestComplete;
    }
    OPENSET_CHECK(remember_rrpid(env, tbs->rrpid, "CertInqReq", rec.lid_ca));
    OPENSET_TRY(asn1::CertResData rd,
                res_data(tbs->rrpid, tbs->lid_ee, tbs->chall_ee3, rec.lid_ca, st, certs, std::nullopt));
    // CertInqRes is signed, not encrypted: it carries no secret (NonceCCA went in the CertRes).
    OPENSET_TRY(asn1::CertRes res, cert_res(env, rd, certs, std::nullopt, std::nullopt));
    OPENSET_CHECK(tx.commit());
    log(std::string("CertInqReq -> CertInqRes ") + (certs.empty() ? "requestInProgress" : "requestComplete") +
        ", lid-CA " + short_hex(rec.lid_ca));
    asn1::Message m;
    m.value.emplace<Message::kCertificateInquiryResponse>(std::move(res));
    return respond(env, w, std::move(m));
  }

  // ---- dispatch ------------------------------------------------------------------------------

  Result<Bytes> dispatch(const Env& env, const asn1::MessageWrapper& w) {
    const auto& v = w.message.value;
    switch (v.index()) {
      case Message::kCardholderCInitRequest:
        return card_c_init(env, w, std::get<Message::kCardholderCInitRequest>(v));
      case Message::kMeAqCInitRequest:
        return me_aq_c_init(env, w, std::get<Message::kMeAqCInitRequest>(v));
      case Message::kRegistrationFormRequest:
        return reg_form(env, w, std::get<Message::kRegistrationFormRequest>(v));
      case Message::kCertificateRequest:
        return cert_req(env, w, std::get<Message::kCertificateRequest>(v));
      case Message::kCertificateInquiryRequest:
        return cert_inq(env, w, std::get<Message::kCertificateInquiryRequest>(v));
      default:
        return refusal(ErrorCode::kMessageNotSupported,
                       std::string(message_type_name(v.index())) + " is not a certificate-management request");
    }
  }
};

CaEngine::CaEngine(std::unique_ptr<Impl> impl, Requester serves) : impl_(std::move(impl)), serves_(serves) {}
CaEngine::~CaEngine() = default;

Result<std::unique_ptr<CaEngine>> CaEngine::open(pki::CertificateAuthority& ca, crypto::PrivateKey key,
                                                 store::Database& db, TrustContext& trust, CaEngineConfig config) {
  OPENSET_TRY(Requester serves, requester_for(ca.type()));
  if (!(key.public_key() == ca.public_key()))
    return Error(Errc::kInvalidArgument, "the key is not the CA certificate's key");
  OPENSET_CHECK(db.exec(kSchema));
  auto impl = std::make_unique<Impl>(ca, std::move(key), db, trust, std::move(config));
  impl->serves = serves;
  OPENSET_TRY(impl->id, certificate_issuer_and_serial(ca.certificate()));
  if (impl->cfg.key_exchange_certificate.has_value() != impl->cfg.key_exchange_key.has_value())
    return Error(Errc::kInvalidArgument, "a key-exchange certificate needs its key, and a key its certificate");
  if (impl->cfg.key_exchange_certificate) {
    // Structural checks (the path is the requester's to validate; there is no clock here): the
    // key-exchange profile of this CA's type (certificateType bit, keyUsage keyEncipherment, no
    // cA), issued to this CA's subject under the same brand, and the key that matches it.
    const Bytes& kx = *impl->cfg.key_exchange_certificate;
    OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(kx));
    OPENSET_TRY(asn1::Certificate own, asn1::decode<asn1::Certificate>(ca.certificate()));
    const pki::Profile& want = pki::profile(*pki::key_exchange_type_of(ca.type()));
    const auto& exts = c.to_be_signed.extensions;
    const auto* ctype = asn1::find_extension(exts, asn1::oid::set_certificate_type());
    const auto* own_ctype = asn1::find_extension(own.to_be_signed.extensions, asn1::oid::set_certificate_type());
    const auto* ku = asn1::find_extension(exts, asn1::oid::ce_key_usage());
    const auto* bc = asn1::find_extension(exts, asn1::oid::ce_basic_constraints());
    bool ca_flag = false;
    if (bc != nullptr) {
      OPENSET_TRY(asn1::BasicConstraintsSyntax b, asn1::decode<asn1::BasicConstraintsSyntax>(bc->extn_value));
      ca_flag = b.ca;
    }
    bool encipher = false;
    if (ku != nullptr) {
      OPENSET_TRY(der::BitString bits, asn1::decode_value(asn1::spec::KeyUsage(), ku->extn_value));
      auto has = [&](std::size_t i) { return i < bits.bit_length() && bits.bit(i); };
      encipher = has(asn1::kKeyEncipherment) && !has(asn1::kKeyCertSign) && !has(asn1::kDigitalSignature);
    }
    if (ctype == nullptr || own_ctype == nullptr || ctype->extn_value != own_ctype->extn_value || !encipher ||
        ca_flag || !(c.to_be_signed.subject == own.to_be_signed.subject))
      return Error(Errc::kInvalidArgument, "not a " + std::string(want.name) + " certificate of this CA");
    OPENSET_TRY(crypto::PublicKey kx_pub, crypto::certificate_public_key(kx));
    if (!(impl->cfg.key_exchange_key->public_key() == kx_pub))
      return Error(Errc::kInvalidArgument, "the key-exchange key is not the key-exchange certificate's key");
    impl->kx_key = *impl->cfg.key_exchange_key;
    OPENSET_TRY(impl->kx_id, certificate_issuer_and_serial(kx));
    OPENSET_TRY(impl->cae_thumb, pki::cert_thumb(ca.suite(), kx));
  } else {
    impl->kx_key = impl->key;
    impl->kx_id = impl->id;
    OPENSET_TRY(impl->cae_thumb, pki::cert_thumb(ca.suite(), ca.certificate()));
  }
  impl->policy = impl->cfg.policy ? *impl->cfg.policy : seal::Policy::only(ca.suite().id);
  impl->ca_label = std::string(pki::to_string(ca.type())) + " " + ca.brand();
  if (impl->cfg.chain.empty()) impl->cfg.chain.push_back(ca.certificate());
  return std::unique_ptr<CaEngine>(new CaEngine(std::move(impl), serves));
}

Result<Bytes> CaEngine::handle(const Env& env, ByteView request) {
  auto w = unwrap(request);
  Result<Bytes> out = w.ok() ? impl_->dispatch(env, *w) : Result<Bytes>(std::move(w).error());
  if (out.ok()) return out;
  if (internal(out.error())) return out;
  const Error& why = out.error();
  impl_->log("refused with " + std::to_string(static_cast<int>(set_error_code(why))) + ": " + why.message);
  seal::Signer s = impl_->error_signer();
  return make_error_message(env, why, request, &s);
}

Result<std::vector<CaEngine::IssuedRow>> CaEngine::issued() {
  OPENSET_TRY(store::Statement st,
              impl_->db.prepare("SELECT serial, lid_ca, cert_type, certificate FROM reg_issued WHERE ca = ? ORDER BY rowid"));
  st.bind(1, std::string_view(impl_->ca_label));
  std::vector<IssuedRow> out;
  for (;;) {
    OPENSET_TRY(bool row, st.step());
    if (!row) break;
    out.push_back(IssuedRow{st.column_blob(0), st.column_blob(1), st.column_text(2), st.column_blob(3)});
  }
  return out;
}

}  // namespace openset::roles::certs
