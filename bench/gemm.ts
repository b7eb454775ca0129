// GEMM and conv timings of deepts' native and js backends, self-contained (no peers).
// Usage: node --import tsx bench/gemm.ts [gemm|conv|all] [--threads=1,2] [--sizes=512,1024,2048] [--js]
import { conv2d, matmul, randomUniform, withBackend, type Tensor } from "../src/index.js";
import { kernels } from "../src/backends/index.js";
import { nativeAddon } from "../src/backends/native/index.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const what = args.find((a) => !a.startsWith("--")) ?? "all";
const threads = opt("threads", "1,2").split(",").map(Number);
const sizes = opt("sizes", "512,1024,2048").split(",").map(Number);
const withJs = args.includes("--js");

const addon = nativeAddon();
if (!addon) throw new Error("bench/gemm: the native addon is not built (npm run build:native)");
console.log(`native isa ${addon.info().isa}, cores ${addon.info().threads}`);

/** Median seconds of `f` over enough runs to fill ~`budget` seconds (at least 3). */
function time(f: () => unknown, budget = 1.5): number {
  f();
  const t0 = performance.now();
  f();
  const once = (performance.now() - t0) / 1e3;
  const reps = Math.max(3, Math.min(50, Math.round(budget / Math.max(once, 1e-6))));
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    f();
    ts.push((performance.now() - t) / 1e3);
  }
  ts.sort((x, y) => x - y);
  return ts[Math.floor(ts.length / 2)];
}

const gflops = (flops: number, s: number): string => (flops / s / 1e9).toFixed(1).padStart(7);

if (what === "gemm" || what === "all") {
  console.log("\nGEMM float32 (GFLOP/s)        " + threads.map((t) => `native/${t}t`.padStart(10)).join("") + (withJs ? "        js" : ""));
  for (const n of sizes) {
    const a = randomUniform([n, n]);
    const b = randomUniform([n, n]);
    const flops = 2 * n * n * n;
    const row = threads.map((t) => {
      addon.setNumThreads(t);
      return gflops(flops, withBackend("native", () => time(() => matmul(a, b)))).padStart(10);
    });
    let js = "";
    if (withJs && n <= 1024) js = gflops(flops, withBackend("js", () => time(() => matmul(a, b), 0.1))).padStart(10);
    console.log(`  ${n}x${n}x${n}`.padEnd(30) + row.join("") + js);
  }
  addon.setNumThreads(Math.max(...threads));
}

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  strides: [number, number];
  pads: [number, number, number, number];
}

if (what === "conv" || what === "all") {
  const cases: ConvCase[] = [
    { name: "3x3 s1 64->64 56x56 b8", x: [8, 56, 56, 64], w: [3, 3, 64, 64], strides: [1, 1], pads: [1, 1, 1, 1] },
    { name: "1x1 s1 256->64 56x56 b8", x: [8, 56, 56, 256], w: [1, 1, 256, 64], strides: [1, 1], pads: [0, 0, 0, 0] },
    { name: "3x3 s2 128->256 28x28 b8", x: [8, 28, 28, 128], w: [3, 3, 128, 256], strides: [2, 2], pads: [0, 1, 0, 1] },
    { name: "7x7 s2 3->64 224x224 b4", x: [4, 224, 224, 3], w: [7, 7, 3, 64], strides: [2, 2], pads: [2, 3, 2, 3] },
  ];
  console.log("\nconv2d float32 NHWC (ms; GFLOP/s)      forward   backprop-input   backprop-filter");
  for (const c of cases) {
    const x = randomUniform(c.x);
    const w = randomUniform(c.w);
    const p = { strides: c.strides, dilations: [1, 1] as [number, number], pads: c.pads };
    const k = withBackend("native", () => kernels());
    const y = k.conv2d(x, w, p);
    const flops = 2 * y.size * c.w[0] * c.w[1] * c.w[2];
    const fmt = (s: number) => `${(s * 1e3).toFixed(1).padStart(7)} ms${gflops(flops, s)}`;
    const cells = [
      time(() => k.conv2d(x, w, p)),
      time(() => k.conv2dBackpropInput(y, w, x.shape, p)),
      time(() => k.conv2dBackpropFilter(x, y, w.shape, p)),
    ].map(fmt);
    console.log(`  ${c.name}`.padEnd(36) + cells.join("  "));
    if (withJs) {
      const kj = withBackend("js", () => kernels());
      const s = time(() => kj.conv2d(x, w, p) as Tensor, 0.1);
      console.log(`  (js forward)`.padEnd(36) + fmt(s));
    }
  }
}
