#include "openset/services/web.hpp"

#include <string>

#include "openset/base/bytes.hpp"

namespace openset::services {

const WebAsset* find_web_asset(std::string_view path) {
  for (const auto& a : web_assets())
    if (a.path == path) return &a;
  return nullptr;
}

std::string_view web_content_type(std::string_view path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

net::Response web_file(std::string_view path, const PageOptions& options) {
  const WebAsset* a = find_web_asset(path);
  if (a == nullptr) return net::Response::error(404, "no page " + std::string(path));
  net::Response r;
  r.status = 200;
  r.content_type = std::string(web_content_type(path));
  r.body = std::string(a->body);
  std::string form_action = "'self'";
  for (const auto& t : options.form_targets) form_action += " " + t;
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; form-action " + form_action + "; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

void add_static_routes(std::vector<net::Route>& routes, const PageOptions& options) {
  for (const auto& a : web_assets()) {
    std::string path(a.path);
    routes.push_back({"GET", "/static/" + path, {}, [path, options](const net::Request&) { return web_file(path, options); }});
  }
}

void add_page(std::vector<net::Route>& routes, std::string url, std::string asset, const PageOptions& options) {
  routes.push_back({"GET", std::move(url), {}, [asset = std::move(asset), options](const net::Request&) {
                      return web_file(asset, options);
                    }});
}

namespace {
Result<std::string> unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return Error(Errc::kMalformed, "a form value ends inside a %-escape");
      int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0) return Error(Errc::kMalformed, "a form value has a bad %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

Result<std::map<std::string, std::string>> form_decode(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    OPENSET_TRY(std::string name, unescape(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      OPENSET_TRY(value, unescape(pair.substr(eq + 1)));
    }
    out[std::move(name)] = std::move(value);
  }
  return out;
}

Result<std::map<std::string, std::string>> query_params(std::string_view target) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::map<std::string, std::string>{};
  return form_decode(target.substr(q + 1));
}

std::string url_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

net::Response redirect(std::string location) {
  net::Response r;
  r.status = 303;
  r.body = "See " + location + "\n";
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

}  // namespace openset::services
