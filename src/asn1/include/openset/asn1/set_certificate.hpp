// SET's certificate profile: modules SetCertificate (2.23.42.6.3, EXPLICIT TAGS),
// SetCertificateExtensions (2.23.42.6.4, IMPLICIT TAGS), SetCRL (2.23.42.6.5, EXPLICIT TAGS),
// Name / AttributeTypeAndValue / DirectoryString from SetAttribute (2.23.42.6.7, EXPLICIT TAGS)
// and BrandCRLIdentifier from SetMessage (2.23.42.6.0, IMPLICIT TAGS). Notes §5.7-§5.10, §6.5.
//
// Tagging per module: in SetCertificate and SetCRL a bare [n] is EXPLICIT (version [0],
// extensions [3], crlExtensions [0]); in SetCertificateExtensions and SetMessage a bare [n] is
// IMPLICIT (AuthorityKeyIdentifier [0..2], PrivateKeyUsagePeriod [0..1], GeneralName [6]/[8],
// SETQualifier [0..1], MerNames.language [0], UnsignedBrandCRLIdentifier [0..1]) unless the text
// writes EXPLICIT (GeneralName.directoryName [4], MerNames [1..5]).
//
// Signed structures (Certificate, CRL, BrandCRLIdentifier) decode into typed values; a verifier
// takes the to-be-signed bytes as received from split_signed(), never from a re-encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_message.hpp"

namespace openset::asn1 {

// ---------------------------------------------------------------------------------------------
// Object identifiers (SetCertificateExtensions "Object identifiers"; SetAttribute id-at-*)
namespace oid {
#define OPENSET_CERT_OID(fn, ...)                       \
  inline const der::Oid& fn() {                         \
    static const der::Oid o = der::Oid::from_arcs({__VA_ARGS__}); \
    return o;                                           \
  }
// Name attributes (SetAttribute): the only four SET allows.
OPENSET_CERT_OID(at_common_name, 2, 5, 4, 3)
OPENSET_CERT_OID(at_country_name, 2, 5, 4, 6)
OPENSET_CERT_OID(at_organization_name, 2, 5, 4, 10)
OPENSET_CERT_OID(at_organizational_unit_name, 2, 5, 4, 11)
// id-ce-* (standard X.509v3 extensions in SET's ExtensionSet)
OPENSET_CERT_OID(ce_key_usage, 2, 5, 29, 15)
OPENSET_CERT_OID(ce_private_key_usage_period, 2, 5, 29, 16)
OPENSET_CERT_OID(ce_subject_alt_name, 2, 5, 29, 17)
OPENSET_CERT_OID(ce_issuer_alt_name, 2, 5, 29, 18)
OPENSET_CERT_OID(ce_basic_constraints, 2, 5, 29, 19)
OPENSET_CERT_OID(ce_crl_number, 2, 5, 29, 20)
OPENSET_CERT_OID(ce_certificate_policies, 2, 5, 29, 32)
OPENSET_CERT_OID(ce_authority_key_identifier, 2, 5, 29, 35)
// SET private certificate extensions id-set-certExt = 2.23.42.7
OPENSET_CERT_OID(set_hashed_root_key, 2, 23, 42, 7, 0)
OPENSET_CERT_OID(set_certificate_type, 2, 23, 42, 7, 1)
OPENSET_CERT_OID(set_merchant_data, 2, 23, 42, 7, 2)
OPENSET_CERT_OID(set_card_cert_required, 2, 23, 42, 7, 3)
OPENSET_CERT_OID(set_tunneling, 2, 23, 42, 7, 4)
OPENSET_CERT_OID(set_set_extensions, 2, 23, 42, 7, 5)
OPENSET_CERT_OID(set_set_qualifier, 2, 23, 42, 7, 6)  // a policy-qualifier id, not an extension
// id-set-attribute-cert arc
OPENSET_CERT_OID(set_root_key_thumb, 2, 23, 42, 3, 0, 0)   // contentType of hashedRootKey's DD
OPENSET_CERT_OID(set_additional_policy, 2, 23, 42, 3, 0, 1)
// Policy
OPENSET_CERT_OID(set_policy_root, 2, 23, 42, 5, 0)
#undef OPENSET_CERT_OID

// "keyUsage", "id-set-certificateType", "countryName", ... or "" for OIDs of this header.
std::string_view certificate_oid_name(const der::Oid& o);
}  // namespace oid

// ---------------------------------------------------------------------------------------------
// Upper bounds (SetAttribute, SetCertificateExtensions)
inline constexpr std::size_t ub_common_name = 64;
inline constexpr std::size_t ub_organization_name = 64;
inline constexpr std::size_t ub_organizational_unit_name = 64;
inline constexpr std::size_t ub_countryName = 50;
inline constexpr std::size_t ub_merName = 25;
inline constexpr std::size_t ub_terseStatement = 2048;

// ---------------------------------------------------------------------------------------------
// Name (SetAttribute)
//   Name ::= CHOICE { distinguishedName RDNSequence }
//   RDNSequence ::= SEQUENCE SIZE (1..5) OF RelativeDistinguishedName
//   RelativeDistinguishedName ::= SET SIZE(1) OF AttributeTypeAndValue
//   AttributeTypeAndValue ::= SEQUENCE { type, value }, SupportedAttributes:
//     countryName PrintableString (SIZE(2)); organizationName, organizationalUnitName,
//     commonName DirectoryString{64} ::= CHOICE { printableString, bmpString }
// Any other attribute type is refused on decode (Errc::kConstraint).
enum class NameAttr : std::uint8_t { kC, kO, kOU, kCN };
const der::Oid& name_attr_oid(NameAttr a);

struct AttributeTypeAndValue {
  der::Oid type;
  std::string value;  // printableString text, or the UCS-2BE octets of a bmpString
  bool bmp = false;
  bool operator==(const AttributeTypeAndValue&) const = default;
};

namespace spec {
// AttributeTypeAndValue restricted to SET's SupportedAttributes (the value's syntax depends on
// the type, so this spec is written out rather than described).
struct SetAttributeTypeAndValue {
  using value_type = ::openset::asn1::AttributeTypeAndValue;
  der::Tag tag = der::tags::kSequence;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const value_type& v) const;
  Status decode(der::Reader& r, value_type& v) const;
  const TypeNode* node() const;
};
using RDNSpec = SetOf<SetAttributeTypeAndValue>;
inline SeqOf<RDNSpec> RDNSequence() {
  return {.elem = RDNSpec{.elem = {}, .size = {1, 1}, .name = "RelativeDistinguishedName"},
          .size = {1, 5},
          .name = "RDNSequence"};
}
}  // namespace spec

