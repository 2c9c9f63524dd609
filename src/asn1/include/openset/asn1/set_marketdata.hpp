// Module SetMarketData { joint-iso-itu-t(2) internationalRA(23) set(42) module(6) 8 }
// DEFINITIONS IMPLICIT TAGS (set-1.asn1 lines 3180-3391).
//
// Not typed yet. The payment messages use these types only under IMPLICIT context tags
// (SaleDetail.commercialCardData [6], MarketSpecCapData [0]/[1]/[2]), where an open type cannot
// stand in; `spec::Opaque` keeps such a value as its complete TLV, checks its tag and walks it
// for DER validity. TODO(market data): type CommercialCardData, MarketAutoCap, MarketHotelCap,
// MarketTransportCap from lines 3199-3360.
#pragma once

#include <string_view>

#include "openset/asn1/schema.hpp"

namespace openset::asn1 {
namespace spec {

// A value of a not-yet-typed SEQUENCE type under a known (usually implicit) tag: the complete
// TLV, as received. Prints as a SEQUENCE whose components are shown generically.
struct Opaque {
  using value_type = Bytes;
  std::string_view name = "SEQUENCE";
  der::Tag tag = der::tags::kSequence;
  bool matches(const der::Tag& t) const { return t == tag; }
  void encode(der::Writer& w, const Bytes& v) const { w.add_raw(v); }
  Status decode(der::Reader& r, Bytes& v) const;
  const TypeNode* node() const;
};

inline Opaque CommercialCardData() { return Opaque{.name = "CommercialCardData"}; }
inline Opaque MarketAutoCap() { return Opaque{.name = "MarketAutoCap"}; }
inline Opaque MarketHotelCap() { return Opaque{.name = "MarketHotelCap"}; }
inline Opaque MarketTransportCap() { return Opaque{.name = "MarketTransportCap"}; }

}  // namespace spec
}  // namespace openset::asn1
