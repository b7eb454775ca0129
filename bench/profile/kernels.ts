// Per-kernel timing of a HappyModel train step and MobileNetV2 inference on the active backend:
// wraps every kernels().<name> (and unary/binary by op and dtype) with a timer.
// Run: node --import tsx bench/profile/kernels.ts [happy|resnet-train|mobilenet]
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { workload } from "./workloads.js";

const which = process.argv[2] ?? "happy";
const stats = new Map<string, { n: number; ms: number }>();
const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of Object.keys(k)) {
  const f = k[name];
  k[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    const r = f(...args);
    let key = name;
    if (name === "unary" || name === "binary" || name === "reduce") {
      const ts = args.slice(1).filter((a) => a instanceof dt.Tensor) as dt.Tensor[];
      key += `:${args[0]}:${ts.map((t) => t.dtype + "[" + t.shape.join(",") + "]").join(" ")}`;
    } else if (name === "where" || name === "cast") {
      const ts = args.filter((a) => a instanceof dt.Tensor) as dt.Tensor[];
      key += `:${ts.map((t) => t.dtype + "[" + t.shape.join(",") + "]").join(" ")}`;
    }
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - t0;
    stats.set(key, s);
    return r;
  };
}

let step = await workload(which);
step();
stats.clear();
const reps = 3;
const t0 = performance.now();
for (let i = 0; i < reps; i++) step();
const total = (performance.now() - t0) / reps;
let kt = 0;
for (const s of stats.values()) kt += s.ms;
console.log(`${which} on ${dt.getBackend()}: ${total.toFixed(1)} ms/step, kernels ${(kt / reps).toFixed(1)} ms, other ${(total - kt / reps).toFixed(1)} ms`);
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
for (const [key, s] of rows) console.log(`${(s.ms / reps).toFixed(2).padStart(9)} ms ${String(s.n / reps).padStart(5)}x  ${key}`);
