// Training-time BatchNormalization + ReLU fusion (src/models/training-fusion.ts) on and off, alternating in one
// process: the HappyModel train step (batch 32, 64x64x3, Adam) or the ResNet50 one (batch 8, 64x64x3).
// Run: node --import tsx bench/profile/bnrelu-ab.ts [reps] [happy|resnet-train]
import * as dt from "../../src/index.js";
import { trainingFusionStats } from "../../src/models/training-fusion.js";

const reps = Number(process.argv[2] ?? 10);
const which = process.argv[3] ?? "happy";
let model: dt.Model;
let step: () => unknown;
if (which === "happy") {
  model = dt.happyModel({ inputShape: [64, 64, 3] });
  model.compile({ optimizer: "adam", loss: "binary_crossentropy" });
  const x = dt.randomUniform([32, 64, 64, 3]);
  const y = dt.tensor(Float32Array.from({ length: 32 }, (_, i) => i % 2), [32, 1]);
  step = () => model.trainOnBatch(x, y);
} else if (which === "resnet-train") {
  model = dt.resnet50({ inputShape: [64, 64, 3], classes: 6 });
  model.compile({ optimizer: "adam", loss: "categorical_crossentropy" });
  const x = dt.randomUniform([8, 64, 64, 3]);
  const y = dt.oneHot(dt.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 6), [8], "int32"), 6);
  step = () => model.trainOnBatch(x, y);
} else throw new Error(`unknown workload ${which}: happy or resnet-train`);

step();
step();
// Wall time, and CPU time of the process (all threads: robust when other processes load the machine).
const times = { off: [] as number[], on: [] as number[] };
const cpu = { off: [] as number[], on: [] as number[] };
const before = trainingFusionStats.bnRelu;
for (let r = 0; r < reps; r++)
  for (const mode of r % 2 ? (["on", "off"] as const) : (["off", "on"] as const)) {
    model.fuseTraining = mode === "on";
    const c = process.cpuUsage();
    const t = performance.now();
    step();
    times[mode].push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu[mode].push((d.user + d.system) / 1000);
  }
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v: number[]) => `${med(v).toFixed(1)} ms (min ${Math.min(...v).toFixed(1)})`;
console.log(`${which} on ${dt.getBackend()}, ${reps} reps, fused bn+relu calls ${trainingFusionStats.bnRelu - before}`);
console.log(`  wall: fusion off ${fmt(times.off)}, on ${fmt(times.on)}`);
console.log(`  cpu:  fusion off ${fmt(cpu.off)}, on ${fmt(cpu.on)}`);
