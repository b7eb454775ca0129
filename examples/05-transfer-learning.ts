// Step 5 of the learning path (Course 4, week 2: "Transfer Learning with MobileNetV2", the alpaca classifier).
//
// The assignment loads a folder of images with image_dataset_from_directory (a seeded 80/20 split), builds
// `alpaca_model`: data augmentation (RandomFlip horizontal, RandomRotation 0.2), MobileNetV2's preprocess_input,
// the pretrained MobileNetV2 without its top, frozen and called with training=False, GlobalAveragePooling2D,
// Dropout(0.2) and one Dense logit; trains the new head with Adam(0.001) and BinaryCrossentropy(from_logits), then
// unfreezes the base from layer fine_tune_at = 120 on, recompiles with a tenth of the learning rate, trains on
// from where it stopped, and plots accuracy and loss with a line where fine-tuning starts. Here the same steps in
// deepts, with the notebook's names.
//
// Adaptations: the alpaca photos are not ours to ship, so the task is face / no_face on 132 crops of the six
// demo photos of face-api (data/face-patches, MIT); and the pretrained MobileNetV2 is the one shipped in the npm
// package nsfwjs (alpha 1, trained on 224x224 images scaled to [0, 1]), so the preprocessing is x / 255 instead
// of Keras' [-1, 1]. The batch norms stay frozen while fine-tuning (Keras' fine-tuning guide); accuracy
// uses the logit's sign (BinaryAccuracy with threshold 0), since the head outputs a logit.
//
// Run: node scripts/fetch-nsfwjs.mjs   (once: the pretrained model files, into data/models/nsfwjs/)
//      node --import tsx examples/05-transfer-learning.ts   (DEEPTS_FAST=1 for the short run)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  Adam, BinaryAccuracy, BinaryCrossentropy, type Callback, type ImageDataset, type Logs, type Model, ProgbarLogger, type ProgressStream,
  buildTransferModel, countTrainable, dataDir, imageDatasetFromDirectory, pretrainedMobileNetV2, saveClassifier, setSeed,
  unfreezeTopLayers, writeTrainingCurves,
} from "../src/index.js";
import { type ExampleOptions, fastFromEnv, isMain } from "./lib/run.js";

export interface TransferOptions extends ExampleOptions {
  /** Where the model (.keras) and the curves (.png) go (default deepts-output/05-transfer-learning). */
  outDir?: string;
  /** The folder of nsfwjs' model files (default: data/models/nsfwjs, node_modules/nsfwjs or $DEEPTS_NSFWJS_DIR). */
  nsfwjsDir?: string;
}

export interface TransferResult {
  imageSize: number;
  classNames: string[];
  trainSize: number;
  validationSize: number;
  /** Validation accuracy of the untrained head, after the head is trained, and after fine-tuning. */
  accuracy: { initial: number; beforeFineTuning: number; afterFineTuning: number };
  history: Record<string, number[]>;
  epochs: number[];
  fineTuneAt: number;
  trainableParams: { head: number; fineTune: number };
  seconds: { head: number; fineTune: number };
  files: { model: string; curves: string };
}

/** The notebook's data_augmenter and alpaca_model, here through buildTransferModel (same layers, same order). */
export function alpacaModel(baseModel: Model): Model {
  return buildTransferModel(baseModel, { numClasses: 2, preprocess: "unit", seed: 7 }).model;
}

