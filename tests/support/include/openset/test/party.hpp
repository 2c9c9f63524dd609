// Test parties: an RSA key of a suite's end-entity size and a self-signed X.509 certificate
// (OpenSSL's X509 API), with the IssuerAndSerialNumber taken from the certificate's DER.
//
// Keys are cached per (suite, cn) for the life of the process, and on disk under
// OPENSET_TEST_KEY_DIR (the build tree) so that each ctest process does not generate them again.
// Certificates are deterministic in everything but their validity window.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"

namespace openset::test {

struct Party {
  const crypto::Suite* suite = nullptr;
  std::string cn;
  crypto::PrivateKey key;
  crypto::PublicKey public_key;
  Bytes certificate;              // DER
  asn1::IssuerAndSerialNumber id; // issuer Name TLV + serial content octets, from `certificate`

  // PEM files for command-line tools, written on first use into a per-process temp directory:
  // the unencrypted PKCS#8 private key and the certificate.
  std::filesystem::path key_pem() const;
  std::filesystem::path cert_pem() const;
};

// The party (suite, cn); created once per process. Aborts the test program on failure.
const Party& make_party(crypto::SuiteId suite, std::string_view cn);
// A party with an RSA key of `bits` instead of the suite's end-entity size (for bound tests).
const Party& make_party_with_bits(crypto::SuiteId suite, std::string_view cn, unsigned bits);

// IssuerAndSerialNumber from a certificate's DER (issuer Name TLV and serialNumber content
// octets exactly as in the TBSCertificate).
Result<asn1::IssuerAndSerialNumber> issuer_and_serial(ByteView certificate_der);

}  // namespace openset::test
