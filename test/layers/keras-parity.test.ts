// Core layers against real Keras 3.15 (fixtures from scripts/fixtures/gen_layers_core.py): outputs, and the
// gradients of sum(output * dy) with respect to the inputs and the trainable weights, to 1e-5.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  GradientTape, type LayerConfig, type Tensor, deserializeLayer, mul, sum,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type FixtureCase, type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface LayerCase extends FixtureCase {
  inputList: boolean;
  weights: (TensorSpec & { name: string })[];
}

const file = loadFixtures("keras/layers_core");
const cases = file.cases as LayerCase[];

forEachBackend("core layers match Keras 3", () => {
  it("has the fixture cases", () => assert.ok(cases.length >= 50, `${cases.length} cases`));
  for (const c of cases) {
    it(c.name, () => {
      const layer = deserializeLayer({ className: c.op, config: c.attrs as LayerConfig });
      const xs = Object.values(c.inputs).map(fromSpec);
      const arg = c.inputList ? xs : xs[0];
      layer.apply(arg);
      assert.deepEqual(layer.weights.map((w) => w.name), c.weights.map((w) => w.name), "weight names");
      layer.setWeights(c.weights.map(fromSpec));
      const tape = new GradientTape();
      for (const x of xs) tape.watch(x);
      let y: Tensor | undefined;
      const loss = tape.run(() => {
        y = layer.apply(arg);
        return sum(mul(y, fromSpec(c.dy!)));
      });
      assertClose(y!, fromSpec(c.output), { rtol: 1e-5, atol: 1e-5, msg: `${c.name} output` });
      const ws = layer.trainableWeights;
      const grads = tape.gradient(loss, [...xs, ...ws]);
      const names = [...Object.keys(c.inputs), ...ws.map((w) => w.name)];
      assert.deepEqual([...names].sort(), Object.keys(c.grads!).sort(), "gradients present");
      names.forEach((n, i) => assertClose(grads[i], fromSpec(c.grads![n]), { rtol: 1e-5, atol: 1e-5, msg: `${c.name} d/d${n}` }));
    });
  }
});