using RelativeDistinguishedName = std::vector<AttributeTypeAndValue>;
using RDNSequence = std::vector<RelativeDistinguishedName>;

struct Name {
  static constexpr std::string_view kName = "Name";
  static constexpr bool kIsChoice = true;
  std::variant<RDNSequence> value;

  Name() = default;
  // One RDN per pair, in order: make({{NameAttr::kC, "US"}, {NameAttr::kO, "Atlas"}}).
  static Name make(std::initializer_list<std::pair<NameAttr, std::string>> attrs);
  const RDNSequence& rdns() const { return std::get<0>(value); }
  // The first value of attribute `a` (printableString text), if present.
  std::optional<std::string> get(NameAttr a) const;
  // "C=US, O=Atlas, OU=Brand CA, CN=Atlas Brand CA" (bmpString values shown as #hex).
  std::string to_string() const;
  bool operator==(const Name&) const = default;

  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "distinguishedName", spec::RDNSequence());
  }
};

// ---------------------------------------------------------------------------------------------
// SetCertificate

// Validity ::= SEQUENCE { notBefore UTCTime, notAfter UTCTime }
struct Validity {
  static constexpr std::string_view kName = "Validity";
  der::Time not_before;
  der::Time not_after;
  template <class V>
  void describe(V& v) {
    v(not_before, "notBefore", spec::UtcTime{});
    v(not_after, "notAfter", spec::UtcTime{});
  }
  bool operator==(const Validity&) const = default;
};

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
struct SubjectPublicKeyInfo {
  static constexpr std::string_view kName = "SubjectPublicKeyInfo";
  AlgorithmIdentifier algorithm;
  der::BitString subject_public_key;
  template <class V>
  void describe(V& v) {
    v(algorithm, "algorithm");
    v(subject_public_key, "subjectPublicKey", spec::BitStr{});
  }
  bool operator==(const SubjectPublicKeyInfo&) const = default;
};

// Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
// (SetCertificateExtensions: the X.509 OCTET STRING wrapper, unlike MsgExtension)
struct Extension {
  static constexpr std::string_view kName = "Extension";
  der::Oid extn_id;
  bool critical = false;
  Bytes extn_value;  // DER of the extension's syntax
  template <class V>
  void describe(V& v) {
    v(extn_id, "extnID");
    v(critical, "critical", with_default(spec::Boolean{}, false));
    v(extn_value, "extnValue", spec::Octets{});
  }
  bool operator==(const Extension&) const = default;
};
using Extensions = std::vector<Extension>;
namespace spec {
inline SeqOf<Seq<::openset::asn1::Extension>> Extensions() { return {.name = "Extensions"}; }
}  // namespace spec
// The extension with this extnID, or nullptr.
const Extension* find_extension(const Extensions& exts, const der::Oid& id);

// UnsignedCertificate ::= SEQUENCE {
//    version               [0] CertificateVersion,          -- INTEGER { ver3(2) } (ver3)
//    serialNumber          CertificateSerialNumber,
//    signature             AlgorithmIdentifier {{SignatureAlgorithms}},
//    issuer                Name,
//    validity              Validity,
//    subject               Name,
//    subjectPublicKeyInfo  SubjectPublicKeyInfo{{SupportedAlgorithms}},
//    issuerUniqueID        [1] IMPLICIT UniqueIdentifier OPTIONAL,
//    subjectUniqueID       [2] IMPLICIT UniqueIdentifier OPTIONAL,
//    extensions            [3] Extensions }                 -- Required for SET usage
struct UnsignedCertificate {
  static constexpr std::string_view kName = "UnsignedCertificate";
  std::int64_t version = 2;
  Bytes serial_number;  // INTEGER content octets
  AlgorithmIdentifier signature;
  Name issuer;
  Validity validity;
  Name subject;
  SubjectPublicKeyInfo subject_public_key_info;
  std::optional<der::BitString> issuer_unique_id;
  std::optional<der::BitString> subject_unique_id;
  Extensions extensions;
  template <class V>
  void describe(V& v) {
    v(version, "version",
      explicit_(0, spec::Integer{.min = 2, .max = 2, .name = "CertificateVersion", .named = {{2, "ver3"}}}));
    v(serial_number, "serialNumber", spec::BigInteger{"CertificateSerialNumber"});
    v(signature, "signature");
    v(issuer, "issuer");
    v(validity, "validity");
    v(subject, "subject");
    v(subject_public_key_info, "subjectPublicKeyInfo");
    v(issuer_unique_id, "issuerUniqueID", implicit(1, spec::BitStr{"UniqueIdentifier"}));
    v(subject_unique_id, "subjectUniqueID", implicit(2, spec::BitStr{"UniqueIdentifier"}));
    v(extensions, "extensions", explicit_(3, spec::Extensions()));
  }
  bool operator==(const UnsignedCertificate&) const = default;
};

// SIGNED { ToBeSigned } ::= SEQUENCE { toBeSigned ToBeSigned,
//    algorithm AlgorithmIdentifier {{SignatureAlgorithms}}, signature BIT STRING }
template <Described T, TypeName N>
struct Signed {
  static constexpr std::string_view kName = N.view();
  T to_be_signed;
  AlgorithmIdentifier algorithm;
  der::BitString signature;
  template <class V>
  void describe(V& v) {
    v(to_be_signed, "toBeSigned");
    v(algorithm, "algorithm");
    v(signature, "signature", spec::BitStr{});
  }
  bool operator==(const Signed&) const = default;
};

// Certificate ::= SIGNED { EncodedCertificate }
using Certificate = Signed<UnsignedCertificate, "Certificate">;

