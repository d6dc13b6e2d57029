// The fleet panel: every instance (metrics source) seen in the range, up or down, with its
// own figures; the cards above are the whole fleet's unless the Instance filter picks one.

import type { InstanceReport } from "./api";
import * as f from "./format";
import { byId } from "./drilldown";

export class InstancePanel {
  private readonly body = byId("instances").querySelector("tbody") as HTMLTableSectionElement;

  update(instances: InstanceReport[]): void {
    byId("instances-count").textContent = instances.length === 1
      ? "(one instance)"
      : `(${instances.length} instances, ${instances.filter((i) => i.state === "up").length} up)`;
    this.body.innerHTML = instances.map((i) => `<tr data-source="${f.escapeHtml(i.source)}">
      <th scope="row">${f.escapeHtml(i.source)}</th>
      <td><span class="pill" data-state="${i.state === "up" ? "live" : "failed"}">${i.state}</span></td>
      <td class="num">${f.count(i.requests)}</td>
      <td class="num">${f.rps(i.throughput_rps)}</td>
      <td class="num">${f.ms(i.latency_ms.p95)}</td>
      <td class="num">${f.percent(i.error_rate)}</td>
      <td class="num">${i.cpu_percent.toFixed(0)} %</td>
      <td class="num">${f.bytes(i.memory_bytes)}</td>
      <td class="num">${i.db_connections.toFixed(1)}</td>
      <td class="muted">${f.dateTime(i.last_seen)}</td>
    </tr>`).join("");
  }
}
