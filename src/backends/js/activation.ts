import type { Kernels } from "../backend.js";
import { allocStorage } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";

export const reluBackprop: Kernels["reluBackprop"] = (op, dy, x) => {
  const n = x.size;
  const out = allocStorage(dy.dtype, n);
  const g = dy.values;
  const v = x.values;
  if (op === "relu") for (let i = 0; i < n; i++) out[i] = v[i] > 0 ? g[i] : 0;
  else for (let i = 0; i < n; i++) out[i] = v[i] > 0 && v[i] < 6 ? g[i] : 0;
  return new Tensor(out, x.shape, dy.dtype);
};
