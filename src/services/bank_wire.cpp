// The banks' JSON wire (bank_wire.hpp): encoders and strict decoders of every request and result
// of roles::Issuer / roles::Acquirer, the two servers (serve_issuer, serve_acquirer) and the two
// clients (RemoteIssuer, RemoteAcquirer).
//
// Decoding errors are thrown inside this file only (WireError) and turned into a 400 (server)
// or an Error (client) at the edges; nothing escapes a public function. No message names a
// field's value: only its path ("items[1].amount.currency"), so no PAN can leak through one.
#include "openset/services/bank_wire.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace openset::services {

using json = nlohmann::json;
using namespace roles;  // NOLINT(google-build-using-namespace): this file is the wire of roles

namespace {

constexpr std::size_t kMaxBody = 1 << 20;  // 1 MiB
constexpr int kMaxDepth = 32;

// ---------------------------------------------------------------- errors and redaction

struct WireError {
  std::string message;
};
[[noreturn]] void fail(std::string message) { throw WireError{std::move(message)}; }

// Any run of 12 or more digits (spaces and dashes inside the run allowed, as PANs are written)
// becomes "[redacted]": the last line of defence against a PAN in a message (bank messages are
// relayed as they are).
std::string redact(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') {
      out += s[i++];
      continue;
    }
    std::size_t j = i, digits = 0, last_digit = i;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ' ' || s[j] == '-')) {
      if (s[j] >= '0' && s[j] <= '9') {
        ++digits;
        last_digit = j;
      }
      ++j;
    }
    if (digits >= 12) {
      out += "[redacted]";
    } else {
      out.append(s.substr(i, last_digit + 1 - i));
    }
    i = last_digit + 1;
  }
  return out;
}

std::optional<Errc> errc_from(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Errc::kIo); ++i) {
    auto e = static_cast<Errc>(i);
    if (errc_name(e) == name) return e;
  }
  return std::nullopt;
}

// Enum names: the *_name functions of bank_api.hpp, parsed back by trying every value.
template <class E, std::size_t N>
std::optional<E> enum_from(std::string_view name, const E (&all)[N], std::string_view (*to_name)(E)) {
  for (E e : all)
    if (to_name(e) == name) return e;
  return std::nullopt;
}
constexpr CardVerdict kCardVerdicts[] = {CardVerdict::kOk,      CardVerdict::kUnknownPan, CardVerdict::kWrongExpiry,
                                         CardVerdict::kExpired, CardVerdict::kBlocked,    CardVerdict::kWrongAnswers};
constexpr PartyVerdict kPartyVerdicts[] = {PartyVerdict::kOk, PartyVerdict::kUnknown, PartyVerdict::kWrongAnswers,
                                           PartyVerdict::kSuspended};
constexpr AuthVerdict kAuthVerdicts[] = {AuthVerdict::kApproved,          AuthVerdict::kUnknownCard,
                                         AuthVerdict::kExpired,           AuthVerdict::kBlocked,
                                         AuthVerdict::kInsufficientFunds, AuthVerdict::kCurrency,
                                         AuthVerdict::kUnknownMerchant,   AuthVerdict::kNoRoute,
                                         AuthVerdict::kConflict};
constexpr CaptureVerdict kCaptureVerdicts[] = {CaptureVerdict::kCaptured,         CaptureVerdict::kUnknownAuthorization,
                                               CaptureVerdict::kExceedsAuthorization, CaptureVerdict::kAlreadyCaptured,
                                               CaptureVerdict::kReleased,         CaptureVerdict::kConflict};
constexpr ReleaseVerdict kReleaseVerdicts[] = {ReleaseVerdict::kReleased, ReleaseVerdict::kUnknownAuthorization,
                                               ReleaseVerdict::kExceedsRemaining, ReleaseVerdict::kConflict};
constexpr CreditVerdict kCreditVerdicts[] = {CreditVerdict::kCredited, CreditVerdict::kUnknownCapture,
                                             CreditVerdict::kExceedsCaptured, CreditVerdict::kConflict};
constexpr ReversalVerdict kReversalVerdicts[] = {ReversalVerdict::kReversed, ReversalVerdict::kUnknown,
                                                 ReversalVerdict::kAlreadyReversed, ReversalVerdict::kRefunded,
                                                 ReversalVerdict::kConflict};
constexpr BatchSettlementVerdict kBatchVerdicts[] = {
    BatchSettlementVerdict::kSettled,        BatchSettlementVerdict::kUnknownMerchant,
    BatchSettlementVerdict::kUnknownItem,    BatchSettlementVerdict::kForeignItem,
    BatchSettlementVerdict::kAmountMismatch, BatchSettlementVerdict::kAlreadySettled,
    BatchSettlementVerdict::kConflict};
