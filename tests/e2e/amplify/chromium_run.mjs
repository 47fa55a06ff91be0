// game.mjs in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// the page at <endpoint>/app/ runs the steps; one JSON line per step on stdout, the
// confirmation code as a line on stdin, as sign_up_and_play.mjs.
//
//   DYNAFED_AMPLIFY_CONFIG=… node chromium_run.mjs
import readline from "node:readline";

import { chromium } from "playwright-core";

const config = JSON.parse(process.env.DYNAFED_AMPLIFY_CONFIG);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const input = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => input.once("line", resolve));
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: FLAGS,
});
let failed = false;
try {
  const page = await browser.newPage();
  await page.goto(`${config.endpoint}/app/`);
  await page.waitForFunction(() => window.dynafedAmplify !== undefined, null, { timeout: 30_000 });
  const run = (step, ...args) =>
    page.evaluate(
      ([name, values]) => window.dynafedAmplify[name](...values),
      [step, args],
    );
  say(await run("signUpStep", config));
  say(await run("playStep", config, (await nextLine()).trim()));
} catch (error) {
  failed = true;
  say({ step: "failed", name: error.name, message: error.message });
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