// The three parts of a received SIGNED{} value, as views into the input.
struct SignedParts {
  ByteView to_be_signed;  // complete TLV, exactly as received: what the signature covers
  ByteView algorithm;     // complete AlgorithmIdentifier TLV
  ByteView signature;     // BIT STRING content after the unused-bits octet (which must be 0)
};
// Splits SEQUENCE { toBeSigned SEQUENCE, algorithm SEQUENCE, signature BIT STRING } strictly
// (nothing after it; kMalformed / kNotDer otherwise).
Result<SignedParts> split_signed(ByteView der);

// ---------------------------------------------------------------------------------------------
// SetCertificateExtensions: the syntax of each extension's value

// KeyUsage ::= BIT STRING { digitalSignature(0), nonRepudiation(1), keyEncipherment(2),
//    dataEncipherment(3), keyAgreement(4), keyCertSign(5), cRLSign(6) }
enum KeyUsageBit : std::size_t {
  kDigitalSignature = 0, kNonRepudiation = 1, kKeyEncipherment = 2, kDataEncipherment = 3,
  kKeyAgreement = 4, kKeyCertSign = 5, kCRLSign = 6,
};
// CertificateTypeSyntax ::= BIT STRING { card(0), mer(1), pgwy(2), cca(3), mca(4), pca(5),
//    gca(6), bca(7), rca(8), acq(9) }
enum CertTypeBit : std::size_t {
  kCard = 0, kMer = 1, kPgwy = 2, kCca = 3, kMca = 4, kPca = 5, kGca = 6, kBca = 7, kRca = 8, kAcq = 9,
};
namespace spec {
inline BitStr KeyUsage() {
  return {.name = "KeyUsage",
          .named = {{0, "digitalSignature"}, {1, "nonRepudiation"}, {2, "keyEncipherment"},
                    {3, "dataEncipherment"}, {4, "keyAgreement"}, {5, "keyCertSign"}, {6, "cRLSign"}}};
}
inline BitStr CertificateTypeSyntax() {
  return {.name = "CertificateTypeSyntax",
          .named = {{0, "card"}, {1, "mer"}, {2, "pgwy"}, {3, "cca"}, {4, "mca"}, {5, "pca"},
                    {6, "gca"}, {7, "bca"}, {8, "rca"}, {9, "acq"}}};
}
// CRLNumber ::= INTEGER (0..MAX)
inline Integer CRLNumber() { return {.min = 0, .name = "CRLNumber"}; }
// cardCertRequired: BOOLEAN
inline Boolean CardCertRequired() { return {}; }
// SETExtensionsSyntax ::= SEQUENCE OF OBJECT IDENTIFIER ; TunnelAlg ::= SEQUENCE OF OBJECT IDENTIFIER
inline SeqOf<ObjectId> SETExtensionsSyntax() { return {.name = "SETExtensionsSyntax"}; }
inline SeqOf<ObjectId> TunnelAlg() { return {.name = "TunnelAlg"}; }
// CertPolicyId ::= OBJECT IDENTIFIER
inline ObjectId CertPolicyId() { return {.name = "CertPolicyId"}; }
}  // namespace spec

// PrivateKeyUsagePeriod ::= SEQUENCE { notBefore [0] GeneralizedTime OPTIONAL,
//    notAfter [1] GeneralizedTime OPTIONAL }  -- at least one present (checked by pki)
struct PrivateKeyUsagePeriod {
  static constexpr std::string_view kName = "PrivateKeyUsagePeriod";
  std::optional<der::Time> not_before;
  std::optional<der::Time> not_after;
  template <class V>
  void describe(V& v) {
    v(not_before, "notBefore", implicit(0, spec::GeneralizedTime{}));
    v(not_after, "notAfter", implicit(1, spec::GeneralizedTime{}));
  }
  bool operator==(const PrivateKeyUsagePeriod&) const = default;
};