constexpr BatchItemKind kBatchItemKinds[] = {BatchItemKind::kCapture, BatchItemKind::kCaptureReversal,
                                             BatchItemKind::kCredit, BatchItemKind::kCreditReversal};

// ---------------------------------------------------------------- strict reading

// A JSON object being read, with its path for messages ("" at the top, "items[2]." below).
class Obj {
 public:
  Obj(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) fail(where_self() + " must be a JSON object");
  }

  const json& at(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end()) fail("missing field '" + path_ + name + "'");
    return *it;
  }
  std::string name(const char* n) const { return path_ + n; }

  std::string str(const char* n) const {
    const json& v = at(n);
    if (!v.is_string()) fail("field '" + name(n) + "' must be a string");
    return v.get<std::string>();
  }
  std::int64_t i64(const char* n) const { return int64_of(at(n), name(n)); }
  bool boolean(const char* n) const {
    const json& v = at(n);
    if (!v.is_boolean()) fail("field '" + name(n) + "' must be true or false");
    return v.get<bool>();
  }
  Obj obj(const char* n) const {
    const json& v = at(n);
    if (!v.is_object()) fail("field '" + name(n) + "' must be a JSON object");
    return Obj(v, name(n) + ".");
  }
  const json& array(const char* n) const {
    const json& v = at(n);
    if (!v.is_array()) fail("field '" + name(n) + "' must be a JSON array");
    return v;
  }
  std::vector<std::string> strings(const char* n) const {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const json& v : array(n)) {
      if (!v.is_string()) fail("field '" + name(n) + "[" + std::to_string(i) + "]' must be a string");
      out.push_back(v.get<std::string>());
      ++i;
    }
    return out;
  }
  std::map<std::string, std::string> string_map(const char* n) const {
    const json& v = at(n);
    if (!v.is_object()) fail("field '" + name(n) + "' must be a JSON object of strings");
    std::map<std::string, std::string> out;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it.value().is_string()) fail("field '" + name(n) + "' must be a JSON object of strings");
      out[it.key()] = it.value().get<std::string>();
    }
    return out;
  }
  template <class E, std::size_t N>
  E enumerated(const char* n, const E (&all)[N], std::string_view (*to_name)(E)) const {
    auto s = str(n);
    auto e = enum_from(s, all, to_name);
    if (!e) fail("field '" + name(n) + "' is not one of its names");
    return *e;
  }
  Money money(const char* n) const {
    Obj m = obj(n);
    return Money{m.i64("currency"), m.i64("amount"), m.i64("exp10")};
  }

  static std::int64_t int64_of(const json& v, const std::string& field) {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail("field '" + field + "' is out of the int64 range");
      return v.get<std::int64_t>();
    }
    if (v.is_number_float()) fail("field '" + field + "' must be an integer in the int64 range");
    fail("field '" + field + "' must be an integer");
  }

 private:
  std::string where_self() const {
    if (path_.empty()) return "the body";
    return "field '" + path_.substr(0, path_.size() - 1) + "'";
  }
  const json& j_;
  std::string path_;
};

// An array field's elements as objects: "items[3]."
template <class F>
void each_object(const Obj& o, const char* n, F f) {
  std::size_t i = 0;
  for (const json& v : o.array(n)) {
    f(Obj(v, o.name(n) + "[" + std::to_string(i) + "]."));
    ++i;
  }
}

// Nesting deeper than kMaxDepth is refused before parsing (the requests are shallow).
bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

json parse_body(std::string_view body, std::string_view what) {
  if (body.size() > kMaxBody) fail(std::string(what) + " is too large");
  if (too_deep(body)) fail(std::string(what) + " is nested too deeply");
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) fail(std::string(what) + " is not valid JSON");
  if (!j.is_object()) fail(std::string(what) + " must be a JSON object");
  return j;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// ---------------------------------------------------------------- encoders

