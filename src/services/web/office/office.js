// The merchant's back office (issue 7 item 3): the orders with their SET status, ship (carrier,
// then capture), capture, refund, closing the day's batch and the settlement report. Every call
// carries the admin token (sessionStorage "openset.admin_token", shared with /explorer).
"use strict";
(() => {
  const { el, clear, money, notice, request } = openset;
  const TOKEN_KEY = "openset.admin_token";
  const CURRENCIES = { 840: "USD", 978: "EUR", 826: "GBP", 392: "JPY", 124: "CAD" };
  const $ = (id) => document.getElementById(id);
  const amount = (m) => (m ? money(m.amount, m.exp10) + " " + (CURRENCIES[m.currency] || m.currency) : "–");

  let token = null;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }

  function admin(method, url, body) {
    return request(method, url, body, { Authorization: "Bearer " + token });
  }
  function randomId() {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // ---- signing in ----------------------------------------------------------------------------
  function signedOut(message) {
    token = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
    $("office").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    const err = $("token-error");
    if (message) {
      err.textContent = message;
      err.hidden = false;
      $("token").setAttribute("aria-invalid", "true");
    } else {
      err.hidden = true;
      $("token").removeAttribute("aria-invalid");
    }
    $("token").focus();
  }
  // A 401 anywhere means the token is wrong (or was changed): back to the sign-in form.
  function failed(e, where) {
    if (e.status === 401) {
      signedOut("The admin token is wrong: the merchant refused it.");
      return true;
    }
    if (where) notice(where, "bad", e.message);
    return false;
  }
  async function signIn(ev) {
    ev.preventDefault();
    const t = $("token").value.trim();
    if (!t) {
      signedOut("Give the admin token.");
      return;
    }
    token = t;
    $("sign-in-button").disabled = true;
    try {
      const data = await admin("GET", "/admin/orders");
      try { sessionStorage.setItem(TOKEN_KEY, t); } catch (e) { /* the page still works */ }
      $("token").value = "";
      opened(data);
    } catch (e) {
      if (!failed(e)) signedOut("The back office cannot be reached: " + e.message);
    } finally {
      $("sign-in-button").disabled = false;
    }
  }
  function opened(data) {
    $("sign-in").hidden = true;
    $("token-error").hidden = true;
    $("office").hidden = false;
    $("sign-out").hidden = false;
    renderOrders(data);
    loadSettlement();
  }

  // ---- orders --------------------------------------------------------------------------------
  async function loadOrders() {
    $("orders-status").textContent = "Loading…";
    try {
      renderOrders(await admin("GET", "/admin/orders"));
    } catch (e) {
      failed(e, $("notice"));
      $("orders-status").textContent = "";
    }
  }
  function left(o) {
    return o.captured ? o.captured.amount - (o.refunded ? o.refunded.amount : 0) : 0;
  }
  function renderOrders(data) {
    const body = clear(document.querySelector("#orders tbody"));
    const list = (data.orders || []).slice().sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
    for (const o of list) body.append(row(o));
    $("no-orders").hidden = list.length > 0;
    $("orders-status").textContent = list.length + " order" + (list.length === 1 ? "" : "s") + ", " + new Date().toLocaleTimeString();
  }
  function row(o) {
    const q = o.quote_id || "";
    const outcome = el("span", { class: "outcome", role: "status" });
    const actions = el("td", { class: "actions-cell", "data-label": "Actions" });
    const authorized = o.state === "authorized";
    const shippable = authorized || o.state === "captured";  // ship after capturing is fine too
    const shipped = o.store_state === "shipped" || o.store_state === "delivered" || !!o.shipment;
    const buttons = [];
    const button = (action, label, enabled, run) => {
      const b = el("button", { type: "button", "data-action": action, class: action === "refund" ? "secondary" : undefined,
                               disabled: !enabled || !q || undefined,
                               "aria-label": label + " " + (q || o.order_id) }, label);
      b.addEventListener("click", () => run(b));
      buttons.push(b);
      return b;
    };
    // One action at a time per row: the buttons are disabled while it runs.
    const act = async (b, busy, call, done) => {
      const label = b.textContent;
      for (const x of buttons) x.disabled = true;
      b.textContent = busy;
      outcome.className = "outcome";
      outcome.textContent = busy;
      try {
        const r = await call();
        const fresh = await admin("GET", "/admin/orders");
        renderOrders(fresh);
        const again = document.querySelector('#orders tr[data-quote="' + CSS.escape(q) + '"] .outcome');
        if (again) { again.className = "outcome ok"; again.textContent = done(r); }
      } catch (e) {
        b.textContent = label;
        for (const x of buttons) x.disabled = false;
        if (!failed(e)) { outcome.className = "outcome bad"; outcome.textContent = e.message; }
      }
    };
    actions.append(
      button("ship", "Ship", shippable && !shipped, (b) => act(b, "Shipping…", () => admin("POST", "/admin/ship", { quote_id: q }),
        (r) => "Shipped with " + (r.shipment ? r.shipment.carrier + ", tracking " + r.shipment.tracking_number : "the carrier") +
               "; captured " + amount(r.captured) + ".")),
      button("capture", "Capture", authorized, (b) => act(b, "Capturing…", () => admin("POST", "/admin/capture", { quote_id: q }),
        (r) => "Captured " + amount(r.captured) + ".")),
      button("refund", "Refund", left(o) > 0, (b) => askRefund(b, o, actions, (amountMinor) => act(b, "Refunding…",
        () => refundOnce(q, amountMinor),
        (r) => r.message || "Refunded."))),
      outcome);
    const ship = o.shipment;
    return el("tr", { "data-quote": q, "data-order": o.order_id },
      el("td", { "data-label": "Quote", class: "mono" }, q || el("span", { class: "muted" }, "(no quote) " + o.order_id)),
      el("td", { "data-label": "Items" }, o.summary || ""),
      el("td", { class: "num", "data-label": "Amount" }, amount(o.amount)),
      el("td", { "data-label": "SET status" }, el("span", { class: "state badge " + o.state }, o.state),
         o.store_state ? el("span", { class: "muted small" }, " store: " + o.store_state) : null),
      el("td", { class: "num captured", "data-label": "Captured" }, amount(o.captured)),
      el("td", { class: "num refunded", "data-label": "Refunded" }, amount(o.refunded)),
      el("td", { "data-label": "Shipment" }, ship ? ship.carrier + " " : "",
         el("span", { class: "tracking mono" }, ship ? ship.tracking_number : "")),
      actions);
  }
  // A refund's request_id (the merchant keeps it: the same id is never a second refund) stays
  // with the order until an answer arrives, so a retry of the same amount after an error or a
  // lost answer is the same request and gets the refund that was made.
  const refundIds = new Map();
  async function refundOnce(q, minor) {
    const held = refundIds.get(q);
    const id = held && held.minor === minor ? held.id : randomId();
    refundIds.set(q, { minor, id });
    const r = await admin("POST", "/admin/refund", { quote_id: q, amount: minor, request_id: id });
    refundIds.delete(q);
    return r;
  }
  // The refund's amount, asked in the row (default: all that is left to refund).
  function askRefund(button, o, cell, go) {
    if (cell.querySelector(".refund-form")) return;
    const exp = o.captured.exp10;
    const id = "refund-" + (o.quote_id || o.order_id);
    const input = el("input", { id, type: "text", inputmode: "decimal", value: money(left(o), exp), "aria-describedby": id + "-error" });
    const err = el("p", { class: "field-error", id: id + "-error", "data-for": "amount", hidden: true });
    const form = el("form", { class: "refund-form", novalidate: true },
      el("span", {}, el("label", { for: id }, "Amount to refund"), input),
      el("button", { type: "submit", "data-action": "refund-confirm" }, "Refund"),
      el("button", { type: "button", class: "secondary", onclick: () => { form.remove(); button.focus(); } }, "Cancel"),
      err);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const minor = toMinor(input.value, exp);
      if (minor === null || minor <= 0) { err.textContent = "Give an amount like " + money(left(o), exp) + "."; err.hidden = false; input.focus(); return; }
      if (minor > left(o)) { err.textContent = "At most " + money(left(o), exp) + " can still be refunded."; err.hidden = false; input.focus(); return; }
      form.remove();
      go(minor);
    });
    cell.append(form);
    input.focus();
    input.select();
  }
  // "12.34" with exponent -2 -> 1234; null when it is not such a number.
  function toMinor(text, exp10) {
    const digits = -exp10;
    const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
    if (!m) return null;
    const frac = m[2] || "";
    if (frac.length > digits) return null;
    return Number(m[1] + frac.padEnd(digits, "0"));
  }

  // ---- batches and settlement -----------------------------------------------------------------
  async function closeBatch() {
    const b = $("close-batch");
    b.disabled = true;
    b.textContent = "Closing…";
    $("batch-status").textContent = "Closing the open batches with the payment gateway…";
    try {
      const r = await admin("POST", "/admin/close-batch", {});
      const n = (r.batches || []).length;
      $("batch-status").textContent = n ? "Closed " + n + " batch" + (n === 1 ? "" : "es") + ": " +
        r.batches.map((x) => x.batch_id + (x.settled_net !== undefined ? " (net " + money(x.settled_net, -2) + ")" : "")).join(", ") + "."
        : "There was no open batch to close.";
      await loadSettlement();
    } catch (e) {
      $("batch-status").textContent = "";
      failed(e, $("notice"));
    } finally {
      b.disabled = false;
      b.textContent = "Close the day's batch";
    }
  }
  async function loadSettlement() {
    try {
      renderSettlement(await admin("GET", "/admin/settlement"));
    } catch (e) {
      failed(e, $("notice"));
    }
  }
  function renderSettlement(data) {
    const box = clear($("settlement"));
    const batches = data.batches || [];
    if (!batches.length) {
      box.append(el("p", { class: "muted" }, "No batch yet: captures and refunds go into the gateway's open batch."));
      return;
    }
    for (const b of batches.slice().reverse()) {
      const e = b.exp10 === undefined ? -2 : b.exp10;
      const cur = CURRENCIES[b.totals.currency] || "";
      const m = (x) => money(x, e) + (cur ? " " + cur : "");
      const items = el("tbody", {});
      for (const i of b.items)
        items.append(el("tr", {},
          el("td", { class: "num", "data-label": "#" }, i.sequence),
          el("td", { "data-label": "Kind" }, i.kind),
          el("td", { class: "mono", "data-label": "Quote" }, i.quote_id || i.xid.slice(0, 16) + "…"),
          el("td", { class: "num", "data-label": "Amount" }, (i.kind === "credit" || i.kind === "capture-reversal" ? "−" : "") + m(i.amount.amount))));
      const kinds = el("dl", { class: "kv" });
      for (const [k, t] of Object.entries(b.by_kind || {}))
        kinds.append(el("dt", {}, k), el("dd", {}, t.count + " for " + m(t.amount)));
      kinds.append(el("dt", {}, "Net"), el("dd", { class: "net" }, m(b.totals.net)));
      if (b.settled_net !== undefined) kinds.append(el("dt", {}, "Settled"), el("dd", { class: "settled-net" }, m(b.settled_net) + " credited to the merchant"));
      if (b.reconciled !== undefined)
        kinds.append(el("dt", {}, "Gateway's totals"), el("dd", {}, b.reconciled ? "agree with the merchant's records" : "DIFFER from the merchant's records"));
      box.append(el("article", { class: "batch", "data-batch": b.batch_id, "aria-labelledby": "batch-" + b.batch_id },
        el("h3", { id: "batch-" + b.batch_id }, "Batch " + b.batch_id + " ", el("span", { class: "badge " + (b.state === "closed" ? "captured" : "authorized") }, b.state)),
        el("table", { class: "responsive" },
          el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "num" }, "#"), el("th", { scope: "col" }, "Kind"),
                                      el("th", { scope: "col" }, "Quote"), el("th", { scope: "col", class: "num" }, "Amount"))),
          items),
        kinds));
    }
  }

  // ---- start -----------------------------------------------------------------------------------
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signedOut(null));
  $("reload").addEventListener("click", loadOrders);
  $("close-batch").addEventListener("click", closeBatch);
  $("show-settlement").addEventListener("click", loadSettlement);
  if (token) {
    admin("GET", "/admin/orders").then(opened, (e) => { if (!failed(e)) signedOut("The back office cannot be reached: " + e.message); });
  } else {
    signedOut(null);
  }
})();
