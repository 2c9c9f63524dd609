// Plain X.509 v3 certificates over OpenSSL's X509 API: enough to give a party a key with a
// certificate (issued by another key, or self-signed) so that messages can name it by
// IssuerAndSerialNumber. SET's certificate profile (its extensions, names, CA hierarchy and
// path validation) is the pki layer's job (issue 3), not this file's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/cipher.hpp"
#include "openset/crypto/keys.hpp"

namespace openset::crypto {

// What the key is for: the KeyUsage extension written (Book 2: cardholders sign only; merchants
// and gateways have a signature and a key-exchange certificate; CAs sign certificates and CRLs).
enum class KeyRole { kSignature, kKeyExchange, kCertificateAuthority };

struct CertificateTemplate {
  std::string common_name;
  std::string organization = "OpenSET";
  std::string country = "US";
  KeyRole role = KeyRole::kSignature;
  std::int64_t not_before_unix = 0;  // 0: now
  std::int64_t validity_days = 365;
  Bytes serial = {};  // big-endian magnitude; empty: 16 random octets
};

// Issues a certificate for `subject` signed by `issuer_key` with the suite's certificate
// signature algorithm. `issuer_certificate` empty: self-signed (issuer name = subject name).
// The serial number is tmpl.serial, or 16 random octets (positive) when that is empty.
Result<Bytes> issue_certificate(const PublicKey& subject, const CertificateTemplate& tmpl,
                                const PrivateKey& issuer_key, ByteView issuer_certificate,
                                const Suite& suite);

// issuer Name (complete TLV) and serialNumber (INTEGER content octets) of a certificate, read
// with our strict DER reader: what PKCS#7's IssuerAndSerialNumber carries.
struct CertificateId {
  Bytes issuer;
  Bytes serial;
};
Result<CertificateId> certificate_id(ByteView certificate_der);

// The subject public key of a certificate (no validation of the certificate itself).
Result<PublicKey> certificate_public_key(ByteView certificate_der);

// PEM armour ("CERTIFICATE", ...), 64-column base64.
std::string to_pem(ByteView der, std::string_view label);
// Base64 (RFC 4648) that skips whitespace (kMalformed naming the first bad character).
Result<Bytes> base64_decode(std::string_view text);
// The first "-----BEGIN ...-----" block's body, or bare base64 when there is no armour.
Result<Bytes> from_pem(std::string_view text);

}  // namespace openset::crypto
