#include "openset/roles/certs/common.hpp"

#include "openset/asn1/schema.hpp"

namespace openset::roles::certs {

using asn1::RequestType;
using CT = asn1::oid::ContentType;

std::string_view to_string(Requester r) {
  switch (r) {
    case Requester::kCardholder: return "cardholder";
    case Requester::kMerchant: return "merchant";
    case Requester::kGateway: return "gateway";
  }
  return "?";
}

pki::CertType ca_type_for(Requester r) {
  switch (r) {
    case Requester::kCardholder: return pki::CertType::kCardholderCA;
    case Requester::kMerchant: return pki::CertType::kMerchantCA;
    case Requester::kGateway: return pki::CertType::kPaymentGatewayCA;
  }
  return pki::CertType::kCardholderCA;
}

Result<Requester> requester_for(pki::CertType ca_type) {
  switch (ca_type) {
    case pki::CertType::kCardholderCA: return Requester::kCardholder;
    case pki::CertType::kMerchantCA: return Requester::kMerchant;
    case pki::CertType::kPaymentGatewayCA: return Requester::kGateway;
    default: return Error(Errc::kInvalidArgument, "only a CCA, MCA or PCA runs the registration protocols");
  }
}

RequestKind request_kind(RequestType t) {
  auto v = static_cast<std::int64_t>(t);
  RequestKind k;
  k.renewal = v >= 10;
  std::int64_t base = k.renewal ? v - 9 : v;  // 1..9
  k.requester = base <= 3 ? Requester::kCardholder : base <= 6 ? Requester::kMerchant : Requester::kGateway;
  std::int64_t which = (base - 1) % 3;  // 0 Sig, 1 Enc, 2 Both
  k.signature = which != 1;
  k.key_exchange = which != 0;
  return k;
}

RequestType request_type(Requester r, bool renewal, bool signature, bool key_exchange) {
  std::int64_t base = r == Requester::kCardholder ? 1 : r == Requester::kMerchant ? 4 : 7;
  std::int64_t which = signature && key_exchange ? 2 : key_exchange ? 1 : 0;
  return static_cast<RequestType>(base + which + (renewal ? 9 : 0));
}

const der::Oid& ct(CT t) { return asn1::oid::content(t); }

seal::EncXTypes cert_req_encx_types() { return {ct(CT::kCertReqTBS), ct(CT::kCertReqTBEX)}; }
seal::EncTypes cert_req_enc_types() { return {ct(CT::kCertReqData), ct(CT::kCertReqTBE)}; }
seal::EncTypes cert_res_enck_types() { return {ct(CT::kCertResData), ct(CT::kCertResTBE)}; }

asn1::IssuerAndSerialNumber uncertified_key_id() {
  asn1::IssuerAndSerialNumber id;
  id.issuer = Bytes{0x30, 0x00};  // Name: the empty RDNSequence
  id.serial_number = Bytes{0x00};
  return id;
}

Result<asn1::SubjectPublicKeyInfo> spki_of(const crypto::PublicKey& key) {
  if (!key) return Error(Errc::kInvalidArgument, "no public key");
  return asn1::decode<asn1::SubjectPublicKeyInfo>(key.spki_der());
}

Result<crypto::PublicKey> key_of(const asn1::SubjectPublicKeyInfo& spki) {
  return crypto::PublicKey::from_spki_der(asn1::encode(spki));
}

}  // namespace openset::roles::certs
