// The load-test panel: shown while a load run is active or finished in the last ten
// minutes; the generator's client-side figures beside the server's for the same moment.

import type { LoadRun, SummaryFields } from "./api";
import * as f from "./format";
import { byId } from "./drilldown";

const RECENT_MS = 10 * 60 * 1000;

export class LoadRunPanel {
  private readonly section = byId("load-run");
  private readonly body = byId("load-run-body");

  update(runs: LoadRun[], server: SummaryFields | null): void {
    const now = Date.now();
    const run = runs.find((r) => r.state === "running")
      ?? runs.find((r) => now - Date.parse(r.updated_at) < RECENT_MS);
    this.section.hidden = !run;
    if (!run) return;
    this.section.dataset.state = run.state;
    const rows: [string, string, string][] = [
      ["req/s", f.rps(run.throughput_rps), f.rps(server?.throughput_rps)],
      ["p50", f.ms(run.p50_ms), f.ms(server?.latency_ms.p50)],
      ["p95", f.ms(run.p95_ms), f.ms(server?.latency_ms.p95)],
      ["p99", f.ms(run.p99_ms), f.ms(server?.latency_ms.p99)],
      ["errors", f.count(run.errors), f.count(server?.errors)],
    ];
    const progress = run.duration_s > 0 ? Math.min(1, run.elapsed_s / run.duration_s) : 0;
    this.body.innerHTML = `
      <p><strong>${f.escapeHtml(run.profile)}</strong> · <span class="pill" data-state="${run.state}">${run.state}</span>
        · ${run.users > 0 ? `${f.count(run.users)} users` : "open model"}${run.target_rps ? ` · target ${f.rps(run.target_rps)}` : ""}
        · ${Math.round(run.elapsed_s)} s of ${Math.round(run.duration_s)} s
        · technique accuracy ${f.percent(run.technique_accuracy, 1)}</p>
      ${run.capacity ? `<p data-capacity>capacity: breaking point ${f.rps(run.capacity.breaking_point_rps)}
        (${f.rps(run.capacity.capacity_at_sla_rps)} within the SLA)${run.capacity.usl_peak_rps != null
          ? ` · USL peak ${f.rps(run.capacity.usl_peak_rps)} (σ ${run.capacity.usl_sigma?.toFixed(3)}, κ ${run.capacity.usl_kappa?.toExponential(1)})`
          : ""}</p>` : ""}
      <progress max="1" value="${progress}" aria-label="run progress"></progress>
      <table class="compare"><thead><tr><th></th><th class="num">client (load generator, whole run)</th>
        <th class="num">server (last window)</th></tr></thead>
      <tbody>${rows.map(([k, c, s]) => `<tr><th scope="row">${k}</th><td class="num">${c}</td><td class="num">${s}</td></tr>`).join("")}</tbody></table>`;
  }
}
