// Runs example 05 (transfer learning on the pretrained MobileNetV2 of nsfwjs) in fast mode.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, findNsfwjs, loadClassifier, loadImagesFor, classify } from "../../src/index.js";
import { main } from "../../examples/05-transfer-learning.js";

/** The pretrained weights come from nsfwjs (node scripts/fetch-nsfwjs.mjs); without them there is nothing to transfer from. */
function nsfwjsMissing(): string | false {
  try {
    findNsfwjs();
    return false;
  } catch (e) {
    return `the pretrained MobileNetV2 is not available: ${(e as Error).message}`;
  }
}

describe("example 05: transfer learning", () => {
  it("main (fast): the frozen pretrained base learns face / no_face well above chance, and fine-tuning keeps it there", { skip: nsfwjsMissing() }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), "deepts-ex05-"));
    try {
      const lines: string[] = [];
      const r = await main({ fast: true, outDir, log: (l) => void lines.push(l) });
      assert.deepEqual(r.classNames, ["face", "no_face"]);
      assert.equal(r.trainSize, 106);
      assert.equal(r.validationSize, 26);
      // 16 of the 26 validation images are no_face: always answering no_face scores 61.5%.
      assert.ok(r.accuracy.beforeFineTuning >= 0.8, `before fine-tuning ${r.accuracy.beforeFineTuning}`);
      assert.ok(r.accuracy.afterFineTuning >= 0.85, `after fine-tuning ${r.accuracy.afterFineTuning}`);
      assert.ok(r.history.val_loss.at(-1)! < r.history.val_loss[0], `validation loss ${r.history.val_loss[0]} -> ${r.history.val_loss.at(-1)}`);
      assert.deepEqual(r.epochs, [0, 1, 2, 3, 4]);
      assert.equal(r.trainableParams.head, 1281);
      assert.ok(r.trainableParams.fineTune > 1_000_000);
      assert.ok(lines.includes("Found 132 files belonging to 2 classes."));
      assert.ok(lines.some((l) => /^7\/7 - \d+s - .*val_accuracy: \d\.\d{4}/.test(l)), "Keras' verbose-2 epoch lines");
      // The curves image and the saved classifier, which predicts as the trained model did.
      const curves = await decodeImage(readFileSync(r.files.curves));
      assert.deepEqual(curves.shape, [520, 640, 3]);
      const { model, info } = await loadClassifier(r.files.model);
      assert.deepEqual(info?.classNames, ["face", "no_face"]);
      const faces = ["s1-f0-a", "s3-f2-b", "s6-f1-c"].map((f) => join("data", "face-patches", "face", `${f}.jpg`));
      const top = classify(model, await loadImagesFor(model, faces), info, 1);
      assert.ok(top.filter((t) => t[0].className === "face").length >= 2, JSON.stringify(top));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
