// The banks' JSON wire (src/services/bank_wire.hpp): every method round-trips and answers what
// the bank answers in process (a twin pair of banks, set up identically, is called directly);
// the whole money path runs through the wire (the acquirer reaches its issuer through a
// RemoteIssuer, the caller reaches the acquirer through a RemoteAcquirer) and leaves the ledger
// invariants holding; bad bodies are 400/404 that move nothing; a failing transport is kIo; no
// PAN shows in any message of the wire.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

#include "../roles/bank/bank_fixture.hpp"
#include "openset/services/bank_wire.hpp"

namespace openset::services {
namespace {

using json = nlohmann::json;
using namespace roles;        // NOLINT(google-build-using-namespace)
using namespace roles::bank;  // NOLINT(google-build-using-namespace)
using namespace roles::bank::testing;  // NOLINT(google-build-using-namespace)

const std::vector<std::string> kPans = {kPanUsd, kPanEur, kPanJpy, kPanUnknown, "6011000000000004"};

// ---- a text form of every result, independent of the wire's JSON (to compare answers) ----

std::string show(const Money& m) { return format_amount(m) + "/" + std::to_string(m.amt_exp10); }
std::string show(const Error& e) { return "error " + std::string(errc_name(e.code)) + ": " + e.message; }
std::string show(const std::vector<std::string>& v) {
  std::string s = "[";
  for (const auto& x : v) s += x + ";";
  return s + "]";
}
std::string show(const std::vector<FormField>& v) {
  std::string s = "form[";
  for (const auto& f : v) s += f.name + "|" + f.label + "|" + (f.required ? "1" : "0") + ";";
  return s + "]";
}
std::string show(const CardCheck& c) {
  return "card " + std::string(card_verdict_name(c.verdict)) + " " + show(c.wrong_fields) + " " + c.brand;
}
std::string show(const PartyCheck& c) {
  return "party " + std::string(party_verdict_name(c.verdict)) + " " + show(c.wrong_fields) + " " + c.brand;
}
std::string show(const AuthorizationDecision& d) {
  return "auth " + std::string(auth_verdict_name(d.verdict)) + " " + d.authorization_id + " " + d.approval_code + " " +
         show(d.amount);
}
std::string show(const CaptureResult& r) {
  return "capture " + std::string(capture_verdict_name(r.verdict)) + " " + r.capture_id + " " + show(r.amount);
}
std::string show(const ReleaseResult& r) {
  return "release " + std::string(release_verdict_name(r.verdict)) + " " + r.release_id + " " + show(r.amount);
}
std::string show(const CreditResult& r) {
  return "credit " + std::string(credit_verdict_name(r.verdict)) + " " + r.credit_id + " " + show(r.amount);
}
std::string show(const ReversalResult& r) {
  return "reversal " + std::string(reversal_verdict_name(r.verdict)) + " " + r.reversal_id + " " + show(r.amount);
}
std::string show(const std::map<std::int64_t, std::int64_t>& m) {
  std::string s = "{";
  for (const auto& [k, v] : m) s += std::to_string(k) + ":" + std::to_string(v) + ";";
  return s + "}";
}
std::string show(const BatchSettlementResult& r) {
  return "batch " + std::string(batch_settlement_verdict_name(r.verdict)) + " " + r.settlement_id + " " + show(r.net) +
         " " + r.item + " " + std::to_string(r.at);
}
std::string show(const std::vector<BatchItem>& v) {
  std::string s = "items[";
  for (const auto& i : v)
    s += std::string(batch_item_kind_name(i.kind)) + "|" + i.bank_id + "|" + i.xref + "|" + show(i.amount) + "|" +
         std::to_string(i.sequence) + ";";
  return s + "]";
}
// settlement_json (the acquirer's own report format) covers lines, totals, items and summary.
std::string show(const SettlementReport& r) {
  return "report " + settlement_json(r) + " currency=" + std::to_string(r.currency) + " total=" +
         std::to_string(r.total) + " totals=" + show(r.totals);
}
std::string show(const std::string& s) { return "id " + s; }
template <class T>
std::string show(const Result<T>& r) {
  return r.ok() ? show(r.value()) : show(r.error());
}

// ---- fixture: the wire pair (issuer_, acquirer_, reached through the wire) and a twin pair ----

class BankWireTest : public BankTest {
 protected:
  void SetUp() override {
    BankTest::SetUp();
    if (HasFatalFailure()) return;
    twin_issuer_ = std::move(issuer_);
    twin_acquirer_ = std::move(acquirer_);
    const auto base = dir_;
    dir_ = base / "wire";
    std::filesystem::create_directories(dir_);
    open_banks();
    provision();
    dir_ = base;
    remote_issuer_ = std::make_unique<RemoteIssuer>(counted(in_process_transport(*issuer_)));
    ASSERT_TRUE(remote_issuer_->refresh_bins().ok());
    remote_acquirer_ = std::make_unique<RemoteAcquirer>(counted(in_process_transport(*acquirer_)));
  }
  void TearDown() override {
    BankTest::TearDown();
    if (check_invariants_at_end_ && twin_issuer_ && twin_acquirer_) {
      auto v = check_invariants(*twin_issuer_, *twin_acquirer_);
      EXPECT_TRUE(v.empty()) << to_string(v);
    }
  }

