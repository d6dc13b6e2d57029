// The live stream: one WebSocket to `/api/v1/metrics/stream` that reconnects by itself with
// `?since=<last seq>`, so after a server restart or a network drop the page gets exactly
// the windows it missed — no gap, no duplicate. A window sent again with a higher
// `revision` replaces the earlier one.

import type { WindowMessage } from "./api";

export type ConnectionState = "connecting" | "live" | "reconnecting";

export interface LiveOptions {
  /** First window wanted on the first connect (resumes older windows from the store). */
  since?: number;
  filters: () => Record<string, string | undefined>;
  /** The tab's key: a browser cannot set headers on a WebSocket, so it is offered as the
   * subprotocol `bearer.<key>` (never in the URL) beside `betterprompts`, which the server
   * answers with. */
  key: () => string | null;
  onWindow: (w: WindowMessage, receivedAtMs: number) => void;
  onState: (s: ConnectionState) => void;
}

const MAX_BACKOFF_MS = 5000;

export class LiveStream {
  private socket: WebSocket | null = null;
  private lastSeq: number | undefined;
  private backoffMs = 250;
  private closed = false;

  constructor(private readonly options: LiveOptions) {
    this.lastSeq = options.since;
    this.connect();
  }

  /** Narrows what the server sends (the filters of the view). */
  setFilters(): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "filter", ...this.options.filters() }));
    }
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private connect(): void {
    this.options.onState(this.lastSeq === this.options.since ? "connecting" : "reconnecting");
    const url = new URL("/api/v1/metrics/stream", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    for (const [name, value] of Object.entries(this.options.filters())) {
      if (value && name !== "from" && name !== "to") url.searchParams.set(name, value);
    }
    if (this.lastSeq !== undefined) url.searchParams.set("since", String(this.lastSeq));
    const key = this.options.key();
    const socket = new WebSocket(url, key ? ["betterprompts", `bearer.${key}`] : []);
    this.socket = socket;
    socket.onopen = () => {
      this.backoffMs = 250;
      this.options.onState("live");
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.closed || this.socket !== socket) return;
      this.options.onState("reconnecting");
      setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    const message = JSON.parse(data) as { type: string };
    if (message.type !== "window") return; // "lagged": the server closes; we resume on reconnect.
    const w = message as WindowMessage;
    // A window comes again only as a correction (a fleet instance's part arrived late).
    if (this.lastSeq !== undefined && w.seq <= this.lastSeq && w.revision === 0) return;
    this.lastSeq = Math.max(w.seq, this.lastSeq ?? w.seq);
    this.options.onWindow(w, Date.now());
  }
}
