// A SET certificate authority: a key, its certificate, the issuing profile table, a serial
// counter, and an in-memory record of everything it issued or revoked and of every CRL it
// published, from which any CRL can be rebuilt byte for byte (RSA PKCS#1 v1.5 is deterministic).
//
// Certificates, CRLs and BrandCRLIdentifiers are built with our asn1/der encoder from the SET
// ASN.1 (asn1/set_certificate.hpp) and signed with crypto::sign: the profile is ours byte for byte.
// Time is always passed in; nothing here reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/set_certificate.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/pki/profile.hpp"

namespace openset::pki {

struct IssueOptions {
  // SET marks hashedRootKey and certificateType critical. false issues them non-critical: only
  // for the cross-checks with tools that do not know SET's extensions (docs/pki.md).
  bool set_extensions_critical = true;
  // Appended after the profile's extensions (tests: an unknown critical extension).
  std::vector<asn1::Extension> extra_extensions;
};

struct IssueRequest {
  CertType type = CertType::kCardholder;
  asn1::Name subject;
  crypto::PublicKey public_key;
  der::Time not_before;
  std::optional<der::Time> not_after;           // default: the profile's validity
  std::optional<std::string> card_expiry;       // cardholder: "YYYYMM"; notAfter never exceeds it
  std::optional<asn1::MerchantDataSyntax> merchant_data;  // merchant signature certificates
  std::optional<bool> card_cert_required;       // gateway key-exchange (default from profile: FALSE)
  std::optional<asn1::TunnelingSyntax> tunneling;  // gateway key-exchange
  IssueOptions options;
};

struct IssuedCertificate {
  Bytes serial;            // INTEGER content octets
  Bytes der;
  CertType type;
  asn1::Name subject;
  der::Time not_after;
  std::optional<der::Time> revoked_at;
};

struct CrlRecord {
  std::int64_t number;
  der::Time this_update;
  der::Time next_update;
};

class CertificateAuthority {
 public:
  // The self-signed SET root. Its hashedRootKey commits to `next_root_key` (root key roll-over).
  static Result<CertificateAuthority> create_root(const crypto::Suite& suite, crypto::PrivateKey key,
                                                  const crypto::PublicKey& next_root_key,
                                                  asn1::Name subject, der::Time not_before,
                                                  IssueOptions options = {});

  // Reloads a CA from what a store kept: its key, its own certificate (the name, issuer, serial
  // and notAfter are read from it), its type, and its records. The key must be the one the
  // certificate certifies (kInvalidArgument otherwise); the serial counter continues after the
  // highest serial issued; CRL numbers must run 1, 2, ... (kInvalidArgument otherwise).
  static Result<CertificateAuthority> restore(const crypto::Suite& suite, crypto::PrivateKey key,
                                              Bytes certificate, CertType type,
                                              std::vector<IssuedCertificate> issued,
                                              std::vector<CrlRecord> crls);

  // Issues one certificate under profile(req.type). Refused (kPolicy) when this CA may not issue
  // that type, when the subject's organisation is not this CA's brand (below the brand level),
  // when the key is smaller than the profile's size for the suite, or when a cardholder subject
  // would carry a PAN. notAfter is capped by this CA's own notAfter (and the card's expiry).
  Result<Bytes> issue(const IssueRequest& req);

  // Issues a CA certificate of `type` to `key` and returns the new authority.
  Result<CertificateAuthority> create_subordinate(CertType type, crypto::PrivateKey key,
                                                  asn1::Name subject, der::Time not_before,
                                                  IssueOptions options = {});

  // Records the revocation of a certificate this CA issued (kInvalidArgument if unknown).
  Status revoke(ByteView serial, der::Time when);
  // Publishes the next CRL (cRLNumber 1, 2, ...): every certificate revoked at or before
  // this_update, with its revocation date, plus cRLNumber and authorityKeyIdentifier.
  Result<Bytes> issue_crl(der::Time this_update, der::Time next_update);
  // Rebuilds a CRL published earlier from the record (identical bytes).
  Result<Bytes> rebuild_crl(std::int64_t number) const;
  const std::vector<CrlRecord>& crls() const { return crls_; }

  // Brand CA only: the BrandCRLIdentifier naming the current CRL (issuer, cRLNumber) of every CA
  // of the brand (`crls`: their DER), signed with this CA's key.
  Result<Bytes> issue_brand_crl_identifier(std::int64_t sequence_num, der::Time not_before,
                                           der::Time not_after, const std::vector<Bytes>& crls) const;

  const Bytes& certificate() const { return certificate_; }
  const asn1::Name& name() const { return name_; }
  CertType type() const { return type_; }
  const crypto::Suite& suite() const { return *suite_; }
  crypto::PublicKey public_key() const { return key_.public_key(); }
  const der::Time& not_after() const { return not_after_; }
  // The brand (subject O) for brand CAs and everything under them; "" for the root.
  std::string brand() const;
  const std::vector<IssuedCertificate>& issued() const { return issued_; }

 private:
  CertificateAuthority() = default;
  Result<Bytes> sign(const Bytes& tbs) const;
  Result<Bytes> build(const IssueRequest& req, const Bytes& serial, const asn1::Name& issuer,
                      const der::Time& not_after, const std::optional<crypto::PublicKey>& next_root);
  Result<Bytes> build_crl(const CrlRecord& rec) const;
  Bytes next_serial();

  const crypto::Suite* suite_ = nullptr;
  crypto::PrivateKey key_;
  Bytes certificate_;
  asn1::Name name_;
  asn1::Name issuer_name_;  // of our own certificate (for authorityKeyIdentifier below us)
  Bytes serial_;            // of our own certificate
  CertType type_ = CertType::kRoot;
  der::Time not_after_;
  std::int64_t serial_counter_ = 1;
  std::vector<IssuedCertificate> issued_;
  std::vector<CrlRecord> crls_;
};

// (issuerName, cRLNumber) of a CRL, as a BrandCRLIdentifier lists it.
Result<asn1::CRLIdentifier> crl_identifier(ByteView crl_der);

// Adds `days` to a time.
der::Time add_days(const der::Time& t, std::int64_t days);

}  // namespace openset::pki
