// B8 helper: N emulated dashboards against a server — each one holds the live stream open
// and polls the metrics API the way web/src/main.ts does with 5 s windows (the summary every
// window, the load-test state every 5 s, the ten panel queries every 15 s) — and reports
// how long after its close each window arrived.
// Usage: node --experimental-websocket bench/b8-dashboards.mjs BASE_URL N SECONDS
const [base = "http://127.0.0.1:18080", n = "50", seconds = "30"] = process.argv.slice(2);
const host = new URL(base);
if (!["127.0.0.1", "localhost", "[::1]"].includes(host.hostname)) throw new Error("loopback targets only");

const lags = [];
const panels = ["throughput_rps", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "error_rate", "cpu_percent"]
  .map((m) => `/api/v1/metrics/timeseries?from=-15m&metric=${m}`)
  .concat(["/api/v1/metrics/heatmap?from=-15m", "/api/v1/metrics/techniques?from=-15m",
    "/api/v1/metrics/timeseries?from=-15m&metric=requests&group_by=technique",
    "/api/v1/metrics/timeseries?from=-15m&metric=requests&group_by=region"]);
const get = (path) => fetch(new URL(path, base)).then((r) => r.arrayBuffer()).catch(() => undefined);

const sockets = [];
const timers = [];
for (let i = 0; i < Number(n); i++) {
  const ws = new WebSocket(`ws://${host.host}/api/v1/metrics/stream`);
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === "window") lags.push(Date.now() - Date.parse(m.window_end));
  };
  sockets.push(ws);
  // Staggered like real people opening pages, not in lock-step.
  const offset = (i * 5000) / Number(n);
  timers.push(setTimeout(() => timers.push(setInterval(() => {
    get("/api/v1/metrics/summary?from=-15m");
    get("/api/v1/load-runs");
  }, 5000)), offset));
  timers.push(setTimeout(() => timers.push(setInterval(() => panels.forEach(get), 15000)), offset * 3));
}
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
for (const t of timers) clearInterval(t);
for (const ws of sockets) ws.close();
lags.sort((a, b) => a - b);
const q = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
console.log(JSON.stringify({ dashboards: Number(n), windows: lags.length, lag_ms: { p50: q(0.5), p99: q(0.99), max: lags.at(-1) } }));