json enc(const Money& m) { return {{"currency", m.currency}, {"amount", m.amount}, {"exp10", m.amt_exp10}}; }
json enc(const FormField& f) { return {{"name", f.name}, {"label", f.label}, {"required", f.required}}; }
json enc(const std::vector<FormField>& v) {
  json a = json::array();
  for (const auto& f : v) a.push_back(enc(f));
  return a;
}
json enc(const std::map<std::string, std::string>& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}
json enc_strings(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}
json enc_per_currency(const std::map<std::int64_t, std::int64_t>& m, const char* value_name) {
  json a = json::array();
  for (const auto& [cur, v] : m) a.push_back({{"currency", cur}, {value_name, v}});
  return a;
}
json enc(const CardholderClaim& c) {
  return {{"pan", c.pan}, {"expiry", c.expiry}, {"answers", enc(c.answers)}, {"at", c.at}};
}
json enc(const CardCheck& c) {
  return {{"verdict", card_verdict_name(c.verdict)}, {"wrong_fields", enc_strings(c.wrong_fields)}, {"brand", c.brand}};
}
json enc(const MerchantClaim& c) {
  return {{"merchant_id", c.merchant_id}, {"acquirer_bin", c.acquirer_bin}, {"answers", enc(c.answers)}};
}
json enc(const PartyCheck& c) {
  return {{"verdict", party_verdict_name(c.verdict)}, {"wrong_fields", enc_strings(c.wrong_fields)}, {"brand", c.brand}};
}
json enc(const AuthorizationRequest& r) {
  return {{"reference", r.reference}, {"pan", r.pan},           {"expiry", r.expiry},          {"amount", enc(r.amount)},
          {"merchant_id", r.merchant_id}, {"at", r.at}, {"acquirer_id", r.acquirer_id}};
}
json enc(const AuthorizationDecision& d) {
  return {{"verdict", auth_verdict_name(d.verdict)},
          {"authorization_id", d.authorization_id},
          {"approval_code", d.approval_code},
          {"amount", enc(d.amount)}};
}
json enc(const CaptureRequest& r) {
  return {{"reference", r.reference},     {"authorization_id", r.authorization_id}, {"amount", enc(r.amount)},
          {"merchant_id", r.merchant_id}, {"at", r.at},                           {"acquirer_id", r.acquirer_id}};
}
json enc(const CaptureResult& r) {
  return {{"verdict", capture_verdict_name(r.verdict)}, {"capture_id", r.capture_id}, {"amount", enc(r.amount)}};
}
json enc(const ReleaseResult& r) {
  return {{"verdict", release_verdict_name(r.verdict)}, {"release_id", r.release_id}, {"amount", enc(r.amount)}};
}
json enc(const CreditResult& r) {
  return {{"verdict", credit_verdict_name(r.verdict)}, {"credit_id", r.credit_id}, {"amount", enc(r.amount)}};
}
json enc(const ReversalResult& r) {
  return {{"verdict", reversal_verdict_name(r.verdict)}, {"reversal_id", r.reversal_id}, {"amount", enc(r.amount)}};
}
json enc(const BatchItem& i) {
  return {{"kind", batch_item_kind_name(i.kind)}, {"bank_id", i.bank_id}, {"xref", i.xref},
          {"amount", enc(i.amount)},             {"sequence", i.sequence}};
}
json enc(const std::vector<BatchItem>& v) {
  json a = json::array();
  for (const auto& i : v) a.push_back(enc(i));
  return a;
}
json enc(const BatchSettlementRequest& r) {
  return {{"reference", r.reference}, {"merchant_id", r.merchant_id}, {"batch_id", r.batch_id},
          {"items", enc(r.items)},    {"at", r.at}};
}
json enc(const BatchSettlementResult& r) {
  return {{"verdict", batch_settlement_verdict_name(r.verdict)},
          {"settlement_id", r.settlement_id},
          {"net", enc_per_currency(r.net, "net")},
          {"item", r.item},
          {"at", r.at}};
}
json enc(const SettlementReport& r) {
  json lines = json::array();
  for (const auto& l : r.lines)
    lines.push_back({{"capture_id", l.capture_id},
                     {"authorization_id", l.authorization_id},
                     {"reference", l.reference},
                     {"amount", enc(l.amount)},
                     {"at", l.at}});
  json items = json::array();
  for (const auto& i : r.items)
    items.push_back({{"kind", batch_item_kind_name(i.kind)},
                     {"id", i.id},
                     {"original_id", i.original_id},
                     {"reference", i.reference},
                     {"batch", i.batch},
                     {"amount", enc(i.amount)},
                     {"at", i.at}});
  json summary = json::array();
  for (const auto& [cur, s] : r.summary)
    summary.push_back({{"currency", cur},
                       {"captures", s.captures},
                       {"capture_reversals", s.capture_reversals},
                       {"credits", s.credits},
                       {"credit_reversals", s.credit_reversals},
                       {"net", s.net},
                       {"settled", s.settled},
                       {"count", s.count}});
  return {{"merchant_id", r.merchant_id}, {"day", r.day},
          {"lines", lines},               {"currency", r.currency},
          {"total", r.total},             {"totals", enc_per_currency(r.totals, "total")},
          {"items", items},               {"summary", summary}};
}

// ---------------------------------------------------------------- decoders

