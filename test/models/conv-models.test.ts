// Small CNNs against real Keras 3.15 (scripts/fixtures/gen_layers_conv.py, layers_conv_models.json): the course's
// ResNet identity and convolutional blocks (functional API; forward and gradients, training and inference,
// moving statistics after a training call), the HappyModel (Sequential; summary parameter counts and
// outputs), and the parameter counts of a CNN using every conv-family layer. Weights and inputs are filled
// with `pattern`, which reproduces the generator's values exactly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Conv2DTranspose, Cropping2D, Dense, DepthwiseConv2D, Flatten,
  GlobalAveragePooling2D, GradientTape, Input, LayerNormalization, MaxPooling2D, Model, ReLU, Rescaling, SeparableConv2D, Sequential,
  type SymbolicTensor, Tensor, ZeroPadding2D, clearSession, mul, sum,
} from "../../src/index.js";
import type { Layer } from "../../src/layers/layer.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type FixtureCase, type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface Summary {
  layers: [string, string, number][];
  total: number;
  trainable: number;
  nonTrainable: number;
}
interface ModelCase extends FixtureCase {
  weightsAfter?: Record<string, TensorSpec>;
  weightNames?: string[];
  summary?: Summary;
  outputTraining?: TensorSpec;
  flattenSum?: number;
  outputShapes?: (number | null)[][];
}

const cases = loadFixtures("keras/layers_conv_models").cases as ModelCase[];
const byName = (n: string): ModelCase => cases.find((c) => c.name === n)!;

/** The generator's deterministic fill: an integer hash mapped to [-1, 1], then scale and offset (float32). */
function pattern(shape: readonly number[], seed: number, scale = 1, offset = 0): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = (i * 2654435761 + seed * 40503) % 10007;
    data[i] = Math.fround(((h - 5003) / 5003) * scale + offset);
  }
  return new Tensor(data, [...shape], "float32");
}

/** "layer/weight" of a weight path (ours may carry a model scope in front). */
const key = (path: string): string => path.split("/").slice(-2).join("/");

/** Sets every weight as the generator did: the k-th Keras weight gets pattern(seed0 + k). */
function setPatternWeights(model: Model, names: string[], seed0: number, scales: Record<string, number> = {}): void {
  for (const w of model.weights) {
    const k = names.indexOf(key(w.path));
    assert.ok(k >= 0, `weight ${w.path} is one of Keras' ${names.join(", ")}`);
    const v = w.name === "moving_variance" ? pattern(w.shape, seed0 + k, 0.5, 1)
      : w.name === "gamma" ? pattern(w.shape, seed0 + k, 0.3, 1)
      : pattern(w.shape, seed0 + k, scales[key(w.path)] ?? 0.5);
    w.assign(v);
  }
}