// GeneralName ::= CHOICE { directoryName [4] EXPLICIT Name,
//    uniformResourceIdentifier [6] IA5String, registeredID [8] OBJECT IDENTIFIER }
struct GeneralName {
  static constexpr std::string_view kName = "GeneralName";
  static constexpr bool kIsChoice = true;
  std::variant<Name, std::string, der::Oid> value;
  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "directoryName", explicit_(4, spec::Choice<Name>{}));
    v.template alt<1>(value, "uniformResourceIdentifier",
                      implicit(6, spec::Str{.type = der::tags::kIa5String}));
    v.template alt<2>(value, "registeredID", implicit(8, spec::ObjectId{}));
  }
  bool operator==(const GeneralName&) const = default;
};
using GeneralNames = std::vector<GeneralName>;
namespace spec {
inline SeqOf<Choice<::openset::asn1::GeneralName>> GeneralNames() {
  return {.size = {1, SIZE_MAX}, .name = "GeneralNames"};
}
}  // namespace spec

// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
//    authorityCertIssuer [1] GeneralNames OPTIONAL,
//    authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
//  ( WITH COMPONENTS { keyIdentifier ABSENT, authorityCertIssuer PRESENT,
//                      authorityCertSerialNumber PRESENT } )   -- see check_set_constraint()
struct AuthorityKeyIdentifier {
  static constexpr std::string_view kName = "AuthorityKeyIdentifier";
  std::optional<Bytes> key_identifier;
  std::optional<GeneralNames> authority_cert_issuer;
  std::optional<Bytes> authority_cert_serial_number;
  template <class V>
  void describe(V& v) {
    v(key_identifier, "keyIdentifier", implicit(0, spec::Octets{.name = "KeyIdentifier"}));
    v(authority_cert_issuer, "authorityCertIssuer", implicit(1, spec::GeneralNames()));
    v(authority_cert_serial_number, "authorityCertSerialNumber",
      implicit(2, spec::BigInteger{"CertificateSerialNumber"}));
  }
  // SET's WITH COMPONENTS constraint (kConstraint when violated).
  Status check_set_constraint() const;
  bool operator==(const AuthorityKeyIdentifier&) const = default;
};

// BasicConstraintsSyntax ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
//    pathLenConstraint INTEGER (0..MAX) OPTIONAL }
struct BasicConstraintsSyntax {
  static constexpr std::string_view kName = "BasicConstraintsSyntax";
  bool ca = false;
  std::optional<std::int64_t> path_len_constraint;
  template <class V>
  void describe(V& v) {
    v(ca, "cA", with_default(spec::Boolean{}, false));
    v(path_len_constraint, "pathLenConstraint", spec::Integer{.min = 0, .name = "INTEGER (0..MAX)"});
  }
  bool operator==(const BasicConstraintsSyntax&) const = default;
};

// SETQualifier ::= SEQUENCE { policyDigest DetachedDigest OPTIONAL,
//    terseStatement SETString{ub-terseStatement} OPTIONAL,
//    policyURL [0] URL OPTIONAL, policyEmail [1] URL OPTIONAL }
struct SETQualifier {
  static constexpr std::string_view kName = "SETQualifier";
  using TerseStatement = SETString<ub_terseStatement, "SETString{ub-terseStatement}">;
  std::optional<DigestedData> policy_digest;
  std::optional<TerseStatement> terse_statement;
  std::optional<std::string> policy_url;
  std::optional<std::string> policy_email;
  template <class V>
  void describe(V& v) {
    v(policy_digest, "policyDigest");
    v(terse_statement, "terseStatement", spec::Choice<TerseStatement>{});
    v(policy_url, "policyURL", implicit(0, spec::URL()));
    v(policy_email, "policyEmail", implicit(1, spec::URL()));
  }
};

// AdditionalPolicy ::= SEQUENCE { policyOID CertPolicyId OPTIONAL,
//    policyQualifier SETQualifier OPTIONAL, policyAddedBy CertificateTypeSyntax }
struct AdditionalPolicy {
  static constexpr std::string_view kName = "AdditionalPolicy";
  std::optional<der::Oid> policy_oid;
  std::optional<SETQualifier> policy_qualifier;
  der::BitString policy_added_by;
  template <class V>
  void describe(V& v) {
    v(policy_oid, "policyOID", spec::CertPolicyId());
    v(policy_qualifier, "policyQualifier");
    v(policy_added_by, "policyAddedBy", spec::CertificateTypeSyntax());
  }
};

