// What the dashboard shows — range, filters, drill-down slice — kept in the URL's query
// string, so a shared link opens the same view and the back button undoes a change.

export type RangeName = "15m" | "1h" | "24h" | "7d" | "30d" | "custom";

const RANGES: readonly RangeName[] = ["15m", "1h", "24h", "7d", "30d", "custom"];
export const FILTER_NAMES = ["technique", "segment", "region", "endpoint", "source"] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** A slice picked by a click: a time bucket, maybe a technique, maybe a latency band. */
export interface Drill {
  from: string;
  to: string;
  technique?: string;
  latency?: string;
}

export interface View {
  range: RangeName;
  /** RFC 3339 bounds, only for `custom`. */
  from?: string;
  to?: string;
  filters: Partial<Record<FilterName, string>>;
  drill?: Drill;
}

export function readView(search: string = location.search): View {
  const q = new URLSearchParams(search);
  const range = (RANGES as readonly string[]).includes(q.get("range") ?? "")
    ? (q.get("range") as RangeName)
    : "15m";
  const view: View = { range, filters: {} };
  if (range === "custom") {
    view.from = q.get("from") ?? undefined;
    view.to = q.get("to") ?? undefined;
    if (!view.from || !view.to) view.range = "15m";
  }
  for (const name of FILTER_NAMES) {
    const value = q.get(name);
    if (value) view.filters[name] = value;
  }
  const drillFrom = q.get("drill_from");
  const drillTo = q.get("drill_to");
  if (drillFrom && drillTo) {
    view.drill = { from: drillFrom, to: drillTo };
    const technique = q.get("drill_technique");
    const latency = q.get("drill_latency");
    if (technique) view.drill.technique = technique;
    if (latency) view.drill.latency = latency;
  }
  return view;
}

export function writeView(view: View): string {
  const q = new URLSearchParams();
  if (view.range !== "15m") q.set("range", view.range);
  if (view.range === "custom" && view.from && view.to) {
    q.set("from", view.from);
    q.set("to", view.to);
  }
  for (const name of FILTER_NAMES) {
    const value = view.filters[name];
    if (value) q.set(name, value);
  }
  if (view.drill) {
    q.set("drill_from", view.drill.from);
    q.set("drill_to", view.drill.to);
    if (view.drill.technique) q.set("drill_technique", view.drill.technique);
    if (view.drill.latency) q.set("drill_latency", view.drill.latency);
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** `from`/`to` and filters as the metrics API takes them. */
export function apiParams(view: View): Record<string, string | undefined> {
  const live = view.range !== "custom";
  return {
    from: live ? `-${view.range}` : view.from,
    to: live ? "now" : view.to,
    ...view.filters,
  };
}

/** A relative range follows the clock; a custom one is fixed. */
export function isLive(view: View): boolean {
  return view.range !== "custom";
}
