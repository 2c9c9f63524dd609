// The net layer over real sockets on 127.0.0.1 (port 0: the system picks).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "openset/net/http.hpp"

namespace net = openset::net;
using namespace std::chrono_literals;

namespace {

// ---- raw sockets, for clients that misbehave ----------------------------------------------------

class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until the peer closes (true) or `timeout` passes without it (false).
  bool read_until_close(std::string& out, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= 0ms) return false;
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      timeval tv{};
      tv.tv_sec = static_cast<time_t>(us / 1000000);
      tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) return true;
      if (errno == EAGAIN || errno == EWOULDBLOCK) continue;  // loop checks the deadline
      return true;  // reset: closed as well
    }
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// A port nothing listens on (bound, then released).
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// ---- a test service -------------------------------------------------------------------------------

struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void release() {
    { std::lock_guard<std::mutex> lock(mu); open = true; }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, 10s, [this] { return open; });
  }
};

class NetTest : public ::testing::Test {
 protected:
  void start(net::ServerOptions opt = {}) {
    opt.service = "test";
    if (opt.read_timeout == std::chrono::milliseconds(10000)) opt.read_timeout = 2000ms;
    std::vector<net::Route> routes;
    routes.push_back({"POST", "/set", {std::string(net::kSetPayment), std::string(net::kSetPaymentInitiation)},
                      [](const net::Request& r) {
                        return net::Response::bytes(net::kSetPayment, "echo:" + r.body);
                      }});
    routes.push_back({"GET", "/hello", {}, [](const net::Request& r) {
                        return net::Response::json(200, R"({"remote":")" + r.remote + "\"}");
                      }});
    routes.push_back({"POST", "/throw", {}, [](const net::Request&) -> net::Response {
                        throw std::runtime_error("handler bug with card 4111111111111111");
                      }});
    routes.push_back({"POST", "/sleep", {}, [](const net::Request& r) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(r.body)));
                        return net::Response::bytes("text/plain", "slept");
                      }});
    routes.push_back({"POST", "/block", {}, [this](const net::Request&) {
                        gate_.wait();
                        return net::Response::bytes("text/plain", "released");
                      }});
    routes.push_back({"GET", "/big", {}, [](const net::Request&) {
                        return net::Response::bytes("application/octet-stream", std::string(10000, 'x'));
                      }});
    metrics_ = std::make_shared<net::Metrics>();
    log_ = std::make_shared<net::Log>("test", [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(lines_mu_);
      lines_.emplace_back(line);
    });
    auto server = net::Server::start(opt, std::move(routes), metrics_, log_);
    ASSERT_TRUE(server.ok()) << server.error().to_string();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    gate_.release();
    server_.reset();
  }

  net::Url url(std::string_view path) const {
    auto u = net::Url::parse(server_->url() + std::string(path));
    EXPECT_TRUE(u.ok());
    return *u;
  }
  double metric(std::string_view name) const { return metrics_->value(name, "{service=\"test\"}"); }
  // The server counts a request after its answer is written, so a client can see the answer
  // a moment before the count: wait (up to 3 s) for the value a test expects, then return it.
  double metric_eventually(std::string_view name, std::string_view labels, double want) const {
    double v = metrics_->value(name, labels);
    for (int i = 0; i < 300 && v != want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      v = metrics_->value(name, labels);
    }
    return v;
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(lines_mu_);
    return lines_;
  }
  bool health_ok() {
    auto r = net::get(url("/health"), quick());
    return r.ok() && r->status == 200;
  }
  static net::ClientOptions quick() {
    net::ClientOptions o;
    o.connect_timeout = 1000ms;
    o.timeout = 2000ms;
    return o;
  }

  Gate gate_;
  std::shared_ptr<net::Metrics> metrics_;
  std::shared_ptr<net::Log> log_;
  std::unique_ptr<net::Server> server_;
  std::mutex lines_mu_;
  std::vector<std::string> lines_;
};

// ---- the happy path -------------------------------------------------------------------------------

