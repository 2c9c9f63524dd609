// The HTTP/1.1 server: one I/O thread (Asio io_context), handlers on a worker pool, each
// connection a Session whose socket lives on its own strand.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/net/http.hpp"

namespace openset::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kUnmatched = "unmatched";
constexpr std::size_t kDrainLimit = 16u << 20;  // bytes read and dropped after an error answer

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Application/SET-Payment; charset=x" -> "application/set-payment"
std::string media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  return lower(trim(content_type.substr(0, semi)));
}

std::string join(const std::vector<std::string>& items, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? last_sep : std::string_view(", ");
    out += items[i];
  }
  return out;
}

// The method as a metrics label: the standard ones as they are, anything else "other" (a client
// must not be able to grow the number of series).
std::string_view method_label(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "POST", "PUT", "DELETE", "HEAD",
                                                "OPTIONS", "PATCH", "CONNECT", "TRACE", "-"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

std::string ms_text(Clock::duration d) {
  return fmt::format("{:.3f}", std::chrono::duration<double, std::milli>(d).count());
}

bool is_http_error(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::body_limit).category();
}

class Session;

// Everything the server shares between its threads.
class Core {
 public:
  Core(ServerOptions options, std::vector<Route> route_list, std::shared_ptr<Metrics> metrics_in,
       std::shared_ptr<Log> log_in)
      : opt(std::move(options)),
        routes(std::move(route_list)),
        metrics(std::move(metrics_in)),
        log(std::move(log_in)),
        started(Clock::now()),
        service_label(fmt::format("service=\"{}\"", opt.service)),
        ioc(std::make_unique<asio::io_context>(1)),
        work(asio::make_work_guard(*ioc)) {}

  const ServerOptions opt;
  const std::vector<Route> routes;
  const std::shared_ptr<Metrics> metrics;
  const std::shared_ptr<Log> log;
  const Clock::time_point started;
  const std::string service_label;  // service="x"

  std::atomic<int> connections{0};
  std::atomic<int> rejecting{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};

  std::mutex wait_mu;
  std::condition_variable wait_cv;

  std::mutex stop_mu;
  bool stopped = false;  // under stop_mu

  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  std::unique_ptr<asio::io_context> ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_retry;
  std::unique_ptr<asio::thread_pool> pool;
  std::thread io_thread;
  std::uint16_t port = 0;

  void notify() {
    { std::lock_guard<std::mutex> lock(wait_mu); }
    wait_cv.notify_all();
  }
  void gauge_connections() {
    metrics->set("openset_http_connections", "HTTP connections open now.", "{" + service_label + "}",
                 connections.load());
  }
  void gauge_in_flight() {
    metrics->set("openset_http_in_flight", "Requests being handled now.", "{" + service_label + "}",
                 in_flight.load());
  }
  void rejected(std::string_view reason) {
    metrics->add("openset_http_rejected_total", "Requests or connections refused, by reason.",
                 fmt::format("{{{},reason=\"{}\"}}", service_label, reason));
  }

