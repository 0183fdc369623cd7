// game.js - the page of `govsim serve --game`. Without a key in the address it is a
// participant's: join with the code, then the team's screen (its rounds, a chart of
// recorded against true, and the levers for the next round). With #host=KEY (the
// address the server prints) it is the facilitator's: the join code, the regime, every
// team live, the rounds, and the debrief. Plain script, no build step; the API is in
// docs/cli.md.
"use strict";

const $ = (id) => document.getElementById(id);
const LEVERS = ["pressure", "learning", "chasing"];
const POLL_MS = 1000;

const state = {
  host: null,    // the facilitator's key
  token: null,   // a manager's token
  team: null,    // GET /api/game/team
  game: null,    // GET /api/game/state
  edited: false, // the manager moved a lever since the levers were last set
  shownRound: -1,
  leverRegime: null, // the regime whose values the levers were set to
  charts: {},
};

function status(text, error) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

async function api(url, body) {
  const headers = {};
  if (state.host) headers["X-Game-Host"] = state.host;
  if (state.token) headers["X-Game-Token"] = state.token;
  const opts = { headers };
  if (body !== undefined) {
    opts.method = "POST";
    headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(url, opts);
  const j = await r.json();
  if (!r.ok) {
    const e = new Error(j.error);
    e.status = r.status;
    throw e;
  }
  return j;
}

const pct = (v) => (v === null || v === undefined ? "–" : (100 * v).toFixed(0) + "%");
const num = (v, d) => (v === null || v === undefined ? "–" : v.toFixed(d || 0));

// A table: columns [{title, get(row), raw(row)?, field}], rows; data-* for the tests.
function table(columns, rows, rowData) {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = c.title;
    head.append(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    Object.assign(tr.dataset, rowData(row));
    for (const c of columns) {
      const td = tr.insertCell();
      td.textContent = c.get(row);
      td.dataset.field = c.field;
      const raw = c.raw ? c.raw(row) : undefined;
      if (raw !== undefined && raw !== null) td.dataset.value = String(raw);
      if (c.cls) td.className = c.cls(row) || "";
    }
  }
  return t;
}

// A small line chart of rounds (uPlot), redrawn whole.
function lineChart(box, key, title, unit, xLabel, rounds, series) {
  box.replaceChildren();
  const h = document.createElement("h3");
  h.textContent = title + " ";
  const u = document.createElement("span");
  u.className = "unit";
  u.textContent = "(" + unit + ")";
  h.append(u);
  box.append(h);
  if (!rounds.length) return;
  const opts = {
    width: Math.max(320, Math.min(700, box.clientWidth - 10)), height: 200,
    series: [{ label: xLabel }].concat(series.map((s) => ({
      label: s.label, stroke: s.colour, width: 2, dash: s.dash, spanGaps: true,
      points: { show: true },
    }))),
    axes: [{ label: xLabel, incrs: [1, 2, 5, 10] }, { label: unit, size: 50 }],
    scales: { x: { time: false }, y: { range: [0, 100] } },
  };
  const data = [rounds].concat(series.map((s) => s.values.map((v) => (v === null ? null : 100 * v))));
  state.charts[key] = new uPlot(opts, data, box);
}

// ---- a participant ----

function showJoin() {
  $("join").hidden = false;
  $("manager").hidden = true;
  status("Type the join code the facilitator shows.");
  const code = new URLSearchParams(location.search).get("code");
  if (code) $("join-code").value = code;
}

async function join() {
  try {
    const j = await api("/api/game/join", { code: $("join-code").value, name: $("join-name").value });
    state.token = j.token;
    sessionStorage.setItem("govsim-game-token", j.token);
    $("join").hidden = true;
    await refreshTeam();
  } catch (e) {
    status(e.message, true);
  }
}

function leverValue(name) {
  return parseFloat($("lever-" + name).value);
}

function showLeverValues() {
  for (const k of LEVERS) $("v-" + k).textContent = num(leverValue(k), 2);
}

function setLevers(t) {
  // the next round starts from the regime's values, as the model's manager would
  for (const k of LEVERS) $("lever-" + k).value = t.levers[k].preset;
  $("lever-honest").checked = false;
  state.edited = false;
  state.leverRegime = t.regime;
  showLeverValues();
}

function showTeam(t) {
  $("manager").hidden = false;
  $("title").textContent = "— " + t.name;
  $("team-title").textContent = `Team ${t.team} (${t.name})`;
  document.body.dataset.team = t.team;
  document.body.dataset.round = t.round;
  $("team-round").textContent = t.ended
    ? `The game has ended after ${t.round} round${t.round === 1 ? "" : "s"}.`
    : `${t.round} round${t.round === 1 ? "" : "s"} played. The regime for round ${t.round + 1}: ${t.regime}.`;
  $("choices-title").textContent = `Your choices for round ${t.round + 1}`;
  $("choices").hidden = t.ended;
  if (t.round === state.shownRound && t.regime !== state.leverRegime && !state.edited && !t.decided)
    setLevers(t); // the facilitator switched the regime before the participant chose
  if (t.round !== state.shownRound) {
    state.shownRound = t.round;
    setLevers(t);
    const rounds = t.rounds.map((r) => r.round);
    lineChart($("team-chart"), "team", "Your team: share within target", "%", "round", rounds, [
      { label: "recorded", colour: "#2471a3", values: t.rounds.map((r) => r.recorded) },
      { label: "true (what citizens live)", colour: "#c0392b", values: t.rounds.map((r) => r.true) },
    ]);
    const cols = [
      { title: "round", field: "round", get: (r) => r.round, raw: (r) => r.round },
      { title: "regime", field: "regime", get: (r) => r.regime },
      { title: "recorded within target", field: "recorded", get: (r) => pct(r.recorded), raw: (r) => r.recorded },
      { title: "true within target", field: "true", get: (r) => pct(r.true), raw: (r) => r.true },
      { title: "cases closed (measured)", field: "cases", get: (r) => num(r.cases), raw: (r) => r.cases },
      { title: "queue at the end", field: "queue", get: (r) => num(r.queue), raw: (r) => r.queue },
      { title: "staff stress", field: "stress", get: (r) => num(r.stress, 2), raw: (r) => r.stress },
      { title: "off sick", field: "sick", get: (r) => num(r.sick), raw: (r) => r.sick },
      { title: "leavers", field: "leavers", get: (r) => num(r.leavers), raw: (r) => r.leavers },
      { title: "records gamed", field: "gamed", get: (r) => num(r.gamed), raw: (r) => r.gamed },
      { title: "sanction risk", field: "sanction_risk", get: (r) => pct(r.sanction_risk), raw: (r) => r.sanction_risk },
      { title: "your choices", field: "choices", get: (r) => choicesText(r.choices) },
    ];
    $("team-rounds").replaceChildren(table(cols, t.rounds, (r) => ({ round: r.round })));
  }
  $("decided").textContent = t.decided ? "Your choices are in; you may still change them." : "";
  $("decided").dataset.decided = t.decided ? "yes" : "no";
  status(t.ended ? "Thank you for playing." : t.decided ? "Waiting for the round to close…"
    : "Choose your levers for the next round.");
  document.body.dataset.ready = "";
}

function choicesText(c) {
  if (!c) return "";
  const parts = [];
  if (c.pressure !== "-") parts.push("pressure " + c.pressure);
  if (c.learning !== "-") parts.push("learning " + c.learning);
  if (c.chasing !== "-") parts.push("chasing " + c.chasing);
  if (c.honest !== "-") parts.push("honest " + c.honest);
  return parts.length ? parts.join(", ") : "the preset's";
}

async function refreshTeam() {
  try {
    state.team = await api("/api/game/team");
    showTeam(state.team);
  } catch (e) {
    if (e.status === 403) {
      sessionStorage.removeItem("govsim-game-token");
      state.token = null;
      showJoin();
      return;
    }
    status(e.message, true);
  }
}

async function decide() {
  const body = { honest: $("lever-honest").checked };
  for (const k of LEVERS) body[k] = leverValue(k);
  try {
    state.team = await api("/api/game/decide", body);
    showTeam(state.team);
  } catch (e) {
    status(e.message, true);
  }
}

// ---- the facilitator ----

function showGame(g) {
  $("host").hidden = false;
  $("title").textContent = "— " + g.scenario.replace(/^.*\//, "");
  $("about").textContent = "You set the regime around the teams and close each round; the " +
    "participants manage one team each.";
  document.body.dataset.round = g.round;
  if (g.ended) document.body.dataset.ended = "";
  $("join-shown").textContent = g.join;
  $("join-url").textContent = location.origin + "/game.html";
  const sel = $("regime");
  if (!sel.options.length)
    for (const p of g.presets.split(", ")) sel.add(new Option(p, p));
  if (document.activeElement !== sel) sel.value = g.regime;
  $("close-round").disabled = g.ended;
  sel.disabled = g.ended;
  $("end-game").disabled = g.ended || g.round === 0;
  const decided = g.teams.filter((t) => t.manager && t.decided).length;
  const managers = g.teams.filter((t) => t.manager).length;
  $("host-note").textContent = g.ended
    ? `The game ended after ${g.round} rounds.`
    : `Round ${g.round + 1} (${g.round_length}, regime ${g.regime}): ${decided} of ${managers} ` +
      `managers have chosen; the others keep the preset. ${g.teams.length - managers} teams ` +
      "are run by the model's managers.";
  if (g.result) {
    $("host-files").hidden = false;
    $("dl-result").href = g.result + "?host=" + state.host;
    $("dl-scenario").href = g.scenario_file + "?host=" + state.host;
  }
  const last = (t) => (t.rounds.length ? t.rounds[t.rounds.length - 1] : {});
  const cols = [
    { title: "team", field: "team", get: (t) => t.team },
    { title: "manager", field: "manager", get: (t) => (t.manager ? t.name : "the model") },
    { title: "chosen", field: "decided", get: (t) => (t.manager ? (t.decided ? "yes" : "not yet") : "") },
    { title: "recorded (last round)", field: "recorded", get: (t) => pct(last(t).recorded), raw: (t) => last(t).recorded },
    { title: "true (last round)", field: "true", get: (t) => pct(last(t).true), raw: (t) => last(t).true },
    { title: "queue", field: "queue", get: (t) => num(last(t).queue), raw: (t) => last(t).queue },
    { title: "stress", field: "stress", get: (t) => num(last(t).stress, 2), raw: (t) => last(t).stress },
    { title: "off sick", field: "sick", get: (t) => num(last(t).sick), raw: (t) => last(t).sick },
    { title: "leavers", field: "leavers", get: (t) => num(last(t).leavers), raw: (t) => last(t).leavers },
    { title: "records gamed", field: "gamed", get: (t) => num(last(t).gamed), raw: (t) => last(t).gamed },
  ];
  $("teams").replaceChildren(table(cols, g.teams, (t) => ({
    team: t.team, decided: t.manager && t.decided ? "yes" : "no",
  })));
  if (g.ended && g.round > 0) showDebrief(g);
  document.body.dataset.ready = "";
}

function showDebrief(g) {
  $("debrief").hidden = false;
  const d = (a, b) => (a === null || b === null ? null : a - b);
  const pts = (v) => (v === null ? "–" : (v > 0 ? "+" : "") + (100 * v).toFixed(0) + " pts");
  const cols = [
    { title: "team", field: "team", get: (t) => t.team },
    { title: "manager", field: "manager", get: (t) => (t.manager ? t.name : "the model") },
    { title: "recorded", field: "recorded", get: (t) => pct(t.room.recorded), raw: (t) => t.room.recorded },
    { title: "true", field: "true", get: (t) => pct(t.room.true), raw: (t) => t.room.true },
    { title: "recorded − true", field: "gap", get: (t) => pts(t.room.gap), raw: (t) => t.room.gap },
    { title: "records gamed", field: "gamed", get: (t) => num(t.room.gamed), raw: (t) => t.room.gamed },
    { title: "early closures", field: "premature", get: (t) => num(t.room.premature), raw: (t) => t.room.premature },
    { title: "leavers", field: "leavers", get: (t) => num(t.room.leavers), raw: (t) => t.room.leavers },
    { title: "needs given up", field: "abandoned", get: (t) => num(t.room.abandoned), raw: (t) => t.room.abandoned },
    { title: "model's managers: true", field: "model_true", get: (t) => pct(t.model.true), raw: (t) => t.model.true },
    { title: "model's: leavers", field: "model_leavers", get: (t) => num(t.model.leavers), raw: (t) => t.model.leavers },
    { title: "model's: needs given up", field: "model_abandoned", get: (t) => num(t.model.abandoned), raw: (t) => t.model.abandoned },
    { title: "what the room's choices did to citizens (true share)", field: "cost",
      get: (t) => pts(d(t.room.true, t.model.true)), raw: (t) => d(t.room.true, t.model.true),
      cls: (t) => { const v = d(t.room.true, t.model.true); return v > 0 ? "better" : v < 0 ? "worse" : ""; } },
  ];
  $("debrief-table").replaceChildren(table(cols, g.teams, (t) => ({ team: t.team })));
  const teams = g.teams.map((t) => t.team);
  lineChart($("debrief-chart"), "debrief", "Recorded against true, by team", "%", "team", teams, [
    { label: "recorded (the room)", colour: "#2471a3", values: g.teams.map((t) => t.room.recorded) },
    { label: "true (the room)", colour: "#c0392b", values: g.teams.map((t) => t.room.true) },
    { label: "true (the model's managers)", colour: "#777", dash: [6, 4], values: g.teams.map((t) => t.model.true) },
  ]);
}

async function refreshGame() {
  try {
    state.game = await api("/api/game/state");
    showGame(state.game);
  } catch (e) {
    status(e.message, true);
    return;
  }
  if (!$("status").className) status("");
}

async function hostAction(url, body) {
  try {
    status("Playing…");
    state.game = await api(url, body);
    showGame(state.game);
    status("");
  } catch (e) {
    status(e.message, true);
  }
}

// ---- start ----

function main() {
  const m = /host=([0-9a-f]+)/.exec(location.hash);
  if (m) {
    state.host = m[1];
    $("regime").addEventListener("change", () => hostAction("/api/game/regime", { preset: $("regime").value }));
    $("close-round").addEventListener("click", () => hostAction("/api/game/round", {}));
    $("end-game").addEventListener("click", () => hostAction("/api/game/end", {}));
    refreshGame();
    setInterval(refreshGame, POLL_MS);
    return;
  }
  $("join-button").addEventListener("click", join);
  $("decide").addEventListener("click", decide);
  for (const k of LEVERS) $("lever-" + k).addEventListener("input", () => { state.edited = true; showLeverValues(); });
  $("lever-honest").addEventListener("change", () => { state.edited = true; });
  state.token = sessionStorage.getItem("govsim-game-token");
  if (state.token) refreshTeam(); else showJoin();
  setInterval(() => { if (state.token) refreshTeam(); }, POLL_MS);
}

main();
