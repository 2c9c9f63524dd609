// Algorithm vocabulary: digests, ciphers, key transports, the two suites (set1 / modern), their
// DER AlgorithmIdentifiers, strict parsing of received AlgorithmIdentifiers, and the receiver's
// suite policy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/der/der.hpp"

namespace openset::crypto {

enum class DigestAlg { kSha1, kSha256 };
enum class CipherAlg { kDesCbc, kAes256Cbc };
enum class KeyTransport { kSetOaep, kRsaesOaepSha256 };
enum class SuiteId { kSet1, kModern };

std::size_t digest_size(DigestAlg alg) noexcept;  // 20 | 32
std::size_t key_size(CipherAlg alg) noexcept;     // 8 | 32
std::size_t iv_size(CipherAlg alg) noexcept;      // 8 | 16
std::size_t block_size(CipherAlg alg) noexcept;   // 8 | 16

// Display names used in error messages: "SHA-1", "SHA-256", "DES-CBC", "AES-256-CBC", "SET OAEP",
// "RSAES-OAEP-SHA256", "set1", "modern".
std::string_view to_string(DigestAlg alg) noexcept;
std::string_view to_string(CipherAlg alg) noexcept;
std::string_view to_string(KeyTransport kt) noexcept;
std::string_view to_string(SuiteId id) noexcept;

// Object identifiers this layer knows (function-local statics, safe at any time).
namespace oid {
const der::Oid& sha1();                    // 1.3.14.3.2.26
const der::Oid& sha256();                  // 2.16.840.1.101.3.4.2.1
const der::Oid& rsa_encryption();          // 1.2.840.113549.1.1.1
const der::Oid& sha1_with_rsa();           // 1.2.840.113549.1.1.5
const der::Oid& sha256_with_rsa();         // 1.2.840.113549.1.1.11
const der::Oid& rsa_oaep_set();            // 1.2.840.113549.1.1.6  rsaOAEPEncryptionSET
const der::Oid& rsaes_oaep();              // 1.2.840.113549.1.1.7  id-RSAES-OAEP
const der::Oid& mgf1();                    // 1.2.840.113549.1.1.8  id-mgf1
const der::Oid& p_specified();             // 1.2.840.113549.1.1.9  id-pSpecified
const der::Oid& des_cbc();                 // 1.3.14.3.2.7
const der::Oid& des_cdmf();                // 1.2.840.113549.3.10 (recognised, not supported)
const der::Oid& aes256_cbc();              // 2.16.840.1.101.3.4.1.42
}  // namespace oid

// A suite names the algorithms used together. Both suites sign with RSA PKCS#1 v1.5.
//   set1:   exactly as SET 1.0 published it: RSA-1024 end entities, RSA-2048 CAs, DES-CBC, SHA-1,
//           SET's OAEP variant (docs/set-oaep.md).
//   modern: the default: RSA-2048 end entities, RSA-3072 CAs, AES-256-CBC, SHA-256,
//           RSAES-OAEP with SHA-256 and MGF1-SHA-256.
struct Suite {
  SuiteId id;
  std::string_view name;         // "set1" / "modern"
  std::string_view description;  // "SHA-1, DES-CBC, SET OAEP" (used in policy messages)
  DigestAlg digest;
  CipherAlg cipher;
  KeyTransport key_transport;
  unsigned ee_rsa_bits;
  unsigned ca_rsa_bits;

  // DER-encoded AlgorithmIdentifiers exactly as they go into messages.
  // SEQUENCE { id-sha1 | id-sha256, NULL }
  Bytes digest_algorithm_id() const;
  // SignerInfo.digestEncryptionAlgorithm: SEQUENCE { rsaEncryption, NULL } (both suites)
  Bytes signer_algorithm_id() const;
  // SEQUENCE { sha1WithRSAEncryption | sha256WithRSAEncryption, NULL }
  Bytes certificate_signature_algorithm_id() const;
  // set1:   SEQUENCE { rsaOAEPEncryptionSET, NULL }
  // modern: SEQUENCE { id-RSAES-OAEP, RSAES-OAEP-params { [0] sha256, [1] mgf1(sha256) } }
  //         (RFC 4055 §4.1; pSourceFunc is the DEFAULT and therefore omitted in DER)
  Bytes key_transport_algorithm_id() const;
  // SEQUENCE { desCBC, OCTET STRING (8) } | SEQUENCE { aes256-CBC, OCTET STRING (16) }.
  // `iv` must be iv_size(cipher) bytes; anything else is a programming error (aborts).
  Bytes content_encryption_algorithm_id(ByteView iv) const;
};

const Suite& suite(SuiteId id) noexcept;
// "set1" | "modern"; otherwise Errc::kInvalidArgument listing the valid names.
Result<const Suite*> suite_by_name(std::string_view name);
const Suite& default_suite() noexcept;  // modern

// Parsing received AlgorithmIdentifiers. Input: the DER TLV of the whole SEQUENCE, nothing after
// it. Unknown OID -> Errc::kUnsupported naming the dotted OID; wrong or missing parameters ->
// Errc::kMalformed (structure) or Errc::kConstraint (values, e.g. IV length).
// Digest / signer / SET-OAEP parameters may be NULL or absent (both occur in practice).
Result<DigestAlg> parse_digest_algorithm(ByteView alg_id_tlv);
Result<KeyTransport> parse_key_transport_algorithm(ByteView alg_id_tlv);
struct ContentEncryption {
  CipherAlg cipher;
  Bytes iv;
};
Result<ContentEncryption> parse_content_encryption_algorithm(ByteView alg_id_tlv);
// Must be rsaEncryption with NULL or absent parameters.
Status parse_signer_algorithm(ByteView alg_id_tlv);
// sha1WithRSAEncryption | sha256WithRSAEncryption with NULL or absent parameters -> its digest.
Result<DigestAlg> parse_certificate_signature_algorithm(ByteView alg_id_tlv);

// The suite a (digest, cipher, key transport) combination belongs to. Every given algorithm must
// belong to the same suite: a mix (e.g. SHA-1 with AES-256-CBC) is Errc::kUnsupported; all three
// absent is Errc::kInvalidArgument.
Result<SuiteId> identify_suite(std::optional<DigestAlg> digest, std::optional<CipherAlg> cipher,
                               std::optional<KeyTransport> key_transport);

// A receiver's policy: which suites it accepts.
struct SuitePolicy {
  std::vector<SuiteId> accepted;

  static SuitePolicy only(SuiteId id);
  static SuitePolicy all();
  bool accepts(SuiteId id) const noexcept;
  // Errc::kPolicy: "suite 'set1' (SHA-1, DES-CBC, SET OAEP) is not accepted by this party's
  // policy (accepted: modern)".
  Status check(SuiteId id) const;
};

}  // namespace openset::crypto
