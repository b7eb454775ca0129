// Fused optimizer updates on the addon (native/optim.cc) for float32; other dtypes, and an addon built
// before optim.cc, use the js reference (src/backends/js/optim.ts), which gives the same bits.
import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { usableReuse } from "../js/optim.js";
import { shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

type F32 = Float32Array;
interface OptimAddon {
  adamUpdate(
    w: F32, g: F32, m: F32, v: F32, vhat: F32 | null, wo: F32, mo: F32, vo: F32, ho: F32 | null,
    alpha: number, beta1: number, beta2: number, epsilon: number, weightDecay: number | null, lr: number,
  ): void;
  sgdUpdate(w: F32, g: F32, m: F32 | null, wo: F32, mo: F32 | null, lr: number, momentum: number, nesterov: boolean, weightDecay: number | null): void;
  rmspropUpdate(
    w: F32, g: F32, vel: F32, m: F32 | null, avg: F32 | null, wo: F32, vo: F32, mo: F32 | null, ao: F32 | null,
    lr: number, rho: number, momentum: number, epsilon: number, weightDecay: number | null,
  ): void;
}

/** True when every given operand is float32 and has w's shape (the addon's contract). */
function allF32(w: Tensor, ...ts: (Tensor | null)[]): boolean {
  if (w.dtype !== "float32") return false;
  for (const t of ts) if (t !== null && (t.dtype !== "float32" || !shapesEqual(t.shape, w.shape))) return false;
  return true;
}

const f32 = (t: Tensor | null): F32 | null => (t ? (t.values as F32) : null);
/**
 * An output array (null when `on` is false): the caller's recyclable one when it fits, else a fresh one (the
 * fused updates write every element: large ones come from the recycled blocks).
 */
const out = (w: Tensor, on = true, reuse?: unknown): F32 | null =>
  !on ? null : reuse instanceof Float32Array && reuse.length === w.size ? reuse : outputFloat32(w.size);
const wrap = (w: Tensor, y: F32 | null): Tensor | null => (y ? new Tensor(y, w.shape, "float32") : null);

export function optimKernels(addon: Addon): Pick<Kernels, "adamUpdate" | "sgdUpdate" | "rmspropUpdate"> {
  const a = addon as unknown as OptimAddon;
  const js = jsKernels;
  const has = typeof a.adamUpdate === "function" && typeof a.sgdUpdate === "function" && typeof a.rmspropUpdate === "function";
  return {
    adamUpdate(w, g, m, v, vhat, p, reuse = {}) {
      if (!has || !allF32(w, g, m, v, vhat)) return js.adamUpdate(w, g, m, v, vhat, p, reuse);
      reuse = usableReuse(reuse, [w, g, m, v, vhat]);
      const wo = out(w)!, mo = out(w, true, reuse.m)!, vo = out(w, true, reuse.v)!, ho = out(w, vhat !== null, reuse.vhat);
      a.adamUpdate(f32(w)!, f32(g)!, f32(m)!, f32(v)!, f32(vhat), wo, mo, vo, ho, p.alpha, p.beta1, p.beta2, p.epsilon, p.weightDecay, p.lr);
      return { w: wrap(w, wo)!, m: wrap(w, mo)!, v: wrap(w, vo)!, vhat: wrap(w, ho) };
    },
    sgdUpdate(w, g, m, p, reuse = {}) {
      if (!has || !allF32(w, g, m)) return js.sgdUpdate(w, g, m, p, reuse);
      reuse = usableReuse(reuse, [w, g, m]);
      const wo = out(w)!, mo = out(w, m !== null, reuse.m);
      a.sgdUpdate(f32(w)!, f32(g)!, f32(m), wo, mo, p.lr, p.momentum, p.nesterov, p.weightDecay);
      return { w: wrap(w, wo)!, m: wrap(w, mo) };
    },
    rmspropUpdate(w, g, vel, m, avg, p, reuse = {}) {
      if (!has || !allF32(w, g, vel, m, avg)) return js.rmspropUpdate(w, g, vel, m, avg, p, reuse);
      reuse = usableReuse(reuse, [w, g, vel, m, avg]);
      const wo = out(w)!, vo = out(w, true, reuse.vel)!, mo = out(w, m !== null, reuse.m), ao = out(w, avg !== null, reuse.avg);
      a.rmspropUpdate(f32(w)!, f32(g)!, f32(vel)!, f32(m), f32(avg), wo, vo, mo, ao, p.lr, p.rho, p.momentum, p.epsilon, p.weightDecay);
      return { w: wrap(w, wo)!, vel: wrap(w, vo)!, m: wrap(w, mo), avg: wrap(w, ao) };
    },
  };
}
