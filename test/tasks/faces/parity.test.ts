// deepts' rebuild of face-api's networks against face-api 1.7.15 on TF.js 4.22 (cpu), through the golden
// outputs in test/fixtures/faces/face_api.json (scripts/fixtures/gen_faces.mjs); no TF.js at test time.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { getBackend, stack } from "../../../src/index.js";
import { readImage } from "../../../src/io/images.js";
import type { Tensor } from "../../../src/tensor/tensor.js";
import {
  LANDMARK_INPUT_SIZE, RECOGNITION_INPUT_SIZE, detectFaceBoxes, embedFaces, faceDescriptors, loadFaceNet,
} from "../../../src/tasks/faces/index.js";
import { landmarksFromOutput } from "../../../src/tasks/faces/landmark-net.js";
import { toSquareInput } from "../../../src/tasks/faces/preprocess.js";
import { resizeBilinear } from "../../../src/ops/image.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "faces");
const fx = JSON.parse(readFileSync(join(fixtures, "face_api.json"), "utf8"));
const photoPath = join(dirname(createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json")), fx.photo.file);

interface FxFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: [number, number][];
  alignedRect: { x: number; y: number; width: number; height: number };
  descriptor: number[];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "lengths differ");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let photo: Tensor;
let crops: Tensor[];
before(async () => {
  photo = await readImage(photoPath);
  crops = await Promise.all(fx.crops.map((c: { file: string }) => readImage(join(fixtures, c.file))));
});

describe("faces: parity with face-api on TF.js", () => {
  it("FaceRecognitionNet: same 128-D descriptors for the same face crops (max abs diff <= 1e-4)", (t) => {
    const got = faceDescriptors(crops);
    fx.crops.forEach((c: { descriptor: number[] }, i: number) => {
      const d = maxAbsDiff(got[i], c.descriptor);
      t.diagnostic(`crop ${i}: descriptor max abs diff ${d.toExponential(2)}`);
      assert.ok(d <= 1e-4, `crop ${i}: max abs diff ${d}`);
    });
    // The two crops are different people: far apart, as face-api finds them.
    assert.ok(maxAbsDiff(got[0], got[1]) > 0.05);
  });

  it("FaceLandmark68Net: same 68 points for the same face crops (relative, max abs diff <= 1e-4)", (t) => {
    assert.equal(crops[0].shape[0], RECOGNITION_INPUT_SIZE);
    const net = loadFaceNet("faceLandmark68Net");
    const x = resizeBilinear(stack(crops), [LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE], { halfPixelCenters: false });
    const out = net.forward(x).values;
    fx.crops.forEach((c: { landmarksRelative: number[] }, i: number) => {
      const pts = landmarksFromOutput(out.subarray(136 * i, 136 * (i + 1)), 150, 150);
      const rel = pts.flatMap((p) => [p.x / 150, p.y / 150]);
      const d = maxAbsDiff(rel, c.landmarksRelative);
      t.diagnostic(`crop ${i}: landmarks max abs diff ${d.toExponential(2)} (fraction of the crop)`);
      assert.ok(d <= 1e-4, `crop ${i}: max abs diff ${d}`);
    });
  });

  it("TinyFaceDetector: same raw grid and the same boxes and scores on a 1920-px photo", (tc) => {
    const t = fx.tinyFaceDetector;
    const net = loadFaceNet("tinyFaceDetector");
    // face-api pads the photo at the bottom to a square, then resizes it to 416 (TF1 bilinear).
    const square = toSquareInput(photo, t.inputSize, false);
    const grid = net.forward(square);
    assert.deepEqual(grid.shape, t.grid.shape);
    const d = maxAbsDiff(grid.values, t.grid.data);
    tc.diagnostic(`raw grid max abs diff ${d.toExponential(2)}`);
    assert.ok(d <= 1e-3, `raw grid: max abs diff ${d}`);
    const faces = detectFaceBoxes(photo, { detector: "tinyFaceDetector", inputSize: t.inputSize, minScore: t.scoreThreshold });
    assert.equal(faces.length, t.faces.length);
    faces.forEach((f, i) => {
      const e = t.faces[i];
      assert.ok(Math.abs(f.score - e.score) <= 1e-5, `face ${i}: score ${f.score} vs ${e.score}`);
      const d = maxAbsDiff([f.x, f.y, f.width, f.height], [e.x, e.y, e.width, e.height]);
      tc.diagnostic(`face ${i}: box max diff ${d.toExponential(2)} px, score diff ${Math.abs(f.score - e.score).toExponential(2)}`);
      assert.ok(d <= 0.01, `face ${i}: box differs by ${d} px`);
    });
  });

  // SSD at 512x512 is about 3 GFLOP: 2 s on the native backend, 15 s on the js one.
  it("SSD MobileNetV1 + landmarks + aligned descriptors: face-api's whole pipeline on a 1920-px photo", { skip: getBackend() === "js" && "needs the native backend (slow on js)" }, (t) => {
    const want: FxFace[] = fx.ssdMobilenetv1.faces;
    const got = embedFaces(photo);
    assert.equal(got.length, want.length);
    got.forEach((f, i) => {
      const e = want[i];
      assert.ok(Math.abs(f.score - e.score) <= 1e-5, `face ${i}: score ${f.score} vs ${e.score}`);
      const bd = maxAbsDiff([f.box.x, f.box.y, f.box.width, f.box.height], [e.box.x, e.box.y, e.box.width, e.box.height]);
      assert.ok(bd <= 0.01, `face ${i}: box differs by ${bd} px`);
      const ld = maxAbsDiff(f.landmarks.flatMap((p) => [p.x, p.y]), e.landmarks.flat());
      assert.ok(ld <= 0.01, `face ${i}: landmarks differ by ${ld} px`);
      assert.deepEqual(f.alignedBox, e.alignedRect, `face ${i}: aligned crop`);
      const dd = maxAbsDiff(f.descriptor, e.descriptor);
      t.diagnostic(`face ${i}: box ${bd.toExponential(2)} px, landmarks ${ld.toExponential(2)} px, descriptor ${dd.toExponential(2)}`);
      assert.ok(dd <= 1e-4, `face ${i}: descriptor max abs diff ${dd}`);
    });
  });
});
