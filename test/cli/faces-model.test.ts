// `deepts faces --model / --model-dir`: the embedding model chosen on the command line: the course's FaceNet
// (a random-weight faceRecoModel saved as .keras here: meaningless distances, but the real loading and
// pipeline), and a folder in the format deepts faces-train writes, with its threshold beside the weights.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { faceRecoModel } from "../../src/applications/facenet.js";
import { getBackend, readImage, reverse, saveModel, slice, writeImage } from "../../src/index.js";
import {
  FaceDatabase, TrainableFaceRecognitionNet, faceEmbeddingModelId, faceNetModelId, loadFaceNet, saveFaceModelThreshold,
  saveFaceRecognitionWeights,
} from "../../src/tasks/faces/index.js";
import { run } from "./capture.js";

const demo = join(dirname(createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json")), "demo");
const slow = getBackend() === "js" && "runs the face pipeline: needs the native backend to be quick";

describe("deepts faces --model", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-faces-model-"));
  const p = (f: string): string => join(dir, f);
  const facenet = p("facenet.keras");
  const tuned = p("tuned");
  let facenetId = "";
  const snapshot = (path: string): string => {
    const d = FaceDatabase.open(path, { readonly: true });
    const j = d.exportJSON();
    d.close();
    return JSON.stringify({ ...j, exportedAt: 0 });
  };
  before(async () => {
    const image = await readImage(join(demo, "sample1.jpg"));
    const anna = slice(image, [80, 1376, 0], [460, 420, 3]);
    await writeImage(p("anna.jpg"), anna);
    await writeImage(p("anna-mirror.png"), reverse(anna, 1));
    await writeImage(p("bella.png"), slice(image, [250, 320, 0], [400, 360, 3]));
    const model = faceRecoModel();
    facenetId = faceNetModelId(model);
    await saveModel(model, facenet);
    // The layout deepts faces-train -o writes (face-api's weights, folded), and a threshold beside it.
    saveFaceRecognitionWeights(new TrainableFaceRecognitionNet(loadFaceNet("faceRecognitionNet")), tuned);
    saveFaceModelThreshold(tuned, faceEmbeddingModelId(tuned), 1.1, "test");
    writeFileSync(p("corrupt.keras"), "PK\u0003\u0004 not really a zip");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("enrolls and verifies with the course's FaceNet; a database of one model refuses the other", { skip: slow }, async () => {
    const db = p("course.db");
    const e = await run(["faces", "enroll", "anna", p("anna.jpg"), "--model", facenet, "--db", db]);
    assert.equal(e.code, 0, e.err);
    const d = FaceDatabase.open(db, { readonly: true });
    assert.deepEqual(d.people().map((x) => [x.name, x.model]), [["anna", facenetId]]);
    assert.equal(d.embeddings("anna")[0].descriptor.length, 128);
    d.close();
    const v = await run(["faces", "verify", "anna", p("anna.jpg"), "--model", facenet, "--db", db, "--json"]);
    assert.equal(v.code, 0, v.err);
    const doc = JSON.parse(v.out);
    assert.equal(doc.threshold, 0.7, "the course's threshold for its FaceNet");
    assert.ok(doc.distance < 1e-5, `the same photo: distance ${doc.distance}`);
    const before = snapshot(db);
    const msg = /holds descriptors of the embedding model "course\.facenet\.faceRecoModel\/sha256:[0-9a-f]{12}", but these come from "face-api\.faceRecognitionNet\/sha256:[0-9a-f]{12}"; descriptors of different models cannot be compared\..* --model chooses the embedding model/;
    for (const argv of [["verify", "anna", p("anna.jpg")], ["enroll", "bella", p("bella.png")], ["identify", p("anna.jpg"), "--no-annotate"]]) {
      const r = await run(["faces", ...argv, "--db", db]);
      assert.equal(r.code, 1, argv.join(" "));
      assert.match(r.err, msg, argv.join(" "));
    }
    assert.equal(snapshot(db), before, "the refused commands changed nothing");
  });

  it("--model-dir: a faces-train folder, its threshold read from beside the weights, --threshold over it", { skip: slow }, async () => {
    const db = p("tuned.db");
    assert.equal((await run(["faces", "enroll", "anna", p("anna.jpg"), "--model-dir", tuned, "--db", db])).code, 0);
    const v = await run(["faces", "verify", "anna", p("anna-mirror.png"), "--model-dir", tuned, "--db", db]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /^anna: verified \(distance 0\.\d{3} < threshold 1\.100\)\n$/);
    const o = await run(["faces", "verify", "anna", p("anna-mirror.png"), "--model", tuned, "--db", db, "--threshold", "0.01"]);
    assert.equal(o.code, 3, o.err);
    assert.match(o.out, /^not anna: distance 0\.\d{3} >= threshold 0\.010\n$/);
    const l = await run(["faces", "list", "--db", db, "--model-dir", tuned]);
    assert.match(l.out, /1 person; model face-api\.faceRecognitionNet\/sha256:\w{12}; threshold 1\.1 \(calibrated, stored beside the model's weights\)\n$/);
    // Without its face-model.json, the fine-tuned model falls back on 0.6, with a note saying how to calibrate it.
    unlinkSync(join(tuned, "face-model.json"));
    const n = await run(["faces", "verify", "anna", p("anna-mirror.png"), "--model-dir", tuned, "--db", db]);
    assert.match(n.out, /threshold 0\.600\)?\n$/);
    assert.match(n.err, /^note: no threshold was calibrated for the model in .*tuned \(no face-model\.json beside it\); using 0\.6\. Calibrate it: deepts faces calibrate PAIRS --model .*tuned --save-model\n/);
    const id = await run(["faces", "identify", p("bella.png"), "--db", db, "--model", facenet, "--no-annotate"]);
    assert.equal(id.code, 1);
    assert.match(id.err, /holds descriptors of the embedding model "face-api\.faceRecognitionNet\/sha256:\w{12}", but these come from "course\.facenet/);
  });

  it("a missing or corrupt model: a clear error naming it, and nothing is created or changed", async () => {
    const fresh = p("fresh.db");
    const cases: [string[], number, RegExp][] = [
      [["enroll", "anna", p("anna.jpg"), "--model", p("nope.keras")], 1, /--model ".*nope\.keras": no such file or folder/],
      [["enroll", "anna", p("anna.jpg"), "--model", p("corrupt.keras")], 1, /--model ".*corrupt\.keras": cannot load the course's FaceNet: .*corrupt\.keras/],
      [["enroll", "anna", p("anna.jpg"), "--model", p("anna.jpg")], 1, /--model ".*anna\.jpg": expected a folder written by deepts faces-train -o/],
      [["enroll", "anna", p("anna.jpg"), "--model-dir", facenet], 1, /--model-dir ".*facenet\.keras": is not a folder \(use --model for a file\)/],
      [["enroll", "anna", p("anna.jpg"), "--model-dir", p("nowhere")], 1, /--model-dir ".*nowhere": no such folder/],
      [["enroll", "anna", p("anna.jpg"), "--model", facenet, "--model-dir", tuned], 2, /give --model or --model-dir, not both/],
      [["verify", "anna", p("anna.jpg"), "--model", p("corrupt.keras")], 1, /corrupt\.keras/],
      [["identify", p("anna.jpg"), "--model", p("nope.keras"), "--no-annotate"], 1, /nope\.keras": no such file or folder/],
      [["calibrate", "--save-model"], 2, /--save-model stores the threshold beside the weights of --model; give --model/],
      [["calibrate", "--model", p("nope.keras")], 1, /nope\.keras": no such file or folder/],
    ];
    for (const [argv, code, re] of cases) {
      const r = await run(["faces", ...argv, "--db", fresh]);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re, argv.join(" "));
      assert.ok(!existsSync(fresh), `${argv.join(" ")} created the database`);
    }
  });
});