TEST_F(NetTest, PostRoundTripKeepsTheMediaType) {
  start();
  auto r = net::post(url("/set"), net::kSetPayment, "hello", quick());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, net::kSetPayment);
  EXPECT_EQ(r->body, "echo:hello");
  // Parameters and case of the Content-Type do not matter.
  auto r2 = net::post(url("/set"), "Application/SET-Payment-Initiation; charset=binary", "x", quick());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 200);
  auto hello = net::get(url("/hello?x=1"), quick());
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(hello->status, 200);
  EXPECT_NE(hello->body.find("127.0.0.1:"), std::string::npos);
}

TEST_F(NetTest, KeepAliveReusesOneConnection) {
  start();
  for (int i = 0; i < 5; ++i) {
    auto r = net::post(url("/set"), net::kSetPayment, std::to_string(i), quick());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->body, "echo:" + std::to_string(i));
  }
  EXPECT_EQ(metric_eventually("openset_http_connections_accepted_total", "{service=\"test\"}", 1), 1);
  EXPECT_EQ(metric_eventually("openset_http_connections", "{service=\"test\"}", 1), 1);
}

TEST_F(NetTest, ManyClientsAtOnce) {
  start();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string body = std::to_string(t) + "-" + std::to_string(i);
        auto r = net::post(url("/set"), net::kSetPayment, body, quick());
        if (r.ok() && r->status == 200 && r->body == "echo:" + body) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(metric_eventually("openset_http_requests_total", "{service=\"test\",route=\"/set\",method=\"POST\",status=\"200\"}", 160), 160);
  EXPECT_EQ(metric_eventually("openset_http_connections_accepted_total", "{service=\"test\"}", 8), 8);  // one per client thread
}

TEST_F(NetTest, ClientRetriesOnceWhenTheServerClosedAnIdleConnection) {
  net::ServerOptions opt;
  opt.idle_timeout = 100ms;
  start(opt);
  ASSERT_TRUE(health_ok());
  ASSERT_TRUE(eventually([&] { return metric("openset_http_connections") == 0; }));
  auto r = net::post(url("/set"), net::kSetPayment, "again", quick());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->body, "echo:again");
  EXPECT_EQ(metric_eventually("openset_http_connections_accepted_total", "{service=\"test\"}", 2), 2);
}

TEST_F(NetTest, HealthIsJson) {
  start();
  auto r = net::get(url("/health"), quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, net::kJson);
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["service"], "test");
  EXPECT_TRUE(j["uptime_seconds"].is_number());
  EXPECT_EQ(j["in_flight"], 0);
}

// ---- refusals -------------------------------------------------------------------------------------

TEST_F(NetTest, WrongContentTypeIs415ListingTheAcceptedTypes) {
  start();
  auto r = net::post(url("/set"), "text/plain", "hello", quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 415);
  EXPECT_NE(r->body.find("application/set-payment "), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("application/set-payment-initiation"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("text/plain"), std::string::npos) << r->body;
  EXPECT_EQ(metric_eventually("openset_http_rejected_total", "{service=\"test\",reason=\"unsupported_media_type\"}", 1), 1);
}

TEST_F(NetTest, UnknownPathIs404AndOtherMethodIs405) {
  start();
  auto r = net::get(url("/nowhere"), quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("POST /set"), std::string::npos) << r->body;
  auto r2 = net::get(url("/set"), quick());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 405);
  bool allow = false;
  for (const auto& [name, value] : r2->headers) {
    if (name == "Allow") allow = value == "POST";
  }
  EXPECT_TRUE(allow);
  auto r3 = net::post(url("/health"), "text/plain", "", quick());
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->status, 405);
  EXPECT_TRUE(health_ok());
}

TEST_F(NetTest, OversizedBodyIs413AndTheServerGoesOn) {
  net::ServerOptions opt;
  opt.max_body = 1024;
  start(opt);
  auto r = net::post(url("/set"), net::kSetPayment, std::string(200000, 'a'), quick());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("1024"), std::string::npos);
  // Within the limit: fine, on a fresh connection (the 413 closed the other one).
  auto ok = net::post(url("/set"), net::kSetPayment, std::string(1024, 'b'), quick());
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(metric_eventually("openset_http_rejected_total", "{service=\"test\",reason=\"too_large\"}", 1), 1);
}