  // Every call through the wire is counted, its non-200 messages kept for the PAN scan.
  BankTransport counted(BankTransport inner) {
    return [this, inner](std::string_view method, const std::string& body) -> Result<std::string> {
      ++wire_calls_;
      auto r = inner(method, body);
      if (!r.ok()) messages_.push_back(r.error().message);
      return r;
    };
  }
  // The wire acquirer reaches its issuer only through the wire.
  void route_through_wire() { ASSERT_TRUE(acquirer_->add_routes(issuer_->id(), *remote_issuer_).ok()); }

  void expect_no_pan(const std::string& text) {
    for (const auto& pan : kPans) EXPECT_EQ(text.find(pan), std::string::npos) << "PAN in: " << text;
    int run = 0;
    for (char c : text) {
      run = (c >= '0' && c <= '9') ? run + 1 : 0;
      EXPECT_LT(run, 12) << "a run of digits in: " << text;
      if (run >= 12) break;
    }
  }

  std::unique_ptr<IssuerBank> twin_issuer_;
  std::unique_ptr<AcquirerBank> twin_acquirer_;
  std::unique_ptr<RemoteIssuer> remote_issuer_;
  std::unique_ptr<RemoteAcquirer> remote_acquirer_;
  int wire_calls_ = 0;
  std::vector<std::string> messages_;
};

// ---- round trips ----

// Every issuer method: the same history on the wire issuer (through RemoteIssuer) and on the
// twin (in process) gives the same answers, errors included.
TEST_F(BankWireTest, EveryIssuerMethodAnswersAsTheBankDoes) {
  check_invariants_at_end_ = false;  // the issuers are driven without their acquirer here
  auto run = [](Issuer& i) {
    std::vector<std::string> out;
    out.push_back(show(i.bins()));
    out.push_back(show(i.registration_form(kPanEur)));
    out.push_back(show(i.registration_form(kPanUsd)));
    out.push_back(show(i.registration_form("6011000000000004")));  // not this issuer's: an error
    CardholderClaim ok{kPanEur, kExpiry, {{"name", "Jean Dupont"}, {"postal-code", "75001"}, {"date-of-birth", "1980-02-29"}}, kT0};
    out.push_back(show(i.verify_cardholder(ok)));
    CardholderClaim wrong = ok;
    wrong.answers["postal-code"] = "99999";
    out.push_back(show(i.verify_cardholder(wrong)));
    CardholderClaim unknown = ok;
    unknown.pan = kPanUnknown;
    out.push_back(show(i.verify_cardholder(unknown)));
    AuthorizationRequest a{"r1", kPanUsd, kExpiry, usd(5000), "M1", kT0, "ACQ1"};
    auto d = i.authorize(a);
    out.push_back(show(d));
    out.push_back(show(i.authorize(a)));  // repeated reference: the first answer
    AuthorizationRequest declined{"r2", kPanUsd, kExpiry, usd(500000), "M1", kT0, "ACQ1"};
    out.push_back(show(i.authorize(declined)));
    AuthorizationRequest bad{"", kPanUsd, kExpiry, usd(100), "M1", kT0, "ACQ1"};
    out.push_back(show(i.authorize(bad)));  // no reference: an error
    const std::string auth_id = d.ok() ? d->authorization_id : "";
    CaptureRequest c{"c1", auth_id, usd(3000), "M1", kT0 + 60, "ACQ1"};
    auto cr = i.capture(c);
    out.push_back(show(cr));
    out.push_back(show(i.capture(c)));
    out.push_back(show(i.release("rel1", auth_id, usd(1000), kT0 + 70)));
    out.push_back(show(i.release("rel1", auth_id, usd(1000), kT0 + 70)));
    out.push_back(show(i.release("rel2", auth_id, usd(9000), kT0 + 70)));
    const std::string cap_id = cr.ok() ? cr->capture_id : "";
    auto cred = i.credit("f1", cap_id, usd(500), kT0 + 80);
    out.push_back(show(cred));
    out.push_back(show(i.credit("f2", "NOPE", usd(500), kT0 + 80)));
    out.push_back(show(i.reverse_credit("fr1", cred.ok() ? cred->credit_id : "", kT0 + 90)));
    out.push_back(show(i.reverse_capture("cr1", cap_id, kT0 + 100)));
    out.push_back(show(i.reverse_capture("cr1", cap_id, kT0 + 100)));
    out.push_back(show(i.reverse_capture("cr2", "NOPE", kT0 + 100)));
    auto c2 = i.capture(CaptureRequest{"c2", auth_id, usd(1000), "M1", kT0 + 110, "ACQ1"});
    out.push_back(show(c2));
    out.push_back(show(i.settle("ACQ1", "batch:1:840", 840, 1000, kT0 + 3600)));
    out.push_back(show(i.settle("ACQ1", "batch:1:840", 840, 1000, kT0 + 3600)));
    out.push_back(show(i.settle("ACQ1", "batch:1:840", 840, 2000, kT0 + 3600)));  // same reference, other amount
    return out;
  };
  auto direct = run(*twin_issuer_);
  auto wired = run(*remote_issuer_);
  if (std::getenv("OPENSET_WIRE_DUMP") != nullptr)
    for (const auto& s : wired) std::cerr << s << "\n";
  ASSERT_EQ(direct.size(), wired.size());
  for (std::size_t k = 0; k < direct.size(); ++k) EXPECT_EQ(wired[k], direct[k]) << "call " << k;
  EXPECT_GE(wire_calls_, static_cast<int>(direct.size()));
  EXPECT_EQ(issuer_->ledger().entry_count().value(), twin_issuer_->ledger().entry_count().value());
  for (const auto& m : messages_) expect_no_pan(m);
  for (const auto& s : wired) expect_no_pan(s);
}

// Every acquirer method, and the whole money path: the wire acquirer is reached through
// RemoteAcquirer and reaches its issuer through RemoteIssuer; the twin runs in process. Same
// answers, same ledgers, invariants hold in both pairs (TearDown), repeated references answer
// the first answer through the wire.
TEST_F(BankWireTest, EveryAcquirerMethodAndTheMoneyPathCrossTheWire) {
  route_through_wire();
  auto run = [](Acquirer& a) {
    std::vector<std::string> out;
    out.push_back(show(a.merchant_registration_form("M1")));
    out.push_back(show(a.merchant_registration_form("NOPE")));
    out.push_back(show(a.verify_merchant({"M1", "400001", {{"name", "Shop One"}, {"address", "1 Main St"}}})));
    out.push_back(show(a.verify_merchant({"M1", "400001", {{"name", "Shop 1"}, {"address", "1 Main St"}}})));
    out.push_back(show(a.verify_merchant({"M2", "400001", {{"name", "Shop Two"}, {"address", "2 Main St"}}})));
    out.push_back(show(a.verify_gateway({"G1", "400001", {{"name", "Gateway One"}, {"address", "9 Wire Rd"}}})));
    // Authorizations: approved (USD, EUR, JPY), declined, unknown card, unknown merchant, retry.
    AuthorizationRequest r1{"x1:1", kPanUsd, kExpiry, usd(8000), "M1", kT0, ""};
    auto a1 = a.authorize(r1);
    out.push_back(show(a1));
    out.push_back(show(a.authorize(r1)));  // idempotent through the wire
    AuthorizationRequest conflict = r1;
    conflict.amount = usd(8001);
    out.push_back(show(a.authorize(conflict)));
    auto a2 = a.authorize({"x2:1", kPanEur, kExpiry, eur(2500), "M1", kT0, ""});
    out.push_back(show(a2));
    auto a3 = a.authorize({"x3:1", kPanJpy, kExpiry, jpy(3000), "M1", kT0 + 10, ""});
    out.push_back(show(a3));
    out.push_back(show(a.authorize({"x4:1", kPanUsd, kExpiry, usd(9999999), "M1", kT0, ""})));
    out.push_back(show(a.authorize({"x5:1", kPanUnknown, kExpiry, usd(100), "M1", kT0, ""})));
    out.push_back(show(a.authorize({"x6:1", kPanUsd, kExpiry, usd(100), "M2", kT0, ""})));
    out.push_back(show(a.authorize({"x7:1", "6011000000000004", kExpiry, usd(100), "M1", kT0, ""})));
    out.push_back(show(a.authorize({"", kPanUsd, kExpiry, usd(100), "M1", kT0, ""})));
    const std::string id1 = a1.ok() ? a1->authorization_id : "", id2 = a2.ok() ? a2->authorization_id : "",
                      id3 = a3.ok() ? a3->authorization_id : "";
    // Captures, a retry, one above the authorization.
    CaptureRequest c1{"x1:cap", id1, usd(6000), "M1", kT0 + 60, ""};
    auto k1 = a.capture(c1);
    out.push_back(show(k1));
    out.push_back(show(a.capture(c1)));
    out.push_back(show(a.capture({"x1:cap2", id1, usd(5000), "M1", kT0 + 60, ""})));
    auto k2 = a.capture({"x2:cap", id2, eur(2500), "M1", kT0 + 60, ""});
    out.push_back(show(k2));
    auto k3 = a.capture({"x3:cap", id3, jpy(3000), "M1", kT0 + 70, ""});
    out.push_back(show(k3));
    const std::string cap1 = k1.ok() ? k1->capture_id : "", cap2 = k2.ok() ? k2->capture_id : "",
                      cap3 = k3.ok() ? k3->capture_id : "";
    // Release the rest of the first authorization (twice: idempotent), one too many.
    out.push_back(show(a.release("x1:rel", id1, usd(2000), kT0 + 80)));
    out.push_back(show(a.release("x1:rel", id1, usd(2000), kT0 + 80)));
    out.push_back(show(a.release("x1:rel2", id1, usd(1), kT0 + 80)));
    out.push_back(show(a.release("x9:rel", "NOPE", usd(1), kT0 + 80)));
    // Refunds, a refund reversal, a capture reversal.
    auto f1 = a.refund("x1:ref", cap1, usd(1500), kT0 + 90);
    out.push_back(show(f1));
    out.push_back(show(a.refund("x1:ref", cap1, usd(1500), kT0 + 90)));
    out.push_back(show(a.refund("x1:ref2", cap1, usd(99999), kT0 + 90)));
    auto f2 = a.refund("x2:ref", cap2, eur(500), kT0 + 95);
    out.push_back(show(f2));
    out.push_back(show(a.reverse_refund("x2:refrev", f2.ok() ? f2->credit_id : "", kT0 + 100)));
    out.push_back(show(a.reverse_refund("x2:refrev", f2.ok() ? f2->credit_id : "", kT0 + 100)));
    out.push_back(show(a.reverse_capture("x3:caprev", cap3, kT0 + 110)));
    out.push_back(show(a.reverse_capture("x3:caprev", cap3, kT0 + 110)));
    out.push_back(show(a.reverse_capture("x1:caprev", cap1, kT0 + 110)));  // refunded: refused
    // The day's report, then a batch: settle, retry, settled items.
    out.push_back(show(a.settlement_report("M1", "2025-03-14")));
    out.push_back(show(a.settlement_report("NOPE", "2025-03-14")));
    std::vector<BatchItem> items = {{BatchItemKind::kCapture, cap1, "x1", usd(6000), 1},
                                    {BatchItemKind::kCredit, f1.ok() ? f1->credit_id : "", "x1", usd(1500), 2},
                                    {BatchItemKind::kCapture, cap2, "x2", eur(2500), 3}};
    BatchSettlementRequest batch{"batch:G1:1", "M1", "1", items, kT0 + 3600};
    out.push_back(show(a.settle_batch(batch)));
    out.push_back(show(a.settle_batch(batch)));
    BatchSettlementRequest again{"batch:G1:2", "M1", "2", {items[0]}, kT0 + 3700};
    out.push_back(show(a.settle_batch(again)));  // already settled
    out.push_back(show(a.settle_batch({"batch:G1:3", "M1", "3", {{BatchItemKind::kCapture, "NOPE", "x", usd(1), 1}}, kT0})));
    out.push_back(show(a.settled_items("M1", "1")));
    out.push_back(show(a.settled_items("M1", "9")));
    out.push_back(show(a.settlement_report("M1", "2025-03-14")));
    return out;
  };
  auto direct = run(*twin_acquirer_);
  auto wired = run(*remote_acquirer_);
  if (std::getenv("OPENSET_WIRE_DUMP") != nullptr)
    for (const auto& s : wired) std::cerr << s << "\n";
  ASSERT_EQ(direct.size(), wired.size());
  for (std::size_t k = 0; k < direct.size(); ++k) EXPECT_EQ(wired[k], direct[k]) << "call " << k;
  // Same books on both sides of the wire.
  EXPECT_EQ(issuer_->ledger().entry_count().value(), twin_issuer_->ledger().entry_count().value());
  EXPECT_EQ(acquirer_->ledger().entry_count().value(), twin_acquirer_->ledger().entry_count().value());
  for (const auto& pan : {kPanUsd, kPanEur, kPanJpy}) {
    auto p = issuer_->position(pan).value(), q = twin_issuer_->position(pan).value();
    EXPECT_EQ(p.owed, q.owed);
    EXPECT_EQ(p.held, q.held);
  }
  EXPECT_EQ(acquirer_->merchant_settled("M1", 840).value(), 4500);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 978).value(), 2500);
  EXPECT_EQ(acquirer_->merchant_settled("M1", 840).value(), twin_acquirer_->merchant_settled("M1", 840).value());
  // The wire really carried the issuer's side too: an authorization was seen by the issuer.
  EXPECT_GT(issuer_->ledger().entry_count().value(), 0);
  // Repeated references, late, through both wires: the first answers, nothing moves.
  const auto ie = issuer_entries(), ae = acquirer_entries();
  ASSERT_EQ(wired[6].rfind("auth approved ", 0), 0u) << wired[6];
  EXPECT_EQ(show(remote_acquirer_->authorize({"x1:1", kPanUsd, kExpiry, usd(8000), "M1", kT0, ""})), wired[6]);
  ASSERT_EQ(wired[16].rfind("capture captured ", 0), 0u) << wired[16];
  const std::string auth1 = wired[6].substr(14, wired[6].find(' ', 14) - 14);
  EXPECT_EQ(show(remote_acquirer_->capture({"x1:cap", auth1, usd(6000), "M1", kT0 + 60, ""})), wired[16]);
  AuthorizationRequest at_issuer{"x1:1", kPanUsd, kExpiry, usd(8000), "M1", kT0, "ACQ1"};
  auto again = remote_issuer_->authorize(at_issuer);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->authorization_id, auth1);
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(acquirer_entries(), ae);
  for (const auto& m : messages_) expect_no_pan(m);
  for (const auto& s : wired) expect_no_pan(s);
}

