// The native thread pool (native/threadpool.cc): slices are claimed, so a helper thread that wakes late
// (after sleeping between jobs) finds its slice run by the caller; results must not depend on who ran what.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Generator, randomUniform } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const gen = new Generator(7);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe("native thread pool", { skip }, () => {
  it("counts jobs and helper slices; results equal the js kernels whether helpers were awake or asleep", async () => {
    const a = addon!;
    const k = createNativeBackend(a).kernels;
    const threads = a.info().threads;
    try {
      for (const nt of [2, 3, 4]) {
        a.setNumThreads(nt);
        const x = randomUniform([96, 200], { seed: gen });
        const w = randomUniform([200, 130], { seed: gen });
        const want = jsKernels.matmul(x, w, false, false);
        const j0 = a.info().poolJobs;
        for (let r = 0; r < 6; r++) {
          // Back to back (helpers spinning), then after a pause long enough for them to sleep.
          assertClose(k.matmul(x, w, false, false), want, { rtol: 1e-4, atol: 1e-4, msg: `${nt} threads, run ${r}` });
          if (r % 2) await sleep(5);
        }
        const info = a.info();
        assert.ok(info.poolJobs - j0 >= 6, `each matmul is a parallel job (${info.poolJobs - j0})`);
        assert.ok(info.poolHelped <= info.poolJobs * nt, "helpers never run more slices than there are");
      }
      // One thread: no parallel jobs at all.
      a.setNumThreads(1);
      const j1 = a.info().poolJobs;
      k.matmul(randomUniform([96, 200], { seed: gen }), randomUniform([200, 130], { seed: gen }), false, false);
      assert.equal(a.info().poolJobs, j1);
    } finally {
      a.setNumThreads(threads);
    }
  });

  // Linux: each thread's allowed CPUs are in /proc/self/task/<tid>/status, the CPU it last ran on in field 39
  // of /proc/self/task/<tid>/stat.
  const expand = (list: string): number[] =>
    list.split(",").flatMap((r) => {
      const [a, b] = r.split("-").map(Number);
      return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
  const allowed = (): Map<string, number[]> =>
    new Map(readdirSync("/proc/self/task").map((tid) => {
      const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, "utf8"))?.[1] ?? "";
      return [tid, expand(list)];
    }));
  const lastCpu = (): number => Number(readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ")[36]);
  const cpus = existsSync("/proc/self/task") ? allowed().get(String(process.pid))!.length : 0;
  it("keeps helpers off the CPU the caller posts jobs from, held or not", { skip: cpus < 2 || process.env.DEEPTS_PIN === "0" ? "needs Linux and 2+ CPUs" : false }, () => {
    const a = addon!;
    const k = createNativeBackend(a).kernels;
    const x = randomUniform([96, 200], { seed: gen });
    // The caller may move between CPUs: retry until it ran on the same CPU before and after a job.
    for (let tries = 0; ; tries++) {
      const before = lastCpu();
      k.matmul(x, x, false, true);
      const cpu = lastCpu();
      if (cpu !== before && tries < 20) continue;
      const reduced = [...allowed()].filter(([tid, l]) => tid !== String(process.pid) && l.length === cpus - 1);
      assert.ok(reduced.length >= 1, `a helper allowed ${cpus - 1} of ${cpus} CPUs: ${JSON.stringify([...allowed()])}`);
      if (cpu === before) for (const [tid, l] of reduced) assert.ok(!l.includes(cpu), `helper ${tid} may run on the caller's CPU ${cpu}: ${l}`);
      break;
    }
    // Holding the pool (a burst of small kernels) keeps the helpers where they are.
    a.holdThreads(true);
    try {
      k.matmul(x, x, false, true);
      assert.ok([...allowed().values()].some((l) => l.length === cpus - 1));
    } finally {
      a.holdThreads(false);
    }
  });
});

describe("holdThreads", () => {
  it("nests: only the outermost start and end reach the backend", async () => {
    const { holdThreads, registerBackend, setBackend, getBackend } = await import("../../src/backends/index.js");
    const { jsKernels } = await import("../../src/backends/js/index.js");
    const calls: boolean[] = [];
    registerBackend({ name: "hold-probe", kernels: jsKernels, holdThreads: (on) => void calls.push(on) });
    const before = getBackend();
    setBackend("hold-probe");
    try {
      holdThreads(true);
      holdThreads(true);
      holdThreads(false);
      assert.deepEqual(calls, [true], "the inner pair is not forwarded");
      holdThreads(false);
      assert.deepEqual(calls, [true, false]);
      holdThreads(false); // unbalanced: ignored
      holdThreads(true);
      assert.deepEqual(calls, [true, false, true]);
      holdThreads(false);
    } finally {
      setBackend(before);
    }
  });
});
