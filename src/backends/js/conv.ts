import type { Kernels } from "../backend.js";

const todo = (name: string) => (): never => {
  throw new Error(`js backend: kernel ${name} is not implemented yet`);
};

export const conv2d: Kernels["conv2d"] = todo("conv2d");
export const conv2dBackpropInput: Kernels["conv2dBackpropInput"] = todo("conv2dBackpropInput");
export const conv2dBackpropFilter: Kernels["conv2dBackpropFilter"] = todo("conv2dBackpropFilter");
export const depthwiseConv2d: Kernels["depthwiseConv2d"] = todo("depthwiseConv2d");
export const depthwiseConv2dBackpropInput: Kernels["depthwiseConv2dBackpropInput"] = todo("depthwiseConv2dBackpropInput");
export const depthwiseConv2dBackpropFilter: Kernels["depthwiseConv2dBackpropFilter"] = todo("depthwiseConv2dBackpropFilter");
