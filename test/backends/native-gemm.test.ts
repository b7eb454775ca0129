import { describe, it } from "node:test";
import { Generator, Tensor, randomUniform } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const gen = new Generator(7);

function rand(shape: number[]): Tensor {
  return randomUniform(shape, { minval: -1, maxval: 1, seed: gen });
}

/** Every instruction set the CPU supports, each with 1, 2 and 3 threads (3: uneven partitions). */
const eachConfig = (f: (label: string) => void) => eachNativeSetting(addon!, f);

describe("native matmul (GEMM) against the js kernel", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;

  it("matches on odd, block-crossing and degenerate shapes with every transpose", () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 37, 5], [29, 1, 17], [7, 19, 5], [13, 33, 300], [150, 70, 513], [61, 2100, 3], [3, 5, 0], [0, 4, 3],
      // Few rows (the thin path: four rows of b a pass, then the rest): deep, and k not a multiple of 4.
      [1, 300, 1283], [2, 70, 8], [3, 45, 7],
      // Few rows, deep and wide (a classifier): each thread takes a band of k, partial products added after.
      [2, 260, 257], [3, 999, 400],
    ];
    eachConfig((cfg) => {
      for (const [m, n, k] of shapes)
        for (const ta of [false, true])
          for (const tb of [false, true]) {
            const a = rand(ta ? [k, m] : [m, k]);
            const b = rand(tb ? [n, k] : [k, n]);
            const got = native.matmul(a, b, ta, tb);
            const want = jsKernels.matmul(a, b, ta, tb);
            assertClose(got, want, { rtol: 1e-4, atol: 1e-4 * Math.sqrt(k + 1), msg: `${cfg} m${m} n${n} k${k} ta${ta} tb${tb}` });
          }
    });
  });

  it("broadcasts batch dimensions (shared operand, broadcast 1s, rank mismatch)", () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[4, 9, 11], [11, 6], false, false],
      [[4, 9, 11], [11, 6], true, false],
      [[2, 1, 5, 7], [3, 7, 4], false, false],
      [[3, 5, 7], [3, 4, 7], false, true],
      [[1, 16, 16], [6, 16, 16], false, false],
      [[8, 40, 33], [8, 33, 20], false, false],
    ];
    eachConfig((cfg) => {
      for (const [sa, sb, ta, tb] of cases) {
        const a = rand(sa);
        const b = rand(sb);
        assertClose(native.matmul(a, b, ta, tb), jsKernels.matmul(a, b, ta, tb), { rtol: 1e-4, atol: 1e-4, msg: `${cfg} ${sa} x ${sb}` });
      }
    });
  });

  it("delegates non-float32 dtypes to the js kernel", () => {
    const a = new Tensor(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    const out = native.matmul(a, new Tensor(Float64Array.from([1, 0, 0, 1]), [2, 2]), false, false);
    assertClose(out, [[1, 2], [3, 4]]);
    if (out.dtype !== "float64") throw new Error(`expected float64, got ${out.dtype}`);
  });
});
