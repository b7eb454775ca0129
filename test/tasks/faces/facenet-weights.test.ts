// The course's FaceNet as an embedding model: its weights from the course's CSV folder and from Keras files
// (written here by deepts; scripts/fixtures/check_facenet_weights.py checks Keras-written ones, 1.6e-7), the
// course's img_to_encoding preprocessing, model ids, the threshold stored beside the weights, and the errors.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { faceRecoModel } from "../../../src/applications/facenet.js";
import { saveModel } from "../../../src/io/model-io.js";
import type { Model } from "../../../src/models/model.js";
import { FaceDatabase } from "../../../src/tasks/faces/db.js";
import {
  FACE_MODEL_INFO, courseFaceNetEmbedder, faceNetInputBatch, loadFaceEmbedder, readFaceModelThreshold, saveFaceModelThreshold,
} from "../../../src/tasks/faces/embedders.js";
import { FACENET_COURSE_THRESHOLD, faceNetModelId, loadCourseFaceNet } from "../../../src/tasks/faces/facenet-weights.js";
import { faceEmbeddingModelId, resolveThreshold } from "../../../src/tasks/faces/recognize.js";
import { seededRandom } from "../../../src/tasks/faces/triplet-batches.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { transpose } from "../../../src/ops/movement.js";

/** faceRecoModel with every weight random (batch norm statistics too), so that a misplaced value shows. */
function randomFaceNet(seed: number): Model {
  const m = faceRecoModel();
  const r = seededRandom(seed);
  for (const l of m.layers) {
    if (l.weights.length === 0) continue;
    const bn = l.className === "BatchNormalization";
    l.setWeights(l.weights.map((w, i) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const fan = w.shape.length > 1 ? n / w.shape[w.shape.length - 1] : 1;
      const v = new Float32Array(n);
      for (let k = 0; k < n; k++) v[k] = bn ? (i === 0 || i === 3 ? 0.5 + r() : 0.2 * (r() - 0.5)) : (r() - 0.5) * Math.sqrt(12 / fan) * (i === 1 ? 0.1 : 1);
      return new Tensor(v, [...w.shape], "float32");
    }));
  }
  return m;
}

/** Writes `m`'s weights as the course's CSV folder: conv [out, in, kh, kw] (Torch), dense [128, 736], batch norm w/b/m/v. */
function writeCourseCsv(m: Model, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const csv = (name: string, rows: number, v: ArrayLike<number>): void => {
    const cols = v.length / rows;
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => String(v[r * cols + c])).join(","));
    writeFileSync(join(dir, `${name}.csv`), lines.join("\n") + "\n");
  };
  for (const l of m.layers) {
    const ws = l.getWeights();
    if (ws.length === 0) continue;
    if (l.className === "Conv2D") {
      const [kh, kw, cin, cout] = ws[0].shape;
      const k = ws[0].values;
      const t = new Float32Array(k.length);
      // The course reads it with np.transpose(np.reshape(w, [out, in, kh, kw]), (2, 3, 1, 0)).
      for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++)
        t[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
      csv(`${l.name}_w`, cout, t);
      csv(`${l.name}_b`, 1, ws[1].values);
    } else if (l.className === "BatchNormalization") ["w", "b", "m", "v"].forEach((s, i) => csv(`${l.name}_${s}`, 1, ws[i].values));
    else {
      const [din, units] = ws[0].shape;
      const t = new Float32Array(din * units);
      for (let i = 0; i < din; i++) for (let u = 0; u < units; u++) t[u * din + i] = ws[0].values[i * units + u];
      csv("dense_w", units, t);
      csv("dense_b", 1, ws[1].values);
    }
  }
}

/** A face-sized RGB image with a pattern of its own. */
function face(seed: number, h = 120, w = 100): Tensor {
  const r = seededRandom(seed);
  const v = new Float32Array(h * w * 3);
  for (let i = 0; i < v.length; i++) v[i] = Math.floor(255 * r());
  return new Tensor(v, [h, w, 3]);
}

