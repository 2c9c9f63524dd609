// SET's issuance policy as data: one profile per certificate type (notes §5.7, §5.8).
//
// Source A (set-1.asn1) fixes the syntax and the criticality of every extension; which
// extensions each entity's certificate carries, validity periods and naming are Book 2 Part II
// tables that no source gave us [NF]. The table below is our reconstruction of them, following
// the notes' working assumptions (§5.8) and recorded in docs/pki.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "openset/asn1/set_certificate.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::pki {

enum class CertType : std::uint8_t {
  kRoot,                // RCA, self-signed
  kBrand,               // BCA
  kGeoPolitical,        // GCA (optional level)
  kCardholderCA,        // CCA
  kMerchantCA,          // MCA
  kPaymentGatewayCA,    // PCA
  kCardholder,          // signature only
  kMerchantSignature,
  kMerchantKeyExchange,
  kGatewaySignature,
  kGatewayKeyExchange,
  // A CA's key-exchange certificate (notes §5.2: caeThumb of CardCInitRes / Me-AqCInitRes /
  // RegFormRes names "the CA key-exchange cert the EE must encrypt to"; notes §5.1, Isabelle CR2
  // "CA enc cert, CA sig cert"). Issued by the CA's parent (brand or geo-political CA), it
  // carries the CA's certificateType bit (cca / mca / pca, notes §5.7), keyUsage keyEncipherment
  // only, no basicConstraints (cA FALSE: it certifies nothing) and an end-entity sized key, so
  // that SET 1.0's RSA-1024 key transport (notes §2.4-§2.6) can reach it. Appended after the
  // end-entity types so that stored type numbers keep their meaning.
  kCardholderCAKeyExchange,
  kMerchantCAKeyExchange,
  kPaymentGatewayCAKeyExchange,
};
inline constexpr std::size_t kCertTypeCount = 14;

// The key-exchange certificate type of a CA type (kCardholderCA -> kCardholderCAKeyExchange, ...);
// nullopt for any other type.
std::optional<CertType> key_exchange_type_of(CertType ca);

// What the subject key is for.
enum class KeyPurpose : std::uint8_t { kCertificateAuthority, kSignature, kKeyExchange };

// Bit masks over asn1::KeyUsageBit / asn1::CertTypeBit.
constexpr std::uint16_t bit(std::size_t b) { return static_cast<std::uint16_t>(1u << b); }

struct Profile {
  CertType type;
  std::string_view name;         // "cardholder", "merchant-signature", "CCA", ...
  asn1::CertTypeBit entity;      // the certificateType bit this certificate carries
  std::uint16_t issuer_types;    // certificateType bits an issuer of this type may carry
  KeyPurpose purpose;
  std::uint16_t key_usage;       // keyUsage bits (critical)
  bool ca;                       // basicConstraints cA TRUE
  std::optional<std::int64_t> path_len;  // pathLenConstraint
  bool hashed_root_key;          // root: DD of the next root key (critical)
  bool merchant_data;            // merchant signature certificate: MerchantDataSyntax
  bool card_cert_required;       // gateway key-exchange certificate: BOOLEAN
  bool tunneling;                // gateway key-exchange certificate: TunnelingSyntax
  bool private_key_usage_period; // CA signing keys: sign for part of the validity only
  std::int64_t validity_days;
  std::int64_t key_usage_days;   // privateKeyUsagePeriod length, when present

  unsigned key_bits(const crypto::Suite& s) const { return ca ? s.ca_rsa_bits : s.ee_rsa_bits; }
  bool is_end_entity() const { return !ca; }
};

const Profile& profile(CertType t);
std::span<const Profile> profiles();
std::string_view to_string(CertType t);

// SET's criticality for each extension of ExtensionSet (set-1.asn1 SetCertificateExtensions):
// keyUsage, certificatePolicies, basicConstraints, hashedRootKey and certificateType are
// critical; the others are not.
bool set_critical(const der::Oid& extn_id);
// True for the fourteen extensions of SET's ExtensionSet.
bool known_extension(const der::Oid& extn_id);
// True for the SET private extensions 2.23.42.7.0 - 2.23.42.7.5.
bool set_private_extension(const der::Oid& extn_id);

}  // namespace openset::pki
