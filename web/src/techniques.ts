// The technique comparison table: sortable by any column; a row's button drills down to
// that technique.

import type { TechniqueRow } from "./api";
import * as f from "./format";

type SortKey = "technique" | "requests" | "p95" | "error_rate" | "accuracy" | "satisfaction" | "cost";

const SORT_VALUE: Record<SortKey, (r: TechniqueRow) => number | string | null> = {
  technique: (r) => r.technique,
  requests: (r) => r.requests,
  p95: (r) => r.latency_ms.p95,
  error_rate: (r) => r.error_rate,
  accuracy: (r) => r.labelled_accuracy,
  satisfaction: (r) => r.satisfaction.mean_rating,
  cost: (r) => r.cost_per_request_usd ?? null,
};

export class TechniqueTable {
  private rows: TechniqueRow[] = [];
  private sortKey: SortKey = "requests";
  private descending = true;
  private readonly body: HTMLTableSectionElement;

  constructor(private readonly table: HTMLTableElement, private readonly onPick: (technique: string) => void) {
    this.body = table.tBodies[0] ?? table.createTBody();
    for (const button of table.querySelectorAll<HTMLButtonElement>("th button[data-sort]")) {
      button.addEventListener("click", () => {
        const key = button.dataset.sort as SortKey;
        this.descending = key === this.sortKey ? !this.descending : key !== "technique";
        this.sortKey = key;
        this.render();
      });
    }
  }

  setRows(rows: TechniqueRow[]): void {
    this.rows = rows;
    this.render();
  }

  private render(): void {
    const value = SORT_VALUE[this.sortKey];
    const sorted = [...this.rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x == null) return 1;
      if (y == null) return -1;
      const order = x < y ? -1 : x > y ? 1 : 0;
      return this.descending ? -order : order;
    });
    for (const th of this.table.querySelectorAll<HTMLElement>("th")) {
      const key = th.querySelector<HTMLElement>("button")?.dataset.sort;
      th.setAttribute("aria-sort", key === this.sortKey ? (this.descending ? "descending" : "ascending") : "none");
    }
    if (sorted.length === 0) {
      const tr = document.createElement("tr");
      tr.innerHTML = `<td colspan="7" class="muted">No requests in this range.</td>`;
      this.body.replaceChildren(tr);
      return;
    }
    this.body.replaceChildren(
      ...sorted.map((r) => {
        const tr = document.createElement("tr");
        tr.dataset.technique = r.technique;
        const cells = [
          f.count(r.requests),
          f.ms(r.latency_ms.p95),
          f.percent(r.error_rate, 2),
          f.percent(r.labelled_accuracy, 1),
          f.rating(r.satisfaction.mean_rating),
          f.usd(r.cost_per_request_usd),
        ];
        const name = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = r.technique;
        button.title = `Drill down to ${r.technique}`;
        button.addEventListener("click", () => this.onPick(r.technique));
        name.append(button);
        const accuracyTitle = `${f.count(r.labelled_checks)} labelled · feedback agreement ${f.percent(r.feedback_primary_agreement, 0)}`;
        tr.append(name, ...cells.map((text, i) => {
          const td = document.createElement("td");
          td.className = "num";
          td.textContent = text;
          if (i === 3) td.title = accuracyTitle;
          return td;
        }));
        return tr;
      }),
    );
  }
}
