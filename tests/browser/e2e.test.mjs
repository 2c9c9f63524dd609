// OpenSET in a real browser (issue 7): Debian's Chromium, driven by playwright-core, through a
// whole deployment started by `openset up` (tests/browser/run.sh). The story, in order:
//   1. the storefront explains what is wrong with an order form;
//   2. a cardholder shops, presses "Pay with SET", and the wallet (another program, on
//      127.0.0.1) shows the order and the amount; a wrong passphrase sends nothing; the right
//      one pays; the store shows the order paid;
//   3. the wallet refuses a purchase initiation whose amount is not the store's;
//   4. the back office ships (carrier, tracking number), captures, refunds, closes the batch;
//   5. the wallet's history shows the shipment, and SET's inquiry brings the capture;
//   6. the protocol explorer shows the merchant's view of the purchase without a PAN;
//   7. a new card is registered from the wallet's pages (SET certificate registration);
//   8. the pages fit a phone's screen.
// Screenshots of the main pages go to $OPENSET_SCREENSHOTS. No page may log an error or a
// Content-Security-Policy violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const DIR = process.env.OPENSET_DEPLOYMENT;
const SHOTS = process.env.OPENSET_SCREENSHOTS;
const deployment = JSON.parse(readFileSync(join(DIR, "deployment.json"), "utf8"));
const STORE = deployment.store;
const WALLET = deployment.services.find((s) => s.role === "wallet").url;
const TOKEN = readFileSync(join(DIR, "admin-token"), "utf8").trim();
const PASSPHRASE = readFileSync(join(DIR, "passphrase"), "utf8").trim();
const PAN = readFileSync(join(DIR, "wallet", "pan"), "utf8").trim();
const SPARE = JSON.parse(readFileSync(join(DIR, "wallet", "new-card"), "utf8"));

let browser;
let page;
const problems = []; // console errors, page errors, CSP violations

// A time N hours from now as <input type="datetime-local"> wants it (local time).
function localInput(hours) {
  const d = new Date(Date.now() + hours * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, name + ".png"), fullPage: true });
}

// Nothing a page shows or holds may contain a card number.
async function assertNoPan(where) {
  const html = await page.content();
  for (const pan of [PAN, SPARE.pan]) assert.ok(!html.includes(pan), `${where}: the page holds a card number`);
}

const digits = (text) => text.replace(/[^0-9]/g, "");

// Every story step leaves a screenshot of the page it failed on (failed-<n>.png).
function story(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, "failed-" + name.split(".")[0] + ".png"), fullPage: true }).catch(() => {});
      throw e;
    }
  });
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    chromiumSandbox: false, // root in CI: --no-sandbox
    args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // The story provokes refusals on purpose (a wrong token or passphrase, a refused hand-off, a
    // card number with a typo): Chromium logs each as a failed load. Anything else counts:
    // script errors, CSP violations, missing files (404), server errors (5xx).
    if (/Failed to load resource: the server responded with a status of (401|403|409|422)/.test(m.text())) return;
    problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
});

after(async () => {
  await browser?.close();
});

let quoteTotal = "";
let quoteId = "";

story("1. the storefront explains what is wrong with the order form", async () => {
  await page.goto(STORE + "/");
  await page.locator("[data-sku]").first().waitFor();
  await shot("store-catalog");
  // Nothing in the cart, a time in the past, no place: each field says what is wrong.
  await page.fill("#delivery-time", localInput(-48));
  await page.fill("#delivery-place", "");
  await page.click("#get-quote");
  const errors = page.locator(".field-error:visible");
  await errors.first().waitFor();
  const text = (await errors.allTextContents()).join(" | ");
  assert.match(text, /past|later/i, "a delivery time in the past is explained: " + text);
  assert.match(text, /where|place/i, "an empty place is explained: " + text);
  assert.match(text, /item|cart/i, "an empty cart is explained: " + text);
  // A quantity of zero, and an absurd one.
  const book = page.locator('[data-sku="BK-SET"]');
  for (const qty of ["0", "1000000"]) {
    await book.locator("input.qty").fill(qty);
    await book.locator("button").first().click();
    const err = page.locator(".field-error:visible", { hasText: /quantit/i });
    await err.first().waitFor();
  }
  await shot("store-form-errors");
});

