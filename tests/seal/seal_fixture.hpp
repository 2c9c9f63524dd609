// Shared fixture for the seal tests: parties per suite, sample SET-shaped values, and the
// bit-flip harness.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/seal.hpp"
#include "openset/test/party.hpp"
#include "openset/test/seal_parties.hpp"
#include "openset/test/tools.hpp"

namespace openset::seal::testing {

using crypto::SuiteId;
using oid_ct = asn1::oid::ContentType;
inline const der::Oid& ct(oid_ct t) { return asn1::oid::content(t); }

inline constexpr std::string_view kPan = "4111111111111111";

// Sample values shaped like SET's (built directly in DER; the typed messages live in asn1/app).
inline Bytes sample_t(std::string_view text = "order 1234: two widgets") {
  der::Writer w;
  w.begin_sequence().add_int64(42).add_octet_string(as_bytes(text)).add_string(
      der::tags::kVisibleString, "EN").end();
  return w.finish();
}
// PANData ::= SEQUENCE { pan PAN, cardExpiry CardExpiry, panSecret Secret, exNonce Nonce }
inline Bytes sample_pan_data(std::string_view pan = kPan) {
  der::Writer w;
  w.begin_sequence()
      .add_string(der::tags::kNumericString, pan)
      .add_string(der::tags::kNumericString, "202812")
      .add_octet_string(Bytes(20, 0x5a))
      .add_octet_string(crypto::random_bytes(20))
      .end();
  return w.finish();
}
// PANToken ::= SEQUENCE { pan PAN, cardExpiry CardExpiry, exNonce Nonce }
inline Bytes sample_pan_token(std::string_view pan = kPan) {
  der::Writer w;
  w.begin_sequence()
      .add_string(der::tags::kNumericString, pan)
      .add_string(der::tags::kNumericString, "202812")
      .add_octet_string(crypto::random_bytes(20))
      .end();
  return w.finish();
}
inline Bytes sample_baggage(std::string_view text = "baggage: an envelope for someone else") {
  der::Writer w;
  w.begin_sequence().add_octet_string(as_bytes(text)).add_int64(7).end();
  return w.finish();
}

class SealTest : public ::testing::TestWithParam<SuiteId> {
 protected:
  SuiteId id() const { return GetParam(); }
  const crypto::Suite& suite() const { return crypto::suite(id()); }
  const test::Party& cardholder() const { return test::make_party(id(), "cardholder"); }
  const test::Party& merchant() const { return test::make_party(id(), "merchant"); }
  const test::Party& gateway() const { return test::make_party(id(), "gateway"); }
  const test::Party& mallory() const { return test::make_party(id(), "mallory"); }
  // The other suite, for policy tests.
  SuiteId other() const { return id() == SuiteId::kSet1 ? SuiteId::kModern : SuiteId::kSet1; }
  Policy policy() const { return Policy::only(id()); }
  Policy refusing() const { return Policy::only(other()); }
  std::vector<TrustedSigner> trust(const test::Party& p) const { return {test::trusted(p)}; }
};

inline std::string suite_name(const ::testing::TestParamInfo<SuiteId>& info) {
  return std::string(crypto::to_string(info.param));
}

#define OPENSET_SEAL_SUITES(fixture) \
  INSTANTIATE_TEST_SUITE_P(Suites, fixture,                                               \
                           ::testing::Values(::openset::crypto::SuiteId::kSet1,            \
                                             ::openset::crypto::SuiteId::kModern),        \
                           ::openset::seal::testing::suite_name)

// Flips one bit at every byte position (bit (i*5+3) % 8), or at a dense sample for inputs over
// `max_positions` bytes (every byte of the first and last 256, and an even stride between).
// `accept` returns true when the modified encoding was (correctly) rejected.
inline std::vector<std::size_t> flip_positions(std::size_t n, std::size_t max_positions = 4096) {
  std::vector<std::size_t> pos;
  if (n <= max_positions) {
    for (std::size_t i = 0; i < n; ++i) pos.push_back(i);
    return pos;
  }
  for (std::size_t i = 0; i < 256; ++i) pos.push_back(i);
  const std::size_t stride = std::max<std::size_t>(1, (n - 512) / (max_positions - 512));
  for (std::size_t i = 256; i < n - 256; i += stride) pos.push_back(i);
  for (std::size_t i = n - 256; i < n; ++i) pos.push_back(i);
  return pos;
}
inline Bytes flipped(ByteView good, std::size_t i) {
  Bytes b(good.begin(), good.end());
  b[i] ^= static_cast<std::uint8_t>(1u << ((i * 5 + 3) % 8));
  return b;
}

// Every single-bit flip must be rejected by `open` (which returns true when the input was
// accepted as genuine). Returns the number of positions tried.
inline std::size_t expect_every_flip_rejected(ByteView good,
                                              const std::function<bool(ByteView)>& accepted,
                                              std::string_view what) {
  EXPECT_TRUE(accepted(good)) << what << ": the unmodified encoding must open";
  std::size_t tried = 0, failures = 0;
  for (std::size_t i : flip_positions(good.size())) {
    ++tried;
    if (accepted(flipped(good, i))) {
      if (++failures <= 5) ADD_FAILURE() << what << ": a bit flip at offset " << i << " of "
                                         << good.size() << " was accepted";
    }
  }
  EXPECT_EQ(failures, 0u) << what;
  return tried;
}

// Offset of `needle` inside `hay` (or npos).
inline std::size_t find(ByteView hay, ByteView needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
  return it == hay.end() ? std::string::npos : static_cast<std::size_t>(it - hay.begin());
}

}  // namespace openset::seal::testing
