// What the three purchase engines (wallet, merchant, gateway) share: a party's credentials, the
// shape of an engine's answer, the freshness window, and the building blocks that walk received
// messages as bytes (signatures and digests are checked over the bytes received, never a
// re-encoding: DESIGN.md, docs/architecture.md "Verify what was received").
//
// Every engine is sans I/O (DESIGN.md "roles"): handle(received DER) -> Answer. An Answer holds
// the MessageWrappers to send (to whom), or the SET Error message the received one was refused
// with (its ErrorCode in `refused`, a local diagnostic in `detail` that never holds a secret).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_paymsgs.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/pki/validation.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/roles/env.hpp"
#include "openset/roles/wire.hpp"
#include "openset/seal/envelope.hpp"
#include "openset/seal/parties.hpp"

namespace openset::roles::purchase {

// A party's keys and certificates. Cardholders have a signature certificate only (notes §2.1);
// merchants and gateways have a signature and a key-exchange certificate.
struct Credentials {
  const crypto::Suite* suite = nullptr;
  crypto::PrivateKey signature_key;
  Bytes signature_certificate;
  crypto::PrivateKey key_exchange_key;  // empty for cardholders
  Bytes key_exchange_certificate;       // empty for cardholders
  // CA certificates (brand, geo-political, CCA/MCA/PCA; not the root) sent with our signatures
  // so that a peer can build our path.
  std::vector<Bytes> chain;

  // SIGNER with our signature key; `with_certificates` copies our certificate(s) and chain into
  // SignedData.certificates (not covered by the signature).
  Result<seal::Signer> signer(bool with_certificates, bool include_key_exchange = false) const;
  // Our key-exchange key, to open envelopes addressed to us.
  Result<seal::KeyHolder> holder() const;
};

// Where an outgoing message goes.
enum class Peer { kCardholder, kMerchant, kGateway };
std::string_view peer_name(Peer p);

struct Outgoing {
  Peer to = Peer::kCardholder;
  std::string type;  // Book 3 name of the Message alternative ("PInitRes", "AuthReq", ...)
  Bytes message;     // DER MessageWrapper
};

struct Answer {
  std::vector<Outgoing> send;
  // Set when the received message was refused: `send` then holds the Error message (unless the
  // refused message was itself an Error: SET never answers an Error with an Error, notes §4.11).
  std::optional<asn1::ErrorCode> refused;
  std::string detail;  // local diagnostic, no secrets

