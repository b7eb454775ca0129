// Fused batch normalization against the composite (moments + batchNormalization), alternating in one process on
// the native backend. Run: node --import tsx bench/profile/bn-ab.ts [reps] [layer|happy|mobilenet|resnet-train]
//   layer: a BatchNormalization layer's training forward + backward (input and gamma/beta gradients, a given dy)
//          on [32, 64, 64, 32], HappyModel's BN; the others are the workloads of ./workloads.ts.
import * as dt from "../../src/index.js";
import { fusedNorm } from "../../src/ops/norm-fused.js";
import { workload } from "./workloads.js";

if (dt.getBackend() !== "native") throw new Error("needs the native backend");
const which = process.argv[3] ?? "layer";
const reps = Number(process.argv[2] ?? 10);

function layerStep(): () => unknown {
  const bn = new dt.BatchNormalization({ axis: 3 });
  const x = dt.randomUniform([32, 64, 64, 32], { seed: 1 });
  const dy = dt.randomUniform([32, 64, 64, 32], { seed: 2 });
  bn.apply(x, { training: true });
  return () => {
    const tape = new dt.GradientTape();
    tape.watch(x);
    const y = tape.run(() => bn.apply(x, { training: true }) as dt.Tensor);
    return tape.gradient(y, [x, bn.gamma!, bn.beta!], { outputGradients: dy });
  };
}

const step = which === "layer" ? layerStep() : await workload(which);
step();
const times = { composite: [] as number[], fused: [] as number[] };
for (let r = 0; r < reps; r++) {
  for (const mode of ["composite", "fused"] as const) {
    fusedNorm.enabled = mode === "fused";
    const t = performance.now();
    step();
    times[mode].push(performance.now() - t);
  }
}
fusedNorm.enabled = true;
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v: number[]) => `${med(v).toFixed(1)} ms (min ${Math.min(...v).toFixed(1)})`;
console.log(`${which}: composite ${fmt(times.composite)}, fused ${fmt(times.fused)}  [${reps} reps]`);
