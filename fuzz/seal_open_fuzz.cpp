// Fuzzes the seal layer's receiving side: bytes handed to verify_S, open_E (and open_EH) and
// open_dual_signed_pi with fixed keys. Nothing may crash, leak or read out of bounds; a
// mutated message may open only if it is byte-identical to the genuine one.
//
// Input: byte 0 selects the target and the mode, byte 1 the suite; the rest is either
//   - a whole encoding (raw mode), or
//   - patches applied to a genuine message made at start-up (mutate mode): each 3-byte group
//     (offset hi, offset lo, xor mask) flips bits at offset % size. This reaches the deep checks
//     (signature, RSA block, digests) that random bytes rarely get to without a seed corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/seal.hpp"

namespace {

using namespace openset;
using CT = asn1::oid::ContentType;

struct World {
  const crypto::Suite* suite;
  crypto::PrivateKey signer_key, gateway_key;
  asn1::IssuerAndSerialNumber signer_id, gateway_id;
  std::vector<seal::TrustedSigner> trusted;
  seal::KeyHolder gateway;
  Bytes s_der, e_der, eh_der, pi_der;
};

asn1::IssuerAndSerialNumber make_id(std::uint8_t serial) {
  der::Writer w;
  w.begin_sequence().begin_set_of().begin_sequence()
      .add_oid(der::Oid::from_arcs({2, 5, 4, 3}))
      .add_string(der::tags::kPrintableString, "fuzz")
      .end().end().end();
  return asn1::IssuerAndSerialNumber{w.finish(), Bytes{serial}};
}

Bytes sample(std::string_view text) {
  der::Writer w;
  w.begin_sequence().add_int64(7).add_octet_string(as_bytes(text)).end();
  return w.finish();
}

World make_world(crypto::SuiteId id) {
  World w;
  w.suite = &crypto::suite(id);
  w.signer_key = crypto::PrivateKey::generate_rsa(w.suite->ee_rsa_bits).value();
  w.gateway_key = crypto::PrivateKey::generate_rsa(w.suite->ee_rsa_bits).value();
  w.signer_id = make_id(1);
  w.gateway_id = make_id(2);
  w.trusted = {seal::TrustedSigner{w.signer_key.public_key(), w.signer_id}};
  w.gateway = seal::KeyHolder{&w.gateway_key, w.gateway_id};
  seal::Signer signer{&w.signer_key, w.signer_id, w.suite, {}};
  seal::Recipient gateway{w.gateway_key.public_key(), w.gateway_id, w.suite};
  const Bytes t = sample("fuzz content");
  w.s_der = asn1::encode(seal::S(signer, asn1::oid::content(CT::kPResData), t).value());
  w.e_der = asn1::encode(seal::E(gateway, asn1::oid::content(CT::kAuthReqTBE), t).value());
  w.eh_der = asn1::encode(seal::EH(gateway, asn1::oid::content(CT::kAuthReqTBE), t).value());
  der::Writer pan;
  pan.begin_sequence()
      .add_string(der::tags::kNumericString, "4111111111111111")
      .add_string(der::tags::kNumericString, "202812")
      .add_octet_string(Bytes(20, 1))
      .add_octet_string(Bytes(20, 2))
      .end();
  w.pi_der = seal::seal_dual_signed_pi(signer, gateway, sample("PIHead"), sample("OIData"),
                                       pan.finish())
                 .value()
                 .pi_dual_signed;
  return w;
}

const World& world(bool modern) {
  static const World set1 = [] {
    if (!crypto::initialize().ok()) std::abort();
    return make_world(crypto::SuiteId::kSet1);
  }();
  static const World mod = make_world(crypto::SuiteId::kModern);
  return modern ? mod : set1;
}

bool open(const World& w, unsigned target, ByteView b) {
  const seal::Policy policy = seal::Policy::all();
  switch (target) {
    case 0:
      return seal::verify_S(b, asn1::oid::content(CT::kPResData), w.trusted, policy).ok();
    case 1: {
      auto env = asn1::decode<asn1::EnvelopedData>(b);
      return env.ok() && seal::open_E(*env, w.gateway, asn1::oid::content(CT::kAuthReqTBE), policy).ok();
    }
    case 2: {
      auto env = asn1::decode<asn1::EnvelopedData>(b);
      return env.ok() &&
             seal::open_EH(*env, w.gateway, asn1::oid::content(CT::kAuthReqTBE), policy).ok();
    }
    default:
      return seal::open_dual_signed_pi(b, w.gateway, w.trusted, policy).ok();
  }
}

const Bytes& genuine(const World& w, unsigned target) {
  switch (target) {
    case 0: return w.s_der;
    case 1: return w.e_der;
    case 2: return w.eh_der;
    default: return w.pi_der;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned target = data[0] & 3u;
  const bool mutate = (data[0] & 4u) != 0;
  const World& w = world((data[1] & 1u) != 0);
  ByteView rest(data + 2, size - 2);
  if (!mutate) {
    (void)open(w, target, rest);
    return 0;
  }
  const Bytes& good = genuine(w, target);
  Bytes b = good;
  for (std::size_t i = 0; i + 3 <= rest.size(); i += 3) {
    const std::size_t at = ((std::size_t{rest[i]} << 8) | rest[i + 1]) % b.size();
    b[at] ^= rest[i + 2];
  }
  const bool opened = open(w, target, b);
  // Integrity-protected openers (S, EH, dual-signed PI) accept only the genuine bytes. A bare E
  // has no integrity of its own (SET always wraps it: Enc, EH, EX inside a signature).
  if (opened && target != 1 && b != good) std::abort();
  return 0;
}
