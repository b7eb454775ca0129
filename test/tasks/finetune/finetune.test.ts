import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchNormalization, Callback, Dense, Dropout, GlobalAveragePooling2D, RandomFlip, RandomRotation, Rescaling, Sequential, buildTransferModel,
  classify, countTrainable, defaultUnfreeze, finetune, finetuneFromDirectory, imageDatasetFromDirectory, loadClassifier, loadImagesFor,
  mobileNetV2, readClassifierInfo, saveClassifier, setSeed, unfreezeTopLayers,
} from "../../../src/index.js";
import { calibrate, changed, snapshot, syntheticImageFolder, tinyBackbone } from "./helpers.js";

/** A tiny backbone whose batch norms know the images of `dir` (a stand-in for a pretrained one). */
async function backboneFor(dir: string, seed = 1) {
  const b = tinyBackbone(32, seed);
  const all = await imageDatasetFromDirectory(dir, { imageSize: 32, shuffle: false, verbose: false });
  calibrate(b, (await all.loadAll()).x);
  return b;
}

describe("buildTransferModel", () => {
  it("is the course's alpaca_model: augmentation, preprocess_input, frozen backbone, pooling, dropout 0.2, one logit for 2 classes", () => {
    const backbone = tinyBackbone();
    const { model } = buildTransferModel(backbone, { numClasses: 2, seed: 3 });
    const [input, aug, prep, base, pool, drop, head] = model.layers;
    assert.equal(input.className, "InputLayer");
    assert.ok(aug instanceof Sequential);
    assert.ok(aug.layers[0] instanceof RandomFlip && (aug.layers[0] as RandomFlip).mode === "horizontal");
    assert.ok(aug.layers[1] instanceof RandomRotation);
    assert.deepEqual((aug.layers[1] as RandomRotation).factor, [-0.2, 0.2]);
    assert.ok(prep instanceof Rescaling && Math.abs((prep.scale as number) - 1 / 127.5) < 1e-12 && prep.offset === -1);
    assert.equal(base, backbone);
    assert.equal(backbone.trainable, false);
    assert.ok(pool instanceof GlobalAveragePooling2D);
    assert.ok(drop instanceof Dropout && drop.rate === 0.2);
    assert.ok(head instanceof Dense && head.units === 1);
    assert.equal(countTrainable(model), 16 + 1, "only the head trains: 16 features -> 1 logit");
    assert.deepEqual(model.outputShape, [null, 1]);
  });

  it("has one logit per class for more classes, and can leave out augmentation and preprocessing", () => {
    const { model } = buildTransferModel(tinyBackbone(), { numClasses: 5, augmentation: false, preprocess: "none", dropout: 0.5 });
    assert.deepEqual(model.layers.map((l) => l.className), ["InputLayer", "Functional", "GlobalAveragePooling2D", "Dropout", "Dense"]);
    assert.deepEqual(model.outputShape, [null, 5]);
  });

  it("refuses backbones and class counts it cannot use", () => {
    assert.throws(() => buildTransferModel(tinyBackbone(), { numClasses: 1 }), /numClasses must be an integer >= 2/);
    const open = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [null, null, 3] as never });
    assert.throws(() => buildTransferModel(open, { numClasses: 2 }), /fixed size/);
  });
});

describe("unfreezeTopLayers", () => {
  it("opens the last N layers of MobileNetV2 (the course's fine_tune_at) and keeps batch norms in inference mode", () => {
    const backbone = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [96, 96, 3] });
    const { model } = buildTransferModel(backbone, { numClasses: 2 });
    assert.equal(backbone.layers.length, 154);
    assert.equal(defaultUnfreeze(154), 34, "fine_tune_at = 120");
    const opened = unfreezeTopLayers(backbone, 34);
    // Keras' layer order: index 120 is block_13_depthwise (block_13_pad and its batch norm and relu come before).
    assert.deepEqual(opened.map((l) => l.name), [
      "block_13_depthwise", "block_13_project", "block_14_expand", "block_14_depthwise", "block_14_project", "block_15_expand", "block_15_depthwise", "block_15_project",
      "block_16_expand", "block_16_depthwise", "block_16_project", "Conv_1",
    ]);
    for (const [i, l] of backbone.layers.entries()) {
      if (l instanceof BatchNormalization) assert.equal(l.trainable, false, `${l.name} stays frozen`);
      else if (i < 120) assert.equal(l.trainable, false, `${l.name} (layer ${i}) stays frozen`);
    }
    const openedParams = opened.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.value.size, 0), 0);
    assert.equal(countTrainable(model), openedParams + 1280 + 1);
    const withBn = unfreezeTopLayers(backbone, 34, { freezeBatchNorm: false });
    assert.ok(withBn.some((l) => l instanceof BatchNormalization));
    assert.throws(() => unfreezeTopLayers(backbone, 155), /has 154 layers/);
  });
});

