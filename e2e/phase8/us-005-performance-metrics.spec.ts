// US-005 "As a data scientist, I want to see performance metrics": the dashboard renders
// the API's own numbers, filters every panel, goes back in time, draws heat maps, drills
// down to history rows and exports the view.
import { expect, type Request, test } from "@playwright/test";
import { cardValue, customRange, openDashboard, reloadAfter, screenshot } from "./support/dashboard";
import { afterWindowsClose, Server } from "./support/server";

interface Summary { requests: number; windows: number; sla: { overall: { compliant: boolean; availability: { value: number | null } } }; [k: string]: unknown }
interface TechniqueRow { technique: string; requests: number }

let server: Server;
let from: Date;
let to: Date;
let range: string;
let busiest: string;

test.beforeAll(async () => {
  server = await Server.start();
  from = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
  // Traffic of every kind: the default mix (enhance, batch, history), tagged regions, feedback.
  expect(await server.load(["--rate", "40", "--duration", "6s"])).toBe(0);
  for (const region of ["eu-west", "ap-south"]) {
    await server.api("/api/v1/enhance", {
      method: "POST",
      headers: { "x-region": region },
      body: JSON.stringify({ text: `Summarise the quarterly sales report for ${region}` }),
    });
  }
  const history = await server.api<{ data: { id: string; techniques_used: string[] }[] }>("/api/v1/history?limit=3");
  for (const [i, row] of history.data.entries()) {
    await server.api("/api/v1/feedback", {
      method: "POST",
      body: JSON.stringify({ prompt_history_id: row.id, rating: 3 + i, most_helpful_technique: row.techniques_used[0] }),
    });
  }
  await afterWindowsClose();
  // Only windows that closed (and were stored) a while ago, so the range never changes.
  to = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
  range = customRange(from, to);
  const rows = await server.api<TechniqueRow[]>(`/api/v1/metrics/techniques?${apiRange()}`);
  busiest = rows.find((r) => r.technique !== "none")?.technique ?? "";
  expect(busiest).not.toBe("");
});

test.afterAll(async () => {
  await server?.stop();
});

function apiRange(extra = ""): string {
  return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}${extra}`;
}

test("metrics render and equal the API's numbers for the same range", async ({ page }, info) => {
  await openDashboard(page, server.url, range, server.adminKey);
  const api = await server.api<Summary & Record<string, any>>(`/api/v1/metrics/summary?${apiRange()}`);
  expect(api.requests).toBeGreaterThan(200);
  const expected: Record<string, unknown> = {
    throughput_rps: api.throughput_rps,
    p50: api.latency_ms.p50,
    p95: api.latency_ms.p95,
    p99: api.latency_ms.p99,
    error_rate: api.error_rate,
    availability: api.sla.overall.availability.value,
    concurrent_users: api.concurrent_users,
    cpu_percent: api.cpu_percent,
    memory_bytes: api.memory_bytes,
    db_in_use: api.db?.in_use,
    db_wal: api.db?.wal_bytes,
    cache_hit_rate: api.cache_hit_rate,
    accuracy_labelled: api.technique_accuracy.labelled,
    satisfaction: api.satisfaction.mean_rating,
    cost_per_request_usd: api.cost_per_request_usd,
  };
  for (const [metric, value] of Object.entries(expected)) {
    expect(await cardValue(page, metric), metric).toBe(value == null ? "" : String(value));
  }
  expect(api.satisfaction.ratings).toBe(3);
  await expect(page.locator("body")).toHaveAttribute("data-summary-requests", String(api.requests));
  await expect(page.locator('output[data-metric="sla"]')).toHaveAttribute("data-value", String(api.sla.overall.compliant));
  // The technique table has the API's rows and counts.
  const rows = await server.api<TechniqueRow[]>(`/api/v1/metrics/techniques?${apiRange()}`);
  await expect(page.locator("#techniques tbody tr")).toHaveCount(rows.length);
  for (const row of rows) {
    await expect(page.locator(`#techniques tr[data-technique="${row.technique}"] td`).nth(1))
      .toHaveText(row.requests.toLocaleString("en-US"));
  }
  await expect(page.locator("#connection")).toHaveText("live");
  await screenshot(page, info, "overview");
});

