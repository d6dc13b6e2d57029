// The overview cards. The DOM is built once and only text changes on update, so nothing
// shifts; each value also sits raw in `data-value` for tests and copy-paste.

import type { Summary, SummaryFields, Target } from "./api";
import * as f from "./format";

interface CardSpec {
  id: string;
  label: string;
  value: (s: Summary) => number | null | undefined;
  show: (v: number | null | undefined) => string;
  detail?: (s: Summary) => string;
  title?: string;
}

const CARDS: CardSpec[] = [
  { id: "throughput_rps", label: "Throughput", value: (s) => s.throughput_rps, show: f.rps,
    detail: (s) => `${f.count(s.requests)} requests` },
  { id: "p50", label: "p50 latency", value: (s) => s.latency_ms.p50, show: f.ms },
  { id: "p95", label: "p95 latency", value: (s) => s.latency_ms.p95, show: f.ms },
  { id: "p99", label: "p99 latency", value: (s) => s.latency_ms.p99, show: f.ms,
    detail: (s) => `max ${f.ms(s.latency_ms.max)}` },
  { id: "error_rate", label: "Error rate", value: (s) => s.error_rate, show: (v) => f.percent(v, 3),
    detail: (s) => `${f.count(s.errors)} errors` },
  { id: "availability", label: "Availability", value: (s) => s.sla.overall.availability.value,
    show: (v) => f.percent(v, 3),
    detail: (s) => `error budget left ${f.percent(s.sla.error_budget.remaining_ratio, 0)}` },
  { id: "concurrent_users", label: "Concurrent users", value: (s) => s.concurrent_users, show: f.count },
  { id: "cpu_percent", label: "CPU", value: (s) => s.cpu_percent, show: (v) => (v == null ? "—" : `${v.toFixed(1)} %`) },
  { id: "memory_bytes", label: "Memory (RSS)", value: (s) => s.memory_bytes, show: f.bytes },
  { id: "db_in_use", label: "DB connections", value: (s) => s.db?.in_use, show: (v) => (v == null ? "—" : `${v.toFixed(1)} in use`),
    detail: (s) => (s.db ? `${(s.db.idle ?? 0).toFixed(1)} idle · ${(s.db.waiting ?? 0).toFixed(1)} waiting` : "") },
  { id: "db_wal", label: "DB write-ahead log", value: (s) => s.db?.wal_bytes, show: f.bytes,
    detail: (s) => `checkpoint lag ${(s.db?.checkpoint_lag_seconds ?? 0).toFixed(1)} s`,
    title: "SQLite's WAL (kept under ~16 MiB by the server's checkpoints; 0 on PostgreSQL). A lag that keeps growing means readers starve the checkpoint." },
  { id: "cache_hit_rate", label: "Cache hit rate", value: (s) => s.cache_hit_rate, show: (v) => f.percent(v, 1),
    detail: (s) => (s.redis_cache_hit_rate == null ? "in-process" : `in-process · Redis ${f.percent(s.redis_cache_hit_rate, 1)}`) },
  { id: "accuracy_labelled", label: "Technique accuracy", value: (s) => s.technique_accuracy.labelled,
    show: (v) => f.percent(v, 1),
    detail: (s) => `${f.count(s.technique_accuracy.labelled_checks)} labelled · feedback ${f.percent(s.technique_accuracy.feedback_primary_agreement, 0)}`,
    title: "Labelled traffic: requests that name their acceptable techniques (X-Expected-Techniques, sent by the load generator and the k6 suite) and the share the engine got right, recorded by every instance in its windows. Feedback: share of ratings naming the primary technique as the most helpful." },
  { id: "satisfaction", label: "User satisfaction", value: (s) => s.satisfaction.mean_rating, show: f.rating,
    detail: (s) => `${f.count(s.satisfaction.ratings)} ratings · ${f.percent(s.satisfaction.share_at_least_4, 0)} ≥ 4` },
  { id: "cost_per_request_usd", label: "Cost per request", value: (s) => s.cost_per_request_usd, show: f.usd },
];

const SLA_TARGETS: [string, (s: SummaryFields) => Target, (v: number | null) => string][] = [
  ["p50", (s) => s.sla.overall.p50_ms, f.ms],
  ["p95", (s) => s.sla.overall.p95_ms, f.ms],
  ["p99", (s) => s.sla.overall.p99_ms, f.ms],
  ["errors", (s) => s.sla.overall.error_rate, (v) => f.percent(v, 3)],
  ["availability", (s) => s.sla.overall.availability, (v) => f.percent(v, 2)],
];

export class Cards {
  private readonly values = new Map<string, HTMLElement>();
  private readonly details = new Map<string, HTMLElement>();
  private readonly sla: HTMLElement;
  private readonly slaDetail: HTMLElement;

  constructor(container: HTMLElement) {
    container.replaceChildren();
    this.sla = card(container, "sla", "SLA status");
    this.sla.classList.add("sla-list");
    this.slaDetail = document.createElement("small");
    this.slaDetail.textContent = "\u00a0";
    this.sla.after(this.slaDetail);
    for (const spec of CARDS) {
      const value = card(container, spec.id, spec.label);
      if (spec.title) value.parentElement?.setAttribute("title", spec.title);
      this.values.set(spec.id, value);
      const detail = document.createElement("small");
      detail.textContent = "\u00a0";
      value.after(detail);
      this.details.set(spec.id, detail);
    }
  }

  /** The range's figures. The SLA card follows the stream instead while the view is live. */
  update(summary: Summary, live: boolean): void {
    for (const spec of CARDS) {
      const v = spec.value(summary);
      const el = this.values.get(spec.id);
      if (!el) continue;
      el.textContent = spec.show(v);
      el.dataset.value = v == null ? "" : String(v);
      const detail = this.details.get(spec.id);
      if (detail) detail.textContent = spec.detail?.(summary) || "\u00a0";
    }
    if (!live) this.updateSla(summary);
    const ratio = summary.sla.compliance_ratio;
    this.slaDetail.textContent = `${f.percent(ratio, 1)} of ${f.count(summary.windows)} windows met the SLA`;
  }

  /** The SLA of one window: what an SRE watching live needs to see turn red. */
  updateSla(summary: SummaryFields): void {
    const items = SLA_TARGETS.map(([name, pick, show]) => {
      const t = pick(summary);
      const li = document.createElement("li");
      li.dataset.target = name;
      li.dataset.met = String(t.met);
      li.className = t.met ? "ok" : "bad";
      li.textContent = `${t.met ? "✓" : "✗"} ${name} ${show(t.value)}`;
      const uptime = summary.sla.uptime;
      li.title = name === "availability" && uptime != null
        ? `target ${show(t.target)}: 1 − 5xx / requests, times the share of the time the instances `
          + "were expected to serve that they did (an instance's gap between its first and last "
          + `window counts as down); uptime ${f.percent(uptime, 3)}`
        : `target ${show(t.target)}`;
      return li;
    });
    const list = document.createElement("ul");
    list.append(...items);
    this.sla.replaceChildren(list);
    this.sla.dataset.value = String(summary.sla.overall.compliant);
  }
}

/** A card: its label and the element that holds its value. */
function card(container: HTMLElement, id: string, label: string): HTMLElement {
  const article = document.createElement("article");
  article.className = "card";
  article.dataset.card = id;
  const title = document.createElement("h3");
  title.textContent = label;
  const value = document.createElement("output");
  value.className = "value";
  value.dataset.metric = id;
  value.textContent = "—";
  article.append(title, value);
  container.append(article);
  return value;
}
