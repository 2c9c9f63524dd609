#include "openset/test/db_location.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <set>

#include "openset/store/database.hpp"

namespace openset::test {
namespace {

// The schemas made by this process; dropped at exit.
struct Schemas {
  std::mutex m;
  std::set<std::string> names;
  ~Schemas() {
    if (names.empty()) return;
    std::string uri = postgres_uri();
    if (uri.empty()) return;
    auto db = store::Database::open(store::location_for(uri, "public"), store::Database::Mode::kOpenExisting);
    if (!db.ok()) return;
    for (const auto& n : names) (void)db->exec(("DROP SCHEMA IF EXISTS \"" + n + "\" CASCADE").c_str());
  }
};
Schemas& schemas() {
  static Schemas s;
  return s;
}

std::string sanitize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else
      out += '_';
  }
  return out.substr(0, 30);
}

const std::string& process_token() {
  static const std::string token = [] {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    return std::string(buf);
  }();
  return token;
}

std::string schema_location(const std::string& schema) {
  std::string uri = postgres_uri();
  if (uri.empty()) {
    std::fprintf(stderr, "OPENSET_TEST_DB=postgres but no test server (OPENSET_TEST_POSTGRES_DIR/uri)\n");
    std::abort();
  }
  {
    std::lock_guard<std::mutex> lock(schemas().m);
    schemas().names.insert(schema);
  }
  return store::location_for(uri, schema);
}

}  // namespace

bool postgres_mode() {
  const char* v = std::getenv("OPENSET_TEST_DB");
  return v != nullptr && std::string_view(v) == "postgres";
}

std::string postgres_uri() {
  const char* dir = std::getenv("OPENSET_TEST_POSTGRES_DIR");
  if (dir == nullptr || *dir == '\0') return {};
  std::ifstream in(std::filesystem::path(dir) / "uri");
  std::string uri;
  std::getline(in, uri);
  return uri;
}

std::string test_db(const std::filesystem::path& dir, std::string_view name) {
  if (!postgres_mode()) return (dir / (std::string(name) + ".db")).string();
  char h[24];
  std::snprintf(h, sizeof h, "%08zx", std::hash<std::string>{}(dir.string()) & 0xffffffffu);
  return schema_location("t" + process_token() + "_" + h + "_" + sanitize(name));
}

std::string fresh_pg_location(std::string_view name) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex m;
  std::uint64_t r;
  {
    std::lock_guard<std::mutex> lock(m);
    r = rng();
  }
  char h[24];
  std::snprintf(h, sizeof h, "%012llx", static_cast<unsigned long long>(r & 0xffffffffffffULL));
  return schema_location("t" + std::string(h) + "_" + sanitize(name));
}

bool inject_insert_failure(store::Database& db, const std::string& table, const std::string& when) {
  std::string sql =
      db.is_postgres()
          ? "CREATE OR REPLACE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
            "'injected failure'; END $$; CREATE TRIGGER boom BEFORE INSERT ON " + table + " FOR EACH ROW " +
                (when.empty() ? "" : "WHEN (" + when + ") ") + "EXECUTE FUNCTION boom()"
          : "CREATE TEMP TRIGGER boom BEFORE INSERT ON " + table + (when.empty() ? "" : " WHEN " + when) +
                " BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
  return db.exec(sql.c_str()).ok();
}

bool heal_insert_failure(store::Database& db, const std::string& table) {
  std::string sql = db.is_postgres() ? "DROP TRIGGER boom ON " + table : std::string("DROP TRIGGER temp.boom");
  return db.exec(sql.c_str()).ok();
}

Bytes pg_database_bytes(const std::string& location) {
  Bytes all;
  auto db = store::Database::open(location, store::Database::Mode::kOpenExisting);
  if (!db.ok()) return all;
  auto cols = db->prepare(
      "SELECT table_name, column_name, data_type FROM information_schema.columns "
      "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
  if (!cols.ok()) return all;
  for (;;) {
    auto r = cols->step();
    if (!r.ok() || !*r) break;
    const std::string table = cols->column_text(0);
    const std::string column = cols->column_text(1);
    const bool bytea = cols->column_text(2) == "bytea";
    // Names from the catalog (test code only).
    auto q = db->prepare("SELECT \"" + column + "\" FROM \"" + table + "\"");
    if (!q.ok()) continue;
    for (;;) {
      auto row = q->step();
      if (!row.ok() || !*row) break;
      if (bytea) {
        Bytes b = q->column_blob(0);
        all.insert(all.end(), b.begin(), b.end());
      } else {
        std::string t = q->column_text(0);
        all.insert(all.end(), t.begin(), t.end());
      }
    }
  }
  return all;
}

}  // namespace openset::test
