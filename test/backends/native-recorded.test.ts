// Kernel call recording in the addon (native/recorded.cc): calls recorded once replay on new inputs; an entry
// point that computes outside the recorder spoils the recording; misuse gets clear errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon() as unknown as Record<string, (...a: unknown[]) => unknown> | null;
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const a = addon!;

const UNARY_RELU = 10; // native/simd.h U_RELU
const BINARY_ADD = 0; // native/simd.h B_ADD

/** y = relu(x) + b, recorded; returns the recording, its input and output arrays. */
function recordReluAdd(b: Float32Array): { rec: object; x: Float32Array; y: Float32Array } {
  const x = new Float32Array(b.length);
  const t = new Float32Array(b.length);
  const y = new Float32Array(b.length);
  assert.equal(a.recordStart(), true);
  a.unary(UNARY_RELU, x, t);
  const shape = Int32Array.of(b.length);
  const one = Int32Array.of(1);
  a.binary(BINARY_ADD, t, b, y, shape, one, one);
  const rec = a.recordFinish([x], [y]) as object;
  assert.ok(rec, "recorded");
  return { rec, x, y };
}

describe("native kernel recording", { skip }, () => {
  it("replays the recorded calls on new inputs, into the caller's outputs", () => {
    const b = Float32Array.from({ length: 37 }, (_, i) => i / 10);
    const { rec, x, y } = recordReluAdd(b);
    for (const scale of [1, -2, 3.5]) {
      const input = Float32Array.from({ length: 37 }, (_, i) => scale * (i - 18));
      const out = new Float32Array(37);
      a.replayRecorded(rec, [input], [out]);
      assert.deepEqual(Array.from(out), Array.from(input, (v, i) => Math.fround(Math.max(v, 0) + b[i])));
    }
    // The recorded input and output arrays are the recording's: it copies in and out of them.
    assert.deepEqual(Array.from(x), Array.from({ length: 37 }, (_, i) => 3.5 * (i - 18)));
    assert.equal(y[36], Math.fround(3.5 * 18 + 3.6));
  });

  it("refuses a second recording inside one, and counts on inputs and outputs as recorded", () => {
    const { rec } = recordReluAdd(new Float32Array(8));
    assert.equal(a.recordStart(), true);
    assert.equal(a.recordStart(), false, "nested");
    a.recordAbort();
    assert.throws(() => a.recordFinish([], []), /recordFinish: no recording is on/);
    assert.throws(() => a.replayRecorded(rec, [new Float32Array(9)], [new Float32Array(8)]), /input's size differs/);
    assert.throws(() => a.replayRecorded(rec, [new Float32Array(8)], []), /numbers of inputs and outputs/);
    assert.throws(() => a.replayRecorded({}, [new Float32Array(8)], [new Float32Array(8)]), /argument 0 must be a recording/);
    assert.throws(() => a.replayRecorded(rec, [new Int32Array(8)], [new Float32Array(8)]), /array of Float32Arrays/);
  });

  it("is spoiled by an entry point that computes without the recorder, and empty recordings are null", () => {
    assert.equal(a.recordStart(), true);
    a.unary(UNARY_RELU, new Float32Array(4), new Float32Array(4));
    a.reluBackprop(0, new Float32Array(4), new Float32Array(4), new Float32Array(4)); // a training kernel: not recorded
    assert.equal(a.recordFinish([], []), null);
    assert.equal(a.recordStart(), true);
    a.holdThreads(true); // settings and allocations need no replay
    a.holdThreads(false);
    assert.equal(a.recordFinish([], []), null, "nothing recorded");
  });

  it("replays a recording inside another as one call", () => {
    const b = Float32Array.from({ length: 5 }, (_, i) => i);
    const inner = recordReluAdd(b).rec;
    const x = new Float32Array(5);
    const mid = new Float32Array(5);
    const y = new Float32Array(5);
    assert.equal(a.recordStart(), true);
    a.replayRecorded(inner, [x], [mid]);
    a.unary(UNARY_RELU, mid, y);
    const outer = a.recordFinish([x], [y]) as object;
    const out = new Float32Array(5);
    a.replayRecorded(outer, [Float32Array.of(-1, 2, -3, 4, -5)], [out]);
    assert.deepEqual(Array.from(out), [0, 3, 2, 7, 4]);
  });
});

describe("native copyBox", { skip }, () => {
  it("copies a box between shapes after an optional fill, and rejects boxes outside either shape", () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i + 1);
    const y = new Float32Array(4 * 5);
    const i32 = (...v: number[]) => Int32Array.from(v);
    a.copyBox(x, y, i32(4, 6), i32(4, 5), i32(1, 2), i32(2, 1), i32(2, 3), -1);
    assert.deepEqual(Array.from(y), [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 9, 10, 11, -1, -1, 15, 16, 17, -1]);
    a.copyBox(x, y, i32(4, 6), i32(4, 5), i32(0, 0), i32(0, 0), i32(1, 1), null);
    assert.equal(y[0], 1, "no fill: the rest stays");
    assert.equal(y[1], -1);
    assert.throws(() => a.copyBox(x, y, i32(4, 6), i32(4, 5), i32(3, 0), i32(0, 0), i32(2, 1), null), /box must lie inside both shapes/);
    assert.throws(() => a.copyBox(x, y, i32(4, 6), i32(4, 5), i32(0, 0), i32(0, 3), i32(1, 3), null), /box must lie inside both shapes/);
    assert.throws(() => a.copyBox(x, y, i32(4, 6), i32(4, 4), i32(0, 0), i32(0, 0), i32(1, 1), null), /y has 20 elements, expected 16/);
    assert.throws(() => a.copyBox(x, y, i32(4, 6), i32(4, 5, 1), i32(0, 0), i32(0, 0), i32(1, 1), null), /same rank/);
  });
});
