import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, add, cast, leakyRelu, mul, randomUniform, relu, relu6, sigmoid, tanh, reshape, Tensor } from "../../src/index.js";
import type { BiasActivation } from "../../src/backends/backend.js";
import { kernels } from "../../src/backends/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(11);
const rand = (shape: number[], lo = -8, hi = 8): Tensor => randomUniform(shape, { minval: lo, maxval: hi, seed: gen });
const ACTS: BiasActivation[] = ["linear", "relu", "relu6", "leakyRelu", "sigmoid", "tanh"];

/** act(x * scale + bias) with the unfused ops (the semantics biasActivation promises to match exactly). */
function unfused(x: Tensor, bias: Tensor | null, act: BiasActivation, scale: Tensor | null, axis: number, alpha: number, residual: Tensor | null = null): Tensor {
  const lay = (v: Tensor) => reshape(v, x.shape.map((d, i) => (i === axis ? d : 1)));
  let y = x;
  if (scale) y = mul(y, lay(scale));
  if (bias) y = add(y, lay(bias));
  if (residual) y = add(y, residual);
  switch (act) {
    case "relu": return relu(y);
    case "relu6": return relu6(y);
    case "leakyRelu": return leakyRelu(y, alpha);
    case "sigmoid": return sigmoid(y);
    case "tanh": return tanh(y);
    default: return y;
  }
}

// Shapes: channels-last (axis = last) and channels-first / middle axes, odd and degenerate sizes.
const CASES: { shape: number[]; axis: number }[] = [
  { shape: [1, 7, 9, 5], axis: 3 },
  { shape: [2, 3, 5, 40], axis: 3 },
  { shape: [2, 13, 17, 96], axis: 3 },
  { shape: [3, 1000], axis: 1 },
  { shape: [1, 40, 40, 32], axis: 3 },
  { shape: [2, 5, 13, 11], axis: 1 },
  { shape: [4, 17, 3], axis: 1 },
  { shape: [2, 8, 60, 70], axis: 1 },
  { shape: [1, 16, 150, 130], axis: 1 },
  { shape: [1, 60, 60, 96], axis: 3 },
  { shape: [7], axis: 0 },
  { shape: [0, 4], axis: 1 },
  { shape: [3, 0, 2], axis: 2 },
];

forEachBackend("biasActivation equals mul, add and the activation op", () => {
  for (const dtype of ["float32", "float64"] as const)
    for (const act of ACTS)
      it(`${dtype} ${act}`, () => {
        for (const c of CASES.filter((k) => k.shape.reduce((a, d) => a * d, 1) < 5000)) {
          const x = cast(rand(c.shape), dtype);
          const ch = c.shape[c.axis];
          const b = cast(rand([ch], -3, 3), dtype);
          const s = cast(rand([ch], -2, 2), dtype);
          for (const [bias, scale] of [[b, s], [b, null], [null, s], [null, null]] as const) {
            const got = kernels().biasActivation(x, bias, act, scale, { axis: c.axis, alpha: 0.3 });
            assert.equal(got.dtype, dtype);
            assertClose(got, unfused(x, bias, act, scale, c.axis, 0.3), { rtol: 0, atol: 0, msg: `${JSON.stringify(c)} bias ${!!bias} scale ${!!scale}` });
          }
          const r = cast(rand(c.shape), dtype);
          for (const [bias, scale] of [[b, s], [null, null]] as const) {
            const got = kernels().biasActivation(x, bias, act, scale, { axis: c.axis, alpha: 0.3, residual: r });
            assertClose(got, unfused(x, bias, act, scale, c.axis, 0.3, r), { rtol: 0, atol: 0, msg: `${JSON.stringify(c)} residual` });
          }
        }
      });

  it("in place: writes over x's storage with the same result", () => {
    for (const c of CASES.slice(0, 4)) {
      const x = rand(c.shape);
      const b = rand([c.shape[c.axis]], -3, 3);
      const want = kernels().biasActivation(x, b, "relu6", b, { axis: c.axis, alpha: 0 });
      const copy = new Tensor(x.data(), x.shape, x.dtype);
      const got = kernels().biasActivation(copy, b, "relu6", b, { axis: c.axis, alpha: 0, inPlace: true });
      assert.equal(got.values, copy.values);
      assertClose(got, want, { rtol: 0, atol: 0 });
    }
  });

  it("keeps NaN through relu and relu6 and rejects a wrong-sized bias", () => {
    const x = new Tensor(new Float32Array([NaN, -1, 7, 2]), [2, 2]);
    const b = new Tensor(new Float32Array([0, 0]), [2]);
    for (const act of ["relu", "relu6"] as const) {
      const y = kernels().biasActivation(x, b, act, null, { axis: 1, alpha: 0 });
      assert.ok(Number.isNaN(y.values[0]));
      assert.deepEqual([...y.values.slice(1)], [0, act === "relu" ? 7 : 6, 2]);
    }
    assert.throws(() => kernels().biasActivation(x, new Tensor(new Float32Array(3), [3]), "relu", null, { axis: 1, alpha: 0 }), /bias must be float32 with 2 elements/);
    assert.throws(() => kernels().biasActivation(x, null, "relu", null, { axis: 1, alpha: 0, residual: b }), /residual must be float32 \[2, 2\]/);
  });
});

describe("native biasActivation against the js kernel", { skip }, () => {
  it("matches bit for bit on random shapes, 1 and 2 threads", () => {
    const threads = addon!.info().threads;
    try {
      for (const t of [1, 2]) {
        addon!.setNumThreads(t);
        for (const c of CASES)
          // The multi-threaded sizes (over 262K elements) with two activations only, to keep the file fast.
          for (const act of c.shape.reduce((a, d) => a * d, 1) > 262144 ? (["linear", "relu6"] as const) : ACTS) {
            const x = rand(c.shape);
            const ch = c.shape[c.axis];
            const b = rand([ch], -3, 3);
            const s = rand([ch], -2, 2);
            const p = { axis: c.axis, alpha: 0.1 };
            const residual = rand(c.shape);
            for (const [bias, scale, r] of [[b, s, null], [null, s, null], [b, null, null], [b, s, residual], [null, null, residual]] as const) {
              const q = { ...p, residual: r };
              const want = jsKernels.biasActivation(x, bias, act, scale, q);
              const got = native.biasActivation(x, bias, act, scale, q);
              // sigmoid and tanh use the vectorized unary kernels (a few ulp from Math.exp / Math.tanh).
              const tol = act === "sigmoid" || act === "tanh" ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 0, atol: 0 };
              assertClose(got, want, { ...tol, msg: `${t} threads ${act} ${JSON.stringify(c)}` });
            }
          }
      }
    } finally {
      addon!.setNumThreads(threads);
    }
  });

  it("falls back to js for float64", () => {
    const x = cast(rand([2, 3]), "float64");
    const b = cast(rand([3]), "float64");
    const got = native.biasActivation(x, b, "relu", null, { axis: 1, alpha: 0 });
    assert.equal(got.dtype, "float64");
    assertClose(got, jsKernels.biasActivation(x, b, "relu", null, { axis: 1, alpha: 0 }), { rtol: 0, atol: 0 });
  });
});
