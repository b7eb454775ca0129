import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import type { TensorLike } from "../tensor/create.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { unbroadcast } from "./operands.js";
import { assertNumeric, operands } from "./operands.js";
import { reshape } from "./reshape.js";

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of the last two dimensions; leading dimensions broadcast (batched matmul).
 * A rank-1 operand is a row (left) or column (right) vector, as in NumPy.
 *
 * @example
 * matmul(randomNormal([8, 3, 4]), randomNormal([4, 5])); // [8, 3, 5]
 */
export function matmul(a: TensorLike, b: TensorLike, opts: MatmulOptions = {}): Tensor {
  let [x, y] = operands("matmul", a, b);
  assertNumeric("matmul", x, y);
  const vecA = x.rank === 1;
  const vecB = y.rank === 1;
  if (x.rank === 0 || y.rank === 0) throw new RangeError(`matmul: operands must have rank >= 1, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  if (vecA) x = reshape(x, [1, x.shape[0]]);
  if (vecB) y = reshape(y, [y.shape[0], 1]);
  const ta = !!opts.transposeA && !vecA;
  const tb = !!opts.transposeB && !vecB;
  const ka = ta ? x.shape[x.rank - 2] : x.shape[x.rank - 1];
  const kb = tb ? y.shape[y.rank - 1] : y.shape[y.rank - 2];
  if (ka !== kb)
    throw new RangeError(
      `matmul: inner dimensions differ: ${fmtShape(x.shape)}${ta ? "ᵀ" : ""} x ${fmtShape(y.shape)}${tb ? "ᵀ" : ""} (${ka} vs ${kb})`,
    );
  const xx = x;
  const yy = y;
  let out = kernels().matmul(xx, yy, ta, tb);
  out = record("matmul", [xx, yy], out, ([dy]) => {
    // d/dA of A·B is dy·Bᵀ; transposed operands swap the roles, per the usual four cases.
    const da = ta ? matmul(yy, dy, { transposeA: tb, transposeB: true }) : matmul(dy, yy, { transposeB: !tb });
    const db = tb ? matmul(dy, xx, { transposeA: true, transposeB: ta }) : matmul(xx, dy, { transposeA: !ta });
    return [unbroadcast(da, xx.shape), unbroadcast(db, yy.shape)];
  });
  if (vecA && vecB) return reshape(out, out.shape.slice(0, -2));
  if (vecA) return reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]]);
  if (vecB) return reshape(out, out.shape.slice(0, -1));
  return out;
}
