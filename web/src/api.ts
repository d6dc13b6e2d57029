// The server's metrics API as the dashboard reads it: typed responses and one fetch helper.
// The dashboard computes no number of its own; everything shown comes from these calls.
// The types are generated from the OpenAPI document (`npm run api` writes api.gen.ts from
// docs/openapi.json; `npm run check` fails when it is stale), so a change of the server's
// contract is a type error here, not a blank panel.

import type { components } from "./api.gen";

type Schemas = components["schemas"];

export type Latency = Schemas["LatencyMs"];
export type Target = Schemas["Check"];
/** `GET /api/v1/metrics/summary`. */
export type Summary = Schemas["SummaryResponse"];
/** What `/metrics/summary` and every stream message both carry: the cards' figures. */
export type SummaryFields = Schemas["Summary"] & { sla: Schemas["SlaReport"] };
export type StreamMessage = Schemas["StreamMessage"];
/** One closed window from `/metrics/stream`. */
export type WindowMessage = Extract<StreamMessage, { type: "window" }>;
export type Timeseries = Schemas["Timeseries"];
export type Heatmap = Schemas["Heatmap"];
export type TechniqueRow = Schemas["TechniqueReport"];
export type LoadRun = Schemas["LoadRun"];
export type InstanceReport = Schemas["InstanceReport"];
export type HistoryItem = Schemas["HistoryItem"];

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The key every request of this tab presents (the figures need a viewer or admin key). */
let signedInKey: string | null = null;

export function useKey(key: string | null): void {
  signedInKey = key;
}

/** Whether an error means "sign in with a viewer (or admin) key". */
export function needsKey(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403);
}

async function get(path: string, params: Record<string, string | undefined>, key?: string): Promise<Response> {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value) url.searchParams.set(name, value);
  }
  const bearer = key ?? signedInKey;
  const headers: HeadersInit = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body?.error?.message ?? response.statusText);
  }
  return response;
}

/** GET a JSON document; `params` with empty values are left out. */
export async function getJson<T>(
  path: string,
  params: Record<string, string | undefined> = {},
  key?: string,
): Promise<T> {
  return (await (await get(path, params, key)).json()) as T;
}

/** GET a file with the tab's key and hand it to the browser as a download: a plain link
 * cannot carry the key, and the key must not go into a URL. */
export async function download(path: string, params: Record<string, string | undefined>, filename: string): Promise<void> {
  const blob = await (await get(path, params)).blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
