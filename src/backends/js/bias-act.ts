// The reference biasActivation: act(x * scale + bias) per channel in one pass (float32 and float64).
import type { BiasActivation, Kernels } from "../backend.js";
import { Tensor } from "../../tensor/tensor.js";

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** The activation as the js unary kernels compute it (relu keeps NaN). */
function activationFn(activation: BiasActivation, alpha: number): ((v: number) => number) | null {
  switch (activation) {
    case "linear": return null;
    case "relu": return (v) => (v > 0 ? v : v === v ? 0 : v);
    case "relu6": return (v) => (v > 0 ? (v < 6 ? v : 6) : v === v ? 0 : v);
    case "leakyRelu": return (v) => (v > 0 ? v : v * alpha);
    case "sigmoid": return sigmoid;
    case "tanh": return Math.tanh;
  }
  throw new Error(`biasActivation: unknown activation "${String(activation)}"; expected linear, relu, relu6, leakyRelu, sigmoid or tanh`);
}

export const biasActivation: Kernels["biasActivation"] = (x, bias, activation, scale, p) => {
  if (x.dtype !== "float32" && x.dtype !== "float64")
    throw new TypeError(`biasActivation: expected a float32 or float64 tensor, got ${x.dtype}`);
  const ch = x.shape[p.axis];
  for (const [what, t] of [["bias", bias], ["scale", scale]] as const)
    if (t && (t.size !== ch || t.dtype !== x.dtype))
      throw new RangeError(`biasActivation: ${what} must be ${x.dtype} with ${ch} elements (axis ${p.axis} of [${x.shape.join(", ")}]), got ${t.dtype} [${t.shape.join(", ")}]`);
  const res = p.residual ?? null;
  if (res && (res.dtype !== x.dtype || res.rank !== x.rank || res.shape.some((d, i) => d !== x.shape[i])))
    throw new RangeError(`biasActivation: residual must be ${x.dtype} [${x.shape.join(", ")}] like x, got ${res.dtype} [${res.shape.join(", ")}]`);
  let inner = 1;
  for (let d = p.axis + 1; d < x.rank; d++) inner *= x.shape[d];
  const n = x.size;
  const f32 = x.dtype === "float32";
  const xv = x.values;
  const out = p.inPlace ? xv : f32 ? new Float32Array(n) : new Float64Array(n);
  const b = bias?.values ?? null;
  const s = scale?.values ?? null;
  const r = res?.values ?? null;
  // float32: every product and sum is rounded, as separate mul and add ops would.
  const alpha = f32 ? Math.fround(p.alpha) : p.alpha;
  const round = f32 ? Math.fround : (v: number) => v;
  const act = activationFn(activation, alpha);
  for (let i = 0, c = 0, k = 0; i < n; i++) {
    let v = xv[i];
    if (s) v = round(v * s[c]);
    if (b) v = round(v + b[c]);
    if (r) v = round(v + r[i]);
    out[i] = act ? act(v) : v;
    if (++k === inner) {
      k = 0;
      if (++c === ch) c = 0;
    }
  }
  return new Tensor(out, x.shape, x.dtype);
};
