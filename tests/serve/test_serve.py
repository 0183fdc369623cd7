"""govsim serve: its JSON API against a running server, and malformed requests.

    /usr/bin/python3 tests/serve/test_serve.py build/govsim

Starts `govsim serve` on a free port of 127.0.0.1 with a small scenario and
a scratch --out folder, and talks to it with http.client (and raw sockets
for what http.client will not send). After every malformed request the
server must still answer. A run's downloaded scenario file run by `govsim
run` must give its result file's datasets bit for bit (h5py).
"""

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import GOVSIM, ROOT, ServerCase, free_port, mutated  # noqa: E402

SMALL = """include = {root}/scenarios/default.ini
[simulation]
duration = 60d
[population]
citizens = 1500
"""


def start_server(scenario, out, port, *extra, log=None):
    """The server and the first line it prints (its URL); its stderr into log."""
    err = open(log, "w") if log else subprocess.DEVNULL
    p = subprocess.Popen([GOVSIM, "serve", scenario, "--port", str(port), "--out", out, *extra],
                         stdout=subprocess.PIPE, stderr=err, text=True)
    if log:
        err.close()
    line = p.stdout.readline()
    p.stdout.close()
    return p, line


class Server(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="govsim-serve-")
        cls.scenario = os.path.join(cls.tmp, "small.ini")
        with open(cls.scenario, "w") as f:
            f.write(SMALL.format(root=ROOT))
        cls.out = os.path.join(cls.tmp, "out")
        cls.port = free_port()
        cls.log = os.path.join(cls.tmp, "serve.log")
        cls.proc, cls.first_line = start_server(cls.scenario, cls.out, cls.port, log=cls.log)
        if f"http://127.0.0.1:{cls.port}/" not in cls.first_line:
            cls.proc.kill()
            with open(cls.log) as f:
                raise RuntimeError(f"govsim serve did not start: {cls.first_line!r} {f.read()}")

    def alive(self):
        """The server still answers, promptly and right."""
        self.assertIsNone(self.proc.poll(), "the server exited")
        j = self.json("GET", "/api/metrics")
        self.assertTrue(any(m["name"] == "needs_met" for m in j["metrics"]))

    def events(self, run_id, query=""):
        """Every event of a run's stream, in order, as (name, data)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request("GET", f"/api/runs/{run_id}/events{query}")
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"), "text/event-stream")
        out, name, first = [], None, None
        t0 = time.monotonic()
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                out.append((name, json.loads(line[6:])))
                if name == "run" and first is None:
                    first = time.monotonic() - t0
                if name == "end":
                    break
        c.close()
        return out

    def served_as_cli(self, run_id, ini, text):
        """govsim run on the served scenario file (ini, bytes) prints the stream's
        table (text) and writes the served result file, dataset by dataset; returns
        what the comparison printed (each arm's settings)."""
        status, h5 = self.request("GET", f"/api/runs/{run_id}/result.h5")
        self.assertEqual(status, 200)
        self.assertEqual(h5[:8], b"\x89HDF\r\n\x1a\n")
        d = tempfile.mkdtemp(dir=self.tmp)
        with open(os.path.join(d, "served.h5"), "wb") as f:
            f.write(h5)
        with open(os.path.join(d, "scenario.ini"), "wb") as f:
            f.write(ini)
        p = subprocess.run([GOVSIM, "run", os.path.join(d, "scenario.ini"), "-o",
                            os.path.join(d, "cli.h5")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout[p.stdout.index("\noutcome"):].strip(), text.strip())
        check = subprocess.run([sys.executable, "-c", H5SAME, os.path.join(d, "served.h5"),
                                os.path.join(d, "cli.h5")], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        return check.stdout

    def post_run(self, body, want=202):
        return self.json("POST", "/api/runs", body, want=want)

    def check_stderr(self, *sets):
        args = [GOVSIM, "check", self.scenario]
        for s in sets:
            args += ["--set", s]
        p = subprocess.run(args, capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        return p.stderr

    # -- the tables --
    def test_params(self):
        rows = {r["key"]: r for r in self.json("GET", "/api/params")["params"]}
        tp = rows["regime.target_pressure"]
        self.assertEqual((tp["type"], tp["min"], tp["max"], tp["range"]), ("real", 0, 1, "0..1"))
        self.assertTrue(tp["description"])
        self.assertEqual(rows["population.citizens"]["scope"], "scenario")
        self.assertTrue(rows["population.wellbeing_time"]["basis"].startswith("assumption"))
        self.assertEqual(rows["population.wellbeing_time"]["plausible"], [7, 90])  # "range 7d-90d"
        self.assertNotIn("plausible", tp)  # a lever has none
        self.assertIn("outcome", rows["regime.payment_model"]["choices"])
        self.assertIn("class.NAME.need_rate", rows)
        # every parameter of `govsim params`, no more
        p = subprocess.run([GOVSIM, "params"], capture_output=True, text=True, check=True)
        for key in ("regime.learning_time", "workforce.teams", "cost.payment_per_outcome"):
            self.assertIn(key.split(".")[1], p.stdout)
            self.assertIn(key, rows)

    def test_metrics(self):
        j = self.json("GET", "/api/metrics")
        names = [m["name"] for m in j["metrics"]]
        p = subprocess.run([GOVSIM, "metrics"], capture_output=True, text=True, check=True)
        for n in names:
            self.assertIn(n, p.stdout)
        self.assertEqual(len(j["outcomes"]), 10)
        self.assertEqual(j["outcomes"][0]["label"], "needs met")

    def test_scenario(self):
        j = self.json("GET", "/api/scenario")
        self.assertEqual([a["name"] for a in j["arms"]], ["npm", "hls", "none"])
        self.assertEqual(j["values"]["population.citizens"], "1500")
        self.assertEqual(j["arms"][0]["values"]["regime.payment_model"], "outcome")
        self.assertNotEqual(j["arms"][0]["values"]["regime.target_pressure"],
                            j["arms"][1]["values"]["regime.target_pressure"])
        self.assertEqual(j["size"]["runs"], 3)

    # -- the scenarios to start from, presets, events --
    def test_scenario_list(self):
        j = self.json("GET", "/api/scenarios")
        names = [x["name"] for x in j["scenarios"]]
        self.assertEqual(j["served"], "small")
        self.assertEqual(names[0], "small")
        self.assertEqual(j["scenarios"][0]["group"], "served")
        for f in os.listdir(os.path.join(ROOT, "scenarios")):
            if f.endswith(".ini"):
                self.assertIn(f[:-4], names)
        for f in os.listdir(os.path.join(ROOT, "scenarios", "published")):
            if f.endswith(".ini"):
                self.assertIn("published/" + f[:-4], names)
        bz = next(x for x in j["scenarios"] if x["name"] == "published/buurtzorg")
        self.assertEqual(bz["arms"], ["task_based", "buurtzorg", "self_reliance"])
        # loading one by its name
        sc = self.json("GET", "/api/scenario?name=published/buurtzorg")
        self.assertEqual([a["name"] for a in sc["arms"]], bz["arms"])
        self.assertEqual(sc["values"]["population.citizens"], "6000")
        self.assertEqual(self.json("GET", "/api/scenario")["name"], "small")
        # a name the server did not list, or a path, is never opened
        for name in ["nope", "../scenarios/default", "scenarios/default.ini", "/etc/passwd",
                     "published/../default", "published%2f..%2fdefault", "default.ini", ""]:
            j = self.json("GET", "/api/scenario?name=" + name, want=404)
            self.assertIn("no scenario named", j["error"])
        presets = {p["name"]: p for p in self.json("GET", "/api/presets")["presets"]}
        self.assertEqual(sorted(presets), ["hls", "none", "npm"])
        self.assertEqual(presets["npm"]["values"]["regime.target_pressure"], "0.7")
        self.alive()

    def test_run_a_listed_scenario(self):
        body = {"scenario": "published/work_programme",
                "set": {"population.citizens": 800, "simulation.duration": "60d",
                        "simulation.replications": 1}}
        r = self.post_run(body)
        ev = self.events(r["id"])
        self.assertEqual(ev[0][1]["arms"], ["payment_by_results", "needs_based"])
        self.assertEqual(ev[-1][1]["state"], "done")
        for name in ["nope", "../../etc/passwd", "/etc/passwd", "published/../../Makefile",
                     self.scenario]:
            j = self.post_run({"scenario": name}, want=400)
            self.assertIn("no scenario named", j["error"])
        for bad in [3, None, ["default"], {"a": 1}, "x" * 200]:
            j = self.post_run({"scenario": bad}, want=400)
            self.assertIn("scenario", j["error"])
        self.alive()

    def test_events_reproduced(self):
        body = {"set": {"simulation.replications": 2},
                "arms": {"npm": {"regime.target_pressure": 0.4}},
                "events": [{"arm": "npm", "at": "30d", "preset": "hls"},
                           {"arm": "hls", "at": "20d", "demand": 30},
                           {"arm": "none", "at": "1w", "budget": 10}]}
        r = self.post_run(body)
        ev = self.events(r["id"])
        self.assertEqual(ev[-1][1]["state"], "done")
        status, ini = self.request("GET", f"/api/runs/{r['id']}/scenario.ini")
        ini = ini.decode()
        self.assertIn("; event 1 of the request: switch npm to preset hls\n"
                      "[event.page1]\nat = 30d\narms = npm\npreset = hls\n", ini)
        self.assertIn("; event 2 of the request: demand +30% in hls", ini)
        self.assertIn("; event 3 of the request: budget cut 10% in none", ini)
        # demand +30%: the need rate of every class (casework's 1.2) times 1.3
        self.assertIn("[event.page2]\nat = 20d\narms = hls\nclass.casework.need_rate = 1.56\n", ini)
        # budget cut 10%: 10% fewer paid hours per worker (7 h a day)
        self.assertIn("[event.page3]\nat = 1w\narms = none\nworkforce.hours_per_day = 6.3\n", ini)
        self.served_as_cli(r["id"], ini.encode(), ev[-1][1]["text"])
        # the events change the runs: without them, other numbers
        r2 = self.post_run({"set": {"simulation.replications": 2},
                            "arms": {"npm": {"regime.target_pressure": 0.4}}})
        ev2 = self.events(r2["id"])
        self.assertNotEqual(ev2[-1][1]["text"], ev[-1][1]["text"])
        self.alive()

    def check_text(self, sections):
        """govsim check's lines for the scenario served with these sections added."""
        path = os.path.join(self.tmp, "with-events.ini")
        with open(path, "w") as f:
            f.write(f"include = {self.scenario}\n" + sections)
        p = subprocess.run([GOVSIM, "check", path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        return [l.split(": ", 1)[1] for l in p.stderr.splitlines() if l.startswith(path + ":")
                and not l.endswith("problem") and not l.endswith("problems")]

    def test_events_checked_as_check_does(self):
        for event, section in [
            ({"arm": "npm", "at": "90d", "demand": 30}, "at = 90d\narms = npm\n"
             "class.casework.need_rate = 1.56\n"),
            ({"arm": "npm", "at": "60d", "preset": "hls"}, "at = 60d\narms = npm\npreset = hls\n"),
            ({"arm": "hls", "at": "10", "preset": "hls"}, "at = 10\narms = hls\npreset = hls\n"),
            ({"arm": "hls", "at": "10d", "preset": "nmp"}, "at = 10d\narms = hls\npreset = nmp\n"),
            ({"arm": "none", "at": "10d", "budget": 150}, "at = 10d\narms = none\n"
             "workforce.hours_per_day = -3.5\n"),
            ({"arm": "none", "at": "-5d", "demand": -150}, "at = -5d\narms = none\n"
             "class.casework.need_rate = -0.6\n"),
        ]:
            j = self.post_run({"events": [event]}, want=400)
            self.assertEqual(j["error"], "the events have problems")
            got = [l.split(": ", 1)[1] for l in j["problems"].splitlines()
                   if l.startswith("events:1: ")]
            self.assertTrue(got, j["problems"])
            self.assertEqual(got, self.check_text("[event.page1]\n" + section), event)
        for body, msg in [
            ({"events": {}}, "an array"),
            ({"events": [3]}, "an object"),
            ({"events": [{"arm": "npm", "at": "1d"}]}, "one of preset, demand or budget"),
            ({"events": [{"arm": "npm", "at": "1d", "demand": 3, "budget": 3}]}, "one of"),
            ({"events": [{"arm": "npm", "at": "1d", "demand": "3"}]}, "a number"),
            ({"events": [{"arm": "npm", "at": "1d", "demand": 3, "x": 1}]}, "unknown key 'x'"),
            ({"events": [{"arm": "../npm", "at": "1d", "demand": 3}]}, "an arm name"),
            ({"events": [{"arm": "nmp", "at": "1d", "demand": 3}]}, "no arm 'nmp'"),
            ({"events": [{"arm": "npm", "at": ["1d"], "demand": 3}]}, "a duration"),
            ({"events": [{"arm": "npm", "at": "1d\n[x]", "demand": 3}]}, "printable ASCII"),
            ({"events": [{"arm": "npm", "at": "1d", "preset": 3}]}, "a preset's name"),
            ({"events": [{"arm": "npm", "at": "1d", "demand": 1}] * 33}, "at most 32"),
        ]:
            j = self.post_run(body, want=400)
            self.assertIn(msg, j["error"], body)
        self.alive()

    def test_mutated_event_bodies(self):
        rng = random.Random(11)
        seed = json.dumps({"set": {"population.citizens": 200, "simulation.duration": "10d"},
                           "events": [{"arm": "npm", "at": "5d", "demand": 30},
                                      {"arm": "hls", "at": "2d", "preset": "npm"},
                                      {"arm": "none", "at": "1d", "budget": 10}]}).encode()
        for i in range(150):
            b = mutated(rng, seed)
            status, data = self.request("POST", "/api/runs", bytes(b))
            self.assertIn(status, (202, 400, 422), (bytes(b), data[:200]))
            if status != 202:
                self.assertTrue(json.loads(data).get("error"))
        # numbers at the edges
        for x in [1e308, -1e308, 0, -100, 1e-300, 123456789012]:
            status, data = self.request("POST", "/api/runs", {"events": [
                {"arm": "npm", "at": "5d", "demand": x}, {"arm": "hls", "at": "5d", "budget": x}]})
            self.assertIn(status, (202, 400), (x, data[:300]))
        self.alive()

    # -- a run, its stream, its files --
    def test_run_reproduced(self):
        body = {"set": {"simulation.replications": 2, "regime.learning_time": 0.15},
                "arms": {"npm": {"regime.target_pressure": 0.3},
                         "hls": {"regime.discretion": "0.4"}}}
        r = self.post_run(body)
        ev = self.events(r["id"], "?metrics=needs_met,trust_mean")
        names = [n for n, _ in ev]
        self.assertEqual(names[0], "start")
        self.assertEqual(names.count("run"), 6)
        self.assertEqual(names[-1], "end")
        start, end = ev[0][1], ev[-1][1]
        self.assertEqual(start["arms"], ["npm", "hls", "none"])
        self.assertEqual([m["name"] for m in start["metrics"]], ["needs_met", "trust_mean"])
        self.assertEqual(end["state"], "done")
        runs = [d for n, d in ev if n == "run"]
        self.assertEqual(sorted(d["run"] for d in runs), list(range(6)))
        self.assertEqual(len(runs[0]["series"]["needs_met"]), len(start["time"]))
        # the table's mean is the mean of the runs' summaries
        per_arm = {}
        for d in runs:
            per_arm.setdefault(d["arm"], []).append(d["summary"]["needs_met"])
        row = next(x for x in end["table"] if x["name"] == "needs_met")
        for a in row["arms"]:
            self.assertAlmostEqual(a["mean"], sum(per_arm[a["arm"]]) / 2, places=9)
        self.assertIn("needs met", end["text"])

        status, ini = self.request("GET", f"/api/runs/{r['id']}/scenario.ini")
        self.assertEqual(status, 200)
        same = self.served_as_cli(r["id"], ini, end["text"])
        self.assertIn("npm regime.target_pressure 0.3", same)
        self.assertIn("hls regime.discretion 0.4", same)
        self.assertIn("none regime.learning_time 0.15", same)
        self.assertNotIn("hls regime.target_pressure 0.3", same)
        self.alive()

    def test_bad_value_same_message_as_check(self):
        for body, sets in [
            ({"arms": {"npm": {"regime.target_pressure": 7}}}, ["arm.npm.regime.target_pressure=7"]),
            ({"set": {"regime.discreton": 0.2}}, ["regime.discreton=0.2"]),
            ({"arms": {"nmp": {"regime.discretion": 0.2}}}, ["arm.nmp.regime.discretion=0.2"]),
            ({"arms": {"hls": {"population.citizens": 10}}}, ["arm.hls.population.citizens=10"]),
            ({"set": {"simulation.duration": "10"}}, ["simulation.duration=10"]),
            ({"set": {"regime.payment_model": "bonus"}}, ["regime.payment_model=bonus"]),
        ]:
            j = self.post_run(body, want=400)
            self.assertEqual(j["problems"], self.check_stderr(*sets), body)
        self.alive()

    def test_size_cap(self):
        j = self.post_run({"set": {"population.citizens": 10000000, "simulation.duration": "10y"}},
                          want=422)
        self.assertIn("too large", j["error"])
        j = self.post_run({"set": {"simulation.replications": 5000}}, want=422)
        self.assertIn("runs", j["error"])
        self.alive()

    def test_cancel_and_replace(self):
        big = {"set": {"population.citizens": 200000, "simulation.duration": "3y",
                       "simulation.replications": 3}}
        a = self.post_run(big)
        # while no run finishes, the stream says how far the work has got
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", f"/api/runs/{a['id']}/events")
        r, name, progress = c.getresponse(), None, None
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == "progress":
                progress = json.loads(line[6:])
                break
        c.close()
        self.assertEqual(progress["state"], "running")
        self.assertGreater(progress["ticks_total"], 0)
        self.assertLessEqual(progress["ticks_done"], progress["ticks_total"])
        j = self.json("GET", f"/api/runs/{a['id']}")
        self.assertEqual(j["state"], "running")
        c = self.json("POST", f"/api/runs/{a['id']}/cancel", "")
        self.assertEqual(c["state"], "cancelled")
        ev = self.events(a["id"])
        self.assertEqual(ev[-1][1]["state"], "cancelled")
        status, _ = self.request("GET", f"/api/runs/{a['id']}/result.h5")
        self.assertEqual(status, 409)
        self.json("POST", f"/api/runs/{a['id']}/cancel", "", want=409)
        files = os.listdir(self.out)
        self.assertNotIn(f"run-{a['id']}.h5", files)
        self.assertNotIn(f"run-{a['id']}.h5.partial", files)
        self.assertIn(f"run-{a['id']}.ini", files)
        # a new run cancels the one running
        b = self.post_run(big)
        time.sleep(0.3)
        small = self.post_run({})
        self.assertEqual(self.json("GET", f"/api/runs/{b['id']}")["state"], "cancelled")
        ev = self.events(small["id"])
        self.assertEqual(ev[-1][1]["state"], "done")
        self.assertNotIn(f"run-{b['id']}.h5", os.listdir(self.out))
        self.alive()

    # -- malformed requests --
    def test_malformed_bodies(self):
        cases = [
            ("", "malformed JSON"), ("{", "malformed JSON"), ("nul", "malformed JSON"),
            ("[]", "JSON object"), ("3", "JSON object"), ('"x"', "JSON object"),
            ('{"sett": {}}', "unknown key 'sett'"),
            ('{"set": []}', "an object of settings"),
            ('{"set": {"regime.discretion": null}}', "got null"),
            ('{"set": {"regime.discretion": [1]}}', "got an array"),
            ('{"set": {"regime.discretion": {"a": 1}}}', "got an object"),
            ('{"set": {"regime.discretion": 1e999}}', "malformed JSON"),
            ('{"set": {"population.citizens": 99999999999999999999999}}', "malformed JSON"),
            ('{"set": {"regime.discretion": 0.1, "regime.discretion": 0.2}}', "malformed JSON"),
            ('{"set": {"../../etc/passwd": 1}}', "a key is section.name"),
            ('{"set": {"regime": 1}}', "a key is section.name"),
            ('{"set": {"regime.discretion": "0.1\\n[arm.x]"}}', "printable ASCII"),
            ('{"set": {"regime.discretion": "0.1 ; c"}}', "printable ASCII"),
            ('{"set": {"regime.discretion": "' + "9" * 200 + '"}}', "1 to 63 characters"),
            ('{"arms": {"../x": {}}}', "an arm name"),
            ('{"arms": {"npm": 3}}', "an object of settings"),
            ('{"set": {"regime.discretion": "\\u0000"}}', "malformed JSON"),
            ('{"set": {"regime.discretion": "\\u0007"}}', "printable ASCII"),
            ('{"set": {"' + "a." * 100 + '": 1}}', "a key is section.name"),
            ("[" * 100000, None),  # larger than the body limit
            ('{"set": {"x.y": 1}} trailing', "malformed JSON"),
            (b'{"set": {"\xff\xfe": 1}}', "malformed JSON"),
        ]
        for body, msg in cases:
            status, data = self.request("POST", "/api/runs", body)
            if msg is None:
                self.assertEqual(status, 413, body[:40])
            else:
                self.assertEqual(status, 400, (body[:60], data[:300]))
                self.assertIn(msg, json.loads(data)["error"], body[:60])
        # numbers out of range and too many settings
        j = self.post_run({"set": {"population.citizens": 1e300}}, want=400)
        self.assertIn("population.citizens", j["problems"])
        j = self.post_run({"set": {f"regime.k{i}": 1 for i in range(300)}}, want=400)
        self.assertIn("at most 256 settings", j["error"])
        self.alive()

    def test_malformed_urls_and_methods(self):
        for method, url, want in [
            ("GET", "/api/nothing", 404), ("GET", "/api/runs/abc", 404),
            ("GET", "/api/runs/99999999999/result.h5", 404), ("GET", "/api/runs/999999", 404),
            ("GET", "/api/runs/1/../../../etc/passwd", 404), ("GET", "/../../etc/passwd", 404),
            ("GET", "/api/runs/1%2f..%2fx", 404), ("GET", "/web/app.js/../../Makefile", 404),
            ("GET", "/api/runs/-1/result.h5", 404), ("GET", "/api/runs/1/other", 404),
            ("PUT", "/api/runs", 405), ("DELETE", "/api/params", 405), ("POST", "/api/params", 405),
            ("GET", "/api/runs/1/cancel", 405), ("POST", "/", 405), ("FOO", "/api/runs", 405),
            ("GET", "/api/game", 404), ("POST", "/api/game/join", 404),  # no --game
        ]:
            status, data = self.request(method, url)
            self.assertEqual(status, want, (method, url, data[:200]))
            self.assertIn(b"error", data)
        status, data = self.request("POST", "/api/runs", "{}", {"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        status, data = self.request("GET", "/api/params", headers={"Host": "evil.example:80"})
        self.assertEqual(status, 403)
        self.json("GET", "/api/runs/1/events?metrics=nope", want=400)
        self.alive()

    def raw(self, data, read=True, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            if not read:
                return s
            s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
            return out
        finally:
            if read:
                s.close()

    def test_raw_garbage(self):
        rng = random.Random(18)
        for _ in range(40):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            self.raw(junk)
        # headers past the memory limit, a header line without end, a lying Content-Length
        out = self.raw(b"GET /api/params HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"a" * 100000 +
                       b"\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 4"), out[:80])
        out = self.raw(b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                       b"application/json\r\nContent-Length: 99999999\r\n\r\n{}" % self.port,
                       timeout=60)
        self.assertTrue(out == b"" or out.startswith(b"HTTP/1.1 4"), out[:80])
        # connections left open do not stop others
        idle = [self.raw(b"GET /api/par", read=False) for _ in range(8)]
        self.alive()
        for s in idle:
            s.close()
        self.alive()

    def test_mutated_bodies(self):
        rng = random.Random(7)
        seed = json.dumps({"set": {"population.citizens": 200, "simulation.duration": "10d"},
                           "arms": {"npm": {"regime.target_pressure": 0.3}}}).encode()
        for i in range(150):
            b = mutated(rng, seed)
            status, data = self.request("POST", "/api/runs", bytes(b))
            self.assertIn(status, (202, 400, 422), (bytes(b), data[:200]))
            j = json.loads(data)
            if status != 202:
                self.assertTrue(j.get("error"))
        self.alive()


    def test_zz_stops_clean(self):
        """Last: SIGTERM stops the server with status 0, and it said nothing amiss."""
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=60), 0)
        with open(self.log) as f:
            log = f.read()
        for bad in ("runtime error", "AddressSanitizer", "LeakSanitizer", "Assertion"):
            self.assertNotIn(bad, log)
        self.assertIn("govsim serve: stopping", log)


class Startup(unittest.TestCase):
    def test_port_zero_and_busy(self):
        tmp = tempfile.mkdtemp(prefix="govsim-serve-")
        try:
            p = subprocess.run([GOVSIM, "serve", "--port", "0"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn("--port needs a port from 1 to 65535", p.stderr)
            p = subprocess.run([GOVSIM, "serve", "--bind", "localhost:80"], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn("not an IPv4 address", p.stderr)
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                s.listen()
                port = s.getsockname()[1]
                p = subprocess.run([GOVSIM, "serve", os.path.join(ROOT, "scenarios", "default.ini"),
                                    "--port", str(port), "--out", tmp], capture_output=True,
                                   text=True, timeout=30)
                self.assertEqual(p.returncode, 1)
                self.assertIn(f"port {port} on 127.0.0.1 is in use", p.stderr)
            bad = os.path.join(tmp, "bad.ini")
            with open(bad, "w") as f:
                f.write("[regime]\ndiscretion = 9\n")
            p = subprocess.run([GOVSIM, "serve", bad, "--port", str(free_port())],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2)
            self.assertIn("regime.discretion: 9 is out of range", p.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_sigterm_stops_a_run(self):
        tmp = tempfile.mkdtemp(prefix="govsim-serve-")
        try:
            port = free_port()
            p, line = start_server(os.path.join(ROOT, "scenarios", "default.ini"), tmp, port,
                                   log=os.path.join(tmp, "log"))
            self.assertIn(f"http://127.0.0.1:{port}/", line)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            # long enough (60 runs of ten years, tens of seconds of CPU) to be going when stopped
            c.request("POST", "/api/runs",
                      body=json.dumps({"set": {"simulation.replications": 20,
                                               "simulation.duration": "10y",
                                               "output.interval": "30d"}}),
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            self.assertEqual(r.status, 202)
            run = json.loads(r.read())["id"]
            time.sleep(0.5)
            c.request("GET", f"/api/runs/{run}")
            r = c.getresponse()
            self.assertEqual(json.loads(r.read())["state"], "running")
            c.close()
            t0 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=30), 0)
            self.assertLess(time.monotonic() - t0, 15)
            self.assertEqual([f for f in os.listdir(tmp) if f.endswith((".h5", ".partial"))], [])
            with open(os.path.join(tmp, "log")) as f:
                self.assertIn("cancelled", f.read())
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# Every dataset of two result files outside /provenance is equal bit for bit;
# prints some parameters of each arm.
H5SAME = r"""
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and not n.startswith("provenance") else None)
assert len(names) > 60, names
def same(x, y):
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    u, v = x[()], y[()]
    if x.dtype.kind == "O":  # variable-length strings
        return np.array_equal(u, v)
    return u.tobytes() == v.tobytes()
bad = [n for n in names if n not in b or not same(a[n], b[n])]
for arm in a["provenance/parameters"]:
    for k in ("regime.target_pressure", "regime.discretion", "regime.learning_time"):
        print(arm, k, a["provenance/parameters"][arm].attrs[k])
print(len(names), "datasets", len(bad), "differ:", bad[:5])
sys.exit(1 if bad else 0)
"""

if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
