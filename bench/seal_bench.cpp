// seal operators against the raw primitives they are built on, in both suites.
//
//   sign:     raw EVP_DigestSign over the content        vs  seal::S
//   verify:   raw EVP_DigestVerify over the content      vs  seal::verify_S (decoded SignedData)
//             (and verify_S from the DER, decode included, as an extra row)
//   EH seal:  raw crypto::rsa_wrap + crypto::encrypt     vs  seal::EH
//   EH open:  raw crypto::rsa_unwrap + crypto::decrypt   vs  seal::open_EH
//
// The target: the operators add under 5 % to the raw primitives.
//
// Each pair is measured twice: as two separate benchmarks (raw_*/X and X, the usual Google
// Benchmark output), and as one "paired/X" benchmark that alternates raw and operator call by
// call and times each with the thread's CPU clock. The ratio table at the end uses the paired
// medians: on a shared machine, load drifts between separate benchmarks but cancels in pairs.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "openset/asn1/oids.hpp"
#include "openset/asn1/schema.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/der/der.hpp"
#include "openset/seal/seal.hpp"

namespace {

using namespace openset;
namespace bc = crypto::block_contents;

struct Fixture {
  const crypto::Suite* suite;
  crypto::PrivateKey key;
  crypto::PublicKey pub;
  asn1::IssuerAndSerialNumber id;
  Bytes content;
  der::Oid type;
};

Fixture& fixture(crypto::SuiteId sid) {
  static std::map<crypto::SuiteId, Fixture> all;
  auto it = all.find(sid);
  if (it != all.end()) return it->second;
  Fixture f;
  f.suite = &crypto::suite(sid);
  f.key = crypto::PrivateKey::generate_rsa(f.suite->ee_rsa_bits).value();
  f.pub = f.key.public_key();
  der::Writer name;
  name.begin_sequence().begin_set_of().begin_sequence()
      .add_oid(der::Oid::from_arcs({2, 5, 4, 3}))
      .add_string(der::tags::kPrintableString, "bench")
      .end().end().end();
  f.id = asn1::IssuerAndSerialNumber{name.finish(), Bytes{0x01, 0x23}};
  der::Writer c;  // a 1 KiB SET-sized message
  c.begin_sequence().add_int64(1).add_octet_string(crypto::random_bytes(1000)).end();
  f.content = c.finish();
  f.type = asn1::oid::content(asn1::oid::ContentType::kPResData);
  return all.emplace(sid, std::move(f)).first->second;
}

const EVP_MD* md(const crypto::Suite& s) {
  return s.digest == crypto::DigestAlg::kSha1 ? EVP_sha1() : EVP_sha256();
}

Bytes raw_sign(const Fixture& f) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t n = f.key.size_bytes();
  Bytes sig(n);
  if (EVP_DigestSignInit(ctx, nullptr, md(*f.suite), nullptr, f.key.get()) != 1 ||
      EVP_DigestSign(ctx, sig.data(), &n, f.content.data(), f.content.size()) != 1)
    std::abort();
  EVP_MD_CTX_free(ctx);
  return sig;
}