std::vector<FormField> dec_form(const json& j, const std::string& path) {
  if (!j.is_array()) fail("field '" + path + "' must be a JSON array");
  std::vector<FormField> out;
  std::size_t i = 0;
  for (const json& v : j) {
    Obj o(v, path + "[" + std::to_string(i++) + "].");
    out.push_back(FormField{o.str("name"), o.str("label"), o.boolean("required")});
  }
  return out;
}
CardholderClaim dec_cardholder_claim(const Obj& o) {
  CardholderClaim c;
  c.pan = o.str("pan");
  c.expiry = o.str("expiry");
  c.answers = o.string_map("answers");
  c.at = o.i64("at");
  return c;
}
CardCheck dec_card_check(const Obj& o) {
  CardCheck c;
  c.verdict = o.enumerated("verdict", kCardVerdicts, card_verdict_name);
  c.wrong_fields = o.strings("wrong_fields");
  c.brand = o.str("brand");
  return c;
}
MerchantClaim dec_merchant_claim(const Obj& o) {
  MerchantClaim c;
  c.merchant_id = o.str("merchant_id");
  c.acquirer_bin = o.str("acquirer_bin");
  c.answers = o.string_map("answers");
  return c;
}
PartyCheck dec_party_check(const Obj& o) {
  PartyCheck c;
  c.verdict = o.enumerated("verdict", kPartyVerdicts, party_verdict_name);
  c.wrong_fields = o.strings("wrong_fields");
  c.brand = o.str("brand");
  return c;
}
AuthorizationRequest dec_auth_request(const Obj& o) {
  AuthorizationRequest r;
  r.reference = o.str("reference");
  r.pan = o.str("pan");
  r.expiry = o.str("expiry");
  r.amount = o.money("amount");
  r.merchant_id = o.str("merchant_id");
  r.at = o.i64("at");
  r.acquirer_id = o.str("acquirer_id");
  return r;
}
AuthorizationDecision dec_auth_decision(const Obj& o) {
  AuthorizationDecision d;
  d.verdict = o.enumerated("verdict", kAuthVerdicts, auth_verdict_name);
  d.authorization_id = o.str("authorization_id");
  d.approval_code = o.str("approval_code");
  d.amount = o.money("amount");
  return d;
}
CaptureRequest dec_capture_request(const Obj& o) {
  CaptureRequest r;
  r.reference = o.str("reference");
  r.authorization_id = o.str("authorization_id");
  r.amount = o.money("amount");
  r.merchant_id = o.str("merchant_id");
  r.at = o.i64("at");
  r.acquirer_id = o.str("acquirer_id");
  return r;
}
CaptureResult dec_capture_result(const Obj& o) {
  CaptureResult r;
  r.verdict = o.enumerated("verdict", kCaptureVerdicts, capture_verdict_name);
  r.capture_id = o.str("capture_id");
  r.amount = o.money("amount");
  return r;
}
ReleaseResult dec_release_result(const Obj& o) {
  ReleaseResult r;
  r.verdict = o.enumerated("verdict", kReleaseVerdicts, release_verdict_name);
  r.release_id = o.str("release_id");
  r.amount = o.money("amount");
  return r;
}
CreditResult dec_credit_result(const Obj& o) {
  CreditResult r;
  r.verdict = o.enumerated("verdict", kCreditVerdicts, credit_verdict_name);
  r.credit_id = o.str("credit_id");
  r.amount = o.money("amount");
  return r;
}
ReversalResult dec_reversal_result(const Obj& o) {
  ReversalResult r;
  r.verdict = o.enumerated("verdict", kReversalVerdicts, reversal_verdict_name);
  r.reversal_id = o.str("reversal_id");
  r.amount = o.money("amount");
  return r;
}
BatchItem dec_batch_item(const Obj& o) {
  BatchItem i;
  i.kind = o.enumerated("kind", kBatchItemKinds, batch_item_kind_name);
  i.bank_id = o.str("bank_id");
  i.xref = o.str("xref");
  i.amount = o.money("amount");
  i.sequence = o.i64("sequence");
  return i;
}
std::vector<BatchItem> dec_batch_items(const Obj& o, const char* n) {
  std::vector<BatchItem> out;
  each_object(o, n, [&](const Obj& e) { out.push_back(dec_batch_item(e)); });
  return out;
}
std::map<std::int64_t, std::int64_t> dec_per_currency(const Obj& o, const char* n, const char* value_name) {
  std::map<std::int64_t, std::int64_t> out;
  each_object(o, n, [&](const Obj& e) {
    if (!out.emplace(e.i64("currency"), e.i64(value_name)).second)
      fail("field '" + o.name(n) + "' names a currency twice");
  });
  return out;
}
BatchSettlementRequest dec_batch_request(const Obj& o) {
  BatchSettlementRequest r;
  r.reference = o.str("reference");
  r.merchant_id = o.str("merchant_id");
  r.batch_id = o.str("batch_id");
  r.items = dec_batch_items(o, "items");
  r.at = o.i64("at");
  return r;
}
BatchSettlementResult dec_batch_result(const Obj& o) {
  BatchSettlementResult r;
  r.verdict = o.enumerated("verdict", kBatchVerdicts, batch_settlement_verdict_name);
  r.settlement_id = o.str("settlement_id");
  r.net = dec_per_currency(o, "net", "net");
  r.item = o.str("item");
  r.at = o.i64("at");
  return r;
}
SettlementReport dec_report(const Obj& o) {
  SettlementReport r;
  r.merchant_id = o.str("merchant_id");
  r.day = o.str("day");
  each_object(o, "lines", [&](const Obj& e) {
    r.lines.push_back(SettlementLine{e.str("capture_id"), e.str("authorization_id"), e.str("reference"),
                                     e.money("amount"), e.i64("at")});
  });
  r.currency = o.i64("currency");
  r.total = o.i64("total");
  r.totals = dec_per_currency(o, "totals", "total");
  each_object(o, "items", [&](const Obj& e) {
    SettlementReport::Item i;
    i.kind = e.enumerated("kind", kBatchItemKinds, batch_item_kind_name);
    i.id = e.str("id");
    i.original_id = e.str("original_id");
    i.reference = e.str("reference");
    i.batch = e.str("batch");
    i.amount = e.money("amount");
    i.at = e.i64("at");
    r.items.push_back(std::move(i));
  });
  each_object(o, "summary", [&](const Obj& e) {
    SettlementReport::Summary s;
    s.captures = e.i64("captures");
    s.capture_reversals = e.i64("capture_reversals");
    s.credits = e.i64("credits");
    s.credit_reversals = e.i64("credit_reversals");
    s.net = e.i64("net");
    s.settled = e.i64("settled");
    s.count = e.i64("count");
    if (!r.summary.emplace(e.i64("currency"), s).second) fail("field 'summary' names a currency twice");
  });
  return r;
}

