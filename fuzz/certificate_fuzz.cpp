// Fuzz target for SET's certificate profile: decode the input as a Certificate, a CRL and a
// BrandCRLIdentifier (a successful decode must re-encode to exactly the input: strict DER), and
// run path validation on it as a leaf under a fixed trusted root (signatures must fail cleanly).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "openset/asn1/set_certificate.hpp"
#include "openset/pki/pki.hpp"

namespace {

using namespace openset;

struct World {
  std::optional<pki::CertificateAuthority> root;
  std::optional<pki::PathValidator> validator;
  World() {
    const auto& suite = crypto::suite(crypto::SuiteId::kSet1);
    auto k1 = crypto::PrivateKey::generate_rsa(2048);
    auto k2 = crypto::PrivateKey::generate_rsa(2048);
    if (!k1.ok() || !k2.ok()) std::abort();
    der::Time t0;
    t0.year = 2026;
    auto r = pki::CertificateAuthority::create_root(suite, *k1, k2->public_key(),
                                                    pki::set_name("OpenSET Root", "SET Root", "Fuzz Root"), t0);
    if (!r.ok()) std::abort();
    root.emplace(std::move(r).value());
    pki::TrustStore trust;
    if (!trust.add_root(root->certificate()).ok()) std::abort();
    validator.emplace(std::move(trust));
  }
};

template <class T>
void round_trip(openset::ByteView in) {
  auto v = openset::asn1::decode<T>(in);
  if (!v.ok()) return;
  openset::Bytes again = openset::asn1::encode(*v);
  if (again.size() != in.size() || !std::equal(again.begin(), again.end(), in.begin())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  openset::ByteView in(data, size);
  round_trip<asn1::Certificate>(in);
  round_trip<asn1::CRL>(in);
  round_trip<asn1::BrandCRLIdentifier>(in);
  (void)asn1::split_signed(in);

  std::vector<Bytes> crls = {Bytes(in.begin(), in.end())};
  pki::ValidationRequest req;
  req.leaf = in;
  der::Time now;
  now.year = 2026;
  now.month = 6;
  req.at = now;
  req.expected = pki::CertType::kMerchantSignature;
  auto r = world.validator->validate(req);
  if (r.ok()) std::abort();  // nothing but a certificate the root signed can validate
  req.crls = crls;
  req.leaf = world.root->certificate();
  req.expected = pki::CertType::kRoot;
  (void)world.validator->validate(req);
  world.validator->clear_cache();  // bounded memory
  return 0;
}
