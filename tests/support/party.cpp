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
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
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
  X509Ptr x(X509_new());
  if (!x) die("X509_new");
  X509_set_version(x.get(), 2);
  // Deterministic positive serial from (suite, cn).
  std::string label = std::string(suite.name) + "/" + std::string(cn);
  Bytes h = crypto::digest(crypto::DigestAlg::kSha256, as_bytes(label)).value();
  h.resize(9);
  h[0] = 0x01;  // positive, no leading zero
  BIGNUM* bn = BN_bin2bn(h.data(), static_cast<int>(h.size()), nullptr);
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
  X509_set_serialNumber(x.get(), serial);
  ASN1_INTEGER_free(serial);
  BN_free(bn);

  X509_NAME* name = X509_get_subject_name(x.get());
  auto add = [&](const char* field, std::string_view value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(value.data()),
                               static_cast<int>(value.size()), -1, 0);
  };
  add("C", "US");
  add("O", "OpenSET test");
  add("CN", cn);
  X509_set_issuer_name(x.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -24 * 3600L);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 10L * 365 * 24 * 3600);
  if (X509_set_pubkey(x.get(), key.get()) != 1) die("X509_set_pubkey");
  const EVP_MD* md = suite.digest == crypto::DigestAlg::kSha1 ? EVP_sha1() : EVP_sha256();
  if (X509_sign(x.get(), key.get(), md) <= 0) die("X509_sign");
  unsigned char* der = nullptr;
  int n = i2d_X509(x.get(), &der);
  if (n <= 0) die("i2d_X509");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::filesystem::path pem_path(const Party& p, std::string_view ext) {
  return temp_dir() / (std::string(p.suite->name) + "-" + p.cn + "-" +
                       std::to_string(p.key.bits()) + std::string(ext));
}

}  // namespace

Result<asn1::IssuerAndSerialNumber> issuer_and_serial(ByteView certificate_der) {
  der::Reader r(certificate_der);
  OPENSET_TRY(der::Reader cert, r.enter_sequence());
  OPENSET_TRY(der::Reader tbs, cert.enter_sequence());
  if (tbs.peek_is(der::context(0, true))) OPENSET_CHECK(tbs.read_any());  // version
  OPENSET_TRY(ByteView serial, tbs.read_integer_bytes());
  OPENSET_CHECK(tbs.read_element(der::tags::kSequence));  // signature
  OPENSET_TRY(der::Element issuer, tbs.read_element(der::tags::kSequence));
  return asn1::IssuerAndSerialNumber{to_bytes(issuer.tlv), to_bytes(serial)};
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
    const unsigned char* p = certificate.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())));
    if (!x) die("d2i_X509");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(bio.get(), x.get()) != 1) die("PEM_write_bio_X509");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    write_file(path, ByteView(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(n)));
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
