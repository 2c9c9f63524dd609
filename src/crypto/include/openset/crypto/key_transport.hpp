// RSA key transport carrying SET's data block. See docs/set-oaep.md for the construction.
//
//   DB = BT ‖ BC ‖ V ‖ ADB       BT = 0x03, BC = block-contents byte, V = 7 × 0x00
//
//   kSetOaep (set1): SET's Bellare–Rogaway OAEP (our reconstruction): EM = I ‖ A ‖ B with
//     DB of k−17 bytes (ADB zero-filled to k−26), A = DB ⊕ MGF1-SHA1(E-Salt), B = E-Salt ⊕
//     last16(SHA-1(A)), I random in 0x01..0x7F; raw RSA.
//   kRsaesOaepSha256 (modern): RSAES-OAEP (SHA-256, MGF1-SHA-256, empty label) of DB exactly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/crypto/keys.hpp"

namespace openset::crypto {

// SET "BC" (block contents) byte values. These are OUR assignment: Book 3 Part I's table was
// not available. Documented in docs/set-oaep.md.
namespace block_contents {
inline constexpr std::uint8_t kKeyOnly = 0x01;          // E, Enc, EncB
inline constexpr std::uint8_t kKeyHash = 0x02;          // EH
inline constexpr std::uint8_t kKeyPanData = 0x03;       // EX{P, PI-OILink, PANData}  (dual-signed PI)
inline constexpr std::uint8_t kKeyHashPanToken = 0x04;  // EXH{P, PI-OILink, PANToken} (unsigned PI)
inline constexpr std::uint8_t kKeyHashPanOnly = 0x05;   // EXH{CA, RegFormReqData, PANOnly}
inline constexpr std::uint8_t kKeyAcctInfo = 0x06;      // EncX{EE, CA, CertReqData, AcctInfo}
inline constexpr std::uint8_t kKeyPanToken = 0x07;      // EncX/EncBX with a PANToken
inline constexpr std::uint8_t kKeyExtra = 0x08;         // EX with any other parameter
inline constexpr std::uint8_t kKeyHashExtra = 0x09;     // EXH with any other parameter
}  // namespace block_contents

inline constexpr std::uint8_t kBlockType = 0x03;   // BT
inline constexpr std::size_t kVerificationBytes = 7;  // V = 7 × 0x00
inline constexpr std::size_t kSetOaepSaltBytes = 16;  // E-Salt

struct DataBlock {
  std::uint8_t block_contents;
  SecretBytes adb;  // "actual data block". For kSetOaep: the whole k−26 byte area incl. fill.
};

// Largest ADB for a modulus of `modulus_bytes` (k): kSetOaep k−26; kRsaesOaepSha256
// k − 2·32 − 2 − 9. Zero when the modulus is too small.
std::size_t max_adb_size(KeyTransport kt, std::size_t modulus_bytes) noexcept;

// Encrypts DB to `recipient`. ADB longer than max_adb_size -> Errc::kInvalidArgument.
// kSetOaep additionally needs a modulus of a whole number of bytes (bits % 8 == 0).
// SET 1.0 caps EncryptedKey at 128 bytes (RSA-1024); this layer does not enforce that cap.
Result<Bytes> rsa_wrap(KeyTransport kt, const PublicKey& recipient, std::uint8_t block_contents,
                       ByteView adb);
// Any failure -> Errc::kDecrypt "RSA block does not open" (no further detail: no oracle).
Result<DataBlock> rsa_unwrap(KeyTransport kt, const PrivateKey& recipient,
                             ByteView encrypted_key);

// The SET OAEP padding step alone (no RSA), deterministic given E-Salt and I. Exposed for tests
// and tooling. k >= 26, salt 16 bytes, i in 0x01..0x7F, adb.size() <= k−26; else
// Errc::kInvalidArgument. Returns EM (k bytes).
Result<Bytes> set_oaep_encode(std::size_t k, std::uint8_t block_contents, ByteView adb,
                              ByteView salt, std::uint8_t i);
// Inverse of set_oaep_encode: checks I, BT and V; returns BC and the k−26 byte ADB area.
// Any failure -> Errc::kDecrypt "RSA block does not open".
Result<DataBlock> set_oaep_decode(ByteView em);

}  // namespace openset::crypto
