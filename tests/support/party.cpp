#include "openset/test/party.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unistd.h>
#include <utility>

#include "openset/crypto/digest.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/der/der.hpp"
#include "openset/test/tools.hpp"

namespace openset::test {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "openset test support: %s\n", what.c_str());
  std::abort();
}

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::filesystem::path key_cache_dir() {
#ifdef OPENSET_TEST_KEY_DIR
  return std::filesystem::path(OPENSET_TEST_KEY_DIR);
#else
  return temp_dir() / "keys";
#endif
}

crypto::PrivateKey load_or_generate(const crypto::Suite& suite, std::string_view cn, unsigned bits) {
  const std::filesystem::path dir = key_cache_dir();
  const std::filesystem::path file =
      dir / (std::string(suite.name) + "-" + std::string(cn) + "-" + std::to_string(bits) + ".p8");
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    Bytes der = read_file(file);
    auto k = crypto::PrivateKey::from_pkcs8_der(der);
    secure_wipe(der);
    if (k.ok() && k->bits() == bits) return std::move(k).value();
  }
  auto k = crypto::PrivateKey::generate_rsa(bits);
  if (!k.ok()) die("RSA key generation failed: " + k.error().to_string());
  std::filesystem::create_directories(dir, ec);
  if (!ec) {
    // Written under a unique name and renamed, so parallel test processes never see half a file.
    const std::filesystem::path tmp =
        dir / (file.filename().string() + ".tmp" + std::to_string(::getpid()));
    write_file(tmp, k->pkcs8_der().view());
    std::filesystem::rename(tmp, file, ec);
  }
  return std::move(k).value();
}

Bytes make_certificate(const crypto::Suite& suite, std::string_view cn, const crypto::PrivateKey& key) {
  // Self-signed, with a serial derived from (suite, cn) so that every test process makes the
  // same certificate for the same cached key (PEM files are shared between processes).
  crypto::CertificateTemplate t;
  t.common_name = std::string(cn);
  t.organization = "OpenSET test";
  t.not_before_unix = 0;
  t.validity_days = 3650;
  std::string label = std::string(suite.name) + "/" + std::string(cn);
  t.serial = crypto::digest(crypto::DigestAlg::kSha256, as_bytes(label)).value();
  t.serial.resize(9);
  t.serial[0] = 0x01;  // positive, no leading zero
  auto cert = crypto::issue_certificate(key.public_key(), t, key, {}, suite);
  if (!cert.ok()) die("issue_certificate: " + cert.error().to_string());
  return std::move(cert).value();
}

std::filesystem::path pem_path(const Party& p, std::string_view ext) {
  return temp_dir() / (std::string(p.suite->name) + "-" + p.cn + "-" +
                       std::to_string(p.key.bits()) + std::string(ext));
}

}  // namespace

Result<asn1::IssuerAndSerialNumber> issuer_and_serial(ByteView certificate_der) {
  OPENSET_TRY(crypto::CertificateId id, crypto::certificate_id(certificate_der));
  return asn1::IssuerAndSerialNumber{std::move(id.issuer), std::move(id.serial)};
}

std::filesystem::path Party::key_pem() const {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  const auto path = pem_path(*this, ".key.pem");
  if (!std::filesystem::exists(path)) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
      die("PEM_write_bio_PrivateKey");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    write_file(path, ByteView(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(n)));
  }
  return path;
}

std::filesystem::path Party::cert_pem() const {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  const auto path = pem_path(*this, ".crt.pem");
  if (!std::filesystem::exists(path)) {
    write_file(path, as_bytes(crypto::to_pem(certificate, "CERTIFICATE")));
  }
  return path;
}

const Party& make_party_with_bits(crypto::SuiteId suite_id, std::string_view cn, unsigned bits) {
  static std::mutex m;
  static std::map<std::tuple<crypto::SuiteId, std::string, unsigned>, std::unique_ptr<Party>> cache;
  std::lock_guard<std::mutex> lock(m);
  auto k = std::make_tuple(suite_id, std::string(cn), bits);
  auto it = cache.find(k);
  if (it != cache.end()) return *it->second;

  auto p = std::make_unique<Party>();
  p->suite = &crypto::suite(suite_id);
  p->cn = std::string(cn);
  p->key = load_or_generate(*p->suite, cn, bits);
  p->public_key = p->key.public_key();
  p->certificate = make_certificate(*p->suite, cn, p->key);
  auto id = issuer_and_serial(p->certificate);
  if (!id.ok()) die("IssuerAndSerialNumber: " + id.error().to_string());
  p->id = std::move(id).value();
  return *cache.emplace(std::move(k), std::move(p)).first->second;
}

const Party& make_party(crypto::SuiteId suite, std::string_view cn) {
  return make_party_with_bits(suite, cn, crypto::suite(suite).ee_rsa_bits);
}

}  // namespace openset::test
