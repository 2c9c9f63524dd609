// Structured JSON log lines and the Response helpers.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/net/http.hpp"

namespace openset::net {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - secs).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::string_view level_name(Log::Level level) {
  switch (level) {
    case Log::Level::kDebug: return "debug";
    case Log::Level::kInfo: return "info";
    case Log::Level::kWarn: return "warn";
    case Log::Level::kError: return "error";
  }
  return "info";
}

// A value written as a JSON number: an optional '-', 1..11 digits, optionally '.' and 1..9
// digits. (Longer digit runs are redacted strings, never numbers.)
bool as_number(const std::string& v, nlohmann::ordered_json& out) {
  std::size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
  std::size_t int_digits = 0;
  while (i < v.size() && is_digit(v[i])) { ++i; ++int_digits; }
  if (int_digits == 0 || int_digits > 11) return false;
  if (int_digits > 1 && v[v[0] == '-' ? 1 : 0] == '0') return false;  // "0123" stays a string
  if (i == v.size()) {
    long long n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size()) return false;
    out = n;
    return true;
  }
  if (v[i] != '.') return false;
  ++i;
  std::size_t frac = 0;
  while (i < v.size() && is_digit(v[i])) { ++i; ++frac; }
  if (frac == 0 || frac > 9 || i != v.size()) return false;
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size()) return false;
  out = d;
  return true;
}

void stderr_sink(std::string_view line) {
  static std::mutex mu;
  std::string buf(line);
  buf.push_back('\n');
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(buf.data(), 1, buf.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

// ---- Response ---------------------------------------------------------------------------------

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::string(kJson);
  r.body = std::move(body);
  return r;
}

Response Response::bytes(std::string_view content_type, std::string body) {
  Response r;
  r.status = 200;
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = fmt::format("{} {}: {}\n", status, reason_phrase(status), message);
  return r;
}

// ---- Log --------------------------------------------------------------------------------------

Log::Log(std::string service, std::function<void(std::string_view line)> sink)
    : service_(std::move(service)) {
  if (!sink) {
    sink_ = stderr_sink;
  } else {
    // One line at a time, whatever the caller's sink does.
    auto mu = std::make_shared<std::mutex>();
    sink_ = [mu, s = std::move(sink)](std::string_view line) {
      std::lock_guard<std::mutex> lock(*mu);
      s(line);
    };
  }
}

std::string Log::redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    // A run of digits, single spaces or dashes between digits allowed ("4111 1111 1111 1111").
    std::size_t j = i;
    std::size_t digits = 0;
    while (j < text.size()) {
      if (is_digit(text[j])) {
        ++digits;
        ++j;
      } else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() && is_digit(text[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    if (digits >= 12) {
      out += "[redacted]";
    } else {
      out.append(text.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

void Log::write(Level level, std::string_view event, const Fields& fields) const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["ts"] = utc_now();
  j["level"] = level_name(level);
  j["service"] = redact(service_);
  j["event"] = redact(event);
  for (const auto& field : fields) {
    const std::string key = redact(field.first);
    if (key == "ts" || key == "level" || key == "service" || key == "event") continue;
    nlohmann::ordered_json v;
    if (as_number(field.second, v)) {
      j[key] = std::move(v);
    } else {
      j[key] = redact(field.second);
    }
  }
  // Invalid UTF-8 (a path from the wire) becomes U+FFFD rather than an exception.
  const std::string line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  sink_(line);
}

}  // namespace openset::net
