import type { Backend, KernelRecorder, Kernels, Recording } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { type Addon, loadAddon } from "./addon.js";
import { biasActivationKernel } from "./bias-act.js";
import { convKernels } from "./conv.js";
import { elementwiseKernels } from "./elementwise.js";
import { matmulKernel } from "./matmul.js";
import { movementKernels } from "./movement.js";
import { normKernels } from "./norm.js";
import { optimKernels } from "./optim.js";
import { poolKernels } from "./pool.js";
import { softmaxKernel } from "./softmax.js";

/**
 * The native backend: the js kernels with float32 hot paths replaced by C++ kernels from the addon.
 * Each override delegates other dtypes and unsupported parameters to the js kernel of the same name.
 */
export function createNativeBackend(addon: Addon): Backend {
  const kernels: Kernels = {
    ...jsKernels,
    matmul: matmulKernel(addon),
    ...convKernels(addon),
    ...poolKernels(addon),
    ...elementwiseKernels(addon),
    ...normKernels(addon),
    ...movementKernels(addon),
    softmax: softmaxKernel(addon),
    ...optimKernels(addon),
    ...biasActivationKernel(addon),
  };
  const recorder: KernelRecorder = {
    start: () => addon.recordStart(),
    finish: (inputs, outputs) => addon.recordFinish(inputs, outputs) as Recording | null,
    abort: () => addon.recordAbort(),
    replay: (r, inputs, outputs) => addon.replayRecorded(r, inputs, outputs),
  };
  return { name: "native", kernels, holdThreads: (on) => addon.holdThreads(on), recorder };
}

let loaded: { addon: Addon } | { error: string } | undefined;

/** The addon, loaded once; null (and the reason in `nativeError()`) when it is not available. */
export function nativeAddon(): Addon | null {
  loaded ??= loadAddon();
  return "addon" in loaded ? loaded.addon : null;
}

export function nativeError(): string | null {
  loaded ??= loadAddon();
  return "error" in loaded ? loaded.error : null;
}
