// The engines' shared wire helpers: refusals and their ErrorCodes, MessageWrapper, the Error
// message (signed and unsigned), and signatures from certified parties checked against a SET
// hierarchy.
#include "openset/roles/wire.hpp"

#include <gtest/gtest.h>

#include "openset/asn1/oids.hpp"
#include "openset/roles/env.hpp"
#include "pki_fixture.hpp"

namespace openset::roles {
namespace {

using asn1::ErrorCode;
using pki::CertType;
using namespace pki::testing;

struct Fixture : ::testing::Test {
  ManualClock clock{kNow.to_unix()};
  DeterministicRandomness random{7};
  Env env{clock, random};
  Hierarchy h{crypto::SuiteId::kModern};
  crypto::PrivateKey merchant_key = key(crypto::SuiteId::kModern, "merchant-sig", false);
  pki::PathValidator validator{h.trust()};

  seal::Signer merchant(bool send_certificate) {
    seal::Signer s{&merchant_key, must(certificate_issuer_and_serial(h.merchant_sig)), h.suite, {}};
    if (send_certificate) s.certificates = {h.merchant_sig};
    return s;
  }
  TrustContext trust() {
    TrustContext t;
    t.validator = &validator;
    t.certificates = h.intermediates();
    return t;
  }
  Bytes some_request() {
    asn1::MessageIDs ids;
    ids.lid_c = Bytes{1, 2, 3};
    ids.x_id = Bytes(20, 0x5a);
    asn1::ErrorTBS tbs;
    tbs.error_code = ErrorCode::kUnknownXID;
    tbs.error_nonce = Bytes(20, 1);
    tbs.error_msg.value = Bytes{9};
    asn1::SetError e;
    e.value = tbs;
    asn1::Message m;
    m.value.emplace<asn1::Message::kError>(e);
    return wrap(make_header(env, ids, Bytes(20, 0x77)), std::move(m));
  }
};

TEST(Refusal, CarriesItsErrorCodeOrDerivesOne) {
  EXPECT_EQ(set_error_code(refusal(ErrorCode::kUnknownXID, "no such XID")), ErrorCode::kUnknownXID);
  EXPECT_EQ(set_error_code(Error(Errc::kNotDer, "x")), ErrorCode::kDecodingFailure);
  EXPECT_EQ(set_error_code(Error(Errc::kTruncated, "x")), ErrorCode::kDecodingFailure);
  EXPECT_EQ(set_error_code(Error(Errc::kSignature, "x")), ErrorCode::kSignatureFailure);
  EXPECT_EQ(set_error_code(Error(Errc::kDigestMismatch, "x")), ErrorCode::kSignatureFailure);
  EXPECT_EQ(set_error_code(Error(Errc::kLimit, "x")), ErrorCode::kMessageTooBig);
  EXPECT_EQ(set_error_code(Error(Errc::kIo, "x")), ErrorCode::kUnspecifiedFailure);
  // with_set_code keeps a code already decided.
  Error e = with_set_code(refusal(ErrorCode::kChallengeMismatch, "c"), ErrorCode::kSignatureFailure);
  EXPECT_EQ(set_error_code(e), ErrorCode::kChallengeMismatch);
  EXPECT_EQ(set_error_code(with_set_code(Error(Errc::kSignature, "s"), ErrorCode::kRevokedCertificate)),
            ErrorCode::kRevokedCertificate);
}

TEST(Env, DeterministicRandomnessReplaysAndClockMovesOnlyWhenTold) {
  DeterministicRandomness a(1), b(1), c(2);
  Bytes x = a.bytes(45);
  EXPECT_EQ(x.size(), 45u);
  EXPECT_EQ(x, b.bytes(45));
  EXPECT_NE(x, c.bytes(45));
  EXPECT_NE(a.bytes(45), x);  // the stream moves on
  ManualClock clock(1'000'000);
  DeterministicRandomness r(0);
  Env env{clock, r};
  EXPECT_EQ(env.now(), 1'000'000);
  clock.advance(60);
  EXPECT_EQ(env.date(), der::Time::from_unix(1'000'060));
}

TEST_F(Fixture, WrapperRoundTripsAndGarbageIsADecodingFailure) {
  Bytes der = some_request();
  auto w = unwrap(der);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  EXPECT_EQ(message_index(*w), asn1::Message::kError);
  EXPECT_EQ(message_type_name(message_index(*w)), "Error");
  EXPECT_EQ(message_type_name(asn1::Message::kPurchaseInitRequest), "PInitReq");
  EXPECT_EQ(message_type_name(asn1::Message::kCertificateInquiryResponse), "CertInqRes");
  EXPECT_EQ(w->message_header.sw_ident, kSoftwareIdent);
  EXPECT_EQ(w->message_header.date, der::Time::from_unix(clock.now()));
  Bytes bad = der;
  bad.push_back(0);  // trailing octet
  auto r = unwrap(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(set_error_code(r.error()), ErrorCode::kDecodingFailure);
}

TEST_F(Fixture, UnsignedErrorEchoesTheRefusedHeader) {
  Bytes request = some_request();
  auto msg = make_error_message(env, refusal(ErrorCode::kUnknownRRPID, "RRPID not known"), request);
  ASSERT_TRUE(msg.ok()) << msg.error().to_string();
  auto w = unwrap(*msg);
  ASSERT_TRUE(w.ok());
  // The Error's own header carries the same IDs and RRPID (Book 2: the reply names the request).
  EXPECT_EQ(w->message_header.rrpid, Bytes(20, 0x77));
  ASSERT_TRUE(w->message_header.message_ids.has_value());
  EXPECT_EQ(w->message_header.message_ids->x_id, Bytes(20, 0x5a));
  auto e = read_error(*w);
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->code, ErrorCode::kUnknownRRPID);
  EXPECT_FALSE(e->signed_error);
  ASSERT_TRUE(e->about.has_value());
  EXPECT_EQ(e->about->rrpid, Bytes(20, 0x77));
}

TEST_F(Fixture, UndecodableInputIsEchoedAsBadWrapper) {
  Bytes junk = {0x30, 0x03, 0x02, 0x01};  // truncated
  auto msg = make_error_message(env, Error(Errc::kTruncated, "cut short"), junk);
  ASSERT_TRUE(msg.ok());
  auto w = unwrap(*msg);
  ASSERT_TRUE(w.ok());
  const auto& err = std::get<asn1::Message::kError>(w->message.value);
  const auto& tbs = std::get<asn1::ErrorTBS>(err.value);
  EXPECT_EQ(tbs.error_code, ErrorCode::kDecodingFailure);
  ASSERT_TRUE(std::holds_alternative<Bytes>(tbs.error_msg.value));
  EXPECT_EQ(std::get<Bytes>(tbs.error_msg.value), junk);
  EXPECT_FALSE(w->message_header.message_ids.has_value());
  // An oversized input is cut to badWrapper's 20000-octet bound, and an empty one still encodes.
  auto big = make_error_message(env, Error(Errc::kLimit, "big"), Bytes(30000, 0xff));
  ASSERT_TRUE(big.ok());
  auto wb = unwrap(*big);
  ASSERT_TRUE(wb.ok());
  const auto& tb = std::get<asn1::ErrorTBS>(std::get<asn1::Message::kError>(wb->message.value).value);
  EXPECT_EQ(std::get<Bytes>(tb.error_msg.value).size(), 20000u);
  EXPECT_EQ(tb.error_code, ErrorCode::kMessageTooBig);
  EXPECT_TRUE(make_error_message(env, Error(Errc::kTruncated, "nothing"), {}).ok());
}

TEST_F(Fixture, SignedErrorVerifiesAgainstTheSendersValidatedCertificate) {
  seal::Signer m = merchant(true);
  auto msg = make_error_message(env, refusal(ErrorCode::kUnknownXID, "no such XID"), some_request(), &m);
  ASSERT_TRUE(msg.ok()) << msg.error().to_string();
  auto w = unwrap(*msg);
  ASSERT_TRUE(w.ok());
  auto e = read_error(*w);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->signed_error);
  EXPECT_EQ(e->code, ErrorCode::kUnknownXID);

