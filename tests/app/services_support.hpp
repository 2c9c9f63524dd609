// What the services tests share: free loopback ports, files, and where the deployment's
// databases go (SQLite files, or PostgreSQL schemas when CTest runs the test with the
// "postgres" fixture: OPENSET_TEST_DB=postgres, OPENSET_TEST_POSTGRES_DIR=<server dir>).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "openset/app/commands.hpp"
#include "openset/store/database.hpp"

namespace openset::test {

inline bool port_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A base with ports base+1 .. base+19 free (a deployment's layout), in [from, from + 20000).
inline int free_port_base(int from) {
  std::mt19937 rng(static_cast<unsigned>(getpid()) * 7919u ^ static_cast<unsigned>(time(nullptr)));
  for (int tries = 0; tries < 200; ++tries) {
    int base = from + static_cast<int>(rng() % 1000) * 20;
    bool all = true;
    for (int p = 1; p < 20 && all; ++p) all = port_free(base + p);
    if (all) return base;
  }
  return 0;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string first_line(const std::filesystem::path& p) {
  std::string s = slurp(p);
  auto nl = s.find_first_of("\r\n");
  return nl == std::string::npos ? s : s.substr(0, nl);
}

// Where a deployment's banks, merchant and gateway keep their data in this test run.
struct DeploymentDb {
  std::string uri;     // "" : SQLite files in <dir>/data
  std::string prefix;  // PostgreSQL schema prefix, unique per run

  static DeploymentDb from_environment() {
    DeploymentDb d;
    const char* which = std::getenv("OPENSET_TEST_DB");
    const char* dir = std::getenv("OPENSET_TEST_POSTGRES_DIR");
    if (which != nullptr && std::string(which) == "postgres" && dir != nullptr) {
      d.uri = first_line(std::filesystem::path(dir) / "uri");
      std::mt19937 rng(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(time(nullptr)));
      d.prefix = "svc" + std::to_string(rng() % 1000000) + "_";
    }
    return d;
  }
  bool postgres() const { return !uri.empty(); }
  void apply(app::ProvisionOptions& o) const {
    o.db = uri;
    o.db_prefix = prefix;
  }
  // The location of `party`'s database (issuer, acquirer, merchant, gateway).
  std::string location(const std::filesystem::path& dir, const std::string& party) const {
    if (!postgres()) return (dir / "data" / (party + ".db")).string();
    return store::location_for(uri, prefix + party);
  }
};

}  // namespace openset::test
