// `openset demo`: the seed's story, every party running for real in one process (issue 4).
//
//   1. The parties: the SET CA hierarchy (root, brands Atlas and Borealis, their CCA/MCA/PCA),
//      the issuing and acquiring banks, the cardholder's wallet, the merchant, the gateway, the
//      carrier. Each keeps its own SQLite file.
//   2. Shopping (not SET): order form -> the merchant's quote -> accepted order: OD and amount.
//   3. Payment choice: the card (brand) and the merchant's gateway for that brand.
//   4. SET purchase: PInitReq / PInitRes, then PReq with the dual signature.
//   5. Authorization: AuthReq -> gateway -> acquirer -> issuer (a hold) -> AuthRes with CapToken.
//   6. Confirmation: PRes; the wallet's transaction log.
//   7. Shipping with the carrier; a second purchase; one declined (nothing moves); the day's
//      capture (CapReq with several items); the settlement report; the ledger invariants; who
//      saw what.
// Every message is saved as messages/NN-<MessageType>.der for `openset decode` and openssl.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "openset/app/commands.hpp"
#include "openset/app/files.hpp"
#include "openset/app/ecosystem.hpp"
#include "openset/crypto/crypto.hpp"
#include "openset/roles/bank/invariants.hpp"

namespace openset::app {
namespace {

namespace fs = std::filesystem;
using roles::commerce::format_amount;
using roles::purchase::Answer;
using roles::purchase::Outgoing;
using roles::purchase::Peer;

struct Step {
  std::ostream& out;
  int n = 0;
  void operator()(std::string_view text) { out << fmt::format("\n[{}] {}\n", ++n, text); }
  void detail(std::string_view text) { out << "    " << text << "\n"; }
};

// The file's bytes, empty if it cannot be read (the scans then find nothing to flag).
Bytes read_all(const fs::path& p) {
  auto b = files::read_bytes(p.string());
  return b.ok() ? std::move(b).value() : Bytes{};
}

Status write_file(const fs::path& p, ByteView data) { return files::write(p.string(), data); }

bool contains(ByteView hay, std::string_view needle) {
  auto n = as_bytes(needle);
  return !needle.empty() && std::search(hay.begin(), hay.end(), n.begin(), n.end()) != hay.end();
}

// The PAN as people write it: plain, in groups of four with spaces or dashes.
std::vector<std::string> pan_formats(std::string_view pan) {
  std::string spaced, dashed;
  for (std::size_t i = 0; i < pan.size(); ++i) {
    if (i != 0 && i % 4 == 0) {
      spaced += ' ';
      dashed += '-';
    }
    spaced += pan[i];
    dashed += pan[i];
  }
  return {std::string(pan), spaced, dashed};
}

// The engines' log lines (what each party checked), printed under the message that caused them.
struct Logs {
  std::vector<std::pair<std::string, std::string>> lines;
  std::size_t shown = 0;
  void flush(Step& step, bool show) {
    for (; shown < lines.size(); ++shown)
      if (show) step.detail("      " + lines[shown].second);
  }
};

// Delivers one message, prints it (and what the receiver logged), returns the receiver's answer.
Answer hop(Ecosystem& eco, Step& step, Logs& logs, const Outgoing& out, std::string_view from,
           bool show = true) {
  std::string to(roles::purchase::peer_name(out.to));
  logs.flush(step, show);  // what the parties did before this message (e.g. create the order)
  Answer a = eco.deliver(out, from);
  if (show)
    step.detail(fmt::format("{:>2}. {:<10} -> {:<10} {:<9} {:>6} octets{}", eco.trail().size(),
                            from, to, out.type, out.message.size(),
                            a.ok() ? "" : fmt::format("  refused: ErrorCode {} ({})",
                                                      static_cast<int>(*a.refused), a.detail)));
  logs.flush(step, show);
  return a;
}

// Delivers `first` and everything it provokes.
Answer converse(Ecosystem& eco, Step& step, Logs& logs, const Outgoing& first,
                std::string_view from, bool show = true) {
  std::vector<std::pair<Outgoing, std::string>> queue{{first, std::string(from)}};
  Answer last;
  while (!queue.empty()) {
    auto [out, sender] = queue.front();
    queue.erase(queue.begin());
    Answer a = hop(eco, step, logs, out, sender, show);
    for (const auto& o : a.send) queue.emplace_back(o, std::string(roles::purchase::peer_name(out.to)));
    last = std::move(a);
  }
  return last;
}

struct Purchase {
  std::string quote_id;
  std::string order_id;
  std::int64_t wallet_id = 0;
  roles::commerce::Quote quote;
};

// Seed steps 1-2 (not SET): the order form, the merchant's quote, acceptance. Returns the quote
// accepted and the merchant's order for it.
Result<Purchase> shop(Ecosystem& eco, Step* step, std::vector<roles::commerce::FormLine> lines) {
  roles::commerce::OrderForm form;
  form.store = eco.merchant_id();
  form.lines = std::move(lines);
  form.delivery_at = eco.env().now() + 3 * 86400;
  form.delivery_place = "12 Elm Road, Springfield";
  OPENSET_TRY(roles::commerce::Quote quote, eco.store().quote(eco.env(), form));
  if (step != nullptr) {
    step->detail(fmt::format("order form to {}: {} lines, delivery {} to {}", form.store,
                             form.lines.size(),
                             der::Time::from_unix(form.delivery_at).to_iso8601(),
                             form.delivery_place));
    step->detail("the merchant's answer (quote " + quote.quote_id + "):");
    for (const auto& l : quote.lines)
      step->detail(fmt::format("  {:>2} x {:<40} {:>7} {:>12}", l.quantity, l.name,
                               format_amount({840, l.unit_price, -2}).substr(0, 6),
                               format_amount({840, l.line_total, -2})));
    step->detail(fmt::format("       {:<48} {:>12}", "delivery: " + quote.delivery.name,
                             format_amount({840, quote.delivery.fee, -2})));
    step->detail(fmt::format("       {:<48} {:>12}", "amount payable", format_amount(quote.amount)));
    for (const auto& c : quote.changes) step->detail("  the merchant changed: " + c);
    if (quote.changes.empty()) step->detail("  nothing changed: prices, amount and delivery as asked");
  }
  OPENSET_TRY(roles::commerce::Quote accepted, eco.store().accept(eco.env(), quote.quote_id));
  Bytes od = accepted.order_description();
  OPENSET_TRY(std::string order_id, eco.merchant().create_order(od, accepted.amount));
  if (step != nullptr)
    step->detail(fmt::format("the cardholder confirms: OD = the quote's canonical JSON ({} octets), "
                             "amount {}; merchant order {}",
                             od.size(), format_amount(accepted.amount), order_id));
  return Purchase{accepted.quote_id, order_id, 0, accepted};
}

Result<roles::purchase::Started> start(Ecosystem& eco, Purchase& p) {
  roles::purchase::PurchaseOrder po;
  po.merchant = eco.store().config().name;
  po.od = p.quote.order_description();
  po.amount = p.quote.amount;
  po.lid_m = Bytes(p.order_id.begin(), p.order_id.end());
  po.od_summary = p.quote.summary();
  po.merchant_id = eco.merchant_id();  // the store the cardholder shopped at: the PInitRes must be its
  OPENSET_TRY(roles::purchase::Started started, eco.wallet().start_purchase(po));
  p.wallet_id = started.id;
  return started;
}

// The one message of `a` addressed to `to` (the engines answer one message at a time here).
Result<Outgoing> next(const Answer& a, std::string_view what) {
  if (!a.ok())
    return Error(Errc::kInvalidArgument,
                 fmt::format("{} was refused with ErrorCode {}: {}", what, static_cast<int>(*a.refused), a.detail));
  if (a.send.size() != 1) return Error(Errc::kInvalidArgument, std::string(what) + ": no answer to send");
  return a.send.front();
}

// Issue 5's after-sales story on one more purchase: an item turns out to be out of stock (a
// partial authorization reversal), the cardholder asks where the order stands (InqReq), the rest
// is captured, one book comes back (a partial refund, CredReq), and the cardholder asks again.
Status after_sales(Ecosystem& eco, Step& step, Logs& logs) {
  step("After the sale (SET's other messages): a partial reversal, inquiries and a refund");
  OPENSET_TRY(Purchase p, shop(eco, nullptr, {{"BK-APPLIED", 2}, {"BK-SET", 1}}));
  OPENSET_TRY(roles::purchase::Started s, start(eco, p));
  (void)converse(eco, step, logs, {Peer::kMerchant, "PInitReq", s.message}, "cardholder", false);
  OPENSET_TRY(roles::purchase::Transaction t0, eco.wallet().show(p.wallet_id));
  step.detail(fmt::format("another purchase of {} ({}): {}", format_amount(p.quote.amount),
                          p.quote.summary(), roles::purchase::to_string(t0.entry.status)));
  if (t0.entry.status != roles::purchase::WalletStatus::kAuthorized)
    return Error(Errc::kInvalidArgument, "the after-sales purchase was not authorized");
  const auto& card = eco.card();
  OPENSET_TRY(roles::bank::CardPosition before, eco.issuer().position(card.pan));

  // The guide is out of stock after all: the merchant reduces the authorization.
  if (p.quote.lines.size() != 2 || !p.quote.changes.empty())
    return Error(Errc::kInvalidArgument, "the after-sales order did not get the two books it asked for");
  const auto& guide = p.quote.lines.back();
  roles::Money reduced = p.quote.amount;
  reduced.amount -= guide.line_total;
  step.detail(fmt::format("'{}' is out of stock: the merchant reduces the authorization to {}",
                          guide.name, format_amount(reduced)));
  OPENSET_TRY(Answer rev, eco.merchant().reverse_authorization(p.order_id, reduced));
  logs.flush(step, true);
  for (const auto& o : rev.send) (void)converse(eco, step, logs, o, "merchant");
  OPENSET_TRY(roles::bank::CardPosition after_rev, eco.issuer().position(card.pan));
  step.detail(fmt::format("the issuer released {} of the hold",
                          format_amount({840, before.held - after_rev.held, -2})));
  if (before.held - after_rev.held != guide.line_total)
    return Error(Errc::kInvalidArgument, "the partial reversal did not release the item's amount");

  // Where does my order stand?
  OPENSET_TRY(Bytes inq, eco.wallet().inquire(p.wallet_id));
  (void)converse(eco, step, logs, {Peer::kMerchant, "InqReq", inq}, "cardholder");
  OPENSET_TRY(roles::purchase::Transaction t1, eco.wallet().show(p.wallet_id));
  step.detail(fmt::format("the wallet's log now says: {}", roles::purchase::to_string(t1.entry.status)));

  // It ships and is captured; then one copy comes back.
  OPENSET_TRY(Answer cap, eco.merchant().capture({{p.order_id, std::nullopt}}));
  logs.flush(step, true);
  for (const auto& o : cap.send) (void)converse(eco, step, logs, o, "merchant");
  OPENSET_TRY(roles::purchase::OrderView o1, eco.merchant().order(p.order_id));
  if (o1.state != roles::purchase::OrderState::kCaptured || !o1.captured || o1.captured->amount != reduced.amount)
    return Error(Errc::kInvalidArgument, "the reduced authorization was not captured");
  const auto& book = p.quote.lines.front();
  roles::Money refund{840, book.unit_price, -2};
  step.detail(fmt::format("one copy of '{}' is returned: the merchant refunds {}", book.name,
                          format_amount(refund)));
  OPENSET_TRY(std::int64_t merchant_before, eco.acquirer().merchant_balance(eco.merchant_id(), 840));
  OPENSET_TRY(Answer cred, eco.merchant().credit(p.order_id, refund));
  logs.flush(step, true);
  for (const auto& o : cred.send) (void)converse(eco, step, logs, o, "merchant");
  OPENSET_TRY(std::int64_t merchant_after, eco.acquirer().merchant_balance(eco.merchant_id(), 840));
  if (merchant_before - merchant_after != refund.amount)
    return Error(Errc::kInvalidArgument, "the refund did not move the refunded amount");
  OPENSET_TRY(Bytes inq2, eco.wallet().inquire(p.wallet_id));
  (void)converse(eco, step, logs, {Peer::kMerchant, "InqReq", inq2}, "cardholder");
  OPENSET_TRY(roles::purchase::Transaction t2, eco.wallet().show(p.wallet_id));
  OPENSET_TRY(roles::bank::CardPosition end, eco.issuer().position(card.pan));
  step.detail(fmt::format("the wallet's log: {}; the cardholder now owes {}, the merchant is owed {}",
                          roles::purchase::to_string(t2.entry.status), format_amount({840, end.owed, -2}),
                          format_amount({840, merchant_after, -2})));
  return Ok{};
}

// A split shipment (notes §4.3 AuthToken): one order, two parcels, each captured on its own
// against the one authorization the cardholder signed; never more than it in total.
Result<Purchase> split_shipment(Ecosystem& eco, Step& step, Logs& logs) {
  step("A split shipment: one order, two parcels, each captured on its own");
  OPENSET_TRY(Purchase p, shop(eco, nullptr, {{"BK-TAOCP", 1}, {"BK-APPLIED", 1}}));
  if (p.quote.lines.size() != 2 || !p.quote.changes.empty())
    return Error(Errc::kInvalidArgument, "the split-shipment order did not get the two books it asked for");
  // Agreed in the shopping step: the merchant ships what it has now and the rest later, so its
  // AuthReq asks the gateway for an AuthToken (subsequentAuthInd).
  roles::purchase::PaymentTerms terms;
  terms.split = true;
  OPENSET_CHECK(eco.merchant().set_payment_terms(p.order_id, terms));
  OPENSET_TRY(roles::purchase::Started s, start(eco, p));
  (void)converse(eco, step, logs, {Peer::kMerchant, "PInitReq", s.message}, "cardholder", false);
  OPENSET_TRY(roles::purchase::OrderView o, eco.merchant().order(p.order_id));
  if (o.state != roles::purchase::OrderState::kAuthorized || !o.has_auth_token)
    return Error(Errc::kInvalidArgument, "the split-shipment purchase was not authorized with an AuthToken");
  OPENSET_CHECK(eco.store().mark_paid(p.quote_id, o.xid));
  const auto& card = eco.card();
  OPENSET_TRY(roles::bank::CardPosition held, eco.issuer().position(card.pan));
  step.detail(fmt::format("a purchase of {} ({}), authorized with an AuthToken for later parts; "
                          "the issuer holds {}",
                          format_amount(p.quote.amount), p.quote.summary(),
                          format_amount({840, held.held, -2})));

  // Parcel 1: the boxed set (and the delivery), now.
  const auto& later = p.quote.lines.back();
  roles::Money part1 = p.quote.amount;
  part1.amount -= later.line_total;
  OPENSET_TRY(roles::commerce::Parcel parcel1,
              eco.carrier().hand_over(eco.env(), eco.merchant_id(), p.quote_id + "/1", p.quote.delivery_place,
                                      p.quote.delivery_at));
  step.detail(fmt::format("parcel 1 ({}) goes with {}, tracking number {}; the merchant captures {}",
                          p.quote.lines.front().name, eco.carrier().name(), parcel1.tracking_number,
                          format_amount(part1)));
  OPENSET_TRY(Answer cap1, eco.merchant().capture_part(p.order_id, 1, part1));
  logs.flush(step, true);
  for (const auto& m : cap1.send) (void)converse(eco, step, logs, m, "merchant");
  OPENSET_TRY(roles::bank::CardPosition after1, eco.issuer().position(card.pan));
  step.detail(fmt::format("the rest of the hold is released at once: the issuer holds {}; '{}' "
                          "follows when it is back in stock",
                          format_amount({840, after1.held, -2}), later.name));
  return p;
}

// The split shipment's second parcel: authorized again with the AuthToken, then captured.
Status split_shipment_rest(Ecosystem& eco, Step& step, Logs& logs, const Purchase& p) {
  const auto& card = eco.card();
  const auto& later = p.quote.lines.back();
  roles::Money part2{840, later.line_total, -2};
  step.detail(fmt::format("a week later '{}' is back in stock: the merchant authorizes {} with the "
                          "AuthToken (no cardholder involved, the PAN stays sealed in the token)",
                          later.name, format_amount(part2)));
  OPENSET_TRY(Answer next, eco.merchant().authorize_next(p.order_id, part2));
  logs.flush(step, true);
  for (const auto& m : next.send) (void)converse(eco, step, logs, m, "merchant");
  OPENSET_TRY(roles::commerce::Parcel parcel2,
              eco.carrier().hand_over(eco.env(), eco.merchant_id(), p.quote_id + "/2", p.quote.delivery_place,
                                      eco.env().now() + 2 * 24 * 3600));
  step.detail(fmt::format("parcel 2 goes with {}, tracking number {}", eco.carrier().name(),
                          parcel2.tracking_number));
  OPENSET_TRY(Answer cap2, eco.merchant().capture_part(p.order_id, 2));
  logs.flush(step, true);
  for (const auto& m : cap2.send) (void)converse(eco, step, logs, m, "merchant");
  OPENSET_TRY(roles::purchase::OrderView done, eco.merchant().order(p.order_id));
  std::int64_t captured = 0;
  for (const auto& part : done.parts)
    if (part.captured) captured += part.captured->amount;
  if (done.parts.size() != 2 || captured != p.quote.amount.amount)
    return Error(Errc::kInvalidArgument, "the two parcels were not captured for the order's amount");
  OPENSET_TRY(roles::bank::CardPosition after2, eco.issuer().position(card.pan));
  step.detail(fmt::format("two captures, {} in all (what the cardholder signed); nothing left on hold "
                          "({})",
                          format_amount({840, captured, -2}), format_amount({840, after2.held, -2})));
  return Ok{};
}

// Closing the day (notes §4.9): the merchant closes its batches with BatchAdminReq; the acquirer
// and the issuer clear each batch's net between them and the merchant is credited; the merchant
// reconciles what it recorded with what the acquirer settled.
Status close_batches(Ecosystem& eco, Step& step, Logs& logs) {
  OPENSET_TRY(std::vector<std::int64_t> batches, eco.merchant().open_batches());
  if (batches.empty()) return Error(Errc::kInvalidArgument, "the day has no batch to close");
  OPENSET_TRY(std::int64_t settled_before, eco.acquirer().merchant_settled(eco.merchant_id(), 840));
  for (std::int64_t b : batches) {
    roles::purchase::BatchAdminRequest req;
    req.brand = eco.card().brand;
    req.batch_id = b;
    req.operation = asn1::BatchOperation::kClose;
    req.summary = true;
    OPENSET_TRY(Answer close, eco.merchant().batch_admin(req));
    logs.flush(step, true);
    for (const auto& m : close.send) (void)converse(eco, step, logs, m, "merchant");
    OPENSET_TRY(std::optional<roles::purchase::MerchantBatchView> view, eco.merchant().batch(b));
    if (!view || !view->closed || !view->gateway_totals || !view->settled_net)
      return Error(Errc::kInvalidArgument, fmt::format("batch {} was not closed and settled", b));
    OPENSET_TRY(roles::purchase::BatchTotalsView mine, eco.merchant().batch_totals(b));
    OPENSET_TRY(std::vector<roles::BatchItem> items, eco.merchant().batch_items(b));
    OPENSET_TRY(std::vector<roles::BatchItem> settled,
                eco.acquirer().settled_items(eco.merchant_id(), std::to_string(b)));
    auto differences = roles::purchase::reconcile(items, settled);
    auto totals = roles::purchase::reconcile_totals(mine, *view->gateway_totals);
    differences.insert(differences.end(), totals.begin(), totals.end());
    step.detail(fmt::format("batch {}: {} debit(s) {}, {} credit(s) {}, net {} settled; reconciliation "
                            "with the acquirer: {}",
                            b, mine.count_debit, format_amount({840, mine.amount_debit, -2}), mine.count_credit,
                            format_amount({840, mine.amount_credit, -2}),
                            format_amount({840, *view->settled_net, -2}),
                            differences.empty() ? "no difference" : fmt::format("{} difference(s)", differences.size())));
    if (!differences.empty()) return Error(Errc::kInvalidArgument, "the merchant's batch and the acquirer's settlement differ");
  }
  OPENSET_TRY(std::int64_t settled_after, eco.acquirer().merchant_settled(eco.merchant_id(), 840));
  OPENSET_TRY(std::int64_t unsettled, eco.acquirer().merchant_balance(eco.merchant_id(), 840));
  step.detail(fmt::format("the issuer paid the acquirer and the merchant's account is credited {} "
                          "(still unsettled: {})",
                          format_amount({840, settled_after - settled_before, -2}),
                          format_amount({840, unsettled, -2})));
  return Ok{};
}

Status run_suite(const crypto::Suite& suite, const fs::path& dir, std::ostream& out,
                 bool verbose, const std::string& db_location) {
  Step step{out};
  std::error_code ec;
  // Running twice in a row works: only what an earlier run wrote is removed.
  fs::remove_all(dir / "state", ec);
  fs::remove_all(dir / "certs", ec);
  if (fs::is_directory(dir, ec))
    for (const auto& f : fs::directory_iterator(dir, ec))
      if (f.path().extension() == ".der" || f.path().filename().string().rfind("settlement.", 0) == 0)
        fs::remove(f.path(), ec);
  fs::create_directories(dir / "certs", ec);
  if (ec) return Error(Errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
  out << fmt::format("\n=== Suite '{}' ({}) — files in {}\n", suite.name, suite.description,
                     dir.string());

  Logs logs;
  EcosystemOptions eo;
  eo.dir = dir / "state";
  eo.db = db_location;
  eo.suite = suite.id;
  // The business day opens at 09:00 UTC (the latest 09:00 not in the future), so that the day's
  // sales, captures and settlement fall on one day wherever the demo runs.
  {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    constexpr std::int64_t kDay = 24 * 3600, kOpening = 9 * 3600;
    eo.start = (now - kOpening) / kDay * kDay + kOpening;
  }
  eo.progress = [&](std::string_view line) { step.detail(line); };
  eo.log = [&](std::string_view party, std::string_view line) {
    logs.lines.emplace_back(std::string(party), std::string(line));
  };

  // Set-up -------------------------------------------------------------------------------------
  step("The parties and their certificates");
  OPENSET_TRY(std::unique_ptr<Ecosystem> eco_ptr, Ecosystem::create(eo));
  Ecosystem& eco = *eco_ptr;
  for (const auto& [name, der] : eco.certificates())
    OPENSET_CHECK(write_file(dir / "certs" / (name + ".pem"),
                             as_bytes(crypto::to_pem(der, "CERTIFICATE"))));
  const auto& card = eco.card();
  step.detail("the cardholder, the merchant and the gateway got their certificates through SET's "
              "registration protocols (the requests encrypted to the CAs' key-exchange certificates):");
  for (const auto& m : eco.trail())
    step.detail(fmt::format("{:>2}. {:<10} -> {:<10} {:<13} {:>6} octets", m.seq, m.from, m.to,
                            m.type, m.message.size()));
  step.detail("the CCA asked the issuer about the card number, expiry and form answers before "
              "issuing; the MCA and PCA asked the acquirer about the merchant and the gateway");
  step.detail(fmt::format("cardholder: an {} card ending {} (expiry {}), credit limit {}; its "
                          "certificate names a hashed account number, not the card number",
                          card.brand, card.pan.substr(card.pan.size() - 4), card.expiry,
                          format_amount({840, card.credit_limit, -2})));
  step.detail(fmt::format("merchant {} ({}) banks with Harbour Acquiring; the card's issuer is "
                          "First Atlas Bank",
                          eco.merchant_id(), eco.store().config().name));
  logs.flush(step, false);
  // PCertReq / PCertRes (notes §4.8): the merchant makes sure it has the gateway's current
  // key-exchange certificate before it answers a wallet with it.
  step.detail("before the shop opens, the merchant asks its gateway for its current certificates:");
  asn1::BrandAndBIN atlas;
  atlas.brand_id = asn1::BrandID(card.brand);
  atlas.bin = eco.acquirer().bin();
  OPENSET_TRY(Answer pcert, eco.merchant().request_gateway_certificates({atlas}));
  (void)converse(eco, step, logs, pcert.send.at(0), "merchant");
  std::vector<std::string> pans = pan_formats(card.pan);
  auto holds_pan = [&](ByteView b) {
    return std::any_of(pans.begin(), pans.end(), [&](const std::string& p) { return contains(b, p); });
  };

  // Seed steps 1-2 ---------------------------------------------------------------------------
  step("Seed steps 1-2 (not SET): the order form and the merchant's answer");
  OPENSET_TRY(Purchase first, shop(eco, &step, {{"BK-APPLIED", 2}, {"BK-SET", 1}}));
  std::string od_marker = first.quote.lines.front().name;

  // Seed step 3 --------------------------------------------------------------------------------
  step("Seed step 3: the cardholder chooses to pay with the Atlas card; SET takes over");
  step.detail("the wallet offers its Atlas card; the merchant accepts Atlas and names its gateway");
  OPENSET_TRY(roles::purchase::Started started, start(eco, first));
  Answer a = hop(eco, step, logs, {Peer::kMerchant, "PInitReq", started.message}, "cardholder");
  step.detail("PInitRes is signed by the merchant and carries the gateway's key-exchange "
              "certificate; the wallet checks both chains up to the SET root");
  OPENSET_TRY(Outgoing pinit_res, next(a, "PInitReq"));
  a = hop(eco, step, logs, pinit_res, "merchant");

  // Seed step 4 --------------------------------------------------------------------------------
  step("Seed step 4: the dual signature (PReq)");
  OPENSET_TRY(Outgoing preq, next(a, "PInitRes"));
  step.detail("one signature covers the order information (OI, for the merchant) and the payment "
              "instructions (PI, for the gateway); PANData is sealed in an RSA block only the "
              "gateway can open");
  a = hop(eco, step, logs, preq, "cardholder");
  step.detail(fmt::format("what the merchant can read in the {} octets of PReq: the card number? {}",
                          preq.message.size(), holds_pan(preq.message) ? "YES (bug!)" : "no"));
  if (holds_pan(preq.message)) return Error(Errc::kInvalidArgument, "the merchant could read the PAN");

  // Seed step 5 --------------------------------------------------------------------------------
  step("Seed step 5: authorization through the gateway, the acquirer and the issuer");
  OPENSET_TRY(Outgoing auth_req, next(a, "PReq"));
  a = hop(eco, step, logs, auth_req, "merchant");
  step.detail(fmt::format("the gateway opened the PI (card ending {}), matched the amounts and "
                          "the PI-OI link; the order description in what it received? {}",
                          card.pan.substr(card.pan.size() - 4),
                          contains(auth_req.message, od_marker) ? "YES (bug!)" : "no"));
  if (contains(auth_req.message, od_marker))
    return Error(Errc::kInvalidArgument, "the gateway could read the order description");
  OPENSET_TRY(roles::bank::CardPosition pos1, eco.issuer().position(card.pan));
  step.detail(fmt::format("the issuer placed a hold of {}; {} remains available",
                          format_amount({840, pos1.held, -2}), format_amount({840, pos1.available, -2})));
  step.detail("AuthRes carries a CapToken sealed by the gateway for itself: opaque to the merchant");

  // Seed step 6 --------------------------------------------------------------------------------
  step("Seed step 6: the order confirmation (PRes) and the wallet's transaction log");
  OPENSET_TRY(Outgoing auth_res, next(a, "AuthReq"));
  a = hop(eco, step, logs, auth_res, "gateway");
  OPENSET_TRY(Outgoing pres, next(a, "AuthRes"));
  a = hop(eco, step, logs, pres, "merchant");
  if (!a.ok()) return Error(Errc::kInvalidArgument, "the wallet refused PRes: " + a.detail);
  OPENSET_TRY(roles::purchase::Transaction t1, eco.wallet().show(first.wallet_id));
  step.detail(fmt::format("wallet log #{}: {} {} at {} — {}", t1.entry.id,
                          roles::purchase::to_string(t1.entry.status),
                          format_amount(t1.entry.amount), t1.entry.merchant, t1.entry.od_summary));
  if (t1.entry.status != roles::purchase::WalletStatus::kAuthorized)
    return Error(Errc::kInvalidArgument, "the first purchase was not authorized");

  // Seed step 7 --------------------------------------------------------------------------------
  step("Seed step 7: shipping, more sales, the day's capture and settlement");
  OPENSET_TRY(roles::purchase::OrderView o1, eco.merchant().order(first.order_id));
  OPENSET_CHECK(eco.store().mark_paid(first.quote_id, o1.xid));
  eco.clock().advance(30 * 60);
  OPENSET_TRY(roles::commerce::Shipment ship1, eco.store().ship(eco.env(), first.quote_id, eco.carrier()));
  OPENSET_TRY(roles::commerce::StoreOrder so1, eco.store().order(first.quote_id));
  step.detail(fmt::format("order {}: {} with {}, tracking number {}", first.quote_id,
                          roles::commerce::order_state_name(so1.state), ship1.carrier,
                          ship1.tracking_number));

  eco.clock().advance(20 * 60);
  OPENSET_TRY(Purchase second, shop(eco, nullptr, {{"BK-TAOCP", 1}}));
  OPENSET_TRY(roles::purchase::Started s2, start(eco, second));
  (void)converse(eco, step, logs, {Peer::kMerchant, "PInitReq", s2.message}, "cardholder", false);
  OPENSET_TRY(roles::purchase::Transaction t2, eco.wallet().show(second.wallet_id));
  OPENSET_TRY(roles::purchase::OrderView o2, eco.merchant().order(second.order_id));
  OPENSET_CHECK(eco.store().mark_paid(second.quote_id, o2.xid));
  OPENSET_TRY(roles::commerce::Shipment ship2, eco.store().ship(eco.env(), second.quote_id, eco.carrier()));
  step.detail(fmt::format("a second purchase ({}): {} {}, shipped, tracking number {}",
                          second.quote.summary(), roles::purchase::to_string(t2.entry.status),
                          format_amount(t2.entry.amount), ship2.tracking_number));

  OPENSET_TRY(roles::bank::CardPosition before_decline, eco.issuer().position(card.pan));
  eco.clock().advance(600);
  OPENSET_TRY(Purchase third, shop(eco, nullptr, {{"BK-APPLIED", 17}, {"BK-TAOCP", 1}, {"BK-SET", 4}}));
  OPENSET_TRY(roles::purchase::Started s3, start(eco, third));
  (void)converse(eco, step, logs, {Peer::kMerchant, "PInitReq", s3.message}, "cardholder", false);
  OPENSET_TRY(roles::purchase::Transaction t3, eco.wallet().show(third.wallet_id));
  OPENSET_TRY(roles::bank::CardPosition after_decline, eco.issuer().position(card.pan));
  step.detail(fmt::format("a third purchase of {}: {} by the issuer (available credit {}); no "
                          "hold, no posting",
                          format_amount(t3.entry.amount), roles::purchase::to_string(t3.entry.status),
                          format_amount({840, before_decline.available, -2})));
  if (t3.entry.status != roles::purchase::WalletStatus::kDeclined)
    return Error(Errc::kInvalidArgument, "the over-limit purchase was not declined");
  OPENSET_CHECK(eco.store().cancel(third.quote_id));  // its books go back on the shelf
  if (after_decline.held != before_decline.held || after_decline.owed != before_decline.owed)
    return Error(Errc::kInvalidArgument, "a declined purchase moved money");

  step.detail("closing time: the merchant captures the shipped orders in one CapReq");
  eco.clock().advance(60 * 60);
  OPENSET_TRY(Answer cap, eco.merchant().capture({{first.order_id, std::nullopt},
                                                  {second.order_id, std::nullopt}}));
  logs.flush(step, true);
  for (const auto& o : cap.send) (void)converse(eco, step, logs, o, "merchant");
  for (const auto* id : {&first.order_id, &second.order_id}) {
    OPENSET_TRY(roles::purchase::OrderView o, eco.merchant().order(*id));
    if (o.state != roles::purchase::OrderState::kCaptured)
      return Error(Errc::kInvalidArgument, "an order was not captured");
  }
  OPENSET_TRY(roles::bank::CardPosition pos2, eco.issuer().position(card.pan));
  OPENSET_TRY(std::int64_t merchant_balance, eco.acquirer().merchant_balance(eco.merchant_id(), 840));
  step.detail(fmt::format("issuer: the holds became a debit; the cardholder owes {} ({} on hold)",
                          format_amount({840, pos2.owed, -2}), format_amount({840, pos2.held, -2})));
  step.detail(fmt::format("acquirer: the merchant is owed {}, paid out when the day's batch is "
                          "settled",
                          format_amount({840, merchant_balance, -2})));
  OPENSET_CHECK(after_sales(eco, step, logs));
  OPENSET_TRY(Purchase split, split_shipment(eco, step, logs));

  const std::string day = der::Time::from_unix(eco.env().now()).to_iso8601().substr(0, 10);
  step("Closing the day: the batch, settlement between the banks, reconciliation");
  OPENSET_CHECK(close_batches(eco, step, logs));
  OPENSET_TRY(roles::SettlementReport report, eco.acquirer().settlement_report(eco.merchant_id(), day));
  std::string csv = roles::bank::settlement_csv(report);
  OPENSET_CHECK(write_file(dir / "settlement.csv", as_bytes(csv)));
  OPENSET_CHECK(write_file(dir / "settlement.json", as_bytes(roles::bank::settlement_json(report))));
  step.detail(fmt::format("daily settlement report, {} on {} (settlement.csv, settlement.json):",
                          report.merchant_id, report.day));
  std::size_t pos = 0;
  while (pos < csv.size()) {
    std::size_t nl = csv.find('\n', pos);
    if (nl == std::string::npos) nl = csv.size();
    std::string line = csv.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    step.detail("  " + line);
    pos = nl + 1;
  }

  step("A week later: the split shipment's second parcel, and its batch");
  eco.clock().advance(7 * 24 * 3600);
  OPENSET_CHECK(split_shipment_rest(eco, step, logs, split));
  OPENSET_CHECK(close_batches(eco, step, logs));

  // Invariants and who saw what ------------------------------------------------------------------
  step("The ledgers balance, and each party saw only its half");
  auto violations = roles::bank::check_invariants(eco.issuer(), eco.acquirer());
  if (!violations.empty())
    return Error(Errc::kInvalidArgument, "ledger invariants violated: " + roles::bank::to_string(violations));
  step.detail("double-entry invariants hold: every entry balanced, the banks mirror each other, "
              "no capture above its authorization, the declined sale moved nothing");
  std::size_t merchant_octets = 0, gateway_octets = 0;
  for (const auto& m : eco.trail()) {
    if (m.from == "merchant" || m.to == "merchant") {
      merchant_octets += m.message.size();
      if (holds_pan(m.message))
        return Error(Errc::kInvalidArgument, "a message the merchant handled holds the card number");
    }
    if (m.from == "gateway" || m.to == "gateway") {
      gateway_octets += m.message.size();
      if (contains(m.message, od_marker))
        return Error(Errc::kInvalidArgument, "a message the gateway handled holds the order description");
    }
  }
  for (const char* db : {"merchant.db", "storefront.db", "carrier.db", "wallet.db", "acquirer.db"})
    if (holds_pan(read_all(dir / "state" / db)))
      return Error(Errc::kInvalidArgument, std::string(db) + " holds the card number");
  for (const char* db : {"gateway.db", "acquirer.db", "issuer.db"})
    if (contains(read_all(dir / "state" / db), od_marker))
      return Error(Errc::kInvalidArgument, std::string(db) + " holds the order description");
  for (const auto& [party, line] : logs.lines)
    if (holds_pan(as_bytes(line)))
      return Error(Errc::kInvalidArgument, "the " + party + "'s log holds the card number");
  step.detail(fmt::format("the card number in the {} octets the merchant sent or received, in the "
                          "merchant's, storefront's, wallet's, acquirer's databases, in any log: "
                          "not found",
                          merchant_octets));
  step.detail(fmt::format("the order description in the {} octets the gateway sent or received, in "
                          "the gateway's, acquirer's, issuer's databases: not found",
                          gateway_octets));

  // Files ----------------------------------------------------------------------------------------
  step("Every message is saved");
  for (const auto& m : eco.trail())
    OPENSET_CHECK(write_file(dir / fmt::format("{:02d}-{}.der", m.seq, m.type), m.message));
  step.detail(fmt::format("{} messages as NN-<MessageType>.der, each party's database in {}",
                          eco.trail().size(), (dir / "state").string()));
  std::string preq_file;
  for (const auto& m : eco.trail())
    if (m.type == "PReq" && preq_file.empty()) preq_file = fmt::format("{:02d}-PReq.der", m.seq);
  step.detail("openset decode " + (dir / preq_file).string());
  step.detail("openssl asn1parse -inform DER -i -in " + (dir / preq_file).string());
  step.detail("openssl verify -CAfile " + (dir / "certs" / "root.pem").string() + " -untrusted " +
              (dir / "certs" / "Atlas-brand-ca.pem").string() + " " +
              (dir / "certs" / "Atlas-mca.pem").string());
  OPENSET_TRY(std::vector<roles::purchase::LogEntry> history, eco.wallet().history());
  step.detail(fmt::format("the wallet's transaction log holds {} purchases: openset wallet history "
                          "--db {}",
                          history.size(), (dir / "state" / "wallet.db").string()));
  if (verbose) {
    DecodeOptions d;
    Bytes preq_bytes = read_all(dir / preq_file);
    std::string s(preq_bytes.begin(), preq_bytes.end());
    if (decode_bytes(s, d, out, out) != kExitOk)
      return Error(Errc::kMalformed, "PReq does not decode");
  }
  return Ok{};
}

}  // namespace

int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err) {
  out << "OpenSET demo: a card payment with SET 1.0, every party running for real\n"
         "A cardholder buys books; the merchant never sees the card number, the payment\n"
         "gateway never sees what was bought, the banks authorize, capture and settle.\n";
  for (const auto& name : opts.suites) {
    auto s = crypto::suite_by_name(name);
    if (!s.ok()) {
      err << "openset demo: " << s.error().message << "\n";
      return kExitUsage;
    }
    // One suite: its files go straight into --out; several: one folder per suite.
    fs::path dir = opts.suites.size() == 1 ? fs::path(opts.out_dir) : fs::path(opts.out_dir) / name;
    Status st = run_suite(**s, dir, out, opts.verbose, opts.db);
    if (!st.ok()) {
      err << "openset demo: suite '" << name << "' failed: " << st.error().to_string() << "\n";
      return kExitFailure;
    }
  }
  out << "\nDemo complete: every check passed in suite(s):";
  for (const auto& n : opts.suites) out << " " << n;
  fs::path first = opts.suites.size() == 1 ? fs::path(opts.out_dir)
                                           : fs::path(opts.out_dir) / opts.suites.front();
  out << ".\nDecode a saved message: openset decode " << (first / "NN-PReq.der").string()
      << " (NN as listed above)\n";
  return kExitOk;
}

}  // namespace openset::app
