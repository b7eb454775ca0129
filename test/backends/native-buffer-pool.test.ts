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