test("filters change every panel and stay in the URL", async ({ page }, info) => {
  await openDashboard(page, server.url, range, server.adminKey);
  const requests: Request[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/v1/metrics/")) requests.push(r); });
  await reloadAfter(page, () => page.selectOption('select[name="technique"]', busiest).then(() => undefined));
  expect(page.url()).toContain(`technique=${busiest}`);
  const panels = new Set(requests.map((r) => new URL(r.url()).pathname.replace("/api/v1/metrics/", "")));
  expect([...panels].sort()).toEqual(["heatmap", "instances", "summary", "techniques", "timeseries"]);
  for (const r of requests) expect(new URL(r.url()).searchParams.get("technique"), r.url()).toBe(busiest);
  const filtered = await server.api<Summary>(`/api/v1/metrics/summary?${apiRange(`&technique=${busiest}`)}`);
  await expect(page.locator("body")).toHaveAttribute("data-summary-requests", String(filtered.requests));
  await expect(page.locator("#techniques tbody tr")).toHaveCount(1);
  // One instance serves this test: the fleet table lists it, up.
  await expect(page.locator("#instances tbody tr")).toHaveCount(1);
  await expect(page.locator("#instances tbody tr .pill")).toHaveText("up");

  // Segment and region too, and a shared link opens the same view.
  await reloadAfter(page, () => page.selectOption('select[name="segment"]', "enterprise").then(() => undefined));
  await page.selectOption('select[name="region"]', "eu-west");
  await expect(page).toHaveURL(/region=eu-west/);
  const link = page.url();
  const both = await server.api<Summary>(
    `/api/v1/metrics/summary?${apiRange(`&technique=${busiest}&segment=enterprise&region=eu-west`)}`,
  );
  // A shared link carries no key: the new tab asks for one instead of showing empty panels,
  // refuses a user key (the figures are every tenant's business data), and with a viewer
  // key shows the same view, the key again kept out of the address bar.
  expect(link).not.toContain(server.adminKey);
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(fresh.locator("#needs-key")).toBeVisible();
  await expect(fresh.locator("#needs-key")).toContainText("needs a viewer key");
  await expect(fresh.locator("main")).toBeHidden();
  const { key: userKey } = await server.api<{ key: string }>("/api/v1/admin/keys", {
    method: "POST", body: JSON.stringify({ name: "e2e-user", tier: "pro", role: "user" }),
  });
  for (const key of [userKey, server.viewerKey]) {
    await fresh.click("#needs-key-sign-in");
    await fresh.fill('#key-dialog input[name="key"]', key);
    await fresh.click('#key-dialog button[value="ok"]');
    if (key === userKey) await expect(fresh.locator("#needs-key-refused")).toBeVisible();
  }
  await expect(fresh.locator("body[data-loaded]")).toBeAttached();
  await expect(fresh.locator("#needs-key")).toBeHidden();
  expect(fresh.url()).not.toContain(server.viewerKey);
  await expect(fresh.locator('select[name="technique"]')).toHaveValue(busiest);
  await expect(fresh.locator('select[name="segment"]')).toHaveValue("enterprise");
  await expect(fresh.locator('select[name="region"]')).toHaveValue("eu-west");
  await expect(fresh.locator("body")).toHaveAttribute("data-summary-requests", String(both.requests));
  await screenshot(fresh, info, "filtered");
});

test("history ranges and zooming by selection", async ({ page }, info) => {
  await openDashboard(page, server.url, "", server.viewerKey);
  for (const [value, apiFrom] of [["1h", "-1h"], ["24h", "-24h"], ["7d", "-7d"]] as const) {
    await reloadAfter(page, () => page.selectOption('select[name="range"]', value).then(() => undefined));
    await expect(page).toHaveURL(new RegExp(`range=${value}`));
    await expect(page.locator("#overview-range")).toHaveText(`last ${value}`);
    // A live range grows with every window (the page's own reads are requests too), so the
    // page and the API are compared at the same moment, until they agree between two
    // window closes.
    await expect
      .poll(async () => {
        const api = await server.api<Summary>(`/api/v1/metrics/summary?from=${apiFrom}`);
        return (await page.locator("body").getAttribute("data-summary-requests")) === String(api.requests);
      })
      .toBe(true);
  }
  // Drag across the throughput chart: the view zooms to a custom range.
  await openDashboard(page, server.url, range, server.viewerKey);
  const over = page.locator("#trend-throughput .u-over");
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  if (!box) throw new Error("chart not drawn");
  await reloadAfter(page, async () => {
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  });
  const url = new URL(page.url());
  expect(url.searchParams.get("range")).toBe("custom");
  const zoomedFrom = Date.parse(url.searchParams.get("from") ?? "");
  const zoomedTo = Date.parse(url.searchParams.get("to") ?? "");
  expect(zoomedFrom).toBeGreaterThan(from.getTime());
  expect(zoomedTo).toBeLessThan(to.getTime());
  await screenshot(page, info, "zoomed");
});

test("heat maps render and a cell drills down", async ({ page }, info) => {
  await openDashboard(page, server.url, range, server.adminKey);
  const latency = page.locator("#heat-latency canvas");
  const techniques = page.locator("#heat-techniques canvas");
  await expect(latency).toHaveAttribute("data-columns", /^[1-9]\d*$/);
  await expect(techniques).toHaveAttribute("data-columns", /^[1-9]\d*$/);
  await page.selectOption("#heat-metric", "latency_p95_ms");
  await expect(techniques).toHaveAttribute("data-columns", /^[1-9]\d*$/);
  await screenshot(page, info, "heatmaps");
  // Keyboard: focus the technique map, move to a cell, Enter drills down to it.
  await techniques.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await expect(page.locator("#drill")).toBeVisible();
  await expect(page).toHaveURL(/drill_technique=/);
});

test("drill-down reaches the history rows of the slice", async ({ page }, info) => {
  await openDashboard(page, server.url, range, server.adminKey);
  await page.locator(`#techniques button:text-is("${busiest}")`).click();
  await expect(page.locator("#drill")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`drill_technique=${busiest}`));
  const rows = page.locator("#drill-rows table.samples tbody tr");
  await expect(rows.first()).toBeVisible();
  // The rows are the cell's: a request counts under its first technique.
  for (const text of await rows.locator("td:nth-child(3)").allTextContents()) expect(text.split(", ")[0]).toBe(busiest);
  // Every row shown is a real history row of the server.
  const id = await rows.first().getAttribute("data-history-id");
  const item = await server.api<{ techniques_used: string[] }>(`/api/v1/history/${id}`);
  expect(item.techniques_used[0]).toBe(busiest);
  await screenshot(page, info, "drill-down");

  // With a viewer key the panel says the rows need an admin key instead of failing.
  const anonymous = await page.context().browser()!.newPage();
  await openDashboard(anonymous, server.url, `${range}&drill_from=${encodeURIComponent(from.toISOString())}&drill_to=${encodeURIComponent(to.toISOString())}`, server.viewerKey);
  await expect(anonymous.locator("#drill-rows")).toContainText("they need an admin key");
  await anonymous.close();
});

test("exports download valid CSV and JSON of the view", async ({ page }) => {
  await openDashboard(page, server.url, range, server.viewerKey);
  const api = await server.api<Summary>(`/api/v1/metrics/summary?${apiRange()}`);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const text = await streamText(await csv.createReadStream());
  const [header, ...lines] = text.trim().split("\n");
  expect(header?.split(",").slice(0, 3)).toEqual(["window_start", "window_end", "requests"]);
  const total = lines.reduce((sum, line) => sum + Number(line.split(",")[2]), 0);
  expect(total).toBe(api.requests);
  const [json] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
  const rows = JSON.parse(await streamText(await json.createReadStream())) as { requests: number }[];
  expect(rows.length).toBe(lines.length);
  expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(api.requests);
});

test("an empty range says what to do", async ({ page }, info) => {
  await openDashboard(page, server.url, customRange(new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T01:00:00Z")), server.viewerKey);
  await expect(page.locator("#empty")).toBeVisible();
  await expect(page.locator("#empty")).toContainText("betterprompts load --profile baseline");
  await screenshot(page, info, "empty");
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
