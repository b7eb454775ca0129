import { jsBackend } from "./js/index.js";
import { registerBackend } from "./registry.js";

registerBackend(jsBackend);

export { kernels, registerBackend, setBackend, getBackend, listBackends, withBackend } from "./registry.js";
export type { Backend, Kernels } from "./backend.js";
