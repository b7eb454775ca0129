// Recycled activations of the inference plan (src/models/plan-buffers.ts, Model.call): outputs stay equal
// to the unfused model's run after run while storage is reused, and nothing a caller or a later layer can
// still read is ever handed out again.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Add, BatchNormalization, Conv2D, Dense, Generator, GlobalAveragePooling2D, Input, Model, ReLU, Reshape, type SymbolicTensor, type Tensor, mobileNetV2, randomUniform,
} from "../../src/index.js";
import { ActivationPool, recycleActivations, recycleStats } from "../../src/models/plan-buffers.js";
import { planRecording } from "../../src/models/plan-recording.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";

const gen = new Generator(41);
const rand = (shape: readonly number[], lo = -1, hi = 1): Tensor => randomUniform([...shape], { minval: lo, maxval: hi, seed: gen });

function randomize(model: Model): void {
  for (const w of model.weights) {
    if (w.name === "moving_variance") w.assign(rand(w.shape, 0.3, 2));
    else if (w.name === "moving_mean" || w.name === "beta" || w.name === "bias") w.assign(rand(w.shape, -0.3, 0.3));
  }
}

function outs(y: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** The unfused model's outputs for x (no plan, no recycling). */
function plain(model: Model, x: Tensor): Tensor[] {
  model.fuseInference = false;
  try {
    return outs(model.predict(x));
  } finally {
    model.fuseInference = true;
  }
}

describe("ActivationPool", () => {
  it("hands out the smallest free storage of the dtype that holds the size (up to twice it), as a view", () => {
    const pool = new ActivationPool();
    assert.equal(pool.take("float32", 10), undefined);
    const a = new Float32Array(10);
    const b = new Float32Array(16);
    pool.give(b);
    pool.give(a);
    pool.give(new Float64Array(10));
    assert.equal(pool.take("float32", 4), undefined, "no more than twice the size");
    assert.equal(pool.take("float32", 17), undefined);
    assert.equal(pool.take("float64", 10)?.constructor, Float64Array);
    const got = pool.take("float32", 9)!;
    assert.equal(got.length, 9);
    assert.equal(got.buffer, a.buffer, "the smallest that fits");
    const big = pool.take("float32", 12)!;
    assert.equal(big.length, 12);
    assert.equal(big.buffer, b.buffer);
    assert.equal(pool.take("float32", 9), undefined, "nothing left");
    // A view comes back whole.
    pool.give(big);
    assert.equal(pool.heldBytes, 64);
    assert.equal(pool.take("float32", 16)?.length, 16);
  });

  it("keeps between runs the storage of the last two runs, at most 64 MiB", () => {
    const pool = new ActivationPool();
    pool.give(new Float32Array(10));
    pool.give(new Float32Array(20));
    pool.endRun();
    assert.equal(pool.heldBytes, 120);
    pool.give(pool.take("float32", 10)!);
    pool.endRun(); // the 20 was idle for one run: kept
    assert.equal(pool.heldBytes, 120);
    pool.give(pool.take("float32", 10)!);
    pool.endRun(); // idle for two: goes
    assert.equal(pool.heldBytes, 40);
    pool.endRun();
    pool.endRun();
    assert.equal(pool.heldBytes, 0);
    const big = 20 << 20; // 80 MB
    pool.give(new Float32Array(big));
    pool.endRun();
    assert.equal(pool.heldBytes, 0);
  });
});

forEachBackend("inference plan recycling", () => {
  it("MobileNetV2: the unfused outputs on every run while activations are reused", () => {
    const model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, pooling: "avg" });
    randomize(model);
    const xs = [rand([1, 32, 32, 3], 0, 1), rand([1, 32, 32, 3], 0, 1), rand([2, 32, 32, 3], 0, 1)];
    const want = xs.map((x) => plain(model, x));
    const before = recycleStats.reused;
    const first = outs(model.predict(xs[0]));
    const within = recycleStats.reused - before;
    assert.ok(within > 10, `a run reuses storage freed earlier in the same run (${within})`);
    for (let r = 0; r < 2; r++)
      xs.forEach((x, i) => assertClose(outs(model.predict(x))[0], want[i][0], { rtol: 1e-4, atol: 1e-5, msg: `run ${r} input ${i}` }));
    assertClose(first[0], want[0][0], { rtol: 1e-4, atol: 1e-5, msg: "an earlier result is not overwritten by later runs" });
    const perRun = recycleStats.reused - before;
    assert.ok(perRun > 6 * within, `later runs reuse the previous runs' storage (${perRun} vs ${within})`);
  });

  it("never recycles a model output, a tensor a plain layer reads, or one a layer returns as a view", () => {
    const input = Input({ shape: [6, 6, 4] });
    const stem = new ReLU().apply(new BatchNormalization({ name: "bn0" }).apply(new Conv2D({ filters: 4, kernelSize: 1, name: "c0" }).apply(input)));
    // c1's chain output is read by a fused chain (c2) and by GlobalAveragePooling2D (a plain node).
    const a = new ReLU().apply(new BatchNormalization({ name: "bn1" }).apply(new Conv2D({ filters: 4, kernelSize: 3, padding: "same", name: "c1" }).apply(stem)));
    const b = new ReLU().apply(new Add().apply([new BatchNormalization({ name: "bn2" }).apply(new Conv2D({ filters: 4, kernelSize: 3, padding: "same", name: "c2" }).apply(a)), stem]));
    const pooled = new GlobalAveragePooling2D().apply(a);
    // A view of a fused output (Reshape shares storage) that is a model output.
    const view = new Reshape({ targetShape: [144] }).apply(b);
    const c = new ReLU().apply(new Conv2D({ filters: 4, kernelSize: 1, name: "c3" }).apply(b));
    const model = new Model({ inputs: input, outputs: [pooled, view, c, stem] });
    randomize(model);
    const x1 = rand([2, 6, 6, 4]);
    const x2 = rand([2, 6, 6, 4]);
    const want1 = plain(model, x1);
    const want2 = plain(model, x2);
    const got1 = outs(model.predict(x1));
    const got2 = outs(model.predict(x2));
    got1.forEach((t, i) => assertClose(t, want1[i], { rtol: 1e-4, atol: 1e-5, msg: `first run, output ${i}` }));
    got2.forEach((t, i) => assertClose(t, want2[i], { rtol: 1e-4, atol: 1e-5, msg: `second run, output ${i}` }));
  });

  it("recycles what plain layers read, unless one returned a view that a later layer reads", () => {
    const input = Input({ shape: [32, 32, 8] });
    const chain = (t: SymbolicTensor, name: string, kernelSize = 3) =>
      new ReLU().apply(new BatchNormalization({ name: `${name}_bn` }).apply(new Conv2D({ filters: 8, kernelSize, padding: "same", name }).apply(t)));
    // a's only reader is Reshape (a view): c's chain reads the view after a's last read, and its output
    // (same size) must not land on a's storage, which its GEMM still reads after writing the first rows.
    // p's only reader, GlobalAveragePooling2D, makes a new tensor (not a model output): p's storage is recycled.
    const a = chain(input, "a");
    const view = new Reshape({ targetShape: [32, 32, 8] }).apply(a) as SymbolicTensor;
    const c = chain(view, "c");
    const d = chain(c, "d", 1);
    const p = chain(input, "p");
    const pooled = new Dense({ units: 3 }).apply(new GlobalAveragePooling2D().apply(p));
    const model = new Model({ inputs: input, outputs: [d, pooled] });
    randomize(model);
    const x = rand([1, 32, 32, 8]);
    const want = plain(model, x);
    // The normal runs (a recording of the plan would replay without them).
    planRecording.enabled = false;
    try {
      for (let r = 0; r < 3; r++) outs(model.predict(x)).forEach((t, i) => assertClose(t, want[i], { rtol: 1e-4, atol: 1e-5, msg: `run ${r}, output ${i}` }));
      const before = recycleStats.reused;
      model.predict(x);
      assert.ok(recycleStats.reused - before >= 2, `storage read by GlobalAveragePooling2D is reused (${recycleStats.reused - before})`);
    } finally {
      planRecording.enabled = true;
    }
  });

  it("recycleActivations.enabled = false gives the same outputs without reuse", () => {
    const model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, pooling: "avg" });
    const x = rand([1, 32, 32, 3], 0, 1);
    const on = outs(model.predict(x))[0];
    recycleActivations.enabled = false;
    try {
      const before = recycleStats.reused;
      const off = outs(model.predict(x))[0];
      assert.equal(recycleStats.reused, before);
      assert.deepEqual([...off.values], [...on.values]);
    } finally {
      recycleActivations.enabled = true;
    }
  });
});
