// The inference plan (src/models/inference-plan.ts): fused conv/dense -> BatchNormalization -> activation chains
// give the unfused model's outputs (random weights, non-trivial batch-norm statistics, both backends), and the
// plan stays off where it must: training, a recording tape, intermediate outputs the user asked for, opt-outs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Activation, Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Flatten, GlobalAveragePooling2D, Generator, GradientTape, Input,
  MaxPooling2D, Model, ReLU, Sequential, type SymbolicTensor, Tensor, ZeroPadding2D, full, happyModel, mobileNetV2, mul, randomUniform, sum,
} from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { buildInferencePlan, describePlan, fusionStats } from "../../src/models/inference-plan.js";
import { expandDepthwiseFusion } from "../../src/models/expand-depthwise.js";
import { withKernelSpies } from "../helpers/spy.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";

const gen = new Generator(23);
const rand = (shape: readonly number[], lo: number, hi: number, dtype: "float32" | "float64" = "float32"): Tensor =>
  randomUniform([...shape], { minval: lo, maxval: hi, seed: gen, dtype });

/** Non-trivial weights: batch-norm statistics and biases far from their initial values. */
function randomize(model: Model): void {
  for (const w of model.weights) {
    const d = w.dtype as "float32" | "float64";
    if (w.name === "gamma") w.assign(rand(w.shape, 0.5, 1.5, d));
    else if (w.name === "beta" || w.name === "bias") w.assign(rand(w.shape, -0.5, 0.5, d));
    else if (w.name === "moving_mean") w.assign(rand(w.shape, -0.3, 0.3, d));
    else if (w.name === "moving_variance") w.assign(rand(w.shape, 0.3, 2, d));
  }
}

/** Runs `f` counting biasActivation calls on the active backend. */
/** Runs f counting the fused chains the inference plan ran. */
function countFused<T>(f: () => T): { value: T; calls: number } {
  const before = fusionStats.steps;
  const value = f();
  return { value, calls: fusionStats.steps - before };
}

