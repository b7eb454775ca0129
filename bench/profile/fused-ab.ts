// Fused conv epilogue A/B: conv2d (or depthwise) + bias add + relu6 as three native kernels against
// conv2dBiasActivation in one, on MobileNetV2 batch-1 layers, alternating in one process.
// Run: node --import tsx bench/profile/fused-ab.ts [reps]   (DEEPTS_AB_CPU=1: CPU time, see conv-ab.ts)
import { randomUniform } from "../../src/index.js";
import type { Conv2dParams } from "../../src/backends/backend.js";
import { createNativeBackend, nativeAddon } from "../../src/backends/native/index.js";

const k = createNativeBackend(nativeAddon()!).kernels;
const reps = Number(process.argv[2] ?? 21);
const same1: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] };
const valid: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };
const layers: [string, number[], number[], Conv2dParams, boolean][] = [
  ["pointwise 112x112 16->96", [1, 112, 112, 16], [1, 1, 16, 96], valid, false],
  ["depthwise 112x112x96 3x3", [1, 112, 112, 96], [3, 3, 96, 1], same1, true],
  ["pointwise 56x56 24->144", [1, 56, 56, 24], [1, 1, 24, 144], valid, false],
  ["depthwise 56x56x144 3x3", [1, 56, 56, 144], [3, 3, 144, 1], same1, true],
  ["pointwise 14x14 96->576", [1, 14, 14, 96], [1, 1, 96, 576], valid, false],
  ["pointwise 7x7 160->960", [1, 7, 7, 160], [1, 1, 160, 960], valid, false],
];
const useCpu = !!process.env.DEEPTS_AB_CPU;
const now = () => (useCpu ? (process.cpuUsage().user + process.cpuUsage().system) / 1000 : performance.now());
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
let tu = 0, tf = 0;
for (const [name, xs, ws, p, dw] of layers) {
  const x = randomUniform(xs, { minval: -1, maxval: 1 });
  const w = randomUniform(ws, { minval: -1, maxval: 1 });
  const b = randomUniform([ws[2] * (dw ? ws[3] : 1) * (dw ? 1 : ws[3] / ws[2])], { minval: -1, maxval: 1 });
  const unfused = () => k.unary("relu6", k.binary("add", dw ? k.depthwiseConv2d(x, w, p) : k.conv2d(x, w, p), b));
  const fused = () => (dw ? k.depthwiseConv2dBiasActivation(x, w, b, "relu6", p) : k.conv2dBiasActivation(x, w, b, "relu6", p));
  const a: number[] = [], f: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = now();
    unfused();
    a.push(now() - t);
    t = now();
    fused();
    f.push(now() - t);
  }
  tu += median(a);
  tf += median(f);
  console.log(`${name.padEnd(28)} conv+add+relu6 ${median(a).toFixed(3)} ms (min ${Math.min(...a).toFixed(3)})  fused ${median(f).toFixed(3)} ms (min ${Math.min(...f).toFixed(3)})`);
}
console.log(`sum of medians: unfused ${tu.toFixed(2)} ms, fused ${tf.toFixed(2)} ms`);
