// Shared checks of the application tests: structure against Keras 3.15 (names, classes, shapes, parameter
// counts, weights) and predictions with deterministic weights (fixtures from scripts/fixtures/gen_applications.py).
import assert from "node:assert/strict";
import { it } from "node:test";
import * as deepts from "../../src/index.js";
import { type Layer, type Model, type SymShape, type Tensor, clearSession, getBackend, listBackends, withBackend } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { type TensorSpec, fromSpec } from "../helpers/fixtures.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { detInput, setDetWeights } from "./deterministic.js";

/** [name, class, output shape, parameter count, [[weight name, shape], ...]] of one Keras layer. */
type LayerRow = [string, string, (number | null)[], number, [string, number[]][]];

export interface StructureCase {
  name: string;
  builder: string;
  args: Record<string, unknown>;
  modelName: string;
  params: number;
  trainable: number;
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  layerCount: number;
  layers?: LayerRow[];
}

export interface ParityCase {
  name: string;
  builder: string;
  args: Record<string, unknown>;
  inputShape: number[];
  inputKey: string;
  output: TensorSpec;
}

const structure = (loadFixtures("keras/applications_structure") as unknown as { cases: StructureCase[] }).cases;
const parity = (loadFixtures("keras/applications_parity") as unknown as { cases: ParityCase[] }).cases;

/** Whether the slow checks (VGG with its 138 M parameter top, ResNet101/152) run: DEEPTS_SLOW=1. */
export const SLOW = process.env.DEEPTS_SLOW === "1";

/** Builds a model with the named builder of the public API and the fixture's arguments. */
export function build(builder: string, args: Record<string, unknown>): Model {
  const f = (deepts as unknown as Record<string, (a: Record<string, unknown>) => Model | Promise<Model>>)[builder];
  assert.equal(typeof f, "function", `no builder ${builder} in the public API`);
  const m = f(args);
  assert.ok(!(m instanceof Promise), `${builder}: a builder without weights returns the model itself`);
  return m;
}

/** The Keras structure cases of `builders`. */
export function structureCases(...builders: string[]): StructureCase[] {
  const cs = structure.filter((c) => builders.includes(c.builder));
  assert.ok(cs.length > 0, `no structure fixtures for ${builders.join(", ")}`);
  return cs;
}

/** The parity cases of `builders`. */
export function parityCases(...builders: string[]): ParityCase[] {
  const cs = parity.filter((c) => builders.includes(c.builder));
  assert.ok(cs.length > 0, `no parity fixtures for ${builders.join(", ")}`);
  return cs;
}

/** Checks a built model against Keras: name, counts, input / output shapes, and layer by layer when listed. */
export function checkStructure(model: Model, c: StructureCase): void {
  assert.equal(model.name, c.modelName, `${c.name}: model name`);
  assert.equal(model.countParams(), c.params, `${c.name}: parameter count`);
  const trainable = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
  assert.equal(trainable, c.trainable, `${c.name}: trainable parameter count`);
  assert.deepEqual(model.inputs[0].shape, c.inputShape, `${c.name}: input shape`);
  assert.deepEqual(model.outputs[0].shape, c.outputShape, `${c.name}: output shape`);
  assert.equal(model.layers.length, c.layerCount, `${c.name}: layer count`);
  if (!c.layers) return;
  const layers = model.layers as Layer[];
  c.layers.forEach(([name, cls, shape, params, weights], i) => {
    const l = layers[i];
    assert.equal(l.name, name, `${c.name}: layer ${i} name`);
    assert.equal(l.className, cls, `${c.name}: layer ${name} class`);
    assert.deepEqual(l.outputShape as SymShape, shape, `${c.name}: layer ${name} output shape`);
    assert.equal(l.countParams(), params, `${c.name}: layer ${name} parameters`);
    assert.deepEqual(l.weights.map((w) => [w.name, [...w.shape]]), weights, `${c.name}: layer ${name} weights`);
  });
}

/** Declares one test per structure case (the slow ones only with DEEPTS_SLOW=1). */
export function structureTests(cases: StructureCase[], isSlow: (c: StructureCase) => boolean = () => false): void {
  for (const c of cases) {
    const slow = isSlow(c);
    it(`${c.name}: ${c.params.toLocaleString("en-US")} parameters, names and shapes as Keras${slow ? " (DEEPTS_SLOW=1)" : ""}`, { skip: slow && !SLOW }, () => {
      clearSession();
      checkStructure(build(c.builder, c.args), c);
    });
  }
}

/**
 * Declares one test per parity case: the model built once with deterministic weights predicts Keras'
 * output to `rtol` of the output's largest magnitude, on every backend (`allBackends`, or DEEPTS_SLOW=1),
 * else on the default one (the big networks take seconds per forward pass on the plain JS backend).
 */
export function parityTests(cases: ParityCase[], opts: { rtol?: number; allBackends?: boolean } = {}): void {
  const rtol = opts.rtol ?? 1e-4;
  const backends = opts.allBackends || SLOW ? listBackends() : [getBackend()];
  for (const c of cases) {
    it(`${c.name}: predicts as Keras 3.15 on ${backends.join(", ")} (rtol ${rtol})`, () => {
      clearSession();
      const model = build(c.builder, c.args);
      setDetWeights(model);
      const x = detInput(c.inputKey, c.inputShape);
      const expected = fromSpec(c.output);
      const scale = Math.max(...expected.values.map(Math.abs));
      for (const b of backends) {
        const y = withBackend(b, () => model.predict(x)) as Tensor;
        assertClose(y, expected, { rtol: 0, atol: rtol * scale, msg: `${c.name} on ${b}` });
      }
    });
  }
}
