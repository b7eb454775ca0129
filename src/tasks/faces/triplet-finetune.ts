// Fine-tuning face-api's FaceRecognitionNet with the semi-hard triplet loss on a folder of identity
// subfolders, and the verification scores on held-out pairs before and after.
import { noGrad } from "../../autograd/tape.js";
import { GradientTape } from "../../autograd/gradient-tape.js";
import { div, mul } from "../../ops/arithmetic.js";
import { gather } from "../../ops/indexing.js";
import { sqrt, square } from "../../ops/math.js";
import { sum } from "../../ops/reduce.js";
import { concat } from "../../ops/movement.js";
import { Adam } from "../../optimizers/adam.js";
import { zip } from "../../optimizers/optimizer.js";
import { Tensor } from "../../tensor/tensor.js";
import { loadFaceNet } from "./models.js";
import type { DetectFacesOptions } from "./pipeline.js";
import { type LabelledDistance, calibrateThreshold, evaluateThreshold, rocAuc } from "./recognize.js";
import { TrainableFaceRecognitionNet } from "./trainable-net.js";
import { PKSampler, seededRandom, shuffleInPlace } from "./triplet-batches.js";
import { type FaceAlign, faceInputOf, listIdentityFolder } from "./triplet-data.js";
import { type TripletDistanceMetric, tripletSemiHardBatch } from "./triplet.js";

export interface FineTuneEmbeddingOptions {
  /** "detect" (default): find and align the largest face of each image; "none": the images are aligned face crops. */
  align?: FaceAlign;
  /** Detector options when align is "detect". */
  detect?: DetectFacesOptions;
  /**
   * What is held out for evaluation: whole "identities" (default; verification of people never trained
   * on), or some "images" of every identity (new photos of known people, compared with all others).
   */
  holdout?: "identities" | "images";
  /** Share of identities (or of each identity's images) held out (default 0.3). */
  evalFraction?: number;
  /** Identities to hold out, by folder name (instead of a random evalFraction of them). */
  evalIdentities?: readonly string[];
  /** Residual blocks trained, counted from the end (default 1: conv256_down_out); the final projection is always trained. */
  trainableBlocks?: number;
  /** Optimisation steps (default 100), each on one P x K batch. */
  steps?: number;
  /** P: identities per batch (default 8). */
  identitiesPerBatch?: number;
  /** K: images per identity in a batch (default 4). */
  imagesPerIdentity?: number;
  /** Triplet margin, in descriptor distance units (default 0.4; face-api's descriptors of one person lie about 0.3 apart, of two people 0.6 to 1). */
  margin?: number;
  distanceMetric?: TripletDistanceMetric;
  /**
   * Train on descriptors projected onto the sphere where the pretrained ones lie (their mean norm on the
   * training images, about 1.46 for face-api's), as FaceNet constrains its embeddings, and rescale the final
   * projection after training so that descriptors keep that norm (default true). Without it the loss can be
   * lowered by scaling all descriptors up, which moves every distance and the calibrated thresholds with it.
   */
  normalize?: boolean;
  /** Adam's learning rate (default 1e-4). */
  learningRate?: number;
  /** Seed of the split and the batches (default 0). */
  seed?: number;
  /** Folder of face-api's weights to start from (default: the installed @vladmandic/face-api). */
  modelDir?: string;
  /** Called after every step. */
  onStep?: (s: { step: number; steps: number; loss: number; active: number; triplets: number }) => void;
  /** Called as images are prepared. */
  onImage?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Verification scores of one set of descriptors on labelled pairs. */
export interface VerificationScores {
  /** Same-person and different-person pairs evaluated. */
  positives: number;
  negatives: number;
  /** ROC AUC of the held-out pairs (threshold-free). */
  auc: number;
  /** The threshold calibrated (best accuracy) on the training identities' pairs, and what it does on the held-out pairs. */
  threshold: number;
  accuracy: number;
  balancedAccuracy: number;
  truePositiveRate: number;
  falsePositiveRate: number;
  /** The best accuracy any threshold reaches on the held-out pairs themselves (an upper bound), and that threshold. */
  bestAccuracy: number;
  bestThreshold: number;
  /** ROC AUC of the training pairs. */
  trainAuc: number;
}

export interface FineTuneEmbeddingResult {
  net: TrainableFaceRecognitionNet;
  identities: { train: string[]; eval: string[] };
  images: { train: number; eval: number };
  /** Images left out: unreadable, or no face found. */
  skipped: { file: string; reason: string }[];
  /** Images where "detect" found several faces (the largest was used). */
  multiFace: string[];
  before: VerificationScores;
  after: VerificationScores;
  /** The loss of every step. */
  losses: number[];
  /** Wall-clock seconds: preparing images (detection, frozen layers), training, in all. */
  seconds: { prepare: number; train: number; total: number };
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new RangeError(`fineTuneEmbedding: ${msg}`);
}

/** The mean L2 norm of the rows of [n, d]. */
function meanNorm(e: Tensor): number {
  const [n, d] = e.shape;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += e.values[i * d + k] ** 2;
    total += Math.sqrt(s);
  }
  return total / n;
}

