import { allocStorage } from "../../tensor/dtype.js";
import { stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.rank;
  const outShape = perm.map((p) => x.shape[p]);
  const inStr = stridesOf(x.shape);
  const src = perm.map((p) => inStr[p]);
  const out = allocStorage(x.dtype, x.size);
  const v = x.values;
  if (x.size === 0) return new Tensor(out, outShape, x.dtype);
  if (rank === 0) {
    out[0] = v[0];
    return new Tensor(out, outShape, x.dtype);
  }
  const idx = new Array<number>(rank).fill(0);
  const inner = outShape[rank - 1];
  const s1 = src[rank - 1];
  const outer = x.size / inner;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let p = 0;
    for (let d = 0; d < rank - 1; d++) p += idx[d] * src[d];
    for (let j = 0; j < inner; j++, p += s1) out[o++] = v[p];
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape, x.dtype);
}
