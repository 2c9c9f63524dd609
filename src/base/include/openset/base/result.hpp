// Result<T>: a value or an Error, the return type of every fallible call in OpenSET.
//
// Decoders never throw on bad input; they return an Error that says what was wrong and where
// (byte offset into the outermost input). Higher layers map Errors onto SET ErrorCodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace openset {

// Broad classes of failure. The message carries the detail; the class lets callers react
// (for example a seal operator turns Errc::kSignature into SET's signatureFailure).
enum class Errc : std::uint8_t {
  kTruncated,       // input ends before a value does
  kMalformed,       // not valid BER at all (bad tag, bad length, trailing bytes, wrong type)
  kNotDer,          // valid BER but not DER (non-minimal, unsorted SET OF, bad BOOLEAN, ...)
  kLimit,           // exceeds a configured limit (length, depth, count)
  kConstraint,      // violates an ASN.1 constraint (SIZE, range, charset, fixed value)
  kUnsupported,     // well-formed but not something we implement (unknown algorithm, ...)
  kPolicy,          // refused by the receiver's policy (suite not accepted, ...)
  kCrypto,          // an OpenSSL operation failed
  kSignature,       // a signature does not verify, or was made by an unexpected key
  kDecrypt,         // an envelope cannot be opened (wrong key, bad padding, bad RSA block)
  kDigestMismatch,  // a hash/DD/baggage digest does not match the data
  kInvalidArgument, // the caller passed something unusable
  kIo,              // file or stream error
};

std::string_view errc_name(Errc e) noexcept;

struct Error {
  static constexpr std::size_t kNoOffset = static_cast<std::size_t>(-1);

  Errc code = Errc::kMalformed;
  std::string message;
  std::size_t offset = kNoOffset;  // byte offset into the outermost input, when known
  // The SET ErrorCode (Book 3 ErrorCode, 1..22) to answer with, when a layer that knows the
  // protocol decided it; 0: derive it from `code` (roles::set_error_code).
  std::int32_t set_code = 0;

  Error() = default;
  Error(Errc c, std::string msg, std::size_t off = kNoOffset)
      : code(c), message(std::move(msg)), offset(off) {}

  bool has_offset() const noexcept { return offset != kNoOffset; }
  // "not DER: INTEGER not minimally encoded (at offset 12)"
  std::string to_string() const;
  // Adds context: "PANData.pan: ..." (used by the ASN.1 layer as it unwinds).
  Error& prefix(std::string_view where);
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Ok) {}  // NOLINT(implicit)
  Result(Error error) : err_(std::move(error)), failed_(true) {}  // NOLINT(implicit)
  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }
  void value() const {}

 private:
  Error err_;
  bool failed_ = false;
};
using Status = Result<void>;

inline Error make_error(Errc c, std::string msg, std::size_t off = Error::kNoOffset) {
  return Error(c, std::move(msg), off);
}

}  // namespace openset

// OPENSET_TRY(var, expr): evaluate a Result; on error return it from the enclosing function.
#define OPENSET_CONCAT_INNER(a, b) a##b
#define OPENSET_CONCAT(a, b) OPENSET_CONCAT_INNER(a, b)
#define OPENSET_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                      \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define OPENSET_TRY(decl, expr) OPENSET_TRY_IMPL(OPENSET_CONCAT(openset_try_, __LINE__), decl, expr)
// OPENSET_CHECK(expr): evaluate a Result<void> (or any Result, ignoring its value).
#define OPENSET_CHECK(expr)                                                   \
  do {                                                                        \
    auto openset_check_r = (expr);                                            \
    if (!openset_check_r.ok()) return std::move(openset_check_r).error();     \
  } while (0)
