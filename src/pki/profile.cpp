#include "openset/pki/profile.hpp"

#include <array>

namespace openset::pki {
namespace {

using asn1::CertTypeBit;
using asn1::KeyUsageBit;

constexpr std::uint16_t kCaUsage = bit(asn1::kKeyCertSign) | bit(asn1::kCRLSign);
constexpr std::uint16_t kSign = bit(asn1::kDigitalSignature);
constexpr std::uint16_t kExchange = bit(asn1::kKeyEncipherment);
constexpr std::uint16_t kUnderBrand = bit(asn1::kBca) | bit(asn1::kGca);

// type, name, entity, issuer types, purpose, keyUsage, cA, pathLen, hashedRootKey, merchantData,
// cardCertRequired, tunneling, privateKeyUsagePeriod, validity days, key usage days
const std::array<Profile, kCertTypeCount> kProfiles = {{
    {CertType::kRoot, "root", asn1::kRca, bit(asn1::kRca), KeyPurpose::kCertificateAuthority, kCaUsage,
     true, 3, true, false, false, false, true, 3650, 1825},
    {CertType::kBrand, "brand", asn1::kBca, bit(asn1::kRca), KeyPurpose::kCertificateAuthority, kCaUsage,
     true, 2, false, false, false, false, true, 2555, 1095},
    {CertType::kGeoPolitical, "geo-political", asn1::kGca, bit(asn1::kBca),
     KeyPurpose::kCertificateAuthority, kCaUsage, true, 1, false, false, false, false, true, 1825, 730},
    {CertType::kCardholderCA, "CCA", asn1::kCca, kUnderBrand, KeyPurpose::kCertificateAuthority, kCaUsage,
     true, 0, false, false, false, false, true, 1095, 365},
    {CertType::kMerchantCA, "MCA", asn1::kMca, kUnderBrand, KeyPurpose::kCertificateAuthority, kCaUsage,
     true, 0, false, false, false, false, true, 1095, 365},
    {CertType::kPaymentGatewayCA, "PCA", asn1::kPca, kUnderBrand, KeyPurpose::kCertificateAuthority,
     kCaUsage, true, 0, false, false, false, false, true, 1095, 365},
    {CertType::kCardholder, "cardholder", asn1::kCard, bit(asn1::kCca), KeyPurpose::kSignature, kSign,
     false, std::nullopt, false, false, false, false, false, 1095, 0},
    {CertType::kMerchantSignature, "merchant-signature", asn1::kMer, bit(asn1::kMca),
     KeyPurpose::kSignature, kSign, false, std::nullopt, false, true, false, false, false, 365, 0},
    {CertType::kMerchantKeyExchange, "merchant-key-exchange", asn1::kMer, bit(asn1::kMca),
     KeyPurpose::kKeyExchange, kExchange, false, std::nullopt, false, false, false, false, false, 365, 0},
    {CertType::kGatewaySignature, "gateway-signature", asn1::kPgwy, bit(asn1::kPca),
     KeyPurpose::kSignature, kSign, false, std::nullopt, false, false, false, false, false, 365, 0},
    {CertType::kGatewayKeyExchange, "gateway-key-exchange", asn1::kPgwy, bit(asn1::kPca),
     KeyPurpose::kKeyExchange, kExchange, false, std::nullopt, false, false, true, true, false, 365, 0},
    // CA key-exchange certificates (notes §5.2 caeThumb, §5.8 "CA key-exchange certificates may
    // add tunneling": we add none). Validity as the CA's own certificate (the CA receives
    // requests for its whole life); capped by the issuer's notAfter like every certificate.
    {CertType::kCardholderCAKeyExchange, "CCA-key-exchange", asn1::kCca, kUnderBrand, KeyPurpose::kKeyExchange,
     kExchange, false, std::nullopt, false, false, false, false, false, 1095, 0},
    {CertType::kMerchantCAKeyExchange, "MCA-key-exchange", asn1::kMca, kUnderBrand, KeyPurpose::kKeyExchange,
     kExchange, false, std::nullopt, false, false, false, false, false, 1095, 0},
    {CertType::kPaymentGatewayCAKeyExchange, "PCA-key-exchange", asn1::kPca, kUnderBrand,
     KeyPurpose::kKeyExchange, kExchange, false, std::nullopt, false, false, false, false, false, 1095, 0},
}};

}  // namespace

const Profile& profile(CertType t) { return kProfiles[static_cast<std::size_t>(t)]; }
std::span<const Profile> profiles() { return kProfiles; }
std::string_view to_string(CertType t) { return profile(t).name; }

std::optional<CertType> key_exchange_type_of(CertType ca) {
  switch (ca) {
    case CertType::kCardholderCA: return CertType::kCardholderCAKeyExchange;
    case CertType::kMerchantCA: return CertType::kMerchantCAKeyExchange;
    case CertType::kPaymentGatewayCA: return CertType::kPaymentGatewayCAKeyExchange;
    default: return std::nullopt;
  }
}

bool set_critical(const der::Oid& id) {
  namespace o = asn1::oid;
  return id == o::ce_key_usage() || id == o::ce_certificate_policies() ||
         id == o::ce_basic_constraints() || id == o::set_hashed_root_key() ||
         id == o::set_certificate_type();
}

bool set_private_extension(const der::Oid& id) {
  namespace o = asn1::oid;
  return id == o::set_hashed_root_key() || id == o::set_certificate_type() ||
         id == o::set_merchant_data() || id == o::set_card_cert_required() ||
         id == o::set_tunneling() || id == o::set_set_extensions();
}

bool known_extension(const der::Oid& id) {
  namespace o = asn1::oid;
  return set_private_extension(id) || id == o::ce_authority_key_identifier() ||
         id == o::ce_key_usage() || id == o::ce_private_key_usage_period() ||
         id == o::ce_certificate_policies() || id == o::ce_subject_alt_name() ||
         id == o::ce_issuer_alt_name() || id == o::ce_basic_constraints() || id == o::ce_crl_number();
}

}  // namespace openset::pki
