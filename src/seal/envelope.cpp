// E, EH, EX, EXH, EK (SetPKCS7Plus) and their opening.
#include "openset/seal/envelope.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "internal.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/cipher.hpp"
#include "openset/crypto/digest.hpp"
#include "openset/crypto/key_transport.hpp"
#include "openset/seal/digest.hpp"
#include "envelope_internal.hpp"

namespace openset::seal {

namespace bc = crypto::block_contents;

namespace detail {

Result<asn1::EnvelopedData> envelope(const Recipient& recipient, const der::Oid& content_type,
                                     ByteView plaintext, std::uint8_t block_contents,
                                     ByteView extra) {
  OPENSET_TRY(const crypto::Suite* suite, need_suite(recipient.suite, "E: recipient"));
  if (!recipient.key) return make_error(Errc::kInvalidArgument, "E: recipient has no public key");
  if (suite->id == crypto::SuiteId::kSet1 &&
      recipient.key.size_bytes() > asn1::kSet1EncryptedKeyMax)
    return make_error(Errc::kInvalidArgument,
                      "set1: EncryptedKey is at most 128 octets (RSA-1024); the recipient's key has " +
                          std::to_string(recipient.key.bits()) + " bits");
  OPENSET_CHECK(check_one_tlv(plaintext, "E: the content"));

  const SecretBytes key = crypto::random_key(suite->cipher);
  const Bytes iv = crypto::random_bytes(crypto::iv_size(suite->cipher));
  OPENSET_TRY(Bytes ciphertext, crypto::encrypt(suite->cipher, key.view(), iv, plaintext));

  SecretBytes adb;
  adb.resize(key.size() + extra.size());
  std::copy(key.view().begin(), key.view().end(), adb.data());
  std::copy(extra.begin(), extra.end(), adb.data() + key.size());
  OPENSET_TRY(Bytes encrypted_key,
              crypto::rsa_wrap(suite->key_transport, recipient.key, block_contents, adb.view()));

  asn1::RecipientInfo ri;
  ri.ri_version = 0;
  ri.issuer_and_serial_number = recipient.id;
  ri.key_encryption_algorithm = alg_ids(*suite).key_transport;
  ri.encrypted_key = std::move(encrypted_key);

  asn1::EnvelopedData env;
  env.ed_version = 1;
  env.recipient_infos.push_back(std::move(ri));
  env.encrypted_content_info.content_type = content_type;
  env.encrypted_content_info.content_encryption_algorithm = content_encryption_alg_id(*suite, iv);
  env.encrypted_content_info.encrypted_content = std::move(ciphertext);
  return env;
}

Result<Unsealed> unseal(const asn1::EnvelopedData& env, const KeyHolder& holder,
                        const der::Oid& expected_content_type, std::uint8_t expected_bc,
                        BlockShape shape, const Policy& policy) {
  if (holder.key == nullptr || !*holder.key)
    return make_error(Errc::kInvalidArgument, "open: no private key given");
  if (env.recipient_infos.size() != 1)
    return make_error(Errc::kConstraint, "E: exactly one RecipientInfo is allowed, got " +
                                             std::to_string(env.recipient_infos.size()));
  const asn1::RecipientInfo& ri = env.recipient_infos[0];
  if (!(ri.issuer_and_serial_number == holder.id)) return not_addressed();
  const asn1::EncryptedContentInfo& eci = env.encrypted_content_info;
  if (!eci.encrypted_content)
    return make_error(Errc::kConstraint, "E: encryptedContent is absent");
  if (!(eci.content_type == expected_content_type))
    return content_type_error("encryptedContentInfo.contentType", eci.content_type,
                              expected_content_type);

  OPENSET_TRY(crypto::KeyTransport kt, key_transport_of(ri.key_encryption_algorithm));
  OPENSET_TRY(crypto::ContentEncryption ce, crypto::parse_content_encryption_algorithm(
                                                asn1::encode(eci.content_encryption_algorithm)));
  OPENSET_TRY(crypto::SuiteId id, crypto::identify_suite(std::nullopt, ce.cipher, kt));
  OPENSET_CHECK(policy.suites.check(id));
  const crypto::Suite& suite = crypto::suite(id);
  if (id == crypto::SuiteId::kSet1 && ri.encrypted_key.size() > asn1::kSet1EncryptedKeyMax)
    return make_error(Errc::kConstraint, "set1: EncryptedKey is " +
                                             std::to_string(ri.encrypted_key.size()) +
                                             " octets, SET 1.0 allows at most 128");

  auto block = crypto::rsa_unwrap(kt, *holder.key, ri.encrypted_key);
  if (!block.ok()) return does_not_open();
  if (block->block_contents != expected_bc)
    return make_error(Errc::kDecrypt, "RSA block does not carry what this message needs "
                                      "(wrong block-contents byte)");

  // ADB = key ‖ [H] ‖ [Param TLV] ‖ zero fill.
  const ByteView adb = block->adb.view();
  const std::size_t key_len = crypto::key_size(ce.cipher);
  const std::size_t hash_len = shape.hash ? crypto::digest_size(suite.digest) : 0;
  if (adb.size() < key_len + hash_len) return does_not_open();
  Unsealed u;
  u.suite = id;
  u.block_contents = block->block_contents;
  const ByteView key = adb.first(key_len);
  u.hash = to_bytes(adb.subspan(key_len, hash_len));
  ByteView rest = adb.subspan(key_len + hash_len);
  if (shape.param) {
    der::Reader r(rest);
    auto e = r.read_any();
    if (!e.ok() || e->tag == der::universal(0)) return does_not_open();
    u.param = SecretBytes(e->tlv);
    rest = r.rest();
  }
  if (!std::all_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b == 0; }))
    return does_not_open();

