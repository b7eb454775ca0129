// Batch-1 inference (MobileNetV2 1.0 and ResNet50, 224x224x3, random weights) with the inference plan's fusion on and
// off, alternating in one process: medians and minima that hold on a loaded machine.
// Run: node --import tsx bench/profile/fusion-ab.ts [reps] [mobilenet|resnet|all]
import * as dt from "../../src/index.js";

const reps = Number(process.argv[2] ?? 20);
const which = process.argv[3] ?? "all";
const models: [string, () => dt.Model][] = [
  ["mobilenet", () => dt.mobileNetV2({ inputShape: [224, 224, 3] })],
  ["resnet", () => dt.resnet50({ inputShape: [224, 224, 3] })],
];
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`backend ${dt.getBackend()}, ${reps} reps each`);
for (const [name, make] of models) {
  if (which !== "all" && which !== name) continue;
  const model = make();
  const x = dt.randomUniform([1, 224, 224, 3]);
  const times = { unfused: [] as number[], fused: [] as number[] };
  for (let r = -2; r < reps; r++)
    for (const mode of ["unfused", "fused"] as const) {
      model.fuseInference = mode === "fused";
      const t = performance.now();
      model.predictOnBatch(x);
      if (r >= 0) times[mode].push(performance.now() - t);
    }
  const f = (v: number[]) => `${med(v).toFixed(1)} ms (min ${Math.min(...v).toFixed(1)})`;
  console.log(`${name}: unfused ${f(times.unfused)}, fused ${f(times.fused)}`);
}
