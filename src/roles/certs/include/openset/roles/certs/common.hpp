// Shared by both sides of SET's certificate-management protocols (Book 2 Part II; set-1.asn1
// module SetCertMsgs; notes §5): the content types of each operator, the identifier a request
// signed with a not-yet-certified key uses, key <-> SubjectPublicKeyInfo, and request kinds.
#pragma once

#include <cstdint>
#include <string_view>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/pki/profile.hpp"
#include "openset/seal/envelope.hpp"

namespace openset::roles::certs {

// Who registers: the cardholder with a CCA, the merchant with an MCA, the gateway with a PCA.
enum class Requester : std::uint8_t { kCardholder, kMerchant, kGateway };
std::string_view to_string(Requester r);

// The CA type that serves a requester, and the requester a CA type serves.
pki::CertType ca_type_for(Requester r);
Result<Requester> requester_for(pki::CertType ca_type);

// RequestType (set-1.asn1 lines 430-449) decomposed.
struct RequestKind {
  Requester requester = Requester::kCardholder;
  bool renewal = false;
  bool signature = false;     // a signature certificate is asked for
  bool key_exchange = false;  // a key-exchange (encryption) certificate is asked for
};
RequestKind request_kind(asn1::RequestType t);
asn1::RequestType request_type(Requester r, bool renewal, bool signature, bool key_exchange);

// Content types (id-set-content OIDs, notes §2.2 / §6.2) of each operator.
const der::Oid& ct(asn1::oid::ContentType t);
seal::EncXTypes cert_req_encx_types();  // EncX{EE, CA, CertReqData, AcctInfo}: TBS / TBEX
seal::EncTypes cert_req_enc_types();    // Enc{EE, CA, CertReqData}: CertReqData / CertReqTBE
seal::EncTypes cert_res_enck_types();   // EncK{CAKey, CA, CertResData}: CertResData / CertResTBE

// The SignerInfo identifier of a signature made with a key that has no certificate yet (a new
// key proving possession in CertReq, CertInqReq before issuance): an empty issuer Name and
// serial 0 — notes §5.4 "one with an empty (null) issuer DN, verified with the new public key".
asn1::IssuerAndSerialNumber uncertified_key_id();

// SubjectPublicKeyInfo for PublicKeySorE (rsaEncryption, as every key SET certificates carry
// here: docs/pki.md P-3), and back.
Result<asn1::SubjectPublicKeyInfo> spki_of(const crypto::PublicKey& key);
Result<crypto::PublicKey> key_of(const asn1::SubjectPublicKeyInfo& spki);

}  // namespace openset::roles::certs