function identityBlock(x: SymbolicTensor, f: number, filters: number[], training: boolean, name: string): SymbolicTensor {
  const [f1, f2, f3] = filters;
  const shortcut = x;
  x = new Conv2D({ filters: f1, kernelSize: 1, name: `${name}_a` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_a` }).apply(x, { training });
  x = new Activation({ activation: "relu" }).apply(x);
  x = new Conv2D({ filters: f2, kernelSize: f, padding: "same", name: `${name}_b` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_b` }).apply(x, { training });
  x = new Activation({ activation: "relu" }).apply(x);
  x = new Conv2D({ filters: f3, kernelSize: 1, name: `${name}_c` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_c` }).apply(x, { training });
  return new Activation({ activation: "relu" }).apply(new Add().apply([x, shortcut]));
}

function convolutionalBlock(x: SymbolicTensor, f: number, filters: number[], s: number, training: boolean, name: string): SymbolicTensor {
  const [f1, f2, f3] = filters;
  let shortcut = x;
  x = new Conv2D({ filters: f1, kernelSize: 1, strides: s, name: `${name}_a` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_a` }).apply(x, { training });
  x = new Activation({ activation: "relu" }).apply(x);
  x = new Conv2D({ filters: f2, kernelSize: f, padding: "same", name: `${name}_b` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_b` }).apply(x, { training });
  x = new Activation({ activation: "relu" }).apply(x);
  x = new Conv2D({ filters: f3, kernelSize: 1, name: `${name}_c` }).apply(x);
  x = new BatchNormalization({ axis: 3, name: `${name}_bn_c` }).apply(x, { training });
  shortcut = new Conv2D({ filters: f3, kernelSize: 1, strides: s, name: `${name}_s` }).apply(shortcut);
  shortcut = new BatchNormalization({ axis: 3, name: `${name}_bn_s` }).apply(shortcut, { training });
  return new Activation({ activation: "relu" }).apply(new Add().apply([x, shortcut]));
}

function checkBlock(c: ModelCase, build: (x: SymbolicTensor, training: boolean) => SymbolicTensor): void {
  const training = c.attrs.training as boolean;
  const x = fromSpec(c.inputs.x);
  const inp = Input({ shape: x.shape.slice(1) });
  const model = new Model({ inputs: inp, outputs: build(inp, training) });
  assert.deepEqual(model.weights.map((w) => key(w.path)).sort(), [...c.weightNames!].sort(), "the same weights as Keras");
  setPatternWeights(model, c.weightNames!, c.attrs.seed as number);
  const tape = new GradientTape();
  tape.watch(x);
  let y: Tensor | undefined;
  const loss = tape.run(() => {
    y = model.apply(x, { training });
    return sum(mul(y, pattern(y.shape, (c.attrs.seed as number) + 999)));
  });
  assertClose(y!, fromSpec(c.output), { rtol: 1e-5, atol: 1e-5, msg: "output" });
  const ws = model.trainableWeights;
  const grads = tape.gradient(loss, [x, ...ws]);
  assertClose(grads[0], fromSpec(c.grads!.x), { rtol: 1e-5, atol: 1e-5, msg: "d/dx" });
  // atol: a conv bias feeding a training-mode BatchNormalization has true gradient 0 (the batch mean removes it);
  // both frameworks return float noise of ~1e-5 there.
  ws.forEach((w, i) => assertClose(grads[i + 1], fromSpec(c.grads![key(w.path)]), { rtol: 1e-5, atol: 3e-5, msg: `d/d${w.path}` }));
  assert.equal(ws.length, Object.keys(c.grads!).length - 1, "a gradient for every trainable weight");
  for (const w of model.nonTrainableWeights) assertClose(w.value, fromSpec(c.weightsAfter![key(w.path)]), { rtol: 1e-5, atol: 1e-6, msg: `${w.path} after` });
}

function happyModel(): Sequential {
  return new Sequential({
    layers: [
      Input({ shape: [64, 64, 3] }),
      new ZeroPadding2D({ padding: 3 }),
      new Conv2D({ filters: 32, kernelSize: 7, name: "conv0" }),
      new BatchNormalization({ axis: 3, name: "bn0" }),
      new ReLU(),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 1, activation: "sigmoid", name: "fc" }),
    ],
  });
}

function counts(model: Model): Summary {
  const size = (ws: { value: Tensor }[]): number => ws.reduce((n, w) => n + w.value.size, 0);
  return {
    layers: model.layers.map((l: Layer) => [l.name, l.className, l.countParams()]),
    total: model.countParams(),
    trainable: size(model.trainableWeights),
    nonTrainable: size(model.nonTrainableWeights),
  };
}

forEachBackend("ResNet blocks (functional) match Keras 3", () => {
  for (const training of [false, true]) {
    it(`identity block, training ${training}`, () => {
      clearSession();
      checkBlock(byName(`identity_block_training_${training ? "True" : "False"}`), (x, t) => identityBlock(x, 3, [2, 3, 4], t, "id"));
    });
    it(`convolutional block, training ${training}`, () => {
      clearSession();
      checkBlock(byName(`conv_block_training_${training ? "True" : "False"}`), (x, t) => convolutionalBlock(x, 3, [2, 3, 5], 2, t, "cb"));
    });
  }
});

describe("HappyModel (Sequential) matches Keras 3", () => {
  const c = byName("happy_model");
  it("summary parameter counts: 37,633 total, 37,569 trainable, 64 non-trainable", () => {
    clearSession();
    const model = happyModel();
    assert.deepEqual(counts(model), c.summary);
    assert.equal(c.summary!.total, 37633);
    const lines: string[] = [];
    model.summary((s) => lines.push(s));
    const text = lines.join("\n");
    for (const frag of ["Total params: 37,633", "Trainable params: 37,569", "Non-trainable params: 64", "(None, 70, 70, 3)", "(None, 32768)", "32,769"])
      assert.ok(text.includes(frag), `summary shows ${frag}:\n${text}`);
  });
  it("forward output for the same weights, inference and training mode", () => {
    clearSession();
    const model = happyModel();
    const names = ["conv0/kernel", "conv0/bias", "bn0/gamma", "bn0/beta", "bn0/moving_mean", "bn0/moving_variance", "fc/kernel", "fc/bias"];
    setPatternWeights(model, names, c.attrs.seed as number, { "fc/kernel": c.attrs.fcScale as number });
    const spec = c.inputs.x as unknown as { pattern: number[]; seed: number; scale: number; offset: number };
    const x = pattern(spec.pattern, spec.seed, spec.scale, spec.offset);
    assertClose(model.apply(x), fromSpec(c.output), { rtol: 1e-5, atol: 1e-6, msg: "inference" });
    const features = new Model({ inputs: model.inputs[0], outputs: model.getLayer("flatten").output as SymbolicTensor });
    const total = sum(features.apply(x)).item();
    assert.ok(Math.abs(total - c.flattenSum!) <= 1e-5 * Math.abs(c.flattenSum!), `sum of the flattened features ${total} vs Keras ${c.flattenSum}`);
    assertClose(model.apply(x, { training: true }), fromSpec(c.outputTraining!), { rtol: 1e-5, atol: 1e-6, msg: "training" });
    for (const w of model.nonTrainableWeights) assertClose(w.value, fromSpec(c.weightsAfter![key(w.path)]), { rtol: 1e-5, atol: 1e-6, msg: `${w.path} after` });
  });
});

describe("a CNN with every conv-family layer: Keras' parameter counts and output shapes", () => {
  it("counts", () => {
    clearSession();
    const c = byName("small_cnn_counts");
    const cnn = new Sequential({
      layers: [
        Input({ shape: [16, 16, 3] }),
        new Rescaling({ scale: 1 / 255 }),
        new Conv2D({ filters: 8, kernelSize: 3, padding: "same", activation: "relu" }),
        new BatchNormalization(),
        new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }),
        new SeparableConv2D({ filters: 6, kernelSize: 3, padding: "same" }),
        new MaxPooling2D({ poolSize: 2 }),
        new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: "same" }),
        new LayerNormalization(),
        new Conv2D({ filters: 6, kernelSize: 3, groups: 2 }),
        new AveragePooling2D({ poolSize: 2 }),
        new ZeroPadding2D({ padding: 1 }),
        new Cropping2D({ cropping: 1 }),
        new GlobalAveragePooling2D(),
        new Dense({ units: 3 }),
      ],
    });
    assert.deepEqual(counts(cnn), c.summary);
    assert.deepEqual(cnn.layers.map((l: Layer) => l.outputShape), c.outputShapes);
  });
});
