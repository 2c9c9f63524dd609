// Independent check with the OpenSSL command-line tool.
//
// A SET SignedData (PKCS#7 v1.6 profile) is re-tagged into RFC 5652 form with the same content,
// the same signed attributes and the same signature octets, and `openssl cms -verify` must accept
// it (and refuse a tampered copy). This is what makes our two reconstructions checkable: the
// signature over the attributes re-tagged as SET OF, and messageDigest over the content's TLV.
// For the modern suite, `openssl pkeyutl` must open an envelope's RSAES-OAEP block and find our
// data block, and `openssl enc` must decrypt the content with the key found there.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

namespace fs = std::filesystem;

// RFC 5652 ContentInfo { id-signedData, [0] SignedData } from a SET SignedData.
//   version 3 (RFC 5652 §5.1: eContentType is not id-data), digestAlgorithms SET OF,
//   encapContentInfo { eContentType, [0] EXPLICIT OCTET STRING (the content TLV) } (absent: SO),
//   certificates [0] IMPLICIT SET OF, signerInfos SET OF { version 1, sid issuerAndSerialNumber,
//   digestAlgorithm, signedAttrs [0] IMPLICIT (same attributes, same order), signatureAlgorithm,
//   signature (same octets) }.
Bytes to_cms(const asn1::SignedData& sd) {
  der::Writer w;
  w.begin_sequence();
  w.add_oid(asn1::oid::pkcs7_signed_data());
  w.begin(der::context(0, true));
  w.begin_sequence();
  w.add_int64(3);
  w.begin_set_of();
  for (const auto& a : sd.digest_algorithms) w.add_raw(asn1::encode(a));
  w.end();
  w.begin_sequence();
  w.add_oid(sd.content_info.content_type);
  if (sd.content_info.content) {
    w.begin(der::context(0, true));
    w.add_octet_string(*sd.content_info.content);
    w.end();
  }
  w.end();
  if (sd.certificates) {
    w.begin_set_of(der::context(0, true));
    for (const auto& c : *sd.certificates) w.add_raw(c);
    w.end();
  }
  w.begin_set_of();
  for (const auto& si : sd.signer_infos) {
    w.begin_sequence();
    w.add_int64(1);
    w.begin_sequence()
        .add_raw(si.issuer_and_serial_number.issuer)
        .add_integer_bytes(si.issuer_and_serial_number.serial_number)
        .end();
    w.add_raw(asn1::encode(si.digest_algorithm));
    w.begin(der::context(0, true));  // [0] IMPLICIT SET OF: the same content octets
    for (const auto& a : *si.authenticated_attributes) w.add_raw(asn1::encode(a));
    w.end();
    w.add_raw(asn1::encode(si.digest_encryption_algorithm));
    w.add_octet_string(si.encrypted_digest);
    w.end();
  }
  w.end();
  w.end();  // SignedData
  w.end();  // [0]
  w.end();  // ContentInfo
  return w.finish();
}

class OpenSslCrossCheck : public SealTest {
 protected:
  void SetUp() override {
    if (!test::have_program("openssl")) GTEST_SKIP() << "the openssl command-line tool is absent";
  }
  fs::path file(std::string_view name) const {
    return test::temp_dir() / (std::string(crypto::to_string(id())) + "-" + std::string(name));
  }
  int cms_verify(const fs::path& cms, const test::Party& p, const fs::path* content,
                 std::string* log) const {
    std::string cmd = "openssl cms -verify -inform DER -binary -in " + test::shell_quote(cms.string()) +
                      " -CAfile " + test::shell_quote(p.cert_pem().string()) +
                      " -purpose any -out /dev/null";
    if (content) cmd += " -content " + test::shell_quote(content->string());
    return test::run(cmd, log);
  }
};

TEST_P(OpenSslCrossCheck, OpensslCmsVerifiesARetaggedSignedMessage) {
  Bytes t = sample_t("PInitResData for the CMS check");
  auto sd = S(test::signer(merchant(), true), ct(oid_ct::kPInitResData), t);
  ASSERT_TRUE(sd.ok()) << sd.error().to_string();
  Bytes cms = to_cms(*sd);
  fs::path in = file("s.cms.der");
  test::write_file(in, cms);
  std::string log;
  EXPECT_EQ(cms_verify(in, merchant(), nullptr, &log), 0) << log;

  // A tampered copy (one bit of the content) must fail.
  Bytes bad = cms;
  bad[find(bad, t) + t.size() - 3] ^= 0x01;
  fs::path bad_in = file("s-bad.cms.der");
  test::write_file(bad_in, bad);
  std::string log2;
  EXPECT_NE(cms_verify(bad_in, merchant(), nullptr, &log2), 0) << log2;
  // And one bit of the signature.
  Bytes bad_sig = cms;
  bad_sig[find(bad_sig, sd->signer_infos[0].encrypted_digest) + 10] ^= 0x80;
  test::write_file(bad_in, bad_sig);
  EXPECT_NE(cms_verify(bad_in, merchant(), nullptr, &log2), 0) << log2;
}

