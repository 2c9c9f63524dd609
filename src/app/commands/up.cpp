// `openset up`: the whole ecosystem on loopback, one process per party (issue 6 item 3).
// Provisions DIR when it holds no deployment, starts each service in dependency order (a
// service's peers first), waits until it answers /health, prints where each listens, and stops
// them all on Ctrl-C (SIGINT) or SIGTERM, or when one of them dies.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/app/processes.hpp"
#include "openset/net/http.hpp"

namespace openset::app {
namespace {
// The wallet service's URL in a deployment (its pages), or a hint when it is not one of them.
std::string wallet_url(const nlohmann::json& d) {
  for (const auto& s : d["services"])
    if (s.value("role", "") == "wallet") return s.value("url", "");
  return "(not started: openset serve wallet --config wallet/config.json)";
}
}  // namespace

namespace {
namespace fs = std::filesystem;
}  // namespace

int run_up(const UpOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& m) {
    err << "openset up: " << m << "\n";
    return kExitFailure;
  };
  fs::path dir(o.provision.dir);
  if (!fs::exists(dir / "deployment.json")) {
    int rc = run_provision(o.provision, out, err);
    if (rc != kExitOk) return rc;
  } else {
    out << "using the deployment in " << dir.string() << "\n";
  }
  std::ifstream in(dir / "deployment.json");
  std::stringstream text;
  text << in.rdbuf();
  auto d = nlohmann::json::parse(text.str(), nullptr, false);
  if (d.is_discarded() || !d.contains("services") || !d["services"].is_array())
    return fail((dir / "deployment.json").string() + " is not a deployment (openset provision makes one)");
  std::error_code ec;
  fs::create_directories(dir / "logs", ec);

  // SIGINT, SIGTERM and SIGCHLD are taken with sigwait below: blocked before any child exists.
  sigset_t stop_set;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGINT);
  sigaddset(&stop_set, SIGTERM);
  sigaddset(&stop_set, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &stop_set, nullptr);

  const std::string exe = o.openset.empty() ? openset_executable() : o.openset;
  std::vector<ServiceProcess> children;
  for (const auto& s : d["services"]) {
    ServiceProcess c;
    c.name = s["name"].get<std::string>();
    c.url = s["url"].get<std::string>();
    c.log = (dir / "logs" / (c.name + ".log")).string();
    c.json_log = (dir / "logs" / (c.name + ".jsonl")).string();
    c.config = (dir / s["config"].get<std::string>()).string();
    c.role = s.contains("role") ? s["role"].get<std::string>() : c.name;
    Status started = start_service(exe, c, std::chrono::seconds(o.wait_seconds));
    if (!started.ok()) {
      stop_services(children, out);
      return fail(started.error().message);
    }
    children.push_back(c);
    out << fmt::format("  {:<10} {:<24} pid {:<7} log {}\n", c.name, c.url, c.pid, c.json_log);
  }
  out << "\nThe ecosystem is up. Shop and pay with SET from another terminal:\n"
      << "  openset wallet buy --wallet " << (dir / d["wallet"].get<std::string>()).string() << " --store "
      << d["store"].get<std::string>() << " --item BK-SET:1 --place \"1 Main Street, Springfield\"\n"
      << "Or in a browser: the store at " << d["store"].get<std::string>() << "/ (back office: /office, protocol explorer:\n"
      << "/explorer; the token is in " << (dir / "admin-token").string() << "), the wallet at " << wallet_url(d) << "/\n"
      << "Health and metrics: <url>/health, <url>/metrics. Ctrl-C stops every service.\n"
      << std::flush;

  int exit_code = kExitOk;
  for (;;) {
    int sig = 0;
    sigwait(&stop_set, &sig);
    if (sig == SIGCHLD) {
      bool died = false;
      for (auto& c : children) {
        int status = 0;
        if (c.pid > 0 && waitpid(c.pid, &status, WNOHANG) == c.pid) {
          out << c.name << " exited unexpectedly; see " << c.log << "\n";
          c.pid = -1;
          died = true;
        }
      }
      if (!died) continue;
      exit_code = kExitFailure;
    }
    break;
  }
  out << "stopping...\n";
  stop_services(children, out);
  return exit_code;
}

}  // namespace openset::app
