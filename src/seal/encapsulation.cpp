// Enc, EncK, EncX, EncB, EncBX (SetPKCS7Plus "Set Encapsulation Types") and their opening.
#include <string>
#include <utility>

#include "envelope_internal.hpp"
#include "internal.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/signature.hpp"

namespace openset::seal {
namespace {

Status same_suite(const Signer& signer, const Recipient& recipient, std::string_view op) {
  OPENSET_TRY(const crypto::Suite* s, detail::need_suite(signer.suite, std::string(op) + " signer"));
  OPENSET_TRY(const crypto::Suite* r,
              detail::need_suite(recipient.suite, std::string(op) + " recipient"));
  if (s->id != r->id)
    return make_error(Errc::kInvalidArgument,
                      std::string(op) + ": the signer's and the recipient's suites differ");
  return Ok{};
}

Status signature_in_suite(const SignatureInfo& info, crypto::SuiteId envelope_suite) {
  if (info.suite != envelope_suite)
    return make_error(Errc::kUnsupported,
                      "the signature's suite (" + std::string(crypto::to_string(info.suite)) +
                          ") differs from the envelope's (" +
                          std::string(crypto::to_string(envelope_suite)) + ")");
  return Ok{};
}

// SEQUENCE { enc EnvelopedData, baggage Baggage }: the two TLVs, exactly as received.
struct Pair {
  ByteView first;
  ByteView second;
};
Result<Pair> split_pair(ByteView der, std::string_view what) {
  der::Reader outer(der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element a, in.read_element(der::tags::kSequence));
  OPENSET_TRY(der::Element b, in.read_any());
  if (!in.empty())
    return make_error(Errc::kMalformed,
                      std::string(what) + ": unexpected data after the baggage", in.offset());
  return Pair{a.tlv, b.tlv};
}

// Signs SEQUENCE { t, p } detached and returns the plaintext SEQUENCE { t, SO }.
Result<Bytes> encx_plaintext(const Signer& signer, const EncXTypes& types, ByteView t_der,
                             ByteView param_der) {
  OPENSET_CHECK(detail::check_one_tlv(t_der, "EncX: T"));
  OPENSET_CHECK(detail::check_one_tlv(param_der, "EncX: Param"));
  SecretBytes tp(detail::sequence_of_two(t_der, param_der));
  OPENSET_TRY(asn1::SignedData so, SO(signer, types.signed_type, tp.view()));
  return detail::sequence_of_two(t_der, asn1::encode(so));
}

// Opens an EncX: returns T, Param and the signature over SEQUENCE { T, Param }.
Result<OpenedEnvelope> open_encx(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                 const EncXTypes& types, std::uint8_t block_contents,
                                 std::span<const TrustedSigner> trusted, const Policy& policy,
                                 const SignerResolver* resolve = nullptr) {
  OPENSET_TRY(detail::Unsealed u, detail::unseal(env, holder, types.enveloped_type,
                                                 block_contents, {false, true}, policy));
  // Plaintext = SEQUENCE { t T, s SO{S, SEQUENCE { t T, p Param }} }.
  der::Reader outer(u.plaintext.view());
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element t, in.read_any());
  OPENSET_TRY(der::Element s, in.read_element(der::tags::kSequence));
  if (!in.empty()) return make_error(Errc::kMalformed, "EncX: unexpected data after s", in.offset());
  OPENSET_TRY(asn1::SignedData so, asn1::decode<asn1::SignedData>(s.tlv));
  std::vector<TrustedSigner> resolved;
  if (resolve != nullptr) {
    OPENSET_TRY(resolved, (*resolve)(t.tlv, so));
    trusted = resolved;
  }
  SecretBytes tp(detail::sequence_of_two(t.tlv, u.param.view()));
  OPENSET_TRY(SignatureInfo info, verify_SO(so, types.signed_type, tp.view(), trusted, policy));
  OPENSET_CHECK(signature_in_suite(info, u.suite));
  OpenedEnvelope out;
  out.suite = u.suite;
  out.block_contents = u.block_contents;
  out.content = SecretBytes(t.tlv);
  out.param = std::move(u.param);
  out.signature = std::move(info);
  return out;
}

// Replaces the L{T, Baggage} in `o.content` by T, having checked DD{Baggage} against `baggage`.
Status check_baggage(OpenedEnvelope& o, const der::Oid& baggage_type, ByteView baggage,
                     const Policy& policy) {
  OPENSET_TRY(CheckedLinkage cl, check_L(o.content.view(), baggage_type, baggage, policy));
  if (cl.t2.suite != o.suite)
    return make_error(Errc::kUnsupported, "DD{Baggage} is not in the envelope's suite");
  o.content = SecretBytes(std::move(cl.t1));
  o.baggage = to_bytes(baggage);
  o.baggage_digest = std::move(cl.t2.digest);
  return Ok{};
}

}  // namespace

