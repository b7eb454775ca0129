// The course's two-phase transfer learning: train the new head on the frozen backbone, then unfreeze the
// backbone's top layers and train on at a tenth of the learning rate (C4W2, alpaca_model and fine-tuning).
import { imageDatasetFromDirectory, type ImageDataset } from "../../data/image-dataset.js";
import { BinaryCrossentropy, SparseCategoricalCrossentropy } from "../../losses/losses.js";
import { BinaryAccuracy, SparseCategoricalAccuracy } from "../../metrics/accuracy.js";
import type { Model } from "../../models/model.js";
import { Adam } from "../../optimizers/adam.js";
import { Callback } from "../../training/callbacks/callback.js";
import type { Dataset } from "../../training/data.js";
import type { Verbosity } from "../../training/evaluate.js";
import type { Logs } from "../../training/logs.js";
import { buildTransferModel, countTrainable, unfreezeTopLayers, type TransferModelOptions } from "./model.js";

/** Options of `finetune` (the course's values by default). */
export interface FinetuneOptions extends Omit<TransferModelOptions, "numClasses" | "name"> {
  /** The class names in label order (2 classes: one logit and binary labels; more: int labels). */
  classNames: readonly string[];
  /** Epochs of the first phase, frozen backbone (default 5). */
  epochs?: number;
  /** Epochs of fine-tuning (default 5; 0 skips it). */
  fineTuneEpochs?: number;
  /** Backbone layers to unfreeze, counted from its top (default: all after the course's fine_tune_at = 120, or a quarter of a smaller backbone). */
  unfreeze?: number;
  /** Adam's learning rate of the first phase (default 0.001). */
  learningRate?: number;
  /** Learning rate of fine-tuning (default learningRate / 10). */
  fineTuneLearningRate?: number;
  /** Keep batch normalisations frozen while fine-tuning (default true). */
  freezeBatchNorm?: boolean;
  /** fit's verbosity (default "auto"). */
  verbose?: Verbosity;
  /** Extra callbacks for both phases. */
  callbacks?: Callback[];
  /** Progress lines ("phase 1: ...") go here (default: nowhere). */
  log?: (line: string) => void;
  /** When aborted, training stops after the current batch and fine-tuning is skipped (the scores still run). */
  signal?: AbortSignal;
}

/** Validation accuracy and loss at the three checkpoints of the run. */
export interface FinetuneScores {
  /** The new head untrained. */
  initial: Logs;
  /** After the first phase (head trained, backbone frozen): "before fine-tuning". */
  beforeFineTuning: Logs;
  /** After fine-tuning (equal to beforeFineTuning when fineTuneEpochs is 0). */
  afterFineTuning: Logs;
}

/** What `finetune` returns. */
export interface FinetuneResult {
  model: Model;
  backbone: Model;
  classNames: string[];
  /** Both phases' epoch logs joined: history.loss[i] is the loss of epoch epochs[i]. */
  history: Record<string, number[]>;
  epochs: number[];
  /** The first epoch of fine-tuning (the phase boundary), or null when there was none. */
  fineTuneStart: number | null;
  scores: FinetuneScores;
  /** Trainable parameters in each phase. */
  trainableParams: { head: number; fineTune: number };
  /** Wall-clock seconds of each phase. */
  seconds: { head: number; fineTune: number };
}

/** The default number of top layers to unfreeze: the course's fine_tune_at = 120 applied to `layers`. */
export function defaultUnfreeze(layers: number): number {
  return layers > 120 ? layers - 120 : Math.max(1, Math.round(layers / 4));
}

function compileFor(model: Model, binary: boolean, learningRate: number): void {
  model.compile({
    optimizer: new Adam({ learningRate }),
    loss: binary ? new BinaryCrossentropy({ fromLogits: true }) : new SparseCategoricalCrossentropy({ fromLogits: true }),
    // The head outputs logits: a binary one is positive above 0 (not Keras' default 0.5 threshold on probabilities).
    metrics: [binary ? new BinaryAccuracy({ name: "accuracy", threshold: 0 }) : new SparseCategoricalAccuracy({ name: "accuracy" })],
  });
}

