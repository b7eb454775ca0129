// `deepts faces-train DIR`: fine-tune face-api's descriptor network with the semi-hard triplet loss on a folder
// of identity subfolders, and print verification on held-out pairs before and after (the library's
// fineTuneEmbedding, src/tasks/faces/triplet-finetune.ts). `--demo` builds such a folder from the labelled faces
// of face-api's demo photos. Inputs are checked before anything is read or written.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CliError, defineCommand, UsageError } from "../lib/command.js";

const MANIFEST = "face_recognition_model-weights_manifest.json";

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export default defineCommand({
  name: "faces-train",
  summary: "fine-tune the face descriptor network with a triplet loss on a folder of people (course C4W4)",
  description:
    "DIR holds one subfolder per person, with photos of that person (JPEG, PNG or WebP). Each photo's largest face is " +
    "found and aligned as `deepts faces` does (or, with --align none, each image is taken as an aligned face crop). " +
    "Some people (or, with --holdout images, some photos of everyone) are held out; the last residual blocks and the " +
    "projection of face-api's FaceRecognitionNet are trained with the semi-hard triplet loss (FaceNet; TF Addons' " +
    "TripletSemiHardLoss) on batches of P people x K photos, with Adam. Prints verification on the held-out pairs before " +
    "and after: ROC AUC, accuracy at the threshold calibrated on the training pairs, and the best accuracy any threshold " +
    "reaches. With -o, writes the fine-tuned weights in face-api's format (a new model id: a face database never mixes " +
    "them with the original's), and beside them (face-model.json) the threshold calibrated on the training pairs, which " +
    "deepts faces --model MODEL_DIR uses. With --demo, DIR is built (or a temporary folder when DIR is omitted) from the 22 " +
    "labelled faces of face-api's demo photos, 20 people, as augmented views; a demonstration, too few people to " +
    "expect a gain.",
  args: [{ name: "DIR", description: "folder of identity subfolders (with --demo: where to build it; default a temporary folder)", optional: true }],
  options: {
    output: { type: "string", short: "o", placeholder: "MODEL_DIR", description: "write the fine-tuned weights here (face-api's weights manifest and shard)" },
    overwrite: { type: "boolean", description: "replace weights already in MODEL_DIR" },
    demo: { type: "boolean", description: "build DIR from the labelled faces of face-api's demo photos, then train on it" },
    views: { type: "integer", default: 8, placeholder: "N", description: "--demo: images per person" },
    align: { type: "string", choices: ["detect", "none"], description: "find and align each photo's face (detect, the default), or take the images as aligned crops (none; --demo's)" },
    holdout: { type: "string", choices: ["identities", "images"], default: "identities", description: "hold out whole people, or some photos of each" },
    "eval-fraction": { type: "number", default: 0.3, placeholder: "F", description: "share of people (or of each one's photos) held out" },
    eval: { type: "string", multiple: true, placeholder: "NAME", description: "hold out this person (repeatable; instead of --eval-fraction)" },
    steps: { type: "integer", default: 100, placeholder: "N", description: "training steps, one P x K batch each" },
    blocks: { type: "integer", default: 1, placeholder: "N", description: "residual blocks trained, from the end (0 to 14); the projection is always trained" },
    people: { type: "integer", default: 8, placeholder: "P", description: "people per batch" },
    photos: { type: "integer", default: 4, placeholder: "K", description: "photos per person in a batch" },
    margin: { type: "number", default: 0.4, description: "triplet margin (descriptor distance)" },
    lr: { type: "number", default: 1e-4, description: "Adam's learning rate" },
    seed: { type: "integer", default: 0, description: "seed of the split, the batches and --demo's views" },
    json: { type: "boolean", description: "print the result as JSON" },
    quiet: { type: "boolean", short: "q", description: "no progress" },
  },
  examples: [
    "deepts faces-train people/ -o my-face-model --steps 200",
    "deepts faces-train people/ --holdout images --align none",
    "deepts faces-train --demo",
  ],
  async run({ args, options: o, stdout, stderr, signal }) {
    let dir = args.DIR as string | undefined;
    if (!o.demo && dir === undefined) throw new UsageError("give DIR, a folder with one subfolder of photos per person (or --demo)");
    if (!(o["eval-fraction"] > 0 && o["eval-fraction"] < 1)) throw new UsageError(`--eval-fraction must be between 0 and 1, got ${o["eval-fraction"]}`);
    if (o.steps < 0) throw new UsageError(`--steps must be at least 0, got ${o.steps}`);
    if (o.blocks < 0 || o.blocks > 14) throw new UsageError(`--blocks must be from 0 to 14, got ${o.blocks}`);
    if (o.people < 2) throw new UsageError(`--people must be at least 2, got ${o.people}`);
    if (o.photos < 2) throw new UsageError(`--photos must be at least 2, got ${o.photos}`);
    if (!(o.margin > 0)) throw new UsageError(`--margin must be positive, got ${o.margin}`);
    if (!(o.lr > 0)) throw new UsageError(`--lr must be positive, got ${o.lr}`);
    if (o.views < 2) throw new UsageError(`--views must be at least 2, got ${o.views}`);
    if (o.eval.length > 0 && o.holdout !== "identities") throw new UsageError("--eval goes with --holdout identities");
    if (o.demo && o.align === "detect") throw new UsageError("--demo writes aligned face crops: it uses --align none");
    if (dir !== undefined && !o.demo) {
      if (!existsSync(dir)) throw new CliError(`DIR ${JSON.stringify(dir)}: no such folder`);
      if (!statSync(dir).isDirectory()) throw new CliError(`DIR ${JSON.stringify(dir)} is not a folder`);
    }
    if (o.demo && dir !== undefined && existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
      throw new CliError(`--demo builds DIR: ${JSON.stringify(dir)} exists and is not an empty folder`);
    const out = o.output === undefined ? undefined : resolve(o.output);
    if (out !== undefined) {
      if (existsSync(out) && !statSync(out).isDirectory()) throw new CliError(`-o ${JSON.stringify(o.output)} is a file; give a folder for the weights`);
      if (existsSync(join(out, MANIFEST)) && !o.overwrite) throw new CliError(`-o ${JSON.stringify(o.output)} already holds face weights (${MANIFEST}); pass --overwrite to replace them`);
    }

    const dt = await import("../../src/index.js");
    const progress = o.quiet ? null : stderr;
    let temp: string | undefined;
    try {
      if (o.demo) {
        if (dir === undefined) dir = temp = mkdtempSync(join(tmpdir(), "deepts-faces-demo-"));
        progress?.write(`building the demo identity folder in ${dir} ...\n`);
        const demo = await dt.writeDemoFaceIdentities(dir, { views: o.views, seed: o.seed });
        const multi = demo.identities.filter((i) => i.photos > 1).map((i) => i.name);
        progress?.write(`${demo.identities.length} people, ${o.views} images each (${multi.join(", ")} in two photos)${demo.missing.length ? `; not found again: ${demo.missing.join(", ")}` : ""}\n`);
      }
      const evalIds = o.eval.length > 0 ? o.eval : o.demo && o.holdout === "identities" ? [...dt.DEMO_EVAL_IDENTITIES] : undefined;
      let lastImage = 0;
      const r = await dt.fineTuneEmbedding(dir!, {
        align: (o.align ?? (o.demo ? "none" : "detect")) as "detect" | "none",
        holdout: o.holdout as "identities" | "images", evalFraction: o["eval-fraction"], evalIdentities: evalIds,
        steps: o.steps, trainableBlocks: o.blocks, identitiesPerBatch: o.people, imagesPerIdentity: o.photos,
        margin: o.margin, learningRate: o.lr, seed: o.seed, signal,
        onImage: (done, total) => {
          if (progress && (done === total || performance.now() - lastImage > 2000)) {
            lastImage = performance.now();
            progress.write(`images ${done}/${total}\n`);
          }
        },
        onStep: (s) => {
          if (progress && (s.step % 10 === 0 || s.step === s.steps)) progress.write(`step ${s.step}/${s.steps}  loss ${s.loss.toFixed(4)}  active triplets ${s.active}/${s.triplets}\n`);
        },
      });
      let saved: string | undefined;
      let info: string | undefined;
      if (out !== undefined) {
        saved = dt.saveFaceRecognitionWeights(r.net, out);
        // The fine-tuned descriptors have their own scale: the threshold calibrated on the training pairs goes
        // beside the weights, where `deepts faces --model` finds it (`faces calibrate --model DIR --save-model` redoes it).
        const note = `deepts faces-train: best accuracy on the training people's pairs; held-out ROC AUC ${r.after.auc.toFixed(3)}`;
        info = dt.saveFaceModelThreshold(out, dt.faceEmbeddingModelId(out), r.after.threshold, note);
      }
      if (o.json) {
        const { net: _net, ...rest } = r;
        stdout.write(JSON.stringify({ dir, ...rest, weights: saved ?? null, model: saved ? dt.faceEmbeddingModelId(out) : null, thresholdFile: info ?? null }, null, 1) + "\n");
        return 0;
      }
      const line = (name: string, s: typeof r.before): string =>
        `${name.padEnd(7)} AUC ${s.auc.toFixed(4)}  accuracy ${pct(s.accuracy)} at ${s.threshold.toFixed(3)} (TPR ${pct(s.truePositiveRate)}, FPR ${pct(s.falsePositiveRate)})  best ${pct(s.bestAccuracy)} at ${s.bestThreshold.toFixed(3)}`;
      stdout.write(
        `${r.identities.train.length} people trained on (${r.images.train} images), held out: ${o.holdout} ` +
          `(${r.identities.eval.length} people, ${r.images.eval} images); ${r.skipped.length} images skipped\n`,
      );
      for (const s of r.skipped.slice(0, 10)) stdout.write(`  skipped ${s.file}: ${s.reason}\n`);
      stdout.write(`held-out pairs: ${r.before.positives} same person, ${r.before.negatives} different\n`);
      stdout.write(line("before", r.before) + "\n" + line("after", r.after) + "\n");
      stdout.write(`training pairs AUC ${r.before.trainAuc.toFixed(4)} -> ${r.after.trainAuc.toFixed(4)}; ${r.seconds.total.toFixed(1)} s (images ${r.seconds.prepare.toFixed(1)} s, training ${r.seconds.train.toFixed(1)} s)\n`);
      if (saved) {
        stdout.write(`fine-tuned weights: ${saved} (model ${dt.faceEmbeddingModelId(out)})\n`);
        stdout.write(`threshold ${r.after.threshold.toFixed(3)} stored in ${info}; use them with: deepts faces enroll|verify|identify --model ${o.output}\n`);
      }
      return 0;
    } catch (e) {
      if (signal.aborted) {
        stderr.write("interrupted: nothing was written\n");
        return 130;
      }
      // The library's messages name the problem (no images, no faces, a bad split); they are the user's to fix.
      if (e instanceof RangeError || /^fineTuneEmbedding: /.test((e as Error).message)) throw new CliError((e as Error).message);
      throw e;
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  },
});