story("2. shop, pay with SET in the wallet: a wrong passphrase sends nothing, the right one pays", async () => {
  await page.goto(STORE + "/");
  const book = page.locator('[data-sku="BK-SET"]');
  await book.waitFor();
  await book.locator("input.qty").fill("2");
  await book.locator("button").first().click();
  await page.locator("#cart").getByText(/SET: The Complete Guide/).first().waitFor();
  await page.selectOption("#delivery-method", "post");
  await page.fill("#delivery-time", localInput(72));
  await page.fill("#delivery-place", "1 Main Street, Springfield");
  await page.click("#get-quote");
  await page.locator("#quote").waitFor({ state: "visible" });
  quoteTotal = (await page.textContent("#quote-total")).trim();
  assert.ok(digits(quoteTotal).length > 0, "the merchant's answer shows a total");
  await assertNoPan("store");
  await shot("store-quote");
  assert.equal(await page.inputValue("#wallet-url"), WALLET, "the store knows this deployment's wallet");

  await page.click("#pay-with-set");
  await page.waitForURL((u) => u.href.startsWith(WALLET + "/pay?h="));
  quoteId = await page.evaluate(async () => {
    const h = new URLSearchParams(location.search).get("h");
    return (await (await fetch("/api/handoff?h=" + h)).json()).quote_id;
  });
  await page.locator("#payment").waitFor({ state: "visible" });
  const amount = await page.textContent("#amount");
  assert.equal(digits(amount), digits(quoteTotal), `the wallet shows the store's total (${amount} vs ${quoteTotal})`);
  assert.match(await page.textContent("#merchant"), /Harbour Street Bookshop/);
  await shot("wallet-pay");

  const before = (await (await page.request.get(WALLET + "/api/history")).json()).purchases.length;
  await page.fill("#passphrase", PASSPHRASE + "-wrong");
  await page.click("#pay");
  await page.locator('.field-error[data-for="passphrase"]', { hasText: /passphrase is wrong/ }).waitFor();
  assert.match(await page.textContent("#message"), /Nothing was sent/);
  const after = (await (await page.request.get(WALLET + "/api/history")).json()).purchases.length;
  assert.equal(after, before, "a wrong passphrase must not start a purchase");
  await shot("wallet-wrong-passphrase");

  await page.fill("#passphrase", PASSPHRASE);
  await page.click("#pay");
  await page.locator("#result").waitFor({ state: "visible" });
  assert.match(await page.textContent("#result-status"), /authorized/);
  assert.match(await page.textContent("#message"), /Paid/);
  await assertNoPan("wallet after paying");
  await shot("wallet-paid");

  await page.click("#return-to-store");
  await page.waitForURL((u) => u.href.startsWith(STORE + "/order"));
  await page.locator("#order-state").waitFor();
  await page.waitForFunction(() => /paid|authorized/i.test(document.querySelector("#order-state").textContent));
  await shot("store-order-paid");
});

story("3. the wallet refuses an initiation whose amount is not what the store quoted", async () => {
  await page.goto(STORE + "/");
  await page.locator("[data-sku]").first().waitFor();
  // A page that tampers with the initiation on its way to the wallet.
  await page.evaluate(async (wallet) => {
    const at = new Date(Date.now() + 72 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    const quote = await (await fetch("/store/quote", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ format: "openset-shop/1", store: "MER-0001", lines: [{ sku: "BK-SET", quantity: 1 }],
        delivery_at: at, delivery_place: "1 Main Street", delivery_method: "post" }),
    })).json();
    const text = await (await fetch("/store/accept", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ quote_id: quote.quote_id }),
    })).text();
    const tampered = text.replace(/^Purchase-Amount: (\d+) (\d+) (-?\d+)$/m, "Purchase-Amount: $1 1 $3");
    const form = document.createElement("form");
    form.method = "POST";
    form.action = wallet + "/pay";
    for (const [k, v] of Object.entries({ initiation: tampered, store: location.origin, quote_id: quote.quote_id })) {
      const i = document.createElement("input");
      i.type = "hidden"; i.name = k; i.value = v;
      form.append(i);
    }
    document.body.append(form);
    form.submit();
  }, WALLET);
  await page.waitForURL((u) => u.href.startsWith(WALLET + "/pay?h="));
  await page.locator("#message", { hasText: /refuses/ }).waitFor();
  assert.match(await page.textContent("#message"), /nothing was paid/);
  assert.equal(await page.locator("#pay").isVisible(), false, "no Pay button for a refused request");
  await shot("wallet-refused");
});

let tracking = "";

story("4. the back office ships, captures, refunds and closes the day's batch", async () => {
  await page.goto(STORE + "/office");
  await page.fill("#token", "not-the-token");
  await page.press("#token", "Enter");
  await page.getByText(/token/i).locator("visible=true").first().waitFor();
  await page.fill("#token", TOKEN);
  await page.press("#token", "Enter");
  const row = page.locator(`#orders tr[data-quote="${quoteId}"]`);
  await row.waitFor();
  assert.match(await row.locator(".state").textContent(), /authorized/);
  await row.locator('button[data-action="ship"]').click();
  await page.waitForFunction((id) => {
    const r = document.querySelector(`#orders tr[data-quote="${id}"]`);
    return r && /\S/.test(r.querySelector(".tracking").textContent) && /captured/.test(r.querySelector(".state").textContent);
  }, quoteId);
  tracking = (await row.locator(".tracking").textContent()).trim();
  assert.ok(tracking.length > 3, "a tracking number from the carrier");
  await shot("office-shipped");

  // A partial refund (CredReq): more than was captured is refused in the page, 1.00 goes through.
  await row.locator('button[data-action="refund"]').click();
  const refund = row.locator(".refund-form input");
  await refund.fill("999999.00");
  await row.locator('button[data-action="refund-confirm"]').click();
  await row.getByText(/can still be refunded/).waitFor();
  await refund.fill("1.00");
  await row.locator('button[data-action="refund-confirm"]').click();
  await page.waitForFunction((id) => /1\.00/.test(document.querySelector(`#orders tr[data-quote="${id}"] .refunded`).textContent), quoteId);
  await shot("office-refunded");
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `the back office is ${wide}px wider than the window`);

  await page.click("#close-batch");
  await page.locator("#settlement").getByText(/net|settled/i).first().waitFor();
  await assertNoPan("back office");
  await shot("office-settlement");
});

