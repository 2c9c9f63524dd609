// Module SetMessage (continued): MessageWrapper and the Message CHOICE
// (set-1.asn1 lines 49-136; notes §1.1, §1.6). Every SET message on the wire is one DER
// MessageWrapper.
//
// Each Message alternative is [n] EXPLICIT. The payment messages (tags 0-21, SetPayMsgs) and
// the certificate-management messages (tags 22-31, SetCertMsgs) are typed down to their
// cryptographic wrappers; the signed/encrypted contents are typed in set_paymsgs.hpp and
// set_certmsgs.hpp and found through their content-type OIDs.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_paymsgs.hpp"

namespace openset::asn1 {

// Message ::= CHOICE { purchaseInitRequest [0] EXPLICIT PInitReq, ..., error [999] EXPLICIT Error }
struct Message {
  static constexpr std::string_view kName = "Message";
  static constexpr bool kIsChoice = true;

  // Alternative indexes, equal to the context tag numbers 0..31; error (tag 999) is index 32.
  enum Index : std::size_t {
    kPurchaseInitRequest = 0, kPurchaseInitResponse, kPurchaseRequest, kPurchaseResponse,
    kInquiryRequest, kInquiryResponse, kAuthorizationRequest, kAuthorizationResponse,
    kAuthReversalRequest, kAuthReversalResponse, kCaptureRequest, kCaptureResponse,
    kCaptureReversalRequest, kCaptureReversalResponse, kCreditRequest, kCreditResponse,
    kCreditReversalRequest, kCreditReversalResponse, kPCertificateRequest,
    kPCertificateResponse, kBatchAdministrationRequest, kBatchAdministrationResponse,
    kCardholderCInitRequest, kCardholderCInitResponse, kMeAqCInitRequest, kMeAqCInitResponse,
    kRegistrationFormRequest, kRegistrationFormResponse, kCertificateRequest,
    kCertificateResponse, kCertificateInquiryRequest, kCertificateInquiryResponse, kError,
  };

  std::variant<PInitReq,       //  0 PInitReq
               SignedData,     //  1 PInitRes ::= S { M, PInitResData }
               PReq,           //  2 PReq
               SignedData,     //  3 PRes ::= S { M, PResData }
               InqReq,         //  4 InqReq
               SignedData,     //  5 InqRes ::= PRes
               AuthReq,        //  6 AuthReq ::= EncB { M, P, AuthReqData, PI }
               AuthRes,        //  7 AuthRes
               AuthRevReq,     //  8 AuthRevReq ::= EncB { M, P, AuthRevReqData, AuthRevReqBaggage }
               AuthRevRes,     //  9 AuthRevRes
               CapReq,         // 10 CapReq
               EnvelopedData,  // 11 CapRes ::= Enc { P, M, CapResData }
               CapRevReq,      // 12 CapRevReq
               EnvelopedData,  // 13 CapRevRes ::= Enc { P, M, CapRevResData }
               CredReq,        // 14 CredReq
               EnvelopedData,  // 15 CredRes ::= Enc { P, M, CredResData }
               CredRevReq,     // 16 CredRevReq
               EnvelopedData,  // 17 CredRevRes ::= Enc { P, M, CredRevResData }
               SignedData,     // 18 PCertReq ::= S { M, PCertReqData }
               SignedData,     // 19 PCertRes ::= S { P, PCertResTBS }
               EnvelopedData,  // 20 BatchAdminReq ::= Enc { M, P, BatchAdminReqData }
               EnvelopedData,  // 21 BatchAdminRes ::= Enc { P, M, BatchAdminResData }
               CardCInitReq,   // 22 CardCInitReq
               SignedData,     // 23 CardCInitRes ::= S { CA, CardCInitResTBS }
               MeAqCInitReq,   // 24 Me-AqCInitReq
               SignedData,     // 25 Me-AqCInitRes ::= S { CA, Me-AqCInitResTBS }
               EnvelopedData,  // 26 RegFormReq ::= EXH { CA, RegFormReqData, PANOnly }
               SignedData,     // 27 RegFormRes ::= S { CA, RegFormResTBS }
               CertReq,        // 28 CertReq (CHOICE encx/enc)
               CertRes,        // 29 CertRes (CHOICE certResTBS/certResTBSK)
               SignedData,     // 30 CertInqReq ::= S { EE, CertInqReqTBS }
               CertRes,        // 31 CertInqRes ::= CertRes
               SetError>       // [999] Error
      value;

