// app.js - the page of `govsim serve`: sliders built from the parameter
// table, a run streamed from the server (Server-Sent Events) into charts
// (uPlot), and the table of outcomes and paired differences. Plain script,
// no build step; the API is described in docs/cli.md.
"use strict";

// The service's size: parameters set for every arm, if the model has them.
const SERVICE_KEYS = ["population.citizens", "workforce.teams", "workforce.workers_per_team",
  "simulation.duration", "simulation.replications"];
// The series charted (their labels and units come from the metric table).
const CHART_METRICS = ["needs_met", "within_target_true", "failure_demand_share",
  "wellbeing_mean", "trust_mean", "cost_per_need_met"];
const COLOURS = ["#c0392b", "#2471a3", "#229954", "#8e44ad", "#d68910", "#555"];
const MINUTES = { min: 1, h: 60, d: 1440, w: 10080, y: 525600 };

const state = {
  params: {},      // key -> row of the parameter table
  metrics: {},     // name -> row of the metric table
  scenario: null,  // GET /api/scenario
  controls: [],    // {arm (null: every arm), key, row, initial, read()}
  source: null,    // the EventSource of the run shown
  run: null,       // the run shown: its id, arms, time, sums per arm
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
  const row = state.params[key];
  if (!row) return;
  const div = document.createElement("div");
  div.className = "lever";
  div.title = leverTitle(row);
  const label = document.createElement("label");
  const name = document.createElement("span");
  name.textContent = key.split(".").slice(1).join(".").replace(/_/g, " ");
  const shown = document.createElement("span");
  shown.className = "value";
  label.append(name, shown);
  div.append(label);
  const id = "c-" + (arm || "all") + "-" + key.replace(/\./g, "-");
  let input, read;
  if (row.type === "enum" || row.type === "bool") {
    input = document.createElement("select");
    for (const c of row.choices) {
      const o = document.createElement("option");
      o.value = o.textContent = c;
      input.append(o);
    }
    input.value = text;
    read = () => input.value;
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
    const show = () => {
      const v = parseFloat(input.value);
      shown.textContent = (row.type === "real" ? +v.toPrecision(3) : v) + (unit ? " " + unit : "");
      shown.classList.toggle("changed", v !== parseFloat(input.dataset.initial));
    };
    input.addEventListener("input", show);
    show();
    read = () => {
      if (parseFloat(input.value) === parseFloat(input.dataset.initial)) return text;
      return row.type === "duration" ? input.value + "d" : String(parseFloat(input.value));
    };
  }
  input.id = id;
  input.setAttribute("aria-label", (arm ? arm + " " : "") + key);
  div.append(input);
  parent.append(div);
  state.controls.push({ arm, key, row, initial: text, read, input });
}

function buildControls() {
  const sc = state.scenario;
  const service = $("service");
  for (const key of SERVICE_KEYS) {
    const text = key in sc.values ? sc.values[key] : sc.arms[0].values[key];
    if (text !== undefined) addControl(service, null, key, text);
  }
  const arms = $("arms");
  for (const arm of sc.arms) {
    const fs = document.createElement("fieldset");
    const lg = document.createElement("legend");
    lg.textContent = "Arm " + arm.name + (arm.preset ? " (preset " + arm.preset + ")" : "");
    fs.append(lg);
    for (const key of Object.keys(arm.values).sort()) {
      if (key.startsWith("regime.")) addControl(fs, arm.name, key, arm.values[key]);
    }
    arms.append(fs);
  }
}

// The run request: only what differs from the scenario.
function request() {
  const body = { set: {}, arms: {} };
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
    u.textContent = "(" + m.unit_text + ", mean over the runs finished)";
    h.append(u);
    div.append(h);
    box.append(div);
    const series = [{ label: "day" }].concat(start.arms.map((a, i) => ({
      label: a, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true,
    })));
    const opts = {
      width: Math.max(400, div.clientWidth - 10), height: 220, series,
      axes: [{ label: "days from the start" }, { label: m.unit_text, size: 60 }],
      scales: { x: { time: false } },
    };
    const data = [start.time].concat(start.arms.map(() => start.time.map(() => null)));
    state.charts[m.name] = new uPlot(opts, data, div);
  }
}

function addRun(d) {
  const run = state.run;
  run.done++;
  for (const [name, values] of Object.entries(d.series)) {
    const sums = run.sums[name][d.arm_index], counts = run.counts[name][d.arm_index];
    values.forEach((v, t) => {
      if (v !== null) { sums[t] += v; counts[t]++; }
    });
  }
  for (const name of Object.keys(state.charts)) {
    const data = [run.time].concat(run.arms.map((_, a) =>
      run.sums[name][a].map((s, t) => run.counts[name][a][t] ? s / run.counts[name][a][t] : null)));
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
    state.run = { id, arms: s.arms, time: s.time, total: s.runs, done: 0, sums: {}, counts: {} };
    for (const m of s.metrics) {
      state.run.sums[m.name] = zeros();
      state.run.counts[m.name] = zeros();
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
  for (const c of state.controls) {
    if (c.input.type === "range") {
      c.input.value = c.input.dataset.initial;
      c.input.dispatchEvent(new Event("input"));
    } else {
      c.input.value = c.initial;
    }
  }
}

async function main() {
  try {
    const [params, metrics, scenario] = await Promise.all([
      getJSON("/api/params"), getJSON("/api/metrics"), getJSON("/api/scenario")]);
    for (const p of params.params) state.params[p.key] = p;
    for (const m of metrics.metrics) state.metrics[m.name] = m;
    state.scenario = scenario;
    $("scenario-name").textContent = "— " + scenario.name;
    buildControls();
    $("run").addEventListener("click", run);
    $("cancel").addEventListener("click", cancel);
    $("reset").addEventListener("click", reset);
    status(`${scenario.arms.length} arms; ${scenario.size.runs} runs as the scenario stands. Press Run.`);
    document.body.dataset.ready = "1";
  } catch (e) {
    status("Cannot load the scenario: " + e.message, true);
  }
}

main();