// ---------------------------------------------------------------- server

json error_json(Errc code, std::string_view message) {
  return {{"error", {{"code", errc_name(code)}, {"message", redact(message)}}}};
}
template <class T, class Enc>
json answer(const Result<T>& r, Enc encode) {
  if (!r.ok()) return error_json(r.error().code, r.error().message);
  return {{"ok", encode(r.value())}};
}
json answer_string(const Result<std::string>& r) {
  if (!r.ok()) return error_json(r.error().code, r.error().message);
  return {{"ok", r.value()}};
}
// Generic encoder adaptor for answer().
struct Encode {
  template <class T>
  json operator()(const T& v) const {
    return enc(v);
  }
};

// A method name is echoed in a 404 only when it looks like one (never digits a PAN could hide in).
std::string shown_method(std::string_view method) {
  if (method.size() > 64) return "(too long)";
  for (char c : method)
    if (!((c >= 'a' && c <= 'z') || c == '_' || c == '.')) return "(not a method name)";
  return "'" + std::string(method) + "'";
}

WireAnswer not_found(std::string_view method) {
  return WireAnswer{404, dump(error_json(Errc::kUnsupported, "unknown method " + shown_method(method)))};
}

// Runs one request: 400 on a bad body, 404 on an unknown method, 500 on anything thrown below.
template <class Dispatch>
WireAnswer serve(std::string_view method, std::string_view body, const std::vector<std::string>& methods,
                 Dispatch dispatch) {
  bool known = false;
  for (const auto& m : methods) known = known || m == method;
  if (!known) return not_found(method);
  try {
    json req = parse_body(body, "request body");
    Obj o(req, "");
    json res = dispatch(o);
    return WireAnswer{200, dump(res)};
  } catch (const WireError& e) {
    return WireAnswer{400, dump(error_json(Errc::kMalformed, redact(e.message)))};
  } catch (const std::exception&) {
    return WireAnswer{500, dump(error_json(Errc::kIo, "the bank failed to answer"))};
  } catch (...) {
    return WireAnswer{500, dump(error_json(Errc::kIo, "the bank failed to answer"))};
  }
}

// ---------------------------------------------------------------- client

// One call: encode, send, read {"ok"} or {"error"}, decode the value with `decode`.
template <class T, class Decode>
Result<T> call(const BankTransport& transport, std::string_view method, const json& request, Decode decode) {
  const std::string where = "bank wire " + std::string(method) + ": ";
  std::string body;
  try {
    body = request.dump();  // strict: a request field that is not UTF-8 is refused, not altered
  } catch (const std::exception&) {
    return Error(Errc::kInvalidArgument, where + "a request field is not valid UTF-8");
  }
  if (!transport) return Error(Errc::kIo, where + "no transport");
  Result<std::string> sent = [&]() -> Result<std::string> {
    try {
      return transport(method, body);
    } catch (...) {
      return Error(Errc::kIo, "the transport threw");
    }
  }();
  if (!sent.ok()) return Error(Errc::kIo, redact(where + sent.error().message));
  try {
    json res = parse_body(*sent, "the answer");
    Obj o(res, "");
    if (res.contains("error")) {
      Obj e = o.obj("error");
      auto code = errc_from(e.str("code"));
      if (!code) fail("field 'error.code' is not one of its names");
      return Error(*code, redact(e.str("message")));
    }
    return decode(o, o.at("ok"));
  } catch (const WireError& e) {
    return Error(Errc::kMalformed, redact(where + e.message));
  } catch (const std::exception&) {
    return Error(Errc::kMalformed, where + "unreadable answer");
  }
}

