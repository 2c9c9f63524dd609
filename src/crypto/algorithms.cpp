#include "openset/crypto/algorithms.hpp"

#include <array>
#include <cstdlib>
#include <string>

namespace openset::crypto {

std::size_t digest_size(DigestAlg alg) noexcept { return alg == DigestAlg::kSha1 ? 20 : 32; }
std::size_t key_size(CipherAlg alg) noexcept { return alg == CipherAlg::kDesCbc ? 8 : 32; }
std::size_t iv_size(CipherAlg alg) noexcept { return alg == CipherAlg::kDesCbc ? 8 : 16; }
std::size_t block_size(CipherAlg alg) noexcept { return alg == CipherAlg::kDesCbc ? 8 : 16; }

std::string_view to_string(DigestAlg alg) noexcept {
  return alg == DigestAlg::kSha1 ? "SHA-1" : "SHA-256";
}
std::string_view to_string(CipherAlg alg) noexcept {
  return alg == CipherAlg::kDesCbc ? "DES-CBC" : "AES-256-CBC";
}
std::string_view to_string(KeyTransport kt) noexcept {
  return kt == KeyTransport::kSetOaep ? "SET OAEP" : "RSAES-OAEP-SHA256";
}
std::string_view to_string(SuiteId id) noexcept { return id == SuiteId::kSet1 ? "set1" : "modern"; }

// ---------------------------------------------------------------------------------------------
// OIDs
namespace oid {
#define OPENSET_OID(fn, ...)                                   \
  const der::Oid& fn() {                                       \
    static const der::Oid o = der::Oid::from_arcs({__VA_ARGS__}); \
    return o;                                                  \
  }
OPENSET_OID(sha1, 1, 3, 14, 3, 2, 26)
OPENSET_OID(sha256, 2, 16, 840, 1, 101, 3, 4, 2, 1)
OPENSET_OID(rsa_encryption, 1, 2, 840, 113549, 1, 1, 1)
OPENSET_OID(sha1_with_rsa, 1, 2, 840, 113549, 1, 1, 5)
OPENSET_OID(sha256_with_rsa, 1, 2, 840, 113549, 1, 1, 11)
OPENSET_OID(rsa_oaep_set, 1, 2, 840, 113549, 1, 1, 6)
OPENSET_OID(rsaes_oaep, 1, 2, 840, 113549, 1, 1, 7)
OPENSET_OID(mgf1, 1, 2, 840, 113549, 1, 1, 8)
OPENSET_OID(p_specified, 1, 2, 840, 113549, 1, 1, 9)
OPENSET_OID(des_cbc, 1, 3, 14, 3, 2, 7)
OPENSET_OID(des_cdmf, 1, 2, 840, 113549, 3, 10)
OPENSET_OID(aes256_cbc, 2, 16, 840, 1, 101, 3, 4, 1, 42)
#undef OPENSET_OID
}  // namespace oid

// ---------------------------------------------------------------------------------------------
// Encoding
namespace {

const der::Oid& digest_oid(DigestAlg alg) {
  return alg == DigestAlg::kSha1 ? oid::sha1() : oid::sha256();
}

Bytes alg_id_with_null(const der::Oid& o) {
  der::Writer w;
  w.begin_sequence().add_oid(o).add_null().end();
  return w.finish();
}

}  // namespace

Bytes Suite::digest_algorithm_id() const { return alg_id_with_null(digest_oid(digest)); }

Bytes Suite::signer_algorithm_id() const { return alg_id_with_null(oid::rsa_encryption()); }

Bytes Suite::certificate_signature_algorithm_id() const {
  return alg_id_with_null(digest == DigestAlg::kSha1 ? oid::sha1_with_rsa() : oid::sha256_with_rsa());
}

Bytes Suite::key_transport_algorithm_id() const {
  if (key_transport == KeyTransport::kSetOaep) return alg_id_with_null(oid::rsa_oaep_set());
  const Bytes sha256_id = alg_id_with_null(oid::sha256());
  der::Writer w;
  w.begin_sequence().add_oid(oid::rsaes_oaep());
  w.begin_sequence();                                        // RSAES-OAEP-params
  w.begin(der::context(0, true)).add_raw(sha256_id).end();   // hashFunc
  w.begin(der::context(1, true))                             // maskGenFunc
      .begin_sequence().add_oid(oid::mgf1()).add_raw(sha256_id).end()
      .end();
  // pSourceFunc [2]: DEFAULT pSpecifiedEmpty, omitted (DER).
  w.end();
  w.end();
  return w.finish();
}

Bytes Suite::content_encryption_algorithm_id(ByteView iv) const {
  if (iv.size() != iv_size(cipher)) std::abort();  // programming error, see header
  der::Writer w;
  w.begin_sequence()
      .add_oid(cipher == CipherAlg::kDesCbc ? oid::des_cbc() : oid::aes256_cbc())
      .add_octet_string(iv)
      .end();
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Suites
namespace {

const std::array<Suite, 2> kSuites = {{
    {SuiteId::kSet1, "set1", "SHA-1, DES-CBC, SET OAEP", DigestAlg::kSha1, CipherAlg::kDesCbc,
     KeyTransport::kSetOaep, 1024, 2048},
    {SuiteId::kModern, "modern", "SHA-256, AES-256-CBC, RSAES-OAEP-SHA256", DigestAlg::kSha256,
     CipherAlg::kAes256Cbc, KeyTransport::kRsaesOaepSha256, 2048, 3072},
}};

}  // namespace

const Suite& suite(SuiteId id) noexcept { return id == SuiteId::kSet1 ? kSuites[0] : kSuites[1]; }

const Suite& default_suite() noexcept { return suite(SuiteId::kModern); }

Result<const Suite*> suite_by_name(std::string_view name) {
  for (const Suite& s : kSuites)
    if (s.name == name) return &s;
  std::string valid;
  for (const Suite& s : kSuites) {
    if (!valid.empty()) valid += ", ";
    valid += s.name;
  }
  return make_error(Errc::kInvalidArgument,
                    "unknown suite '" + std::string(name) + "' (valid suites: " + valid + ")");
}

// ---------------------------------------------------------------------------------------------
// Parsing
namespace {

// SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }, read from `r`. `body` is
// left positioned at the parameters.
struct AlgHead {
  der::Oid oid;
  std::size_t oid_offset = 0;
  der::Reader body;
};

Result<AlgHead> enter_alg_id(der::Reader& r) {
  AlgHead h;
  OPENSET_TRY(h.body, r.enter_sequence());
  h.oid_offset = h.body.offset();
  OPENSET_TRY(h.oid, h.body.read_oid());
  return h;
}

Error unsupported(std::string_view what, const AlgHead& h, std::string_view note = {}) {
  std::string m = "unsupported " + std::string(what) + " algorithm " + h.oid.to_string();
  if (!note.empty()) m += " (" + std::string(note) + ")";
  return make_error(Errc::kUnsupported, std::move(m), h.oid_offset);
}

// Parameters must be NULL or absent, and nothing may follow.
Status null_or_absent(der::Reader& body, std::string_view alg_name) {
  if (!body.empty()) {
    if (!body.peek_is(der::tags::kNull)) {
      auto tag = body.peek_tag();
      return make_error(Errc::kMalformed,
                        std::string(alg_name) + " parameters must be NULL or absent, found " +
                            (tag.ok() ? tag->to_string() : std::string("garbage")),
                        body.offset());
    }
    OPENSET_CHECK(body.read_null());
  }
  return body.expect_end();
}

Result<DigestAlg> read_digest_alg(der::Reader& r) {
  OPENSET_TRY(AlgHead h, enter_alg_id(r));
  DigestAlg alg;
  if (h.oid == oid::sha1()) {
    alg = DigestAlg::kSha1;
  } else if (h.oid == oid::sha256()) {
    alg = DigestAlg::kSha256;
  } else {
    return unsupported("digest", h);
  }
  OPENSET_CHECK(null_or_absent(h.body, to_string(alg)));
  return alg;
}

// The whole input must be exactly one AlgorithmIdentifier.
template <class F>
auto parse_whole(ByteView tlv, std::string_view what, F&& read) -> decltype(read(std::declval<der::Reader&>())) {
  der::Reader top(tlv);
  auto r = read(top);
  if (!r.ok()) {
    Error e = std::move(r).error();
    e.prefix(what);
    return e;
  }
  if (auto end = top.expect_end(); !end.ok()) {
    Error e = std::move(end).error();
    e.prefix(what);
    return e;
  }
  return r;
}

// RSAES-OAEP-params (RFC 4055 §4.1). We accept exactly SHA-256 / MGF1-SHA-256 / empty label.
Status read_oaep_params(der::Reader& body) {
  if (body.empty())
    return make_error(Errc::kUnsupported,
                      "RSAES-OAEP with default parameters (SHA-1) is not supported; only SHA-256 "
                      "with MGF1-SHA-256",
                      body.offset());
  OPENSET_TRY(der::Reader params, body.enter_sequence());
  OPENSET_CHECK(body.expect_end());

  if (!params.peek_is(der::context(0, true)))
    return make_error(Errc::kUnsupported,
                      "RSAES-OAEP hashFunc is the default SHA-1; only SHA-256 is supported",
                      params.offset());
  {
    OPENSET_TRY(der::Reader hash_field, params.enter(der::context(0, true)));
    std::size_t at = hash_field.offset();
    OPENSET_TRY(DigestAlg hash, read_digest_alg(hash_field));
    OPENSET_CHECK(hash_field.expect_end());
    if (hash != DigestAlg::kSha256)
      return make_error(Errc::kUnsupported,
                        "RSAES-OAEP hashFunc " + std::string(to_string(hash)) +
                            " is not supported; only SHA-256",
                        at);
  }
  if (!params.peek_is(der::context(1, true)))
    return make_error(Errc::kUnsupported,
                      "RSAES-OAEP maskGenFunc is the default MGF1-SHA-1; only MGF1-SHA-256 is "
                      "supported",
                      params.offset());
  {
    OPENSET_TRY(der::Reader mgf_field, params.enter(der::context(1, true)));
    OPENSET_TRY(AlgHead mgf, enter_alg_id(mgf_field));
    OPENSET_CHECK(mgf_field.expect_end());
    if (!(mgf.oid == oid::mgf1())) return unsupported("mask generation", mgf);
    std::size_t at = mgf.body.offset();
    if (mgf.body.empty())
      return make_error(Errc::kMalformed, "MGF1 parameters (its hash) are missing", at);
    OPENSET_TRY(DigestAlg mgf_hash, read_digest_alg(mgf.body));
    OPENSET_CHECK(mgf.body.expect_end());
    if (mgf_hash != DigestAlg::kSha256)
      return make_error(Errc::kUnsupported,
                        "RSAES-OAEP MGF1 with " + std::string(to_string(mgf_hash)) +
                            " is not supported; only MGF1-SHA-256",
                        at);
  }
  if (params.peek_is(der::context(2, true))) {
    std::size_t at = params.offset();
    OPENSET_TRY(der::Reader src_field, params.enter(der::context(2, true)));
    OPENSET_TRY(AlgHead src, enter_alg_id(src_field));
    if (src.oid == oid::p_specified()) {
      OPENSET_TRY(ByteView label, src.body.read_octet_string());
      if (label.empty())
        return make_error(Errc::kNotDer,
                          "RSAES-OAEP pSourceFunc equals its DEFAULT (empty label) and must be "
                          "omitted in DER",
                          at);
      return make_error(Errc::kUnsupported, "RSAES-OAEP with a non-empty label is not supported", at);
    }
    return unsupported("OAEP pSource", src);
  }
  return params.expect_end();
}

}  // namespace

Result<DigestAlg> parse_digest_algorithm(ByteView alg_id_tlv) {
  return parse_whole(alg_id_tlv, "digest AlgorithmIdentifier",
                     [](der::Reader& r) { return read_digest_alg(r); });
}

Status parse_signer_algorithm(ByteView alg_id_tlv) {
  auto r = parse_whole(alg_id_tlv, "signer AlgorithmIdentifier", [](der::Reader& rd) -> Result<bool> {
    OPENSET_TRY(AlgHead h, enter_alg_id(rd));
    if (!(h.oid == oid::rsa_encryption()))
      return unsupported("signature", h, "SignerInfo requires rsaEncryption");
    OPENSET_CHECK(null_or_absent(h.body, "rsaEncryption"));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

Result<DigestAlg> parse_certificate_signature_algorithm(ByteView alg_id_tlv) {
  return parse_whole(alg_id_tlv, "signature AlgorithmIdentifier",
                     [](der::Reader& rd) -> Result<DigestAlg> {
                       OPENSET_TRY(AlgHead h, enter_alg_id(rd));
                       DigestAlg alg;
                       if (h.oid == oid::sha1_with_rsa()) {
                         alg = DigestAlg::kSha1;
                       } else if (h.oid == oid::sha256_with_rsa()) {
                         alg = DigestAlg::kSha256;
                       } else {
                         return unsupported("signature", h);
                       }
                       OPENSET_CHECK(null_or_absent(h.body, "sha-with-RSA"));
                       return alg;
                     });
}

Result<KeyTransport> parse_key_transport_algorithm(ByteView alg_id_tlv) {
  return parse_whole(alg_id_tlv, "key transport AlgorithmIdentifier",
                     [](der::Reader& rd) -> Result<KeyTransport> {
                       OPENSET_TRY(AlgHead h, enter_alg_id(rd));
                       if (h.oid == oid::rsa_oaep_set()) {
                         OPENSET_CHECK(null_or_absent(h.body, "rsaOAEPEncryptionSET"));
                         return KeyTransport::kSetOaep;
                       }
                       if (h.oid == oid::rsaes_oaep()) {
                         OPENSET_CHECK(read_oaep_params(h.body));
                         return KeyTransport::kRsaesOaepSha256;
                       }
                       if (h.oid == oid::rsa_encryption())
                         return unsupported("key transport", h, "rsaEncryption / PKCS#1 v1.5");
                       return unsupported("key transport", h);
                     });
}

Result<ContentEncryption> parse_content_encryption_algorithm(ByteView alg_id_tlv) {
  return parse_whole(
      alg_id_tlv, "content encryption AlgorithmIdentifier",
      [](der::Reader& rd) -> Result<ContentEncryption> {
        OPENSET_TRY(AlgHead h, enter_alg_id(rd));
        CipherAlg cipher;
        if (h.oid == oid::des_cbc()) {
          cipher = CipherAlg::kDesCbc;
        } else if (h.oid == oid::aes256_cbc()) {
          cipher = CipherAlg::kAes256Cbc;
        } else if (h.oid == oid::des_cdmf()) {
          return unsupported("content encryption", h, "desCDMF");
        } else {
          return unsupported("content encryption", h);
        }
        std::size_t at = h.body.offset();
        if (h.body.empty())
          return make_error(Errc::kMalformed,
                            std::string(to_string(cipher)) + " parameters (the IV) are missing", at);
        if (!h.body.peek_is(der::tags::kOctetString))
          return make_error(Errc::kMalformed,
                            std::string(to_string(cipher)) +
                                " parameters must be an OCTET STRING (the IV)",
                            at);
        OPENSET_TRY(ByteView iv, h.body.read_octet_string());
        OPENSET_CHECK(h.body.expect_end());
        if (iv.size() != iv_size(cipher))
          return make_error(Errc::kConstraint,
                            std::string(to_string(cipher)) + " IV must be " +
                                std::to_string(iv_size(cipher)) + " octets, found " +
                                std::to_string(iv.size()),
                            at);
        return ContentEncryption{cipher, to_bytes(iv)};
      });
}

// ---------------------------------------------------------------------------------------------
// Suite identification and policy
Result<SuiteId> identify_suite(std::optional<DigestAlg> digest, std::optional<CipherAlg> cipher,
                               std::optional<KeyTransport> key_transport) {
  struct Vote {
    SuiteId id;
    std::string_view alg;
  };
  std::vector<Vote> votes;
  if (digest)
    votes.push_back({*digest == DigestAlg::kSha1 ? SuiteId::kSet1 : SuiteId::kModern,
                     to_string(*digest)});
  if (cipher)
    votes.push_back({*cipher == CipherAlg::kDesCbc ? SuiteId::kSet1 : SuiteId::kModern,
                     to_string(*cipher)});
  if (key_transport)
    votes.push_back({*key_transport == KeyTransport::kSetOaep ? SuiteId::kSet1 : SuiteId::kModern,
                     to_string(*key_transport)});
  if (votes.empty())
    return make_error(Errc::kInvalidArgument, "cannot identify a suite from no algorithms");
  for (const Vote& v : votes) {
    if (v.id != votes.front().id)
      return make_error(Errc::kUnsupported,
                        "mixed algorithm suites: " + std::string(votes.front().alg) +
                            " belongs to suite '" + std::string(to_string(votes.front().id)) +
                            "' but " + std::string(v.alg) + " belongs to suite '" +
                            std::string(to_string(v.id)) + "'");
  }
  return votes.front().id;
}

SuitePolicy SuitePolicy::only(SuiteId id) { return SuitePolicy{{id}}; }

SuitePolicy SuitePolicy::all() { return SuitePolicy{{SuiteId::kModern, SuiteId::kSet1}}; }

bool SuitePolicy::accepts(SuiteId id) const noexcept {
  for (SuiteId a : accepted)
    if (a == id) return true;
  return false;
}

Status SuitePolicy::check(SuiteId id) const {
  if (accepts(id)) return Ok{};
  std::string list;
  for (SuiteId a : accepted) {
    if (!list.empty()) list += ", ";
    list += to_string(a);
  }
  if (list.empty()) list = "none";
  const Suite& s = suite(id);
  return make_error(Errc::kPolicy, "suite '" + std::string(s.name) + "' (" +
                                       std::string(s.description) +
                                       ") is not accepted by this party's policy (accepted: " +
                                       list + ")");
}

}  // namespace openset::crypto