// ---- bad input: 400 / 404, named field, nothing moved ----

json good_authorization() {
  return {{"reference", "bad:1"}, {"pan", kPanUsd},         {"expiry", kExpiry},
          {"amount", {{"currency", 840}, {"amount", 1000}, {"exp10", -2}}},
          {"merchant_id", "M1"},  {"at", kT0},              {"acquirer_id", ""}};
}

struct Bad {
  std::string method;
  std::string body;
  int status;
  std::string says;  // a piece of the message
};

TEST_F(BankWireTest, BadBodiesAre400sThatNameTheFieldAndMoveNothing) {
  route_through_wire();
  std::string auth_id = approve("ok:1", kPanUsd, usd(2000));
  auto without = [](const char* field) {
    json j = good_authorization();
    j.erase(field);
    return j.dump();
  };
  auto with = [](const char* field, json v) {
    json j = good_authorization();
    j[field] = std::move(v);
    return j.dump();
  };
  auto with_amount = [](json v) {
    json j = good_authorization();
    j["amount"]["amount"] = std::move(v);
    return j.dump();
  };
  auto amount_text = [](const std::string& digits) {
    std::string s = good_authorization().dump();
    auto at = s.find("\"amount\":1000");
    return s.replace(at, 13, "\"amount\":" + digits);
  };
  json batch = {{"reference", "batch:x"}, {"merchant_id", "M1"}, {"batch_id", "1"}, {"at", kT0},
                {"items", json::array({{{"kind", "gift"}, {"bank_id", "X"}, {"xref", "x"},
                                        {"amount", {{"currency", 840}, {"amount", 1}, {"exp10", -2}}},
                                        {"sequence", 1}}})}};
  std::string deep(200, '[');
  const std::vector<Bad> cases = {
      {"acquirer.authorize", "{\"reference\": \"x\", \"pan\": \"" + kPanUsd + "\"", 400, "not valid JSON"},
      {"acquirer.authorize", "", 400, "not valid JSON"},
      {"acquirer.authorize", without("merchant_id"), 400, "'merchant_id'"},
      {"acquirer.authorize", without("pan"), 400, "'pan'"},
      {"acquirer.authorize", with("pan", 4111111111111111), 400, "'pan' must be a string"},
      {"acquirer.authorize", with("at", "noon"), 400, "'at' must be an integer"},
      {"acquirer.authorize", with("amount", "10.00 USD"), 400, "'amount' must be a JSON object"},
      {"acquirer.authorize", with_amount("1000"), 400, "'amount.amount' must be an integer"},
      {"acquirer.authorize", with_amount(10.5), 400, "'amount.amount'"},
      {"acquirer.authorize", amount_text("99999999999999999999"), 400, "'amount.amount'"},
      {"acquirer.authorize", amount_text("9223372036854775808"), 400, "'amount.amount' is out of the int64 range"},
      {"acquirer.authorize", amount_text("-99999999999999999999"), 400, "'amount.amount'"},
      {"acquirer.authorize", amount_text("1e400"), 400, ""},
      {"acquirer.authorize", "[" + good_authorization().dump() + "]", 400, "must be a JSON object"},
      {"acquirer.authorize", "\"" + kPanUsd + "\"", 400, "must be a JSON object"},
      {"acquirer.authorize", deep, 400, "nested too deeply"},
      {"acquirer.steal", good_authorization().dump(), 404, "unknown method"},
      {"acquirer.authorize " + kPanUsd, good_authorization().dump(), 404, "unknown method"},
      {"issuer.authorize", good_authorization().dump(), 404, "unknown method"},  // an issuer method at the acquirer
      {"acquirer.settle_batch", batch.dump(), 400, "'items[0].kind' is not one of its names"},
      {"acquirer.release", json{{"reference", "r"}, {"authorization_id", auth_id}, {"at", kT0}}.dump(), 400, "'amount'"},
      {"acquirer.capture", json{{"reference", "r"}, {"authorization_id", auth_id}, {"merchant_id", "M1"},
                                {"amount", {{"currency", 840}, {"amount", 10}}}, {"at", kT0}, {"acquirer_id", ""}}.dump(),
       400, "'amount.exp10'"},
  };
  const auto ie = issuer_entries(), ae = acquirer_entries();
  const auto held = issuer_->position(kPanUsd).value().held;
  const auto auths = count(acquirer_->database(), "SELECT count(*) FROM acq_authorizations");
  for (const auto& c : cases) {
    WireAnswer a = serve_acquirer(*acquirer_, c.method, c.body);
    EXPECT_EQ(a.status, c.status) << c.method << " " << c.body.substr(0, 120);
    json j = json::parse(a.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << a.body;
    const std::string message = j["error"]["message"].get<std::string>();
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_EQ(j["error"]["code"], c.status == 404 ? "unsupported" : "malformed");
    expect_no_pan(message);
  }
  // The issuer side refuses the same way.
  for (const auto& [method, body] : std::vector<std::pair<std::string, std::string>>{
           {"issuer.authorize", without("acquirer_id")},
           {"issuer.verify_cardholder", json{{"pan", kPanUsd}, {"expiry", kExpiry}, {"answers", {{"name", 5}}}, {"at", 0}}.dump()},
           {"issuer.settle", json{{"acquirer_id", "ACQ1"}, {"reference", "s"}, {"currency", 840}, {"net", 1.5}, {"at", 0}}.dump()},
           {"issuer.registration_form", "{}"},
           {"issuer.bins", "[]"}}) {
    WireAnswer a = serve_issuer(*issuer_, method, body);
    EXPECT_EQ(a.status, 400) << method << ": " << a.body;
    expect_no_pan(a.body);
  }
  EXPECT_EQ(serve_issuer(*issuer_, "acquirer.authorize", good_authorization().dump()).status, 404);
  // Nothing moved.
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(acquirer_entries(), ae);
  EXPECT_EQ(issuer_->position(kPanUsd).value().held, held);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_authorizations"), auths);
  // A good body still works, and unknown extra fields are ignored.
  json ok = good_authorization();
  ok["note"] = "extra";
  WireAnswer a = serve_acquirer(*acquirer_, "acquirer.authorize", ok.dump());
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json::parse(a.body)["ok"]["verdict"], "approved");
}

