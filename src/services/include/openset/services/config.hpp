// What one `openset serve <role>` process needs, read from its config file (JSON, issue 6):
//
//   {
//     "service": "gateway",                       // ca | merchant | gateway | acquirer | issuer | carrier
//     "listen": "127.0.0.1:8403",
//     "db": "gateway.db",                         // a file (relative to this file) or postgresql://...
//     "suites": ["modern"],                       // the suites accepted (seal policy)
//     "passphrase_file": "../passphrase",         // decrypts the keys below (never logged)
//     "files": {"signature-key": "keys/gateway-signature.key.pem", ...},   // keys, certificates
//     "trust": {"root": "../pki/root.cert.pem", "known": ["../pki/atlas-brand-ca.cert.pem", ...]},
//     "chains": {"own": ["../pki/atlas-brand-ca.cert.pem", "../pki/atlas-pca.cert.pem"]},
//     "peers": {"acquirer": ["http://127.0.0.1:8404"]},    // one or more URLs per peer
//     "limits": {"max_body": 1048576, "read_timeout_ms": 10000, "workers": 4, "max_connections": 512},
//     "settings": { ... role-specific ... }
//   }
//
// Relative paths are relative to the config file's folder. docs/services.md lists every role's
// files, peers and settings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/net/http.hpp"
#include "openset/pki/validation.hpp"
#include "openset/roles/wire.hpp"

namespace openset::services {

// The parties that run as services; "wallet" is the cardholder's own program (its config has the
// same shape: `openset wallet buy --wallet FILE`).
inline constexpr std::string_view kServiceNames[] = {"ca", "merchant", "gateway", "acquirer", "issuer", "carrier", "wallet"};

struct ServiceConfig {
  std::filesystem::path file;  // the config file
  std::filesystem::path base;  // its folder
  std::string service;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string db;  // resolved: an absolute file path or a postgresql:// URI
  std::vector<const crypto::Suite*> suites;
  std::string passphrase_file;  // resolved
  std::map<std::string, std::string> files;                // name -> resolved path
  std::map<std::string, std::vector<std::string>> peers;   // name -> URLs
  std::map<std::string, std::vector<std::string>> chains;  // "chains": name -> certificate files (resolved)
  std::string trust_root;                                  // resolved path
  std::vector<std::string> trust_known;                    // resolved paths
  nlohmann::json settings = nlohmann::json::object();
  net::ServerOptions server;

  // Reads and checks the file: every error names the file and the field and says what to do.
  static Result<ServiceConfig> load(const std::filesystem::path& path);

  const crypto::Suite& suite() const { return *suites.front(); }
  // A file named in "files" (kInvalidArgument naming the missing entry).
  Result<std::string> file_path(std::string_view name) const;
  // The DER of a certificate file (PEM or DER) named in "files".
  Result<Bytes> certificate(std::string_view name) const;
  // A private key named in "files", decrypted with the passphrase.
  Result<crypto::PrivateKey> key(std::string_view name) const;
  Result<std::vector<std::string>> peer(std::string_view name) const;
  // The certificates of a chain named in "chains", in order (DER).
  Result<std::vector<Bytes>> chain(std::string_view name) const;
  // A string setting (kInvalidArgument when absent and no fallback is given).
  Result<std::string> setting(std::string_view name) const;
  std::string setting_or(std::string_view name, std::string fallback) const;
};

// The whole file (kIo "cannot read PATH" when it cannot be opened).
Result<std::string> read_text(const std::string& path);
// Reads a certificate file: PEM ("-----BEGIN CERTIFICATE-----") or raw DER.
Result<Bytes> read_certificate(const std::string& path);
// The first line of a passphrase file (never echoed; empty is an error).
Result<std::string> read_passphrase(const std::string& path);
// Writes a new file with permissions `mode` (0600 for secrets), never over an existing one
// (O_EXCL), and flushes it to disk.
Status create_file(const std::string& path, std::string_view data, unsigned mode);

// The trust a party needs: the root (a PathValidator over it), the known CA certificates, the
// suite policy. Owns the validator (TrustContext only points at it).
struct Trust {
  std::unique_ptr<pki::PathValidator> validator;
  roles::TrustContext context;
  static Result<Trust> load(const ServiceConfig& config, std::vector<Bytes> extra_known = {});
};

}  // namespace openset::services