template <class F>
auto as_obj(F f) {
  return [f](const Obj& top, const json& v) {
    if (!v.is_object()) fail("field 'ok' must be a JSON object");
    (void)top;
    return f(Obj(v, "ok."));
  };
}

json release_request(std::string_view reference, std::string_view authorization_id, const Money& amount,
                     std::int64_t at) {
  return {{"reference", reference}, {"authorization_id", authorization_id}, {"amount", enc(amount)}, {"at", at}};
}
json credit_request(std::string_view reference, std::string_view capture_id, const Money& amount, std::int64_t at) {
  return {{"reference", reference}, {"capture_id", capture_id}, {"amount", enc(amount)}, {"at", at}};
}
json reverse_capture_request(std::string_view reference, std::string_view capture_id, std::int64_t at) {
  return {{"reference", reference}, {"capture_id", capture_id}, {"at", at}};
}
json reverse_credit_request(std::string_view reference, std::string_view credit_id, std::int64_t at) {
  return {{"reference", reference}, {"credit_id", credit_id}, {"at", at}};
}

std::vector<FormField> ok_form(const Obj&, const json& v) { return dec_form(v, "ok"); }
std::vector<std::string> ok_strings(const Obj& top, const json&) { return top.strings("ok"); }
std::string ok_string(const Obj& top, const json&) { return top.str("ok"); }
std::vector<BatchItem> ok_batch_items(const Obj& top, const json&) { return dec_batch_items(top, "ok"); }

}  // namespace

// ---------------------------------------------------------------- method lists

const std::vector<std::string>& issuer_wire_methods() {
  static const std::vector<std::string> kMethods = {
      "issuer.bins",    "issuer.registration_form", "issuer.verify_cardholder", "issuer.authorize",
      "issuer.capture", "issuer.release",           "issuer.credit",            "issuer.reverse_capture",
      "issuer.reverse_credit", "issuer.settle"};
  return kMethods;
}

const std::vector<std::string>& acquirer_wire_methods() {
  static const std::vector<std::string> kMethods = {
      "acquirer.merchant_registration_form", "acquirer.verify_merchant", "acquirer.verify_gateway",
      "acquirer.authorize",                  "acquirer.capture",         "acquirer.release",
      "acquirer.refund",                     "acquirer.reverse_capture", "acquirer.reverse_refund",
      "acquirer.settlement_report",          "acquirer.settle_batch",    "acquirer.settled_items"};
  return kMethods;
}

// ---------------------------------------------------------------- servers

WireAnswer serve_issuer(Issuer& issuer, std::string_view method, std::string_view body) {
  return serve(method, body, issuer_wire_methods(), [&](const Obj& o) -> json {
    if (method == "issuer.bins") return {{"ok", enc_strings(issuer.bins())}};
    if (method == "issuer.registration_form") return answer(issuer.registration_form(o.str("pan")), Encode{});
    if (method == "issuer.verify_cardholder") return answer(issuer.verify_cardholder(dec_cardholder_claim(o)), Encode{});
    if (method == "issuer.authorize") return answer(issuer.authorize(dec_auth_request(o)), Encode{});
    if (method == "issuer.capture") return answer(issuer.capture(dec_capture_request(o)), Encode{});
    if (method == "issuer.release") {
      auto reference = o.str("reference"), id = o.str("authorization_id");
      auto amount = o.money("amount");
      return answer(issuer.release(reference, id, amount, o.i64("at")), Encode{});
    }
    if (method == "issuer.credit") {
      auto reference = o.str("reference"), id = o.str("capture_id");
      auto amount = o.money("amount");
      return answer(issuer.credit(reference, id, amount, o.i64("at")), Encode{});
    }
    if (method == "issuer.reverse_capture") {
      auto reference = o.str("reference"), id = o.str("capture_id");
      return answer(issuer.reverse_capture(reference, id, o.i64("at")), Encode{});
    }
    if (method == "issuer.reverse_credit") {
      auto reference = o.str("reference"), id = o.str("credit_id");
      return answer(issuer.reverse_credit(reference, id, o.i64("at")), Encode{});
    }
    // issuer.settle
    auto acquirer_id = o.str("acquirer_id"), reference = o.str("reference");
    auto currency = o.i64("currency"), net = o.i64("net");
    return answer_string(issuer.settle(acquirer_id, reference, currency, net, o.i64("at")));
  });
}

