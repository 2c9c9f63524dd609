// Builders of the merchant -> gateway requests (notes §4.2, §4.6), shared by the merchant engine
// and by tests that play a misbehaving merchant (asking more than the cardholder signed,
// capturing twice).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "openset/asn1/set_paymsgs.hpp"
#include "openset/asn1/set_paymsgs_capture.hpp"
#include "openset/roles/purchase/common.hpp"

namespace openset::roles::purchase {

// AuthReq ::= EncB{M, P, AuthReqData, PI} in a MessageWrapper (header: the TransIDs' LIDs and
// XID, RRPID = AuthRRTags.rrpid). `pi_der` is the PI CHOICE TLV (e.g. [1] PIDualSigned).
Result<Bytes> make_auth_req(const Env& env, const Credentials& merchant,
                            ByteView gateway_key_exchange_certificate,
                            const asn1::AuthReqData& data, ByteView pi_der);

// The AuthReqData a merchant sends for a dual-signed purchase: AuthTags (fresh RRPID, its
// MerchantID, today), CheckDigests {DD(OIData as received), HOD2 = its own HOD}, AuthReqAmt.
Result<asn1::AuthReqData> make_auth_req_data(const Env& env, const crypto::Suite& suite,
                                             std::string_view merchant_id, ByteView rrpid,
                                             const asn1::TransIDs& trans_ids, ByteView oi_data_der,
                                             const asn1::DigestedData& hod2, const Money& amount);

struct CapRequestItem {
  asn1::TransIDs trans_ids;
  Bytes auth_rrpid;
  Money amount;     // CapReqAmt
  Bytes cap_token;  // DER of the CapToken from the AuthRes
  // SaleDetail.batchID / batchSequenceNum (set-1.asn1 line 1933): the merchant's batch.
  std::optional<std::int64_t> batch_id = std::nullopt;
  std::optional<std::int64_t> batch_sequence_num = std::nullopt;
};
// CapReq ::= EncB{M, P, CapReqData, CapTokenSeq} in a MessageWrapper (header RRPID =
// CapRRTags.rrpid), one CapItem and one CapToken per item, in order.
Result<Bytes> make_cap_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                           ByteView gateway_key_exchange_certificate, ByteView rrpid,
                           const std::vector<CapRequestItem>& items);

// AuthRevReq ::= EncB{M, P, AuthRevReqData, AuthRevReqBaggage} (notes §4.5) in a MessageWrapper
// (header RRPID = AuthRevRRTags.rrpid): AuthRevTags (fresh RRPID, MerchantID, today), the original
// authorization's AuthTags {AuthRRPID, TransIDs} and AuthReqAmt as authReqData (CheckDigests
// left out: docs/departures.md P-17), AuthNewAmt; baggage {the PI as forwarded in AuthReq, the
// CapToken of the AuthRes}.
struct AuthRevRequest {
  asn1::TransIDs trans_ids;
  Bytes auth_rrpid;
  Money authorized;  // AuthReqAmt of the original AuthReq
  Money new_amount;  // AuthNewAmt (0: cancel)
  Bytes pi;          // PI CHOICE TLV (the AuthReq's baggage)
  std::optional<Bytes> cap_token;  // DER of the CapToken
};
Result<Bytes> make_auth_rev_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                                ByteView gateway_key_exchange_certificate, ByteView rrpid,
                                const AuthRevRequest& req);

// CapRevReq / CredReq / CredRevReq (notes §4.7): EncB{M, P, CapRevData | CredReqData |
// CredRevReqData, CapTokenSeq}; one CapRevOrCredReqItem and one CapToken (or null) per item.
enum class CapRevOrCred { kCapRev, kCred, kCredRev };
struct CapRevOrCredItem {
  asn1::TransIDs trans_ids;
  Bytes auth_rrpid;
  Money captured;                // CapPayload.capReqAmt (as captured)
  std::optional<Money> amount;   // capRevOrCredReqAmt (credit / credit reversed)
  std::optional<Bytes> cap_token;  // DER of the CapToken; none: null
  std::optional<std::int64_t> new_batch_id = std::nullopt;  // newBatchID [0] (set-1.asn1 line 1438)
};
Result<Bytes> make_cap_rev_or_cred_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                                       ByteView gateway_key_exchange_certificate, ByteView rrpid,
                                       CapRevOrCred kind, const std::vector<CapRevOrCredItem>& items);

// BatchAdminReq ::= Enc{M, P, BatchAdminReqData} (notes §4.9) in a MessageWrapper (header RRPID =
// batchAdminRRTags.rrpid, which the caller fills with MerchantID and date).
Result<Bytes> make_batch_admin_req(const Env& env, const Credentials& merchant,
                                   ByteView gateway_key_exchange_certificate,
                                   const asn1::BatchAdminReqData& data);
}  // namespace openset::roles::purchase
