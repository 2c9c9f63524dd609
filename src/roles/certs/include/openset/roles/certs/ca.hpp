// The CA side of SET's certificate-management protocols (Book 2 Part II; set-1.asn1 SetCertMsgs;
// notes §5.1-§5.6, §8.6): one engine that runs as the cardholder CA (CCA), the merchant CA (MCA)
// or the payment gateway CA (PCA), over a pki::CertificateAuthority.
//
//   cardholder                          merchant / gateway
//   CardCInitReq  -> CardCInitRes       Me-AqCInitReq -> Me-AqCInitRes (with the form)
//   RegFormReq    -> RegFormRes
//   CertReq       -> CertRes (EncK)     CertReq       -> CertRes (S)
//   CertInqReq    -> CertInqRes         CertInqReq    -> CertInqRes      (deferred issuance)
//
// Sans I/O: handle() takes one MessageWrapper (DER) and returns the one to send back, which is a
// SET Error message (roles::make_error_message) whenever the request is refused. Time and
// randomness come from the Env. Registration state lives in the engine's own SQLite tables
// (reg_* in the Database given): requests by LID-CA with their challenge, RRPIDs seen, deferred
// requests, certificates issued per request and the hash of every key certified. The PAN,
// CardSecret, PANSecret, NonceCCA and back keys are never stored nor logged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/pki/authority.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/roles/certs/common.hpp"
#include "openset/roles/env.hpp"
#include "openset/roles/wire.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::certs {

struct CaEngineConfig {
  // CCA: the issuers behind this CA, chosen by the PAN's BIN (Issuer::bins()).
  std::vector<Issuer*> issuers;
  // MCA / PCA: the acquirer behind this CA.
  Acquirer* acquirer = nullptr;
  // The OU of cardholder names (the issuing bank's name; docs/pki.md P-1, P-2).
  std::string issuer_unit = "Issuer";
  // The CA's own certificate first, then its issuers' certificates up to the root: what the
  // requester needs to validate the CA's signatures (sent unless its Thumbs list them).
  std::vector<Bytes> chain;
  // Current CRLs of the CAs on the chain, and the brand's BrandCRLIdentifier (sent when the
  // requester's Thumbs lack them).
  std::vector<Bytes> crls;
  std::optional<Bytes> brand_crl_identifier;
  // Deferred issuance: > 0 makes every approved request wait this many seconds; CertRes says
  // requestPended and CertInqReq delivers the certificates once the time has come.
  std::int64_t defer_seconds = 0;
  // Registration policy text (RegFormData.policy).
  std::string policy_text = "Certificates are issued under the brand's SET certificate policy.";
  std::string language = "en";
  // The CA's key-exchange certificate (pki::CertType::k...CAKeyExchange, issued by the CA's
  // parent: notes §5.2 caeThumb, §5.7, §5.8) and its private key. When given, caeThumb names it,
  // the responses carry it (unless the requester's Thumbs list it), and RegFormReq / CertReq are
  // opened with this key only: a request encrypted to the CA's signature certificate does not
  // open. When absent, the CA's own certificate is named by caeThumb and its key opens the
  // envelopes (docs/departures.md R-1; impossible in set1, whose CA keys exceed SET's RSA-1024
  // key transport).
  std::optional<Bytes> key_exchange_certificate;
  std::optional<crypto::PrivateKey> key_exchange_key;
  // Suites accepted in requests (default: the CA's own suite).
  std::optional<seal::Policy> policy;
  // Called for every certificate issued (e.g. to record it in ca.db); an error aborts the
  // request before anything is sent.
  std::function<Status(const pki::IssuedCertificate&)> on_issued;
  // Event log (one line per request and outcome); never given a secret.
  std::function<void(std::string_view)> log;
};

class CaEngine {
 public:
  // `ca` must be a CCA, MCA or PCA and outlive the engine, as must `db` and `trust` (the path
  // validator used for renewal requests, which are signed with the certificate being renewed).
  // `key` is the CA's private key: it signs the CA's messages; it also opens the envelopes sent
  // to the CA only when no key-exchange certificate is configured (docs/pki.md, "Registration",
  // A configured key-exchange certificate must be of this CA's key-exchange type, brand
  // and subject, and match `key_exchange_key`.
  static Result<std::unique_ptr<CaEngine>> open(pki::CertificateAuthority& ca, crypto::PrivateKey key,
                                                store::Database& db, TrustContext& trust,
                                                CaEngineConfig config);

  // One request in, one response out (both complete MessageWrapper DER). Refusals are Error
  // messages; a Result error means the engine could not answer at all (storage failure).
  Result<Bytes> handle(const Env& env, ByteView request);

  Requester serves() const { return serves_; }

  // What the CA's records say (tests, `openset ca list`): certificates issued by this engine.
  struct IssuedRow {
    Bytes serial;
    Bytes lid_ca;
    std::string cert_type;
    Bytes certificate;
  };
  Result<std::vector<IssuedRow>> issued();

  ~CaEngine();
  CaEngine(const CaEngine&) = delete;
  CaEngine& operator=(const CaEngine&) = delete;

  struct Impl;

 private:
  explicit CaEngine(std::unique_ptr<Impl> impl, Requester serves);
  std::unique_ptr<Impl> impl_;
  Requester serves_;
};

}  // namespace openset::roles::certs
