// S and SO (SetPKCS7Plus) and their verification.
#include "openset/seal/signature.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "internal.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/signature.hpp"

namespace openset::seal {
namespace {

namespace oid = asn1::oid;

Bytes oid_tlv(const der::Oid& o) {
  der::Writer w;
  w.add_oid(o);
  return w.finish();
}

Bytes octets_tlv(ByteView v) {
  der::Writer w;
  w.add_octet_string(v);
  return w.finish();
}

std::vector<asn1::Attribute> make_attributes(const der::Oid& content_type, ByteView digest) {
  asn1::Attribute ct;
  ct.type = oid::pkcs9_content_type();
  ct.values = {oid_tlv(content_type)};
  asn1::Attribute md;
  md.type = oid::pkcs9_message_digest();
  md.values = {octets_tlv(digest)};
  return {std::move(ct), std::move(md)};
}

Result<asn1::SignedData> sign(std::span<const Signer> signers, const der::Oid& content_type,
                              ByteView content_der, bool detached) {
  if (signers.empty() || signers.size() > 2)
    return make_error(Errc::kInvalidArgument, "S/SO: a SignedData has 1 or 2 signers, got " +
                                                  std::to_string(signers.size()));
  for (const Signer& s : signers) {
    OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(s.suite, "S/SO signer"));
    if (s.key == nullptr || !*s.key)
      return make_error(Errc::kInvalidArgument, "S/SO: signer has no private key");
    if (suite->id != signers[0].suite->id)
      return make_error(Errc::kInvalidArgument, "S/SO: all signers must use the same suite");
  }
  OPENSET_CHECK(detail::check_one_tlv(content_der, "S/SO: the content"));
  const crypto::Suite& suite = *signers[0].suite;

  OPENSET_TRY(Bytes digest, crypto::digest(suite.digest, content_der));
  std::vector<asn1::Attribute> attributes = make_attributes(content_type, digest);
  const Bytes to_sign = signed_attributes_der(attributes);

  asn1::SignedData sd;
  sd.sd_version = 2;
  sd.digest_algorithms = {detail::alg_ids(suite).digest};
  sd.content_info.content_type = content_type;
  if (!detached) sd.content_info.content = to_bytes(content_der);

  std::vector<Bytes> certs;
  for (const Signer& s : signers)
    for (const Bytes& c : s.certificates)
      if (std::find(certs.begin(), certs.end(), c) == certs.end()) certs.push_back(c);
  if (!certs.empty()) sd.certificates = std::move(certs);

