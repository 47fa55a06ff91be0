// Drives the GameScores page in headless Chromium (Debian's /usr/bin/chromium) through
// playwright-core and prints what a player sees, as JSON, for tests/e2e/test_demo_browser.py.
//
//   node web/e2e/gamescores.mjs <endpoint> <screenshot.png>
//
// Every wait is on page state (body[data-state]), never on time.
import { chromium } from "playwright-core";

const [endpoint, screenshot] = process.argv.slice(2);
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const WAIT = { timeout: 30_000 }; // generous: CI machines can be busy

async function signIn(page, username, password, mode) {
  await page.goto(`${endpoint}/app/`);
  await page.waitForSelector("body[data-state=signed-out]", WAIT);
  await page.check(`#mode-${mode}`);
  await page.click("#signin");
  await page.waitForSelector("input#password", WAIT);
  const signInPage = page.url();
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("button#signin");
  return signInPage;
}

async function scores(page) {
  return page.$$eval("#scores tr", (rows) =>
    rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)),
  );
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: FLAGS });
const report = { console: [], requests: [], timings: {} };
const started = Date.now();
const mark = (name) => { report.timings[name] = Date.now() - started; };
try {
  mark("launched");
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const page = await context.newPage();
  page.on("console", (message) => report.console.push(`${message.type()}: ${message.text()}`));
  page.on("request", (request) => report.requests.push(new URL(request.url()).origin));
  page.on("response", (r) => { if (r.status() >= 400) report.console.push(`${r.status()} ${r.request().method()} ${r.url()} ${r.request().headers()["x-amz-target"] ?? ""}`); });

  // A wrong password first: the sign-in page says so and stays.
  await signIn(page, "player1", "not-the-password", "enhanced");
  await page.waitForSelector("#error", WAIT);
  report.wrongPassword = await page.textContent("#error");
  mark("wrong-password");

  report.signInPage = await signIn(page, "player1", "player1-password", "enhanced");
  await page.waitForSelector("body[data-state=ready]", WAIT);
  mark("signed-in");
  report.whoami = await page.textContent("#whoami");
  report.identityId = await page.textContent("#identity-id");
  report.scoresBefore = await scores(page);

  report.game = `Browser Quest ${Date.now()}`;
  await page.fill("#game", report.game);
  await page.fill("#score", "4321");
  await page.click("#save");
  await page.waitForSelector("body[data-state=saved]", WAIT);
  report.scoresAfter = await scores(page);
  mark("saved");

  await page.click("#read-other");
  await page.waitForSelector("body[data-state=other-denied]", WAIT);
  report.otherPlayer = await page.inputValue("#other-player");
  report.otherResult = await page.textContent("#other-result");
  await page.screenshot({ path: screenshot, fullPage: true });
  mark("denied");

  // The second way to credentials: GetOpenIdToken, then STS AssumeRoleWithWebIdentity.
  const basic = await (await browser.newContext()).newPage();
  await signIn(basic, "player2", "player2-password", "basic");
  await basic.waitForSelector("body[data-state=ready]", WAIT);
  mark("basic");
  report.basic = {
    whoami: await basic.textContent("#whoami"),
    identityId: await basic.textContent("#identity-id"),
    sessionArn: await basic.textContent("#session-arn"),
    scores: await scores(basic),
  };
} catch (error) {
  report.error = String(error.stack ?? error);
} finally {
  await browser.close();
}
report.requests = [...new Set(report.requests)];
console.log(JSON.stringify(report));
