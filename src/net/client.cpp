// The blocking HTTP/1.1 client: async operations on a per-thread io_context, each bounded by a
// deadline (beast::tcp_stream expiry), connections kept per (thread, host, port).
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "openset/net/http.hpp"

namespace openset::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Connection {
  explicit Connection(asio::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

struct ClientState {
  asio::io_context ioc{1};
  std::map<std::string, std::unique_ptr<Connection>> connections;  // "host:port"
};

ClientState& state() {
  thread_local ClientState s;
  return s;
}

// Runs the io_context until the operations started on it complete (each has its own deadline).
void run(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string describe(const beast::error_code& ec, std::chrono::milliseconds limit) {
  if (ec == beast::error::timeout) return fmt::format("timed out after {} ms", limit.count());
  return ec.message();
}

// A failure on a reused connection before any byte of the answer: the server closed it while it
// sat in our cache. Not a timeout (the server may be working on the request).
bool stale(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == http::error::partial_message;
}

Result<Response> exchange(const Url& url, http::verb verb, std::string_view content_type,
                          std::string_view body, const ClientOptions& options) {
  const auto start = Clock::now();
  const auto deadline = start + options.timeout;
  const std::string what = fmt::format("{} {}", http::to_string(verb), url.text());
  ClientState& st = state();
  const std::string key = fmt::format("{}:{}", url.host, url.port);

  http::request<http::string_body> req{verb, url.target, 11};
  const bool v6 = url.host.find(':') != std::string::npos;
  req.set(http::field::host, v6 ? fmt::format("[{}]:{}", url.host, url.port) : fmt::format("{}:{}", url.host, url.port));
  req.set(http::field::user_agent, "openset");
  for (const auto& [name, value] : options.headers) req.set(name, value);
  if (verb == http::verb::post) {
    req.set(http::field::content_type, content_type);
    req.body() = std::string(body);
  }
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> conn;
    bool reused = false;
    if (auto it = st.connections.find(key); it != st.connections.end()) {
      conn = std::move(it->second);
      st.connections.erase(it);
      reused = true;
    }
    if (!conn) {
      // Resolve and connect, within connect_timeout (and the whole-exchange deadline).
      const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
      tcp::resolver resolver(st.ioc);
      beast::error_code ec;
      tcp::resolver::results_type endpoints;
      bool resolved = false;
      resolver.async_resolve(url.host, std::to_string(url.port),
                             [&](const beast::error_code& e, tcp::resolver::results_type r) {
                               ec = e;
                               endpoints = std::move(r);
                               resolved = true;
                             });
      st.ioc.restart();
      st.ioc.run_until(connect_deadline);
      if (!resolved) {
        resolver.cancel();
        run(st.ioc);
        return make_error(Errc::kIo, fmt::format("connect to {}: resolving {} timed out", url.text(), url.host));
      }
      if (ec) return make_error(Errc::kIo, fmt::format("connect to {}: cannot resolve {}: {}", url.text(), url.host, ec.message()));
      conn = std::make_unique<Connection>(st.ioc);
      conn->stream.expires_at(connect_deadline);
      conn->stream.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
      run(st.ioc);
      if (ec) {
        return make_error(Errc::kIo, fmt::format("connect to {}: {}", url.text(),
                                                 describe(ec, std::min(options.connect_timeout, options.timeout))));
      }
    }

    beast::error_code ec;
    conn->stream.expires_at(deadline);
    http::async_write(conn->stream, req, [&](const beast::error_code& e, std::size_t) { ec = e; });
    run(st.ioc);
    if (ec) {
      if (reused && attempt == 0 && ec != beast::error::timeout) continue;
      return make_error(Errc::kIo, fmt::format("{}: sending the request failed: {}", what, describe(ec, options.timeout)));
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(static_cast<std::uint64_t>(options.max_body));
    // The header first: Beast 1.74 loses the body_limit error of a Content-Length that is too
    // large when the header and the body are parsed in one eager pass (http::async_read alone).
    conn->stream.expires_at(deadline);
    http::async_read_header(conn->stream, conn->buffer, parser,
                            [&](const beast::error_code& e, std::size_t) { ec = e; });
    run(st.ioc);
    if (!ec) {
      http::async_read(conn->stream, conn->buffer, parser, [&](const beast::error_code& e, std::size_t) { ec = e; });
      run(st.ioc);
    }
    if (ec) {
      if (reused && attempt == 0 && !parser.got_some() && conn->buffer.size() == 0 && stale(ec)) continue;
      if (ec == http::error::body_limit) {
        return make_error(Errc::kLimit, fmt::format("{}: the response body is larger than {} bytes "
                                                    "(ClientOptions::max_body)", what, options.max_body));
      }
      return make_error(Errc::kIo, fmt::format("{}: reading the response failed: {}", what, describe(ec, options.timeout)));
    }

    http::response<http::string_body> msg = parser.release();
    Response out;
    out.status = static_cast<int>(msg.result_int());
    out.content_type = std::string(msg[http::field::content_type]);
    for (const auto& field : msg) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(msg.body());
    if (msg.keep_alive() && conn->buffer.size() == 0) {
      conn->stream.expires_never();
      st.connections[key] = std::move(conn);
    }
    return out;
  }
  return make_error(Errc::kIo, fmt::format("{}: the connection was closed twice before an answer", what));
}

}  // namespace

Result<Url> Url::parse(std::string_view text) {
  auto bad = [&text](std::string_view why) {
    return make_error(Errc::kInvalidArgument, fmt::format("URL \"{}\": {}", text, why));
  };
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return bad("contains a space, a control character or a non-ASCII byte");
    }
  }
  constexpr std::string_view kHttp = "http://";
  auto starts_with_ci = [&text](std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (starts_with_ci("https://")) {
    return bad("https is not supported; SET protects its messages itself, use http://");
  }
  if (!starts_with_ci(kHttp)) return bad("expected http://host[:port][/path]");
  std::string_view rest = text.substr(kHttp.size());
  const auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad("user information (user@host) is not supported");

  Url url;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 address without its closing ']'");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("an empty port");
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("an empty port");
    }
  }
  if (url.host.empty()) return bad("no host");
  for (char c : url.host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-' ||
                    c == '_' || c == ':';
    if (!ok) return bad("the host has a character that is not allowed");
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5) return bad("the port is not a number from 1 to 65535");
    unsigned value = 0;
    for (char c : port_text) {
      if (!is_digit(c)) return bad("the port is not a number from 1 to 65535");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return bad("the port is not a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(value);
  }
  target = target.substr(0, target.find('#'));
  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/" + std::string(target);
  } else {
    url.target = std::string(target);
  }
  return url;
}

std::string Url::text() const {
  if (host.find(':') != std::string::npos) return fmt::format("http://[{}]:{}{}", host, port, target);
  return fmt::format("http://{}:{}{}", host, port, target);
}

Result<Response> post(const Url& url, std::string_view content_type, std::string_view body,
                      const ClientOptions& options) {
  return exchange(url, http::verb::post, content_type, body, options);
}

Result<Response> get(const Url& url, const ClientOptions& options) {
  return exchange(url, http::verb::get, {}, {}, options);
}

}  // namespace openset::net
