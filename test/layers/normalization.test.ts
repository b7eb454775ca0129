// BatchNormalization, LayerNormalization, Normalization, Rescaling, Resizing and CenterCrop: layerTest,
// Keras 3's training / inference / frozen semantics, the moving-statistic rule, adapt, and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BatchNormalization, CenterCrop, Input, LayerNormalization, type LayerConfig, Model, Normalization, Rescaling, Resizing,
  Sequential, add, div, mean, moments, mul, randomNormal, randomUniform, slice, sqrt, sub, tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { layerTest } from "../helpers/layer-test.js";

describe("BatchNormalization", () => {
  it("layerTest: inference and training, axis -1 and 1", () => {
    const w: [string, number[]][] = [["gamma", [3]], ["beta", [3]], ["moving_mean", [3]], ["moving_variance", [3]]];
    layerTest({ make: (c?: LayerConfig) => (c ? BatchNormalization.fromConfig(c) : new BatchNormalization()), inputShape: [4, 2, 3], expectedWeights: w, expectedTrainable: 2 });
    layerTest({
      make: (c?: LayerConfig) => (c ? BatchNormalization.fromConfig(c) : new BatchNormalization({ axis: 1, momentum: 0.5 })),
      inputShape: [4, 3, 2, 2], expectedWeights: w, expectedTrainable: 2,
    });
    layerTest({
      make: (c?: LayerConfig) => (c ? BatchNormalization.fromConfig(c) : new BatchNormalization({ center: false, scale: false })),
      inputShape: [5, 2], expectedWeights: [["moving_mean", [2]], ["moving_variance", [2]]], expectedTrainable: 0,
    });
  });

  it("training-mode gradients (through the batch statistics) match finite differences in float64", () => {
    const bn = new BatchNormalization({ axis: 1, dtype: "float64" });
    const x = randomUniform([4, 3, 2, 2], { seed: 5, dtype: "float64" });
    bn.apply(x);
    const [gamma, beta] = [bn.gamma!, bn.beta!];
    checkGrad(
      (xi, g, b) => {
        gamma.assign(g);
        beta.assign(b);
        return mul(bn.apply(xi, { training: true }), randomUniform([4, 3, 2, 2], { seed: 6, dtype: "float64" }));
      },
      [x, randomUniform([3], { seed: 7, minval: 0.5, maxval: 1.5, dtype: "float64" }), randomUniform([3], { seed: 8, dtype: "float64" })],
      { name: "BatchNormalization training" },
    );
  });

  it("training uses batch statistics and updates moving = moving * momentum + batch * (1 - momentum) (biased variance)", () => {
    const bn = new BatchNormalization({ momentum: 0.8, epsilon: 0.01 });
    const x = randomUniform([6, 3], { seed: 4, minval: -1, maxval: 3 });
    const y = bn.apply(x, { training: true });
    const m = moments(x, [0]);
    assertClose(bn.movingMean!.value, mul(m.mean, 0.2), { rtol: 1e-6, atol: 1e-7 });
    assertClose(bn.movingVariance!.value, add(mul(m.variance, 0.2), 0.8), { rtol: 1e-6, atol: 1e-7 });
    assertClose(mean(y, [0]), [0, 0, 0], { atol: 1e-6 });
    const y2 = bn.apply(x); // inference: the moving statistics
    assertClose(y2, div(sub(x, bn.movingMean!.value), sqrt(add(bn.movingVariance!.value, 0.01))), { rtol: 1e-5, atol: 1e-6 });
  });

  it("trainable = false: inference mode even with training = true, and no update (Keras 3)", () => {
    const bn = new BatchNormalization();
    const x = randomNormal([8, 4], { seed: 1 });
    bn.apply(x);
    bn.setWeights([tensor([1, 2, 3, 4]), tensor([0, 1, 0, 1]), tensor([0.5, 0, -0.5, 1]), tensor([1, 2, 3, 4])]);
    bn.trainable = false;
    assert.equal(bn.trainableWeights.length, 0);
    const before = bn.getWeights();
    assertClose(bn.apply(x, { training: true }), bn.apply(x, { training: false }), { rtol: 0, atol: 0 });
    bn.getWeights().forEach((w, i) => assertClose(w, before[i], { rtol: 0, atol: 0 }));
  });

  it("freezing an enclosing model freezes it too (transfer learning): inference mode, no update", () => {
    const inp = Input({ shape: [3] });
    const bn = new BatchNormalization();
    const base = new Model({ inputs: inp, outputs: bn.apply(inp) });
    base.trainable = false;
    const x = randomUniform([5, 3], { seed: 9, minval: 1, maxval: 2 });
    assertClose(base.apply(x, { training: true }), base.apply(x), { rtol: 0, atol: 0 });
    assertClose(bn.movingMean!.value, [0, 0, 0], { rtol: 0, atol: 0 });
  });

  it("a functional model passes training to it; weights after a training call match the manual rule", () => {
    const inp = Input({ shape: [2, 2, 3] });
    const bn = new BatchNormalization({ axis: 3, name: "bn_sym" });
    const model = new Model({ inputs: inp, outputs: bn.apply(inp) });
    const x = randomUniform([4, 2, 2, 3], { seed: 3 });
    model.apply(x, { training: true });
    assertClose(bn.movingMean!.value, mul(moments(x, [0, 1, 2]).mean, 0.01), { rtol: 1e-5, atol: 1e-7 });
    const seq = new Sequential({ layers: [new BatchNormalization({ inputShape: [3] })] });
    assert.equal(seq.countParams(), 12);
  });

  it("errors", () => {
    assert.throws(() => new BatchNormalization({ axis: 4, name: "b" }).apply(randomUniform([2, 3])), /BatchNormalization "b": axis 4 is out of range/);
    assert.throws(() => new BatchNormalization({ axis: 1.5 }), /axis must be an integer/);
  });
});

