import { noGrad } from "../autograd/tape.js";
import { zeros } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { SymShape } from "../models/symbolic.js";

/**
 * Output shape(s) found by running `run` on zeros: unknown (null) dimensions are tried at two sizes,
 * and output dimensions that change with them are unknown too.
 */
export function inferOutputShape(
  inputShapes: readonly SymShape[],
  dtype: DType,
  run: (xs: Tensor[]) => Tensor | Tensor[],
): number[][] | (number | null)[][] {
  const once = (sub: number): number[][] =>
    noGrad(() => {
      const out = run(inputShapes.map((s) => zeros(s.map((d) => d ?? sub), dtype)));
      return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
    });
  const a = once(2);
  const b = inputShapes.some((s) => s.includes(null)) ? once(3) : a;
  return a.map((s, i) => s.map((d, j) => (d === b[i][j] ? d : null)));
}
