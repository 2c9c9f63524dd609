// What every engine does with SET messages on the wire, in one place:
//   - MessageWrapper: build a header, wrap a Message, unwrap (strict DER) what arrived;
//   - refusals: an Error carrying the SET ErrorCode to answer with, and the Error message
//     (Book 2 "Error processing"; Book 3 ErrorTBS) built from it, signed or unsigned;
//   - signed messages from certified parties: find the signer's certificate (in the
//     SignedData's certificates or among those the receiver already holds), validate its path
//     under SET's rules (pki::PathValidator, cached), then verify the signature over the bytes
//     received (seal::verify_S / verify_SO).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/pki/validation.hpp"
#include "openset/roles/env.hpp"
#include "openset/seal/parties.hpp"
#include "openset/seal/signature.hpp"

namespace openset::roles {

// The swIdent of every message we send (MessageHeader.swIdent).
inline constexpr std::string_view kSoftwareIdent = "OpenSET 0.1";

// ---- refusals ----------------------------------------------------------------------------

// An Error that says which SET ErrorCode to answer with. The text must never hold a secret.
Error refusal(asn1::ErrorCode code, std::string detail, Errc errc = Errc::kInvalidArgument);
// Keeps `e`'s class and text, sets the SET ErrorCode (unless one is already set).
Error with_set_code(Error e, asn1::ErrorCode code);
// The ErrorCode to answer an Error with: its set_code, else derived from its Errc
// (decoding classes -> decodingFailure, kSignature/kDigestMismatch -> signatureFailure,
// kLimit -> messageTooBig, anything else -> unspecifiedFailure).
asn1::ErrorCode set_error_code(const Error& e);
// A path validation failure as an Error carrying its ErrorCode.
Error path_error(const pki::PathFailure& f);

// ---- MessageWrapper ----------------------------------------------------------------------

// version 1, revision 0, date = env's now, the given IDs and RRPID, swIdent kSoftwareIdent.
asn1::MessageHeader make_header(const Env& env, std::optional<asn1::MessageIDs> ids,
                                std::optional<Bytes> rrpid);
// DER of MessageWrapper { header, message }.
Bytes wrap(const asn1::MessageHeader& header, asn1::Message message);
// Strict DER decode of a MessageWrapper (errors carry decodingFailure).
Result<asn1::MessageWrapper> unwrap(ByteView der);
// The Message alternative's index (asn1::Message::Index) of a decoded wrapper.
inline std::size_t message_index(const asn1::MessageWrapper& w) { return w.message.value.index(); }
// The ASN.1 name of a Message alternative ("PInitReq", ..., "Error"), for logs and file names.
std::string_view message_type_name(std::size_t index);

// ---- the Error message -------------------------------------------------------------------

// An Error message answering `offending` (the DER that was refused, as received):
// ErrorTBS { errorCode = set_error_code(why), errorNonce = fresh, errorMsg = the offending
// message's MessageHeader when it decodes, else badWrapper (its first 20000 octets) }.
// Signed (S{EE, ErrorTBS}, content type id-set-content-ErrorTBS) when `signer` is given, else
// unsignedError. The result is a complete MessageWrapper (DER).
Result<Bytes> make_error_message(const Env& env, const Error& why, ByteView offending,
                                 const seal::Signer* signer = nullptr);

// What an Error message says (for the party that receives one).
struct ReceivedError {
  asn1::ErrorCode code = asn1::ErrorCode::kUnspecifiedFailure;
  bool signed_error = false;
  std::optional<asn1::MessageHeader> about;  // the refused message's header, when echoed
};
// Reads an Error from a decoded wrapper (the signature of a signedError is not verified here:
// use verify_signed with the sender's expectations when that matters).
Result<ReceivedError> read_error(const asn1::MessageWrapper& w);

// ---- signed messages from certified parties ----------------------------------------------

// What a receiver knows and accepts: its path validator (trusted roots and the cache), the
// certificates, CRLs and BrandCRLIdentifier it holds, and its suite policy.
struct TrustContext {
  pki::PathValidator* validator = nullptr;
  std::vector<Bytes> certificates;  // known certificates (peers' and CAs'), any order
  std::vector<Bytes> crls;
  std::optional<Bytes> brand_crl_identifier;
  seal::Policy policy;
};

struct CertifiedSignature {
  Bytes content;               // S: the content TLV as received; SO: empty
  seal::SignatureInfo signature;
  Bytes signer_certificate;    // the leaf that signed
  pki::ValidatedPath path;
};

// Verifies S{X, T} (content present) from a party whose signature certificate must validate as
// `expected` (and belong to `brand` when given) at env's now. The signer's certificate and chain
// come from signed_data.certificates and trust.certificates. Errors carry their ErrorCode:
// missingCertificate (no certificate for the SignerInfo), the path failure's code, or
// signatureFailure.
Result<CertifiedSignature> verify_signed(const Env& env, const asn1::SignedData& signed_data,
                                         const der::Oid& content_type, pki::CertType expected,
                                         const TrustContext& trust,
                                         std::optional<std::string> brand = std::nullopt);
// The same for SO{X, T}, against the content the receiver rebuilt (one DER TLV).
Result<CertifiedSignature> verify_signed_detached(const Env& env,
                                                  const asn1::SignedData& signed_data,
                                                  const der::Oid& content_type,
                                                  ByteView content_der, pki::CertType expected,
                                                  const TrustContext& trust,
                                                  std::optional<std::string> brand = std::nullopt);

// Validates a certificate the receiver is about to use as a peer's key (e.g. the gateway's
// key-exchange certificate in PInitRes) and returns its validated path.
Result<pki::ValidatedPath> validate_certificate(const Env& env, ByteView certificate,
                                                pki::CertType expected, const TrustContext& trust,
                                                std::span<const Bytes> extra_certificates = {},
                                                std::optional<std::string> brand = std::nullopt);

// The certificate among `candidates` whose issuer and serial number are `id`.
std::optional<Bytes> find_certificate(const asn1::IssuerAndSerialNumber& id,
                                      std::span<const Bytes> candidates);
// IssuerAndSerialNumber of a certificate (issuer Name TLV and serial content octets as encoded).
Result<asn1::IssuerAndSerialNumber> certificate_issuer_and_serial(ByteView certificate);

}  // namespace openset::roles