WireAnswer serve_acquirer(Acquirer& acquirer, std::string_view method, std::string_view body) {
  return serve(method, body, acquirer_wire_methods(), [&](const Obj& o) -> json {
    if (method == "acquirer.merchant_registration_form")
      return answer(acquirer.merchant_registration_form(o.str("merchant_id")), Encode{});
    if (method == "acquirer.verify_merchant") return answer(acquirer.verify_merchant(dec_merchant_claim(o)), Encode{});
    if (method == "acquirer.verify_gateway") return answer(acquirer.verify_gateway(dec_merchant_claim(o)), Encode{});
    if (method == "acquirer.authorize") return answer(acquirer.authorize(dec_auth_request(o)), Encode{});
    if (method == "acquirer.capture") return answer(acquirer.capture(dec_capture_request(o)), Encode{});
    if (method == "acquirer.release") {
      auto reference = o.str("reference"), id = o.str("authorization_id");
      auto amount = o.money("amount");
      return answer(acquirer.release(reference, id, amount, o.i64("at")), Encode{});
    }
    if (method == "acquirer.refund") {
      auto reference = o.str("reference"), id = o.str("capture_id");
      auto amount = o.money("amount");
      return answer(acquirer.refund(reference, id, amount, o.i64("at")), Encode{});
    }
    if (method == "acquirer.reverse_capture") {
      auto reference = o.str("reference"), id = o.str("capture_id");
      return answer(acquirer.reverse_capture(reference, id, o.i64("at")), Encode{});
    }
    if (method == "acquirer.reverse_refund") {
      auto reference = o.str("reference"), id = o.str("credit_id");
      return answer(acquirer.reverse_refund(reference, id, o.i64("at")), Encode{});
    }
    if (method == "acquirer.settlement_report") {
      auto merchant = o.str("merchant_id"), day = o.str("day");
      return answer(acquirer.settlement_report(merchant, day), Encode{});
    }
    if (method == "acquirer.settle_batch") return answer(acquirer.settle_batch(dec_batch_request(o)), Encode{});
    // acquirer.settled_items
    auto merchant = o.str("merchant_id"), batch = o.str("batch_id");
    return answer(acquirer.settled_items(merchant, batch), Encode{});
  });
}

namespace {
template <class Bank>
BankTransport in_process(Bank& bank, WireAnswer (*serve_fn)(Bank&, std::string_view, std::string_view)) {
  return [&bank, serve_fn](std::string_view method, const std::string& body) -> Result<std::string> {
    WireAnswer a = serve_fn(bank, method, body);
    if (a.status == 200) return std::move(a.body);
    std::string message;
    json j = json::parse(a.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("message") &&
        j["error"]["message"].is_string())
      message = j["error"]["message"].get<std::string>();
    return Error(Errc::kIo, "HTTP " + std::to_string(a.status) + (message.empty() ? "" : ": " + message));
  };
}
}  // namespace

BankTransport in_process_transport(Issuer& issuer) { return in_process<Issuer>(issuer, &serve_issuer); }
BankTransport in_process_transport(Acquirer& acquirer) { return in_process<Acquirer>(acquirer, &serve_acquirer); }

// ---------------------------------------------------------------- RemoteIssuer

RemoteIssuer::RemoteIssuer(BankTransport transport, std::vector<std::string> bins)
    : transport_(std::move(transport)), bins_(std::move(bins)) {}

Status RemoteIssuer::refresh_bins() {
  auto r = call<std::vector<std::string>>(transport_, "issuer.bins", json::object(), ok_strings);
  if (!r.ok()) return std::move(r).error();
  bins_ = std::move(*r);
  return Ok{};
}

std::vector<std::string> RemoteIssuer::bins() const { return bins_; }

