// The dual signature (notes §3.8).
#include "openset/seal/dual_signature.hpp"

#include <string>
#include <utility>

#include "internal.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/seal/digest.hpp"

namespace openset::seal {
namespace {

namespace oid = asn1::oid;
using CT = oid::ContentType;

// A received DD whose data we do not hold: content absent, labelled `expected`, of `suite`'s
// digest algorithm and size.
Status check_dd_shape(ByteView dd_der, const der::Oid& expected, crypto::SuiteId suite,
                      const Policy& policy, std::string_view what) {
  auto dd = asn1::decode<asn1::DigestedData>(dd_der);
  if (!dd.ok()) {
    Error e = std::move(dd).error();
    e.prefix(what);
    return e;
  }
  if (dd->content_info.content)
    return make_error(Errc::kConstraint, std::string(what) + ": content must be absent (detached)");
  if (!(dd->content_info.content_type == expected))
    return detail::content_type_error(std::string(what) + ".contentInfo.contentType",
                                      dd->content_info.content_type, expected);
  OPENSET_TRY(detail::DigestSuite ds, detail::digest_suite(dd->digest_algorithm, policy));
  if (ds.suite != suite)
    return make_error(Errc::kConstraint,
                      std::string(what) + " is not in the suite of the dual signature");
  if (dd->digest.size() != crypto::digest_size(ds.alg))
    return make_error(Errc::kConstraint, std::string(what) + ": digest has the wrong size");
  return Ok{};
}

// The suite PISignature claims (from its first SignerInfo), accepted by the policy. verify_SO
// re-checks every signer.
Result<crypto::SuiteId> signature_suite(const asn1::SignedData& sig, const Policy& policy) {
  if (sig.signer_infos.empty())
    return make_error(Errc::kConstraint, "PISignature has no signerInfos");
  OPENSET_TRY(detail::DigestSuite ds, detail::digest_suite(sig.signer_infos[0].digest_algorithm, policy));
  return ds.suite;
}

Result<DualSignatureCheck> verify_pi_tbs(const asn1::SignedData& sig, Bytes h_pi_data,
                                         Bytes h_oi_data, std::span<const TrustedSigner> trusted,
                                         const Policy& policy) {
  DualSignatureCheck c;
  c.pi_tbs = detail::sequence_of_two(h_pi_data, h_oi_data);
  OPENSET_TRY(c.signature, verify_SO(sig, oid::content(CT::kPI_TBS), c.pi_tbs, trusted, policy));
  c.h_pi_data = std::move(h_pi_data);
  c.h_oi_data = std::move(h_oi_data);
  return c;
}

Result<asn1::SignedData> sign_pi_tbs(const Signer& cardholder, ByteView h_pi_data,
                                     ByteView h_oi_data) {
  return SO(cardholder, oid::content(CT::kPI_TBS), detail::sequence_of_two(h_pi_data, h_oi_data));
}

}  // namespace

SecretBytes make_pi_data(ByteView pi_head_der, ByteView pan_data_der) {
  return SecretBytes(detail::sequence_of_two(pi_head_der, pan_data_der));
}

Result<asn1::SignedData> dual_sign(const Signer& cardholder, ByteView pi_data_der,
                                   ByteView oi_data_der) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(cardholder.suite, "dual_sign"));
  OPENSET_TRY(Bytes h_pi, DD_der(*suite, oid::content(CT::kPIData), pi_data_der));
  OPENSET_TRY(Bytes h_oi, DD_der(*suite, oid::content(CT::kOIData), oi_data_der));
  return sign_pi_tbs(cardholder, h_pi, h_oi);
}

