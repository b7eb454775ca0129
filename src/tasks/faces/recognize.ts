// Face verification and identification against a face database, as the course's verify and who_is_it
// (Coursera Deep Learning C4W4): the Euclidean distance between descriptors, under a threshold; and the
// threshold itself, calibrated on labelled pairs (the best accuracy), with the ROC AUC of the distances.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { FaceDatabase, FaceDatabaseError, UNKNOWN_NAME } from "./db.js";
import { faceNetManifest } from "./models.js";
import { DEFAULT_FACE_DISTANCE_THRESHOLD, euclideanDistance } from "./verify.js";

type Descriptor = ArrayLike<number>;

/**
 * How a probe's distance to a person with several descriptors is taken: "min" (the nearest one; the
 * course's who_is_it looping over every database entry) or "mean" (face-api's FaceMatcher).
 */
export type DistanceAggregate = "min" | "mean";

export interface RecognizeOptions {
  /** The embedding model of the probe descriptors (see faceEmbeddingModelId); must equal the database's. */
  model: string;
  /** Match when the distance is below it. Default: see resolveThreshold. */
  threshold?: number;
  /** Default "min". */
  aggregate?: DistanceAggregate;
  /** The embedding model's own thresholds (a FaceEmbedder's): calibrated beside its weights, and its default. */
  embedder?: ModelThresholds;
}

/** A model's thresholds: calibrated and stored beside its weights (if any), and the one to use without calibration. */
export interface ModelThresholds {
  threshold?: number;
  defaultThreshold?: number;
}

const modelIds = new Map<string, string>();

/** Drops the cached model id of a weights manifest (after its weights were rewritten). */
export function forgetFaceEmbeddingModelId(manifest: string): void {
  modelIds.delete(manifest);
}

/**
 * The id recorded with every descriptor of face-api's FaceRecognitionNet: its name and a SHA-256 of its
 * weights manifest and shards, so that other weights (another net, or a fine-tuned one) get another id.
 *
 * @example
 * faceEmbeddingModelId(); // "face-api.faceRecognitionNet/sha256:2f0c1b6e58a4"
 */
export function faceEmbeddingModelId(modelDir?: string): string {
  const manifest = faceNetManifest("faceRecognitionNet", modelDir);
  const hit = modelIds.get(manifest);
  if (hit) return hit;
  const h = createHash("sha256");
  let text: string;
  try {
    text = readFileSync(manifest, "utf8");
  } catch (e) {
    throw new Error(`faceEmbeddingModelId: cannot read the weights manifest ${manifest}: ${(e as Error).message}`);
  }
  h.update(text);
  for (const group of JSON.parse(text) as { paths: string[] }[]) for (const p of group.paths) h.update(readFileSync(join(dirname(manifest), p)));
  const id = `face-api.faceRecognitionNet/sha256:${h.digest("hex").slice(0, 12)}`;
  modelIds.set(manifest, id);
  return id;
}

function checkThreshold(op: string, t: number): number {
  if (typeof t !== "number" || !(t > 0) || !Number.isFinite(t)) throw new RangeError(`${op}: threshold must be a positive number, got ${t}`);
  return t;
}

function checkAggregate(op: string, a: unknown): DistanceAggregate {
  if (a !== "min" && a !== "mean") throw new RangeError(`${op}: aggregate must be "min" or "mean", got ${JSON.stringify(a)}`);
  return a;
}

/** The distance of a probe to a person's descriptors: the nearest one ("min") or their mean ("mean"). */
export function distanceToPerson(query: Descriptor, references: readonly Descriptor[], aggregate: DistanceAggregate = "min"): number {
  checkAggregate("distanceToPerson", aggregate);
  if (references.length === 0) throw new RangeError("distanceToPerson: the person has no descriptors");
  const d = references.map((r) => euclideanDistance(query, r));
  return aggregate === "min" ? Math.min(...d) : d.reduce((a, b) => a + b, 0) / d.length;
}

/**
 * Verification thresholds that deepts calibrated for known embedding models (docs/faces.md): the best
 * accuracy on data/faces-pairs.json with its photo variants (`deepts faces calibrate --variants`).
 */
export const CALIBRATED_FACE_THRESHOLDS: Readonly<Record<string, number>> = {
  // face-api 1.7.15 FaceRecognitionNet: 96 same-person and 1108 different-person pairs, ROC AUC 0.964,
  // accuracy 99.1% (88.5% of same-person pairs accepted, none of the different-person pairs).
  "face-api.faceRecognitionNet/sha256:c2cf51e45a1f": 0.434,
};

/**
 * Where a threshold came from: given, calibrated and stored in the database, calibrated and stored beside the
 * model's weights, calibrated by deepts, or the model's default (0.6 for face-api's, 0.7 for the course's FaceNet).
 */
export type ThresholdSource = "given" | "database" | "model" | "deepts" | "default";