TEST_F(NetTest, OversizedChunkedBodyIs413) {
  net::ServerOptions opt;
  opt.max_body = 1024;
  start(opt);
  RawSocket s(server_->port());
  ASSERT_TRUE(s.connected());
  std::string req = "POST /set HTTP/1.1\r\nHost: x\r\nContent-Type: application/set-payment\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'c') + "\r\n";
  req += "0\r\n\r\n";
  s.send(req);
  std::string answer;
  EXPECT_TRUE(s.read_until_close(answer, 2000ms));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_TRUE(health_ok());
}

TEST_F(NetTest, ExpectContinueIsAnswered) {
  start();
  RawSocket s(server_->port());
  ASSERT_TRUE(s.connected());
  s.send("POST /set HTTP/1.1\r\nHost: x\r\nContent-Type: application/set-payment\r\n"
         "Expect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  std::this_thread::sleep_for(50ms);
  s.send("abc");
  std::string answer;
  EXPECT_TRUE(s.read_until_close(answer, 2000ms));
  EXPECT_EQ(answer.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("echo:abc"), std::string::npos) << answer;
}

TEST_F(NetTest, OversizedHeadersAre431) {
  net::ServerOptions opt;
  opt.max_header = 1024;
  start(opt);
  RawSocket s(server_->port());
  ASSERT_TRUE(s.connected());
  s.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n");
  std::string answer;
  EXPECT_TRUE(s.read_until_close(answer, 2000ms));
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer;
  EXPECT_TRUE(health_ok());
}

TEST_F(NetTest, TruncatedBodyDoesNotHurt) {
  start();
  {
    RawSocket s(server_->port());
    ASSERT_TRUE(s.connected());
    s.send("POST /set HTTP/1.1\r\nHost: x\r\nContent-Type: application/set-payment\r\n"
           "Content-Length: 1000\r\n\r\nonly a little");
  }  // closed here, 987 bytes short
  EXPECT_TRUE(health_ok());
  auto r = net::post(url("/set"), net::kSetPayment, "whole", quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "echo:whole");
}

TEST_F(NetTest, GarbageGets400OrCloseAndTheServerGoesOn) {
  start();
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    RawSocket s(server_->port());
    ASSERT_TRUE(s.connected());
    std::string junk(512, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    junk += "\r\n\r\n";
    s.send(junk);
    std::string answer;
    EXPECT_TRUE(s.read_until_close(answer, 3000ms));
    EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 400", 0) == 0) << answer;
  }
  RawSocket s(server_->port());
  s.send("NOT HTTP AT ALL\r\n\r\n");
  std::string answer;
  EXPECT_TRUE(s.read_until_close(answer, 3000ms));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_TRUE(health_ok());
  EXPECT_TRUE(eventually([&] {
    return metrics_->value("openset_http_rejected_total", "{service=\"test\",reason=\"bad_request\"}") >= 1;
  }));
}

TEST_F(NetTest, SlowClientIsClosedWhileOthersAreServed) {
  net::ServerOptions opt;
  opt.read_timeout = 300ms;
  start(opt);
  RawSocket slow(server_->port());
  ASSERT_TRUE(slow.connected());
  slow.send("GET /health HTTP/1.1\r\nHo");
  // Meanwhile another client is served.
  auto r = net::get(url("/health"), quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  std::string answer;
  EXPECT_TRUE(slow.read_until_close(answer, 3 * 300ms + 600ms)) << "the server kept the slow client";
  EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 408", 0) == 0) << answer;
  EXPECT_EQ(metric_eventually("openset_http_rejected_total", "{service=\"test\",reason=\"timeout\"}", 1), 1);
  // A client that sends nothing at all is closed too.
  RawSocket silent(server_->port());
  EXPECT_TRUE(silent.read_until_close(answer, 3 * 300ms + 600ms));
  EXPECT_TRUE(health_ok());
}

TEST_F(NetTest, TooManyConnectionsGet503) {
  net::ServerOptions opt;
  opt.max_connections = 2;
  start(opt);
  auto a = std::make_unique<RawSocket>(server_->port());
  auto b = std::make_unique<RawSocket>(server_->port());
  ASSERT_TRUE(eventually([&] { return metric("openset_http_connections") == 2; }));
  auto r = net::get(url("/health"), quick());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("too many"), std::string::npos);
  EXPECT_EQ(metric_eventually("openset_http_rejected_total", "{service=\"test\",reason=\"overloaded\"}", 1), 1);
  a.reset();
  b.reset();
  ASSERT_TRUE(eventually([&] { return metric("openset_http_connections") == 0; }));
  EXPECT_TRUE(health_ok());
}

TEST_F(NetTest, ThrowingHandlerGives500AndTheNextRequestWorks) {
  start();
  auto r = net::post(url("/throw"), "text/plain", "", quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("POST /throw"), std::string::npos);
  EXPECT_EQ(r->body.find("4111"), std::string::npos) << "the exception text stays in the log";
  auto next = net::post(url("/set"), net::kSetPayment, "next", quick());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
  bool logged = false;
  for (const auto& line : lines()) {
    if (line.find("handler_failed") != std::string::npos) logged = true;
    EXPECT_EQ(line.find("4111111111111111"), std::string::npos) << line;
  }
  EXPECT_TRUE(logged);
}

TEST_F(NetTest, BlockedHandlerDoesNotStopHealth) {
  net::ServerOptions opt;
  opt.workers = 2;
  start(opt);
  auto blocked = std::async(std::launch::async, [this] {
    net::ClientOptions o;
    o.timeout = 5000ms;
    return net::post(url("/block"), "text/plain", "", o);
  });
  ASSERT_TRUE(eventually([&] { return metric("openset_http_in_flight") == 1; }));
  auto h = net::get(url("/health"), quick());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(nlohmann::json::parse(h->body)["in_flight"], 1);
  auto other = net::post(url("/set"), net::kSetPayment, "meanwhile", quick());  // the other worker
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 200);
  gate_.release();
  auto r = blocked.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->body, "released");
}

