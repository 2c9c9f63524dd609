#include "openset/services/config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <sstream>

#include "openset/base/bytes.hpp"
#include "openset/crypto/x509.hpp"

namespace openset::services {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error bad(const fs::path& file, std::string_view what) {
  return Error(Errc::kInvalidArgument, file.string() + ": " + std::string(what));
}

bool is_uri(std::string_view s) { return s.starts_with("postgresql://") || s.starts_with("postgres://"); }

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || is_uri(p)) return p;
  fs::path q(p);
  return (q.is_absolute() ? q : base / q).lexically_normal().string();
}

// "host:port" (port 0..65535).
Status parse_listen(const fs::path& file, const std::string& text, std::string& host, std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad(file, "\"listen\" must be HOST:PORT, e.g. \"127.0.0.1:8403\"");
  host = text.substr(0, colon);
  std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stol(p) > 65535)
    return bad(file, "\"listen\" has no valid port (0..65535): \"" + text + "\"");
  port = static_cast<std::uint16_t>(std::stol(p));
  return Ok{};
}

}  // namespace

Result<ServiceConfig> ServiceConfig::load(const fs::path& path) {
  OPENSET_TRY(std::string text, read_text(path.string()));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad(path, "not a JSON object");
  ServiceConfig c;
  c.file = path;
  c.base = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  auto str = [&](const char* key, bool required, std::string& out) -> Status {
    if (!j.contains(key)) {
      if (required) return bad(path, std::string("\"") + key + "\" is missing");
      return Ok{};
    }
    if (!j[key].is_string()) return bad(path, std::string("\"") + key + "\" must be a string");
    out = j[key].get<std::string>();
    return Ok{};
  };
  OPENSET_CHECK(str("service", true, c.service));
  bool known = false;
  for (auto n : kServiceNames) known = known || n == c.service;
  if (!known) return bad(path, "\"service\" is \"" + c.service + "\"; one of ca, merchant, gateway, acquirer, issuer, carrier");
  std::string listen;
  OPENSET_CHECK(str("listen", true, listen));
  OPENSET_CHECK(parse_listen(path, listen, c.host, c.port));
  OPENSET_CHECK(str("db", false, c.db));
  c.db = resolve(c.base, c.db);
  OPENSET_CHECK(str("passphrase_file", false, c.passphrase_file));
  c.passphrase_file = resolve(c.base, c.passphrase_file);

  if (j.contains("suites")) {
    if (!j["suites"].is_array() || j["suites"].empty()) return bad(path, "\"suites\" must be a non-empty list");
    for (const auto& s : j["suites"]) {
      if (!s.is_string()) return bad(path, "\"suites\" must list names (\"modern\", \"set1\")");
      auto suite = crypto::suite_by_name(s.get<std::string>());
      if (!suite.ok()) return bad(path, "unknown suite \"" + s.get<std::string>() + "\" (modern or set1)");
      c.suites.push_back(*suite);
    }
  } else {
    c.suites.push_back(&crypto::default_suite());
  }
  if (j.contains("files")) {
    if (!j["files"].is_object()) return bad(path, "\"files\" must be an object of name: path");
    for (const auto& [k, v] : j["files"].items()) {
      if (!v.is_string()) return bad(path, "files." + k + " must be a path");
      c.files[k] = resolve(c.base, v.get<std::string>());
    }
  }
  if (j.contains("peers")) {
    if (!j["peers"].is_object()) return bad(path, "\"peers\" must be an object of name: URL or [URLs]");
    for (const auto& [k, v] : j["peers"].items()) {
      std::vector<std::string> urls;
      if (v.is_string()) urls.push_back(v.get<std::string>());
      else if (v.is_array()) {
        for (const auto& u : v) {
          if (!u.is_string()) return bad(path, "peers." + k + " must list URLs");
          urls.push_back(u.get<std::string>());
        }
      } else {
        return bad(path, "peers." + k + " must be a URL or a list of URLs");
      }
      if (urls.empty()) return bad(path, "peers." + k + " lists no URL");
      for (const auto& u : urls)
        if (!net::Url::parse(u).ok()) return bad(path, "peers." + k + ": \"" + u + "\" is not an http://HOST:PORT URL");
      c.peers[k] = std::move(urls);
    }
  }
  if (j.contains("chains")) {
    if (!j["chains"].is_object()) return bad(path, "\"chains\" must be an object of name: [certificate files]");
    for (const auto& [k, v] : j["chains"].items()) {
      if (!v.is_array()) return bad(path, "chains." + k + " must be a list of certificate files");
      std::vector<std::string> list;
      for (const auto& f : v) {
        if (!f.is_string()) return bad(path, "chains." + k + " must be a list of certificate files");
        list.push_back(resolve(c.base, f.get<std::string>()));
      }
      c.chains[k] = std::move(list);
    }
  }
  if (j.contains("trust")) {
    const json& t = j["trust"];
    if (!t.is_object() || !t.contains("root") || !t["root"].is_string())
      return bad(path, "\"trust\" must be {\"root\": FILE, \"known\": [FILE, ...]}");
    c.trust_root = resolve(c.base, t["root"].get<std::string>());
    if (t.contains("known")) {
      if (!t["known"].is_array()) return bad(path, "trust.known must be a list of files");
      for (const auto& k : t["known"]) {
        if (!k.is_string()) return bad(path, "trust.known must be a list of files");
        c.trust_known.push_back(resolve(c.base, k.get<std::string>()));
      }
    }
  }
  if (j.contains("settings")) {
    if (!j["settings"].is_object()) return bad(path, "\"settings\" must be an object");
    c.settings = j["settings"];
  }
  c.server.service = c.service;
  c.server.host = c.host;
  c.server.port = c.port;
  if (j.contains("limits")) {
    const json& l = j["limits"];
    if (!l.is_object()) return bad(path, "\"limits\" must be an object");
    auto num = [&](const char* key, std::int64_t lo, std::int64_t hi, auto& out) -> Status {
      if (!l.contains(key)) return Ok{};
      if (!l[key].is_number_integer()) return bad(path, std::string("limits.") + key + " must be an integer");
      std::int64_t v = l[key].get<std::int64_t>();
      if (v < lo || v > hi)
        return bad(path, std::string("limits.") + key + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      out = static_cast<std::remove_reference_t<decltype(out)>>(v);
      return Ok{};
    };
    std::int64_t read_ms = c.server.read_timeout.count(), write_ms = c.server.write_timeout.count(),
                 idle_ms = c.server.idle_timeout.count();
    OPENSET_CHECK(num("max_body", 1024, 64 << 20, c.server.max_body));
    OPENSET_CHECK(num("max_header", 1024, 1 << 20, c.server.max_header));
    OPENSET_CHECK(num("read_timeout_ms", 10, 600000, read_ms));
    OPENSET_CHECK(num("write_timeout_ms", 10, 600000, write_ms));
    OPENSET_CHECK(num("idle_timeout_ms", 10, 3600000, idle_ms));
    OPENSET_CHECK(num("workers", 1, 256, c.server.workers));
    OPENSET_CHECK(num("max_connections", 1, 100000, c.server.max_connections));
    c.server.read_timeout = std::chrono::milliseconds(read_ms);
    c.server.write_timeout = std::chrono::milliseconds(write_ms);
    c.server.idle_timeout = std::chrono::milliseconds(idle_ms);
  }
  return c;
}

Result<std::string> ServiceConfig::file_path(std::string_view name) const {
  auto it = files.find(std::string(name));
  if (it == files.end())
    return bad(file, "files.\"" + std::string(name) + "\" is missing (the " + service + " service needs it)");
  return it->second;
}

Result<Bytes> ServiceConfig::certificate(std::string_view name) const {
  OPENSET_TRY(std::string p, file_path(name));
  return read_certificate(p);
}

Result<crypto::PrivateKey> ServiceConfig::key(std::string_view name) const {
  OPENSET_TRY(std::string p, file_path(name));
  if (passphrase_file.empty()) return bad(file, "\"passphrase_file\" is missing: the keys are encrypted");
  OPENSET_TRY(std::string pass, read_passphrase(passphrase_file));
  OPENSET_TRY(std::string pem, read_text(p));
  auto k = crypto::PrivateKey::from_encrypted_pem(pem, pass);
  if (!k.ok()) return Error(k.error().code, "cannot decrypt " + p + " (wrong passphrase file?)");
  return std::move(*k);
}

Result<std::vector<std::string>> ServiceConfig::peer(std::string_view name) const {
  auto it = peers.find(std::string(name));
  if (it == peers.end())
    return bad(file, "peers.\"" + std::string(name) + "\" is missing: give the URL of the " + std::string(name) + " service");
  return it->second;
}

Result<std::vector<Bytes>> ServiceConfig::chain(std::string_view name) const {
  auto it = chains.find(std::string(name));
  if (it == chains.end()) return bad(file, "chains.\"" + std::string(name) + "\" is missing");
  std::vector<Bytes> out;
  for (const auto& f : it->second) {
    OPENSET_TRY(Bytes der, read_certificate(f));
    out.push_back(std::move(der));
  }
  return out;
}

Result<std::string> ServiceConfig::setting(std::string_view name) const {
  std::string k(name);
  if (!settings.contains(k) || !settings[k].is_string())
    return bad(file, "settings.\"" + k + "\" is missing or not a string");
  return settings[k].get<std::string>();
}

std::string ServiceConfig::setting_or(std::string_view name, std::string fallback) const {
  std::string k(name);
  if (settings.contains(k) && settings[k].is_string()) return settings[k].get<std::string>();
  return fallback;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Errc::kIo, "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<Bytes> read_certificate(const std::string& path) {
  OPENSET_TRY(std::string text, read_text(path));
  if (text.find("-----BEGIN ") == std::string::npos) return Bytes(text.begin(), text.end());
  auto der = crypto::from_pem(text);
  if (!der.ok()) return Error(Errc::kMalformed, path + ": broken PEM: " + der.error().message);
  return std::move(*der);
}

Result<std::string> read_passphrase(const std::string& path) {
  OPENSET_TRY(std::string text, read_text(path));
  auto nl = text.find_first_of("\r\n");
  if (nl != std::string::npos) text.resize(nl);
  if (text.empty()) return Error(Errc::kInvalidArgument, path + ": the passphrase file is empty");
  return text;
}

Status create_file(const std::string& path, std::string_view data, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return Error(Errc::kIo, "cannot create " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Error(Errc::kIo, "cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Error(Errc::kIo, "cannot write " + path + ": " + std::strerror(errno));
  }
  if (::close(fd) != 0) return Error(Errc::kIo, "cannot write " + path);
  return Ok{};
}

Result<Trust> Trust::load(const ServiceConfig& config, std::vector<Bytes> extra_known) {
  if (config.trust_root.empty()) return bad(config.file, "\"trust\".root is missing: give the SET root certificate");
  OPENSET_TRY(Bytes root, read_certificate(config.trust_root));
  pki::TrustStore store;
  auto added = store.add_root(root);
  if (!added.ok()) return Error(added.error().code, config.trust_root + ": not a usable SET root: " + added.error().message);
  Trust t;
  t.validator = std::make_unique<pki::PathValidator>(std::move(store));
  t.context.validator = t.validator.get();
  for (const auto& k : config.trust_known) {
    OPENSET_TRY(Bytes der, read_certificate(k));
    t.context.certificates.push_back(std::move(der));
  }
  for (auto& b : extra_known) t.context.certificates.push_back(std::move(b));
  if (config.suites.size() == 1)
    t.context.policy = seal::Policy::only(config.suites.front()->id);
  else
    t.context.policy = seal::Policy::all();
  return t;
}

}  // namespace openset::services
