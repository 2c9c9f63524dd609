#include "openset/store/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace openset::store {
namespace {
Error sql_error(sqlite3* db, std::string_view what) {
  return Error(Errc::kIo, std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

// ------------------------------------------------------------------------------- Statement
Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), bind_error_(std::move(o.bind_error_)) {
  o.stmt_ = nullptr;
}
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
    bind_error_ = std::move(o.bind_error_);
  }
  return *this;
}
Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Status Statement::check_bind(int rc) {
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sql_error(db_, "bind");
  return Ok{};
}
Statement& Statement::bind(int index, std::int64_t v) {
  (void)check_bind(sqlite3_bind_int64(stmt_, index, v));
  return *this;
}
Statement& Statement::bind(int index, std::string_view v) {
  (void)check_bind(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}
Statement& Statement::bind(int index, ByteView v) {
  static const unsigned char kEmpty = 0;
  const void* p = v.empty() ? &kEmpty : static_cast<const void*>(v.data());
  (void)check_bind(sqlite3_bind_blob64(stmt_, index, p, v.size(), SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bind_null(int index) {
  (void)check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (stmt_ == nullptr) return Error(Errc::kInvalidArgument, "step: no statement");
  if (bind_error_) return *bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = sql_error(db_, "step");
  if ((rc & 0xff) == SQLITE_CONSTRAINT) e.code = Errc::kConstraint;
  sqlite3_reset(stmt_);
  return e;
}
Status Statement::run() {
  for (;;) {
    OPENSET_TRY(bool row, step());
    if (!row) return Ok{};
  }
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.reset();
}
std::int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::column_text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(n));
}
Bytes Statement::column_blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) return {};
  const auto* b = static_cast<const std::uint8_t*>(p);
  return Bytes(b, b + n);
}
bool Statement::column_is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

// ------------------------------------------------------------------------------- Transaction
Transaction::~Transaction() {
  if (open_) (void)db_->exec("ROLLBACK");
}
Status Transaction::commit() {
  if (!open_) return Error(Errc::kInvalidArgument, "transaction already finished");
  OPENSET_CHECK(db_->exec("COMMIT"));
  open_ = false;
  return Ok{};
}

// ------------------------------------------------------------------------------- Database
Result<Database> Database::open(const std::string& path, Mode mode) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (mode == Mode::kCreate) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);  // closes on every path
  if (rc != SQLITE_OK) return sql_error(raw, "cannot open database " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  OPENSET_CHECK(db.exec("PRAGMA journal_mode=WAL"));
  OPENSET_CHECK(db.exec("PRAGMA foreign_keys=ON"));
  return db;
}
Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}
Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}
Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &s, nullptr) != SQLITE_OK)
    return sql_error(db_, "prepare");
  return Statement(db_, s);
}
Status Database::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg != nullptr ? msg : "unknown error";
    sqlite3_free(msg);
    return Error(Errc::kIo, "sql: " + m);
  }
  return Ok{};
}
Result<Transaction> Database::begin() {
  OPENSET_CHECK(exec("BEGIN IMMEDIATE"));
  return Transaction(this);
}
std::string Database::last_error() const { return db_ != nullptr ? sqlite3_errmsg(db_) : "no database"; }

}  // namespace openset::store
