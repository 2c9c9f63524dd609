// What a CA hierarchy directory remembers (ca.db): every certificate each CA issued, every
// revocation, every CRL published, and a few settings. Enough to rebuild any CRL (and, by
// replaying the records, a pki::CertificateAuthority's state; see src/store/README.md).
//
// Serials are counters per CA, so records are keyed by (ca, serial); `ca` is the CA's short name
// ("root", "brand", "cca", "mca", "pca"). Times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/store/database.hpp"

namespace openset::store {

struct IssuedRecord {
  std::string ca;          // issuing CA
  Bytes serial;            // INTEGER content octets
  std::string subject;     // printable form of the subject name
  std::string cert_type;   // pki profile name ("merchant-signature", "MCA", ...)
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  Bytes certificate;       // DER
  // Filled by list(): the revocation, if any.
  std::optional<std::int64_t> revoked_at;
  std::optional<std::string> reason;
};

struct RevokedRecord {
  std::string ca;
  Bytes serial;
  std::int64_t revoked_at = 0;
  std::string reason;
};

struct CrlRow {
  std::string ca;
  std::int64_t number = 0;
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
  Bytes crl;  // DER
};

class CaRepository {
 public:
  // kCreate makes the file and the schema (refuses a file that already has one).
  static Result<CaRepository> open(const std::string& path, Database::Mode mode);

  Status insert_issued(const IssuedRecord& r);
  // kInvalidArgument when (ca, serial) was never issued; kConstraint "already revoked" when it was
  // revoked before (no second row).
  Status revoke(const RevokedRecord& r);
  Status insert_crl(const CrlRow& r);

  // In (ca, insertion) order; `ca` empty: every CA.
  Result<std::vector<IssuedRecord>> list(const std::string& ca = {});
  Result<std::vector<RevokedRecord>> revoked(const std::string& ca);
  Result<std::vector<CrlRow>> crls(const std::string& ca);

  Status set_meta(std::string_view key, std::string_view value);
  Result<std::optional<std::string>> meta(std::string_view key);

  Database& db() { return db_; }

 private:
  explicit CaRepository(Database db) : db_(std::move(db)) {}
  Database db_;
};

}  // namespace openset::store
