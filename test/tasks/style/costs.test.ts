import assert from "node:assert/strict";
import { it } from "node:test";
import { GradientTape, type Tensor, cast, mul, randomNormal, randomUniform, reshape, scalar, sum, tensor, zeros } from "../../../src/index.js";
import {
  STYLE_LAYERS, type StyleLayer, activationGram, computeContentCost, computeLayerStyleCost, computeStyleCost, gramMatrix,
  totalCost, totalVariation,
} from "../../../src/tasks/style/index.js";
import { assertClose } from "../../helpers/assert.js";
import { forEachBackend } from "../../helpers/backends.js";
import { type FixtureCase, fromSpec, loadFixtures } from "../../helpers/fixtures.js";
import { checkGrad } from "../../helpers/gradcheck.js";

const fixtures = loadFixtures("keras/style_transfer");
const byName = (name: string): FixtureCase => {
  const c = fixtures.cases.find((x) => x.name === name);
  assert.ok(c, `fixture case "${name}" is missing; rerun scripts/fixtures/gen_style.py`);
  return c;
};

/** Applies a fixture case's op to its inputs (in order). */
function apply(c: FixtureCase, xs: Tensor[]): Tensor {
  switch (c.op) {
    case "computeContentCost": return computeContentCost(xs[0], xs[1]);
    case "gramMatrix": return gramMatrix(xs[0]);
    case "computeLayerStyleCost": return computeLayerStyleCost(xs[0], xs[1]);
    case "computeStyleCost": {
      const n = xs.length / 2;
      return computeStyleCost(xs.slice(0, n), xs.slice(n), c.attrs.styleLayers as StyleLayer[]);
    }
    case "totalCost": return totalCost(xs[0], xs[1], c.attrs.alpha as number, c.attrs.beta as number);
    case "totalVariation": return totalVariation(xs[0]);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

const costCases = fixtures.cases.filter((c) => c.op !== "styleTransfer");

forEachBackend("style transfer costs vs TensorFlow (course formulas)", () => {
  it("has the fixture cases", () => assert.equal(costCases.length, 11));
  for (const c of costCases) {
    it(`${c.name}: value and gradients`, () => {
      const names = Object.keys(c.inputs);
      const xs = names.map((k) => fromSpec(c.inputs[k]));
      const tape = new GradientTape();
      tape.watch(...xs);
      const [y, target] = tape.run(() => {
        const out = apply(c, xs);
        return [out, sum(mul(out, fromSpec(c.dy!)))];
      });
      assertClose(y, fromSpec(c.output), { rtol: 2e-5, atol: 1e-5, msg: c.name });
      const gs = tape.gradient(target, xs);
      names.forEach((k, i) => assertClose(gs[i], fromSpec(c.grads![k]), { rtol: 1e-4, atol: 1e-4, msg: `${c.name}: d/d${k}` }));
    });
  }

  it("reproduces the numbers the course notebook prints for its test inputs", () => {
    const content = byName("content cost, course test inputs");
    assertClose(computeContentCost(fromSpec(content.inputs.aC), fromSpec(content.inputs.aG)), tensor(7.0568767), { rtol: 1e-6 });
    const gram = byName("gram matrix, course test input");
    assertClose(gramMatrix(fromSpec(gram.inputs.A)), [[63.1888, -26.721275, -7.7320204], [-26.721275, 12.76758, -2.5158243], [-7.7320204, -2.5158243, 23.752384]], { rtol: 1e-5 });
    const layer = byName("layer style cost, course test inputs");
    const aS = fromSpec(layer.inputs.aS);
    const aG = fromSpec(layer.inputs.aG);
    assertClose(computeLayerStyleCost(aS, aG), tensor(14.017808), { rtol: 1e-6 });
    assert.equal(computeLayerStyleCost(aG, aG).item(), 0);
    assert.equal(computeContentCost(aG, aG).item(), 0);
    assertClose(totalCost(scalar(0.2), scalar(0.8)), tensor(34), { rtol: 1e-6 }); // 10 * 0.2 + 40 * 0.8
  });

  it("activationGram equals gramMatrix of the course's unrolled [nC, nH*nW] activation", () => {
    const a = randomNormal([1, 3, 5, 4], { seed: 3 });
    const unrolled = tensor(Array.from({ length: 4 }, (_, ch) => Array.from({ length: 15 }, (_, p) => a.values[p * 4 + ch])));
    assertClose(activationGram(a), gramMatrix(unrolled), { rtol: 1e-5, atol: 1e-5 });
  });

  it("accepts activations without the batch axis, and the default STYLE_LAYERS", () => {
    const aS = randomNormal([1, 4, 4, 3], { seed: 1 });
    const aG = randomNormal([1, 4, 4, 3], { seed: 2 });
    assertClose(computeLayerStyleCost(reshape(aS, [4, 4, 3]), reshape(aG, [4, 4, 3])), computeLayerStyleCost(aS, aG));
    const five = computeStyleCost([aS, aS, aS, aS, aS], [aG, aG, aG, aG, aG]);
    assertClose(five, computeLayerStyleCost(aS, aG), { rtol: 1e-5 });
    assert.deepEqual(STYLE_LAYERS.map((l) => l[0]), ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]);
    assert.ok(STYLE_LAYERS.every((l) => l[1] === 0.2));
  });

  it("explains mismatched shapes and layer counts", () => {
    assert.throws(() => computeContentCost(zeros([1, 4, 4, 3]), zeros([1, 4, 5, 3])), /computeContentCost: aC \[1, 4, 4, 3\] and aG \[1, 4, 5, 3\] differ/);
    assert.throws(() => computeContentCost(zeros([2, 4, 4, 3]), zeros([2, 4, 4, 3])), /one image's activation \[1, nH, nW, nC\]/);
    assert.throws(() => gramMatrix(zeros([1, 3, 3])), /gramMatrix: expected an unrolled activation \[nC, nH\*nW\] of rank 2, got \[1, 3, 3\]/);
    assert.throws(() => computeStyleCost([zeros([1, 2, 2, 3])], [zeros([1, 2, 2, 3])]), /got 1 activation pairs for 5 style layers/);
    assert.throws(() => computeStyleCost([zeros([1, 2, 2, 3])], [zeros([1, 2, 2, 3])], [["x", NaN]]), /weight of style layer "x" must be a finite number/);
    assert.throws(() => totalVariation(zeros([3, 3])), /totalVariation: expected an image \[h, w, c\] or a batch/);
  });
});

it("style costs: gradients match finite differences (float64)", () => {
  const f64 = (shape: number[], seed: number): Tensor => cast(randomNormal(shape, { seed, mean: 0.3, stddev: 1.5 }), "float64");
  checkGrad((c, g) => computeContentCost(c, g), [f64([1, 3, 4, 5], 1), f64([1, 3, 4, 5], 2)], { name: "computeContentCost" });
  checkGrad((a) => gramMatrix(a), [f64([4, 7], 3)], { name: "gramMatrix" });
  checkGrad((s, g) => computeLayerStyleCost(s, g), [f64([1, 3, 5, 4], 4), f64([1, 3, 5, 4], 5)], { name: "computeLayerStyleCost" });
  checkGrad((s1, s2, g1, g2) => computeStyleCost([s1, s2], [g1, g2], [["a", 0.7], ["b", 0.3]]),
    [f64([1, 4, 4, 2], 6), f64([1, 2, 3, 5], 7), f64([1, 4, 4, 2], 8), f64([1, 2, 3, 5], 9)], { name: "computeStyleCost" });
  checkGrad((c, s) => totalCost(c, s, 10, 40), [f64([], 10), f64([], 11)], { name: "totalCost" });
  // Uniform random pixels: no two neighbours tie, so |.| is away from its kink.
  checkGrad((x) => totalVariation(x), [cast(randomUniform([4, 5, 3], { seed: 12 }), "float64")], { name: "totalVariation" });
  checkGrad((x) => totalVariation(x), [cast(randomUniform([2, 3, 4, 2], { seed: 13 }), "float64")], { name: "totalVariation batch" });
});
