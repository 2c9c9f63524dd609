// Byte buffers, hex, constant-time comparison and wiping of secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"

namespace openset {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }
inline std::string_view as_string_view(ByteView v) noexcept {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

// Lower-case hex, no separators.
std::string to_hex(ByteView data);
// Accepts upper or lower case and ignores spaces, colons and newlines (for pasted dumps).
Result<Bytes> from_hex(std::string_view hex);
// The value of one hex digit (either case), or -1.
int hex_digit(char c);

// Constant-time equality for digests, MACs and padding checks (length is not secret).
bool ct_equal(ByteView a, ByteView b) noexcept;

// Overwrites memory in a way the compiler may not elide.
void secure_wipe(void* p, std::size_t n) noexcept;
inline void secure_wipe(Bytes& b) noexcept { secure_wipe(b.data(), b.size()); }

// A byte buffer that wipes itself: keys, PANSecret, CardSecret, PAN text.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes b) : b_(std::move(b)) {}
  explicit SecretBytes(ByteView v) : b_(v.begin(), v.end()) {}
  SecretBytes(const SecretBytes& o) : b_(o.b_) {}
  SecretBytes(SecretBytes&& o) noexcept : b_(std::move(o.b_)) {}
  SecretBytes& operator=(const SecretBytes& o) {
    if (this != &o) { secure_wipe(b_); b_ = o.b_; }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) { secure_wipe(b_); b_ = std::move(o.b_); }
    return *this;
  }
  ~SecretBytes() { secure_wipe(b_); }

  ByteView view() const noexcept { return b_; }
  const std::uint8_t* data() const noexcept { return b_.data(); }
  std::uint8_t* data() noexcept { return b_.data(); }
  std::size_t size() const noexcept { return b_.size(); }
  bool empty() const noexcept { return b_.empty(); }
  void resize(std::size_t n) { b_.resize(n); }
  // Copies out; the caller takes over the duty of wiping.
  Bytes expose() const { return b_; }

 private:
  Bytes b_;
};

}  // namespace openset
