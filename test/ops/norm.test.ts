import assert from "node:assert/strict";
import { it } from "node:test";
import { batchNorm, batchNormalization, layerNorm, mean, moments, randomUniform, tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { fromSpec, loadFixtures, type TensorSpec } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

const rand = (shape: number[], seed: number, lo = -1, hi = 1) => randomUniform(shape, { seed, minval: lo, maxval: hi, dtype: "float64" });

forEachBackend("norm: TF fixtures", () => {
  const f = loadFixtures("tf/batch_norm");
  it(`matches ${f.cases.length} TF batch-normalization cases (inference and training mode, all gradients)`, () => {
    assert.ok(f.cases.length >= 5);
    for (const c of f.cases) {
      const eps = c.attrs.epsilon as number;
      if (c.op === "batchNormalization") {
        checkCase(c, (t) => batchNormalization(t.x, t.mean, t.variance, t.offset ?? null, t.scale ?? null, eps));
      } else {
        const extras = (c as unknown as { extras: Record<string, TensorSpec> }).extras;
        checkCase(c, (t) => {
          const r = batchNorm(t.x, { axis: c.attrs.axis as number, epsilon: eps, offset: t.offset, scale: t.scale });
          assertClose(r.mean, fromSpec(extras.mean), { msg: `${c.name}: mean` });
          assertClose(r.variance, fromSpec(extras.variance), { msg: `${c.name}: variance` });
          return r.output;
        });
      }
    }
  });
});

forEachBackend("norm: gradient checks", () => {
  it("batchNormalization with broadcasting statistics and parameters", () => {
    checkGrad((x, m, v, o, s) => batchNormalization(x, m, v, o, s, 1e-3),
      [rand([2, 3, 4], 1), rand([4], 2), rand([4], 3, 0.2, 2), rand([4], 4), rand([4], 5, 0.5, 1.5)], { name: "batchNormalization" });
    checkGrad((x, m, v) => batchNormalization(x, m, v, null, null, 1e-5),
      [rand([3, 2, 2], 6), rand([3, 1, 1], 7), rand([3, 1, 1], 8, 0.2, 2)], { name: "batchNormalization no offset/scale" });
  });
  it("batchNorm in training mode, channels last and first", () => {
    checkGrad((x, o, s) => batchNorm(x, { offset: o, scale: s }).output, [rand([3, 2, 2, 3], 9), rand([3], 10), rand([3], 11, 0.5, 1.5)], {
      name: "batchNorm channelsLast",
    });
    checkGrad((x, s) => batchNorm(x, { axis: 1, scale: s }).output, [rand([2, 3, 2, 2], 12), rand([3], 13, 0.5, 1.5)], {
      name: "batchNorm channelsFirst",
    });
    checkGrad((x) => batchNorm(x, { axis: 1 }).variance, [rand([4, 3, 2], 14)], { name: "batchNorm variance" });
  });
  it("layerNorm over the last axis and over several axes", () => {
    checkGrad((x, o, s) => layerNorm(x, { offset: o, scale: s }), [rand([3, 5], 15), rand([5], 16), rand([5], 17, 0.5, 1.5)], {
      name: "layerNorm",
    });
    checkGrad((x) => layerNorm(x, { axes: [1, 2], epsilon: 1e-5 }), [rand([2, 3, 4], 18)], { name: "layerNorm axes" });
  });
});

forEachBackend("norm: values", () => {
  it("training mode returns per-channel moments and a standardized output", () => {
    const x = randomUniform([4, 3, 5, 2], { seed: 3, minval: -2, maxval: 5 });
    const { output, mean: m, variance: v } = batchNorm(x, { epsilon: 0 });
    const ref = moments(x, [0, 1, 2]);
    assertClose(m, ref.mean);
    assertClose(v, ref.variance);
    assertClose(mean(output, [0, 1, 2]), [0, 0], { atol: 1e-5 });
    assertClose(moments(output, [0, 1, 2]).variance, [1, 1], { rtol: 1e-4 });
  });
  it("layerNorm standardizes each row", () => {
    const y = layerNorm(tensor([[1, 2, 3], [10, 10, 40]]), { epsilon: 0 });
    const s = Math.sqrt(1.5);
    assertClose(y, [[-s, 0, s], [-Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT2]], { rtol: 1e-5 });
  });
  it("names the op and shapes in its errors", () => {
    assert.throws(() => batchNorm(randomUniform([2, 3]), { offset: tensor([1, 2]) }), /batchNorm: offset of shape \[2\] does not match 3 channels/);
    assert.throws(() => batchNormalization(tensor([1, 2], [2], "int32"), 0, 1), /batchNormalization: expected a float tensor/);
  });
});
