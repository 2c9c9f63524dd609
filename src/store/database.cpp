#include "openset/store/database.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "openset/store/pg_sql.hpp"

namespace openset::store {
namespace {
Error sql_error(sqlite3* db, std::string_view what) {
  return Error(Errc::kIo, std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

// ------------------------------------------------------------------------------- PostgreSQL
constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;

std::int64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h);
}

std::int64_t pg_int64(const char* c) {
  if (c == nullptr) return 0;
  if (c[0] == 't' && c[1] == '\0') return 1;
  if (c[0] == 'f' && c[1] == '\0') return 0;
  std::int64_t v = 0;
  (void)std::from_chars(c, c + std::strlen(c), v);
  return v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Bytes pg_bytes(const char* c) {
  if (c == nullptr) return {};
  std::size_t n = std::strlen(c);
  if (n >= 2 && c[0] == '\\' && c[1] == 'x') {
    Bytes out;
    out.reserve((n - 2) / 2);
    for (std::size_t i = 2; i + 1 < n; i += 2) {
      int hi = hex_value(c[i]);
      int lo = hex_value(c[i + 1]);
      if (hi < 0 || lo < 0) break;
      out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
  }
  const auto* b = reinterpret_cast<const std::uint8_t*>(c);
  return Bytes(b, b + n);
}

std::string upper_first_word(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '(')) ++i;
  std::string w;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) != 0)
    w += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  return w;
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

struct PgResult {
  PGresult* r = nullptr;
  explicit PgResult(PGresult* p) : r(p) {}
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult() {
    if (r != nullptr) PQclear(r);
  }
  bool ok() const {
    auto st = PQresultStatus(r);
    return r != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
  }
};
}  // namespace

namespace detail {
struct PgValue {
  std::string data;
  Oid type = 0;
  int format = 0;  // 0 text, 1 binary
};

struct PgConnection {
  PGconn* conn = nullptr;
  std::string schema;
  std::int64_t lock_key = 0;
  bool in_tx = false;
  std::string last_error;
  std::unordered_map<std::string, std::shared_ptr<const PgSql>> cache;

  PgConnection() = default;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() {
    if (conn != nullptr) PQfinish(conn);
  }

  std::shared_ptr<const PgSql> translate(std::string_view sql) {
    std::string key(sql);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    auto t = std::make_shared<const PgSql>(translate_for_postgres(sql));
    if (cache.size() < 4096) cache.emplace(std::move(key), t);
    return t;
  }

  // The error of a failed result. Constraint violations (SQLSTATE class 23) become kConstraint;
  // the message is the server's primary message only (its DETAIL would quote values), and for
  // data exceptions (class 22, which quote the offending input) only the SQLSTATE.
  Error error_from(const PGresult* r, std::string_view what) {
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string code = state != nullptr ? state : "";
    std::string msg;
    if (code.starts_with("22"))
      msg = "data exception";
    else if (primary != nullptr)
      msg = primary;
    else
      msg = PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (!code.empty()) msg += " (SQLSTATE " + code + ")";
    last_error = msg;
    return Error(code.starts_with("23") ? Errc::kConstraint : Errc::kIo, std::string(what) + ": " + msg);
  }

  Status simple(const std::string& sql, std::string_view what) {
    PgResult r(PQexec(conn, sql.c_str()));
    if (!r.ok()) return error_from(r.r, what);
    return Ok{};
  }

  std::string lock_sql() const { return "SELECT pg_advisory_xact_lock(" + std::to_string(lock_key) + ")"; }

  Status begin() {
    if (in_tx) return Error(Errc::kIo, "begin: a transaction is already open");
    OPENSET_CHECK(simple("BEGIN; " + lock_sql(), "begin"));
    in_tx = true;
    return Ok{};
  }

  Status finish(const char* verb) {
    in_tx = false;
    PgResult r(PQexec(conn, verb));
    if (!r.ok()) return error_from(r.r, verb);
    // COMMIT of a transaction that failed is answered with ROLLBACK, not with an error.
    if (std::strcmp(verb, "COMMIT") == 0 && std::strcmp(PQcmdStatus(r.r), "ROLLBACK") == 0)
      return Error(Errc::kIo, "commit: the transaction had failed and was rolled back");
    return Ok{};
  }

  Status exec(const char* sql) {
    std::string w = upper_first_word(sql);
    if (w == "BEGIN") return begin();
    if (w == "COMMIT" || w == "END") return finish("COMMIT");
    if (w == "ROLLBACK") return finish("ROLLBACK");
    auto t = translate(sql);
    if (t->text.find_first_not_of(" \t\r\n;") == std::string::npos) return Ok{};
    // Outside a transaction the statements run as one implicit transaction that holds the
    // schema's lock (two processes creating the same schema's tables do not collide).
    return simple(in_tx ? t->text : lock_sql() + "; " + t->text, "sql");
  }
};

struct PgStatement {
  PgConnection* c;
  std::shared_ptr<const PgSql> sql;
  std::vector<std::optional<PgValue>> values;
  PGresult* res = nullptr;
  int row = -1;
  int rows = 0;
  bool executed = false;
  bool is_select = false;

