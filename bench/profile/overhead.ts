// JS-side cost of one op call (argument conversion, shape checks, tape record) against the bare kernel,
// on tiny tensors where the kernel itself is negligible. Run: node --import tsx bench/profile/overhead.ts
import * as dt from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";

const a = dt.randomUniform([4, 8]);
const b = dt.randomUniform([8]);
const n = 20000;
function perCall(f: () => unknown): number {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t) / n) * 1000;
}
const k = kernels();
const rows: [string, () => unknown][] = [
  ["kernel binary add [4,8]+[8]", () => k.binary("add", a, b)],
  ["op add, no tape", () => dt.noGrad(() => dt.add(a, b))],
  ["op add, recorded (inside grad)", () => dt.add(a, b)],
  ["op relu", () => dt.relu(a)],
  ["op mean over axis 0", () => dt.mean(a, 0)],
];
let recorded = 0;
const g = dt.grad((x) => {
  const t = performance.now();
  let y = x;
  for (let i = 0; i < n; i++) y = dt.add(y, b);
  recorded = ((performance.now() - t) / n) * 1000;
  return dt.sum(y);
});
g(a);
console.log(`backend ${dt.getBackend()}`);
for (const [name, f] of rows) console.log(`${name.padEnd(34)} ${perCall(f).toFixed(2).padStart(7)} µs/call`);
console.log(`${"op add chained under grad (taped)".padEnd(34)} ${recorded.toFixed(2).padStart(7)} µs/call`);