function outputsOf(y: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** Fused predict against the same model with fusion off; returns the number of fused passes. */
function checkFusedMatches(model: Model, x: Tensor, tol = { rtol: 1e-4, atol: 1e-5 }): number {
  const fused = countFused(() => model.predict(x));
  model.fuseInference = false;
  const plain = countFused(() => model.predict(x));
  model.fuseInference = true;
  assert.equal(plain.calls, 0, "fusion off: no fused chain");
  const a = outputsOf(fused.value);
  const b = outputsOf(plain.value);
  assert.equal(a.length, b.length);
  a.forEach((t, i) => assertClose(t, b[i], { ...tol, msg: `output ${i}` }));
  return fused.calls;
}

/** Conv -> BN -> relu stem, then a ResNet50 identity block and a conv block (projection shortcut), small. */
function resnetBlocks(dataFormat: "channelsLast" | "channelsFirst" = "channelsLast"): Model {
  const last = dataFormat === "channelsLast";
  const axis = last ? 3 : 1;
  const input = Input({ shape: last ? [20, 20, 3] : [3, 20, 20] });
  const bn = (t: SymbolicTensor) => new BatchNormalization({ axis, epsilon: 1.001e-5 }).apply(t);
  const conv = (t: SymbolicTensor, filters: number, k: number, strides = 1, padding: "same" | "valid" = "same") =>
    new Conv2D({ filters, kernelSize: k, strides, padding, dataFormat }).apply(t);
  let x = new ZeroPadding2D({ padding: 3, dataFormat }).apply(input);
  x = new Activation({ activation: "relu" }).apply(bn(conv(x, 8, 7, 2, "valid")));
  // identity block
  let y = new Activation({ activation: "relu" }).apply(bn(conv(x, 4, 1)));
  y = new Activation({ activation: "relu" }).apply(bn(conv(y, 4, 3)));
  y = bn(conv(y, 8, 1));
  x = new Activation({ activation: "relu" }).apply(new Add().apply([y, x]));
  // conv block
  const shortcut = bn(conv(x, 16, 1, 2));
  y = new Activation({ activation: "relu" }).apply(bn(conv(x, 4, 1, 2)));
  y = new Activation({ activation: "relu" }).apply(bn(conv(y, 4, 3)));
  y = bn(conv(y, 16, 1));
  x = new Activation({ activation: "relu" }).apply(new Add().apply([y, shortcut]));
  x = new GlobalAveragePooling2D({ dataFormat }).apply(x);
  return new Model({ inputs: input, outputs: new Dense({ units: 5 }).apply(x) });
}

forEachBackend("inference fusion gives the unfused outputs", () => {
  it("MobileNetV2 alpha 0.35 (pad, depthwise, expand/project, relu6 chains)", () => {
    const model = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, pooling: "avg" });
    randomize(model);
    const plan = describePlan(buildInferencePlan(model.getGraph()!, model.outputs));
    assert.ok(plan.some((s) => s.endsWith("block_1_pad+block_1_depthwise+block_1_depthwise_BN+block_1_depthwise_relu")), plan.join("\n"));
    assert.ok(plan.includes("block_16_project+block_16_project_BN"));
    assert.ok(plan.includes("block_2_project+block_2_project_BN+block_2_add"), "the residual add joins the pass");
    // Each expand chain with the depthwise chain it feeds, in one step (block 0 has no expand).
    assert.ok(plan.includes("block_1_expand+block_1_expand_BN+block_1_expand_relu+block_1_pad+block_1_depthwise+block_1_depthwise_BN+block_1_depthwise_relu"), plan.join("\n"));
    assert.equal(plan.length, 52 - 16); // every conv of the network, 16 expand/depthwise pairs
    // The pairs in one call (every size), and as two convolutions, give the unfused outputs.
    const { minPixels } = expandDepthwiseFusion;
    expandDepthwiseFusion.minPixels = 0;
    try {
      let pairs = 0;
      const calls = withKernelSpies({ expandDepthwise: () => void pairs++ }, () => checkFusedMatches(model, rand([2, 32, 32, 3], 0, 1)));
      assert.equal(calls, 52);
      assert.equal(pairs, 16, "every expand/depthwise pair in one call");
      expandDepthwiseFusion.enabled = false;
      pairs = 0;
      assert.equal(withKernelSpies({ expandDepthwise: () => void pairs++ }, () => checkFusedMatches(model, rand([1, 32, 32, 3], 0, 1))), 52);
      assert.equal(pairs, 0);
    } finally {
      expandDepthwiseFusion.enabled = true;
      expandDepthwiseFusion.minPixels = minPixels;
    }
  });

  it("reuses each step's geometry only for inputs of the shape it was resolved for (unknown spatial dims)", () => {
    const model = mobileNetV2({ inputShape: [null, null, 3], alpha: 0.35, includeTop: false, pooling: "avg" });
    randomize(model);
    const { minPixels } = expandDepthwiseFusion;
    expandDepthwiseFusion.minPixels = 0; // the expand/depthwise pairs' geometry too
    try {
      for (const [n, h, w] of [[1, 32, 32], [2, 64, 32], [1, 32, 32], [1, 64, 64]]) {
        const calls = checkFusedMatches(model, rand([n, h, w, 3], 0, 1));
        assert.equal(calls, 52, `${n}x${h}x${w}`);
      }
    } finally {
      expandDepthwiseFusion.minPixels = minPixels;
    }
  });

  it("ResNet50-style identity and conv blocks, channels-last and channels-first", () => {
    for (const format of ["channelsLast", "channelsFirst"] as const) {
      const model = resnetBlocks(format);
      randomize(model);
      // conv -> BN -> Add(shortcut) -> relu in one pass, for both blocks
      const plan = describePlan(buildInferencePlan(model.getGraph()!, model.outputs));
      assert.equal(plan.filter((s) => /conv2d.*\+batch_normalization.*\+add.*\+activation/.test(s)).length, 2, plan.join("\n"));
      const x = rand(format === "channelsLast" ? [2, 20, 20, 3] : [2, 3, 20, 20], -1, 1);
      // stem, 3 + 3 block convs, the shortcut, the Dense head's bias
      assert.equal(checkFusedMatches(model, x), 9, format);
    }
  });

  it("the HappyModel (Sequential: pad -> conv -> BN -> relu, Dense with sigmoid)", () => {
    const model = happyModel({ inputShape: [16, 16, 3] });
    randomize(model);
    assert.deepEqual(describePlan(buildInferencePlan(model.getGraph()!, model.outputs)), ["zero_padding2d+conv2d+batch_normalization+re_lu", "dense"]);
    assert.equal(checkFusedMatches(model, rand([3, 16, 16, 3], 0, 1)), 2);
  });

  it("evaluate gives the unfused loss (sigmoid output, binary crossentropy from its logits)", async () => {
    const model = happyModel({ inputShape: [16, 16, 3] });
    randomize(model);
    model.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"] });
    const x = rand([4, 16, 16, 3], 0, 1);
    const y = new Tensor(new Float32Array([0, 1, 1, 0]), [4, 1]);
    const before = fusionStats.steps;
    const a = (await model.evaluate(x, y, { verbose: 0 })) as number[];
    const calls = fusionStats.steps - before;
    assert.equal(calls, 2, "evaluate runs the fused plan");
    model.fuseInference = false;
    const b = (await model.evaluate(x, y, { verbose: 0 })) as number[];
    model.fuseInference = true;
    assert.equal(a.length, 2);
    assert.ok(Math.abs(a[0] - b[0]) <= 1e-4 * Math.abs(b[0]) + 1e-6, `loss ${a[0]} vs ${b[0]}`);
    assert.equal(a[1], b[1]);
  });

  it("a Sequential CNN with conv activations, ReLU(max 6), leaky ReLU, Dense -> BN and a standalone BN", () => {
    const model = new Sequential({
      layers: [
        Input({ shape: [12, 12, 3] }),
        new BatchNormalization(),
        new Conv2D({ filters: 6, kernelSize: 3, activation: "relu" }),
        new MaxPooling2D({ poolSize: 2 }),
        new Conv2D({ filters: 8, kernelSize: 3, padding: "same", useBias: false }),
        new BatchNormalization(),
        new ReLU({ maxValue: 6 }),
        new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }),
        new BatchNormalization(),
        new ReLU({ negativeSlope: 0.1 }),
        new Flatten(),
        new Dense({ units: 10, useBias: false }),
        new BatchNormalization(),
        new Activation({ activation: "tanh" }),
        new Dense({ units: 4, activation: "softmax" }),
      ],
    });
    randomize(model);
    assert.equal(checkFusedMatches(model, rand([3, 12, 12, 3], -1, 1)), 6);
  });

  it("float64 layers fuse in float64", () => {
    const model = new Sequential({
      layers: [
        Input({ shape: [6, 6, 2], dtype: "float64" }),
        new Conv2D({ filters: 3, kernelSize: 3, dtype: "float64" }),
        new BatchNormalization({ dtype: "float64" }),
        new ReLU({ dtype: "float64" }),
      ],
    });
    randomize(model);
    assert.equal(checkFusedMatches(model, rand([2, 6, 6, 2], -1, 1, "float64"), { rtol: 1e-12, atol: 1e-13 }), 1);
  });

  it("a custom activation named relu is applied as written", () => {
    function relu(x: Tensor): Tensor {
      return mul(x, 2);
    }
    const model = new Sequential({ layers: [Input({ shape: [5] }), new Dense({ units: 3, activation: relu })] });
    randomize(model);
    // A bias well below the pre-activations' range: every output is negative unless a real relu clamps it.
    const dense = model.layers.find((l) => l instanceof Dense) as Dense;
    dense.bias!.assign(full([3], -10));
    const x = rand([2, 5], -1, 1);
    checkFusedMatches(model, x);
    const y = model.predict(x) as Tensor;
    assert.ok([...y.values].every((v) => v < 0), "negative outputs: not clamped by a real relu");
  });
});