TEST_F(NetTest, GracefulStopFinishesTheRequestInFlight) {
  start();
  auto in_flight = std::async(std::launch::async, [this] {
    return net::post(url("/sleep"), "text/plain", "300", quick());
  });
  ASSERT_TRUE(eventually([&] { return metric("openset_http_in_flight") == 1; }));
  const auto u = url("/health");
  server_->stop(3000ms);
  auto r = in_flight.get();
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slept");
  auto after = net::get(u, quick());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, openset::Errc::kIo);
  server_->stop();  // twice: nothing happens
}

TEST_F(NetTest, RunUntilSignalReturnsOnSigterm) {
  start();
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    server_->run_until_signal(1000ms);
    returned = true;
  });
  // A SIGTERM that arrives before the signal_set is in place must not kill the test process:
  // ignore it until then, and send it again until the server has taken it (a loaded machine can
  // take long to start the waiter).
  auto previous = std::signal(SIGTERM, SIG_IGN);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(returned.load());
  for (int i = 0; i < 100 && !returned.load(); ++i) {
    ::kill(::getpid(), SIGTERM);
    std::this_thread::sleep_for(100ms);
  }
  waiter.join();
  std::signal(SIGTERM, previous == SIG_ERR ? SIG_DFL : previous);
  EXPECT_TRUE(returned.load());
  EXPECT_FALSE(net::get(url("/health"), quick()).ok());
}

TEST_F(NetTest, RunUntilSignalReturnsWhenStoppedElsewhere) {
  start();
  std::thread waiter([&] { server_->run_until_signal(1000ms); });
  std::this_thread::sleep_for(50ms);
  server_->stop(1000ms);
  waiter.join();
}

// ---- metrics --------------------------------------------------------------------------------------

