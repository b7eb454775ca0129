// Learning-rate schedules with Keras 3's formulas (keras.optimizers.schedules).
import { type SerializedObject, camelConfig, lookupKey, readSerialized } from "./config.js";

/** A learning rate as a function of the optimizer's step (its `iterations` before the update). */
export abstract class LearningRateSchedule {
  /** The learning rate at `step`. */
  abstract call(step: number): number;
  abstract getConfig(): Record<string, unknown>;
  get className(): string {
    return this.constructor.name;
  }
}

function checkSteps(cls: string, name: string, n: number): void {
  if (!(n > 0)) throw new RangeError(`${cls}: ${name} must be > 0, got ${n}`);
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of `decaySteps`. */
  staircase?: boolean;
  name?: string;
}

/** initialLearningRate * decayRate ^ (step / decaySteps) (floored exponent with staircase). */
export class ExponentialDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;
  constructor(o: ExponentialDecayOptions) {
    super();
    checkSteps("ExponentialDecay", "decaySteps", o.decaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.decaySteps = o.decaySteps;
    this.decayRate = o.decayRate;
    this.staircase = o.staircase ?? false;
    this.name = o.name ?? "ExponentialDecay";
  }
  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }
  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, decayRate, staircase, name } = this;
    return { initialLearningRate, decaySteps, decayRate, staircase, name };
  }
}

export interface InverseTimeDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
  name?: string;
}

/** initialLearningRate / (1 + decayRate * step / decaySteps) (floored ratio with staircase). */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;
  constructor(o: InverseTimeDecayOptions) {
    super();
    checkSteps("InverseTimeDecay", "decaySteps", o.decaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.decaySteps = o.decaySteps;
    this.decayRate = o.decayRate;
    this.staircase = o.staircase ?? false;
    this.name = o.name ?? "InverseTimeDecay";
  }
  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }
  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, decayRate, staircase, name } = this;
    return { initialLearningRate, decaySteps, decayRate, staircase, name };
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Increasing step boundaries; `values` has one more entry. */
  boundaries: number[];
  values: number[];
  name?: string;
}

/** values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], then the last value. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly boundaries: number[];
  readonly values: number[];
  readonly name: string;
  constructor(o: PiecewiseConstantDecayOptions) {
    super();
    if (o.boundaries.length !== o.values.length - 1)
      throw new RangeError(
        `PiecewiseConstantDecay: boundaries must have one entry fewer than values, got ${o.boundaries.length} boundaries and ${o.values.length} values`,
      );
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
    this.name = o.name ?? "PiecewiseConstant";
  }
  call(step: number): number {
    const b = this.boundaries;
    for (let i = 0; i < b.length; i++) if (step <= b[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  endLearningRate?: number;
  power?: number;
  /** Restart the decay after decaySteps, stretching it to the next multiple. */
  cycle?: boolean;
  name?: string;
}

/** (initial - end) * (1 - step / decaySteps) ^ power + end, with step capped at decaySteps (or cycled). */
export class PolynomialDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;
  constructor(o: PolynomialDecayOptions) {
    super();
    checkSteps("PolynomialDecay", "decaySteps", o.decaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.decaySteps = o.decaySteps;
    this.endLearningRate = o.endLearningRate ?? 0.0001;
    this.power = o.power ?? 1.0;
    this.cycle = o.cycle ?? false;
    this.name = o.name ?? "PolynomialDecay";
  }
  call(step: number): number {
    let s = step;
    let d = this.decaySteps;
    if (this.cycle) d *= s === 0 ? 1 : Math.ceil(s / this.decaySteps);
    else s = Math.min(s, d);
    const p = s / d;
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) + this.endLearningRate;
  }
  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, endLearningRate, power, cycle, name } = this;
    return { initialLearningRate, decaySteps, endLearningRate, power, cycle, name };
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The floor, as a fraction of the starting rate. */
  alpha?: number;
  name?: string;
  /** With a target, the rate first rises linearly from initialLearningRate to it over warmupSteps. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/** Cosine decay to alpha * rate over decaySteps, after an optional linear warmup. */
export class CosineDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;
  constructor(o: CosineDecayOptions) {
    super();
    checkSteps("CosineDecay", "decaySteps", o.decaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.decaySteps = o.decaySteps;
    this.alpha = o.alpha ?? 0;
    this.name = o.name ?? "CosineDecay";
    this.warmupTarget = o.warmupTarget ?? null;
    this.warmupSteps = o.warmupSteps ?? 0;
  }
  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }
  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps)
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }
  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, alpha, name, warmupTarget, warmupSteps } = this;
    return { initialLearningRate, decaySteps, alpha, name, warmupTarget, warmupSteps };
  }
}

export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  firstDecaySteps: number;
  /** Each period is tMul times longer than the last. */
  tMul?: number;
  /** Each restart starts at mMul times the previous peak. */
  mMul?: number;
  alpha?: number;
  name?: string;
}

/** Cosine decay with warm restarts (SGDR). */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;
  constructor(o: CosineDecayRestartsOptions) {
    super();
    checkSteps("CosineDecayRestarts", "firstDecaySteps", o.firstDecaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.firstDecaySteps = o.firstDecaySteps;
    this.tMul = o.tMul ?? 2.0;
    this.mMul = o.mMul ?? 1.0;
    this.alpha = o.alpha ?? 0;
    this.name = o.name ?? "SGDRDecay";
  }
  call(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods grow geometrically: period i starts at (1 - tMul^i) / (1 - tMul) first periods.
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const start = (1 - Math.pow(this.tMul, restart)) / (1 - this.tMul);
      fraction = (fraction - start) / Math.pow(this.tMul, restart);
    }
    const cosine = 0.5 * Math.pow(this.mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }
  getConfig(): Record<string, unknown> {
    const { initialLearningRate, firstDecaySteps, tMul, mMul, alpha, name } = this;
    return { initialLearningRate, firstDecaySteps, tMul, mMul, alpha, name };
  }
}

const SCHEDULES: Record<string, new (o: never) => LearningRateSchedule> = {
  exponentialdecay: ExponentialDecay,
  inversetimedecay: InverseTimeDecay,
  piecewiseconstantdecay: PiecewiseConstantDecay,
  polynomialdecay: PolynomialDecay,
  cosinedecay: CosineDecay,
  cosinedecayrestarts: CosineDecayRestarts,
};

/** `{className, config}` for a schedule (config keys in camelCase). */
export function serializeSchedule(s: LearningRateSchedule): SerializedObject {
  return { className: s.className, config: s.getConfig() };
}

/** Rebuilds a schedule from `{className, config}` (Keras' `{class_name, config}` with snake_case keys works too). */
export function deserializeSchedule(x: unknown): LearningRateSchedule {
  const s = readSerialized(x);
  const cls = s && SCHEDULES[lookupKey(s.className)];
  if (!s || !cls)
    throw new Error(
      `deserializeSchedule: expected {className, config} with className one of ${Object.values(SCHEDULES).map((c) => c.name).join(", ")}, got ${JSON.stringify(x)}`,
    );
  return new cls(camelConfig(s.config) as never);
}
