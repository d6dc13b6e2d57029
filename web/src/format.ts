// Display formatting only: units and rounding. No number is derived here.

const DASH = "—";

export function ms(v: number | null | undefined): string {
  if (v == null) return DASH;
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

export function percent(ratio: number | null | undefined, digits = 2): string {
  return ratio == null ? DASH : `${(ratio * 100).toFixed(digits)} %`;
}

export function rps(v: number | null | undefined): string {
  return v == null ? DASH : `${v >= 100 ? Math.round(v) : v.toFixed(1)} req/s`;
}

export function count(v: number | null | undefined): string {
  return v == null ? DASH : Math.round(v).toLocaleString("en-US");
}

export function bytes(v: number | null | undefined): string {
  if (v == null) return DASH;
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i += 1;
  }
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function usd(v: number | null | undefined): string {
  if (v == null) return DASH;
  // Costs per request are tiny: show them per million requests too.
  return `$${(v * 1e6).toFixed(2)} / M req`;
}

export function rating(v: number | null | undefined): string {
  return v == null ? DASH : `${v.toFixed(2)} / 5`;
}

export function time(unixUs: number): string {
  return new Date(unixUs / 1000).toLocaleTimeString("en-GB", { hour12: false });
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString("en-CA")} ${d.toLocaleTimeString("en-GB", { hour12: false })}`;
}

/** `datetime-local` input value (local time, seconds) from an RFC 3339 instant, and back. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(value: string): string | undefined {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
