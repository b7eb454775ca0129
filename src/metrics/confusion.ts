// Confusion-matrix metrics (keras.metrics): counts, Precision, Recall, AUC.
import { noGrad } from "../autograd/tape.js";
import type { Variable } from "../autograd/variable.js";
import { sigmoid } from "../ops/activations.js";
import { type TensorLike, tensor, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ConfusionCounts, NEG_INF, confusionCounts, evenlyDistributed } from "./confusion-core.js";
import { Metric } from "./metric.js";

const f32 = Math.fround;

function parseThresholds(cls: string, thresholds: number | number[] | null | undefined, dflt: number): number[] {
  if (thresholds === null || thresholds === undefined) return [dflt];
  const list = typeof thresholds === "number" ? [thresholds] : [...thresholds];
  const bad = list.filter((t) => !(t >= 0 && t <= 1));
  if (bad.length) throw new RangeError(`${cls}: thresholds must be in [0, 1], got ${bad.join(", ")}`);
  return list;
}

function addTo(v: Variable, inc: Float64Array): void {
  const cur = v.value.values;
  v.assign(tensor(Float32Array.from(cur, (x, i) => f32(x + f32(inc[i]))), [...v.shape]));
}

/** a / b elementwise, 0 where b is 0 (float32). */
function divNoNan(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: a.length }, (_, i) => (b[i] === 0 ? 0 : f32(a[i] / b[i])));
}

function scalarOrVector(v: Float32Array): Tensor {
  return v.length === 1 ? tensor(v[0]) : tensor(v);
}

interface CountOptions {
  thresholds?: number | number[] | null;
  name?: string;
}

abstract class ConditionCount extends Metric {
  readonly thresholds: number[];
  private readonly initThresholds: number | number[] | null;
  private readonly accumulator: Variable;
  constructor(o: CountOptions, name: string, private readonly cond: keyof ConfusionCounts) {
    super(o.name ?? name);
    this.initThresholds = o.thresholds ?? null;
    this.thresholds = parseThresholds(this.constructor.name, o.thresholds, 0.5);
    this.accumulator = this.addVariable("accumulator", [this.thresholds.length]);
  }
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const c = noGrad(() =>
      confusionCounts(this.name, yTrue, yPred, { thresholds: this.thresholds, evenly: evenlyDistributed(this.thresholds), sampleWeight }),
    );
    addTo(this.accumulator, c[this.cond]);
  }
  result(): Tensor {
    return scalarOrVector(this.accumulator.value.values as Float32Array);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds };
  }
}

/** Weighted count of true positives at each threshold (default 0.5). */
export class TruePositives extends ConditionCount {
  constructor(o: CountOptions = {}) {
    super(o, "true_positives", "tp");
  }
}

/** Weighted count of false positives. */
export class FalsePositives extends ConditionCount {
  constructor(o: CountOptions = {}) {
    super(o, "false_positives", "fp");
  }
}

/** Weighted count of true negatives. */
export class TrueNegatives extends ConditionCount {
  constructor(o: CountOptions = {}) {
    super(o, "true_negatives", "tn");
  }
}

/** Weighted count of false negatives. */
export class FalseNegatives extends ConditionCount {
  constructor(o: CountOptions = {}) {
    super(o, "false_negatives", "fn");
  }
}

export interface PrecisionRecallOptions {
  /** Score thresholds in [0, 1] (default 0.5; with topK, every kept score counts as positive). */
  thresholds?: number | number[] | null;
  /** Count only each sample's k top-scored classes. */
  topK?: number | null;
  /** Count only this class (column of yPred). */
  classId?: number | null;
  name?: string;
}

abstract class PrecisionRecallBase extends Metric {
  readonly thresholds: number[];
  readonly topK: number | null;
  readonly classId: number | null;
  private readonly initThresholds: number | number[] | null;
  protected readonly truePositives: Variable;
  protected readonly other: Variable;
  constructor(o: PrecisionRecallOptions, name: string, otherName: string, private readonly otherCond: "fp" | "fn") {
    super(o.name ?? name);
    this.initThresholds = o.thresholds ?? null;
    this.topK = o.topK ?? null;
    this.classId = o.classId ?? null;
    this.thresholds = parseThresholds(this.constructor.name, o.thresholds, this.topK === null ? 0.5 : NEG_INF);
    this.truePositives = this.addVariable("true_positives", [this.thresholds.length]);
    this.other = this.addVariable(otherName, [this.thresholds.length]);
  }
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const c = noGrad(() =>
      confusionCounts(this.name, yTrue, yPred, {
        thresholds: this.thresholds, evenly: evenlyDistributed(this.thresholds), topK: this.topK, classId: this.classId, sampleWeight,
      }),
    );
    addTo(this.truePositives, c.tp);
    addTo(this.other, c[this.otherCond]);
  }
  result(): Tensor {
    const tp = this.truePositives.value.values;
    const o = this.other.value.values;
    return scalarOrVector(divNoNan(tp, Float32Array.from(tp, (x, i) => f32(x + o[i]))));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds, topK: this.topK, classId: this.classId };
  }
}

