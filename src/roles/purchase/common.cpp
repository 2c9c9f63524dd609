#include "openset/roles/purchase/common.hpp"

#include <cstdio>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/signature.hpp"

namespace openset::roles::purchase {

using asn1::ErrorCode;

Result<seal::Signer> Credentials::signer(bool with_certificates, bool include_key_exchange) const {
  if (suite == nullptr || !signature_key)
    return Error(Errc::kInvalidArgument, "credentials without a signature key");
  OPENSET_TRY(asn1::IssuerAndSerialNumber id, certificate_issuer_and_serial(signature_certificate));
  seal::Signer s{&signature_key, std::move(id), suite, {}};
  if (with_certificates) {
    s.certificates.push_back(signature_certificate);
    if (include_key_exchange && !key_exchange_certificate.empty())
      s.certificates.push_back(key_exchange_certificate);
    s.certificates.insert(s.certificates.end(), chain.begin(), chain.end());
  }
  return s;
}

Result<seal::KeyHolder> Credentials::holder() const {
  if (!key_exchange_key || key_exchange_certificate.empty())
    return Error(Errc::kInvalidArgument, "credentials without a key-exchange key");
  OPENSET_TRY(asn1::IssuerAndSerialNumber id, certificate_issuer_and_serial(key_exchange_certificate));
  return seal::KeyHolder{&key_exchange_key, std::move(id)};
}

std::string_view peer_name(Peer p) {
  switch (p) {
    case Peer::kCardholder: return "cardholder";
    case Peer::kMerchant: return "merchant";
    case Peer::kGateway: return "gateway";
  }
  return "?";
}

// ---- freshness ---------------------------------------------------------------------------------

Status check_freshness(const Env& env, const der::Time& date, const Freshness& window,
                       std::string_view what) {
  std::int64_t t = date.to_unix();
  std::int64_t now = env.now();
  if (t < now - window.max_age)
    return refusal(ErrorCode::kMessageTooOld, std::string(what) + " is older than the window");
  if (t > now + window.max_skew)
    return refusal(ErrorCode::kMessageTooNew, std::string(what) + " is in the future");
  return Ok{};
}

Status check_header(const Env& env, const asn1::MessageHeader& h, const Freshness& window) {
  // version setVer1 and revision 0 are enforced by the decoder (notes §1.2).
  return check_freshness(env, h.date, window, "MessageHeader.date");
}

// ---- walking bytes -----------------------------------------------------------------------------

Result<ByteView> message_body(ByteView wrapper_der) {
  der::Reader outer(wrapper_der);
  OPENSET_TRY(der::Reader mw, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element header, mw.read_element(der::tags::kSequence));
  (void)header;
  // message [0] EXPLICIT Message; each alternative [n] EXPLICIT (notes §1.1, §1.6).
  OPENSET_TRY(der::Reader message, mw.enter(der::context(0, true)));
  OPENSET_TRY(der::Element alt, message.read_any());
  OPENSET_CHECK(message.expect_end());
  OPENSET_TRY(der::Reader in, message.open(alt));
  OPENSET_TRY(der::Element body, in.read_any());
  OPENSET_CHECK(in.expect_end());
  return body.tlv;
}

Result<ByteView> explicit_inner(ByteView tlv, std::uint32_t tag) {
  der::Reader r(tlv);
  OPENSET_TRY(der::Reader in, r.enter(der::context(tag, true)));
  OPENSET_CHECK(r.expect_end());
  OPENSET_TRY(der::Element e, in.read_any());
  OPENSET_CHECK(in.expect_end());
  return e.tlv;
}

Result<Pair> split_pair(ByteView sequence_der) {
  der::Reader outer(sequence_der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element a, in.read_any());
  OPENSET_TRY(der::Element b, in.read_any());
  OPENSET_CHECK(in.expect_end());
  return Pair{a.tlv, b.tlv};
}

Bytes explicit_wrap(std::uint32_t tag, ByteView tlv) {
  der::Writer w;
  w.begin(der::context(tag, true)).add_raw(tlv).end();
  return w.finish();
}

Bytes xid_der(ByteView xid) {
  der::Writer w;
  w.add_octet_string(xid);
  return w.finish();
}

Result<PReqParts> preq_parts(ByteView preq_der) {
  // PReq ::= CHOICE { pReqDualSigned [0] EXPLICIT PReqDualSigned, pReqUnsigned [1] ... }
  der::Reader r(preq_der);
  OPENSET_TRY(der::Tag tag, r.peek_tag());
  if (tag == der::context(1, true)) {
    OPENSET_TRY(ByteView unsigned_preq, explicit_inner(preq_der, 1));
    OPENSET_TRY(Pair p, split_pair(unsigned_preq));  // PReqUnsigned { piUnsigned, oiUnsigned }
    PReqParts out;
    out.unsigned_pi = true;
    out.pi_unsigned = p.first;
    OPENSET_TRY(seal::LinkageParts l, seal::split_L(p.second));  // L{OIData, PIDataUnsigned}
    out.oi_data = l.t1;
    out.h_pi_data = l.t2;
    return out;
  }
  OPENSET_TRY(ByteView dual, explicit_inner(preq_der, 0));
  OPENSET_TRY(Pair p, split_pair(dual));  // PReqDualSigned { piDualSigned, oiDualSigned }
  PReqParts out;
  out.pi_dual_signed = p.first;
  out.oi_dual_signed = p.second;
  OPENSET_TRY(Pair pi, split_pair(p.first));  // PIDualSigned { piSignature, exPIData }
  out.pi_signature = pi.first;
  OPENSET_TRY(seal::LinkageParts l, seal::split_L(p.second));  // L{OIData, PIData}
  out.oi_data = l.t1;
  out.h_pi_data = l.t2;
  return out;
}

// ---- opening ------------------------------------------------------------------------------------

namespace {

Error integrity(Error e) {
  // One wire code for every failure of an envelope and its signature (docs/seal.md).
  e.set_code = static_cast<std::int32_t>(ErrorCode::kSignatureFailure);
  return e;
}

}  // namespace

Result<OpenedSigned> open_enc(const Env& env, const asn1::EnvelopedData& env_data,
                              const seal::KeyHolder& holder, const seal::EncTypes& types,
                              pki::CertType signer_type, const TrustContext& trust,
                              std::optional<std::string> brand) {
  auto opened = seal::open_E(env_data, holder, types.enveloped_type, trust.policy);
  if (!opened.ok()) return integrity(std::move(opened).error());
  auto sd = asn1::decode<asn1::SignedData>(opened->content.view());
  if (!sd.ok()) return integrity(std::move(sd).error());
  auto verified = verify_signed(env, *sd, types.signed_type, signer_type, trust, std::move(brand));
  if (!verified.ok()) {
    Error e = std::move(verified).error();
    if (e.set_code == 0) e.set_code = static_cast<std::int32_t>(ErrorCode::kSignatureFailure);
    return e;
  }
  if (verified->signature.suite != opened->suite)
    return refusal(ErrorCode::kSignatureFailure, "the signature's suite is not the envelope's",
                   Errc::kUnsupported);
  OpenedSigned out;
  out.suite = opened->suite;
  out.content = verified->content;
  out.signed_content = std::move(verified->content);
  out.signer_certificate = std::move(verified->signer_certificate);
  if (sd->certificates) out.certificates = *sd->certificates;
  out.path = std::move(verified->path);
  return out;
}

Result<OpenedSigned> open_encb(const Env& env, ByteView encb_der, const seal::KeyHolder& holder,
                               const seal::EncBTypes& types, pki::CertType signer_type,
                               const TrustContext& trust, std::optional<std::string> brand) {
  auto parts = split_pair(encb_der);
  if (!parts.ok()) return with_set_code(std::move(parts).error(), ErrorCode::kDecodingFailure);
  auto env_data = asn1::decode<asn1::EnvelopedData>(parts->first);
  if (!env_data.ok()) return with_set_code(std::move(env_data).error(), ErrorCode::kDecodingFailure);
  OPENSET_TRY(OpenedSigned o, open_enc(env, *env_data, holder,
                                       seal::EncTypes{types.signed_type, types.enveloped_type},
                                       signer_type, trust, std::move(brand)));
  // L{T, Baggage}: DD{Baggage} against the baggage received (EncB binding, notes §8.4 item 2).
  auto checked = seal::check_L(o.content, types.baggage_type, parts->second, trust.policy);
  if (!checked.ok()) return integrity(std::move(checked).error());
  if (checked->t2.suite != o.suite)
    return refusal(ErrorCode::kSignatureFailure, "DD{Baggage} is not in the envelope's suite",
                   Errc::kUnsupported);
  o.content = std::move(checked->t1);
  o.baggage = to_bytes(parts->second);
  return o;
}

// ---- certificates -------------------------------------------------------------------------------

Result<std::string> merchant_id_of(ByteView certificate) {
  OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(certificate));
  const asn1::Extension* e =
      asn1::find_extension(c.to_be_signed.extensions, asn1::oid::set_merchant_data());
  if (e == nullptr)
    return refusal(ErrorCode::kInvalidCertificate, "merchant certificate without MerchantData",
                   Errc::kConstraint);
  OPENSET_TRY(asn1::MerchantDataSyntax md, asn1::decode<asn1::MerchantDataSyntax>(e->extn_value));
  return md.mer_id.text();
}

