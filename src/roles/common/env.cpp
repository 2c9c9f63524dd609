#include "openset/roles/env.hpp"

#include <chrono>

#include "openset/crypto/cipher.hpp"
#include "openset/crypto/digest.hpp"

namespace openset::roles {

std::int64_t SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Bytes SystemRandomness::bytes(std::size_t n) { return crypto::random_bytes(n); }

Bytes DeterministicRandomness::bytes(std::size_t n) {
  Bytes out;
  out.reserve(n);
  while (out.size() < n) {
    Bytes block(16);
    for (int i = 0; i < 8; ++i) {
      block[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seed_ >> (8 * i));
      block[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(counter_ >> (8 * i));
    }
    ++counter_;
    auto h = crypto::digest(crypto::DigestAlg::kSha256, block).value();
    for (std::size_t i = 0; i < h.size() && out.size() < n; ++i) out.push_back(h[i]);
  }
  return out;
}

}  // namespace openset::roles
