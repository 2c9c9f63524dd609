// SET over HTTP (DESIGN.md layer 8, "net"): an asynchronous HTTP/1.1 server and a client on
// Boost.Asio/Beast, for the services of `openset serve` (issue 6).
//
// The server owns the sockets; the services own the meaning. A service registers routes, each a
// Handler that receives the whole request (body already read, within the limits) and returns
// the whole response. Handlers run on a small worker pool, never on the I/O thread, so a handler
// may block (it may call another service with Client). The I/O thread keeps serving other
// connections meanwhile.
//
// Limits and failures, the same for every service (issue 6, "Bad input over the wire"):
//   * a body longer than ServerOptions::max_body            -> 413, connection closed
//   * headers longer than max_header                        -> 431, connection closed
//   * a POST whose Content-Type the route does not accept   -> 415 (the route's types listed)
//   * an unknown path                                       -> 404; a known path, other method -> 405
//   * a client that sends nothing for read_timeout (a slow or stalled client, headers or body)
//                                                           -> connection closed (408 when possible)
//   * more than max_connections open at once                -> new ones get 503 and are closed
//   * a handler that throws                                 -> 500, logged, the server goes on
// Built-in routes: GET /health (JSON: status, service, uptime_seconds, in_flight) and
// GET /metrics (Prometheus text exposition format 0.0.4). Both are answered on the I/O thread, so
// they answer while every worker is busy. Details: src/net/README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openset/base/result.hpp"

namespace openset::net {

// SET's media types (set-reference notes §7.2, the IANA registrations).
inline constexpr std::string_view kSetPayment = "application/set-payment";
inline constexpr std::string_view kSetPaymentInitiation = "application/set-payment-initiation";
inline constexpr std::string_view kSetRegistration = "application/set-registration";
inline constexpr std::string_view kSetRegistrationInitiation = "application/set-registration-initiation";
inline constexpr std::string_view kJson = "application/json";

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string target;        // path and query as received ("/set?x=1")
  std::string path;          // path only ("/set")
  std::string content_type;  // media type without parameters, lower case ("" when absent)
  std::map<std::string, std::string> headers;  // names lower case
  std::string body;
  std::string remote;        // "127.0.0.1:53412"
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response json(int status, std::string body);
  static Response bytes(std::string_view content_type, std::string body);
  // A plain-text error a person can act on: "415 Unsupported Media Type: POST /set takes ...".
  // The body is "<status> <reason phrase>: <message>\n"; pass only what follows the colon.
  static Response error(int status, std::string_view message);
};

using Handler = std::function<Response(const Request&)>;

// ---- metrics --------------------------------------------------------------------------------
// Counters and gauges a service adds beside the server's own (requests by route and status,
// latency histogram, in-flight, rejections by reason, open connections). Thread-safe.
// The server's own: openset_http_requests_total{service,route,method,status},
// openset_http_request_duration_seconds{service,route} (histogram), openset_http_in_flight{service},
// openset_http_connections{service}, openset_http_connections_accepted_total{service},
// openset_http_rejected_total{service,reason} (reason: too_large, header_too_large, timeout,
// bad_request, unsupported_media_type, overloaded). A name first used with add() is a counter,
// with set() a gauge; characters not allowed in a metric name become '_'.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // name: Prometheus metric name ("openset_purchases_total"); labels: "{outcome=\"approved\"}"
  // or "". The HELP text is given once per name (the first call's is kept).
  void add(std::string_view name, std::string_view help, std::string_view labels = {}, double by = 1);
  void set(std::string_view name, std::string_view help, std::string_view labels, double value);
  // One request as the server saw it (the server calls it; services need not).
  void observe_request(std::string_view route, std::string_view method, int status, double seconds);
  // The same with the service label set (the Server uses this one; the one above leaves it "").
  // Counts openset_http_requests_total{service,route,method,status} and observes
  // openset_http_request_duration_seconds{service,route}.
  void observe_request(std::string_view service, std::string_view route, std::string_view method,
                       int status, double seconds);
  // The current value of one sample (counter or gauge), 0 when absent; for tests and /health.
  double value(std::string_view name, std::string_view labels = {}) const;
  // The Prometheus text exposition (format 0.0.4), every family with # HELP and # TYPE.
  std::string exposition() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- structured logs ------------------------------------------------------------------------
