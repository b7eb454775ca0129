// `deepts style CONTENT STYLE -o OUT.png`: neural style transfer as the Coursera course runs it (C4W4).
// The work is the library's (src/tasks/style); this file checks the input, reports progress, and writes
// the image, the optional frames and the cost curve (OUT.costs.json and OUT.costs.csv).
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { CliError, defineCommand, UsageError } from "../lib/command.js";
import { parseStyleLayers, StyleRun } from "./_style-run.js";

export default defineCommand({
  name: "style",
  summary: "Neural style transfer: paint CONTENT in the style of STYLE (course C4W4)",
  description:
    "Optimises an image, started from CONTENT plus noise, with Adam so that its activations in a pretrained network " +
    "match CONTENT's at the content layer and its Gram matrices match STYLE's at the style layers: " +
    "J = alpha J_content + beta J_style (+ tv * total variation). With --weights FILE the network is VGG19 " +
    "(Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5), content layer block5_conv4, style layers " +
    "block1_conv1..block5_conv1 weighted 0.2 each, as in the course. Writes OUT and, beside it, NAME.costs.json and " +
    "NAME.costs.csv (the costs of every step; NAME is OUT without its extension), and with --frames-every N the frames " +
    "NAME-0001.png, NAME-0002.png, ... " +
    "Ctrl-C stops after the current step and still writes what there is.",
  args: [
    { name: "CONTENT", description: "the photo to repaint (JPEG, PNG or WebP)" },
    { name: "STYLE", description: "the painting whose style to copy (JPEG, PNG or WebP); resized to the output size" },
  ],
  options: {
    output: { type: "string", short: "o", placeholder: "OUT.png", required: true, description: "where to write the stylised image (.png, .jpg or .webp)" },
    weights: {
      type: "string", placeholder: "FILE",
      description: "VGG19 weights in Keras' .h5 layout (vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5), or \"random\" (timing only: no style)",
    },
    backbone: { type: "string", placeholder: "NAME", choices: ["vgg19", "mobilenetv2"], description: "the network (default vgg19 with --weights, else the built-in mobilenetv2 of nsfwjs)" },
    size: { type: "string", placeholder: "WxH", description: "working and output size, e.g. 400x300 (default: CONTENT's aspect, longer side 400)" },
    steps: { type: "integer", default: 100, placeholder: "N", description: "Adam steps" },
    alpha: { type: "number", default: 10, description: "weight of the content cost" },
    beta: { type: "number", default: 40, description: "weight of the style cost" },
    tv: { type: "number", default: 0, description: "weight of the total variation (smoothness) of the image" },
    "content-layer": { type: "string", placeholder: "NAME", description: "the content layer (default: the backbone's, block5_conv4 for VGG19)" },
    "style-layers": {
      type: "string", placeholder: "L[:W],...",
      description: "style layers and weights, e.g. block1_conv1:0.5,block3_conv1:0.5; names without weights share 1 equally",
    },
    lr: { type: "number", default: 0.01, description: "Adam's learning rate" },
    seed: { type: "integer", description: "seed of the starting noise, and of the weights with --weights random (default: random, recorded in NAME.costs.json)" },
    noise: { type: "number", default: 0.25, description: "half-width of the uniform noise added to CONTENT at the start" },
    preprocess: { type: "string", placeholder: "MODE", choices: ["course", "caffe"], default: "course", description: "VGG19 input: the [0, 1] image as the course feeds it, or Keras' caffe preprocess_input" },
    "frames-every": { type: "integer", placeholder: "N", description: "also write the image every N steps, as NAME-0001.png, NAME-0002.png, ..." },
    quiet: { type: "boolean", short: "q", description: "no progress bar" },
  },
  examples: [
    "deepts style photo.jpg starry_night.jpg -o out.png --weights vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "deepts style photo.jpg starry_night.jpg -o out.png --weights vgg19_notop.h5 --size 400x300 --steps 200 --frames-every 20",
  ],
  async run({ args, options: o, stdout, stderr, signal }) {
    const content = args.CONTENT as string;
    const style = args.STYLE as string;
    for (const [what, p] of [["CONTENT", content], ["STYLE", style]] as const) {
      if (!existsSync(p)) throw new CliError(`${what} ${JSON.stringify(p)}: no such file`);
      if (!statSync(p).isFile()) throw new CliError(`${what} ${JSON.stringify(p)} is not a file`);
    }
    const out = resolve(o.output);
    if (![".png", ".jpg", ".jpeg", ".webp"].includes(extname(out).toLowerCase()))
      throw new UsageError(`-o ${o.output}: name the output .png, .jpg, .jpeg or .webp`);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`-o ${o.output} is a folder; give a file name such as ${o.output}/out.png`);
    if (o.steps < 1) throw new UsageError(`--steps must be at least 1, got ${o.steps}`);
    if (o.lr <= 0) throw new UsageError(`--lr must be positive, got ${o.lr}`);
    if (o.noise < 0) throw new UsageError(`--noise must be at least 0, got ${o.noise}`);
    if (o["frames-every"] !== undefined && o["frames-every"] < 1) throw new UsageError(`--frames-every must be at least 1, got ${o["frames-every"]}`);
    const backboneName = (o.backbone ?? (o.weights !== undefined ? "vgg19" : "mobilenetv2")) as "vgg19" | "mobilenetv2";
    if (backboneName === "mobilenetv2" && o.weights !== undefined) throw new UsageError("--weights is for --backbone vgg19 (the mobilenetv2 backbone's weights ship with deepts)");
    if (backboneName === "vgg19" && o.weights === undefined)
      throw new UsageError("--backbone vgg19 needs --weights vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 (Keras' file; deepts does not download it)");
    if (o.weights !== undefined && o.weights !== "random" && !existsSync(o.weights))
      throw new CliError(`--weights ${JSON.stringify(o.weights)}: no such file (download Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 and give its path)`);
    const styleLayers = o["style-layers"] === undefined ? undefined : parseStyleLayers(o["style-layers"]);

    const dt = await import("../../src/index.js");
    let size: [number, number] | undefined;
    if (o.size !== undefined) {
      try {
        size = dt.parseImageSize(o.size);
      } catch (e) {
        throw new UsageError(`--size: ${(e as Error).message}`);
      }
    }
    const run = await StyleRun.prepare(dt, {
      content, style, out, size, backbone: backboneName, weights: o.weights ?? null, preprocess: o.preprocess as "course" | "caffe",
      steps: o.steps, alpha: o.alpha, beta: o.beta, tv: o.tv, learningRate: o.lr, noise: o.noise, seed: o.seed,
      contentLayer: o["content-layer"], styleLayers, framesEvery: o["frames-every"],
    });
    if (!existsSync(dirname(out))) mkdirSync(dirname(out), { recursive: true });
    if (o.weights === "random") stderr.write("deepts style: VGG19 with random weights: the costs are real, the picture will not be styled (use it for timing)\n");
    stdout.write(run.describe() + "\n");
    const summary = await run.execute({ progress: o.quiet ? null : stderr, signal });
    stdout.write(summary + "\n");
    return signal.aborted ? 130 : 0;
  },
});
