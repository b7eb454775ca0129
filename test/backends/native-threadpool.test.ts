// The native thread pool (native/threadpool.cc): slices are claimed, so a helper thread that wakes late
// (after sleeping between jobs) finds its slice run by the caller; results must not depend on who ran what.
import assert from "node:assert/strict";
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