bool raw_verify(const Fixture& f, const Bytes& sig) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md(*f.suite), nullptr, f.pub.get()) == 1 &&
            EVP_DigestVerify(ctx, sig.data(), sig.size(), f.content.data(), f.content.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double median(std::vector<double>& v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Alternates raw() and op() (order swapped every iteration), times each call with the thread's
// CPU clock and reports the per-call medians (robust to interrupts and preemption on a shared
// machine) and their ratio.
void paired(benchmark::State& st, const std::function<void()>& raw, const std::function<void()>& op) {
  std::vector<double> raw_ns, op_ns;
  std::int64_t n = 0;
  for (auto _ : st) {
    const bool raw_first = (n % 2) == 0;
    const double t0 = thread_cpu_ns();
    if (raw_first) raw(); else op();
    const double t1 = thread_cpu_ns();
    if (raw_first) op(); else raw();
    const double t2 = thread_cpu_ns();
    raw_ns.push_back(raw_first ? t1 - t0 : t2 - t1);
    op_ns.push_back(raw_first ? t2 - t1 : t1 - t0);
    ++n;
  }
  if (n == 0) return;
  const double r = median(raw_ns), o = median(op_ns);
  st.counters["raw_us"] = r / 1000.0;
  st.counters["op_us"] = o / 1000.0;
  st.counters["ratio"] = o / r;
}

void register_paired(crypto::SuiteId sid) {
  const std::string s = std::string(crypto::to_string(sid));
  auto reg = [](const std::string& name, auto fn) {
    benchmark::RegisterBenchmark(name.c_str(), fn)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true)
        ->MinTime(0.3)
        ->Unit(benchmark::kMicrosecond);
  };
  reg("paired/S/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    paired(st, [&] { benchmark::DoNotOptimize(raw_sign(f)); },
           [&] { benchmark::DoNotOptimize(seal::S(signer, f.type, f.content).value()); });
  });
  reg("paired/verify_S/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    auto sd = seal::S(signer, f.type, f.content).value();
    Bytes sig = raw_sign(f);
    std::vector<seal::TrustedSigner> trusted{{f.pub, f.id}};
    auto policy = seal::Policy::only(sid);
    paired(st, [&] { if (!raw_verify(f, sig)) std::abort(); },
           [&] { if (!seal::verify_S(sd, f.type, trusted, policy).ok()) std::abort(); });
  });
  reg("paired/verify_S_from_der/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    Bytes der = asn1::encode(seal::S(signer, f.type, f.content).value());
    Bytes sig = raw_sign(f);
    std::vector<seal::TrustedSigner> trusted{{f.pub, f.id}};
    auto policy = seal::Policy::only(sid);
    paired(st, [&] { if (!raw_verify(f, sig)) std::abort(); },
           [&] { if (!seal::verify_S(der, f.type, trusted, policy).ok()) std::abort(); });
  });
  reg("paired/EH/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Recipient r{f.pub, f.id, f.suite};
    SecretBytes key = crypto::random_key(f.suite->cipher);
    Bytes iv = crypto::random_bytes(crypto::iv_size(f.suite->cipher));
    Bytes adb = key.expose();
    adb.resize(adb.size() + crypto::digest_size(f.suite->digest), 0x11);
    paired(st,
           [&] {
             benchmark::DoNotOptimize(crypto::rsa_wrap(f.suite->key_transport, f.pub, bc::kKeyHash, adb).value());
             benchmark::DoNotOptimize(crypto::encrypt(f.suite->cipher, key.view(), iv, f.content).value());
           },
           [&] { benchmark::DoNotOptimize(seal::EH(r, f.type, f.content).value()); });
  });
  // The same work EH does, by hand with the crypto layer: fresh key and IV, H(T), wrap, encrypt.
  // What is left between this and EH is seal's own cost (DER structures, checks).
  reg("paired/EH_vs_by_hand/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Recipient r{f.pub, f.id, f.suite};
    paired(st,
           [&] {
             SecretBytes key = crypto::random_key(f.suite->cipher);
             Bytes iv = crypto::random_bytes(crypto::iv_size(f.suite->cipher));
             Bytes adb = key.expose();
             Bytes h = crypto::digest(f.suite->digest, f.content).value();
             adb.insert(adb.end(), h.begin(), h.end());
             benchmark::DoNotOptimize(crypto::rsa_wrap(f.suite->key_transport, f.pub, bc::kKeyHash, adb).value());
             benchmark::DoNotOptimize(crypto::encrypt(f.suite->cipher, key.view(), iv, f.content).value());
           },
           [&] { benchmark::DoNotOptimize(seal::EH(r, f.type, f.content).value()); });
  });
  reg("paired/open_EH/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Recipient r{f.pub, f.id, f.suite};
    seal::KeyHolder h{&f.key, f.id};
    auto env = seal::EH(r, f.type, f.content).value();
    SecretBytes key = crypto::random_key(f.suite->cipher);
    Bytes iv = crypto::random_bytes(crypto::iv_size(f.suite->cipher));
    Bytes adb = key.expose();
    adb.resize(adb.size() + crypto::digest_size(f.suite->digest), 0x11);
    Bytes ek = crypto::rsa_wrap(f.suite->key_transport, f.pub, bc::kKeyHash, adb).value();
    Bytes ct = crypto::encrypt(f.suite->cipher, key.view(), iv, f.content).value();
    auto policy = seal::Policy::only(sid);
    paired(st,
           [&] {
             auto block = crypto::rsa_unwrap(f.suite->key_transport, f.key, ek);
             benchmark::DoNotOptimize(
                 crypto::decrypt(f.suite->cipher, block->adb.view().first(key.size()), iv, ct).value());
           },
           [&] { if (!seal::open_EH(env, h, f.type, policy).ok()) std::abort(); });
  });
}

