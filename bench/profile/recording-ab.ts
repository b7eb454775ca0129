// Batch-1 predict at 224x224 with the inference plan's recording (src/models/plan-recording.ts) on and off,
// alternating in one process: replayed in one native call against the plan run step by step from JS.
// Run: [P=250] node --import tsx bench/profile/recording-ab.ts [mobilenet|resnet] [reps]   (P: ms of pause before each)
import * as dt from "../../src/index.js";
import { planRecording, recordingStats } from "../../src/models/plan-recording.js";

const which = process.argv[2] ?? "mobilenet";
const reps = Number(process.argv[3] ?? 60);
const pause = Number(process.env.P ?? 0);
const args = { inputShape: [224, 224, 3], classes: 1000 };
const model = which === "resnet" ? dt.resnet50(args) : dt.mobileNetV2(args);
const x = dt.randomUniform([1, 224, 224, 3]);
for (let i = 0; i < 6; i++) model.predictOnBatch(x);
const t: Record<"on" | "off", number[]> = { on: [], off: [] };
for (let i = 0; i < reps; i++) {
  const k = i % 2 ? "on" : "off";
  planRecording.enabled = k === "on";
  if (pause) await new Promise((r) => setTimeout(r, pause));
  const t0 = performance.now();
  model.predictOnBatch(x);
  t[k].push(performance.now() - t0);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(
  `${which}${pause ? `, ${pause} ms pause before each` : ", back to back"} (medians of ${reps / 2}): ` +
    `recorded ${med(t.on).toFixed(2)} ms, step by step ${med(t.off).toFixed(2)} ms (${(med(t.off) / med(t.on)).toFixed(2)}x); ` +
    `recordings ${recordingStats.recorded}, rejected ${recordingStats.rejected}`,
);
