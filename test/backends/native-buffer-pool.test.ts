// The addon's recycled storage for large outputs (native/buffer_pool.cc, used by outputFloat32): blocks come back
// when their ArrayBuffer is collected and Node has run the finalizer (a later turn of the event loop), a reused
// block's old contents never show through a kernel's output, and a loop that never yields stops drawing from it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Generator, randomUniform } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { outputFloat32 } from "../../src/backends/native/alloc.js";
import { assertClose } from "../helpers/assert.js";

const addon = nativeAddon();
const skip = !addon ? `native addon not built: ${nativeError()}` : !addon.bufferPool ? "addon without a buffer pool" : process.env.DEEPTS_BUFFER_POOL === "0" ? "DEEPTS_BUFFER_POOL=0" : false;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const turn = () => new Promise<void>((r) => setImmediate(r));
/** Collects what is unreachable and lets Node run the finalizers that return blocks. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await turn();
    await new Promise<void>((r) => setTimeout(r, 5));
  }
}
const MiB = 1 << 20;

/** Puts a NaN-filled free block of n floats on the free list, for the next output of that size. */
async function poison(n: number): Promise<void> {
  let b: Float32Array | null = outputFloat32(n);
  b.fill(Number.NaN);
  b = null;
  await collect();
}

describe("native buffer pool", { skip }, () => {
  const a = addon!;
  const info = () => a.bufferPool!();

  it("hands out large outputs, takes them back once collected, and reuses them without their old contents showing", async () => {
    await collect();
    const n = (3 * MiB) / 4; // 3 MiB of float32
    let big: Float32Array | null = outputFloat32(n);
    assert.ok(info().outBytes >= 3 * MiB, `a 3 MiB output is a block: ${JSON.stringify(info())}`);
    big.fill(Number.NaN); // what a reuse must not leak
    big = null;
    await collect();
    const back = info();
    assert.ok(back.freeBytes >= 3 * MiB, `the block came back: ${JSON.stringify(back)}`);
    // A convolution whose output (2.9 MiB) fits that block: every element written, none NaN.
    const k = createNativeBackend(a).kernels;
    const gen = new Generator(5);
    const x = randomUniform([2, 48, 64, 8], { seed: gen });
    const w = randomUniform([3, 3, 8, 124], { seed: gen, minval: -0.5, maxval: 0.5 });
    const p = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] };
    const y = k.conv2d(x, w, p);
    assert.ok(info().reused > back.reused, `reused a free block: ${JSON.stringify(info())}`);
    assertClose(y, jsKernels.conv2d(x, w, p), { rtol: 1e-4, atol: 1e-4 });
  });

  it("kernels that write every element leave nothing of a reused block's old contents (max-pool gradient, elementwise, matmul)", async () => {
    const k = createNativeBackend(a).kernels;
    const gen = new Generator(9);
    // 2x2/2 windows over 33x33 (a row and a column past the last window), 1.1 MiB of dx.
    const x = randomUniform([4, 33, 33, 64], { seed: gen });
    const p = { windowShape: [2, 2] as [number, number], strides: [2, 2] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number] };
    const dy = randomUniform([4, 16, 16, 64], { seed: gen });
    await poison(x.size);
    let r0 = info().reused;
    assertClose(k.maxPool2dBackprop(dy, x, p), jsKernels.maxPool2dBackprop(dy, x, p), { msg: "max-pool gradient" });
    assert.ok(info().reused > r0, "the gradient reused the poisoned block");
    await poison(x.size);
    r0 = info().reused;
    assertClose(k.binary("mul", x, x), jsKernels.binary("mul", x, x), { msg: "mul" });
    assert.ok(info().reused > r0);
    const m = randomUniform([600, 300], { seed: gen });
    const n = randomUniform([300, 500], { seed: gen });
    await poison(600 * 500);
    r0 = info().reused;
    assertClose(k.matmul(m, n, false, false), jsKernels.matmul(m, n, false, false), { rtol: 1e-4, atol: 1e-4, msg: "matmul" });
    assert.ok(info().reused > r0);
  });

  it("convolution gradients and optimizer updates write all of a reused block (GEMM, Winograd, pointwise, strided paths)", async () => {
    const k = createNativeBackend(a).kernels;
    const gen = new Generator(11);
    const geom = (s: number, pad: number) => ({ strides: [s, s] as [number, number], dilations: [1, 1] as [number, number], pads: [pad, pad, pad, pad] as [number, number, number, number] });
    // 3x3x256x160 filters (1.4 MiB): Winograd at stride 1, the im2col GEMM and col2im at stride 2; 1x1x640x512.
    const cases: [number[], number[], ReturnType<typeof geom>][] = [
      [[2, 8, 8, 256], [3, 3, 256, 160], geom(1, 1)],
      [[2, 9, 9, 256], [3, 3, 256, 160], geom(2, 1)],
      [[2, 6, 6, 640], [1, 1, 640, 512], geom(1, 0)],
    ];
    for (const [xs, ws, p] of cases) {
      const x = randomUniform(xs, { seed: gen });
      const w = randomUniform(ws, { seed: gen, minval: -0.2, maxval: 0.2 });
      const dy = randomUniform(k.conv2d(x, w, p).shape, { seed: gen });
      const tol = { rtol: 1e-3, atol: 1e-3 };
      await poison(w.size);
      const r0 = info().reused;
      assertClose(k.conv2dBackpropFilter(x, dy, w.shape, p), jsKernels.conv2dBackpropFilter(x, dy, w.shape, p), { ...tol, msg: `filter grad ${ws} ${p.strides}` });
      assert.ok(info().reused > r0, "the filter gradient reused the poisoned block");
      if (x.size * 4 >= MiB) {
        await poison(x.size);
        assertClose(k.conv2dBackpropInput(dy, w, x.shape, p), jsKernels.conv2dBackpropInput(dy, w, x.shape, p), { ...tol, msg: `input grad ${xs}` });
      }
    }
    // Adam: new weights (and moments when they cannot be recycled) in reused blocks.
    const w = randomUniform([512, 600], { seed: gen });
    const g = randomUniform([512, 600], { seed: gen });
    const m = randomUniform([512, 600], { seed: gen });
    const v = randomUniform([512, 600], { seed: gen, minval: 0.1, maxval: 1 });
    const p = { alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null, lr: 1e-3 };
    for (let i = 0; i < 3; i++) await poison(w.size);
    const got = k.adamUpdate(w, g, m, v, null, p);
    const want = jsKernels.adamUpdate(w, g, m, v, null, p);
    assertClose(got.w, want.w, { msg: "adam w" });
    assertClose(got.m, want.m, { msg: "adam m" });
    assertClose(got.v, want.v, { msg: "adam v" });
  });

  it("stops handing out blocks to a loop that never yields, and starts again once they come back", async () => {
    await collect();
    const r0 = info().refused;
    // 320 MiB in a synchronous loop, nothing kept: nothing can come back before the loop ends.
    let last: Float32Array | null = null;
    for (let i = 0; i < 10; i++) last = outputFloat32((32 * MiB) / 4);
    assert.ok(last!.length === 8 * MiB);
    const mid = info();
    assert.ok(mid.refused > r0, `refused some: ${JSON.stringify(mid)}`);
    assert.ok(mid.unreturnedBytes <= 256 * MiB, `at most 256 MiB out since the last return: ${JSON.stringify(mid)}`);
    last = null;
    await collect();
    const after = info();
    assert.equal(after.unreturnedBytes, 0, JSON.stringify(after));
    assert.ok(after.freeBytes <= 256 * MiB, `the free list is capped: ${JSON.stringify(after)}`);
    const r1 = after.refused;
    outputFloat32((32 * MiB) / 4);
    assert.equal(info().refused, r1, "served again");
  });

  it("is switched off by setBufferPool(false): outputs come from V8 again", async () => {
    try {
      assert.equal(a.setBufferPool!(false), false);
      assert.equal(a.outputBuffer!(4 * MiB), null);
      const out = info().outBytes;
      outputFloat32(MiB);
      assert.equal(info().outBytes, out);
    } finally {
      a.setBufferPool!(true);
    }
    assert.ok(a.outputBuffer!(4 * MiB) instanceof ArrayBuffer);
  });
});
