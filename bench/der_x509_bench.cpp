// Decoding and re-encoding a real X.509 certificate: OpenSET's DER layer against OpenSSL's own
// d2i_X509 / i2d_X509 on the same bytes, in the same run, with the time ratio printed at the end.
//
// The certificate is made at startup with OpenSSL's X509 API (RSA-2048, sha256WithRSAEncryption,
// a three-attribute Name and five v3 extensions), so both sides see exactly the same input.
//
//   BM_OpenSSL_d2i_i2d_X509      d2i_X509 + i2d_X509 + free       (baseline)
//   BM_OpenSSL_d2i_X509          d2i_X509 + free                  (decode-only baseline)
//   BM_OpenSSL_ASN1_walk         ASN1_get_object walk of every TLV (OpenSSL's framing-only parser)
//   BM_OpenSet_ParseTree_Encode  der::parse_tree + der::encode_tree
//   BM_OpenSet_ParseTree         der::parse_tree (strict: every universal value checked)
//   BM_OpenSet_ReaderWalk        der::Reader zero-copy walk of every TLV (framing only)
//
// After the Google Benchmark table, a ratio table: per pair, the ratio of the separate runs'
// real times and the ratio of paired thread-CPU medians (the contenders alternated batch by
// batch, which cancels the load drift of a shared machine; OPENSET_BENCH_PAIR_SECONDS sets the
// time spent per pair, default 0.5), then one "openset/openssl time ratio: R" line per pair.
//
// What the contenders do differs, and the table should be read with that in mind: d2i_X509 builds
// OpenSSL's full X509 object, which in OpenSSL 3 includes decoding the public key into an
// EVP_PKEY through the provider decoders and caching the v3 extensions; parse_tree() checks the
// DER rules of every value but interprets nothing. ASN1_get_object against Reader is the
// like-for-like framing comparison. OpenSSL's i2d_X509 of a just-decoded certificate reuses the
// cached encoding of tbsCertificate, as it does in real use; encode_tree() rebuilds every length.
#include <benchmark/benchmark.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "openset/der/der.hpp"
#include "openset/der/tree.hpp"

namespace {

using openset::Bytes;
using openset::ByteView;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "der_x509_bench: %s\n", what);
  std::exit(1);
}

void add_ext(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr || X509_add_ext(x, ext, -1) != 1) die("cannot add an extension");
  X509_EXTENSION_free(ext);
}

void add_name_entry(X509_NAME* name, const char* field, const char* value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(value), -1, -1, 0) != 1)
    die("cannot build the Name");
}

Bytes make_certificate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  if (key == nullptr) die("RSA key generation failed");
  X509* x = X509_new();
  if (x == nullptr || X509_set_version(x, 2) != 1) die("X509_new failed");
  ASN1_INTEGER_set_int64(X509_get_serialNumber(x), 0x1c2d3e4f5a6b7c8dLL);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(x);
  add_name_entry(name, "C", "US");
  add_name_entry(name, "O", "OpenSET Benchmark");
  add_name_entry(name, "CN", "der_x509_bench.example");
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
  add_ext(x, &ctx, NID_subject_key_identifier, "hash");
  add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
  add_ext(x, &ctx, NID_subject_alt_name, "DNS:der_x509_bench.example,DNS:www.example.com");
  if (X509_sign(x, key, EVP_sha256()) <= 0) die("X509_sign failed");
  unsigned char* out = nullptr;
  const int n = i2d_X509(x, &out);
  if (n <= 0) die("i2d_X509 failed");
  Bytes der(out, out + n);
  OPENSSL_free(out);
  X509_free(x);
  EVP_PKEY_free(key);
  return der;
}

const Bytes& certificate() {
  static const Bytes cert = make_certificate();
  return cert;
}

// Zero-copy walk: read every TLV, open every constructed one. Returns the number of TLVs.
std::size_t reader_walk(ByteView der) {
  std::vector<openset::der::Reader> stack;
  stack.reserve(16);
  stack.emplace_back(der);
  std::size_t n = 0;
  while (!stack.empty()) {
    openset::der::Reader& r = stack.back();
    if (r.empty()) {
      stack.pop_back();
      continue;
    }
    auto e = r.read_any();
    if (!e.ok()) return 0;
    ++n;
    if (e->tag.constructed) {
      auto in = r.open(*e);
      if (!in.ok()) return 0;
      stack.push_back(*in);
    }
  }
  return n;
}

