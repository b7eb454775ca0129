// The addon's recycled output blocks (native/buffer_pool.cc) on and off, alternating step by step in one process
// (so load changes hit both alike): medians of the step time, after a pause before each step as the bench does
// (P=250, default) or back to back (P=0), and the pool's counters.
// Run: P=250 node --import tsx bench/profile/buffer-pool-ab.ts [depthwise|resnet-conv|happy-conv|happy|resnet-train|style|mobilenet] [reps]
import { nativeAddon } from "../../src/backends/native/index.js";
import { workload } from "./workloads.js";

const a = nativeAddon();
if (!a?.setBufferPool || !a.bufferPool) throw new Error("this addon has no buffer pool");
const which = process.argv[2] ?? "depthwise";
const reps = Number(process.argv[3] ?? 15);
const pause = Number(process.env.P ?? 250);
const step = await workload(which);
for (let i = 0; i < 3; i++) step();
const times: Record<"on" | "off", number[]> = { on: [], off: [] };
for (let i = 0; i < reps; i++)
  for (const mode of i % 2 ? (["on", "off"] as const) : (["off", "on"] as const)) {
    a.setBufferPool(mode === "on");
    await new Promise((r) => setTimeout(r, pause));
    const t0 = performance.now();
    step();
    times[mode].push(performance.now() - t0);
  }
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const on = med(times.on), off = med(times.off);
console.log(`${which}, ${pause} ms pause: pool on ${on.toFixed(2)} ms, off ${off.toFixed(2)} ms (on/off ${(on / off).toFixed(3)}); ${JSON.stringify(a.bufferPool())}`);