describe("finetune on a folder of images", () => {
  let root = "";
  before(async () => {
    root = await syntheticImageFolder(["red", "green"], 16);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("trains the head with the backbone frozen, then fine-tunes only the top layers; accuracy goes up", async () => {
    setSeed(5);
    const backbone = await backboneFor(root);
    const lines: string[] = [];
    const before0 = snapshot(backbone);
    let afterHead: Map<string, Float32Array> | null = null;
    const result = await finetuneFromDirectory(root, backbone, {
      epochs: 6, fineTuneEpochs: 3, unfreeze: 3, batchSize: 8, learningRate: 0.05, verbose: 0, seed: 2, log: (l) => lines.push(l),
      // A snapshot at the end of the first phase, through the callback API.
      callbacks: [new (class extends Callback {
        override onTrainEnd(): void {
          afterHead ??= snapshot(backbone);
        }
      })()],
    });
    assert.equal(result.train.size, 26);
    assert.equal(result.validation.size, 6);
    assert.deepEqual(result.classNames, ["green", "red"]);
    assert.deepEqual(result.epochs, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(result.fineTuneStart, 6);
    assert.equal(result.history.val_accuracy.length, 9);
    assert.equal(result.trainableParams.head, 17);
    assert.equal(result.trainableParams.fineTune, 3 * 3 * 12 * 16 + 17, "block_2_conv opens; its batch norm stays frozen");
    // Phase 1 left the whole backbone as it was, batch-norm statistics included.
    for (const path of before0.keys()) assert.equal(changed(before0, afterHead!, path), false, `${path} changed while frozen`);
    const end = snapshot(backbone);
    assert.ok(changed(afterHead!, end, "block_2_conv/kernel"), "the unfrozen top conv trains");
    for (const path of ["block_0_conv/kernel", "block_1_conv/kernel", "block_2_bn/moving_mean", "block_2_bn/gamma"])
      assert.equal(changed(afterHead!, end, path), false, `${path} stays frozen`);
    assert.ok(result.scores.beforeFineTuning.accuracy >= 0.99, `after the head: ${result.scores.beforeFineTuning.accuracy}`);
    assert.ok(result.scores.afterFineTuning.accuracy >= 0.99, `after fine-tuning: ${result.scores.afterFineTuning.accuracy}`);
    assert.ok(result.scores.beforeFineTuning.loss < result.scores.initial.loss);
    assert.match(lines.join("\n"), /32 images in 2 classes \(green, red\): 26 for training, 6 for validation/);
    assert.match(lines.join("\n"), /phase 2: fine-tuning the top 3 of 10 backbone layers/);

    // Saved with its class names, it predicts the same classes after loading.
    const path = join(tmpdir(), `deepts-ft-${process.pid}.keras`);
    try {
      await saveClassifier(result.model, path, { classNames: result.classNames, output: "sigmoid-logit", imageSize: [32, 32] });
      assert.deepEqual(readClassifierInfo(path), { classNames: ["green", "red"], output: "sigmoid-logit", imageSize: [32, 32] });
      const { model, info } = await loadClassifier(path);
      const files = result.validation.filePaths;
      const x = await loadImagesFor(model, files);
      const top = classify(model, x, info, 3);
      top.forEach((t, i) => {
        assert.equal(t.length, 2);
        assert.ok(Math.abs(t[0].probability + t[1].probability - 1) < 1e-6);
        assert.equal(t[0].className, files[i].includes("/red/") ? "red" : "green");
      });
      const again = classify(result.model, x, { classNames: result.classNames, output: "sigmoid-logit" }, 1);
      assert.deepEqual(again.map((t) => t[0].className), top.map((t) => t[0].className));
    } finally {
      rmSync(path, { force: true });
    }
  });

  it("three classes: int labels, one logit per class, softmax probabilities", async () => {
    const three = await syntheticImageFolder(["a", "b", "c"], 10);
    try {
      const [train, val] = await imageDatasetFromDirectory(three, { imageSize: 32, batchSize: 8, validationSplit: 0.3, subset: "both", seed: 4, verbose: false });
      setSeed(6);
      const r = await finetune(await backboneFor(three), train, val, { classNames: train.classNames!, epochs: 8, fineTuneEpochs: 1, unfreeze: 3, learningRate: 0.05, verbose: 0, seed: 1 });
      assert.deepEqual(r.model.outputShape, [null, 3]);
      assert.ok(r.scores.afterFineTuning.accuracy > 0.85, `accuracy ${r.scores.afterFineTuning.accuracy}`);
      const { x } = await val.loadAll();
      const top = classify(r.model, x, { classNames: r.classNames, output: "softmax-logits" }, 2);
      assert.equal(top[0].length, 2);
      assert.ok(top[0][0].probability >= top[0][1].probability);
    } finally {
      rmSync(three, { recursive: true, force: true });
    }
  });

  it("an aborted signal stops training after a batch and skips fine-tuning; the scores still come", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await finetuneFromDirectory(root, await backboneFor(root), { epochs: 3, fineTuneEpochs: 2, unfreeze: 3, batchSize: 8, verbose: 0, signal: ac.signal });
    assert.deepEqual(r.epochs, [0]);
    assert.equal(r.fineTuneStart, null);
    assert.equal(r.trainableParams.fineTune, 0);
    assert.equal(typeof r.scores.afterFineTuning.accuracy, "number");
  });

  it("refuses bad settings before training", async () => {
    await assert.rejects(finetuneFromDirectory(root, tinyBackbone(), { epochs: -1, verbose: 0 }), /epochs must be an integer >= 0/);
    await assert.rejects(finetuneFromDirectory(root, tinyBackbone(), { unfreeze: 99, verbose: 0 }), /has only 10 layers/);
    await assert.rejects(finetuneFromDirectory(join(root, "missing"), tinyBackbone(), { verbose: 0 }), /is not a folder/);
  });
});