// The same walk with OpenSSL's low-level TLV parser.
std::size_t openssl_walk(ByteView der) {
  struct Span {
    const unsigned char* p;
    long left;
  };
  std::vector<Span> stack;
  stack.reserve(16);
  stack.push_back(Span{der.data(), static_cast<long>(der.size())});
  std::size_t n = 0;
  while (!stack.empty()) {
    Span& s = stack.back();
    if (s.left <= 0) {
      stack.pop_back();
      continue;
    }
    const unsigned char* p = s.p;
    long len = 0;
    int tag = 0;
    int cls = 0;
    const int r = ASN1_get_object(&p, &len, &tag, &cls, s.left);
    if ((r & 0x80) != 0) return 0;
    ++n;
    const long consumed = (p - s.p) + len;
    s.p += consumed;
    s.left -= consumed;
    if ((r & V_ASN1_CONSTRUCTED) != 0) stack.push_back(Span{p, len});
  }
  return n;
}

// Checks, once, that every contender really round-trips the certificate.
void verify_once() {
  const Bytes& der = certificate();
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) die("d2i_X509 refused the certificate");
  unsigned char* out = nullptr;
  const int n = i2d_X509(x, &out);
  if (n < 0 || Bytes(out, out + n) != der) die("i2d_X509 did not reproduce the certificate");
  OPENSSL_free(out);
  X509_free(x);
  auto tree = openset::der::parse_tree(der);
  if (!tree.ok()) die(("parse_tree refused the certificate: " + tree.error().to_string()).c_str());
  if (openset::der::encode_tree(*tree) != der) die("encode_tree did not reproduce the certificate");
  if (reader_walk(der) != openset::der::count_nodes(*tree)) die("walk and tree disagree");
  if (openssl_walk(der) != reader_walk(der)) die("the OpenSSL and OpenSET walks disagree");
}

// ---------------------------------------------------------------------------------------------
// The contenders: one call each.

void openssl_d2i_i2d() {
  const Bytes& der = certificate();
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  unsigned char* out = nullptr;
  const int n = i2d_X509(x, &out);
  benchmark::DoNotOptimize(n);
  benchmark::DoNotOptimize(out);
  OPENSSL_free(out);
  X509_free(x);
}

void openssl_d2i() {
  const Bytes& der = certificate();
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  benchmark::DoNotOptimize(x);
  X509_free(x);
}

void openssl_asn1_walk() {
  std::size_t n = openssl_walk(certificate());
  benchmark::DoNotOptimize(n);
}

void openset_parse_encode() {
  auto tree = openset::der::parse_tree(certificate());
  Bytes out = openset::der::encode_tree(*tree);
  benchmark::DoNotOptimize(out.data());
}

void openset_parse() {
  auto tree = openset::der::parse_tree(certificate());
  benchmark::DoNotOptimize(tree.ok());
}

void openset_walk() {
  std::size_t n = reader_walk(certificate());
  benchmark::DoNotOptimize(n);
}

template <void (*Op)()>
void run(benchmark::State& state) {
  for (auto _ : state) Op();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(certificate().size()));
}

void BM_OpenSSL_d2i_i2d_X509(benchmark::State& state) { run<openssl_d2i_i2d>(state); }
void BM_OpenSSL_d2i_X509(benchmark::State& state) { run<openssl_d2i>(state); }
void BM_OpenSSL_ASN1_walk(benchmark::State& state) { run<openssl_asn1_walk>(state); }
void BM_OpenSet_ParseTree_Encode(benchmark::State& state) { run<openset_parse_encode>(state); }
void BM_OpenSet_ParseTree(benchmark::State& state) { run<openset_parse>(state); }
void BM_OpenSet_ReaderWalk(benchmark::State& state) { run<openset_walk>(state); }
BENCHMARK(BM_OpenSSL_d2i_i2d_X509);
BENCHMARK(BM_OpenSSL_d2i_X509);
BENCHMARK(BM_OpenSSL_ASN1_walk);
BENCHMARK(BM_OpenSet_ParseTree_Encode);
BENCHMARK(BM_OpenSet_ParseTree);
BENCHMARK(BM_OpenSet_ReaderWalk);

