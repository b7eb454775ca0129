// A workload of ./workloads.ts (default the HappyModel train step) on the native backend with and without this round's fast
// paths (native where/comparisons, pad and slice by runs), alternating in one process: a before/after that holds
// on a loaded machine. Run: node --import tsx bench/profile/steps-ab.ts [reps] [happy|resnet-train|mobilenet]
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import type { Kernels } from "../../src/backends/backend.js";
import { workload } from "./workloads.js";

const k = kernels() as Kernels;
if (dt.getBackend() !== "native") throw new Error("needs the native backend");
const fast = { where: k.where, binary: k.binary, pad: k.pad, slice: k.slice };
const COMPARE = new Set(["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"]);
const before: typeof fast = {
  where: jsKernels.where,
  binary: (op, a, b) => (COMPARE.has(op) ? jsKernels.binary(op, a, b) : fast.binary(op, a, b)),
  pad: jsKernels.pad,
  slice: jsKernels.slice,
};
const which = process.argv[3] ?? "happy";
const step = await workload(which);
step();
const reps = Number(process.argv[2] ?? 4);
const times = { before: [] as number[], after: [] as number[] };
for (let r = 0; r < reps; r++) {
  for (const mode of ["before", "after"] as const) {
    Object.assign(k, mode === "before" ? before : fast);
    const t = performance.now();
    step();
    times[mode].push(performance.now() - t);
  }
}
Object.assign(k, fast);
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`${which}: before ${med(times.before).toFixed(0)} ms (min ${Math.min(...times.before).toFixed(0)}), after ${med(times.after).toFixed(0)} ms (min ${Math.min(...times.after).toFixed(0)})`);
