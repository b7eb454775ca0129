import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { channelView } from "../js/norm.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

type F32 = Float32Array;

interface NormAddon {
  batchNormTrain(
    x: F32, y: F32, mean: F32, variance: F32, invStd: F32, scale: F32 | null, offset: F32 | null,
    outer: number, c: number, inner: number, epsilon: number, relu: boolean,
  ): void;
  batchNormBackprop(
    dy: F32, x: F32, mean: F32, invStd: F32, scale: F32 | null, dmean: F32 | null, dvariance: F32 | null,
    dx: F32, dscale: F32, doffset: F32, outer: number, c: number, inner: number, relu: boolean, reluOffset: F32 | null,
    dxSum: F32 | null,
  ): void;
  batchNormInference(
    x: F32, mean: F32, variance: F32, scale: F32 | null, offset: F32 | null, y: F32,
    outer: number, c: number, inner: number, epsilon: number,
  ): void;
}

const f32 = (t: Tensor | null): F32 | null => (t === null ? null : (t.values as F32));
const allF32 = (...ts: (Tensor | null)[]): boolean => ts.every((t) => t === null || t.dtype === "float32");
const vec = (v: F32): Tensor => new Tensor(v, [v.length], "float32");

type NormKernels = Pick<Kernels, "batchNormTrain" | "batchNormBackprop" | "batchNormInference">;

/** Fused batch normalization in C++ (native/norm.cc), threaded over rows; float32 only. */
export function normKernels(addon: Addon): NormKernels {
  const a = addon as unknown as NormAddon;
  const js = jsKernels;
  return {
    batchNormTrain(x, axis, scale, offset, epsilon, activation = "linear") {
      if (!allF32(x, scale, offset)) return js.batchNormTrain(x, axis, scale, offset, epsilon, activation);
      const [outer, c, inner] = channelView(x.shape, axis);
      const y = outputFloat32(x.size); // the output pass writes every element
      const mean = new Float32Array(c);
      const variance = new Float32Array(c);
      const invStd = new Float32Array(c);
      a.batchNormTrain(f32(x)!, y, mean, variance, invStd, f32(scale), f32(offset), outer, c, inner, epsilon, activation === "relu");
      return { y: new Tensor(y, x.shape, "float32"), mean: vec(mean), variance: vec(variance), invStd: vec(invStd) };
    },
    batchNormBackprop(dy, x, axis, mean, invStd, scale, dmean, dvariance, opts = {}) {
      const relu = opts.relu ?? null;
      if (!allF32(dy, x, mean, invStd, scale, dmean, dvariance, relu?.offset ?? null))
        return js.batchNormBackprop(dy, x, axis, mean, invStd, scale, dmean, dvariance, opts);
      const [outer, c, inner] = channelView(x.shape, axis);
      const dx = outputFloat32(x.size); // the last pass writes every element
      const dscale = new Float32Array(c);
      const doffset = new Float32Array(c);
      const dxSum = opts.dxSum ? new Float32Array(c) : null;
      a.batchNormBackprop(
        f32(dy)!, f32(x)!, f32(mean)!, f32(invStd)!, f32(scale), f32(dmean), f32(dvariance), dx, dscale, doffset, outer, c, inner,
        relu !== null, f32(relu?.offset ?? null), dxSum,
      );
      const grads = { dx: new Tensor(dx, x.shape, "float32"), dscale: vec(dscale), doffset: vec(doffset) };
      return dxSum ? { ...grads, dxSum: vec(dxSum) } : grads;
    },
    batchNormInference(x, axis, mean, variance, scale, offset, epsilon) {
      if (!allF32(x, mean, variance, scale, offset)) return js.batchNormInference(x, axis, mean, variance, scale, offset, epsilon);
      const [outer, c, inner] = channelView(x.shape, axis);
      const y = outputFloat32(x.size);
      a.batchNormInference(f32(x)!, f32(mean)!, f32(variance)!, f32(scale), f32(offset), y, outer, c, inner, epsilon);
      return new Tensor(y, x.shape, "float32");
    },
  };
}
