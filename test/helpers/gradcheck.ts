import assert from "node:assert/strict";
import {
  GradientTape, Tensor, type TensorLike, cast, isFloat, mul, noGrad, randomUniform, sum, toTensor,
} from "../../src/index.js";

export interface GradCheckOptions {
  /** Finite-difference step (float64). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Indices of the inputs to check (default: every float input). */
  wrt?: number[];
  /** Seed of the random output weighting, so that dy is not all ones. */
  seed?: number;
  /** Name for error messages. */
  name?: string;
}

/**
 * Checks the autodiff gradient of `f` against central finite differences, in float64.
 * Float inputs are cast to float64; the scalar checked is sum(f(x) * r) for a fixed random r,
 * so every output element is weighted differently.
 */
export function checkGrad(f: (...xs: Tensor[]) => Tensor, inputs: TensorLike[], opts: GradCheckOptions = {}): void {
  const { eps = 1e-6, rtol = 1e-5, atol = 1e-7, seed = 7, name = "op" } = opts;
  const xs = inputs.map((x) => {
    const t = toTensor(x);
    return isFloat(t.dtype) ? cast(t, "float64") : t;
  });
  const wrt = opts.wrt ?? xs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const y0 = noGrad(() => f(...xs));
  assert.ok(isFloat(y0.dtype), `${name}: output dtype ${y0.dtype} is not float`);
  assert.equal(y0.dtype, "float64", `${name}: float64 inputs gave a ${y0.dtype} output`);
  const r = randomUniform(y0.shape, { seed, minval: 0.5, maxval: 1.5, dtype: "float64" });
  const loss = (...a: Tensor[]): Tensor => sum(mul(f(...a), r));

  const tape = new GradientTape();
  for (const i of wrt) tape.watch(xs[i]);
  const l = tape.run(() => loss(...xs));
  const analytic = tape.gradient(l, wrt.map((i) => xs[i]));

  wrt.forEach((i, k) => {
    const x = xs[i];
    const g = analytic[k];
    assert.deepEqual([...g.shape], [...x.shape], `${name}: gradient of input ${i} has shape ${JSON.stringify(g.shape)}, input ${JSON.stringify(x.shape)}`);
    const base = x.values as Float64Array;
    for (let j = 0; j < x.size; j++) {
      const plus = base.slice();
      plus[j] += eps;
      const minus = base.slice();
      minus[j] -= eps;
      const at = (v: Float64Array): number =>
        noGrad(() => loss(...xs.map((t, q) => (q === i ? new Tensor(v, x.shape, "float64") : t))).item());
      const numeric = (at(plus) - at(minus)) / (2 * eps);
      const a = g.values[j];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)))
        assert.fail(`${name}: d/d input ${i} element ${j} (shape ${JSON.stringify(x.shape)}): autodiff ${a}, finite difference ${numeric}`);
    }
  });
}
