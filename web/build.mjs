// Bundles the dashboard into one JS and one CSS file next to index.html.
// Usage: node build.mjs [--web DIR] [--outdir DIR]: the sources in DIR (default: beside this
// script) into --outdir (default dist/). Packages are taken from node_modules beside this
// script: the Rust crate bp-dashboard copies it into its OUT_DIR, installs there and embeds
// the output, so a cargo build writes nothing into web/.
import * as esbuild from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const web = option("--web", here);
const outdir = option("--outdir", join(web, "dist"));

await mkdir(outdir, { recursive: true });
await esbuild.build({
  entryPoints: { app: join(web, "src/main.ts") },
  nodePaths: [join(here, "node_modules")],
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
await copyFile(join(web, "index.html"), join(outdir, "index.html"));