  for (const Signer& s : signers) {
    asn1::SignerInfo si;
    si.si_version = 2;
    si.issuer_and_serial_number = s.id;
    si.digest_algorithm = detail::alg_ids(suite).digest;
    si.authenticated_attributes = attributes;
    si.digest_encryption_algorithm = detail::alg_ids(suite).signer;
    OPENSET_TRY(si.encrypted_digest, crypto::sign(*s.key, suite.digest, to_sign));
    sd.signer_infos.push_back(std::move(si));
  }
  return sd;
}

// The one value of a single-valued attribute (the decoder enforces SIZE(1)).
Result<ByteView> single_value(const asn1::Attribute& a, std::string_view name) {
  if (a.values.size() != 1)
    return make_error(Errc::kConstraint, std::string(name) + " attribute must have one value");
  return ByteView(a.values[0]);
}

Status verify_signer(const asn1::SignerInfo& si, const der::Oid& expected_content_type,
                     crypto::DigestAlg alg, ByteView message_digest,
                     std::span<const TrustedSigner> trusted, std::size_t& matched) {
  OPENSET_CHECK(detail::check_signer_algorithm(si.digest_encryption_algorithm));
  if (!si.authenticated_attributes)
    return make_error(Errc::kConstraint, "authenticatedAttributes are missing (SET requires them)");
  if (si.unauthenticated_attributes)
    return make_error(Errc::kConstraint, "unauthenticatedAttributes must be absent");

  const asn1::Attribute* ct = nullptr;
  const asn1::Attribute* md = nullptr;
  for (const asn1::Attribute& a : *si.authenticated_attributes) {
    const asn1::Attribute** slot = nullptr;
    if (a.type == oid::pkcs9_content_type()) slot = &ct;
    else if (a.type == oid::pkcs9_message_digest()) slot = &md;
    else
      return make_error(Errc::kUnsupported,
                        "authenticated attribute " + detail::describe_oid(a.type) +
                            " is not one SET defines (contentType, messageDigest)");
    if (*slot != nullptr)
      return make_error(Errc::kConstraint,
                        "authenticated attribute " + detail::describe_oid(a.type) + " appears twice");
    *slot = &a;
  }
  if (ct == nullptr) return make_error(Errc::kConstraint, "contentType attribute is missing");
  if (md == nullptr) return make_error(Errc::kConstraint, "messageDigest attribute is missing");

  OPENSET_TRY(ByteView ct_value, single_value(*ct, "contentType"));
  der::Reader ctr(ct_value);
  OPENSET_TRY(der::Oid signed_type, ctr.read_oid());
  OPENSET_CHECK(ctr.expect_end());
  if (!(signed_type == expected_content_type))
    return detail::content_type_error("contentType attribute", signed_type, expected_content_type);

  OPENSET_TRY(ByteView md_value, single_value(*md, "messageDigest"));
  der::Reader mdr(md_value);
  OPENSET_TRY(ByteView got, mdr.read_octet_string());
  OPENSET_CHECK(mdr.expect_end());
  if (got.size() != crypto::digest_size(alg))
    return make_error(Errc::kConstraint,
                      "messageDigest is " + std::to_string(got.size()) + " octets, " +
                          std::string(crypto::to_string(alg)) + " needs " +
                          std::to_string(crypto::digest_size(alg)));
  if (!ct_equal(got, message_digest))
    return make_error(Errc::kDigestMismatch, "messageDigest does not match the content");

  auto it = std::find_if(trusted.begin(), trusted.end(), [&](const TrustedSigner& t) {
    return t.id == si.issuer_and_serial_number;
  });
  if (it == trusted.end())
    return make_error(Errc::kSignature, "signed by an unexpected key");
  matched = static_cast<std::size_t>(it - trusted.begin());

  return crypto::verify(it->key, alg, signed_attributes_der(*si.authenticated_attributes),
                        si.encrypted_digest);
}

Result<SignatureInfo> verify(const asn1::SignedData& sd, const der::Oid& expected_content_type,
                             std::optional<ByteView> detached_content,
                             std::span<const TrustedSigner> trusted, const Policy& policy) {
  ByteView content;
  if (detached_content) {
    if (sd.content_info.content)
      return make_error(Errc::kConstraint, "SO: contentInfo.content must be absent (detached)");
    OPENSET_CHECK(detail::check_one_tlv(*detached_content, "SO: the content to verify"));
    content = *detached_content;
  } else {
    if (!sd.content_info.content)
      return make_error(Errc::kConstraint, "S: contentInfo.content is absent");
    content = *sd.content_info.content;
  }
  if (sd.signer_infos.empty() || sd.signer_infos.size() > 2)
    return make_error(Errc::kConstraint, "SignedData must have 1 or 2 signerInfos");
  if (!(sd.content_info.content_type == expected_content_type))
    return detail::content_type_error("contentInfo.contentType", sd.content_info.content_type,
                                      expected_content_type);

  // digestAlgorithms lists exactly the algorithms the signers use.
  if (sd.digest_algorithms.empty())
    return make_error(Errc::kConstraint, "digestAlgorithms is empty");
  for (const auto& a : sd.digest_algorithms) {
    bool used = std::any_of(sd.signer_infos.begin(), sd.signer_infos.end(),
                            [&](const asn1::SignerInfo& si) { return si.digest_algorithm == a; });
    if (!used)
      return make_error(Errc::kConstraint,
                        "digestAlgorithms lists " + detail::describe_oid(a.algorithm) +
                            ", which no signer uses");
  }
  for (const auto& si : sd.signer_infos) {
    if (std::find(sd.digest_algorithms.begin(), sd.digest_algorithms.end(), si.digest_algorithm) ==
        sd.digest_algorithms.end())
      return make_error(Errc::kConstraint, "a signer's digestAlgorithm is not listed in digestAlgorithms");
  }

  // One suite for all signers, accepted by the receiver.
  std::optional<detail::DigestSuite> ds;
  for (const auto& si : sd.signer_infos) {
    OPENSET_TRY(detail::DigestSuite s, detail::digest_suite(si.digest_algorithm, policy));
    if (ds && ds->suite != s.suite)
      return make_error(Errc::kUnsupported, "signers use different suites");
    ds = s;
  }

  SignatureInfo info;
  info.suite = ds->suite;
  OPENSET_TRY(info.message_digest, crypto::digest(ds->alg, content));
  for (std::size_t i = 0; i < sd.signer_infos.size(); ++i) {
    std::size_t matched = 0;
    Status s = verify_signer(sd.signer_infos[i], expected_content_type, ds->alg,
                             info.message_digest, trusted, matched);
    if (!s.ok()) {
      Error e = std::move(s).error();
      if (sd.signer_infos.size() > 1) e.prefix("signerInfos[" + std::to_string(i) + "]");
      return e;
    }
    if (std::find(info.signers.begin(), info.signers.end(), matched) != info.signers.end())
      return make_error(Errc::kSignature, "the same key signed twice");
    info.signers.push_back(matched);
  }
  return info;
}

}  // namespace

