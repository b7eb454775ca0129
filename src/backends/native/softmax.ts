import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

interface SoftmaxAddon {
  softmax(x: Float32Array, y: Float32Array, len: number, log: boolean): void;
}

/** softmax / log-softmax over the last axis in C++ for float32 (native/softmax.cc); other dtypes go to js. */
export function softmaxKernel(addon: Addon): Kernels["softmax"] {
  const a = addon as unknown as SoftmaxAddon;
  return (x, log) => {
    const len = x.rank === 0 ? 1 : x.shape[x.rank - 1];
    if (x.dtype !== "float32" || x.size === 0 || len === 0) return jsKernels.softmax(x, log);
    const y = outputFloat32(x.size);
    a.softmax(x.values as Float32Array, y, len, log);
    return new Tensor(y, x.shape, "float32");
  };
}