/** tp / (tp + fp): the fraction of predicted positives that are positive. */
export class Precision extends PrecisionRecallBase {
  constructor(o: PrecisionRecallOptions = {}) {
    super(o, "precision", "false_positives", "fp");
  }
}

/** tp / (tp + fn): the fraction of positives that are predicted positive. */
export class Recall extends PrecisionRecallBase {
  constructor(o: PrecisionRecallOptions = {}) {
    super(o, "recall", "false_negatives", "fn");
  }
}

export interface AUCOptions {
  /** Number of thresholds (default 200), spread evenly over [0, 1] with -ε and 1+ε at the ends. */
  numThresholds?: number;
  curve?: "ROC" | "PR" | "PRGAIN";
  summationMethod?: "interpolation" | "minoring" | "majoring";
  name?: string;
  /** Explicit interior thresholds (then numThresholds = thresholds.length + 2). */
  thresholds?: number[] | null;
  /** One curve per label (last axis), averaged (by labelWeights if given). */
  multiLabel?: boolean;
  numLabels?: number | null;
  labelWeights?: number[] | null;
  /** Apply a sigmoid to yPred first. */
  fromLogits?: boolean;
}

/**
 * Area under the ROC (default) or PR curve from a confusion matrix at fixed thresholds, with
 * Keras' default 200 thresholds and trapezoidal ("interpolation") summation.
 */
export class AUC extends Metric {
  readonly numThresholds: number;
  readonly curve: "ROC" | "PR" | "PRGAIN";
  readonly summationMethod: "interpolation" | "minoring" | "majoring";
  readonly multiLabel: boolean;
  readonly labelWeights: Float32Array | null;
  readonly fromLogits: boolean;
  readonly thresholds: number[];
  private readonly initThresholds: number[] | null;
  private readonly evenly: boolean;
  private numLabels: number | null;
  private state: { tp: Variable; fp: Variable; tn: Variable; fn: Variable } | null = null;

  constructor(o: AUCOptions = {}) {
    super(o.name ?? "auc");
    const eps = 1e-7;
    this.initThresholds = o.thresholds ?? null;
    let inner: number[];
    if (o.thresholds) {
      inner = [...o.thresholds].sort((a, b) => a - b);
      this.numThresholds = inner.length + 2;
      this.evenly = evenlyDistributed([0, ...inner, 1]);
    } else {
      const n = o.numThresholds ?? 200;
      if (!(Number.isInteger(n) && n > 1)) throw new RangeError(`AUC: numThresholds must be an integer > 1, got ${n}`);
      this.numThresholds = n;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      this.evenly = true;
    }
    this.thresholds = [0 - eps, ...inner, 1 + eps];
    const curve = (o.curve ?? "ROC").toUpperCase();
    if (!["ROC", "PR", "PRGAIN"].includes(curve)) throw new RangeError(`AUC: curve must be "ROC", "PR" or "PRGAIN", got "${o.curve}"`);
    this.curve = curve as AUC["curve"];
    const sm = (o.summationMethod ?? "interpolation").toLowerCase();
    if (!["interpolation", "minoring", "majoring"].includes(sm))
      throw new RangeError(`AUC: summationMethod must be "interpolation", "minoring" or "majoring", got "${o.summationMethod}"`);
    this.summationMethod = sm as AUC["summationMethod"];
    this.multiLabel = o.multiLabel ?? false;
    this.labelWeights = o.labelWeights ? Float32Array.from(o.labelWeights) : null;
    this.fromLogits = o.fromLogits ?? false;
    this.numLabels = o.numLabels ?? null;
    if (!this.multiLabel && this.numLabels) throw new RangeError("AUC: numLabels is needed only when multiLabel is true");
    if (!this.multiLabel || this.numLabels) this.build(this.numLabels ?? 1);
  }

