// E, EH, EX, EXH, EK: round trip, tamper, wrong recipient, wrong block contents, policy, bounds.
#include "seal_fixture.hpp"

namespace openset::seal::testing {
namespace {

namespace bc = crypto::block_contents;
using EnvelopeOps = SealTest;

Result<OpenedEnvelope> open_e_bytes(ByteView b, const KeyHolder& h, const der::Oid& type,
                                    const Policy& p) {
  OPENSET_TRY(asn1::EnvelopedData env, asn1::decode<asn1::EnvelopedData>(b));
  return open_E(env, h, type, p);
}

TEST_P(EnvelopeOps, EnvelopeRoundTripsWithTheSetProfile) {
  Bytes t = sample_t();
  auto env = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  EXPECT_EQ(env->ed_version, 1);
  ASSERT_EQ(env->recipient_infos.size(), 1u);
  const auto& ri = env->recipient_infos[0];
  EXPECT_EQ(ri.ri_version, 0);
  EXPECT_EQ(ri.issuer_and_serial_number, gateway().id);
  EXPECT_EQ(asn1::encode(ri.key_encryption_algorithm), suite().key_transport_algorithm_id());
  EXPECT_EQ(ri.encrypted_key.size(), gateway().key.size_bytes());
  const auto& eci = env->encrypted_content_info;
  EXPECT_EQ(eci.content_type, ct(oid_ct::kAuthReqTBE));
  auto ce = crypto::parse_content_encryption_algorithm(asn1::encode(eci.content_encryption_algorithm));
  ASSERT_TRUE(ce.ok());
  EXPECT_EQ(ce->cipher, suite().cipher);
  ASSERT_TRUE(eci.encrypted_content.has_value());
  EXPECT_EQ(find(*eci.encrypted_content, t), std::string::npos);

  auto o = open_E(*env, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->suite, id());
  EXPECT_EQ(o->block_contents, bc::kKeyOnly);
}

TEST_P(EnvelopeOps, EveryEnvelopeGetsAFreshKeyAndIv) {
  Bytes t = sample_t();
  auto a = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t).value();
  auto b = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t).value();
  EXPECT_NE(a.encrypted_content_info.encrypted_content, b.encrypted_content_info.encrypted_content);
  EXPECT_NE(a.encrypted_content_info.content_encryption_algorithm,
            b.encrypted_content_info.content_encryption_algorithm);  // the IV
  EXPECT_NE(a.recipient_infos[0].encrypted_key, b.recipient_infos[0].encrypted_key);
}

// E has no integrity of its own (SET never sends a bare E: it is always Enc, EH/EXH or inside a
// signed structure). Every flip outside the ciphertext and IV is rejected; a flip inside them
// either fails or yields content different from what was sealed (never silently the original).
TEST_P(EnvelopeOps, BitFlipsInAnEnvelopeAreRejectedOrChangeTheContent) {
  Bytes t = sample_t();
  auto env = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t).value();
  Bytes der = asn1::encode(env);
  auto ce = crypto::parse_content_encryption_algorithm(
      asn1::encode(env.encrypted_content_info.content_encryption_algorithm)).value();
  const std::size_t iv_at = find(der, ce.iv);
  const std::size_t ct_at = find(der, *env.encrypted_content_info.encrypted_content);
  ASSERT_NE(iv_at, std::string::npos);
  ASSERT_NE(ct_at, std::string::npos);
  auto malleable = [&](std::size_t i) {
    return (i >= iv_at && i < iv_at + ce.iv.size()) ||
           (i >= ct_at && i < ct_at + env.encrypted_content_info.encrypted_content->size());
  };
  std::size_t rejected = 0, changed = 0;
  for (std::size_t i : flip_positions(der.size())) {
    auto o = open_e_bytes(flipped(der, i), test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy());
    if (!o.ok()) {
      ++rejected;
      continue;
    }
    EXPECT_TRUE(malleable(i)) << "flip at " << i << " outside the ciphertext was accepted";
    EXPECT_NE(o->content.expose(), t) << "flip at " << i << " gave back the original content";
    ++changed;
  }
  EXPECT_GT(rejected, der.size() / 2);
}

