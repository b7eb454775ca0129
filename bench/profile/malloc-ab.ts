// Allocator settings A/B across processes: a workload of ./workloads.ts, "mobilenet-train" or "dw" (the MobileNetV2 depthwise
// layer fwd+bwd of bench/workloads/conv2d.ts) run in child processes that alternate between a baseline addon
// (DEEPTS_BASE_ADDON, e.g. a copy of main's build) and this tree's, reporting step medians, minima and peak RSS.
// Run: DEEPTS_BASE_ADDON=/tmp/base.node node --import tsx bench/profile/malloc-ab.ts [workload] [reps] [rounds]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as dt from "../../src/index.js";
import { workload } from "./workloads.js";

const [which = "dw", repsArg = "5", roundsArg = "3"] = process.argv.slice(2);
const reps = Number(repsArg);

async function stepOf(name: string): Promise<() => unknown> {
  if (name === "mobilenet-train") {
    // MobileNetV2 fine-tuning step (batch 8, 96x96: every depthwise layer's two gradients), as in conv-ab.ts.
    const model = dt.mobileNetV2({ inputShape: [96, 96, 3], classes: 5 });
    model.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
    const x = dt.randomUniform([8, 96, 96, 3]);
    const y = dt.oneHot(dt.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 5), [8], "int32"), 5);
    return () => model.trainOnBatch(x, y);
  }
  return workload(name === "dw" ? "depthwise" : name);
}

if (process.env.DEEPTS_MALLOC_AB_CHILD) {
  const step = await stepOf(which);
  step();
  const times: number[] = [];
  const f0 = process.resourceUsage().minorPageFault;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  const faults = (process.resourceUsage().minorPageFault - f0) / reps;
  console.log(JSON.stringify({ times, faults, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const sides: [string, string | undefined][] = [["new", undefined]];
  if (process.env.DEEPTS_BASE_ADDON) sides.unshift(["base", process.env.DEEPTS_BASE_ADDON]);
  const res = new Map(sides.map(([s]) => [s, { times: [] as number[], faults: [] as number[], rss: [] as number[] }]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < Number(roundsArg); r++)
    for (const [side, path] of sides) {
      const env = { ...process.env, DEEPTS_MALLOC_AB_CHILD: "1", ...(path ? { DEEPTS_NATIVE_PATH: path } : {}) };
      const out = execFileSync(process.execPath, ["--import", "tsx", self, which, repsArg], { env, encoding: "utf8" });
      const o = JSON.parse(out.trim().split("\n").pop()!) as { times: number[]; faults: number; maxRssMB: number };
      const e = res.get(side)!;
      e.times.push(...o.times);
      e.faults.push(o.faults);
      e.rss.push(o.maxRssMB);
    }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  for (const [side, e] of res)
    console.log(
      `${which} ${side}: step ${med(e.times).toFixed(1)} ms (min ${Math.min(...e.times).toFixed(1)}, n ${e.times.length}), ` +
        `${med(e.faults).toFixed(0)} faults/step, peak RSS ${Math.max(...e.rss).toFixed(0)} MB (median ${med(e.rss).toFixed(0)})`,
    );
}
