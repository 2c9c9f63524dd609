// SET's profile of PKCS#7 ("version 1.6"): module SetPKCS7Plus (2.23.42.6.6), DEFINITIONS
// EXPLICIT TAGS, and AlgorithmIdentifier / Attribute from SetAttribute (2.23.42.6.7, EXPLICIT).
// Notes §2.3. These are *not* the PKCS#7 v1.5 / CMS shapes: SEQUENCE OF instead of SET OF,
// certificates [2] IMPLICIT, crls [3] IMPLICIT, authenticatedAttributes [2] EXPLICIT, version 2.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "openset/asn1/schema.hpp"

namespace openset::asn1 {

// Size bounds. SET 1.0 fixes Digest at SIZE(1..20) (SHA-1) and EncryptedKey at SIZE(1..128)
// (RSA-1024). The `modern` suite needs 32-octet digests and RSA-2048+ key exchange, so the
// decoder accepts the wider bounds below and the seal layer enforces the exact size for the
// suite in use. Departure recorded in docs/departures.md (D-1, D-2).
inline constexpr std::size_t kSet1DigestMax = 20;
inline constexpr std::size_t kDigestMax = 32;
inline constexpr std::size_t kSet1EncryptedKeyMax = 128;
inline constexpr std::size_t kEncryptedKeyMax = 512;

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }   (SetAttribute)
struct AlgorithmIdentifier {
  static constexpr std::string_view kName = "AlgorithmIdentifier";
  der::Oid algorithm;
  std::optional<Bytes> parameters;  // complete TLV (NULL, CBC8Parameter, RSAES-OAEP-params)
  template <class V>
  void describe(V& v) {
    v(algorithm, "algorithm");
    v(parameters, "parameters", spec::Any{});
  }
  bool operator==(const AlgorithmIdentifier&) const = default;
};

// IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
struct IssuerAndSerialNumber {
  static constexpr std::string_view kName = "IssuerAndSerialNumber";
  Bytes issuer;         // Name, complete TLV as in the certificate
  Bytes serial_number;  // INTEGER content octets
  template <class V>
  void describe(V& v) {
    v(issuer, "issuer", spec::Any{"Name"});
    v(serial_number, "serialNumber", spec::BigInteger{"CertificateSerialNumber"});
  }
  bool operator==(const IssuerAndSerialNumber&) const = default;
};

// ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL }
struct ContentInfo {
  static constexpr std::string_view kName = "ContentInfo";
  der::Oid content_type;
  std::optional<Bytes> content;  // complete TLV of the inner value, as received
  template <class V>
  void describe(V& v) {
    v(content_type, "contentType", spec::ObjectId{"ContentType"});
    v(content, "content", explicit_(0, spec::Any{}));
  }
};

// Attribute ::= SEQUENCE { type OID, values SET SIZE(1) OF ANY }   (SetAttribute)
struct Attribute {
  static constexpr std::string_view kName = "Attribute";
  der::Oid type;
  std::vector<Bytes> values;
  template <class V>
  void describe(V& v) {
    v(type, "type");
    v(values, "values", spec::SetOf<spec::Any>{{}, {1, 1}, "SET SIZE(1) OF"});
  }
};

using AttributeSeqSpec = spec::SeqOf<spec::Seq<Attribute>>;

// SignerInfo (SET profile: siVersion 2, authenticatedAttributes [2] EXPLICIT and mandatory,
// unauthenticatedAttributes [3] EXPLICIT and absent).
struct SignerInfo {
  static constexpr std::string_view kName = "SignerInfo";
  std::int64_t si_version = 2;
  IssuerAndSerialNumber issuer_and_serial_number;
  AlgorithmIdentifier digest_algorithm;
  std::optional<std::vector<Attribute>> authenticated_attributes;
  AlgorithmIdentifier digest_encryption_algorithm;
  Bytes encrypted_digest;
  std::optional<std::vector<Attribute>> unauthenticated_attributes;
  template <class V>
  void describe(V& v) {
    v(si_version, "siVersion", spec::Integer{2, 2, "INTEGER { siVer2(2) }", {{2, "siVer2"}}});
    v(issuer_and_serial_number, "issuerAndSerialNumber");
    v(digest_algorithm, "digestAlgorithm");
    v(authenticated_attributes, "authenticatedAttributes",
      explicit_(2, AttributeSeqSpec{{}, {}, "AttributeSeq"}));
    v(digest_encryption_algorithm, "digestEncryptionAlgorithm");
    v(encrypted_digest, "encryptedDigest", spec::Octets{{}, "EncryptedDigest"});
    v(unauthenticated_attributes, "unauthenticatedAttributes",
      explicit_(3, AttributeSeqSpec{{}, {}, "AttributeSeq"}));
  }
};