function checkCount(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new Error(`finetune: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/**
 * Transfer learning as the course does it: `backbone` (a no-top image model, e.g. MobileNetV2) frozen under a
 * new head trained on `train` for `epochs`, then its top `unfreeze` layers trained with the head for
 * `fineTuneEpochs` at a tenth of the learning rate; validation accuracy before and after. `train` and
 * `validation` yield [images (0..255), labels]: binary labels [batch, 1] for 2 classes, int labels otherwise
 * (imageDatasetFromDirectory's labelMode "binary" / "int").
 *
 * @example
 * const [train, val] = await imageDatasetFromDirectory("photos/", { labelMode: "binary", imageSize: 160, validationSplit: 0.2, subset: "both", seed: 1 });
 * const r = await finetune(mobileNetV2({ includeTop: false, inputShape: [160, 160, 3] }), train, val, { classNames: train.classNames! });
 * r.scores.afterFineTuning.accuracy;
 */
export async function finetune(backbone: Model, train: Dataset, validation: Dataset, opts: FinetuneOptions): Promise<FinetuneResult> {
  const classNames = [...opts.classNames];
  if (classNames.length < 2) throw new Error(`finetune: needs at least 2 classes, got ${classNames.length}`);
  const epochs = checkCount("epochs", opts.epochs ?? 5, 0);
  const fineTuneEpochs = checkCount("fineTuneEpochs", opts.fineTuneEpochs ?? 5, 0);
  const learningRate = opts.learningRate ?? 1e-3;
  const fineTuneLearningRate = opts.fineTuneLearningRate ?? learningRate / 10;
  if (!(learningRate > 0) || !(fineTuneLearningRate > 0)) throw new Error("finetune: learning rates must be positive");
  const log = opts.log ?? (() => {});
  const binary = classNames.length === 2;
  const { model } = buildTransferModel(backbone, { ...opts, numClasses: classNames.length });
  const unfreeze = checkCount("unfreeze", opts.unfreeze ?? defaultUnfreeze(backbone.layers.length), 0);
  if (unfreeze > backbone.layers.length) throw new Error(`finetune: unfreeze is ${unfreeze}, but the backbone has only ${backbone.layers.length} layers`);
  const verbose = opts.verbose ?? "auto";
  const evaluate = async (): Promise<Logs> => (await model.evaluate(validation, { verbose: 0, returnDict: true })) as Logs;
  const signal = opts.signal;
  const stopper = new (class extends Callback {
    override onTrainBatchEnd(): void {
      if (signal?.aborted) this.model.stopTraining = true;
    }
  })();
  const callbacks = [...(opts.callbacks ?? []), stopper];

  compileFor(model, binary, learningRate);
  const initial = await evaluate();
  const head = countTrainable(model);
  log(`phase 1: new head (${head} trainable parameters), backbone frozen; validation accuracy before training ${fmt(initial.accuracy)}`);
  let t0 = performance.now();
  const h1 = await model.fit(train, { epochs, validationData: validation, verbose, callbacks });
  const headSeconds = (performance.now() - t0) / 1000;
  const beforeFineTuning = await evaluate();
  log(`phase 1 done in ${headSeconds.toFixed(1)} s: validation accuracy ${fmt(beforeFineTuning.accuracy)}`);

  const history: Record<string, number[]> = {};
  const epochList = [...h1.epoch];
  const append = (h: Record<string, number[]>): void => {
    for (const [k, v] of Object.entries(h)) (history[k] ??= []).push(...v);
  };
  append(h1.history);
  let afterFineTuning = beforeFineTuning;
  let fineTune = 0;
  let fineSeconds = 0;
  let fineTuneStart: number | null = null;
  if (fineTuneEpochs > 0 && unfreeze > 0 && !signal?.aborted) {
    unfreezeTopLayers(backbone, unfreeze, { freezeBatchNorm: opts.freezeBatchNorm ?? true });
    compileFor(model, binary, fineTuneLearningRate);
    fineTune = countTrainable(model);
    log(`phase 2: fine-tuning the top ${unfreeze} of ${backbone.layers.length} backbone layers (${fineTune} trainable parameters) at learning rate ${fineTuneLearningRate}`);
    fineTuneStart = epochs;
    t0 = performance.now();
    const h2 = await model.fit(train, { epochs: epochs + fineTuneEpochs, initialEpoch: epochs, validationData: validation, verbose, callbacks });
    fineSeconds = (performance.now() - t0) / 1000;
    epochList.push(...h2.epoch);
    append(h2.history);
    afterFineTuning = await evaluate();
    log(`phase 2 done in ${fineSeconds.toFixed(1)} s: validation accuracy ${fmt(afterFineTuning.accuracy)}`);
  }
  return {
    model, backbone, classNames, history, epochs: epochList, fineTuneStart,
    scores: { initial, beforeFineTuning, afterFineTuning },
    trainableParams: { head, fineTune },
    seconds: { head: headSeconds, fineTune: fineSeconds },
  };
}

function fmt(v: number | undefined): string {
  return v === undefined ? "?" : `${(100 * v).toFixed(1)}%`;
}

/** Options of `finetuneFromDirectory`: finetune's, plus how the folder is read. */
export interface FinetuneDirectoryOptions extends Omit<FinetuneOptions, "classNames"> {
  /** Fraction of the images kept for validation (default 0.2). */
  validationSplit?: number;
  /** Images per batch (default 32, the course's). */
  batchSize?: number;
  /** Seed of the split and shuffles (default 1). */
  seed?: number;
}

/**
 * `finetune` on a folder with one subfolder per class, split into training and validation as
 * image_dataset_from_directory does; images are resized to the backbone's input size.
 */
export async function finetuneFromDirectory(
  directory: string,
  backbone: Model,
  opts: FinetuneDirectoryOptions = {},
): Promise<FinetuneResult & { train: ImageDataset; validation: ImageDataset }> {
  const shape = backbone.inputs[0]?.shape;
  if (!shape || shape.length !== 4 || shape[1] === null || shape[2] === null)
    throw new Error("finetuneFromDirectory: the backbone needs a fixed input size [batch, height, width, 3]");
  const seed = opts.seed ?? 1;
  const probe = await imageDatasetFromDirectory(directory, { shuffle: false, verbose: false, batchSize: 1 });
  const numClasses = probe.classNames!.length;
  if (numClasses < 2) throw new Error(`finetuneFromDirectory: ${JSON.stringify(directory)} needs at least 2 class subfolders with images, found ${numClasses}`);
  const [train, validation] = await imageDatasetFromDirectory(directory, {
    labelMode: numClasses === 2 ? "binary" : "int",
    imageSize: [shape[1], shape[2]],
    batchSize: opts.batchSize ?? 32,
    validationSplit: opts.validationSplit ?? 0.2,
    subset: "both",
    seed,
    verbose: false,
  });
  (opts.log ?? (() => {}))(`${train.size + validation.size} images in ${numClasses} classes (${train.classNames!.join(", ")}): ${train.size} for training, ${validation.size} for validation`);
  const result = await finetune(backbone, train, validation, { seed, ...opts, classNames: train.classNames! });
  return { ...result, train, validation };
}