// A bank error travels as {"error": {"code", "message"}} with the Errc's name, and comes back as that Errc.
TEST_F(BankWireTest, BankErrorsKeepTheirErrc) {
  WireAnswer a = serve_acquirer(*acquirer_, "acquirer.settlement_report",
                                json{{"merchant_id", "M1"}, {"day", "14/03/2025"}}.dump());
  EXPECT_EQ(a.status, 200);
  json j = json::parse(a.body);
  auto direct = acquirer_->settlement_report("M1", "14/03/2025");
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(j["error"]["code"], std::string(errc_name(direct.error().code)));
  auto remote = remote_acquirer_->settlement_report("M1", "14/03/2025");
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.error().code, direct.error().code);
  EXPECT_EQ(remote.error().message, direct.error().message);
  auto bad_ref = remote_acquirer_->authorize({"", kPanUsd, kExpiry, usd(100), "M1", kT0, ""});
  ASSERT_FALSE(bad_ref.ok());
  EXPECT_EQ(bad_ref.error().code, Errc::kInvalidArgument);
}

// ---- failing transports ----

TEST_F(BankWireTest, AFailingTransportIsAnIoError) {
  const auto ie = issuer_entries(), ae = acquirer_entries();
  std::vector<std::pair<std::string, BankTransport>> transports = {
      {"unreachable", [](std::string_view, const std::string&) -> Result<std::string> {
         return Error(Errc::kIo, "connection refused (while sending pan " + kPanUsd + ")");
       }},
      {"http 503", [](std::string_view, const std::string&) -> Result<std::string> {
         return Error(Errc::kUnsupported, "HTTP 503");
       }},
      {"throws", [](std::string_view, const std::string&) -> Result<std::string> { throw std::runtime_error("boom"); }},
      {"empty", BankTransport{}},
  };
  for (auto& [name, t] : transports) {
    RemoteAcquirer ra(t);
    auto d = ra.authorize({"t:1", kPanUsd, kExpiry, usd(100), "M1", kT0, ""});
    ASSERT_FALSE(d.ok()) << name;
    EXPECT_EQ(d.error().code, Errc::kIo) << name;
    expect_no_pan(d.error().to_string());
    auto s = ra.settled_items("M1", "1");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::kIo);
    RemoteIssuer ri(t, {"4111"});
    EXPECT_EQ(ri.refresh_bins().error().code, Errc::kIo);
    EXPECT_EQ(ri.bins(), std::vector<std::string>{"4111"});  // the cache survives a failed refresh
    auto form = ri.registration_form(kPanUsd);
    ASSERT_FALSE(form.ok());
    EXPECT_EQ(form.error().code, Errc::kIo);
    expect_no_pan(form.error().to_string());
  }
  // Answers that are not the wire's: malformed.
  for (const std::string& body : {std::string("not json"), std::string("{}"), std::string("{\"ok\": 5}"),
                                  std::string("{\"ok\": {\"verdict\": \"maybe\"}}"),
                                  std::string("{\"error\": {\"code\": \"nope\", \"message\": \"x\"}}"), std::string("[]")}) {
    RemoteAcquirer ra([body](std::string_view, const std::string&) -> Result<std::string> { return body; });
    auto d = ra.authorize({"t:2", kPanUsd, kExpiry, usd(100), "M1", kT0, ""});
    ASSERT_FALSE(d.ok()) << body;
    EXPECT_EQ(d.error().code, Errc::kMalformed) << body;
    expect_no_pan(d.error().to_string());
  }
  // The acquirer routed to an unreachable issuer: the authorization fails, nothing moves.
  RemoteIssuer down([](std::string_view, const std::string&) -> Result<std::string> {
    return Error(Errc::kIo, "connection refused");
  }, {"4111", "5222"});
  ASSERT_TRUE(acquirer_->add_routes("ISS1", down).ok());
  auto via = remote_acquirer_->authorize({"t:3", kPanUsd, kExpiry, usd(100), "M1", kT0, ""});
  ASSERT_FALSE(via.ok());
  EXPECT_EQ(via.error().code, Errc::kIo);
  expect_no_pan(via.error().to_string());
  EXPECT_EQ(issuer_entries(), ie);
  EXPECT_EQ(acquirer_entries(), ae);
  EXPECT_EQ(count(acquirer_->database(), "SELECT count(*) FROM acq_authorizations"), 0);
  // Back to the issuer: the same reference now goes through.
  route_through_wire();
  auto retry = remote_acquirer_->authorize({"t:3", kPanUsd, kExpiry, usd(100), "M1", kT0, ""});
  ASSERT_TRUE(retry.ok()) << retry.error().to_string();
  EXPECT_EQ(retry->verdict, AuthVerdict::kApproved);
}

