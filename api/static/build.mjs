// Bundles the page's scripts (src/*.js and their npm packages) into vendor/, served by the service as
// /static/vendor/*.js. Run by `make web` (and .ci/system-deps.sh) after `npm ci`.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "vendor");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: ["home", "network", "charts"].map((name) => join(here, "src", `${name}.js`)),
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "linked",
  logLevel: "warning",
});
writeFileSync(join(outdir, ".built"), new Date().toISOString() + "\n");
