// app.js - the page of `govsim serve`: sliders built from the parameter
// table, a run streamed from the server (Server-Sent Events) into charts
// (uPlot), and the table of outcomes and paired differences. Plain script,
// no build step; the API is described in docs/cli.md.
"use strict";

// The service's size: parameters set for every arm, if the model has them.
const SERVICE_KEYS = ["population.citizens", "workforce.teams", "workforce.workers_per_team",
  "simulation.duration", "simulation.replications"];
// The series charted (their labels and units come from the metric table).
const CHART_METRICS = ["needs_met", "queue_length", "failure_demand_share",
  "within_target_recorded", "within_target_true", "time_to_close_true_mean",
  "wellbeing_mean", "trust_mean", "worker_stress_mean", "leavers", "cost_per_need_met"];
// The demand each class of need brings, on the service's controls (every arm).
const CLASS_KEYS = ["need_rate", "complexity_mean"];
const COLOURS = ["#c0392b", "#2471a3", "#229954", "#8e44ad", "#d68910", "#555"];
const MINUTES = { min: 1, h: 60, d: 1440, w: 10080, y: 525600 };

const state = {
  params: {},      // key -> row of the parameter table
  metrics: {},     // name -> row of the metric table
  presets: {},     // name -> {description, values: {key: text}}
  scenarios: [],   // GET /api/scenarios: the scenarios to start from
  scenario: null,  // GET /api/scenario: the one loaded
  events: [],      // {arm, kind (preset, demand, budget), value, days}
  controls: [],    // {arm (null: every arm), key, row, initial, read()}
  source: null,    // the EventSource of the run shown
  run: null,       // the run shown: its id, arms, time, sums, lowest and highest per arm
  charts: {},
};

const $ = (id) => document.getElementById(id);

function status(text, error) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const j = await r.json();
  if (!r.ok) {
    const e = new Error(j.problems ? j.error + ":\n" + j.problems : j.error);
    e.status = r.status;
    throw e;
  }
  return j;
}

// A duration as written in a scenario ("30d", "2w", "90min") in days.
function durationDays(text) {
  const m = /^([0-9.eE+-]+)\s*(min|h|d|w|y)$/.exec(text.trim());
  return m ? parseFloat(m[1]) * MINUTES[m[2]] / 1440 : NaN;
}

// printf's %.Nf: exact ties rounded to even, as C's printf rounds them.
function fixed(x, digits) {
  if (x === null || x === undefined || !isFinite(x)) return "nan";
  const scaled = x * Math.pow(10, digits);
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / Math.pow(10, digits)).toFixed(digits);
  }
  return x.toFixed(digits);
}

function digitsOf(fmt) {
  const m = /\.(\d+)f/.exec(fmt);
  return m ? parseInt(m[1], 10) : 3;
}

// ---- sliders ----

// A slider's range for a parameter: its allowed range, narrowed around the
// current value where the allowed range is very wide.
function sliderRange(row, value) {
  let lo = row.min, hi = row.max, step;
  if (row.type === "duration") {
    lo = Math.max(lo / 1440, 1);
    hi = Math.min(hi / 1440, Math.max(4 * value, 30));
    step = 1;
  } else if (row.type === "int") {
    hi = Math.min(hi, Math.max(4 * value, lo + 10));
    step = Math.max(1, Math.round((hi - lo) / 200));
  } else {
    hi = Math.min(hi, Math.max(4 * Math.abs(value), lo + 1));
    step = (hi - lo) / 200;
  }
  return { lo, hi, step };
}

function leverTitle(row) {
  const unit = row.type === "duration" ? " days" : "";
  return row.description + (row.basis ? "\n\nBasis: " + row.basis : "") +
    (row.plausible ? "\nPlausible: " + row.plausible[0] + " to " + row.plausible[1] + unit : "") +
    "\n\nAllowed: " + row.range + (row.unit && row.type !== "enum" ? " " + row.unit : "");
}

