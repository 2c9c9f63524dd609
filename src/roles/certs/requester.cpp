#include "openset/roles/certs/requester.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <utility>

#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/crypto/cipher.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/signature.hpp"

namespace openset::roles::certs {

using asn1::ErrorCode;
using asn1::Message;
using CT = asn1::oid::ContentType;

namespace {

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

Error mismatch(std::string_view what) {
  return refusal(ErrorCode::kChallengeMismatch, std::string(what) + " does not echo our request");
}

std::string_view status_name(asn1::CertStatusCode c) {
  for (const auto& n : asn1::spec::CertStatusCode().named)
    if (n.value == static_cast<std::int64_t>(c)) return n.name;
  return "?";
}

}  // namespace

Registration::Registration(RequesterConfig config, TrustContext& trust) : cfg_(std::move(config)), trust_(trust) {
  if (cfg_.suite == nullptr) cfg_.suite = &crypto::default_suite();
  if (!cfg_.make_key) {
    const crypto::Suite* s = cfg_.suite;
    cfg_.make_key = [s](pki::CertType) { return crypto::PrivateKey::generate_rsa(s->ee_rsa_bits); };
  }
}

void Registration::set_card(std::string pan, std::string card_expiry) {
  pan_ = std::move(pan);
  expiry_ = std::move(card_expiry);
}

void Registration::set_renewal(Bytes certificate, crypto::PrivateKey key) {
  renew_cert_ = std::move(certificate);
  renew_key_ = std::move(key);
}

Result<asn1::Thumbs> Registration::my_thumbs() const {
  std::vector<Bytes> certs = trust_.certificates;
  if (trust_.validator != nullptr)
    for (const auto& r : trust_.validator->trust().roots()) certs.push_back(r);
  std::vector<Bytes> bcis;
  if (trust_.brand_crl_identifier) bcis.push_back(*trust_.brand_crl_identifier);
  return pki::make_thumbs(*cfg_.suite, certs, trust_.crls, bcis);
}

Bytes Registration::wrap_request(const Env& env, asn1::Message m) {
  return wrap(make_header(env, std::nullopt, rrpid_), std::move(m));
}

Result<asn1::MessageWrapper> Registration::expect(ByteView response, std::size_t index) const {
  OPENSET_TRY(asn1::MessageWrapper w, unwrap(response));
  if (message_index(w) == Message::kError) {
    OPENSET_TRY(ReceivedError e, read_error(w));
    return refusal(e.code, "the CA refused the request (ErrorCode " + std::to_string(static_cast<int>(e.code)) + ")",
                   Errc::kPolicy);
  }
  if (message_index(w) != index)
    return refusal(ErrorCode::kMessageNotSupported, "expected " + std::string(message_type_name(index)) + ", got " +
                                                        std::string(message_type_name(message_index(w))));
  if (!w.message_header.rrpid || !same(*w.message_header.rrpid, rrpid_))
    return refusal(ErrorCode::kUnknownRRPID, "response to a request we did not send");
  return w;
}

Result<CertifiedSignature> Registration::verify(const Env& env, const asn1::SignedData& sd, CT type) {
  OPENSET_TRY(CertifiedSignature sig, verify_signed(env, sd, ct(type), ca_type_for(cfg_.who), trust_, cfg_.brand));
  // Keep what the CA sent (its chain and CRLs) for the next validations and Thumbs.
  if (sd.certificates)
    for (const auto& c : *sd.certificates)
      if (std::find(trust_.certificates.begin(), trust_.certificates.end(), c) == trust_.certificates.end())
        trust_.certificates.push_back(c);
  if (sd.crls)
    for (const auto& c : *sd.crls)
      if (std::find(trust_.crls.begin(), trust_.crls.end(), c) == trust_.crls.end()) trust_.crls.push_back(c);
  return sig;
}

// caeThumb names the CA key-exchange certificate to encrypt to (notes §5.2, §5.3): find it, and
// validate it — path, brand, and type: the key-exchange certificate of our CA's kind (CCA, MCA or
// PCA key-exchange, notes §5.7-§5.8). A CA without one names its own signature certificate
// (docs/departures.md R-1): accepted only as a CA certificate of our CA's kind, and only when the
// config allows it. Anything else (another CA's key-exchange certificate, an end entity's, a
// brand certificate...) is refused.
Status Registration::take_cae(const Env& env, const asn1::CertThumb& thumb, const CertifiedSignature& sig) {
  std::vector<Bytes> pool = trust_.certificates;
  pool.push_back(sig.signer_certificate);
  for (const auto& c : pool) {
    auto t = pki::cert_thumb(*cfg_.suite, c);
    if (t.ok() && t->thumbprint == thumb.thumbprint) {
      pki::CertType kx_type = *pki::key_exchange_type_of(ca_type_for(cfg_.who));
      auto kx = validate_certificate(env, c, kx_type, trust_, {}, cfg_.brand);
      if (!kx.ok()) {
        bool legacy = cfg_.accept_ca_signature_certificate_as_cae &&
                      validate_certificate(env, c, ca_type_for(cfg_.who), trust_, {}, cfg_.brand).ok();
        if (!legacy) return std::move(kx).error().prefix("caeThumb");
      }
      ca_cert_ = c;
      return Ok{};
    }
  }
  return refusal(ErrorCode::kMissingCertificate, "the CA's key-exchange certificate (caeThumb) is not available");
}

Result<Bytes> Registration::initiate(const Env& env) {
  lid_ee_ = env.random.bytes(8);
  rrpid_ = env.random.bytes(20);
  chall_ = env.random.bytes(20);
  OPENSET_TRY(asn1::Thumbs thumbs, my_thumbs());
  asn1::Message m;
  bool renewal = renew_cert_.has_value();
  if (cfg_.who == Requester::kCardholder) {
    request_type_ = request_type(cfg_.who, renewal, true, false);
    asn1::CardCInitReq r;
    r.rrpid = rrpid_;
    r.lid_ee = lid_ee_;
    r.chall_ee = chall_;
    r.brand_id = asn1::BrandID(cfg_.brand);
    r.thumbs = std::move(thumbs);
    m.value.emplace<Message::kCardholderCInitRequest>(std::move(r));
  } else {
    request_type_ = request_type(cfg_.who, renewal, true, cfg_.key_exchange);
    asn1::MeAqCInitReq r;
    r.rrpid = rrpid_;
    r.lid_ee = lid_ee_;
    r.chall_ee = chall_;
    r.request_type = request_type_;
    r.id_data.value = asn1::MerchantAcquirerID{cfg_.acquirer_bin, asn1::MerchantID(cfg_.merchant_id)};
    r.brand_id = asn1::BrandID(cfg_.brand);
    r.language = cfg_.language;
    r.thumbs = std::move(thumbs);
    m.value.emplace<Message::kMeAqCInitRequest>(std::move(r));
  }
  return wrap_request(env, std::move(m));
}

Result<std::optional<Bytes>> Registration::on_init_response(const Env& env, ByteView response) {
  if (cfg_.who == Requester::kCardholder) {
    OPENSET_TRY(asn1::MessageWrapper w, expect(response, Message::kCardholderCInitResponse));
    OPENSET_TRY(CertifiedSignature sig, verify(env, std::get<Message::kCardholderCInitResponse>(w.message.value),
                                               CT::kCardCInitResTBS));
    OPENSET_TRY(asn1::CardCInitResTBS tbs, asn1::decode<asn1::CardCInitResTBS>(sig.content));
    if (!same(tbs.rrpid, rrpid_) || !same(tbs.lid_ee, lid_ee_) || !same(tbs.chall_ee, chall_))
      return mismatch("CardCInitRes");
    OPENSET_CHECK(take_cae(env, tbs.cae_thumb, sig));
    if (tbs.brand_crl_identifier) trust_.brand_crl_identifier = tbs.brand_crl_identifier;
    if (tbs.lid_ca) lid_ca_ = *tbs.lid_ca;

    // RegFormReq ::= EXH { CA, RegFormReqData, PANOnly } (notes §5.3).
    rrpid_ = env.random.bytes(20);
    chall_ = env.random.bytes(20);
    asn1::RegFormReqData d;
    d.rrpid = rrpid_;
    d.lid_ee = lid_ee_;
    d.chall_ee2 = chall_;
    if (!lid_ca_.empty()) d.lid_ca = lid_ca_;
    d.request_type = request_type_;
    d.language = cfg_.language;
    OPENSET_TRY(d.thumbs, my_thumbs());
    asn1::PANOnly pan_only{pan_, env.random.bytes(20)};
    SecretBytes param(asn1::encode(pan_only));
    OPENSET_TRY(crypto::PublicKey ca_key, crypto::certificate_public_key(ca_cert_));
    OPENSET_TRY(asn1::IssuerAndSerialNumber ca_id, certificate_issuer_and_serial(ca_cert_));
    seal::Recipient r{ca_key, ca_id, cfg_.suite};
    OPENSET_TRY(asn1::EnvelopedData e, seal::EXH(r, ct(CT::kRegFormReqTBE), asn1::encode(d), ct(CT::kPANOnly),
                                                 param.view(), crypto::block_contents::kKeyHashPanOnly));
    asn1::Message m;
    m.value.emplace<Message::kRegistrationFormRequest>(std::move(e));
    return std::optional<Bytes>(wrap_request(env, std::move(m)));
  }
  OPENSET_TRY(asn1::MessageWrapper w, expect(response, Message::kMeAqCInitResponse));
  OPENSET_TRY(CertifiedSignature sig,
              verify(env, std::get<Message::kMeAqCInitResponse>(w.message.value), CT::kMeAqCInitResTBS));
  OPENSET_TRY(asn1::MeAqCInitResTBS tbs, asn1::decode<asn1::MeAqCInitResTBS>(sig.content));
  if (!same(tbs.rrpid, rrpid_) || !same(tbs.lid_ee, lid_ee_) || !same(tbs.chall_ee, chall_))
    return mismatch("Me-AqCInitRes");
  OPENSET_CHECK(take_cae(env, tbs.cae_thumb, sig));
  if (tbs.brand_crl_identifier) trust_.brand_crl_identifier = tbs.brand_crl_identifier;
  lid_ca_ = tbs.lid_ca.value_or(Bytes{});
  chall_ca_ = tbs.chall_ca;
  fields_.clear();
  referral_.reset();
  if (const auto* f = std::get_if<asn1::RegFormData>(&tbs.reg_form_or_referral.value)) {
    if (f->reg_template) {
      reg_form_id_ = f->reg_template->reg_form_id;
      fields_ = f->reg_template->reg_field_seq.value_or(std::vector<asn1::RegField>{});
    }
  } else {
    referral_ = std::get<asn1::ReferralData>(tbs.reg_form_or_referral.value);
  }
  return std::optional<Bytes>{};
}

Status Registration::on_reg_form_res(const Env& env, ByteView response) {
  OPENSET_TRY(asn1::MessageWrapper w, expect(response, Message::kRegistrationFormResponse));
  OPENSET_TRY(CertifiedSignature sig,
              verify(env, std::get<Message::kRegistrationFormResponse>(w.message.value), CT::kRegFormResTBS));
  OPENSET_TRY(asn1::RegFormResTBS tbs, asn1::decode<asn1::RegFormResTBS>(sig.content));
  if (!same(tbs.rrpid, rrpid_) || !same(tbs.lid_ee, lid_ee_) || !same(tbs.chall_ee2, chall_))
    return mismatch("RegFormRes");
  if (tbs.cae_thumb) OPENSET_CHECK(take_cae(env, *tbs.cae_thumb, sig));
  if (tbs.brand_crl_identifier) trust_.brand_crl_identifier = tbs.brand_crl_identifier;
  if (tbs.lid_ca) lid_ca_ = *tbs.lid_ca;
  chall_ca_ = tbs.chall_ca;
  fields_.clear();
  referral_.reset();
  if (const auto* f = std::get_if<asn1::RegFormData>(&tbs.form_or_referal.value)) {
    if (f->reg_template) {
      reg_form_id_ = f->reg_template->reg_form_id;
      fields_ = f->reg_template->reg_field_seq.value_or(std::vector<asn1::RegField>{});
    }
  } else {
    referral_ = std::get<asn1::ReferralData>(tbs.form_or_referal.value);
  }
  return Ok{};
}

Result<Bytes> Registration::cert_req(const Env& env, const std::map<std::string, std::string>& answers) {
  if (ca_cert_.empty()) return Error(Errc::kInvalidArgument, "cert_req: no CA certificate yet (initiate first)");
  if (referral_) return Error(Errc::kInvalidArgument, "cert_req: the CA referred us elsewhere");
  RequestKind kind = request_kind(request_type_);
  bool cardholder = cfg_.who == Requester::kCardholder;
  pki::CertType sig_type = cardholder ? pki::CertType::kCardholder
                           : cfg_.who == Requester::kMerchant ? pki::CertType::kMerchantSignature
                                                              : pki::CertType::kGatewaySignature;
  pki::CertType kx_type = cfg_.who == Requester::kMerchant ? pki::CertType::kMerchantKeyExchange
                                                           : pki::CertType::kGatewayKeyExchange;
  OPENSET_TRY(sig_key_, cfg_.make_key(sig_type));
  if (kind.key_exchange) {
    OPENSET_TRY(kx_key_, cfg_.make_key(kx_type));
  }

  rrpid_ = env.random.bytes(20);
  chall_ = env.random.bytes(20);
  asn1::CertReqData d;
  d.rrpid = rrpid_;
  d.lid_ee = lid_ee_;
  d.chall_ee3 = chall_;
  if (!lid_ca_.empty()) d.lid_ca = lid_ca_;
  if (!chall_ca_.empty()) d.chall_ca = chall_ca_;
  d.request_type = request_type_;
  d.request_date = env.date();
  if (!cardholder)
    d.id_data = asn1::IDData{asn1::MerchantAcquirerID{cfg_.acquirer_bin, asn1::MerchantID(cfg_.merchant_id)}};
  d.reg_form_id = reg_form_id_;
  std::vector<asn1::RegFormItems> items;
  for (const auto& [name, value] : answers) {
    if (value.empty()) continue;
    asn1::RegFormItems it;
    it.field_name = asn1::FieldName(name);
    it.field_value.value.emplace<0>(asn1::FieldValueString(value));
    items.push_back(std::move(it));
  }
  if (!items.empty()) d.reg_form = std::move(items);
  if (cardholder) {
    // CAKey: the key the CA encrypts CertRes with (EncK; notes §5.4 caBackKeyData).
    back_key_ = SecretBytes(crypto::random_bytes(crypto::key_size(cfg_.suite->cipher)));
    d.ca_back_key_data = asn1::BackKeyData{
        cfg_.suite->cipher == crypto::CipherAlg::kDesCbc ? asn1::oid::des_cbc() : asn1::oid::aes256_cbc(),
        to_bytes(back_key_.view())};
  }
  OPENSET_TRY(d.public_key_sor_e.public_key_s, spki_of(sig_key_->public_key()));
  if (kx_key_) {
    OPENSET_TRY(d.public_key_sor_e.public_key_e, spki_of(kx_key_->public_key()));
  }
  if (renew_cert_) {
    OPENSET_TRY(d.ee_thumb, pki::cert_thumb(*cfg_.suite, *renew_cert_));
  }
  OPENSET_TRY(d.thumbs, my_thumbs());
  Bytes t = asn1::encode(d);

  std::vector<seal::Signer> signers;
  signers.push_back(seal::Signer{&*sig_key_, uncertified_key_id(), cfg_.suite, {}});
  if (renew_cert_) {
    OPENSET_TRY(asn1::IssuerAndSerialNumber old_id, certificate_issuer_and_serial(*renew_cert_));
    signers.push_back(seal::Signer{&*renew_key_, old_id, cfg_.suite, {*renew_cert_}});
  }
  OPENSET_TRY(crypto::PublicKey ca_key, crypto::certificate_public_key(ca_cert_));
  OPENSET_TRY(asn1::IssuerAndSerialNumber ca_id, certificate_issuer_and_serial(ca_cert_));
  seal::Recipient recipient{ca_key, ca_id, cfg_.suite};

  asn1::CertReq cr;
  if (cardholder) {
    // EncX { C, CA, CertReqData, AcctInfo }: PANData0 { pan, cardExpiry, cardSecret, exNonce }
    // in the RSA block (notes §2.5, §5.4).
    card_secret_ = SecretBytes(env.random.bytes(20));
    asn1::AcctInfo ai{asn1::PANData0{pan_, expiry_, to_bytes(card_secret_.view()), env.random.bytes(20)}};
    SecretBytes param(asn1::encode(ai));
    OPENSET_TRY(asn1::EnvelopedData e, seal::EncX(std::span<const seal::Signer>(signers), recipient,
                                                  cert_req_encx_types(), t, param.view(),
                                                  crypto::block_contents::kKeyAcctInfo));
    cr.value.emplace<asn1::CertReq::kEncX>(std::move(e));
  } else {
    // Enc { M|P, CA, CertReqData } = E { CA, S { EE, CertReqData } }.
    OPENSET_TRY(asn1::SignedData s, seal::S(std::span<const seal::Signer>(signers), ct(CT::kCertReqData), t));
    OPENSET_TRY(asn1::EnvelopedData e, seal::E(recipient, ct(CT::kCertReqTBE), asn1::encode(s)));
    cr.value.emplace<asn1::CertReq::kEnc>(std::move(e));
  }
  asn1::Message m;
  m.value.emplace<Message::kCertificateRequest>(std::move(cr));
  return wrap_request(env, std::move(m));
}

Result<Bytes> Registration::cert_inq_req(const Env& env) {
  if (!sig_key_ || lid_ca_.empty()) return Error(Errc::kInvalidArgument, "cert_inq_req: no pending request");
  rrpid_ = env.random.bytes(20);
  chall_ = env.random.bytes(20);
  asn1::CertInqReqTBS tbs{rrpid_, lid_ee_, chall_, lid_ca_};
  seal::Signer s{&*sig_key_, uncertified_key_id(), cfg_.suite, {}};
  OPENSET_TRY(asn1::SignedData sd, seal::S(s, ct(CT::kCertInqReqTBS), asn1::encode(tbs)));
  asn1::Message m;
  m.value.emplace<Message::kCertificateInquiryRequest>(std::move(sd));
  return wrap_request(env, std::move(m));
}

Result<Registration::Outcome> Registration::on_cert_res(const Env& env, ByteView response) {
  OPENSET_TRY(asn1::MessageWrapper probe, unwrap(response));
  std::size_t index = message_index(probe) == Message::kCertificateInquiryResponse ? Message::kCertificateInquiryResponse
                                                                                    : Message::kCertificateResponse;
  OPENSET_TRY(asn1::MessageWrapper w, expect(response, index));
  const asn1::CertRes& res = index == Message::kCertificateResponse
                                 ? std::get<Message::kCertificateResponse>(w.message.value)
                                 : std::get<Message::kCertificateInquiryResponse>(w.message.value);
  asn1::SignedData sd;
  if (const auto* ek = std::get_if<asn1::CertRes::kCertResTBSK>(&res.value)) {
    if (back_key_.size() == 0) return refusal(ErrorCode::kUnspecifiedFailure, "an encrypted CertRes, but no back key");
    seal::KeyData kd;
    kd.cipher = cfg_.suite->cipher;
    kd.key = back_key_;
    OPENSET_TRY(seal::OpenedEnvelope o, seal::open_EK(*ek, kd, ct(CT::kCertResTBE), trust_.policy));
    OPENSET_TRY(sd, asn1::decode<asn1::SignedData>(o.content.view()));
  } else {
    sd = std::get<asn1::CertRes::kCertResTBS>(res.value);
  }
  OPENSET_TRY(CertifiedSignature sig, verify(env, sd, CT::kCertResData));
  OPENSET_TRY(asn1::CertResData d, asn1::decode<asn1::CertResData>(sig.content));
  if (!same(d.rrpid, rrpid_) || !same(d.lid_ee, lid_ee_) || !same(d.chall_ee3, chall_)) return mismatch("CertRes");
  if (!lid_ca_.empty() && !same(d.lid_ca, lid_ca_))
    return refusal(ErrorCode::kUnknownLID, "CertRes names another lid-CA");
  lid_ca_ = d.lid_ca;
  if (d.cert_status.nonce_cca) nonce_cca_ = d.cert_status.nonce_cca;

  switch (d.cert_status.cert_status_code) {
    case asn1::CertStatusCode::kRequestComplete: break;
    case asn1::CertStatusCode::kRequestPended:
    case asn1::CertStatusCode::kRequestInProgress: return Outcome::kPending;
    default:
      return refusal(ErrorCode::kUnspecifiedFailure,
                     "the CA did not issue: " + std::string(status_name(d.cert_status.cert_status_code)), Errc::kPolicy);
  }

  // The certificates named by certThumbs, each for one of our keys and valid for its use.
  if (!d.cert_thumbs || !d.cert_thumbs->cert_thumbs)
    return refusal(ErrorCode::kMissingCertificate, "CertRes complete without certThumbs");
  std::vector<Bytes> pool = sd.certificates.value_or(std::vector<Bytes>{});
  std::vector<Bytes> got_sig, got_kx;
  for (const auto& c : pool) {
    auto t = pki::thumbprint(crypto::suite(sig.path.suite).digest, c);
    if (!t.ok()) continue;
    const auto& want = *d.cert_thumbs->cert_thumbs;
    if (std::find(want.begin(), want.end(), *t) == want.end()) continue;
    OPENSET_TRY(crypto::PublicKey k, crypto::certificate_public_key(c));
    bool is_sig = sig_key_ && k == sig_key_->public_key();
    bool is_kx = kx_key_ && k == kx_key_->public_key();
    if (!is_sig && !is_kx) return refusal(ErrorCode::kInvalidCertificate, "CertRes: a certificate for a key we did not send");
    pki::CertType type = cfg_.who == Requester::kCardholder ? pki::CertType::kCardholder
                         : cfg_.who == Requester::kMerchant
                             ? (is_sig ? pki::CertType::kMerchantSignature : pki::CertType::kMerchantKeyExchange)
                             : (is_sig ? pki::CertType::kGatewaySignature : pki::CertType::kGatewayKeyExchange);
    OPENSET_TRY(pki::ValidatedPath p, validate_certificate(env, c, type, trust_, pool, cfg_.brand));
    (void)p;
    (is_sig ? got_sig : got_kx).push_back(c);
  }
  if (got_sig.size() != 1 || got_kx.size() != (kx_key_ ? 1u : 0u))
    return refusal(ErrorCode::kMissingCertificate, "CertRes does not carry the certificates asked for");

  if (cfg_.who == Requester::kCardholder) {
    // PANSecret = CardSecret XOR NonceCCA, and the certificate must carry the ID it implies
    // (notes §5.6): the wallet checks that the CA hashed the right account number.
    if (!nonce_cca_) return refusal(ErrorCode::kUnspecifiedFailure, "CertRes without nonceCCA");
    OPENSET_TRY(pan_secret_, pki::pan_secret(card_secret_, *nonce_cca_));
    OPENSET_TRY(std::string id, pki::unique_cardholder_id(*cfg_.suite, pan_, expiry_, pan_secret_));
    OPENSET_TRY(asn1::Certificate cert, asn1::decode<asn1::Certificate>(got_sig[0]));
    Bytes subject = asn1::encode(cert.to_be_signed.subject);
    std::string text(subject.begin(), subject.end());
    if (text.find(id) == std::string::npos)
      return refusal(ErrorCode::kInvalidCertificate, "the cardholder certificate does not carry our account's ID");
  }
  certificates_ = got_sig;
  for (auto& c : got_kx) certificates_.push_back(std::move(c));
  return Outcome::kComplete;
}

}  // namespace openset::roles::certs