// SetPolicyQualifier ::= SEQUENCE { rootQualifier SETQualifier,
//    additionalPolicies AdditionalPolicies OPTIONAL }   -- SEQUENCE SIZE(1..3) OF AdditionalPolicy
struct SetPolicyQualifier {
  static constexpr std::string_view kName = "SetPolicyQualifier";
  SETQualifier root_qualifier;
  std::optional<std::vector<AdditionalPolicy>> additional_policies;
  template <class V>
  void describe(V& v) {
    v(root_qualifier, "rootQualifier");
    v(additional_policies, "additionalPolicies",
      spec::SeqOf<spec::Seq<AdditionalPolicy>>{.size = {1, 3}, .name = "AdditionalPolicies"});
  }
};

// PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OID, qualifier ANY OPTIONAL }
// (the qualifier of id-set-setQualifier is a SetPolicyQualifier; others are kept raw)
struct PolicyQualifierInfo {
  static constexpr std::string_view kName = "PolicyQualifierInfo";
  der::Oid policy_qualifier_id;
  std::optional<Bytes> qualifier;
  template <class V>
  void describe(V& v) {
    v(policy_qualifier_id, "policyQualifierId");
    v(qualifier, "qualifier", spec::Any{"CERT-POLICY-QUALIFIER.&Qualifier"});
  }
  bool operator==(const PolicyQualifierInfo&) const = default;
};

// PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId,
//    policyQualifiers SEQUENCE SIZE(1..MAX) OF PolicyQualifierInfo OPTIONAL }
struct PolicyInformation {
  static constexpr std::string_view kName = "PolicyInformation";
  der::Oid policy_identifier;
  std::optional<std::vector<PolicyQualifierInfo>> policy_qualifiers;
  template <class V>
  void describe(V& v) {
    v(policy_identifier, "policyIdentifier", spec::CertPolicyId());
    v(policy_qualifiers, "policyQualifiers",
      spec::SeqOf<spec::Seq<PolicyQualifierInfo>>{.size = {1, SIZE_MAX}, .name = "SEQUENCE SIZE(1..MAX) OF"});
  }
  bool operator==(const PolicyInformation&) const = default;
};
namespace spec {
// CertificatePoliciesSyntax ::= SEQUENCE SIZE(1..MAX) OF PolicyInformation
inline SeqOf<Seq<::openset::asn1::PolicyInformation>> CertificatePoliciesSyntax() {
  return {.size = {1, SIZE_MAX}, .name = "CertificatePoliciesSyntax"};
}
}  // namespace spec

// HashedRootKeySyntax ::= RootKeyThumb ::= SEQUENCE {
//    rootKeyThumbprint DD { SubjectPublicKeyInfo{{SupportedAlgorithms}} } }
// The DD's contentType is id-set-rootKeyThumb (notes §5.10, cryptlib template).
struct RootKeyThumb {
  static constexpr std::string_view kName = "RootKeyThumb";
  DigestedData root_key_thumbprint;
  template <class V>
  void describe(V& v) {
    v(root_key_thumbprint, "rootKeyThumbprint");
  }
};

// MerNames ::= SEQUENCE { language [0] Language OPTIONAL,
//    name [1] EXPLICIT SETString{ub-merName}, city [2] EXPLICIT SETString{ub-cityName},
//    stateProvince [3] EXPLICIT SETString{ub-stateProvince} OPTIONAL,
//    postalCode [4] EXPLICIT SETString{ub-postalCode} OPTIONAL,
//    countryName [5] EXPLICIT SETString{ub-countryName} }
struct MerNames {
  static constexpr std::string_view kName = "MerNames";
  using MerName = SETString<ub_merName, "SETString{ub-merName}">;
  using City = SETString<ub_cityName, "SETString{ub-cityName}">;
  using StateProvince = SETString<ub_stateProvince, "SETString{ub-stateProvince}">;
  using PostalCode = SETString<ub_postalCode, "SETString{ub-postalCode}">;
  using CountryName = SETString<ub_countryName, "SETString{ub-countryName}">;
  std::optional<std::string> language;
  MerName name;
  City city;
  std::optional<StateProvince> state_province;
  std::optional<PostalCode> postal_code;
  CountryName country_name;
  template <class V>
  void describe(V& v) {
    v(language, "language", implicit(0, spec::Language()));
    v(name, "name", explicit_(1, spec::Choice<MerName>{}));
    v(city, "city", explicit_(2, spec::Choice<City>{}));
    v(state_province, "stateProvince", explicit_(3, spec::Choice<StateProvince>{}));
    v(postal_code, "postalCode", explicit_(4, spec::Choice<PostalCode>{}));
    v(country_name, "countryName", explicit_(5, spec::Choice<CountryName>{}));
  }
  bool operator==(const MerNames&) const = default;
};