Bytes signed_attributes_der(const std::vector<asn1::Attribute>& attributes) {
  // Attribute ::= SEQUENCE { type OID, values SET OF ANY }, written directly (same bytes as
  // asn1::encode(Attribute); the values of a received attribute are already in DER order).
  der::Writer w;
  w.begin(der::tags::kSet);  // not begin_set_of: keep the received order, re-tag only
  for (const auto& a : attributes) {
    w.begin_sequence().add_oid(a.type).begin(der::tags::kSet);
    for (const auto& v : a.values) w.add_raw(v);
    w.end().end();
  }
  w.end();
  return w.finish();
}

Result<asn1::SignedData> S(const Signer& signer, const der::Oid& content_type, ByteView content_der) {
  return sign(std::span<const Signer>(&signer, 1), content_type, content_der, false);
}
Result<asn1::SignedData> SO(const Signer& signer, const der::Oid& content_type, ByteView content_der) {
  return sign(std::span<const Signer>(&signer, 1), content_type, content_der, true);
}
Result<asn1::SignedData> S(std::span<const Signer> signers, const der::Oid& content_type,
                           ByteView content_der) {
  return sign(signers, content_type, content_der, false);
}
Result<asn1::SignedData> SO(std::span<const Signer> signers, const der::Oid& content_type,
                            ByteView content_der) {
  return sign(signers, content_type, content_der, true);
}

Result<VerifiedContent> verify_S(const asn1::SignedData& signed_data,
                                 const der::Oid& expected_content_type,
                                 std::span<const TrustedSigner> trusted, const Policy& policy) {
  OPENSET_TRY(SignatureInfo info,
              verify(signed_data, expected_content_type, std::nullopt, trusted, policy));
  return VerifiedContent{*signed_data.content_info.content, std::move(info)};
}

Result<VerifiedContent> verify_S(ByteView signed_data_der, const der::Oid& expected_content_type,
                                 std::span<const TrustedSigner> trusted, const Policy& policy) {
  OPENSET_TRY(asn1::SignedData sd, asn1::decode<asn1::SignedData>(signed_data_der));
  return verify_S(sd, expected_content_type, trusted, policy);
}

Result<SignatureInfo> verify_SO(const asn1::SignedData& signed_data,
                                const der::Oid& expected_content_type, ByteView content_der,
                                std::span<const TrustedSigner> trusted, const Policy& policy) {
  return verify(signed_data, expected_content_type, content_der, trusted, policy);
}

Result<SignatureInfo> verify_SO(ByteView signed_data_der, const der::Oid& expected_content_type,
                                ByteView content_der, std::span<const TrustedSigner> trusted,
                                const Policy& policy) {
  OPENSET_TRY(asn1::SignedData sd, asn1::decode<asn1::SignedData>(signed_data_der));
  return verify_SO(sd, expected_content_type, content_der, trusted, policy);
}

}  // namespace openset::seal
