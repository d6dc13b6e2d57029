// The drill-down panel: the picked slice's own summary, and the history rows (sample
// requests) of that slice. Rows need an API key: a user sees their own rows, an admin
// everybody's (`scope=all`).

import { ApiError, getJson, type HistoryItem, type Summary } from "./api";
import * as f from "./format";
import type { Drill, View } from "./view";

const SAMPLE_ROWS = 20;

export class DrillPanel {
  private readonly section = byId("drill");
  private readonly slice = byId("drill-slice");
  private readonly summary = byId("drill-summary");
  private readonly rows = byId("drill-rows");
  /** Drops answers to an older pick that arrive after a newer one. */
  private generation = 0;

  constructor(onClose: () => void) {
    byId("drill-close").addEventListener("click", onClose);
  }

  async show(view: View, key: string | null): Promise<void> {
    const drill = view.drill;
    this.section.hidden = !drill;
    if (!drill) return;
    const generation = ++this.generation;
    this.slice.textContent = describe(drill);
    const params = {
      ...view.filters,
      technique: drill.technique ?? view.filters.technique,
      from: drill.from,
      to: drill.to,
    };
    const [summary, rows] = await Promise.allSettled([
      getJson<Summary>("/api/v1/metrics/summary", params),
      this.history(drill, params, key),
    ]);
    if (generation !== this.generation) return;
    this.renderSummary(summary.status === "fulfilled" ? summary.value : null);
    if (rows.status === "fulfilled") this.renderRows(rows.value);
    else this.rows.innerHTML = `<p class="muted">${f.escapeHtml(String(rows.reason?.message ?? rows.reason))}</p>`;
  }

  /** The slice's history rows: its time span, and the technique, segment and region the
   *  metrics counted it under (a request counts under its first technique). */
  private async history(
    drill: Drill,
    slice: { technique?: string; segment?: string; region?: string },
    key: string | null,
  ): Promise<HistoryItem[] | string> {
    if (!key) return "Sign in with an admin key (top right) to see the sample requests of this slice.";
    const params = {
      date_from: drill.from,
      date_to: drill.to,
      primary_technique: slice.technique,
      segment: slice.segment,
      region: slice.region,
      limit: String(SAMPLE_ROWS),
      sort: "-created_at",
      scope: "all",
    };
    try {
      return (await getJson<{ data: HistoryItem[] }>("/api/v1/history", params, key)).data;
    } catch (e) {
      // A viewer key: the rows are every user's history, which only an admin reads.
      if (e instanceof ApiError && e.status === 403) {
        return "The sample requests are every user's history: they need an admin key (a viewer key shows the figures).";
      }
      throw e;
    }
  }

  private renderSummary(s: Summary | null): void {
    const items: [string, string][] = s
      ? [
          ["requests", f.count(s.requests)],
          ["p50", f.ms(s.latency_ms.p50)],
          ["p95", f.ms(s.latency_ms.p95)],
          ["p99", f.ms(s.latency_ms.p99)],
          ["error rate", f.percent(s.error_rate, 3)],
        ]
      : [["summary", "unavailable"]];
    this.summary.replaceChildren(
      ...items.map(([label, value]) => {
        const card = document.createElement("article");
        card.className = "card";
        card.innerHTML = `<h3>${label}</h3><output class="value" data-metric="drill-${label.replace(" ", "_")}">${value}</output>`;
        return card;
      }),
    );
  }

  private renderRows(rows: HistoryItem[] | string): void {
    if (typeof rows === "string") {
      this.rows.innerHTML = `<p class="muted">${f.escapeHtml(rows)}</p>`;
      return;
    }
    if (rows.length === 0) {
      this.rows.innerHTML = `<p class="muted">No stored requests in this slice.</p>`;
      return;
    }
    const table = document.createElement("table");
    table.className = "samples";
    table.innerHTML = `<thead><tr><th>Time</th><th>Intent</th><th>Techniques</th><th class="num">Engine (ms)</th><th>Prompt</th></tr></thead>`;
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      tr.dataset.historyId = row.id;
      tr.innerHTML = `<td>${f.dateTime(row.created_at)}</td><td>${f.escapeHtml(row.intent)}</td>`
        + `<td>${f.escapeHtml(row.techniques_used.join(", "))}</td>`
        + `<td class="num">${row.processing_time_ms.toFixed(3)}</td>`
        + `<td class="prompt" title="${f.escapeHtml(row.enhanced_text)}">${f.escapeHtml(row.original_text)}</td>`;
    }
    this.rows.replaceChildren(table);
  }
}

function describe(d: Drill): string {
  const parts = [`${f.dateTime(d.from)} – ${f.dateTime(d.to)}`];
  if (d.technique) parts.push(d.technique);
  if (d.latency) parts.push(`latency ${d.latency}`);
  return parts.join(" · ");
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}