Result<asn1::EnvelopedData> Enc(const Signer& signer, const Recipient& recipient,
                                const EncTypes& types, ByteView t_der) {
  OPENSET_CHECK(same_suite(signer, recipient, "Enc"));
  OPENSET_TRY(asn1::SignedData s, S(signer, types.signed_type, t_der));
  return E(recipient, types.enveloped_type, asn1::encode(s));
}

Result<asn1::EncryptedData> EncK(const KeyData& key, const Signer& signer, const EncTypes& types,
                                 ByteView t_der) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(signer.suite, "EncK signer"));
  if (suite->cipher != key.cipher)
    return make_error(Errc::kInvalidArgument, "EncK: the key's cipher is not the signer's suite's");
  OPENSET_TRY(asn1::SignedData s, S(signer, types.signed_type, t_der));
  return EK(key, types.enveloped_type, asn1::encode(s));
}

Result<asn1::EnvelopedData> EncX(const Signer& signer, const Recipient& recipient,
                                 const EncXTypes& types, ByteView t_der, ByteView param_der,
                                 std::uint8_t block_contents) {
  OPENSET_CHECK(same_suite(signer, recipient, "EncX"));
  OPENSET_TRY(Bytes plaintext, encx_plaintext(signer, types, t_der, param_der));
  SecretBytes param(param_der);
  return detail::envelope(recipient, types.enveloped_type, plaintext, block_contents, param.view());
}

Result<asn1::EnvelopedData> EncX(std::span<const Signer> signers, const Recipient& recipient,
                                 const EncXTypes& types, ByteView t_der, ByteView param_der,
                                 std::uint8_t block_contents) {
  if (signers.empty()) return make_error(Errc::kInvalidArgument, "EncX: no signer");
  for (const Signer& s : signers) OPENSET_CHECK(same_suite(s, recipient, "EncX"));
  OPENSET_CHECK(detail::check_one_tlv(t_der, "EncX: T"));
  OPENSET_CHECK(detail::check_one_tlv(param_der, "EncX: Param"));
  SecretBytes tp(detail::sequence_of_two(t_der, param_der));
  OPENSET_TRY(asn1::SignedData so, SO(signers, types.signed_type, tp.view()));
  Bytes plaintext = detail::sequence_of_two(t_der, asn1::encode(so));
  SecretBytes param(param_der);
  return detail::envelope(recipient, types.enveloped_type, plaintext, block_contents, param.view());
}

Result<Bytes> EncB(const Signer& signer, const Recipient& recipient, const EncBTypes& types,
                   ByteView t_der, ByteView baggage_der) {
  OPENSET_CHECK(same_suite(signer, recipient, "EncB"));
  OPENSET_CHECK(detail::check_one_tlv(baggage_der, "EncB: Baggage"));
  OPENSET_TRY(Bytes l, L(*signer.suite, t_der, types.baggage_type, baggage_der));
  OPENSET_TRY(asn1::EnvelopedData enc,
              Enc(signer, recipient, EncTypes{types.signed_type, types.enveloped_type}, l));
  return detail::sequence_of_two(asn1::encode(enc), baggage_der);
}

