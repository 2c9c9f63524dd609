// Book 3's hashing operators (SetPKCS7Plus): H, HMAC, DD and L.
//
//   H{T}        raw digest of DER(T) (carried only inside RSA blocks)
//   HMAC{T, K}  keyed digest of DER(T)
//   DD{T}       DigestedData, content ABSENT; digest of the complete TLV of T (tag and length
//               included) — Book 3's constraint on DD
//   L{T1, T2}   SEQUENCE { t1 T1, t2 DD{T2} }
//
// Inputs are complete DER TLVs (`der` / `t1_der` ...). Content types are the id-set-content OIDs
// of the hashed type (docs/seal.md, "DD content type"). The digest algorithm is the suite's.
#pragma once

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/parties.hpp"

namespace openset::seal {

// H{T}: the suite's digest of `der`.
Result<Bytes> H(const crypto::Suite& suite, ByteView der);

// HMAC{T, Key}: the suite's HMAC of `der` under `key`.
Result<Bytes> HMAC(const crypto::Suite& suite, ByteView key, ByteView der);

// DD{T}: detached DigestedData { ddVersion 0, suite digest AlgId, contentInfo { content_type },
// digest = H(der) }. `der` must be exactly one DER TLV (else kInvalidArgument).
Result<asn1::DigestedData> DD(const crypto::Suite& suite, const der::Oid& content_type, ByteView der);
// The same, DER-encoded.
Result<Bytes> DD_der(const crypto::Suite& suite, const der::Oid& content_type, ByteView der);

// What a digest check established.
struct DigestCheck {
  crypto::SuiteId suite;  // identified from the digestAlgorithm, accepted by the policy
  Bytes digest;           // recomputed over the data the receiver holds (equal to the DD's)
};

// Checks a received DD{T} against the bytes of T the receiver holds (as received, never a
// re-encoding): content absent; contentType == expected_content_type (kConstraint); digest
// algorithm known (kUnsupported) and its suite accepted (kPolicy); digest of exactly the
// suite's size (kConstraint; SET 1.0 bound: 20 octets); digest equal (kDigestMismatch).
Result<DigestCheck> check_DD(const asn1::DigestedData& dd, const der::Oid& expected_content_type,
                             ByteView der, const Policy& policy);
// The same from the DD's DER.
Result<DigestCheck> check_DD(ByteView dd_der, const der::Oid& expected_content_type, ByteView der,
                             const Policy& policy);

// L{T1, T2} in DER: SEQUENCE { t1_der, DD{T2} }.
Result<Bytes> L(const crypto::Suite& suite, ByteView t1_der, const der::Oid& t2_content_type,
                ByteView t2_der);

// The two components of a received L, as views into the input (exact bytes as received).
struct LinkageParts {
  ByteView t1;  // complete TLV of T1
  ByteView t2;  // complete TLV of DD{T2}
};
// Splits SEQUENCE { t1, t2 } (kMalformed on anything else; t2 must be a SEQUENCE).
Result<LinkageParts> split_L(ByteView l_der);

struct CheckedLinkage {
  Bytes t1;          // T1 as received
  DigestCheck t2;    // DD{T2} checked against the T2 the receiver holds
};
// Splits a received L and checks its DD{T2} against `t2_der` (see check_DD).
Result<CheckedLinkage> check_L(ByteView l_der, const der::Oid& t2_content_type, ByteView t2_der,
                               const Policy& policy);

}  // namespace openset::seal
