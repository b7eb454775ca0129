// Breakdown of the MobileNet depthwise layer benchmark (bench/workloads/conv2d.ts, "MobileNetV2 ... dw 3x3
// fwd+bwd": x [32,56,56,144], filter [3,3,144,1], same, stride 1): each kernel with a fresh output (what the op
// does) and into a reused buffer (the kernel alone), the whole tape step, medians of reps, minor page faults per
// call (DEEPTS_AB_CPU=1: CPU time instead of wall time). DEEPTS_BASE_ADDON=path/to/deepts.node adds a baseline addon, alternating call by call.
// Run: node --import tsx bench/profile/depthwise-ab.ts [reps] [n,h,w,c]
import { createRequire } from "node:module";
import * as dt from "../../src/index.js";
import { nativeAddon } from "../../src/backends/native/index.js";
import { outputFloat32 } from "../../src/backends/native/alloc.js";

const reps = Number(process.argv[2] ?? 11);
const [n, h, w, c] = (process.argv[3] ?? "32,56,56,144").split(",").map(Number);
const addon = nativeAddon()!;
const require = createRequire(import.meta.url);
type A = Record<string, (...a: unknown[]) => unknown>;
const sides: [string, A][] = [];
if (process.env.DEEPTS_BASE_ADDON) sides.push(["base", require(process.env.DEEPTS_BASE_ADDON) as A]);
sides.push(["new", addon as unknown as A]);
console.log(`addon ${JSON.stringify(addon.info())}, reps ${reps}, x [${n},${h},${w},${c}]`);

const x = dt.randomNormal([n, h, w, c]);
const f = dt.randomNormal([3, 3, c, 1], { stddev: 0.1 });
const dy = dt.randomNormal([n, h, w, c]);
const geom = Int32Array.from([n, h, w, c, 3, 3, h, w, 1, 1, 1, 1, 1, 1, 1]);
const xs = x.values as Float32Array, fs = f.values as Float32Array, gs = dy.values as Float32Array;
const reused = new Float32Array(n * h * w * c);
const dwOut = new Float32Array(9 * c);

const cases: [string, (a: A) => void][] = [
  ["forward, reused out", (a) => a.depthwiseConv2d(xs, fs, reused, geom)],
  ["forward, fresh out", (a) => a.depthwiseConv2d(xs, fs, new Float32Array(n * h * w * c), geom)],
  ["forward, uninitialized out", (a) => a.depthwiseConv2d(xs, fs, outputFloat32(n * h * w * c), geom)],
  ["backprop input, reused", (a) => a.depthwiseConv2dBackpropInput(gs, fs, reused, geom)],
  ["backprop input, fresh", (a) => a.depthwiseConv2dBackpropInput(gs, fs, new Float32Array(n * h * w * c), geom)],
  ["backprop input, uninitialized", (a) => a.depthwiseConv2dBackpropInput(gs, fs, outputFloat32(n * h * w * c), geom)],
  ["backprop filter", (a) => a.depthwiseConv2dBackpropFilter(xs, gs, dwOut, geom)],
  ["input + filter, separate", (a) => {
    a.depthwiseConv2dBackpropInput(gs, fs, outputFloat32(n * h * w * c), geom);
    a.depthwiseConv2dBackpropFilter(xs, gs, dwOut, geom);
  }],
  ["both fused (one pass)", (a) => {
    if (!a.depthwiseConv2dBackprop) throw new Skip();
    a.depthwiseConv2dBackprop(xs, gs, fs, outputFloat32(n * h * w * c), dwOut, geom);
  }],
  ["fresh Float32Array + fill(1)", () => new Float32Array(n * h * w * c).fill(1)],
];

// DEEPTS_AB_CPU=1 times by process CPU time (with DEEPTS_NUM_THREADS=1: robust on a loaded machine).
const byCpu = Boolean(process.env.DEEPTS_AB_CPU);
function time(fn: () => void): [number, number] {
  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  const t = byCpu ? (c.user + c.system) / 1000 : performance.now() - t0;
  return [t, process.resourceUsage().minorPageFault - f0];
}
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const fmt = (t: number[], pf: number[]) => `${med(t).toFixed(1).padStart(7)} ms (min ${Math.min(...t).toFixed(1).padStart(6)}) ${String(med(pf)).padStart(6)} pf`;

// Every case and side once per round, so load changes hit all of them alike.
class Skip extends Error {}
const res = cases.map(() => sides.map(() => ({ t: [] as number[], pf: [] as number[] })));
for (let i = 0; i < reps + 1; i++)
  cases.forEach(([, fn], k) =>
    sides.forEach(([, a], j) => {
      try {
        const [t, pf] = time(() => fn(a));
        if (i > 0) (res[k][j].t.push(t), res[k][j].pf.push(pf));
      } catch (e) {
        if (!(e instanceof Skip)) throw e;
      }
    }),
  );
cases.forEach(([label], k) =>
  console.log(`${label.padEnd(30)} ${sides.map(([s], j) => `${s}: ${res[k][j].t.length ? fmt(res[k][j].t, res[k][j].pf) : "n/a".padStart(36)}`).join("   ")}`),
);

// The benchmark's step through the op layer (this tree's addon).
const step = () => {
  const tape = new dt.GradientTape();
  tape.watch(x, f);
  const y = tape.run(() => dt.depthwiseConv2d(x, f, { padding: "same" }));
  return tape.gradient(y, [x, f], { outputGradients: dy });
};
const st: number[] = [], sp: number[] = [];
for (let i = 0; i < reps + 1; i++) {
  const [t, pf] = time(step);
  if (i > 0) (st.push(t), sp.push(pf));
}
console.log(`${"tape step (op layer)".padEnd(30)} ${fmt(st, sp)}`);