TEST_F(NetTest, MetricsAreValidPrometheusTextAndCountRequests) {
  start();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(net::post(url("/set"), net::kSetPayment, "m", quick()).ok());
  ASSERT_TRUE(net::get(url("/nowhere"), quick()).ok());
  {
    RawSocket s(server_->port());  // a made-up method is counted as "other"
    s.send("FROBNICATE /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string answer;
    EXPECT_TRUE(s.read_until_close(answer, 2000ms));
    EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;
  }
  metrics_->add("openset_purchases_total", "Purchases.", "{outcome=\"approved\"}", 2);
  metrics_->set("openset_queue_depth", "Queue depth.", "", 7);
  // The counts are taken after each answer is written: wait until they are in.
  ASSERT_TRUE(eventually([&] {
    return metrics_->value("openset_http_requests_total", "{service=\"test\",route=\"/set\",method=\"POST\",status=\"200\"}") == 3 &&
           metrics_->value("openset_http_requests_total", "{service=\"test\",route=\"unmatched\",method=\"GET\",status=\"404\"}") == 1;
  }));
  auto r = net::get(url("/metrics"), quick());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type.rfind("text/plain; version=0.0.4", 0), 0u);

  std::set<std::string> typed;
  std::map<std::string, std::string> types;
  std::istringstream in(r->body);
  std::string line;
  std::map<std::string, double> samples;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
      EXPECT_TRUE(typed.insert(name).second) << "TYPE twice: " << line;
      types[name] = type;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    ASSERT_NE(line[0], '#') << line;
    const auto name_end = line.find_first_of("{ ");
    ASSERT_NE(name_end, std::string::npos) << line;
    std::string name = line.substr(0, name_end);
    std::string family = name;
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        const std::string base = name.substr(0, name.size() - suffix.size());
        if (types.count(base) && types[base] == "histogram") family = base;
      }
    }
    EXPECT_TRUE(typed.count(family)) << "no # TYPE before " << line;
    if (name_end < line.size() && line[name_end] == '{') {
      EXPECT_NE(line.find("} "), std::string::npos) << line;
    }
    const auto space = line.rfind(' ');
    std::size_t used = 0;
    const double v = std::stod(line.substr(space + 1), &used);
    EXPECT_EQ(used, line.size() - space - 1) << line;
    samples[line.substr(0, space)] = v;
  }
  EXPECT_EQ((samples["openset_http_requests_total{service=\"test\",route=\"/set\",method=\"POST\",status=\"200\"}"]), 3);
  EXPECT_EQ((samples["openset_http_requests_total{service=\"test\",route=\"unmatched\",method=\"GET\",status=\"404\"}"]), 1);
  EXPECT_EQ((samples["openset_http_request_duration_seconds_count{service=\"test\",route=\"/set\"}"]), 3);
  EXPECT_EQ((samples["openset_http_request_duration_seconds_bucket{service=\"test\",route=\"/set\",le=\"+Inf\"}"]), 3);
  EXPECT_EQ((samples["openset_http_requests_total{service=\"test\",route=\"unmatched\",method=\"other\",status=\"404\"}"]), 1);
  EXPECT_EQ((samples["openset_purchases_total{outcome=\"approved\"}"]), 2);
  EXPECT_EQ((samples["openset_queue_depth"]), 7);
  EXPECT_EQ(types["openset_http_in_flight"], "gauge");
  EXPECT_EQ(types["openset_http_connections"], "gauge");
  EXPECT_EQ(types["openset_http_requests_total"], "counter");
  EXPECT_EQ(types["openset_http_request_duration_seconds"], "histogram");
}

// ---- logs -----------------------------------------------------------------------------------------

TEST(NetLog, RedactMasksPanShapedNumbers) {
  EXPECT_EQ(net::Log::redact("card 4111111111111111 ok"), "card [redacted] ok");
  EXPECT_EQ(net::Log::redact("pan=4111111111111111&x=1"), "pan=[redacted]&x=1");
  EXPECT_EQ(net::Log::redact("4111 1111 1111 1111"), "[redacted]");
  EXPECT_EQ(net::Log::redact("4111-1111-1111-1111!"), "[redacted]!");
  EXPECT_EQ(net::Log::redact("123456789012"), "[redacted]");
  EXPECT_EQ(net::Log::redact("12345678901"), "12345678901");
  EXPECT_EQ(net::Log::redact("2026-11-27 10:00, 200 OK"), "2026-11-27 10:00, 200 OK");
}

