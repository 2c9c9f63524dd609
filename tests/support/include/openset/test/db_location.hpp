// Where the tests keep their databases: SQLite files by default, or schemas on the throwaway
// PostgreSQL server of the CTest fixture "postgres" when OPENSET_TEST_DB=postgres (the fixture's
// directory in OPENSET_TEST_POSTGRES_DIR; scripts/pg-test-server.sh writes the URI to <dir>/uri).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/store/database.hpp"

namespace openset::test {

// true when this process runs the tests against PostgreSQL (OPENSET_TEST_DB=postgres).
bool postgres_mode();
// The URI of the test server's database, or "" when OPENSET_TEST_POSTGRES_DIR is unset or the
// server is not running.
std::string postgres_uri();
// The database location of `name` (e.g. "issuer") for a test working in `dir`: `<dir>/<name>.db`,
// or in postgres mode a schema on the test server private to this process, `dir` and `name`
// (the same arguments give the same location; the schemas are dropped when the process exits).
std::string test_db(const std::filesystem::path& dir, std::string_view name);
// A new schema on the test server (named after `name` plus a random suffix), dropped at exit.
// Requires postgres_uri() to be non-empty.
std::string fresh_pg_location(std::string_view name);
// Every value stored in the PostgreSQL database at `location` (bytea raw, the rest as text),
// concatenated: what a scan for secrets in a SQLite file covers.
Bytes pg_database_bytes(const std::string& location);

// A storage failure on every INSERT into `table` (where `when`, about NEW, holds) until
// heal_insert_failure(): a trigger raising "injected failure", in the database's own dialect.
bool inject_insert_failure(store::Database& db, const std::string& table, const std::string& when = "");
bool heal_insert_failure(store::Database& db, const std::string& table);

}  // namespace openset::test
