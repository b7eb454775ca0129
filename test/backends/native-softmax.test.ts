import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, Tensor, randomUniform } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const gen = new Generator(11);
const rand = (shape: number[], scale = 10): Tensor => randomUniform(shape, { minval: -scale, maxval: scale, seed: gen });

/** Every instruction set the CPU supports, with 1, 2 and 3 threads. */
const eachConfig = (f: (label: string) => void) => eachNativeSetting(addon!, f);

describe("native softmax / log-softmax against the js kernel", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;

  it("matches on odd row lengths, one-element rows, large logits and many rows (threaded)", () => {
    const shapes = [[1], [7], [3, 1], [5, 17], [2, 3, 1000], [4096, 10], [3, 70001]];
    eachConfig((cfg) => {
      for (const shape of shapes)
        for (const log of [false, true]) {
          const x = rand(shape, shape.length > 2 ? 80 : 10);
          assertClose(native.softmax(x, log), jsKernels.softmax(x, log), { rtol: 2e-6, atol: 2e-7, msg: `${cfg} ${log ? "log" : ""}softmax [${shape}]` });
        }
    });
  });

  it("rows sum to one, and a NaN or +Infinity poisons only its own row, as the composite does", () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, NaN, 0, 1, Infinity, 0, 1, -Infinity, 0, 1]), [4, 3], "float32");
    for (const k of [native, jsKernels]) {
      const y = k.softmax(x, false).values;
      assert.ok(Math.abs(y[0] + y[1] + y[2] - 1) < 1e-6);
      assert.ok([3, 4, 5, 6].every((i) => Number.isNaN(y[i])), `NaN rows: ${[...y]}`);
      assert.deepEqual([y[9], y[10] > 0.2, y[11] > 0.7], [0, true, true]);
      const l = k.softmax(x, true).values;
      assert.ok(Math.abs(l[2] - Math.log(y[2])) < 1e-6);
      assert.equal(l[9], -Infinity);
    }
  });

  it("leaves float64 to the js kernel", () => {
    const x = new Tensor(Float64Array.from([0.5, -1, 2]), [3], "float64");
    const y = native.softmax(x, false);
    assert.equal(y.dtype, "float64");
    assertClose(y, jsKernels.softmax(x, false), { rtol: 0, atol: 0 });
  });
});
