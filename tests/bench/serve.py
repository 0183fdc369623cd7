"""How fast govsim serve answers the page: the default-size comparison's first points
and its end, a run replaced by a new one (a slider moved while it runs), and the
workshop game's rounds.

    /usr/bin/python3 tests/bench/serve.py build/govsim [--repeat N]

Starts `govsim serve scenarios/default.ini` on a free port of 127.0.0.1 and, N times
(default 5): POSTs the comparison of 10,000 citizens over 2 years, 3 arms x 5
replications ({"set": {"simulation.replications": 5}}), reads its Server-Sent Events
and prints the seconds from the request to the first `run` event (the page's first
points) and to the `end` event (the table complete). Then it POSTs a run, and while it
goes a second one, and prints how long after the second request the first was
cancelled and the second's end came. Last it starts `govsim serve scenarios/default.ini
--game` and, as its host, closes 24 rounds one after the other, printing the seconds from
each request to its answer (closing a round runs the game again from its first day).
The figures go to docs/performance.md and docs/workshop.md; nothing here asserts a time
(make bench-serve).
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", "/api/runs", body=json.dumps(body),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = json.loads(r.read())
    c.close()
    if r.status != 202:
        raise RuntimeError(f"POST /api/runs: {r.status} {data}")
    return data["id"]


def events(port, run):
    """(event name, data) of run's stream, as they come, until its end."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("GET", f"/api/runs/{run}/events")
    r = c.getresponse()
    name = None
    while True:
        line = r.readline()
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            yield name, json.loads(line[6:])
            if name == "end":
                break
    c.close()


def comparison(port):
    t0 = time.monotonic()
    run = post(port, {"set": {"simulation.replications": 5}})
    first = None
    state = None
    for name, data in events(port, run):
        if name == "run" and first is None:
            first = time.monotonic() - t0
        if name == "end":
            state = data.get("state")
    return first, time.monotonic() - t0, state


def replaced(port):
    old = post(port, {"set": {"simulation.replications": 5}})
    time.sleep(0.1)
    t0 = time.monotonic()
    new = post(port, {"set": {"simulation.replications": 5,
                              "regime.learning_time": 0.2}})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", f"/api/runs/{old}")
    was = json.loads(c.getresponse().read())["state"]
    c.close()
    state = None
    for name, data in events(port, new):
        if name == "end":
            state = data.get("state")
    return was, time.monotonic() - t0, state


def game_rounds(govsim, out, rounds=24):
    """Seconds from each request to close a round to its answer, as the game's host."""
    port = free_port()
    p = subprocess.Popen([govsim, "serve", os.path.join(ROOT, "scenarios", "default.ini"),
                          "--game", "--port", str(port), "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        p.stdout.readline()
        host = re.search(r"#host=([0-9a-f]+)", p.stdout.readline())
        p.stdout.close()
        if not host:
            raise RuntimeError("govsim serve --game did not print its host's address")
        times = []
        for k in range(rounds):
            t0 = time.monotonic()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("POST", "/api/game/round", body="{}",
                      headers={"Content-Type": "application/json",
                               "X-Game-Host": host.group(1)})
            r = c.getresponse()
            data = r.read()
            c.close()
            if r.status != 200:
                raise RuntimeError(f"POST /api/game/round {k + 1}: {r.status} {data[:200]!r}")
            times.append(time.monotonic() - t0)
        return times
    finally:
        p.terminate()
        p.wait()


def main():
    args = sys.argv[1:]
    govsim = os.path.abspath(args[0] if args else os.path.join(ROOT, "build", "govsim"))
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 5
    port = free_port()
    out = os.path.join(ROOT, "out", "bench-serve")
    p = subprocess.Popen([govsim, "serve", os.path.join(ROOT, "scenarios", "default.ini"),
                          "--port", str(port), "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        p.stdout.readline()
        p.stdout.close()
        cpu = ""
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu}; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
        print("default scenario, 3 arms x 5 replications (15 runs of 10,000 citizens, 2 years)")
        for i in range(repeat):
            first, end, state = comparison(port)
            print(f"  #{i + 1}: first points {first:.2f} s, complete {end:.2f} s ({state}), "
                  f"load {os.getloadavg()[0]:.2f}")
        was, end, state = replaced(port)
        print(f"  a new run while one goes: the old one {was}, the new one complete "
              f"{end:.2f} s after its request ({state})")
    finally:
        p.terminate()
        p.wait()
    print("the game on the default scenario: closing rounds 1 to 24, as its host")
    for i in range(2):
        t = game_rounds(govsim, os.path.join(ROOT, "out", "bench-game"))
        print(f"  #{i + 1}: rounds 1-6 {min(t[:6]):.3f}-{max(t[:6]):.3f} s, rounds 21-24 "
              f"{min(t[20:]):.3f}-{max(t[20:]):.3f} s, at most {max(t):.3f} s, "
              f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
