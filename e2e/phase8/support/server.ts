// A real BetterPrompts server for the browser specs: the debug binary from cargo, on a free
// loopback port, a temp data dir, 1-second metrics windows; keys and load through the CLI.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "../../..");

/** The binary `cargo build -p betterprompts` made (scripts/test.sh builds it first). */
export const BINARY = process.env.BP_BIN
  ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug", "betterprompts");

export class Server {
  readonly dataDir = mkdtempSync(join(tmpdir(), "bp-e2e-"));
  adminKey = "";
  /** Reads the figures (the dashboard's key); refused by the product API. */
  viewerKey = "";
  private child: ChildProcess | null = null;
  private log: string[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<Server> {
    const server = new Server(await freePort());
    await server.spawn();
    server.adminKey = server.cli(["keys", "create", "--name", "e2e-admin", "--tier", "enterprise",
      "--role", "admin", "--rate-limit", "unlimited"]).trim().split("\n").pop() ?? "";
    server.viewerKey = server.cli(["keys", "create", "--name", "e2e-viewer", "--tier", "enterprise",
      "--role", "viewer"]).trim().split("\n").pop() ?? "";
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts, same port and data) the server and waits until it is ready. */
  async spawn(): Promise<void> {
    this.child = spawn(BINARY, ["serve", "--addr", `127.0.0.1:${this.port}`, "--data-dir", this.dataDir,
      "--metrics-window", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 200) this.log.shift();
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (await fetch(`${this.url}/ready`).then((r) => r.ok).catch(() => false)) return;
      if (this.child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`server did not become ready:\n${this.log.join("")}`);
  }

  /** SIGKILL: the crash the dashboard must recover from. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  cli(args: string[]): string {
    return execFileSync(BINARY, [...args, "--data-dir", this.dataDir], { encoding: "utf8" });
  }

  /** Runs `betterprompts load` against this server; resolves with its exit code. */
  load(args: string[]): Promise<number> {
    const child = spawn(BINARY, ["load", "--target", this.url, "--key", this.adminKey, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
    return new Promise((resolve) => child.on("exit", (code) => {
      if (code !== 0) console.log(`load exited ${code}:\n${stderr}`);
      resolve(code ?? -1);
    }));
  }

  async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.adminKey}`, "content-type": "application/json", ...init.headers },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until the next whole second plus `extraMs`: windows are 1 s, aligned to the clock. */
export async function afterWindowsClose(extraMs = 1500): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + extraMs);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
