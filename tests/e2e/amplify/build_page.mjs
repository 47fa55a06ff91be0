// Bundles game.mjs for the browser into <outdir>/ (index.html, game.js), served by dynafed
// at /app/ through $DYNAFED_WEB_DIR, so the page and the API share one origin.
//
//   node build_page.mjs <outdir>
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const [outdir] = process.argv.slice(2);
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: [path.join(here, "game.mjs")],
  bundle: true,
  format: "iife",
  globalName: "dynafedAmplify",
  platform: "browser",
  outfile: path.join(outdir, "game.js"),
  logLevel: "error",
});
await writeFile(
  path.join(outdir, "index.html"),
  '<!doctype html><html><head><meta charset="utf-8"><title>Amplify</title>' +
    '<script src="game.js"></script></head><body>Amplify v6 against dynafed</body></html>\n',
);
