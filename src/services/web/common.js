// Helpers every OpenSET page shares: JSON requests with readable errors, DOM building without
// innerHTML (text is always set as text, never parsed as HTML), money formatting.
"use strict";
const openset = (() => {
  // fetch() returning the JSON body; a non-2xx answer throws an Error whose message is the
  // service's own {"error": {"message", "problems"}} text, with `problems` attached.
  async function request(method, url, body, headers) {
    const init = { method, headers: Object.assign({}, headers || {}) };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      throw new Error("The service at " + url + " cannot be reached: is it running?");
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!res.ok) {
      const err = new Error((data && data.error && data.error.message) || text || ("HTTP " + res.status));
      err.status = res.status;
      err.problems = (data && data.error && data.error.problems) || [];
      throw err;
    }
    return data;
  }
  // el("td", {class: "num", "data-label": "Total"}, "12.00", childNode, ...)
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, "");
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  // Minor units -> "12.34" for exponent -2.
  function money(minor, exp10) {
    const e = -(exp10 === undefined ? -2 : exp10);
    const neg = minor < 0;
    let s = String(Math.abs(minor));
    if (e <= 0) return (neg ? "-" : "") + s;
    while (s.length <= e) s = "0" + s;
    return (neg ? "-" : "") + s.slice(0, s.length - e) + "." + s.slice(s.length - e);
  }
  function notice(node, kind, ...text) {
    clear(node);
    node.className = "notice " + kind;
    node.hidden = false;
    node.setAttribute("role", kind === "bad" ? "alert" : "status");
    node.append(...text.map((t) => (t instanceof Node ? t : document.createTextNode(String(t)))));
  }
  return { request, el, clear, money, notice };
})();
