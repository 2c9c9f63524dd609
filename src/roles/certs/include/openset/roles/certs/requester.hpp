// The requester side of SET's certificate-management protocols (notes §5.1): the cardholder's
// wallet, the merchant and the payment gateway registering with their CA.
//
//   cardholder: initiate() CardCInitReq -> on_init_response(CardCInitRes) gives RegFormReq
//               -> on_reg_form_res(RegFormRes) -> cert_req(answers) CertReq
//               -> on_cert_res(CertRes) [-> cert_inq_req() CertInqReq -> on_cert_res(CertInqRes)]
//   merchant / gateway: initiate() Me-AqCInitReq -> on_init_response(Me-AqCInitRes) (the form)
//               -> cert_req(answers) CertReq -> on_cert_res(CertRes) [-> CertInqReq ...]
//
// Every response is checked: it must be the expected message, answer our RRPID, echo our LID
// and challenge, and be signed by a CA certificate of the expected type (and brand) whose path
// validates (roles::verify_signed). An Error message from the CA becomes an Error carrying its
// ErrorCode. Sans I/O: the caller moves the bytes; time and protocol randomness come from Env.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/set_certmsgs.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/roles/certs/common.hpp"
#include "openset/roles/env.hpp"
#include "openset/roles/wire.hpp"

namespace openset::roles::certs {

struct RequesterConfig {
  Requester who = Requester::kCardholder;
  const crypto::Suite* suite = nullptr;  // default: crypto::default_suite()
  std::string brand;                     // the brand to register with (BrandID)
  std::string language = "en";
  // Merchant / gateway: what the acquirer knows them by (IDData).
  std::string merchant_id;
  std::string acquirer_bin;
  // Key pairs to certify; default: fresh RSA keys of the suite's end-entity size (OpenSSL RNG).
  std::function<Result<crypto::PrivateKey>(pki::CertType)> make_key;
  // Merchant / gateway: ask for the key-exchange certificate too (RequestType ...Both).
  bool key_exchange = true;
  // caeThumb must name the CA's key-exchange certificate (notes §5.2). A CA without one names its
  // signature certificate (docs/departures.md R-1): accepted while this is true (the default, for
  // CAs set up before key-exchange certificates); false refuses it.
  bool accept_ca_signature_certificate_as_cae = true;
};

class Registration {
 public:
  // `trust` (roots, known certificates and CRLs) must outlive the registration; certificates
  // and CRLs the CA sends are added to it.
  Registration(RequesterConfig config, TrustContext& trust);

  // Cardholder: the card (kept in memory only; never logged).
  void set_card(std::string pan, std::string card_expiry);
  // Renewal: the certificate being renewed and its key; the new CertReq is signed with both.
  void set_renewal(Bytes certificate, crypto::PrivateKey key);

  // CardCInitReq (cardholder) or Me-AqCInitReq (merchant, gateway).
  Result<Bytes> initiate(const Env& env);
  // CardCInitRes -> the RegFormReq to send; Me-AqCInitRes -> nullopt (the form is now known).
  Result<std::optional<Bytes>> on_init_response(const Env& env, ByteView response);
  // Cardholder: RegFormRes (the form, or a referral: see referral()).
  Status on_reg_form_res(const Env& env, ByteView response);

  // The registration form the CA sent (field names to answer), or its referral.
  const std::vector<asn1::RegField>& form() const { return fields_; }
  const std::optional<asn1::ReferralData>& referral() const { return referral_; }

  // CertReq with the answers (field name -> value); generates the key pair(s).
  Result<Bytes> cert_req(const Env& env, const std::map<std::string, std::string>& answers);

  enum class Outcome { kComplete, kPending };
  // CertRes or CertInqRes. kComplete: certificates() and keys are set (cardholder: PANSecret).
  Result<Outcome> on_cert_res(const Env& env, ByteView response);
  // CertInqReq for a pending request.
  Result<Bytes> cert_inq_req(const Env& env);

  // Results
  const std::vector<Bytes>& certificates() const { return certificates_; }  // signature cert first
  const std::optional<crypto::PrivateKey>& signature_key() const { return sig_key_; }
  const std::optional<crypto::PrivateKey>& key_exchange_key() const { return kx_key_; }
  const SecretBytes& card_secret() const { return card_secret_; }
  const SecretBytes& pan_secret() const { return pan_secret_; }
  const Bytes& lid_ca() const { return lid_ca_; }
  // The CA key-exchange certificate the requests were encrypted to (caeThumb; R-1: or the CA's
  // own certificate).
  const Bytes& ca_certificate() const { return ca_cert_; }

 private:
  Result<asn1::MessageWrapper> expect(ByteView response, std::size_t index) const;
  Result<CertifiedSignature> verify(const Env& env, const asn1::SignedData& sd, asn1::oid::ContentType type);
  Status take_cae(const Env& env, const asn1::CertThumb& thumb, const CertifiedSignature& sig);
  Result<asn1::Thumbs> my_thumbs() const;
  Bytes wrap_request(const Env& env, asn1::Message m);

  RequesterConfig cfg_;
  TrustContext& trust_;
  std::string pan_, expiry_;
  std::optional<Bytes> renew_cert_;
  std::optional<crypto::PrivateKey> renew_key_;

  Bytes lid_ee_, lid_ca_, rrpid_, chall_, chall_ca_;
  std::int64_t reg_form_id_ = 0;
  asn1::RequestType request_type_ = asn1::RequestType::kCardInitialSig;
  Bytes ca_cert_;
  std::vector<asn1::RegField> fields_;
  std::optional<asn1::ReferralData> referral_;

  std::optional<crypto::PrivateKey> sig_key_, kx_key_;
  SecretBytes card_secret_, back_key_, pan_secret_;
  std::optional<Bytes> nonce_cca_;
  std::vector<Bytes> certificates_;
};

}  // namespace openset::roles::certs