Result<DualSignatureCheck> verify_dual_signature_merchant(
    const asn1::SignedData& pi_signature, ByteView oi_data_der, ByteView h_pi_data_der,
    std::span<const TrustedSigner> cardholder, const Policy& policy) {
  OPENSET_TRY(crypto::SuiteId id, signature_suite(pi_signature, policy));
  OPENSET_CHECK(check_dd_shape(h_pi_data_der, oid::content(CT::kPIData), id, policy, "HPIData"));
  auto h_oi = DD_der(crypto::suite(id), oid::content(CT::kOIData), oi_data_der);
  if (!h_oi.ok()) {  // OIData is not one TLV: a malformed message, not a caller error
    Error e = std::move(h_oi).error();
    e.code = Errc::kMalformed;
    return e;
  }
  return verify_pi_tbs(pi_signature, to_bytes(h_pi_data_der), std::move(h_oi).value(), cardholder,
                       policy);
}

Result<DualSignatureCheck> verify_dual_signature_gateway(
    const asn1::SignedData& pi_signature, ByteView pi_data_der, ByteView h_oi_data_der,
    std::span<const TrustedSigner> cardholder, const Policy& policy) {
  OPENSET_TRY(crypto::SuiteId id, signature_suite(pi_signature, policy));
  OPENSET_CHECK(check_dd_shape(h_oi_data_der, oid::content(CT::kOIData), id, policy, "HOIData"));
  auto h_pi = DD_der(crypto::suite(id), oid::content(CT::kPIData), pi_data_der);
  if (!h_pi.ok()) {
    Error e = std::move(h_pi).error();
    e.code = Errc::kMalformed;
    return e;
  }
  return verify_pi_tbs(pi_signature, std::move(h_pi).value(), to_bytes(h_oi_data_der), cardholder,
                       policy);
}

Result<DualSignedPI> seal_dual_signed_pi(const Signer& cardholder, const Recipient& gateway,
                                         ByteView pi_head_der, ByteView oi_data_der,
                                         ByteView pan_data_der) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(cardholder.suite, "PI cardholder"));
  OPENSET_TRY(const crypto::Suite* gsuite, detail::need_suite(gateway.suite, "PI gateway"));
  if (suite->id != gsuite->id)
    return make_error(Errc::kInvalidArgument,
                      "PI: the cardholder's and the gateway's suites differ");
  OPENSET_CHECK(detail::check_one_tlv(pi_head_der, "PI: PIHead"));
  OPENSET_CHECK(detail::check_one_tlv(oi_data_der, "PI: OIData"));
  OPENSET_CHECK(detail::check_one_tlv(pan_data_der, "PI: PANData"));

  const SecretBytes pi_data = make_pi_data(pi_head_der, pan_data_der);
  DualSignedPI out;
  OPENSET_TRY(out.h_pi_data, DD_der(*suite, oid::content(CT::kPIData), pi_data.view()));
  OPENSET_TRY(Bytes h_oi, DD_der(*suite, oid::content(CT::kOIData), oi_data_der));
  OPENSET_TRY(out.pi_signature, sign_pi_tbs(cardholder, out.h_pi_data, h_oi));

  // PI-OILink = L{PIHead, OIData} = SEQUENCE { PIHead, DD{OIData} }
  const Bytes pi_oilink = detail::sequence_of_two(pi_head_der, h_oi);
  OPENSET_TRY(out.ex_pi_data,
              EX(gateway, oid::content(CT::kPIDualSignedTBE), pi_oilink,
                 oid::content(CT::kPANData), pan_data_der, crypto::block_contents::kKeyPanData));
  out.pi_dual_signed =
      detail::sequence_of_two(asn1::encode(out.pi_signature), asn1::encode(out.ex_pi_data));
  out.oi_dual_signed = detail::sequence_of_two(oi_data_der, out.h_pi_data);
  return out;
}

