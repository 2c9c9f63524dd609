#include "openset/roles/purchase/messages.hpp"

#include <utility>

#include "openset/asn1/set_message_wrapper.hpp"
#include "openset/seal/digest.hpp"
#include "openset/seal/envelope.hpp"

namespace openset::roles::purchase {

using CT = asn1::oid::ContentType;

Result<asn1::AuthReqData> make_auth_req_data(const Env& env, const crypto::Suite& suite,
                                             std::string_view merchant_id, ByteView rrpid,
                                             const asn1::TransIDs& trans_ids, ByteView oi_data_der,
                                             const asn1::DigestedData& hod2, const Money& amount) {
  asn1::AuthReqData d;
  asn1::AuthReqItem& item = d.auth_req_item;
  item.auth_tags.auth_rr_tags.rrpid = to_bytes(rrpid);
  item.auth_tags.auth_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(std::string(merchant_id));
  item.auth_tags.auth_rr_tags.current_date = env.date();
  item.auth_tags.trans_ids = trans_ids;
  // CheckDigests (notes §4.2): the merchant's DD of the OIData it received and its own HOD.
  asn1::CheckDigests cd;
  OPENSET_TRY(cd.h_oi_data, seal::DD(suite, content_type(CT::kOIData), oi_data_der));
  cd.hod2 = hod2;
  item.check_digests = std::move(cd);
  item.auth_req_payload.auth_req_amt = amount;
  d.capture_now = false;  // capture is a separate CapReq (saleDetail absent, D-4)
  return d;
}

Result<Bytes> make_auth_req(const Env& env, const Credentials& merchant,
                            ByteView gateway_key_exchange_certificate,
                            const asn1::AuthReqData& data, ByteView pi_der) {
  const crypto::Suite& suite = *merchant.suite;
  // The merchant's signature and key-exchange certificates travel with the signature: the
  // gateway seals AuthRes to the latter.
  OPENSET_TRY(seal::Signer signer, merchant.signer(true, true));
  OPENSET_TRY(seal::Recipient gateway, recipient_of(gateway_key_exchange_certificate, suite));
  seal::EncBTypes types{content_type(CT::kPI), content_type(CT::kAuthReqTBS),
                        content_type(CT::kAuthReqTBE)};
  OPENSET_TRY(Bytes encb, seal::EncB(signer, gateway, types, asn1::encode(data), pi_der));
  OPENSET_TRY(asn1::AuthReq req, asn1::decode<asn1::AuthReq>(encb));
  asn1::Message m;
  m.value.emplace<asn1::Message::kAuthorizationRequest>(std::move(req));
  const asn1::TransIDs& t = data.auth_req_item.auth_tags.trans_ids;
  return wrap(make_header(env, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid},
                          data.auth_req_item.auth_tags.auth_rr_tags.rrpid),
              std::move(m));
}

Result<Bytes> make_cap_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                           ByteView gateway_key_exchange_certificate, ByteView rrpid,
                           const std::vector<CapRequestItem>& items) {
  if (items.empty()) return Error(Errc::kInvalidArgument, "CapReq without items");
  const crypto::Suite& suite = *merchant.suite;
  asn1::CapReqData data;
  data.cap_rr_tags.rrpid = to_bytes(rrpid);
  data.cap_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(std::string(merchant_id));
  data.cap_rr_tags.current_date = env.date();
  der::Writer tokens;  // CapTokenSeq ::= SEQUENCE SIZE(1..MAX) OF CapToken
  tokens.begin_sequence();
  for (const CapRequestItem& it : items) {
    asn1::CapItem ci;
    ci.trans_ids = it.trans_ids;
    ci.auth_rrpid = it.auth_rrpid;
    ci.cap_payload.cap_date = env.date();
    ci.cap_payload.cap_req_amt = it.amount;
    if (it.batch_id || it.batch_sequence_num) {
      asn1::SaleDetail sd;
      sd.batch_id = it.batch_id;
      sd.batch_sequence_num = it.batch_sequence_num;
      ci.cap_payload.sale_detail = std::move(sd);
    }
    data.cap_item_seq.push_back(std::move(ci));
    tokens.add_raw(it.cap_token);
  }
  tokens.end();
  Bytes baggage = tokens.finish();
  OPENSET_TRY(seal::Signer signer, merchant.signer(true, true));
  OPENSET_TRY(seal::Recipient gateway, recipient_of(gateway_key_exchange_certificate, suite));
  seal::EncBTypes types{content_type(CT::kCapTokenSeq), content_type(CT::kCapReqTBS),
                        content_type(CT::kCapReqTBE)};
  OPENSET_TRY(Bytes encb, seal::EncB(signer, gateway, types, asn1::encode(data), baggage));
  OPENSET_TRY(asn1::CapReq::B b, asn1::decode<asn1::CapReq::B>(encb));
  asn1::CapReq req;
  req.value.emplace<0>(std::move(b));
  asn1::Message m;
  m.value.emplace<asn1::Message::kCaptureRequest>(std::move(req));
  return wrap(make_header(env, std::nullopt, to_bytes(rrpid)), std::move(m));
}