Result<std::vector<FormField>> RemoteIssuer::registration_form(std::string_view pan) {
  return call<std::vector<FormField>>(transport_, "issuer.registration_form", {{"pan", pan}}, ok_form);
}
Result<CardCheck> RemoteIssuer::verify_cardholder(const CardholderClaim& claim) {
  return call<CardCheck>(transport_, "issuer.verify_cardholder", enc(claim), as_obj(dec_card_check));
}
Result<AuthorizationDecision> RemoteIssuer::authorize(const AuthorizationRequest& req) {
  return call<AuthorizationDecision>(transport_, "issuer.authorize", enc(req), as_obj(dec_auth_decision));
}
Result<CaptureResult> RemoteIssuer::capture(const CaptureRequest& req) {
  return call<CaptureResult>(transport_, "issuer.capture", enc(req), as_obj(dec_capture_result));
}
Result<ReleaseResult> RemoteIssuer::release(std::string_view reference, std::string_view authorization_id,
                                            const Money& amount, std::int64_t at) {
  return call<ReleaseResult>(transport_, "issuer.release", release_request(reference, authorization_id, amount, at),
                             as_obj(dec_release_result));
}
Result<CreditResult> RemoteIssuer::credit(std::string_view reference, std::string_view capture_id,
                                          const Money& amount, std::int64_t at) {
  return call<CreditResult>(transport_, "issuer.credit", credit_request(reference, capture_id, amount, at),
                            as_obj(dec_credit_result));
}
Result<ReversalResult> RemoteIssuer::reverse_capture(std::string_view reference, std::string_view capture_id,
                                                     std::int64_t at) {
  return call<ReversalResult>(transport_, "issuer.reverse_capture",
                              reverse_capture_request(reference, capture_id, at), as_obj(dec_reversal_result));
}
Result<ReversalResult> RemoteIssuer::reverse_credit(std::string_view reference, std::string_view credit_id,
                                                    std::int64_t at) {
  return call<ReversalResult>(transport_, "issuer.reverse_credit", reverse_credit_request(reference, credit_id, at),
                              as_obj(dec_reversal_result));
}
Result<std::string> RemoteIssuer::settle(std::string_view acquirer_id, std::string_view reference,
                                         std::int64_t currency, std::int64_t net, std::int64_t at) {
  json req = {{"acquirer_id", acquirer_id}, {"reference", reference}, {"currency", currency}, {"net", net}, {"at", at}};
  return call<std::string>(transport_, "issuer.settle", req, ok_string);
}

// ---------------------------------------------------------------- RemoteAcquirer

RemoteAcquirer::RemoteAcquirer(BankTransport transport) : transport_(std::move(transport)) {}

Result<std::vector<FormField>> RemoteAcquirer::merchant_registration_form(std::string_view merchant_id) {
  return call<std::vector<FormField>>(transport_, "acquirer.merchant_registration_form",
                                      {{"merchant_id", merchant_id}}, ok_form);
}
Result<PartyCheck> RemoteAcquirer::verify_merchant(const MerchantClaim& claim) {
  return call<PartyCheck>(transport_, "acquirer.verify_merchant", enc(claim), as_obj(dec_party_check));
}
Result<PartyCheck> RemoteAcquirer::verify_gateway(const MerchantClaim& claim) {
  return call<PartyCheck>(transport_, "acquirer.verify_gateway", enc(claim), as_obj(dec_party_check));
}
Result<AuthorizationDecision> RemoteAcquirer::authorize(const AuthorizationRequest& req) {
  return call<AuthorizationDecision>(transport_, "acquirer.authorize", enc(req), as_obj(dec_auth_decision));
}
Result<CaptureResult> RemoteAcquirer::capture(const CaptureRequest& req) {
  return call<CaptureResult>(transport_, "acquirer.capture", enc(req), as_obj(dec_capture_result));
}
Result<ReleaseResult> RemoteAcquirer::release(std::string_view reference, std::string_view authorization_id,
                                              const Money& amount, std::int64_t at) {
  return call<ReleaseResult>(transport_, "acquirer.release", release_request(reference, authorization_id, amount, at),
                             as_obj(dec_release_result));
}
Result<CreditResult> RemoteAcquirer::refund(std::string_view reference, std::string_view capture_id,
                                            const Money& amount, std::int64_t at) {
  return call<CreditResult>(transport_, "acquirer.refund", credit_request(reference, capture_id, amount, at),
                            as_obj(dec_credit_result));
}
Result<ReversalResult> RemoteAcquirer::reverse_capture(std::string_view reference, std::string_view capture_id,
                                                       std::int64_t at) {
  return call<ReversalResult>(transport_, "acquirer.reverse_capture",
                              reverse_capture_request(reference, capture_id, at), as_obj(dec_reversal_result));
}
Result<ReversalResult> RemoteAcquirer::reverse_refund(std::string_view reference, std::string_view credit_id,
                                                      std::int64_t at) {
  return call<ReversalResult>(transport_, "acquirer.reverse_refund", reverse_credit_request(reference, credit_id, at),
                              as_obj(dec_reversal_result));
}
Result<SettlementReport> RemoteAcquirer::settlement_report(std::string_view merchant_id, std::string_view day) {
  return call<SettlementReport>(transport_, "acquirer.settlement_report", {{"merchant_id", merchant_id}, {"day", day}},
                                as_obj(dec_report));
}
Result<BatchSettlementResult> RemoteAcquirer::settle_batch(const BatchSettlementRequest& req) {
  return call<BatchSettlementResult>(transport_, "acquirer.settle_batch", enc(req), as_obj(dec_batch_result));
}
Result<std::vector<BatchItem>> RemoteAcquirer::settled_items(std::string_view merchant_id,
                                                             std::string_view batch_id) {
  return call<std::vector<BatchItem>>(transport_, "acquirer.settled_items",
                                      {{"merchant_id", merchant_id}, {"batch_id", batch_id}}, ok_batch_items);
}

}  // namespace openset::services
