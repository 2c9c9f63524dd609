// PCertReq / PCertRes (notes §4.8; Book 3 lines 1586-1627): the merchant asks a payment gateway
// for its current certificates, brand by brand, and answers wallets with them from then on.
//
//   PCertReq ::= S { M, PCertReqData }      PCertReqData { pCertRRTags, mThumbs, brandAndBINSeq }
//   PCertRes ::= S { P, PCertResTBS }       PCertResTBS  { pCertRRTags, pCertResItemSeq, ... }
//
// One PCertResItem answers each BrandAndBIN, in order (PCertResItem names no brand). The gateway
// sends, in the SignedData's certificates, its certificates and chain minus those the merchant's
// mThumbs say it holds (notes §5.9). The request changes no state at the gateway: a repeated
// PCertReq is simply answered again. The merchant keeps the gateway key-exchange certificate it
// learnt per brand (merchant_gateway_certs) and uses it from then on (PInitRes peThumb, the
// envelopes of AuthReq, CapReq and the reversals).
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/pki/identity.hpp"
#include "openset/roles/purchase/gateway.hpp"
#include "openset/roles/purchase/merchant.hpp"
#include "sql.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;
using CT = asn1::oid::ContentType;

namespace {

constexpr const char* kPCertSchema = R"sql(
CREATE TABLE IF NOT EXISTS merchant_pcert_requests (
  rrpid       BLOB PRIMARY KEY,
  request     BLOB NOT NULL,          -- DER of the PCertReqData sent
  state       TEXT NOT NULL CHECK (state IN ('sent', 'answered')),
  created_at  INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE TABLE IF NOT EXISTS merchant_gateway_certs (
  brand       TEXT NOT NULL,
  position    INTEGER NOT NULL,       -- 0: the gateway key-exchange certificate; 1..: its CA chain
  certificate BLOB NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (brand, position)
);
)sql";

// The CA certificates between a validated leaf and the root (leaf first, root last).
std::vector<Bytes> ca_chain(const pki::ValidatedPath& p) {
  if (p.chain.size() < 3) return {};
  return std::vector<Bytes>(p.chain.begin() + 1, p.chain.end() - 1);
}

}  // namespace

// ---- merchant ----------------------------------------------------------------------------------

Status Merchant::load_gateway_certificates() {
  OPENSET_CHECK(db_.exec(kPCertSchema));
  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT brand, position, certificate FROM merchant_gateway_certs "
                                               "ORDER BY brand, position"));
  for (;;) {
    OPENSET_TRY(bool row, q.step());
    if (!row) break;
    const std::string brand = q.column_text(0);
    GatewayRoute* r = nullptr;
    for (auto& g : config_.gateways)
      if (g.brand == brand) r = &g;
    if (r == nullptr) {
      config_.gateways.push_back(GatewayRoute{brand, {}, {}});
      r = &config_.gateways.back();
    }
    if (q.column_int64(1) == 0) {
      r->key_exchange_certificate = q.column_blob(2);
      r->chain.clear();
    } else {
      r->chain.push_back(q.column_blob(2));
    }
  }
  return Ok{};
}

