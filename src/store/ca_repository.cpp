#include "openset/store/ca_repository.hpp"

#include <utility>

namespace openset::store {
namespace {
constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE issued (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ca TEXT NOT NULL,
  serial BLOB NOT NULL,
  subject TEXT NOT NULL,
  cert_type TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  certificate BLOB NOT NULL,
  UNIQUE (ca, serial));
CREATE TABLE revoked (
  ca TEXT NOT NULL,
  serial BLOB NOT NULL,
  revoked_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (ca, serial),
  FOREIGN KEY (ca, serial) REFERENCES issued (ca, serial));
CREATE TABLE crls (
  ca TEXT NOT NULL,
  number INTEGER NOT NULL,
  this_update INTEGER NOT NULL,
  next_update INTEGER NOT NULL,
  crl BLOB NOT NULL,
  PRIMARY KEY (ca, number));
)sql";
}  // namespace

Result<CaRepository> CaRepository::open(const std::string& path, Database::Mode mode) {
  OPENSET_TRY(Database db, Database::open(path, mode));
  CaRepository repo(std::move(db));
  if (mode == Database::Mode::kCreate) {
    OPENSET_TRY(Transaction t, repo.db_.begin());
    OPENSET_CHECK(repo.db_.exec(kSchema));
    OPENSET_CHECK(t.commit());
  } else {
    OPENSET_TRY(Statement s, repo.db_.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'issued'"));
    OPENSET_TRY(bool row, s.step());
    if (!row || s.column_int64(0) != 1) return Error(Errc::kMalformed, path + " is not a CA database");
  }
  return repo;
}

Status CaRepository::insert_issued(const IssuedRecord& r) {
  OPENSET_TRY(Statement s, db_.prepare(
      "INSERT INTO issued (ca, serial, subject, cert_type, not_before, not_after, certificate) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  s.bind(1, std::string_view(r.ca)).bind(2, ByteView(r.serial)).bind(3, std::string_view(r.subject));
  s.bind(4, std::string_view(r.cert_type)).bind(5, r.not_before).bind(6, r.not_after);
  s.bind(7, ByteView(r.certificate));
  auto st = s.run();
  if (!st.ok() && st.error().code == Errc::kConstraint)
    return Error(Errc::kConstraint, r.ca + " already issued serial " + to_hex(r.serial));
  return st;
}

Status CaRepository::revoke(const RevokedRecord& r) {
  {
    OPENSET_TRY(Statement s, db_.prepare("SELECT 1 FROM issued WHERE ca = ?1 AND serial = ?2"));
    s.bind(1, std::string_view(r.ca)).bind(2, ByteView(r.serial));
    OPENSET_TRY(bool row, s.step());
    if (!row) return Error(Errc::kInvalidArgument, r.ca + " issued no certificate with serial " + to_hex(r.serial));
  }
  {
    OPENSET_TRY(Statement s, db_.prepare("SELECT revoked_at FROM revoked WHERE ca = ?1 AND serial = ?2"));
    s.bind(1, std::string_view(r.ca)).bind(2, ByteView(r.serial));
    OPENSET_TRY(bool row, s.step());
    if (row)
      return Error(Errc::kConstraint, "serial " + to_hex(r.serial) + " of " + r.ca + " is already revoked (at " +
                                          std::to_string(s.column_int64(0)) + ")");
  }
  OPENSET_TRY(Statement s, db_.prepare("INSERT INTO revoked (ca, serial, revoked_at, reason) VALUES (?1, ?2, ?3, ?4)"));
  s.bind(1, std::string_view(r.ca)).bind(2, ByteView(r.serial)).bind(3, r.revoked_at).bind(4, std::string_view(r.reason));
  return s.run();
}

Status CaRepository::insert_crl(const CrlRow& r) {
  OPENSET_TRY(Statement s, db_.prepare(
      "INSERT INTO crls (ca, number, this_update, next_update, crl) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s.bind(1, std::string_view(r.ca)).bind(2, r.number).bind(3, r.this_update).bind(4, r.next_update);
  s.bind(5, ByteView(r.crl));
  return s.run();
}

Result<std::vector<IssuedRecord>> CaRepository::list(const std::string& ca) {
  OPENSET_TRY(Statement s, db_.prepare(
      "SELECT i.ca, i.serial, i.subject, i.cert_type, i.not_before, i.not_after, i.certificate, "
      "r.revoked_at, r.reason FROM issued i LEFT JOIN revoked r ON r.ca = i.ca AND r.serial = i.serial "
      "WHERE ?1 = '' OR i.ca = ?1 ORDER BY i.seq"));
  s.bind(1, std::string_view(ca));
  std::vector<IssuedRecord> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    IssuedRecord r;
    r.ca = s.column_text(0);
    r.serial = s.column_blob(1);
    r.subject = s.column_text(2);
    r.cert_type = s.column_text(3);
    r.not_before = s.column_int64(4);
    r.not_after = s.column_int64(5);
    r.certificate = s.column_blob(6);
    if (!s.column_is_null(7)) {
      r.revoked_at = s.column_int64(7);
      r.reason = s.column_text(8);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<RevokedRecord>> CaRepository::revoked(const std::string& ca) {
  OPENSET_TRY(Statement s, db_.prepare(
      "SELECT ca, serial, revoked_at, reason FROM revoked WHERE ca = ?1 ORDER BY revoked_at, rowid"));
  s.bind(1, std::string_view(ca));
  std::vector<RevokedRecord> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(RevokedRecord{s.column_text(0), s.column_blob(1), s.column_int64(2), s.column_text(3)});
  }
  return out;
}

Result<std::vector<CrlRow>> CaRepository::crls(const std::string& ca) {
  OPENSET_TRY(Statement s, db_.prepare(
      "SELECT ca, number, this_update, next_update, crl FROM crls WHERE ca = ?1 ORDER BY number"));
  s.bind(1, std::string_view(ca));
  std::vector<CrlRow> out;
  for (;;) {
    OPENSET_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(CrlRow{s.column_text(0), s.column_int64(1), s.column_int64(2), s.column_int64(3), s.column_blob(4)});
  }
  return out;
}

Status CaRepository::set_meta(std::string_view key, std::string_view value) {
  OPENSET_TRY(Statement s, db_.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"));
  s.bind(1, key).bind(2, value);
  return s.run();
}

Result<std::optional<std::string>> CaRepository::meta(std::string_view key) {
  OPENSET_TRY(Statement s, db_.prepare("SELECT value FROM meta WHERE key = ?1"));
  s.bind(1, key);
  OPENSET_TRY(bool row, s.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{s.column_text(0)};
}

}  // namespace openset::store
