// Deterministic weights and inputs, bit for bit those of scripts/fixtures/gen_applications.py (det_uniform,
// det_weight, det_input): each value is a function of "<layer>/<weight>" and the element index, so a
// fixture holds only the model's outputs, never its weights.
import { type Layer, type Model, Tensor } from "../../src/index.js";

/** FNV-1a of the UTF-8 bytes of `s`. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Writes into `out` the values `scale * (2u - 1)` (or `offset + u` when scale is null) for n hashes u in [0, 1) of `key`. */
function fill(out: Float32Array | Float64Array, key: string, rule: { limit: number } | { offset: number }): void {
  const seed = fnv1a(key);
  const n = out.length;
  const limit = "limit" in rule ? rule.limit : 0;
  const offset = "offset" in rule ? rule.offset : 0;
  const symmetric = "limit" in rule;
  for (let i = 0; i < n; i++) {
    let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b) >>> 0;
    h ^= h >>> 16;
    const u = (h >>> 8) / 16777216;
    // Same operation order as the generator's float64 NumPy code, then one rounding to float32.
    out[i] = symmetric ? (2 * u - 1) * limit : offset + u;
  }
}

/** n values in [0, 1), multiples of 2^-24, from a hash of `key` and the element index. */
export function detUniform(key: string, n: number): Float64Array {
  const out = new Float64Array(n);
  fill(out, key, { offset: 0 });
  return out;
}

/** The value of weight `weightName` of layer `layerName` (same rules as det_weight in the generator). */
export function detWeight(layerName: string, weightName: string, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  const key = `${layerName}/${weightName}`;
  if (weightName === "kernel" || weightName === "depthwise_kernel") {
    const fanIn = weightName === "kernel" ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : shape[0] * shape[1];
    fill(v, key, { limit: Math.sqrt(6 / fanIn) });
  } else if (weightName === "gamma" || weightName === "moving_variance") fill(v, key, { offset: 0.5 });
  else if (weightName === "bias" || weightName === "beta" || weightName === "moving_mean") fill(v, key, { limit: 0.2 });
  else throw new Error(`no deterministic rule for weight ${layerName}/${weightName}`);
  return new Tensor(v, [...shape]);
}

/** Deterministic input of `shape` in [lo, hi). */
export function detInput(key: string, shape: readonly number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = detUniform(key, n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * u[i];
  return new Tensor(v, [...shape]);
}

/** Sets every weight of every layer of `model` to its deterministic value. */
export function setDetWeights(model: Model): void {
  for (const layer of model.layers as Layer[]) {
    const ws = layer.weights;
    if (ws.length > 0) layer.setWeights(ws.map((w) => detWeight(layer.name, w.name, w.shape)));
  }
}
