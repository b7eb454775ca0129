// Fused optimizer updates, the reference: one pass per variable that performs the same arithmetic
// steps as the optimizers' composite ops (src/optimizers), each rounded to the dtype as an op's
// output is (Math.fround for float32), so the results equal the op path bit for bit.
import type { AdamUpdateParams, RmspropUpdateParams, SgdUpdateParams, UpdateReuse } from "../backend.js";
import { allocStorage, type DType, type TypedArray } from "../../tensor/dtype.js";
import { shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

const fr = Math.fround;

/** Checks one dtype (float32 or float64) and one shape for all operands; true for float32. */
function isF32(kernel: string, ts: readonly (Tensor | null)[]): boolean {
  const w = ts[0]!;
  for (const t of ts) {
    if (t === null) continue;
    if (t.dtype !== w.dtype) throw new TypeError(`${kernel}: operands must share one dtype, got ${w.dtype} and ${t.dtype}`);
    if (!shapesEqual(t.shape, w.shape)) throw new RangeError(`${kernel}: operands must share one shape, got [${w.shape}] and [${t.shape}]`);
  }
  if (w.dtype !== "float32" && w.dtype !== "float64") throw new TypeError(`${kernel}: expected float32 or float64 tensors, got ${w.dtype}`);
  return w.dtype === "float32";
}

// Each kernel has a float32 loop (Math.fround after every step) and a float64 loop (no rounding)
// written out separately: one loop over a rounding function passed in runs ~10x slower in V8 once
// it has seen both.

/** The same as the js `maximum` kernel (NaN in the first operand wins). */
const max = (a: number, b: number): number => (a >= b || a !== a ? a : b);

/** Decoupled weight decay w - w * wd * lr, as the optimizer base applies it with ops. */
function decay(f32: boolean, w: TypedArray, wd: number | null, lr: number): TypedArray {
  if (wd === null) return w;
  const n = w.length;
  if (f32) {
    const out = new Float32Array(n);
    const d = fr(wd), l = fr(lr);
    for (let i = 0; i < n; i++) out[i] = fr(w[i] - fr(fr(w[i] * d) * l));
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w[i] - w[i] * wd * lr;
  return out;
}

const like = (t: Tensor, values: TypedArray): Tensor => new Tensor(values, t.shape, t.dtype);

/** The recyclable arrays that are distinct from each other and from every input (others are dropped). */
export function usableReuse(reuse: UpdateReuse, inputs: readonly (Tensor | null)[]): UpdateReuse {
  const out: UpdateReuse = {};
  const seen = new Set(inputs.map((t) => t?.values));
  for (const [k, a] of Object.entries(reuse) as [keyof UpdateReuse, UpdateReuse[keyof UpdateReuse]][]) {
    if (a === undefined || seen.has(a)) continue;
    seen.add(a);
    out[k] = a;
  }
  return out;
}

/** The caller's recyclable array when it fits (dtype and size), else a fresh one. */
function output(dtype: DType, n: number, reuse: TypedArray | undefined): TypedArray {
  const fits = reuse !== undefined && reuse.length === n && (dtype === "float32" ? reuse instanceof Float32Array : reuse instanceof Float64Array);
  return fits ? reuse : allocStorage(dtype, n);
}

/** Adam (Keras 3): m += (g - m)(1 - β1); v += (g² - v)(1 - β2); w -= m·α / (sqrt(v) + ε). */
export function adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, vhat: Tensor | null, p: AdamUpdateParams, reuse: UpdateReuse = {}) {
  const f32 = isF32("adamUpdate", [w, g, m, v, vhat]);
  reuse = usableReuse(reuse, [w, g, m, v, vhat]);
  const n = w.size;
  const W = decay(f32, w.values, p.weightDecay, p.lr);
  const G = g.values, M = m.values, V = v.values, H = vhat ? vhat.values : null;
  const wo = allocStorage(w.dtype, n), mo = output(w.dtype, n, reuse.m), vo = output(w.dtype, n, reuse.v);
  const ho = H ? output(w.dtype, n, reuse.vhat) : null;
  if (f32) {
    const c1 = fr(1 - p.beta1), c2 = fr(1 - p.beta2), alpha = fr(p.alpha), eps = fr(p.epsilon);
    for (let i = 0; i < n; i++) {
      const gi = G[i];
      const mi = fr(M[i] + fr(fr(gi - M[i]) * c1));
      let vi = fr(V[i] + fr(fr(fr(gi * gi) - V[i]) * c2));
      mo[i] = mi;
      vo[i] = vi;
      if (ho) vi = ho[i] = max(H![i], vi);
      wo[i] = fr(W[i] - fr(fr(mi * alpha) / fr(fr(Math.sqrt(vi)) + eps)));
    }
  } else {
    const c1 = 1 - p.beta1, c2 = 1 - p.beta2, alpha = p.alpha, eps = p.epsilon;
    for (let i = 0; i < n; i++) {
      const gi = G[i];
      const mi = M[i] + (gi - M[i]) * c1;
      let vi = V[i] + (gi * gi - V[i]) * c2;
      mo[i] = mi;
      vo[i] = vi;
      if (ho) vi = ho[i] = max(H![i], vi);
      wo[i] = W[i] - (mi * alpha) / (Math.sqrt(vi) + eps);
    }
  }
  return { w: like(w, wo), m: like(w, mo), v: like(w, vo), vhat: ho ? like(w, ho) : null };
}

/** SGD (Keras 3): w -= lr g; with momentum m = μ m - lr g, then w += m (nesterov: w += μ m - lr g). */
export function sgdUpdate(w: Tensor, g: Tensor, m: Tensor | null, p: SgdUpdateParams, reuse: UpdateReuse = {}) {
  const f32 = isF32("sgdUpdate", [w, g, m]);
  reuse = usableReuse(reuse, [w, g, m]);
  const n = w.size;
  const W = decay(f32, w.values, p.weightDecay, p.lr);
  const G = g.values, M = m ? m.values : null;
  const wo = allocStorage(w.dtype, n);
  const mo = M ? output(w.dtype, n, reuse.m) : null;
  const nesterov = p.nesterov;
  if (f32) {
    const lr = fr(p.lr), mu = fr(p.momentum);
    if (!mo) for (let i = 0; i < n; i++) wo[i] = fr(W[i] - fr(G[i] * lr));
    else
      for (let i = 0; i < n; i++) {
        const step = fr(G[i] * lr);
        const mi = (mo[i] = fr(fr(M![i] * mu) - step));
        wo[i] = fr(W[i] + (nesterov ? fr(fr(mi * mu) - step) : mi));
      }
  } else {
    const lr = p.lr, mu = p.momentum;
    if (!mo) for (let i = 0; i < n; i++) wo[i] = W[i] - G[i] * lr;
    else
      for (let i = 0; i < n; i++) {
        const step = G[i] * lr;
        const mi = (mo[i] = M![i] * mu - step);
        wo[i] = W[i] + (nesterov ? mi * mu - step : mi);
      }
  }
  return { w: like(w, wo), m: mo ? like(w, mo) : null };
}

/**
 * RMSprop (Keras 3): vel = ρ vel + (1 - ρ) g²; w -= lr g / sqrt(vel + ε), with vel - avg² where
 * centered (avg = ρ avg + (1 - ρ) g), through m = μ m + increment when `m` is given.
 */
export function rmspropUpdate(w: Tensor, g: Tensor, vel: Tensor, m: Tensor | null, avg: Tensor | null, p: RmspropUpdateParams, reuse: UpdateReuse = {}) {
  const f32 = isF32("rmspropUpdate", [w, g, vel, m, avg]);
  reuse = usableReuse(reuse, [w, g, vel, m, avg]);
  const n = w.size;
  const W = decay(f32, w.values, p.weightDecay, p.lr);
  const G = g.values, V = vel.values, M = m ? m.values : null, A = avg ? avg.values : null;
  const wo = allocStorage(w.dtype, n), vo = output(w.dtype, n, reuse.vel);
  const mo = M ? output(w.dtype, n, reuse.m) : null;
  const ao = A ? output(w.dtype, n, reuse.avg) : null;
  if (f32) {
    const rho = fr(p.rho), c = fr(1 - p.rho), lr = fr(p.lr), mu = fr(p.momentum), eps = fr(p.epsilon);
    for (let i = 0; i < n; i++) {
      const gi = G[i];
      const vi = (vo[i] = fr(fr(V[i] * rho) + fr(fr(gi * gi) * c)));
      let den: number;
      if (ao) {
        const ai = (ao[i] = fr(fr(A![i] * rho) + fr(gi * c)));
        den = fr(fr(vi - fr(ai * ai)) + eps);
      } else den = fr(vi + eps);
      const inc = fr(fr(gi * lr) / fr(Math.sqrt(den)));
      if (mo) wo[i] = fr(W[i] - (mo[i] = fr(fr(M![i] * mu) + inc)));
      else wo[i] = fr(W[i] - inc);
    }
  } else {
    const rho = p.rho, c = 1 - p.rho, lr = p.lr, mu = p.momentum, eps = p.epsilon;
    for (let i = 0; i < n; i++) {
      const gi = G[i];
      const vi = (vo[i] = V[i] * rho + gi * gi * c);
      let den: number;
      if (ao) {
        const ai = (ao[i] = A![i] * rho + gi * c);
        den = vi - ai * ai + eps;
      } else den = vi + eps;
      const inc = (gi * lr) / Math.sqrt(den);
      if (mo) wo[i] = W[i] - (mo[i] = M![i] * mu + inc);
      else wo[i] = W[i] - inc;
    }
  }
  return { w: like(w, wo), vel: like(w, vo), m: mo ? like(w, mo) : null, avg: ao ? like(w, ao) : null };
}
