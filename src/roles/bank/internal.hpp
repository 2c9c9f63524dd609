// Helpers shared by the ledger, the issuer and the acquirer (not part of the public API).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openset/base/result.hpp"
#include "openset/roles/bank_api.hpp"
#include "openset/store/database.hpp"

namespace openset::roles::bank::detail {

// Trim, collapse runs of white space into one space, ASCII lower case.
std::string normalize_answer(std::string_view s);

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
// "YYYYMM" -> the first second (Unix) after the card's last valid month; nullopt if malformed.
std::optional<std::int64_t> expiry_end(std::string_view yyyymm);
// "YYYY-MM-DD" -> Unix second at 00:00:00 UTC that day; nullopt if malformed.
std::optional<std::int64_t> day_start(std::string_view day);
// Unix seconds -> "YYYY-MM-DDTHH:MM:SSZ".
std::string iso8601(std::int64_t t);

// "...1234": how cards appear in messages, memos and errors (never the PAN).
std::string masked(std::string_view pan);
std::string last4(std::string_view pan);
bool digits_only(std::string_view s);

// Hex SHA-256 (or HMAC-SHA-256 when key is not empty) over length-prefixed parts: the
// "content" of a request, compared when a reference is reused.
Result<std::string> fingerprint(std::string_view key, const std::vector<std::string>& parts);
std::string money_part(const Money& m);

// Six characters [0-9A-Z] derived from the seed by SHA-256 (AuthCode approvalCode).
Result<std::string> approval_code(std::string_view seed);

// prefix + zero-padded sequence number: "I1-A00000042".
std::string sequence_id(std::string_view prefix, std::int64_t n);

// Names of the form's fields whose answers differ (normalized) from the record; a required
// field without an answer counts as wrong; answers to fields not on the form are ignored.
std::vector<std::string> wrong_answers(const std::vector<FormField>& form,
                                       const std::map<std::string, std::string>& record,
                                       const std::map<std::string, std::string>& answers);

// Verdicts as stored in the databases (the names of bank_api.hpp) and back.
std::optional<AuthVerdict> parse_auth_verdict(std::string_view s);
std::optional<CaptureVerdict> parse_capture_verdict(std::string_view s);
std::optional<ReversalVerdict> parse_reversal_verdict(std::string_view s);

// One-value queries: the first column of the first row as int64 (0 when NULL or no row).
Result<std::int64_t> query_int(store::Database& db, std::string_view sql, std::string_view text_arg);
Result<std::int64_t> query_int(store::Database& db, std::string_view sql, std::int64_t int_arg);

// Status from a Result<bool> step that must not return a row.
Error storage_error(std::string_view what, const Error& e);

// Tables of batch settlement (settlement.cpp), created with the banks' own schemas.
extern const char* const kAcquirerSettlementSchema;
extern const char* const kIssuerSettlementSchema;

}  // namespace openset::roles::bank::detail
