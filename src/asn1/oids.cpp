#include "openset/asn1/oids.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace openset::asn1::oid {
namespace {

constexpr std::array<std::string_view, kContentTypeCount> kContentNames = {
    "PANData", "PANToken", "PANOnly", "OIData", "PI", "PIData", "PIDataUnsigned", "HODInput",
    "AuthResBaggage", "AuthRevReqBaggage", "AuthRevResBaggage", "CapTokenSeq", "PInitResData",
    "PI-TBS", "PResData", "InqReqData", "AuthReqTBS", "AuthResTBS", "AuthResTBSX",
    "AuthTokenTBS", "CapTokenData", "CapTokenTBS", "AcqCardCodeMsg", "AuthRevReqTBS",
    "AuthRevResData", "AuthRevResTBS", "CapReqTBS", "CapReqTBSX", "CapResData", "CapRevReqTBS",
    "CapRevReqTBSX", "CapRevResData", "CredReqTBS", "CredReqTBSX", "CredResData",
    "CredRevReqTBS", "CredRevReqTBSX", "CredRevResData", "PCertReqData", "PCertResTBS",
    "BatchAdminReqData", "BatchAdminResData", "CardCInitResTBS", "Me-AqCInitResTBS",
    "RegFormResTBS", "CertReqData", "CertReqTBS", "CertResData", "CertInqReqTBS", "ErrorTBS",
    "PIDualSignedTBE", "PIUnsignedTBE", "AuthReqTBE", "AuthResTBE", "AuthResTBEX",
    "AuthTokenTBE", "CapTokenTBE", "CapTokenTBEX", "AcqCardCodeMsgTBE", "AuthRevReqTBE",
    "AuthRevResTBE", "AuthRevResTBEB", "CapReqTBE", "CapReqTBEX", "CapResTBE", "CapRevReqTBE",
    "CapRevReqTBEX", "CapRevResTBE", "CredReqTBE", "CredReqTBEX", "CredResTBE",
    "CredRevReqTBE", "CredRevReqTBEX", "CredRevResTBE", "BatchAdminReqTBE", "BatchAdminResTBE",
    "RegFormReqTBE", "CertReqTBE", "CertReqTBEX", "CertResTBE", "CRLNotificationTBS",
    "CRLNotificationResTBS", "BCIDistributionTBS",
};

const std::vector<Oid>& content_oids() {
  static const std::vector<Oid> v = [] {
    std::vector<Oid> out;
    for (unsigned i = 0; i < kContentTypeCount; ++i) out.push_back(Oid::from_arcs({2, 23, 42, 0, i}));
    return out;
  }();
  return v;
}

#define OPENSET_OID(fn, ...) \
  const Oid& fn() {          \
    static const Oid o = Oid::from_arcs({__VA_ARGS__}); \
    return o;                \
  }

}  // namespace

const Oid& content(ContentType t) { return content_oids()[static_cast<unsigned>(t)]; }
std::string_view content_name(ContentType t) { return kContentNames[static_cast<unsigned>(t)]; }

bool content_from_oid(const Oid& o, ContentType& out) {
  const auto& all = content_oids();
  for (unsigned i = 0; i < all.size(); ++i)
    if (all[i] == o) {
      out = static_cast<ContentType>(i);
      return true;
    }
  return false;
}

OPENSET_OID(pkcs7_data, 1, 2, 840, 113549, 1, 7, 1)
OPENSET_OID(pkcs7_signed_data, 1, 2, 840, 113549, 1, 7, 2)
OPENSET_OID(pkcs7_enveloped_data, 1, 2, 840, 113549, 1, 7, 3)
OPENSET_OID(pkcs7_digested_data, 1, 2, 840, 113549, 1, 7, 5)
OPENSET_OID(pkcs7_encrypted_data, 1, 2, 840, 113549, 1, 7, 6)
OPENSET_OID(pkcs9_content_type, 1, 2, 840, 113549, 1, 9, 3)
OPENSET_OID(pkcs9_message_digest, 1, 2, 840, 113549, 1, 9, 4)
OPENSET_OID(sha1, 1, 3, 14, 3, 2, 26)
OPENSET_OID(sha256, 2, 16, 840, 1, 101, 3, 4, 2, 1)
OPENSET_OID(rsa_encryption, 1, 2, 840, 113549, 1, 1, 1)
OPENSET_OID(sha1_with_rsa, 1, 2, 840, 113549, 1, 1, 5)
OPENSET_OID(sha256_with_rsa, 1, 2, 840, 113549, 1, 1, 11)
OPENSET_OID(rsa_oaep_encryption_set, 1, 2, 840, 113549, 1, 1, 6)
OPENSET_OID(rsaes_oaep, 1, 2, 840, 113549, 1, 1, 7)
OPENSET_OID(mgf1, 1, 2, 840, 113549, 1, 1, 8)
OPENSET_OID(des_cbc, 1, 3, 14, 3, 2, 7)
OPENSET_OID(des_cdmf, 1, 2, 840, 113549, 3, 10)
OPENSET_OID(aes256_cbc, 2, 16, 840, 1, 101, 3, 4, 1, 42)

std::string_view name_of(const Oid& o) {
  ContentType ct;
  if (content_from_oid(o, ct)) {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> v;
      for (auto n : kContentNames) v.push_back("id-set-content-" + std::string(n));
      return v;
    }();
    return names[static_cast<unsigned>(ct)];
  }
  static const std::vector<std::pair<const Oid*, std::string_view>> table = {
      {&pkcs7_data(), "data"},
      {&pkcs7_signed_data(), "signedData"},
      {&pkcs7_enveloped_data(), "envelopedData"},
      {&pkcs7_digested_data(), "digestedData"},
      {&pkcs7_encrypted_data(), "encryptedData"},
      {&pkcs9_content_type(), "contentType"},
      {&pkcs9_message_digest(), "messageDigest"},
      {&sha1(), "id-sha1"},
      {&sha256(), "id-sha256"},
      {&rsa_encryption(), "id-rsaEncryption"},
      {&sha1_with_rsa(), "sha1-with-rsa-signature"},
      {&sha256_with_rsa(), "sha256WithRSAEncryption"},
      {&rsa_oaep_encryption_set(), "rsaOAEPEncryptionSET"},
      {&rsaes_oaep(), "id-RSAES-OAEP"},
      {&mgf1(), "id-mgf1"},
      {&des_cbc(), "id-desCBC"},
      {&des_cdmf(), "id-desCDMF"},
      {&aes256_cbc(), "id-aes256-CBC"},
  };
  for (const auto& [oid, name] : table)
    if (*oid == o) return name;
  if (o == id_set()) return "id-set";
  return "";
}

}  // namespace openset::asn1::oid
