import assert from "node:assert/strict";
import {
  GradientTape, Input, Layer, Model, type LayerConfig, type Tensor, cast, mul, noGrad, randomUniform, sub, sum,
} from "../../src/index.js";
import { assertClose } from "./assert.js";
import { checkGrad } from "./gradcheck.js";

export interface LayerTestOptions {
  /** Makes the layer under test from a config (called several times: with the config, and with dtype float64). */
  make: (config?: LayerConfig) => Layer;
  /** Concrete input shape(s); a list of shapes for multi-input layers. */
  inputShape: number[] | number[][];
  /** Expected output shape for `inputShape` (default: not checked beyond computeOutputShape). */
  expectedOutputShape?: number[];
  /** Expected weights as [name, shape], in `weights` order. */
  expectedWeights?: [string, number[]][];
  /** How many of them are trainable (default: all). */
  expectedTrainable?: number;
  /** Check gradients against finite differences in float64 (default true). */
  gradCheck?: boolean;
  /** Run the forward passes in training mode (default false). */
  training?: boolean;
  /** Skip the symbolic (functional) check. */
  skipSymbolic?: boolean;
  seed?: number;
}

function inputsFor(shape: number[] | number[][], seed: number, dtype: "float32" | "float64" = "float32"): Tensor[] {
  const shapes = Array.isArray(shape[0]) ? (shape as number[][]) : [shape as number[]];
  return shapes.map((s, i) => randomUniform(s, { seed: seed + i, minval: -2, maxval: 2, dtype }));
}

function applyTo(layer: Layer, xs: Tensor[], isList: boolean, training: boolean): Tensor {
  return layer.apply(isList ? xs : xs[0], { training });
}

/**
 * Keras' run_layer_test in one call: output shape vs computeOutputShape (eager and symbolic), weight names,
 * shapes and trainability, getConfig/fromConfig round trip giving the same outputs, a gradient step that
 * changes every trainable weight and nothing else, and (float64) autodiff vs finite differences.
 */
export function layerTest(opts: LayerTestOptions): void {
  const seed = opts.seed ?? 11;
  const training = opts.training ?? false;
  const isList = Array.isArray(opts.inputShape[0]);
  const layer = opts.make();
  const xs = inputsFor(opts.inputShape, seed);
  const y = applyTo(layer, xs, isList, training);
  const name = `${layer.className} "${layer.name}"`;

  // Shapes: eager output vs computeOutputShape, and the symbolic path with an unknown batch.
  const shapes = isList ? xs.map((x) => x.shape) : xs[0].shape;
  assert.deepEqual([...(layer.computeOutputShape(shapes) as number[])], [...y.shape], `${name}: computeOutputShape vs eager output`);
  if (opts.expectedOutputShape) assert.deepEqual([...y.shape], opts.expectedOutputShape, `${name}: output shape`);
  if (!opts.skipSymbolic) {
    const sym = xs.map((x) => Input({ shape: x.shape.slice(1) }));
    const out = layer.apply(isList ? sym : sym[0]);
    assert.deepEqual([...out.shape], [null, ...y.shape.slice(1)], `${name}: symbolic output shape`);
    const model = new Model({ inputs: isList ? sym : sym[0], outputs: out });
    assertClose(model.apply(isList ? xs : xs[0], { training }), y, { msg: `${name}: functional model vs eager call` });
  }

  // Weights.
  if (opts.expectedWeights) {
    assert.deepEqual(layer.weights.map((w) => [w.name, [...w.shape]]), opts.expectedWeights, `${name}: weights`);
    assert.equal(layer.trainableWeights.length, opts.expectedTrainable ?? opts.expectedWeights.length, `${name}: trainable weight count`);
    assert.equal(layer.countParams(), opts.expectedWeights.reduce((n, [, s]) => n + s.reduce((a, d) => a * d, 1), 0));
  }
  for (const w of layer.weights) assert.ok(w.path.endsWith(`${layer.name}/${w.name}`), `${name}: weight path ${w.path}`);

  // Config round trip: a layer from getConfig, given the same weights, computes the same outputs.
  const config = layer.getConfig();
  const clone = opts.make(config);
  assert.equal(clone.name, layer.name, `${name}: name after round trip`);
  assert.deepEqual(clone.getConfig(), config, `${name}: config after round trip`);
  applyTo(clone, xs, isList, false);
  clone.setWeights(layer.getWeights());
  if (!training) assertClose(applyTo(clone, xs, isList, false), y, { msg: `${name}: output after config round trip` });

  // One gradient step moves every trainable weight and no other.
  const before = layer.getWeights();
  const trainable = layer.trainableWeights;
  if (trainable.length > 0) {
    const r = randomUniform(y.shape, { seed: seed + 100, minval: 0.5, maxval: 1.5 });
    const tape = new GradientTape();
    const loss = tape.run(() => sum(mul(applyTo(layer, xs, isList, training), r)));
    const grads = tape.gradient(loss, trainable);
    noGrad(() => trainable.forEach((w, i) => w.assign(sub(w.value, mul(grads[i], 0.1)))));
    layer.weights.forEach((w, i) => {
      const changed = w.value.values.some((v, j) => v !== before[i].values[j]);
      assert.equal(changed, trainable.includes(w), `${name}: weight ${w.path} ${changed ? "changed" : "did not change"} after a gradient step`);
    });
    layer.setWeights(before);
  }

  // Float64 gradients w.r.t. inputs and weights against finite differences.
  if (opts.gradCheck ?? true) {
    const layer64 = opts.make({ ...config, name: `${layer.name}_f64`, dtype: "float64" });
    const xs64 = inputsFor(opts.inputShape, seed, "float64");
    applyTo(layer64, xs64, isList, training);
    layer64.setWeights(before.map((w) => cast(w, "float64")));
    const nIn = xs64.length;
    const ws = layer64.trainableWeights;
    checkGrad(
      (...args: Tensor[]) => {
        ws.forEach((w, i) => w.assign(args[nIn + i]));
        return applyTo(layer64, args.slice(0, nIn), isList, training);
      },
      [...xs64, ...ws.map((w) => w.value)],
      { name, rtol: 1e-5, atol: 1e-7 },
    );
  }
}