  bool ok() const { return !refused.has_value(); }
};

// A log line sink (the engines log what they did, never a PAN, key, PANSecret or OD).
using Log = std::function<void(std::string_view)>;

// The acceptance window for MessageHeader.date and RRTags.currentDate (notes §1.7: "choose and
// document them"; docs/departures.md P-9): a message older than max_age seconds is
// messageTooOld, one dated more than max_skew seconds in the future is messageTooNew.
struct Freshness {
  std::int64_t max_age = 15 * 60;
  std::int64_t max_skew = 5 * 60;
};
Status check_freshness(const Env& env, const der::Time& date, const Freshness& window,
                       std::string_view what);
// Version/revision were checked by the decoder (setVer1, revision 0); this checks the date.
Status check_header(const Env& env, const asn1::MessageHeader& h, const Freshness& window);

// ---- walking received bytes ---------------------------------------------------------------

// The TLV of the Message alternative inside MessageWrapper { header, [0] EXPLICIT Message }:
// for purchaseRequest [2] EXPLICIT PReq, the PReq TLV (as received).
Result<ByteView> message_body(ByteView wrapper_der);
// The content TLV of `[tag] EXPLICIT T` (one TLV, as received).
Result<ByteView> explicit_inner(ByteView tlv, std::uint32_t tag);
// The two component TLVs of SEQUENCE { a, b } (as received; nothing may follow b).
struct Pair {
  ByteView first;
  ByteView second;
};
Result<Pair> split_pair(ByteView sequence_der);
// `[tag] EXPLICIT` around a TLV.
Bytes explicit_wrap(std::uint32_t tag, ByteView tlv);

// What the parts of a received PReq are, as received (notes §3.4): PReqDualSigned, or
// PReqUnsigned { piUnsigned, oiUnsigned } from a cardholder without a certificate.
struct PReqParts {
  bool unsigned_pi = false;  // PReqUnsigned
  ByteView pi_dual_signed;  // PIDualSigned TLV (what the merchant forwards in PI [1])
  ByteView pi_signature;    // PISignature (SignedData) TLV
  ByteView oi_dual_signed;  // OIDualSigned TLV
  ByteView pi_unsigned;     // PReqUnsigned: PIUnsigned TLV (forwarded in PI [0])
  ByteView oi_data;         // OIData TLV (t1 of OIDualSigned / OIUnsigned)
  ByteView h_pi_data;       // DD{PIData} / DD{PIDataUnsigned} TLV (t2 of the linkage)
};
// From the PReq TLV (message_body of a PReq wrapper).
Result<PReqParts> preq_parts(ByteView preq_der);
// DER of the XID as an OCTET STRING: TransStain = HMAC{XID, Secret} keys it (notes §2.2, §3.5).
Bytes xid_der(ByteView xid);

// ---- opening what a certified party signed and enveloped to us -----------------------------

struct OpenedSigned {
  crypto::SuiteId suite = crypto::SuiteId::kModern;
  Bytes content;             // T (for EncB: t1 of L{T, Baggage}) as decrypted
  Bytes signed_content;      // what the signature covers (EncB: the L TLV), for replay digests
  Bytes baggage;             // EncB: the baggage TLV as received
  Bytes signer_certificate;  // the signer's validated certificate
  std::vector<Bytes> certificates;  // SignedData.certificates as received (peer's others)
  pki::ValidatedPath path;
};
// Enc{S, R, T}: open_E with our key, then the signature as wire::verify_signed (the signer's
// certificate must validate as `signer_type` of `brand`). Every failure to open the envelope or
// to verify its signature is signatureFailure, one code (docs/seal.md "Padding oracle");
// certificate failures keep their own codes.
Result<OpenedSigned> open_enc(const Env& env, const asn1::EnvelopedData& env_data,
                              const seal::KeyHolder& holder, const seal::EncTypes& types,
                              pki::CertType signer_type, const TrustContext& trust,
                              std::optional<std::string> brand);
// EncB{S, R, T, Baggage} = SEQUENCE { Enc{S, R, L{T, Baggage}}, Baggage }: as open_enc, then the
// DD{Baggage} inside the signed L against the baggage received (signatureFailure on mismatch).
Result<OpenedSigned> open_encb(const Env& env, ByteView encb_der, const seal::KeyHolder& holder,
                               const seal::EncBTypes& types, pki::CertType signer_type,
                               const TrustContext& trust, std::optional<std::string> brand);

// ---- certificates ----------------------------------------------------------------------------

// MerchantData.merID of a merchant signature certificate (the MerchantID of PIHead, notes §1.4).
Result<std::string> merchant_id_of(ByteView certificate);
// The subject's CN (the unique cardholder ID of a cardholder certificate, notes §5.6).
Result<std::string> common_name_of(ByteView certificate);
// The certificate among `candidates` whose thumbprint (in `suite`) is `thumb`.
std::optional<Bytes> find_by_thumb(const crypto::Suite& suite, const asn1::CertThumb& thumb,
                                   std::span<const Bytes> candidates);
// A Recipient for a key-exchange certificate.
Result<seal::Recipient> recipient_of(ByteView key_exchange_certificate, const crypto::Suite& suite);
// The first certificate of `candidates` that validates as `type` (of `brand`).
Result<Bytes> first_valid(const Env& env, std::span<const Bytes> candidates, pki::CertType type,
                          const TrustContext& trust, std::optional<std::string> brand);

// ---- values ------------------------------------------------------------------------------------

const der::Oid& content_type(asn1::oid::ContentType t);
std::string hex(ByteView b);
Bytes sha256(ByteView b);
// Last four digits of a PAN ("1111"); never more.
std::string last4(std::string_view pan);
// value(a) <= value(b) for two amounts of the same currency and exponent.
bool same_denomination(const Money& a, const Money& b);

// Runs `f` (returning Answer) and turns a thrown-free Result error into a refusal: the shape every
// engine's handle() takes.
Answer refuse(const Env& env, const Error& why, ByteView offending, const seal::Signer* signer,
              Peer to, const Log& log, std::string_view who);

}  // namespace openset::roles::purchase
