// Book 3's encryption operators and the signed encapsulations built from them (SetPKCS7Plus):
//
//   E{R, T}            EnvelopedData: T under a fresh symmetric key; key in R's RSA block
//   EH{R, T}           E, and H(T) in the RSA block
//   EX{R, T, P}        E{R, L{T, P}}, and P in the RSA block
//   EXH{R, T, P}       EX, and H(T) in the RSA block (see ExhHashSubject)
//   EK{K, T}           EncryptedData: T under a symmetric key the receiver supplied earlier
//   Enc{S, R, T}       E{R, S{S, T}}
//   EncK{K, S, T}      EK{K, S{S, T}}
//   EncX{S, R, T, P}   E{R, SEQUENCE { t T, s SO{S, SEQUENCE { t T, p P }} }}, P in the RSA block
//   EncB{S, R, T, B}   SEQUENCE { enc Enc{S, R, L{T, B}}, baggage B }
//   EncBX{S,R,T,B,P}   SEQUENCE { encX EncX{S, R, L{T, B}, P}, baggage B }
//
// On the wire (SET's PKCS#7 v1.6 profile): EnvelopedData { edVersion 1, one RecipientInfo {
// riVersion 0, issuerAndSerialNumber of R's key-exchange certificate, keyEncryptionAlgorithm =
// suite key transport, encryptedKey = RSA block }, EncryptedContentInfo { content type, suite
// cipher with a fresh IV, encryptedContent [0] IMPLICIT } }. A fresh key for every envelope.
//
// RSA block (crypto/key_transport.hpp, docs/set-oaep.md): BT ‖ BC ‖ V ‖ ADB with
//   ADB = key ‖ [H, digest size of the suite] ‖ [Param, one DER TLV] ‖ zero fill (set1 only).
// BC values: crypto::block_contents (E/Enc/EncB: kKeyOnly; EH: kKeyHash; the caller names the
// byte for EX/EXH/EncX/EncBX). set1 bounds: EncryptedKey ≤ 128 octets, Digest = 20 octets.
//
// Opening, in the order of notes §2.2: RSA-decrypt → check the block (BT, V, BC, fill) →
// decrypt the content → hash check (EH/EXH) → verify the signature (Enc…) → baggage check.
// Errors: not addressed to the given key, or any RSA/padding/decryption failure -> kDecrypt
// (no further detail); wrong content type -> kConstraint; refused suite -> kPolicy; hash,
// DD{Param} or baggage mismatch -> kDigestMismatch; signature -> kSignature.
//
// NOTE for callers mapping errors onto the wire: SET 1.0 content encryption is CBC without a
// MAC. Report every open_* failure to the peer with one error code (not kDecrypt vs the rest),
// or a peer replaying an RSA block with altered ciphertext learns padding validity.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "openset/asn1/pkcs7.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/parties.hpp"
#include "openset/seal/signature.hpp"

