// A heat map on a canvas: columns are time buckets, rows are categories (latency bands or
// techniques), colour is the value. Clicking a cell — or moving the cursor with the arrow
// keys and pressing Enter — picks it for a drill-down.

import * as f from "./format";

export interface HeatmapData {
  /** Column start times, Unix seconds. */
  columns: number[];
  stepSeconds: number;
  /** Row labels, bottom to top. */
  rows: string[];
  /** `values[column][row]`, null where there is nothing. */
  values: (number | null)[][];
  /** How a value reads in the tooltip, with its unit. */
  show: (v: number) => string;
}

export interface Cell {
  column: number;
  row: number;
}

const ROW_HEIGHT = 16;
const LABEL_WIDTH = 130;
const AXIS_HEIGHT = 22;

export class HeatmapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLElement;
  private data: HeatmapData | null = null;
  private cursor: Cell = { column: 0, row: 0 };

  constructor(el: HTMLElement, private readonly onPick: (data: HeatmapData, cell: Cell) => void) {
    this.canvas = document.createElement("canvas");
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "img");
    this.tip = document.createElement("p");
    this.tip.className = "tip muted";
    this.tip.textContent = "\u00a0";
    el.append(this.canvas, this.tip);
    this.canvas.addEventListener("click", (e) => {
      const cell = this.cellAt(e.offsetX, e.offsetY);
      if (cell) this.pick(cell);
    });
    this.canvas.addEventListener("mousemove", (e) => {
      const cell = this.cellAt(e.offsetX, e.offsetY);
      if (cell) this.describe(cell);
    });
    this.canvas.addEventListener("keydown", (e) => this.key(e));
    new ResizeObserver(() => this.draw()).observe(el);
  }

  setData(data: HeatmapData): void {
    this.data = data;
    this.canvas.dataset.columns = String(data.columns.length);
    this.canvas.setAttribute(
      "aria-label",
      `${data.rows.length} rows × ${data.columns.length} time buckets; arrow keys move, Enter drills down`,
    );
    this.cursor = {
      column: Math.min(this.cursor.column, Math.max(0, data.columns.length - 1)),
      row: Math.min(this.cursor.row, Math.max(0, data.rows.length - 1)),
    };
    this.draw();
  }

  private geometry() {
    const data = this.data;
    // The figure's content box, not the canvas: the canvas must never size its container.
    const figure = this.canvas.parentElement;
    const padding = figure ? parseFloat(getComputedStyle(figure).paddingLeft) * 2 : 0;
    const width = Math.max(300, (figure?.clientWidth ?? 600) - padding);
    const columns = Math.max(1, data?.columns.length ?? 1);
    const cellWidth = (width - LABEL_WIDTH) / columns;
    const height = (data?.rows.length ?? 1) * ROW_HEIGHT + AXIS_HEIGHT;
    return { width, height, cellWidth };
  }

  private draw(): void {
    const { width, height, cellWidth } = this.geometry();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext("2d");
    const data = this.data;
    if (!ctx || !data) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    const max = Math.max(0, ...data.values.flat().map((v) => v ?? 0));
    const rows = data.rows.length;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#374151";
    data.rows.forEach((label, r) => {
      ctx.fillText(label, 4, (rows - 1 - r) * ROW_HEIGHT + ROW_HEIGHT / 2);
    });
    data.values.forEach((column, c) => {
      column.forEach((v, r) => {
        if (v == null || v === 0) return;
        ctx.fillStyle = colour(max > 0 ? v / max : 0);
        ctx.fillRect(LABEL_WIDTH + c * cellWidth, (rows - 1 - r) * ROW_HEIGHT, Math.ceil(cellWidth), ROW_HEIGHT - 1);
      });
    });
    // Time axis: a few labels, never overlapping.
    ctx.fillStyle = "#374151";
    const every = Math.max(1, Math.ceil(70 / cellWidth));
    for (let c = 0; c < data.columns.length; c += every) {
      ctx.fillText(f.time((data.columns[c] ?? 0) * 1e6), LABEL_WIDTH + c * cellWidth, rows * ROW_HEIGHT + 11);
    }
    if (document.activeElement === this.canvas && data.columns.length > 0) {
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL_WIDTH + this.cursor.column * cellWidth, (rows - 1 - this.cursor.row) * ROW_HEIGHT,
        Math.max(2, cellWidth), ROW_HEIGHT - 1);
    }
  }

  private cellAt(x: number, y: number): Cell | null {
    const data = this.data;
    if (!data || x < LABEL_WIDTH) return null;
    const { cellWidth } = this.geometry();
    const column = Math.floor((x - LABEL_WIDTH) / cellWidth);
    const row = data.rows.length - 1 - Math.floor(y / ROW_HEIGHT);
    if (column < 0 || column >= data.columns.length || row < 0 || row >= data.rows.length) return null;
    return { column, row };
  }

  private describe(cell: Cell): void {
    const data = this.data;
    if (!data) return;
    const v = data.values[cell.column]?.[cell.row];
    const at = f.time((data.columns[cell.column] ?? 0) * 1e6);
    this.tip.textContent = `${at} · ${data.rows[cell.row]} · ${v == null ? "no data" : data.show(v)}`;
  }

  private pick(cell: Cell): void {
    this.cursor = cell;
    this.describe(cell);
    if (this.data) this.onPick(this.data, cell);
  }

  private key(e: KeyboardEvent): void {
    const data = this.data;
    if (!data) return;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      this.cursor = {
        column: clamp(this.cursor.column + move[0], data.columns.length),
        row: clamp(this.cursor.row + move[1], data.rows.length),
      };
      this.describe(this.cursor);
      this.draw();
    } else if (e.key === "Enter") {
      this.pick(this.cursor);
    }
  }
}

function clamp(i: number, n: number): number {
  return Math.max(0, Math.min(n - 1, i));
}

/** Light yellow → dark red, readable on white. */
function colour(t: number): string {
  const x = Math.max(0.08, Math.min(1, t));
  const hue = 50 - 50 * x;
  const light = 88 - 50 * x;
  return `hsl(${hue}, 90%, ${light}%)`;
}
