// game.mjs - the participatory game of `govsim serve --game` end to end, in Debian's
// chromium (headless) driven by playwright-core: a facilitator and two managers, each
// in a browser context of their own, play three rounds (the facilitator switches the
// regime after the first; one manager lets a round pass without choosing); then the
// debrief, and the saved game: its choices are the ones made, the numbers on the
// screens are the file's, and `govsim run` on its scenario file replays it bit for bit.
//
//   node tests/serve/game.mjs build/govsim [DEBRIEF.png MANAGER.png]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { check, freePort, run } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const govsim = path.resolve(process.argv[2] || path.join(root, "build", "govsim"));
const shots = process.argv[4] ? [path.resolve(process.argv[3]), path.resolve(process.argv[4])] : null;

// The server, once it has printed its address and the game's key and code.
async function startServer(scenario, out, port) {
  const p = spawn(govsim, ["serve", scenario, "--game", "--port", String(port), "--out", out],
    { stdio: ["ignore", "pipe", "inherit"] });
  const lines = [];
  await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: p.stdout });
    rl.on("line", (l) => { lines.push(l); if (lines.length === 2) resolve(); });
    p.once("exit", (code) => reject(new Error(`govsim serve exited with ${code}`)));
  });
  const host = /#host=([0-9a-f]+)/.exec(lines[1]), code = /join with code ([A-Z0-9]+)/.exec(lines[1]);
  if (!host || !code) throw new Error(`unexpected: ${lines.join("\n")}`);
  return { proc: p, host: host[1], code: code[1] };
}