TEST_P(OpenSslCrossCheck, OpensslCmsVerifiesARetaggedDetachedSignatureWithItsContent) {
  Bytes t = sample_t("PI-TBS for the CMS check");
  auto so = SO(test::signer(cardholder(), true), ct(oid_ct::kPI_TBS), t);
  ASSERT_TRUE(so.ok()) << so.error().to_string();
  fs::path in = file("so.cms.der");
  fs::path content = file("so.content.der");
  test::write_file(in, to_cms(*so));
  test::write_file(content, t);
  std::string log;
  EXPECT_EQ(cms_verify(in, cardholder(), &content, &log), 0) << log;

  Bytes other = t;
  other.back() ^= 0x01;
  test::write_file(content, other);
  std::string log2;
  EXPECT_NE(cms_verify(in, cardholder(), &content, &log2), 0) << log2;
}

TEST_P(OpenSslCrossCheck, OpensslCmsVerifiesTheDualSignature) {
  Bytes pi_head = sample_t("PIHead");
  Bytes oi = sample_t("OIData");
  Bytes pan = sample_pan_data();
  auto pi = seal_dual_signed_pi(test::signer(cardholder(), true), test::recipient(gateway()), pi_head,
                                oi, pan);
  ASSERT_TRUE(pi.ok()) << pi.error().to_string();
  auto m = verify_dual_signature_merchant(pi->pi_signature, oi, pi->h_pi_data, trust(cardholder()),
                                          policy());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  fs::path in = file("pi.cms.der");
  fs::path content = file("pi-tbs.der");
  test::write_file(in, to_cms(pi->pi_signature));
  test::write_file(content, m->pi_tbs);
  std::string log;
  EXPECT_EQ(cms_verify(in, cardholder(), &content, &log), 0) << log;
}

TEST_P(OpenSslCrossCheck, OpensslOpensTheRsaBlockAndDecryptsTheContent) {
  Bytes t = sample_t("AuthReqTBE for the envelope check");
  auto env = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  fs::path ek = file("ek.bin");
  fs::path db = file("db.bin");
  test::write_file(ek, env->recipient_infos[0].encrypted_key);
  const std::string key_pem = test::shell_quote(gateway().key_pem().string());

  Bytes block;
  if (id() == SuiteId::kModern) {
    std::string log;
    ASSERT_EQ(test::run("openssl pkeyutl -decrypt -inkey " + key_pem + " -in " +
                            test::shell_quote(ek.string()) + " -out " + test::shell_quote(db.string()) +
                            " -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256"
                            " -pkeyopt rsa_mgf1_md:sha256",
                        &log), 0) << log;
    block = test::read_file(db);  // DB = BT ‖ BC ‖ V ‖ key exactly
    ASSERT_EQ(block.size(), 2u + 7u + 32u);
  } else {
    // SET OAEP is not an OpenSSL padding mode: raw RSA with openssl, then our decoder of the
    // padding (docs/set-oaep.md) — this checks the RSA layer independently.
    std::string log;
    ASSERT_EQ(test::run("openssl pkeyutl -decrypt -inkey " + key_pem + " -in " +
                            test::shell_quote(ek.string()) + " -out " + test::shell_quote(db.string()) +
                            " -pkeyopt rsa_padding_mode:none",
                        &log), 0) << log;
    Bytes em = test::read_file(db);
    ASSERT_EQ(em.size(), 128u);
    auto decoded = crypto::set_oaep_decode(em);
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    block = {crypto::kBlockType, decoded->block_contents};
    block.insert(block.end(), crypto::kVerificationBytes, 0);
    Bytes adb = decoded->adb.expose();
    block.insert(block.end(), adb.begin(), adb.end());
  }
  ASSERT_GE(block.size(), 9u);
  EXPECT_EQ(block[0], 0x03);
  EXPECT_EQ(block[1], crypto::block_contents::kKeyOnly);
  for (std::size_t i = 2; i < 9; ++i) EXPECT_EQ(block[i], 0x00) << i;
  const std::size_t key_len = crypto::key_size(suite().cipher);
  Bytes key(block.begin() + 9, block.begin() + 9 + static_cast<std::ptrdiff_t>(key_len));
  // set1: the rest of the ADB area is zero fill.
  for (std::size_t i = 9 + key_len; i < block.size(); ++i) EXPECT_EQ(block[i], 0x00) << i;

  auto ce = crypto::parse_content_encryption_algorithm(
      asn1::encode(env->encrypted_content_info.content_encryption_algorithm)).value();
  fs::path ct_file = file("content.enc");
  fs::path pt_file = file("content.der");
  test::write_file(ct_file, *env->encrypted_content_info.encrypted_content);
  const std::string cipher = id() == SuiteId::kModern ? "-aes-256-cbc" : "-des-cbc -provider legacy -provider default";
  std::string log;
  ASSERT_EQ(test::run("openssl enc -d " + cipher + " -K " + to_hex(key) + " -iv " + to_hex(ce.iv) +
                          " -in " + test::shell_quote(ct_file.string()) + " -out " +
                          test::shell_quote(pt_file.string()),
                      &log), 0) << log;
  EXPECT_EQ(test::read_file(pt_file), t);
}

OPENSET_SEAL_SUITES(OpenSslCrossCheck);

}  // namespace
}  // namespace openset::seal::testing
