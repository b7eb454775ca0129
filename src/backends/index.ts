import { jsBackend } from "./js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "./native/index.js";
import { getBackend, listBackends, registerBackend, setBackend } from "./registry.js";

registerBackend(jsBackend);

// The native backend becomes the default when its addon loads. DEEPTS_BACKEND names another default;
// DEEPTS_BACKEND=js also silences the warning about a missing addon.
{
  const wanted = process.env.DEEPTS_BACKEND;
  const addon = nativeAddon();
  if (addon) {
    registerBackend(createNativeBackend(addon));
  } else if (wanted !== "js") {
    console.warn(`deepts: native backend unavailable (${nativeError()}); using the js backend`);
  }
  const choice = wanted || (addon ? "native" : "js");
  if (listBackends().includes(choice)) setBackend(choice);
  else if (wanted && wanted !== "native") console.warn(`deepts: DEEPTS_BACKEND=${wanted} is not a registered backend; using ${getBackend()}`);
}

export { kernels, kernelRecorder, registerBackend, setBackend, getBackend, listBackends, withBackend, holdThreads } from "./registry.js";
export type { Backend, KernelRecorder, Kernels, Recording } from "./backend.js";
