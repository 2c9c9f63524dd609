#include "openset/roles/wire.hpp"

#include <array>
#include <utility>

#include "openset/asn1/oids.hpp"
#include "openset/crypto/x509.hpp"

namespace openset::roles {

namespace {

using asn1::ErrorCode;

bool is_decoding_class(Errc c) {
  switch (c) {
    case Errc::kTruncated:
    case Errc::kMalformed:
    case Errc::kNotDer:
    case Errc::kConstraint:
      return true;
    default:
      return false;
  }
}

}  // namespace

// ---- refusals ----------------------------------------------------------------------------

Error refusal(ErrorCode code, std::string detail, Errc errc) {
  Error e(errc, std::move(detail));
  e.set_code = static_cast<std::int32_t>(code);
  return e;
}

Error with_set_code(Error e, ErrorCode code) {
  if (e.set_code == 0) e.set_code = static_cast<std::int32_t>(code);
  return e;
}

ErrorCode set_error_code(const Error& e) {
  if (e.set_code >= 1 && e.set_code <= 22) return static_cast<ErrorCode>(e.set_code);
  if (is_decoding_class(e.code)) return ErrorCode::kDecodingFailure;
  switch (e.code) {
    case Errc::kSignature:
    case Errc::kDigestMismatch:
      return ErrorCode::kSignatureFailure;
    case Errc::kLimit:
      return ErrorCode::kMessageTooBig;
    default:
      return ErrorCode::kUnspecifiedFailure;
  }
}

Error path_error(const pki::PathFailure& f) { return with_set_code(f.error, f.code); }

// ---- MessageWrapper ----------------------------------------------------------------------

asn1::MessageHeader make_header(const Env& env, std::optional<asn1::MessageIDs> ids,
                                std::optional<Bytes> rrpid) {
  asn1::MessageHeader h;
  h.version = 1;
  h.revision = 0;
  h.date = env.date();
  h.message_ids = std::move(ids);
  h.rrpid = std::move(rrpid);
  h.sw_ident = std::string(kSoftwareIdent);
  return h;
}

Bytes wrap(const asn1::MessageHeader& header, asn1::Message message) {
  asn1::MessageWrapper w;
  w.message_header = header;
  w.message = std::move(message);
  return asn1::encode(w);
}

Result<asn1::MessageWrapper> unwrap(ByteView der) {
  auto w = asn1::decode<asn1::MessageWrapper>(der);
  if (!w.ok()) return with_set_code(std::move(w).error().prefix("MessageWrapper"),
                                    ErrorCode::kDecodingFailure);
  return w;
}

std::string_view message_type_name(std::size_t index) {
  // Book 3 names of the Message CHOICE alternatives, by tag (notes §1.6); index 32 = [999].
  static constexpr std::array<std::string_view, 33> kNames = {
      "PInitReq",   "PInitRes",   "PReq",          "PRes",          "InqReq",
      "InqRes",     "AuthReq",    "AuthRes",       "AuthRevReq",    "AuthRevRes",
      "CapReq",     "CapRes",     "CapRevReq",     "CapRevRes",     "CredReq",
      "CredRes",    "CredRevReq", "CredRevRes",    "PCertReq",      "PCertRes",
      "BatchAdminReq", "BatchAdminRes", "CardCInitReq", "CardCInitRes", "Me-AqCInitReq",
      "Me-AqCInitRes", "RegFormReq", "RegFormRes", "CertReq",       "CertRes",
      "CertInqReq", "CertInqRes", "Error"};
  return index < kNames.size() ? kNames[index] : std::string_view("unknown");
}

// ---- the Error message -------------------------------------------------------------------

Result<Bytes> make_error_message(const Env& env, const Error& why, ByteView offending,
                                 const seal::Signer* signer) {
  // ErrorTBS (set-1.asn1, SetMessage; notes §4.11): errorMsg echoes the refused message's
  // header when it can be decoded, else a copy of (the start of) the refused bytes.
  asn1::ErrorTBS tbs;
  tbs.error_code = set_error_code(why);
  tbs.error_nonce = env.random.bytes(20);
  std::optional<asn1::MessageIDs> ids;
  std::optional<Bytes> rrpid;
  auto received = asn1::decode<asn1::MessageWrapper>(offending);
  if (received.ok()) {
    tbs.error_msg.value = received->message_header;
    ids = received->message_header.message_ids;
    rrpid = received->message_header.rrpid;
  } else {
    constexpr std::size_t kMaxCopy = 20000;  // badWrapper OCTET STRING (SIZE(1..20000))
    Bytes copy(offending.begin(),
               offending.begin() + static_cast<std::ptrdiff_t>(std::min(offending.size(), kMaxCopy)));
    if (copy.empty()) copy.push_back(0);  // nothing arrived: one zero octet stands for it
    tbs.error_msg.value = std::move(copy);
  }

  asn1::SetError error;
  if (signer != nullptr) {
    Bytes tbs_der = asn1::encode(tbs);
    OPENSET_TRY(asn1::SignedData sd,
                seal::S(*signer, asn1::oid::content(asn1::oid::ContentType::kErrorTBS), tbs_der));
    error.value = std::move(sd);
  } else {
    error.value = std::move(tbs);
  }
  asn1::Message m;
  m.value.emplace<asn1::Message::kError>(std::move(error));
  return wrap(make_header(env, std::move(ids), std::move(rrpid)), std::move(m));
}

Result<ReceivedError> read_error(const asn1::MessageWrapper& w) {
  if (message_index(w) != asn1::Message::kError)
    return refusal(ErrorCode::kMessageNotSupported, "not an Error message", Errc::kMalformed);
  const auto& e = std::get<asn1::Message::kError>(w.message.value);
  ReceivedError out;
  asn1::ErrorTBS tbs;
  if (const auto* sd = std::get_if<asn1::SignedData>(&e.value)) {
    out.signed_error = true;
    if (!sd->content_info.content)
      return refusal(ErrorCode::kDecodingFailure, "signedError without content", Errc::kMalformed);
    OPENSET_TRY(tbs, asn1::decode<asn1::ErrorTBS>(*sd->content_info.content));
  } else {
    tbs = std::get<asn1::ErrorTBS>(e.value);
  }
  out.code = tbs.error_code;
  if (const auto* h = std::get_if<asn1::MessageHeader>(&tbs.error_msg.value)) out.about = *h;
  return out;
}

// ---- signed messages from certified parties ----------------------------------------------

Result<asn1::IssuerAndSerialNumber> certificate_issuer_and_serial(ByteView certificate) {
  OPENSET_TRY(crypto::CertificateId cid, crypto::certificate_id(certificate));
  asn1::IssuerAndSerialNumber id;
  id.issuer = std::move(cid.issuer);
  id.serial_number = std::move(cid.serial);
  return id;
}

std::optional<Bytes> find_certificate(const asn1::IssuerAndSerialNumber& id,
                                      std::span<const Bytes> candidates) {
  for (const Bytes& c : candidates) {
    auto cid = certificate_issuer_and_serial(c);
    if (cid.ok() && *cid == id) return c;
  }
  return std::nullopt;
}

namespace {

std::vector<Bytes> all_certificates(const asn1::SignedData& sd, const TrustContext& trust,
                                    std::span<const Bytes> extra = {}) {
  std::vector<Bytes> all;
  if (sd.certificates) all = *sd.certificates;
  all.insert(all.end(), trust.certificates.begin(), trust.certificates.end());
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

Result<pki::ValidatedPath> validate_in(const Env& env, ByteView leaf, pki::CertType expected,
                                       const TrustContext& trust, std::span<const Bytes> pool,
                                       const std::optional<std::string>& brand) {
  if (trust.validator == nullptr)
    return Error(Errc::kInvalidArgument, "no path validator configured");
  pki::ValidationRequest req;
  req.leaf = leaf;
  req.intermediates = pool;
  req.crls = trust.crls;
  if (trust.brand_crl_identifier) req.brand_crl_identifier = ByteView(*trust.brand_crl_identifier);
  req.at = env.date();
  req.expected = expected;
  req.brand = brand;
  req.suites = trust.policy.suites;
  pki::PathResult r = trust.validator->validate(req);
  if (!r.ok()) return path_error(r.failure());
  return r.path();
}

// The certificates of every SignerInfo, validated; the trusted signers for seal.
struct Signers {
  std::vector<seal::TrustedSigner> trusted;
  Bytes first_certificate;
  pki::ValidatedPath first_path;
};

Result<Signers> certified_signers(const Env& env, const asn1::SignedData& sd,
                                  pki::CertType expected, const TrustContext& trust,
                                  const std::optional<std::string>& brand) {
  std::vector<Bytes> pool = all_certificates(sd, trust);
  Signers out;
  for (std::size_t i = 0; i < sd.signer_infos.size(); ++i) {
    const auto& si = sd.signer_infos[i];
    std::optional<Bytes> cert = find_certificate(si.issuer_and_serial_number, pool);
    if (!cert)
      return refusal(ErrorCode::kMissingCertificate,
                     "no certificate for the signer of the message (not sent, not held)",
                     Errc::kSignature);
    OPENSET_TRY(pki::ValidatedPath path, validate_in(env, *cert, expected, trust, pool, brand));
    out.trusted.push_back(seal::TrustedSigner{path.leaf_key, si.issuer_and_serial_number});
    if (i == 0) {
      out.first_certificate = *cert;
      out.first_path = std::move(path);
    }
  }
  if (out.trusted.empty())
    return refusal(ErrorCode::kSignatureRequired, "SignedData without a SignerInfo",
                   Errc::kMalformed);
  return out;
}

}  // namespace

Result<CertifiedSignature> verify_signed(const Env& env, const asn1::SignedData& signed_data,
                                         const der::Oid& content_type, pki::CertType expected,
                                         const TrustContext& trust,
                                         std::optional<std::string> brand) {
  OPENSET_TRY(Signers signers, certified_signers(env, signed_data, expected, trust, brand));
  auto verified = seal::verify_S(signed_data, content_type, signers.trusted, trust.policy);
  if (!verified.ok()) return with_set_code(std::move(verified).error(), ErrorCode::kSignatureFailure);
  CertifiedSignature out;
  out.content = std::move(verified->content);
  out.signature = std::move(verified->signature);
  out.signer_certificate = std::move(signers.first_certificate);
  out.path = std::move(signers.first_path);
  return out;
}

Result<CertifiedSignature> verify_signed_detached(const Env& env,
                                                  const asn1::SignedData& signed_data,
                                                  const der::Oid& content_type,
                                                  ByteView content_der, pki::CertType expected,
                                                  const TrustContext& trust,
                                                  std::optional<std::string> brand) {
  OPENSET_TRY(Signers signers, certified_signers(env, signed_data, expected, trust, brand));
  auto verified =
      seal::verify_SO(signed_data, content_type, content_der, signers.trusted, trust.policy);
  if (!verified.ok()) return with_set_code(std::move(verified).error(), ErrorCode::kSignatureFailure);
  CertifiedSignature out;
  out.signature = std::move(*verified);
  out.signer_certificate = std::move(signers.first_certificate);
  out.path = std::move(signers.first_path);
  return out;
}

Result<pki::ValidatedPath> validate_certificate(const Env& env, ByteView certificate,
                                                pki::CertType expected, const TrustContext& trust,
                                                std::span<const Bytes> extra_certificates,
                                                std::optional<std::string> brand) {
  std::vector<Bytes> pool(trust.certificates.begin(), trust.certificates.end());
  pool.insert(pool.end(), extra_certificates.begin(), extra_certificates.end());
  return validate_in(env, certificate, expected, trust, pool, brand);
}

}  // namespace openset::roles