TEST_P(EnvelopeOps, EnvelopeWithHashDetectsEveryBitFlip) {
  Bytes t = sample_t();
  auto env = EH(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto o = open_EH(*env, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->block_contents, bc::kKeyHash);
  EXPECT_EQ(o->block_hash, H(suite(), t).value());

  Bytes der = asn1::encode(*env);
  expect_every_flip_rejected(der, [&](ByteView b) {
    auto e = asn1::decode<asn1::EnvelopedData>(b);
    return e.ok() && open_EH(*e, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy()).ok();
  }, "EH");
}

TEST_P(EnvelopeOps, ExtraEncapsulationCarriesParamInTheRsaBlock) {
  Bytes t = sample_t("PI-OILink");
  Bytes param = sample_pan_data();
  auto env = EX(test::recipient(gateway()), ct(oid_ct::kPIDualSignedTBE), t, ct(oid_ct::kPANData),
                param, bc::kKeyPanData);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  // The plaintext is L{T, Param}: Param itself is only in the RSA block.
  auto o = open_EX(*env, test::holder(gateway()), ct(oid_ct::kPIDualSignedTBE),
                   ct(oid_ct::kPANData), bc::kKeyPanData, policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->param.expose(), param);
  EXPECT_EQ(o->param_digest, H(suite(), param).value());
  EXPECT_EQ(o->block_contents, bc::kKeyPanData);

  auto plain = open_E(*env, test::holder(gateway()), ct(oid_ct::kPIDualSignedTBE), policy());
  ASSERT_FALSE(plain.ok());  // BC 3 is not "key only"
  EXPECT_EQ(plain.error().code, Errc::kDecrypt);
}

TEST_P(EnvelopeOps, ExtraEncapsulationWithHashDetectsEveryBitFlip) {
  Bytes t = sample_t("PI-OILink");
  Bytes param = sample_pan_token();
  auto env = EXH(test::recipient(gateway()), ct(oid_ct::kPIUnsignedTBE), t, ct(oid_ct::kPANToken),
                 param, bc::kKeyHashPanToken);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto o = open_EXH(*env, test::holder(gateway()), ct(oid_ct::kPIUnsignedTBE),
                    ct(oid_ct::kPANToken), bc::kKeyHashPanToken, policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->param.expose(), param);
  EXPECT_EQ(o->block_hash, H(suite(), t).value());  // the ASN.1 reading: H(T)

  Bytes der = asn1::encode(*env);
  expect_every_flip_rejected(der, [&](ByteView b) {
    auto e = asn1::decode<asn1::EnvelopedData>(b);
    return e.ok() && open_EXH(*e, test::holder(gateway()), ct(oid_ct::kPIUnsignedTBE),
                              ct(oid_ct::kPANToken), bc::kKeyHashPanToken, policy()).ok();
  }, "EXH");
}

TEST_P(EnvelopeOps, ExhHashSubjectIsAProfileSwitchBothEndsMustShare) {
  Bytes t = sample_t("RegFormReqData");
  Bytes param = sample_pan_token();
  auto env = EXH(test::recipient(gateway()), ct(oid_ct::kRegFormReqTBE), t, ct(oid_ct::kPANOnly),
                 param, bc::kKeyHashPanOnly, ExhHashSubject::kLinkage);
  ASSERT_TRUE(env.ok());
  auto o = open_EXH(*env, test::holder(gateway()), ct(oid_ct::kRegFormReqTBE), ct(oid_ct::kPANOnly),
                    bc::kKeyHashPanOnly, policy(), ExhHashSubject::kLinkage);
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->block_hash, H(suite(), L(suite(), t, ct(oid_ct::kPANOnly), param).value()).value());
  auto mismatch = open_EXH(*env, test::holder(gateway()), ct(oid_ct::kRegFormReqTBE),
                           ct(oid_ct::kPANOnly), bc::kKeyHashPanOnly, policy(), ExhHashSubject::kT);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, Errc::kDigestMismatch);
}

