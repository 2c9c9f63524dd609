// Names, the cardholder's hashed account number, and thumbprints.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::pki {

// A SET subject name: C, O (the brand, or the root's organisation), OU, CN - one RDN each.
// (Which value goes into which RDN is a Book 2 table we do not have [NF]; docs/pki.md.)
asn1::Name set_name(std::string_view organization, std::string_view unit, std::string_view common_name,
                    std::string_view country = "US");

// ---------------------------------------------------------------------------------------------
// Cardholder certificate: the hashed account number (notes §5.6; docs/pki.md "Reconstructions").
//   PANSecret = CardSecret XOR NonceCCA                           (20 octets each)
//   unique cardholder ID = HMAC(key = PANSecret, DER(HMACPanData { pan, cardExpiry }))
//                          with the suite's digest (set1: HMAC-SHA1, 20 octets)
//   CN = the ID in upper-case hex (40 characters in set1, 64 in modern)

// CardSecret XOR NonceCCA; both must be 20 octets (kInvalidArgument otherwise).
Result<SecretBytes> pan_secret(const SecretBytes& card_secret, ByteView nonce_cca);
// The raw HMAC. pan/expiry must satisfy PAN / CardExpiry (kConstraint otherwise).
Result<Bytes> hashed_account_number(const crypto::Suite& suite, std::string_view pan,
                                    std::string_view card_expiry, const SecretBytes& pan_secret);
// The CN text: upper-case hex of hashed_account_number.
Result<std::string> unique_cardholder_id(const crypto::Suite& suite, std::string_view pan,
                                         std::string_view card_expiry, const SecretBytes& pan_secret);
// The cardholder subject: C, O = brand, OU = issuer name, CN = unique cardholder ID.
Result<asn1::Name> cardholder_name(const crypto::Suite& suite, std::string_view brand,
                                   std::string_view issuer, std::string_view pan,
                                   std::string_view card_expiry, const SecretBytes& pan_secret,
                                   std::string_view country = "US");
// The last second of a CardExpiry month ("YYYYMM"), the latest a cardholder certificate may run.
Result<der::Time> card_expiry_end(std::string_view card_expiry);

// ---------------------------------------------------------------------------------------------
// Thumbprints (notes §5.9): the digest of the to-be-signed part (UnsignedCertificate,
// UnsignedCertificateRevocationList or UnsignedBrandCRLIdentifier) exactly as received.
Result<Bytes> thumbprint(crypto::DigestAlg alg, ByteView signed_der);
Result<asn1::CertThumb> cert_thumb(const crypto::Suite& suite, ByteView signed_der);
// Thumbs listing what a party already holds.
Result<asn1::Thumbs> make_thumbs(const crypto::Suite& suite, std::span<const Bytes> certificates,
                                 std::span<const Bytes> crls, std::span<const Bytes> brand_crl_ids);
// What to send a peer that announced `peer_has`: the items of `items` whose thumbprint is not in
// `have` (certThumbs, crlThumbs or brandCRLIdThumbs of the peer's Thumbs). The digest algorithm
// is the peer's (kUnsupported if we do not know it).
Result<std::vector<Bytes>> not_held(const asn1::AlgorithmIdentifier& peer_digest_algorithm,
                                    const std::vector<Bytes>& have, std::span<const Bytes> items);

}  // namespace openset::pki
