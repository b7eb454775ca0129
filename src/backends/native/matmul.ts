import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { broadcastShapes, stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

/** Batched float32 GEMM through the addon; other dtypes go to the js kernel. */
export function matmulKernel(addon: Addon): Kernels["matmul"] {
  return (a, b, transposeA, transposeB) => {
    if (a.dtype !== "float32" || b.dtype !== "float32") return jsKernels.matmul(a, b, transposeA, transposeB);
    const ra = a.rank;
    const rb = b.rank;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = a.shape.slice(0, ra - 2);
    const batchB = b.shape.slice(0, rb - 2);
    const batch = broadcastShapes("matmul", batchA, batchB);
    let nb = 1;
    for (const d of batch) nb *= d;
    const out = outputFloat32(nb * m * n); // every element written (zeros when k = 0)
    const sameA = sizeOfShape(batchA) === nb;
    const sameB = sizeOfShape(batchB) === nb;
    // Matrix indices are only needed when a batch dimension broadcasts.
    const ai = sameA ? null : matrixIndex(batchA, batch);
    const bi = sameB ? null : matrixIndex(batchB, batch);
    addon.matmul(a.values as Float32Array, b.values as Float32Array, out, m, n, k, transposeA, transposeB, ai, bi);
    return new Tensor(out, [...batch, m, n], "float32");
  };
}

function sizeOfShape(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** For each matrix of the broadcast batch `out`, the index of the operand's matrix it reads. */
function matrixIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const total = sizeOfShape(out);
  const idx = new Int32Array(total);
  const st = stridesOf(shape);
  const off = out.length - shape.length;
  const step = out.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]));
  const pos = new Array<number>(out.length).fill(0);
  for (let p = 0; p < total; p++) {
    let o = 0;
    for (let d = 0; d < out.length; d++) o += pos[d] * step[d];
    idx[p] = o;
    for (let d = out.length - 1; d >= 0; d--) {
      if (++pos[d] < out[d]) break;
      pos[d] = 0;
    }
  }
  return idx;
}
