// fineTuneEmbedding (src/tasks/faces/triplet-finetune.ts) on a tiny synthetic identity folder: a short run
// must raise the verification AUC on held-out images; the split, the report and the refusals; the views of
// the demo identity builder.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Tensor, getBackend } from "../../../src/index.js";
import { writeImage } from "../../../src/io/images.js";
import { seededRandom } from "../../../src/tasks/faces/triplet-batches.js";
import { UNCHANGED_FACE_VIEW, randomFaceView, renderFaceView } from "../../../src/tasks/faces/triplet-demo.js";
import { fineTuneEmbedding } from "../../../src/tasks/faces/triplet-finetune.js";
import { listIdentityFolder } from "../../../src/tasks/faces/triplet-data.js";

/**
 * Synthetic identities: an identity is three coloured blobs at fixed places; each of its images moves them a
 * little and changes what the identity does not decide (background colour, gain, pixel noise), which is most
 * of what the pretrained face net sees in such images.
 */
async function writeSyntheticIdentities(dir: string, identities: number, images: number, seed: number): Promise<void> {
  const rand = seededRandom(seed);
  const size = 150;
  for (let p = 0; p < identities; p++) {
    const blobs = Array.from({ length: 3 }, () => ({ x: 30 + rand() * 90, y: 30 + rand() * 90, r: 12 + rand() * 14, c: [rand() * 255, rand() * 255, rand() * 255] }));
    mkdirSync(join(dir, `id${p}`), { recursive: true });
    for (let k = 0; k < images; k++) {
      const bg = [rand() * 255, rand() * 255, rand() * 255];
      const gain = 0.6 + rand() * 0.8;
      const jx = (rand() - 0.5) * 10;
      const jy = (rand() - 0.5) * 10;
      const out = new Float32Array(size * size * 3);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          for (let c = 0; c < 3; c++) {
            let v = bg[c];
            for (const b of blobs) {
              const w = Math.exp(-((x - b.x - jx) ** 2 + (y - b.y - jy) ** 2) / (2 * b.r * b.r));
              v = v * (1 - w) + b.c[c] * w;
            }
            out[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v * gain + (rand() - 0.5) * 40)));
          }
      await writeImage(join(dir, `id${p}`, `${k}.png`), new Tensor(out, [size, size, 3]));
    }
  }
}

// The descriptor network takes about 40 ms per face on the native backend and ten times that on the js one;
// DEEPTS_SLOW=1 runs these tests there too (they pass, in about a minute).
const slow = getBackend() === "js" && !process.env.DEEPTS_SLOW && "runs the descriptor network: needs the native backend to be quick (DEEPTS_SLOW=1 runs it)";

