// RAII over a SQL database: SQLite (a file path) or PostgreSQL (a postgresql:// or postgres://
// libpq connection URI; see src/store/README.md for the SQL translation and the locking).
// Every call returns Result/Status; nothing throws.
//
// SQL text is always a constant in the caller's source: values go in through bound parameters
// (Statement::bind), never by building SQL strings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace openset::store {

class Database;
namespace detail {
struct PgConnection;
struct PgStatement;
struct PgValue;
}  // namespace detail

// true when `location` names a PostgreSQL database (a postgresql:// or postgres:// URI).
bool is_postgres_location(std::string_view location);
// The database location of one party under `base`: `<base>/<party>.db` for a directory, and for
// a PostgreSQL URI the same URI with the search_path set to the schema `<party>`.
std::string location_for(std::string_view base, std::string_view party);

// One prepared statement. Parameters are 1-based as in SQLite; columns 0-based.
class Statement {
 public:
  Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, std::string_view v);
  Statement& bind(int index, ByteView v);
  Statement& bind_null(int index);
  // true: a row is available; false: done. The first bind error is reported here.
  Result<bool> step();
  // Runs to completion (INSERT/UPDATE/DELETE).
  Status run();
  void reset();

  std::int64_t column_int64(int col) const;
  std::string column_text(int col) const;
  Bytes column_blob(int col) const;
  bool column_is_null(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* s);
  explicit Statement(std::unique_ptr<detail::PgStatement> pg);
  Status check_bind(int rc);
  Statement& pg_bind(int index, std::optional<detail::PgValue> v);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::unique_ptr<detail::PgStatement> pg_;
  std::optional<Error> bind_error_;
};

// A transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() ran.
// On PostgreSQL: BEGIN plus a transaction-scoped advisory lock on the schema, which serializes
// the writers of one schema across connections and processes like BEGIN IMMEDIATE does.
class Transaction {
 public:
  Transaction(Transaction&& o) noexcept : db_(o.db_), open_(o.open_) { o.open_ = false; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  friend class Database;
  explicit Transaction(Database* db) : db_(db), open_(true) {}
  Database* db_;
  bool open_;
};

class Database {
 public:
  enum class Mode { kCreate, kOpenExisting };
  // Opens (or creates) the file, with journal_mode=WAL, foreign_keys=ON, a busy timeout.
  // kOpenExisting refuses a missing file. A PostgreSQL URI connects to the server; kCreate
  // creates the schema of the search_path if missing, kOpenExisting refuses a missing schema.
  static Result<Database> open(const std::string& path, Mode mode);

  Database(Database&& o) noexcept;
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Statement> prepare(std::string_view sql);
  // Runs constant SQL without parameters (schema, pragmas).
  Status exec(const char* sql);
  Result<Transaction> begin();
  // The last error message of the connection.
  std::string last_error() const;
  // true on PostgreSQL.
  bool is_postgres() const { return pg_ != nullptr; }

 private:
  explicit Database(sqlite3* db);
  explicit Database(std::unique_ptr<detail::PgConnection> pg);
  static Result<Database> open_postgres(const std::string& uri, Mode mode);
  sqlite3* db_ = nullptr;
  std::unique_ptr<detail::PgConnection> pg_;
};

}  // namespace openset::store
