// Recorded inference plans (src/models/plan-recording.ts): after two runs on inputs of one shape, a model's
// plan is recorded by the native backend and replayed in one call; replays give the normal run's outputs bit
// for bit, hand out outputs nothing overwrites later, notice assigned weights, and a plan with a step computed
// in JavaScript is never replayed.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Generator, GlobalAveragePooling2D, Input, Layer, MaxPooling2D, Model, ReLU,
  type SymbolicTensor, Tensor, Variable, ZeroPadding2D, Add, randomUniform,
} from "../../src/index.js";
import { planRecording, recordingStats } from "../../src/models/plan-recording.js";
import { forEachBackend } from "../helpers/backends.js";

const gen = new Generator(41);
const rand = (shape: number[], lo = -1, hi = 1): Tensor => randomUniform(shape, { minval: lo, maxval: hi, seed: gen });

/** Squares its input in JavaScript: a step no kernel recording can see. */
class JsSquare extends Layer {
  static override className = "JsSquare";
  override call(x: Tensor | Tensor[]): Tensor {
    const t = x as Tensor;
    return new Tensor(Float32Array.from(t.values as Float32Array, (v) => v * v), t.shape, "float32");
  }
}

/**
 * A small net with what the zoo's plans contain: padding folded into a convolution and a plain one before a
 * max pool (ResNet50's stem), batch norms, relu and relu6, a depthwise convolution, a residual add, global
 * pooling and a softmax head. `middle` is applied between the stem and the pool.
 */
function net(middle?: Layer): Model {
  const input = Input({ shape: [12, 12, 3] });
  const bnRelu = (t: SymbolicTensor, name: string, max: number | null = null) =>
    new ReLU({ maxValue: max }).apply(new BatchNormalization({ name: `${name}_bn` }).apply(t)) as SymbolicTensor;
  let h = bnRelu(new Conv2D({ filters: 8, kernelSize: 3, name: "stem" }).apply(new ZeroPadding2D({ padding: 1 }).apply(input)) as SymbolicTensor, "stem");
  if (middle) h = middle.apply(h) as SymbolicTensor;
  h = new MaxPooling2D({ poolSize: 3, strides: 2 }).apply(new ZeroPadding2D({ padding: 1 }).apply(h)) as SymbolicTensor;
  const d = bnRelu(new DepthwiseConv2D({ kernelSize: 3, padding: "same", name: "dw" }).apply(h) as SymbolicTensor, "dw", 6);
  const p = new BatchNormalization({ name: "proj_bn" }).apply(new Conv2D({ filters: 8, kernelSize: 1, name: "proj" }).apply(d)) as SymbolicTensor;
  const sum = new Add().apply([p, h]) as SymbolicTensor;
  const out = new Dense({ units: 5, activation: "softmax" }).apply(new GlobalAveragePooling2D().apply(sum));
  const model = new Model({ inputs: input, outputs: out });
  for (const w of model.weights) {
    if (w.name === "moving_mean") w.assign(rand([...w.shape], -0.3, 0.3));
    else if (w.name === "moving_variance") w.assign(rand([...w.shape], 0.3, 2));
    else if (w.name === "gamma" || w.name === "beta") w.assign(rand([...w.shape], 0.5, 1.5));
  }
  return model;
}

/** The outputs of a normal run (no recording, no replay). */
function normal(model: Model, x: Tensor): Float32Array {
  planRecording.enabled = false;
  try {
    return (model.predictOnBatch(x) as Tensor).values as Float32Array;
  } finally {
    planRecording.enabled = true;
  }
}

const values = (y: unknown): Float32Array => (y as Tensor).values as Float32Array;
const delta = (before: typeof recordingStats) => ({
  recorded: recordingStats.recorded - before.recorded,
  rejected: recordingStats.rejected - before.rejected,
  replayed: recordingStats.replayed - before.replayed,
});