  template <class V>
  void describe(V& v) {
    v.template alt<0>(value, "purchaseInitRequest", explicit_(0, spec::Seq<PInitReq>{}));
    v.template alt<1>(value, "purchaseInitResponse", explicit_(1, spec::Seq<SignedData>{}));
    v.template alt<2>(value, "purchaseRequest", explicit_(2, spec::Choice<PReq>{}));
    v.template alt<3>(value, "purchaseResponse", explicit_(3, spec::Seq<SignedData>{}));
    v.template alt<4>(value, "inquiryRequest", explicit_(4, spec::Choice<InqReq>{}));
    v.template alt<5>(value, "inquiryResponse", explicit_(5, spec::Seq<SignedData>{}));
    v.template alt<6>(value, "authorizationRequest", explicit_(6, spec::Seq<AuthReq>{}));
    v.template alt<7>(value, "authorizationResponse", explicit_(7, spec::Choice<AuthRes>{}));
    v.template alt<8>(value, "authReversalRequest", explicit_(8, spec::Seq<AuthRevReq>{}));
    v.template alt<9>(value, "authReversalResponse", explicit_(9, spec::Choice<AuthRevRes>{}));
    v.template alt<10>(value, "captureRequest", explicit_(10, spec::Choice<CapReq>{}));
    v.template alt<11>(value, "captureResponse", explicit_(11, spec::Seq<EnvelopedData>{}));
    v.template alt<12>(value, "captureReversalRequest", explicit_(12, spec::Choice<CapRevReq>{}));
    v.template alt<13>(value, "captureReversalResponse", explicit_(13, spec::Seq<EnvelopedData>{}));
    v.template alt<14>(value, "creditRequest", explicit_(14, spec::Choice<CredReq>{}));
    v.template alt<15>(value, "creditResponse", explicit_(15, spec::Seq<EnvelopedData>{}));
    v.template alt<16>(value, "creditReversalRequest", explicit_(16, spec::Choice<CredRevReq>{}));
    v.template alt<17>(value, "creditReversalResponse", explicit_(17, spec::Seq<EnvelopedData>{}));
    v.template alt<18>(value, "pCertificateRequest", explicit_(18, spec::Seq<SignedData>{}));
    v.template alt<19>(value, "pCertificateResponse", explicit_(19, spec::Seq<SignedData>{}));
    v.template alt<20>(value, "batchAdministrationRequest", explicit_(20, spec::Seq<EnvelopedData>{}));
    v.template alt<21>(value, "batchAdministrationResponse", explicit_(21, spec::Seq<EnvelopedData>{}));
    v.template alt<22>(value, "cardholderCInitRequest", explicit_(22, spec::Seq<CardCInitReq>{}));
    v.template alt<23>(value, "cardholderCInitResponse", explicit_(23, spec::Seq<SignedData>{}));
    v.template alt<24>(value, "meAqCInitRequest", explicit_(24, spec::Seq<MeAqCInitReq>{}));
    v.template alt<25>(value, "meAqCInitResponse", explicit_(25, spec::Seq<SignedData>{}));
    v.template alt<26>(value, "registrationFormRequest", explicit_(26, spec::Seq<EnvelopedData>{}));
    v.template alt<27>(value, "registrationFormResponse", explicit_(27, spec::Seq<SignedData>{}));
    v.template alt<28>(value, "certificateRequest", explicit_(28, spec::Choice<CertReq>{}));
    v.template alt<29>(value, "certificateResponse", explicit_(29, spec::Choice<CertRes>{}));
    v.template alt<30>(value, "certificateInquiryRequest", explicit_(30, spec::Seq<SignedData>{}));
    v.template alt<31>(value, "certificateInquiryResponse", explicit_(31, spec::Choice<CertRes>{}));
    v.template alt<32>(value, "error", explicit_(999, spec::Choice<SetError>{}));
  }
};

// MessageWrapper ::= SEQUENCE {                                                   (lines 49-53)
//    messageHeader  MessageHeader,
//    message        [0] EXPLICIT MESSAGE.&Type (Message),
//    mwExtensions   [1] MsgExtensions {{MWExtensionsIOS}} OPTIONAL }
struct MessageWrapper {
  static constexpr std::string_view kName = "MessageWrapper";
  MessageHeader message_header;
  Message message;
  std::optional<MsgExtensions> mw_extensions;
  template <class V>
  void describe(V& v) {
    v(message_header, "messageHeader");
    v(message, "message", explicit_(0, spec::Choice<Message>{}));
    v(mw_extensions, "mwExtensions", implicit(1, spec::MsgExtensions()));
  }
};

}  // namespace openset::asn1
