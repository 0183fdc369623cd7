"""govsim serve --game: the game's API against a running server, and malformed requests.

    /usr/bin/python3 tests/serve/test_game.py build/govsim

Starts `govsim serve --game` on a free port of 127.0.0.1 with a small
scenario: join codes and tokens are required, a bad choice gets the message
`govsim check` prints for the same value, rounds run, and malformed or
mutated requests to every endpoint of the game leave the server answering.
The game played in browsers, its debrief and its replay are
tests/serve/game.mjs.
"""

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import GOVSIM, ROOT, ServerCase, free_port, mutated  # noqa: E402

SMALL = """include = {root}/scenarios/default.ini
[population]
citizens = 1500
[workforce]
teams = 3
"""


class Game(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="govsim-game-")
        cls.scenario = os.path.join(cls.tmp, "small.ini")
        with open(cls.scenario, "w") as f:
            f.write(SMALL.format(root=ROOT))
        cls.out = os.path.join(cls.tmp, "out")
        cls.port = free_port()
        cls.log = os.path.join(cls.tmp, "serve.log")
        with open(cls.log, "w") as err:
            cls.proc = subprocess.Popen(
                [GOVSIM, "serve", cls.scenario, "--game", "--port", str(cls.port), "--out", cls.out],
                stdout=subprocess.PIPE, stderr=err, text=True)
        first, second = cls.proc.stdout.readline(), cls.proc.stdout.readline()
        cls.proc.stdout.close()
        host, code = re.search(r"#host=([0-9a-f]+)", second), re.search(r"code ([A-Z0-9]+)", second)
        if not host or not code:
            cls.proc.kill()
            raise RuntimeError(f"govsim serve --game did not start: {first!r} {second!r}")
        cls.host, cls.code = host.group(1), code.group(1)

    def alive(self):
        self.assertIsNone(self.proc.poll(), "the server exited")
        self.assertIn("round", self.json("GET", "/api/game"))

    def as_host(self):
        return {"X-Game-Host": self.host}

    def test_a_keys_and_rounds(self):
        # nothing of the game's without its keys
        for method, url in [("GET", "/api/game/state"), ("POST", "/api/game/round"),
                            ("POST", "/api/game/end"), ("GET", "/api/game/result.h5"),
                            ("GET", "/api/game/scenario.ini"), ("GET", "/api/game/team")]:
            status, _ = self.request(method, url, "{}" if method == "POST" else None)
            self.assertEqual(status, 403, (method, url))
            status, _ = self.request(method, url, "{}" if method == "POST" else None,
                                     {"X-Game-Host": "0" * 32, "X-Game-Token": "0" * 32})
            self.assertEqual(status, 403, (method, url))
        self.json("POST", "/api/game/regime", {"preset": "hls"}, want=403)
        self.json("POST", "/api/game/decide", {"pressure": 0.5}, want=403)
        self.json("GET", "/api/game/result.h5", want=409, headers=self.as_host())
        # joining: the code (any case, spaces and dashes ignored), then every seat once
        self.json("POST", "/api/game/join", {"code": "ABC"}, want=403)
        j = self.json("POST", "/api/game/join", {"code": " " + self.code[:3].lower() + "-" +
                                                 self.code[3:], "name": "<b>Ann</b>"})
        self.assertEqual(j["team"], 1)
        self.assertEqual(j["name"], "bAnn/b")  # markup dropped
        ann = {"X-Game-Token": j["token"]}
        Game.ann = ann
        tokens = [j["token"]] + [self.json("POST", "/api/game/join", {"code": self.code})["token"]
                                 for _ in range(2)]
        self.assertEqual(len(set(tokens)), 3)
        self.json("POST", "/api/game/join", {"code": self.code}, want=409)
        # a manager sees only their own team
        t = self.json("GET", "/api/game/team", headers=ann)
        self.assertEqual((t["team"], t["round"], t["rounds"]), (1, 0, []))
        self.assertEqual(t["pending"], {"pressure": "-", "learning": "-", "chasing": "-", "honest": "-"})
        self.json("POST", "/api/game/decide", {"pressure": 0.25, "honest": True}, headers=ann)
        self.json("POST", "/api/game/regime", {"preset": "nope"}, want=400, headers=self.as_host())
        self.json("POST", "/api/game/regime", {"preset": "hls"}, headers=self.as_host())
        s = self.json("POST", "/api/game/round", {}, headers=self.as_host())
        self.assertEqual((s["round"], s["regimes"]), (1, ["hls"]))
        self.assertEqual(s["teams"][0]["rounds"][0]["choices"],
                         {"pressure": "0.25", "learning": "-", "chasing": "-", "honest": "on"})
        self.assertEqual(s["teams"][1]["rounds"][0]["choices"]["pressure"], "-")  # did not choose
        self.assertEqual(len(s["teams"]), 3)
        # the files are the server's, under names it made; no client names one
        ini = os.path.join(self.out, "game-1.ini")
        self.assertTrue(os.path.exists(ini) and os.path.exists(os.path.join(self.out, "game-1.h5")))
        status, text = self.request("GET", "/api/game/scenario.ini?host=" + self.host + "&path=/etc/passwd")
        self.assertEqual(status, 200)
        with open(ini, "rb") as f:
            self.assertEqual(text, f.read())
        self.assertIn(b"team.1.pressure = 0.25\n", text)
        # a choice is for the next round only; the round after falls back to the preset
        s = self.json("POST", "/api/game/round", {}, headers=self.as_host())
        self.assertEqual(s["teams"][0]["rounds"][1]["choices"]["honest"], "-")
        self.alive()

    def test_b_bad_choice_same_message_as_check(self):
        j = self.json("POST", "/api/game/join", {"code": self.code}, want=409)  # seats taken
        self.assertIn("every team", j["error"])
        # the message the parameter table gives `govsim check` for the same value
        for lever, key, value in [("pressure", "regime.target_pressure", 7),
                                  ("learning", "regime.learning_time", 0.95),
                                  ("chasing", "regime.weight_breach", "lots"),
                                  ("honest", None, "maybe")]:
            game = os.path.join(self.tmp, f"bad-{lever}.ini")
            with open(game, "w") as f:
                f.write(SMALL.format(root=ROOT) + f"[game]\nteam.1.{lever} = {value}\n")
            p = subprocess.run([GOVSIM, "check", game], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            said = p.stderr.splitlines()[0].split(f"game.team.1.{lever}: round 1: ")[1]
            if key:
                q = subprocess.run([GOVSIM, "check", self.scenario, "--set", f"{key}={value}"],
                                   capture_output=True, text=True)
                self.assertIn(f"{key}: {said}", q.stderr)
            status, data = self.request("POST", "/api/game/decide", {lever: value}, Game.ann)
            self.assertEqual(status, 400, data)
            self.assertEqual(json.loads(data)["error"], f"{lever}: {said}")
        self.alive()

    def test_c_malformed_bodies(self):
        urls = ["/api/game/join", "/api/game/decide", "/api/game/regime"]
        cases = ["", "{", "nul", "[]", "3", '"x"', '{"code": 1}', '{"code": null}',
                 '{"code": "A", "code": "B"}', '{"pressure": 1e999}', '{"pressure": [1]}',
                 '{"pressure": {"a": 1}}', '{"pressure": "0.1\\n[arm.x]"}',
                 '{"pressure": 99999999999999999999999}', '{"preset": "../../etc/passwd"}',
                 '{"speed": 1}', '{"pressure": "' + "9" * 200 + '"}', '{"name": "\\u0000"}',
                 b'{"code": "\xff\xfe"}', "[" * 100000]
        for url in urls:
            for body in cases:
                status, data = self.request("POST", url, body, self.as_host())
                self.assertIn(status, (400, 403, 409, 413), (url, body[:60], data[:200]))
                self.assertTrue(json.loads(data)["error"])
        for method, url, want in [("GET", "/api/game/nothing", 404), ("PUT", "/api/game", 405),
                                  ("GET", "/api/game/../../etc/passwd", 404),
                                  ("POST", "/api/game/state", 404), ("DELETE", "/api/game/team", 405)]:
            status, data = self.request(method, url, None, self.as_host())
            self.assertEqual(status, want, (method, url, data[:200]))
        status, _ = self.request("POST", "/api/game/join", '{"code": "x"}', {"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        self.alive()

    def test_d_mutated_bodies(self):
        rng = random.Random(18)
        seeds = {"/api/game/decide": {"pressure": 0.3, "learning": 0.1, "chasing": 2, "honest": False},
                 "/api/game/join": {"code": self.code, "name": "Zoe"},
                 "/api/game/regime": {"preset": "npm"}}
        for url, body in seeds.items():
            seed = json.dumps(body).encode()
            for _ in range(60):
                b = mutated(rng, seed)
                status, data = self.request("POST", url, bytes(b),
                                            {"X-Game-Host": self.host, **Game.ann})
                self.assertIn(status, (200, 400, 403, 409), (url, bytes(b), data[:200]))
        self.alive()

    def test_zz_stops_clean(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=60), 0)
        with open(self.log) as f:
            log = f.read()
        for bad in ("runtime error", "AddressSanitizer", "LeakSanitizer", "Assertion"):
            self.assertNotIn(bad, log)
        self.assertIn("round 2 played", log)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
