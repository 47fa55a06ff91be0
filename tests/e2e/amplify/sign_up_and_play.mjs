// game.mjs in Node: one JSON line per step on stdout; the confirmation code, which the test
// reads from dynafed's outbox, comes as a line on stdin.
import readline from "node:readline";

import { playStep, signUpStep } from "./game.mjs";

const config = JSON.parse(process.env.DYNAFED_AMPLIFY_CONFIG);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const input = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => input.once("line", resolve));

try {
  say(await signUpStep(config));
  say(await playStep(config, (await nextLine()).trim()));
  process.exit(0);
} catch (error) {
  say({ step: "failed", name: error.name, message: error.message });
  process.exit(1);
}
