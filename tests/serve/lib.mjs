// lib.mjs - what the browser tests of govsim serve share (page.mjs, game.mjs):
// their checks and counts, a free port, and the way a test ends.
import net from "node:net";

let failures = 0, passes = 0;

// check(ok, what, detail): count a check; a failure is printed with its detail.
export function check(ok, what, detail) {
  if (ok) {
    passes++;
  } else {
    failures++;
    const d = detail === undefined ? "" : ": " + (typeof detail === "string" ? detail : JSON.stringify(detail));
    console.log(`FAIL: ${what}${d}`);
  }
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// run(name, main): main's checks, then "== name: N passed, M failed" and the exit
// status (an exception counts as one failure more).
export function run(name, main) {
  main().then(() => {
    console.log(`== ${name}: ${passes} passed, ${failures} failed`);
    process.exit(failures ? 1 : 0);
  }, (e) => {
    console.log(`FAIL: ${e.stack || e}`);
    console.log(`== ${name}: ${passes} passed, ${failures + 1} failed`);
    process.exit(1);
  });
}