  PgStatement(PgConnection* conn, std::shared_ptr<const PgSql> s)
      : c(conn), sql(std::move(s)), values(static_cast<std::size_t>(sql->parameters)) {
    std::string w = upper_first_word(sql->text);
    is_select = w == "SELECT" || w == "VALUES";
  }
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;
  ~PgStatement() { clear(); }

  void clear() {
    if (res != nullptr) PQclear(res);
    res = nullptr;
    executed = false;
    row = -1;
    rows = 0;
  }

  std::optional<Error> bind(int index, std::optional<PgValue> v) {
    if (index < 1 || index > static_cast<int>(values.size()))
      return Error(Errc::kIo, "bind: parameter " + std::to_string(index) + " out of range");
    values[static_cast<std::size_t>(index - 1)] = std::move(v);
    return std::nullopt;
  }

  const char* cell(int col) const {
    if (res == nullptr || row < 0 || row >= rows || col < 0 || col >= PQnfields(res)) return nullptr;
    if (PQgetisnull(res, row, col) != 0) return nullptr;
    return PQgetvalue(res, row, col);
  }

  Result<bool> step() {
    if (executed) {
      ++row;
      return row < rows;
    }
    const std::size_t n = values.size();
    std::vector<Oid> types(n, 0);
    std::vector<const char*> data(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!values[i]) continue;
      types[i] = values[i]->type;
      data[i] = values[i]->data.c_str();
      lengths[i] = static_cast<int>(values[i]->data.size());
      formats[i] = values[i]->format;
    }
    // Inside a transaction a failed statement would abort the whole transaction, where SQLite
    // fails only the statement (and the engines go on after kConstraint): a savepoint around
    // every write keeps SQLite's behaviour.
    const bool savepoint = c->in_tx && !is_select;
    if (savepoint) OPENSET_CHECK(c->simple("SAVEPOINT openset_stmt", "savepoint"));
    res = PQexecParams(c->conn, sql->text.c_str(), static_cast<int>(n), types.data(), data.data(), lengths.data(),
                       formats.data(), 0);
    auto st = PQresultStatus(res);
    if (res == nullptr || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)) {
      Error e = c->error_from(res, "step");
      clear();
      if (savepoint) (void)c->simple("ROLLBACK TO SAVEPOINT openset_stmt", "savepoint");
      return e;
    }
    if (savepoint) OPENSET_CHECK(c->simple("RELEASE SAVEPOINT openset_stmt", "savepoint"));
    executed = true;
    rows = PQntuples(res);
    row = 0;
    return rows > 0;
  }
};
}  // namespace detail

namespace {
}  // namespace

bool is_postgres_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string location_for(std::string_view base, std::string_view party) {
  if (is_postgres_location(base)) {
    std::string uri(base);
    uri += uri.find('?') == std::string::npos ? '?' : '&';
    return uri + "options=-csearch_path%3D" + std::string(party);
  }
  return (std::filesystem::path(base) / (std::string(party) + ".db")).string();
}

