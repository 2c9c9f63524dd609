// Process-wide counts of RSA operations, for benchmarks that relate a protocol's cost to its
// unavoidable public-key work (`openset bench purchase` prints them per purchase). Relaxed
// atomics: a count, not a synchronisation point.
#pragma once

#include <cstdint>

namespace openset::crypto {

struct RsaOpCounts {
  std::uint64_t private_ops = 0;  // signatures made, RSA blocks decrypted
  std::uint64_t public_ops = 0;   // signatures verified, RSA blocks encrypted
};

RsaOpCounts rsa_op_counts() noexcept;

namespace detail {
void count_private_op() noexcept;
void count_public_op() noexcept;
}  // namespace detail

}  // namespace openset::crypto
