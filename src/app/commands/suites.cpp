#include <ostream>

#include <fmt/format.h>

#include "openset/app/commands.hpp"
#include "openset/crypto/algorithms.hpp"

namespace openset::app {

int run_suites(std::ostream& out) {
  out << fmt::format("{:<8} {:<9} {:<12} {:<20} {:<16} {}\n", "suite", "digest", "cipher",
                     "key transport", "signature", "RSA bits (end entity / CA)");
  for (auto id : {crypto::SuiteId::kModern, crypto::SuiteId::kSet1}) {
    const crypto::Suite& s = crypto::suite(id);
    out << fmt::format("{:<8} {:<9} {:<12} {:<20} {:<16} {} / {}{}\n", s.name,
                       crypto::to_string(s.digest), crypto::to_string(s.cipher),
                       crypto::to_string(s.key_transport), "RSA PKCS#1 v1.5", s.ee_rsa_bits,
                       s.ca_rsa_bits, &s == &crypto::default_suite() ? "   (default)" : "");
  }
  return kExitOk;
}

}  // namespace openset::app
