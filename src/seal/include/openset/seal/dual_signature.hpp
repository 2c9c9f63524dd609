// SET's dual signature (notes §3.8): one cardholder signature that binds the payment
// instructions (PI, for the gateway) to the order information (OI, for the merchant) while each
// party sees only its half.
//
//   PI-TBS       ::= SEQUENCE { hPIData DD{PIData}, hOIData DD{OIData} }    (id-set-content-PI-TBS)
//   PISignature  ::= SO{C, PI-TBS}
//   PIData       ::= SEQUENCE { piHead PIHead, panData PANData }
//   PI-OILink    ::= L{PIHead, OIData}
//   PIDualSigned ::= SEQUENCE { piSignature PISignature, exPIData EX{P, PI-OILink, PANData} }
//   OIDualSigned ::= L{OIData, PIData}
//
// DD content types: id-set-content-PIData / -OIData / -PANData; exPIData's content type
// id-set-content-PIDualSignedTBE; RSA block BC crypto::block_contents::kKeyPanData.
//
// The merchant verifies from OIData + OIDualSigned's DD{PIData} + PISignature only (it never
// holds PANData); the gateway from PIHead (decrypted) + PANData (RSA block) + DD{OIData}.
#pragma once

#include <span>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/parties.hpp"
#include "openset/seal/signature.hpp"

namespace openset::seal {

// PISignature = SO{C, PI-TBS{DD(PIData), DD(OIData)}}.
Result<asn1::SignedData> dual_sign(const Signer& cardholder, ByteView pi_data_der,
                                   ByteView oi_data_der);

struct DualSignatureCheck {
  SignatureInfo signature;
  Bytes pi_tbs;     // DER of the PI-TBS that was verified
  Bytes h_pi_data;  // DER of DD{PIData} used (received by the merchant, recomputed by the gateway)
  Bytes h_oi_data;  // DER of DD{OIData} used (recomputed by the merchant, received by the gateway)
};

// Merchant: rebuilds PI-TBS from DD(OIData as received) and the DD{PIData} from OIDualSigned
// (`h_pi_data_der`, its TLV as received) and verifies PISignature. The DD{PIData} must be of the
// signature's suite and labelled id-set-content-PIData (kConstraint).
Result<DualSignatureCheck> verify_dual_signature_merchant(
    const asn1::SignedData& pi_signature, ByteView oi_data_der, ByteView h_pi_data_der,
    std::span<const TrustedSigner> cardholder, const Policy& policy);

// Gateway: rebuilds PI-TBS from DD(PIData) (PIData = SEQUENCE { PIHead, PANData } it assembled)
// and the DD{OIData} from PI-OILink (`h_oi_data_der`, as received) and verifies PISignature.
Result<DualSignatureCheck> verify_dual_signature_gateway(
    const asn1::SignedData& pi_signature, ByteView pi_data_der, ByteView h_oi_data_der,
    std::span<const TrustedSigner> cardholder, const Policy& policy);

// PIData = SEQUENCE { piHead, panData } in DER (secret: holds the PAN).
SecretBytes make_pi_data(ByteView pi_head_der, ByteView pan_data_der);

// What the cardholder sends (PReqDualSigned's parts).
struct DualSignedPI {
  asn1::SignedData pi_signature;  // PISignature
  asn1::EnvelopedData ex_pi_data; // EX{P, PI-OILink, PANData}
  Bytes pi_dual_signed;           // DER of PIDualSigned { piSignature, exPIData }
  Bytes h_pi_data;                // DER of DD{PIData}, for OIDualSigned
  Bytes oi_dual_signed;           // DER of OIDualSigned = L{OIData, PIData}
};

// Builds PISignature and exPIData (and OIDualSigned) from the DER of PIHead, OIData and PANData.
// The cardholder's and the gateway's suites must be the same.
Result<DualSignedPI> seal_dual_signed_pi(const Signer& cardholder, const Recipient& gateway,
                                         ByteView pi_head_der, ByteView oi_data_der,
                                         ByteView pan_data_der);

// What the gateway obtains from PIDualSigned.
struct OpenedDualSignedPI {
  crypto::SuiteId suite = crypto::SuiteId::kModern;
  Bytes pi_head;          // PIHead TLV as decrypted
  SecretBytes pan_data;   // PANData TLV from the RSA block (DD{PANData} in the plaintext checked)
  Bytes h_oi_data;        // DER of DD{OIData} from PI-OILink: compare with the merchant's HOIData
  DualSignatureCheck check;
};

// Gateway side: open_EX(exPIData) with BC kKeyPanData, split PI-OILink, rebuild PIData and
// verify the dual signature against `cardholder`.
Result<OpenedDualSignedPI> open_dual_signed_pi(const asn1::SignedData& pi_signature,
                                               const asn1::EnvelopedData& ex_pi_data,
                                               const KeyHolder& gateway,
                                               std::span<const TrustedSigner> cardholder,
                                               const Policy& policy);
// The same from the DER of PIDualSigned.
Result<OpenedDualSignedPI> open_dual_signed_pi(ByteView pi_dual_signed_der,
                                               const KeyHolder& gateway,
                                               std::span<const TrustedSigner> cardholder,
                                               const Policy& policy);

// ---------------------------------------------------------------------------------------------
// The unsigned PI (a cardholder without a certificate, notes §3.8 "PReqUnsigned"):
//   PIUnsigned     ::= EXH{P, PI-OILink, PANToken}     (id-set-content-PIUnsignedTBE, BC
//                                                       crypto::block_contents::kKeyHashPanToken)
//   PIDataUnsigned ::= SEQUENCE { piHead PIHead, panToken PANToken }
//   OIUnsigned     ::= L{OIData, PIDataUnsigned}
// No signature binds the halves: the PI names the order by DD{OIData} inside the envelope only
// the gateway opens, and the merchant's CheckDigests.hOIData must equal it (as for PIDualSigned).

struct UnsignedPI {
  asn1::EnvelopedData pi_unsigned;  // PIUnsigned
  Bytes pi_unsigned_der;            // its DER (what the merchant forwards in PI [0])
  Bytes oi_unsigned;                // DER of OIUnsigned = L{OIData, PIDataUnsigned}
};
// Builds PIUnsigned and OIUnsigned from the DER of PIHead, OIData and PANToken.
Result<UnsignedPI> seal_unsigned_pi(const crypto::Suite& suite, const Recipient& gateway,
                                    ByteView pi_head_der, ByteView oi_data_der,
                                    ByteView pan_token_der);

struct OpenedUnsignedPI {
  crypto::SuiteId suite = crypto::SuiteId::kModern;
  Bytes pi_head;          // PIHead TLV as decrypted
  SecretBytes pan_token;  // PANToken TLV from the RSA block (its DD in the plaintext checked)
  Bytes h_oi_data;        // DER of DD{OIData} from PI-OILink: compare with the merchant's HOIData
};
// The gateway: open_EXH with its key-exchange key, then the PI-OILink's parts.
Result<OpenedUnsignedPI> open_unsigned_pi(ByteView pi_unsigned_der, const KeyHolder& gateway,
                                          const Policy& policy);

}  // namespace openset::seal