Result<Answer> Merchant::request_gateway_certificates(const std::vector<asn1::BrandAndBIN>& wanted) {
  if (wanted.empty()) return Error(Errc::kInvalidArgument, "PCertReq: name at least one brand");
  const crypto::Suite& suite = *config_.credentials.suite;
  asn1::PCertReqData data;
  data.p_cert_rr_tags.rrpid = env_.random.bytes(20);
  data.p_cert_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(merchant_id_);
  data.p_cert_rr_tags.current_date = env_.date();
  // What we hold of the gateways' certificates, so that the gateway sends only what we lack.
  std::vector<Bytes> held;
  for (const auto& g : config_.gateways) {
    if (!g.key_exchange_certificate.empty()) held.push_back(g.key_exchange_certificate);
    held.insert(held.end(), g.chain.begin(), g.chain.end());
  }
  held.insert(held.end(), config_.trust.certificates.begin(), config_.trust.certificates.end());
  OPENSET_TRY(asn1::Thumbs thumbs, pki::make_thumbs(suite, held, {}, {}));
  data.m_thumbs = std::move(thumbs);
  data.brand_and_bin_seq = wanted;
  Bytes data_der = asn1::encode(data);

  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true));
  OPENSET_TRY(asn1::SignedData sd, seal::S(signer, content_type(CT::kPCertReqData), data_der));
  asn1::Message m;
  m.value.emplace<asn1::Message::kPCertificateRequest>(std::move(sd));
  Bytes wire = wrap(make_header(env_, std::nullopt, data.p_cert_rr_tags.rrpid), std::move(m));

  OPENSET_TRY(store::Transaction tx, db_.begin());
  OPENSET_CHECK(sql::exec(db_,
                          "INSERT INTO merchant_pcert_requests (rrpid, request, state, created_at) "
                          "VALUES (?, ?, 'sent', ?)",
                          data.p_cert_rr_tags.rrpid, data_der, env_.now()));
  OPENSET_CHECK(tx.commit());
  log(fmt::format("merchant: PCertReq sent for {} brand(s)", wanted.size()));
  Answer a;
  a.send.push_back(Outgoing{Peer::kGateway, "PCertReq", std::move(wire)});
  return a;
}

