#include "openset/pki/authority.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "openset/asn1/oids.hpp"
#include "openset/crypto/signature.hpp"
#include "openset/pki/identity.hpp"
#include "openset/seal/digest.hpp"

namespace openset::pki {
namespace {

namespace o = asn1::oid;

asn1::Extension ext(const der::Oid& id, Bytes value, bool critical) {
  return asn1::Extension{id, critical, std::move(value)};
}

der::BitString bits_of(std::uint16_t mask) {
  der::BitString b;
  std::size_t last = 0;
  bool any = false;
  for (std::size_t i = 0; i < 16; ++i)
    if (mask & (1u << i)) {
      last = i;
      any = true;
    }
  if (!any) return b;
  b.bytes.assign(last / 8 + 1, 0);
  for (std::size_t i = 0; i <= last; ++i)
    if (mask & (1u << i)) b.bytes[i / 8] = static_cast<std::uint8_t>(b.bytes[i / 8] | (0x80u >> (i % 8)));
  b.unused_bits = static_cast<std::uint8_t>(7 - last % 8);
  return b;
}

Bytes policies_value() {
  asn1::SetPolicyQualifier q;
  q.root_qualifier.terse_statement =
      asn1::SETQualifier::TerseStatement("OpenSET SET 1.0 root policy (test hierarchy)");
  asn1::PolicyInformation pi;
  pi.policy_identifier = o::set_policy_root();
  pi.policy_qualifiers = std::vector<asn1::PolicyQualifierInfo>{{o::set_set_qualifier(), asn1::encode(q)}};
  return asn1::encode_value(asn1::spec::CertificatePoliciesSyntax(), {pi});
}

bool looks_like_pan(std::string_view s) {
  std::size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 12) return true;
  }
  return false;
}

// The unique cardholder ID (identity.hpp: the hashed account number in upper-case hex) is the
// cardholder certificate's CN. Hex digits may well run 12 and more decimal digits in a row,
// which is no account number: such a CN is left out of looks_like_pan's scan.
bool hashed_cardholder_id(std::string_view cn) {
  if (cn.size() < 40) return false;
  for (char c : cn)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

}  // namespace

der::Time add_days(const der::Time& t, std::int64_t days) {
  return der::Time::from_unix(t.to_unix() + days * 86400);
}

Bytes CertificateAuthority::next_serial() { return der::int64_content(serial_counter_++); }

Result<CertificateAuthority> CertificateAuthority::restore(const crypto::Suite& suite,
                                                           crypto::PrivateKey key, Bytes certificate,
                                                           CertType type,
                                                           std::vector<IssuedCertificate> issued,
                                                           std::vector<CrlRecord> crls) {
  OPENSET_TRY(asn1::Certificate cert, asn1::decode<asn1::Certificate>(certificate));
  const asn1::UnsignedCertificate& tbs = cert.to_be_signed;
  OPENSET_TRY(crypto::PublicKey certified,
              crypto::PublicKey::from_spki_der(asn1::encode(tbs.subject_public_key_info)));
  if (!key || !(certified == key.public_key()))
    return Error(Errc::kInvalidArgument, "the private key is not the one this CA certificate certifies");
  std::int64_t highest = 0;
  for (const IssuedCertificate& c : issued) {
    OPENSET_TRY(std::int64_t n, der::parse_int64(c.serial, 0));
    highest = std::max(highest, n);
  }
  for (std::size_t i = 0; i < crls.size(); ++i)
    if (crls[i].number != static_cast<std::int64_t>(i) + 1)
      return Error(Errc::kInvalidArgument, "CRL records must be numbered 1, 2, ... without gaps");
  CertificateAuthority ca;
  ca.suite_ = &suite;
  ca.key_ = std::move(key);
  ca.certificate_ = std::move(certificate);
  ca.name_ = tbs.subject;
  ca.issuer_name_ = tbs.issuer;
  ca.serial_ = tbs.serial_number;
  ca.type_ = type;
  ca.not_after_ = tbs.validity.not_after;
  ca.serial_counter_ = highest + 1;
  ca.issued_ = std::move(issued);
  ca.crls_ = std::move(crls);
  return ca;
}

std::string CertificateAuthority::brand() const {
  if (type_ == CertType::kRoot) return "";
  return name_.get(asn1::NameAttr::kO).value_or("");
}

