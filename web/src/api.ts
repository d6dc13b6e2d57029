// The server's metrics API as the dashboard reads it: typed responses and one fetch helper.
// The dashboard computes no number of its own; everything shown comes from these calls.

export interface Latency { p50: number | null; p95: number | null; p99: number | null; max: number | null }
export interface Db {
  in_use: number | null; idle: number | null; waiting: number | null; size: number | null;
  /** SQLite's write-ahead log, and how long it has held frames not yet checkpointed (0 on PostgreSQL). */
  wal_bytes?: number | null; checkpoint_lag_seconds?: number | null;
}
export interface Target { value: number | null; target: number; met: boolean }
export interface SlaWindow {
  requests: number;
  p50_ms: Target; p95_ms: Target; p99_ms: Target; error_rate: Target; availability: Target;
  compliant: boolean;
}
export interface Sla {
  compliant_windows: number;
  compliance_ratio: number | null;
  overall: SlaWindow;
  error_budget: { remaining_ratio: number | null; exhausted: boolean };
}

/** The fields the cards show; `/metrics/summary` and every stream message carry them. */
export interface SummaryFields {
  /** Closed windows in the range. */
  windows: number;
  requests: number;
  errors: number;
  error_rate: number | null;
  throughput_rps: number | null;
  latency_ms: Latency;
  cache_hit_rate: number | null;
  /** The shared Redis level, when the server has one. */
  redis_cache_hit_rate?: number | null;
  cpu_percent: number | null;
  memory_bytes: number | null;
  db: Db | null;
  concurrent_users: number;
  sla: Sla;
}

export interface Summary extends SummaryFields {
  cost_per_request_usd: number | null;
  satisfaction: { ratings: number; mean_rating: number | null; share_at_least_4: number | null };
  technique_accuracy: {
    labelled: number | null;
    feedback_rated_helpful: number | null;
    feedback_primary_agreement: number | null;
  };
  resolution_seconds: number;
}

export interface WindowMessage extends SummaryFields {
  type: "window";
  seq: number;
  window_start: string;
  window_end: string;
}

export interface Timeseries {
  metric: string;
  step_seconds: number;
  timestamps_unix_us: number[];
  groups: { name: string; values: (number | null)[] }[];
}

export interface Heatmap {
  step_seconds: number;
  timestamps_unix_us: number[];
  /** Upper bounds of the latency buckets; `counts[t]` has one more entry, the overflow. */
  upper_bounds_ms: number[];
  counts: number[][];
}

export interface TechniqueRow {
  technique: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_ms: Latency;
  cost_per_request_usd?: number | null;
  satisfaction: { ratings: number; mean_rating: number | null };
  feedback_primary_agreement: number | null;
}

export interface LoadRun {
  id: string;
  updated_at: string;
  profile: string;
  state: "running" | "finished" | "failed" | "aborted";
  started_at: string;
  users: number;
  target_rps: number | null;
  elapsed_s: number;
  duration_s: number;
  requests: number;
  errors: number;
  throughput_rps: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  technique_accuracy: number | null;
}

export interface HistoryItem {
  id: string;
  created_at: string;
  original_text: string;
  enhanced_text: string;
  intent: string;
  complexity: string;
  techniques_used: string[];
  processing_time_ms: number;
}

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
