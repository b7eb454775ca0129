// Convolution, pooling, padding, normalization and image layers against real Keras 3.15 (fixtures from
// scripts/fixtures/gen_layers_conv.py): outputs, gradients of sum(output * dy) with respect to the input and
// every weight, and weights after training-mode calls (BatchNormalization's moving statistics), to 1e-5.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  GradientTape, type LayerConfig, Normalization, type Tensor, deserializeLayer, mul, sum,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type FixtureCase, type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface LayerCase extends FixtureCase {
  weightsAfter?: Record<string, TensorSpec>;
  count?: number;
}

const load = (name: string): LayerCase[] => loadFixtures(`keras/${name}`).cases as LayerCase[];
const conv = load("layers_conv");
const norm = load("layers_conv_norm");
const image = load("layers_conv_image").filter((c) => c.grads !== undefined);
const tol = { rtol: 1e-5, atol: 1e-5 };

function configOf(c: LayerCase): LayerConfig {
  const { training: _t, calls: _c, ...config } = c.attrs;
  return config as LayerConfig;
}

/** Builds the layer, sets the fixture's weights, runs it (calls times) and checks output, gradients and weights after. */
function checkCase(c: LayerCase): void {
  const layer = deserializeLayer({ className: c.op, config: configOf(c) });
  const training = c.attrs.training === true;
  const calls = (c.attrs.calls as number | undefined) ?? 1;
  const { x: xSpec, ...weightSpecs } = c.inputs;
  const x = fromSpec(xSpec);
  layer.maybeBuild(x.shape);
  assert.deepEqual(layer.weights.map((w) => w.name), Object.keys(weightSpecs), "weight names and order");
  layer.setWeights(Object.values(weightSpecs).map(fromSpec));
  for (let i = 1; i < calls; i++) layer.apply(x, { training });
  const tape = new GradientTape();
  tape.watch(x, ...layer.weights);
  let y: Tensor | undefined;
  const loss = tape.run(() => {
    y = layer.apply(x, { training });
    return sum(mul(y, fromSpec(c.dy!)));
  });
  assertClose(y!, fromSpec(c.output), { ...tol, msg: `${c.name} output` });
  const grads = tape.gradient(loss, [x, ...layer.weights]);
  const names = ["x", ...layer.weights.map((w) => w.name)];
  assert.deepEqual(names, Object.keys(c.grads!), "gradients present");
  names.forEach((n, i) => assertClose(grads[i], fromSpec(c.grads![n]), { rtol: 1e-5, atol: 1e-5, msg: `${c.name} d/d${n}` }));
  if (c.weightsAfter)
    for (const w of layer.weights) assertClose(w.value, fromSpec(c.weightsAfter[w.name]), { ...tol, msg: `${c.name} ${w.name} after` });
}

forEachBackend("conv, pooling, padding and cropping layers match Keras 3", () => {
  it("has the fixture cases", () => assert.ok(conv.length >= 40, `${conv.length} cases`));
  for (const c of conv) it(c.name, () => checkCase(c));
});

forEachBackend("normalization and rescaling layers match Keras 3", () => {
  for (const c of norm.filter((k) => k.grads !== undefined)) it(c.name, () => checkCase(c));
  for (const c of norm.filter((k) => k.inputs.adaptData !== undefined))
    it(c.name, () => {
      const layer = deserializeLayer({ className: c.op, config: configOf(c) }) as Normalization;
      layer.adapt(fromSpec(c.inputs.adaptData));
      assertClose(layer.adaptMean!.value, fromSpec(c.weightsAfter!.mean), { ...tol, msg: "adapted mean" });
      assertClose(layer.adaptVariance!.value, fromSpec(c.weightsAfter!.variance), { rtol: 1e-4, atol: 1e-5, msg: "adapted variance" });
      assert.equal(layer.count!.value.item(), c.count);
      assertClose(layer.apply(fromSpec(c.inputs.x)), fromSpec(c.output), { rtol: 1e-4, atol: 1e-5, msg: "output" });
    });
});

forEachBackend("Resizing and CenterCrop match Keras 3", () => {
  it("has the fixture cases", () => assert.ok(image.length >= 10, `${image.length} cases`));
  for (const c of image) it(c.name, () => checkCase(c));
});
