// Fused optimizer updates, the reference: one pass per variable that performs the same arithmetic
// steps as the optimizers' composite ops (src/optimizers), each rounded to the dtype as an op's
// output is (Math.fround for float32), so the results equal the op path bit for bit.
import type { AdamUpdateParams, RmspropUpdateParams, SgdUpdateParams } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import { shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

type Round = (x: number) => number;
const identity: Round = (x) => x;

/** The rounding of one arithmetic step in `dtype`; throws for dtypes the kernels do not take. */
function rounding(kernel: string, ts: readonly (Tensor | null)[]): Round {
  const w = ts[0]!;
  for (const t of ts) {
    if (t === null) continue;
    if (t.dtype !== w.dtype) throw new TypeError(`${kernel}: operands must share one dtype, got ${w.dtype} and ${t.dtype}`);
    if (!shapesEqual(t.shape, w.shape)) throw new RangeError(`${kernel}: operands must share one shape, got [${w.shape}] and [${t.shape}]`);
  }
  if (w.dtype === "float32") return Math.fround;
  if (w.dtype === "float64") return identity;
  throw new TypeError(`${kernel}: expected float32 or float64 tensors, got ${w.dtype}`);
}

/** The same as the js `maximum` kernel (NaN in the first operand wins). */
const max = (a: number, b: number): number => (a >= b || a !== a ? a : b);

/** Decoupled weight decay w - w * wd * lr, as the optimizer base applies it with ops. */
function decay(r: Round, w: TypedArray, wd: number | null, lr: number): TypedArray {
  if (wd === null) return w;
  const out = allocStorage(w instanceof Float32Array ? "float32" : "float64", w.length);
  const d = r(wd);
  const l = r(lr);
  for (let i = 0; i < w.length; i++) out[i] = r(w[i] - r(r(w[i] * d) * l));
  return out;
}

const like = (t: Tensor, values: TypedArray): Tensor => new Tensor(values, t.shape, t.dtype);

/** Adam (Keras 3): m += (g - m)(1 - β1); v += (g² - v)(1 - β2); w -= m·α / (sqrt(v) + ε). */
export function adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, vhat: Tensor | null, p: AdamUpdateParams) {
  const r = rounding("adamUpdate", [w, g, m, v, vhat]);
  const n = w.size;
  const W = decay(r, w.values, p.weightDecay, p.lr);
  const G = g.values, M = m.values, V = v.values, H = vhat?.values;
  const wo = allocStorage(w.dtype, n), mo = allocStorage(w.dtype, n), vo = allocStorage(w.dtype, n);
  const ho = H ? allocStorage(w.dtype, n) : null;
  const c1 = r(1 - p.beta1), c2 = r(1 - p.beta2), alpha = r(p.alpha), eps = r(p.epsilon);
  for (let i = 0; i < n; i++) {
    const gi = G[i];
    const mi = r(M[i] + r(r(gi - M[i]) * c1));
    let vi = r(V[i] + r(r(r(gi * gi) - V[i]) * c2));
    mo[i] = mi;
    vo[i] = vi;
    if (ho) vi = ho[i] = max(H![i], vi);
    wo[i] = r(W[i] - r(r(mi * alpha) / r(r(Math.sqrt(vi)) + eps)));
  }
  return { w: like(w, wo), m: like(w, mo), v: like(w, vo), vhat: ho ? like(w, ho) : null };
}

/** SGD (Keras 3): w -= lr g; with momentum m = μ m - lr g, then w += m (nesterov: w += μ m - lr g). */
export function sgdUpdate(w: Tensor, g: Tensor, m: Tensor | null, p: SgdUpdateParams) {
  const r = rounding("sgdUpdate", [w, g, m]);
  const n = w.size;
  const W = decay(r, w.values, p.weightDecay, p.lr);
  const G = g.values;
  const wo = allocStorage(w.dtype, n);
  const lr = r(p.lr), mu = r(p.momentum);
  if (m === null) {
    for (let i = 0; i < n; i++) wo[i] = r(W[i] - r(G[i] * lr));
    return { w: like(w, wo), m: null };
  }
  const M = m.values;
  const mo = allocStorage(w.dtype, n);
  for (let i = 0; i < n; i++) {
    const step = r(G[i] * lr);
    const mi = (mo[i] = r(r(M[i] * mu) - step));
    wo[i] = r(W[i] + (p.nesterov ? r(r(mi * mu) - step) : mi));
  }
  return { w: like(w, wo), m: like(w, mo) };
}

/**
 * RMSprop (Keras 3): vel = ρ vel + (1 - ρ) g²; w -= lr g / sqrt(vel + ε), with vel - avg² where
 * centered (avg = ρ avg + (1 - ρ) g), through m = μ m + increment when `m` is given.
 */
export function rmspropUpdate(w: Tensor, g: Tensor, vel: Tensor, m: Tensor | null, avg: Tensor | null, p: RmspropUpdateParams) {
  const r = rounding("rmspropUpdate", [w, g, vel, m, avg]);
  const n = w.size;
  const W = decay(r, w.values, p.weightDecay, p.lr);
  const G = g.values, V = vel.values, M = m?.values, A = avg?.values;
  const wo = allocStorage(w.dtype, n), vo = allocStorage(w.dtype, n);
  const mo = M ? allocStorage(w.dtype, n) : null;
  const ao = A ? allocStorage(w.dtype, n) : null;
  const rho = r(p.rho), c = r(1 - p.rho), lr = r(p.lr), mu = r(p.momentum), eps = r(p.epsilon);
  for (let i = 0; i < n; i++) {
    const gi = G[i];
    const vi = (vo[i] = r(r(V[i] * rho) + r(r(gi * gi) * c)));
    let den: number;
    if (ao) {
      const ai = (ao[i] = r(r(A![i] * rho) + r(gi * c)));
      den = r(r(vi - r(ai * ai)) + eps);
    } else den = r(vi + eps);
    const inc = r(r(gi * lr) / r(Math.sqrt(den)));
    if (mo) wo[i] = r(W[i] - (mo[i] = r(r(M![i] * mu) + inc)));
    else wo[i] = r(W[i] - inc);
  }
  return { w: like(w, wo), vel: like(w, vo), m: mo ? like(w, mo) : null, avg: ao ? like(w, ao) : null };
}