// PCertRes (notes §4.8): the gateway's signature (a gateway signature certificate), the RRPID of
// a PCertReq of ours still awaiting its answer, one item per BrandAndBIN asked; each success
// names (certThumb) a gateway key-exchange certificate of that brand with a valid path.
Result<Answer> Merchant::on_pcert_res(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  const crypto::Suite& suite = *config_.credentials.suite;
  const auto& sd = std::get<asn1::Message::kPCertificateResponse>(w.message.value);
  // What we know: our trust context and the gateway certificates and chains we hold (our mThumbs
  // told the gateway not to send them again).
  TrustContext trust = config_.trust;
  for (const auto& g : config_.gateways) {
    if (!g.key_exchange_certificate.empty()) trust.certificates.push_back(g.key_exchange_certificate);
    trust.certificates.insert(trust.certificates.end(), g.chain.begin(), g.chain.end());
  }
  OPENSET_TRY(CertifiedSignature cs, verify_signed(env_, sd, content_type(CT::kPCertResTBS),
                                                   pki::CertType::kGatewaySignature, trust));
  auto tbs_r = asn1::decode<asn1::PCertResTBS>(cs.content);
  if (!tbs_r.ok()) return with_set_code(std::move(tbs_r).error(), ErrorCode::kDecodingFailure);
  const asn1::PCertResTBS& tbs = *tbs_r;
  const Bytes& rrpid = tbs.p_cert_rr_tags.rrpid;
  if (!w.message_header.rrpid || !ct_equal(*w.message_header.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from PCertRRTags'");
  OPENSET_CHECK(check_freshness(env_, tbs.p_cert_rr_tags.current_date, config_.freshness,
                                "PCertRRTags.currentDate"));
  if (tbs.p_cert_rr_tags.mer_term_ids.merchant_id.text() != merchant_id_)
    return refusal(ErrorCode::kUnknownRRPID, "PCertRes names another merchant");

  OPENSET_TRY(store::Statement q, sql::prepare(db_,
                                               "SELECT request, state FROM merchant_pcert_requests "
                                               "WHERE rrpid = ?",
                                               rrpid));
  OPENSET_TRY(bool found, q.step());
  if (!found) return refusal(ErrorCode::kUnknownRRPID, "no PCertReq of ours has this RRPID");
  if (q.column_text(1) != "sent") {
    log("merchant: PCertRes repeated, already recorded");
    return Answer{};
  }
  OPENSET_TRY(asn1::PCertReqData asked, asn1::decode<asn1::PCertReqData>(q.column_blob(0)));
  if (tbs.p_cert_res_item_seq.size() != asked.brand_and_bin_seq.size())
    return refusal(ErrorCode::kUnspecifiedFailure,
                   fmt::format("PCertRes has {} items for {} brands asked", tbs.p_cert_res_item_seq.size(),
                               asked.brand_and_bin_seq.size()));

  // Everything is checked before anything is recorded (all or nothing).
  std::vector<Bytes> pool = sd.certificates ? *sd.certificates : std::vector<Bytes>{};
  pool.insert(pool.end(), trust.certificates.begin(), trust.certificates.end());
  std::vector<GatewayRoute> learnt;
  std::vector<std::string> refused;
  for (std::size_t i = 0; i < tbs.p_cert_res_item_seq.size(); ++i) {
    const asn1::PCertResItem& item = tbs.p_cert_res_item_seq[i];
    const std::string brand = asked.brand_and_bin_seq[i].brand_id.text();
    if (item.p_cert_code != asn1::PCertCode::kSuccess) {
      refused.push_back(fmt::format("{} (pCertCode {})", brand, static_cast<std::int64_t>(item.p_cert_code)));
      continue;
    }
    if (!item.cert_thumb)
      return refusal(ErrorCode::kMissingCertificate, "a successful PCertResItem without certThumb");
    // The signer must be a gateway of the brand it answers for.
    OPENSET_CHECK(validate_certificate(env_, cs.signer_certificate, pki::CertType::kGatewaySignature,
                                       trust, pool, brand));
    std::optional<Bytes> kx = find_by_thumb(suite, *item.cert_thumb, pool);
    if (!kx) return refusal(ErrorCode::kMissingCertificate, "no certificate matches the certThumb");
    OPENSET_TRY(pki::ValidatedPath path, validate_certificate(env_, *kx, pki::CertType::kGatewayKeyExchange,
                                                              trust, pool, brand));
    learnt.push_back(GatewayRoute{brand, *kx, ca_chain(path)});
  }

  OPENSET_TRY(store::Transaction tx, db_.begin());
  for (const auto& r : learnt) {
    OPENSET_CHECK(sql::exec(db_, "DELETE FROM merchant_gateway_certs WHERE brand = ?", r.brand));
    OPENSET_CHECK(sql::exec(db_,
                            "INSERT INTO merchant_gateway_certs (brand, position, certificate, updated_at) "
                            "VALUES (?, 0, ?, ?)",
                            r.brand, r.key_exchange_certificate, env_.now()));
    for (std::size_t i = 0; i < r.chain.size(); ++i)
      OPENSET_CHECK(sql::exec(db_,
                              "INSERT INTO merchant_gateway_certs (brand, position, certificate, updated_at) "
                              "VALUES (?, ?, ?, ?)",
                              r.brand, static_cast<std::int64_t>(i + 1), r.chain[i], env_.now()));
  }
  OPENSET_CHECK(sql::exec(db_,
                          "UPDATE merchant_pcert_requests SET state = 'answered', answered_at = ? "
                          "WHERE rrpid = ?",
                          env_.now(), rrpid));
  OPENSET_CHECK(tx.commit());
  for (auto& r : learnt) {
    bool replaced = false;
    for (auto& g : config_.gateways)
      if (g.brand == r.brand) {
        g.key_exchange_certificate = r.key_exchange_certificate;
        g.chain = r.chain;
        replaced = true;
      }
    if (!replaced) config_.gateways.push_back(r);
  }
  log(fmt::format("merchant: PCertRes: {} gateway certificate(s) recorded{}", learnt.size(),
                  refused.empty() ? std::string() : fmt::format("; refused: {}", fmt::join(refused, ", "))));
  return Answer{};
}

std::vector<GatewayRoute> Merchant::gateway_routes() const { return config_.gateways; }

// ---- gateway -------------------------------------------------------------------------------------

// PCertReq -> PCertRes (notes §4.8). The requester must be a merchant of our brand (the merchant
// signature certificate validates with our brand); each BrandAndBIN is answered: another brand
// -> brandNotSupported, a BIN our acquirer does not serve -> unknownBIN, else success with the
// thumbprint of our key-exchange certificate.
Result<Answer> Gateway::on_pcert_req(const asn1::MessageWrapper& w, ByteView der) {
  (void)der;
  const crypto::Suite& suite = *config_.credentials.suite;
  const auto& sd = std::get<asn1::Message::kPCertificateRequest>(w.message.value);
  OPENSET_TRY(CertifiedSignature cs,
              verify_signed(env_, sd, content_type(CT::kPCertReqData), pki::CertType::kMerchantSignature,
                            config_.trust, config_.brand));
  auto data_r = asn1::decode<asn1::PCertReqData>(cs.content);
  if (!data_r.ok()) return with_set_code(std::move(data_r).error(), ErrorCode::kDecodingFailure);
  const asn1::PCertReqData& data = *data_r;
  const Bytes& rrpid = data.p_cert_rr_tags.rrpid;
  if (!w.message_header.rrpid || !ct_equal(*w.message_header.rrpid, rrpid))
    return refusal(ErrorCode::kWrapperMsgMismatch, "header RRPID differs from PCertRRTags'");
  OPENSET_CHECK(check_freshness(env_, data.p_cert_rr_tags.current_date, config_.freshness,
                                "PCertRRTags.currentDate"));
  OPENSET_TRY(std::string merchant_id, merchant_id_of(cs.signer_certificate));
  if (data.p_cert_rr_tags.mer_term_ids.merchant_id.text() != merchant_id)
    return refusal(ErrorCode::kInvalidCertificate, "PCertRRTags name another merchant than the signer");

  OPENSET_TRY(asn1::CertThumb kx_thumb, pki::cert_thumb(suite, config_.credentials.key_exchange_certificate));
  asn1::PCertResTBS tbs;
  tbs.p_cert_rr_tags = data.p_cert_rr_tags;
  tbs.p_cert_rr_tags.current_date = env_.date();
  std::size_t granted = 0;
  for (const asn1::BrandAndBIN& b : data.brand_and_bin_seq) {
    asn1::PCertResItem item;
    if (b.brand_id.text() != config_.brand) {
      item.p_cert_code = asn1::PCertCode::kBrandNotSupported;
    } else if (b.bin && !config_.acquirer_bins.empty() &&
               std::find(config_.acquirer_bins.begin(), config_.acquirer_bins.end(), *b.bin) ==
                   config_.acquirer_bins.end()) {
      item.p_cert_code = asn1::PCertCode::kUnknownBIN;
    } else {
      item.p_cert_code = asn1::PCertCode::kSuccess;
      item.cert_thumb = kx_thumb;
      ++granted;
    }
    tbs.p_cert_res_item_seq.push_back(std::move(item));
  }

  OPENSET_TRY(seal::Signer signer, config_.credentials.signer(true, /*include_key_exchange=*/true));
  OPENSET_TRY(asn1::SignedData out, seal::S(signer, content_type(CT::kPCertResTBS), asn1::encode(tbs)));
  // Only what the merchant lacks (SignedData.certificates is outside the signature).
  if (out.certificates && data.m_thumbs && data.m_thumbs->cert_thumbs) {
    auto lacking = pki::not_held(data.m_thumbs->digest_algorithm, *data.m_thumbs->cert_thumbs, *out.certificates);
    if (lacking.ok()) {
      if (lacking->empty()) out.certificates.reset();
      else out.certificates = std::move(lacking).value();
    }
  }
  asn1::Message m;
  m.value.emplace<asn1::Message::kPCertificateResponse>(std::move(out));
  Bytes wire = wrap(make_header(env_, std::nullopt, rrpid), std::move(m));
  log(fmt::format("gateway: PCertReq from {}: {} of {} brand(s) answered with our certificate", merchant_id,
                  granted, data.brand_and_bin_seq.size()));
  Answer a;
  a.send.push_back(Outgoing{Peer::kMerchant, "PCertRes", std::move(wire)});
  return a;
}

}  // namespace openset::roles::purchase