describe("when the inference plan stays off", () => {
  function convBn(): { model: Model; bnOut: SymbolicTensor } {
    const input = Input({ shape: [8, 8, 3] });
    const c = new Conv2D({ filters: 4, kernelSize: 3, name: "c" }).apply(input);
    const bnOut = new BatchNormalization({ name: "bn" }).apply(c);
    const out = new ReLU({ name: "r" }).apply(bnOut);
    return { model: new Model({ inputs: input, outputs: out }), bnOut };
  }

  it("keeps an intermediate output the user asked for, and a tensor with a second consumer", () => {
    const input = Input({ shape: [8, 8, 3] });
    const c = new Conv2D({ filters: 4, kernelSize: 3, name: "c" }).apply(input);
    const b = new BatchNormalization({ name: "bn" }).apply(c);
    const r = new ReLU({ name: "r" }).apply(b);
    const model = new Model({ inputs: input, outputs: [b, r] });
    randomize(model);
    assert.deepEqual(describePlan(buildInferencePlan(model.getGraph()!, model.outputs)), ["c+bn"]);
    checkFusedMatches(model, rand([2, 8, 8, 3], -1, 1));

    const c2 = new Conv2D({ filters: 4, kernelSize: 3, name: "c2" }).apply(input);
    const b2 = new BatchNormalization({ name: "bn2" }).apply(c2);
    const sum2 = new Add({ name: "add" }).apply([new ReLU({ name: "r2" }).apply(b2), b2]);
    const model2 = new Model({ inputs: input, outputs: sum2 });
    randomize(model2);
    assert.deepEqual(describePlan(buildInferencePlan(model2.getGraph()!, model2.outputs)), ["c2+bn2"]);
    checkFusedMatches(model2, rand([2, 8, 8, 3], -1, 1));
  });

  it("is not used with training: true, nor under a recording tape", () => {
    const { model } = convBn();
    randomize(model);
    const x = rand([2, 8, 8, 3], -1, 1);
    const bn = model.getLayer("bn") as BatchNormalization;
    const before = bn.movingMean!.value;
    assert.equal(countFused(() => model.apply(x, { training: true })).calls, 0);
    assert.notEqual(bn.movingMean!.value, before, "training updated the moving mean");
    const tape = new GradientTape().start();
    const taped = countFused(() => sum(model.apply(x) as Tensor));
    tape.stop();
    assert.equal(taped.calls, 0);
    const grads = tape.gradient(taped.value, model.trainableWeights);
    assert.ok(grads.every((g) => g !== null), "every trainable weight has a gradient");
    assert.equal(countFused(() => model.apply(x)).calls, 1, "an eager call in inference mode fuses");
  });

  it("refolds after the weights change (training, then predicting)", async () => {
    const { model } = convBn();
    randomize(model);
    const x = rand([4, 8, 8, 3], -1, 1);
    checkFusedMatches(model, x);
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(x, rand([4, 6, 6, 4], 0, 1), { epochs: 2, batchSize: 2, verbose: 0 });
    checkFusedMatches(model, x);
    (model.getLayer("bn") as BatchNormalization).movingVariance!.assign(rand([4], 2, 3));
    checkFusedMatches(model, x);
  });

  it("is switched off by model.fuseInference = false and by DEEPTS_FUSE=0", () => {
    const { model } = convBn();
    const x = rand([1, 8, 8, 3], -1, 1);
    model.fuseInference = false;
    assert.equal(countFused(() => model.predict(x)).calls, 0);
    model.fuseInference = true;
    process.env.DEEPTS_FUSE = "0";
    try {
      assert.equal(countFused(() => model.predict(x)).calls, 0);
    } finally {
      delete process.env.DEEPTS_FUSE;
    }
    assert.equal(countFused(() => model.predict(x)).calls, 1);
  });
});
