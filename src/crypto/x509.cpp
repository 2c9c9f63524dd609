#include "openset/crypto/x509.hpp"

#include <ctime>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "openset/der/der.hpp"
#include "ossl.hpp"

namespace openset::crypto {
namespace {

using X509Ptr = std::unique_ptr<X509, ossl::Free<&X509_free>>;
using NamePtr = std::unique_ptr<X509_NAME, ossl::Free<&X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, ossl::Free<&X509_EXTENSION_free>>;
using IntPtr = std::unique_ptr<ASN1_INTEGER, ossl::Free<&ASN1_INTEGER_free>>;

Status add_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return Ok{};
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    return ossl::failure(Errc::kInvalidArgument, std::string("cannot set name field ") + field);
  return Ok{};
}

Status add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return ossl::failure(Errc::kCrypto, std::string("cannot add extension ") + value);
  return Ok{};
}

const char* key_usage(KeyRole role) {
  switch (role) {
    case KeyRole::kSignature: return "critical,digitalSignature";
    case KeyRole::kKeyExchange: return "critical,keyEncipherment";
    case KeyRole::kCertificateAuthority: return "critical,keyCertSign,cRLSign";
  }
  return "critical,digitalSignature";
}

}  // namespace

Result<Bytes> issue_certificate(const PublicKey& subject, const CertificateTemplate& tmpl,
                                const PrivateKey& issuer_key, ByteView issuer_certificate,
                                const Suite& suite) {
  OPENSET_CHECK(ossl::ensure_providers());
  if (!subject || !issuer_key) return Error(Errc::kInvalidArgument, "empty key");
  X509Ptr cert(X509_new());
  if (!cert) return ossl::failure(Errc::kCrypto, "X509_new");
  X509_set_version(cert.get(), 2);  // v3

  Bytes serial = tmpl.serial;
  if (serial.empty()) {
    serial = random_bytes(16);
    serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7f) | 0x01);  // 16 octets, positive
  }
  ossl::BnPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  IntPtr sn(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!sn || X509_set_serialNumber(cert.get(), sn.get()) != 1)
    return ossl::failure(Errc::kCrypto, "cannot set serial number");

  std::time_t start = tmpl.not_before_unix != 0 ? static_cast<std::time_t>(tmpl.not_before_unix)
                                                : std::time(nullptr);
  if (!X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &start) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(tmpl.validity_days), 0,
                        &start))
    return ossl::failure(Errc::kCrypto, "cannot set validity");

  NamePtr name(X509_NAME_new());
  OPENSET_CHECK(add_entry(name.get(), "C", tmpl.country));
  OPENSET_CHECK(add_entry(name.get(), "O", tmpl.organization));
  OPENSET_CHECK(add_entry(name.get(), "CN", tmpl.common_name));
  X509_set_subject_name(cert.get(), name.get());

  X509Ptr issuer;
  if (issuer_certificate.empty()) {
    X509_set_issuer_name(cert.get(), name.get());
  } else {
    const unsigned char* p = issuer_certificate.data();
    issuer.reset(d2i_X509(nullptr, &p, static_cast<long>(issuer_certificate.size())));
    if (!issuer) return ossl::failure(Errc::kMalformed, "issuer certificate does not parse");
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer.get()));
  }
  if (X509_set_pubkey(cert.get(), subject.get()) != 1)
    return ossl::failure(Errc::kCrypto, "cannot set public key");

  X509* issuer_for_ext = issuer ? issuer.get() : cert.get();
  OPENSET_CHECK(add_extension(cert.get(), issuer_for_ext, NID_key_usage, key_usage(tmpl.role)));
  OPENSET_CHECK(add_extension(cert.get(), issuer_for_ext, NID_basic_constraints,
                              tmpl.role == KeyRole::kCertificateAuthority ? "critical,CA:TRUE"
                                                                          : "critical,CA:FALSE"));
  OPENSET_CHECK(add_extension(cert.get(), issuer_for_ext, NID_subject_key_identifier, "hash"));

  OPENSET_TRY(ossl::MdPtr md, ossl::fetch_md(suite.digest));
  if (X509_sign(cert.get(), issuer_key.get(), md.get()) <= 0)
    return ossl::failure(Errc::kCrypto, "certificate signing failed");

  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) return ossl::failure(Errc::kCrypto, "i2d_X509");
  Bytes out(static_cast<std::size_t>(len));
  unsigned char* q = out.data();
  i2d_X509(cert.get(), &q);
  return out;
}