  private build(labels: number): void {
    const shape = this.multiLabel ? [this.numThresholds, labels] : [this.numThresholds];
    this.numLabels = this.multiLabel ? labels : null;
    this.state = {
      tp: this.addVariable("true_positives", shape), fp: this.addVariable("false_positives", shape),
      tn: this.addVariable("true_negatives", shape), fn: this.addVariable("false_negatives", shape),
    };
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    noGrad(() => {
      let p = toTensor(yPred, this.name);
      if (!this.state) {
        if (p.rank !== 2) throw new RangeError(`AUC: multiLabel needs yPred of rank 2, got rank ${p.rank}`);
        this.build(p.shape[1]);
      }
      if (this.fromLogits) p = sigmoid(p);
      const c = confusionCounts(this.name, yTrue, p, {
        thresholds: this.thresholds, evenly: this.evenly, sampleWeight, multiLabel: this.multiLabel,
        labelWeights: this.multiLabel ? null : this.labelWeights,
      });
      const s = this.state!;
      addTo(s.tp, c.tp);
      addTo(s.fp, c.fp);
      addTo(s.tn, c.tn);
      addTo(s.fn, c.fn);
    });
  }

  result(): Tensor {
    if (!this.state) return tensor(0);
    const T = this.numThresholds;
    const L = this.multiLabel ? (this.numLabels as number) : 1;
    const [tp, fp, tn, fn] = [this.state.tp, this.state.fp, this.state.tn, this.state.fn].map((v) => v.value.values as Float32Array);
    const at = (a: ArrayLike<number>, k: number, l: number): number => a[k * L + l];
    const byLabel = new Float64Array(L);
    for (let l = 0; l < L; l++) {
      let total = 0;
      if (this.curve === "PR" && this.summationMethod === "interpolation") {
        // Davis & Goadrich interpolation of precision between thresholds (Keras' interpolate_pr_auc).
        for (let k = 0; k < T - 1; k++) {
          const dtp = f32(at(tp, k, l) - at(tp, k + 1, l));
          const p0 = f32(at(tp, k, l) + at(fp, k, l));
          const p1 = f32(at(tp, k + 1, l) + at(fp, k + 1, l));
          const dp = f32(p0 - p1);
          const slope = Math.max(dp, 0) === 0 ? 0 : f32(dtp / Math.max(dp, 0));
          const intercept = f32(at(tp, k + 1, l) - f32(slope * p1));
          const ratio = p0 > 0 && p1 > 0 ? (Math.max(p1, 0) === 0 ? 0 : f32(p0 / Math.max(p1, 0))) : 1;
          const denom = Math.max(f32(at(tp, k + 1, l) + at(fn, k + 1, l)), 0);
          const num = f32(slope * f32(dtp + f32(intercept * f32(Math.log(ratio)))));
          total += denom === 0 ? 0 : f32(num / denom);
        }
      } else {
        const x = new Float64Array(T);
        const y = new Float64Array(T);
        for (let k = 0; k < T; k++) {
          const TP = at(tp, k, l), FP = at(fp, k, l), TN = at(tn, k, l), FN = at(fn, k, l);
          const recall = TP + FN === 0 ? 0 : f32(TP / f32(TP + FN));
          if (this.curve === "ROC") {
            x[k] = FP + TN === 0 ? 0 : f32(FP / f32(FP + TN));
            y[k] = recall;
          } else if (this.curve === "PR") {
            x[k] = recall;
            y[k] = TP + FP === 0 ? 0 : f32(TP / f32(TP + FP));
          } else {
            const scale = TN + FP === 0 ? 0 : f32(f32(TP + FN) / f32(TN + FP));
            let rg = f32(1 - f32(scale * (TP === 0 ? 0 : f32(FN / TP))));
            const pg = TP === 0 ? 1 : f32(1 - f32(scale * f32(FP / TP)));
            rg = TP === 0 ? 0 : Math.max(rg, 0);
            x[k] = rg;
            y[k] = pg;
          }
        }
        for (let k = 0; k < T - 1; k++) {
          const h =
            this.summationMethod === "interpolation" ? f32(f32(y[k] + y[k + 1]) / 2)
            : this.summationMethod === "minoring" ? Math.min(y[k], y[k + 1]) : Math.max(y[k], y[k + 1]);
          total += f32(f32(x[k] - x[k + 1]) * h);
        }
      }
      byLabel[l] = total;
    }
    if (!this.multiLabel) return tensor(f32(byLabel[0]));
    if (!this.labelWeights) return tensor(f32(byLabel.reduce((a, b) => a + b, 0) / L));
    const lw = this.labelWeights;
    const wsum = lw.reduce((a, b) => a + b, 0);
    return tensor(wsum === 0 ? 0 : f32(byLabel.reduce((a, b, i) => a + b * lw[i], 0) / wsum));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod,
      thresholds: this.initThresholds, multiLabel: this.multiLabel, numLabels: this.numLabels,
      labelWeights: this.labelWeights ? [...this.labelWeights] : null, fromLogits: this.fromLogits,
    };
  }
}
