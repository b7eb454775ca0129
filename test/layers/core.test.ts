import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Activation, Add, Average, Concatenate, Dense, Dot, Dropout, ELU, Flatten, Lambda, LeakyReLU, Maximum, Minimum, Multiply, PReLU,
  Permute, ReLU, Reshape, Softmax, Subtract, type LayerConfig, type Tensor, mul, ones, tensor, zeros,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { layerTest } from "../helpers/layer-test.js";

describe("core layers: layerTest", () => {
  it("Dense", () => {
    layerTest({
      make: (c?: LayerConfig) => (c ? Dense.fromConfig(c) : new Dense({ units: 3, activation: "tanh" })),
      inputShape: [2, 4], expectedOutputShape: [2, 3], expectedWeights: [["kernel", [4, 3]], ["bias", [3]]],
    });
  });
  it("Dense on rank 3, no bias", () => {
    layerTest({
      make: (c?: LayerConfig) => (c ? Dense.fromConfig(c) : new Dense({ units: 5, useBias: false })),
      inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 5], expectedWeights: [["kernel", [4, 5]]],
    });
  });
  it("Activation", () => {
    for (const a of ["sigmoid", "softmax", "gelu", "selu"])
      layerTest({ make: (c?: LayerConfig) => (c ? Activation.fromConfig(c) : new Activation({ activation: a })), inputShape: [2, 5], expectedWeights: [] });
  });
  it("Flatten", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Flatten.fromConfig(c) : new Flatten()), inputShape: [2, 3, 2, 2], expectedOutputShape: [2, 12] });
    layerTest({
      make: (c?: LayerConfig) => (c ? Flatten.fromConfig(c) : new Flatten({ dataFormat: "channelsFirst" })),
      inputShape: [2, 3, 2, 2], expectedOutputShape: [2, 12],
    });
  });
  it("Reshape and Permute", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Reshape.fromConfig(c) : new Reshape({ targetShape: [4, -1] })), inputShape: [2, 3, 4], expectedOutputShape: [2, 4, 3] });
    layerTest({ make: (c?: LayerConfig) => (c ? Permute.fromConfig(c) : new Permute({ dims: [3, 1, 2] })), inputShape: [2, 3, 4, 2], expectedOutputShape: [2, 2, 3, 4] });
  });
  it("Dropout (inference: identity; training: no gradcheck)", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Dropout.fromConfig(c) : new Dropout({ rate: 0.5 })), inputShape: [2, 6], expectedWeights: [] });
  });
  it("merge layers", () => {
    const shapes = [[2, 3, 4], [2, 1, 4]];
    layerTest({ make: (c?: LayerConfig) => (c ? Add.fromConfig(c) : new Add()), inputShape: shapes, expectedOutputShape: [2, 3, 4] });
    layerTest({ make: (c?: LayerConfig) => (c ? Subtract.fromConfig(c) : new Subtract()), inputShape: [[2, 4], [2, 3, 4]], expectedOutputShape: [2, 3, 4] });
    layerTest({ make: (c?: LayerConfig) => (c ? Multiply.fromConfig(c) : new Multiply()), inputShape: [[2, 5], [2, 5], [2, 5]] });
    layerTest({ make: (c?: LayerConfig) => (c ? Average.fromConfig(c) : new Average()), inputShape: [[2, 5], [2, 5]] });
    layerTest({ make: (c?: LayerConfig) => (c ? Maximum.fromConfig(c) : new Maximum()), inputShape: [[2, 5], [2, 5]] });
    layerTest({ make: (c?: LayerConfig) => (c ? Minimum.fromConfig(c) : new Minimum()), inputShape: [[2, 5], [2, 5]] });
  });
  it("Concatenate and Dot", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Concatenate.fromConfig(c) : new Concatenate({ axis: 1 })), inputShape: [[2, 3, 4], [2, 2, 4]], expectedOutputShape: [2, 5, 4] });
    layerTest({ make: (c?: LayerConfig) => (c ? Dot.fromConfig(c) : new Dot({ axes: [1, 2] })), inputShape: [[2, 3, 4], [2, 5, 3]], expectedOutputShape: [2, 4, 5] });
    layerTest({ make: (c?: LayerConfig) => (c ? Dot.fromConfig(c) : new Dot({ axes: 1, normalize: true })), inputShape: [[2, 4], [2, 4]], expectedOutputShape: [2, 1] });
  });
  it("activation layers", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? ReLU.fromConfig(c) : new ReLU({ maxValue: 1.3, negativeSlope: 0.2, threshold: 0.4 })), inputShape: [3, 6] });
    layerTest({ make: (c?: LayerConfig) => (c ? LeakyReLU.fromConfig(c) : new LeakyReLU()), inputShape: [3, 6] });
    layerTest({ make: (c?: LayerConfig) => (c ? ELU.fromConfig(c) : new ELU({ alpha: 0.5 })), inputShape: [3, 6] });
    layerTest({ make: (c?: LayerConfig) => (c ? Softmax.fromConfig(c) : new Softmax({ axis: [1, 2] })), inputShape: [2, 3, 4] });
    layerTest({
      make: (c?: LayerConfig) => (c ? PReLU.fromConfig(c) : new PReLU({ sharedAxes: [1], alphaInitializer: { className: "RandomUniform", config: { seed: 3 } } })),
      inputShape: [2, 3, 4], expectedWeights: [["alpha", [1, 4]]],
    });
  });
});