// ---- no PAN in any message of the wire ----

TEST_F(BankWireTest, NoPanInAnyMessage) {
  route_through_wire();
  std::vector<std::string> texts;
  // Bank errors relayed by the wire (the issuer masks PANs; the wire redacts digit runs).
  for (const auto& pan : kPans) {
    auto f = remote_issuer_->registration_form(pan);
    if (!f.ok()) texts.push_back(f.error().to_string());
    auto v = remote_issuer_->verify_cardholder({pan, "bad", {}, kT0});
    if (!v.ok()) texts.push_back(v.error().to_string());
    auto a = remote_acquirer_->authorize({"", pan, kExpiry, usd(100), "M1", kT0, ""});
    if (!a.ok()) texts.push_back(a.error().to_string());
    auto b = remote_acquirer_->authorize({"p:" + pan.substr(0, 4), pan, kExpiry, usd(-1), "M1", kT0, ""});
    if (!b.ok()) texts.push_back(b.error().to_string());
    // 400s: every field of the authorization broken in turn.
    for (const char* field : {"reference", "pan", "expiry", "amount", "merchant_id", "at", "acquirer_id"}) {
      json j = good_authorization();
      j["pan"] = pan;
      j[field] = json::array({pan, std::stoll(pan.substr(0, 15))});
      texts.push_back(serve_acquirer(*acquirer_, "acquirer.authorize", j.dump()).body);
      texts.push_back(serve_issuer(*issuer_, "issuer.authorize", j.dump()).body);
      j.erase(field);
      texts.push_back(serve_acquirer(*acquirer_, "acquirer.authorize", j.dump()).body);
    }
    texts.push_back(serve_acquirer(*acquirer_, "acquirer." + pan, "{}").body);
    texts.push_back(serve_acquirer(*acquirer_, "acquirer.authorize", "{\"pan\": \"" + pan).body);
    // A bank error message that quotes a PAN is redacted on the way.
    RemoteAcquirer leaky([&pan](std::string_view, const std::string&) -> Result<std::string> {
      return json{{"error", {{"code", "invalid argument"}, {"message", "bad card " + pan}}}}.dump();
    });
    auto l = leaky.authorize({"l:1", pan, kExpiry, usd(1), "M1", kT0, ""});
    ASSERT_FALSE(l.ok());
    EXPECT_EQ(l.error().code, Errc::kInvalidArgument);
    texts.push_back(l.error().to_string());
  }
  // PANs written with spaces or dashes are redacted too; short numbers (amounts, ids) are not.
  RemoteAcquirer spaced([](std::string_view, const std::string&) -> Result<std::string> {
    return json{{"error", {{"code", "invalid argument"}, {"message", "card 4111 1111 1111 1111 / 4111-1111-1111-1111, 840 x 12"}}}}.dump();
  });
  auto sp = spaced.authorize({"s:1", kPanUsd, kExpiry, usd(1), "M1", kT0, ""});
  ASSERT_FALSE(sp.ok());
  EXPECT_EQ(sp.error().message, "card [redacted] / [redacted], 840 x 12");
  EXPECT_GT(texts.size(), 50u);
  for (const auto& t : texts) expect_no_pan(t);
  for (const auto& m : messages_) expect_no_pan(m);
}

TEST(BankWireMethods, EveryVirtualHasItsMethod) {
  EXPECT_EQ(issuer_wire_methods().size(), 10u);
  EXPECT_EQ(acquirer_wire_methods().size(), 12u);
  for (const auto& m : issuer_wire_methods()) EXPECT_EQ(m.rfind("issuer.", 0), 0u) << m;
  for (const auto& m : acquirer_wire_methods()) EXPECT_EQ(m.rfind("acquirer.", 0), 0u) << m;
}

}  // namespace
}  // namespace openset::services
