// The browser pages of the services (issue 7): plain HTML, CSS and JavaScript from
// src/services/web, compiled into the library (cmake/embed_web.cmake), served by the services
// themselves with no external CDN, and the small helpers their JSON and form routes share.
//
//   GET /static/<path>   any file of src/services/web ("store/store.js", "common.css")
//   page routes          a service maps its own URLs to pages ("/" -> "store/index.html")
//
// Every page and file goes out with a Content-Security-Policy that allows only the service's own
// scripts and styles (no inline script, nothing from elsewhere), X-Content-Type-Options: nosniff,
// Referrer-Policy: no-referrer and frame-ancestors 'none' (no page can be framed: a wallet page
// asking for a passphrase must not be clickjacked).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/net/http.hpp"

namespace openset::services {

struct WebAsset {
  std::string_view path;  // relative to src/services/web ("store/index.html")
  std::string_view body;
};

// Every embedded file (generated code).
std::span<const WebAsset> web_assets();
// The file at `path`, or nullptr.
const WebAsset* find_web_asset(std::string_view path);
// "text/html; charset=utf-8", "text/css; charset=utf-8", "text/javascript; charset=utf-8",
// "image/svg+xml", "application/json", else "application/octet-stream".
std::string_view web_content_type(std::string_view path);

struct PageOptions {
  // Extra origins a page's forms may post to (the storefront hands the payment to the wallet,
  // another origin): CSP form-action.
  std::vector<std::string> form_targets;
};

// The response for an embedded file with the headers above (404 when it is missing).
net::Response web_file(std::string_view path, const PageOptions& options = {});
// GET /static/<path> for every embedded file.
void add_static_routes(std::vector<net::Route>& routes, const PageOptions& options = {});
// GET `url` -> the embedded page `asset`.
void add_page(std::vector<net::Route>& routes, std::string url, std::string asset, const PageOptions& options = {});

// application/x-www-form-urlencoded (a form POST's body, or a query string): name -> value.
// '+' is a space and %XX an octet; a malformed escape is an Error. A name given twice keeps the
// last value.
Result<std::map<std::string, std::string>> form_decode(std::string_view body);
// The query of a request target ("/x?a=1&b=2" -> {a:1, b:2}); none -> empty.
Result<std::map<std::string, std::string>> query_params(std::string_view target);
std::string url_encode(std::string_view text);
// A 303 See Other to `location` (after a form POST).
net::Response redirect(std::string location);

}  // namespace openset::services
