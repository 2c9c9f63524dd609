#include "openset/app/processes.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "openset/net/http.hpp"

namespace openset::app {
namespace fs = std::filesystem;

std::string openset_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("openset") : p.string();
}

bool service_healthy(const std::string& url) {
  auto u = net::Url::parse(url);
  if (!u.ok()) return false;
  u->target = "/health";
  net::ClientOptions co;
  co.connect_timeout = std::chrono::milliseconds(300);
  co.timeout = std::chrono::milliseconds(1000);
  auto r = net::get(*u, co);
  return r.ok() && r->status == 200;
}

Status start_service(const std::string& exe, ServiceProcess& p, std::chrono::seconds wait) {
  std::vector<std::string> args = {exe, "serve", p.role, "--config", p.config};
  if (!p.json_log.empty()) {
    args.push_back("--log-file");
    args.push_back(p.json_log);
  }
  pid_t pid = fork();
  if (pid < 0) return Error(Errc::kIo, "cannot start " + p.name + ": fork failed");
  if (pid == 0) {
    // The child: signals a parent blocked for sigwait are unblocked again (execv keeps the mask);
    // standard output and error go to its log.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int fd = open(p.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  p.pid = pid;
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p.pid = -1;
      return Error(Errc::kInvalidArgument, p.name + " exited at start; see " + p.log);
    }
    if (service_healthy(p.url)) return Ok{};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error(Errc::kInvalidArgument,
               fmt::format("{} did not answer {}/health within {} s; see {}", p.name, p.url, wait.count(), p.log));
}

void stop_services(std::vector<ServiceProcess>& ps, std::ostream& out, std::chrono::seconds grace) {
  for (auto it = ps.rbegin(); it != ps.rend(); ++it)
    if (it->pid > 0) kill(it->pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& c : ps) {
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
        out << "  " << c.name << " killed (it did not stop within " << grace.count() << " s)\n";
        c.pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace openset::app