// One control for parameter key of arm (null: every arm), starting at text.
function addControl(parent, arm, key, text) {
  // a class's parameter: its row of the table is class.NAME.key
  const row = state.params[key] || state.params[key.replace(/^class\.[^.]+\./, "class.NAME.")];
  if (!row) return;
  const div = document.createElement("div");
  div.className = "lever";
  div.title = leverTitle(row);
  const label = document.createElement("label");
  const name = document.createElement("span");
  const parts = key.split(".");
  name.textContent = (parts[0] === "class" ? parts[1] + ": " + parts.slice(2).join(".")
    : parts.slice(1).join(".")).replace(/_/g, " ");
  const shown = document.createElement("span");
  shown.className = "value";
  label.append(name, shown);
  div.append(label);
  const id = "c-" + (arm || "all") + "-" + key.replace(/\./g, "-");
  let input, read, setText;
  if (row.type === "enum" || row.type === "bool") {
    input = document.createElement("select");
    for (const c of row.choices) {
      const o = document.createElement("option");
      o.value = o.textContent = c;
      input.append(o);
    }
    input.value = text;
    read = () => input.value;
    setText = (t) => { input.value = t; };
    shown.textContent = "";
  } else {
    const value = row.type === "duration" ? durationDays(text) : parseFloat(text);
    const r = sliderRange(row, value);
    input = document.createElement("input");
    input.type = "range";
    // steps from a minimum chosen so that the scenario's value is one of them
    if (value > r.lo) r.lo = Math.max(row.type === "duration" ? r.lo : row.min,
      value - r.step * Math.floor((value - r.lo) / r.step));
    input.min = r.lo;
    input.max = r.hi;
    input.step = r.step;
    input.value = value;
    // the scenario's value, as the slider holds it (snapped to its steps)
    input.dataset.initial = input.value;
    const unit = row.type === "duration" ? "days" : row.unit.startsWith("[") ? "" : row.unit;
    let exact = null; // a value set as text (a preset's), while the slider stays on it
    const show = () => {
      let v = parseFloat(input.value);
      if (exact && input.value === exact.at)
        v = row.type === "duration" ? durationDays(exact.text) : parseFloat(exact.text);
      shown.textContent = (row.type === "real" ? +v.toPrecision(3) : v) + (unit ? " " + unit : "");
      shown.classList.toggle("changed", read() !== text);
    };
    input.addEventListener("input", show);
    // a value as a scenario writes it, the slider's range widened to hold it
    setText = (t) => {
      const v = row.type === "duration" ? durationDays(t) : parseFloat(t);
      if (!isFinite(v)) return;
      // (the maximum only: a new minimum would move the steps off the scenario's value;
      // below the minimum the slider stays at its end and the text is kept)
      if (v > parseFloat(input.max)) input.max = v;
      input.value = v;
      exact = { at: input.value, text: t };
      show();
    };
    read = () => {
      if (exact && input.value === exact.at) return exact.text;
      if (parseFloat(input.value) === parseFloat(input.dataset.initial)) return text;
      return row.type === "duration" ? input.value + "d" : String(parseFloat(input.value));
    };
    show();
  }
  input.id = id;
  input.setAttribute("aria-label", (arm ? arm + " " : "") + key);
  div.append(input);
  parent.append(div);
  state.controls.push({ arm, key, row, initial: text, read, input, setText });
}

function buildControls() {
  const sc = state.scenario;
  const service = $("service");
  const arms = $("arms");
  service.replaceChildren(Object.assign(document.createElement("legend"),
    { textContent: "The service (every arm)" }));
  arms.replaceChildren();
  state.controls = [];
  const serviceKeys = SERVICE_KEYS.concat(
    (sc.classes || []).flatMap((c) => CLASS_KEYS.map((k) => `class.${c}.${k}`)));
  for (const key of serviceKeys) {
    const text = key in sc.values ? sc.values[key] : sc.arms[0].values[key];
    if (text !== undefined) addControl(service, null, key, text);
  }
  for (const arm of sc.arms) {
    const fs = document.createElement("fieldset");
    fs.dataset.arm = arm.name;
    const lg = document.createElement("legend");
    lg.textContent = "Arm " + arm.name + (arm.preset ? " (preset " + arm.preset + ")" : "");
    fs.append(lg);
    // reset the arm's levers to a preset's values
    const bar = document.createElement("div");
    bar.className = "preset";
    const pick = document.createElement("select");
    pick.id = "preset-" + arm.name;
    pick.setAttribute("aria-label", arm.name + ": preset");
    for (const name of Object.keys(state.presets)) {
      const o = document.createElement("option");
      o.value = o.textContent = name;
      o.title = state.presets[name].description;
      pick.append(o);
    }
    if (arm.preset && arm.preset in state.presets) pick.value = arm.preset;
    const button = document.createElement("button");
    button.type = "button";
    button.id = "reset-" + arm.name;
    button.textContent = "Reset to preset";
    button.addEventListener("click", () => resetArm(arm.name, pick.value));
    bar.append(button, " ", pick);
    fs.append(bar);
    for (const key of Object.keys(arm.values).sort()) {
      if (key.startsWith("regime.")) addControl(fs, arm.name, key, arm.values[key]);
    }
    arms.append(fs);
  }
  showChanges();
}

