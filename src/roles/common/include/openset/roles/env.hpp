// What an engine may not take for itself (DESIGN.md, "roles"): the time and fresh randomness.
// Engines receive an Env; the demo, the services and the tests choose what stands behind it.
//
// Randomness here is for protocol values an engine chooses (XID, LID, nonces, challenges,
// CardSecret shares, authorization codes); the seal layer still draws its own session keys and
// OAEP seeds from OpenSSL, which is not engine logic.
#pragma once

#include <cstddef>
#include <cstdint>

#include "openset/base/bytes.hpp"
#include "openset/der/der.hpp"

namespace openset::roles {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (UTC).
  virtual std::int64_t now() const = 0;
};

class Randomness {
 public:
  virtual ~Randomness() = default;
  virtual Bytes bytes(std::size_t n) = 0;
};

// The real world: the system clock and OpenSSL's RAND_bytes.
class SystemClock final : public Clock {
 public:
  std::int64_t now() const override;
};
class SystemRandomness final : public Randomness {
 public:
  Bytes bytes(std::size_t n) override;
};

// Tests and the reproducible demo: a clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t t) : t_(t) {}
  std::int64_t now() const override { return t_; }
  void set(std::int64_t t) { t_ = t; }
  void advance(std::int64_t seconds) { t_ += seconds; }

 private:
  std::int64_t t_;
};

// Tests: a deterministic stream (SHA-256 in counter mode over a seed). Never for production:
// predictable by design, so that a test can replay a run byte for byte.
class DeterministicRandomness final : public Randomness {
 public:
  explicit DeterministicRandomness(std::uint64_t seed) : seed_(seed) {}
  Bytes bytes(std::size_t n) override;

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

struct Env {
  const Clock& clock;
  Randomness& random;

  std::int64_t now() const { return clock.now(); }
  // The current time as a SET Date (GeneralizedTime, whole seconds, "Z").
  der::Time date() const { return der::Time::from_unix(clock.now()); }
};

}  // namespace openset::roles