Result<OpenedDualSignedPI> open_dual_signed_pi(const asn1::SignedData& pi_signature,
                                               const asn1::EnvelopedData& ex_pi_data,
                                               const KeyHolder& gateway,
                                               std::span<const TrustedSigner> cardholder,
                                               const Policy& policy) {
  // RSA block → BC → decrypt → DD{PANData} check (open_EX), then the signature.
  OPENSET_TRY(OpenedEnvelope o,
              open_EX(ex_pi_data, gateway, oid::content(CT::kPIDualSignedTBE),
                      oid::content(CT::kPANData), crypto::block_contents::kKeyPanData, policy));
  OPENSET_TRY(LinkageParts link, split_L(o.content.view()));  // PI-OILink
  OPENSET_CHECK(check_dd_shape(link.t2, oid::content(CT::kOIData), o.suite, policy,
                               "PI-OILink.t2 (HOIData)"));
  const SecretBytes pi_data = make_pi_data(link.t1, o.param.view());
  OPENSET_TRY(DualSignatureCheck check, verify_dual_signature_gateway(
                                            pi_signature, pi_data.view(), link.t2, cardholder,
                                            policy));
  if (check.signature.suite != o.suite)
    return make_error(Errc::kUnsupported, "PISignature is not in the suite of exPIData");
  OpenedDualSignedPI out;
  out.suite = o.suite;
  out.pi_head = to_bytes(link.t1);
  out.pan_data = std::move(o.param);
  out.h_oi_data = to_bytes(link.t2);
  out.check = std::move(check);
  return out;
}

Result<OpenedDualSignedPI> open_dual_signed_pi(ByteView pi_dual_signed_der,
                                               const KeyHolder& gateway,
                                               std::span<const TrustedSigner> cardholder,
                                               const Policy& policy) {
  der::Reader outer(pi_dual_signed_der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element sig, in.read_element(der::tags::kSequence));
  OPENSET_TRY(der::Element ex, in.read_element(der::tags::kSequence));
  if (!in.empty())
    return make_error(Errc::kMalformed, "PIDualSigned: unexpected data after exPIData", in.offset());
  OPENSET_TRY(asn1::SignedData s, asn1::decode<asn1::SignedData>(sig.tlv));
  OPENSET_TRY(asn1::EnvelopedData e, asn1::decode<asn1::EnvelopedData>(ex.tlv));
  return open_dual_signed_pi(s, e, gateway, cardholder, policy);
}

Result<UnsignedPI> seal_unsigned_pi(const crypto::Suite& suite, const Recipient& gateway,
                                    ByteView pi_head_der, ByteView oi_data_der,
                                    ByteView pan_token_der) {
  OPENSET_TRY(Bytes pi_oilink, L(suite, pi_head_der, oid::content(CT::kOIData), oi_data_der));
  UnsignedPI out;
  OPENSET_TRY(out.pi_unsigned,
              EXH(gateway, oid::content(CT::kPIUnsignedTBE), pi_oilink, oid::content(CT::kPANToken),
                  pan_token_der, crypto::block_contents::kKeyHashPanToken));
  out.pi_unsigned_der = asn1::encode(out.pi_unsigned);
  // PIDataUnsigned holds the PAN: only its digest leaves this function.
  const SecretBytes pi_data_unsigned = make_pi_data(pi_head_der, pan_token_der);
  OPENSET_TRY(out.oi_unsigned,
              L(suite, oi_data_der, oid::content(CT::kPIDataUnsigned), pi_data_unsigned.view()));
  return out;
}

Result<OpenedUnsignedPI> open_unsigned_pi(ByteView pi_unsigned_der, const KeyHolder& gateway,
                                          const Policy& policy) {
  OPENSET_TRY(asn1::EnvelopedData e, asn1::decode<asn1::EnvelopedData>(pi_unsigned_der));
  OPENSET_TRY(OpenedEnvelope o,
              open_EXH(e, gateway, oid::content(CT::kPIUnsignedTBE), oid::content(CT::kPANToken),
                       crypto::block_contents::kKeyHashPanToken, policy));
  OPENSET_TRY(LinkageParts link, split_L(o.content.view()));  // PI-OILink
  OPENSET_CHECK(check_dd_shape(link.t2, oid::content(CT::kOIData), o.suite, policy,
                               "PI-OILink.t2 (HOIData)"));
  OpenedUnsignedPI out;
  out.suite = o.suite;
  out.pi_head = to_bytes(link.t1);
  out.pan_token = std::move(o.param);
  out.h_oi_data = to_bytes(link.t2);
  return out;
}

}  // namespace openset::seal
