// `deepts predict MODEL IMAGES...`: the top-k classes of each image with a saved classifier (a model from
// `deepts finetune`, or any single-input image model deepts loads; ImageNet names for 1000 classes).
import { existsSync, statSync } from "node:fs";
import { CliError, defineCommand, UsageError } from "../lib/command.js";

export default defineCommand({
  name: "predict",
  summary: "Print the top-k classes of images with a saved image classifier",
  description:
    "Loads MODEL (.keras, .h5 or TF.js model.json), resizes each image to the model's input size and prints its top-k " +
    "classes with probabilities. Class names come from the model file (written by `deepts finetune`), or from " +
    "MODEL.classes.json beside other formats; a model with 1000 outputs gets ImageNet's class names; otherwise the " +
    "classes are numbered. Outputs that are not probabilities (logits) go through a sigmoid or softmax.",
  args: [
    { name: "MODEL", description: "the classifier: a .keras file from `deepts finetune`, or a .h5 / model.json image model" },
    { name: "IMAGES", description: "images to classify (JPEG, PNG, WebP, GIF)", variadic: true },
  ],
  options: {
    "top-k": { type: "integer", short: "k", default: 3, placeholder: "K", description: "classes to print per image" },
    preprocess: {
      type: "string", choices: ["none", "tf", "caffe", "torch"], placeholder: "MODE",
      description: "how pixels 0..255 are prepared (default: as stored with the model, else none); tf: [-1, 1], caffe: BGR minus the mean, torch: ImageNet mean/std",
    },
    json: { type: "boolean", description: "print JSON ([{image, top: [{className, probability}]}])" },
  },
  examples: ["deepts predict model.keras photo1.jpg photo2.png", "deepts predict model.keras images/*.jpg -k 1 --json"],
  async run({ args, options: o, stdout }) {
    const modelPath = args.MODEL as string;
    const images = (args.IMAGES as string[] | undefined) ?? [];
    if (images.length === 0) throw new UsageError("give at least one image after MODEL");
    if (o["top-k"] < 1) throw new UsageError(`--top-k must be at least 1, got ${o["top-k"]}`);
    if (!existsSync(modelPath)) throw new CliError(`MODEL ${JSON.stringify(modelPath)}: no such file`);
    for (const p of images) {
      if (!existsSync(p)) throw new CliError(`image ${JSON.stringify(p)}: no such file`);
      if (!statSync(p).isFile()) throw new CliError(`image ${JSON.stringify(p)} is not a file`);
    }
    const dt = await import("../../src/index.js");
    let loaded;
    try {
      loaded = await dt.loadClassifier(modelPath);
    } catch (e) {
      throw new CliError(`cannot load ${JSON.stringify(modelPath)}: ${(e as Error).message}`);
    }
    const { model, info } = loaded;
    const prep = o.preprocess as "none" | "tf" | "caffe" | "torch" | undefined;
    const use = prep === undefined ? info : { ...info, preprocess: prep };
    let x;
    try {
      x = await dt.loadImagesFor(model, images);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const top = dt.classify(model, x, use, o["top-k"]);
    if (o.json) {
      stdout.write(JSON.stringify(images.map((image, i) => ({ image, top: top[i].map((t) => ({ className: t.className, probability: t.probability })) })), null, 1) + "\n");
      return 0;
    }
    images.forEach((image, i) => {
      stdout.write(`${image}\n`);
      for (const t of top[i]) stdout.write(`  ${(100 * t.probability).toFixed(1).padStart(5)}%  ${t.className}\n`);
    });
    return 0;
  },
});
