// The Database layer on both back ends: every test runs on SQLite and on the PostgreSQL server
// of the CTest fixture "postgres" (skipped when OPENSET_TEST_POSTGRES_DIR names no server), plus
// the SQL translation rules (no server needed).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <thread>

#include "openset/store/database.hpp"
#include "openset/store/pg_sql.hpp"
#include "openset/test/db_location.hpp"
#include "openset/test/tools.hpp"

namespace openset::store {
namespace {

using Mode = Database::Mode;

// ------------------------------------------------------------------ translation (no server)
std::string pg(std::string_view sql) { return detail::translate_for_postgres(sql).text; }

TEST(PgTranslate, PlaceholdersBecomeNumbered) {
  auto t = detail::translate_for_postgres("SELECT a FROM t WHERE b = ? AND c = ?");
  EXPECT_EQ(t.text, "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(t.parameters, 2);
}
TEST(PgTranslate, NumberedPlaceholdersKeepTheirNumbers) {
  auto t = detail::translate_for_postgres("UPDATE t SET x = ?3 WHERE a = ?1 AND b = ?2 AND ?1 = ?1");
  EXPECT_EQ(t.text, "UPDATE t SET x = $3 WHERE a = $1 AND b = $2 AND $1 = $1");
  EXPECT_EQ(t.parameters, 3);
  // A bare ? after ?5 is ?6, as in SQLite.
  EXPECT_EQ(pg("SELECT ?5, ?"), "SELECT $5, $6");
}
TEST(PgTranslate, LiteralsIdentifiersAndCommentsAreLeftAlone) {
  EXPECT_EQ(pg("SELECT 'a?b''?', \"c?\" FROM t -- why?\nWHERE x = ?"),
            "SELECT 'a?b''?', \"c?\" FROM t -- why?\nWHERE x = $1");
  EXPECT_EQ(pg("SELECT 'INTEGER BLOB' /* INTEGER ? */"), "SELECT 'INTEGER BLOB' /* INTEGER ? */");
}
TEST(PgTranslate, TypesAndAutoincrement) {
  EXPECT_EQ(pg("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n integer NOT NULL, b BLOB, s TEXT)"),
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, n BIGINT NOT NULL, b BYTEA, s TEXT, rowid BIGSERIAL)");
  EXPECT_EQ(pg("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, x INTEGERS, CHECK (x > 0))"),
            "CREATE TABLE IF NOT EXISTS t (id BIGSERIAL PRIMARY KEY, x INTEGERS, CHECK (x > 0), rowid BIGSERIAL)");
  EXPECT_EQ(pg("SELECT $$ a ? INTEGER; $$, ?"), "SELECT $$ a ? INTEGER; $$, $1");
  EXPECT_EQ(pg("CREATE INDEX i ON t(a)"), "CREATE INDEX i ON t(a)");
}
TEST(PgTranslate, InsertOrIgnore) {
  EXPECT_EQ(pg("INSERT OR IGNORE INTO t (a) VALUES (?)"), "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING");
  EXPECT_EQ(pg("insert or ignore into t (a) values (?) RETURNING a"),
            "INSERT into t (a) values ($1) ON CONFLICT DO NOTHING RETURNING a");
  EXPECT_EQ(pg("INSERT OR IGNORE INTO t VALUES (1);\nINSERT OR IGNORE INTO t VALUES (2);"),
            "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING;\nINSERT INTO t VALUES (2) ON CONFLICT DO NOTHING;");
}
TEST(PgTranslate, BlobLiterals) {
  EXPECT_EQ(pg("INSERT INTO t (b, c) VALUES (x'', X'00ff')"), "INSERT INTO t (b, c) VALUES ('\\x'::bytea, '\\x00ff'::bytea)");
  EXPECT_EQ(pg("SELECT max'a'"), "SELECT max'a'");
}
TEST(PgTranslate, PragmasAreDropped) {
  EXPECT_EQ(pg("PRAGMA foreign_keys=ON; CREATE TABLE t (a INTEGER);"), " CREATE TABLE t (a BIGINT, rowid BIGSERIAL);");
}
TEST(PgLocation, LocationFor) {
  EXPECT_EQ(location_for("/var/lib/openset", "issuer"), "/var/lib/openset/issuer.db");
  EXPECT_EQ(location_for("postgresql://h/db", "issuer"), "postgresql://h/db?options=-csearch_path%3Dissuer");
  EXPECT_EQ(location_for("postgres:///db?host=/tmp", "gateway"), "postgres:///db?host=/tmp&options=-csearch_path%3Dgateway");
  EXPECT_TRUE(is_postgres_location("postgresql://x"));
  EXPECT_FALSE(is_postgres_location("/tmp/postgresql://x"));
}

// ------------------------------------------------------------------ both back ends
class Both : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    pg_ = std::string(GetParam()) == "postgres";
    if (pg_ && test::postgres_uri().empty()) GTEST_SKIP() << "no PostgreSQL test server (OPENSET_TEST_POSTGRES_DIR)";
    dir_ = test::temp_dir() / ("store-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    loc_ = location("main");
    auto db = Database::open(loc_, Mode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    db_ = std::make_unique<Database>(std::move(*db));
  }
  std::string location(const std::string& name) {
    return pg_ ? test::fresh_pg_location(name) : (dir_ / (name + ".db")).string();
  }
  void exec(const char* sql) {
    auto s = db_->exec(sql);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
  }
  std::int64_t scalar(Database& db, const char* sql) {
    auto s = db.prepare(sql);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return -999;
    auto r = s->step();
    EXPECT_TRUE(r.ok() && *r) << (r.ok() ? "no row" : r.error().to_string());
    return s->column_int64(0);
  }
  bool pg_ = false;
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string loc_;
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, Both, ::testing::Values("sqlite", "postgres"));

TEST_P(Both, PlaceholdersAndLiterals) {
  exec("CREATE TABLE t (a INTEGER, b TEXT)");
  auto ins = db_->prepare("INSERT INTO t (a, b) VALUES (?, ?)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins->bind(1, std::int64_t{7}).bind(2, std::string_view("x?y")).run().ok());
  ins->reset();
  ASSERT_TRUE(ins->bind(1, std::int64_t{8}).bind(2, std::string_view("zé")).run().ok());
  auto q = db_->prepare("SELECT b, 'lit?', ?2 FROM t WHERE a = ?1 OR a = ?1 + 100");
  ASSERT_TRUE(q.ok());
  q->bind(1, std::int64_t{8}).bind(2, std::string_view("two"));
  auto r = q->step();
  ASSERT_TRUE(r.ok() && *r) << (r.ok() ? "" : r.error().to_string());
  EXPECT_EQ(q->column_text(0), "zé");
  EXPECT_EQ(q->column_text(1), "lit?");
  EXPECT_EQ(q->column_text(2), "two");
  r = q->step();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  // The statement runs again after reset with new values.
  q->reset();
  q->bind(1, std::int64_t{7}).bind(2, std::string_view("again"));
  r = q->step();
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_EQ(q->column_text(0), "x?y");
}

TEST_P(Both, NullsAndUnboundParameters) {
  exec("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)");
  auto ins = db_->prepare("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  ins->bind(1, std::int64_t{1}).bind_null(2);  // 3 unbound: NULL
  ASSERT_TRUE(ins->run().ok());
  auto q = db_->prepare("SELECT a, b, c FROM t");
  ASSERT_TRUE(q.ok());
  auto r = q->step();
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_FALSE(q->column_is_null(0));
  EXPECT_TRUE(q->column_is_null(1));
  EXPECT_TRUE(q->column_is_null(2));
  EXPECT_EQ(q->column_text(1), "");
  EXPECT_TRUE(q->column_blob(2).empty());
}

TEST_P(Both, BlobsKeepEveryByte) {
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  const Bytes zeros{0, 0, 0};
  const Bytes high{0xff, 0x80, 0x00, 0xfe};
  const Bytes empty;
  int id = 0;
  for (const Bytes* b : std::initializer_list<const Bytes*>{&all, &zeros, &high, &empty}) {
    auto ins = db_->prepare("INSERT INTO t (id, b) VALUES (?, ?)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->bind(1, std::int64_t{++id}).bind(2, ByteView(*b)).run().ok());
  }
  // Blob literals.
  exec("INSERT INTO t (id, b) VALUES (100, x''), (101, X'00Ff80')");
  auto lit = db_->prepare("SELECT b FROM t WHERE id = 101");
  ASSERT_TRUE(lit.ok());
  auto lr = lit->step();
  ASSERT_TRUE(lr.ok() && *lr);
  EXPECT_EQ(lit->column_blob(0), (Bytes{0x00, 0xff, 0x80}));
  exec("DELETE FROM t WHERE id >= 100");
  auto q = db_->prepare("SELECT b FROM t WHERE b = ? ORDER BY id");
  ASSERT_TRUE(q.ok());
  for (const Bytes* b : std::initializer_list<const Bytes*>{&all, &zeros, &high, &empty}) {
    q->reset();
    q->bind(1, ByteView(*b));
    auto r = q->step();
    ASSERT_TRUE(r.ok() && *r) << b->size();
    EXPECT_FALSE(q->column_is_null(0));
    EXPECT_EQ(q->column_blob(0), *b);
  }
}

TEST_P(Both, Int64Extremes) {
  exec("CREATE TABLE t (v INTEGER NOT NULL)");
  const std::int64_t values[] = {std::numeric_limits<std::int64_t>::min(), -1, 0, 1,
                                 std::numeric_limits<std::int64_t>::max()};
  for (std::int64_t v : values) {
    auto ins = db_->prepare("INSERT INTO t (v) VALUES (?)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->bind(1, v).run().ok());
  }
  auto q = db_->prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(q.ok());
  for (std::int64_t v : values) {
    auto r = q->step();
    ASSERT_TRUE(r.ok() && *r);
    EXPECT_EQ(q->column_int64(0), v);
  }
  // Comparisons read as 0/1 on both (PostgreSQL answers booleans).
  EXPECT_EQ(scalar(*db_, "SELECT 2 > 1"), 1);
  EXPECT_EQ(scalar(*db_, "SELECT 1 > 2"), 0);
  EXPECT_EQ(scalar(*db_, "SELECT COALESCE(SUM(v), 0) FROM t WHERE v BETWEEN -1 AND 1"), 0);
}

TEST_P(Both, ConstraintViolationsAreKConstraintAndLeaveTheTransactionUsable) {
  exec("CREATE TABLE t (ref TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))");
  auto ins = db_->prepare("INSERT INTO t (ref, n) VALUES (?, ?)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins->bind(1, std::string_view("a")).bind(2, std::int64_t{1}).run().ok());
  ins->reset();
  auto dup = ins->bind(1, std::string_view("a")).bind(2, std::int64_t{2}).run();
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::kConstraint);
  {
    auto tx = db_->begin();
    ASSERT_TRUE(tx.ok());
    auto again = db_->prepare("INSERT INTO t (ref, n) VALUES ('a', 5)");
    ASSERT_TRUE(again.ok());
    auto e = again->run();
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::kConstraint);
    auto neg = db_->prepare("INSERT INTO t (ref, n) VALUES ('b', -1)");
    ASSERT_TRUE(neg.ok());
    auto e2 = neg->run();
    ASSERT_FALSE(e2.ok());
    EXPECT_EQ(e2.error().code, Errc::kConstraint);
    // The transaction goes on as on SQLite.
    auto ok = db_->prepare("INSERT INTO t (ref, n) VALUES ('c', 3)");
    ASSERT_TRUE(ok.ok());
    ASSERT_TRUE(ok->run().ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM t"), 2);
  // INSERT OR IGNORE of a duplicate succeeds and changes nothing.
  exec("INSERT OR IGNORE INTO t (ref, n) VALUES ('a', 9)");
  EXPECT_EQ(scalar(*db_, "SELECT n FROM t WHERE ref = 'a'"), 1);
  // A syntax error is not a constraint.
  auto bad = db_->prepare("SELEKT 1");
  if (bad.ok()) {
    auto r = bad->step();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().code, Errc::kConstraint);
  }
}

TEST_P(Both, TransactionsRollBackUnlessCommitted) {
  exec("CREATE TABLE t (a INTEGER)");
  {
    auto tx = db_->begin();
    ASSERT_TRUE(tx.ok());
    exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM t"), 0);
  {
    auto tx = db_->begin();
    ASSERT_TRUE(tx.ok());
    auto ins = db_->prepare("INSERT INTO t VALUES (?)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->bind(1, std::int64_t{2}).run().ok());
    ASSERT_TRUE(tx->commit().ok());
    EXPECT_FALSE(tx->commit().ok());
  }
  auto other = Database::open(loc_, Mode::kOpenExisting);
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM t"), 1);
}

TEST_P(Both, AutoincrementReturningAndUpsert) {
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE NOT NULL, v INTEGER NOT NULL)");
  auto ins = db_->prepare("INSERT INTO t (k, v) VALUES (?, ?) RETURNING id");
  ASSERT_TRUE(ins.ok());
  ins->bind(1, std::string_view("x")).bind(2, std::int64_t{1});
  auto r = ins->step();
  ASSERT_TRUE(r.ok() && *r) << (r.ok() ? "" : r.error().to_string());
  std::int64_t first = ins->column_int64(0);
  ins->reset();
  ins->bind(1, std::string_view("y")).bind(2, std::int64_t{1});
  r = ins->step();
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_GT(ins->column_int64(0), first);
  auto up = db_->prepare("INSERT INTO t (k, v) VALUES (?1, ?2) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(up->bind(1, std::string_view("x")).bind(2, std::int64_t{42}).run().ok());
  EXPECT_EQ(scalar(*db_, "SELECT v FROM t WHERE k = 'x'"), 42);
  // UPDATE ... RETURNING tells whether a row changed (instead of SQLite's changes()).
  auto upd = db_->prepare("UPDATE t SET v = v + 1 WHERE k = ? RETURNING v");
  ASSERT_TRUE(upd.ok());
  upd->bind(1, std::string_view("nobody"));
  r = upd->step();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

TEST_P(Both, OpenExistingRefusesAMissingDatabase) {
  std::string missing = location("missing");
  auto r = Database::open(missing, Mode::kOpenExisting);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot open"), std::string::npos) << r.error().message;
  ASSERT_TRUE(Database::open(missing, Mode::kCreate).ok());
  EXPECT_TRUE(Database::open(missing, Mode::kOpenExisting).ok());
}

TEST_P(Both, RowidIsInsertionOrder) {
  exec("CREATE TABLE t (k TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  exec("INSERT INTO t (k, at) VALUES ('z', 1); INSERT INTO t (k, at) VALUES ('a', 1); INSERT INTO t (k, at) VALUES ('m', 0)");
  auto q = db_->prepare("SELECT k FROM t ORDER BY at, rowid");
  ASSERT_TRUE(q.ok());
  std::string order;
  for (;;) {
    auto r = q->step();
    ASSERT_TRUE(r.ok());
    if (!*r) break;
    order += q->column_text(0);
  }
  EXPECT_EQ(order, "mza");
}

TEST_P(Both, SchemasAreSeparate) {
  if (!pg_) GTEST_SKIP() << "PostgreSQL only (SQLite: separate files)";
  exec("CREATE TABLE t (a INTEGER)");
  exec("INSERT INTO t VALUES (1)");
  auto other = Database::open(location("other"), Mode::kCreate);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->exec("CREATE TABLE t (a INTEGER)").ok());
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM t"), 0);
  EXPECT_EQ(scalar(*db_, "SELECT COUNT(*) FROM t"), 1);
}

TEST_P(Both, TransactionsOfOneDatabaseAreSerialized) {
  exec("CREATE TABLE t (a INTEGER)");
  auto second = Database::open(loc_, Mode::kOpenExisting);
  ASSERT_TRUE(second.ok());
  auto tx = db_->begin();
  ASSERT_TRUE(tx.ok());
  std::atomic<bool> entered{false};
  std::thread th([&] {
    auto t2 = second->begin();
    entered = true;
    if (t2.ok()) (void)t2->commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(entered.load());  // waits for the first writer
  ASSERT_TRUE(tx->commit().ok());
  th.join();
  EXPECT_TRUE(entered.load());
}

}  // namespace
}  // namespace openset::store