Result<Bytes> CertificateAuthority::sign(const Bytes& tbs) const {
  OPENSET_TRY(Bytes sig, crypto::sign(key_, suite_->digest, tbs));
  der::Writer w;
  w.begin_sequence();
  w.add_raw(tbs);
  w.add_raw(suite_->certificate_signature_algorithm_id());
  w.add_bit_string(der::BitString{std::move(sig), 0});
  w.end();
  return w.finish();
}

Result<Bytes> CertificateAuthority::build(const IssueRequest& req, const Bytes& serial,
                                          const asn1::Name& issuer, const der::Time& not_after,
                                          const std::optional<crypto::PublicKey>& next_root) {
  const Profile& p = profile(req.type);
  const bool set_crit = req.options.set_extensions_critical;
  asn1::UnsignedCertificate tbs;
  tbs.serial_number = serial;
  OPENSET_TRY(tbs.signature,
              asn1::decode<asn1::AlgorithmIdentifier>(suite_->certificate_signature_algorithm_id()));
  tbs.issuer = issuer;
  tbs.validity = asn1::Validity{req.not_before, not_after};
  tbs.subject = req.subject;
  OPENSET_TRY(tbs.subject_public_key_info,
              asn1::decode<asn1::SubjectPublicKeyInfo>(req.public_key.spki_der()));

  auto& e = tbs.extensions;
  e.push_back(ext(o::ce_key_usage(), asn1::encode_value(asn1::spec::KeyUsage(), bits_of(p.key_usage)), true));
  if (p.private_key_usage_period) {
    asn1::PrivateKeyUsagePeriod pkup;
    pkup.not_before = req.not_before;
    pkup.not_after = std::min(add_days(req.not_before, p.key_usage_days), not_after);
    e.push_back(ext(o::ce_private_key_usage_period(), asn1::encode(pkup), false));
  }
  e.push_back(ext(o::ce_certificate_policies(), policies_value(), true));
  if (p.ca) {
    asn1::BasicConstraintsSyntax bc{true, p.path_len};
    e.push_back(ext(o::ce_basic_constraints(), asn1::encode(bc), true));
  }
  if (req.type != CertType::kRoot) {
    // SET's form: issuer and serial of the issuing CA's certificate, no keyIdentifier.
    asn1::AuthorityKeyIdentifier aki;
    asn1::GeneralName gn;
    gn.value = issuer_name_;
    aki.authority_cert_issuer = asn1::GeneralNames{gn};
    aki.authority_cert_serial_number = serial_;
    e.push_back(ext(o::ce_authority_key_identifier(), asn1::encode(aki), false));
  }
  e.push_back(ext(o::set_certificate_type(),
                  asn1::encode_value(asn1::spec::CertificateTypeSyntax(), bits_of(bit(p.entity))),
                  set_crit));
  if (p.hashed_root_key) {
    if (!next_root || !*next_root)
      return Error(Errc::kInvalidArgument, "root certificate: the next root key is required (hashedRootKey)");
    OPENSET_TRY(asn1::DigestedData dd, seal::DD(*suite_, o::set_root_key_thumb(), next_root->spki_der()));
    asn1::RootKeyThumb thumb{std::move(dd)};
    e.push_back(ext(o::set_hashed_root_key(), asn1::encode(thumb), set_crit));
  }
  if (p.merchant_data) {
    if (!req.merchant_data)
      return Error(Errc::kInvalidArgument, "merchant signature certificate: merchantData is required");
    e.push_back(ext(o::set_merchant_data(), asn1::encode(*req.merchant_data), false));
  }
  if (p.card_cert_required)
    e.push_back(ext(o::set_card_cert_required(),
                    asn1::encode_value(asn1::spec::CardCertRequired(), req.card_cert_required.value_or(false)),
                    false));
  if (p.tunneling && req.tunneling) e.push_back(ext(o::set_tunneling(), asn1::encode(*req.tunneling), false));
  for (const auto& x : req.options.extra_extensions) e.push_back(x);
  return sign(asn1::encode(tbs));
}

