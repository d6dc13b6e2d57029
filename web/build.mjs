// Bundles the dashboard into one JS and one CSS file next to index.html.
// Usage: node build.mjs [--outdir DIR] (default dist/); the Rust crate bp-dashboard calls
// this from its build script and embeds the output.
import * as esbuild from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf("--outdir");
const outdir = flag > 0 ? process.argv[flag + 1] : join(here, "dist");

await mkdir(outdir, { recursive: true });
await esbuild.build({
  entryPoints: { app: join(here, "src/main.ts") },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  outdir,
  logLevel: "warning",
  // Deterministic output: the binary embeds it, and rebuilds should not churn.
  legalComments: "eof",
});
await copyFile(join(here, "index.html"), join(outdir, "index.html"));
