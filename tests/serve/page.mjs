// page.mjs - the page of `govsim serve` end to end, in Debian's chromium
// (headless) driven by playwright-core: open the page, move sliders, run,
// wait for the charts and the table, and check that a number the page
// shows is the one `govsim run` prints for the scenario file the page
// offers for download.
//
// Then it starts from a published scenario, moves a slider and resets an
// arm to a preset (the "what changed" list), adds two events (the
// timeline), runs, and checks the downloaded scenario the same way.
//
//   node tests/serve/page.mjs build/govsim [SCREENSHOT.png [EVENTS-SCREENSHOT.png]]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { check, freePort, run } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const govsim = path.resolve(process.argv[2] || path.join(root, "build", "govsim"));
const shot = process.argv[3] ? path.resolve(process.argv[3]) : null;
const shotEvents = process.argv[4] ? path.resolve(process.argv[4]) : null;

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
    // the demand of the scenario's class, on the service's controls
    const rate = page.locator("#c-all-class-casework-need_rate");
    check(await rate.count() === 1, "a slider for the class's need rate");
    check(await page.locator("#c-all-class-casework-complexity_mean").count() === 1,
      "a slider for the class's complexity");
    await rate.fill("1.5");
    const rateValue = await rate.inputValue(); // the slider's step: the value nearest 1.5
    check(await page.locator('#changes li[data-key="class.casework.need_rate"]').count() === 1,
      "the need rate moved is in the what-changed list");
    await page.click("#run");
    await page.waitForSelector("body[data-done]", { timeout: 120000 });
    const charts = await page.locator(".chart canvas").count();
    check(charts >= 11, "charts drawn", charts);
    // each arm's band: the lowest and highest of the runs, around their mean
    const band = await page.evaluate(() => {
      const d = state.charts.needs_met.data, n = state.run.arms.length;
      let inside = true, wide = false;
      for (let a = 0; a < n; a++) {
        const mean = d[1 + a], lo = d[1 + n + 2 * a], hi = d[2 + n + 2 * a];
        mean.forEach((m, t) => {
          if (m === null) return;
          if (!(lo[t] <= m + 1e-9 && m <= hi[t] + 1e-9)) inside = false;
          if (hi[t] > lo[t]) wide = true;
        });
      }
      return { inside, wide };
    });
    check(band.inside && band.wide, "each arm's band holds its mean and spreads over the runs", band);
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
    check(Math.abs(parseFloat(rateValue) - 1.5) < 0.05 &&
      ini.includes(`\n[class.casework]\nneed_rate = ${rateValue}\n`) &&
      ini.includes(`\nclass.casework.need_rate = ${rateValue}\n`),
      "the class's need rate in the scenario file", ini.split("\n").filter((l) => l.includes("need_rate")).join("; "));
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
    if (shot) {
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
    }

    // start from a published scenario: its arms replace the others
    await page.selectOption("#start-from", "published/work_programme");
    await page.waitForFunction(() =>
      document.querySelector("#scenario-name").textContent === "— published/work_programme");
    check((await page.locator("#arms fieldset").count()) === 2, "the published scenario's two arms");
    check(await page.locator("#changes li[data-key]").count() === 0, "nothing changed on loading");
    await page.locator("#c-all-population-citizens").fill("1500");
    await page.locator("#c-all-simulation-duration").fill("90");
    await page.locator("#c-all-simulation-replications").fill("2");
    const pbr = page.locator("#c-payment_by_results-regime-target_pressure");
    await pbr.fill("0.3");
    const moved = page.locator('#changes li[data-arm="payment_by_results"][data-key="regime.target_pressure"]');
    check(await moved.count() === 1, "the slider moved is in the what-changed list");
    const movedText = await moved.textContent();
    check(movedText === "regime.target_pressure: 0.7 → 0.3 [0..1]", "old → new with its unit", movedText);
    // an arm reset to another preset, then back to its own: nothing of it left changed
    await page.selectOption("#preset-needs_based", "npm");
    await page.click("#reset-needs_based");
    const reset = page.locator('#changes li[data-arm="needs_based"][data-key="regime.target_pressure"]');
    check(await reset.getAttribute("data-new") === "0.7", "needs_based reset to npm: its target pressure",
      await reset.getAttribute("data-new"));
    await page.selectOption("#preset-needs_based", "hls");
    await page.click("#reset-needs_based");
    check(await page.locator('#changes li[data-arm="needs_based"]').count() === 0,
      "needs_based reset to its own preset: nothing changed");
    // events: demand +30% in needs_based at day 30, payment_by_results switches to hls at day 60
    await page.selectOption("#ev-arm", "needs_based");
    await page.selectOption("#ev-kind", "demand");
    await page.locator("#ev-percent").fill("30");
    await page.locator("#ev-at").fill("30");
    await page.click("#ev-add");
    await page.selectOption("#ev-arm", "payment_by_results");
    await page.selectOption("#ev-kind", "preset");
    await page.selectOption("#ev-preset", "hls");
    await page.locator("#ev-at").fill("60");
    await page.click("#ev-add");
    check(await page.locator("#event-list li").count() === 2, "two events listed");
    check(await page.locator("#timeline circle").count() === 2, "two events on the timeline");
    await page.click("#run");
    await page.waitForSelector("body[data-done]", { timeout: 120000 });
    const href2 = await page.locator("#dl-scenario").getAttribute("href");
    const ini2 = await (await page.request.get(`http://127.0.0.1:${port}${href2}`)).text();
    check(ini2.includes("[event.page1]\nat = 30d\narms = needs_based\nclass.easy.need_rate = 0.65\n" +
      "class.hard.need_rate = 0.65\n"), "the demand event in the scenario file", ini2.slice(-400));
    check(ini2.includes("[event.page2]\nat = 60d\narms = payment_by_results\npreset = hls\n"),
      "the switch in the scenario file");
    check(/\[arm\.payment_by_results\][^[]*regime\.target_pressure = 0\.3\n/.test(ini2),
      "the slider moved in the scenario file");
    const file2 = path.join(tmp, "published.ini");
    fs.writeFileSync(file2, ini2);
    const run2 = spawnSync(govsim, ["run", file2, "-o", path.join(tmp, "cli2.h5")], { encoding: "utf8" });
    check(run2.status === 0, "govsim run on the downloaded published scenario", run2.stderr);
    const arms2 = tableRow(run2.stdout, "outcome (mean +- 95% CI)") || [];
    for (const outcome of [["needs_met", "needs met"], ["within_target_true", "in target (true)"]]) {
      const cli = tableRow(run2.stdout, outcome[1]) || [];
      for (const arm of ["payment_by_results", "needs_based"]) {
        const k = arms2.indexOf(arm);
        const onPage = await cellOf(outcome[0], arm);
        const inCli = (cli[k] || "").split(" +- ")[0];
        check(k >= 0 && onPage !== null && onPage === inCli, `${arm} ${outcome[0]}: page = govsim run`,
          `${onPage} vs ${inCli}`);
      }
    }
    check(errors.length === 0, "no errors in the page", errors.join("; "));
    if (shotEvents) {
      fs.mkdirSync(path.dirname(shotEvents), { recursive: true });
      await page.screenshot({ path: shotEvents, clip: { x: 0, y: 0, width: 1400, height: 1000 } });
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

run("page", main);
