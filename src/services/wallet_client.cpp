#include "openset/services/wallet_client.hpp"

#include <thread>

#include <nlohmann/json.hpp>

#include "internal.hpp"

namespace openset::services {
using nlohmann::json;

Result<WalletCardFiles> config_card(const ServiceConfig& c) {
  WalletCardFiles f;
  OPENSET_TRY(f.signature_key, c.file_path("signature-key"));
  OPENSET_TRY(f.signature_cert, c.file_path("signature-cert"));
  OPENSET_TRY(f.pan, c.file_path("pan"));
  OPENSET_TRY(f.pan_secret, c.file_path("pan-secret"));
  OPENSET_TRY(f.card_secret, c.file_path("card-secret"));
  auto own = c.chains.find("own");
  if (own == c.chains.end()) return Error(Errc::kInvalidArgument, c.file.string() + ": chains.own is missing");
  f.chain = own->second;
  OPENSET_TRY(f.expiry, c.setting("expiry"));
  OPENSET_TRY(f.brand, c.setting("brand"));
  return f;
}

Result<std::unique_ptr<WalletHandle>> open_wallet(const ServiceConfig& c) {
  OPENSET_TRY(WalletCardFiles card, config_card(c));
  if (c.passphrase_file.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"passphrase_file\" is missing");
  OPENSET_TRY(std::string pass, read_passphrase(c.passphrase_file));
  return open_wallet(c, card, pass);
}

Result<std::unique_ptr<WalletHandle>> open_wallet(const ServiceConfig& c, const WalletCardFiles& card,
                                                  const std::string& passphrase) {
  auto h = std::make_unique<WalletHandle>();
  h->clock = std::make_unique<roles::SystemClock>();
  h->random = std::make_unique<roles::SystemRandomness>();
  OPENSET_TRY(Trust trust, Trust::load(c));
  h->trust = std::make_unique<Trust>(std::move(trust));
  roles::purchase::WalletConfig w;
  w.credentials.suite = &c.suite();
  OPENSET_TRY(std::string key_pem, read_text(card.signature_key));
  auto key = crypto::PrivateKey::from_encrypted_pem(key_pem, passphrase);
  if (!key.ok()) return Error(Errc::kPolicy, "the passphrase is wrong: it does not open the card's signature key");
  w.credentials.signature_key = std::move(*key);
  OPENSET_TRY(w.credentials.signature_certificate, read_certificate(card.signature_cert));
  for (const auto& p : card.chain) {
    OPENSET_TRY(Bytes der, read_certificate(p));
    w.credentials.chain.push_back(std::move(der));
  }
  OPENSET_TRY(w.card.pan, read_passphrase(card.pan));  // first line of an owner-only file
  w.card.expiry = card.expiry;
  w.card.brand = card.brand;
  for (auto [file, target] : {std::pair<const std::string*, SecretBytes*>{&card.pan_secret, &w.card.pan_secret},
                              std::pair<const std::string*, SecretBytes*>{&card.card_secret, &w.card.card_secret}}) {
    OPENSET_TRY(std::string hex, read_passphrase(*file));
    auto bytes = from_hex(hex);
    if (!bytes.ok() || bytes->size() != 20) return Error(Errc::kMalformed, *file + ": not 20 octets in hex");
    *target = SecretBytes(ByteView(*bytes));
  }
  w.trust = h->trust->context;
  if (c.db.empty()) return Error(Errc::kInvalidArgument, c.file.string() + ": \"db\" is missing");
  roles::Env env{*h->clock, *h->random};
  OPENSET_TRY(h->wallet, roles::purchase::Wallet::open(c.db, std::move(w), env));
  return h;
}

namespace {

Result<net::Url> at(const std::string& base, std::string_view path) {
  OPENSET_TRY(net::Url u, net::Url::parse(base));
  u.target = std::string(path);
  return u;
}

std::string json_message(const net::Response& r) {
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object() && j["error"].contains("message") &&
      j["error"]["message"].is_string()) {
    std::string m = j["error"]["message"].get<std::string>();
    if (j["error"].contains("problems") && j["error"]["problems"].is_array())
      for (const auto& p : j["error"]["problems"])
        if (p.contains("field") && p.contains("message"))
          m += "\n  " + p["field"].get<std::string>() + ": " + p["message"].get<std::string>();
    return m;
  }
  return r.body.substr(0, 300);
}

// POSTs one SET message until it gets an answer (see the header).
Result<Bytes> exchange(const net::Url& url, const Bytes& message, const BuyOptions& o, int& resent) {
  std::chrono::milliseconds pause = o.pause;
  Error last(Errc::kIo, "no attempt");
  for (int attempt = 0; attempt < o.attempts; ++attempt) {
    if (attempt > 0) {
      ++resent;
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
    auto r = net::post(url, net::kSetPayment, std::string_view(reinterpret_cast<const char*>(message.data()), message.size()),
                       o.client);
    if (!r.ok()) {
      last = std::move(r).error();
      continue;
    }
    if (r->status == 200) {
      if (r->content_type != net::kSetPayment && !r->content_type.starts_with(std::string(net::kSetPayment) + ";"))
        return Error(Errc::kMalformed, url.text() + " answered with " + r->content_type + ", not a SET message");
      return to_bytes(std::string_view(r->body));
    }
    if (r->status == 503 || r->status == 502 || r->status == 504) {
      last = Error(Errc::kIo, url.text() + ": " + std::to_string(r->status) + " " + r->body.substr(0, 200));
      continue;
    }
    return Error(Errc::kInvalidArgument, url.text() + " refused the message: " + std::to_string(r->status) + " " +
                                             r->body.substr(0, 300));
  }
  return Error(Errc::kIo, "no answer after " + std::to_string(o.attempts) + " attempts: " + last.message);
}

// The shopping step's POSTs: sent again while the store cannot be reached (a quote asked twice
// is harmless, an accept is idempotent on the quote id); an HTTP answer is returned as it is.
Result<net::Response> post_retrying(const net::Url& url, const std::string& body, const BuyOptions& o) {
  std::chrono::milliseconds pause = o.pause;
  Error last(Errc::kIo, "no attempt");
  for (int attempt = 0; attempt < o.attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
    auto r = net::post(url, net::kJson, body, o.client);
    if (r.ok() && r->status != 503) return r;
    last = r.ok() ? Error(Errc::kIo, url.text() + ": 503") : std::move(r).error();
  }
  return last;
}

}  // namespace

Result<std::string> store_catalog(const std::string& store_url, const net::ClientOptions& options) {
  OPENSET_TRY(net::Url u, at(store_url, "/store/catalog"));
  OPENSET_TRY(net::Response r, net::get(u, options));
  if (r.status != 200) return Error(Errc::kIo, u.text() + ": " + std::to_string(r.status) + " " + json_message(r));
  return std::move(r.body);
}

Result<BuyResult> buy(WalletHandle& h, const std::string& store_url, roles::commerce::OrderForm form, const BuyOptions& o) {
  auto say = [&](std::string_view line) {
    if (o.progress) o.progress(line);
  };
  BuyResult out;
  // ---- the shopping step (outside SET) ----
  OPENSET_TRY(net::Url quote_url, at(store_url, "/store/quote"));
  OPENSET_TRY(net::Response qr, post_retrying(quote_url, form.to_json(), o));
  if (qr.status != 200) return Error(Errc::kInvalidArgument, "the store did not accept the order form: " + json_message(qr));
  OPENSET_TRY(out.quote, roles::commerce::Quote::from_json(qr.body));
  say("the store answers: " + out.quote.summary() + ", " + roles::format_amount(out.quote.amount));
  for (const auto& change : out.quote.changes) say("  changed: " + change);

  OPENSET_TRY(net::Url accept_url, at(store_url, "/store/accept"));
  OPENSET_TRY(net::Response ar, post_retrying(accept_url, json{{"quote_id", out.quote.quote_id}}.dump(), o));
  if (ar.status != 200) return Error(Errc::kInvalidArgument, "the store did not accept the quote: " + json_message(ar));
  if (ar.content_type != net::kSetPaymentInitiation)
    return Error(Errc::kMalformed, "the store's answer is " + ar.content_type + ", not " + std::string(net::kSetPaymentInitiation));
  OPENSET_TRY(out.initiation, PaymentInitiation::parse(ar.body));
  OPENSET_CHECK(check_initiation(out.initiation, out.quote.amount, out.quote.store, out.quote.order_description()));
  say("paying " + out.initiation.merchant_name + " " + roles::format_amount(out.initiation.amount) + " with SET at " +
      out.initiation.payment_url);
  OPENSET_TRY(BuyResult paid, pay(h, out.initiation, o));
  paid.quote = std::move(out.quote);
  return paid;
}

Status check_initiation(const PaymentInitiation& init, const roles::Money& shown, const std::string& merchant_id,
                        ByteView od) {
  if (init.amount.amount != shown.amount || init.amount.currency != shown.currency ||
      init.amount.amt_exp10 != shown.amt_exp10)
    return Error(Errc::kPolicy, "the payment initiation asks for " + roles::format_amount(init.amount) +
                                    " but the store quoted " + roles::format_amount(shown) + "; nothing was paid");
  if (init.merchant_id != merchant_id)
    return Error(Errc::kPolicy, "the payment initiation names merchant " + init.merchant_id + ", not the store " +
                                    merchant_id + "; nothing was paid");
  if (!od.empty() && !std::equal(init.od.begin(), init.od.end(), od.begin(), od.end()))
    return Error(Errc::kPolicy, "the payment initiation's order description is not the quoted order; nothing was paid");
  return Ok{};
}

Result<BuyResult> pay(WalletHandle& h, const PaymentInitiation& init, const BuyOptions& o) {
  auto say = [&](std::string_view line) {
    if (o.progress) o.progress(line);
  };
  BuyResult out;
  out.initiation = init;
  // ---- SET ----
  OPENSET_TRY(net::Url pay_url, net::Url::parse(init.payment_url));
  roles::purchase::PurchaseOrder po;
  po.merchant = init.merchant_name;
  po.od = init.od;
  po.amount = init.amount;
  po.lid_m = init.lid_m;
  po.od_summary = init.summary;
  po.merchant_id = init.merchant_id;
  roles::purchase::Started started;
  {
    std::lock_guard lock(h.mu);
    OPENSET_TRY(started, h.wallet->start_purchase(po));
  }
  out.wallet_id = started.id;
  Bytes next = started.message;
  for (int step = 0; step < 4; ++step) {
    OPENSET_TRY(Bytes answer, exchange(pay_url, next, o, out.resent));
    roles::purchase::Answer a;
    {
      std::lock_guard lock(h.mu);
      a = h.wallet->handle(answer);
    }
    std::optional<Bytes> to_merchant;
    for (const auto& m : a.send)
      if (m.to == roles::purchase::Peer::kMerchant) to_merchant = m.message;
    if (!to_merchant) break;
    next = std::move(*to_merchant);
  }
  {
    std::lock_guard lock(h.mu);
    OPENSET_TRY(roles::purchase::Transaction t, h.wallet->show(out.wallet_id));
    out.entry = std::move(t.entry);
  }
  say("the purchase is " + std::string(roles::purchase::to_string(out.entry.status)));
  return out;
}

Result<roles::purchase::LogEntry> inquire(WalletHandle& h, std::int64_t id, const std::string& payment_url,
                                          const BuyOptions& o) {
  OPENSET_TRY(net::Url url, net::Url::parse(payment_url));
  Bytes request;
  {
    std::lock_guard lock(h.mu);
    OPENSET_TRY(request, h.wallet->inquire(id, true));
  }
  int resent = 0;
  OPENSET_TRY(Bytes answer, exchange(url, request, o, resent));
  std::lock_guard lock(h.mu);
  (void)h.wallet->handle(answer);
  OPENSET_TRY(roles::purchase::Transaction t, h.wallet->show(id));
  return std::move(t.entry);
}

}  // namespace openset::services