/**
 * The threshold to use with a database and model: the given one, else the one calibrated and stored in
 * the database for the model, else the one stored beside the model's weights, else deepts' calibration
 * for the model, else the model's default (0.6, dlib's and face-api's, when not told).
 */
export function resolveThreshold(
  db: FaceDatabase, model: string, threshold?: number, embedder: ModelThresholds = {},
): { threshold: number; source: ThresholdSource } {
  if (threshold !== undefined) return { threshold: checkThreshold("faces", threshold), source: "given" };
  const stored = db.threshold(model);
  if (stored !== undefined) return { threshold: stored, source: "database" };
  if (embedder.threshold !== undefined) return { threshold: checkThreshold("faces", embedder.threshold), source: "model" };
  const ours = CALIBRATED_FACE_THRESHOLDS[model];
  if (ours !== undefined) return { threshold: ours, source: "deepts" };
  return { threshold: embedder.defaultThreshold ?? DEFAULT_FACE_DISTANCE_THRESHOLD, source: "default" };
}

export interface PersonVerification {
  name: string;
  /** True when the distance is below the threshold: the probe is the person claimed. */
  match: boolean;
  distance: number;
  threshold: number;
}

/**
 * Verification ("is this the person they claim to be?"): the probe's distance to the claimed person's
 * enrolled descriptors must be below the threshold. An unknown name or another model is an error.
 *
 * @example
 * verifyPerson(db, "ada", face.descriptor, { model: faceEmbeddingModelId() }).match; // open the door
 */
export function verifyPerson(db: FaceDatabase, name: string, descriptor: Descriptor, opts: RecognizeOptions): PersonVerification {
  const aggregate = checkAggregate("verifyPerson", opts.aggregate ?? "min");
  const refs = db.descriptorsOf(name, opts.model);
  checkLength("verifyPerson", descriptor, refs[0]);
  const { threshold } = resolveThreshold(db, opts.model, opts.threshold, opts.embedder);
  const distance = distanceToPerson(descriptor, refs, aggregate);
  return { name, match: distance < threshold, distance, threshold };
}

export interface PersonIdentification {
  /** The nearest enrolled person, or "unknown" when even the nearest is at the threshold or farther. */
  name: string;
  /** The nearest enrolled person, whether or not within the threshold (null for an empty database). */
  nearest: string | null;
  distance: number;
  threshold: number;
}

/**
 * Identification ("who is this?", the course's who_is_it): for each probe, the enrolled person at the
 * smallest distance, or "unknown" past the threshold.
 *
 * @example
 * identifyPeople(db, faces.map((f) => f.descriptor), { model }); // [{ name: "ada", distance: 0.41, ... }]
 */
export function identifyPeople(db: FaceDatabase, descriptors: readonly Descriptor[], opts: RecognizeOptions): PersonIdentification[] {
  const op = "identifyPeople";
  const aggregate = checkAggregate(op, opts.aggregate ?? "min");
  const gallery = db.gallery(opts.model);
  const { threshold } = resolveThreshold(db, opts.model, opts.threshold, opts.embedder);
  return descriptors.map((q) => identifyIn(gallery, q, threshold, aggregate));
}

/** identifyPeople's rule on a gallery held in memory (name -> descriptors). */
export function identifyIn(
  gallery: ReadonlyMap<string, readonly Descriptor[]>, query: Descriptor, threshold: number, aggregate: DistanceAggregate = "min",
): PersonIdentification {
  checkThreshold("identifyIn", threshold);
  checkAggregate("identifyIn", aggregate);
  let nearest: string | null = null;
  let best = Infinity;
  for (const [name, refs] of gallery) {
    if (refs.length === 0) continue;
    checkLength("identifyIn", query, refs[0]);
    const d = distanceToPerson(query, refs, aggregate);
    if (d < best) [nearest, best] = [name, d];
  }
  return { name: nearest !== null && best < threshold ? nearest : UNKNOWN_NAME, nearest, distance: best, threshold };
}

function checkLength(op: string, q: Descriptor, ref: Descriptor | undefined): void {
  if (ref !== undefined && q.length !== ref.length)
    throw new FaceDatabaseError(`${op}: the probe descriptor has ${q.length} values; the enrolled ones ${ref.length}`);
}

/** A distance between two faces and whether they are the same person. */
export interface LabelledDistance {
  distance: number;
  same: boolean;
}