Result<Bytes> EncBX(const Signer& signer, const Recipient& recipient, const EncBXTypes& types,
                    ByteView t_der, ByteView baggage_der, ByteView param_der,
                    std::uint8_t block_contents) {
  OPENSET_CHECK(same_suite(signer, recipient, "EncBX"));
  OPENSET_CHECK(detail::check_one_tlv(baggage_der, "EncBX: Baggage"));
  OPENSET_TRY(Bytes l, L(*signer.suite, t_der, types.baggage_type, baggage_der));
  OPENSET_TRY(asn1::EnvelopedData encx,
              EncX(signer, recipient, EncXTypes{types.signed_type, types.enveloped_type}, l,
                   param_der, block_contents));
  return detail::sequence_of_two(asn1::encode(encx), baggage_der);
}

Result<OpenedEnvelope> open_Enc(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                const EncTypes& types, std::span<const TrustedSigner> trusted,
                                const Policy& policy) {
  OPENSET_TRY(OpenedEnvelope o, open_E(env, holder, types.enveloped_type, policy));
  OPENSET_TRY(asn1::SignedData s, asn1::decode<asn1::SignedData>(o.content.view()));
  OPENSET_TRY(VerifiedContent v, verify_S(s, types.signed_type, trusted, policy));
  OPENSET_CHECK(signature_in_suite(v.signature, o.suite));
  o.content = SecretBytes(std::move(v.content));
  o.signature = std::move(v.signature);
  return o;
}

Result<OpenedEnvelope> open_EncK(const asn1::EncryptedData& data, const KeyData& key,
                                 const EncTypes& types, std::span<const TrustedSigner> trusted,
                                 const Policy& policy) {
  OPENSET_TRY(OpenedEnvelope o, open_EK(data, key, types.enveloped_type, policy));
  OPENSET_TRY(asn1::SignedData s, asn1::decode<asn1::SignedData>(o.content.view()));
  OPENSET_TRY(VerifiedContent v, verify_S(s, types.signed_type, trusted, policy));
  OPENSET_CHECK(signature_in_suite(v.signature, o.suite));
  o.content = SecretBytes(std::move(v.content));
  o.signature = std::move(v.signature);
  return o;
}

Result<OpenedEnvelope> open_EncX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                 const EncXTypes& types, std::uint8_t block_contents,
                                 std::span<const TrustedSigner> trusted, const Policy& policy) {
  return open_encx(env, holder, types, block_contents, trusted, policy);
}

Result<OpenedEnvelope> open_EncX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                 const EncXTypes& types, std::uint8_t block_contents,
                                 const SignerResolver& resolve, const Policy& policy) {
  return open_encx(env, holder, types, block_contents, {}, policy, &resolve);
}

Result<OpenedEnvelope> open_EncB(ByteView encb_der, const KeyHolder& holder,
                                 const EncBTypes& types, std::span<const TrustedSigner> trusted,
                                 const Policy& policy) {
  OPENSET_TRY(Pair parts, split_pair(encb_der, "EncB"));
  OPENSET_TRY(asn1::EnvelopedData env, asn1::decode<asn1::EnvelopedData>(parts.first));
  OPENSET_TRY(OpenedEnvelope o, open_Enc(env, holder,
                                         EncTypes{types.signed_type, types.enveloped_type},
                                         trusted, policy));
  OPENSET_CHECK(check_baggage(o, types.baggage_type, parts.second, policy));
  return o;
}

Result<OpenedEnvelope> open_EncBX(ByteView encbx_der, const KeyHolder& holder,
                                  const EncBXTypes& types, std::uint8_t block_contents,
                                  std::span<const TrustedSigner> trusted, const Policy& policy) {
  OPENSET_TRY(Pair parts, split_pair(encbx_der, "EncBX"));
  OPENSET_TRY(asn1::EnvelopedData env, asn1::decode<asn1::EnvelopedData>(parts.first));
  OPENSET_TRY(OpenedEnvelope o,
              open_encx(env, holder, EncXTypes{types.signed_type, types.enveloped_type},
                        block_contents, trusted, policy));
  OPENSET_CHECK(check_baggage(o, types.baggage_type, parts.second, policy));
  return o;
}

}  // namespace openset::seal
