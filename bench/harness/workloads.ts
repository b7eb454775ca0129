// Finds the workload modules: every bench/workloads/<name>.ts with a default export made by defineWorkload.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Workload } from "./workload.js";

export const workloadsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "workloads");

/** Workload names in run order (files may set `order` by a numeric prefix-free name; alphabetical otherwise). */
export function workloadNames(): string[] {
  return readdirSync(workloadsDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

// Cheap kernels first, whole models last, so a partial run still says the most.
const ORDER = ["gemm", "conv2d", "depthwise"];
function rank(name: string): number {
  const i = ORDER.findIndex((p) => name.startsWith(p));
  return i < 0 ? ORDER.length : i;
}

export async function loadWorkload(name: string): Promise<Workload> {
  const mod = (await import(pathToFileURL(join(workloadsDir, `${name}.ts`)).href)) as { default?: Workload };
  if (!mod.default || !Array.isArray(mod.default.cases)) {
    throw new Error(`bench/workloads/${name}.ts: default export must be defineWorkload({...})`);
  }
  return mod.default;
}
