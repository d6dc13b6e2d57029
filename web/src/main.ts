// The dashboard: reads the view from the URL, loads every panel from the metrics API, and
// follows the live stream. Panels only display what the server computed.

import { download, getJson, needsKey, useKey, type Heatmap, type InstanceReport, type LoadRun, type Summary, type SummaryFields, type TechniqueRow,
  type Timeseries, type WindowMessage } from "./api";
import { Cards } from "./cards";
import { LineChart, PALETTE } from "./charts";
import { DrillPanel, byId } from "./drilldown";
import * as f from "./format";
import { HeatmapView, type HeatmapData } from "./heatmap";
import { LiveCharts } from "./livecharts";
import { type ConnectionState, LiveStream } from "./live";
import { InstancePanel } from "./instances";
import { LoadRunPanel } from "./loadrun";
import { TechniqueTable } from "./techniques";
import "./styles.css";
import { apiParams, FILTER_NAMES, isLive, readView, type View, writeView } from "./view";

/** Ranges up to this long are re-read as windows close; longer ones every minute. */
const FAST_RANGE_SECONDS = 2 * 3600;
const SUMMARY_EVERY_MS = 2_000;
const PANELS_EVERY_MS = 15_000;
const SLOW_PANELS_EVERY_MS = 60_000;
const KEY_STORAGE = "betterprompts.api_key";

class Dashboard {
  private view: View = readView();
  private readonly form = byId<HTMLFormElement>("filters");
  private readonly cards = new Cards(byId("cards"));
  private readonly live = new LiveCharts();
  private readonly trends = {
    throughput: new LineChart(byId("trend-throughput"), {
      title: "Throughput", unit: "req/s", series: [{ label: "all", color: PALETTE[0]! }],
      onSelect: (a, b) => this.zoom(a, b), onPick: (x) => this.drillAt(x),
    }),
    latency: new LineChart(byId("trend-latency"), {
      title: "Latency", unit: "ms",
      series: [{ label: "p50", color: PALETTE[3]! }, { label: "p95", color: PALETTE[1]! }, { label: "p99", color: PALETTE[2]! }],
      onSelect: (a, b) => this.zoom(a, b), onPick: (x) => this.drillAt(x),
    }),
    errors: new LineChart(byId("trend-errors"), {
      title: "Error rate", unit: "%", scale: 100, series: [{ label: "errors", color: PALETTE[2]! }],
      onSelect: (a, b) => this.zoom(a, b), onPick: (x) => this.drillAt(x),
    }),
    resources: new LineChart(byId("trend-resources"), {
      title: "Process CPU", unit: "%", series: [{ label: "cpu", color: PALETTE[4]! }],
      onSelect: (a, b) => this.zoom(a, b), onPick: (x) => this.drillAt(x),
    }),
  };
  private trendStepSeconds = 5;
  private readonly latencyHeat = new HeatmapView(byId("heat-latency"), (d, c) => this.drillHeat(d, c.column, {
    latency: d.rows[c.row] ?? "",
  }));
  private readonly techniqueHeat = new HeatmapView(byId("heat-techniques"), (d, c) => this.drillHeat(d, c.column, {
    technique: d.rows[c.row] ?? "",
  }));
  private readonly table = new TechniqueTable(byId<HTMLTableElement>("techniques"), (t) => this.drillTechnique(t));
  private readonly drill = new DrillPanel(() => this.setView({ ...this.view, drill: undefined }));
  private readonly loadRun = new LoadRunPanel();
  private readonly instances = new InstancePanel();
  private stream: LiveStream | null = null;
  private windowSeconds = 5;
  private lastWindow: SummaryFields | null = null;
  private lastSummaryAt = 0;
  private lastPanelsAt = 0;
  private key: string | null = takeKey();
  /** Every technique id, so the technique heat map keeps one row each (no layout shift). */
  private techniqueIds: string[] = [];

  async start(): Promise<void> {
    useKey(this.key);
    this.wireForm();
    this.wireKeyDialog();
    this.wireExports();
    window.addEventListener("popstate", () => {
      this.view = readView();
      void this.reload();
    });
    await this.fillTechniques();
    await this.connect();
    setInterval(() => void this.pollLoadRuns(), 5_000);
  }

  /** Reads the window length, follows the stream and loads the panels; or, when the figures
   * need a key this tab does not have, says so instead of showing empty panels. */
  private async connect(): Promise<void> {
    let probe: Summary | null = null;
    try {
      probe = await getJson<Summary>("/api/v1/metrics/summary", { from: "-1m" });
    } catch (e) {
      if (needsKey(e)) {
        this.stream?.close();
        this.stream = null;
        showNeedsKey(true, this.key !== null);
        return;
      }
    }
    showNeedsKey(false, false);
    this.windowSeconds = probe?.resolution_seconds ?? 5;
    this.restartStream();
    await this.reload();
    void this.pollLoadRuns();
  }