story("5. the wallet's history shows the shipment; SET's inquiry brings the capture", async () => {
  await page.goto(WALLET + "/history");
  const row = page.locator("#history tbody tr").first();
  await row.waitFor();
  await page.waitForFunction((t) => document.querySelector("#history tbody").textContent.includes(t), tracking);
  assert.match(await row.locator(".status").textContent(), /shipped/);
  await row.locator('button[data-action="inquire"]').click();
  await page.fill("#inquire-passphrase", PASSPHRASE);
  await page.click("#inquire-send");
  await page.locator("#message", { hasText: /merchant answered/ }).waitFor();
  assert.match(await page.textContent("#message"), /captured|refunded/);
  await assertNoPan("wallet history");
  await shot("wallet-history");
});

story("6. the protocol explorer shows the merchant's view without a PAN", async () => {
  await page.goto(STORE + "/explorer");
  // The back office's token is in this tab's sessionStorage already.
  const tx = page.locator("#transactions [data-tx]", { hasText: /\bPReq\b/ }).first();
  await tx.waitFor();
  await tx.click();
  const preq = page.locator('[data-type="PReq"]').first();
  await preq.waitFor();
  const types = await page.locator("[data-seq][data-type]").evaluateAll((els) => els.map((e) => e.dataset.type));
  for (const t of ["PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes"])
    assert.ok(types.includes(t), `the sequence diagram shows ${t}: ${types.join(", ")}`);
  await preq.click();
  const tree = page.locator("#message-tree");
  await tree.getByText(/gateway/i).first().waitFor();
  assert.match(await page.textContent("#viewer"), /merchant/i);
  const text = await tree.textContent();
  assert.match(text, /OIData/, "the order half is there for the merchant");
  assert.match(text, /opaque|sealed|cannot/i, "the payment half is marked opaque to the merchant");
  await assertNoPan("explorer");
  await shot("explorer-preq");

  // The wallet draws the same purchase from its own trail: the cardholder's view.
  await page.goto(WALLET + "/history");
  await page.locator("#history tbody tr").first().waitFor();
  await page.locator("#history tbody tr").last().getByRole("link", { name: "Messages" }).click();
  await page.waitForURL((u) => u.href.startsWith(WALLET + "/explorer"));
  const mine = page.locator('[data-type="PReq"]').first();
  await mine.waitFor();
  assert.match(await page.textContent("#viewer"), /cardholder/i);
  await mine.click();
  await page.locator("#message-tree").getByText(/gateway/i).first().waitFor();
  await assertNoPan("the wallet's explorer");
  await shot("explorer-cardholder");
});

story("7. a new card is registered from the wallet (SET cardholder registration)", async () => {
  await page.goto(WALLET + "/register");
  const typo = SPARE.pan.slice(0, -1) + (SPARE.pan.endsWith("0") ? "1" : "0");
  await page.fill("#pan", typo);
  await page.fill("#expiry", SPARE.expiry.slice(0, 4) + "-" + SPARE.expiry.slice(4));
  await page.click("#register-start");
  await page.locator('.field-error[data-for="pan"]', { hasText: /check digit/ }).waitFor();
  await page.fill("#pan", SPARE.pan);
  await page.fill("#label", "Spare card");
  await page.click("#register-start");
  await page.locator("#reg-fields").waitFor({ state: "visible" });
  const holder = { name: "Alice Example", "billing-address": "12 Elm Road, Springfield", "postal-code": "12345" };
  for (const input of await page.locator("#ca-fields input[data-field]").all()) {
    const name = await input.getAttribute("data-field");
    await input.fill(holder[name] || "x");
  }
  await page.fill("#new-passphrase", "spare card passphrase");
  await page.fill("#new-passphrase-again", "spare card passphrase");
  await shot("wallet-register-form");
  await page.click("#register-finish");
  await page.locator("#message", { hasText: /Registered/ }).waitFor({ timeout: 60000 });
  await page.click("#see-cards");
  await page.locator('[data-card]', { hasText: SPARE.pan.slice(-4) }).waitFor();
  await assertNoPan("wallet cards");
  await shot("wallet-cards");
});

story("8. the pages fit a phone's screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [url, name] of [[STORE + "/", "phone-store"], [WALLET + "/history", "phone-wallet-history"], [STORE + "/office", "phone-office"]]) {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${url} is ${overflow}px wider than a phone`);
    await shot(name);
  }
});

test("9. no page logged an error or a Content-Security-Policy violation", () => {
  assert.deepEqual(problems, []);
});
