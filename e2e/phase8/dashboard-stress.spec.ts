// The dashboard under load: while the API takes 1000 req/s, several dashboards stay live,
// get every window within 5 s of its close, answer clicks, export; after the server is
// killed and restarted, each page reconnects and resumes without a gap or a duplicate.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { openDashboard, screenshot } from "./support/dashboard";
import { afterWindowsClose, Server, sleep } from "./support/server";

/** Dashboards checked for freshness and continuity, plus one that is clicked. */
const DASHBOARDS = 3;
const RATE = 1000;
const LOAD_SECONDS = 30;
const FRESHNESS_BUDGET_MS = 5000;

interface Received { seq: number; windowEnd: number; lagMs: number }

let server: Server;

test.beforeAll(async () => {
  server = await Server.start();
});

test.afterAll(async () => {
  await server?.stop();
});

/** Opens a dashboard in its own browser context and records every window frame it gets. */
async function dashboard(browser: Browser): Promise<{ page: Page; received: Received[] }> {
  const page = await (await browser.newContext()).newPage();
  const received: Received[] = [];
  page.on("websocket", (ws) => ws.on("framereceived", (frame) => {
    const at = Date.now();
    const message = JSON.parse(String(frame.payload)) as { type: string; seq: number; window_end: string };
    if (message.type !== "window") return;
    const windowEnd = Date.parse(message.window_end);
    received.push({ seq: message.seq, windowEnd, lagMs: at - windowEnd });
  }));
  await openDashboard(page, server.url, "", server.viewerKey);
  await expect(page.locator("#connection")).toHaveText("live");
  return { page, received };
}

