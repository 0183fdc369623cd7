// page.mjs - the page of `govsim serve` end to end, in Debian's chromium
// (headless) driven by playwright-core: open the page, move sliders, run,
// wait for the charts and the table, and check that a number the page
// shows is the one `govsim run` prints for the scenario file the page
// offers for download.
//
//   node tests/serve/page.mjs build/govsim [SCREENSHOT.png]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const govsim = path.resolve(process.argv[2] || path.join(root, "build", "govsim"));
const shot = process.argv[3] ? path.resolve(process.argv[3]) : null;
let failures = 0, passes = 0;

function check(ok, what, detail) {
  if (ok) {
    passes++;
  } else {
    failures++;
    console.log(`FAIL: ${what}${detail === undefined ? "" : ": " + detail}`);
  }
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The server, started when it has printed its address.
async function startServer(scenario, out, port) {
  const p = spawn(govsim, ["serve", scenario, "--port", String(port), "--out", out],
    { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: p.stdout }).once("line", resolve);
    p.once("exit", (code) => reject(new Error(`govsim serve exited with ${code}`)));
  });
  if (!line.includes(`http://127.0.0.1:${port}/`)) throw new Error(`unexpected: ${line}`);
  return p;
}

// The cells of a row of the table `govsim run` prints: label, then one per column.
function tableRow(text, label) {
  const line = text.split("\n").find((l) => l.startsWith(label + "  "));
  return line ? line.slice(24).trim().split(/\s{2,}/) : null;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "govsim-page-"));
  const scenario = path.join(tmp, "small.ini");
  fs.writeFileSync(scenario, `include = ${root}/scenarios/default.ini\n[simulation]\n` +
    "duration = 120d\nreplications = 2\n[population]\ncitizens = 3000\n");
  const port = await freePort();
  const server = await startServer(scenario, path.join(tmp, "out"), port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector("body[data-ready]", { timeout: 30000 });
    check(await page.locator("#scenario-name").textContent() === "— small", "scenario named");
    // sliders from the parameter table: each arm's levers, the service's size
    const npm = page.locator("#c-npm-regime-target_pressure");
    check(await npm.count() === 1, "a slider for npm's target pressure");
    check(await page.locator("#c-all-population-citizens").count() === 1, "a slider for citizens");
    check((await page.locator("#arms fieldset").count()) === 3, "one group of levers per arm");
    const title = await page.locator(".lever", { has: npm }).getAttribute("title");
    check(title && title.includes("Allowed: 0..1"), "a lever says its range", title);

    await npm.fill("0.3");
    await page.locator("#c-all-simulation-replications").fill("3");
    await page.click("#run");
    await page.waitForSelector("body[data-done]", { timeout: 120000 });
    const charts = await page.locator(".chart canvas").count();
    check(charts >= 4, "charts drawn", charts);
    const heading = await page.locator(".chart h3").first().textContent();
    check(/needs met \(needs/.test(heading), "a chart's plain label and unit", heading);

    // a number shown against govsim run on the scenario file downloaded
    const cellOf = (outcome, arm) =>
      page.locator(`tr[data-outcome="${outcome}"] td[data-arm="${arm}"]`).getAttribute("data-mean");
    const shown = await cellOf("needs_met", "hls");
    const shownNpm = await cellOf("failure_demand_share", "npm");
    const paired = await page.locator('tr[data-outcome="needs_met"] td[data-paired="hls"]').textContent();
    const href = await page.locator("#dl-scenario").getAttribute("href");
    const ini = await (await page.request.get(`http://127.0.0.1:${port}${href}`)).text();
    check(/\[arm\.npm\][^[]*regime\.target_pressure = 0\.3\n/.test(ini), "npm's slider in the scenario file");
    check(/\nreplications = 3\n/.test(ini), "the service's slider in the scenario file");
    const file = path.join(tmp, "downloaded.ini");
    fs.writeFileSync(file, ini);
    const run = spawnSync(govsim, ["run", file, "-o", path.join(tmp, "cli.h5")], { encoding: "utf8" });
    check(run.status === 0, "govsim run on the downloaded scenario", run.stderr);
    const arms = tableRow(run.stdout, "outcome (mean +- 95% CI)") || [];
    const needs = tableRow(run.stdout, "needs met") || [];
    const fds = tableRow(run.stdout, "failure demand share") || [];
    const hls = arms.indexOf("hls"), first = arms.indexOf("npm");
    check(hls >= 0 && first >= 0, "govsim run's table has the arms", arms);
    const cliHls = (needs[hls] || "").split(" +- ")[0];
    const cliNpm = (fds[first] || "").split(" +- ")[0];
    check(shown !== null && shown === cliHls, "hls's needs met: page = govsim run", `${shown} vs ${cliHls}`);
    check(shownNpm !== null && shownNpm === cliNpm, "npm's failure demand share: page = govsim run",
      `${shownNpm} vs ${cliNpm}`);
    const pairedLine = tableRow(run.stdout.slice(run.stdout.indexOf("paired")), "needs met") || [];
    check(paired.replace("±", "+-") === pairedLine[0], "hls - npm paired: page = govsim run",
      `${paired} vs ${pairedLine[0]}`);
    check(errors.length === 0, "no errors in the page", errors.join("; "));
    if (shot) {
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`== page: ${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  console.log(`== page: ${passes} passed, ${failures + 1} failed`);
  process.exit(1);
});
