#include "openset/services/initiation.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "openset/crypto/x509.hpp"
#include "openset/der/der.hpp"
#include "openset/net/http.hpp"

namespace openset::services {
namespace {

Error bad(std::string_view what) {
  return Error(Errc::kMalformed, "payment initiation: " + std::string(what));
}

std::string base64(ByteView b) {
  // to_pem's body without the armour lines.
  std::string pem = crypto::to_pem(b, "X");
  std::string out;
  auto start = pem.find('\n') + 1;
  auto end = pem.find("-----END");
  for (char c : pem.substr(start, end - start))
    if (c != '\n') out.push_back(c);
  return out;
}

bool safe_line(std::string_view v) {
  for (char c : v)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return false;
  return true;
}

Result<std::int64_t> integer(std::string_view field, std::string_view text) {
  if (text.empty() || text.size() > 18) return bad(std::string(field) + " is not a number");
  std::size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return bad(std::string(field) + " is not a number");
  std::int64_t v = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return bad(std::string(field) + " is not a number");
    v = v * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -v : v;
}

}  // namespace

std::string PaymentInitiation::to_text() const {
  std::string brand_list;
  for (const auto& b : brands) brand_list += (brand_list.empty() ? "" : ", ") + b;
  der::Time t = der::Time::from_unix(expires);
  return fmt::format(
      "SET-Initiation: 1.0\r\nMerchant-Name: {}\r\nMerchant-ID: {}\r\nBrands: {}\r\n"
      "Purchase-Amount: {} {} {}\r\nLID-M: {}\r\nOrder-Description: {}\r\nOrder-Summary: {}\r\n"
      "Payment-URL: {}\r\nExpires: {:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z\r\n",
      merchant_name, merchant_id, brand_list, amount.currency, amount.amount, amount.amt_exp10, to_hex(lid_m),
      base64(od), summary, payment_url, t.year, t.month, t.day, t.hour, t.minute, t.second);
}

Result<PaymentInitiation> PaymentInitiation::parse(std::string_view text) {
  if (text.size() > kMaxInitiation) return bad("longer than 16 KiB");
  std::map<std::string, std::string> fields;
  std::size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!safe_line(line)) return bad("a line holds a control or non-ASCII character");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad("a line is not 'Field: value'");
    std::string name(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (first && name != "SET-Initiation") return bad("the first line must be 'SET-Initiation: 1.0'");
    first = false;
    if (fields.contains(name)) return bad("field " + name + " appears twice");
    fields.emplace(std::move(name), std::string(value));
  }
  if (first) return bad("empty");
  if (fields["SET-Initiation"] != "1.0") return bad("version " + fields["SET-Initiation"] + " is not 1.0");
  for (const char* required : {"Merchant-Name", "Merchant-ID", "Brands", "Purchase-Amount", "LID-M",
                               "Order-Description", "Order-Summary", "Payment-URL", "Expires"})
    if (!fields.contains(required) || (fields[required].empty() && std::string_view(required) != "Order-Summary"))
      return bad(std::string("field ") + required + " is missing");
  PaymentInitiation p;
  p.merchant_name = fields["Merchant-Name"];
  p.merchant_id = fields["Merchant-ID"];
  std::string_view brands = fields["Brands"];
  while (!brands.empty()) {
    auto comma = brands.find(',');
    std::string_view b = brands.substr(0, comma);
    while (!b.empty() && b.front() == ' ') b.remove_prefix(1);
    while (!b.empty() && b.back() == ' ') b.remove_suffix(1);
    if (b.empty()) return bad("Brands lists an empty name");
    p.brands.emplace_back(b);
    if (comma == std::string_view::npos) break;
    brands.remove_prefix(comma + 1);
  }
  {
    std::string_view a = fields["Purchase-Amount"];
    std::vector<std::string_view> parts;
    while (!a.empty()) {
      auto sp = a.find(' ');
      if (sp != 0) parts.push_back(a.substr(0, sp));
      if (sp == std::string_view::npos) break;
      a.remove_prefix(sp + 1);
    }
    if (parts.size() != 3) return bad("Purchase-Amount must be 'CURRENCY AMOUNT EXP10'");
    OPENSET_TRY(std::int64_t currency, integer("Purchase-Amount currency", parts[0]));
    OPENSET_TRY(std::int64_t amount, integer("Purchase-Amount amount", parts[1]));
    OPENSET_TRY(std::int64_t exp10, integer("Purchase-Amount exponent", parts[2]));
    if (currency < 1 || currency > 999) return bad("Purchase-Amount currency is not an ISO 4217 numeric code");
    if (amount <= 0) return bad("Purchase-Amount amount must be positive");
    if (exp10 < -4 || exp10 > 0) return bad("Purchase-Amount exponent must be between -4 and 0");
    p.amount.currency = static_cast<decltype(p.amount.currency)>(currency);
    p.amount.amount = amount;
    p.amount.amt_exp10 = static_cast<decltype(p.amount.amt_exp10)>(exp10);
  }
  auto lid = from_hex(fields["LID-M"]);
  if (!lid.ok() || lid->empty() || lid->size() > 64) return bad("LID-M must be 1 to 64 octets in hex");
  p.lid_m = std::move(*lid);
  auto od = crypto::base64_decode(fields["Order-Description"]);
  if (!od.ok() || od->empty()) return bad("Order-Description is not base64");
  p.od = std::move(*od);
  p.summary = fields["Order-Summary"];
  p.payment_url = fields["Payment-URL"];
  if (!net::Url::parse(p.payment_url).ok()) return bad("Payment-URL is not an http://HOST:PORT/PATH URL");
  {
    const std::string& e = fields["Expires"];
    int y, mo, d, h, mi, s;
    char z = 0;
    if (e.size() != 20 || std::sscanf(e.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 || z != 'Z')
      return bad("Expires must be YYYY-MM-DDTHH:MM:SSZ");
    der::Time t;
    t.year = y; t.month = mo; t.day = d; t.hour = h; t.minute = mi; t.second = s;
    p.expires = t.to_unix();
  }
  return p;
}

}  // namespace openset::services
