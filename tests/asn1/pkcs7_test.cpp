// The PKCS#7 v1.6 profile of SetPKCS7Plus, encoded from one description per type.
// Expected bytes are hand-assembled from set-1.asn1 and X.690.
#include <gtest/gtest.h>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/pkcs7.hpp"

namespace openset::asn1 {
namespace {

Bytes hex(std::string_view h) { return from_hex(h).value(); }

TEST(Pkcs7, DetachedDigestedDataHasTheSetShape) {
  // DD{OIData}: ddVersion 0, {id-sha1, NULL}, contentInfo {id-set-content-OIData, no content}.
  DigestedData dd;
  dd.digest_algorithm = {oid::sha1(), hex("0500")};
  dd.content_info.content_type = oid::content(oid::ContentType::kOIData);
  dd.digest = Bytes(20, 0xab);
  const std::string expected =
      "302c"
      "020100"                       // ddVersion ddVer0
      "300906052b0e03021a0500"       // AlgorithmIdentifier { id-sha1, NULL }
      "30060604672a0003"             // ContentInfo { 2.23.42.0.3 }
      "0414abababababababababababababababababababab";
  EXPECT_EQ(to_hex(encode(dd)), expected);

  auto back = decode<DigestedData>(hex(expected));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->content_info.content_type, oid::content(oid::ContentType::kOIData));
  EXPECT_FALSE(back->content_info.content.has_value());
  EXPECT_EQ(back->digest, Bytes(20, 0xab));
}

TEST(Pkcs7, WrongFixedVersionIsRefusedWithItsField) {
  // ddVersion 1 violates INTEGER { ddVer0(0) } (ddVer0).
  auto r = decode<DigestedData>(hex("302c020101300906052b0e03021a050030060604672a00030414"
                                    "abababababababababababababababababababab"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
  EXPECT_NE(r.error().message.find("ddVersion"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().offset, 2u);
}

TEST(Pkcs7, SignerInfoAuthenticatedAttributesAreExplicitTwo) {
  SignerInfo si;
  si.issuer_and_serial_number.issuer = hex("3000");
  si.issuer_and_serial_number.serial_number = hex("01");
  si.digest_algorithm = {oid::sha1(), hex("0500")};
  Attribute ct;
  ct.type = oid::pkcs9_content_type();
  ct.values = {hex("0604672a000d")};  // id-set-content-PI-TBS
  si.authenticated_attributes = std::vector<Attribute>{ct};
  si.digest_encryption_algorithm = {oid::rsa_encryption(), hex("0500")};
  si.encrypted_digest = hex("00");
  Bytes der = encode(si);
  // ... a2 LL 30 LL (SEQUENCE OF) 30 LL (Attribute) 06 09 <contentType> 31 06 06 04 672a000d
  EXPECT_NE(to_hex(der).find("a2173015301306092a864886f70d0109033106" "0604672a000d"), std::string::npos)
      << to_hex(der);
}

}  // namespace
}  // namespace openset::asn1

#include "openset/asn1/linkage.hpp"

namespace openset::asn1 {
namespace {

TEST(Linkage, LCarriesT1InFullAndT2AsDetachedDigest) {
  using PIOILinkRaw = LRaw<"PI-OILink">;
  PIOILinkRaw l;
  l.t1 = from_hex("3000").value();
  l.t2.digest_algorithm = {oid::sha1(), from_hex("0500").value()};
  l.t2.content_info.content_type = oid::content(oid::ContentType::kOIData);
  l.t2.digest = Bytes(20, 1);
  Bytes der = encode(l);
  auto back = decode<PIOILinkRaw>(der);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->t1, from_hex("3000").value());
  EXPECT_EQ(type_node<PIOILinkRaw>()->name, "PI-OILink");
  EXPECT_EQ(type_node<PIOILinkRaw>()->members.size(), 2u);
}

}  // namespace
}  // namespace openset::asn1
