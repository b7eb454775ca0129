import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, randomUniform, Tensor } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(23);

function same(actual: Tensor, expected: Tensor): void {
  assert.equal(actual.dtype, expected.dtype);
  assert.deepEqual(actual.shape, expected.shape);
  assert.deepEqual(Array.from(actual.values), Array.from(expected.values));
}

type Pads = [number, number][];
const cases: [number[], Pads][] = [
  [[2, 5, 6, 3], [[0, 0], [3, 3], [3, 3], [0, 0]]],
  [[2, 5, 6, 3], [[1, 0], [0, 2], [1, 0], [2, 1]]],
  [[7], [[2, 3]]],
  [[4, 3], [[0, 0], [0, 0]]],
  [[3, 4, 5], [[0, 2], [0, 0], [0, 0]]],
  [[1, 1, 4], [[1, 1], [0, 0], [0, 0]]],
  [[2, 3, 1, 2], [[0, 0], [1, 0], [0, 3], [0, 0]]],
];

describe("native pad against the js kernel", { skip }, () => {
  for (const [shape, pads] of cases) {
    it(`constant pad ${JSON.stringify(shape)} by ${JSON.stringify(pads)}`, () => {
      const x = randomUniform(shape, { minval: -1, maxval: 1, seed: gen });
      for (const value of [0, -2.5]) same(native.pad(x, pads, "constant", value), jsKernels.pad(x, pads, "constant", value));
    });
  }

  it("reflect, symmetric, other dtypes and empty inputs go to js", () => {
    const x = randomUniform([3, 4], { minval: -1, maxval: 1, seed: gen });
    const pads: Pads = [[1, 2], [2, 1]];
    same(native.pad(x, pads, "reflect", 0), jsKernels.pad(x, pads, "reflect", 0));
    same(native.pad(x, pads, "symmetric", 0), jsKernels.pad(x, pads, "symmetric", 0));
    const i = new Tensor(new Int32Array([1, 2, 3]), [3], "int32");
    same(native.pad(i, [[1, 1]], "constant", 7), jsKernels.pad(i, [[1, 1]], "constant", 7));
    const e = new Tensor(new Float32Array(0), [0, 3], "float32");
    same(native.pad(e, [[1, 0], [0, 1]], "constant", 1), jsKernels.pad(e, [[1, 0], [0, 1]], "constant", 1));
  });
});

describe("native slice against the js kernel", { skip }, () => {
  const slices: [number[], number[], number[]][] = [
    [[4, 6, 5, 3], [1, 2, 0, 0], [2, 3, 5, 3]],
    [[4, 6, 5, 3], [0, 0, 0, 1], [4, 6, 5, 2]],
    [[4, 6, 5, 3], [0, 0, 0, 0], [4, 6, 5, 3]],
    [[4, 6, 5, 3], [3, 5, 4, 2], [1, 1, 1, 1]],
    [[9], [2], [5]],
    [[3, 8], [1, 0], [2, 8]],
    [[2, 3, 4], [0, 1, 1], [2, 2, 3]],
    [[2, 3, 4], [1, 0, 0], [0, 3, 4]],
  ];
  for (const [shape, begin, size] of slices) {
    it(`slice ${JSON.stringify(shape)} at ${JSON.stringify(begin)} size ${JSON.stringify(size)}`, () => {
      const x = randomUniform(shape, { minval: -1, maxval: 1, seed: gen });
      same(native.slice(x, begin, size), jsKernels.slice(x, begin, size));
      const n = x.size;
      const i = new Tensor(Int32Array.from({ length: n }, (_, k) => k * 3 - 7), shape, "int32");
      same(native.slice(i, begin, size), jsKernels.slice(i, begin, size));
      const b = new Tensor(Uint8Array.from({ length: n }, (_, k) => k % 3 === 0 ? 1 : 0), shape, "bool");
      same(native.slice(b, begin, size), jsKernels.slice(b, begin, size));
    });
  }

  it("scalar slice goes to js", () => {
    const s = new Tensor(new Float32Array([4]), [], "float32");
    same(native.slice(s, [], []), jsKernels.slice(s, [], []));
  });
});