// Every lever of an arm at a preset's value (those the preset sets).
function resetArm(arm, preset) {
  const values = state.presets[preset].values;
  for (const c of state.controls) {
    if (c.arm === arm && c.key in values) c.setText(values[c.key]);
  }
  showChanges();
}

// ---- what changed ----

function unitOf(row) {
  if (row.type === "duration") return "";
  if (row.type === "enum" || row.type === "bool") return "";
  return row.unit;
}

// Every lever moved from the scenario loaded (as the scenario file writes it), per arm.
function showChanges() {
  const box = $("changes");
  const groups = new Map();
  for (const c of state.controls) {
    const now = c.read();
    if (now === c.initial) continue;
    const who = c.arm || "";
    if (!groups.has(who)) groups.set(who, []);
    groups.get(who).push([c, now]);
  }
  const list = document.createElement("ul");
  for (const [who, items] of groups) {
    const li = document.createElement("li");
    li.textContent = who ? "Arm " + who + ":" : "Every arm:";
    const sub = document.createElement("ul");
    for (const [c, now] of items) {
      const item = document.createElement("li");
      item.dataset.arm = who;
      item.dataset.key = c.key;
      item.dataset.old = c.initial;
      item.dataset.new = now;
      const unit = unitOf(c.row);
      item.textContent = `${c.key}: ${c.initial} → ${now}${unit ? " " + unit : ""}`;
      sub.append(item);
    }
    li.append(sub);
    list.append(li);
  }
  if (!groups.size) {
    const li = document.createElement("li");
    li.className = "none";
    li.textContent = "Nothing yet: every lever as the scenario " + state.scenario.name + " sets it.";
    list.append(li);
  }
  box.replaceChildren(list);
}

// ---- events ----

const EVENT_TEXT = {
  preset: (e) => `switch ${e.arm} to ${e.value}`,
  demand: (e) => `demand ${e.value >= 0 ? "+" : ""}${e.value}% in ${e.arm}`,
  budget: (e) => `budget cut ${e.value}% in ${e.arm}`,
};

function runDays() {
  const c = state.controls.find((x) => x.key === "simulation.duration");
  const text = c ? c.read() : state.scenario.values["simulation.duration"];
  return durationDays(text || "730d");
}

function buildEventForm() {
  const arm = $("ev-arm");
  arm.replaceChildren(...state.scenario.arms.map((a) =>
    Object.assign(document.createElement("option"), { value: a.name, textContent: a.name })));
  const preset = $("ev-preset");
  preset.replaceChildren(...Object.keys(state.presets).map((p) =>
    Object.assign(document.createElement("option"), { value: p, textContent: p })));
  $("ev-at").value = Math.round(runDays() / 2);
  eventKind();
}

function eventKind() {
  const kind = $("ev-kind").value;
  $("ev-preset").hidden = kind !== "preset";
  $("ev-percent").hidden = kind === "preset";
  $("ev-percent-unit").hidden = kind === "preset";
}

function addEvent() {
  const kind = $("ev-kind").value;
  const days = parseFloat($("ev-at").value);
  const value = kind === "preset" ? $("ev-preset").value : parseFloat($("ev-percent").value);
  if (!isFinite(days) || (kind !== "preset" && !isFinite(value))) {
    status("An event needs a time in days and, for demand or budget, a per cent.", true);
    return;
  }
  state.events.push({ arm: $("ev-arm").value, kind, value, days });
  state.events.sort((a, b) => a.days - b.days);
  showEvents();
}