// ------------------------------------------------------------------------------- Statement
Statement::Statement() = default;
Statement::Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
Statement::Statement(std::unique_ptr<detail::PgStatement> pg) : pg_(std::move(pg)) {}
Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), pg_(std::move(o.pg_)), bind_error_(std::move(o.bind_error_)) {
  o.stmt_ = nullptr;
}
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
    pg_ = std::move(o.pg_);
    bind_error_ = std::move(o.bind_error_);
  }
  return *this;
}
Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::pg_bind(int index, std::optional<detail::PgValue> v) {
  std::optional<Error> e = pg_->bind(index, std::move(v));
  if (e && !bind_error_) bind_error_ = std::move(e);
  return *this;
}
Status Statement::check_bind(int rc) {
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sql_error(db_, "bind");
  return Ok{};
}
Statement& Statement::bind(int index, std::int64_t v) {
  if (pg_) return pg_bind(index, detail::PgValue{std::to_string(v), kInt8Oid, 0});
  (void)check_bind(sqlite3_bind_int64(stmt_, index, v));
  return *this;
}
Statement& Statement::bind(int index, std::string_view v) {
  if (pg_) return pg_bind(index, detail::PgValue{std::string(v), 0, 0});
  (void)check_bind(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}
Statement& Statement::bind(int index, ByteView v) {
  if (pg_) return pg_bind(index, detail::PgValue{std::string(v.begin(), v.end()), kByteaOid, 1});
  static const unsigned char kEmpty = 0;
  const void* p = v.empty() ? &kEmpty : static_cast<const void*>(v.data());
  (void)check_bind(sqlite3_bind_blob64(stmt_, index, p, v.size(), SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (pg_) return pg_bind(index, std::nullopt);
  (void)check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_) return *bind_error_;
  if (pg_) return pg_->step();
  if (stmt_ == nullptr) return Error(Errc::kInvalidArgument, "step: no statement");
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
  bind_error_.reset();
  if (pg_) {
    pg_->clear();
    for (auto& v : pg_->values) v.reset();
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.reset();
}
std::int64_t Statement::column_int64(int col) const {
  if (pg_) return pg_int64(pg_->cell(col));
  return sqlite3_column_int64(stmt_, col);
}
std::string Statement::column_text(int col) const {
  if (pg_) {
    const char* c = pg_->cell(col);
    return c == nullptr ? std::string() : std::string(c);
  }
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(n));
}
Bytes Statement::column_blob(int col) const {
  if (pg_) return pg_bytes(pg_->cell(col));
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) return {};
  const auto* b = static_cast<const std::uint8_t*>(p);
  return Bytes(b, b + n);
}
bool Statement::column_is_null(int col) const {
  if (pg_) return pg_->cell(col) == nullptr;
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

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
  if (is_postgres_location(path)) return open_postgres(path, mode);
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
Database::Database(Database&& o) noexcept : db_(std::exchange(o.db_, nullptr)), pg_(std::move(o.pg_)) {}
Database::Database(sqlite3* db) : db_(db) {}
Database::Database(std::unique_ptr<detail::PgConnection> pg) : pg_(std::move(pg)) {}
Result<Database> Database::open_postgres(const std::string& uri, Mode mode) {
  auto pc = std::make_unique<detail::PgConnection>();
  pc->conn = PQconnectdb(uri.c_str());
  Database db(std::move(pc));  // closes on every path
  detail::PgConnection& c = *db.pg_;
  if (c.conn == nullptr) return Error(Errc::kIo, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(c.conn) != CONNECTION_OK) {
    std::string m = PQerrorMessage(c.conn);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return Error(Errc::kIo, "cannot connect to PostgreSQL: " + m);
  }
  PQsetNoticeProcessor(c.conn, ignore_notice, nullptr);
  // The party's schema: the first entry of the search_path ("$user" resolves as the server does).
  {
    PgResult r(PQexec(c.conn, "SELECT current_setting('search_path'), current_user"));
    if (!r.ok() || PQntuples(r.r) != 1) return c.error_from(r.r, "search_path");
    std::string path = PQgetvalue(r.r, 0, 0);
    std::string first = path.substr(0, path.find(','));
    while (!first.empty() && first.front() == ' ') first.erase(first.begin());
    while (!first.empty() && first.back() == ' ') first.pop_back();
    if (first.size() >= 2 && first.front() == '"' && first.back() == '"') first = first.substr(1, first.size() - 2);
    if (first == "$user") first = PQgetvalue(r.r, 0, 1);
    if (first.empty()) return Error(Errc::kIo, "PostgreSQL: the search_path names no schema");
    c.schema = first;
  }
  c.lock_key = fnv1a64(c.schema);
  if (mode == Mode::kCreate) {
    char* ident = PQescapeIdentifier(c.conn, c.schema.data(), c.schema.size());
    if (ident == nullptr) return c.error_from(nullptr, "schema");
    std::string sql = std::string("CREATE SCHEMA IF NOT EXISTS ") + ident;
    PQfreemem(ident);
    PgResult r(PQexec(c.conn, sql.c_str()));
    if (!r.ok()) {
      // Two processes creating the schema at once: the loser sees a duplicate; that is fine.
      const char* state = PQresultErrorField(r.r, PG_DIAG_SQLSTATE);
      std::string code = state != nullptr ? state : "";
      if (code != "23505" && code != "42P06") return c.error_from(r.r, "create schema " + c.schema);
    }
  } else {
    const char* params[1] = {c.schema.c_str()};
    PgResult r(PQexecParams(c.conn, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, nullptr, params, nullptr,
                            nullptr, 0));
    if (!r.ok()) return c.error_from(r.r, "schema");
    if (PQntuples(r.r) == 0) return Error(Errc::kIo, "cannot open database: no schema '" + c.schema + "' on the PostgreSQL server");
  }
  return db;
}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    pg_ = std::move(o.pg_);
  }
  return *this;
}
Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}
Result<Statement> Database::prepare(std::string_view sql) {
  if (pg_) return Statement(std::make_unique<detail::PgStatement>(pg_.get(), pg_->translate(sql)));
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &s, nullptr) != SQLITE_OK)
    return sql_error(db_, "prepare");
  return Statement(db_, s);
}
Status Database::exec(const char* sql) {
  if (pg_) return pg_->exec(sql);
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg != nullptr ? msg : "unknown error";
    sqlite3_free(msg);
    return Error(Errc::kIo, "sql: " + m);
  }
  return Ok{};
}
Result<Transaction> Database::begin() {
  if (pg_) {
    OPENSET_CHECK(pg_->begin());
    return Transaction(this);
  }
  OPENSET_CHECK(exec("BEGIN IMMEDIATE"));
  return Transaction(this);
}
std::string Database::last_error() const {
  if (pg_) return pg_->last_error;
  return db_ != nullptr ? sqlite3_errmsg(db_) : "no database";
}

}  // namespace openset::store