namespace openset::seal {

// What EXH's RSA-block hash covers (notes §9.2 item 13, open point). The ASN.1 parameter reading
// (and Isabelle's EXHcrypt) is H(T), our default; Book 2's prose reads as H of the whole content
// that is DES-encrypted, L{T, Param}. Both ends must use the same setting.
enum class ExhHashSubject : std::uint8_t {
  kT,        // H(DER(T))
  kLinkage,  // H(DER(L{T, Param})), the complete plaintext
};
inline constexpr ExhHashSubject kExhHashSubject = ExhHashSubject::kT;

// What opening an envelope established. Fields an operator does not produce stay empty.
struct OpenedEnvelope {
  crypto::SuiteId suite = crypto::SuiteId::kModern;  // identified and accepted by the policy
  std::uint8_t block_contents = 0;  // BC of the RSA block (0 for EK/EncK: no RSA block)
  SecretBytes content;              // T: its complete DER TLV as decrypted
  SecretBytes param;                // EX, EXH, EncX, EncBX: the Param TLV from the RSA block
  Bytes block_hash;                 // EH, EXH: the hash from the RSA block (verified)
  Bytes param_digest;               // EX, EXH: digest of Param (verified against DD{Param})
  std::optional<SignatureInfo> signature;  // Enc, EncK, EncX, EncB, EncBX
  Bytes baggage;                    // EncB, EncBX: the Baggage TLV as received
  Bytes baggage_digest;             // EncB, EncBX: digest of the baggage (verified vs DD)
};

// ---------------------------------------------------------------------------------------------
// E, EH, EX, EXH, EK

// E{R, T}. `content_der` must be one DER TLV. BC kKeyOnly.
Result<asn1::EnvelopedData> E(const Recipient& recipient, const der::Oid& content_type,
                              ByteView content_der);
// EH{R, T}: ADB = key ‖ H(T). BC kKeyHash.
Result<asn1::EnvelopedData> EH(const Recipient& recipient, const der::Oid& content_type,
                               ByteView content_der);
// EX{R, T, Param}: plaintext = DER(L{T, Param}) labelled `l_content_type`; ADB = key ‖ Param;
// DD{Param} labelled `param_content_type`. `block_contents` names the use (crypto::block_contents).
Result<asn1::EnvelopedData> EX(const Recipient& recipient, const der::Oid& l_content_type,
                               ByteView t_der, const der::Oid& param_content_type,
                               ByteView param_der, std::uint8_t block_contents);
// EXH{R, T, Param}: as EX with ADB = key ‖ H ‖ Param, H over `subject`.
Result<asn1::EnvelopedData> EXH(const Recipient& recipient, const der::Oid& l_content_type,
                                ByteView t_der, const der::Oid& param_content_type,
                                ByteView param_der, std::uint8_t block_contents,
                                ExhHashSubject subject = kExhHashSubject);
// EK{KeyData, T}: EncryptedData { version 0, EncryptedContentInfo } under key.key.
Result<asn1::EncryptedData> EK(const KeyData& key, const der::Oid& content_type,
                               ByteView content_der);

Result<OpenedEnvelope> open_E(const asn1::EnvelopedData& env, const KeyHolder& holder,
                              const der::Oid& expected_content_type, const Policy& policy);
Result<OpenedEnvelope> open_EH(const asn1::EnvelopedData& env, const KeyHolder& holder,
                               const der::Oid& expected_content_type, const Policy& policy);
// Returns T (t1 of the decrypted L) and Param (from the block), having checked DD{Param}.
Result<OpenedEnvelope> open_EX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                               const der::Oid& l_content_type, const der::Oid& param_content_type,
                               std::uint8_t block_contents, const Policy& policy);
Result<OpenedEnvelope> open_EXH(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                const der::Oid& l_content_type, const der::Oid& param_content_type,
                                std::uint8_t block_contents, const Policy& policy,
                                ExhHashSubject subject = kExhHashSubject);
Result<OpenedEnvelope> open_EK(const asn1::EncryptedData& data, const KeyData& key,
                               const der::Oid& expected_content_type, const Policy& policy);

// ---------------------------------------------------------------------------------------------
// Signed encapsulations. The content types label the intermediate values (notes §2.2; for a
// message X: XTBS, XTBSX, XTBE, XTBEX are id-set-content OIDs).