// EX on its own protects Param (DD{Param} against the block) but not T: SET uses it only where a
// signature covers T (the dual-signed PI). Flips outside the ciphertext/IV, and flips that hit the
// DD{Param}, are rejected; others change T.
TEST_P(EnvelopeOps, BitFlipsInExtraEncapsulationAreRejectedOrChangeT) {
  Bytes t = sample_t("PI-OILink");
  Bytes param = sample_pan_data();
  auto env = EX(test::recipient(gateway()), ct(oid_ct::kPIDualSignedTBE), t, ct(oid_ct::kPANData),
                param, bc::kKeyPanData).value();
  Bytes der = asn1::encode(env);
  auto ce = crypto::parse_content_encryption_algorithm(
      asn1::encode(env.encrypted_content_info.content_encryption_algorithm)).value();
  const std::size_t iv_at = find(der, ce.iv);
  const std::size_t ct_at = find(der, *env.encrypted_content_info.encrypted_content);
  for (std::size_t i : flip_positions(der.size())) {
    auto e = asn1::decode<asn1::EnvelopedData>(flipped(der, i));
    if (!e.ok()) continue;
    auto o = open_EX(*e, test::holder(gateway()), ct(oid_ct::kPIDualSignedTBE),
                     ct(oid_ct::kPANData), bc::kKeyPanData, policy());
    if (!o.ok()) continue;
    const bool malleable = (i >= iv_at && i < iv_at + ce.iv.size()) || i >= ct_at;
    EXPECT_TRUE(malleable) << "flip at " << i << " accepted";
    EXPECT_NE(o->content.expose(), t) << "flip at " << i;
    EXPECT_EQ(o->param.expose(), param) << "flip at " << i << " changed Param undetected";
  }
}

TEST_P(EnvelopeOps, ParamThatDoesNotMatchItsDigestIsRejected) {
  // An EX whose RSA block carries P2 while its plaintext is L{T, P1}: built by sealing EX{T, P2},
  // taking its symmetric key out of the block (the test holds the private key) and re-encrypting
  // L{T, P1} under it.
  Bytes t = sample_t("PI-OILink");
  Bytes p1 = sample_pan_data();
  Bytes p2 = sample_pan_data("4000000000000002");
  auto env = EX(test::recipient(gateway()), ct(oid_ct::kPIDualSignedTBE), t, ct(oid_ct::kPANData),
                p2, bc::kKeyPanData).value();
  auto block = crypto::rsa_unwrap(suite().key_transport, gateway().key,
                                  env.recipient_infos[0].encrypted_key);
  ASSERT_TRUE(block.ok());
  ByteView key = block->adb.view().first(crypto::key_size(suite().cipher));
  auto ce = crypto::parse_content_encryption_algorithm(
      asn1::encode(env.encrypted_content_info.content_encryption_algorithm)).value();
  Bytes l1 = L(suite(), t, ct(oid_ct::kPANData), p1).value();
  env.encrypted_content_info.encrypted_content = crypto::encrypt(suite().cipher, key, ce.iv, l1).value();
  auto r = open_EX(env, test::holder(gateway()), ct(oid_ct::kPIDualSignedTBE), ct(oid_ct::kPANData),
                   bc::kKeyPanData, policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDigestMismatch);
}

TEST_P(EnvelopeOps, TheWrongRecipientKeyIsRejected) {
  Bytes t = sample_t();
  auto env = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t).value();
  // Someone else's key and id: not addressed to it.
  auto r = open_E(env, test::holder(merchant()), ct(oid_ct::kAuthReqTBE), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDecrypt);
  EXPECT_NE(r.error().message.find("not addressed to this key"), std::string::npos);
  // Someone else's key under the gateway's id: the RSA block does not open.
  KeyHolder wrong{&merchant().key, gateway().id};
  auto r2 = open_E(env, wrong, ct(oid_ct::kAuthReqTBE), policy());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, Errc::kDecrypt);
  EXPECT_EQ(r2.error().message, "envelope does not open");
}

TEST_P(EnvelopeOps, AnRsaBlockWithTheWrongBlockContentsIsRejected) {
  Bytes t = sample_t();
  auto e = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), t).value();
  auto as_eh = open_EH(e, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy());
  ASSERT_FALSE(as_eh.ok());
  EXPECT_EQ(as_eh.error().code, Errc::kDecrypt);
  EXPECT_NE(as_eh.error().message.find("block-contents"), std::string::npos);

  Bytes param = sample_pan_token();
  auto x = EX(test::recipient(gateway()), ct(oid_ct::kPIDualSignedTBE), t, ct(oid_ct::kPANToken),
              param, bc::kKeyPanToken).value();
  auto as_pan_data = open_EX(x, test::holder(gateway()), ct(oid_ct::kPIDualSignedTBE),
                             ct(oid_ct::kPANToken), bc::kKeyPanData, policy());
  ASSERT_FALSE(as_pan_data.ok());
  EXPECT_EQ(as_pan_data.error().code, Errc::kDecrypt);
}