Result<CertificateAuthority> CertificateAuthority::create_root(const crypto::Suite& suite,
                                                               crypto::PrivateKey key,
                                                               const crypto::PublicKey& next_root_key,
                                                               asn1::Name subject, der::Time not_before,
                                                               IssueOptions options) {
  if (!key) return Error(Errc::kInvalidArgument, "root: no key");
  if (key.bits() < profile(CertType::kRoot).key_bits(suite))
    return Error(Errc::kPolicy, "root: key of " + std::to_string(key.bits()) + " bits is below the suite's CA size");
  CertificateAuthority ca;
  ca.suite_ = &suite;
  ca.key_ = std::move(key);
  ca.name_ = subject;
  ca.issuer_name_ = subject;
  ca.type_ = CertType::kRoot;
  ca.not_after_ = add_days(not_before, profile(CertType::kRoot).validity_days);
  ca.serial_ = ca.next_serial();
  IssueRequest req;
  req.type = CertType::kRoot;
  req.subject = std::move(subject);
  req.public_key = ca.key_.public_key();
  req.not_before = not_before;
  req.options = std::move(options);
  OPENSET_TRY(ca.certificate_, ca.build(req, ca.serial_, ca.name_, ca.not_after_, next_root_key));
  ca.issued_.push_back(IssuedCertificate{ca.serial_, ca.certificate_, CertType::kRoot, ca.name_, ca.not_after_, {}});
  return ca;
}

Result<Bytes> CertificateAuthority::issue(const IssueRequest& req) {
  const Profile& p = profile(req.type);
  const Profile& mine = profile(type_);
  if (req.type == CertType::kRoot)
    return Error(Errc::kPolicy, "a root certificate is only made by create_root");
  if ((p.issuer_types & bit(mine.entity)) == 0)
    return Error(Errc::kPolicy, std::string("a ") + std::string(mine.name) + " may not issue a " +
                                    std::string(p.name) + " certificate");
  if (type_ != CertType::kRoot && req.subject.get(asn1::NameAttr::kO).value_or("") != brand())
    return Error(Errc::kPolicy, "subject organisation must be the brand '" + brand() + "'");
  if (!req.public_key) return Error(Errc::kInvalidArgument, "no subject public key");
  if (req.public_key.bits() < p.key_bits(*suite_))
    return Error(Errc::kPolicy, std::string(p.name) + " key of " + std::to_string(req.public_key.bits()) +
                                    " bits is below the suite's " + std::to_string(p.key_bits(*suite_)));
  std::string subject_text = req.subject.to_string();
  if (auto cn = req.subject.get(asn1::NameAttr::kCN); cn && hashed_cardholder_id(*cn)) {
    auto at = subject_text.find(*cn);
    if (at != std::string::npos) subject_text.erase(at, cn->size());
  }
  if (req.type == CertType::kCardholder && looks_like_pan(subject_text))
    return Error(Errc::kPolicy, "cardholder subject would carry an account number; use the hashed ID");
  // Our own private key usage period (CA keys sign for part of the certificate's life).
  OPENSET_TRY(asn1::Certificate own, asn1::decode<asn1::Certificate>(certificate_));
  if (const auto* x = asn1::find_extension(own.to_be_signed.extensions, o::ce_private_key_usage_period())) {
    OPENSET_TRY(asn1::PrivateKeyUsagePeriod pk, asn1::decode<asn1::PrivateKeyUsagePeriod>(x->extn_value));
    if ((pk.not_after && req.not_before > *pk.not_after) || (pk.not_before && req.not_before < *pk.not_before))
      return Error(Errc::kPolicy, "outside this CA's private key usage period");
  }
  der::Time not_after = req.not_after.value_or(add_days(req.not_before, p.validity_days));
  not_after = std::min(not_after, not_after_);
  if (req.card_expiry) {
    OPENSET_TRY(der::Time end, card_expiry_end(*req.card_expiry));
    not_after = std::min(not_after, end);
  }
  if (not_after <= req.not_before) return Error(Errc::kPolicy, "empty validity period");
  Bytes serial = next_serial();
  OPENSET_TRY(Bytes der, build(req, serial, name_, not_after, std::nullopt));
  issued_.push_back(IssuedCertificate{serial, der, req.type, req.subject, not_after, {}});
  return der;
}

Result<CertificateAuthority> CertificateAuthority::create_subordinate(CertType type, crypto::PrivateKey key,
                                                                      asn1::Name subject,
                                                                      der::Time not_before,
                                                                      IssueOptions options) {
  if (!profile(type).ca) return Error(Errc::kInvalidArgument, "create_subordinate: not a CA type");
  if (!key) return Error(Errc::kInvalidArgument, "create_subordinate: no key");
  IssueRequest req;
  req.type = type;
  req.subject = subject;
  req.public_key = key.public_key();
  req.not_before = not_before;
  req.options = std::move(options);
  OPENSET_TRY(Bytes der, issue(req));
  CertificateAuthority ca;
  ca.suite_ = suite_;
  ca.key_ = std::move(key);
  ca.certificate_ = std::move(der);
  ca.name_ = std::move(subject);
  ca.issuer_name_ = name_;
  ca.serial_ = issued_.back().serial;
  ca.type_ = type;
  ca.not_after_ = issued_.back().not_after;
  return ca;
}