const near = (a, b) => a !== null && b !== null && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "govsim-game-"));
  const scenario = path.join(tmp, "small.ini");
  fs.writeFileSync(scenario, `include = ${root}/scenarios/default.ini\n[population]\n` +
    "citizens = 4000\n[workforce]\nworkers_per_team = 2\n");
  const out = path.join(tmp, "out");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(scenario, out, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  const open = async (url, size) => {
    const ctx = await browser.newContext({ viewport: size || { width: 1300, height: 900 } });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error" && !/status of 40[39]/.test(m.text())) errors.push(m.text()); });
    await page.goto(url);
    return page;
  };
  try {
    // the facilitator's screen shows the join code
    const host = await open(`${base}/game.html#host=${server.host}`);
    await host.waitForSelector("body[data-ready]", { timeout: 30000 });
    check(await host.locator("#join-shown").textContent() === server.code, "the join code shown");
    check(await host.locator("#teams tbody tr").count() === 5, "every team listed");

    // two managers join from their own browsers; a wrong code is refused
    const ann = await open(`${base}/game.html`, { width: 900, height: 1100 });
    await ann.fill("#join-code", "ZZZZZZ");
    await ann.click("#join-button");
    await ann.waitForSelector("#status.error");
    check(/no game with that join code/.test(await ann.locator("#status").textContent()), "a wrong code refused");
    await ann.fill("#join-code", server.code.toLowerCase());
    await ann.fill("#join-name", "Ann");
    await ann.click("#join-button");
    await ann.waitForSelector("body[data-team]");
    const bob = await open(`${base}/game.html?code=${server.code}`, { width: 900, height: 1100 });
    await bob.fill("#join-name", "Bob");
    await bob.click("#join-button");
    await bob.waitForSelector("body[data-team]");
    check(await ann.getAttribute("body", "data-team") === "1", "Ann manages team 1");
    check(await bob.getAttribute("body", "data-team") === "2", "Bob manages team 2");
    // the levers start at the regime's values (npm: target pressure 0.7)
    check(await ann.inputValue("#lever-pressure") === "0.7", "the pressure lever starts at the preset's",
      await ann.inputValue("#lever-pressure"));

    const choose = async (page, levers) => {
      for (const [k, v] of Object.entries(levers)) {
        if (k === "honest") await page.setChecked("#lever-honest", v);
        else await page.locator(`#lever-${k}`).fill(String(v));
      }
      // what the page sends: every lever as the participant left it
      const sent = [];
      for (const k of ["pressure", "learning", "chasing"]) sent.push(parseFloat(await page.inputValue(`#lever-${k}`)));
      sent.push((await page.isChecked("#lever-honest")) ? 1 : 0);
      await page.click("#decide");
      await page.waitForSelector('#decided[data-decided="yes"]');
      return sent;
    };
    const closeRound = async (n) => {
      await host.click("#close-round");
      await host.waitForSelector(`body[data-round="${n}"]`, { timeout: 60000 });
      for (const p of [ann, bob]) await p.waitForSelector(`body[data-round="${n}"]`, { timeout: 10000 });
    };
    // round 1: Ann presses hard and games; Bob reports honestly and protects learning time
    const want = [[], []];
    want[0].push(await choose(ann, { pressure: 1, chasing: 6, honest: false }));
    want[1].push(await choose(bob, { pressure: 0.2, learning: 0.2, honest: true }));
    await host.waitForSelector('#teams tr[data-team="2"][data-decided="yes"]');
    await closeRound(1);
    // round 2: the facilitator switches to hls; Bob does not choose in time
    await host.selectOption("#regime", "hls");
    await host.waitForFunction(() => document.querySelector("#host-note").textContent.includes("regime hls"));
    await ann.waitForFunction(() => document.querySelector("#team-round").textContent.includes("hls"));
    const hls = await ann.evaluate(async () => (await (await fetch("/api/game/team", {
      headers: { "X-Game-Token": sessionStorage.getItem("govsim-game-token") } })).json()).levers);
    check(Math.abs(parseFloat(await ann.inputValue("#lever-chasing")) - hls.chasing.preset) < 1e-9 &&
      Math.abs(parseFloat(await ann.inputValue("#lever-learning")) - hls.learning.preset) < 1e-9,
      "the levers follow the regime switched to", hls);
    want[0].push(await choose(ann, { pressure: 0.9, learning: 0, honest: false }));
    want[1].push([null, null, null, null]);
    await closeRound(2);
    // round 3: back to npm
    await host.selectOption("#regime", "npm");
    await host.waitForFunction(() => document.querySelector("#host-note").textContent.includes("regime npm"));
    for (const p of [ann, bob])
      await p.waitForFunction(() => document.querySelector("#team-round").textContent.includes("round 3: npm"));
    want[0].push(await choose(ann, { pressure: 1, honest: false }));
    want[1].push(await choose(bob, { pressure: 0.3, learning: 0.1, chasing: 0, honest: true }));
    await closeRound(3);
    if (shots) {
      fs.mkdirSync(path.dirname(shots[1]), { recursive: true });
      await ann.screenshot({ path: shots[1], fullPage: true });
    }
    await host.click("#end-game");
    await host.waitForSelector("body[data-ended]");
    await host.waitForSelector("#debrief:not([hidden]) #debrief-table tbody tr");
    check(await host.locator("#debrief-table tbody tr").count() === 5, "a debrief row per team");
    check(await host.locator("#debrief-chart canvas").count() === 1, "the debrief's chart drawn");
    // a decision out of range gets the parameter table's message, once the game is still on
    const bad = await ann.request.post(`${base}/api/game/decide`, {
      headers: { "X-Game-Token": "0".repeat(32) }, data: { pressure: 0.5 } });
    check(bad.status() === 403, "a decision without the team's token refused", bad.status());

    // the saved game: its file, downloaded from the facilitator's link
    const resHref = await host.locator("#dl-result").getAttribute("href");
    const iniHref = await host.locator("#dl-scenario").getAttribute("href");
    const h5 = path.join(tmp, "game.h5"), ini = path.join(tmp, "game.ini");
    fs.writeFileSync(h5, await (await host.request.get(base + resHref)).body());
    fs.writeFileSync(ini, await (await host.request.get(base + iniHref)).text());
    const noKey = await host.request.get(base + resHref.replace(/\?host=.*/, ""));
    check(noKey.status() === 403, "the game's file needs the facilitator's key", noKey.status());
    const text = fs.readFileSync(ini, "utf8");
    check(/\n\[event\.round2\]\nat = 30d\npreset = hls\n/.test(text), "the switch to hls in the scenario file");
    check(/\nteam\.2\.honest = on, -, on\n/.test(text), "Bob's round 2 fell back to the preset", text);
    const replay = path.join(tmp, "replay.h5");
    const run = spawnSync(govsim, ["run", ini, "-o", replay, "-q"], { encoding: "utf8" });
    check(run.status === 0, "govsim run on the game's scenario file", run.stderr);
    const py = spawnSync("/usr/bin/python3", [path.join(here, "game_file.py"), h5, replay], { encoding: "utf8" });
    check(py.status === 0, "game_file.py reads the game", py.stderr);
    const f = JSON.parse(py.stdout || "{}");
    check(f.compared > 50 && f.differ && f.differ.length === 0 && f.only_one.length === 0,
      "the replay equals the game in every dataset", { differ: f.differ, only: f.only_one });
    check(f.game_arms === "room" && f.arms.join() === "room,model", "arms room and model", f.arms);
    // the choices saved are those made (team, round, lever: pressure learning chasing honest)
    const dec = f.decisions || [];
    check(want[0][0][0] === 1 && want[0][0][2] === 6 && want[1][0][3] === 1, "the page sent the levers moved", want);
    check(JSON.stringify(dec) === JSON.stringify(want), "game/decisions holds the choices", dec);

    // the numbers on the screens are the file's
    const ser = f.series;
    const annRow = (round, field) => ann.locator(`#team-rounds tr[data-round="${round}"] td[data-field="${field}"]`).getAttribute("data-value");
    for (let r = 0; r < 3; r++)
      for (const [field, m] of [["recorded", "within_target_recorded"], ["true", "within_target_true"], ["stress", "worker_stress_mean"], ["queue", "queue_length"]]) {
        const shown = await annRow(r + 1, field);
        const v = ser[m][0][0][r];
        check(v === null ? shown === null : near(parseFloat(shown), v), `Ann's ${field} of round ${r + 1} is the file's`, [shown, v]);
      }
    check(await ann.locator("#team-rounds tbody tr").count() === 3, "Ann sees her three rounds");
    // honest reporting: Bob's team gamed nothing in the rounds he chose it
    for (const r of [0, 2]) {
      const g = ser.records_manipulated[0][1][r] + ser.reclassifications[0][1][r] + ser.premature_closures[0][1][r];
      check(g === 0, `Bob's honest team gamed nothing in round ${r + 1}`, g);
    }
    // the debrief: each team's true share over the rounds, weighted as the server weighs it
    const share = (arm, team, m, w1, w2) => {
      let num = 0, den = 0;
      for (let r = 0; r < 3; r++) {
        const w = ser[w1][arm][team][r] + (w2 ? ser[w2][arm][team][r] : 0), s = ser[m][arm][team][r];
        if (w > 0 && s !== null) { num += w * s; den += w; }
      }
      return den > 0 ? num / den : null;
    };
    for (let t = 0; t < 5; t++) {
      const cell = (field) => host.locator(`#debrief-table tr[data-team="${t + 1}"] td[data-field="${field}"]`).getAttribute("data-value");
      const room = share(0, t, "within_target_true", "needs_met_service", "needs_abandoned");
      const model = share(1, t, "within_target_true", "needs_met_service", "needs_abandoned");
      const rec = share(0, t, "within_target_recorded", "cases_measured");
      check(near(parseFloat(await cell("true")), room), `debrief: team ${t + 1}'s true share is the file's`, [await cell("true"), room]);
      check(near(parseFloat(await cell("model_true")), model), `debrief: team ${t + 1}'s model true share`, [await cell("model_true"), model]);
      check(near(parseFloat(await cell("recorded")), rec), `debrief: team ${t + 1}'s recorded share`, [await cell("recorded"), rec]);
      const leavers = ser.leavers[0][t].reduce((a, b) => a + b, 0);
      check(parseFloat(await cell("leavers")) === leavers, `debrief: team ${t + 1}'s leavers`, [await cell("leavers"), leavers]);
    }
    check(errors.length === 0, "no errors in the pages", errors);
    if (shots) {
      fs.mkdirSync(path.dirname(shots[0]), { recursive: true });
      await host.locator("#debrief").screenshot({ path: shots[0] });
    }
  } finally {
    await browser.close();
    server.proc.kill("SIGTERM");
    await new Promise((r) => server.proc.once("exit", r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

run("game", main);
