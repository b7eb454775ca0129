// MobileNetV2 batch-1 predict with the inference plan's expand/depthwise pairs in one expandDepthwise call and as two
// convolutions (expandDepthwiseFusion.enabled), alternating predict by predict in one process.
// Run: node --import tsx bench/profile/expand-ab.ts [reps]
import { expandDepthwiseFusion } from "../../src/models/expand-depthwise.js";
import { workload } from "./workloads.js";

const reps = Number(process.argv[2] ?? 100);
const step = await workload("mobilenet");
const t: number[][] = [[], []];
for (let r = 0; r < reps + 5; r++)
  for (const on of [0, 1]) {
    expandDepthwiseFusion.enabled = on === 1;
    const t0 = performance.now();
    step();
    if (r >= 5) t[on].push(performance.now() - t0);
  }
expandDepthwiseFusion.enabled = true;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`MobileNetV2 predict: two convolutions ${med(t[0]).toFixed(2)} ms, expandDepthwise ${med(t[1]).toFixed(2)} ms (x${(med(t[1]) / med(t[0])).toFixed(3)})`);