describe("core layers: behaviour", () => {
  it("Dense errors name the layer and both shapes", () => {
    const d = new Dense({ units: 4, name: "fc" });
    d.apply(zeros([2, 64]));
    assert.throws(() => d.apply(zeros([2, 32])), /Dense "fc": expected input with last dimension 64, got \[2, 32\]/);
    assert.throws(() => new Dense({ units: 0 }), /units must be a positive integer/);
    assert.throws(() => new Dense({ units: 2, activation: "nope" }), /unknown activation "nope"/);
    assert.throws(() => new Dense({ units: 2 }).apply(zeros([3])), /expected input with rank >= 2, got \[3\]/);
  });

  it("Dense computes x·W + b then the activation", () => {
    const d = new Dense({ units: 2, activation: "relu" });
    d.apply(zeros([1, 3]));
    d.setWeights([tensor([[1, -1], [2, 0], [0, 1]]), tensor([0.5, -0.5])]);
    assertClose(d.apply(tensor([[1, 1, 1]])), [[3.5, 0]]);
  });

  it("Dropout drops only in training, scales the kept values, and follows noiseShape", () => {
    const d = new Dropout({ rate: 0.5, seed: 1 });
    const x = ones([4, 100]);
    assertClose(d.apply(x), x);
    const y = d.apply(x, { training: true });
    const vals = [...y.values];
    assert.ok(vals.every((v) => v === 0 || v === 2), "values are 0 or 1 / (1 - rate)");
    const kept = vals.filter((v) => v === 2).length / vals.length;
    assert.ok(kept > 0.35 && kept < 0.65, `kept fraction ${kept}`);
    const shared = new Dropout({ rate: 0.5, noiseShape: [null, 1], seed: 2 }).apply(ones([8, 5]), { training: true });
    const rows = shared.array() as number[][];
    for (const r of rows) assert.ok(r.every((v) => v === r[0]), "a whole row is kept or dropped");
    assert.throws(() => new Dropout({ rate: 1 }), /rate must be a number in \[0, 1\)/);
  });

  it("Dropout with a seed repeats its masks", () => {
    const a = new Dropout({ rate: 0.3, seed: 5 }).apply(ones([3, 7]), { training: true });
    const b = new Dropout({ rate: 0.3, seed: 5 }).apply(ones([3, 7]), { training: true });
    assertClose(a, b);
  });

  it("Lambda runs its function and infers shapes", () => {
    const l = new Lambda({ function: (x) => mul(x as Tensor, 2) });
    assertClose(l.apply(tensor([[1, 2]])), [[2, 4]]);
    assert.deepEqual(l.computeOutputShape([null, 3, 5]), [null, 3, 5]);
    const f = new Lambda({ function: (x) => (x as Tensor[])[0], outputShape: [7] });
    assert.deepEqual(f.computeOutputShape([[null, 7], [null, 2]]), [null, 7]);
  });

  it("Reshape, Permute, Concatenate and merge errors", () => {
    assert.throws(() => new Reshape({ targetShape: [5, -1] }).apply(zeros([2, 12])), /Reshape "reshape(_\d+)?": cannot reshape input \[2, 12\]/);
    assert.throws(() => new Reshape({ targetShape: [-1, -1] }), /at most one -1/);
    assert.throws(() => new Permute({ dims: [0, 1] }), /permutation of 1..2/);
    assert.throws(() => new Concatenate().apply([zeros([2, 3, 4]), zeros([2, 2, 5])]), /matching shapes except along axis -1/);
    assert.throws(() => new Add().apply([zeros([2, 3]), zeros([2, 4])]), /incompatible shapes \[2, 3\] and \[2, 4\]/);
    assert.throws(() => new Subtract().apply([zeros([2, 3]), zeros([2, 3]), zeros([2, 3])]), /exactly 2 input/);
    assert.throws(() => new Dot({ axes: 1 }).apply([zeros([2, 3]), zeros([2, 4])]), /sizes along the dot axes differ/);
  });

  it("ReLU follows Keras' case analysis", () => {
    const x = tensor([-10, -5, 0, 5, 10]);
    assertClose(new ReLU().apply(x), [0, 0, 0, 5, 10]);
    assertClose(new ReLU({ negativeSlope: 0.5 }).apply(x), [-5, -2.5, 0, 5, 10]);
    assertClose(new ReLU({ maxValue: 5 }).apply(x), [0, 0, 0, 5, 5]);
    assertClose(new ReLU({ threshold: 5 }).apply(x), [0, 0, 0, 0, 10]);
    assertClose(new LeakyReLU().apply(tensor([-1, 2])), [-0.3, 2]);
  });
});
