#include "openset/services/ca_directory.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "openset/asn1/set_certificate.hpp"
#include "openset/pki/profile.hpp"
#include "openset/services/config.hpp"

namespace openset::services {

Result<CaDir> read_ca_dir(store::CaRepository& repo) {
  CaDir d;
  OPENSET_TRY(auto suite, repo.meta("suite"));
  OPENSET_TRY(auto brand, repo.meta("brand"));
  if (!suite || !brand) return Error(Errc::kMalformed, "ca.db has no suite/brand settings");
  OPENSET_TRY(d.suite, crypto::suite_by_name(*suite));
  d.brand = *brand;
  for (const char* issuer : {"root", "brand"}) {
    OPENSET_TRY(auto records, repo.list(issuer));
    for (const auto& r : records) {
      const char* name = r.cert_type == "root" ? "root" : r.cert_type == "brand" ? "brand"
                         : r.cert_type == "CCA" ? "cca" : r.cert_type == "MCA" ? "mca"
                         : r.cert_type == "PCA" ? "pca"
                         : r.cert_type == "CCA-key-exchange" ? "cca-kx"
                         : r.cert_type == "MCA-key-exchange" ? "mca-kx"
                         : r.cert_type == "PCA-key-exchange" ? "pca-kx" : nullptr;
      if (name == nullptr || d.certs.contains(name)) continue;
      d.certs[name] = r.certificate;
      d.all.push_back(r.certificate);
    }
  }
  if (!d.certs.contains("root") || !d.certs.contains("brand")) return Error(Errc::kMalformed, "ca.db lacks the root or brand certificate");
  return d;
}

// Restores one CA (cca, mca or pca) from its key file and its records (as `openset ca` does).
Result<pki::CertificateAuthority> restore_ca(const std::string& dir, store::CaRepository& repo, const CaDir& d,
                                             const std::string& name, pki::CertType type, const std::string& pass) {
  if (!d.certs.contains(name))
    return Error(Errc::kInvalidArgument, "the CA directory has no " + name + "; create it with 'openset ca init --with " + name + "'");
  OPENSET_TRY(std::string pem, read_text(dir + "/keys/" + name + ".key.pem"));
  auto key = crypto::PrivateKey::from_encrypted_pem(pem, pass);
  if (!key.ok()) return Error(key.error().code, "cannot decrypt the " + name + " key (wrong passphrase?)");
  OPENSET_TRY(auto records, repo.list(name));
  OPENSET_TRY(std::vector<pki::IssuedCertificate> issued, issued_from_records(records));
  OPENSET_TRY(auto crl_rows, repo.crls(name));
  std::vector<pki::CrlRecord> crls = crl_records(crl_rows);
  return pki::CertificateAuthority::restore(*d.suite, std::move(*key), d.certs.at(name), type, std::move(issued),
                                            std::move(crls));
}

Result<std::vector<pki::IssuedCertificate>> issued_from_records(const std::vector<store::IssuedRecord>& records,
                                                                ByteView skip) {
  std::vector<pki::IssuedCertificate> issued;
  for (const auto& r : records) {
    if (!skip.empty() && std::equal(r.certificate.begin(), r.certificate.end(), skip.begin(), skip.end())) continue;
    std::optional<pki::CertType> t;
    for (const auto& p : pki::profiles())
      if (p.name == r.cert_type) t = p.type;
    if (!t) return Error(Errc::kMalformed, "record of unknown certificate type '" + r.cert_type + "'");
    OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(r.certificate));
    pki::IssuedCertificate ic{c.to_be_signed.serial_number, r.certificate, *t, c.to_be_signed.subject,
                              c.to_be_signed.validity.not_after, std::nullopt};
    if (r.revoked_at) ic.revoked_at = der::Time::from_unix(*r.revoked_at);
    issued.push_back(std::move(ic));
  }
  return issued;
}

std::vector<pki::CrlRecord> crl_records(const std::vector<store::CrlRow>& rows) {
  std::vector<pki::CrlRecord> crls;
  for (const auto& c : rows)
    crls.push_back({c.number, der::Time::from_unix(c.this_update), der::Time::from_unix(c.next_update)});
  return crls;
}

Status record_issued(store::CaRepository& repo, const std::string& ca_name, const pki::IssuedCertificate& c) {
  store::IssuedRecord r;
  r.ca = ca_name;
  r.serial = c.serial;
  r.subject = c.subject.to_string();
  r.cert_type = std::string(pki::to_string(c.type));
  auto dec = asn1::decode<asn1::Certificate>(c.der);
  if (dec.ok()) {
    r.not_before = dec->to_be_signed.validity.not_before.to_unix();
    r.not_after = dec->to_be_signed.validity.not_after.to_unix();
  }
  r.certificate = c.der;
  return repo.insert_issued(r);
}

}  // namespace openset::services