TEST(NetLog, LinesAreJsonObjects) {
  std::vector<std::string> lines;
  net::Log log("svc", [&lines](std::string_view line) { lines.emplace_back(line); });
  log.info("request", {{"path", "/a\"b\\c\n"}, {"status", "200"}, {"ms", "12.5"}, {"note", "x\x01\xff"}});
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["service"], "svc");
  EXPECT_EQ(j["event"], "request");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["path"], "/a\"b\\c\n");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["ms"], 12.5);
  EXPECT_TRUE(j["ts"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
}

TEST_F(NetTest, RequestLogNeverHoldsTheBodyOrAPan) {
  start();
  auto r = net::post(url("/set?pan=4111111111111111"), net::kSetPayment, "PAN 4111111111111111 secret-body", quick());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(eventually([&] {
    for (const auto& line : lines()) {
      if (line.find("\"request\"") != std::string::npos) return true;
    }
    return false;
  }));
  bool found = false;
  for (const auto& line : lines()) {
    EXPECT_EQ(line.find("4111111111111111"), std::string::npos) << line;
    EXPECT_EQ(line.find("secret-body"), std::string::npos) << line;
    auto j = nlohmann::json::parse(line);
    if (j["event"] == "request") {
      found = true;
      EXPECT_EQ(j["method"], "POST");
      EXPECT_EQ(j["path"], "/set");
      EXPECT_EQ(j["status"], 200);
      EXPECT_TRUE(j["ms"].is_number());
      EXPECT_TRUE(j["remote"].is_string());
      EXPECT_EQ(j["bytes_in"], 32);
      EXPECT_EQ(j["bytes_out"], 37);
    }
  }
  EXPECT_TRUE(found);
}

// ---- client ---------------------------------------------------------------------------------------

TEST(NetClient, ConnectionRefusedNamesTheUrl) {
  const std::string text = "http://127.0.0.1:" + std::to_string(closed_port()) + "/set";
  auto u = net::Url::parse(text);
  ASSERT_TRUE(u.ok());
  auto r = net::post(*u, net::kSetPayment, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, openset::Errc::kIo);
  EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST_F(NetTest, ClientTimesOutOnASlowHandler) {
  start();
  net::ClientOptions o;
  o.timeout = 200ms;
  auto r = net::post(url("/sleep"), "text/plain", "1000", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, openset::Errc::kIo);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("/sleep"), std::string::npos) << r.error().message;
}

TEST_F(NetTest, ClientRefusesALargerResponse) {
  start();
  net::ClientOptions o = quick();
  o.max_body = 1000;
  auto r = net::get(url("/big"), o);
  ASSERT_FALSE(r.ok()) << r->status << " " << r->body.size();
  EXPECT_EQ(r.error().code, openset::Errc::kLimit);
  EXPECT_NE(r.error().message.find("1000"), std::string::npos) << r.error().message;
  o.max_body = 10000;
  auto ok = net::get(url("/big"), o);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->body.size(), 10000u);
}

TEST(NetUrl, Parse) {
  auto a = net::Url::parse("http://127.0.0.1:8443/set");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8443);
  EXPECT_EQ(a->target, "/set");
  EXPECT_EQ(a->text(), "http://127.0.0.1:8443/set");
  auto b = net::Url::parse("http://gateway.example");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 80);
  EXPECT_EQ(b->target, "/");
  auto c = net::Url::parse("http://[::1]:9000/a?b=c#frag");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->target, "/a?b=c");
  EXPECT_EQ(c->text(), "http://[::1]:9000/a?b=c");
  for (const char* bad : {"https://127.0.0.1/set", "ftp://x/", "127.0.0.1:80", "http://", "http://:80/",
                          "http://h:0/", "http://h:65536/", "http://h:8x/", "http://h:/", "http://a b/",
                          "http://u@h/", "http://[::1/", ""}) {
    auto r = net::Url::parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, openset::Errc::kInvalidArgument);
    }
  }
  auto https = net::Url::parse("https://127.0.0.1/set");
  ASSERT_FALSE(https.ok());
  EXPECT_NE(https.error().message.find("https"), std::string::npos);
}

TEST(NetServer, BindFailureSaysWhere) {
  net::ServerOptions opt;
  auto first = net::Server::start(opt, {}, nullptr, std::make_shared<net::Log>("x", [](std::string_view) {}));
  ASSERT_TRUE(first.ok());
  opt.port = (*first)->port();
  auto second = net::Server::start(opt, {}, nullptr, std::make_shared<net::Log>("x", [](std::string_view) {}));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, openset::Errc::kIo);
  EXPECT_NE(second.error().message.find(std::to_string(opt.port)), std::string::npos) << second.error().message;
}

}  // namespace
