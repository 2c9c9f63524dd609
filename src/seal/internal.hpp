// Helpers shared by the seal sources (not installed).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/parties.hpp"

namespace openset::seal::detail {

// "2.23.42.0.3 (id-set-content-OIData)" or the dotted form alone.
std::string describe_oid(const der::Oid& o);

// `der` must be exactly one complete DER TLV (a caller's programming error otherwise).
Status check_one_tlv(ByteView der, std::string_view what);

// Reads exactly one TLV from `data` (received input); kMalformed on anything else.
Result<ByteView> one_tlv(ByteView data, std::string_view what);

// A suite pointer supplied by the caller must be set.
Result<const crypto::Suite*> need_suite(const crypto::Suite* s, std::string_view who);

// Decodes a DER AlgorithmIdentifier produced by crypto::Suite.
asn1::AlgorithmIdentifier alg_id(const Bytes& tlv);

// A suite's fixed AlgorithmIdentifiers, decoded once.
struct SuiteAlgIds {
  asn1::AlgorithmIdentifier digest;
  asn1::AlgorithmIdentifier signer;
  asn1::AlgorithmIdentifier key_transport;
  asn1::AlgorithmIdentifier content_encryption;  // with parameters = OCTET STRING of `iv`
};
const SuiteAlgIds& alg_ids(const crypto::Suite& suite);
asn1::AlgorithmIdentifier content_encryption_alg_id(const crypto::Suite& suite, ByteView iv);

// keyEncryptionAlgorithm -> key transport (kUnsupported / kMalformed as crypto reports).
Result<crypto::KeyTransport> key_transport_of(const asn1::AlgorithmIdentifier& alg);

// digestEncryptionAlgorithm must be rsaEncryption (NULL or absent parameters).
Status check_signer_algorithm(const asn1::AlgorithmIdentifier& alg);

// The suite a received digest AlgorithmIdentifier belongs to, accepted by `policy`.
struct DigestSuite {
  crypto::DigestAlg alg;
  crypto::SuiteId suite;
};
Result<DigestSuite> digest_suite(const asn1::AlgorithmIdentifier& alg, const Policy& policy);

// Content-type mismatch (kConstraint).
Error content_type_error(std::string_view where, const der::Oid& got, const der::Oid& expected);

// kDecrypt with the fixed wording used for every failure to open an envelope.
Error does_not_open();
Error not_addressed();

// Concatenation helper.
inline void append(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

// DER of SEQUENCE { a, b } from two TLVs.
Bytes sequence_of_two(ByteView a, ByteView b);

}  // namespace openset::seal::detail
