#include "openset/pki/validation.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "openset/crypto/digest.hpp"
#include "openset/crypto/signature.hpp"
#include "openset/seal/digest.hpp"

namespace openset::pki {

namespace o = asn1::oid;

// ---------------------------------------------------------------------------------------------
// Failure vocabulary

std::string_view to_string(Failure f) {
  switch (f) {
    case Failure::kDecoding: return "decoding";
    case Failure::kMissingIssuer: return "missing-issuer";
    case Failure::kUntrustedRoot: return "untrusted-root";
    case Failure::kSignature: return "signature";
    case Failure::kSuitePolicy: return "suite-policy";
    case Failure::kNotYetValid: return "not-yet-valid";
    case Failure::kExpired: return "expired";
    case Failure::kRevoked: return "revoked";
    case Failure::kCrlUnavailable: return "crl-unavailable";
    case Failure::kWrongBrand: return "wrong-brand";
    case Failure::kWrongType: return "wrong-type";
    case Failure::kKeyUsage: return "key-usage";
    case Failure::kBasicConstraints: return "basic-constraints";
    case Failure::kPathLength: return "path-length";
    case Failure::kUnknownCriticalExtension: return "unknown-critical-extension";
    case Failure::kProfile: return "profile";
  }
  return "?";
}

asn1::ErrorCode error_code(Failure f) {
  using E = asn1::ErrorCode;
  switch (f) {
    case Failure::kDecoding: return E::kDecodingFailure;
    case Failure::kMissingIssuer: return E::kMissingCertificate;
    case Failure::kSignature: return E::kSignatureFailure;
    case Failure::kSuitePolicy: return E::kSignatureFailure;
    case Failure::kExpired: return E::kExpiredCertificate;
    case Failure::kRevoked: return E::kRevokedCertificate;
    case Failure::kCrlUnavailable: return E::kMissingCertificate;
    case Failure::kUnknownCriticalExtension: return E::kUnrecognizedExtension;
    default: return E::kInvalidCertificate;
  }
}

Errc errc(Failure f) {
  switch (f) {
    case Failure::kDecoding: return Errc::kMalformed;
    case Failure::kSignature: return Errc::kSignature;
    case Failure::kSuitePolicy: return Errc::kPolicy;
    case Failure::kUnknownCriticalExtension: return Errc::kUnsupported;
    case Failure::kMissingIssuer:
    case Failure::kCrlUnavailable: return Errc::kInvalidArgument;
    default: return Errc::kPolicy;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct PathValidator::Parsed {
  Bytes der;
  asn1::Certificate cert;
  Bytes tbs;
  Bytes sig;
  Bytes spki;  // SubjectPublicKeyInfo TLV as received
  crypto::PublicKey key;
  std::optional<crypto::DigestAlg> digest;
  der::BitString cert_type;
  std::optional<der::BitString> key_usage;
  std::optional<asn1::BasicConstraintsSyntax> bc;
  std::optional<asn1::PrivateKeyUsagePeriod> pkup;
  std::optional<asn1::AuthorityKeyIdentifier> aki;
  std::optional<der::Oid> unknown_critical;
  std::optional<std::string> profile_problem;
  std::string brand;
  bool self_issued = false;

  const asn1::UnsignedCertificate& tbsc() const { return cert.to_be_signed; }
  std::string label() const {
    return "certificate '" + tbsc().subject.to_string() + "' (serial " + to_hex(tbsc().serial_number) + ")";
  }
};

namespace {

Bytes sha256(ByteView b) { return crypto::digest(crypto::DigestAlg::kSha256, b).value(); }

// The SubjectPublicKeyInfo TLV inside an UnsignedCertificate, as received.
Result<Bytes> raw_spki(ByteView tbs) {
  der::Reader r(tbs);
  OPENSET_TRY(der::Reader in, r.enter_sequence());
  for (int i = 0; i < 6; ++i) OPENSET_CHECK(in.read_any());  // version .. subject
  OPENSET_TRY(der::Element e, in.read_element(der::tags::kSequence));
  return Bytes(e.tlv.begin(), e.tlv.end());
}

struct Basic {
  asn1::Certificate cert;
  asn1::SignedParts parts;
  Bytes spki;
  crypto::PublicKey key;
};
Result<Basic> basic_parse(ByteView der) {
  Basic b;
  OPENSET_TRY(b.cert, asn1::decode<asn1::Certificate>(der));
  OPENSET_TRY(b.parts, asn1::split_signed(der));
  OPENSET_TRY(b.spki, raw_spki(b.parts.to_be_signed));
  OPENSET_TRY(b.key, crypto::PublicKey::from_spki_der(b.spki));
  return b;
}

bool has_bit(const der::BitString& b, std::size_t i) { return i < b.bit_length() && b.bit(i); }

std::string type_names(const der::BitString& b) {
  static const char* names[] = {"card", "mer", "pgwy", "cca", "mca", "pca", "gca", "bca", "rca", "acq"};
  std::string out;
  for (std::size_t i = 0; i < 10; ++i)
    if (has_bit(b, i)) out += (out.empty() ? "" : "|") + std::string(names[i]);
  return out.empty() ? "none" : out;
}

// Self-signed root checks shared by the TrustStore.
Status check_root(const Basic& b) {
  if (!(b.cert.to_be_signed.issuer == b.cert.to_be_signed.subject))
    return Error(Errc::kPolicy, "root: not self-issued");
  OPENSET_TRY(crypto::DigestAlg alg, crypto::parse_certificate_signature_algorithm(b.parts.algorithm));
  OPENSET_CHECK(crypto::verify(b.key, alg, b.parts.to_be_signed, b.parts.signature));
  const auto* ct = asn1::find_extension(b.cert.to_be_signed.extensions, o::set_certificate_type());
  if (ct == nullptr) return Error(Errc::kPolicy, "root: no certificateType");
  OPENSET_TRY(der::BitString bits, asn1::decode_value(asn1::spec::CertificateTypeSyntax(), ct->extn_value));
  if (!has_bit(bits, asn1::kRca)) return Error(Errc::kPolicy, "root: certificateType is not rca");
  return Ok{};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TrustStore

Status TrustStore::add_root(ByteView root_der) {
  OPENSET_TRY(Basic b, basic_parse(root_der));
  OPENSET_CHECK(check_root(b));
  if (!trusts(root_der)) roots_.emplace_back(root_der.begin(), root_der.end());
  return Ok{};
}

bool TrustStore::trusts(ByteView root_der) const {
  for (const auto& r : roots_)
    if (r.size() == root_der.size() && std::equal(r.begin(), r.end(), root_der.begin())) return true;
  return false;
}

bool TrustStore::committed(ByteView spki_der) const {
  for (const auto& r : roots_) {
    auto c = asn1::decode<asn1::Certificate>(r);
    if (!c.ok()) continue;
    const auto* x = asn1::find_extension(c->to_be_signed.extensions, o::set_hashed_root_key());
    if (x == nullptr) continue;
    auto thumb = asn1::decode<asn1::RootKeyThumb>(x->extn_value);
    if (!thumb.ok()) continue;
    if (seal::check_DD(thumb->root_key_thumbprint, o::set_root_key_thumb(), spki_der, seal::Policy::all()).ok())
      return true;
  }
  return false;
}

Status TrustStore::roll_over(ByteView new_root_der) {
  OPENSET_TRY(Basic b, basic_parse(new_root_der));
  OPENSET_CHECK(check_root(b));
  if (!committed(b.spki))
    return Error(Errc::kSignature,
                 "root roll-over: no trusted root's hashedRootKey commits to this root's key");
  if (!trusts(new_root_der)) roots_.emplace_back(new_root_der.begin(), new_root_der.end());
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// PathValidator

std::size_t PathValidator::cache_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return verified_.size();
}

void PathValidator::clear_cache() {
  std::lock_guard<std::mutex> lock(mu_);
  verified_.clear();
  parsed_.clear();
}

Result<std::shared_ptr<const PathValidator::Parsed>> PathValidator::parse(ByteView der) {
  Bytes h = sha256(der);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = parsed_.find(h);
    if (it != parsed_.end()) return it->second;
  }
  auto p = std::make_shared<Parsed>();
  OPENSET_TRY(Basic b, basic_parse(der));
  p->der.assign(der.begin(), der.end());
  p->cert = std::move(b.cert);
  p->tbs.assign(b.parts.to_be_signed.begin(), b.parts.to_be_signed.end());
  p->sig.assign(b.parts.signature.begin(), b.parts.signature.end());
  p->spki = std::move(b.spki);
  p->key = std::move(b.key);
  if (auto d = crypto::parse_certificate_signature_algorithm(b.parts.algorithm); d.ok()) p->digest = *d;
  const auto& t = p->tbsc();
  p->self_issued = t.issuer == t.subject;
  p->brand = t.subject.get(asn1::NameAttr::kO).value_or("");
  auto problem = [&](std::string s) {
    if (!p->profile_problem) p->profile_problem = std::move(s);
  };
  if (!(t.signature == p->cert.algorithm)) problem("signature algorithm differs inside and outside the TBS");
  bool have_type = false;
  for (std::size_t i = 0; i < t.extensions.size(); ++i) {
    const auto& e = t.extensions[i];
    for (std::size_t j = 0; j < i; ++j)
      if (t.extensions[j].extn_id == e.extn_id) problem("extension " + e.extn_id.to_string() + " appears twice");
    if (!known_extension(e.extn_id)) {
      if (e.critical && !p->unknown_critical) p->unknown_critical = e.extn_id;
      continue;
    }
    std::string_view name = o::certificate_oid_name(e.extn_id);
    Status s = Ok{};
    if (e.extn_id == o::set_certificate_type()) {
      auto v = asn1::decode_value(asn1::spec::CertificateTypeSyntax(), e.extn_value);
      if (v.ok()) {
        p->cert_type = *v;
        have_type = true;
      } else {
        s = v.error();
      }
    } else if (e.extn_id == o::ce_key_usage()) {
      auto v = asn1::decode_value(asn1::spec::KeyUsage(), e.extn_value);
      if (v.ok()) p->key_usage = *v;
      else s = v.error();
    } else if (e.extn_id == o::ce_basic_constraints()) {
      auto v = asn1::decode<asn1::BasicConstraintsSyntax>(e.extn_value);
      if (v.ok()) p->bc = *v;
      else s = v.error();
    } else if (e.extn_id == o::ce_private_key_usage_period()) {
      auto v = asn1::decode<asn1::PrivateKeyUsagePeriod>(e.extn_value);
      if (v.ok() && !v->not_before && !v->not_after) problem("privateKeyUsagePeriod with neither bound");
      if (v.ok()) p->pkup = *v;
      else s = v.error();
    } else if (e.extn_id == o::ce_authority_key_identifier()) {
      auto v = asn1::decode<asn1::AuthorityKeyIdentifier>(e.extn_value);
      if (v.ok()) {
        if (auto c = v->check_set_constraint(); !c.ok()) s = c.error();
        p->aki = *v;
      } else {
        s = v.error();
      }
    } else if (e.extn_id == o::set_hashed_root_key()) {
      auto v = asn1::decode<asn1::RootKeyThumb>(e.extn_value);
      if (!v.ok()) s = v.error();
    } else if (e.extn_id == o::ce_certificate_policies()) {
      auto v = asn1::decode_value(asn1::spec::CertificatePoliciesSyntax(), e.extn_value);
      if (!v.ok()) s = v.error();
    } else if (e.extn_id == o::set_merchant_data()) {
      auto v = asn1::decode<asn1::MerchantDataSyntax>(e.extn_value);
      if (!v.ok()) s = v.error();
    } else if (e.extn_id == o::set_tunneling()) {
      auto v = asn1::decode<asn1::TunnelingSyntax>(e.extn_value);
      if (!v.ok()) s = v.error();
    } else if (e.extn_id == o::set_card_cert_required()) {
      auto v = asn1::decode_value(asn1::spec::CardCertRequired(), e.extn_value);
      if (!v.ok()) s = v.error();
    }
    if (!s.ok()) problem(std::string(name) + ": " + s.error().to_string());
  }
  if (!have_type) problem("no certificateType extension");
  if (!p->key_usage) problem("no keyUsage extension");
  std::shared_ptr<const Parsed> out = std::move(p);
  std::lock_guard<std::mutex> lock(mu_);
  parsed_.emplace(std::move(h), out);
  return out;
}

Status PathValidator::verify_signed(ByteView der, const crypto::PublicKey& key, crypto::DigestAlg alg,
                                    ByteView tbs, ByteView sig) {
  Bytes h = sha256(der);
  Bytes k = sha256(key.spki_der());
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = verified_.find(h);
    if (it != verified_.end() && it->second == k) return Ok{};
    ++verifications_;
  }
  OPENSET_CHECK(crypto::verify(key, alg, tbs, sig));
  std::lock_guard<std::mutex> lock(mu_);
  verified_[std::move(h)] = std::move(k);
  return Ok{};
}

PathResult PathValidator::validate(const ValidationRequest& req) {
  auto fail = [](Failure f, const std::string& msg) -> PathResult {
    return PathFailure{f, error_code(f), Error(errc(f), std::string(to_string(f)) + ": " + msg)};
  };
  using P = std::shared_ptr<const Parsed>;

  auto leaf = parse(req.leaf);
  if (!leaf.ok()) return fail(Failure::kDecoding, "leaf certificate: " + leaf.error().to_string());

  // Candidate issuers: the untrusted pool and the trusted roots. Undecodable ones are ignored.
  std::vector<P> pool;
  for (const auto& d : req.intermediates)
    if (auto p = parse(d); p.ok()) pool.push_back(*p);
  for (const auto& d : trust_.roots())
    if (auto p = parse(d); p.ok()) pool.push_back(*p);

  // Build leaf -> root by subject/issuer names and SET's authorityKeyIdentifier (issuer+serial).
  std::vector<P> chain{*leaf};
  constexpr std::size_t kMaxChain = 8;
  while (!chain.back()->self_issued) {
    const Parsed& cur = *chain.back();
    if (chain.size() >= kMaxChain) return fail(Failure::kPathLength, "chain longer than 8 certificates");
    P found;
    for (const auto& c : pool) {
      if (!(c->tbsc().subject == cur.tbsc().issuer)) continue;
      if (cur.aki) {
        const auto& names = *cur.aki->authority_cert_issuer;
        bool name_ok = names.size() == 1 && names[0].value.index() == 0 &&
                       std::get<0>(names[0].value) == c->tbsc().issuer;
        if (!name_ok || *cur.aki->authority_cert_serial_number != c->tbsc().serial_number) continue;
      }
      if (std::find(chain.begin(), chain.end(), c) != chain.end()) continue;
      found = c;
      break;
    }
    if (!found)
      return fail(Failure::kMissingIssuer, "no issuer certificate '" + cur.tbsc().issuer.to_string() + "' for " +
                                               cur.label());
    chain.push_back(found);
  }
  const Parsed& root = *chain.back();
  if (!trust_.trusts(root.der) && !trust_.committed(root.spki))
    return fail(Failure::kUntrustedRoot, root.label() + " is not a trusted SET root");

  // Per-certificate checks, root first.
  for (std::size_t k = chain.size(); k-- > 0;) {
    const Parsed& c = *chain[k];
    if (c.unknown_critical)
      return fail(Failure::kUnknownCriticalExtension,
                  c.label() + " has unrecognised critical extension " + c.unknown_critical->to_string());
    if (c.profile_problem) return fail(Failure::kProfile, c.label() + ": " + *c.profile_problem);
    if (!c.digest)
      return fail(Failure::kSuitePolicy, c.label() + ": signature algorithm is not one we know");
    auto suite = crypto::identify_suite(*c.digest, std::nullopt, std::nullopt);
    if (!suite.ok() || !req.suites.accepts(*suite))
      return fail(Failure::kSuitePolicy, c.label() + ": signed with " + std::string(crypto::to_string(*c.digest)) +
                                             ", a suite this party does not accept");
    const Parsed& issuer = k + 1 < chain.size() ? *chain[k + 1] : c;
    if (auto s = verify_signed(c.der, issuer.key, *c.digest, c.tbs, c.sig); !s.ok())
      return fail(Failure::kSignature, c.label() + ": signature does not verify under '" +
                                           issuer.tbsc().subject.to_string() + "'");
    if (req.at < c.tbsc().validity.not_before)
      return fail(Failure::kNotYetValid, c.label() + " is not valid before " +
                                             c.tbsc().validity.not_before.to_iso8601());
    if (req.at > c.tbsc().validity.not_after)
      return fail(Failure::kExpired, c.label() + " expired at " + c.tbsc().validity.not_after.to_iso8601());
  }
  if (!has_bit(root.cert_type, asn1::kRca))
    return fail(Failure::kWrongType, root.label() + " is a self-issued " + type_names(root.cert_type) +
                                         " certificate, not a root");

  // Issuer constraints, down the chain.
  for (std::size_t i = 1; i < chain.size(); ++i) {
    const Parsed& is = *chain[i];
    if (!is.bc || !is.bc->ca)
      return fail(Failure::kBasicConstraints, "issuer " + is.label() + " is not a CA (basicConstraints)");
    if (!has_bit(*is.key_usage, asn1::kKeyCertSign))
      return fail(Failure::kKeyUsage, "issuer " + is.label() + " lacks keyCertSign");
  }
  for (std::size_t i = chain.size() - 1; i-- > 0;) {
    const Parsed& s = *chain[i];
    const Parsed& is = *chain[i + 1];
    if (is.bc->path_len_constraint && static_cast<std::int64_t>(i) > *is.bc->path_len_constraint)
      return fail(Failure::kPathLength, "issuer " + is.label() + " allows " +
                                            std::to_string(*is.bc->path_len_constraint) +
                                            " CA certificates below it; the chain has " + std::to_string(i));
    std::uint16_t allowed = 0;
    bool any = false;
    for (const auto& p : profiles())
      if (p.type != CertType::kRoot && has_bit(s.cert_type, p.entity)) {
        allowed = static_cast<std::uint16_t>(allowed | p.issuer_types);
        any = true;
      }
    bool ok = false;
    for (std::size_t b = 0; b < 10; ++b)
      if ((allowed & bit(b)) && has_bit(is.cert_type, b)) ok = true;
    if (!any || !ok)
      return fail(Failure::kWrongType, "a " + type_names(is.cert_type) + " certificate may not certify a " +
                                           type_names(s.cert_type) + " certificate (" + s.label() + ")");
    if (is.pkup && ((is.pkup->not_after && s.tbsc().validity.not_before > *is.pkup->not_after) ||
                    (is.pkup->not_before && s.tbsc().validity.not_before < *is.pkup->not_before)))
      return fail(Failure::kKeyUsage, s.label() + " was issued outside the private key usage period of " +
                                          is.label());
  }

  // Brand: the brand CA's organisation, carried by everything below it.
  std::size_t brand_at = chain.size();
  for (std::size_t i = 0; i < chain.size(); ++i)
    if (has_bit(chain[i]->cert_type, asn1::kBca)) brand_at = i;
  std::string brand = brand_at < chain.size() ? chain[brand_at]->brand : "";
  for (std::size_t i = 0; i < brand_at && brand_at < chain.size(); ++i)
    if (chain[i]->brand != brand)
      return fail(Failure::kWrongBrand, chain[i]->label() + " is not of brand '" + brand + "'");
  if (req.brand && *req.brand != brand)
    return fail(Failure::kWrongBrand, "the certificate is of brand '" + brand + "', expected '" + *req.brand + "'");

  // The leaf as presented.
  const Parsed& l = **leaf;
  const Profile& ep = profile(req.expected);
  if (!has_bit(l.cert_type, ep.entity) || (ep.is_end_entity() && l.bc && l.bc->ca))
    return fail(Failure::kWrongType, "a " + type_names(l.cert_type) + " certificate presented as " +
                                         std::string(ep.name));
  for (std::size_t b = 0; b < 7; ++b)
    if ((ep.key_usage & bit(b)) && !has_bit(*l.key_usage, b))
      return fail(Failure::kKeyUsage, l.label() + " is not a " + std::string(ep.name) +
                                          " certificate: keyUsage lacks the bit for that use");

  // Revocation: the CRLs of each issuer on the path that are current and correctly signed.
  struct GoodCrl {
    asn1::CRL crl;
    std::int64_t number = -1;
  };
  std::vector<std::pair<const Parsed*, GoodCrl>> crls;  // (issuer, crl)
  for (const auto& d : req.crls) {
    auto crl = asn1::decode<asn1::CRL>(d);
    auto parts = asn1::split_signed(d);
    if (!crl.ok() || !parts.ok()) return fail(Failure::kDecoding, "CRL: " + (crl.ok() ? parts.error() : crl.error()).to_string());
    for (std::size_t i = 1; i < chain.size(); ++i) {
      const Parsed& is = *chain[i];
      if (!(crl->to_be_signed.issuer == is.tbsc().subject)) continue;
      auto alg = crypto::parse_certificate_signature_algorithm(parts->algorithm);
      if (!alg.ok() || !has_bit(*is.key_usage, asn1::kCRLSign) ||
          !verify_signed(d, is.key, *alg, parts->to_be_signed, parts->signature).ok())
        return fail(Failure::kSignature, "CRL of '" + is.tbsc().subject.to_string() + "' does not verify");
      if (req.at < crl->to_be_signed.this_update || req.at > crl->to_be_signed.next_update) continue;  // stale
      GoodCrl g{*crl, -1};
      if (crl->to_be_signed.crl_extensions)
        if (const auto* n = asn1::find_extension(*crl->to_be_signed.crl_extensions, o::ce_crl_number()))
          if (auto v = asn1::decode_value(asn1::spec::CRLNumber(), n->extn_value); v.ok()) g.number = *v;
      crls.emplace_back(&is, std::move(g));
    }
  }
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    const Parsed& s = *chain[i];
    for (const auto& [is, g] : crls) {
      if (is != chain[i + 1].get() || !g.crl.to_be_signed.revoked_certificates) continue;
      for (const auto& e : *g.crl.to_be_signed.revoked_certificates)
        if (e.user_certificate == s.tbsc().serial_number && e.revocation_date <= req.at)
          return fail(Failure::kRevoked, s.label() + " was revoked at " + e.revocation_date.to_iso8601());
    }
  }

  // BrandCRLIdentifier: signed by the brand CA; names the CRLs a relying party must hold.
  if (req.brand_crl_identifier) {
    auto bci = asn1::decode<asn1::BrandCRLIdentifier>(*req.brand_crl_identifier);
    auto parts = asn1::split_signed(*req.brand_crl_identifier);
    if (!bci.ok() || !parts.ok())
      return fail(Failure::kDecoding, "BrandCRLIdentifier: " + (bci.ok() ? parts.error() : bci.error()).to_string());
    if (brand_at >= chain.size()) return fail(Failure::kCrlUnavailable, "no brand CA on the path for the BCI");
    const Parsed& bca = *chain[brand_at];
    auto alg = crypto::parse_certificate_signature_algorithm(parts->algorithm);
    if (!alg.ok() || !verify_signed(*req.brand_crl_identifier, bca.key, *alg, parts->to_be_signed, parts->signature).ok())
      return fail(Failure::kSignature, "BrandCRLIdentifier is not signed by the brand CA '" + brand + "'");
    const auto& u = bci->to_be_signed;
    if (u.brand_id.text() != brand || !u.brand_id.is_visible())
      return fail(Failure::kWrongBrand, "BrandCRLIdentifier of brand '" + u.brand_id.text() + "'");
    if (req.at < u.not_before || req.at > u.not_after)
      return fail(Failure::kCrlUnavailable, "BrandCRLIdentifier " + std::to_string(u.sequence_num) + " is not current");
    if (u.crl_identifier_seq)
      for (const auto& id : *u.crl_identifier_seq)
        for (std::size_t i = 1; i < chain.size(); ++i) {
          if (!(id.issuer_name == chain[i]->tbsc().subject)) continue;
          bool held = false;
          for (const auto& [is, g] : crls)
            if (is == chain[i].get() && g.number >= id.crl_number) held = true;
          if (!held)
            return fail(Failure::kCrlUnavailable, "CRL " + std::to_string(id.crl_number) + " of '" +
                                                      id.issuer_name.to_string() + "' named by the BCI is not held");
        }
  }

  ValidatedPath out;
  for (const auto& c : chain) out.chain.push_back(c->der);
  out.brand = brand;
  out.leaf_key = l.key;
  out.suite = crypto::identify_suite(*l.digest, std::nullopt, std::nullopt).value();
  return out;
}

}  // namespace openset::pki