function showEvents() {
  const list = $("event-list");
  list.replaceChildren(...state.events.map((e, i) => {
    const li = document.createElement("li");
    li.dataset.arm = e.arm;
    li.dataset.kind = e.kind;
    li.textContent = `day ${e.days}: ${EVENT_TEXT[e.kind](e)} `;
    const x = document.createElement("button");
    x.type = "button";
    x.textContent = "remove";
    x.addEventListener("click", () => { state.events.splice(i, 1); showEvents(); });
    li.append(x);
    return li;
  }));
  drawTimeline();
}

// The events on a line from day 0 to the end of the run, one row per arm.
function drawTimeline() {
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = $("timeline");
  const arms = state.scenario.arms.map((a) => a.name);
  const width = 340, left = 70, right = 10, rowH = 18, top = 6;
  const height = top + rowH * arms.length + 22;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", height);
  svg.replaceChildren();
  const end = runDays();
  const x = (d) => left + (width - left - right) * Math.min(Math.max(d / end, 0), 1);
  const el = (name, attrs, text) => {
    const n = document.createElementNS(svgNS, name);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  arms.forEach((a, i) => {
    const y = top + rowH * i + rowH / 2;
    const label = el("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "tl-arm" },
      a.length > 13 ? a.slice(0, 12) + "…" : a);
    label.append(Object.assign(document.createElementNS(svgNS, "title"), { textContent: a }));
    el("line", { x1: left, x2: width - right, y1: y, y2: y, class: "tl-line" });
  });
  const axisY = top + rowH * arms.length + 4;
  el("line", { x1: left, x2: width - right, y1: axisY, y2: axisY, class: "tl-axis" });
  el("text", { x: left, y: axisY + 14, class: "tl-tick" }, "day 0");
  el("text", { x: width - right, y: axisY + 14, "text-anchor": "end", class: "tl-tick" },
    `day ${end}`);
  for (const e of state.events) {
    const i = arms.indexOf(e.arm);
    if (i < 0) continue;
    const y = top + rowH * i + rowH / 2;
    const m = el("circle", { cx: x(e.days), cy: y, r: 5, class: "tl-event tl-" + e.kind,
      fill: COLOURS[i % COLOURS.length] });
    const t = document.createElementNS(svgNS, "title");
    t.textContent = `day ${e.days}: ${EVENT_TEXT[e.kind](e)}`;
    m.append(t);
  }
}

// The events as the run request sends them.
function eventsRequest() {
  return state.events.map((e) => {
    const o = { arm: e.arm, at: e.days + "d" };
    if (e.kind === "preset") o.preset = e.value;
    else o[e.kind] = e.value;
    return o;
  });
}

// ---- the scenarios to start from ----

function buildScenarioPicker() {
  const pick = $("start-from");
  const groups = { served: "served", scenarios: "scenarios/", published: "scenarios/published/" };
  pick.replaceChildren();
  for (const [g, label] of Object.entries(groups)) {
    const og = document.createElement("optgroup");
    og.label = label;
    for (const s of state.scenarios.filter((x) => x.group === g)) {
      const o = document.createElement("option");
      o.value = s.name;
      o.textContent = s.name + (s.too_large ? " (too large as it stands: shrink it)" : "");
      og.append(o);
    }
    if (og.children.length) pick.append(og);
  }
}

async function loadScenario(name) {
  try {
    const sc = await getJSON("/api/scenario?name=" + encodeURIComponent(name));
    state.scenario = sc;
    state.events = [];
    $("scenario-name").textContent = "— " + sc.name;
    $("start-from").value = sc.name;
    buildControls();
    buildEventForm();
    showEvents();
    status(`${sc.name}: ${sc.arms.length} arms; ${sc.size.runs} runs as the scenario stands. Press Run.`);
  } catch (e) {
    status("Cannot load the scenario: " + e.message, true);
  }
}

// The run request: only what differs from the scenario.
function request() {
  const body = { scenario: state.scenario.name, set: {}, arms: {}, events: eventsRequest() };
  for (const c of state.controls) {
    const v = c.read();
    if (v === c.initial) continue;
    if (c.arm) (body.arms[c.arm] = body.arms[c.arm] || {})[c.key] = v;
    else body.set[c.key] = v;
  }
  return body;
}

// ---- charts ----

function makeCharts(start) {
  const box = $("charts");
  box.replaceChildren();
  state.charts = {};
  for (const m of start.metrics) {
    const div = document.createElement("div");
    div.className = "chart";
    div.dataset.metric = m.name;
    const h = document.createElement("h3");
    h.textContent = m.label + " ";
    const u = document.createElement("span");
    u.className = "unit";
    u.textContent = "(" + m.unit_text + ": the mean over the runs finished, the band their range)";
    h.append(u);
    div.append(h);
    // the arms' colours (the charts' own legends are off: a band adds two series an arm)
    const key = document.createElement("div");
    key.className = "key";
    start.arms.forEach((a, i) => {
      const k = document.createElement("span");
      k.style.color = COLOURS[i % COLOURS.length];
      k.textContent = "\u25A0 " + a;
      key.append(k, " ");
    });
    div.append(key);
    box.append(div);
    // series: the day, each arm's mean, then each arm's lowest and highest run
    const n = start.arms.length;
    const colour = (i) => COLOURS[i % COLOURS.length];
    const means = start.arms.map((a, i) => ({
      label: a, stroke: colour(i), width: 1.5, spanGaps: true,
    }));
    const edges = start.arms.flatMap((a, i) => ["lowest", "highest"].map((e) => ({
      label: a + " " + e, stroke: "transparent", width: 0, spanGaps: true, points: { show: false },
    })));
    const bands = start.arms.map((a, i) => ({
      series: [1 + n + 2 * i + 1, 1 + n + 2 * i], fill: colour(i) + "26",
    }));
    const opts = {
      width: Math.max(400, div.clientWidth - 10), height: 220,
      series: [{ label: "day" }].concat(means, edges), bands, legend: { show: false },
      axes: [{ label: "days from the start" }, { label: m.unit_text, size: 60 }],
      scales: { x: { time: false } },
    };
    const empty = () => start.time.map(() => null);
    const data = [start.time].concat(start.arms.map(empty), edges.map(empty));
    state.charts[m.name] = new uPlot(opts, data, div);
  }
}

function addRun(d) {
  const run = state.run;
  run.done++;
  for (const [name, values] of Object.entries(d.series)) {
    const sums = run.sums[name][d.arm_index], counts = run.counts[name][d.arm_index];
    const lo = run.lo[name][d.arm_index], hi = run.hi[name][d.arm_index];
    values.forEach((v, t) => {
      if (v !== null) {
        sums[t] += v;
        counts[t]++;
        if (lo[t] === null || v < lo[t]) lo[t] = v;
        if (hi[t] === null || v > hi[t]) hi[t] = v;
      }
    });
  }
  for (const name of Object.keys(state.charts)) {
    const data = [run.time].concat(run.arms.map((_, a) =>
      run.sums[name][a].map((s, t) => run.counts[name][a][t] ? s / run.counts[name][a][t] : null)));
    run.arms.forEach((_, a) => data.push(run.lo[name][a], run.hi[name][a]));
    state.charts[name].setData(data);
  }
  status(`Run ${run.id}: ${run.done} of ${run.total} runs finished…`);
}

// ---- the table ----

function cell(v, digits, sign) {
  let s = fixed(v.mean, digits);
  if (sign && v.mean > 0) s = "+" + s;
  if (v.ci !== null) s += " ± " + fixed(v.ci, digits);
  return s;
}

function showTable(end) {
  const arms = state.run.arms;
  const t = document.createElement("table");
  t.id = "outcomes";
  const head = t.createTHead().insertRow();
  head.append(...["outcome"].concat(arms, arms.slice(1).map((a) => a + " − " + arms[0]))
    .map((x) => Object.assign(document.createElement("th"), { textContent: x })));
  const body = t.createTBody();
  for (const row of end.table) {
    const tr = body.insertRow();
    tr.dataset.outcome = row.name;
    const digits = digitsOf(row.format);
    tr.insertCell().textContent = row.label;
    row.arms.forEach((v) => {
      const td = tr.insertCell();
      td.textContent = cell(v, digits, false);
      td.dataset.arm = v.arm;
      td.dataset.mean = fixed(v.mean, digits);
    });
    row.paired.forEach((v) => {
      const td = tr.insertCell();
      td.textContent = cell(v, digits, true);
      td.dataset.paired = v.arm;
    });
  }
  const pre = document.createElement("details");
  pre.innerHTML = "<summary>As <code>govsim run</code> prints it</summary>";
  const p = document.createElement("pre");
  p.textContent = end.text;
  pre.append(p);
  $("table").replaceChildren(t, pre);
}

// ---- running ----

function follow(id) {
  if (state.source) state.source.close();
  const url = `/api/runs/${id}/events?metrics=${CHART_METRICS.filter((m) => m in state.metrics).join(",")}`;
  const es = new EventSource(url);
  state.source = es;
  es.addEventListener("start", (e) => {
    const s = JSON.parse(e.data);
    const zeros = () => s.arms.map(() => s.time.map(() => 0));
    const nulls = () => s.arms.map(() => s.time.map(() => null));
    state.run = { id, arms: s.arms, time: s.time, total: s.runs, done: 0, sums: {}, counts: {},
      lo: {}, hi: {} };
    for (const m of s.metrics) {
      state.run.sums[m.name] = zeros();
      state.run.counts[m.name] = zeros();
      state.run.lo[m.name] = nulls();
      state.run.hi[m.name] = nulls();
    }
    makeCharts(s);
    $("table").replaceChildren();
  });
  es.addEventListener("run", (e) => addRun(JSON.parse(e.data)));
  es.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    const share = p.ticks_total ? Math.round(100 * p.ticks_done / p.ticks_total) : 0;
    status(`Run ${id}: ${p.runs_done} of ${p.runs} runs finished, ${share}% of the work done, ` +
      `${p.seconds.toFixed(0)} s…`);
  });
  es.addEventListener("end", (e) => {
    es.close();
    state.source = null;
    const end = JSON.parse(e.data);
    $("cancel").disabled = true;
    if (end.state === "done") {
      showTable(end);
      $("dl-result").href = `/api/runs/${id}/result.h5`;
      $("dl-scenario").href = `/api/runs/${id}/scenario.ini`;
      $("downloads").hidden = false;
      status(`Run ${id} done: ${end.runs} runs in ${end.seconds.toFixed(1)} s.`);
      document.body.dataset.done = String(id);
    } else {
      status(`Run ${id} ${end.state}${end.message ? ": " + end.message : ""}.`, end.state === "failed");
    }
  });
  es.onerror = () => {
    if (state.source === es && es.readyState === EventSource.CLOSED) status("The server went away.", true);
  };
}

