// Per-layer A/B of the convolution kernels: a baseline addon (DEEPTS_BASE_ADDON, e.g. a copy of main's
// build/Release/deepts.node) against this tree's addon, alternating call by call in one process, on the
// conv2d / depthwise calls (and backprops) that the profiled steps make.
// Run: DEEPTS_BASE_ADDON=/tmp/base.node node --import tsx bench/profile/conv-ab.ts [happy|mobilenet|resnet|resnet-train|mobilenet-train] [reps]
import { createRequire } from "node:module";
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { createNativeBackend, nativeAddon } from "../../src/backends/native/index.js";
import type { Addon } from "../../src/backends/native/addon.js";
import { workload } from "./workloads.js";

const which = process.argv[2] ?? "happy";
const reps = Number(process.argv[3] ?? 7);
const names = [
  "conv2d", "conv2dBackpropInput", "conv2dBackpropFilter",
  "depthwiseConv2d", "depthwiseConv2dBackpropInput", "depthwiseConv2dBackpropFilter", "depthwiseConv2dBackprop",
] as const;
type Name = (typeof names)[number];

// Capture one example of every distinct call (kernel, shapes, params) during one step.
const calls = new Map<string, { name: Name; args: unknown[]; count: number; flops: number }>();
const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of names) {
  const f = k[name];
  k[name] = (...args: unknown[]) => {
    const r = f(...args) as dt.Tensor;
    const shapes = args.map((a) => (a instanceof dt.Tensor ? `[${a.shape}]` : JSON.stringify(a)));
    const key = `${name} ${shapes.join(" ")}`;
    const c = calls.get(key);
    if (c) c.count++;
    else {
      // 2 * (output elements or input elements) * taps * (cin or cout) per call.
      const t = args.filter((a) => a instanceof dt.Tensor) as dt.Tensor[];
      // depthwiseConv2dBackprop(x, dy, w, p): both gradients, twice the products of one.
      const both = name === "depthwiseConv2dBackprop";
      const xs = name.startsWith("conv2dBackpropInput") || name === "depthwiseConv2dBackpropInput" ? (args[2] as number[]) : t[0].shape;
      const ws = both ? t[2].shape : name.endsWith("Filter") ? (args[2] as number[]) : t[1].shape;
      const out = name.endsWith("Input") ? t[0].shape : name.endsWith("Filter") || both ? t[1].shape : r.shape;
      const macs = out[0] * out[1] * out[2] * ws[0] * ws[1] * (name.startsWith("depthwise") ? ws[3] * xs[3] : ws[2] * ws[3]);
      calls.set(key, { name, args, count: 1, flops: 2 * macs * (both ? 2 : 1) });
    }
    return r;
  };
}
// Beyond bench/profile/workloads.ts: ResNet50 batch-1 inference and a MobileNetV2 fine-tuning step
// (batch 8, 96x96: depthwise backprops).
const step =
  which === "resnet"
    ? (() => {
        const model = dt.resnet50({ inputShape: [224, 224, 3] });
        const x = dt.randomUniform([1, 224, 224, 3]);
        return () => model.predictOnBatch(x);
      })()
    : which === "mobilenet-train"
      ? (() => {
          const model = dt.mobileNetV2({ inputShape: [96, 96, 3], classes: 5 });
          model.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
          const x = dt.randomUniform([8, 96, 96, 3]);
          const y = dt.oneHot(dt.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 5), [8], "int32"), 5);
          return () => model.trainOnBatch(x, y);
        })()
      : await workload(which);
step();

const require = createRequire(import.meta.url);
const basePath = process.env.DEEPTS_BASE_ADDON;
const sides: [string, Record<string, (...a: unknown[]) => unknown>][] = [];
if (basePath) sides.push(["base", createNativeBackend(require(basePath) as Addon).kernels as never]);
const addon = nativeAddon()!;
sides.push(["new", createNativeBackend(addon).kernels as never]);
// DEEPTS_AB_ONE_THREAD=1 adds this tree's addon on one thread (what threading buys per layer).
if (process.env.DEEPTS_AB_ONE_THREAD) {
  const ks = createNativeBackend(addon).kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  const one = Object.fromEntries(
    names.map((n) => [n, (...a: unknown[]) => {
      const t = addon.info().threads;
      addon.setNumThreads(1);
      try {
        return ks[n](...a);
      } finally {
        addon.setNumThreads(t);
      }
    }]),
  );
  sides.push(["1t", one]);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
// DEEPTS_AB_CPU=1 times by the process's CPU time instead of the wall clock: on a loaded machine with
// DEEPTS_NUM_THREADS=1 that counts the kernel's own work, not the time it waited for a core.
const useCpu = !!process.env.DEEPTS_AB_CPU;
const now = () => {
  if (!useCpu) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const totals = sides.map(() => 0);
console.log(`${which}: ${calls.size} distinct calls, ${reps} alternating reps; ${useCpu ? "CPU" : "wall"} ms median (min), GFLOP/s from the median`);
for (const [key, c] of calls) {
  const times = sides.map(() => [] as number[]);
  // An addon without the one-pass depthwise gradients (a baseline from before it) runs the two kernels.
  const fns = sides.map(([, ks]) => {
    if (c.name !== "depthwiseConv2dBackprop") return ks[c.name];
    const [x, dy, w, p] = c.args as [dt.Tensor, dt.Tensor, dt.Tensor, unknown];
    try {
      ks[c.name](...c.args);
      return ks[c.name];
    } catch {
      return () => [ks.depthwiseConv2dBackpropInput(dy, w, x.shape, p), ks.depthwiseConv2dBackpropFilter(x, dy, w.shape, p)];
    }
  });
  for (let r = 0; r < reps; r++)
    sides.forEach((_, i) => {
      const t0 = now();
      fns[i](...c.args);
      times[i].push(now() - t0);
    });
  const cols = sides.map(([label], i) => {
    const m = median(times[i]);
    totals[i] += m * c.count;
    return `${label} ${m.toFixed(2).padStart(7)} (${Math.min(...times[i]).toFixed(2)}) ${(c.flops / m / 1e6).toFixed(1).padStart(5)} GF/s`;
  });
  console.log(`${String(c.count).padStart(3)}x ${key.slice(0, 110).padEnd(110)} ${cols.join("  ")}`);
}
console.log(`total (x count): ${sides.map(([l], i) => `${l} ${totals[i].toFixed(1)} ms`).join("  ")}`);