Result<Bytes> make_auth_rev_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                                ByteView gateway_key_exchange_certificate, ByteView rrpid,
                                const AuthRevRequest& req) {
  const crypto::Suite& suite = *merchant.suite;
  asn1::AuthRevReqData d;
  asn1::RRTags& tags = d.auth_rev_tags.auth_rev_rr_tags;
  tags.rrpid = to_bytes(rrpid);
  tags.mer_term_ids.merchant_id = asn1::MerchantID(std::string(merchant_id));
  tags.current_date = env.date();
  asn1::AuthReqData orig;
  orig.auth_req_item.auth_tags.auth_rr_tags.rrpid = req.auth_rrpid;
  orig.auth_req_item.auth_tags.auth_rr_tags.mer_term_ids = tags.mer_term_ids;
  orig.auth_req_item.auth_tags.auth_rr_tags.current_date = env.date();
  orig.auth_req_item.auth_tags.trans_ids = req.trans_ids;
  orig.auth_req_item.auth_req_payload.auth_req_amt = req.authorized;
  orig.capture_now = false;
  d.auth_req_data = std::move(orig);
  d.auth_new_amt = req.new_amount;
  // AuthRevReqBaggage ::= SEQUENCE { pi PI, capToken CapToken OPTIONAL } from the bytes kept.
  der::Writer bag;
  bag.begin_sequence().add_raw(req.pi);
  if (req.cap_token) bag.add_raw(*req.cap_token);
  bag.end();
  OPENSET_TRY(seal::Signer signer, merchant.signer(true, true));
  OPENSET_TRY(seal::Recipient gateway, recipient_of(gateway_key_exchange_certificate, suite));
  seal::EncBTypes types{content_type(CT::kAuthRevReqBaggage), content_type(CT::kAuthRevReqTBS),
                        content_type(CT::kAuthRevReqTBE)};
  OPENSET_TRY(Bytes encb, seal::EncB(signer, gateway, types, asn1::encode(d), bag.finish()));
  OPENSET_TRY(asn1::AuthRevReq r, asn1::decode<asn1::AuthRevReq>(encb));
  asn1::Message m;
  m.value.emplace<asn1::Message::kAuthReversalRequest>(std::move(r));
  const asn1::TransIDs& t = req.trans_ids;
  return wrap(make_header(env, asn1::MessageIDs{t.lid_c, t.lid_m, t.xid}, to_bytes(rrpid)), std::move(m));
}

