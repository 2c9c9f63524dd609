// Suites, their DER AlgorithmIdentifiers (pinned as hand-checked hex), strict parsing of
// received AlgorithmIdentifiers, suite identification and the receiver's suite policy.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace openset::crypto {
namespace {

using testing::hex;

const Suite& set1() { return suite(SuiteId::kSet1); }
const Suite& modern() { return suite(SuiteId::kModern); }

// Hand-assembled from X.690: 30 len | 06 len OID | parameters.
constexpr const char* kSha1AlgId = "300906052b0e03021a0500";
constexpr const char* kSha256AlgId = "300d06096086480165030402010500";
constexpr const char* kRsaEncryptionAlgId = "300d06092a864886f70d0101010500";
constexpr const char* kSha1WithRsaAlgId = "300d06092a864886f70d0101050500";
constexpr const char* kSha256WithRsaAlgId = "300d06092a864886f70d01010b0500";
constexpr const char* kSetOaepAlgId = "300d06092a864886f70d0101060500";
// id-RSAES-OAEP { [0] {sha256, NULL}, [1] {id-mgf1, {sha256, NULL}} }, pSourceFunc omitted:
//   303c 06092a864886f70d010107 302f
//     a00f 300d 0609608648016503040201 0500
//     a11c 301a 06092a864886f70d010108 300d 0609608648016503040201 0500
constexpr const char* kModernOaepAlgId =
    "303c06092a864886f70d010107302f"
    "a00f300d06096086480165030402010500"
    "a11c301a06092a864886f70d010108300d06096086480165030402010500";

TEST(Suite, NamesAndAlgorithms) {
  EXPECT_EQ(set1().name, "set1");
  EXPECT_EQ(set1().digest, DigestAlg::kSha1);
  EXPECT_EQ(set1().cipher, CipherAlg::kDesCbc);
  EXPECT_EQ(set1().key_transport, KeyTransport::kSetOaep);
  EXPECT_EQ(modern().name, "modern");
  EXPECT_EQ(modern().digest, DigestAlg::kSha256);
  EXPECT_EQ(modern().cipher, CipherAlg::kAes256Cbc);
  EXPECT_EQ(modern().key_transport, KeyTransport::kRsaesOaepSha256);
  EXPECT_EQ(&default_suite(), &modern());
  EXPECT_EQ(suite(SuiteId::kSet1).id, SuiteId::kSet1);
}

TEST(Suite, ByNameFindsBothAndListsTheValidNamesOtherwise) {
  ASSERT_TRUE(suite_by_name("set1").ok());
  EXPECT_EQ((*suite_by_name("set1"))->id, SuiteId::kSet1);
  ASSERT_TRUE(suite_by_name("modern").ok());
  EXPECT_EQ((*suite_by_name("modern"))->id, SuiteId::kModern);
  for (const char* bad : {"SET1", "", "set2", "modern "}) {
    auto r = suite_by_name(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_NE(r.error().message.find("set1"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("modern"), std::string::npos) << r.error().message;
  }
}

TEST(AlgorithmId, DigestEncodingsArePinned) {
  EXPECT_EQ(to_hex(set1().digest_algorithm_id()), kSha1AlgId);
  EXPECT_EQ(to_hex(modern().digest_algorithm_id()), kSha256AlgId);
}

TEST(AlgorithmId, SignerIsRsaEncryptionInBothSuites) {
  EXPECT_EQ(to_hex(set1().signer_algorithm_id()), kRsaEncryptionAlgId);
  EXPECT_EQ(to_hex(modern().signer_algorithm_id()), kRsaEncryptionAlgId);
}

TEST(AlgorithmId, CertificateSignatureEncodingsArePinned) {
  EXPECT_EQ(to_hex(set1().certificate_signature_algorithm_id()), kSha1WithRsaAlgId);
  EXPECT_EQ(to_hex(modern().certificate_signature_algorithm_id()), kSha256WithRsaAlgId);
}

TEST(AlgorithmId, KeyTransportEncodingsArePinned) {
  EXPECT_EQ(to_hex(set1().key_transport_algorithm_id()), kSetOaepAlgId);
  EXPECT_EQ(to_hex(modern().key_transport_algorithm_id()), kModernOaepAlgId);
}

TEST(AlgorithmId, ContentEncryptionEncodingsCarryTheIv) {
  EXPECT_EQ(to_hex(set1().content_encryption_algorithm_id(hex("0102030405060708"))),
            "301106052b0e0302070408" "0102030405060708");
  EXPECT_EQ(to_hex(modern().content_encryption_algorithm_id(hex("000102030405060708090a0b0c0d0e0f"))),
            "301d060960864801650304012a0410" "000102030405060708090a0b0c0d0e0f");
}

TEST(AlgorithmId, OpensslAsn1parseReadsTheOaepParameters) {
  OPENSET_REQUIRE_OPENSSL_CLI();
  testing::TempDir dir;
  testing::write_file(dir.file("alg.der"), modern().key_transport_algorithm_id());
  auto r = testing::run("openssl asn1parse -inform DER -in " + dir.q("alg.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string& o = r.output;
  for (const char* needle : {"d=0  hl=2 l=  60 cons: SEQUENCE", ":rsaesOaep", "d=1  hl=2 l=  47 cons: SEQUENCE",
                             "d=2  hl=2 l=  15 cons: cont [ 0 ]", "d=2  hl=2 l=  28 cons: cont [ 1 ]",
                             ":mgf1", "d=4  hl=2 l=   9 prim: OBJECT            :sha256",
                             "d=5  hl=2 l=   9 prim: OBJECT            :sha256"})
    EXPECT_NE(o.find(needle), std::string::npos) << "missing '" << needle << "' in\n" << o;
  EXPECT_EQ(o.find("cont [ 2 ]"), std::string::npos) << "pSourceFunc must be omitted\n" << o;
  EXPECT_EQ(o.find("Error"), std::string::npos) << o;
}

TEST(ParseAlgorithm, RoundTripsEverySuiteEncoding) {
  for (const Suite* s : {&set1(), &modern()}) {
    EXPECT_EQ(parse_digest_algorithm(s->digest_algorithm_id()).value(), s->digest);
    EXPECT_TRUE(parse_signer_algorithm(s->signer_algorithm_id()).ok());
    EXPECT_EQ(parse_certificate_signature_algorithm(s->certificate_signature_algorithm_id()).value(), s->digest);
    auto kt = parse_key_transport_algorithm(s->key_transport_algorithm_id());
    ASSERT_TRUE(kt.ok()) << kt.error().to_string();
    EXPECT_EQ(*kt, s->key_transport);
    const Bytes iv = random_bytes(iv_size(s->cipher));
    auto ce = parse_content_encryption_algorithm(s->content_encryption_algorithm_id(iv));
    ASSERT_TRUE(ce.ok()) << ce.error().to_string();
    EXPECT_EQ(ce->cipher, s->cipher);
    EXPECT_EQ(ce->iv, iv);
  }
}

TEST(ParseAlgorithm, AbsentParametersAreAcceptedWhereNullIs) {
  EXPECT_EQ(parse_digest_algorithm(hex("300706052b0e03021a")).value(), DigestAlg::kSha1);
  EXPECT_EQ(parse_digest_algorithm(hex("300b0609608648016503040201")).value(), DigestAlg::kSha256);
  EXPECT_TRUE(parse_signer_algorithm(hex("300b06092a864886f70d010101")).ok());
  EXPECT_EQ(parse_key_transport_algorithm(hex("300b06092a864886f70d010106")).value(), KeyTransport::kSetOaep);
}

TEST(ParseAlgorithm, OpensslStyleOaepParametersWithoutNullAreAccepted) {
  // What OpenSSL's CMS writes for rsa_oaep_md:sha256 / rsa_mgf1_md:sha256 (sha256 without NULL).
  auto kt = parse_key_transport_algorithm(hex(
      "303806092a864886f70d010107302b"
      "a00d300b0609608648016503040201"
      "a11a301806092a864886f70d010108300b0609608648016503040201"));
  ASSERT_TRUE(kt.ok()) << kt.error().to_string();
  EXPECT_EQ(*kt, KeyTransport::kRsaesOaepSha256);
}

TEST(ParseAlgorithm, UnknownOidIsUnsupportedAndNamedInDottedForm) {
  // md5 1.2.840.113549.2.5 as a digest
  auto d = parse_digest_algorithm(hex("300c06082a864886f70d02050500"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Errc::kUnsupported);
  EXPECT_NE(d.error().message.find("1.2.840.113549.2.5"), std::string::npos) << d.error().message;
  // desCDMF is known to SET but not implemented here
  auto c = parse_content_encryption_algorithm(hex("301206082a864886f70d030a04080102030405060708"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kUnsupported);
  EXPECT_NE(c.error().message.find("1.2.840.113549.3.10"), std::string::npos) << c.error().message;
  // rsaEncryption (PKCS#1 v1.5) as key transport
  auto k = parse_key_transport_algorithm(hex(kRsaEncryptionAlgId));
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().code, Errc::kUnsupported);
  EXPECT_NE(k.error().message.find("1.2.840.113549.1.1.1"), std::string::npos) << k.error().message;
  // sha1WithRSAEncryption where SignerInfo needs rsaEncryption
  auto s = parse_signer_algorithm(hex(kSha1WithRsaAlgId));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kUnsupported);
  EXPECT_NE(s.error().message.find("1.2.840.113549.1.1.5"), std::string::npos) << s.error().message;
  // a digest OID where a content-encryption algorithm belongs
  auto x = parse_content_encryption_algorithm(hex(kSha1AlgId));
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().code, Errc::kUnsupported);
  EXPECT_NE(x.error().message.find("1.3.14.3.2.26"), std::string::npos) << x.error().message;
}

TEST(ParseAlgorithm, WrongParametersAreRefused) {
  // sha1 with INTEGER 0 parameters
  auto a = parse_digest_algorithm(hex("300a06052b0e03021a020100"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kMalformed);
  // NULL then something else
  auto b = parse_digest_algorithm(hex("300b06052b0e03021a05000500"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kMalformed);
  // desCBC IV of 7 octets
  auto c = parse_content_encryption_algorithm(hex("301006052b0e0302070407" "01020304050607"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kConstraint);
  EXPECT_NE(c.error().message.find("8 octets"), std::string::npos) << c.error().message;
  // aes256-CBC with an 8-octet IV
  auto d = parse_content_encryption_algorithm(hex("3015060960864801650304012a04080102030405060708"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Errc::kConstraint);
  // desCBC without IV, and with NULL instead of the IV
  auto e = parse_content_encryption_algorithm(hex("300706052b0e030207"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::kMalformed);
  auto f = parse_content_encryption_algorithm(hex("300906052b0e0302070500"));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::kMalformed);
  // rsaOAEPEncryptionSET with an OCTET STRING parameter
  auto g = parse_key_transport_algorithm(hex("300e06092a864886f70d0101060401ff"));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, Errc::kMalformed);
}

TEST(ParseAlgorithm, TrailingOrTruncatedInputIsMalformed) {
  Bytes trailing = hex(kSha1AlgId);
  trailing.push_back(0x00);
  auto a = parse_digest_algorithm(trailing);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kMalformed);
  auto b = parse_digest_algorithm(ByteView(hex(kSha1AlgId)).first(8));
  ASSERT_FALSE(b.ok());
  auto c = parse_digest_algorithm({});
  ASSERT_FALSE(c.ok());
  auto d = parse_digest_algorithm(hex("310906052b0e03021a0500"));  // SET instead of SEQUENCE
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Errc::kMalformed);
}

TEST(ParseAlgorithm, OaepParametersOtherThanSha256AreRefused) {
  // id-RSAES-OAEP without parameters: all defaults = SHA-1.
  auto a = parse_key_transport_algorithm(hex("300b06092a864886f70d010107"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kUnsupported);
  // Empty RSAES-OAEP-params SEQUENCE: defaults again.
  auto b = parse_key_transport_algorithm(hex("300d06092a864886f70d0101073000"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kUnsupported);
  // hashFunc sha1, mgf1-sha256
  auto c = parse_key_transport_algorithm(hex(
      "303806092a864886f70d010107302b"
      "a00b300906052b0e03021a0500"
      "a11c301a06092a864886f70d010108300d06096086480165030402010500"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kUnsupported);
  EXPECT_NE(c.error().message.find("SHA-1"), std::string::npos) << c.error().message;
  // hashFunc sha256, mgf1 with sha1
  auto d = parse_key_transport_algorithm(hex(
      "303806092a864886f70d010107302b"
      "a00f300d06096086480165030402010500"
      "a118301606092a864886f70d010108300906052b0e03021a0500"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Errc::kUnsupported);
  // pSourceFunc written out with its DEFAULT value (empty label): not DER.
  auto e = parse_key_transport_algorithm(hex(
      "304d06092a864886f70d0101073040"
      "a00f300d06096086480165030402010500"
      "a11c301a06092a864886f70d010108300d06096086480165030402010500"
      "a20f300d06092a864886f70d0101090400"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::kNotDer);
  // pSourceFunc with a label "L"
  auto f = parse_key_transport_algorithm(hex(
      "304e06092a864886f70d0101073041"
      "a00f300d06096086480165030402010500"
      "a11c301a06092a864886f70d010108300d06096086480165030402010500"
      "a210300e06092a864886f70d01010904014c"));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::kUnsupported);
}

TEST(IdentifySuite, EachSuitesOwnAlgorithmsIdentifyIt) {
  EXPECT_EQ(identify_suite(DigestAlg::kSha1, CipherAlg::kDesCbc, KeyTransport::kSetOaep).value(), SuiteId::kSet1);
  EXPECT_EQ(identify_suite(DigestAlg::kSha256, CipherAlg::kAes256Cbc, KeyTransport::kRsaesOaepSha256).value(),
            SuiteId::kModern);
  // Partial information: a signed-only message has just a digest.
  EXPECT_EQ(identify_suite(DigestAlg::kSha1, std::nullopt, std::nullopt).value(), SuiteId::kSet1);
  EXPECT_EQ(identify_suite(std::nullopt, CipherAlg::kAes256Cbc, std::nullopt).value(), SuiteId::kModern);
  EXPECT_EQ(identify_suite(std::nullopt, std::nullopt, KeyTransport::kSetOaep).value(), SuiteId::kSet1);
}

TEST(IdentifySuite, MixedCombinationsAreRefused) {
  struct Mix {
    std::optional<DigestAlg> d;
    std::optional<CipherAlg> c;
    std::optional<KeyTransport> k;
  };
  for (const Mix& m : {Mix{DigestAlg::kSha1, CipherAlg::kAes256Cbc, std::nullopt},
                       Mix{DigestAlg::kSha256, CipherAlg::kDesCbc, KeyTransport::kRsaesOaepSha256},
                       Mix{std::nullopt, CipherAlg::kDesCbc, KeyTransport::kRsaesOaepSha256},
                       Mix{DigestAlg::kSha256, std::nullopt, KeyTransport::kSetOaep}}) {
    auto r = identify_suite(m.d, m.c, m.k);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnsupported);
    EXPECT_NE(r.error().message.find("mixed"), std::string::npos) << r.error().message;
  }
  auto r = identify_suite(DigestAlg::kSha1, CipherAlg::kAes256Cbc, std::nullopt);
  EXPECT_EQ(r.error().message,
            "mixed algorithm suites: SHA-1 belongs to suite 'set1' but AES-256-CBC belongs to suite 'modern'");
  auto none = identify_suite(std::nullopt, std::nullopt, std::nullopt);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::kInvalidArgument);
}

TEST(SuitePolicy, RefusalNamesTheSuiteItsAlgorithmsAndWhatIsAccepted) {
  const SuitePolicy p = SuitePolicy::only(SuiteId::kModern);
  EXPECT_TRUE(p.accepts(SuiteId::kModern));
  EXPECT_FALSE(p.accepts(SuiteId::kSet1));
  EXPECT_TRUE(p.check(SuiteId::kModern).ok());
  auto r = p.check(SuiteId::kSet1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kPolicy);
  EXPECT_EQ(r.error().message,
            "suite 'set1' (SHA-1, DES-CBC, SET OAEP) is not accepted by this party's policy "
            "(accepted: modern)");
  auto m = SuitePolicy::only(SuiteId::kSet1).check(SuiteId::kModern);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message,
            "suite 'modern' (SHA-256, AES-256-CBC, RSAES-OAEP-SHA256) is not accepted by this "
            "party's policy (accepted: set1)");
  EXPECT_NE(SuitePolicy{}.check(SuiteId::kModern).error().message.find("(accepted: none)"), std::string::npos);
}

TEST(SuitePolicy, AllAcceptsBoth) {
  const SuitePolicy p = SuitePolicy::all();
  EXPECT_TRUE(p.check(SuiteId::kSet1).ok());
  EXPECT_TRUE(p.check(SuiteId::kModern).ok());
}

TEST(AlgorithmNames, DisplayNamesAndDottedOids) {
  EXPECT_EQ(to_string(DigestAlg::kSha1), "SHA-1");
  EXPECT_EQ(to_string(DigestAlg::kSha256), "SHA-256");
  EXPECT_EQ(to_string(CipherAlg::kDesCbc), "DES-CBC");
  EXPECT_EQ(to_string(CipherAlg::kAes256Cbc), "AES-256-CBC");
  EXPECT_EQ(to_string(KeyTransport::kSetOaep), "SET OAEP");
  EXPECT_EQ(to_string(KeyTransport::kRsaesOaepSha256), "RSAES-OAEP-SHA256");
  EXPECT_EQ(oid::rsa_oaep_set().to_string(), "1.2.840.113549.1.1.6");
  EXPECT_EQ(oid::aes256_cbc().to_string(), "2.16.840.1.101.3.4.1.42");
}

}  // namespace
}  // namespace openset::crypto
