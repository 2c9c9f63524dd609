#include "openset/asn1/registry.hpp"

#include <utility>

#include "openset/asn1/linkage.hpp"
#include "openset/asn1/oids.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/asn1/set_paymsgs.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"

namespace openset::asn1 {
namespace {

template <Described T>
Status check_type(ByteView der, der::Limits limits) {
  auto r = decode<T>(der, limits);
  if (!r.ok()) return std::move(r).error();
  return Ok{};
}

template <Described T>
RegisteredType entry(std::string_view name = T::kName) {
  return RegisteredType{name, type_node<T>(), &check_type<T>};
}

// A registered spec that is not a described struct (SEQUENCE OF, NULL, OCTET STRING, OID).
template <auto Make>
Status check_spec(ByteView der, der::Limits limits) {
  der::Reader r(der, limits);
  auto s = Make();
  typename decltype(s)::value_type v{};
  OPENSET_CHECK(s.decode(r, v));
  return r.expect_end();
}
template <auto Make>
RegisteredType spec_entry(std::string_view name) {
  return RegisteredType{name, Make().node(), &check_spec<Make>};
}

spec::Null make_null() { return {}; }
spec::Octets make_cbc8() { return spec::Octets{.size = {8, 8}, .name = "CBC8Parameter"}; }
spec::Octets make_iv16() { return spec::Octets{.size = {16, 16}, .name = "IV"}; }
spec::Octets make_data() { return spec::Octets{.name = "Data"}; }
spec::Octets make_message_digest() { return spec::Octets{.size = {1, kDigestMax}, .name = "MessageDigest"}; }
spec::ObjectId make_content_type() { return spec::ObjectId{.name = "ContentType"}; }
spec::SeqOf<spec::Choice<CapToken>> make_cap_token_seq() { return spec::CapTokenSeq(); }
auto make_reg_field_seq() { return spec::RegFieldSeq(); }
auto make_reg_form() { return spec::RegForm(); }
auto make_failed_item_seq() { return spec::FailedItemSeq(); }

struct Registry {
  std::vector<RegisteredType> types;
  std::vector<std::pair<der::Oid, std::string_view>> by_oid;  // OID -> registered name
  // The same, resolved to entries of `types` (whose buffer never moves after construction).
  std::vector<std::pair<der::Oid, const RegisteredType*>> by_oid_resolved;
  std::vector<const RegisteredType*> candidates;
};

const Registry& registry() {
  static const Registry reg = [] {
    Registry r;
    r.types = {
        // SetMessage
        entry<MessageWrapper>(), entry<Message>(), entry<MessageHeader>(), entry<MessageIDs>(),
        entry<TransIDs>(), entry<PANData>(), entry<PANData0>(), entry<PANToken>(),
        entry<BackKeyData>(), entry<CertThumb>(), entry<Thumbs>(), entry<MsgExtension>(),
        entry<DateTime>(), entry<Distance>(), entry<Location>(), entry<ErrorTBS>(),
        entry<ErrorMsg>(), entry<SetError>(), entry<CRLNotificationTBS>(),
        entry<CRLNotificationResTBS>(), entry<BrandID>(), entry<MerchantID>(),
        // SetCertMsgs
        entry<PANOnly>(), entry<AcctData>(), entry<AcctInfo>(), entry<IDData>(),
        entry<MerchantAcquirerID>(), entry<AcquirerID>(), entry<RegFormOrReferral>(),
        entry<RegFormData>(), entry<RegTemplate>(), entry<RegField>(), entry<ReferralData>(),
        entry<CardCInitReq>(), entry<CardCInitResTBS>(), entry<MeAqCInitReq>(),
        entry<MeAqCInitResTBS>(), entry<RegFormReqData>(), entry<RegFormReqTBE>(),
        entry<RegFormResTBS>(), entry<CertReq>(), entry<CertReqTBEX>(), entry<CertReqTBS>(),
        entry<CertReqData>(), entry<RegFormItems>(), entry<FieldValue>(), entry<PublicKeySorE>(),
        entry<CertRes>(), entry<CertResData>(), entry<CertStatus>(), entry<CAMsg>(),
        entry<FailedItem>(), entry<CertInqReqTBS>(),
        spec_entry<&make_reg_field_seq>("RegFieldSeq"), spec_entry<&make_reg_form>("RegForm"),
        spec_entry<&make_failed_item_seq>("FailedItemSeq"),
        // SetPayMsgs
        entry<PInitReq>(), entry<PInitResData>(), entry<PReq>(), entry<PReqDualSigned>(),
        entry<PReqUnsigned>(), entry<PIDualSigned>(), entry<PI>(), entry<PIData>(),
        entry<PIDataUnsigned>(), entry<PIHead>(), entry<Inputs>(), entry<OIData>(),
        entry<HODInput>(), entry<PI_TBS>(), entry<PIOILink>(), entry<OIDualSigned>(),
        entry<OIUnsigned>(), entry<PIDualSignedTBE>(), entry<PIUnsignedTBE>(),
        entry<CurrencyAmount>(), entry<InstallRecurData>(), entry<InstallRecurInd>(),
        entry<Recurring>(), entry<PResData>(), entry<PResPayload>(), entry<Results>(),
        entry<AuthStatus>(), entry<CapStatus>(), entry<CreditStatus>(), entry<CurrConv>(),
        entry<InqReq>(), entry<InqReqData>(), entry<AuthReq>(), entry<AuthRes>(),
        entry<AuthRevReq>(), entry<AuthRevRes>(), entry<CapReq>(), entry<CapRevReq>(),
        entry<CredReq>(), entry<CredRevReq>(), entry<AuthReqTBS>(), entry<AuthReqData>(),
        entry<AuthReqItem>(), entry<AuthTags>(), entry<CheckDigests>(), entry<AuthReqPayload>(),
        entry<AVSData>(), entry<MerchData>(), entry<MarketSpecAuthData>(),
        entry<MarketAutoAuth>(), entry<MarketHotelAuth>(), entry<MarketSpecSaleData>(),
        entry<MarketSpecCapData>(), entry<SaleDetail>(), entry<RRTags>(), entry<MerTermIDs>(),
        entry<AuthResTBS>(), entry<AuthResTBSX>(), entry<AuthResTBEX>(), entry<AuthResData>(),
        entry<AuthResPayload>(), entry<AuthResBaggage>(), entry<AuthHeader>(),
        entry<ResponseData>(), entry<AuthValCodes>(), entry<CapResPayload>(),
        entry<BatchStatus>(), entry<BatchDetails>(), entry<BatchTotals>(),
        entry<BrandBatchDetails>(), entry<ClosedWhen>(), entry<AuthRevReqBaggage>(),
        entry<AuthRevResBaggage>(), entry<AuthTokenData>(), entry<AuthTokenTBS>(),
        entry<AuthTokenTBE>(), entry<CapToken>(), spec_entry<&make_cap_token_seq>("CapTokenSeq"),
        entry<CapTokenData>(), entry<CapTokenTBS>(), entry<CapTokenTBEX>(),
        entry<AcqCardCodeMsg>(), entry<AcqCardMsgData>(),
        // SetPayMsgs (set_paymsgs_capture.hpp)
        entry<AuthRevReqData>(), entry<AuthRevTags>(), entry<AuthRevReqTBS>(),
        entry<AuthRevResData>(), entry<AuthResDataNew>(), entry<AuthRevResTBS>(),
        entry<CapReqData>(), entry<CapItem>(), entry<CapPayload>(), entry<CapReqTBS>(),
        entry<CapReqTBSX>(), entry<CapReqTBEX>(), entry<CapResData>(), entry<CapResItem>(),
        entry<CapRevOrCredReqData>(), entry<CapRevOrCredReqItem>(), entry<CapRevOrCredResData>(),
        entry<CapRevOrCredResItem>(), entry<CapRevOrCredResPayload>(), entry<CapRevData>(),
        entry<CapRevResData>(), entry<CredReqData>(), entry<CredResData>(),
        entry<CredRevReqData>(), entry<CredRevResData>(), entry<CapRevReqTBS>(),
        entry<CapRevReqTBSX>(), entry<CapRevReqTBEX>(), entry<CredReqTBS>(), entry<CredReqTBSX>(),
        entry<CredReqTBEX>(), entry<CredRevReqTBS>(), entry<CredRevReqTBSX>(),
        entry<CredRevReqTBEX>(), entry<PCertReqData>(), entry<BrandAndBIN>(),
        entry<PCertResTBS>(), entry<PCertResItem>(), entry<BatchAdminReqData>(),
        entry<BatchAdminResData>(), entry<ReturnTransactionDetail>(), entry<TransDetails>(),
        entry<TransactionDetail>(), entry<SettlementInfo>(),
        // SetCertificate / SetCRL / SetCertificateExtensions (set_certificate.hpp)
        entry<Certificate>(), entry<UnsignedCertificate>(), entry<CRL>(),
        entry<UnsignedCertificateRevocationList>(), entry<BrandCRLIdentifier>(),
        entry<UnsignedBrandCRLIdentifier>(), entry<Name>(), entry<Validity>(),
        entry<SubjectPublicKeyInfo>(), entry<Extension>(), entry<CRLEntry>(),
        entry<CRLIdentifier>(), entry<MerchantDataSyntax>(), entry<TunnelingSyntax>(),
        entry<AuthorityKeyIdentifier>(), entry<BasicConstraintsSyntax>(),
        entry<PrivateKeyUsagePeriod>(), entry<PolicyInformation>(), entry<RootKeyThumb>(),
        // SetPKCS7Plus / SetAttribute
        entry<HMACPanData>(), entry<ContentInfo>(), entry<SignedData>(), entry<SignerInfo>(),
        entry<EnvelopedData>(), entry<RecipientInfo>(), entry<EncryptedContentInfo>(),
        entry<EncryptedData>(), entry<DigestedData>(), entry<IssuerAndSerialNumber>(),
        entry<AlgorithmIdentifier>(), entry<Attribute>(),
        // Open-type values selected by an OID
        spec_entry<&make_null>("NULL"), spec_entry<&make_cbc8>("CBC8Parameter"),
        spec_entry<&make_iv16>("IV"), spec_entry<&make_data>("Data"),
        spec_entry<&make_message_digest>("MessageDigest"),
        spec_entry<&make_content_type>("ContentType"),
    };

    using CT = oid::ContentType;
    auto content = [&](CT ct, std::string_view type) { r.by_oid.emplace_back(oid::content(ct), type); };
    content(CT::kPANData, "PANData");
    content(CT::kPANToken, "PANToken");
    content(CT::kPANOnly, "PANOnly");
    content(CT::kOIData, "OIData");
    content(CT::kPI, "PI");
    content(CT::kPIData, "PIData");
    content(CT::kPIDataUnsigned, "PIDataUnsigned");
    content(CT::kHODInput, "HODInput");
    content(CT::kAuthResBaggage, "AuthResBaggage");
    content(CT::kAuthRevReqBaggage, "AuthRevReqBaggage");
    content(CT::kAuthRevResBaggage, "AuthRevResBaggage");
    content(CT::kCapTokenSeq, "CapTokenSeq");
    content(CT::kPInitResData, "PInitResData");
    content(CT::kPI_TBS, "PI-TBS");
    content(CT::kPResData, "PResData");
    content(CT::kInqReqData, "InqReqData");
    content(CT::kAuthReqTBS, "AuthReqTBS");
    content(CT::kAuthResTBS, "AuthResTBS");
    content(CT::kAuthResTBSX, "AuthResTBSX");
    content(CT::kAuthTokenTBS, "AuthTokenTBS");
    content(CT::kCapTokenData, "CapTokenData");
    content(CT::kCapTokenTBS, "CapTokenTBS");
    content(CT::kAcqCardCodeMsg, "AcqCardCodeMsg");
    content(CT::kAuthRevReqTBS, "AuthRevReqTBS");
    content(CT::kAuthRevResData, "AuthRevResData");
    content(CT::kAuthRevResTBS, "AuthRevResTBS");
    content(CT::kCapReqTBS, "CapReqTBS");
    content(CT::kCapReqTBSX, "CapReqTBSX");
    content(CT::kCapResData, "CapResData");
    content(CT::kCapRevReqTBS, "CapRevReqTBS");
    content(CT::kCapRevReqTBSX, "CapRevReqTBSX");
    content(CT::kCapRevResData, "CapRevResData");
    content(CT::kCredReqTBS, "CredReqTBS");
    content(CT::kCredReqTBSX, "CredReqTBSX");
    content(CT::kCredResData, "CredResData");
    content(CT::kCredRevReqTBS, "CredRevReqTBS");
    content(CT::kCredRevReqTBSX, "CredRevReqTBSX");
    content(CT::kCredRevResData, "CredRevResData");
    content(CT::kPCertReqData, "PCertReqData");
    content(CT::kPCertResTBS, "PCertResTBS");
    content(CT::kBatchAdminReqData, "BatchAdminReqData");
    content(CT::kBatchAdminResData, "BatchAdminResData");
    content(CT::kCapReqTBEX, "CapReqTBEX");
    content(CT::kCapRevReqTBEX, "CapRevReqTBEX");
    content(CT::kCredReqTBEX, "CredReqTBEX");
    content(CT::kCredRevReqTBEX, "CredRevReqTBEX");
    content(CT::kErrorTBS, "ErrorTBS");
    content(CT::kPIDualSignedTBE, "PIDualSignedTBE");
    content(CT::kPIUnsignedTBE, "PIUnsignedTBE");
    content(CT::kAuthResTBEX, "AuthResTBEX");
    content(CT::kAuthTokenTBE, "AuthTokenTBE");
    content(CT::kCapTokenTBEX, "CapTokenTBEX");
    content(CT::kCardCInitResTBS, "CardCInitResTBS");
    content(CT::kMeAqCInitResTBS, "Me-AqCInitResTBS");
    content(CT::kRegFormResTBS, "RegFormResTBS");
    content(CT::kCertReqData, "CertReqData");
    content(CT::kCertReqTBS, "CertReqTBS");
    content(CT::kCertResData, "CertResData");
    content(CT::kCertInqReqTBS, "CertInqReqTBS");
    content(CT::kRegFormReqTBE, "RegFormReqTBE");
    content(CT::kCertReqTBEX, "CertReqTBEX");
    content(CT::kCRLNotificationTBS, "CRLNotificationTBS");
    content(CT::kCRLNotificationResTBS, "CRLNotificationResTBS");
    // ...TBE ::= S { signer, ...TBS/Data }: a SignedData.
    for (CT ct : {CT::kAuthReqTBE, CT::kAuthResTBE, CT::kCapTokenTBE, CT::kAcqCardCodeMsgTBE,
                  CT::kAuthRevReqTBE, CT::kAuthRevResTBE, CT::kAuthRevResTBEB, CT::kCapReqTBE,
                  CT::kCapResTBE, CT::kCapRevReqTBE, CT::kCapRevResTBE, CT::kCredReqTBE,
                  CT::kCredResTBE, CT::kCredRevReqTBE, CT::kCredRevResTBE, CT::kBatchAdminReqTBE,
                  CT::kBatchAdminResTBE, CT::kCertReqTBE, CT::kCertResTBE})
      content(ct, "SignedData");
    // PKCS#7 content types
    r.by_oid.emplace_back(oid::pkcs7_data(), "Data");
    r.by_oid.emplace_back(oid::pkcs7_signed_data(), "SignedData");
    r.by_oid.emplace_back(oid::pkcs7_enveloped_data(), "EnvelopedData");
    r.by_oid.emplace_back(oid::pkcs7_digested_data(), "DigestedData");
    r.by_oid.emplace_back(oid::pkcs7_encrypted_data(), "EncryptedData");
    // PKCS#9 authenticated attributes
    r.by_oid.emplace_back(oid::pkcs9_content_type(), "ContentType");
    r.by_oid.emplace_back(oid::pkcs9_message_digest(), "MessageDigest");
    // Algorithm parameters
    for (const der::Oid* o : {&oid::sha1(), &oid::sha256(), &oid::rsa_encryption(),
                              &oid::sha1_with_rsa(), &oid::sha256_with_rsa(),
                              &oid::rsa_oaep_encryption_set()})
      r.by_oid.emplace_back(*o, "NULL");
    r.by_oid.emplace_back(oid::des_cbc(), "CBC8Parameter");
    r.by_oid.emplace_back(oid::des_cdmf(), "CBC8Parameter");
    r.by_oid.emplace_back(oid::aes256_cbc(), "IV");
    for (const auto& [o, name] : r.by_oid) {
      const RegisteredType* t = nullptr;
      for (const auto& x : r.types)
        if (x.name == name) t = &x;
      r.by_oid_resolved.emplace_back(o, t);
    }
    return r;
  }();
  return reg;
}

}  // namespace

const std::vector<RegisteredType>& registered_types() { return registry().types; }

const RegisteredType* find_type(std::string_view name) {
  for (const auto& t : registry().types)
    if (t.name == name) return &t;
  return nullptr;
}

const RegisteredType* type_for_oid(const der::Oid& o) {
  for (const auto& [key, type] : registry().by_oid_resolved)
    if (key == o) return type;
  return nullptr;
}

const std::vector<const RegisteredType*>& top_level_candidates() {
  static const std::vector<const RegisteredType*> c = [] {
    std::vector<const RegisteredType*> v;
    for (std::string_view n : {"MessageWrapper", "ContentInfo", "SignedData", "EnvelopedData",
                               "DigestedData", "EncryptedData", "Certificate", "CRL",
                               "BrandCRLIdentifier"})
      v.push_back(find_type(n));
    // Then every typed id-set-content type, in content-type order (dedup: TBEs are SignedData).
    for (unsigned i = 0; i < oid::kContentTypeCount; ++i) {
      const RegisteredType* t = type_for_oid(oid::content(static_cast<oid::ContentType>(i)));
      if (t == nullptr) continue;
      bool seen = false;
      for (const auto* x : v) seen = seen || x == t;
      if (!seen) v.push_back(t);
    }
    return v;
  }();
  return c;
}

}  // namespace openset::asn1
