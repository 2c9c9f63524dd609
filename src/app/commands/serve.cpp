// `openset serve <role> --config FILE`: one party as a network service (issue 6;
// src/services, docs/services.md). Runs until SIGINT or SIGTERM, then finishes the requests in
// flight and stops.
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <ostream>

#include "openset/app/commands.hpp"
#include "openset/net/http.hpp"
#include "openset/services/config.hpp"
#include "openset/services/service.hpp"

namespace openset::app {

int run_serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& m) {
    err << "openset serve " << o.service << ": " << m << "\n";
    return kExitFailure;
  };
  if (o.config.empty()) return fail("give the service's config file with --config FILE (openset provision makes them)");
  auto config = services::ServiceConfig::load(o.config);
  if (!config.ok()) return fail(config.error().message);
  if (config->service != o.service)
    return fail(o.config + " configures the " + config->service + " service, not the " + o.service + " service");

  std::function<void(std::string_view)> sink;
  if (!o.log_file.empty()) {
    auto file = std::make_shared<std::ofstream>(o.log_file, std::ios::app);
    if (!*file) return fail("cannot open the log file " + o.log_file);
    auto mu = std::make_shared<std::mutex>();
    sink = [file, mu](std::string_view line) {
      std::lock_guard lock(*mu);
      *file << line << "\n";
      file->flush();
    };
  }
  auto log = std::make_shared<net::Log>(config->service, sink);
  auto metrics = std::make_shared<net::Metrics>();
  auto service = services::open_service(*config, {metrics, log});
  if (!service.ok()) {
    log->error("start_failed", {{"error", service.error().message}});
    return fail(service.error().message);
  }
  auto server = net::Server::start(config->server, (*service)->routes(), metrics, log);
  if (!server.ok()) return fail(server.error().message);
  out << "openset " << config->service << " listening on " << (*server)->url() << " (Ctrl-C stops it)" << std::endl;
  log->info("started", {{"url", (*server)->url()}, {"db", config->db.starts_with("postgres") ? "postgresql" : "sqlite"}});
  (*server)->run_until_signal();
  log->info("stopped", {});
  out << "openset " << config->service << " stopped" << std::endl;
  return kExitOk;
}

}  // namespace openset::app