const tmp = mkdtempSync(join(tmpdir(), "deepts-triplet-"));
const synth = join(tmp, "synthetic");
const small = join(tmp, "small");
before(async () => {
  await writeSyntheticIdentities(synth, 10, 6, 3);
  await writeSyntheticIdentities(small, 6, 3, 4);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("fineTuneEmbedding", () => {
  it("a short run on synthetic identities raises the held-out verification AUC", { skip: slow }, async (t) => {
    const steps: number[] = [];
    const r = await fineTuneEmbedding(synth, {
      align: "none", holdout: "images", evalFraction: 0.4, steps: 30, trainableBlocks: 1, learningRate: 1e-4, margin: 0.4,
      identitiesPerBatch: 4, imagesPerIdentity: 4, seed: 3, onStep: (s) => steps.push(s.step),
    });
    t.diagnostic(`held-out AUC ${r.before.auc.toFixed(3)} -> ${r.after.auc.toFixed(3)}, accuracy ${r.before.accuracy.toFixed(3)} -> ${r.after.accuracy.toFixed(3)}; ${r.seconds.total.toFixed(1)} s`);
    assert.deepEqual(steps, Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal(r.losses.length, 30);
    // 10 identities x 6 images; 2 of each held out (round(0.4 * 6)), compared with all 59 others.
    assert.deepEqual(r.images, { train: 40, eval: 20 });
    assert.equal(r.identities.eval.length, 10);
    assert.equal(r.before.positives, 20 * 5 - 10); // each held-out image with its 5 same-identity images, the 10 held-out pairs once
    assert.equal(r.before.positives + r.before.negatives, 20 * 59 - 190); // pairs with a held-out image
    assert.ok(r.after.auc > r.before.auc + 0.05, `held-out AUC ${r.before.auc} -> ${r.after.auc}`);
    assert.ok(r.after.trainAuc > r.before.trainAuc, `training AUC ${r.before.trainAuc} -> ${r.after.trainAuc}`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(r.losses.slice(-10)) < mean(r.losses.slice(0, 10)), "the loss goes down");
  });

  it("holds out whole identities, by name or by share", { skip: slow }, async () => {
    const named = await fineTuneEmbedding(small, { align: "none", steps: 0, evalIdentities: ["id1", "id4", "id5"] });
    assert.deepEqual(named.identities.eval, ["id1", "id4", "id5"]);
    assert.deepEqual(named.identities.train, ["id0", "id2", "id3"]);
    assert.deepEqual(named.images, { train: 9, eval: 9 });
    assert.equal(named.before.positives, 3 * 3);
    assert.equal(named.before.negatives, 36 - 9);
    // No steps: the network is the pretrained one, so the scores are the same before and after.
    assert.deepEqual(named.after, named.before);
    const share = await fineTuneEmbedding(small, { align: "none", steps: 0, evalFraction: 0.5, seed: 1 });
    assert.equal(share.identities.eval.length, 3);
    assert.ok(share.identities.eval.every((n) => !share.identities.train.includes(n)));
  });

  it("refuses a folder it cannot train on, and bad options, with messages", { skip: slow }, async () => {
    await assert.rejects(fineTuneEmbedding(join(tmp, "nope")), /is not a folder \(give a folder with one subfolder per class\)/);
    const empty = join(tmp, "empty");
    mkdirSync(join(empty, "ada"), { recursive: true });
    writeFileSync(join(empty, "ada", "notes.txt"), "no images");
    await assert.rejects(fineTuneEmbedding(empty), /no images \(\.jpeg, \.jpg, \.png, \.webp\) in the subfolders/);
    await assert.rejects(fineTuneEmbedding(small, { align: "none", evalIdentities: ["zoe"] }), /evalIdentities: no subfolder named "zoe"/);
    await assert.rejects(fineTuneEmbedding(small, { steps: -1 }), /steps must be an integer >= 0/);
    await assert.rejects(fineTuneEmbedding(small, { evalFraction: 1 }), /evalFraction must be between 0 and 1/);
    // A photo with no face, with align "detect": skipped and reported; with nothing left, refused.
    const blank = join(tmp, "blank");
    for (const who of ["a", "b"]) {
      mkdirSync(join(blank, who), { recursive: true });
      await writeImage(join(blank, who, "x.png"), new Tensor(new Float32Array(64 * 64 * 3).fill(128), [64, 64, 3]));
    }
    writeFileSync(join(blank, "a", "broken.jpg"), "not a jpeg");
    await assert.rejects(fineTuneEmbedding(blank), /no usable image .* \(3 skipped: .*broken\.jpg: .*; .*x\.png: no face found/);
  });

  it("lists identity folders as Keras does classes: sorted, images only", () => {
    const f = listIdentityFolder(synth);
    assert.deepEqual(f.identities, ["id0", "id1", "id2", "id3", "id4", "id5", "id6", "id7", "id8", "id9"]);
    assert.equal(f.files.length, 60);
    assert.deepEqual(f.labels.slice(0, 7), [0, 0, 0, 0, 0, 0, 1]);
  });
});

describe("demo identity views", () => {
  // A 40x30 image whose pixel value encodes its position, to follow where each output pixel comes from.
  const w = 40;
  const h = 30;
  const src = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src.set([x * 5, y * 5, 100], (y * w + x) * 3);
  const img = new Tensor(src, [h, w, 3]);

  it("the identity view is the square itself, resampled; a flip mirrors it", () => {
    const rect = { x: 10, y: 5, width: 20, height: 20 };
    const out = renderFaceView(img, rect, UNCHANGED_FACE_VIEW, 20);
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 20; x++) {
        assert.equal(out.values[(y * 20 + x) * 3], (x + 10) * 5);
        assert.equal(out.values[(y * 20 + x) * 3 + 1], (y + 5) * 5);
      }
    const flipped = renderFaceView(img, rect, { ...UNCHANGED_FACE_VIEW, flip: true }, 20);
    assert.equal(flipped.values[0], 29 * 5);
    // A quarter turn counter-clockwise: the output's top-left corner comes from the square's bottom-left.
    const turned = renderFaceView(img, rect, { ...UNCHANGED_FACE_VIEW, angle: 90 }, 20);
    assert.equal(turned.values[0], 10 * 5);
    assert.equal(turned.values[1], 24 * 5);
  });

  it("random views stay within the stated ranges and are reproducible", () => {
    const a = Array.from({ length: 50 }, ((r) => () => randomFaceView(r))(seededRandom(9)));
    const b = Array.from({ length: 50 }, ((r) => () => randomFaceView(r))(seededRandom(9)));
    assert.deepEqual(a, b);
    for (const v of a) {
      assert.ok(Math.abs(v.angle) <= 12 && v.scale >= 0.9 && v.scale <= 1.1 && Math.abs(v.dx) <= 0.05 && v.brightness >= 0.75 && v.brightness <= 1.25);
    }
    assert.ok(a.some((v) => v.flip) && a.some((v) => !v.flip));
  });
});