describe("LayerNormalization", () => {
  it("layerTest: last axis, several axes, no center", () => {
    layerTest({
      make: (c?: LayerConfig) => (c ? LayerNormalization.fromConfig(c) : new LayerNormalization()),
      inputShape: [2, 3, 4], expectedWeights: [["gamma", [4]], ["beta", [4]]],
    });
    layerTest({
      make: (c?: LayerConfig) => (c ? LayerNormalization.fromConfig(c) : new LayerNormalization({ axis: [1, -1], epsilon: 1e-5 })),
      inputShape: [2, 3, 2, 4], expectedWeights: [["gamma", [3, 4]], ["beta", [3, 4]]],
    });
    layerTest({
      make: (c?: LayerConfig) => (c ? LayerNormalization.fromConfig(c) : new LayerNormalization({ axis: 1, center: false })),
      inputShape: [2, 3, 4], expectedWeights: [["gamma", [3]]],
    });
  });
  it("each sample's features have mean 0 and variance 1 / (1 + eps / var)", () => {
    const y = new LayerNormalization({ epsilon: 0 }).apply(randomNormal([3, 50], { seed: 2, mean: 3, stddev: 2 }));
    const m = moments(y, [1]);
    assertClose(m.mean, [0, 0, 0], { atol: 1e-5 });
    assertClose(m.variance, [1, 1, 1], { rtol: 1e-4 });
    assert.throws(() => new LayerNormalization({ axis: [] }), /axis must be/);
  });
});

