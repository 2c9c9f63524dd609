// Book 3's signature operators S{SIGNER, T} (content carried) and SO{SIGNER, T} (detached), and
// their verification. The result is a SignedData of SET's PKCS#7 v1.6 profile (asn1/pkcs7.hpp):
//
//   SignedData { sdVersion 2, digestAlgorithms SEQUENCE OF { suite digest },
//                contentInfo { content_type, [0] EXPLICIT content TLV (S only) },
//                certificates [2] IMPLICIT (if the signer supplies some),
//                signerInfos SEQUENCE OF {                              -- 1 or 2 (renewal)
//                  siVersion 2, issuerAndSerialNumber, digestAlgorithm,
//                  authenticatedAttributes [2] EXPLICIT SEQUENCE OF {
//                    contentType = content_type, messageDigest = H(content TLV) },
//                  digestEncryptionAlgorithm rsaEncryption NULL,
//                  encryptedDigest = RSASSA-PKCS1-v1_5 over DER(SET OF the same attributes) } }
//
// Reconstructions (docs/seal.md): the signature covers the attributes re-tagged as SET OF (0x31)
// with the same content octets (PKCS#7 v1.5 §9.3, CMS §5.4); messageDigest covers the complete
// TLV of the content, tag and length included (like DD).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/parties.hpp"

namespace openset::seal {

// S{SIGNER, T}: content present. `content_der` must be exactly one DER TLV.
Result<asn1::SignedData> S(const Signer& signer, const der::Oid& content_type, ByteView content_der);
// SO{SIGNER, T}: content absent (detached); the receiver supplies T to verify.
Result<asn1::SignedData> SO(const Signer& signer, const der::Oid& content_type, ByteView content_der);
// Two signers (certificate renewal: old and new key). 1..2 signers, all of one suite.
Result<asn1::SignedData> S(std::span<const Signer> signers, const der::Oid& content_type,
                           ByteView content_der);
Result<asn1::SignedData> SO(std::span<const Signer> signers, const der::Oid& content_type,
                            ByteView content_der);

// What a signature verification established.
struct SignatureInfo {
  crypto::SuiteId suite = crypto::SuiteId::kModern;  // identified, and accepted by the policy
  // For each SignerInfo in order: the index into the caller's trusted signers that signed it.
  std::vector<std::size_t> signers;
  Bytes message_digest;  // H(content TLV) recomputed over the bytes verified
};

struct VerifiedContent {
  Bytes content;  // S: the content TLV exactly as received (never a re-encoding)
  SignatureInfo signature;
};

// Verifies S{SIGNER, T}. Checks, in order:
//   content present (kConstraint); 1..2 SignerInfos (decoder); every SignerInfo's
//   digestAlgorithm listed in digestAlgorithms and every listed one used (kConstraint);
//   suite identified from the digest AlgorithmIdentifiers (kUnsupported when unknown or mixed)
//   and accepted by policy (kPolicy); digestEncryptionAlgorithm rsaEncryption (kUnsupported);
//   unauthenticatedAttributes absent and authenticatedAttributes present, holding exactly
//   contentType and messageDigest once each (kConstraint / kUnsupported);
//   contentType attribute == expected_content_type == contentInfo.contentType (kConstraint);
//   messageDigest of the suite's size (kConstraint) and == H(content as received)
//   (kDigestMismatch); issuerAndSerialNumber names one of `trusted` (kSignature "signed by an
//   unexpected key"); the RSA signature under that key (kSignature). All signers are verified.
Result<VerifiedContent> verify_S(const asn1::SignedData& signed_data,
                                 const der::Oid& expected_content_type,
                                 std::span<const TrustedSigner> trusted, const Policy& policy);
// Decodes the SignedData first (decode errors as the asn1 layer reports them).
Result<VerifiedContent> verify_S(ByteView signed_data_der, const der::Oid& expected_content_type,
                                 std::span<const TrustedSigner> trusted, const Policy& policy);

// Verifies SO{SIGNER, T} against the T the receiver rebuilt (`content_der`, one TLV). Same
// checks as verify_S, with content required absent (kConstraint).
Result<SignatureInfo> verify_SO(const asn1::SignedData& signed_data,
                                const der::Oid& expected_content_type, ByteView content_der,
                                std::span<const TrustedSigner> trusted, const Policy& policy);
Result<SignatureInfo> verify_SO(ByteView signed_data_der, const der::Oid& expected_content_type,
                                ByteView content_der, std::span<const TrustedSigner> trusted,
                                const Policy& policy);

// The octets the RSA signature of a SignerInfo covers: the authenticated attributes encoded as
// SET OF (tag 0x31) with the content octets of the received SEQUENCE OF. Exposed for tests and
// for tools that convert to CMS.
Bytes signed_attributes_der(const std::vector<asn1::Attribute>& attributes);

}  // namespace openset::seal