  /** Loads every panel for the current view. */
  private async reload(): Promise<void> {
    if (document.body.dataset.auth === "needed") return;
    this.showView();
    this.lastPanelsAt = Date.now();
    setBusy(true);
    const results = await Promise.allSettled([this.refreshSummary(), this.refreshPanels(), this.drill.show(this.view, this.key)]);
    setBusy(false);
    // A key revoked or expired while the page was open.
    if (results.some((r) => r.status === "rejected" && needsKey(r.reason))) {
      this.stream?.close();
      this.stream = null;
      showNeedsKey(true, this.key !== null);
    }
    document.body.dataset.loaded = String(Date.now());
  }

  private async refreshSummary(): Promise<void> {
    this.lastSummaryAt = Date.now();
    const summary = await getJson<Summary>("/api/v1/metrics/summary", apiParams(this.view));
    this.cards.update(summary, isLive(this.view));
    byId("empty").hidden = summary.requests > 0;
    document.body.dataset.summaryRequests = String(summary.requests);
  }

  private async refreshPanels(): Promise<void> {
    const params = apiParams(this.view);
    const series = (metric: string, extra: Record<string, string> = {}) =>
      getJson<Timeseries>("/api/v1/metrics/timeseries", { ...params, metric, ...extra });
    const heatMetric = byId<HTMLSelectElement>("heat-metric").value;
    const [throughput, p50, p95, p99, errors, cpu, heat, byTechnique, byRegion, techniques, instances] = await Promise.all([
      series("throughput_rps"), series("latency_p50_ms"), series("latency_p95_ms"), series("latency_p99_ms"),
      series("error_rate"), series("cpu_percent"),
      getJson<Heatmap>("/api/v1/metrics/heatmap", params),
      series(heatMetric, { group_by: "technique" }),
      series("requests", { group_by: "region" }),
      getJson<TechniqueRow[]>("/api/v1/metrics/techniques", params),
      getJson<InstanceReport[]>("/api/v1/metrics/instances", params),
    ]);
    const xs = throughput.timestamps_unix_us.map((t) => t / 1e6);
    this.trendStepSeconds = throughput.step_seconds;
    const first = (t: Timeseries) => t.groups[0]?.values ?? xs.map(() => null);
    this.trends.throughput.setData(xs, [first(throughput)]);
    this.trends.latency.setData(xs, [first(p50), first(p95), first(p99)]);
    this.trends.errors.setData(xs, [first(errors)]);
    this.trends.resources.setData(xs, [first(cpu)]);
    this.latencyHeat.setData(latencyHeatmap(heat));
    this.techniqueHeat.setData(techniqueHeatmap(byTechnique, heatMetric, this.techniqueIds));
    this.table.setRows(techniques);
    this.fillOptions("region", byRegion.groups.map((g) => g.name));
    this.instances.update(instances);
    this.fillOptions("source", instances.map((i) => i.source));
  }

  private onWindow(w: WindowMessage, receivedAtMs: number): void {
    this.lastWindow = w;
    const lagMs = receivedAtMs - Date.parse(w.window_end);
    this.live.push(w);
    if (isLive(this.view)) {
      this.cards.updateSla(w);
      if (w.requests > 0) byId("empty").hidden = true;
    }
    byId("last-window").textContent = `window ${f.time(Date.parse(w.window_end) * 1000)} · on screen ${(lagMs / 1000).toFixed(1)} s after close`;
    document.body.dataset.lastSeq = String(w.seq);
    document.body.dataset.lastLagMs = String(Math.round(lagMs));
    if (!isLive(this.view)) return;
    const now = Date.now();
    if (now - this.lastSummaryAt >= SUMMARY_EVERY_MS) void this.refreshSummary().catch(() => undefined);
    const every = rangeSeconds(this.view) <= FAST_RANGE_SECONDS ? PANELS_EVERY_MS : SLOW_PANELS_EVERY_MS;
    if (now - this.lastPanelsAt >= every) {
      this.lastPanelsAt = now;
      void this.refreshPanels().catch(() => undefined);
    }
  }

  private async pollLoadRuns(): Promise<void> {
    if (document.body.dataset.auth === "needed") return;
    const runs = await getJson<LoadRun[]>("/api/v1/load-runs").catch(() => []);
    this.loadRun.update(runs, this.lastWindow);
  }

