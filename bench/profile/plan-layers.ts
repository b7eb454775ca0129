// Every kernel call of one inference-plan predict (MobileNetV2 or ResNet50 at batch 1), timed in place and keyed by
// its shapes, with GFLOP/s for the convolutions: where a predict's time goes layer by layer, to set beside ONNX
// Runtime's profiler. DEEPTS_PAUSE_MS=250 sleeps before each predict as the bench does (a cold predict).
// Run: node --import tsx bench/profile/plan-layers.ts [mobilenet|resnet] [reps]
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { workload } from "./workloads.js";

const which = process.argv[2] ?? "mobilenet";
const reps = Number(process.argv[3] ?? 40);
const pause = Number(process.env.DEEPTS_PAUSE_MS ?? 0);
const stats = new Map<string, { n: number; ms: number; flops: number }>();
const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of Object.keys(k)) {
  const f = k[name];
  if (typeof f !== "function" || name === "packConv2dFilter") continue;
  k[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    const r = f(...args) as dt.Tensor;
    const ms = performance.now() - t0;
    const ts = args.filter((a) => a instanceof dt.Tensor) as dt.Tensor[];
    const key = `${name} ${ts.map((t) => `[${t.shape}]`).join(" ")} -> [${r.shape}]`;
    let flops = 0;
    if (name === "conv2dBiasActivation") flops = 2 * r.size * ts[1].shape[0] * ts[1].shape[1] * ts[1].shape[2];
    else if (name === "depthwiseConv2dBiasActivation") flops = 2 * r.size * ts[1].shape[0] * ts[1].shape[1];
    else if (name === "expandDepthwise") flops = 2 * ts[0].size * ts[1].shape[3] + 2 * r.size * ts[3].shape[0] * ts[3].shape[1];
    const s = stats.get(key) ?? { n: 0, ms: 0, flops };
    s.n++;
    s.ms += ms;
    stats.set(key, s);
    return r;
  };
}
const step = await workload(which);
for (let i = 0; i < 5; i++) step();
stats.clear();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let total = 0;
for (let i = 0; i < reps; i++) {
  if (pause) await sleep(pause);
  const t0 = performance.now();
  step();
  total += performance.now() - t0;
}
let kt = 0;
for (const s of stats.values()) kt += s.ms;
console.log(`${which}${pause ? `, ${pause} ms pause before each` : ""}: ${(total / reps).toFixed(2)} ms/predict (mean), kernels ${(kt / reps).toFixed(2)} ms`);
for (const [key, s] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  const per = s.ms / s.n;
  const gf = s.flops ? `${(s.flops / per / 1e6).toFixed(0).padStart(4)} GF/s` : "         ";
  console.log(`${(s.ms / reps).toFixed(3).padStart(7)} ms ${String(s.n / reps).padStart(3)}x ${gf}  ${key}`);
}