  void do_accept();
  void on_accept(const beast::error_code& ec, tcp::socket socket);
  Response health() const;
  void stop(std::chrono::milliseconds grace);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core& core, tcp::socket socket, bool reject)
      : core_(core),
        stream_(std::move(socket)),
        deadline_(stream_.get_executor()),
        reject_(reject) {
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
  }

  ~Session() {
    if (reject_) {
      --core_.rejecting;
    } else {
      --core_.connections;
      core_.gauge_connections();
    }
    {
      std::lock_guard<std::mutex> lock(core_.sessions_mu);
      core_.sessions.erase(this);
    }
    core_.notify();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    {
      std::lock_guard<std::mutex> lock(core_.sessions_mu);
      core_.sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reject_) {
        self->core_.rejected("overloaded");
        self->method_ = "-";
        self->path_ = "-";
        Response r = Response::error(
            503, fmt::format("too many open connections (this service's limit is {}); retry later",
                             self->core_.opt.max_connections));
        r.headers.emplace_back("Retry-After", "1");
        self->send(std::move(r), /*close=*/true, /*linger=*/true);
      } else {
        self->wait_request();
      }
    });
  }

  // On the strand: the server is stopping; a connection with no request being handled closes.
  void on_stop() {
    if (state_ == State::kIdle || state_ == State::kReading) close();
  }
  void force_close() { close(); }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing };

  // Waits for the first byte of the next request (keep-alive: idle_timeout).
  void wait_request() {
    state_ = State::kIdle;
    if (core_.stopping) {
      close();
      return;
    }
    if (buffer_.size() > 0) {
      read_request();
      return;
    }
    stream_.expires_after(first_ ? core_.opt.read_timeout : core_.opt.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec,
                                                                              std::size_t n) {
      self->buffer_.commit(n);
      if (self->state_ == State::kClosing) return;
      if (ec) {
        if (ec == beast::error::timeout && self->first_) self->core_.rejected("timeout");
        self->close();
        return;
      }
      self->read_request();
    });
  }

  // Reads one whole request (headers, then body) within read_timeout. The header is read on its
  // own: Beast 1.74's eager http::async_read loses the body_limit error of a too-large
  // Content-Length when the header and the body arrive together.
  void read_request() {
    state_ = State::kReading;
    stream_.expires_never();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(core_.opt.max_header, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(core_.opt.max_body));
    timed_out_ = false;
    const std::uint64_t gen = ++read_gen_;
    deadline_.expires_after(core_.opt.read_timeout);
    deadline_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
      if (ec || gen != self->read_gen_ || self->state_ != State::kReading) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec) {
      on_read_error(ec);
      return;
    }
    const auto& req = parser_->get();
    if (!parser_->is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue),
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) {
                            self->on_read_error(wec);
                            return;
                          }
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       ++self->read_gen_;
                       self->deadline_.cancel();
                       if (ec) {
                         self->on_read_error(ec);
                         return;
                       }
                       self->handle_request();
                     });
  }

  void on_read_error(beast::error_code ec) {
    ++read_gen_;
    deadline_.cancel();
    if (state_ == State::kClosing) return;
    if (parser_ && parser_->is_header_done()) {
      method_ = std::string(parser_->get().method_string());
      path_ = std::string(parser_->get().target().substr(0, parser_->get().target().find('?')));
    } else {
      method_ = "-";
      path_ = "-";
    }
    if (timed_out_) {
      core_.rejected("timeout");
      send(Response::error(408, fmt::format("the request was not received within {} ms; send it whole "
                                            "and promptly", core_.opt.read_timeout.count())),
           true, true);
    } else if (ec == http::error::body_limit) {
      core_.rejected("too_large");
      send(Response::error(413, fmt::format("the body is larger than {} bytes, this service's limit",
                                            core_.opt.max_body)),
           true, true);
    } else if (ec == http::error::header_limit) {
      core_.rejected("header_too_large");
      send(Response::error(431, fmt::format("the request line and headers are larger than {} bytes, "
                                            "this service's limit", core_.opt.max_header)),
           true, true);
    } else if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
               ec == asio::error::eof || ec == asio::error::connection_reset ||
               ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
               !is_http_error(ec)) {
      // The peer went away mid-request (or we are stopping): nobody to answer.
      if (parser_ && parser_->got_some()) {
        core_.log->write(Log::Level::kDebug, "connection_lost",
                         {{"remote", remote_}, {"path", path_}, {"error", ec.message()}});
      }
      close();
    } else {
      core_.rejected("bad_request");
      send(Response::error(400, fmt::format("not a valid HTTP/1.1 request ({})", ec.message())), true,
           true);
    }
  }

  const Route* find_route(const std::string& path, const std::string& method, Response& fail) {
    std::vector<std::string> allowed;
    for (const auto& route : core_.routes) {
      if (route.path != path) continue;
      if (route.method == method) return &route;
      allowed.push_back(route.method);
    }
    if (path == "/health" || path == "/metrics") allowed.push_back("GET");
    if (allowed.empty()) {
      std::vector<std::string> known;
      for (const auto& route : core_.routes) known.push_back(route.method + " " + route.path);
      known.push_back("GET /health");
      known.push_back("GET /metrics");
      fail = Response::error(404, fmt::format("no route for {} {}; this service ({}) serves {}", method,
                                              path, core_.opt.service, join(known, " and ")));
      route_ = std::string(kUnmatched);
    } else {
      fail = Response::error(405, fmt::format("{} takes {}, not {}", path, join(allowed, " or "), method));
      fail.headers.emplace_back("Allow", join(allowed, ", "));
      route_ = path;
    }
    return nullptr;
  }

  void handle_request() {
    http::request<http::string_body> msg = parser_->release();
    parser_.reset();
    t0_ = Clock::now();
    keep_alive_ = msg.keep_alive();

    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = req.target.substr(0, req.target.find('?'));
    req.remote = remote_;
    for (const auto& field : msg) {
      std::string name = lower(field.name_string());
      auto [it, inserted] = req.headers.try_emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    req.content_type = media_type(msg[http::field::content_type]);
    req.body = std::move(msg.body());
    method_ = req.method;
    path_ = req.path;
    bytes_in_ = req.body.size();

    if (req.method == "GET" && req.path == "/health") {
      route_ = req.path;
      send(core_.health(), false, false);
      return;
    }
    if (req.method == "GET" && req.path == "/metrics") {
      route_ = req.path;
      send(Response::bytes("text/plain; version=0.0.4; charset=utf-8", core_.metrics->exposition()),
           false, false);
      return;
    }
    Response fail;
    const Route* route = find_route(req.path, req.method, fail);
    if (route == nullptr) {
      send(std::move(fail), false, false);
      return;
    }
    route_ = route->path;
    if (req.method == "POST" && !route->content_types.empty() &&
        std::find(route->content_types.begin(), route->content_types.end(), req.content_type) ==
            route->content_types.end()) {
      core_.rejected("unsupported_media_type");
      send(Response::error(415, fmt::format("{} {} takes Content-Type {}, not {}", req.method, req.path,
                                            join(route->content_types, " or "),
                                            req.content_type.empty() ? std::string("none")
                                                                     : "\"" + req.content_type + "\"")),
           false, false);
      return;
    }

    state_ = State::kHandling;
    ++core_.in_flight;
    core_.gauge_in_flight();
    asio::post(*core_.pool, [self = shared_from_this(), route, req = std::move(req)]() mutable {
      Response res;
      try {
        res = route->handler(req);
      } catch (const std::exception& e) {
        self->core_.log->error("handler_failed",
                               {{"method", req.method}, {"path", req.path}, {"error", e.what()}});
        res = Response::error(500, fmt::format("the handler for {} {} failed; the server logged the "
                                               "details", req.method, req.path));
      } catch (...) {
        self->core_.log->error("handler_failed",
                               {{"method", req.method}, {"path", req.path}, {"error", "unknown exception"}});
        res = Response::error(500, fmt::format("the handler for {} {} failed; the server logged the "
                                               "details", req.method, req.path));
      }
      asio::post(self->executor(), [self, res = std::move(res)]() mutable {
        --self->core_.in_flight;
        self->core_.gauge_in_flight();
        self->core_.notify();
        if (self->state_ == State::kClosing) return;
        self->send(std::move(res), false, false);
      });
    });
  }

  void send(Response r, bool close_after, bool linger) {
    if (r.status < 200 || r.status > 999 || r.status == 204 || r.status == 304) {
      if (r.status < 200 || r.status > 999) {
        core_.log->error("bad_status", {{"path", path_}, {"status", std::to_string(r.status)}});
        r = Response::error(500, "the handler returned an invalid HTTP status");
      } else {
        r.body.clear();
      }
    }
    status_ = r.status;
    close_after_ = close_after || !keep_alive_ || core_.stopping;
    linger_ = linger;
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "openset");
    if (!r.content_type.empty()) res_.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res_.insert(name, value);
    res_.body() = std::move(r.body);
    res_.keep_alive(!close_after_);
    res_.prepare_payload();
    bytes_out_ = res_.body().size();
    if (t0_ == Clock::time_point{}) t0_ = Clock::now();

    state_ = State::kWriting;
    stream_.expires_after(core_.opt.write_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_write(ec);
    });
  }

  void on_write(beast::error_code ec) {
    const auto elapsed = Clock::now() - t0_;
    core_.metrics->observe_request(core_.opt.service, route_.empty() ? kUnmatched : std::string_view(route_),
                                   method_label(method_), status_,
                                   std::chrono::duration<double>(elapsed).count());
    core_.log->info("request", {{"method", method_},
                                {"path", path_},
                                {"status", std::to_string(status_)},
                                {"ms", ms_text(elapsed)},
                                {"remote", remote_},
                                {"bytes_in", std::to_string(bytes_in_)},
                                {"bytes_out", std::to_string(bytes_out_)}});
    res_ = {};
    route_.clear();
    t0_ = {};
    bytes_in_ = 0;
    if (ec) {
      close();
      return;
    }
    if (close_after_) {
      if (linger_) {
        linger_close();
      } else {
        close();
      }
      return;
    }
    first_ = false;
    wait_request();
  }

  // After an error answer the client may still be sending: stop sending, read and drop what comes
  // (so that the close does not reset the connection before the client reads the answer).
  void linger_close() {
    state_ = State::kClosing;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(core_.opt.read_timeout, std::chrono::seconds(2)));
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec,
                                                                                  std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kDrainLimit) {
        self->close();
        return;
      }
      self->drain();
    });
  }

  void close() {
    state_ = State::kClosing;
    ++read_gen_;
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  Core& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  asio::steady_timer deadline_;
  http::response<http::string_body> res_;
  std::array<char, 8192> drain_buf_{};
  std::size_t drained_ = 0;
  const bool reject_;
  State state_ = State::kIdle;
  std::uint64_t read_gen_ = 0;
  bool timed_out_ = false;
  bool first_ = true;
  bool keep_alive_ = true;
  bool close_after_ = false;
  bool linger_ = false;
  std::string remote_;
  std::string method_;
  std::string path_;
  std::string route_;
  int status_ = 0;
  std::size_t bytes_in_ = 0;
  std::size_t bytes_out_ = 0;
  Clock::time_point t0_{};
};

