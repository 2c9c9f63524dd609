// Fuzzes the SET PKCS#7 v1.6 profile decoders (openset/asn1/pkcs7.hpp).
//
// Each input is offered to every top-level decoder. Properties checked (a violation is a
// crash, __builtin_trap):
//  * whatever a decoder accepts re-encodes to exactly the input: the decoder is canonical,
//    so a signature over received bytes and one over our re-encoding can never differ;
//  * a refusal from the DER layer names an offset inside the input.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"

namespace {

using openset::ByteView;

template <class T>
void round_trip(ByteView input) {
  auto v = openset::asn1::decode<T>(input);
  if (!v.ok()) {
    const auto& e = v.error();
    if (e.has_offset() && e.offset > input.size()) __builtin_trap();
    return;
  }
  const openset::Bytes out = openset::asn1::encode(*v);
  if (out.size() != input.size() ||
      (!out.empty() && std::memcmp(out.data(), input.data(), out.size()) != 0))
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  round_trip<openset::asn1::ContentInfo>(input);
  round_trip<openset::asn1::SignedData>(input);
  round_trip<openset::asn1::EnvelopedData>(input);
  round_trip<openset::asn1::DigestedData>(input);
  round_trip<openset::asn1::EncryptedData>(input);
  round_trip<openset::asn1::SignerInfo>(input);
  return 0;
}