  const auto& sd = std::get<asn1::SignedData>(std::get<asn1::Message::kError>(w->message.value).value);
  const der::Oid& ct = asn1::oid::content(asn1::oid::ContentType::kErrorTBS);
  auto ok = verify_signed(env, sd, ct, CertType::kMerchantSignature, trust(), "Atlas");
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->signer_certificate, h.merchant_sig);
  EXPECT_EQ(ok->path.brand, "Atlas");
  EXPECT_FALSE(ok->content.empty());

  // A merchant's certificate presented where a cardholder's is expected.
  auto wrong_type = verify_signed(env, sd, ct, CertType::kCardholder, trust());
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(set_error_code(wrong_type.error()), ErrorCode::kInvalidCertificate);
  // The wrong brand.
  auto wrong_brand = verify_signed(env, sd, ct, CertType::kMerchantSignature, trust(), "Meridian");
  ASSERT_FALSE(wrong_brand.ok());
  EXPECT_EQ(set_error_code(wrong_brand.error()), ErrorCode::kInvalidCertificate);
  // Another content type than the one signed.
  auto wrong_ct = verify_signed(env, sd, asn1::oid::content(asn1::oid::ContentType::kPResData),
                                CertType::kMerchantSignature, trust());
  ASSERT_FALSE(wrong_ct.ok());
  // Years later the merchant's certificate has expired.
  clock.set(kNow.to_unix() + 20LL * 365 * 86400);
  auto expired = verify_signed(env, sd, ct, CertType::kMerchantSignature, trust());
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(set_error_code(expired.error()), ErrorCode::kExpiredCertificate);
}

