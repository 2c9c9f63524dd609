// The protocol explorer: transactions, a sequence diagram of their SET messages (SVG), and the
// annotated tree of one message (who can read each part, which signature covers it).
//
// One page for two services: the merchant's back office (data-api="/admin/explorer", a bearer
// token kept in sessionStorage under "openset.admin_token", asked for on a 401) and the wallet
// (data-api="/api/explorer", data-token="none"). `?api=/path` overrides data-api (same origin
// only), `?tx=KEY` opens a transaction, `&seq=N` one of its messages.
"use strict";
(() => {
  const { el, clear, notice, request } = openset;
  const TOKEN_KEY = "openset.admin_token";
  const SVG = "http://www.w3.org/2000/svg";
  const LANES = [
    { party: "cardholder", title: "Cardholder" },
    { party: "merchant", title: "Merchant" },
    { party: "gateway", title: "Payment gateway" },
  ];
  const params = new URLSearchParams(location.search);
  const body = document.body;
  const apiParam = params.get("api");
  const api = apiParam && apiParam.startsWith("/") && !apiParam.startsWith("//") ? apiParam.replace(/\/$/, "") : body.dataset.api || "/admin/explorer";
  const usesToken = (body.dataset.token || "admin") !== "none";
  const $ = (id) => document.getElementById(id);
  let current = { tx: null, seq: null };
  let pending = null;  // what to retry once a token is given

  function headers() {
    const t = usesToken ? sessionStorage.getItem(TOKEN_KEY) : null;
    return t ? { Authorization: "Bearer " + t } : {};
  }

  async function get(path, retry) {
    try {
      return await request("GET", api + path, undefined, headers());
    } catch (e) {
      if (e.status === 401 && usesToken) {
        sessionStorage.removeItem(TOKEN_KEY);
        pending = retry;
        $("token-form").hidden = false;
        notice($("notice"), "warn", "The explorer is part of the back office: give the admin token.");
        $("token").focus();
        return null;
      }
      notice($("notice"), "bad", e.message);
      return null;
    }
  }

  function partyTitle(p) {
    const lane = LANES.find((l) => l.party === p);
    return lane ? lane.title : p;
  }
  function viewerStatement(v) {
    if (!v) return;
    const text = { cardholder: "The cardholder's view", merchant: "The merchant's view", gateway: "The payment gateway's view" }[v];
    if (text) $("viewer").textContent = text;
  }
  function time(at) {
    if (!at) return "";
    try { return new Date(at * 1000).toLocaleString(); } catch (e) { return String(at); }
  }

  // ---- transactions ----------------------------------------------------------------------
  async function loadTransactions() {
    const data = await get("/transactions", loadTransactions);
    if (!data) return;
    $("token-form").hidden = true;
    viewerStatement(data.viewer);
    const list = clear($("transactions"));
    const txs = data.transactions || [];
    if (txs.length === 0) list.append(el("li", { class: "muted" }, "No SET message yet: make a purchase first."));
    for (const t of txs) {
      list.append(el("li", {},
        el("button", { type: "button", class: "secondary", "data-tx": t.tx, "aria-current": t.tx === current.tx ? "true" : "false",
                       onclick: () => openTransaction(t.tx, null, true) },
          el("span", { class: "mono" }, t.tx.length > 40 ? t.tx.slice(0, 40) + "…" : t.tx),
          " · " + t.count + (t.count === 1 ? " message" : " messages") + " · " + time(t.first_at),
          el("span", { class: "types" }, (t.types || []).join(" → ")))));
    }
    const tx = params.get("tx");
    if (tx && !current.tx) openTransaction(tx, params.get("seq"), false);
  }

  async function openTransaction(tx, seq, push) {
    const data = await get("/messages?tx=" + encodeURIComponent(tx), () => openTransaction(tx, seq, push));
    if (!data) return;
    current.tx = tx;
    if (push) {
      const u = new URL(location.href);
      u.searchParams.set("tx", tx);
      u.searchParams.delete("seq");
      history.replaceState(null, "", u);
    }
    viewerStatement(data.viewer);
    for (const b of document.querySelectorAll("#transactions [data-tx]"))
      b.setAttribute("aria-current", b.dataset.tx === tx ? "true" : "false");
    $("diagram-section").hidden = false;
    $("tx-title").textContent = "Transaction " + tx;
    drawDiagram(data.messages || []);
    drawList(data.messages || []);
    const first = seq || null;
    if (first) showMessage(Number(first));
  }

  // ---- the sequence diagram ---------------------------------------------------------------
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function drawDiagram(messages) {
    const box = clear($("diagram"));
    const laneX = [90, 300, 510];
    const top = 50, row = 48;
    const height = top + row * (messages.length + 1);
    const root = svg("svg", { viewBox: "0 0 600 " + height, width: 600, height, role: "group",
                              "aria-label": "Sequence diagram: " + messages.length + " messages" });
    LANES.forEach((l, i) => {
      root.append(svg("text", { x: laneX[i], y: 24, "text-anchor": "middle", class: "lane-title lane-" + l.party }, l.title));
      root.append(svg("line", { x1: laneX[i], y1: 34, x2: laneX[i], y2: height - 10, class: "lane-line" }));
    });
    messages.forEach((m, i) => {
      const a = LANES.findIndex((l) => l.party === m.from), b = LANES.findIndex((l) => l.party === m.to);
      if (a < 0 || b < 0) return;
      const y = top + row * (i + 1) - 10;
      const x1 = laneX[a], x2 = laneX[b];
      const dir = x2 > x1 ? 1 : -1;
      const tip = x2 - dir * 4;
      const label = (i + 1) + ". " + m.type;
      const g = svg("g", { class: "arrow", tabindex: 0, role: "button", "data-seq": m.seq, "data-type": m.type,
                           "aria-label": label + ": " + partyTitle(m.from) + " to " + partyTitle(m.to) },
        svg("rect", { class: "hit", x: Math.min(x1, x2) - 6, y: y - 24, width: Math.abs(x2 - x1) + 12, height: 34, rx: 4 }),
        svg("line", { x1, y1: y, x2: tip - dir * 8, y2: y }),
        svg("polygon", { points: [tip, y, tip - dir * 10, y - 5, tip - dir * 10, y + 5].join(" ") }),
        svg("text", { x: (x1 + x2) / 2, y: y - 7, "text-anchor": "middle" }, label));
      g.append(svg("title", {}, label + " (" + partyTitle(m.from) + " → " + partyTitle(m.to) + ")"));
      g.addEventListener("click", () => showMessage(m.seq));
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); showMessage(m.seq); }
      });
      root.append(g);
    });
    box.append(root);
  }

  function drawList(messages) {
    const list = clear($("message-list"));
    for (const m of messages)
      list.append(el("li", {},
        el("button", { type: "button", "data-list-seq": m.seq, onclick: () => showMessage(m.seq) }, m.type),
        " " + partyTitle(m.from) + " → " + partyTitle(m.to)));
  }

  // ---- one message ------------------------------------------------------------------------
  async function showMessage(seq) {
    const q = "/message?seq=" + encodeURIComponent(seq) + (current.tx ? "&tx=" + encodeURIComponent(current.tx) : "");
    const data = await get(q, () => showMessage(seq));
    if (!data) return;
    current.seq = seq;
    for (const g of document.querySelectorAll("#diagram [data-seq]")) g.classList.toggle("selected", Number(g.dataset.seq) === seq);
    for (const b of document.querySelectorAll("#message-list [data-list-seq]"))
      b.setAttribute("aria-current", Number(b.dataset.listSeq) === seq ? "true" : "false");
    const section = $("message-section");
    section.hidden = false;
    const tree = clear($("message-tree"));
    tree.dataset.shownSeq = seq;
    if (data.error) {
      $("message-title").textContent = "Message " + seq;
      $("message-summary").textContent = "";
      notice(tree, "bad", "This message does not decode: " + data.error.message);
      return;
    }
    viewerStatement(data.viewer);
    $("message-title").textContent = data.type + ": " + partyTitle(data.from) + " → " + partyTitle(data.to);
    $("message-summary").textContent = data.summary || "";
    tree.dataset.shownType = data.type;
    tree.append(el("ul", {}, node(data.root, 0, "", 0)));
  }

  // Readers are shown where they change (a part readable by fewer parties than its parent, an
  // envelope), so that the tree says who reads what without a badge on every line.
  function badges(n, parentReaders) {
    const out = el("span", { class: "badges" });
    const readers = (n.readers || []).join(" ");
    if (n.sealed_for) out.append(el("span", { class: "badge sealed" }, "sealed for the " + n.sealed_for));
    if (n.signed_by) out.append(el("span", { class: "badge signed" }, "signed: " + n.signed_by));
    if (n.covered_by) out.append(el("span", { class: "badge signed" }, "covered by " + n.covered_by));
    if (n.opened) out.append(el("span", { class: "badge opened" }, "opened by the " + n.opened_by));
    if (readers !== parentReaders || n.sealed_for || n.opaque)
      for (const r of n.readers || []) out.append(el("span", { class: "badge reader " + r, title: "readable by the " + r }, r));
    if (n.opaque) out.append(el("span", { class: "badge opaque-badge" }, "opaque to you"));
    return out;
  }

  function valueText(v) {
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v.length > 96 ? v.slice(0, 96) + "… (" + v.length + " characters)" : v;
    return JSON.stringify(v);
  }

  // `budget`: levels still opened below an opened envelope (its decrypted content is the point).
  function node(n, depth, parentReaders, budget) {
    if (!n || typeof n !== "object") return el("li", {}, "?");
    const name = n.field || n.type || n.tag;
    const head = el("span", { class: "head" },
      el("span", { class: "name" }, name),
      n.field && n.type ? el("span", { class: "type" }, " " + n.type) : null,
      n.value !== undefined ? el("span", { class: "value" }, " = " + valueText(n.value)) : null,
      n.name ? el("span", { class: "type" }, " (" + n.name + ")") : null,
      badges(n, parentReaders));
    const classes = [n.opaque ? "opaque" : "", n.opened ? "opened" : ""].filter(Boolean).join(" ");
    const attrs = { class: classes || null, "data-field": n.field || null, "data-node-type": n.type || null,
                    "data-opaque": n.opaque ? "true" : null, "data-readers": (n.readers || []).join(" ") || null };
    const note = n.note ? el("span", { class: "note" }, n.note) : null;
    const kids = Array.isArray(n.children) ? n.children : [];
    if (kids.length === 0) return el("li", attrs, head, note);
    // Open the first levels, and every path to something worth seeing (a note, an opened part).
    const inner = n.opened ? 6 : Math.max(0, budget - 1);
    const open = depth < 3 || n.opened || budget > 0 || interesting(n);
    const mine = (n.readers || []).join(" ");
    return el("li", attrs,
      el("details", { open },
        el("summary", {}, head, note),
        el("ul", {}, kids.map((k) => node(k, depth + 1, mine, inner)))));
  }

  function interesting(n) {
    if (!Array.isArray(n.children)) return false;
    return n.children.some((k) => k.note || k.opened || interesting(k));
  }

  function setAll(open) {
    for (const d of document.querySelectorAll("#message-tree details")) d.open = open;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("token-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const t = $("token").value.trim();
      if (!t) return;
      sessionStorage.setItem(TOKEN_KEY, t);
      $("token").value = "";
      $("token-form").hidden = true;
      $("notice").hidden = true;
      const retry = pending || loadTransactions;
      pending = null;
      if (retry !== loadTransactions) loadTransactions();
      retry();
    });
    $("expand-all").addEventListener("click", () => setAll(true));
    $("collapse-all").addEventListener("click", () => setAll(false));
    loadTransactions();
  });
})();