/** All pairs of the given samples with at least one in `probe`, labelled by identity, with their distances. */
function pairsOf(emb: Tensor, labels: readonly number[], rows: readonly number[], probe?: ReadonlySet<number>): LabelledDistance[] {
  const d = emb.shape[1];
  const v = emb.values;
  const out: LabelledDistance[] = [];
  for (let i = 0; i < rows.length; i++)
    for (let j = i + 1; j < rows.length; j++) {
      if (probe && !probe.has(rows[i]) && !probe.has(rows[j])) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += (v[rows[i] * d + k] - v[rows[j] * d + k]) ** 2;
      out.push({ distance: Math.sqrt(s), same: labels[rows[i]] === labels[rows[j]] });
    }
  return out;
}

/**
 * Fine-tunes face-api's FaceRecognitionNet on a folder of identity subfolders with the semi-hard triplet loss
 * (online mining in P x K batches, Adam), training its last residual blocks and projection on top of frozen
 * features, and reports verification on held-out pairs before and after (ROC AUC; accuracy at the threshold
 * calibrated on the training pairs).
 *
 * @example
 * const r = await fineTuneEmbedding("people", { steps: 200 });
 * console.log(r.before.auc, r.after.auc);
 * await saveFaceRecognitionWeights(r.net, "my-face-model");
 */