Result<Bytes> make_cap_rev_or_cred_req(const Env& env, const Credentials& merchant, std::string_view merchant_id,
                                       ByteView gateway_key_exchange_certificate, ByteView rrpid,
                                       CapRevOrCred kind, const std::vector<CapRevOrCredItem>& items) {
  if (items.empty()) return Error(Errc::kInvalidArgument, "a reversal or credit request without items");
  const crypto::Suite& suite = *merchant.suite;
  asn1::CapRevOrCredReqData data;
  data.cap_rev_or_cred_rr_tags.rrpid = to_bytes(rrpid);
  data.cap_rev_or_cred_rr_tags.mer_term_ids.merchant_id = asn1::MerchantID(std::string(merchant_id));
  data.cap_rev_or_cred_rr_tags.current_date = env.date();
  der::Writer tokens;  // CapTokenSeq, one per item (null when the merchant has none)
  tokens.begin_sequence();
  for (const CapRevOrCredItem& it : items) {
    asn1::CapRevOrCredReqItem ri;
    ri.trans_ids = it.trans_ids;
    ri.auth_rrpid = it.auth_rrpid;
    ri.cap_payload.cap_date = env.date();
    ri.cap_payload.cap_req_amt = it.captured;
    ri.cap_rev_or_cred_req_date = env.date();
    ri.cap_rev_or_cred_req_amt = it.amount;
    ri.new_batch_id = it.new_batch_id;
    data.cap_rev_or_cred_req_item_seq.push_back(std::move(ri));
    if (it.cap_token) {
      tokens.add_raw(*it.cap_token);
    } else {
      asn1::CapToken null_token;
      null_token.value.emplace<2>();
      tokens.add_raw(asn1::encode(null_token));
    }
  }
  tokens.end();
  Bytes content;
  CT tbs = CT::kCapRevReqTBS, tbe = CT::kCapRevReqTBE;
  if (kind == CapRevOrCred::kCapRev) {
    asn1::CapRevData d;
    d.value.emplace<0>(std::move(data));
    content = asn1::encode(d);
  } else if (kind == CapRevOrCred::kCred) {
    asn1::CredReqData d;
    d.value.emplace<0>(std::move(data));
    content = asn1::encode(d);
    tbs = CT::kCredReqTBS;
    tbe = CT::kCredReqTBE;
  } else {
    asn1::CredRevReqData d;
    d.value.emplace<0>(std::move(data));
    content = asn1::encode(d);
    tbs = CT::kCredRevReqTBS;
    tbe = CT::kCredRevReqTBE;
  }
  OPENSET_TRY(seal::Signer signer, merchant.signer(true, true));
  OPENSET_TRY(seal::Recipient gateway, recipient_of(gateway_key_exchange_certificate, suite));
  OPENSET_TRY(Bytes encb, seal::EncB(signer, gateway,
                                     seal::EncBTypes{content_type(CT::kCapTokenSeq), content_type(tbs),
                                                     content_type(tbe)},
                                     content, tokens.finish()));
  asn1::Message m;
  if (kind == CapRevOrCred::kCapRev) {
    OPENSET_TRY(asn1::CapRevReq::B b, asn1::decode<asn1::CapRevReq::B>(encb));
    asn1::CapRevReq r;
    r.value.emplace<0>(std::move(b));
    m.value.emplace<asn1::Message::kCaptureReversalRequest>(std::move(r));
  } else if (kind == CapRevOrCred::kCred) {
    OPENSET_TRY(asn1::CredReq::B b, asn1::decode<asn1::CredReq::B>(encb));
    asn1::CredReq r;
    r.value.emplace<0>(std::move(b));
    m.value.emplace<asn1::Message::kCreditRequest>(std::move(r));
  } else {
    OPENSET_TRY(asn1::CredRevReq::B b, asn1::decode<asn1::CredRevReq::B>(encb));
    asn1::CredRevReq r;
    r.value.emplace<0>(std::move(b));
    m.value.emplace<asn1::Message::kCreditReversalRequest>(std::move(r));
  }
  return wrap(make_header(env, std::nullopt, to_bytes(rrpid)), std::move(m));
}

Result<Bytes> make_batch_admin_req(const Env& env, const Credentials& merchant,
                                   ByteView gateway_key_exchange_certificate,
                                   const asn1::BatchAdminReqData& data) {
  OPENSET_TRY(seal::Signer signer, merchant.signer(true, true));
  OPENSET_TRY(seal::Recipient gateway, recipient_of(gateway_key_exchange_certificate, *merchant.suite));
  OPENSET_TRY(asn1::EnvelopedData enc,
              seal::Enc(signer, gateway,
                        seal::EncTypes{content_type(CT::kBatchAdminReqData), content_type(CT::kBatchAdminReqTBE)},
                        asn1::encode(data)));
  asn1::Message m;
  m.value.emplace<asn1::Message::kBatchAdministrationRequest>(std::move(enc));
  return wrap(make_header(env, std::nullopt, data.batch_admin_rr_tags.rrpid), std::move(m));
}

}  // namespace openset::roles::purchase
