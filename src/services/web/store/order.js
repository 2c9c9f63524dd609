// An order's page (/order?quote=<id>): where the wallet sends the cardholder back after paying.
// Shows the order's state from POST /store/order (paid, shipped with the carrier and tracking
// number, captured, refunded) and refreshes itself while something is still to happen.
"use strict";
(() => {
  const { el, clear, money, notice, request } = openset;
  const CURRENCIES = { 840: "USD", 978: "EUR", 826: "GBP", 392: "JPY", 124: "CAD" };
  const $ = (id) => document.getElementById(id);
  const quoteId = new URLSearchParams(location.search).get("quote");
  const amount = (m) => money(m.amount, m.exp10) + " " + (CURRENCIES[m.currency] || m.currency);
  let timer = null;

  // One word for the cardholder, from the SET state and the store's.
  function stateOf(o) {
    const set = o.set_state || "", store = o.store_state || "";
    const sent = store === "shipped" || store === "delivered";
    if (set === "refunded" || (o.refunded && o.refunded.amount > 0))
      return ["refunded", sent ? "Shipped, " + (set === "refunded" ? "refunded" : "partly refunded")
                                  : (set === "refunded" ? "Refunded" : "Partly refunded")];
    if (set === "declined") return ["declined", "Payment declined"];
    if (set === "reversed" || store === "cancelled") return ["cancelled", "Cancelled"];
    if (sent) return ["shipped", set === "captured" ? "Shipped, paid" : "Shipped"];
    if (set === "captured") return ["captured", "Paid (captured)"];
    if (set === "authorized" || set === "capturing" || store === "paid") return ["authorized", "Paid (authorized), being prepared"];
    if (set === "authorizing") return ["", "Payment being authorized…"];
    if (set === "initiated" || set === "open" || store === "accepted") return ["", "Waiting for the payment from your wallet"];
    return ["", store || set || "unknown"];
  }
  function render(o) {
    const [kind, text] = stateOf(o);
    const s = $("order-state");
    s.textContent = text;
    s.className = "badge " + kind;
    s.setAttribute("data-set-state", o.set_state || "");
    s.setAttribute("data-store-state", o.store_state || "");
    const d = clear($("order-details"));
    d.append(el("dt", {}, "Quote"), el("dd", { class: "mono" }, o.quote_id));
    if (o.amount) d.append(el("dt", {}, "Amount"), el("dd", {}, amount(o.amount)));
    if (o.authorized) d.append(el("dt", {}, "Authorized"), el("dd", {}, amount(o.authorized)));
    if (o.captured) d.append(el("dt", {}, "Captured"), el("dd", {}, amount(o.captured)));
    if (o.refunded) d.append(el("dt", {}, "Refunded"), el("dd", { id: "refunded" }, amount(o.refunded)));
    if (o.shipment) {
      d.append(el("dt", {}, "Carrier"), el("dd", { id: "carrier" }, o.shipment.carrier));
      $("tracking-number").textContent = o.shipment.tracking_number;
    }
    $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString();
    // Keep looking while the payment or the shipment is still to come.
    const settled = ["refunded", "declined", "cancelled"].includes(kind) || (o.shipment && o.captured);
    clearTimeout(timer);
    if (!settled) timer = setTimeout(load, 5000);
  }
  async function load() {
    try {
      render(await request("POST", "/store/order", { quote_id: quoteId }));
    } catch (e) {
      $("order-state").textContent = "Unknown";
      notice($("notice"), "bad", e.status === 404 ? "There is no order " + quoteId + " in this store." : e.message);
    }
  }
  $("refresh").addEventListener("click", load);
  if (!quoteId) {
    $("order-state").textContent = "No order";
    notice($("notice"), "bad", "This page shows one order: its address ends with ?quote=<your quote id>.");
  } else {
    load();
  }
})();
