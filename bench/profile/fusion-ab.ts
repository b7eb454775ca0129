// Batch-1 inference (MobileNetV2 1.0 and ResNet50, 224x224x3, random weights) with the inference plan's fusion on and
// off, alternating in one process: medians and minima that hold on a loaded machine. "overhead" instead splits a
// tiny predict (MobileNetV2 alpha 0.35 at 32x32, where kernels are cheap) into time inside kernels and the JS rest.
// Run: node --import tsx bench/profile/fusion-ab.ts [reps] [mobilenet|resnet|all|overhead]
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";

const reps = Number(process.argv[2] ?? 20);
const which = process.argv[3] ?? "all";
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`backend ${dt.getBackend()}, ${reps} reps each`);

if (which === "overhead") {
  const model = dt.mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35 });
  const x = dt.randomUniform([1, 32, 32, 3]);
  let inKernels = 0;
  const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of Object.keys(k)) {
    const f = k[name];
    k[name] = (...a: unknown[]) => {
      const t = performance.now();
      const r = f(...a);
      inKernels += performance.now() - t;
      return r;
    };
  }
  for (const fused of [true, false, true, false]) {
    model.fuseInference = fused;
    for (let i = 0; i < 10; i++) model.predictOnBatch(x);
    inKernels = 0;
    const t = performance.now();
    for (let i = 0; i < reps; i++) model.predictOnBatch(x);
    const total = (performance.now() - t) / reps;
    console.log(`${fused ? "fused  " : "unfused"}: ${total.toFixed(2)} ms a predict, kernels ${(inKernels / reps).toFixed(2)} ms, other (JS) ${(total - inKernels / reps).toFixed(2)} ms`);
  }
} else {
  const models: [string, () => dt.Model][] = [
    ["mobilenet", () => dt.mobileNetV2({ inputShape: [224, 224, 3] })],
    ["resnet", () => dt.resnet50({ inputShape: [224, 224, 3] })],
  ];
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
}