  /** The live charts show the last windows for the view's filters. */
  private restartStream(): void {
    this.stream?.close();
    this.live.clear();
    const nowSeq = Math.floor(Date.now() / 1000 / this.windowSeconds);
    this.stream = new LiveStream({
      since: nowSeq - LiveCharts.POINTS,
      filters: () => ({ ...this.view.filters }),
      key: () => this.key,
      onWindow: (w, at) => this.onWindow(w, at),
      onState: (s) => setConnection(s),
    });
  }

  private setView(view: View): void {
    // The click is answered before any other work: the panels say they are loading (dimmed,
    // same size) until the numbers of the new view arrive.
    setBusy(true);
    const filtersChanged = FILTER_NAMES.some((n) => view.filters[n] !== this.view.filters[n]);
    this.view = view;
    history.pushState(null, "", `${location.pathname}${writeView(view)}`);
    if (filtersChanged) this.restartStream();
    void this.reload();
  }

  private zoom(fromSec: number, toSec: number): void {
    this.setView({
      ...this.view,
      range: "custom",
      from: new Date(fromSec * 1000).toISOString(),
      to: new Date(toSec * 1000).toISOString(),
      drill: undefined,
    });
  }

  private drillAt(atSec: number, extra: { technique?: string; latency?: string } = {}): void {
    this.setView({
      ...this.view,
      drill: {
        from: new Date(atSec * 1000).toISOString(),
        to: new Date((atSec + this.trendStepSeconds) * 1000).toISOString(),
        ...extra,
      },
    });
    byId("drill").scrollIntoView({ block: "nearest" });
  }

  private drillHeat(d: HeatmapData, column: number, extra: { technique?: string; latency?: string }): void {
    const at = d.columns[column];
    if (at === undefined) return;
    this.trendStepSeconds = d.stepSeconds;
    this.drillAt(at, extra);
  }

  private drillTechnique(technique: string): void {
    const to = this.view.range === "custom" && this.view.to ? this.view.to : new Date().toISOString();
    const from = this.view.range === "custom" && this.view.from
      ? this.view.from
      : new Date(Date.now() - rangeSeconds(this.view) * 1000).toISOString();
    this.setView({ ...this.view, drill: { from, to, technique } });
    byId("drill").scrollIntoView({ block: "nearest" });
  }