TEST_P(EnvelopeOps, WrongContentTypeIsRejected) {
  auto env = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), sample_t()).value();
  auto r = open_E(env, test::holder(gateway()), ct(oid_ct::kCapReqTBE), policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kConstraint);
}

TEST_P(EnvelopeOps, ReceiverPolicyRefusingTheSendersSuiteGivesPolicyError) {
  auto env = EH(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), sample_t()).value();
  auto r = open_EH(env, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), refusing());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kPolicy);
}

TEST_P(EnvelopeOps, Set1BoundsEncryptedKeyAt128Octets) {
  const test::Party& big = test::make_party_with_bits(id(), "gateway-2048", 2048);
  auto env = E(test::recipient(big), ct(oid_ct::kAuthReqTBE), sample_t());
  if (id() == SuiteId::kSet1) {
    ASSERT_FALSE(env.ok());
    EXPECT_EQ(env.error().code, Errc::kInvalidArgument);
    // A received set1 envelope with a 256-octet EncryptedKey is refused before any RSA work.
    auto small = E(test::recipient(gateway()), ct(oid_ct::kAuthReqTBE), sample_t()).value();
    EXPECT_EQ(small.recipient_infos[0].encrypted_key.size(), 128u);
    small.recipient_infos[0].encrypted_key = Bytes(256, 0x42);
    auto back = asn1::decode<asn1::EnvelopedData>(asn1::encode(small));
    ASSERT_TRUE(back.ok());  // the decoder allows the modern bound (D-2)
    auto r = open_E(*back, test::holder(gateway()), ct(oid_ct::kAuthReqTBE), policy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kConstraint);
  } else {
    ASSERT_TRUE(env.ok()) << env.error().to_string();  // departure D-2: modern may exceed 128
    EXPECT_EQ(env->recipient_infos[0].encrypted_key.size(), 256u);
    EXPECT_TRUE(open_E(*env, test::holder(big), ct(oid_ct::kAuthReqTBE), policy()).ok());
  }
}

TEST_P(EnvelopeOps, SymmetricEncapsulationRoundTrips) {
  KeyData key{suite().cipher, crypto::random_key(suite().cipher)};
  Bytes t = sample_t("AcqCardMsg");
  auto ed = EK(key, ct(oid_ct::kAcqCardCodeMsg), t);
  ASSERT_TRUE(ed.ok()) << ed.error().to_string();
  EXPECT_EQ(ed->version, 0);
  auto o = open_EK(*ed, key, ct(oid_ct::kAcqCardCodeMsg), policy());
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->content.expose(), t);
  EXPECT_EQ(o->suite, id());

  KeyData other_key{suite().cipher, crypto::random_key(suite().cipher)};
  auto wrong = open_EK(*ed, other_key, ct(oid_ct::kAcqCardCodeMsg), policy());
  // A wrong key almost always fails the padding or the one-TLV check; if it ever passes, the
  // content is garbage (EK has no integrity: SET uses EncK).
  if (wrong.ok()) EXPECT_NE(wrong->content.expose(), t);
  else EXPECT_EQ(wrong.error().code, Errc::kDecrypt);

  auto refused = open_EK(*ed, key, ct(oid_ct::kAcqCardCodeMsg), refusing());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kPolicy);
}

TEST_P(EnvelopeOps, BitFlipsInSymmetricEncapsulationAreRejectedOrChangeTheContent) {
  KeyData key{suite().cipher, crypto::random_key(suite().cipher)};
  Bytes t = sample_t("AcqCardMsg");
  auto ed = EK(key, ct(oid_ct::kAcqCardCodeMsg), t).value();
  Bytes der = asn1::encode(ed);
  auto ce = crypto::parse_content_encryption_algorithm(
      asn1::encode(ed.encrypted_content_info.content_encryption_algorithm)).value();
  const std::size_t iv_at = find(der, ce.iv);
  for (std::size_t i : flip_positions(der.size())) {
    auto e = asn1::decode<asn1::EncryptedData>(flipped(der, i));
    if (!e.ok()) continue;
    auto o = open_EK(*e, key, ct(oid_ct::kAcqCardCodeMsg), policy());
    if (!o.ok()) continue;
    EXPECT_GE(i, iv_at) << "flip at " << i << " outside IV/ciphertext accepted";
    EXPECT_NE(o->content.expose(), t);
  }
}