Status CertificateAuthority::revoke(ByteView serial, der::Time when) {
  for (auto& r : issued_)
    if (ByteView(r.serial).size() == serial.size() && std::equal(serial.begin(), serial.end(), r.serial.begin())) {
      if (!r.revoked_at) r.revoked_at = when;
      return Ok{};
    }
  return Error(Errc::kInvalidArgument, "revoke: this CA issued no certificate with serial " + to_hex(serial));
}

Result<Bytes> CertificateAuthority::build_crl(const CrlRecord& rec) const {
  asn1::UnsignedCertificateRevocationList crl;
  OPENSET_TRY(crl.signature,
              asn1::decode<asn1::AlgorithmIdentifier>(suite_->certificate_signature_algorithm_id()));
  crl.issuer = name_;
  crl.this_update = rec.this_update;
  crl.next_update = rec.next_update;
  std::vector<asn1::CRLEntry> entries;
  for (const auto& r : issued_)
    if (r.revoked_at && *r.revoked_at <= rec.this_update)
      entries.push_back(asn1::CRLEntry{r.serial, *r.revoked_at, std::nullopt});
  if (!entries.empty()) crl.revoked_certificates = std::move(entries);
  asn1::Extensions exts;
  exts.push_back(ext(o::ce_crl_number(), asn1::encode_value(asn1::spec::CRLNumber(), rec.number), false));
  if (type_ != CertType::kRoot) {
    asn1::AuthorityKeyIdentifier aki;
    asn1::GeneralName gn;
    gn.value = issuer_name_;
    aki.authority_cert_issuer = asn1::GeneralNames{gn};
    aki.authority_cert_serial_number = serial_;
    exts.push_back(ext(o::ce_authority_key_identifier(), asn1::encode(aki), false));
  }
  crl.crl_extensions = std::move(exts);
  return sign(asn1::encode(crl));
}

Result<Bytes> CertificateAuthority::issue_crl(der::Time this_update, der::Time next_update) {
  if (next_update <= this_update) return Error(Errc::kInvalidArgument, "CRL: nextUpdate must follow thisUpdate");
  if (!crls_.empty() && this_update < crls_.back().this_update)
    return Error(Errc::kInvalidArgument, "CRL: thisUpdate earlier than the previous CRL's");
  CrlRecord rec{crls_.empty() ? 1 : crls_.back().number + 1, this_update, next_update};
  OPENSET_TRY(Bytes der, build_crl(rec));
  crls_.push_back(rec);
  return der;
}

Result<Bytes> CertificateAuthority::rebuild_crl(std::int64_t number) const {
  for (const auto& r : crls_)
    if (r.number == number) return build_crl(r);
  return Error(Errc::kInvalidArgument, "no CRL number " + std::to_string(number) + " was published");
}

Result<asn1::CRLIdentifier> crl_identifier(ByteView crl_der) {
  OPENSET_TRY(asn1::CRL crl, asn1::decode<asn1::CRL>(crl_der));
  const auto& exts = crl.to_be_signed.crl_extensions;
  const asn1::Extension* n = exts ? asn1::find_extension(*exts, o::ce_crl_number()) : nullptr;
  if (n == nullptr) return Error(Errc::kConstraint, "CRL without cRLNumber");
  OPENSET_TRY(std::int64_t number, asn1::decode_value(asn1::spec::CRLNumber(), n->extn_value));
  return asn1::CRLIdentifier{crl.to_be_signed.issuer, number};
}

Result<Bytes> CertificateAuthority::issue_brand_crl_identifier(std::int64_t sequence_num, der::Time not_before,
                                                               der::Time not_after,
                                                               const std::vector<Bytes>& crls) const {
  if (type_ != CertType::kBrand) return Error(Errc::kPolicy, "only a brand CA signs its BrandCRLIdentifier");
  asn1::UnsignedBrandCRLIdentifier bci;
  bci.sequence_num = sequence_num;
  bci.brand_id = brand();
  bci.not_before = not_before;
  bci.not_after = not_after;
  std::vector<asn1::CRLIdentifier> ids;
  for (const auto& c : crls) {
    OPENSET_TRY(asn1::CRLIdentifier id, crl_identifier(c));
    ids.push_back(std::move(id));
  }
  if (!ids.empty()) bci.crl_identifier_seq = std::move(ids);
  return sign(asn1::encode(bci));
}

}  // namespace openset::pki
