// Bundles src/main.js with the AWS SDK into app.js and copies the static page into the
// Python package (src/dynafed/web/), which the server serves at /app/ and the wheel carries,
// so `pip install` gives the demo page without npm. The built files are committed; the
// source map is not (see src/dynafed/web/.gitignore). sources.sha256 records what the
// bundle was built from: tests/unit/server/test_web_bundle.py fails when a source changed
// and the bundle was not rebuilt.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OUT = "../src/dynafed/web";
const SOURCES = ["build.mjs", "package-lock.json", "src", "static"];

function files(path) {
  try {
    return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
  } catch {
    return [path];
  }
}

function sourcesDigest() {
  const hash = createHash("sha256");
  for (const file of SOURCES.flatMap(files).sort()) {
    hash.update(`${file}\n`).update(readFileSync(file)).update("\n");
  }
  return hash.digest("hex");
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outfile: `${OUT}/app.js`,
  logLevel: "warning",
  // The package's "browser" map names its browser entry without the ".js" that its
  // "module" entry has, so bundlers miss it; point at the browser build directly.
  alias: {
    "@aws-sdk/credential-providers": "./node_modules/@aws-sdk/credential-providers/dist-es/index.browser.js",
  },
});
cpSync("static", OUT, { recursive: true });
writeFileSync(`${OUT}/.gitignore`, "*.map\n");
writeFileSync(`${OUT}/sources.sha256`, `${sourcesDigest()}\n`);
