// Bundles src/main.js with the AWS SDK into dist/app.js and copies the static page: the
// server serves dist/ at /app/, with nothing loaded from any other origin.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outfile: "dist/app.js",
  logLevel: "warning",
  // The package's "browser" map names its browser entry without the ".js" that its
  // "module" entry has, so bundlers miss it; point at the browser build directly.
  alias: {
    "@aws-sdk/credential-providers": "./node_modules/@aws-sdk/credential-providers/dist-es/index.browser.js",
  },
});
cpSync("static", "dist", { recursive: true });