struct EncTypes {         // Enc, EncK
  der::Oid signed_type;     // T: contentType of S{S, T}                 (e.g. ...-PResData)
  der::Oid enveloped_type;  // S{S, T}: the encrypted content's type     (e.g. ...-...TBE)
};
struct EncXTypes {        // EncX
  der::Oid signed_type;     // SEQUENCE { t T, p Param }: what SO signs  (e.g. ...TBSX)
  der::Oid enveloped_type;  // SEQUENCE { t T, s SO{...} }: encrypted    (e.g. ...TBEX)
};
struct EncBTypes {        // EncB
  der::Oid baggage_type;    // contentType of DD{Baggage}
  der::Oid signed_type;     // L{T, Baggage}: contentType of S{S, L}     (e.g. ...TBS)
  der::Oid enveloped_type;  // S{S, L}: the encrypted content's type     (e.g. ...TBE)
};
struct EncBXTypes {       // EncBX
  der::Oid baggage_type;    // contentType of DD{Baggage}
  der::Oid signed_type;     // SEQUENCE { t L{T, Baggage}, p Param }     (e.g. ...TBSX)
  der::Oid enveloped_type;  // SEQUENCE { t L{…}, s SO{…} }              (e.g. ...TBEX)
};

// The signer's and the recipient's suites must be the same (kInvalidArgument).
Result<asn1::EnvelopedData> Enc(const Signer& signer, const Recipient& recipient,
                                const EncTypes& types, ByteView t_der);
Result<asn1::EncryptedData> EncK(const KeyData& key, const Signer& signer, const EncTypes& types,
                                 ByteView t_der);
Result<asn1::EnvelopedData> EncX(const Signer& signer, const Recipient& recipient,
                                 const EncXTypes& types, ByteView t_der, ByteView param_der,
                                 std::uint8_t block_contents);
// EncX with two signers (certificate renewal: the new key and the certificate being renewed,
// notes §5.4); 1..2 signers of one suite, the recipient's.
Result<asn1::EnvelopedData> EncX(std::span<const Signer> signers, const Recipient& recipient,
                                 const EncXTypes& types, ByteView t_der, ByteView param_der,
                                 std::uint8_t block_contents);
// DER of SEQUENCE { enc EnvelopedData, baggage } (the baggage TLV is appended as given).
Result<Bytes> EncB(const Signer& signer, const Recipient& recipient, const EncBTypes& types,
                   ByteView t_der, ByteView baggage_der);
// DER of SEQUENCE { encX EnvelopedData, baggage }.
Result<Bytes> EncBX(const Signer& signer, const Recipient& recipient, const EncBXTypes& types,
                    ByteView t_der, ByteView baggage_der, ByteView param_der,
                    std::uint8_t block_contents);

// The opened value's suite is the envelope's; the signature must be made in the same suite
// (kUnsupported otherwise).
Result<OpenedEnvelope> open_Enc(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                const EncTypes& types, std::span<const TrustedSigner> trusted,
                                const Policy& policy);
Result<OpenedEnvelope> open_EncK(const asn1::EncryptedData& data, const KeyData& key,
                                 const EncTypes& types, std::span<const TrustedSigner> trusted,
                                 const Policy& policy);
Result<OpenedEnvelope> open_EncX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                 const EncXTypes& types, std::uint8_t block_contents,
                                 std::span<const TrustedSigner> trusted, const Policy& policy);
// EncX whose signers are named inside T: certificate requests, signed with the very key being
// certified (proof of possession, notes §5.4), which the receiver learns only by decrypting.
// `resolve` receives T (decrypted, not yet verified: treat as untrusted input) and the SO{}
// SignedData, and returns the signers to verify against; then verification is as open_EncX.
using SignerResolver = std::function<Result<std::vector<TrustedSigner>>(
    ByteView t_der, const asn1::SignedData& signature)>;
Result<OpenedEnvelope> open_EncX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                 const EncXTypes& types, std::uint8_t block_contents,
                                 const SignerResolver& resolve, const Policy& policy);
Result<OpenedEnvelope> open_EncB(ByteView encb_der, const KeyHolder& holder,
                                 const EncBTypes& types, std::span<const TrustedSigner> trusted,
                                 const Policy& policy);
Result<OpenedEnvelope> open_EncBX(ByteView encbx_der, const KeyHolder& holder,
                                  const EncBXTypes& types, std::uint8_t block_contents,
                                  std::span<const TrustedSigner> trusted, const Policy& policy);

}  // namespace openset::seal
