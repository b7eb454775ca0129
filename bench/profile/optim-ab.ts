// Fused optimizer updates against the composite ops, alternating in one process (medians hold on a loaded
// machine): (1) one Adam/AdamW/SGD/RMSprop step over ResNet50's trainable weights (random gradients, the
// 214 shapes of resnet50({ weights: null }), 25.6M parameters) on the active backend; (2) the ResNet50 train
// step of ./workloads.ts. Modes: the composite ops, the fused kernels into fresh arrays, the fused kernels
// with slot storage recycled (the default).
// Run: node --import tsx bench/profile/optim-ab.ts [reps] [update|train|both] [js|native]
import * as dt from "../../src/index.js";
import { SlotVariable } from "../../src/optimizers/slot.js";
import { workload } from "./workloads.js";

const reps = Number(process.argv[2] ?? 5);
const what = process.argv[3] ?? "both";
if (process.argv[4]) dt.setBackend(process.argv[4]);
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v: number[]) => `${med(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)})`;

type Mode = "ops" | "fresh" | "fused";
const modes: Mode[] = ["ops", "fresh", "fused"];

/**
 * Times `step(mode)` alternating the modes, `reps` times each after one warm-up of each: the composite ops,
 * the fused kernels writing fresh arrays, and the fused kernels with slot storage recycled. `prepare` runs
 * untimed before each "fused" step: a slot recycles only from its second fused update after an op-path one.
 */
function ab(label: string, step: () => void, prepare: () => void): void {
  const run = (m: Mode) => {
    setMode(m);
    if (m === "fused") prepare();
    const t = performance.now();
    step();
    return performance.now() - t;
  };
  for (const m of modes) run(m);
  const times: Record<Mode, number[]> = { ops: [], fresh: [], fused: [] };
  for (let r = 0; r < reps; r++) for (const m of modes) times[m].push(run(m));
  setMode("fused");
  console.log(`${dt.getBackend()} ${label}: ops ${fmt(times.ops)}, fused fresh arrays ${fmt(times.fresh)}, fused recycled ${fmt(times.fused)}`);
}

const optimizers: dt.Optimizer[] = [];
function setMode(mode: Mode): void {
  for (const o of optimizers) o.fused = mode !== "ops";
  SlotVariable.recycle = mode === "fused";
}

if (what === "update" || what === "both") {
  const model = dt.resnet50({ weights: null });
  const shapes = model.trainableWeights.map((w) => w.shape);
  const vars = shapes.map((s, i) => new dt.Variable(dt.randomNormal(s, { stddev: 0.05, seed: i })));
  const grads = shapes.map((s, i) => dt.randomNormal(s, { stddev: 1e-3, seed: 1000 + i }));
  const params = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  console.log(`${shapes.length} variables, ${(params / 1e6).toFixed(1)}M parameters`);
  const opts: [string, dt.Optimizer][] = [
    ["Adam step", new dt.Adam()],
    ["AdamW step", new dt.AdamW()],
    ["Adam amsgrad step", new dt.Adam({ amsgrad: true })],
    ["SGD momentum step", new dt.SGD({ momentum: 0.9 })],
    ["RMSprop step", new dt.RMSprop()],
  ];
  for (const [label, opt] of opts) {
    optimizers.splice(0, optimizers.length, opt);
    const step = () => opt.applyGradients(dt.zip(grads, vars));
    ab(label, step, step);
  }
}

if (what === "train" || what === "both") {
  const step = await workload("resnet-train");
  step();
  // workload's model is private to its closure: reach its optimizer (and variables) through apply.
  optimizers.length = 0;
  let vars: dt.Variable[] = [];
  const apply = dt.Optimizer.prototype.apply;
  dt.Optimizer.prototype.apply = function (this: dt.Optimizer, grads, vs) {
    if (!optimizers.includes(this)) optimizers.push(this);
    vars = [...vs];
    return apply.call(this, grads, vs);
  };
  step();
  dt.Optimizer.prototype.apply = apply;
  // The untimed fused update before a timed step: zero gradients (the values do not matter here).
  const prepare = () => optimizers[0].apply(vars.map((v) => dt.zerosLike(v.value)), vars);
  ab("ResNet50 train step (batch 8, 64x64, Adam)", step, prepare);
}
