// The wallet's pages (served by `openset serve wallet` on 127.0.0.1). Every request goes to the
// wallet itself; the passphrase is sent only to it, only with the payment or inquiry it opens the
// key for, and is cleared from the page afterwards.
"use strict";
(() => {
  const { request, el, clear, notice } = openset;
  const $ = (sel) => document.querySelector(sel);
  const message = () => $("#message");

  function fieldErrors(form, problems) {
    for (const p of form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
    let first = null;
    for (const pr of problems || []) {
      const p = form.querySelector(`.field-error[data-for="${CSS.escape(pr.field)}"]`);
      if (!p) continue;
      p.textContent = pr.message;
      p.hidden = false;
      first = first || p;
    }
    return first;
  }

  function statusBadge(status) {
    return el("span", { class: "badge " + status }, status);
  }

  function when(unix) {
    if (!unix) return "";
    return new Date(unix * 1000).toLocaleString();
  }

  // ---- cards ----
  async function cardsPage() {
    const list = $("#cards");
    try {
      const data = await request("GET", "/api/cards");
      clear(list);
      for (const c of data.cards) {
        list.append(el("div", { class: "card", "data-card": c.id },
          el("h3", {}, c.label),
          el("dl", { class: "kv" },
            el("dt", {}, "Brand"), el("dd", {}, c.brand),
            el("dt", {}, "Number"), el("dd", { class: "mono" }, "•••• " + c.last4),
            el("dt", {}, "Expires"), el("dd", {}, c.expiry.slice(0, 4) + "-" + c.expiry.slice(4)))));
      }
    } catch (e) {
      notice(message(), "bad", e.message);
    }
  }

  // ---- pay ----
  function showResult(r) {
    $("#payment").hidden = true;
    $("#result").hidden = false;
    $("#result-status").replaceChildren(statusBadge(r.status));
    $("#result-amount").textContent = r.amount.text;
    $("#result-card").textContent = r.card + " •••• " + r.last4;
    $("#result-auth").textContent = r.auth_code !== undefined ? String(r.auth_code) : "—";
    $("#return-to-store").href = r.return_url;
    if (r.status === "authorized" || r.status === "captured") {
      notice(message(), "ok", "Paid. The payment gateway authorized " + r.amount.text + " at " + r.merchant + ".");
    } else {
      notice(message(), "bad", "The payment was not authorized (" + r.status + "). Nothing was charged.");
    }
  }

  async function payPage() {
    const h = new URLSearchParams(location.search).get("h");
    if (!h) {
      notice(message(), "bad", "No payment request. Start from a store's \"Pay with SET\" button.");
      return;
    }
    let data;
    try {
      data = await request("GET", "/api/handoff?h=" + encodeURIComponent(h));
    } catch (e) {
      notice(message(), "bad", e.message);
      return;
    }
    const back = data.store ? data.store + "/order?quote=" + encodeURIComponent(data.quote_id || "") : "#";
    if (data.result) { showResult(data.result); return; }
    if (!data.accepted) {
      notice(message(), "bad", "The wallet refuses this payment request: " + data.refusal,
        el("br"), el("a", { href: data.store ? data.store + "/" : "#", id: "refused-back" }, "Back to the store"));
      return;
    }
    const init = data.initiation;
    $("#merchant").textContent = init.merchant_name + " (" + init.merchant_id + ")";
    $("#summary").textContent = init.summary;
    $("#amount").textContent = init.amount.text;
    $("#store-check").textContent = "yes: " + (data.store_name || data.store) + " confirms quote " + data.quote_id +
      " for " + data.store_amount.text;
    $("#cancel").href = back;
    $("#payment").hidden = false;
    const select = $("#card");
    try {
      const cards = await request("GET", "/api/cards");
      clear(select);
      for (const c of cards.cards)
        if (init.brands.includes(c.brand))
          select.append(el("option", { value: c.id }, c.label + " •••• " + c.last4));
      if (!select.options.length) notice(message(), "bad", "None of your cards is of a brand this merchant takes (" + init.brands.join(", ") + ").");
    } catch (e) {
      notice(message(), "bad", e.message);
    }
    const form = $("#pay-form");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const pass = $("#passphrase");
      if (!pass.value) {
        fieldErrors(form, [{ field: "passphrase", message: "Enter the passphrase of the card's key." }]);
        pass.focus();
        return;
      }
      fieldErrors(form, []);
      const button = $("#pay");
      button.disabled = true;
      button.textContent = "Paying… (SET: PInitReq, PReq)";
      notice(message(), "", "Paying with SET: the wallet signs the order and the payment instructions and sends them to the merchant…");
      try {
        const r = await request("POST", "/api/pay", { handoff: h, card: select.value, passphrase: pass.value });
        pass.value = "";
        showResult(r);
      } catch (e) {
        pass.value = "";
        if (e.status === 403) {
          fieldErrors(form, [{ field: "passphrase", message: e.message }]);
          notice(message(), "bad", "The passphrase is wrong. Nothing was sent to the merchant.");
          pass.focus();
        } else {
          notice(message(), "bad", e.message);
        }
      } finally {
        button.disabled = false;
        button.textContent = "Pay";
      }
    });
  }

  // ---- history ----
  let inquireId = null;
  async function loadHistory() {
    const body = $("#history tbody");
    try {
      const data = await request("GET", "/api/history");
      clear(body);
      $("#empty").hidden = data.purchases.length > 0;
      for (const p of data.purchases) {
        const store = p.store || {};
        // A refund may be partial: say how much, as the store's record has it.
        const statuses = [p.status === "refunded" && store.refunded && store.refunded.text
          ? el("span", { class: "badge refunded" }, "refunded " + store.refunded.text)
          : statusBadge(p.status)];
        if (store.shipment) statuses.push(" ", statusBadge("shipped"));
        if (store.captured && p.status === "authorized") statuses.push(" ", el("span", { class: "badge captured", title: "the store says so; Ask the merchant to confirm with SET" }, "captured (store)"));
        if (store.refunded && p.status !== "refunded") statuses.push(" ", el("span", { class: "badge refunded", title: "the store says so; Ask the merchant to confirm with SET" }, "refunded (store)"));
        const shipment = store.shipment
          ? [store.shipment.carrier + " ", el("span", { class: "tracking mono" }, store.shipment.tracking_number)]
          : ["—"];
        const actions = [];
        if (p.order_url) actions.push(el("a", { href: p.order_url }, "Order"), " ");
        if (p.store_url) actions.push(el("button", { type: "button", class: "secondary", "data-action": "inquire", onclick: () => askInquiry(p) }, "Ask the merchant"), " ");
        actions.push(el("a", { href: "/explorer?tx=" + encodeURIComponent(p.id) }, "Messages"));
        body.append(el("tr", { "data-id": p.id },
          el("td", { "data-label": "When" }, when(p.created_at)),
          el("td", { "data-label": "Merchant" }, p.merchant),
          el("td", { "data-label": "Order" }, p.summary),
          el("td", { class: "num", "data-label": "Amount" }, p.amount.text),
          el("td", { "data-label": "Card" }, p.brand + " •••• " + p.last4),
          el("td", { class: "status", "data-label": "Status" }, statuses),
          el("td", { "data-label": "Shipment" }, shipment),
          el("td", {}, actions)));
      }
    } catch (e) {
      notice(message(), "bad", e.message);
    }
  }

  function askInquiry(p) {
    inquireId = p.id;
    $("#inquire-what").textContent = p.merchant + ", " + p.summary + " (" + p.amount.text + ")";
    $("#inquire-form").hidden = false;
    $("#inquire-passphrase").focus();
  }

  async function historyPage() {
    await loadHistory();
    const form = $("#inquire-form");
    $("#inquire-cancel").addEventListener("click", () => { form.hidden = true; });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const pass = $("#inquire-passphrase");
      const button = $("#inquire-send");
      button.disabled = true;
      button.textContent = "Asking… (SET: InqReq)";
      try {
        const e = await request("POST", "/api/inquire", { id: inquireId, passphrase: pass.value });
        notice(message(), "ok", "The merchant answered: the payment is " + e.status + ".");
        form.hidden = true;
        await loadHistory();
      } catch (e) {
        notice(message(), "bad", e.status === 403 ? "The passphrase is wrong. Nothing was sent." : e.message);
      } finally {
        pass.value = "";
        button.disabled = false;
        button.textContent = "Ask";
      }
    });
  }

  // ---- register ----
  async function registerPage() {
    const start = $("#register-form");
    const finish = $("#reg-fields");
    let session = null;
    start.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const pan = $("#pan").value.replace(/[\s-]/g, "");
      const expiry = $("#expiry").value;
      const problems = [];
      if (!/^[0-9]{12,19}$/.test(pan)) problems.push({ field: "pan", message: "A card number has 12 to 19 digits." });
      if (!/^[0-9]{4}-[0-9]{2}$/.test(expiry)) problems.push({ field: "expiry", message: "Give the month the card expires (YYYY-MM)." });
      if (fieldErrors(start, problems)) return;
      const button = $("#register-start");
      button.disabled = true;
      button.textContent = "Asking the CA… (CardCInitReq, RegFormReq)";
      try {
        const r = await request("POST", "/api/register/start", { pan, expiry, label: $("#label").value });
        session = r.session;
        const box = clear($("#ca-fields"));
        for (const f of r.fields) {
          const id = "ca-" + f.name.replace(/[^A-Za-z0-9_-]/g, "_");
          box.append(el("label", { for: id }, f.description + (f.required ? " (required)" : "")),
            el("input", { type: "text", id, "data-field": f.name, maxlength: f.max_length, required: f.required }),
            el("p", { class: "field-error", "data-for": f.name, hidden: true }));
        }
        start.hidden = true;
        finish.hidden = false;
        $("#pan").value = "";
        notice(message(), "ok", "The " + r.brand + " cardholder CA sent its form. Fill it in and choose a passphrase.");
      } catch (e) {
        fieldErrors(start, e.problems);
        notice(message(), "bad", e.message);
      } finally {
        button.disabled = false;
        button.textContent = "Ask the CA for its form";
      }
    });
    finish.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const answers = {};
      for (const input of finish.querySelectorAll("input[data-field]")) answers[input.dataset.field] = input.value;
      const pass = $("#new-passphrase").value, again = $("#new-passphrase-again").value;
      const problems = [];
      for (const input of finish.querySelectorAll("input[data-field][required]"))
        if (!input.value) problems.push({ field: input.dataset.field, message: "The CA requires this field." });
      if (pass.length < 8) problems.push({ field: "passphrase", message: "Choose a passphrase of at least 8 characters." });
      else if (pass !== again) problems.push({ field: "passphrase_again", message: "The two passphrases differ." });
      if (fieldErrors(finish, problems)) return;
      const button = $("#register-finish");
      button.disabled = true;
      button.textContent = "Requesting the certificate… (CertReq)";
      try {
        const r = await request("POST", "/api/register/finish", { session, answers, passphrase: pass, passphrase_again: again });
        finish.hidden = true;
        notice(message(), "ok", "Registered: " + r.label + " (•••• " + r.last4 + ") has its SET certificate. ",
          el("a", { href: "/", id: "see-cards" }, "See your cards"));
      } catch (e) {
        fieldErrors(finish, e.problems);
        notice(message(), "bad", e.message);
      } finally {
        $("#new-passphrase").value = "";
        $("#new-passphrase-again").value = "";
        button.disabled = false;
        button.textContent = "Request the certificate";
      }
    });
  }

  const pages = { cards: cardsPage, pay: payPage, history: historyPage, register: registerPage };
  document.addEventListener("DOMContentLoaded", () => {
    const run = pages[document.body.dataset.page];
    if (run) run();
  });
})();
