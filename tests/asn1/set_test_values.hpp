// Shared example values for the SET type tests (set_message_test, set_paymsgs_test,
// printer_test). The pinned hex strings are hand-assembled; see the breakdowns in
// set_message_test.cpp.
#pragma once

#include <string>
#include <string_view>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/pkcs7.hpp"
#include "openset/asn1/set_certmsgs.hpp"
#include "openset/asn1/set_message.hpp"
#include "openset/asn1/set_paymsgs.hpp"

namespace openset::asn1::testing {

inline Bytes hex(std::string_view h) { return from_hex(h).value(); }
inline std::string rep(std::string_view octet, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += octet;
  return s;
}

inline der::Time date_1997() { return der::Time{1997, 5, 31, 12, 0, 0, 0}; }
inline AlgorithmIdentifier sha1_null() { return {oid::sha1(), hex("0500")}; }

inline const std::string kCurrencyAmountHex = "300b" "02020348" "020204d2" "0201fe";
inline const std::string kGeneralizedTime1997 = "180f" "3139393730353331313230303030" "5a";
inline const std::string kTransIDsHex = "303a" "040401020304" "80024d31" "0414" + rep("11", 20) +
                                        kGeneralizedTime1997 + "8103505331" "1a02656e";
inline const std::string kPANDataHex = "3046" "1210" "34313131313131313131313131313131"
                                       "1206" "323032373132" "0414" + rep("22", 20) + "0414" +
                                       rep("33", 20);
inline const std::string kHodDDHex = "302c" "020100" "300906052b0e03021a0500" "30060604672a0007"
                                     "0414" + rep("ab", 20);
inline const std::string kHODInputHex = "302c" "04026f64" + kCurrencyAmountHex + "0414" +
                                        rep("44", 20) + "a003800103";
inline const std::string kOIDataHex = "3081d8" + kTransIDsHex + "0414" + rep("55", 20) + "0414" +
                                      rep("66", 20) + kHodDDHex + "0414" + rep("44", 20) + "0414" +
                                      rep("77", 20) + "1a0456697361" "1206343131313131"
                                      "a0060604672a0101";
inline const std::string kPIHeadHex = "3081cd" + kTransIDsHex + "303b" + kHodDDHex +
                                      kCurrencyAmountHex + "1a094d65726368616e7431" "0414" +
                                      rep("88", 20) + "1a0b4f70656e5345542f302e31"
                                      "a113" "3011" "06052b0e030207" "04089999999999999999"
                                      "a20f" "300d" "0604672a0108" "0101ff" "a0020500";
inline const std::string kMessageHeaderHex = "304f" "020101" + kGeneralizedTime1997 + "a016" "8214" +
                                             rep("11", 20) + "8114" + rep("99", 20) +
                                             "1a0b4f70656e5345542f302e31";

inline CurrencyAmount usd_12_34() { return {840, 1234, -2}; }

inline TransIDs trans_ids() {
  TransIDs t;
  t.lid_c = hex("01020304");
  t.lid_m = to_bytes(std::string_view("M1"));
  t.xid = Bytes(20, 0x11);
  t.p_req_date = date_1997();
  t.pay_sys_id = "PS1";
  t.language = "en";
  return t;
}

inline PANData pan_data() { return {"4111111111111111", "202712", Bytes(20, 0x22), Bytes(20, 0x33)}; }
inline PANData0 pan_data0() { return {"4111111111111111", "202712", Bytes(20, 0x23), Bytes(20, 0x34)}; }
inline PANToken pan_token() { return {"4111111111111111", "202712", Bytes(20, 0x35)}; }

inline DigestedData dd(oid::ContentType ct, std::uint8_t fill = 0xab) {
  DigestedData d;
  d.digest_algorithm = sha1_null();
  d.content_info.content_type = oid::content(ct);
  d.digest = Bytes(20, fill);
  return d;
}
inline DigestedData hod_dd() { return dd(oid::ContentType::kHODInput); }

inline HODInput hod_input() {
  HODInput h;
  h.od = to_bytes(std::string_view("od"));
  h.purch_amt = usd_12_34();
  h.od_salt = Bytes(20, 0x44);
  InstallRecurData ir;
  ir.install_recur_ind.value = std::int64_t{3};
  h.install_recur_data = ir;
  return h;
}

inline OIData oi_data() {
  OIData o;
  o.trans_ids = trans_ids();
  o.rrpid = Bytes(20, 0x55);
  o.chall_c = Bytes(20, 0x66);
  o.hod = hod_dd();
  o.od_salt = Bytes(20, 0x44);
  o.chall_m = Bytes(20, 0x77);
  o.brand_id = "Visa";
  o.bin = "411111";
  o.od_ext_oids = std::vector<der::Oid>{der::Oid::from_arcs({2, 23, 42, 1, 1})};
  return o;
}

inline MsgExtension msg_extension() {
  return {der::Oid::from_arcs({2, 23, 42, 1, 8}), true, hex("0500")};
}

inline PIHead pi_head() {
  PIHead p;
  p.trans_ids = trans_ids();
  p.inputs.hod = hod_dd();
  p.inputs.purch_amt = usd_12_34();
  p.merchant_id = "Merchant1";
  p.trans_stain = Bytes(20, 0x88);
  p.sw_ident = "OpenSET/0.1";
  p.acq_back_key_data = BackKeyData{oid::des_cbc(), Bytes(8, 0x99)};
  p.pi_extensions = MsgExtensions{msg_extension()};
  return p;
}

inline MessageIDs message_ids() {
  MessageIDs m;
  m.lid_c = to_bytes(std::string_view("C1"));
  m.lid_m = to_bytes(std::string_view("M1"));
  m.x_id = Bytes(20, 0x11);
  return m;
}

inline MessageHeader message_header() {
  MessageHeader h;
  h.date = date_1997();
  h.message_ids = MessageIDs{};
  h.message_ids->x_id = Bytes(20, 0x11);
  h.rrpid = Bytes(20, 0x99);
  h.sw_ident = "OpenSET/0.1";
  return h;
}

inline CertThumb cert_thumb() { return {sha1_null(), Bytes(20, 0xcc)}; }

inline Thumbs thumbs() {
  Thumbs t;
  t.digest_algorithm = sha1_null();
  t.cert_thumbs = std::vector<Bytes>{Bytes(20, 1), Bytes(20, 2)};
  t.crl_thumbs = std::vector<Bytes>{};
  t.brand_crl_id_thumbs = std::vector<Bytes>{Bytes(20, 3)};
  return t;
}

inline Location location() {
  Location l;
  l.country_code = 392;
  l.city = Location::City("Tokyo");
  l.postal_code = Location::PostalCode("100-0001");
  return l;
}

inline ErrorTBS error_tbs() {
  ErrorTBS e;
  e.error_code = ErrorCode::kDecodingFailure;
  e.error_nonce = Bytes(20, 0x5a);
  e.error_oid = oid::content(oid::ContentType::kHODInput);
  e.error_thumb = cert_thumb();
  e.error_msg.value = message_header();
  return e;
}

inline SignerInfo signer_info(const der::Oid& content_type) {
  SignerInfo si;
  si.issuer_and_serial_number.issuer = hex("3000");
  si.issuer_and_serial_number.serial_number = hex("01");
  si.digest_algorithm = sha1_null();
  Attribute ct;
  ct.type = oid::pkcs9_content_type();
  der::Writer w;
  w.add_oid(content_type);
  ct.values = {w.finish()};
  Attribute md;
  md.type = oid::pkcs9_message_digest();
  md.values = {hex("0414" + rep("d1", 20))};
  si.authenticated_attributes = std::vector<Attribute>{ct, md};
  si.digest_encryption_algorithm = {oid::rsa_encryption(), hex("0500")};
  si.encrypted_digest = hex("deadbeef");
  return si;
}

// S{signer, T} with the DER of T as content (content-type OID `ct`).
inline SignedData signed_data_with_content(const der::Oid& ct, const Bytes& content) {
  SignedData sd;
  sd.digest_algorithms = {sha1_null()};
  sd.content_info.content_type = ct;
  sd.content_info.content = content;
  sd.signer_infos = {signer_info(ct)};
  return sd;
}

// SO{signer, T}: detached.
inline SignedData detached_signed_data(const der::Oid& ct) {
  SignedData sd;
  sd.digest_algorithms = {sha1_null()};
  sd.content_info.content_type = ct;
  sd.signer_infos = {signer_info(ct)};
  return sd;
}

// E{recipient, T}: one RecipientInfo, DES-CBC, ciphertext present.
inline EnvelopedData enveloped_data(const der::Oid& ct) {
  EnvelopedData e;
  RecipientInfo ri;
  ri.issuer_and_serial_number.issuer = hex("3000");
  ri.issuer_and_serial_number.serial_number = hex("02");
  ri.key_encryption_algorithm = {oid::rsa_oaep_encryption_set(), hex("0500")};
  ri.encrypted_key = Bytes(128, 0xee);
  e.recipient_infos = {ri};
  e.encrypted_content_info.content_type = ct;
  e.encrypted_content_info.content_encryption_algorithm = {oid::des_cbc(), hex("0408" + rep("01", 8))};
  e.encrypted_content_info.encrypted_content = Bytes(48, 0xec);
  return e;
}

}  // namespace openset::asn1::testing
