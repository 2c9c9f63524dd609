// Child processes of `openset up` and `openset bench services`: each party as
// `openset serve <role> --config FILE`, started in order, waited for on /health, stopped with
// SIGTERM (SIGKILL after a grace period).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "openset/base/result.hpp"

namespace openset::app {

struct ServiceProcess {
  std::string name;    // "gateway-2"
  std::string role;    // "gateway"
  std::string config;  // its config file
  std::string url;     // where it answers
  std::string log;     // standard output and error go here
  std::string json_log;  // --log-file (structured logs); "" : standard error
  pid_t pid = -1;
};

// The path of the running openset binary (/proc/self/exe).
std::string openset_executable();
// Starts `p` (fills p.pid) and waits until it answers /health; kInvalidArgument naming the log
// when it exits or does not answer within `wait`.
Status start_service(const std::string& exe, ServiceProcess& p, std::chrono::seconds wait);
// True when `url` answers GET /health with 200.
bool service_healthy(const std::string& url);
// SIGTERM to each (last started first), then waits; SIGKILL after `grace`. Says what happened.
void stop_services(std::vector<ServiceProcess>& ps, std::ostream& out, std::chrono::seconds grace = std::chrono::seconds(10));

}  // namespace openset::app
