#include "openset/pki/identity.hpp"

#include <cctype>
#include <string>

#include "openset/crypto/digest.hpp"
#include "openset/seal/digest.hpp"

namespace openset::pki {

asn1::Name set_name(std::string_view organization, std::string_view unit, std::string_view common_name,
                    std::string_view country) {
  return asn1::Name::make({{asn1::NameAttr::kC, std::string(country)},
                           {asn1::NameAttr::kO, std::string(organization)},
                           {asn1::NameAttr::kOU, std::string(unit)},
                           {asn1::NameAttr::kCN, std::string(common_name)}});
}

Result<SecretBytes> pan_secret(const SecretBytes& card_secret, ByteView nonce_cca) {
  if (card_secret.size() != 20 || nonce_cca.size() != 20)
    return Error(Errc::kInvalidArgument, "PANSecret: CardSecret and NonceCCA must be 20 octets each");
  SecretBytes out(card_secret.view());
  for (std::size_t i = 0; i < 20; ++i) out.data()[i] = static_cast<std::uint8_t>(out.data()[i] ^ nonce_cca[i]);
  return out;
}

Result<Bytes> hashed_account_number(const crypto::Suite& suite, std::string_view pan,
                                    std::string_view card_expiry, const SecretBytes& pan_secret) {
  asn1::HMACPanData data{std::string(pan), std::string(card_expiry)};
  Bytes der = asn1::encode(data);
  // Validate the constraints (PAN NumericString 1..19, CardExpiry 6 digits) by decoding.
  auto check = asn1::decode<asn1::HMACPanData>(der);
  if (!check.ok()) {
    secure_wipe(der);
    return Error(Errc::kConstraint, "HMACPanData: PAN or cardExpiry out of SET's constraints");
  }
  secure_wipe(check->pan.data(), check->pan.size());
  auto mac = seal::HMAC(suite, pan_secret.view(), der);
  secure_wipe(der);
  return mac;
}

Result<std::string> unique_cardholder_id(const crypto::Suite& suite, std::string_view pan,
                                         std::string_view card_expiry, const SecretBytes& pan_secret) {
  OPENSET_TRY(Bytes mac, hashed_account_number(suite, pan, card_expiry, pan_secret));
  std::string hex = to_hex(mac);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

Result<asn1::Name> cardholder_name(const crypto::Suite& suite, std::string_view brand,
                                   std::string_view issuer, std::string_view pan,
                                   std::string_view card_expiry, const SecretBytes& pan_secret,
                                   std::string_view country) {
  OPENSET_TRY(std::string id, unique_cardholder_id(suite, pan, card_expiry, pan_secret));
  return set_name(brand, issuer, id, country);
}

Result<der::Time> card_expiry_end(std::string_view e) {
  if (e.size() != 6) return Error(Errc::kConstraint, "CardExpiry must be YYYYMM");
  for (char c : e)
    if (c < '0' || c > '9') return Error(Errc::kConstraint, "CardExpiry must be YYYYMM");
  int year = std::stoi(std::string(e.substr(0, 4)));
  int month = std::stoi(std::string(e.substr(4, 2)));
  if (month < 1 || month > 12) return Error(Errc::kConstraint, "CardExpiry month out of range");
  der::Time first_of_next;
  first_of_next.year = month == 12 ? year + 1 : year;
  first_of_next.month = month == 12 ? 1 : month + 1;
  first_of_next.day = 1;
  return der::Time::from_unix(first_of_next.to_unix() - 1);
}

Result<Bytes> thumbprint(crypto::DigestAlg alg, ByteView signed_der) {
  OPENSET_TRY(asn1::SignedParts parts, asn1::split_signed(signed_der));
  return crypto::digest(alg, parts.to_be_signed);
}

Result<asn1::CertThumb> cert_thumb(const crypto::Suite& suite, ByteView signed_der) {
  OPENSET_TRY(Bytes t, thumbprint(suite.digest, signed_der));
  OPENSET_TRY(asn1::AlgorithmIdentifier alg, asn1::decode<asn1::AlgorithmIdentifier>(suite.digest_algorithm_id()));
  return asn1::CertThumb{std::move(alg), std::move(t)};
}

namespace {
Result<std::optional<std::vector<Bytes>>> thumbs_of(crypto::DigestAlg alg, std::span<const Bytes> items) {
  if (items.empty()) return std::optional<std::vector<Bytes>>{};
  std::vector<Bytes> out;
  for (const auto& i : items) {
    OPENSET_TRY(Bytes t, thumbprint(alg, i));
    out.push_back(std::move(t));
  }
  return std::optional<std::vector<Bytes>>(std::move(out));
}
}  // namespace

Result<asn1::Thumbs> make_thumbs(const crypto::Suite& suite, std::span<const Bytes> certificates,
                                 std::span<const Bytes> crls, std::span<const Bytes> brand_crl_ids) {
  asn1::Thumbs t;
  OPENSET_TRY(t.digest_algorithm, asn1::decode<asn1::AlgorithmIdentifier>(suite.digest_algorithm_id()));
  OPENSET_TRY(t.cert_thumbs, thumbs_of(suite.digest, certificates));
  OPENSET_TRY(t.crl_thumbs, thumbs_of(suite.digest, crls));
  OPENSET_TRY(t.brand_crl_id_thumbs, thumbs_of(suite.digest, brand_crl_ids));
  return t;
}

Result<std::vector<Bytes>> not_held(const asn1::AlgorithmIdentifier& peer_digest_algorithm,
                                    const std::vector<Bytes>& have, std::span<const Bytes> items) {
  OPENSET_TRY(crypto::DigestAlg alg, crypto::parse_digest_algorithm(asn1::encode(peer_digest_algorithm)));
  std::vector<Bytes> out;
  for (const auto& i : items) {
    OPENSET_TRY(Bytes t, thumbprint(alg, i));
    bool held = false;
    for (const auto& h : have)
      if (h == t) held = true;
    if (!held) out.push_back(i);
  }
  return out;
}

}  // namespace openset::pki
