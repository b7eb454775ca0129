import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, randomUniform, Tensor } from "../../src/index.js";
import type { BinaryOp } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(17);
const rand = (shape: number[]): Tensor => randomUniform(shape, { minval: -2, maxval: 2, seed: gen });
/** Values with ties, signed zeros, infinities and NaN, so every comparison sees its edge cases. */
const special = (shape: number[]): Tensor => {
  const pool = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN];
  const t = rand(shape);
  const v = Float32Array.from(t.values as Float32Array, (x, i) => (i % 3 === 0 ? pool[(i * 7) % pool.length] : Math.round(x)));
  return new Tensor(v, shape, "float32");
};

function same(actual: Tensor, expected: Tensor, what: string): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.deepEqual(Array.from(actual.values), Array.from(expected.values), `${what}: values`);
}

const COMPARE: BinaryOp[] = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"];
// Same shape, scalar on either side, size-1 rank-changing operands, empty, large (threaded) and a general
// broadcast (which the native fast path hands to js).
const pairs: [number[], number[]][] = [
  [[5, 7], [5, 7]],
  [[3, 4, 5], []],
  [[], [3, 4, 5]],
  [[2, 3], [1, 1]],
  [[1], [1]],
  [[0, 3], []],
  [[4, 64, 64, 8], [4, 64, 64, 8]],
  [[4, 64, 64, 8], [1]],
  [[4, 5, 3], [5, 1]],
  [[3], [2, 3]],
];

describe("native comparisons and where against the js kernels", { skip }, () => {
  it("the addon has the compare, logical and select kernels (else rebuild it: npm run build:native)", () => {
    const fns = addon as unknown as Record<string, unknown>;
    for (const name of ["compare", "logical", "select", "reluBackprop"]) assert.equal(typeof fns[name], "function", name);
  });

  for (const [sa, sb] of pairs) {
    it(`comparisons ${JSON.stringify(sa)} vs ${JSON.stringify(sb)}`, () => {
      const a = special(sa);
      const b = special(sb);
      for (const op of COMPARE) {
        same(native.binary(op, a, b), jsKernels.binary(op, a, b), op);
        same(native.binary(op, b, a), jsKernels.binary(op, b, a), `${op} swapped`);
      }
    });
  }

  for (const [sa, sb] of pairs) {
    it(`logical ops on bools ${JSON.stringify(sa)} vs ${JSON.stringify(sb)}`, () => {
      const zero = new Tensor(new Float32Array([0]), [], "float32");
      const a = jsKernels.binary("greater", rand(sa), zero);
      // Bytes other than 0/1 count as true, as in the js kernels.
      const b = new Tensor(Uint8Array.from(jsKernels.binary("less", rand(sb), zero).values, (v, i) => (v ? 1 + (i % 5) : 0)), sb, "bool");
      for (const op of ["logicalAnd", "logicalOr", "logicalXor"] as BinaryOp[]) {
        same(native.binary(op, a, b), jsKernels.binary(op, a, b), op);
        same(native.binary(op, b, a), jsKernels.binary(op, b, a), `${op} swapped`);
      }
    });
  }

  const triples: [number[], number[], number[]][] = [
    [[6, 5], [6, 5], [6, 5]],
    [[6, 5], [6, 5], []],
    [[6, 5], [], [6, 5]],
    [[6, 5], [], []],
    [[], [6, 5], [6, 5]],
    [[1], [2, 3], [1, 1]],
    [[0, 4], [0, 4], []],
    [[8, 64, 64, 4], [8, 64, 64, 4], []],
    [[2, 3, 4], [4], []],
    [[3, 1], [1, 5], [3, 5]],
  ];
  for (const [sc, sa, sb] of triples) {
    it(`where cond${JSON.stringify(sc)} a${JSON.stringify(sa)} b${JSON.stringify(sb)}`, () => {
      const cond = jsKernels.binary("greater", rand(sc), new Tensor(new Float32Array([0]), [], "float32"));
      const a = special(sa);
      const b = rand(sb);
      same(native.where(cond, a, b), jsKernels.where(cond, a, b), "where");
    });
  }

  it("where and comparisons on other dtypes still go to js", () => {
    const a = new Tensor(new Int32Array([1, 5, -3]), [3], "int32");
    const b = new Tensor(new Int32Array([2]), [], "int32");
    same(native.binary("less", a, b), jsKernels.binary("less", a, b), "int32 less");
    const c = native.binary("less", a, b);
    same(native.where(c, a, b), jsKernels.where(c, a, b), "int32 where");
  });

  for (const shape of [[7], [3, 17, 19, 8], [8, 64, 64, 4], [0, 2]]) {
    it(`reluBackprop (relu, relu6) ${JSON.stringify(shape)}`, () => {
      const x = special(shape);
      const xv = x.values as Float32Array;
      // Exactly 6 and values around it, for relu6's upper edge.
      for (let i = 1; i < xv.length; i += 5) xv[i] = [6, 5.99, 6.01, 7][i % 4];
      const dy = rand(shape);
      for (const op of ["relu", "relu6"] as const) same(native.reluBackprop(op, dy, x), jsKernels.reluBackprop(op, dy, x), op);
    });
  }

  it("relu's gradient pattern where(greater(x, 0), dy, 0) matches exactly", () => {
    const x = rand([3, 17, 19, 8]);
    const dy = rand([3, 17, 19, 8]);
    const zero = new Tensor(new Float32Array([0]), [], "float32");
    const got = native.where(native.binary("greater", x, zero), dy, zero);
    const want = jsKernels.where(jsKernels.binary("greater", x, zero), dy, zero);
    same(got, want, "relu grad");
    assert.ok((got.values as Float32Array).some((v) => v === 0) && (got.values as Float32Array).some((v) => v !== 0));
  });
});
