// `openset up`: the whole ecosystem on loopback, one process per party (issue 6 item 3).
// Provisions DIR when it holds no deployment, starts each service in dependency order (a
// service's peers first), waits until it answers /health, prints where each listens, and stops
// them all on Ctrl-C (SIGINT) or SIGTERM, or when one of them dies.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/net/http.hpp"

namespace openset::app {
namespace {
namespace fs = std::filesystem;

struct Child {
  std::string name;
  std::string url;
  std::string log;
  pid_t pid = -1;
};

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("openset") : p.string();
}

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  // The child: the signals `up` blocks for sigwait are unblocked again (execv keeps the mask);
  // standard output and error go to its log. Ctrl-C in a terminal reaches every child too.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(exe.c_str(), argv.data());
  _exit(127);
}

bool healthy(const std::string& url) {
  auto u = net::Url::parse(url);
  if (!u.ok()) return false;
  u->target = "/health";
  net::ClientOptions co;
  co.connect_timeout = std::chrono::milliseconds(300);
  co.timeout = std::chrono::milliseconds(1000);
  auto r = net::get(*u, co);
  return r.ok() && r->status == 200;
}

void stop_all(std::vector<Child>& children, std::ostream& out) {
  for (auto it = children.rbegin(); it != children.rend(); ++it)
    if (it->pid > 0) kill(it->pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (auto& c : children) {
    while (c.pid > 0) {
      int status = 0;
      pid_t r = waitpid(c.pid, &status, WNOHANG);
      if (r == c.pid || r < 0) {
        out << "  " << c.name << " stopped\n";
        c.pid = -1;
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        kill(c.pid, SIGKILL);
        waitpid(c.pid, &status, 0);
        out << "  " << c.name << " killed (it did not stop within 10 s)\n";
        c.pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

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

  const std::string exe = o.openset.empty() ? self_exe() : o.openset;
  std::vector<Child> children;
  for (const auto& s : d["services"]) {
    Child c;
    c.name = s["name"].get<std::string>();
    c.url = s["url"].get<std::string>();
    c.log = (dir / "logs" / (c.name + ".log")).string();
    std::string config = (dir / s["config"].get<std::string>()).string();
    nlohmann::json cj;
    {
      std::ifstream ci(config);
      std::stringstream ct;
      ct << ci.rdbuf();
      cj = nlohmann::json::parse(ct.str(), nullptr, false);
    }
    std::string role = !cj.is_discarded() && cj.contains("service") ? cj["service"].get<std::string>() : c.name;
    c.pid = spawn(exe, {"serve", role, "--config", config, "--log-file", (dir / "logs" / (c.name + ".jsonl")).string()}, c.log);
    if (c.pid < 0) {
      stop_all(children, out);
      return fail("cannot start " + c.name);
    }
    children.push_back(c);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.wait_seconds);
    bool up = false;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(c.pid, &status, WNOHANG) == c.pid) {
        children.back().pid = -1;
        stop_all(children, out);
        return fail(c.name + " exited at start; see " + c.log);
      }
      if (healthy(c.url)) {
        up = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!up) {
      stop_all(children, out);
      return fail(fmt::format("{} did not answer {}/health within {} s; see {}", c.name, c.url, o.wait_seconds, c.log));
    }
    out << fmt::format("  {:<10} {:<24} pid {:<7} log {}\n", c.name, c.url, c.pid, c.log);
  }
  out << "\nThe ecosystem is up. Shop and pay with SET from another terminal:\n"
      << "  openset wallet buy --wallet " << (dir / d["wallet"].get<std::string>()).string() << " --store "
      << d["store"].get<std::string>() << " --item BK-SET:1 --place \"1 Main Street, Springfield\"\n"
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
  stop_all(children, out);
  return exit_code;
}

}  // namespace openset::app
