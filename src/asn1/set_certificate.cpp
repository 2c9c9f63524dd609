#include "openset/asn1/set_certificate.hpp"

#include <array>
#include <string>
#include <utility>

namespace openset::asn1 {

namespace oid {
std::string_view certificate_oid_name(const der::Oid& o) {
  static const std::array<std::pair<const der::Oid& (*)(), std::string_view>, 22> table = {{
      {&at_common_name, "commonName"},
      {&at_country_name, "countryName"},
      {&at_organization_name, "organizationName"},
      {&at_organizational_unit_name, "organizationalUnitName"},
      {&ce_key_usage, "keyUsage"},
      {&ce_private_key_usage_period, "privateKeyUsagePeriod"},
      {&ce_subject_alt_name, "subjectAltName"},
      {&ce_issuer_alt_name, "issuerAltName"},
      {&ce_basic_constraints, "basicConstraints"},
      {&ce_crl_number, "cRLNumber"},
      {&ce_certificate_policies, "certificatePolicies"},
      {&ce_authority_key_identifier, "authorityKeyIdentifier"},
      {&set_hashed_root_key, "id-set-hashedRootKey"},
      {&set_certificate_type, "id-set-certificateType"},
      {&set_merchant_data, "id-set-merchantData"},
      {&set_card_cert_required, "id-set-cardCertRequired"},
      {&set_tunneling, "id-set-tunneling"},
      {&set_set_extensions, "id-set-setExtensions"},
      {&set_set_qualifier, "id-set-setQualifier"},
      {&set_root_key_thumb, "id-set-rootKeyThumb"},
      {&set_additional_policy, "id-set-additionalPolicy"},
      {&set_policy_root, "id-set-policy-root"},
  }};
  for (const auto& [fn, name] : table)
    if (fn() == o) return name;
  return "";
}
}  // namespace oid

const der::Oid& name_attr_oid(NameAttr a) {
  switch (a) {
    case NameAttr::kC: return oid::at_country_name();
    case NameAttr::kO: return oid::at_organization_name();
    case NameAttr::kOU: return oid::at_organizational_unit_name();
    case NameAttr::kCN: break;
  }
  return oid::at_common_name();
}

namespace {
std::string_view attr_short(const der::Oid& o) {
  if (o == oid::at_country_name()) return "C";
  if (o == oid::at_organization_name()) return "O";
  if (o == oid::at_organizational_unit_name()) return "OU";
  if (o == oid::at_common_name()) return "CN";
  return "?";
}
}  // namespace

namespace spec {

void SetAttributeTypeAndValue::encode(der::Writer& w, const value_type& v) const {
  w.begin(tag);
  w.add_oid(v.type);
  w.add_string(v.bmp ? der::tags::kBmpString : der::tags::kPrintableString, v.value);
  w.end();
}

Status SetAttributeTypeAndValue::decode(der::Reader& r, value_type& v) const {
  OPENSET_TRY(der::Reader in, r.enter(tag));
  std::size_t at = in.offset();
  OPENSET_TRY(v.type, in.read_oid());
  const bool country = v.type == oid::at_country_name();
  if (!country && v.type != oid::at_organization_name() &&
      v.type != oid::at_organizational_unit_name() && v.type != oid::at_common_name()) {
    return Error(Errc::kConstraint,
                 "AttributeTypeAndValue.type: " + v.type.to_string() +
                     " is not one of SET's SupportedAttributes (C, O, OU, CN)",
                 at);
  }
  at = in.offset();
  if (country) {
    OPENSET_TRY(std::string_view s, in.read_string(der::tags::kPrintableString));
    if (s.size() != 2)
      return Error(Errc::kConstraint, "AttributeTypeAndValue.value: countryName must be PrintableString (SIZE(2))", at);
    v.value.assign(s.begin(), s.end());
    v.bmp = false;
  } else {
    OPENSET_TRY(der::Tag t, in.peek_tag());
    v.bmp = t == der::tags::kBmpString;
    if (!v.bmp && t != der::tags::kPrintableString)
      return Error(Errc::kConstraint,
                   "AttributeTypeAndValue.value: DirectoryString must be printableString or bmpString, not " +
                       t.to_string(),
                   at);
    OPENSET_TRY(std::string_view s, in.read_string(t));
    std::size_t chars = v.bmp ? s.size() / 2 : s.size();
    OPENSET_CHECK(check_size(chars, {1, 64}, at, "DirectoryString{64}"));
    v.value.assign(s.begin(), s.end());
  }
  return in.expect_end();
}

const TypeNode* SetAttributeTypeAndValue::node() const {
  static const TypeNode* n = [] {
    TypeNode t;
    t.kind = Kind::kSequence;
    t.name = "AttributeTypeAndValue";
    t.tag = der::tags::kSequence;
    t.members.push_back(Member{"type", ObjectId{"ATTRIBUTE.&id"}.node(), false, false});
    t.members.push_back(Member{"value", Any{"DirectoryString"}.node(), false, false});
    return intern(std::move(t));
  }();
  return n;
}

}  // namespace spec

Name Name::make(std::initializer_list<std::pair<NameAttr, std::string>> attrs) {
  RDNSequence rdns;
  for (const auto& [a, v] : attrs) rdns.push_back({AttributeTypeAndValue{name_attr_oid(a), v, false}});
  Name n;
  n.value = std::move(rdns);
  return n;
}

std::optional<std::string> Name::get(NameAttr a) const {
  const der::Oid& want = name_attr_oid(a);
  for (const auto& rdn : rdns())
    for (const auto& atv : rdn)
      if (atv.type == want) return atv.value;
  return std::nullopt;
}

std::string Name::to_string() const {
  std::string out;
  for (const auto& rdn : rdns())
    for (const auto& atv : rdn) {
      if (!out.empty()) out += ", ";
      out += attr_short(atv.type);
      out += '=';
      out += atv.bmp ? "#" + openset::to_hex(as_bytes(atv.value)) : atv.value;
    }
  return out;
}

const Extension* find_extension(const Extensions& exts, const der::Oid& id) {
  for (const auto& e : exts)
    if (e.extn_id == id) return &e;
  return nullptr;
}

Status AuthorityKeyIdentifier::check_set_constraint() const {
  if (key_identifier)
    return Error(Errc::kConstraint, "AuthorityKeyIdentifier: keyIdentifier must be ABSENT in SET");
  if (!authority_cert_issuer || !authority_cert_serial_number)
    return Error(Errc::kConstraint,
                 "AuthorityKeyIdentifier: authorityCertIssuer and authorityCertSerialNumber must be PRESENT in SET");
  return Ok{};
}

Result<SignedParts> split_signed(ByteView der) {
  der::Reader r(der);
  OPENSET_TRY(der::Reader in, r.enter_sequence());
  OPENSET_CHECK(r.expect_end());
  SignedParts p;
  OPENSET_TRY(der::Element tbs, in.read_element(der::tags::kSequence));
  OPENSET_TRY(der::Element alg, in.read_element(der::tags::kSequence));
  std::size_t at = in.offset();
  OPENSET_TRY(der::Element sig, in.read_element(der::tags::kBitString));
  OPENSET_CHECK(in.expect_end());
  OPENSET_TRY(der::BitString bits, der::parse_bit_string(sig.content, sig.content_offset));
  if (bits.unused_bits != 0)
    return Error(Errc::kMalformed, "SIGNED.signature: BIT STRING must hold whole octets", at);
  p.to_be_signed = tbs.tlv;
  p.algorithm = alg.tlv;
  p.signature = sig.content.subspan(1);
  return p;
}

}  // namespace openset::asn1