// MerchantDataSyntax ::= SEQUENCE { merID MerchantID, merAcquirerBIN BIN,
//    merNameSeq MerNameSeq, merCountry CountryCode, merAuthFlag BOOLEAN DEFAULT TRUE }
// MerNameSeq ::= SEQUENCE SIZE(1..32) OF MerNames
struct MerchantDataSyntax {
  static constexpr std::string_view kName = "MerchantDataSyntax";
  MerchantID mer_id;
  std::string mer_acquirer_bin;
  std::vector<MerNames> mer_name_seq;
  std::int64_t mer_country = 0;
  bool mer_auth_flag = true;
  template <class V>
  void describe(V& v) {
    v(mer_id, "merID", spec::MerchantID());
    v(mer_acquirer_bin, "merAcquirerBIN", spec::BIN());
    v(mer_name_seq, "merNameSeq", spec::SeqOf<spec::Seq<MerNames>>{.size = {1, 32}, .name = "MerNameSeq"});
    v(mer_country, "merCountry", spec::CountryCode());
    v(mer_auth_flag, "merAuthFlag", with_default(spec::Boolean{}, true));
  }
  bool operator==(const MerchantDataSyntax&) const = default;
};

// TunnelingSyntax ::= SEQUENCE { tunneling BOOLEAN DEFAULT TRUE, tunnelAlgIDs TunnelAlg }
struct TunnelingSyntax {
  static constexpr std::string_view kName = "TunnelingSyntax";
  bool tunneling = true;
  std::vector<der::Oid> tunnel_alg_ids;
  template <class V>
  void describe(V& v) {
    v(tunneling, "tunneling", with_default(spec::Boolean{}, true));
    v(tunnel_alg_ids, "tunnelAlgIDs", spec::TunnelAlg());
  }
  bool operator==(const TunnelingSyntax&) const = default;
};

// DER of a value under a spec (for extension values that are not SEQUENCEs), and back
// (exactly one value, nothing after it).
template <class S>
Bytes encode_value(const S& s, const typename S::value_type& v) {
  der::Writer w;
  s.encode(w, v);
  return w.finish();
}
template <class S>
Result<typename S::value_type> decode_value(const S& s, ByteView in, der::Limits limits = {}) {
  der::Reader r(in, limits);
  typename S::value_type v{};
  OPENSET_CHECK(s.decode(r, v));
  OPENSET_CHECK(r.expect_end());
  return v;
}

// ---------------------------------------------------------------------------------------------
// SetCRL

// CRLEntry ::= SEQUENCE { userCertificate CertificateSerialNumber, revocationDate UTCTime,
//    crlEntryExtensions Extensions OPTIONAL }
struct CRLEntry {
  static constexpr std::string_view kName = "CRLEntry";
  Bytes user_certificate;
  der::Time revocation_date;
  std::optional<Extensions> crl_entry_extensions;
  template <class V>
  void describe(V& v) {
    v(user_certificate, "userCertificate", spec::BigInteger{"CertificateSerialNumber"});
    v(revocation_date, "revocationDate", spec::UtcTime{});
    v(crl_entry_extensions, "crlEntryExtensions", spec::Extensions());
  }
  bool operator==(const CRLEntry&) const = default;
};