void register_suite(crypto::SuiteId sid) {
  const std::string s = std::string(crypto::to_string(sid));
  auto reg = [](const std::string& name, auto fn) {
    benchmark::RegisterBenchmark(name.c_str(), fn)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true)
        ->MinTime(0.2)
        ->Unit(benchmark::kMicrosecond);
  };

  reg("raw_sign/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    for (auto _ : st) benchmark::DoNotOptimize(raw_sign(f));
  });
  reg("S/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    for (auto _ : st) benchmark::DoNotOptimize(seal::S(signer, f.type, f.content).value());
  });

  reg("raw_verify/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    Bytes sig = raw_sign(f);
    for (auto _ : st)
      if (!raw_verify(f, sig)) st.SkipWithError("raw verify failed");
  });
  reg("verify_S/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    auto sd = seal::S(signer, f.type, f.content).value();
    std::vector<seal::TrustedSigner> trusted{{f.pub, f.id}};
    auto policy = seal::Policy::only(sid);
    for (auto _ : st)
      if (!seal::verify_S(sd, f.type, trusted, policy).ok()) st.SkipWithError("verify_S failed");
  });
  reg("verify_S_from_der/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Signer signer{&f.key, f.id, f.suite, {}};
    Bytes der = asn1::encode(seal::S(signer, f.type, f.content).value());
    std::vector<seal::TrustedSigner> trusted{{f.pub, f.id}};
    auto policy = seal::Policy::only(sid);
    for (auto _ : st)
      if (!seal::verify_S(der, f.type, trusted, policy).ok()) st.SkipWithError("verify_S failed");
  });

  reg("raw_wrap_encrypt/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    SecretBytes key = crypto::random_key(f.suite->cipher);
    Bytes iv = crypto::random_bytes(crypto::iv_size(f.suite->cipher));
    Bytes adb = key.expose();
    adb.resize(adb.size() + crypto::digest_size(f.suite->digest), 0x11);
    for (auto _ : st) {
      benchmark::DoNotOptimize(crypto::rsa_wrap(f.suite->key_transport, f.pub, bc::kKeyHash, adb).value());
      benchmark::DoNotOptimize(crypto::encrypt(f.suite->cipher, key.view(), iv, f.content).value());
    }
  });
  reg("EH/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Recipient r{f.pub, f.id, f.suite};
    for (auto _ : st) benchmark::DoNotOptimize(seal::EH(r, f.type, f.content).value());
  });

  reg("raw_unwrap_decrypt/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    SecretBytes key = crypto::random_key(f.suite->cipher);
    Bytes iv = crypto::random_bytes(crypto::iv_size(f.suite->cipher));
    Bytes adb = key.expose();
    adb.resize(adb.size() + crypto::digest_size(f.suite->digest), 0x11);
    Bytes ek = crypto::rsa_wrap(f.suite->key_transport, f.pub, bc::kKeyHash, adb).value();
    Bytes ct = crypto::encrypt(f.suite->cipher, key.view(), iv, f.content).value();
    for (auto _ : st) {
      auto block = crypto::rsa_unwrap(f.suite->key_transport, f.key, ek);
      auto plain = crypto::decrypt(f.suite->cipher, block->adb.view().first(key.size()), iv, ct);
      benchmark::DoNotOptimize(plain);
    }
  });
  reg("open_EH/" + s, [sid](benchmark::State& st) {
    Fixture& f = fixture(sid);
    seal::Recipient r{f.pub, f.id, f.suite};
    seal::KeyHolder h{&f.key, f.id};
    auto env = seal::EH(r, f.type, f.content).value();
    auto policy = seal::Policy::only(sid);
    for (auto _ : st)
      if (!seal::open_EH(env, h, f.type, policy).ok()) st.SkipWithError("open_EH failed");
  });
}

