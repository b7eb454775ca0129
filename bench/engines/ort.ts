// onnxruntime-node 1.30 for inference workloads. Models are exported on demand from PyTorch by
// scripts/bench/export_onnx.py into bench/models/ (ONNX convolutions are channels-first, NCHW).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonPath } from "../harness/python.js";
import { NotAvailable } from "../harness/types.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface Ort {
  /** The onnxruntime-node module (untyped: bench/node_modules may be absent when the root type-checks). */
  ort: any;
  /** Creates a session for model `kind` with `spec`, exporting it first if bench/models/ lacks it. */
  session(kind: string, spec: object): Promise<any>;
}

export async function loadOrt(threads: number): Promise<Ort> {
  const name = "onnxruntime-node";
  const mod = await import(name);
  const ort = mod.default ?? mod;
  return {
    ort,
    async session(kind, spec) {
      const path = modelPath(kind, spec);
      if (!existsSync(path)) exportModel(kind, spec, path);
      return ort.InferenceSession.create(path, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
    },
  };
}

/** A file name that encodes the spec, so each size gets its own model. */
export function modelPath(kind: string, spec: object): string {
  const key = Object.entries(spec)
    .map(([k, v]) => `${k}-${Array.isArray(v) ? v.join("x") : String(v)}`)
    .join("_");
  return join(benchDir, "models", `${kind}_${key}.onnx`);
}

function exportModel(kind: string, spec: object, path: string): void {
  const python = pythonPath();
  if (!python) throw new NotAvailable("no Python with torch to export the ONNX model (set DEEPTS_BENCH_PYTHON)");
  mkdirSync(dirname(path), { recursive: true });
  const script = join(benchDir, "..", "scripts", "bench", "export_onnx.py");
  const r = spawnSync(python, [script, kind, JSON.stringify(spec), path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`export_onnx.py ${kind} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`);
}
