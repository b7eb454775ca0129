// A batch-1 predict (recorded plans on, as users get it) with this tree's addon against a baseline addon
// (DEEPTS_BASE_ADDON=path/to/deepts.node, e.g. a copy of main's build), alternating predict by predict in one
// process: two copies of the model, each always run on its own backend (only the running one holds its pool).
// Run: DEEPTS_BASE_ADDON=/tmp/base.node [P=250] node --import tsx bench/profile/predict-ab.ts [mobilenet|resnet] [reps]
// (P: ms of pause before each predict, as the bench does).
import * as dt from "../../src/index.js";
import { registerBackend, withBackend } from "../../src/backends/index.js";
import { createNativeBackend } from "../../src/backends/native/index.js";

const path = process.env.DEEPTS_BASE_ADDON;
if (!path) throw new Error("set DEEPTS_BASE_ADDON to the baseline addon");
const mod = { exports: {} };
process.dlopen(mod, path);
registerBackend({ ...createNativeBackend(mod.exports as Parameters<typeof createNativeBackend>[0]), name: "base" });
const which = process.argv[2] ?? "mobilenet";
const reps = Number(process.argv[3] ?? 60);
const args = { inputShape: [224, 224, 3], classes: 1000 };
const build = () => (which === "resnet" ? dt.resnet50(args) : dt.mobileNetV2(args));
const sides = { base: build(), this: build() };
const x = dt.randomUniform([1, 224, 224, 3]);
const run = (side: "base" | "this") => withBackend(side === "base" ? "base" : "native", () => sides[side].predictOnBatch(x));
for (let i = 0; i < 6; i++) for (const s of ["base", "this"] as const) run(s);
const pause = Number(process.env.P ?? 0);
const t = { base: [] as number[], this: [] as number[] };
for (let i = 0; i < reps; i++)
  for (const s of i % 2 ? (["base", "this"] as const) : (["this", "base"] as const)) {
    if (pause) await new Promise((r) => setTimeout(r, pause));
    const t0 = performance.now();
    run(s);
    t[s].push(performance.now() - t0);
  }
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`${which} predict${pause ? ` after ${pause} ms pauses` : ""}, medians of ${reps}: base ${med(t.base).toFixed(2)} ms, this tree ${med(t.this).toFixed(2)} ms (${(med(t.this) / med(t.base)).toFixed(3)}x)`);