describe("faces: the course's FaceNet as the embedding model", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-facenet-"));
  let model: Model;
  before(() => {
    model = randomFaceNet(3);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("preprocesses as the course's img_to_encoding: 96x96, RGB, /255, channels first, the crop padded to a square", () => {
    const red = new Tensor(new Float32Array(60 * 30 * 3).map((_, i) => (i % 3 === 0 ? 255 : i % 3 === 1 ? 51 : 0)), [60, 30, 3]);
    const x = faceNetInputBatch([red, face(1)]);
    assert.deepEqual(x.shape, [2, 3, 96, 96]);
    const v = x.values;
    const at = (c: number, y: number, xx: number): number => v[(c * 96 + y) * 96 + xx];
    // Centre: the red pixels (R 1.0, G 0.2, B 0); the sides: the zero padding of the 60x30 crop's square.
    assert.ok(Math.abs(at(0, 48, 48) - 1) < 1e-6 && Math.abs(at(1, 48, 48) - 0.2) < 1e-6 && at(2, 48, 48) === 0);
    assert.equal(at(0, 48, 2), 0);
    assert.ok(Math.max(...Array.from(v)) <= 1 && Math.min(...Array.from(v)) >= 0);
  });

  it("loads the course's CSV weights folder (Torch layout) to the same network and the same model id", async () => {
    const csvDir = join(dir, "weights");
    writeCourseCsv(model, csvDir);
    const loaded = await loadCourseFaceNet(csvDir);
    const x = faceNetInputBatch([face(2)]);
    const want = (model.predict(x) as Tensor).values;
    const got = (loaded.predict(x) as Tensor).values;
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
    assert.ok(d < 1e-6, `max difference ${d}`);
    assert.equal(faceNetModelId(loaded), faceNetModelId(model));
    assert.match(faceNetModelId(model), /^course\.facenet\.faceRecoModel\/sha256:[0-9a-f]{12}$/);
    assert.notEqual(faceNetModelId(model), faceNetModelId(faceRecoModel()), "other weights, another id");
    assert.notEqual(faceNetModelId(model), faceEmbeddingModelId());
  });

  it("loads a .keras file as an embedder: unit-norm 128-D descriptors, the model's own, with the course's threshold", async () => {
    const file = join(dir, "facenet.keras");
    await saveModel(model, file);
    const e = await loadFaceEmbedder(file);
    assert.equal(e.kind, "course-facenet");
    assert.equal(e.id, faceNetModelId(model));
    assert.equal(e.inputSize, 96);
    assert.equal(e.threshold, undefined);
    assert.equal(e.defaultThreshold, FACENET_COURSE_THRESHOLD);
    const crops = [face(4), face(5, 80, 90), face(4)];
    const d = e.embed(crops);
    assert.equal(d.length, 3);
    const norm = (a: Float32Array): number => Math.hypot(...Array.from(a));
    for (const a of d) assert.ok(Math.abs(norm(a) - 1) < 1e-5 && a.length === 128);
    assert.deepEqual(d[0], d[2]);
    // The embedder runs a channels-last copy of the network: the same encodings as the course's model.
    const want = (model.predict(faceNetInputBatch([crops[1]])) as Tensor).values;
    assert.ok(d[1].every((v, i) => Math.abs(v - want[i]) < 1e-6));
    assert.deepEqual(e.embed([]), []);
  });

  it("faceRecoModel channels last: the same layers and parameters, the same encodings with the same weights", () => {
    const cl = faceRecoModel({ dataFormat: "channelsLast" });
    assert.equal(cl.countParams(), 3743280);
    assert.deepEqual(cl.layers.map((l) => l.name), model.layers.map((l) => l.name));
    for (const l of model.layers) if (l.weights.length > 0) cl.getLayer(l.name).setWeights(l.getWeights());
    const x = faceNetInputBatch([face(6), face(7)]);
    const want = (model.predict(x) as Tensor).values;
    const got = (cl.predict(transpose(x, [0, 2, 3, 1])) as Tensor).values;
    assert.ok(got.every((v, i) => Math.abs(v - want[i]) < 1e-6));
    assert.throws(() => faceRecoModel({ dataFormat: "channelsLast", inputShape: [3, 96, 96] }), /inputShape must be \[height, width, 3\] \(channels last\)/);
  });

  it("keeps the calibrated threshold beside the weights, for those weights only; resolveThreshold's order", async () => {
    const file = join(dir, "facenet.keras");
    const id = faceNetModelId(model);
    assert.equal(saveFaceModelThreshold(file, id, 0.55, "test"), `${file}.${FACE_MODEL_INFO}`);
    assert.equal(readFaceModelThreshold(file, id), 0.55);
    assert.equal((await loadFaceEmbedder(file)).threshold, 0.55);
    assert.throws(() => readFaceModelThreshold(file, "other/v1"), /holds a threshold calibrated for the model "course\.facenet.*, but the weights beside it are other\/v1; delete it or calibrate again/);
    writeFileSync(`${file}.${FACE_MODEL_INFO}`, "{oops");
    assert.throws(() => readFaceModelThreshold(file, id), /face-model\.json: cannot read it as JSON/);
    unlinkSync(`${file}.${FACE_MODEL_INFO}`);
    assert.equal(readFaceModelThreshold(file, id), undefined);
    assert.throws(() => saveFaceModelThreshold(file, id, -1), /threshold must be a positive number/);

    const db = FaceDatabase.open(join(dir, "t.db"));
    const e = courseFaceNetEmbedder(model, file, 0.55);
    assert.deepEqual(resolveThreshold(db, e.id, 0.3, e), { threshold: 0.3, source: "given" });
    assert.deepEqual(resolveThreshold(db, e.id, undefined, e), { threshold: 0.55, source: "model" });
    assert.deepEqual(resolveThreshold(db, e.id, undefined, { defaultThreshold: 0.7 }), { threshold: 0.7, source: "default" });
    db.setThreshold(e.id, 0.5);
    assert.deepEqual(resolveThreshold(db, e.id, undefined, e), { threshold: 0.5, source: "database" });
    db.close();
  });

  it("refuses missing, misnamed and corrupt weights with messages that name the file", async () => {
    const csvDir = join(dir, "weights");
    await assert.rejects(loadFaceEmbedder(join(dir, "nope.h5")), /face model ".*nope\.h5": no such file or folder/);
    writeFileSync(join(dir, "model.txt"), "x");
    await assert.rejects(loadFaceEmbedder(join(dir, "model.txt")), /model\.txt": expected a folder written by deepts faces-train -o .* or a Keras file/);
    mkdirSync(join(dir, "empty"));
    await assert.rejects(loadFaceEmbedder(join(dir, "empty")), /empty": expected a folder written by deepts faces-train -o/);
    writeFileSync(join(dir, "bad.keras"), "not a zip");
    await assert.rejects(loadFaceEmbedder(join(dir, "bad.keras")), /bad\.keras": cannot load the course's FaceNet: .*bad\.keras/);
    writeFileSync(join(dir, "bad.h5"), new Uint8Array(2048));
    await assert.rejects(loadFaceEmbedder(join(dir, "bad.h5")), /bad\.h5": cannot load the course's FaceNet: .*bad\.h5.*not an HDF5 file/);
    // The CSV folder: the first layers' files broken in three ways (read in layer order, so the error is quick).
    writeFileSync(join(csvDir, "conv1_b.csv"), "1,2,3\n");
    await assert.rejects(loadCourseFaceNet(csvDir), /conv1_b\.csv: 3 values, but the bias of conv1 has 64/);
    writeFileSync(join(csvDir, "conv1_b.csv"), `${Array(63).fill("0.5").join(",")},abc\n`);
    await assert.rejects(loadCourseFaceNet(csvDir), /conv1_b\.csv: "abc" is not a number \(value 64 of the bias of conv1\)/);
    writeFileSync(join(csvDir, "conv1_b.csv"), `${Array(64).fill("0.5").join(",")}\n`);
    unlinkSync(join(csvDir, "bn1_v.csv"));
    await assert.rejects(loadFaceEmbedder(csvDir), /weights": cannot load the course's FaceNet: .*bn1_v\.csv: cannot read the moving variance of bn1 \(no such file\)/);
  });
});
