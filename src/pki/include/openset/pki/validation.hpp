// Path validation under SET's rules (notes §5.7-§5.10): chain to a trusted root (also through
// hashedRootKey roll-over), signatures in either suite, validity at an injected time, revocation
// by CRLs (and the BrandCRLIdentifier's list of required CRLs), brand consistency, certificate
// types for issuer and subject, keyUsage, basicConstraints and path length, and refusal of
// unknown critical extensions. Each failure has a name, the SET ErrorCode it maps to and an Errc.
//
// A cache keyed on the SHA-256 of each certificate (and CRL) remembers parsed certificates and
// signatures already verified under a given issuer key, so a repeated peer costs no RSA verify.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/pki/profile.hpp"

namespace openset::pki {

enum class Failure : std::uint8_t {
  kDecoding,                 // decodingFailure
  kMissingIssuer,            // missingCertificate: no issuer certificate for a link
  kUntrustedRoot,            // invalidCertificate: chain ends in a root we do not trust
  kSignature,                // signatureFailure: a certificate, CRL or BCI signature
  kSuitePolicy,              // signatureFailure: signature algorithm of a suite not accepted
  kNotYetValid,              // invalidCertificate
  kExpired,                  // expiredCertificate
  kRevoked,                  // revokedCertificate
  kCrlUnavailable,           // missingCertificate: a CRL the BCI requires is absent or stale
  kWrongBrand,               // invalidCertificate
  kWrongType,                // invalidCertificate: certificateType of subject or issuer
  kKeyUsage,                 // invalidCertificate
  kBasicConstraints,         // invalidCertificate
  kPathLength,               // invalidCertificate
  kUnknownCriticalExtension, // unrecognizedExtension
  kProfile,                  // invalidCertificate: a required extension missing or malformed
};
std::string_view to_string(Failure f);
asn1::ErrorCode error_code(Failure f);
Errc errc(Failure f);

struct PathFailure {
  Failure failure;
  asn1::ErrorCode code;  // the SET ErrorCode to answer with
  Error error;           // errc(failure) and a message naming the certificate
};

struct ValidatedPath {
  std::vector<Bytes> chain;    // leaf first, root last
  std::string brand;           // the brand CA's organisation
  crypto::PublicKey leaf_key;
  crypto::SuiteId suite;       // of the leaf's signature
};

// The outcome of a validation: a path or a failure.
class PathResult {
 public:
  PathResult(ValidatedPath p) : path_(std::move(p)) {}       // NOLINT(implicit)
  PathResult(PathFailure f) : failure_(std::move(f)) {}      // NOLINT(implicit)
  bool ok() const { return path_.has_value(); }
  const ValidatedPath& path() const { return *path_; }
  const PathFailure& failure() const { return *failure_; }
  // Result-style: the Error (or Ok) of this outcome.
  Status status() const { return ok() ? Status{} : Status{failure_->error}; }

 private:
  std::optional<ValidatedPath> path_;
  std::optional<PathFailure> failure_;
};

// The roots a party trusts. A root is added explicitly, or through roll-over: accepted only if a
// trusted root's hashedRootKey is the DD of its SubjectPublicKeyInfo.
class TrustStore {
 public:
  // Self-signed, signature valid, certificateType rca (else Error).
  Status add_root(ByteView root_der);
  // Accepts the next root when a trusted root commits to its key (kSignature / kPolicy otherwise).
  Status roll_over(ByteView new_root_der);
  bool trusts(ByteView root_der) const;
  // True when some trusted root's hashedRootKey matches this SubjectPublicKeyInfo (DER).
  bool committed(ByteView spki_der) const;
  const std::vector<Bytes>& roots() const { return roots_; }

 private:
  std::vector<Bytes> roots_;
};

struct ValidationRequest {
  ByteView leaf;
  std::span<const Bytes> intermediates;  // untrusted certificates to build the chain from
  std::span<const Bytes> crls;
  std::optional<ByteView> brand_crl_identifier;
  der::Time at;                          // "now", injected
  CertType expected = CertType::kCardholder;  // the role and use the leaf is presented for
  std::optional<std::string> brand;      // the brand the relying party expects, if any
  crypto::SuitePolicy suites = crypto::SuitePolicy::all();
};

class PathValidator {
 public:
  explicit PathValidator(TrustStore trust) : trust_(std::move(trust)) {}

  PathResult validate(const ValidationRequest& req);

  TrustStore& trust() { return trust_; }
  // RSA verifications performed so far (certificate, CRL and BCI signatures).
  std::uint64_t signature_verifications() const { return verifications_; }
  std::size_t cache_size() const;
  void clear_cache();

  struct Parsed;  // a decoded certificate with its extensions (validation.cpp)

 private:
  Result<std::shared_ptr<const Parsed>> parse(ByteView der);
  Status verify_signed(ByteView der, const crypto::PublicKey& key, crypto::DigestAlg alg,
                       ByteView tbs, ByteView sig);

  TrustStore trust_;
  std::uint64_t verifications_ = 0;
  mutable std::mutex mu_;
  std::map<Bytes, std::shared_ptr<const Parsed>> parsed_;  // SHA-256(der) -> parsed
  std::map<Bytes, Bytes> verified_;  // SHA-256(der) -> SHA-256(issuer SPKI) it verified under
};

}  // namespace openset::pki