Result<CertificateId> certificate_id(ByteView certificate_der) {
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
  //                            signature, issuer, ... }, ... }   (X.509 / SetCertificate)
  der::Reader r(certificate_der);
  OPENSET_TRY(der::Reader cert, r.enter_sequence());
  OPENSET_CHECK(r.expect_end());
  OPENSET_TRY(der::Reader tbs, cert.enter_sequence());
  if (tbs.peek_is(der::context(0, true))) OPENSET_CHECK(tbs.read_any());
  OPENSET_TRY(ByteView serial, tbs.read_integer_bytes());
  OPENSET_CHECK(tbs.read_element(der::tags::kSequence));  // signature AlgorithmIdentifier
  OPENSET_TRY(der::Element issuer, tbs.read_element(der::tags::kSequence));
  return CertificateId{to_bytes(issuer.tlv), to_bytes(serial)};
}

Result<PublicKey> certificate_public_key(ByteView certificate_der) {
  // tbsCertificate: version, serialNumber, signature, issuer, validity, subject, spki
  der::Reader r(certificate_der);
  OPENSET_TRY(der::Reader cert, r.enter_sequence());
  OPENSET_TRY(der::Reader tbs, cert.enter_sequence());
  if (tbs.peek_is(der::context(0, true))) OPENSET_CHECK(tbs.read_any());
  for (int i = 0; i < 5; ++i) OPENSET_CHECK(tbs.read_any());
  OPENSET_TRY(der::Element spki, tbs.read_element(der::tags::kSequence));
  return PublicKey::from_spki_der(spki.tlv);
}

std::string to_pem(ByteView der, std::string_view label) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  std::size_t i = 0;
  for (; i + 2 < der.size(); i += 3) {
    unsigned v = (unsigned{der[i]} << 16) | (unsigned{der[i + 1]} << 8) | der[i + 2];
    for (int k = 3; k >= 0; --k) b64.push_back(kAlphabet[(v >> (6 * k)) & 63u]);
  }
  if (i < der.size()) {
    unsigned v = unsigned{der[i]} << 16;
    if (i + 1 < der.size()) v |= unsigned{der[i + 1]} << 8;
    b64.push_back(kAlphabet[(v >> 18) & 63u]);
    b64.push_back(kAlphabet[(v >> 12) & 63u]);
    b64.push_back(i + 1 < der.size() ? kAlphabet[(v >> 6) & 63u] : '=');
    b64.push_back('=');
  }
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t p = 0; p < b64.size(); p += 64) out += b64.substr(p, 64) + "\n";
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

// Base64 (RFC 4648) decoding that skips whitespace; used for PEM bodies.
Result<Bytes> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  bool padding = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = value(c);
    if (v < 0 || padding)
      return Error(Errc::kMalformed, "not base64 (character " + std::to_string(i) + ")");
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xffu));
    }
  }
  return out;
}

// PEM: the first "-----BEGIN ...-----" block's body; or bare base64.
Result<Bytes> from_pem(std::string_view text) {
  auto begin = text.find("-----BEGIN");
  if (begin == std::string::npos) return base64_decode(text);
  auto body = text.find('\n', begin);
  auto end = text.find("-----END", begin);
  if (body == std::string::npos || end == std::string::npos || end < body)
    return Error(Errc::kMalformed, "PEM block has no END line");
  return base64_decode(text.substr(body, end - body));
}

}  // namespace openset::crypto
