// A SET hierarchy for tests, rebuilt per test (keys are cached by the test support library):
//
//   Root (hashedRootKey -> next root key)
//    +-- Atlas brand CA
//    |    +-- Atlas North America (geo-political CA)
//    |    |    +-- Atlas CCA --------- cardholder
//    |    +-- Atlas MCA --------------- merchant signature, merchant key-exchange
//    |    +-- Atlas PCA --------------- gateway signature, gateway key-exchange
//    +-- Meridian brand CA
//         +-- Meridian MCA ------------ merchant signature
#pragma once

#include <ctime>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "openset/asn1/oids.hpp"
#include "openset/crypto/algorithms.hpp"
#include "openset/pki/pki.hpp"
#include "openset/test/party.hpp"

namespace openset::pki::testing {

inline der::Time at(int y, int mo, int d, int h = 0) {
  der::Time t;
  t.year = y;
  t.month = mo;
  t.day = d;
  t.hour = h;
  return t;
}
inline const der::Time kT0 = at(2026, 1, 1);
inline const der::Time kNow = at(2026, 2, 1);

// Midnight UTC of today, for checks by tools that read the wall clock (certtool).
inline der::Time today() {
  der::Time t = der::Time::from_unix(std::time(nullptr));
  t.hour = t.minute = t.second = 0;
  return t;
}

inline const char* kPan = "4111111111111111";
// Card expiry: December two years from now, so that certificates issued "today" for the
// certtool cross-check are valid whatever year the tests run in.
inline const char* const kExpiry = [] {
  static const std::string e = std::to_string(today().year + 2) + "12";
  return e.c_str();
}();

inline crypto::PrivateKey key(crypto::SuiteId s, const char* name, bool ca) {
  const auto& suite = crypto::suite(s);
  return test::make_party_with_bits(s, std::string("pki-") + name, ca ? suite.ca_rsa_bits : suite.ee_rsa_bits).key;
}

inline asn1::MerchantDataSyntax merchant_data(const char* id) {
  asn1::MerchantDataSyntax md;
  md.mer_id = id;
  md.mer_acquirer_bin = "400001";
  asn1::MerNames n;
  n.language = "en";
  n.name = "Corner Shop";
  n.city = "Springfield";
  n.country_name = "USA";
  md.mer_name_seq.push_back(n);
  md.mer_country = 840;
  return md;
}

template <class T>
T must(Result<T> r) {
  if (!r.ok()) {
    ADD_FAILURE() << r.error().to_string();
    std::abort();
  }
  return std::move(r).value();
}

struct Hierarchy {
  const crypto::Suite* suite;
  IssueOptions options;
  der::Time t0;  // when every certificate of the hierarchy starts
  std::optional<CertificateAuthority> root, atlas, atlas_geo, atlas_cca, atlas_mca, atlas_pca, meridian,
      meridian_mca;
  SecretBytes card_secret{Bytes(20, 0x11)};
  Bytes nonce_cca = Bytes(20, 0x22);
  Bytes cardholder, merchant_sig, merchant_kx, gateway_sig, gateway_kx, meridian_merchant;

  explicit Hierarchy(crypto::SuiteId s, IssueOptions opts = {}, der::Time start = kT0)
      : suite(&crypto::suite(s)), options(std::move(opts)), t0(start) {
    root = must(CertificateAuthority::create_root(*suite, key(s, "root", true), key(s, "root2", true).public_key(),
                                                  set_name("OpenSET Root", "SET Root", "OpenSET Root CA 1"), t0,
                                                  options));
    atlas = must(root->create_subordinate(CertType::kBrand, key(s, "atlas", true),
                                          set_name("Atlas", "Brand CA", "Atlas Brand CA"), t0, options));
    meridian = must(root->create_subordinate(CertType::kBrand, key(s, "meridian", true),
                                             set_name("Meridian", "Brand CA", "Meridian Brand CA"), t0, options));
    atlas_geo = must(atlas->create_subordinate(CertType::kGeoPolitical, key(s, "atlas-geo", true),
                                               set_name("Atlas", "Geo-political CA", "Atlas North America"), t0,
                                               options));
    atlas_cca = must(atlas_geo->create_subordinate(CertType::kCardholderCA, key(s, "atlas-cca", true),
                                                   set_name("Atlas", "CCA", "Atlas First Bank CCA"), t0, options));
    atlas_mca = must(atlas->create_subordinate(CertType::kMerchantCA, key(s, "atlas-mca", true),
                                               set_name("Atlas", "MCA", "Atlas Acquirer MCA"), t0, options));
    atlas_pca = must(atlas->create_subordinate(CertType::kPaymentGatewayCA, key(s, "atlas-pca", true),
                                               set_name("Atlas", "PCA", "Atlas Gateway PCA"), t0, options));
    meridian_mca = must(meridian->create_subordinate(CertType::kMerchantCA, key(s, "meridian-mca", true),
                                                     set_name("Meridian", "MCA", "Meridian Acquirer MCA"), t0,
                                                     options));
    SecretBytes ps = must(pan_secret(card_secret, nonce_cca));
    IssueRequest ch;
    ch.type = CertType::kCardholder;
    ch.subject = must(cardholder_name(*suite, "Atlas", "Atlas First Bank", kPan, kExpiry, ps));
    ch.public_key = key(s, "cardholder", false).public_key();
    ch.not_before = t0;
    ch.card_expiry = kExpiry;
    ch.options = options;
    cardholder = must(atlas_cca->issue(ch));
    merchant_sig = must(atlas_mca->issue(ee(CertType::kMerchantSignature, "Atlas", "Corner Shop", "merchant-sig")));
    merchant_kx = must(atlas_mca->issue(ee(CertType::kMerchantKeyExchange, "Atlas", "Corner Shop", "merchant-kx")));
    gateway_sig = must(atlas_pca->issue(ee(CertType::kGatewaySignature, "Atlas", "Atlas Gateway", "gateway-sig")));
    gateway_kx = must(atlas_pca->issue(ee(CertType::kGatewayKeyExchange, "Atlas", "Atlas Gateway", "gateway-kx")));
    meridian_merchant =
        must(meridian_mca->issue(ee(CertType::kMerchantSignature, "Meridian", "Harbour Books", "meridian-merchant")));
  }

  IssueRequest ee(CertType t, const char* brand, const char* cn, const char* keyname) const {
    IssueRequest r;
    r.type = t;
    r.subject = set_name(brand, t == CertType::kGatewaySignature || t == CertType::kGatewayKeyExchange
                                    ? "Payment Gateway" : "Merchant", cn);
    r.public_key = key(suite->id, keyname, false).public_key();
    r.not_before = t0;
    if (t == CertType::kMerchantSignature) r.merchant_data = merchant_data("MER-0001");
    if (t == CertType::kGatewayKeyExchange) {
      asn1::TunnelingSyntax tun;
      tun.tunnel_alg_ids = {asn1::oid::des_cbc()};
      r.tunneling = tun;
    }
    r.options = options;
    return r;
  }

  // Every CA certificate below the root (the untrusted pool a party receives).
  std::vector<Bytes> intermediates() const {
    return {atlas->certificate(), meridian->certificate(), atlas_geo->certificate(), atlas_cca->certificate(),
            atlas_mca->certificate(), atlas_pca->certificate(), meridian_mca->certificate()};
  }
  TrustStore trust() const {
    TrustStore t;
    EXPECT_TRUE(t.add_root(root->certificate()).ok());
    return t;
  }
};

}  // namespace openset::pki::testing
