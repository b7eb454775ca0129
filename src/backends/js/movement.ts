import type { Kernels } from "../backend.js";

// Placeholders until the movement kernels land (issue 2, in progress).
const todo = (name: string) => (): never => {
  throw new Error(`js backend: kernel ${name} is not implemented yet`);
};

export const slice: Kernels["slice"] = todo("slice");
export const stridedSlice: Kernels["stridedSlice"] = todo("stridedSlice");
export const concat: Kernels["concat"] = todo("concat");
export const pad: Kernels["pad"] = todo("pad");
export const tile: Kernels["tile"] = todo("tile");
export const gather: Kernels["gather"] = todo("gather");
export const scatterAdd: Kernels["scatterAdd"] = todo("scatterAdd");
export const reverse: Kernels["reverse"] = todo("reverse");
