// A/B of the inference plan's activation recycling (src/models/plan-buffers.ts): the same model and input,
// recycling on and off in alternating blocks of 10 runs in one process (the garbage of an "off" run would
// be collected during the next run: blocks keep the GCs where they belong); medians, minima, GCs per run.
// Usage: npx tsx bench/profile/recycle-ab.ts [mobilenet|resnet] [reps] [pause ms]
import { PerformanceObserver } from "node:perf_hooks";
import { recycleActivations } from "../../src/models/plan-buffers.js";
import { workload } from "./workloads.js";

const which = process.argv[2] ?? "mobilenet";
const reps = Number(process.argv[3] ?? 20);
const pause = Number(process.argv[4] ?? 0);
const step = await workload(which);
let gcs = 0;
new PerformanceObserver((l) => void (gcs += l.getEntries().length)).observe({ entryTypes: ["gc"] });
const res: Record<string, { t: number[]; gc: number }> = { on: { t: [], gc: 0 }, off: { t: [], gc: 0 } };
for (let block = 0; block < Math.ceil(reps / 10) * 2; block++) {
  const mode = (block + Number(process.env.AB_FLIP ?? 0)) % 2 ? "on" : "off";
  for (let r = 0; r < 12; r++) {
    recycleActivations.enabled = mode === "on";
    if (pause) await new Promise((ok) => setTimeout(ok, pause));
    const g0 = gcs;
    const t0 = performance.now();
    step();
    const dt = performance.now() - t0;
    await new Promise((ok) => setImmediate(ok));
    if (r >= 2) { // the first runs of a block still see the other mode's garbage
      res[mode].t.push(dt);
      res[mode].gc += gcs - g0;
    }
  }
}
for (const [mode, { t, gc }] of Object.entries(res)) {
  t.sort((a, b) => a - b);
  console.log(`${which} recycle ${mode}: median ${t[t.length >> 1].toFixed(1)} ms, min ${t[0].toFixed(1)} ms, GCs per run ${(gc / t.length).toFixed(1)}`);
}