/** What a threshold does on labelled pairs ("same" predicted when distance < threshold). */
export interface ThresholdReport {
  threshold: number;
  accuracy: number;
  /** Mean of the true positive and true negative rates (insensitive to how many pairs of each kind). */
  balancedAccuracy: number;
  /** Same-person pairs accepted / all same-person pairs. */
  truePositiveRate: number;
  /** Different-person pairs accepted / all different-person pairs. */
  falsePositiveRate: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

function checkPairs(op: string, pairs: readonly LabelledDistance[]): { pos: number[]; neg: number[] } {
  if (!Array.isArray(pairs)) throw new TypeError(`${op}: expected an array of {distance, same}`);
  const pos: number[] = [];
  const neg: number[] = [];
  pairs.forEach((p, i) => {
    if (typeof p?.distance !== "number" || !Number.isFinite(p.distance) || p.distance < 0)
      throw new RangeError(`${op}: pair ${i}: distance must be a finite number >= 0, got ${JSON.stringify(p?.distance)}`);
    if (typeof p.same !== "boolean") throw new TypeError(`${op}: pair ${i}: "same" must be true or false`);
    (p.same ? pos : neg).push(p.distance);
  });
  if (pos.length === 0 || neg.length === 0)
    throw new RangeError(`${op}: need pairs of both kinds; got ${pos.length} of the same person and ${neg.length} of different people`);
  return { pos, neg };
}

/** Accuracy, rates and counts of one threshold on labelled pairs. */
export function evaluateThreshold(pairs: readonly LabelledDistance[], threshold: number): ThresholdReport {
  const { pos, neg } = checkPairs("evaluateThreshold", pairs);
  checkThreshold("evaluateThreshold", threshold);
  const tp = pos.filter((d) => d < threshold).length;
  const fp = neg.filter((d) => d < threshold).length;
  const tn = neg.length - fp;
  const fn = pos.length - tp;
  const tpr = tp / pos.length;
  const fpr = fp / neg.length;
  return { threshold, accuracy: (tp + tn) / (pos.length + neg.length), balancedAccuracy: (tpr + 1 - fpr) / 2, truePositiveRate: tpr, falsePositiveRate: fpr, tp, fp, tn, fn };
}

/**
 * The area under the ROC curve of "distance below t means the same person": the chance that a random
 * same-person pair is closer than a random different-person pair (ties count half). 1 is perfect, 0.5 chance.
 */
export function rocAuc(pairs: readonly LabelledDistance[]): number {
  const { pos, neg } = checkPairs("rocAuc", pairs);
  // Mann-Whitney U through ranks (ties get their mean rank): O(n log n).
  const all = [...pos.map((d) => ({ d, p: true })), ...neg.map((d) => ({ d, p: false }))].sort((a, b) => a.d - b.d);
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].d === all[i].d) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].p) rankSumPos += meanRank;
    i = j;
  }
  // Small distance = "same": AUC is the share of (pos, neg) pairs where the positive ranks lower.
  const u = rankSumPos - (pos.length * (pos.length + 1)) / 2;
  return 1 - u / (pos.length * neg.length);
}

/** The ROC curve: true and false positive rates at every threshold between the distances, from none accepted to all. */
export function rocCurve(pairs: readonly LabelledDistance[]): ThresholdReport[] {
  return candidateThresholds(pairs).map((t) => evaluateThreshold(pairs, t));
}

function candidateThresholds(pairs: readonly LabelledDistance[]): number[] {
  const { pos, neg } = checkPairs("calibrateThreshold", pairs);
  const u = [...new Set([...pos, ...neg])].sort((a, b) => a - b);
  const out = [u[0] > 0 ? u[0] / 2 : Number.MIN_VALUE];
  for (let i = 1; i < u.length; i++) out.push((u[i - 1] + u[i]) / 2);
  out.push(u[u.length - 1] > 0 ? u[u.length - 1] * 1.01 + 1e-6 : 1e-6);
  return out;
}

export interface Calibration extends ThresholdReport {
  /** What was maximised. */
  metric: "accuracy" | "balancedAccuracy";
  /** ROC AUC of the distances (independent of the threshold). */
  auc: number;
  positives: number;
  negatives: number;
}

/**
 * Calibrates the verification threshold on labelled pairs: of the thresholds halfway between consecutive
 * distances, the one with the best accuracy (or balanced accuracy); ties go to the better other metric,
 * then to the smaller threshold (fewer strangers let in).
 *
 * @example
 * calibrateThreshold([{ distance: 0.3, same: true }, { distance: 0.9, same: false }]).threshold; // 0.6
 */
export function calibrateThreshold(pairs: readonly LabelledDistance[], opts: { metric?: "accuracy" | "balancedAccuracy" } = {}): Calibration {
  const metric = opts.metric ?? "accuracy";
  if (metric !== "accuracy" && metric !== "balancedAccuracy")
    throw new RangeError(`calibrateThreshold: metric must be "accuracy" or "balancedAccuracy", got ${JSON.stringify(metric)}`);
  const other = metric === "accuracy" ? "balancedAccuracy" : "accuracy";
  let best: ThresholdReport | undefined;
  for (const r of rocCurve(pairs)) {
    const eps = 1e-12;
    if (!best || r[metric] > best[metric] + eps || (Math.abs(r[metric] - best[metric]) <= eps && r[other] > best[other] + eps)) best = r;
  }
  const { pos, neg } = checkPairs("calibrateThreshold", pairs);
  return { ...best!, metric, auc: rocAuc(pairs), positives: pos.length, negatives: neg.length };
}
