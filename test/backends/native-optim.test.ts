// The native fused optimizer updates (native/optim.cc) against the js reference: the same bits, on
// odd sizes (a remainder after the vector loop, a chunk split over threads) with 1, 2 and 3 threads.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, randomNormal, randomUniform, Tensor } from "../../src/index.js";
import type { AdamUpdateParams, Kernels, RmspropUpdateParams, SgdUpdateParams } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native: Kernels = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(9);

/** Each thread count in turn (3: uneven partitions), restoring the pool's size after. */
function eachThreads(f: (t: number) => void): void {
  const { threads } = addon!.info();
  try {
    for (const t of [1, 2, 3]) {
      addon!.setNumThreads(t);
      f(t);
    }
  } finally {
    addon!.setNumThreads(threads);
  }
}

const bytes = (t: Tensor | null): Buffer | null => (t ? Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength) : null);

function sameBits(a: Record<string, Tensor | null>, b: Record<string, Tensor | null>, msg: string): void {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) {
    assert.equal(a[k] === null, b[k] === null, `${msg}: ${k} presence`);
    if (a[k] === null) continue;
    assert.equal(a[k]!.dtype, "float32");
    assert.deepEqual(a[k]!.shape, b[k]!.shape);
    assert.ok(bytes(a[k])!.equals(bytes(b[k])!), `${msg}: ${k} differs`);
  }
}

/** Operands of n elements: normal weights and gradients, nonnegative second moments (some exactly 0). */
function operands(n: number) {
  const shape = [n];
  const normal = () => randomNormal(shape, { seed: gen });
  const moment = () => {
    const t = randomUniform(shape, { minval: 0, maxval: 0.01, seed: gen });
    for (let i = 0; i < n; i += 5) t.values[i] = 0;
    return t;
  };
  return { w: normal(), g: normal(), m: normal(), v: moment(), vhat: moment(), avg: normal() };
}

const sizes = [1, 7, 1000, 1000003];

describe("native fused optimizer updates against the js reference", { skip }, () => {
  it("adamUpdate: with and without amsgrad and weight decay", () => {
    for (const n of sizes) {
      const o = operands(n);
      for (const ams of [false, true])
        for (const weightDecay of [null, 0.05]) {
          const p: AdamUpdateParams = { alpha: 0.0031, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay, lr: 0.01 };
          const want = jsKernels.adamUpdate(o.w, o.g, o.m, o.v, ams ? o.vhat : null, p);
          eachThreads((t) => sameBits(native.adamUpdate(o.w, o.g, o.m, o.v, ams ? o.vhat : null, p), want, `n=${n} amsgrad=${ams} decay=${weightDecay} threads=${t}`));
        }
    }
  });

  it("sgdUpdate: plain, momentum, nesterov, weight decay", () => {
    for (const n of sizes) {
      const o = operands(n);
      for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.8, true]] as const)
        for (const weightDecay of [null, 0.1]) {
          const p: SgdUpdateParams = { lr: 0.1, momentum, nesterov, weightDecay };
          const m = momentum ? o.m : null;
          const want = jsKernels.sgdUpdate(o.w, o.g, m, p);
          eachThreads((t) => sameBits(native.sgdUpdate(o.w, o.g, m, p), want, `n=${n} momentum=${momentum} nesterov=${nesterov} decay=${weightDecay} threads=${t}`));
        }
    }
  });

  it("rmspropUpdate: momentum and centered, weight decay", () => {
    for (const n of sizes) {
      const o = operands(n);
      for (const momentum of [0, 0.5])
        for (const centered of [false, true]) {
          const p: RmspropUpdateParams = { lr: 0.01, rho: 0.8, momentum, epsilon: 1e-7, weightDecay: centered ? 0.1 : null };
          const m = momentum ? o.m : null;
          const avg = centered ? o.avg : null;
          const want = jsKernels.rmspropUpdate(o.w, o.g, o.v, m, avg, p);
          eachThreads((t) => sameBits(native.rmspropUpdate(o.w, o.g, o.v, m, avg, p), want, `n=${n} momentum=${momentum} centered=${centered} threads=${t}`));
        }
    }
  });

  it("propagates NaN and infinity as the ops do (amsgrad's maximum keeps a NaN in its first operand)", () => {
    const o = operands(8);
    const special = [NaN, Infinity, -Infinity, 0, -0, 3e38, 1e-45, NaN];
    special.forEach((x, i) => {
      o.g.values[i] = x;
      o.vhat.values[(i + 3) % 8] = x;
    });
    const p: AdamUpdateParams = { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1, lr: 0.01 };
    sameBits(native.adamUpdate(o.w, o.g, o.m, o.v, o.vhat, p), jsKernels.adamUpdate(o.w, o.g, o.m, o.v, o.vhat, p), "adam specials");
    const q: RmspropUpdateParams = { lr: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, weightDecay: null };
    sameBits(native.rmspropUpdate(o.w, o.g, o.v, o.m, o.avg, q), jsKernels.rmspropUpdate(o.w, o.g, o.v, o.m, o.avg, q), "rmsprop specials");
  });

  it("writes into fitting reuse arrays and ignores ones that alias an input or do not fit", () => {
    const o = operands(1001);
    const p: AdamUpdateParams = { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null, lr: 0.01 };
    const want = jsKernels.adamUpdate(o.w, o.g, o.m, o.v, o.vhat, p);
    for (const [name, k] of [["js", jsKernels], ["native", native]] as const) {
      const m = new Float32Array(1001).fill(7), v = new Float32Array(1000);
      const got = k.adamUpdate(o.w, o.g, o.m, o.v, o.vhat, p, { m, v, vhat: o.g.values as Float32Array });
      assert.equal(got.m.values, m, `${name}: m written in place of a fresh array`);
      assert.notEqual(got.v.values, v, `${name}: a short array is not used`);
      assert.notEqual(got.vhat!.values, o.g.values, `${name}: an input's array is not used`);
      sameBits(got, want, `${name} with reuse`);
    }
  });

  it("leaves its inputs untouched and rejects operands of the wrong length", () => {
    const o = operands(9);
    const copies = Object.values(o).map((t) => t.values.slice());
    native.adamUpdate(o.w, o.g, o.m, o.v, o.vhat, { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1, lr: 0.01 });
    Object.values(o).forEach((t, i) => assert.deepEqual(t.values, copies[i]));
    const short = new Float32Array(8);
    const f = (t: Tensor) => t.values as Float32Array;
    const adam = (addon as unknown as { adamUpdate: (...a: unknown[]) => void }).adamUpdate;
    assert.throws(
      () => adam(f(o.w), short, f(o.m), f(o.v), null, new Float32Array(9), new Float32Array(9), new Float32Array(9), null, 0.01, 0.9, 0.999, 1e-7, null, 0.01),
      /adamUpdate: g has 8 elements, expected 9/,
    );
  });
});
