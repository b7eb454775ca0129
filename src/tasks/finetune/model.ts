// The transfer-learning model of the course (C4W2 "Transfer learning with MobileNetV2", alpaca_model):
// augmentation, MobileNetV2's preprocessing, the frozen backbone (inference mode), global average pooling,
// dropout and a new dense head; and the unfreezing of the backbone's top layers for fine-tuning.
import { BatchNormalization } from "../../layers/batch-normalization.js";
import { Dense } from "../../layers/dense.js";
import { Dropout } from "../../layers/dropout.js";
import { GlobalAveragePooling2D } from "../../layers/global-average-pooling2d.js";
import { Input } from "../../layers/input-layer.js";
import type { Layer } from "../../layers/layer.js";
import { RandomFlip } from "../../layers/random-flip.js";
import { RandomRotation } from "../../layers/random-rotation.js";
import { Rescaling } from "../../layers/rescaling.js";
import { Model } from "../../models/model.js";
import { Sequential } from "../../models/sequential.js";
import type { SymbolicTensor } from "../../models/symbolic.js";

export interface TransferModelOptions {
  /** Classes of the new head: 2 gives one logit (binary, as the course), more give one logit per class. */
  numClasses: number;
  /** Random horizontal flips and rotations of up to ±0.2 turns while training (the course's data_augmenter); default true. */
  augmentation?: boolean;
  /** Largest rotation, as a fraction of a full turn (default 0.2, the course's). */
  rotation?: number;
  /** Dropout rate before the head (default 0.2). */
  dropout?: number;
  /**
   * How the backbone wants its pixels: "mobilenet" (default; [0, 255] to [-1, 1], mobilenet_v2.preprocess_input),
   * "unit" ([0, 1], as the pretrained MobileNetV2 of nsfwjs) or "none" (the backbone takes [0, 255] as it is).
   */
  preprocess?: "mobilenet" | "unit" | "none";
  /** Seed of the augmentation and dropout layers (reproducible runs). */
  seed?: number;
  /** Name of the model (default "transfer_model"). */
  name?: string;
}

/** What buildTransferModel returns: the whole model and, inside it, the backbone (to unfreeze later). */
export interface TransferModel {
  model: Model;
  backbone: Model;
}

function checkBackbone(backbone: Model): void {
  if (!(backbone instanceof Model) || backbone.inputs.length !== 1 || backbone.outputs.length !== 1)
    throw new Error("buildTransferModel: the backbone must be a functional model with one image input and one output (e.g. mobileNetV2({ includeTop: false }))");
  const shape = backbone.inputs[0].shape;
  if (shape.length !== 4 || shape[1] === null || shape[2] === null || shape[3] !== 3)
    throw new Error(`buildTransferModel: the backbone's input must be [batch, height, width, 3] with a fixed size, got [${shape.join(", ")}]`);
  const out = backbone.outputs[0].shape.length;
  if (out !== 4 && out !== 2)
    throw new Error(`buildTransferModel: the backbone must end in a feature map [batch, h, w, c] or pooled features [batch, c]; its output has rank ${out}`);
}

/**
 * The course's alpaca_model around any image backbone: the backbone is frozen (trainable false) and called
 * in inference mode, so its batch normalisations keep their moving statistics.
 *
 * @example
 * const backbone = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [96, 96, 3] });
 * const { model } = buildTransferModel(backbone, { numClasses: 2 }); // one logit: BinaryCrossentropy(fromLogits)
 */
export function buildTransferModel(backbone: Model, opts: TransferModelOptions): TransferModel {
  checkBackbone(backbone);
  const { numClasses, augmentation = true, rotation = 0.2, dropout = 0.2, preprocess = "mobilenet", seed } = opts;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`buildTransferModel: numClasses must be an integer >= 2, got ${numClasses}`);
  const shape = backbone.inputs[0].shape.slice(1) as number[];
  const inputs = Input({ shape, name: "image" });
  let x: SymbolicTensor = inputs;
  if (augmentation) {
    const augmenter = new Sequential({
      name: "data_augmentation",
      layers: [
        new RandomFlip({ mode: "horizontal", seed: seed ?? null }),
        new RandomRotation({ factor: rotation, seed: seed === undefined ? null : seed + 1 }),
      ],
    });
    x = augmenter.apply(x) as SymbolicTensor;
  }
  if (!["mobilenet", "unit", "none"].includes(preprocess))
    throw new Error(`buildTransferModel: preprocess must be "mobilenet", "unit" or "none", got ${JSON.stringify(preprocess)}`);
  if (preprocess === "mobilenet") x = new Rescaling({ scale: 1 / 127.5, offset: -1, name: "preprocess_input" }).apply(x) as SymbolicTensor;
  if (preprocess === "unit") x = new Rescaling({ scale: 1 / 255, name: "preprocess_input" }).apply(x) as SymbolicTensor;
  backbone.trainable = false;
  x = backbone.apply(x, { training: false }) as SymbolicTensor;
  if (x.shape.length === 4) x = new GlobalAveragePooling2D({ name: "global_average_pooling2d" }).apply(x) as SymbolicTensor;
  x = new Dropout({ rate: dropout, seed: seed === undefined ? null : seed + 2, name: "dropout" }).apply(x) as SymbolicTensor;
  const outputs = new Dense({ units: numClasses === 2 ? 1 : numClasses, name: "prediction" }).apply(x) as SymbolicTensor;
  return { model: new Model({ inputs, outputs, name: opts.name ?? "transfer_model" }), backbone };
}

/**
 * Unfreezes the last `count` layers of `backbone` for fine-tuning (the course's fine_tune_at = layers - count);
 * the layers before stay frozen. Batch normalisations stay frozen by default (inference mode, moving statistics
 * kept), as Keras' fine-tuning guide advises for small data sets. Returns the layers made trainable.
 */
export function unfreezeTopLayers(backbone: Model, count: number, opts: { freezeBatchNorm?: boolean } = {}): Layer[] {
  const layers = backbone.layers;
  if (!Number.isInteger(count) || count < 0) throw new Error(`unfreezeTopLayers: count must be a non-negative integer, got ${count}`);
  if (count > layers.length) throw new Error(`unfreezeTopLayers: the backbone "${backbone.name}" has ${layers.length} layers; cannot unfreeze ${count}`);
  backbone.trainable = true;
  const from = layers.length - count;
  const opened: Layer[] = [];
  layers.forEach((layer, i) => {
    const open = i >= from && !((opts.freezeBatchNorm ?? true) && layer instanceof BatchNormalization);
    layer.trainable = open;
    if (open && layer.weights.length > 0) opened.push(layer);
  });
  return opened;
}

/** Number of trainable parameters of a model (after freezing). */
export function countTrainable(model: Layer): number {
  return model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
}
