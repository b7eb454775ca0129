import type { Backend, KernelRecorder, Kernels } from "./backend.js";

const backends = new Map<string, Backend>();
let active: Backend | null = null;

/** Makes a backend available by name; the first one registered becomes active. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  if (active === null) active = backend;
}

/** Selects the backend that ops run on. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: no backend named "${name}"; available: ${[...backends.keys()].join(", ")}`);
  active = b;
}

let holdDepth = 0;

/**
 * Tells the active backend that a burst of small kernels starts (true) or ends (false); see
 * Backend.holdThreads. Calls nest (a model running inside another model's plan): only the outermost pair
 * reaches the backend.
 */
export function holdThreads(on: boolean): void {
  if (on ? holdDepth++ === 0 : --holdDepth === 0) current().holdThreads?.(on);
  if (holdDepth < 0) holdDepth = 0;
}

/** The name of the active backend. */
export function getBackend(): string {
  return current().name;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

function current(): Backend {
  if (active === null) throw new Error("deepts: no backend registered");
  return active;
}

/** The active backend's kernel recorder, when it has one. */
export function kernelRecorder(): KernelRecorder | undefined {
  return current().recorder;
}

/** The active backend's kernels (what ops call). */
export function kernels(): Kernels {
  return current().kernels;
}

/** Runs `f` with backend `name` active, restoring the previous one after. */
export function withBackend<T>(name: string, f: () => T): T {
  const prev = active;
  setBackend(name);
  try {
    return f();
  } finally {
    active = prev;
  }
}