// One JSON object per line: {"ts":"2026-11-27T10:00:00.123Z","level":"info","service":"gateway",
// "event":"request","path":"/set","status":200,"ms":12.5, ...}. Values are strings or numbers.
// Bodies are never logged. Defense in depth: every string value passes through redact(), which
// masks any run of 12 or more digits (a PAN-shaped number) as "[redacted]"; single spaces or
// dashes between digits do not break a run ("4111 1111 1111 1111"). A field value that is a
// short decimal number ("200", "12.5") is written as a JSON number, any other as a string.
class Log {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;
  enum class Level { kDebug, kInfo, kWarn, kError };
  // sink: where lines go (default: stderr, one write per line, thread-safe). A given sink is
  // called under a mutex, one line at a time, without the trailing newline.
  explicit Log(std::string service, std::function<void(std::string_view line)> sink = {});
  void write(Level level, std::string_view event, const Fields& fields = {}) const;
  void info(std::string_view event, const Fields& fields = {}) const { write(Level::kInfo, event, fields); }
  void warn(std::string_view event, const Fields& fields = {}) const { write(Level::kWarn, event, fields); }
  void error(std::string_view event, const Fields& fields = {}) const { write(Level::kError, event, fields); }
  const std::string& service() const { return service_; }
  static std::string redact(std::string_view text);

 private:
  std::string service_;
  std::function<void(std::string_view)> sink_;
};

// ---- server ---------------------------------------------------------------------------------
struct ServerOptions {
  std::string service = "openset";  // for /health, metrics labels and logs
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;            // 0: the system picks (see Server::port())
  std::size_t max_body = 1 << 20;    // bytes
  std::size_t max_header = 16 * 1024;
  std::chrono::milliseconds read_timeout{10000};   // whole request (headers and body)
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};   // keep-alive between requests
  int workers = 4;                   // handler threads
  int max_connections = 512;
};

struct Route {
  std::string method;                      // "GET" or "POST"
  std::string path;                        // exact match
  std::vector<std::string> content_types;  // POST: accepted media types (empty: any)
  Handler handler;
};

class Server {
 public:
  // Binds and starts serving at once (I/O thread and workers started). Error when the address
  // cannot be bound (the message says which address and why).
  static Result<std::unique_ptr<Server>> start(ServerOptions options, std::vector<Route> routes,
                                               std::shared_ptr<Metrics> metrics, std::shared_ptr<Log> log);
  ~Server();  // stop(0) if still running

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"
  Metrics& metrics();
  // Graceful shutdown: stop accepting, let requests in flight finish (up to `grace`), close
  // idle connections, join the threads. Safe to call twice and from a signal-watching thread.
  // Not from inside a handler (it joins the workers). A handler still running when `grace` is
  // over is waited for (threads cannot be cancelled), but its answer is not sent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // Blocks until SIGINT or SIGTERM arrives, then stop(grace). For `openset serve`. Also returns
  // (after stop) when another thread called stop().
  void run_until_signal(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- client ---------------------------------------------------------------------------------
struct ClientOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // the whole exchange
  std::size_t max_body = 4 << 20;            // refuse larger responses
  // Extra request headers (e.g. {"Authorization", "Bearer ..."} for a back office).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Url {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
  static Result<Url> parse(std::string_view url);  // "http://host:port/path" (http only)
  std::string text() const;
};

// Blocking calls (each on its own io_context, with the deadlines above). A connection is kept per
// (thread, host, port) and reused while the server keeps it alive; a request on a connection the
// server closed meanwhile is retried once on a fresh one. Errors: Errc::kIo with a message
// naming the URL and what failed ("connect to http://127.0.0.1:8443/set: connection refused"),
// except an answer larger than ClientOptions::max_body: Errc::kLimit. Url::parse fails with
// Errc::kInvalidArgument. An HTTP error status is not an Error: the Response carries it
// (Response::headers then holds every header of the answer, Response::content_type its
// Content-Type as sent, parameters included).
Result<Response> post(const Url& url, std::string_view content_type, std::string_view body,
                      const ClientOptions& options = {});
Result<Response> get(const Url& url, const ClientOptions& options = {});

}  // namespace openset::net