void Core::do_accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Core::on_accept(const beast::error_code& ec, tcp::socket socket) {
  if (stopping || !acceptor->is_open()) return;
  if (ec) {
    // Out of descriptors and the like: say so, wait a little, go on accepting.
    log->warn("accept_failed", {{"error", ec.message()}});
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](beast::error_code wec) {
      if (!wec && !stopping) do_accept();
    });
    return;
  }
  metrics->add("openset_http_connections_accepted_total", "HTTP connections accepted.",
               "{" + service_label + "}");
  const bool reject = connections.load() >= opt.max_connections;
  if (reject && rejecting.load() >= opt.max_connections) {
    rejected("overloaded");
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    if (reject) {
      ++rejecting;
    } else {
      ++connections;
      gauge_connections();
    }
    std::make_shared<Session>(*this, std::move(socket), reject)->start();
  }
  do_accept();
}

Response Core::health() const {
  nlohmann::ordered_json j;
  j["status"] = stopping ? "stopping" : "ok";
  j["service"] = opt.service;
  j["uptime_seconds"] = std::chrono::duration<double>(Clock::now() - started).count();
  j["in_flight"] = in_flight.load();
  return Response::json(200, j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void Core::stop(std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> stop_lock(stop_mu);
  if (stopped) return;
  stopping = true;
  const auto deadline = Clock::now() + grace;
  auto for_each_session = [this](void (Session::*what)()) {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(sessions_mu);
      for (auto& entry : sessions) {
        if (auto s = entry.second.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) asio::dispatch(s->executor(), [s, what] { ((*s).*what)(); });
  };
  // 1. Stop accepting; close the connections that are not handling a request.
  asio::post(*ioc, [this, for_each_session] {
    beast::error_code ignored;
    acceptor->close(ignored);
    accept_retry->cancel();
    for_each_session(&Session::on_stop);
  });
  // 2. Let the requests in flight finish and their answers go out, up to `grace`.
  {
    std::unique_lock<std::mutex> lock(wait_mu);
    wait_cv.wait_until(lock, deadline, [this] {
      return in_flight.load() == 0 && connections.load() == 0 && rejecting.load() == 0;
    });
  }
  // 3. Close what is left and give the I/O thread a moment to see the closes through.
  asio::post(*ioc, [for_each_session] { for_each_session(&Session::force_close); });
  {
    std::unique_lock<std::mutex> lock(wait_mu);
    wait_cv.wait_for(lock, std::chrono::milliseconds(200), [this] {
      return connections.load() == 0 && rejecting.load() == 0;
    });
  }
  work.reset();
  ioc->stop();
  if (io_thread.joinable()) io_thread.join();
  pool->join();  // a handler still running is waited for (threads cannot be cancelled)
  accept_retry.reset();
  acceptor.reset();
  ioc.reset();  // destroys what the queue still held, and with it the last sessions
  stopped = true;
  log->info("stopped", {{"in_flight", std::to_string(in_flight.load())}});
}

}  // namespace

// ---- Server -----------------------------------------------------------------------------------

struct Server::Impl {
  std::unique_ptr<Core> core;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->core) impl_->core->stop(std::chrono::milliseconds(0));
}

Result<std::unique_ptr<Server>> Server::start(ServerOptions options, std::vector<Route> routes,
                                              std::shared_ptr<Metrics> metrics, std::shared_ptr<Log> log) {
  if (options.workers < 1) return make_error(Errc::kInvalidArgument, "ServerOptions::workers must be at least 1");
  if (options.max_connections < 1) {
    return make_error(Errc::kInvalidArgument, "ServerOptions::max_connections must be at least 1");
  }
  for (const auto& route : routes) {
    if (!route.handler) {
      return make_error(Errc::kInvalidArgument, fmt::format("route {} {} has no handler", route.method, route.path));
    }
  }
  if (!metrics) metrics = std::make_shared<Metrics>();
  if (!log) log = std::make_shared<Log>(options.service);
  auto core = std::make_unique<Core>(std::move(options), std::move(routes), std::move(metrics), std::move(log));
  const ServerOptions& opt = core->opt;
  const std::string where = fmt::format("{}:{}", opt.host, opt.port);

  beast::error_code ec;
  tcp::resolver resolver(*core->ioc);
  auto endpoints = resolver.resolve(opt.host, std::to_string(opt.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return make_error(Errc::kIo, fmt::format("bind to {}: cannot resolve the host ({})", where,
                                             ec ? ec.message() : std::string("no address")));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  core->acceptor = std::make_unique<tcp::acceptor>(*core->ioc);
  auto fail = [&where](std::string_view step, const beast::error_code& e) {
    return make_error(Errc::kIo, fmt::format("bind to {}: {} failed: {}", where, step, e.message()));
  };
  if (core->acceptor->open(endpoint.protocol(), ec); ec) return fail("open", ec);
  if (core->acceptor->set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("SO_REUSEADDR", ec);
  if (core->acceptor->bind(endpoint, ec); ec) return fail("bind", ec);
  if (core->acceptor->listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen", ec);
  core->port = core->acceptor->local_endpoint(ec).port();
  if (ec) return fail("local_endpoint", ec);

  core->accept_retry = std::make_unique<asio::steady_timer>(*core->ioc);
  core->pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(opt.workers));
  core->gauge_connections();
  core->gauge_in_flight();
  core->do_accept();
  Core* raw = core.get();
  core->io_thread = std::thread([raw] {
    for (;;) {
      try {
        raw->ioc->run();
        return;
      } catch (const std::exception& e) {
        // A bug in a completion handler: log it and go on serving the other connections.
        raw->log->error("io_exception", {{"error", e.what()}});
      }
    }
  });
  core->log->info("listening", {{"url", fmt::format("http://{}:{}", opt.host, core->port)},
                                {"workers", std::to_string(opt.workers)}});
  auto impl = std::make_unique<Impl>();
  impl->core = std::move(core);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->core->port; }

std::string Server::url() const {
  const std::string& host = impl_->core->opt.host;
  if (host.find(':') != std::string::npos) return fmt::format("http://[{}]:{}", host, port());
  return fmt::format("http://{}:{}", host, port());
}

Metrics& Server::metrics() { return *impl_->core->metrics; }

void Server::stop(std::chrono::milliseconds grace) { impl_->core->stop(grace); }

void Server::run_until_signal(std::chrono::milliseconds grace) {
  asio::io_context sig_ioc(1);
  asio::signal_set signals(sig_ioc, SIGINT, SIGTERM);
  std::atomic<int> got{0};
  signals.async_wait([&got](const beast::error_code& ec, int signo) {
    if (!ec) got = signo;
  });
  Core& core = *impl_->core;
  // Returns on a signal, or when another thread stopped the server.
  while (got.load() == 0 && !core.stopping.load()) {
    sig_ioc.run_for(std::chrono::milliseconds(100));
  }
  if (got.load() != 0) core.log->info("signal", {{"signal", std::to_string(got.load())}});
  signals.cancel();
  stop(grace);
}

}  // namespace openset::net
