import type { Kernels } from "../backend.js";

const todo = (name: string) => (): never => {
  throw new Error(`js backend: kernel ${name} is not implemented yet`);
};

export const resizeBilinear: Kernels["resizeBilinear"] = todo("resizeBilinear");
export const resizeBilinearBackprop: Kernels["resizeBilinearBackprop"] = todo("resizeBilinearBackprop");
export const resizeNearest: Kernels["resizeNearest"] = todo("resizeNearest");
export const resizeNearestBackprop: Kernels["resizeNearestBackprop"] = todo("resizeNearestBackprop");
