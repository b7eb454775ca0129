import { allocStorage } from "../../tensor/dtype.js";
import { broadcastShapes, stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/** Batched matrix product with broadcast batch dimensions; row-major i-k-j loops. */
export function matmul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
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
  const out = allocStorage(a.dtype, nb * m * n);
  const av = a.values;
  const bv = b.values;
  // Element strides of the two operands as [row, col] of the (possibly transposed) matrices.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  const bstrA = batchStrides(batchA, batch, m * k);
  const bstrB = batchStrides(batchB, batch, k * n);
  const idx = new Array<number>(batch.length).fill(0);
  const row = new Float64Array(n);
  for (let p = 0; p < nb; p++) {
    let offA = 0;
    let offB = 0;
    for (let d = 0; d < batch.length; d++) {
      offA += idx[d] * bstrA[d];
      offB += idx[d] * bstrB[d];
    }
    const offC = p * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let kk = 0; kk < k; kk++) {
        const aik = av[offA + i * ars + kk * acs];
        if (aik === 0) continue;
        const bo = offB + kk * brs;
        if (bcs === 1) for (let j = 0; j < n; j++) row[j] += aik * bv[bo + j];
        else for (let j = 0; j < n; j++) row[j] += aik * bv[bo + j * bcs];
      }
      for (let j = 0; j < n; j++) out[offC + i * n + j] = row[j];
    }
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, [...batch, m, n], a.dtype);
}

function batchStrides(shape: readonly number[], out: readonly number[], matSize: number): number[] {
  const st = stridesOf(shape).map((s) => s * matSize);
  const off = out.length - shape.length;
  return out.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]));
}