/** A ProgressStream that hands complete lines to `log`. */
function lineStream(log: (line: string) => void): ProgressStream {
  let pending = "";
  return {
    isTTY: false,
    write(s: string) {
      pending += s;
      let i: number;
      while ((i = pending.indexOf("\n")) >= 0) {
        log(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    },
  };
}

function compile(model: Model, learningRate: number): void {
  model.compile({
    optimizer: new Adam({ learningRate }),
    loss: new BinaryCrossentropy({ fromLogits: true }),
    metrics: [new BinaryAccuracy({ name: "accuracy", threshold: 0 })],
  });
}

async function accuracyOn(model: Model, ds: ImageDataset): Promise<number> {
  return ((await model.evaluate(ds, { verbose: 0, returnDict: true })) as Logs).accuracy;
}

/** Loads the images, trains the head on the frozen pretrained base, fine-tunes the top, saves; throws if it does not learn. */
export async function main(opts: TransferOptions = {}): Promise<TransferResult> {
  const fast = opts.fast ?? fastFromEnv();
  const log = opts.log ?? console.log;
  const outDir = opts.outDir ?? join("deepts-output", "05-transfer-learning");
  // The notebook: IMG_SIZE (160, 160), BATCH_SIZE 32, 5 + 5 epochs. Fast: smaller images, smaller batches (more
  // steps from the same images), fewer epochs.
  const imageSize = fast ? 96 : 160;
  const batchSize = fast ? 16 : 32;
  const initialEpochs = fast ? 3 : 5;
  const fineTuneEpochs = fast ? 2 : 5;
  const baseLearningRate = 0.001;
  const fineTuneAt = 120;
  setSeed(1);

  // 1. The data: one folder per class, 80% to train and 20% to validate, split by the seed as Keras does.
  const directory = join(dataDir(), "face-patches");
  const [trainDataset, validationDataset] = await imageDatasetFromDirectory(directory, {
    shuffle: true, batchSize, imageSize: [imageSize, imageSize], validationSplit: 0.2, subset: "both", seed: 42, labelMode: "binary", log,
  });
  const classNames = trainDataset.classNames!;
  log(`classes: ${classNames.join(", ")}`);

  // 2. The pretrained base without its top, and the new model around it (the base frozen, in inference mode).
  const baseModel = pretrainedMobileNetV2({ inputShape: [imageSize, imageSize, 3], dir: opts.nsfwjsDir });
  log(`pretrained MobileNetV2 (nsfwjs): ${baseModel.layers.length} layers, ${baseModel.countParams().toLocaleString("en-US")} parameters, output ${JSON.stringify(baseModel.outputShape)}`);
  const model2 = alpacaModel(baseModel);
  let summary = "";
  model2.summary((s) => (summary = s));
  log(summary);
  compile(model2, baseLearningRate);
  const initial = await accuracyOn(model2, validationDataset);
  log(`validation accuracy of the untrained head: ${(100 * initial).toFixed(1)}%`);

  // On a terminal fit draws Keras' progress bar; when output is collected, one line per epoch.
  const callbacks: Callback[] = opts.log ? [new ProgbarLogger({ stream: lineStream(log) })] : [];
  const verbose = opts.log ? 2 : "auto";
  const head = countTrainable(model2);
  let t0 = performance.now();
  const history = await model2.fit(trainDataset, { validationData: validationDataset, epochs: initialEpochs, callbacks, verbose });
  const headSeconds = (performance.now() - t0) / 1000;
  const beforeFineTuning = await accuracyOn(model2, validationDataset);
  log(`after ${initialEpochs} epochs on the frozen base (${head} trainable parameters): validation accuracy ${(100 * beforeFineTuning).toFixed(1)}%`);

  // 3. Fine-tuning: layers from fine_tune_at on train again (batch norms stay frozen), at a tenth of the rate.
  unfreezeTopLayers(baseModel, baseModel.layers.length - fineTuneAt);
  compile(model2, 0.1 * baseLearningRate);
  const fineTune = countTrainable(model2);
  log(`fine-tuning layers ${fineTuneAt}..${baseModel.layers.length - 1} of the base: ${fineTune.toLocaleString("en-US")} trainable parameters`);
  t0 = performance.now();
  const historyFine = await model2.fit(trainDataset, {
    validationData: validationDataset, epochs: initialEpochs + fineTuneEpochs, initialEpoch: initialEpochs, callbacks, verbose,
  });
  const fineSeconds = (performance.now() - t0) / 1000;
  const afterFineTuning = await accuracyOn(model2, validationDataset);
  log(`after fine-tuning: validation accuracy ${(100 * afterFineTuning).toFixed(1)}%`);

  // 4. The curves (the notebook's two plots with the "Start Fine Tuning" line) and the model with its class names.
  const joined: Record<string, number[]> = {};
  for (const h of [history.history, historyFine.history]) for (const [k, v] of Object.entries(h)) (joined[k] ??= []).push(...v);
  const epochs = [...history.epoch, ...historyFine.epoch];
  mkdirSync(outDir, { recursive: true });
  const files = { model: join(outDir, "face-classifier.keras"), curves: join(outDir, "training-curves.png") };
  await writeTrainingCurves(files.curves, joined, epochs, { fineTuneStart: initialEpochs });
  await saveClassifier(model2, files.model, { classNames, output: "sigmoid-logit", imageSize: [imageSize, imageSize] });
  log(`wrote ${files.curves} and ${files.model}`);

  // The checks: the pretrained features separate the classes well beyond chance, and fine-tuning does not undo it.
  const majority = Math.max(...[0, 1].map((c) => validationDataset.labels!.filter((l) => l === c).length)) / validationDataset.size;
  if (!(afterFineTuning >= 0.85 && afterFineTuning > majority + 0.15))
    throw new Error(`transfer learning: validation accuracy ${afterFineTuning} after fine-tuning is not clearly above chance (majority class ${majority.toFixed(3)})`);
  return {
    imageSize, classNames, trainSize: trainDataset.size, validationSize: validationDataset.size,
    accuracy: { initial, beforeFineTuning, afterFineTuning }, history: joined, epochs, fineTuneAt,
    trainableParams: { head, fineTune }, seconds: { head: headSeconds, fineTune: fineSeconds }, files,
  };
}

if (isMain(import.meta.url)) {
  const t0 = performance.now();
  main().then(
    (r) =>
      console.log(
        `accuracy: ${(100 * r.accuracy.initial).toFixed(1)}% untrained, ${(100 * r.accuracy.beforeFineTuning).toFixed(1)}% before fine-tuning, ` +
          `${(100 * r.accuracy.afterFineTuning).toFixed(1)}% after; done in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
      ),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
