// Training-time BatchNormalization + ReLU fusion (src/models/training-fusion.ts) on and off, alternating in one
// process: the HappyModel train step (batch 32, 64x64x3, Adam) or the ResNet50 one (batch 8, 64x64x3).
// Run: node --import tsx bench/profile/bnrelu-ab.ts [reps] [happy|resnet-train] [kernels]
// With "kernels", also the CPU time of each kernel per step in both modes (the kernels wrapped with a timer).
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
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

let mode: "off" | "on" = "on";
const perKernel = { off: new Map<string, number>(), on: new Map<string, number>() };
if (process.argv[4] === "kernels") {
  const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of Object.keys(k)) {
    const f = k[name];
    k[name] = (...args: unknown[]) => {
      const c = process.cpuUsage();
      const r = f(...args);
      const d = process.cpuUsage(c);
      const key = name === "unary" || name === "binary" || name === "reduce" ? `${name}:${args[0]}` : name;
      perKernel[mode].set(key, (perKernel[mode].get(key) ?? 0) + (d.user + d.system) / 1000);
      return r;
    };
  }
}
step();
step();
perKernel.on.clear();
// Wall time, and CPU time of the process (all threads: robust when other processes load the machine).
const times = { off: [] as number[], on: [] as number[] };
const cpu = { off: [] as number[], on: [] as number[] };
const before = trainingFusionStats.bnRelu;
for (let r = 0; r < reps; r++)
  for (mode of r % 2 ? (["on", "off"] as const) : (["off", "on"] as const)) {
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
if (perKernel.on.size > 0) {
  const names = [...new Set([...perKernel.off.keys(), ...perKernel.on.keys()])];
  const per = (m: "off" | "on", n: string) => (perKernel[m].get(n) ?? 0) / reps;
  names.sort((a, b) => per("off", b) + per("on", b) - per("off", a) - per("on", a));
  console.log("  cpu ms per step, off -> on:");
  for (const n of names.slice(0, 14)) console.log(`  ${per("off", n).toFixed(2).padStart(8)} -> ${per("on", n).toFixed(2).padStart(6)}  ${n}`);
}
