// Kernel A/B on HappyModel-sized tensors: the js kernels against the native ones, best of 5, in one
// process (relative figures that hold on a loaded machine). Run: node --import tsx bench/profile/kernels-ab.ts
import { randomUniform, Tensor } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon } from "../../src/backends/native/index.js";

const addon = nativeAddon();
if (!addon) throw new Error("native addon not built");
const nk = createNativeBackend(addon).kernels;
const x = randomUniform([32, 64, 64, 32], { minval: -1, maxval: 1 });
const dy = randomUniform([32, 64, 64, 32], { minval: -1, maxval: 1 });
const img = randomUniform([32, 64, 64, 3]);
const zero = new Tensor(new Float32Array([0]), [], "float32");
const six = new Tensor(new Float32Array([6]), [], "float32");
const cond = jsKernels.binary("greater", x, zero);

const cases: [string, (k: typeof nk) => unknown][] = [
  ["greater(x, 0) [32,64,64,32]", (k) => k.binary("greater", x, zero)],
  ["where(c, dy, 0) [32,64,64,32]", (k) => k.where(cond, dy, zero)],
  ["relu grad: where(greater(x,0), dy, 0)", (k) => k.where(k.binary("greater", x, zero), dy, zero)],
  ["reluBackprop relu [32,64,64,32]", (k) => k.reluBackprop("relu", dy, x)],
  ["reluBackprop relu6 [32,64,64,32]", (k) => k.reluBackprop("relu6", dy, x)],
  ["relu6 grad: where(and(x>0, x<6), dy, 0)", (k) => k.where(k.binary("logicalAnd", k.binary("greater", x, zero), k.binary("less", x, six)), dy, zero)],
  ["slice [32,64,64,32] -> [16,64,64,32]", (k) => k.slice(x, [8, 0, 0, 0], [16, 64, 64, 32])],
  ["slice [32,64,64,32] -> [32,64,64,16]", (k) => k.slice(x, [0, 0, 0, 8], [32, 64, 64, 16])],
  ["pad [32,64,64,3] by 3 on H, W", (k) => k.pad(img, [[0, 0], [3, 3], [3, 3], [0, 0]], "constant", 0)],
];
function best(f: () => unknown): number {
  let b = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}
for (const [name, f] of cases) {
  const js = best(() => f(jsKernels));
  const nat = best(() => f(nk));
  console.log(`${name.padEnd(42)} js ${js.toFixed(1).padStart(7)} ms  native ${nat.toFixed(1).padStart(7)} ms  (${(js / nat).toFixed(1)}x)`);
}
