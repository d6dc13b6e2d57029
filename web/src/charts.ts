// Time-series charts on uPlot: one title, one unit on the y axis, time on the x axis.
// Selecting a span zooms the whole view to it; a click (no drag) picks a time bucket.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface SeriesSpec {
  label: string;
  color: string;
}

export interface ChartSpec {
  title: string;
  /** The y axis unit, shown on the axis and in the legend. */
  unit: string;
  series: SeriesSpec[];
  /** Values are multiplied by this before display (e.g. 100 for ratios shown as %). */
  scale?: number;
  onSelect?: (fromSec: number, toSec: number) => void;
  onPick?: (atSec: number) => void;
}

const HEIGHT = 180;

export const PALETTE = [
  "#2563eb", "#d97706", "#dc2626", "#059669", "#7c3aed", "#db2777",
  "#0891b2", "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#a16207", "#6b7280",
];

export class LineChart {
  private plot: uPlot;
  private readonly scale: number;

  constructor(private readonly el: HTMLElement, private readonly spec: ChartSpec) {
    this.scale = spec.scale ?? 1;
    el.replaceChildren();
    const caption = document.createElement("figcaption");
    caption.textContent = `${spec.title} (${spec.unit})`;
    el.append(caption);
    this.plot = this.build(spec.series);
    new ResizeObserver(() => this.plot.setSize(this.size())).observe(el);
  }

  /** `xs` in Unix seconds; one array per series. Series may change (group-by lines). */
  setData(xs: number[], ys: (number | null)[][], series?: SeriesSpec[]): void {
    if (series && !sameSeries(series, this.spec.series)) {
      this.spec.series = series;
      this.plot.destroy();
      this.plot = this.build(series);
    }
    const scaled = ys.map((line) => line.map((v) => (v == null ? null : v * this.scale)));
    this.plot.setData([xs, ...scaled] as uPlot.AlignedData);
    this.el.dataset.points = String(xs.length);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.el.clientWidth - 2), height: HEIGHT };
  }

  private build(series: SeriesSpec[]): uPlot {
    const { unit, onSelect, onPick } = this.spec;
    let dragged = false;
    const opts: uPlot.Options = {
      ...this.size(),
      cursor: { drag: { x: true, y: false, setScale: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [
        { label: "time (local)", labelSize: 18, size: 36, values: (_u, ticks) => ticks.map(clock) },
        { label: unit, labelSize: 18, size: 60, values: (_u, ticks) => ticks.map((t) => fmtTick(t)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v == null ? "—" : `${fmtTick(v)} ${unit}`),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width > 2 && onSelect) {
              dragged = true;
              onSelect(u.posToVal(u.select.left, "x"), u.posToVal(u.select.left + u.select.width, "x"));
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        ready: [
          (u) => {
            u.over.addEventListener("click", () => {
              if (dragged) {
                dragged = false;
                return;
              }
              const idx = u.cursor.idx;
              const x = idx == null ? undefined : u.data[0][idx];
              if (x != null && onPick) onPick(x);
            });
          },
        ],
      },
    };
    return new uPlot(opts, [[], ...series.map(() => [])] as uPlot.AlignedData, this.el);
  }
}

function clock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString("en-GB", { hour12: false });
}

function sameSeries(a: SeriesSpec[], b: SeriesSpec[]): boolean {
  return a.length === b.length && a.every((s, i) => s.label === b[i]?.label);
}

function fmtTick(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return v.toFixed(1);
  return v.toPrecision(2);
}