  auto plain = crypto::decrypt(ce.cipher, key, ce.iv, *eci.encrypted_content);
  if (!plain.ok()) return does_not_open();
  if (!one_tlv(plain->view(), "content").ok()) return does_not_open();
  u.plaintext = std::move(plain).value();
  return u;
}

}  // namespace detail

namespace {

// Checks EX's L{T, Param}: returns T and the digest of Param.
Status check_ex_plaintext(detail::Unsealed& u, const der::Oid& param_content_type,
                          const Policy& policy, OpenedEnvelope& out) {
  OPENSET_TRY(LinkageParts parts, split_L(u.plaintext.view()));
  OPENSET_TRY(DigestCheck c, check_DD(parts.t2, param_content_type, u.param.view(), policy));
  if (c.suite != u.suite)
    return make_error(Errc::kUnsupported, "DD{Param} is not in the envelope's suite");
  out.content = SecretBytes(parts.t1);
  out.param_digest = std::move(c.digest);
  return Ok{};
}

}  // namespace

Result<asn1::EnvelopedData> E(const Recipient& recipient, const der::Oid& content_type,
                              ByteView content_der) {
  return detail::envelope(recipient, content_type, content_der, bc::kKeyOnly, {});
}

Result<asn1::EnvelopedData> EH(const Recipient& recipient, const der::Oid& content_type,
                               ByteView content_der) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(recipient.suite, "EH: recipient"));
  OPENSET_CHECK(detail::check_one_tlv(content_der, "EH: the content"));
  OPENSET_TRY(Bytes h, H(*suite, content_der));
  return detail::envelope(recipient, content_type, content_der, bc::kKeyHash, h);
}

Result<asn1::EnvelopedData> EX(const Recipient& recipient, const der::Oid& l_content_type,
                               ByteView t_der, const der::Oid& param_content_type,
                               ByteView param_der, std::uint8_t block_contents) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(recipient.suite, "EX: recipient"));
  OPENSET_CHECK(detail::check_one_tlv(param_der, "EX: Param"));
  OPENSET_TRY(Bytes l, L(*suite, t_der, param_content_type, param_der));
  SecretBytes extra(param_der);
  return detail::envelope(recipient, l_content_type, l, block_contents, extra.view());
}

Result<asn1::EnvelopedData> EXH(const Recipient& recipient, const der::Oid& l_content_type,
                                ByteView t_der, const der::Oid& param_content_type,
                                ByteView param_der, std::uint8_t block_contents,
                                ExhHashSubject subject) {
  OPENSET_TRY(const crypto::Suite* suite, detail::need_suite(recipient.suite, "EXH: recipient"));
  OPENSET_CHECK(detail::check_one_tlv(param_der, "EXH: Param"));
  OPENSET_TRY(Bytes l, L(*suite, t_der, param_content_type, param_der));
  OPENSET_TRY(Bytes h, H(*suite, subject == ExhHashSubject::kT ? t_der : ByteView(l)));
  SecretBytes extra;  // H ‖ Param
  extra.resize(h.size() + param_der.size());
  std::copy(h.begin(), h.end(), extra.data());
  std::copy(param_der.begin(), param_der.end(), extra.data() + h.size());
  return detail::envelope(recipient, l_content_type, l, block_contents, extra.view());
}

Result<asn1::EncryptedData> EK(const KeyData& key, const der::Oid& content_type,
                               ByteView content_der) {
  if (key.key.size() != crypto::key_size(key.cipher))
    return make_error(Errc::kInvalidArgument,
                      "EK: the key must be " + std::to_string(crypto::key_size(key.cipher)) +
                          " octets for " + std::string(crypto::to_string(key.cipher)));
  OPENSET_CHECK(detail::check_one_tlv(content_der, "EK: the content"));
  OPENSET_TRY(crypto::SuiteId id, crypto::identify_suite(std::nullopt, key.cipher, std::nullopt));
  const crypto::Suite& suite = crypto::suite(id);
  const Bytes iv = crypto::random_bytes(crypto::iv_size(key.cipher));
  OPENSET_TRY(Bytes ciphertext, crypto::encrypt(key.cipher, key.key.view(), iv, content_der));
  asn1::EncryptedData ed;
  ed.version = 0;
  ed.encrypted_content_info.content_type = content_type;
  ed.encrypted_content_info.content_encryption_algorithm =
      detail::content_encryption_alg_id(suite, iv);
  ed.encrypted_content_info.encrypted_content = std::move(ciphertext);
  return ed;
}