export async function fineTuneEmbedding(dir: string, opts: FineTuneEmbeddingOptions = {}): Promise<FineTuneEmbeddingResult> {
  const t0 = performance.now();
  const align = opts.align ?? "detect";
  const holdout = opts.holdout ?? "identities";
  const evalFraction = opts.evalFraction ?? 0.3;
  const steps = opts.steps ?? 100;
  const seed = opts.seed ?? 0;
  const margin = opts.margin ?? 0.4;
  check(align === "detect" || align === "none", `align must be "detect" or "none", got ${JSON.stringify(align)}`);
  check(holdout === "identities" || holdout === "images", `holdout must be "identities" or "images", got ${JSON.stringify(holdout)}`);
  check(evalFraction > 0 && evalFraction < 1, `evalFraction must be between 0 and 1, got ${evalFraction}`);
  check(Number.isInteger(steps) && steps >= 0, `steps must be an integer >= 0, got ${steps}`);
  const lr = opts.learningRate ?? 1e-4;
  check(lr > 0, `learningRate must be positive, got ${lr}`);
  const folder = listIdentityFolder(dir);
  // Checked before the images are read, so that a typo does not cost the slow part.
  if (opts.evalIdentities) {
    check(holdout === "identities", `evalIdentities goes with holdout "identities"`);
    for (const name of opts.evalIdentities) check(folder.identities.includes(name), `evalIdentities: no subfolder named ${JSON.stringify(name)} (have ${folder.identities.join(", ")})`);
    check(folder.identities.length - new Set(opts.evalIdentities).size >= 2, `evalIdentities leaves fewer than 2 identities to train on`);
  }
  const net = new TrainableFaceRecognitionNet(loadFaceNet("faceRecognitionNet", opts.modelDir), { trainableBlocks: opts.trainableBlocks ?? 1 });

  // Read, align and run the frozen layers once per image; only the small frozen features are kept.
  const feats: Tensor[] = [];
  const labels: number[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const multiFace: string[] = [];
  let pending: Tensor[] = [];
  const flush = (): void => {
    if (pending.length > 0) feats.push(net.features(pending.length === 1 ? pending[0] : concat(pending, 0)));
    pending = [];
  };
  for (const [i, file] of folder.files.entries()) {
    if (opts.signal?.aborted) throw new Error("fineTuneEmbedding: interrupted");
    const r = await faceInputOf(file, align, opts.detect);
    if (r.input === null) skipped.push({ file, reason: r.reason });
    else {
      if (r.faces > 1) multiFace.push(file);
      pending.push(r.input);
      labels.push(folder.labels[i]);
      if (pending.length === 16) flush();
    }
    opts.onImage?.(i + 1, folder.files.length);
  }
  flush();
  check(labels.length > 0, `no usable image in ${JSON.stringify(dir)} (${skipped.length} skipped: ${skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join("; ")})`);
  const features = feats.length === 1 ? feats[0] : concat(feats, 0);
  const tPrepared = performance.now();

  // The split.
  const rand = seededRandom(seed);
  const present = [...new Set(labels)].sort((a, b) => a - b);
  const isEval = new Set<number>(); // sample indices held out
  let evalIds: number[];
  if (holdout === "identities") {
    if (opts.evalIdentities) {
      evalIds = present.filter((l) => opts.evalIdentities!.includes(folder.identities[l]));
    } else evalIds = shuffleInPlace([...present], rand).slice(0, Math.max(2, Math.round(evalFraction * present.length))).sort((a, b) => a - b);
    labels.forEach((l, i) => evalIds.includes(l) && isEval.add(i));
  } else {
    evalIds = [];
    for (const l of present) {
      const members = labels.flatMap((x, i) => (x === l ? [i] : []));
      // Keep two images to train on; hold out the rest's share.
      const n = Math.min(members.length - 2, Math.max(1, Math.round(evalFraction * members.length)));
      if (n <= 0) continue;
      for (const i of shuffleInPlace(members, rand).slice(0, n)) isEval.add(i);
      evalIds.push(l);
    }
  }
  const all = labels.map((_, i) => i);
  const trainRows = all.filter((i) => !isEval.has(i));
  const evalRows = holdout === "identities" ? all.filter((i) => isEval.has(i)) : all;
  const trainLabels = trainRows.map((i) => labels[i]);

  const score = (): VerificationScores => {
    const emb = noGrad(() => net.head(features));
    const trainPairs = pairsOf(emb, labels, trainRows);
    const evalPairs = pairsOf(emb, labels, evalRows, holdout === "images" ? isEval : undefined);
    const n = (p: LabelledDistance[], same: boolean): number => p.filter((x) => x.same === same).length;
    check(n(evalPairs, true) > 0 && n(evalPairs, false) > 0, `the held-out images give ${n(evalPairs, true)} same-person and ${n(evalPairs, false)} different-person pairs; both kinds are needed (more images per identity, or more identities)`);
    check(n(trainPairs, true) > 0 && n(trainPairs, false) > 0, `the training images give ${n(trainPairs, true)} same-person and ${n(trainPairs, false)} different-person pairs; both kinds are needed`);
    const cal = calibrateThreshold(trainPairs);
    const atT = evaluateThreshold(evalPairs, cal.threshold);
    const best = calibrateThreshold(evalPairs);
    return {
      positives: n(evalPairs, true), negatives: n(evalPairs, false), auc: rocAuc(evalPairs), threshold: cal.threshold,
      accuracy: atT.accuracy, balancedAccuracy: atT.balancedAccuracy, truePositiveRate: atT.truePositiveRate, falsePositiveRate: atT.falsePositiveRate,
      bestAccuracy: best.accuracy, bestThreshold: best.threshold, trainAuc: cal.auc,
    };
  };
  const before = score();

  const sampler = new PKSampler(trainLabels, { identities: opts.identitiesPerBatch ?? 8, imagesPerIdentity: opts.imagesPerIdentity ?? 4, seed: seed + 1 });
  const opt = new Adam({ learningRate: lr });
  const vars = net.trainableVariables;
  const normalize = opts.normalize ?? true;
  const radiusOf = (): number => noGrad(() => meanNorm(net.head(gather(features, new Tensor(Int32Array.from(trainRows), [trainRows.length], "int32"), 0))));
  const radius = radiusOf();
  const project = (e: Tensor): Tensor => (normalize ? mul(div(e, sqrt(sum(square(e), 1, { keepDims: true }))), radius) : e);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    if (opts.signal?.aborted) throw new Error("fineTuneEmbedding: interrupted");
    const batch = sampler.next();
    const rows = Int32Array.from(batch, (b) => trainRows[b]);
    const batchLabels = batch.map((b) => trainLabels[b]);
    const x = gather(features, new Tensor(rows, [rows.length], "int32"), 0);
    const tape = new GradientTape();
    const r = tape.run(() => tripletSemiHardBatch(batchLabels, project(net.head(x)), { margin, distanceMetric: opts.distanceMetric }));
    opt.applyGradients(zip(tape.gradient(r.loss, vars), vars));
    const loss = r.loss.item();
    losses.push(loss);
    opts.onStep?.({ step: step + 1, steps, loss, active: r.active, triplets: r.triplets.length });
  }
  // Only directions were trained: give the descriptors their original mean norm back, through the projection.
  if (normalize && steps > 0) net.fc.assign(mul(net.fc.value, radius / radiusOf()));
  const tTrained = performance.now();
  const after = score();
  return {
    net,
    identities: {
      train: [...new Set(trainLabels)].sort((a, b) => a - b).map((l) => folder.identities[l]),
      eval: evalIds.map((l) => folder.identities[l]),
    },
    images: { train: trainRows.length, eval: isEval.size },
    skipped, multiFace, before, after, losses,
    seconds: { prepare: (tPrepared - t0) / 1000, train: (tTrained - tPrepared) / 1000, total: (performance.now() - t0) / 1000 },
  };
}
