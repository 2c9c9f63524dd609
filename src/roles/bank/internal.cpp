#include "internal.hpp"

#include "openset/der/der.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "openset/crypto/digest.hpp"

namespace openset::roles::bank::detail {

std::string normalize_answer(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // H. Hinnant's algorithm.
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t mp = m > 2 ? static_cast<std::int64_t>(m) - 3 : static_cast<std::int64_t>(m) + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + static_cast<std::int64_t>(d) - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {
std::optional<std::int64_t> parse_digits(std::string_view s) {
  if (s.empty() || !digits_only(s)) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

std::optional<std::int64_t> expiry_end(std::string_view yyyymm) {
  if (yyyymm.size() != 6) return std::nullopt;
  auto y = parse_digits(yyyymm.substr(0, 4));
  auto m = parse_digits(yyyymm.substr(4, 2));
  if (!y || !m || *m < 1 || *m > 12) return std::nullopt;
  std::int64_t ny = *y + (*m == 12 ? 1 : 0);
  auto nm = static_cast<unsigned>(*m == 12 ? 1 : *m + 1);
  return days_from_civil(ny, nm, 1) * 86400;
}

std::optional<std::int64_t> day_start(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return std::nullopt;
  auto y = parse_digits(day.substr(0, 4));
  auto m = parse_digits(day.substr(5, 2));
  auto d = parse_digits(day.substr(8, 2));
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*d > kDays[static_cast<std::size_t>(*m - 1)]) return std::nullopt;
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*m == 2 && *d == 29 && !leap) return std::nullopt;
  return days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d)) * 86400;
}

std::string iso8601(std::int64_t t) { return der::Time::from_unix(t).to_iso8601(); }

std::string last4(std::string_view pan) {
  return std::string(pan.size() <= 4 ? pan : pan.substr(pan.size() - 4));
}
std::string masked(std::string_view pan) { return "..." + last4(pan); }

bool digits_only(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Result<std::string> fingerprint(std::string_view key, const std::vector<std::string>& parts) {
  Bytes data;
  for (const auto& p : parts) {
    std::uint64_t n = p.size();
    for (int i = 7; i >= 0; --i) data.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    data.insert(data.end(), p.begin(), p.end());
  }
  if (key.empty()) {
    OPENSET_TRY(Bytes h, crypto::digest(crypto::DigestAlg::kSha256, data));
    return to_hex(h);
  }
  Bytes k(key.begin(), key.end());
  OPENSET_TRY(Bytes h, crypto::hmac(crypto::DigestAlg::kSha256, k, data));
  return to_hex(h);
}

std::string money_part(const Money& m) {
  return std::to_string(m.currency) + "/" + std::to_string(m.amount) + "/" + std::to_string(m.amt_exp10);
}

Result<std::string> approval_code(std::string_view seed) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  Bytes data(seed.begin(), seed.end());
  OPENSET_TRY(Bytes h, crypto::digest(crypto::DigestAlg::kSha256, data));
  std::string code;
  for (std::size_t i = 0; i < 6; ++i) code.push_back(kAlphabet[h[i] % kAlphabet.size()]);
  return code;
}

std::string sequence_id(std::string_view prefix, std::int64_t n) {
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%08lld", static_cast<long long>(n));
  return std::string(prefix) + buf.data();
}

std::vector<std::string> wrong_answers(const std::vector<FormField>& form,
                                       const std::map<std::string, std::string>& record,
                                       const std::map<std::string, std::string>& answers) {
  std::vector<std::string> wrong;
  for (const auto& f : form) {
    auto a = answers.find(f.name);
    auto r = record.find(f.name);
    if (a == answers.end()) {
      if (f.required) wrong.push_back(f.name);
      continue;
    }
    std::string have = r == record.end() ? std::string() : normalize_answer(r->second);
    if (normalize_answer(a->second) != have) wrong.push_back(f.name);
  }
  return wrong;
}

std::optional<AuthVerdict> parse_auth_verdict(std::string_view s) {
  for (auto v : {AuthVerdict::kApproved, AuthVerdict::kUnknownCard, AuthVerdict::kExpired,
                 AuthVerdict::kBlocked, AuthVerdict::kInsufficientFunds, AuthVerdict::kCurrency,
                 AuthVerdict::kUnknownMerchant, AuthVerdict::kNoRoute, AuthVerdict::kConflict})
    if (auth_verdict_name(v) == s) return v;
  return std::nullopt;
}

std::optional<CaptureVerdict> parse_capture_verdict(std::string_view s) {
  for (auto v : {CaptureVerdict::kCaptured, CaptureVerdict::kUnknownAuthorization,
                 CaptureVerdict::kExceedsAuthorization, CaptureVerdict::kAlreadyCaptured,
                 CaptureVerdict::kReleased, CaptureVerdict::kConflict})
    if (capture_verdict_name(v) == s) return v;
  return std::nullopt;
}

std::optional<ReversalVerdict> parse_reversal_verdict(std::string_view s) {
  for (auto v : {ReversalVerdict::kReversed, ReversalVerdict::kUnknown, ReversalVerdict::kAlreadyReversed,
                 ReversalVerdict::kRefunded, ReversalVerdict::kConflict})
    if (reversal_verdict_name(v) == s) return v;
  return std::nullopt;
}

Result<std::int64_t> query_int(store::Database& db, std::string_view sql, std::string_view text_arg) {
  OPENSET_TRY(store::Statement s, db.prepare(sql));
  s.bind(1, text_arg);
  OPENSET_TRY(bool row, s.step());
  return row ? s.column_int64(0) : 0;
}

Result<std::int64_t> query_int(store::Database& db, std::string_view sql, std::int64_t int_arg) {
  OPENSET_TRY(store::Statement s, db.prepare(sql));
  s.bind(1, int_arg);
  OPENSET_TRY(bool row, s.step());
  return row ? s.column_int64(0) : 0;
}

Error storage_error(std::string_view what, const Error& e) {
  return Error(e.code, std::string(what) + ": " + e.message);
}

}  // namespace openset::roles::bank::detail
