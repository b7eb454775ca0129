import type { Backend, Kernels } from "../backend.js";
import { reluBackprop } from "./activation.js";
import { biasActivation } from "./bias-act.js";
import * as conv from "./conv.js";
import * as elementwise from "./elementwise.js";
import { conv2dBiasActivation, depthwiseConv2dBiasActivation, expandDepthwise, packConv2dFilter } from "./fused-conv.js";
import { matmul } from "./matmul.js";
import * as movement from "./movement.js";
import { batchNormBackprop, batchNormInference, batchNormTrain } from "./norm.js";
import { adamUpdate, rmspropUpdate, sgdUpdate } from "./optim.js";
import * as pool from "./pool.js";
import * as reduce from "./reduce.js";
import * as resize from "./resize.js";
import { softmax } from "./softmax.js";
import { transpose } from "./transpose.js";

/** The pure-TypeScript reference kernels: run anywhere, support float64, and are the oracle for other backends. */
export const jsKernels: Kernels = {
  ...elementwise,
  ...reduce,
  matmul,
  transpose,
  ...movement,
  ...conv,
  conv2dBiasActivation,
  depthwiseConv2dBiasActivation,
  expandDepthwise,
  packConv2dFilter,
  ...pool,
  ...resize,
  reluBackprop,
  softmax,
  batchNormTrain,
  batchNormBackprop,
  batchNormInference,
  adamUpdate,
  sgdUpdate,
  rmspropUpdate,
  biasActivation,
};

export const jsBackend: Backend = { name: "js", kernels: jsKernels };