// UnsignedCertificateRevocationList ::= SEQUENCE {
//    version INTEGER { crlVer2(1) } (crlVer2), signature AlgorithmIdentifier, issuer Name,
//    thisUpdate UTCTime, nextUpdate UTCTime, revokedCertificates CRLEntryList OPTIONAL,
//    crlExtensions [0] Extensions OPTIONAL }          -- [0] EXPLICIT (module default)
struct UnsignedCertificateRevocationList {
  static constexpr std::string_view kName = "UnsignedCertificateRevocationList";
  std::int64_t version = 1;
  AlgorithmIdentifier signature;
  Name issuer;
  der::Time this_update;
  der::Time next_update;
  std::optional<std::vector<CRLEntry>> revoked_certificates;
  std::optional<Extensions> crl_extensions;
  template <class V>
  void describe(V& v) {
    v(version, "version",
      spec::Integer{.min = 1, .max = 1, .name = "INTEGER { crlVer2(1) }", .named = {{1, "crlVer2"}}});
    v(signature, "signature");
    v(issuer, "issuer");
    v(this_update, "thisUpdate", spec::UtcTime{});
    v(next_update, "nextUpdate", spec::UtcTime{});
    v(revoked_certificates, "revokedCertificates",
      spec::SeqOf<spec::Seq<CRLEntry>>{.name = "CRLEntryList"});
    v(crl_extensions, "crlExtensions", explicit_(0, spec::Extensions()));
  }
  bool operator==(const UnsignedCertificateRevocationList&) const = default;
};

// CRL ::= SIGNED { EncodedCRL }
using CRL = Signed<UnsignedCertificateRevocationList, "CRL">;

// ---------------------------------------------------------------------------------------------
// BrandCRLIdentifier (SetMessage, IMPLICIT TAGS)

// CRLIdentifier ::= SEQUENCE { issuerName Name, crlNumber INTEGER (0..MAX) }
struct CRLIdentifier {
  static constexpr std::string_view kName = "CRLIdentifier";
  Name issuer_name;
  std::int64_t crl_number = 0;
  template <class V>
  void describe(V& v) {
    v(issuer_name, "issuerName");
    v(crl_number, "crlNumber", spec::Integer{.min = 0, .name = "INTEGER (0..MAX)"});
  }
  bool operator==(const CRLIdentifier&) const = default;
};

// UnsignedBrandCRLIdentifier ::= SEQUENCE {
//    version INTEGER { bVer1(0) } (bVer1), sequenceNum INTEGER (0..MAX), brandID BrandID,
//    notBefore GeneralizedTime, notAfter GeneralizedTime,
//    crlIdentifierSeq [0] CRLIdentifierSeq OPTIONAL,      -- [0] IMPLICIT SEQUENCE OF
//    bCRLExtensions [1] Extensions OPTIONAL }              -- [1] IMPLICIT SEQUENCE OF
struct UnsignedBrandCRLIdentifier {
  static constexpr std::string_view kName = "UnsignedBrandCRLIdentifier";
  std::int64_t version = 0;
  std::int64_t sequence_num = 0;
  BrandID brand_id;
  der::Time not_before;
  der::Time not_after;
  std::optional<std::vector<CRLIdentifier>> crl_identifier_seq;
  std::optional<Extensions> b_crl_extensions;
  template <class V>
  void describe(V& v) {
    v(version, "version",
      spec::Integer{.min = 0, .max = 0, .name = "INTEGER { bVer1(0) }", .named = {{0, "bVer1"}}});
    v(sequence_num, "sequenceNum", spec::Integer{.min = 0, .name = "INTEGER (0..MAX)"});
    v(brand_id, "brandID", spec::BrandID());
    v(not_before, "notBefore", spec::GeneralizedTime{});
    v(not_after, "notAfter", spec::GeneralizedTime{});
    v(crl_identifier_seq, "crlIdentifierSeq",
      implicit(0, spec::SeqOf<spec::Seq<CRLIdentifier>>{.name = "CRLIdentifierSeq"}));
    v(b_crl_extensions, "bCRLExtensions", implicit(1, spec::Extensions()));
  }
  bool operator==(const UnsignedBrandCRLIdentifier&) const = default;
};

// BrandCRLIdentifier ::= SIGNED { EncodedBrandCRLID }
// (spec::BrandCRLIdentifier() in set_message.hpp keeps it as an open type inside messages;
//  decode those bytes with decode<BrandCRLIdentifier>.)
using BrandCRLIdentifier = Signed<UnsignedBrandCRLIdentifier, "BrandCRLIdentifier">;

}  // namespace openset::asn1
