// The live strip: the last windows from the stream, one point per closed window.

import type { WindowMessage } from "./api";
import { LineChart, PALETTE } from "./charts";
import { byId } from "./drilldown";

export class LiveCharts {
  /** Windows kept on screen (and asked for on connect). */
  static readonly POINTS = 120;

  private xs: number[] = [];
  private throughput: (number | null)[] = [];
  private p50: (number | null)[] = [];
  private p95: (number | null)[] = [];
  private p99: (number | null)[] = [];
  private errors: (number | null)[] = [];
  private readonly charts = {
    throughput: new LineChart(byId("live-throughput"), {
      title: "Throughput", unit: "req/s", series: [{ label: "req/s", color: PALETTE[0]! }],
    }),
    latency: new LineChart(byId("live-latency"), {
      title: "Latency", unit: "ms",
      series: [{ label: "p50", color: PALETTE[3]! }, { label: "p95", color: PALETTE[1]! }, { label: "p99", color: PALETTE[2]! }],
    }),
    errors: new LineChart(byId("live-errors"), {
      title: "Error rate", unit: "%", scale: 100, series: [{ label: "errors", color: PALETTE[2]! }],
    }),
  };

  clear(): void {
    this.xs = [];
    this.throughput = [];
    this.p50 = [];
    this.p95 = [];
    this.p99 = [];
    this.errors = [];
    this.draw();
  }

  push(w: WindowMessage): void {
    const x = Date.parse(w.window_start) / 1000;
    const at = this.xs.lastIndexOf(x);
    if (at >= 0) {
      // A corrected window replaces its point.
      this.throughput[at] = w.throughput_rps;
      this.p50[at] = w.latency_ms.p50;
      this.p95[at] = w.latency_ms.p95;
      this.p99[at] = w.latency_ms.p99;
      this.errors[at] = w.error_rate;
      this.draw();
      return;
    }
    this.xs.push(x);
    this.throughput.push(w.throughput_rps);
    this.p50.push(w.latency_ms.p50);
    this.p95.push(w.latency_ms.p95);
    this.p99.push(w.latency_ms.p99);
    this.errors.push(w.error_rate);
    const excess = this.xs.length - LiveCharts.POINTS;
    if (excess > 0) {
      for (const a of [this.xs, this.throughput, this.p50, this.p95, this.p99, this.errors]) a.splice(0, excess);
    }
    this.draw();
  }

  private draw(): void {
    this.charts.throughput.setData(this.xs, [this.throughput]);
    this.charts.latency.setData(this.xs, [this.p50, this.p95, this.p99]);
    this.charts.errors.setData(this.xs, [this.errors]);
  }
}