Result<std::string> common_name_of(ByteView certificate) {
  OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(certificate));
  auto cn = c.to_be_signed.subject.get(asn1::NameAttr::kCN);
  if (!cn) return Error(Errc::kConstraint, "certificate subject without CN");
  return *cn;
}

std::optional<Bytes> find_by_thumb(const crypto::Suite& suite, const asn1::CertThumb& thumb,
                                   std::span<const Bytes> candidates) {
  for (const Bytes& c : candidates) {
    auto t = pki::cert_thumb(suite, c);
    if (t.ok() && *t == thumb) return c;
  }
  return std::nullopt;
}

Result<seal::Recipient> recipient_of(ByteView key_exchange_certificate, const crypto::Suite& suite) {
  OPENSET_TRY(crypto::PublicKey key, crypto::certificate_public_key(key_exchange_certificate));
  OPENSET_TRY(asn1::IssuerAndSerialNumber id, certificate_issuer_and_serial(key_exchange_certificate));
  return seal::Recipient{std::move(key), std::move(id), &suite};
}

Result<Bytes> first_valid(const Env& env, std::span<const Bytes> candidates, pki::CertType type,
                          const TrustContext& trust, std::optional<std::string> brand) {
  std::optional<Error> first_error;
  for (const Bytes& c : candidates) {
    auto t = asn1::decode<asn1::Certificate>(c);
    if (!t.ok()) continue;
    // Only leaves of the wanted type are candidates (CA certificates come along as the chain).
    auto r = validate_certificate(env, c, type, trust, candidates, brand);
    if (r.ok()) return c;
    if (!first_error && r.error().set_code !=
                            static_cast<std::int32_t>(ErrorCode::kInvalidCertificate))
      first_error = r.error();
  }
  if (first_error) return *first_error;
  return refusal(ErrorCode::kMissingCertificate,
                 fmt::format("no valid {} certificate", pki::to_string(type)), Errc::kConstraint);
}

