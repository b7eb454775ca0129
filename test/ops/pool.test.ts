import assert from "node:assert/strict";
import { it } from "node:test";
import {
  GradientTape, type Tensor, avgPool2d, grad, globalAvgPool2d, globalMaxPool2d, maxPool2d, mul, randomPermutation, randomUniform,
  sum, tensor,
} from "../../src/index.js";
import type { Pool2dOptions } from "../../src/ops/pool.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

const rand = (shape: number[], seed: number) => randomUniform(shape, { seed, minval: -1, maxval: 1, dtype: "float64" });

/** Distinct values (a shuffled ramp), so that no max-pool window has a tie (a kink for finite differences). */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = randomPermutation(n, seed);
  return tensor(Float64Array.from(p, (v) => (v - n / 2) / n), shape, "float64");
}

forEachBackend("pool: TF fixtures", () => {
  const f = loadFixtures("tf/pool");
  it(`matches ${f.cases.length} TF max/avg pool cases (forward and input gradient, ties to the first max)`, () => {
    assert.ok(f.cases.length >= 14);
    for (const c of f.cases) {
      const o = c.attrs as Pool2dOptions;
      checkCase(c, (t) => (c.op === "maxPool2d" ? maxPool2d(t.x, o) : avgPool2d(t.x, o)));
    }
  });
});

forEachBackend("pool: gradient checks", () => {
  const table: [string, number[], Pool2dOptions][] = [
    ["2x2", [2, 4, 4, 3], {}],
    ["3x3 s2 same", [1, 5, 6, 2], { poolSize: 3, strides: 2, padding: "same" }],
    ["3x2 s1 valid", [1, 5, 4, 2], { poolSize: [3, 2], strides: 1 }],
    ["2x2 s2 same nchw odd", [1, 2, 5, 5], { padding: "same", dataFormat: "channelsFirst" }],
  ];
  for (const [name, shape, o] of table) {
    it(`maxPool2d ${name}`, () => checkGrad((x) => maxPool2d(x, o), [distinct(shape, 3)], { name: `maxPool2d ${name}` }));
    it(`avgPool2d ${name}`, () => checkGrad((x) => avgPool2d(x, o), [rand(shape, 4)], { name: `avgPool2d ${name}` }));
  }
  it("global pools, both layouts and keepDims", () => {
    const x = distinct([2, 3, 4, 2], 5);
    checkGrad((t) => globalAvgPool2d(t), [x], { name: "globalAvgPool2d" });
    checkGrad((t) => globalMaxPool2d(t, { keepDims: true }), [x], { name: "globalMaxPool2d" });
    checkGrad((t) => globalMaxPool2d(t, { dataFormat: "channelsFirst" }), [x], { name: "globalMaxPool2d nchw" });
  });
  it("second order through maxPool2d and avgPool2d", () => {
    for (const pool of [maxPool2d, avgPool2d]) {
      const f = (x: Tensor): Tensor => {
        const tape = new GradientTape();
        tape.watch(x);
        const loss = tape.run(() => {
          const y = pool(x, { poolSize: 3, strides: 2, padding: "same" });
          return sum(mul(mul(y, y), y));
        });
        return tape.gradient(loss, x);
      };
      checkGrad(f, [distinct([1, 5, 5, 2], 6)], { name: `${pool.name} second order` });
    }
  });
});

forEachBackend("pool: shapes and values", () => {
  it("same padding averages only in-bounds cells", () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    assertClose(avgPool2d(x, { padding: "same" }), tensor([3, 4.5, 7.5, 9], [1, 2, 2, 1]));
    assertClose(maxPool2d(x, { padding: "same" }), tensor([5, 6, 8, 9], [1, 2, 2, 1]));
  });
  it("global pools reduce the spatial axes", () => {
    const x = randomUniform([2, 3, 4, 5], { seed: 1 });
    assert.deepEqual(globalAvgPool2d(x).shape, [2, 5]);
    assert.deepEqual(globalAvgPool2d(x, { keepDims: true }).shape, [2, 1, 1, 5]);
    assert.deepEqual(globalMaxPool2d(x, { dataFormat: "channelsFirst" }).shape, [2, 3]);
    assert.deepEqual(globalMaxPool2d(x, { dataFormat: "channelsFirst", keepDims: true }).shape, [2, 3, 1, 1]);
    let m = -Infinity;
    for (let i = 0; i < 3 * 4; i++) m = Math.max(m, x.values[i * 5]);
    assert.equal(globalMaxPool2d(x).values[0], m);
  });
  it("globalMaxPool2d shares the gradient among tied maxima (reduce_max, as Keras); maxPool2d gives it to the first", () => {
    const x = tensor([1, 3, 3, 2], [1, 2, 2, 1]);
    assertClose(grad((t) => sum(globalMaxPool2d(t)))(x), tensor([0, 0.5, 0.5, 0], [1, 2, 2, 1]));
    assertClose(grad((t) => sum(maxPool2d(t)))(x), tensor([0, 1, 0, 0], [1, 2, 2, 1]));
  });
  it("names the op in its errors", () => {
    assert.throws(() => maxPool2d(randomUniform([4, 4, 3])), /maxPool2d: expected input rank 4/);
    assert.throws(() => avgPool2d(randomUniform([1, 4, 4, 3]), { poolSize: 0 }), /avgPool2d: poolSize must be positive integers/);
    assert.throws(() => maxPool2d(randomUniform([1, 2, 2, 3]), { poolSize: 3 }), /maxPool2d: window 3 .* larger than the padded input 2/);
  });
});
