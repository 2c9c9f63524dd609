// The `openset` sub-commands as plain functions: each takes its options and output streams and
// returns the process exit code. main.cpp parses the command line; tests and fuzzers call these.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace openset::app {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the operation failed (bad input, check failed)
inline constexpr int kExitUsage = 2;       // bad command line

struct DecodeOptions {
  std::string file;        // empty or "-": standard input
  bool json = false;       // machine-readable output
  bool full = false;       // do not shorten long OCTET STRINGs
  bool best_effort = false;  // print what parses, then the error
  std::string type;        // force the top-level type by its ASN.1 name
  bool pem = false;        // input is PEM (or base64); auto-detected when it starts with "-----"
};
int run_decode(const DecodeOptions& opts, std::ostream& out, std::ostream& err);
// Decodes bytes already in memory (used by run_decode, the demo and the fuzzer).
int decode_bytes(const std::string& input, const DecodeOptions& opts, std::ostream& out,
                 std::ostream& err);

int run_suites(std::ostream& out);

struct DemoOptions {
  std::string out_dir = "openset-demo";  // where every message is saved
  std::vector<std::string> suites = {"modern", "set1"};
  bool verbose = false;                  // also print the decoded trees
};
int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace openset::app
