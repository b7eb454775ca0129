// `deepts faces-train`: refusals before any work, and a short run on a tiny folder of face-sized images that
// writes weights loadFaceNet reads back.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Tensor, getBackend, writeImage } from "../../src/index.js";
import { faceEmbeddingModelId, loadFaceEmbedder, loadFaceNet, readFaceModelThreshold } from "../../src/tasks/faces/index.js";
import { seededRandom } from "../../src/tasks/faces/triplet-batches.js";
import { run } from "./capture.js";

const slow = getBackend() === "js" && !process.env.DEEPTS_SLOW && "runs the descriptor network: needs the native backend to be quick (DEEPTS_SLOW=1 runs it)";

describe("deepts faces-train", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-faces-train-"));
  const people = join(dir, "people");
  before(async () => {
    // Four "people", three images each: a colour of their own under noise.
    const rand = seededRandom(1);
    for (let p = 0; p < 4; p++) {
      mkdirSync(join(people, `person${p}`), { recursive: true });
      const base = [rand() * 255, rand() * 255, rand() * 255];
      for (let k = 0; k < 3; k++) {
        const v = new Float32Array(150 * 150 * 3);
        for (let i = 0; i < v.length; i++) v[i] = Math.max(0, Math.min(255, base[i % 3] + (rand() - 0.5) * 120));
        await writeImage(join(people, `person${p}`, `${k}.png`), new Tensor(v, [150, 150, 3]));
      }
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses bad input before doing anything", async () => {
    const cases: [string[], number, RegExp][] = [
      [["faces-train"], 2, /give DIR, a folder with one subfolder of photos per person \(or --demo\)/],
      [["faces-train", join(dir, "nope")], 1, /no such folder/],
      [["faces-train", people, "--eval-fraction", "1.5"], 2, /--eval-fraction must be between 0 and 1/],
      [["faces-train", people, "--blocks", "15"], 2, /--blocks must be from 0 to 14/],
      [["faces-train", people, "--people", "1"], 2, /--people must be at least 2/],
      [["faces-train", people, "--holdout", "images", "--eval", "person1"], 2, /--eval goes with --holdout identities/],
      [["faces-train", people, "--holdout", "faces"], 2, /holdout/],
      [["faces-train", "--demo", "--align", "detect"], 2, /--demo writes aligned face crops/],
      [["faces-train", "--demo", people], 1, /--demo builds DIR: .* exists and is not an empty folder/],
    ];
    for (const [argv, code, msg] of cases) {
      const r = await run(argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, msg, argv.join(" "));
    }
    const taken = join(dir, "taken");
    mkdirSync(taken);
    writeFileSync(join(taken, "face_recognition_model-weights_manifest.json"), "[]");
    const r = await run(["faces-train", people, "-o", taken]);
    assert.equal(r.code, 1);
    assert.match(r.err, /already holds face weights .*pass --overwrite/);
    assert.deepEqual(readdirSync(taken), ["face_recognition_model-weights_manifest.json"]);
  });

  it("trains, prints the scores before and after, and writes weights with a new model id", { skip: slow }, async () => {
    const model = join(dir, "model");
    const r = await run(["faces-train", people, "--align", "none", "--eval", "person0", "--eval", "person3", "--steps", "3", "--people", "2", "--photos", "3", "-o", model, "-q"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "");
    assert.match(r.out, /2 people trained on \(6 images\), held out: identities \(2 people, 6 images\); 0 images skipped/);
    assert.match(r.out, /held-out pairs: 6 same person, 9 different/);
    assert.match(r.out, /^before +AUC \d\.\d{4} +accuracy [\d.]+% at [\d.]+ /m);
    assert.match(r.out, /^after +AUC \d\.\d{4} /m);
    const id = faceEmbeddingModelId(model);
    assert.ok(r.out.includes(`(model ${id})`));
    // The threshold calibrated on the training pairs, beside the weights, where deepts faces --model reads it.
    const t = readFaceModelThreshold(model, id);
    assert.ok(t !== undefined && t > 0);
    assert.match(r.out, new RegExp(`threshold ${t.toFixed(3)} stored in .*face-model\\.json; use them with: deepts faces enroll\\|verify\\|identify --model `));
    assert.equal((await loadFaceEmbedder(model)).threshold, t);
    assert.notEqual(id, faceEmbeddingModelId());
    assert.equal(loadFaceNet("faceRecognitionNet", model).forward(new Tensor(new Float32Array(150 * 150 * 3), [1, 150, 150, 3])).shape[1], 128);
    const json = await run(["faces-train", people, "--align", "none", "--steps", "0", "--eval", "person1", "--eval", "person2", "--json"]);
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out);
    assert.deepEqual(doc.identities, { train: ["person0", "person3"], eval: ["person1", "person2"] });
    assert.deepEqual(doc.before, doc.after);
    assert.equal(doc.weights, null);
    assert.ok(existsSync(join(model, "face_recognition_model-shard1")));
  });
});
