// ONNX Runtime's own profile of a batch-1 predict (the bench's model and session options, enableProfiling):
// time per operator type and the slowest nodes, medians over runs, to set beside plan-layers.ts' deepts profile.
// Run: node --import tsx bench/profile/ort-layers.ts [mobilenetv2|resnet50] [reps]   (the ONNX file must exist:
// run the bench's inference case once).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { modelPath } from "../engines/ort.js";

const kind = process.argv[2] ?? "mobilenetv2";
const reps = Number(process.argv[3] ?? 40);
const mod = (await import("onnxruntime-node" as string)) as { default?: any };
const ort = mod.default ?? mod;
const session = await ort.InferenceSession.create(modelPath(kind, { batch: 1, size: 224, classes: 1000 }), {
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
  enableProfiling: true,
  profileFilePrefix: "/tmp/ort-profile",
});
const x = new ort.Tensor("float32", Float32Array.from({ length: 3 * 224 * 224 }, () => Math.random()), [1, 3, 224, 224]);
const wall: number[] = [];
for (let i = 0; i < reps + 5; i++) {
  const t0 = performance.now();
  await session.run({ x });
  if (i >= 5) wall.push(performance.now() - t0);
}
session.endProfiling();
// The file is named by the prefix and a timestamp (onnxruntime-node's endProfiling returns nothing).
const file = `/tmp/${readdirSync("/tmp").filter((f) => f.startsWith("ort-profile") && f.endsWith(".json")).sort().pop()}`;
type Shapes = Record<string, number[]>[];
const events = JSON.parse(readFileSync(file, "utf8")) as {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Shapes; output_type_shape?: Shapes };
}[];
const dims = (s: Shapes | undefined) => (s ?? []).map((t) => `[${Object.values(t)[0]}]`).join(" ");
rmSync(file);
const nodes = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
// Per run: the events come in run order, one per node per run.
const perNode = new Map<string, { op: string; shapes: string; durs: number[] }>();
for (const e of nodes) {
  const n = perNode.get(e.name) ?? { op: e.args?.op_name ?? "?", shapes: `${dims(e.args?.input_type_shape)} -> ${dims(e.args?.output_type_shape)}`, durs: [] };
  n.durs.push(e.dur / 1000);
  perNode.set(e.name, n);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const byOp = new Map<string, number>();
let total = 0;
for (const n of perNode.values()) {
  const m = med(n.durs.slice(5));
  byOp.set(n.op, (byOp.get(n.op) ?? 0) + m);
  total += m;
}
console.log(`${kind}: ${perNode.size} nodes, kernels ${total.toFixed(2)} ms (sum of per-node medians), wall ${med(wall).toFixed(2)} ms median`);
for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${ms.toFixed(3)} ms  ${op}`);
const all = [...perNode].map(([name, n]) => ({ name, op: n.op, shapes: n.shapes, ms: med(n.durs.slice(5)) }));
for (const t of process.env.ORDER === "graph" ? all : all.sort((a, b) => b.ms - a.ms).slice(0, 25))
  console.log(`  ${t.ms.toFixed(3)} ms  ${t.op}  ${t.shapes}  ${t.name.replace(/_kernel_time$/, "")}`);