Result<OpenedEnvelope> open_E(const asn1::EnvelopedData& env, const KeyHolder& holder,
                              const der::Oid& expected_content_type, const Policy& policy) {
  OPENSET_TRY(detail::Unsealed u, detail::unseal(env, holder, expected_content_type, bc::kKeyOnly,
                                                 {false, false}, policy));
  OpenedEnvelope out;
  out.suite = u.suite;
  out.block_contents = u.block_contents;
  out.content = std::move(u.plaintext);
  return out;
}

Result<OpenedEnvelope> open_EH(const asn1::EnvelopedData& env, const KeyHolder& holder,
                               const der::Oid& expected_content_type, const Policy& policy) {
  OPENSET_TRY(detail::Unsealed u, detail::unseal(env, holder, expected_content_type, bc::kKeyHash,
                                                 {true, false}, policy));
  OPENSET_TRY(Bytes h, H(crypto::suite(u.suite), u.plaintext.view()));
  if (!ct_equal(h, u.hash))
    return make_error(Errc::kDigestMismatch, "EH: the hash in the RSA block does not match the content");
  OpenedEnvelope out;
  out.suite = u.suite;
  out.block_contents = u.block_contents;
  out.content = std::move(u.plaintext);
  out.block_hash = std::move(h);
  return out;
}

Result<OpenedEnvelope> open_EX(const asn1::EnvelopedData& env, const KeyHolder& holder,
                               const der::Oid& l_content_type, const der::Oid& param_content_type,
                               std::uint8_t block_contents, const Policy& policy) {
  OPENSET_TRY(detail::Unsealed u, detail::unseal(env, holder, l_content_type, block_contents,
                                                 {false, true}, policy));
  OpenedEnvelope out;
  out.suite = u.suite;
  out.block_contents = u.block_contents;
  OPENSET_CHECK(check_ex_plaintext(u, param_content_type, policy, out));
  out.param = std::move(u.param);
  return out;
}

Result<OpenedEnvelope> open_EXH(const asn1::EnvelopedData& env, const KeyHolder& holder,
                                const der::Oid& l_content_type, const der::Oid& param_content_type,
                                std::uint8_t block_contents, const Policy& policy,
                                ExhHashSubject subject) {
  OPENSET_TRY(detail::Unsealed u, detail::unseal(env, holder, l_content_type, block_contents,
                                                 {true, true}, policy));
  OpenedEnvelope out;
  out.suite = u.suite;
  out.block_contents = u.block_contents;
  // Hash check before the linkage check (notes §2.2 order).
  ByteView subject_bytes = u.plaintext.view();
  if (subject == ExhHashSubject::kT) {
    OPENSET_TRY(LinkageParts parts, split_L(u.plaintext.view()));
    subject_bytes = parts.t1;
  }
  OPENSET_TRY(Bytes h, H(crypto::suite(u.suite), subject_bytes));
  if (!ct_equal(h, u.hash))
    return make_error(Errc::kDigestMismatch, "EXH: the hash in the RSA block does not match the content");
  out.block_hash = std::move(h);
  OPENSET_CHECK(check_ex_plaintext(u, param_content_type, policy, out));
  out.param = std::move(u.param);
  return out;
}

Result<OpenedEnvelope> open_EK(const asn1::EncryptedData& data, const KeyData& key,
                               const der::Oid& expected_content_type, const Policy& policy) {
  const asn1::EncryptedContentInfo& eci = data.encrypted_content_info;
  if (!eci.encrypted_content)
    return make_error(Errc::kConstraint, "EK: encryptedContent is absent");
  if (!(eci.content_type == expected_content_type))
    return detail::content_type_error("encryptedContentInfo.contentType", eci.content_type,
                                      expected_content_type);
  OPENSET_TRY(crypto::ContentEncryption ce, crypto::parse_content_encryption_algorithm(
                                                asn1::encode(eci.content_encryption_algorithm)));
  OPENSET_TRY(crypto::SuiteId id, crypto::identify_suite(std::nullopt, ce.cipher, std::nullopt));
  OPENSET_CHECK(policy.suites.check(id));
  if (ce.cipher != key.cipher)
    return make_error(Errc::kDecrypt, "EK: encrypted with " + std::string(crypto::to_string(ce.cipher)) +
                                          ", the key given is for " +
                                          std::string(crypto::to_string(key.cipher)));
  if (key.key.size() != crypto::key_size(key.cipher))
    return make_error(Errc::kInvalidArgument, "EK: the key given has the wrong size");
  auto plain = crypto::decrypt(ce.cipher, key.key.view(), ce.iv, *eci.encrypted_content);
  if (!plain.ok()) return detail::does_not_open();
  if (!detail::one_tlv(plain->view(), "content").ok()) return detail::does_not_open();
  OpenedEnvelope out;
  out.suite = id;
  out.content = std::move(plain).value();
  return out;
}

}  // namespace openset::seal
