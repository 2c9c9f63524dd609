// Counters, gauges and the request-duration histogram, exposed as Prometheus text (0.0.4).
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "openset/net/http.hpp"

namespace openset::net {

namespace {

constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
constexpr std::string_view kRequests = "openset_http_requests_total";
constexpr std::string_view kDuration = "openset_http_request_duration_seconds";

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes '_'.
std::string metric_name(std::string_view name) {
  std::string out(name);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) out[i] = '_';
  }
  if (out.empty()) out = "_";
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string escape_label(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"') out += "\\\"";
    else out.push_back(c);
  }
  return out;
}

std::string number(double v) { return fmt::format("{}", v); }

struct Family {
  std::string help;
  std::string type;                        // "counter" or "gauge"
  std::map<std::string, double> samples;   // labels ("{a=\"b\"}" or "") -> value
};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> cumulative{};
  std::uint64_t count = 0;
  double sum = 0;
};

}  // namespace

struct Metrics::Impl {
  mutable std::mutex mu;
  std::map<std::string, Family> families;
  std::map<std::string, Histogram> durations;  // inner labels "service=\"x\",route=\"/set\""

  Family& family(std::string_view name, std::string_view help, std::string_view type) {
    auto [it, inserted] = families.try_emplace(metric_name(name));
    if (inserted) {
      it->second.help = std::string(help);
      it->second.type = std::string(type);
    }
    return it->second;
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::add(std::string_view name, std::string_view help, std::string_view labels, double by) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->family(name, help, "counter").samples[std::string(labels)] += by;
}

void Metrics::set(std::string_view name, std::string_view help, std::string_view labels, double value) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->family(name, help, "gauge").samples[std::string(labels)] = value;
}

void Metrics::observe_request(std::string_view route, std::string_view method, int status, double seconds) {
  observe_request("", route, method, status, seconds);
}

void Metrics::observe_request(std::string_view service, std::string_view route, std::string_view method,
                              int status, double seconds) {
  const std::string base =
      fmt::format("service=\"{}\",route=\"{}\"", escape_label(service), escape_label(route));
  const std::string labels =
      fmt::format("{{{},method=\"{}\",status=\"{}\"}}", base, escape_label(method), status);
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->family(kRequests, "HTTP requests answered, by route, method and status.", "counter")
      .samples[labels] += 1;
  Histogram& h = impl_->durations[base];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.cumulative[i];
  }
  ++h.count;
  h.sum += seconds;
}

double Metrics::value(std::string_view name, std::string_view labels) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto f = impl_->families.find(metric_name(name));
  if (f == impl_->families.end()) return 0;
  auto v = f->second.samples.find(std::string(labels));
  return v == f->second.samples.end() ? 0 : v->second;
}

std::string Metrics::exposition() const {
  std::string out;
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const auto& [name, fam] : impl_->families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(fam.help), name, fam.type);
    for (const auto& [labels, value] : fam.samples) {
      out += fmt::format("{}{} {}\n", name, labels, number(value));
    }
  }
  if (!impl_->durations.empty()) {
    out += fmt::format("# HELP {} Time from a request fully read to its response written.\n", kDuration);
    out += fmt::format("# TYPE {} histogram\n", kDuration);
    for (const auto& [labels, h] : impl_->durations) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", kDuration, labels, number(kBuckets[i]),
                           h.cumulative[i]);
      }
      out += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", kDuration, labels, h.count);
      out += fmt::format("{}_sum{{{}}} {}\n", kDuration, labels, number(h.sum));
      out += fmt::format("{}_count{{{}}} {}\n", kDuration, labels, h.count);
    }
  }
  return out;
}

}  // namespace openset::net
