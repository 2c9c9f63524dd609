// The storefront (issue 7 item 1): the catalog, a cart, the order form with its checks, the
// merchant's answer (Quote) and "Pay with SET", which hands the purchase initiation message to
// the cardholder's wallet by a form POST to <wallet>/pay. The store never asks for a card.
"use strict";
(() => {
  const { el, clear, money, notice, request } = openset;
  const MAX_QUANTITY = 99, MAX_PLACE = 200, MAX_DAYS_AHEAD = 90;  // as roles/commerce.hpp
  const CART_KEY = "openset.store.cart", WALLET_KEY = "openset.wallet_url";
  const CURRENCIES = { 840: "USD", 978: "EUR", 826: "GBP", 392: "JPY", 124: "CAD" };
  const $ = (id) => document.getElementById(id);

  let catalog = null;  // GET /store/catalog
  let cart = [];       // [{sku, quantity}] in the order added
  let quote = null;    // the merchant's last answer

  const priced = (minor) => money(minor, catalog ? catalog.exp10 : -2) + " " +
    ((catalog && CURRENCIES[catalog.currency]) || "");
  const item = (sku) => catalog && catalog.items.find((i) => i.sku === sku);

  // ---- field errors ----------------------------------------------------------------------
  function errorNode(field) {
    return document.querySelector('.field-error[data-for="' + CSS.escape(field) + '"]');
  }
  // The input a field's problem belongs to ("lines[1].quantity" -> the cart row's input).
  function inputOf(field) {
    const m = /^lines\[(\d+)\]\.(sku|quantity)$/.exec(field);
    if (m) {
      const row = document.querySelectorAll("#cart tbody tr")[Number(m[1])];
      return row ? row.querySelector("input.qty") : null;
    }
    return { delivery_method: $("delivery-method"), delivery_at: $("delivery-time"),
             delivery_place: $("delivery-place"), wallet_url: $("wallet-url") }[field] || null;
  }
  function clearErrors(scope) {
    for (const e of (scope || document).querySelectorAll(".field-error")) { e.textContent = ""; e.hidden = true; }
    for (const i of (scope || document).querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  }
  // Shows each problem next to its field; those without a field go to the general notice.
  // Returns the first input with a problem (to focus).
  function showProblems(problems) {
    let first = null;
    const loose = [];
    for (const p of problems) {
      const node = errorNode(p.field) || (p.field.startsWith("lines") ? errorNode("lines") : null);
      if (!node) { loose.push(p.field + ": " + p.message); continue; }
      node.textContent = node.textContent ? node.textContent + " " + p.message : p.message;
      node.hidden = false;
      const input = inputOf(p.field);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (!first) first = input;
      }
    }
    if (loose.length) notice($("notice"), "bad", loose.join("; "));
    return first;
  }

  // ---- the cart ----------------------------------------------------------------------------
  function saveCart() {
    try { localStorage.setItem(CART_KEY, JSON.stringify(cart)); } catch (e) { /* private mode */ }
  }
  function loadCart() {
    try {
      const saved = JSON.parse(localStorage.getItem(CART_KEY) || "[]");
      if (Array.isArray(saved))
        cart = saved.filter((l) => l && typeof l.sku === "string").map((l) => ({ sku: l.sku, quantity: Number(l.quantity) }));
    } catch (e) { cart = []; }
  }
  function addToCart(sku, quantity) {
    const line = cart.find((l) => l.sku === sku);
    if (line) line.quantity += quantity; else cart.push({ sku, quantity });
    saveCart();
    renderCart();
    forgetQuote();
  }
  function renderCart() {
    const body = clear(document.querySelector("#cart tbody"));
    cart.forEach((line, i) => {
      const it = item(line.sku);
      const qtyId = "cart-qty-" + i;
      const qty = el("input", { id: qtyId, class: "qty", type: "number", min: 1, max: MAX_QUANTITY, step: 1,
                                value: line.quantity, "data-sku": line.sku,
                                "aria-describedby": "cart-sku-error-" + i + " cart-qty-error-" + i });
      qty.addEventListener("input", () => {
        line.quantity = qty.value === "" ? NaN : Number(qty.value);
        saveCart();
        total.textContent = it && Number.isInteger(line.quantity) ? priced(it.unit_price * line.quantity) : "–";
        forgetQuote();
      });
      const total = el("td", { class: "num", "data-label": "Line total" },
                       it && Number.isInteger(line.quantity) ? priced(it.unit_price * line.quantity) : "–");
      const remove = el("button", { type: "button", class: "secondary",
                                    "aria-label": "Remove " + (it ? it.name : line.sku) + " from the order" }, "Remove");
      remove.addEventListener("click", () => {
        cart.splice(i, 1);
        saveCart();
        renderCart();
        forgetQuote();
        $("cart-h").focus();
      });
      body.append(el("tr", { "data-sku": line.sku },
        el("td", { "data-label": "Item" }, it ? it.name : line.sku, " ", el("span", { class: "muted small" }, line.sku),
           el("p", { class: "field-error", id: "cart-sku-error-" + i, "data-for": "lines[" + i + "].sku", hidden: true })),
        el("td", { "data-label": "Quantity" }, el("label", { for: qtyId, class: "sr-only" }, "Quantity of " + (it ? it.name : line.sku)), qty,
           el("p", { class: "field-error", id: "cart-qty-error-" + i, "data-for": "lines[" + i + "].quantity", hidden: true })),
        el("td", { class: "num", "data-label": "Unit price" }, it ? priced(it.unit_price) : "–"),
        total,
        el("td", {}, remove)));
    });
    $("cart-empty").hidden = cart.length > 0;
  }

  // ---- the catalog -----------------------------------------------------------------------
  function renderCatalog() {
    document.title = catalog.name;
    $("store-name").textContent = catalog.name;
    const box = clear($("catalog"));
    for (const it of catalog.items) {
      const qtyId = "qty-" + it.sku;
      const qty = el("input", { id: qtyId, class: "qty", type: "number", min: 1, max: MAX_QUANTITY, step: 1, value: 1 });
      const err = el("p", { class: "field-error", role: "alert", hidden: true });
      const add = el("button", { type: "button", class: "add-to-cart", disabled: it.stock <= 0 || undefined },
                     it.stock > 0 ? "Add to cart" : "Out of stock");
      add.addEventListener("click", () => {
        const n = Number(qty.value);
        err.hidden = true;
        if (!Number.isInteger(n) || n < 1 || n > MAX_QUANTITY) {
          err.textContent = "Choose a quantity from 1 to " + MAX_QUANTITY + ".";
          err.hidden = false;
          qty.focus();
          return;
        }
        addToCart(it.sku, n);
        notice($("notice"), "ok", n + " × " + it.name + " added to your order.");
      });
      box.append(el("article", { class: "card", "data-sku": it.sku, "aria-labelledby": "item-" + it.sku },
        el("h3", { id: "item-" + it.sku }, it.name),
        el("p", {}, el("span", { class: "price" }, priced(it.unit_price)), " ",
           el("span", { class: "muted small" }, it.stock > 0 ? it.stock + " in stock" : "out of stock")),
        el("div", { class: "add" }, el("span", {}, el("label", { for: qtyId }, "Quantity"), qty), add),
        err));
    }
    const method = $("delivery-method");
    for (const d of catalog.delivery)
      method.append(el("option", { value: d.id }, d.name + " (" + priced(d.fee) + ", at least " + d.min_hours + " h)"));
    $("catalog-loading").hidden = true;
  }

  // ---- the form ----------------------------------------------------------------------------
  // datetime-local (local time) -> "2026-11-28T10:00:00Z", as the order form wants it.
  function isoOf(local) {
    const d = new Date(local);
    return isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  function localOf(date) {
    const p = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "-" + p(date.getMonth() + 1) + "-" + p(date.getDate()) + "T" + p(date.getHours()) + ":" + p(date.getMinutes());
  }
  // The same rules as the merchant's (roles::commerce::Storefront::check), said the same way; the
  // merchant checks again and stays the authority.
  function check() {
    const problems = [];
    if (cart.length === 0) problems.push({ field: "lines", message: "Add at least one item from the catalog." });
    const seen = new Set();
    cart.forEach((l, i) => {
      if (!item(l.sku)) problems.push({ field: "lines[" + i + "].sku", message: "Unknown item \"" + l.sku + "\": remove it and pick one from the catalog." });
      else if (seen.has(l.sku)) problems.push({ field: "lines[" + i + "].sku", message: "Item listed twice: merge the lines." });
      seen.add(l.sku);
      if (!Number.isInteger(l.quantity) || l.quantity < 1) problems.push({ field: "lines[" + i + "].quantity", message: "The quantity must be a whole number, at least 1." });
      else if (l.quantity > MAX_QUANTITY) problems.push({ field: "lines[" + i + "].quantity", message: "At most " + MAX_QUANTITY + " of one item." });
    });
    const at = $("delivery-time").value;
    const when = at ? new Date(at).getTime() : NaN;
    if (!at || isNaN(when)) problems.push({ field: "delivery_at", message: "Choose a delivery date and time." });
    else if (when <= Date.now()) problems.push({ field: "delivery_at", message: "The delivery time is in the past: choose a later time." });
    else if (when > Date.now() + MAX_DAYS_AHEAD * 86400000) problems.push({ field: "delivery_at", message: "Deliveries are planned at most " + MAX_DAYS_AHEAD + " days ahead." });
    const place = $("delivery-place").value.trim();
    if (!place) problems.push({ field: "delivery_place", message: "Say where to deliver." });
    else if (place.length > MAX_PLACE) problems.push({ field: "delivery_place", message: "At most " + MAX_PLACE + " characters." });
    return problems;
  }
  function formJson() {
    const f = { format: "openset-shop/1", store: catalog.store, lines: cart.map((l) => ({ sku: l.sku, quantity: l.quantity })),
                delivery_at: isoOf($("delivery-time").value), delivery_place: $("delivery-place").value.trim() };
    if ($("delivery-method").value) f.delivery_method = $("delivery-method").value;
    return f;
  }
  async function getQuote(ev) {
    ev.preventDefault();
    clearErrors($("order-form"));
    $("notice").hidden = true;
    if (!catalog) return;
    const problems = check();
    if (problems.length) {
      const first = showProblems(problems);
      notice($("notice"), "bad", "The order form needs changes: see the fields marked below.");
      if (first) first.focus();
      return;
    }
    const button = $("get-quote");
    button.disabled = true;
    $("quote-progress").textContent = "Asking the merchant…";
    try {
      quote = await request("POST", "/store/quote", formJson());
      renderQuote();
    } catch (e) {
      forgetQuote();
      if (e.problems && e.problems.length) {
        const first = showProblems(e.problems);
        notice($("notice"), "bad", "The merchant refused the form: see the fields marked below.");
        if (first) first.focus();
      } else {
        notice($("notice"), "bad", e.message);
      }
    } finally {
      button.disabled = false;
      $("quote-progress").textContent = "";
    }
  }

  // ---- the merchant's answer ---------------------------------------------------------------
  function forgetQuote() {
    quote = null;
    $("quote").hidden = true;
  }
  function renderQuote() {
    const e = quote.amount.exp10;
    const cur = CURRENCIES[quote.amount.currency] || String(quote.amount.currency);
    const amt = (m) => money(m, e) + " " + cur;
    const body = clear(document.querySelector("#quote-lines tbody"));
    for (const l of quote.lines)
      body.append(el("tr", { "data-sku": l.sku },
        el("td", { "data-label": "Item" }, l.name),
        el("td", { class: "num", "data-label": "Quantity" }, l.quantity),
        el("td", { class: "num", "data-label": "Unit price" }, amt(l.unit_price)),
        el("td", { class: "num line-total", "data-label": "Line total" }, amt(l.line_total))));
    body.append(el("tr", { class: "delivery-fee" },
      el("td", { "data-label": "Delivery" }, "Delivery: " + quote.delivery.name), el("td", {}), el("td", {}),
      el("td", { class: "num", "data-label": "Fee" }, amt(quote.delivery.fee))));
    $("quote-total").textContent = amt(quote.amount.amount);
    const changes = clear($("quote-changes"));
    if (quote.changes && quote.changes.length) {
      changes.append(el("div", { class: "notice warn", role: "status" },
        el("strong", {}, "The merchant changed your order:"),
        el("ul", { class: "changes" }, quote.changes.map((c) => el("li", {}, c)))));
    } else {
      changes.append(el("p", { class: "muted" }, "Exactly what you asked for."));
    }
    const when = new Date(quote.delivery.at);
    clear($("quote-delivery")).append(
      el("dt", {}, "Quote"), el("dd", { class: "mono", id: "quote-id" }, quote.quote_id),
      el("dt", {}, "Delivery method"), el("dd", { id: "quote-delivery-method" }, quote.delivery.name),
      el("dt", {}, "Delivery time"), el("dd", {}, isNaN(when.getTime()) ? quote.delivery.at : when.toLocaleString()),
      el("dt", {}, "Delivery place"), el("dd", {}, quote.delivery.place),
      el("dt", {}, "Valid until"), el("dd", {}, new Date(quote.valid_until).toLocaleString()));
    $("pay-progress").textContent = "";
    $("pay-with-set").disabled = false;
    $("quote").hidden = false;
    $("quote").focus();
  }

  // ---- paying: the hand-over to the wallet ---------------------------------------------------
  function walletUrl() { return $("wallet-url").value.trim().replace(/\/+$/, ""); }
  // The wallet is a program on this computer: only http(s) on loopback (the page's CSP allows
  // its form to go there and nowhere else).
  function walletProblem(url) {
    let u;
    try { u = new URL(url); } catch (e) { return "Give your wallet's address, like http://127.0.0.1:8407."; }
    if (u.protocol !== "http:" && u.protocol !== "https:") return "The wallet's address starts with http://.";
    if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") return "Your wallet runs on this computer: its address is http://127.0.0.1:<port>.";
    return null;
  }
  async function pay() {
    if (!quote) return;
    const wallet = walletUrl();
    const werr = errorNode("wallet_url");
    werr.hidden = true;
    $("wallet-url").removeAttribute("aria-invalid");
    const wp = walletProblem(wallet);
    if (wp) {
      werr.textContent = wp;
      werr.hidden = false;
      $("wallet-url").setAttribute("aria-invalid", "true");
      $("wallet-url").focus();
      return;
    }
    const button = $("pay-with-set");
    button.disabled = true;
    $("pay-progress").textContent = "Preparing the payment…";
    let initiation;
    try {
      // The answer is the purchase initiation message (text), not JSON.
      let res;
      try {
        res = await fetch("/store/accept", { method: "POST", headers: { "Content-Type": "application/json" },
                                             body: JSON.stringify({ quote_id: quote.quote_id }) });
      } catch (e) {
        throw new Error("The store cannot be reached: try again.");
      }
      const text = await res.text();
      if (!res.ok) {
        let msg = text;
        try { msg = JSON.parse(text).error.message; } catch (e) { /* plain text */ }
        throw new Error(msg || "HTTP " + res.status);
      }
      initiation = text;
    } catch (e) {
      notice($("notice"), "bad", "The merchant did not accept the quote: " + e.message);
      button.disabled = false;
      $("pay-progress").textContent = "";
      return;
    }
    $("pay-progress").textContent = "Opening your wallet…";
    const form = $("wallet-handoff");
    form.action = wallet + "/pay";
    form.elements.initiation.value = initiation;  // exactly as received
    form.elements.store.value = location.origin;
    form.elements.quote_id.value = quote.quote_id;
    cart = [];
    saveCart();
    form.submit();
  }

  // ---- start -------------------------------------------------------------------------------
  async function start() {
    loadCart();
    const soon = new Date(Date.now() + 3 * 86400000);
    soon.setHours(10, 0, 0, 0);
    $("delivery-time").value = localOf(soon);
    $("order-form").addEventListener("submit", getQuote);
    $("pay-with-set").addEventListener("click", pay);
    for (const id of ["delivery-method", "delivery-time", "delivery-place"]) $(id).addEventListener("input", forgetQuote);
    $("wallet-url").addEventListener("change", () => {
      try { localStorage.setItem(WALLET_KEY, walletUrl()); } catch (e) { /* private mode */ }
    });
    $("wallet-setting").addEventListener("submit", (e) => e.preventDefault());
    try {
      catalog = await request("GET", "/store/catalog");
    } catch (e) {
      $("catalog-loading").hidden = true;
      notice($("notice"), "bad", "The catalog cannot be loaded: " + e.message);
      return;
    }
    let saved = null;
    try { saved = localStorage.getItem(WALLET_KEY); } catch (e) { saved = null; }
    $("wallet-url").value = saved || catalog.wallet_url || "";
    renderCatalog();
    renderCart();
  }
  start();
})();