forEachBackend("recorded inference plans", (backend) => {
  afterEach(() => void (planRecording.enabled = true));

  if (backend !== "native") {
    it("are native only: this backend runs the plan every time", () => {
      const model = net();
      const x = rand([1, 12, 12, 3]);
      const before = { ...recordingStats };
      for (let i = 0; i < 5; i++) assert.deepEqual(values(model.predictOnBatch(x)), normal(model, x));
      assert.deepEqual(delta(before), { recorded: 0, rejected: 0, replayed: 0 });
    });
    return;
  }

  it("record the third run on one input shape and replay later ones with the normal outputs, bit for bit", () => {
    const model = net();
    const xs = [0, 1, 2, 3].map(() => rand([1, 12, 12, 3]));
    const before = { ...recordingStats };
    for (let i = 0; i < 2; i++) model.predictOnBatch(xs[0]);
    assert.deepEqual(delta(before), { recorded: 0, rejected: 0, replayed: 0 });
    assert.deepEqual(values(model.predictOnBatch(xs[0])), normal(model, xs[0]), "the recorded run");
    assert.deepEqual(delta(before), { recorded: 1, rejected: 0, replayed: 0 });
    for (const x of xs) assert.deepEqual(values(model.predictOnBatch(x)), normal(model, x));
    assert.deepEqual(delta(before), { recorded: 1, rejected: 0, replayed: 4 });
  });

  it("leave runs longer than planRecording.maxRunMs alone", () => {
    const model = net();
    const x = rand([1, 12, 12, 3]);
    const before = { ...recordingStats };
    planRecording.maxRunMs = 0;
    try {
      for (let i = 0; i < 5; i++) model.predictOnBatch(x);
    } finally {
      planRecording.maxRunMs = 250;
    }
    assert.deepEqual(delta(before), { recorded: 0, rejected: 0, replayed: 0 });
    model.predictOnBatch(x); // measured again under the default limit
    model.predictOnBatch(x);
    assert.equal(delta(before).recorded, 1);
  });

  it("hand out outputs that later calls do not overwrite", () => {
    const model = net();
    const x1 = rand([1, 12, 12, 3]);
    const x2 = rand([1, 12, 12, 3]);
    for (let i = 0; i < 3; i++) model.predictOnBatch(x1);
    const y1 = values(model.predictOnBatch(x1));
    const kept = y1.slice();
    model.predictOnBatch(x2);
    assert.deepEqual(y1, kept);
    assert.notDeepEqual(values(model.predictOnBatch(x2)), kept);
  });

  it("notice weights assigned after the recording", () => {
    const model = net();
    const x = rand([1, 12, 12, 3]);
    for (let i = 0; i < 4; i++) model.predictOnBatch(x);
    const old = values(model.predictOnBatch(x)).slice();
    const mean = model.weights.find((w) => w.name === "moving_mean")!;
    mean.assign(rand([...mean.shape], 1, 2));
    const want = normal(model, x);
    assert.notDeepEqual(want, old);
    assert.deepEqual(values(model.predictOnBatch(x)), want);
    // Other variables assigned (not the model's): the recording stays and replays.
    const before = { ...recordingStats };
    for (let i = 0; i < 3; i++) model.predictOnBatch(x);
    new Variable(rand([2])).assign(rand([2]));
    assert.deepEqual(values(model.predictOnBatch(x)), want);
    assert.ok(delta(before).replayed >= 2, `replayed ${delta(before).replayed} times`);
  });

  it("never replay a plan with a step computed in JavaScript", () => {
    const model = net(new JsSquare());
    const xs = [0, 1, 2, 3, 4].map(() => rand([1, 12, 12, 3]));
    const before = { ...recordingStats };
    for (const x of xs) assert.deepEqual(values(model.predictOnBatch(x)), normal(model, x));
    assert.deepEqual(delta(before), { recorded: 0, rejected: 1, replayed: 0 });
  });

  it("keep the outputs right across input shapes, nested models and training steps", async () => {
    const inner = net();
    const input = Input({ shape: [12, 12, 3] });
    const outer = new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(inner.apply(input) as SymbolicTensor) });
    const one = rand([1, 12, 12, 3]);
    const two = rand([2, 12, 12, 3]);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(values(outer.predictOnBatch(one)), normal(outer, one), `batch 1, run ${i}`);
      assert.deepEqual(values(outer.predictOnBatch(two)), normal(outer, two), `batch 2, run ${i}`);
    }
    for (let i = 0; i < 4; i++) assert.deepEqual(values(outer.predictOnBatch(two)), normal(outer, two), `batch 2 alone, run ${i}`);
    outer.compile({ optimizer: "adam", loss: "mse" });
    await outer.fit(two, rand([2, 2]), { epochs: 1, verbose: 0 });
    assert.deepEqual(values(outer.predictOnBatch(two)), normal(outer, two), "after a training step");
  });
});
