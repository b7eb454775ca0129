import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { cast, detectFaceBoxes, detectFaces, embedFaces, faceDescriptors, faceLandmarks, full, readImage, slice } from "../../../src/index.js";
import type { Tensor } from "../../../src/tensor/tensor.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "faces");
let crops: Tensor[];
before(async () => {
  crops = [await readImage(join(fixtures, "crop-0.png")), await readImage(join(fixtures, "crop-1.png"))];
});

describe("faces: pipeline", () => {
  it("a batch of descriptors equals the descriptors computed one at a time, for any crop size and dtype", () => {
    // A non-square crop is padded to a square and resized to 150x150; an int32 image is cast.
    const wide = slice(crops[0], [0, 0, 0], [120, 150, 3]);
    const [b0, b1, bw] = faceDescriptors([crops[0], crops[1], wide]);
    const [s1] = faceDescriptors([cast(crops[1], "int32")]);
    assert.ok(b1.every((v, i) => Math.abs(v - s1[i]) <= 1e-5));
    assert.equal(bw.length, 128);
    assert.ok(bw.some((v, i) => Math.abs(v - b0[i]) > 1e-3), "a different crop gives a different descriptor");
    assert.deepEqual(faceDescriptors([]), []);
  });

  it("finds a face and its landmarks in a face crop with the tiny detector", () => {
    const faces = detectFaces(crops[0], { detector: "tinyFaceDetector", inputSize: 160 });
    assert.equal(faces.length, 1);
    const f = faces[0];
    assert.ok(f.score > 0.5 && f.box.width > 50, JSON.stringify(f));
    assert.equal(f.landmarks.length, 68);
    // Eyes above the mouth, inside the image.
    const eyeY = (f.landmarks[37].y + f.landmarks[44].y) / 2;
    assert.ok(eyeY < f.landmarks[57].y);
    assert.ok(f.landmarks.every((p) => p.x > -5 && p.x < 155 && p.y > -5 && p.y < 155));
  });

  it("finds no face in a flat grey image and returns empty lists", () => {
    const grey = full([120, 200, 3], 128);
    assert.deepEqual(detectFaces(grey, { detector: "tinyFaceDetector", inputSize: 128 }), []);
    assert.deepEqual(embedFaces(grey, { detector: "tinyFaceDetector", inputSize: 128 }), []);
    assert.deepEqual(faceLandmarks(grey, []), []);
  });

  it("rejects bad images, options and boxes with messages that say what and where", () => {
    const bad = full([10, 10], 1);
    assert.throws(() => detectFaces(bad), /detectFaces: expected an RGB image \[height, width, 3\].*got \[10, 10\]/);
    assert.throws(() => faceDescriptors([full([5, 5, 4], 1)]), /faceDescriptors: expected an RGB image/);
    const img = full([40, 40, 3], 100);
    assert.throws(() => detectFaceBoxes(img, { detector: "yolo" as "tinyFaceDetector" }), /detector must be "ssdMobilenetv1" or "tinyFaceDetector"/);
    assert.throws(() => detectFaceBoxes(img, { minScore: 1.5 }), /minScore must be in \(0, 1\)/);
    assert.throws(() => detectFaceBoxes(img, { detector: "tinyFaceDetector", inputSize: 100 }), /inputSize must be a positive multiple of 32/);
    assert.throws(() => detectFaceBoxes(img, { maxResults: 0 }), /maxResults must be a positive integer/);
    assert.throws(() => faceLandmarks(img, [{ x: 50, y: 50, width: 10, height: 10 }]), /faceLandmarks: box 0 .* lies outside the 40x40 image/);
  });
});
