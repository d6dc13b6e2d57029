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

/** GET a JSON document; `params` with empty values are left out. */
export async function getJson<T>(
  path: string,
  params: Record<string, string | undefined> = {},
  key?: string,
): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value) url.searchParams.set(name, value);
  }
  const headers: HeadersInit = key ? { Authorization: `Bearer ${key}` } : {};
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body?.error?.message ?? response.statusText);
  }
  return (await response.json()) as T;
}