// ---- values ----------------------------------------------------------------------------------

const der::Oid& content_type(asn1::oid::ContentType t) { return asn1::oid::content(t); }

std::string hex(ByteView b) { return to_hex(b); }

Bytes sha256(ByteView b) {
  auto d = crypto::digest(crypto::DigestAlg::kSha256, b);
  return d.ok() ? std::move(d).value() : Bytes{};
}

std::string last4(std::string_view pan) {
  return pan.size() <= 4 ? std::string("****") : std::string(pan.substr(pan.size() - 4));
}

bool same_denomination(const Money& a, const Money& b) {
  return a.currency == b.currency && a.amt_exp10 == b.amt_exp10;
}

Answer refuse(const Env& env, const Error& why, ByteView offending, const seal::Signer* signer,
              Peer to, const Log& log, std::string_view who) {
  Answer a;
  a.refused = set_error_code(why);
  a.detail = why.message;
  if (log)
    log(fmt::format("{}: refused ({}): {}", who, static_cast<int>(*a.refused), why.message));
  // Never answer an Error with an Error (notes §4.11).
  auto w = unwrap(offending);
  if (w.ok() && message_index(*w) == asn1::Message::kError) return a;
  auto msg = make_error_message(env, why, offending, signer);
  if (msg.ok()) a.send.push_back(Outgoing{to, "Error", std::move(msg).value()});
  return a;
}

}  // namespace openset::roles::purchase