// Collects the median CPU time of every benchmark while printing as usual.
class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      median_us[r.run_name.function_name] = r.GetAdjustedCPUTime();
      auto ratio = r.counters.find("ratio");
      if (ratio != r.counters.end())
        paired[r.run_name.function_name] = {r.counters.at("raw_us").value,
                                             r.counters.at("op_us").value, ratio->second.value};
    }
    ConsoleReporter::ReportRuns(runs);
  }
  struct Paired {
    double raw_us, op_us, ratio;
  };
  std::map<std::string, double> median_us;
  std::map<std::string, Paired> paired;
};

}  // namespace

int main(int argc, char** argv) {
  if (!crypto::initialize().ok()) {
    std::fprintf(stderr, "crypto::initialize failed (DES needs OpenSSL's legacy provider)\n");
    return 1;
  }
  register_suite(crypto::SuiteId::kSet1);
  register_suite(crypto::SuiteId::kModern);
  register_paired(crypto::SuiteId::kSet1);
  register_paired(crypto::SuiteId::kModern);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Collector c;
  benchmark::RunSpecifiedBenchmarks(&c);
  benchmark::Shutdown();

  struct Pair {
    const char* raw;
    const char* op;
  };
  const Pair pairs[] = {{"raw_sign", "S"},
                        {"raw_verify", "verify_S"},
                        {"raw_verify", "verify_S_from_der"},
                        {"raw_wrap_encrypt", "EH"},
                        {"by_hand (+H, key, IV)", "EH_vs_by_hand"},
                        {"raw_unwrap_decrypt", "open_EH"}};
  std::printf("\nseal operators vs the raw primitives they are built on (1 KiB content)\n");
  std::printf("paired: raw and operator alternate call by call; per-call CPU-time medians, median of 5 runs\n");
  std::printf("separate: ratio of the two separate benchmarks' medians (more exposed to load drift)\n\n");
  std::printf("%-7s %-22s %-18s %9s %9s %9s %9s %9s\n", "suite", "raw", "operator", "raw us",
              "op us", "ratio", "overhead", "separate");
  for (const char* s : {"set1", "modern"}) {
    for (const Pair& p : pairs) {
      auto pr = c.paired.find(std::string("paired/") + p.op + "/" + s);
      auto r = c.median_us.find(std::string(p.raw) + "/" + s);
      auto o = c.median_us.find(std::string(p.op) + "/" + s);
      if (pr == c.paired.end()) continue;
      const double separate =
          (r != c.median_us.end() && o != c.median_us.end()) ? o->second / r->second : 0.0;
      std::printf("%-7s %-22s %-18s %9.2f %9.2f %9.3f %8.1f%% %9.3f\n", s, p.raw, p.op,
                  pr->second.raw_us, pr->second.op_us, pr->second.ratio,
                  (pr->second.ratio - 1.0) * 100.0, separate);
    }
  }
  return 0;
}
