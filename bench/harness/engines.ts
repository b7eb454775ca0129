// The engines compared, in table order, with where they run and how many threads they compute with.
import type { EngineName } from "./types.js";

export interface EngineInfo {
  name: EngineName;
  label: string;
  kind: "node" | "python";
  /** npm package (in bench/package.json) the engine needs. */
  peer?: string;
  /** Threads it computes with when the run asks for `n` (some engines have one thread only in Node). */
  threads(n: number): number;
}

export const ENGINES: readonly EngineInfo[] = [
  { name: "deepts-native", label: "deepts native", kind: "node", threads: (n) => n },
  { name: "deepts-js", label: "deepts js", kind: "node", threads: () => 1 },
  { name: "tfjs-cpu", label: "TF.js cpu", kind: "node", peer: "@tensorflow/tfjs", threads: () => 1 },
  { name: "tfjs-wasm", label: "TF.js wasm", kind: "node", peer: "@tensorflow/tfjs-backend-wasm", threads: () => 1 },
  { name: "ort", label: "ONNX Runtime", kind: "node", peer: "onnxruntime-node", threads: (n) => n },
  { name: "jax-js", label: "jax-js wasm", kind: "node", peer: "@jax-js/jax", threads: () => 1 },
  { name: "tf", label: "TensorFlow", kind: "python", threads: (n) => n },
  { name: "torch", label: "PyTorch", kind: "python", threads: (n) => n },
  { name: "numpy", label: "numpy/OpenBLAS", kind: "python", threads: (n) => n },
];

export function engineInfo(name: string): EngineInfo {
  const e = ENGINES.find((x) => x.name === name);
  if (!e) throw new Error(`bench: unknown engine "${name}"; known: ${ENGINES.map((x) => x.name).join(", ")}`);
  return e;
}

/** The engine ratios are taken against: deepts native when it ran, else deepts js. */
export const BASELINES: readonly EngineName[] = ["deepts-native", "deepts-js"];
