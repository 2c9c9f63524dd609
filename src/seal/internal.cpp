#include "internal.hpp"

#include <utility>

namespace openset::seal::detail {

std::string describe_oid(const der::Oid& o) {
  std::string s = o.to_string();
  std::string_view name = asn1::oid::name_of(o);
  if (!name.empty()) {
    s += " (";
    s += name;
    s += ")";
  }
  return s;
}

Status check_one_tlv(ByteView der, std::string_view what) {
  der::Reader r(der);
  auto e = r.read_any();
  if (!e.ok() || !r.empty())
    return make_error(Errc::kInvalidArgument,
                      std::string(what) + " must be exactly one complete DER TLV");
  return Ok{};
}

Result<ByteView> one_tlv(ByteView data, std::string_view what) {
  der::Reader r(data);
  auto e = r.read_any();
  if (!e.ok()) {
    Error err = std::move(e).error();
    err.prefix(what);
    return err;
  }
  if (!r.empty())
    return make_error(Errc::kMalformed, std::string(what) + ": trailing data after the value",
                      r.offset());
  return e->tlv;
}

Result<const crypto::Suite*> need_suite(const crypto::Suite* s, std::string_view who) {
  if (s == nullptr)
    return make_error(Errc::kInvalidArgument, std::string(who) + ": no suite given");
  return s;
}

asn1::AlgorithmIdentifier alg_id(const Bytes& tlv) {
  auto a = asn1::decode<asn1::AlgorithmIdentifier>(tlv);
  // The crypto layer produces these; a failure is a programming error there.
  if (!a.ok()) return asn1::AlgorithmIdentifier{};
  return std::move(a).value();
}

namespace {
SuiteAlgIds make_alg_ids(crypto::SuiteId id) {
  const crypto::Suite& s = crypto::suite(id);
  return SuiteAlgIds{alg_id(s.digest_algorithm_id()), alg_id(s.signer_algorithm_id()),
                     alg_id(s.key_transport_algorithm_id()),
                     alg_id(s.content_encryption_algorithm_id(Bytes(crypto::iv_size(s.cipher))))};
}
}  // namespace

const SuiteAlgIds& alg_ids(const crypto::Suite& suite) {
  static const SuiteAlgIds set1 = make_alg_ids(crypto::SuiteId::kSet1);
  static const SuiteAlgIds modern = make_alg_ids(crypto::SuiteId::kModern);
  return suite.id == crypto::SuiteId::kSet1 ? set1 : modern;
}

Result<crypto::KeyTransport> key_transport_of(const asn1::AlgorithmIdentifier& alg) {
  for (crypto::SuiteId id : {crypto::SuiteId::kSet1, crypto::SuiteId::kModern}) {
    const crypto::Suite& s = crypto::suite(id);
    if (alg == alg_ids(s).key_transport) return s.key_transport;
  }
  return crypto::parse_key_transport_algorithm(asn1::encode(alg));
}

asn1::AlgorithmIdentifier content_encryption_alg_id(const crypto::Suite& suite, ByteView iv) {
  asn1::AlgorithmIdentifier a = alg_ids(suite).content_encryption;
  der::Writer w;
  w.add_octet_string(iv);
  a.parameters = w.finish();
  return a;
}

Status check_signer_algorithm(const asn1::AlgorithmIdentifier& alg) {
  for (crypto::SuiteId id : {crypto::SuiteId::kSet1, crypto::SuiteId::kModern})
    if (alg == alg_ids(crypto::suite(id)).signer) return Ok{};
  return crypto::parse_signer_algorithm(asn1::encode(alg));  // other spellings, and the errors
}

Result<DigestSuite> digest_suite(const asn1::AlgorithmIdentifier& alg, const Policy& policy) {
  // Fast path: exactly the suites' own encodings.
  for (crypto::SuiteId id : {crypto::SuiteId::kSet1, crypto::SuiteId::kModern}) {
    const crypto::Suite& s = crypto::suite(id);
    if (alg == alg_ids(s).digest) {
      OPENSET_CHECK(policy.suites.check(id));
      return DigestSuite{s.digest, id};
    }
  }
  OPENSET_TRY(crypto::DigestAlg d, crypto::parse_digest_algorithm(asn1::encode(alg)));
  OPENSET_TRY(crypto::SuiteId id, crypto::identify_suite(d, std::nullopt, std::nullopt));
  OPENSET_CHECK(policy.suites.check(id));
  return DigestSuite{d, id};
}

Error content_type_error(std::string_view where, const der::Oid& got, const der::Oid& expected) {
  return Error(Errc::kConstraint, std::string(where) + " is " + describe_oid(got) +
                                      ", expected " + describe_oid(expected));
}

Error does_not_open() { return Error(Errc::kDecrypt, "envelope does not open"); }
Error not_addressed() {
  return Error(Errc::kDecrypt, "envelope is not addressed to this key");
}

Bytes sequence_of_two(ByteView a, ByteView b) {
  der::Writer w;
  w.begin_sequence().add_raw(a).add_raw(b).end();
  return w.finish();
}

}  // namespace openset::seal::detail
