// Fuzzes the SET message decoders (set_message.hpp, set_paymsgs.hpp, set_certmsgs.hpp,
// set_message_wrapper.hpp): every top-level SET type and every id-set-content type.
//
// Properties (a violation is a crash, __builtin_trap):
//  * whatever a decoder accepts re-encodes to exactly the input (canonical decoding: a
//    signature or digest over received bytes equals one over our re-encoding);
//  * a refusal that carries an offset points inside the input.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/real.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"

namespace {

using openset::ByteView;
namespace a = openset::asn1;

void same_or_trap(const openset::Bytes& out, ByteView input) {
  if (out.size() != input.size() ||
      (!out.empty() && std::memcmp(out.data(), input.data(), out.size()) != 0))
    __builtin_trap();
}

template <class T>
void round_trip(ByteView input) {
  auto v = a::decode<T>(input);
  if (!v.ok()) {
    const auto& e = v.error();
    if (e.has_offset() && e.offset > input.size()) __builtin_trap();
    return;
  }
  same_or_trap(a::encode(*v), input);
}

// CapTokenSeq is a SEQUENCE OF, not a described struct.
void cap_token_seq(ByteView input) {
  openset::der::Reader r(input);
  auto s = a::spec::CapTokenSeq();
  std::vector<a::CapToken> v;
  if (!s.decode(r, v).ok() || !r.expect_end().ok()) return;
  openset::der::Writer w;
  s.encode(w, v);
  same_or_trap(w.finish(), input);
}

// REAL content octets (FloatingPoint).
void real(ByteView input) {
  auto v = a::decode_real(input, 0);
  if (v.ok()) same_or_trap(a::encode_real(*v), input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  // SetMessage
  round_trip<a::MessageWrapper>(input);
  round_trip<a::Message>(input);
  round_trip<a::MessageHeader>(input);
  round_trip<a::SetError>(input);
  round_trip<a::ErrorTBS>(input);
  round_trip<a::TransIDs>(input);
  round_trip<a::PANData>(input);
  round_trip<a::PANToken>(input);
  round_trip<a::PANData0>(input);
  round_trip<a::Thumbs>(input);
  round_trip<a::Location>(input);
  round_trip<a::CRLNotificationTBS>(input);
  // SetCertMsgs
  round_trip<a::PANOnly>(input);
  round_trip<a::AcctInfo>(input);
  round_trip<a::CardCInitReq>(input);
  round_trip<a::CardCInitResTBS>(input);
  round_trip<a::MeAqCInitReq>(input);
  round_trip<a::MeAqCInitResTBS>(input);
  round_trip<a::RegFormReqData>(input);
  round_trip<a::RegFormReqTBE>(input);
  round_trip<a::RegFormResTBS>(input);
  round_trip<a::CertReq>(input);
  round_trip<a::CertReqTBEX>(input);
  round_trip<a::CertReqTBS>(input);
  round_trip<a::CertReqData>(input);
  round_trip<a::CertRes>(input);
  round_trip<a::CertResData>(input);
  round_trip<a::CertInqReqTBS>(input);
  round_trip<a::RegFormOrReferral>(input);
  // SetPayMsgs: purchase
  round_trip<a::PInitReq>(input);
  round_trip<a::PInitResData>(input);
  round_trip<a::PReq>(input);
  round_trip<a::PI>(input);
  round_trip<a::PIData>(input);
  round_trip<a::PIDataUnsigned>(input);
  round_trip<a::OIData>(input);
  round_trip<a::HODInput>(input);
  round_trip<a::PI_TBS>(input);
  round_trip<a::PIDualSignedTBE>(input);
  round_trip<a::PIUnsignedTBE>(input);
  round_trip<a::PResData>(input);
  round_trip<a::InqReq>(input);
  round_trip<a::InqReqData>(input);
  // SetPayMsgs: gateway
  round_trip<a::AuthReq>(input);
  round_trip<a::AuthRes>(input);
  round_trip<a::AuthRevReq>(input);
  round_trip<a::AuthRevRes>(input);
  round_trip<a::CapReq>(input);
  round_trip<a::AuthReqTBS>(input);
  round_trip<a::AuthResTBS>(input);
  round_trip<a::AuthResTBSX>(input);
  round_trip<a::AuthResTBEX>(input);
  round_trip<a::AuthResBaggage>(input);
  round_trip<a::AuthRevReqBaggage>(input);
  round_trip<a::AuthRevResBaggage>(input);
  round_trip<a::AuthTokenTBS>(input);
  round_trip<a::AuthTokenTBE>(input);
  round_trip<a::CapTokenData>(input);
  round_trip<a::CapTokenTBS>(input);
  round_trip<a::CapTokenTBEX>(input);
  round_trip<a::AcqCardCodeMsg>(input);
  // SetPayMsgs: reversal, capture, credit, gateway certificate, batch
  round_trip<a::AuthRevReqTBS>(input);
  round_trip<a::AuthRevResData>(input);
  round_trip<a::AuthRevResTBS>(input);
  round_trip<a::CapReqTBS>(input);
  round_trip<a::CapReqTBSX>(input);
  round_trip<a::CapReqTBEX>(input);
  round_trip<a::CapResData>(input);
  round_trip<a::CapRevReqTBS>(input);
  round_trip<a::CapRevReqTBSX>(input);
  round_trip<a::CapRevReqTBEX>(input);
  round_trip<a::CapRevResData>(input);
  round_trip<a::CredReqTBS>(input);
  round_trip<a::CredReqTBEX>(input);
  round_trip<a::CredResData>(input);
  round_trip<a::CredRevReqTBS>(input);
  round_trip<a::CredRevResData>(input);
  round_trip<a::PCertReqData>(input);
  round_trip<a::PCertResTBS>(input);
  round_trip<a::BatchAdminReqData>(input);
  round_trip<a::BatchAdminResData>(input);
  cap_token_seq(input);
  real(input);
  return 0;
}
