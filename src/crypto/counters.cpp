#include "openset/crypto/counters.hpp"

#include <atomic>

namespace openset::crypto {
namespace {
std::atomic<std::uint64_t> g_private{0};
std::atomic<std::uint64_t> g_public{0};
}  // namespace

RsaOpCounts rsa_op_counts() noexcept {
  return {g_private.load(std::memory_order_relaxed), g_public.load(std::memory_order_relaxed)};
}

namespace detail {
void count_private_op() noexcept { g_private.fetch_add(1, std::memory_order_relaxed); }
void count_public_op() noexcept { g_public.fetch_add(1, std::memory_order_relaxed); }
}  // namespace detail

}  // namespace openset::crypto