async function run() {
  $("downloads").hidden = true;
  delete document.body.dataset.done;
  status("Starting…");
  try {
    const r = await getJSON("/api/runs", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request()),
    });
    $("cancel").disabled = false;
    $("cancel").dataset.run = r.id;
    follow(r.id);
  } catch (e) {
    status(e.message, true);
  }
}

async function cancel() {
  const id = $("cancel").dataset.run;
  try {
    await getJSON(`/api/runs/${id}/cancel`, { method: "POST" });
  } catch (e) {
    status(e.message, true);
  }
}

function reset() {
  for (const c of state.controls) c.setText(c.initial);
  state.events = [];
  showEvents();
  showChanges();
}

async function main() {
  try {
    const [params, metrics, scenarios, presets] = await Promise.all([
      getJSON("/api/params"), getJSON("/api/metrics"), getJSON("/api/scenarios"),
      getJSON("/api/presets")]);
    for (const p of params.params) state.params[p.key] = p;
    for (const m of metrics.metrics) state.metrics[m.name] = m;
    for (const p of presets.presets) state.presets[p.name] = p;
    state.scenarios = scenarios.scenarios;
    buildScenarioPicker();
    $("run").addEventListener("click", run);
    $("cancel").addEventListener("click", cancel);
    $("reset").addEventListener("click", reset);
    $("start-from").addEventListener("change", (e) => loadScenario(e.target.value));
    const changed = () => { showChanges(); drawTimeline(); };
    $("controls").addEventListener("input", changed);
    $("controls").addEventListener("change", changed);
    $("ev-kind").addEventListener("change", eventKind);
    $("ev-add").addEventListener("click", addEvent);
    await loadScenario(scenarios.served);
    if (state.scenario) document.body.dataset.ready = "1";
  } catch (e) {
    status("Cannot load the scenario: " + e.message, true);
  }
}

main();