  /** Puts the view into the form and the export links. */
  private showView(): void {
    const v = this.view;
    const field = (name: string) => this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    field("range").value = v.range;
    this.form.dataset.range = v.range;
    if (v.range === "custom" && v.from && v.to) {
      field("from").value = f.toLocalInput(v.from);
      field("to").value = f.toLocalInput(v.to);
    }
    for (const name of FILTER_NAMES) {
      const select = field(name) as HTMLSelectElement;
      const value = v.filters[name] ?? "";
      if (value && ![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
      select.value = value;
    }
    byId("overview-range").textContent = v.range === "custom" && v.from && v.to
      ? `${f.dateTime(v.from)} – ${f.dateTime(v.to)}`
      : `last ${v.range}`;
    const query = new URLSearchParams(Object.entries(apiParams(v)).filter((e): e is [string, string] => !!e[1]));
    for (const format of ["csv", "json"]) {
      const link = byId<HTMLAnchorElement>(`export-${format}`);
      link.href = `/api/v1/metrics/export?format=${format}&${query}`;
      link.download = `betterprompts-metrics.${format}`;
    }
  }

  private wireForm(): void {
    this.form.addEventListener("submit", (e) => e.preventDefault());
    this.form.addEventListener("change", (e) => {
      const target = e.target as HTMLInputElement | HTMLSelectElement;
      const next: View = { ...this.view, filters: { ...this.view.filters }, drill: undefined };
      if (target.name === "range") {
        next.range = target.value as View["range"];
        if (next.range === "custom") {
          // Start from the range on screen; the user then edits the bounds.
          next.to = new Date().toISOString();
          next.from = new Date(Date.now() - rangeSeconds(this.view) * 1000).toISOString();
        }
      } else if (target.name === "from" || target.name === "to") {
        const iso = f.fromLocalInput(target.value);
        if (!iso) return;
        next[target.name] = iso;
      } else if ((FILTER_NAMES as readonly string[]).includes(target.name)) {
        const name = target.name as (typeof FILTER_NAMES)[number];
        if (target.value) next.filters[name] = target.value;
        else delete next.filters[name];
      } else {
        return;
      }
      this.setView(next);
    });
    byId("heat-metric").addEventListener("change", () => void this.refreshPanels());
  }

  private wireKeyDialog(): void {
    const dialog = byId<HTMLDialogElement>("key-dialog");
    const button = byId<HTMLButtonElement>("sign-in");
    const label = () => { button.textContent = this.key ? "API key ✓" : "API key…"; };
    label();
    button.addEventListener("click", () => dialog.showModal());
    byId("needs-key-sign-in").addEventListener("click", () => dialog.showModal());
    dialog.addEventListener("close", () => {
      const input = dialog.querySelector<HTMLInputElement>("input[name=key]");
      if (dialog.returnValue === "ok" && input) {
        this.key = input.value.trim() || null;
        if (this.key) sessionStorage.setItem(KEY_STORAGE, this.key);
        else sessionStorage.removeItem(KEY_STORAGE);
        useKey(this.key);
        input.value = "";
        label();
        void this.connect();
      }
    });
  }

  /** The export links download with the tab's key (a plain link cannot carry it). */
  private wireExports(): void {
    for (const format of ["csv", "json"]) {
      byId(`export-${format}`).addEventListener("click", (e) => {
        e.preventDefault();
        void download("/api/v1/metrics/export", { ...apiParams(this.view), format }, `betterprompts-metrics.${format}`)
          .catch((err: unknown) => { if (needsKey(err)) showNeedsKey(true, this.key !== null); });
      });
    }
  }

  private async fillTechniques(): Promise<void> {
    const techniques = await getJson<{ id: string }[]>("/api/v1/techniques").catch(() => []);
    this.techniqueIds = techniques.map((t) => t.id);
    this.fillOptions("technique", this.techniqueIds);
  }

  private fillOptions(name: string, values: string[]): void {
    const select = this.form.elements.namedItem(name) as HTMLSelectElement;
    const known = new Set([...select.options].map((o) => o.value));
    for (const v of values) if (!known.has(v)) select.add(new Option(v, v));
  }
}

function latencyHeatmap(h: Heatmap): HeatmapData {
  const rows = h.upper_bounds_ms.map((b) => `≤ ${b} ms`);
  rows.push(`> ${h.upper_bounds_ms[h.upper_bounds_ms.length - 1] ?? 0} ms`);
  return {
    columns: h.timestamps_unix_us.map((t) => t / 1e6),
    stepSeconds: h.step_seconds,
    rows,
    values: h.counts,
    show: (v) => `${f.count(v)} requests`,
  };
}

function techniqueHeatmap(t: Timeseries, metric: string, techniques: string[]): HeatmapData {
  const byName = new Map(t.groups.map((g) => [g.name, g.values]));
  // Requests without a technique (history reads, health) are the row "none".
  const rows = [...new Set([...techniques, ...byName.keys(), "none"])].sort().reverse();
  const show = metric === "latency_p95_ms" ? f.ms : metric === "error_rate" ? (v: number) => f.percent(v, 2)
    : (v: number) => `${f.count(v)} requests`;
  return {
    columns: t.timestamps_unix_us.map((x) => x / 1e6),
    stepSeconds: t.step_seconds,
    rows,
    values: t.timestamps_unix_us.map((_, c) => rows.map((name) => byName.get(name)?.[c] ?? null)),
    show,
  };
}

function rangeSeconds(view: View): number {
  if (view.range === "custom" && view.from && view.to) return (Date.parse(view.to) - Date.parse(view.from)) / 1000;
  const units: Record<string, number> = { m: 60, h: 3600, d: 86400 };
  const n = parseInt(view.range, 10);
  return n * (units[view.range.slice(-1)] ?? 60);
}

/** Marks the panels as loading (dimmed by the stylesheet) or loaded. */
function setBusy(busy: boolean): void {
  document.querySelector("main")?.setAttribute("aria-busy", String(busy));
}

/** The "needs a viewer key" state: the panels give way to a sign-in prompt. */
function showNeedsKey(needed: boolean, keyRefused: boolean): void {
  document.body.dataset.auth = needed ? "needed" : "ok";
  byId("needs-key").hidden = !needed;
  byId("needs-key-refused").hidden = !keyRefused;
  if (needed) setConnectionText("signed out");
}

function setConnectionText(text: string): void {
  const pill = byId("connection");
  pill.dataset.state = "signed-out";
  pill.textContent = text;
}

function setConnection(state: ConnectionState): void {
  const pill = byId("connection");
  pill.dataset.state = state;
  pill.textContent = state === "live" ? "live" : state === "connecting" ? "connecting…" : "reconnecting…";
}

/** The key from `#key=…` (the demo prints such a link) or from this tab's storage. */
function takeKey(): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromHash) {
    sessionStorage.setItem(KEY_STORAGE, fromHash);
    history.replaceState(null, "", `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

void new Dashboard().start();
