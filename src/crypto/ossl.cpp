#include "ossl.hpp"

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>

#include <openssl/provider.h>

#include "openset/crypto/crypto.hpp"

namespace openset::crypto::ossl {
namespace {

struct ProviderState {
  OSSL_PROVIDER* default_provider = nullptr;
  OSSL_PROVIDER* legacy_provider = nullptr;
  bool default_ok = false;
  bool legacy_ok = false;
  std::string default_error;
  std::string legacy_error;
};

ProviderState& provider_state() {
  static ProviderState state;  // destroyed after unload_providers() (registered later) has run
  return state;
}

// Runs at exit, before OpenSSL's own cleanup (registered earlier, so it runs later). Without it
// OpenSSL 3.0 leaves the explicitly loaded providers allocated and LeakSanitizer reports them.
void unload_providers() {
  ProviderState& s = provider_state();
  if (s.legacy_provider != nullptr) OSSL_PROVIDER_unload(s.legacy_provider);
  if (s.default_provider != nullptr) OSSL_PROVIDER_unload(s.default_provider);
  s.legacy_provider = nullptr;
  s.default_provider = nullptr;
}

const ProviderState& providers() {
  static std::once_flag once;
  std::call_once(once, [] {
    ProviderState& state = provider_state();
    // Loading any provider explicitly stops OpenSSL from auto-loading "default", so both are
    // loaded here, once, and unloaded at process exit.
    state.default_provider = OSSL_PROVIDER_load(nullptr, "default");
    if (state.default_provider != nullptr) {
      state.default_ok = true;
    } else {
      state.default_error = "cannot load OpenSSL's 'default' provider" + drain_errors();
    }
    state.legacy_provider = OSSL_PROVIDER_load(nullptr, "legacy");
    if (state.legacy_provider != nullptr) {
      state.legacy_ok = true;
    } else {
      state.legacy_error =
          "DES-CBC (suite set1) needs OpenSSL's 'legacy' provider, which cannot be loaded "
          "(is legacy.so installed? OPENSSL_MODULES may point at its directory)" +
          drain_errors();
    }
    std::atexit(unload_providers);
  });
  return provider_state();
}

}  // namespace

Status ensure_providers(bool need_legacy) {
  const ProviderState& s = providers();
  if (!s.default_ok) return make_error(Errc::kCrypto, s.default_error);
  if (need_legacy && !s.legacy_ok) return make_error(Errc::kUnsupported, s.legacy_error);
  return Ok{};
}

std::string drain_errors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += out.empty() ? " (" : "; ";
    out += buf;
  }
  if (!out.empty()) out += ")";
  return out;
}

Error failure(Errc c, std::string_view what) {
  return make_error(c, std::string(what) + drain_errors());
}

Error quiet_failure(Errc c, std::string_view what) {
  ERR_clear_error();
  return make_error(c, std::string(what));
}

const char* md_name(DigestAlg alg) noexcept {
  switch (alg) {
    case DigestAlg::kSha1: return "SHA1";
    case DigestAlg::kSha256: return "SHA2-256";
  }
  return "SHA2-256";
}

const char* cipher_name(CipherAlg alg) noexcept {
  switch (alg) {
    case CipherAlg::kDesCbc: return "DES-CBC";
    case CipherAlg::kAes256Cbc: return "AES-256-CBC";
  }
  return "AES-256-CBC";
}

// Fetching by name walks OpenSSL's method store on every call; algorithms are fetched once
// per process and handed out as new references (EVP_MD_up_ref), which costs a counter
// increment. (This was the main overhead of seal::verify_S over raw EVP_DigestVerify.)
Result<MdPtr> fetch_md(DigestAlg alg) {
  OPENSET_CHECK(ensure_providers());
  static EVP_MD* const cached[2] = {EVP_MD_fetch(nullptr, md_name(DigestAlg::kSha1), nullptr),
                                    EVP_MD_fetch(nullptr, md_name(DigestAlg::kSha256), nullptr)};
  EVP_MD* md = cached[alg == DigestAlg::kSha1 ? 0 : 1];
  if (md == nullptr || EVP_MD_up_ref(md) != 1)
    return failure(Errc::kCrypto, std::string("cannot fetch digest ") + md_name(alg));
  return MdPtr(md);
}

Result<CipherPtr> fetch_cipher(CipherAlg alg) {
  OPENSET_CHECK(ensure_providers(alg == CipherAlg::kDesCbc));
  if (alg == CipherAlg::kAes256Cbc) {
    static EVP_CIPHER* const aes = EVP_CIPHER_fetch(nullptr, cipher_name(alg), nullptr);
    if (aes != nullptr && EVP_CIPHER_up_ref(aes) == 1) return CipherPtr(aes);
  } else {
    static EVP_CIPHER* const des = EVP_CIPHER_fetch(nullptr, cipher_name(alg), nullptr);
    if (des != nullptr && EVP_CIPHER_up_ref(des) == 1) return CipherPtr(des);
  }
  return failure(Errc::kUnsupported, std::string("cannot fetch cipher ") + cipher_name(alg));
}

Result<int> to_int(std::size_t n, std::string_view what) {
  if (n > static_cast<std::size_t>(INT_MAX))
    return make_error(Errc::kLimit, std::string(what) + " is too large for OpenSSL");
  return static_cast<int>(n);
}

}  // namespace openset::crypto::ossl

namespace openset::crypto {

Status initialize() { return ossl::ensure_providers(true); }

}  // namespace openset::crypto
