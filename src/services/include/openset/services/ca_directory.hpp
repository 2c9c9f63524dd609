// A SET CA directory (made by `openset ca init --with cca,mca,pca`, or by `openset provision`):
// keys/<ca>.key.pem and keys/<ca>-kx.key.pem (encrypted PKCS#8), ca.db (store::CaRepository:
// every certificate each CA issued, revocations, CRLs, the suite and brand). What
// `openset wallet|merchant|gateway register` and `openset serve ca` restore their CAs from.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/pki/authority.hpp"
#include "openset/store/ca_repository.hpp"

namespace openset::services {

// The directory's certificates by CA name, from ca.db.
struct CaDir {
  const crypto::Suite* suite = nullptr;
  std::string brand;
  std::map<std::string, Bytes> certs;  // root, brand, cca, mca, pca, cca-kx, mca-kx, pca-kx
  std::vector<Bytes> all;
};
Result<CaDir> read_ca_dir(store::CaRepository& repo);

// One CA (cca, mca or pca) from its key file and its records.
Result<pki::CertificateAuthority> restore_ca(const std::string& dir, store::CaRepository& repo, const CaDir& d,
                                             const std::string& name, pki::CertType type, const std::string& pass);

// A CA's records (ca.db) as the CA's issued list; `skip`: a certificate to leave out (the root's
// own). kMalformed for a record of an unknown type.
Result<std::vector<pki::IssuedCertificate>> issued_from_records(const std::vector<store::IssuedRecord>& records,
                                                                ByteView skip = {});
std::vector<pki::CrlRecord> crl_records(const std::vector<store::CrlRow>& rows);

// Records a certificate `ca_name` just issued (serial, subject, type, validity) in ca.db, so that
// the CA restored later counts its serials on from it.
Status record_issued(store::CaRepository& repo, const std::string& ca_name, const pki::IssuedCertificate& c);

}  // namespace openset::services
