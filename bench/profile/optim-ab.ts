// Fused optimizer updates against the composite ops, alternating in one process (medians hold on a loaded
// machine): (1) one Adam/AdamW/SGD/RMSprop step over ResNet50's trainable weights (random gradients, the
// 161 shapes of resnet50({ weights: null }), 25.6M parameters) on the active backend; (2) the ResNet50 train
// step of ./workloads.ts with the model's Adam fused or not.
// Run: node --import tsx bench/profile/optim-ab.ts [reps] [update|train|both] [js|native]
import * as dt from "../../src/index.js";
import { workload } from "./workloads.js";

const reps = Number(process.argv[2] ?? 5);
const what = process.argv[3] ?? "both";
if (process.argv[4]) dt.setBackend(process.argv[4]);
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v: number[]) => `${med(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)})`;

/** Times `step(fused)` alternating composite and fused, `reps` times each after one warm-up of each. */
function ab(label: string, step: (fused: boolean) => void): void {
  step(false);
  step(true);
  const times = { ops: [] as number[], fused: [] as number[] };
  for (let r = 0; r < reps; r++)
    for (const fused of [false, true]) {
      const t = performance.now();
      step(fused);
      times[fused ? "fused" : "ops"].push(performance.now() - t);
    }
  console.log(`${dt.getBackend()} ${label}: ops ${fmt(times.ops)}, fused ${fmt(times.fused)}`);
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
  for (const [label, opt] of opts)
    ab(label, (fused) => {
      opt.fused = fused;
      opt.applyGradients(dt.zip(grads, vars));
    });
}

if (what === "train" || what === "both") {
  const step = workload("resnet-train");
  step();
  // workload's model is private to its closure: reach its optimizer through the one Adam created.
  const optimizers: dt.Optimizer[] = [];
  const apply = dt.Optimizer.prototype.apply;
  dt.Optimizer.prototype.apply = function (this: dt.Optimizer, ...a: Parameters<typeof apply>) {
    if (!optimizers.includes(this)) optimizers.push(this);
    return apply.apply(this, a);
  };
  step();
  dt.Optimizer.prototype.apply = apply;
  ab("ResNet50 train step (batch 8, 64x64, Adam)", (fused) => {
    for (const o of optimizers) o.fused = fused;
    step();
  });
}