test("dashboards stay live and responsive at 1000 req/s and recover from a server restart", async ({ browser }, info) => {
  const boards = await Promise.all(Array.from({ length: DASHBOARDS }, () => dashboard(browser)));
  const loadStart = Date.now();
  // The load must be delivered, at its rate and without errors; its latency is not this
  // spec's subject (sla-compliance.spec.ts is): a debug server beside four Chromium pages on
  // two cores does not hold the SLA's p95 through every stall.
  const load = server.load([
    "--rate", String(RATE), "--duration", `${LOAD_SECONDS}s`,
    "--threshold", "rate<0.001", "--threshold", `rps>=${RATE * 0.95}`,
  ]);
  await sleep(8_000);
  // Clicks while the API is under load, on one more dashboard (a filter change restarts its
  // stream with the older windows of the new filter, so its frames are not checked for order).
  const { page: first } = await dashboard(browser);
  const sortMs = await first.evaluate(async () => {
    const button = document.querySelector<HTMLButtonElement>('#techniques button[data-sort="p95"]')!;
    const t0 = performance.now();
    button.click();
    await new Promise(requestAnimationFrame);
    return performance.now() - t0;
  });
  expect(sortMs).toBeLessThan(200);
  // A filter is answered at once (the view changes, the panels show they are loading); the
  // data of every panel follows from the API under load. The acknowledgement is timed inside
  // the page, from the select's change event to the busy mark, so the test driver's own
  // round trips to the browser (hundreds of ms on two loaded cores) are not counted.
  await first.evaluate(() => {
    const main = document.querySelector("main")!;
    const marks: { changeAt: number; acks: number[] } = { changeAt: 0, acks: [] };
    (window as unknown as { ackMarks: typeof marks }).ackMarks = marks;
    document.querySelector('select[name="segment"]')!.addEventListener(
      "change",
      () => (marks.changeAt = performance.now()),
      { capture: true },
    );
    new MutationObserver(() => {
      if (main.getAttribute("aria-busy") === "true") marks.acks.push(performance.now() - marks.changeAt);
    }).observe(main, { attributes: true, attributeFilter: ["aria-busy"] });
  });
  const reloads: number[] = [];
  for (const segment of ["enterprise", ""]) {
    const before = await first.locator("body").getAttribute("data-loaded");
    const t0 = Date.now();
    await first.selectOption('select[name="segment"]', segment);
    await expect(first.locator("body")).not.toHaveAttribute("data-loaded", before ?? "");
    reloads.push(Date.now() - t0);
  }
  const acks = await first.evaluate(
    () => (window as unknown as { ackMarks: { acks: number[] } }).ackMarks.acks,
  );
  expect(acks).toHaveLength(2);
  expect(Math.max(...acks)).toBeLessThan(200);
  // Panels reload within the dashboard's own refresh period, even under load.
  expect(Math.max(...reloads)).toBeLessThan(FRESHNESS_BUDGET_MS);
  // Export during load.
  const [download] = await Promise.all([first.waitForEvent("download"), first.click("#export-csv")]);
  const csv = (await streamText(await download.createReadStream())).trim().split("\n");
  expect(csv[0]).toMatch(/^window_start,window_end,requests,/);
  expect(csv.length).toBeGreaterThan(5);
  await screenshot(first, info, "under-load");

  expect(await load).toBe(0); // the load was delivered: its rate, no errors
  const loadEnd = Date.now();
  await afterWindowsClose();

  // Every window closed during the load reached every page in time.
  const summary = await server.api<{ throughput_rps: number; requests: number }>(
    `/api/v1/metrics/summary?from=${new Date(loadStart + 2000).toISOString()}&to=${new Date(loadEnd - 2000).toISOString()}`,
  );
  expect(summary.throughput_rps).toBeGreaterThan(RATE * 0.9);
  const duringLags: number[] = [];
  for (const { received } of boards) {
    const during = received.filter((r) => r.windowEnd > loadStart && r.windowEnd <= loadEnd);
    duringLags.push(...during.map((r) => r.lagMs));
    expect(during.length).toBeGreaterThanOrEqual(LOAD_SECONDS - 2);
    expectContiguous(during.map((r) => r.seq));
    expect(Math.max(...during.map((r) => r.lagMs))).toBeLessThan(FRESHNESS_BUDGET_MS);
  }

  // Kill the server; every page notices, then reconnects to the restarted one by itself.
  const beforeKill = boards.map((b) => b.received.length);
  await server.kill();
  for (const { page } of boards) await expect(page.locator("#connection")).toHaveText("reconnecting…");
  await sleep(1500);
  await server.spawn();
  for (const { page } of boards) await expect(page.locator("#connection")).toHaveText("live", { timeout: 20_000 });
  await sleep(3000);
  await afterWindowsClose();
  for (const [i, { received }] of boards.entries()) {
    expect(received.length).toBeGreaterThan(beforeKill[i]!);
    const seqs = received.map((r) => r.seq);
    expect(new Set(seqs).size, "no window twice").toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b), "in order").toEqual(seqs);
    // No gap: every window the store has between the first and last received reached the page.
    const stored = await storedSeqs(seqs[0]!, seqs[seqs.length - 1]!);
    const missing = stored.filter((s) => !seqs.includes(s));
    expect(missing, "stored windows the page never got").toEqual([]);
  }
  await screenshot(first, info, "after-restart");
  // B8's figure: how long after its close a window reached the browser, under load.
  const lags = duringLags.sort((a, b) => a - b);
  const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
  console.log(`freshness at ${RATE} req/s: ${lags.length} windows on ${DASHBOARDS} pages, p50 ${at(0.5)} ms, `
    + `p99 ${at(0.99)} ms, max ${lags[lags.length - 1]} ms; sort click ${sortMs.toFixed(1)} ms; `
    + `filter answered in ${acks.map((ms) => ms.toFixed(1)).join(", ")} ms, panels reloaded in ${reloads.join(", ")} ms`);
});

/** Window seqs the server stored in [first, last] (1-second windows: seq = start second). */
async function storedSeqs(first: number, last: number): Promise<number[]> {
  const from = new Date(first * 1000).toISOString();
  const to = new Date((last + 1) * 1000).toISOString();
  const rows = await server.api<{ window_start: string }[]>(
    `/api/v1/metrics/export?format=json&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  return rows.map((r) => Date.parse(r.window_start) / 1000).filter((s) => s >= first && s <= last);
}

function expectContiguous(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `window after ${seqs[i - 1]}`).toBe(seqs[i - 1]! + 1);
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
