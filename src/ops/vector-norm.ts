// norm (re-exported by reduce.ts): vector and matrix norms as tf.norm, with a euclidean norm whose
// gradient at 0 is 0 instead of TF's NaN, and the spectral norm from a symmetric eigensolver.
import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, scalar } from "../tensor/create.js";
import { fmtShape, keptShape, normalizeAxes } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { add, div, mul, pow } from "./arithmetic.js";
import { abs } from "./math.js";
import { matmul } from "./matmul.js";
import { transpose } from "./movement.js";
import { type Axes, type ReduceOptions, max, sum } from "./reduce.js";
import { reshape } from "./reshape.js";
import { floatInput } from "./unary.js";

/** "euclidean" (default), "fro" (matrices), 1, 2, Infinity, or any p > 0 (vectors). */
export type NormOrder = "euclidean" | "fro" | number;

/**
 * The norm of `x` as tf.norm: over all elements (axis null, a vector norm), one axis (a vector norm),
 * or two axes (a matrix norm: "fro"/"euclidean", 1 = max column sum, Infinity = max row sum, 2 = largest
 * singular value). The euclidean gradient at x = 0 is 0 (TF gives NaN there); ord 1 and Infinity
 * give 0 at 0 like TF. The spectral norm's gradient u·vᵀ is exact to first order only.
 *
 * @example
 * norm(tensor([3, 4])); // 5
 * norm(tensor([[1, 2], [3, 4]]), 1, [0, 1]); // 6
 */
export function norm(x: TensorLike, ord: NormOrder = "euclidean", axis: Axes = null, opts: ReduceOptions = {}): Tensor {
  const t = floatInput("norm", x);
  const matrix = Array.isArray(axis) && axis.length === 2;
  if (Array.isArray(axis) && axis.length !== 1 && !matrix)
    throw new RangeError(`norm: axis must be null, one axis or two axes, got ${fmtShape(axis)}`);
  const ax = normalizeAxes("norm", axis, t.rank);
  const keep = !!opts.keepDims;
  if (!matrix) {
    if (ord === "euclidean" || ord === 2) return euclidean(t, ax, keep);
    if (ord === 1) return sum(abs(t), ax, opts);
    if (ord === Infinity) return max(abs(t), ax, opts);
    if (typeof ord === "number" && ord > 0) return pow(sum(pow(abs(t), ord), ax, opts), 1 / ord);
    throw new RangeError(
      `norm: ord ${JSON.stringify(ord)} is not a vector norm (use "euclidean", 1, 2, Infinity or p > 0; "fro" needs two axes)`,
    );
  }
  const [r, c] = (axis as number[]).map((a) => (a < 0 ? a + t.rank : a));
  if (ord === "euclidean" || ord === "fro") return euclidean(t, ax, keep);
  if (ord === 1 || ord === Infinity) {
    // 1: sum down the rows (axis r), then the largest column; Infinity: the other way round.
    const [first, second] = ord === 1 ? [r, c] : [c, r];
    const s = max(sum(abs(t), first, { keepDims: true }), second, { keepDims: true });
    return keep ? s : reshape(s, t.shape.filter((_, i) => i !== r && i !== c));
  }
  if (ord === 2) return spectral(t, r, c, keep);
  throw new RangeError(`norm: ord ${JSON.stringify(ord)} is not a matrix norm (use "fro", "euclidean", 1, 2 or Infinity)`);
}

/** sqrt(sum(x²)) with gradient x / ‖x‖, taken as 0 where ‖x‖ = 0. */
function euclidean(t: Tensor, ax: readonly number[], keepDims: boolean): Tensor {
  const k = kernels();
  const ks = keptShape(t.shape, ax);
  const n = k.unary("sqrt", k.reduce("sum", k.binary("mul", t, t), ax));
  const out: Tensor = record("norm", [t], n, ([dy]) => {
    const isZero = new Tensor(k.cast(k.binary("equal", n, scalar(0, n.dtype)), n.dtype).values, ks, n.dtype);
    return [mul(reshape(dy, ks), div(t, add(reshape(out, ks), isZero)))];
  });
  return keepDims ? reshape(out, ks) : out;
}

/** The largest singular value of each matrix over axes (r, c): uᵀ·x·v with the top singular pair held constant. */
function spectral(t: Tensor, r: number, c: number, keepDims: boolean): Tensor {
  const rest = t.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
  const batch = rest.map((i) => t.shape[i]);
  const m = t.shape[r];
  const n = t.shape[c];
  const nb = batch.reduce((a, b) => a * b, 1);
  const mats = reshape(transpose(t, [...rest, r, c]), [nb, m, n]);
  const a = mats.values;
  const u = new Float64Array(nb * m);
  const v = new Float64Array(nb * n);
  for (let b = 0; b < nb; b++) topSingularPair(a, b * m * n, m, n, u.subarray(b * m, (b + 1) * m), v.subarray(b * n, (b + 1) * n));
  const uT = kernels().cast(new Tensor(u, [nb, 1, m], "float64"), t.dtype);
  const vT = kernels().cast(new Tensor(v, [nb, n, 1], "float64"), t.dtype);
  const s = reshape(matmul(matmul(uT, mats), vT), batch);
  if (!keepDims) return s;
  return reshape(s, t.shape.map((d, i) => (i === r || i === c ? 1 : d)));
}

/** Writes the top left/right singular vectors of the m×n matrix at `off` (zeros for a zero matrix). */
function topSingularPair(a: ArrayLike<number>, off: number, m: number, n: number, u: Float64Array, v: Float64Array): void {
  // Eigen-decompose the n×n Gram matrix aᵀa with cyclic Jacobi rotations.
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += a[off + k * n + i] * a[off + k * n + j];
      g[i * n + j] = s;
    }
  const vec = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vec[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiag = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiag += g[p * n + q] ** 2;
    if (offDiag < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const gpq = g[p * n + q];
        if (gpq === 0) continue;
        const theta = (g[q * n + q] - g[p * n + p]) / (2 * gpq);
        const tt = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(tt * tt + 1);
        const sn = tt * cs;
        for (let k = 0; k < n; k++) {
          const gkp = g[k * n + p];
          const gkq = g[k * n + q];
          g[k * n + p] = cs * gkp - sn * gkq;
          g[k * n + q] = sn * gkp + cs * gkq;
        }
        for (let k = 0; k < n; k++) {
          const gpk = g[p * n + k];
          const gqk = g[q * n + k];
          g[p * n + k] = cs * gpk - sn * gqk;
          g[q * n + k] = sn * gpk + cs * gqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vec[k * n + p];
          const vkq = vec[k * n + q];
          vec[k * n + p] = cs * vkp - sn * vkq;
          vec[k * n + q] = sn * vkp + cs * vkq;
        }
      }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (g[i * n + i] > g[best * n + best]) best = i;
  const sigma = Math.sqrt(Math.max(g[best * n + best], 0));
  if (!(sigma > 0)) return;
  for (let i = 0; i < n; i++) v[i] = vec[i * n + best];
  for (let k = 0; k < m; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[off + k * n + i] * v[i];
    u[k] = s / sigma;
  }
}
