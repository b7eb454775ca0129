import type { Kernels } from "../backend.js";

const todo = (name: string) => (): never => {
  throw new Error(`js backend: kernel ${name} is not implemented yet`);
};

export const maxPool2d: Kernels["maxPool2d"] = todo("maxPool2d");
export const maxPool2dBackprop: Kernels["maxPool2dBackprop"] = todo("maxPool2dBackprop");
export const avgPool2d: Kernels["avgPool2d"] = todo("avgPool2d");
export const avgPool2dBackprop: Kernels["avgPool2dBackprop"] = todo("avgPool2dBackprop");
