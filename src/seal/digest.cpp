// H, HMAC, DD and L (SetPKCS7Plus).
#include "openset/seal/digest.hpp"

#include <utility>

#include "internal.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/digest.hpp"

namespace openset::seal {

Result<Bytes> H(const crypto::Suite& suite, ByteView der) { return crypto::digest(suite.digest, der); }

Result<Bytes> HMAC(const crypto::Suite& suite, ByteView key, ByteView der) {
  return crypto::hmac(suite.digest, key, der);
}

Result<asn1::DigestedData> DD(const crypto::Suite& suite, const der::Oid& content_type,
                              ByteView der) {
  OPENSET_CHECK(detail::check_one_tlv(der, "DD: the value to digest"));
  asn1::DigestedData dd;
  dd.dd_version = 0;
  dd.digest_algorithm = detail::alg_ids(suite).digest;
  dd.content_info.content_type = content_type;
  OPENSET_TRY(dd.digest, H(suite, der));
  return dd;
}

Result<Bytes> DD_der(const crypto::Suite& suite, const der::Oid& content_type, ByteView der) {
  OPENSET_TRY(asn1::DigestedData dd, DD(suite, content_type, der));
  return asn1::encode(dd);
}

Result<DigestCheck> check_DD(const asn1::DigestedData& dd, const der::Oid& expected_content_type,
                             ByteView der, const Policy& policy) {
  if (dd.content_info.content.has_value())
    return make_error(Errc::kConstraint, "DD: contentInfo.content must be absent (detached digest)");
  if (!(dd.content_info.content_type == expected_content_type))
    return detail::content_type_error("DD: contentInfo.contentType", dd.content_info.content_type,
                                      expected_content_type);
  OPENSET_TRY(detail::DigestSuite ds, detail::digest_suite(dd.digest_algorithm, policy));
  const std::size_t n = crypto::digest_size(ds.alg);
  if (dd.digest.size() != n)
    return make_error(Errc::kConstraint, "DD: digest is " + std::to_string(dd.digest.size()) +
                                             " octets, " + std::string(crypto::to_string(ds.alg)) +
                                             " needs " + std::to_string(n));
  OPENSET_TRY(Bytes d, crypto::digest(ds.alg, der));
  if (!ct_equal(d, dd.digest))
    return make_error(Errc::kDigestMismatch,
                      "DD: digest does not match the " +
                          detail::describe_oid(expected_content_type) + " value received");
  return DigestCheck{ds.suite, std::move(d)};
}

Result<DigestCheck> check_DD(ByteView dd_der, const der::Oid& expected_content_type, ByteView der,
                             const Policy& policy) {
  OPENSET_TRY(asn1::DigestedData dd, asn1::decode<asn1::DigestedData>(dd_der));
  return check_DD(dd, expected_content_type, der, policy);
}

Result<Bytes> L(const crypto::Suite& suite, ByteView t1_der, const der::Oid& t2_content_type,
                ByteView t2_der) {
  OPENSET_CHECK(detail::check_one_tlv(t1_der, "L: t1"));
  OPENSET_TRY(Bytes dd, DD_der(suite, t2_content_type, t2_der));
  return detail::sequence_of_two(t1_der, dd);
}

Result<LinkageParts> split_L(ByteView l_der) {
  der::Reader outer(l_der);
  OPENSET_TRY(der::Reader in, outer.enter_sequence());
  OPENSET_CHECK(outer.expect_end());
  OPENSET_TRY(der::Element t1, in.read_any());
  OPENSET_TRY(der::Element t2, in.read_element(der::tags::kSequence));
  if (!in.empty())
    return make_error(Errc::kMalformed, "L: unexpected data after t2", in.offset());
  return LinkageParts{t1.tlv, t2.tlv};
}

Result<CheckedLinkage> check_L(ByteView l_der, const der::Oid& t2_content_type, ByteView t2_der,
                               const Policy& policy) {
  OPENSET_TRY(LinkageParts parts, split_L(l_der));
  OPENSET_TRY(DigestCheck c, check_DD(parts.t2, t2_content_type, t2_der, policy));
  return CheckedLinkage{to_bytes(parts.t1), std::move(c)};
}

}  // namespace openset::seal