struct Pair {
  const char* ours;
  void (*ours_op)();
  const char* theirs;
  void (*theirs_op)();
};
constexpr Pair kPairs[] = {
    {"BM_OpenSet_ParseTree_Encode", openset_parse_encode, "BM_OpenSSL_d2i_i2d_X509", openssl_d2i_i2d},
    {"BM_OpenSet_ParseTree", openset_parse, "BM_OpenSSL_d2i_X509", openssl_d2i},
    {"BM_OpenSet_ReaderWalk", openset_walk, "BM_OpenSSL_ASN1_walk", openssl_asn1_walk},
    {"BM_OpenSet_ReaderWalk", openset_walk, "BM_OpenSSL_d2i_X509", openssl_d2i},
};

// ---------------------------------------------------------------------------------------------
// Paired measurement: on a shared machine the load drifts between two separate benchmarks, so
// the ratio table also alternates the two contenders batch by batch, timing each batch with the
// thread's CPU clock, and compares the medians.

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double per_call_ns(void (*op)(), int calls) {
  const double t0 = thread_cpu_ns();
  for (int i = 0; i < calls; ++i) op();
  return (thread_cpu_ns() - t0) / calls;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct PairedResult {
  double ours_ns;
  double theirs_ns;
  std::size_t rounds;
};

PairedResult run_paired(const Pair& p, double budget_seconds) {
  const double one = std::min(per_call_ns(p.ours_op, 4), per_call_ns(p.theirs_op, 4));
  // Batches of at least ~50 microseconds for the faster contender.
  const int batch = std::clamp(static_cast<int>(50000.0 / std::max(one, 1.0)), 1, 100000);
  std::vector<double> ours;
  std::vector<double> theirs;
  const double start = thread_cpu_ns();
  for (std::size_t round = 0;
       round < 7 || (thread_cpu_ns() - start < budget_seconds * 1e9 && round < 1000000); ++round) {
    if (round % 2 == 0) {
      ours.push_back(per_call_ns(p.ours_op, batch));
      theirs.push_back(per_call_ns(p.theirs_op, batch));
    } else {
      theirs.push_back(per_call_ns(p.theirs_op, batch));
      ours.push_back(per_call_ns(p.ours_op, batch));
    }
  }
  return {median(ours), median(theirs), ours.size()};
}

double paired_budget_seconds() {
  const char* env = std::getenv("OPENSET_BENCH_PAIR_SECONDS");
  if (env == nullptr) return 0.5;
  const double v = std::atof(env);
  return v > 0 ? v : 0.5;
}

// Console output as usual, plus the best per-iteration times of every benchmark.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter()
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.iterations <= 0) continue;
      const auto iters = static_cast<double>(run.iterations);
      const std::string name = run.run_name.function_name;
      Times t{run.real_accumulated_time / iters, run.cpu_accumulated_time / iters};
      auto it = best_.find(name);
      if (it == best_.end() || t.real < it->second.real) best_[name] = t;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // One row per pair whose two benchmarks both ran (so --benchmark_filter applies).
  void print_ratios() {
    const double budget = paired_budget_seconds();
    std::printf("\nX.509 certificate: %zu octets, %zu TLVs (RSA-2048, 5 extensions)\n",
                certificate().size(), reader_walk(certificate()));
    std::printf("%-28s %-24s | %-31s | %s\n", "", "",
                "separate runs, real time (ns)", "paired, thread CPU medians (ns)");
    std::printf("%-28s %-24s | %9s %9s %11s | %9s %9s %6s %s\n", "openset", "openssl", "openset",
                "openssl", "ratio", "openset", "openssl", "rounds", "ratio");
    for (const Pair& p : kPairs) {
      auto a = best_.find(p.ours);
      auto b = best_.find(p.theirs);
      if (a == best_.end() || b == best_.end() || b->second.real <= 0) continue;
      const PairedResult r = run_paired(p, budget);
      std::printf("%-28s %-24s | %9.0f %9.0f %11.3f | %9.0f %9.0f %6zu %.3f\n", p.ours, p.theirs,
                  a->second.real * 1e9, b->second.real * 1e9, a->second.real / b->second.real,
                  r.ours_ns, r.theirs_ns, r.rounds, r.ours_ns / r.theirs_ns);
      ratios_.push_back(std::string(p.ours) + " vs " + p.theirs + ": openset/openssl time ratio: " +
                        format_ratio(r.ours_ns / r.theirs_ns));
    }
    std::printf("\n");
    for (const auto& line : ratios_) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }

 private:
  static std::string format_ratio(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", r);
    return buf;
  }
  struct Times {
    double real;  // seconds per iteration
    double cpu;
  };
  std::map<std::string, Times> best_;
  std::vector<std::string> ratios_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  verify_once();
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
