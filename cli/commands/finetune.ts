// `deepts finetune DIR`: transfer learning from a folder of images, as the course does it (C4W2): a pretrained
// MobileNetV2 frozen under a new head, then its top layers fine-tuned at a tenth of the learning rate. The work
// is the library's (src/tasks/finetune); this file checks the input, reports, and writes the model and curves.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { CliError, defineCommand, UsageError } from "../lib/command.js";

export default defineCommand({
  name: "finetune",
  summary: "Fine-tune a pretrained MobileNetV2 on a folder of images, one subfolder per class (course C4W2)",
  description:
    "Splits DIR into training and validation sets as Keras' image_dataset_from_directory does (seeded, the last " +
    "--validation-split of the shuffled files validate), resizes the images to --image-size, and builds the course's " +
    "model: random flips and rotations, the pretrained MobileNetV2 without its top (frozen, batch norms in inference " +
    "mode), global average pooling, dropout 0.2 and a new dense head (one logit for 2 classes, one per class for more). " +
    "The head trains for --epochs with Adam (--lr); then the top --unfreeze layers of MobileNetV2 train with it for " +
    "--fine-tune-epochs at a tenth of the rate. Prints the validation accuracy before and after fine-tuning, and writes " +
    "the model (a Keras .keras file with the class names in its metadata, for `deepts predict`) and NAME.curves.png " +
    "(accuracy and loss per epoch). The pretrained weights are nsfwjs' MobileNetV2 (npm package nsfwjs@4.4.0; " +
    "`node scripts/fetch-nsfwjs.mjs` puts its files in data/models/nsfwjs/); " +
    "--weights FILE takes a Keras MobileNetV2 no-top weights file instead (mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_<size>_no_top.h5).",
  args: [{ name: "DIR", description: "a folder with one subfolder of images (JPEG, PNG, GIF) per class" }],
  options: {
    out: { type: "string", short: "o", default: "model.keras", placeholder: "FILE.keras", description: "where to write the fine-tuned model" },
    epochs: { type: "integer", default: 5, placeholder: "N", description: "epochs of the head on the frozen backbone" },
    "fine-tune-epochs": { type: "integer", default: 5, placeholder: "N", description: "epochs of fine-tuning (0: none)" },
    unfreeze: { type: "integer", default: 34, placeholder: "N", description: "top layers of MobileNetV2's 154 to fine-tune (the course: from layer 120 on)" },
    "image-size": { type: "integer", default: 160, placeholder: "PX", description: "images are resized to PX x PX (at least 32)" },
    "batch-size": { type: "integer", default: 32, placeholder: "N", description: "images per batch" },
    "validation-split": { type: "number", default: 0.2, placeholder: "F", description: "fraction of the images kept for validation" },
    seed: { type: "integer", default: 1, description: "seed of the split, the shuffles and the augmentation" },
    lr: { type: "number", default: 0.001, description: "Adam's learning rate for the head (fine-tuning uses a tenth)" },
    weights: { type: "string", placeholder: "FILE", description: "a Keras MobileNetV2 (alpha 1) no-top weights .h5 instead of nsfwjs' weights, or \"random\" (timing only)" },
    augment: { type: "boolean", default: true, description: "random flips and rotations while training (--no-augment to turn off)" },
    quiet: { type: "boolean", short: "q", description: "no progress bar" },
  },
  examples: [
    "deepts finetune photos/ --out flowers.keras",
    "deepts finetune data/face-patches --epochs 3 --fine-tune-epochs 2 --image-size 96 --out faces.keras",
  ],
  async run({ args, options: o, stdout, stderr, signal }) {
    const dir = args.DIR as string;
    if (!existsSync(dir)) throw new CliError(`DIR ${JSON.stringify(dir)}: no such folder`);
    if (!statSync(dir).isDirectory()) throw new CliError(`DIR ${JSON.stringify(dir)} is not a folder (give a folder with one subfolder per class)`);
    const classes = readdirSync(dir).filter((d) => !d.startsWith(".") && statSync(join(dir, d)).isDirectory());
    if (classes.length < 2) throw new CliError(`DIR ${JSON.stringify(dir)} has ${classes.length} class subfolder(s); fine-tuning needs at least 2 (one subfolder of images per class)`);
    const out = resolve(o.out);
    if (extname(out).toLowerCase() !== ".keras") throw new UsageError(`--out ${o.out}: name the model file .keras`);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${o.out} is a folder; give a file name such as ${join(o.out, "model.keras")}`);
    for (const [name, v, min] of [["epochs", o.epochs, 0], ["fine-tune-epochs", o["fine-tune-epochs"], 0], ["unfreeze", o.unfreeze, 0], ["batch-size", o["batch-size"], 1]] as const)
      if (v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
    if (o.epochs + o["fine-tune-epochs"] < 1) throw new UsageError("--epochs and --fine-tune-epochs are both 0: nothing to train");
    if (o["image-size"] < 32) throw new UsageError(`--image-size must be at least 32 (MobileNetV2's smallest input), got ${o["image-size"]}`);
    if (o.unfreeze > 154) throw new UsageError(`--unfreeze must be at most 154 (MobileNetV2's layers), got ${o.unfreeze}`);
    if (!(o["validation-split"] > 0 && o["validation-split"] < 1)) throw new UsageError(`--validation-split must be between 0 and 1, got ${o["validation-split"]}`);
    if (!(o.lr > 0)) throw new UsageError(`--lr must be positive, got ${o.lr}`);
    if (o.weights !== undefined && o.weights !== "random" && !existsSync(o.weights))
      throw new CliError(`--weights ${JSON.stringify(o.weights)}: no such file`);

    const dt = await import("../../src/index.js");
    const size = o["image-size"];
    const inputShape: [number, number, 3] = [size, size, 3];
    let backbone;
    let preprocess: "unit" | "mobilenet";
    if (o.weights === undefined) {
      try {
        backbone = dt.pretrainedMobileNetV2({ inputShape });
      } catch (e) {
        throw new CliError(`${(e as Error).message}; or pass --weights FILE (a Keras MobileNetV2 no-top .h5)`);
      }
      preprocess = "unit";
    } else {
      const args = { alpha: 1, includeTop: false, inputShape };
      backbone = o.weights === "random" ? dt.mobileNetV2(args) : await dt.mobileNetV2({ ...args, weights: o.weights });
      preprocess = "mobilenet";
      if (o.weights === "random") stderr.write("deepts finetune: MobileNetV2 with random weights: nothing pretrained to transfer (use it for timing)\n");
    }
    dt.setSeed(o.seed);
    const progress = o.quiet ? [] : [new dt.ProgbarLogger({ stream: stderr })];
    const t0 = performance.now();
    const r = await dt.finetuneFromDirectory(dir, backbone, {
      epochs: o.epochs, fineTuneEpochs: o["fine-tune-epochs"], unfreeze: o.unfreeze, batchSize: o["batch-size"],
      validationSplit: o["validation-split"], seed: o.seed, learningRate: o.lr, augmentation: o.augment, preprocess,
      // Ctrl-C: training stops after the current batch; what was trained so far is still scored and saved.
      verbose: o.quiet ? 0 : "auto", callbacks: progress, signal, log: (l) => stdout.write(l + "\n"),
    });
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const s = r.scores;
    if (!existsSync(dirname(out))) mkdirSync(dirname(out), { recursive: true });
    const output = r.classNames.length === 2 ? "sigmoid-logit" : "softmax-logits";
    await dt.saveClassifier(r.model, out, { classNames: r.classNames, output, imageSize: [size, size] });
    const curves = out.replace(/\.keras$/i, ".curves.png");
    await dt.writeTrainingCurves(curves, r.history, r.epochs, { fineTuneStart: r.fineTuneStart });
    stdout.write(
      `validation accuracy: ${pct(s.initial.accuracy)} untrained, ${pct(s.beforeFineTuning.accuracy)} before fine-tuning, ` +
        `${pct(s.afterFineTuning.accuracy)} after (${r.validation.size} images; ${((performance.now() - t0) / 1000).toFixed(1)} s)\n` +
        `wrote ${out} (classes: ${r.classNames.join(", ")}) and ${curves}\n`,
    );
    return signal.aborted ? 130 : 0;
  },
});
