import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Point, alignedFaceRect, euclideanDistance, identifyFace, meanDistance, verifyFace } from "../../../src/index.js";
import { clipRect, iou, nonMaxSuppression } from "../../../src/tasks/faces/geometry.js";
import { padToSquare, toSquareInput } from "../../../src/tasks/faces/preprocess.js";
import { randomUniform, reshape, resizeBilinear } from "../../../src/index.js";
import { Tensor } from "../../../src/tensor/tensor.js";

describe("faces: geometry", () => {
  it("iou of overlapping, nested, disjoint and empty boxes", () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    assert.equal(iou(a, a), 1);
    assert.equal(iou(a, { x: 5, y: 0, width: 10, height: 10 }), 50 / 150);
    assert.equal(iou(a, { x: 2, y: 2, width: 4, height: 4 }), 16 / 100);
    assert.equal(iou(a, { x: 20, y: 20, width: 5, height: 5 }), 0);
    assert.equal(iou({ x: 0, y: 0, width: 0, height: 0 }, { x: 0, y: 0, width: 0, height: 0 }), 0);
  });

  it("non-max suppression keeps the best of each cluster, best first, ties to the later index as face-api", () => {
    const boxes = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 1, y: 1, width: 10, height: 10 }, // IoU 0.68 with box 0
      { x: 50, y: 50, width: 10, height: 10 },
      { x: 6, y: 0, width: 10, height: 10 }, // IoU 0.25 with box 0: kept at threshold 0.4
    ];
    assert.deepEqual(nonMaxSuppression(boxes, [0.9, 0.95, 0.5, 0.7], 0.4), [1, 3, 2]);
    assert.deepEqual(nonMaxSuppression(boxes, [0.9, 0.95, 0.5, 0.7], 0.2), [1, 2]);
    assert.deepEqual(nonMaxSuppression([boxes[0], boxes[0]], [0.5, 0.5], 0.4), [1]);
    assert.deepEqual(nonMaxSuppression([], [], 0.4), []);
  });

  it("clips boxes to the image and floors them", () => {
    assert.deepEqual(clipRect({ x: -5.5, y: 3.7, width: 20, height: 10 }, 10, 8), { x: 0, y: 3, width: 10, height: 4 });
    assert.deepEqual(clipRect({ x: 2.9, y: 2.1, width: 3.5, height: 3.5 }, 100, 100), { x: 2, y: 2, width: 3, height: 3 });
    assert.equal(clipRect({ x: 20, y: 0, width: 5, height: 5 }, 10, 10).width <= 0, true);
  });

  it("aligns on eyes and mouth: size = mean eye-mouth distance / 0.45, centred at 0.5 / 0.43", () => {
    const pts: Point[] = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
    for (let i = 36; i < 42; i++) pts[i] = { x: 100, y: 100 }; // left eye
    for (let i = 42; i < 48; i++) pts[i] = { x: 140, y: 100 }; // right eye
    for (let i = 48; i < 68; i++) pts[i] = { x: 120, y: 145 }; // mouth
    const d = Math.hypot(20, 45);
    const size = Math.floor(d / 0.45);
    const cy = (100 + 100 + 145) / 3;
    assert.deepEqual(alignedFaceRect(pts, 640, 480), { x: Math.floor(120 - size / 2), y: Math.floor(cy - 0.43 * size), width: size, height: size });
    assert.throws(() => alignedFaceRect(pts.slice(0, 5), 640, 480), /expected 68 landmarks, got 5/);
  });

  it("pads to a square with zeros: centred (larger half after) or all after", () => {
    const img = new Tensor(new Float32Array(2 * 5).fill(7), [2, 5, 1]);
    const c = padToSquare(img, true);
    assert.deepEqual(c.shape, [5, 5, 1]);
    const rows = (t: Tensor) => Array.from({ length: 5 }, (_, r) => t.values[r * 5]);
    assert.deepEqual(rows(c), [0, 7, 7, 0, 0]);
    assert.deepEqual(rows(padToSquare(img, false)), [7, 7, 0, 0, 0]);
    const tall = padToSquare(new Tensor(new Float32Array(3).fill(1), [3, 1, 1]), true);
    assert.deepEqual(Array.from(tall.values), [1, 1, 1].flatMap((v) => [0, v, 0]));
  });
});

describe("faces: square inputs", () => {
  it("pad-and-resize in one pass equals padToSquare then resizeBilinear (TF1 style), for every layout", () => {
    for (const [h, w] of [[37, 50], [50, 37], [9, 9], [300, 17]]) {
      const img = randomUniform([h, w, 3], { minval: 0, maxval: 255, seed: h * w });
      for (const center of [true, false])
        for (const size of [16, 41, 64]) {
          const got = toSquareInput(img, size, center);
          const p = padToSquare(img, center);
          const want = resizeBilinear(reshape(p, [1, ...p.shape]), [size, size], { halfPixelCenters: false });
          assert.deepEqual(got.shape, [1, size, size, 3]);
          let d = 0;
          for (let i = 0; i < got.size; i++) d = Math.max(d, Math.abs(got.values[i] - want.values[i]));
          // TF.js (which toSquareInput follows) computes source coordinates in doubles, the op in float32 as TF's C++.
          assert.ok(d < 1e-2, `${h}x${w} center=${center} size=${size}: max diff ${d}`);
        }
    }
  });
});

describe("faces: verification and identification", () => {
  const a = new Float32Array([0, 0, 0]);
  const b = new Float32Array([0.3, 0.4, 0]); // distance 0.5 from a
  const c = new Float32Array([3, 4, 0]); // distance 5 from a

  it("euclidean distance and mean distance", () => {
    assert.ok(Math.abs(euclideanDistance(a, b) - 0.5) < 1e-7);
    assert.equal(euclideanDistance(c, c), 0);
    assert.throws(() => euclideanDistance(a, new Float32Array(4)), /differ in length \(3 vs 4\)/);
    assert.ok(Math.abs(meanDistance(a, [b, c]) - 2.75) < 1e-6);
    assert.throws(() => meanDistance(a, []), /no reference descriptors/);
  });

  it("verifies below the threshold (default 0.6), against one or several references", () => {
    assert.equal(verifyFace(a, b).match, true);
    assert.equal(verifyFace(a, c).match, false);
    assert.equal(verifyFace(a, b, 0.5).match, false, "strictly below");
    assert.equal(verifyFace([0, 0, 0], [[0.3, 0.4, 0], [0.3, 0.4, 0]]).match, true);
    assert.ok(Math.abs(verifyFace(a, [b, c]).distance - 2.75) < 1e-6);
    assert.throws(() => verifyFace(a, b, 0), /threshold must be a positive number/);
  });

  it("identifies the closest identity by mean distance, or unknown past the threshold", () => {
    const db = { ada: [b], alan: [c, c] };
    assert.equal(identifyFace(a, db).name, "ada");
    assert.equal(identifyFace(new Float32Array([3, 4, 0.1]), db).name, "alan");
    const far = identifyFace(new Float32Array([10, 10, 10]), db);
    assert.equal(far.name, "unknown");
    assert.ok(far.distance > 0.6);
    assert.equal(identifyFace(a, new Map([["grace", [b]]])).name, "grace");
    assert.deepEqual(identifyFace(a, {}), { name: "unknown", distance: Infinity });
  });
});