TEST_F(Fixture, TamperedSignatureAndMissingCertificateAreRefusedWithTheirCodes) {
  seal::Signer with_cert = merchant(true);
  auto msg = make_error_message(env, refusal(ErrorCode::kUnknownXID, "x"), some_request(), &with_cert);
  ASSERT_TRUE(msg.ok());
  auto w = unwrap(*msg);
  ASSERT_TRUE(w.ok());
  auto sd = std::get<asn1::SignedData>(std::get<asn1::Message::kError>(w->message.value).value);
  const der::Oid& ct = asn1::oid::content(asn1::oid::ContentType::kErrorTBS);
  auto tampered = sd;
  tampered.signer_infos[0].encrypted_digest[5] ^= 1;
  auto bad = verify_signed(env, tampered, ct, CertType::kMerchantSignature, trust());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(set_error_code(bad.error()), ErrorCode::kSignatureFailure);

  auto no_cert = sd;
  no_cert.certificates.reset();
  auto missing = verify_signed(env, no_cert, ct, CertType::kMerchantSignature, trust());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(set_error_code(missing.error()), ErrorCode::kMissingCertificate);
  // ... but a receiver that already holds the certificate (thumbprints) needs no copy.
  TrustContext t = trust();
  t.certificates.push_back(h.merchant_sig);
  EXPECT_TRUE(verify_signed(env, no_cert, ct, CertType::kMerchantSignature, t).ok());
  // The MCA revokes the merchant's certificate and publishes a CRL the receiver holds.
  auto serial = must(certificate_issuer_and_serial(h.merchant_sig)).serial_number;
  ASSERT_TRUE(h.atlas_mca->revoke(serial, kT0).ok());
  t.crls.push_back(must(h.atlas_mca->issue_crl(kT0, at(2026, 3, 1))));
  auto revoked = verify_signed(env, sd, ct, CertType::kMerchantSignature, t);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(set_error_code(revoked.error()), ErrorCode::kRevokedCertificate);
}

TEST_F(Fixture, ValidateCertificateChecksTypeAndUse) {
  auto ok = validate_certificate(env, h.gateway_kx, CertType::kGatewayKeyExchange, trust(), {}, "Atlas");
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  // A signature certificate offered for key exchange.
  auto wrong = validate_certificate(env, h.gateway_sig, CertType::kGatewayKeyExchange, trust());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(set_error_code(wrong.error()), ErrorCode::kInvalidCertificate);
  // Without the CA certificates the chain is broken.
  TrustContext bare;
  bare.validator = &validator;
  auto broken = validate_certificate(env, h.gateway_kx, CertType::kGatewayKeyExchange, bare);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(set_error_code(broken.error()), ErrorCode::kMissingCertificate);
}

}  // namespace
}  // namespace openset::roles