describe("Normalization and Rescaling", () => {
  it("Normalization: adapt over one tensor equals adapt over its batches (Keras' combination rule)", () => {
    const data = randomUniform([12, 3], { seed: 7, minval: -2, maxval: 6 });
    const one = new Normalization();
    one.adapt(data);
    const parts = new Normalization();
    parts.adapt([0, 5, 9].map((b, i, a) => slice(data, [b, 0], [(a[i + 1] ?? 12) - b, 3])));
    assertClose(parts.adaptMean!.value, one.adaptMean!.value, { rtol: 1e-5, atol: 1e-6 });
    assertClose(parts.adaptVariance!.value, one.adaptVariance!.value, { rtol: 1e-5, atol: 1e-6 });
    assert.deepEqual(one.weights.map((w) => [w.name, w.dtype, w.trainable]), [["mean", "float32", false], ["variance", "float32", false], ["count", "int32", false]]);
    const y = one.apply(data);
    assertClose(moments(y, [0]).mean, [0, 0, 0], { atol: 1e-5 });
    assertClose(moments(y, [0]).variance, [1, 1, 1], { rtol: 1e-4 });
  });
  it("Normalization: layerTest with given statistics, invert round trip, errors", () => {
    layerTest({
      make: (c?: LayerConfig) => (c ? Normalization.fromConfig(c) : new Normalization({ mean: [1, 2], variance: [4, 0.25] })),
      inputShape: [3, 2], expectedWeights: [],
    });
    const x = randomUniform([4, 2], { seed: 1 });
    const norm = new Normalization({ mean: [1, 2], variance: [4, 0.25] });
    const back = new Normalization({ mean: [1, 2], variance: [4, 0.25], invert: true });
    assertClose(back.apply(norm.apply(x)), x, { rtol: 1e-5, atol: 1e-6 });
    assert.throws(() => new Normalization({ mean: [1, 2] }), /give both mean and variance/);
    assert.throws(() => norm.adapt(x), /mean and variance were given/);
    const adapted = new Normalization({ axis: -1 });
    adapted.adapt(randomUniform([5, 3], { seed: 2 }));
    assert.throws(() => adapted.adapt(randomUniform([5, 4], { seed: 2 })), /does not match the layer's input shape/);
  });
  it("Rescaling: scalar and per-channel, integer inputs cast to float32", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Rescaling.fromConfig(c) : new Rescaling({ scale: 1 / 127.5, offset: -1 })), inputShape: [2, 3], expectedWeights: [] });
    assertClose(new Rescaling({ scale: 1 / 255 }).apply(tensor([[0, 255]], [1, 2], "int32")), [[0, 1]], { rtol: 1e-6 });
    assertClose(new Rescaling({ scale: [1, 2], offset: [0, 1] }).apply(tensor([[1, 1], [2, 2]])), [[1, 3], [2, 5]]);
    assert.throws(() => new Rescaling({ scale: Number.NaN }), /scale must be a finite number/);
  });
});

describe("Resizing and CenterCrop", () => {
  it("layerTest", () => {
    layerTest({ make: (c?: LayerConfig) => (c ? Resizing.fromConfig(c) : new Resizing({ height: 5, width: 3 })), inputShape: [2, 3, 4, 2], expectedOutputShape: [2, 5, 3, 2], expectedWeights: [] });
    layerTest({
      make: (c?: LayerConfig) => (c ? Resizing.fromConfig(c) : new Resizing({ height: 2, width: 2, cropToAspectRatio: true, dataFormat: "channelsFirst" })),
      inputShape: [1, 2, 3, 5], expectedOutputShape: [1, 2, 2, 2],
    });
    layerTest({ make: (c?: LayerConfig) => (c ? CenterCrop.fromConfig(c) : new CenterCrop({ height: 2, width: 3 })), inputShape: [2, 4, 5, 1], expectedOutputShape: [2, 2, 3, 1] });
  });
  it("single images, nearest resizing of an exact upscale, padToAspectRatio", () => {
    const img = tensor([[[1], [2]], [[3], [4]]]);
    assertClose(new Resizing({ height: 4, width: 4, interpolation: "nearest" }).apply(img), [
      [[1], [1], [2], [2]], [[1], [1], [2], [2]], [[3], [3], [4], [4]], [[3], [3], [4], [4]],
    ]);
    assertClose(new CenterCrop({ height: 1, width: 1 }).apply(img), [[[1]]]);
    const padded = new Resizing({ height: 2, width: 4, padToAspectRatio: true, fillValue: 9, interpolation: "nearest" }).apply(img);
    assertClose(padded, [[[9], [1], [2], [9]], [[9], [3], [4], [9]]]);
    assert.throws(() => new Resizing({ height: 2, width: 2, interpolation: "bicubic" as "nearest" }), /interpolation must be/);
    assert.throws(() => new Resizing({ height: 0, width: 2 }), /height must be a positive integer/);
  });
});
