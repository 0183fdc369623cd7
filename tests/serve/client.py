"""What the tests of govsim serve share: the source tree and the govsim they test
(the first argument, else build/govsim), a free port, and a test case that talks
to the server its setUpClass started (cls.proc, cls.port, cls.tmp)."""

import http.client
import json
import os
import shutil
import socket
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOVSIM = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "govsim"))


def mutated(rng, seed):
    """seed (bytes) with 1 to 5 bytes replaced, removed or inserted (JSON's punctuation
    among them), drawn from rng: a body a fuzzing test posts."""
    b = bytearray(seed)
    for _ in range(rng.randrange(1, 6)):
        op = rng.randrange(3)
        k = rng.randrange(len(b))
        if op == 0:
            b[k] = rng.randrange(256)
        elif op == 1:
            del b[k]
        else:
            b.insert(k, rng.choice(b'{}[]",:0.9e-x\\'))
    return bytes(b)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerCase(unittest.TestCase):
    """A server started by the subclass's setUpClass; stopped and its folder removed after."""

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def request(self, method, url, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, url, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def json(self, method, url, body=None, want=200, **kw):
        status, data = self.request(method, url, body, **kw)
        self.assertEqual(status, want, f"{method} {url}: {data[:500]!r}")
        return json.loads(data)
