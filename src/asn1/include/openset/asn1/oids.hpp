// Object identifiers SET uses (Book 3, module SetCertificateExtensions "Object identifiers";
// notes §6). SET's own arc is id-set = 2.23.42.
#pragma once

#include <string_view>

#include "openset/der/der.hpp"

namespace openset::asn1::oid {

using der::Oid;

// id-set arcs (§6.1)
inline const Oid& id_set() { static const Oid o = Oid::from_arcs({2, 23, 42}); return o; }
inline const Oid& id_set_content_type() { static const Oid o = Oid::from_arcs({2, 23, 42, 0}); return o; }

// id-set-content-<Name> = 2.23.42.0.n (§6.2). Indexes into the table in oids.cpp.
enum class ContentType : unsigned {
  kPANData = 0, kPANToken = 1, kPANOnly = 2, kOIData = 3, kPI = 4, kPIData = 5,
  kPIDataUnsigned = 6, kHODInput = 7, kAuthResBaggage = 8, kAuthRevReqBaggage = 9,
  kAuthRevResBaggage = 10, kCapTokenSeq = 11, kPInitResData = 12, kPI_TBS = 13, kPResData = 14,
  kInqReqData = 15, kAuthReqTBS = 16, kAuthResTBS = 17, kAuthResTBSX = 18, kAuthTokenTBS = 19,
  kCapTokenData = 20, kCapTokenTBS = 21, kAcqCardCodeMsg = 22, kAuthRevReqTBS = 23,
  kAuthRevResData = 24, kAuthRevResTBS = 25, kCapReqTBS = 26, kCapReqTBSX = 27, kCapResData = 28,
  kCapRevReqTBS = 29, kCapRevReqTBSX = 30, kCapRevResData = 31, kCredReqTBS = 32,
  kCredReqTBSX = 33, kCredResData = 34, kCredRevReqTBS = 35, kCredRevReqTBSX = 36,
  kCredRevResData = 37, kPCertReqData = 38, kPCertResTBS = 39, kBatchAdminReqData = 40,
  kBatchAdminResData = 41, kCardCInitResTBS = 42, kMeAqCInitResTBS = 43, kRegFormResTBS = 44,
  kCertReqData = 45, kCertReqTBS = 46, kCertResData = 47, kCertInqReqTBS = 48, kErrorTBS = 49,
  kPIDualSignedTBE = 50, kPIUnsignedTBE = 51, kAuthReqTBE = 52, kAuthResTBE = 53,
  kAuthResTBEX = 54, kAuthTokenTBE = 55, kCapTokenTBE = 56, kCapTokenTBEX = 57,
  kAcqCardCodeMsgTBE = 58, kAuthRevReqTBE = 59, kAuthRevResTBE = 60, kAuthRevResTBEB = 61,
  kCapReqTBE = 62, kCapReqTBEX = 63, kCapResTBE = 64, kCapRevReqTBE = 65, kCapRevReqTBEX = 66,
  kCapRevResTBE = 67, kCredReqTBE = 68, kCredReqTBEX = 69, kCredResTBE = 70,
  kCredRevReqTBE = 71, kCredRevReqTBEX = 72, kCredRevResTBE = 73, kBatchAdminReqTBE = 74,
  kBatchAdminResTBE = 75, kRegFormReqTBE = 76, kCertReqTBE = 77, kCertReqTBEX = 78,
  kCertResTBE = 79, kCRLNotificationTBS = 80, kCRLNotificationResTBS = 81,
  kBCIDistributionTBS = 82,
};
inline constexpr unsigned kContentTypeCount = 83;

// 2.23.42.0.n for a content type.
const Oid& content(ContentType t);
// Book 3's name of a content type ("OIData", "PI-TBS", ...).
std::string_view content_name(ContentType t);
// Reverse lookup: the ContentType of an id-set-content OID, if it is one.
bool content_from_oid(const Oid& o, ContentType& out);

// PKCS#7 / PKCS#9 (SetPKCS7Plus)
const Oid& pkcs7_data();            // 1.2.840.113549.1.7.1
const Oid& pkcs7_signed_data();     // 1.2.840.113549.1.7.2
const Oid& pkcs7_enveloped_data();  // 1.2.840.113549.1.7.3
const Oid& pkcs7_digested_data();   // 1.2.840.113549.1.7.5
const Oid& pkcs7_encrypted_data();  // 1.2.840.113549.1.7.6
const Oid& pkcs9_content_type();    // 1.2.840.113549.1.9.3
const Oid& pkcs9_message_digest();  // 1.2.840.113549.1.9.4

// Algorithms (SET 1.0 and the `modern` suite)
const Oid& sha1();                      // 1.3.14.3.2.26
const Oid& sha256();                    // 2.16.840.1.101.3.4.2.1
const Oid& rsa_encryption();            // 1.2.840.113549.1.1.1
const Oid& sha1_with_rsa();             // 1.2.840.113549.1.1.5
const Oid& sha256_with_rsa();           // 1.2.840.113549.1.1.11
const Oid& rsa_oaep_encryption_set();   // 1.2.840.113549.1.1.6
const Oid& rsaes_oaep();                // 1.2.840.113549.1.1.7
const Oid& mgf1();                      // 1.2.840.113549.1.1.8
const Oid& des_cbc();                   // 1.3.14.3.2.7
const Oid& des_cdmf();                  // 1.2.840.113549.3.10
const Oid& aes256_cbc();                // 2.16.840.1.101.3.4.1.42

// A readable name for any OID we know ("id-set-content-OIData", "sha1", ...), or "".
std::string_view name_of(const Oid& o);

}  // namespace openset::asn1::oid
