// Where a model step's time goes between native kernel calls and everything else (JS, GC): every function of
// the addon is wrapped with a timer, then the step runs back to back or after a pause (P=250, as the bench
// does), and the medians of the step, the time inside native calls, the rest, GC pauses and page faults inside the step and
// the pool's helped/posted jobs are printed.
// Run: P=250 node --import tsx bench/profile/predict-split.ts [mobilenet|resnet|happy|resnet-train|depthwise|resnet-conv|happy-conv|style] [reps]
import { PerformanceObserver } from "node:perf_hooks";
import { nativeAddon } from "../../src/backends/native/index.js";

const a = nativeAddon() as unknown as Record<string, (...args: unknown[]) => unknown> & { info(): { poolJobs: number; poolHelped: number } };
let inNative = 0;
for (const name of Object.keys(a)) {
  const f = a[name];
  if (typeof f !== "function" || name === "info") continue;
  a[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return f(...args);
    } finally {
      inNative += performance.now() - t0;
    }
  };
}
const { workload } = await import("./workloads.js");
const which = process.argv[2] ?? "mobilenet";
const reps = Number(process.argv[3] ?? 31);
const pause = Number(process.env.P ?? 0);
const step = await workload(which);
for (let i = 0; i < 5; i++) step();
const gcs: { start: number; ms: number }[] = [];
new PerformanceObserver((l) => l.getEntries().forEach((e) => gcs.push({ start: e.startTime, ms: e.duration }))).observe({ entryTypes: ["gc"] });
const rows = { step: [] as number[], native: [] as number[], rest: [] as number[], faults: [] as number[], helped: [] as number[] };
const windows: [number, number][] = [];
for (let i = 0; i < reps; i++) {
  if (pause) await new Promise((r) => setTimeout(r, pause));
  inNative = 0;
  const i0 = a.info();
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  step();
  const t = performance.now() - t0;
  rows.faults.push(process.resourceUsage().minorPageFault - f0);
  const i1 = a.info();
  windows.push([t0, t0 + t]);
  rows.step.push(t);
  rows.native.push(inNative);
  rows.rest.push(t - inNative);
  rows.helped.push((i1.poolHelped - i0.poolHelped) / Math.max(1, i1.poolJobs - i0.poolJobs));
}
await new Promise((r) => setTimeout(r, 100)); // the last GC entries are delivered
const gcIn = windows.map(([s, e]) => gcs.filter((g) => g.start >= s && g.start < e).reduce((n, g) => n + g.ms, 0));
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
console.log(
  `${which}${pause ? `, ${pause} ms pause before each` : ", back to back"} (medians of ${reps}): step ${med(rows.step).toFixed(2)} ms, ` +
    `native calls ${med(rows.native).toFixed(2)}, rest ${med(rows.rest).toFixed(2)} (GC pauses inside ${med(gcIn).toFixed(2)}), ` +
    `${med(rows.faults)} page faults, jobs helped ${(100 * med(rows.helped)).toFixed(0)}%`,
);