// SignedData (sdVersion 2; SEQUENCE OF everywhere; certificates [2] IMPLICIT, crls [3] IMPLICIT).
// S{SIGNER, T}: content present; SO{SIGNER, T}: content absent (detached).
struct SignedData {
  static constexpr std::string_view kName = "SignedData";
  std::int64_t sd_version = 2;
  std::vector<AlgorithmIdentifier> digest_algorithms;
  ContentInfo content_info;
  std::optional<std::vector<Bytes>> certificates;  // each a complete Certificate TLV
  std::optional<std::vector<Bytes>> crls;          // each a complete CRL TLV
  std::vector<SignerInfo> signer_infos;
  template <class V>
  void describe(V& v) {
    v(sd_version, "sdVersion", spec::Integer{2, 2, "INTEGER { sdVer2(2) }", {{2, "sdVer2"}}});
    v(digest_algorithms, "digestAlgorithms",
      spec::SeqOf<spec::Seq<AlgorithmIdentifier>>{{}, {}, "DigestAlgorithmIdentifiers"});
    v(content_info, "contentInfo");
    v(certificates, "certificates",
      implicit(2, spec::SeqOf<spec::Any>{{"Certificate"}, {}, "Certificates"}));
    v(crls, "crls", implicit(3, spec::SeqOf<spec::Any>{{"CRL"}, {}, "CRLSequence"}));
    v(signer_infos, "signerInfos", spec::SeqOf<spec::Seq<SignerInfo>>{{}, {1, 2}, "SignerInfos"});
  }
};

// EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
//                                     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
struct EncryptedContentInfo {
  static constexpr std::string_view kName = "EncryptedContentInfo";
  der::Oid content_type;
  AlgorithmIdentifier content_encryption_algorithm;
  std::optional<Bytes> encrypted_content;
  template <class V>
  void describe(V& v) {
    v(content_type, "contentType", spec::ObjectId{"ContentType"});
    v(content_encryption_algorithm, "contentEncryptionAlgorithm");
    v(encrypted_content, "encryptedContent", implicit(0, spec::Octets{{}, "EncryptedContent"}));
  }
};

// RecipientInfo (riVersion 0; keyEncryptionAlgorithm rsaOAEPEncryptionSET in set1).
struct RecipientInfo {
  static constexpr std::string_view kName = "RecipientInfo";
  std::int64_t ri_version = 0;
  IssuerAndSerialNumber issuer_and_serial_number;
  AlgorithmIdentifier key_encryption_algorithm;
  Bytes encrypted_key;
  template <class V>
  void describe(V& v) {
    v(ri_version, "riVersion", spec::Integer{0, 0, "INTEGER { riVer0(0) }", {{0, "riVer0"}}});
    v(issuer_and_serial_number, "issuerAndSerialNumber");
    v(key_encryption_algorithm, "keyEncryptionAlgorithm");
    v(encrypted_key, "encryptedKey", spec::Octets{{1, kEncryptedKeyMax}, "EncryptedKey"});
  }
};

// EnvelopedData (edVersion 1). E{RECIPIENT, T}: exactly one RecipientInfo, content present.
struct EnvelopedData {
  static constexpr std::string_view kName = "EnvelopedData";
  std::int64_t ed_version = 1;
  std::vector<RecipientInfo> recipient_infos;
  EncryptedContentInfo encrypted_content_info;
  template <class V>
  void describe(V& v) {
    v(ed_version, "edVersion", spec::Integer{1, 1, "INTEGER { edVer1(1) }", {{1, "edVer1"}}});
    v(recipient_infos, "recipientInfos",
      spec::SeqOf<spec::Seq<RecipientInfo>>{{}, {1, SIZE_MAX}, "RecipientInfos"});
    v(encrypted_content_info, "encryptedContentInfo");
  }
};

// EncryptedData (version 0): EK{KeyData, T}, symmetric only.
struct EncryptedData {
  static constexpr std::string_view kName = "EncryptedData";
  std::int64_t version = 0;
  EncryptedContentInfo encrypted_content_info;
  template <class V>
  void describe(V& v) {
    v(version, "version", spec::Integer{0, 0, "INTEGER { enVer0(0) }", {{0, "enVer0"}}});
    v(encrypted_content_info, "encryptedContentInfo");
  }
};

// DigestedData (ddVersion 0). DD{T} is a DetachedDigest: contentInfo.content absent.
struct DigestedData {
  static constexpr std::string_view kName = "DigestedData";
  std::int64_t dd_version = 0;
  AlgorithmIdentifier digest_algorithm;
  ContentInfo content_info;
  Bytes digest;
  template <class V>
  void describe(V& v) {
    v(dd_version, "ddVersion", spec::Integer{0, 0, "INTEGER { ddVer0(0) }", {{0, "ddVer0"}}});
    v(digest_algorithm, "digestAlgorithm");
    v(content_info, "contentInfo");
    v(digest, "digest", spec::Octets{{1, kDigestMax}, "Digest"});
  }
};

}  // namespace openset::asn1