TEST_P(EnvelopeOps, ParamTooLargeForTheRsaBlockIsACallerError) {
  Bytes t = sample_t();
  der::Writer w;
  w.add_octet_string(Bytes(300, 1));
  Bytes huge = w.finish();
  auto r = EX(test::recipient(gateway()), ct(oid_ct::kPIDualSignedTBE), t, ct(oid_ct::kPANData), huge,
              bc::kKeyPanData);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

// The rejection stories for every RSA-keyed operator, table-driven: sealed correctly, then opened
// with the wrong key (other id, or our id with another key), the wrong BC, or a refusing policy.
struct EnvelopeCase {
  const char* name;
  std::function<Result<asn1::EnvelopedData>(const Recipient&)> seal;
  // Opens with the given holder, expected BC and policy.
  std::function<Status(const asn1::EnvelopedData&, const KeyHolder&, std::uint8_t, const Policy&)> open;
  std::uint8_t bc;
};

TEST_P(EnvelopeOps, EveryEnvelopeOperatorRejectsWrongKeyWrongBlockContentsAndRefusedSuite) {
  const Bytes t = sample_t();
  const Bytes param = sample_pan_token();
  const der::Oid& type = ct(oid_ct::kPIUnsignedTBE);
  const der::Oid& ptype = ct(oid_ct::kPANToken);
  auto status = [](auto r) -> Status { if (r.ok()) return Ok{}; return std::move(r).error(); };
  const std::vector<EnvelopeCase> cases = {
      {"E", [&](const Recipient& r) { return E(r, type, t); },
       [&](const asn1::EnvelopedData& e, const KeyHolder& h, std::uint8_t bcv, const Policy& p) {
         return bcv == bc::kKeyOnly ? status(open_E(e, h, type, p)) : status(open_EH(e, h, type, p));
       }, bc::kKeyOnly},
      {"EH", [&](const Recipient& r) { return EH(r, type, t); },
       [&](const asn1::EnvelopedData& e, const KeyHolder& h, std::uint8_t bcv, const Policy& p) {
         return bcv == bc::kKeyHash ? status(open_EH(e, h, type, p)) : status(open_E(e, h, type, p));
       }, bc::kKeyHash},
      {"EX", [&](const Recipient& r) { return EX(r, type, t, ptype, param, bc::kKeyPanToken); },
       [&](const asn1::EnvelopedData& e, const KeyHolder& h, std::uint8_t bcv, const Policy& p) {
         return status(open_EX(e, h, type, ptype, bcv, p));
       }, bc::kKeyPanToken},
      {"EXH", [&](const Recipient& r) { return EXH(r, type, t, ptype, param, bc::kKeyHashPanToken); },
       [&](const asn1::EnvelopedData& e, const KeyHolder& h, std::uint8_t bcv, const Policy& p) {
         return status(open_EXH(e, h, type, ptype, bcv, p));
       }, bc::kKeyHashPanToken},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto env = c.seal(test::recipient(gateway()));
    ASSERT_TRUE(env.ok()) << env.error().to_string();
    EXPECT_TRUE(c.open(*env, test::holder(gateway()), c.bc, policy()).ok());

    auto other = c.open(*env, test::holder(merchant()), c.bc, policy());
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, Errc::kDecrypt);
    EXPECT_EQ(other.error().message, "envelope is not addressed to this key");

    auto wrong_key = c.open(*env, KeyHolder{&merchant().key, gateway().id}, c.bc, policy());
    ASSERT_FALSE(wrong_key.ok());
    EXPECT_EQ(wrong_key.error().code, Errc::kDecrypt);
    EXPECT_EQ(wrong_key.error().message, "envelope does not open");

    auto wrong_bc = c.open(*env, test::holder(gateway()), bc::kKeyExtra, policy());
    ASSERT_FALSE(wrong_bc.ok());
    EXPECT_EQ(wrong_bc.error().code, Errc::kDecrypt);

    auto refused = c.open(*env, test::holder(gateway()), c.bc, refusing());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, Errc::kPolicy);
  }
}

OPENSET_SEAL_SUITES(EnvelopeOps);

}  // namespace
}  // namespace openset::seal::testing
