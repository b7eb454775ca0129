import type { BiasActivation, Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

interface BiasActAddon {
  biasActivation(
    x: Float32Array, y: Float32Array, bias: Float32Array | null, scale: Float32Array | null, residual: Float32Array | null,
    outer: number, channels: number, inner: number, act: number, alpha: number,
  ): void;
}

// Activation codes: the order of BiasActCode in native/bias_act.cc.
const CODE: Record<BiasActivation, number> = { linear: 0, relu: 1, relu6: 2, leakyRelu: 3, sigmoid: 4, tanh: 5 };

/** The float32 biasActivation in C++ (one threaded pass); other dtypes, or an addon without it, use js. */
export function biasActivationKernel(addon: Addon): Pick<Kernels, "biasActivation"> {
  const a = addon as unknown as Partial<BiasActAddon>;
  const native = typeof a.biasActivation === "function" ? (a as BiasActAddon) : null;
  const js = jsKernels.biasActivation;
  return {
    biasActivation(x, bias, activation, scale, p) {
      const code = CODE[activation];
      const res = p.residual ?? null;
      if (!native || code === undefined || x.dtype !== "float32" || (bias && bias.dtype !== "float32") || (scale && scale.dtype !== "float32"))
        return js(x, bias, activation, scale, p);
      const ch = x.shape[p.axis];
      // Wrong sizes, and residuals that are not float32 of x's shape: the js kernel reports the error.
      if ((bias && bias.size !== ch) || (scale && scale.size !== ch)) return js(x, bias, activation, scale, p);
      if (res && (res.dtype !== "float32" || res.rank !== x.rank || res.shape.some((d, i) => d !== x.shape[i]))) return js(x, bias, activation, scale, p);
      let outer = 1;
      let inner = 1;
      for (let d = 0; d < p.axis; d++) outer *= x.shape[d];
      for (let d = p.axis + 1; d < x.rank; d++) inner *= x.shape[d];
      const y = p.inPlace ? (x.values as Float32Array) : outputFloat32(x.size);
      native.biasActivation(
        x.values as Float32Array, y, bias ? (bias.values as Float32Array) : null, scale ? (scale.values as Float32Array) : null,
        res ? (res.values as Float32Array) : null,
        outer, ch, inner, code, p.alpha,
      );
      return new Tensor(y, x.shape, "float32");
    },
  };
}
