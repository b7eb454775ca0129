import { randomNormal, randomUniform, truncatedNormal } from "../tensor/random.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { convertValues } from "../tensor/create.js";
import { Initializer, computeFans } from "./initializer.js";
import { orthonormalColumns } from "./qr.js";

/** Seed of a random initializer: the same seed gives the same values on every call, as in Keras. */
export interface SeedOptions {
  seed?: number | null;
}

function floatDType(cls: string, dtype: DType): DType {
  if (!isFloat(dtype)) throw new TypeError(`${cls}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

abstract class RandomInitializer extends Initializer {
  readonly seed: number | null;
  constructor(o: SeedOptions) {
    super();
    this.seed = o.seed ?? null;
  }
  protected get seedOption(): number | undefined {
    return this.seed ?? undefined;
  }
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** Normal values (default mean 0, stddev 0.05). */
export class RandomNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor(o: SeedOptions & { mean?: number; stddev?: number } = {}) {
    super(o);
    this.mean = o.mean ?? 0;
    this.stddev = o.stddev ?? 0.05;
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return randomNormal(shape, { mean: this.mean, stddev: this.stddev, dtype: floatDType("RandomNormal", dtype), seed: this.seedOption });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/** Normal values redrawn beyond two standard deviations (default mean 0, stddev 0.05). */
export class TruncatedNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor(o: SeedOptions & { mean?: number; stddev?: number } = {}) {
    super(o);
    this.mean = o.mean ?? 0;
    this.stddev = o.stddev ?? 0.05;
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return truncatedNormal(shape, { mean: this.mean, stddev: this.stddev, dtype: floatDType("TruncatedNormal", dtype), seed: this.seedOption });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/** Uniform values in [minval, maxval) (default [-0.05, 0.05)). */
export class RandomUniform extends RandomInitializer {
  readonly minval: number;
  readonly maxval: number;
  constructor(o: SeedOptions & { minval?: number; maxval?: number } = {}) {
    super(o);
    this.minval = o.minval ?? -0.05;
    this.maxval = o.maxval ?? 0.05;
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return randomUniform(shape, { minval: this.minval, maxval: this.maxval, dtype, seed: this.seedOption });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}

export type FanMode = "fan_in" | "fan_out" | "fan_avg";
export type VarianceDistribution = "truncated_normal" | "untruncated_normal" | "uniform" | "normal";

export interface VarianceScalingOptions extends SeedOptions {
  scale?: number;
  mode?: FanMode;
  /** "normal" means "truncated_normal", as in Keras. */
  distribution?: VarianceDistribution;
  inputAxes?: number[] | null;
  outputAxes?: number[] | null;
}

// The standard deviation of a unit normal truncated to [-2, 2]; dividing by it restores the variance.
const TRUNCATED_STD = 0.87962566103423978;

/**
 * Samples with variance scale / n, n the fan-in, fan-out or their mean (Keras' VarianceScaling):
 * truncated normal (stddev sqrt(scale/n) / 0.8796...), untruncated normal, or uniform in ±sqrt(3 scale/n).
 */
export class VarianceScaling extends RandomInitializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: "truncated_normal" | "untruncated_normal" | "uniform";
  readonly inputAxes: number[] | null;
  readonly outputAxes: number[] | null;
  constructor(o: VarianceScalingOptions = {}) {
    super(o);
    const cls = this.constructor.name;
    this.scale = o.scale ?? 1;
    this.mode = o.mode ?? "fan_in";
    const d = (o.distribution ?? "truncated_normal").toLowerCase();
    if (!(this.scale > 0)) throw new RangeError(`${cls}: scale must be positive, got ${this.scale}`);
    if (!["fan_in", "fan_out", "fan_avg"].includes(this.mode))
      throw new RangeError(`${cls}: mode must be "fan_in", "fan_out" or "fan_avg", got "${this.mode}"`);
    if (!["normal", "truncated_normal", "untruncated_normal", "uniform"].includes(d))
      throw new RangeError(`${cls}: distribution must be "truncated_normal", "untruncated_normal" or "uniform", got "${d}"`);
    this.distribution = d === "normal" ? "truncated_normal" : (d as VarianceScaling["distribution"]);
    this.inputAxes = o.inputAxes ?? null;
    this.outputAxes = o.outputAxes ?? null;
  }

  /** The distribution drawn for `shape`: a normal's stddev (before truncation) or a uniform's limit. */
  parameters(shape: readonly number[]): { distribution: string; stddev?: number; limit?: number } {
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const n = this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, n);
    if (this.distribution === "truncated_normal") return { distribution: this.distribution, stddev: Math.sqrt(s) / TRUNCATED_STD };
    if (this.distribution === "untruncated_normal") return { distribution: this.distribution, stddev: Math.sqrt(s) };
    return { distribution: this.distribution, limit: Math.sqrt(3 * s) };
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const dt = floatDType(this.constructor.name, dtype);
    const p = this.parameters(shape);
    const seed = this.seedOption;
    if (p.distribution === "truncated_normal") return truncatedNormal(shape, { stddev: p.stddev, dtype: dt, seed });
    if (p.distribution === "untruncated_normal") return randomNormal(shape, { stddev: p.stddev, dtype: dt, seed });
    return randomUniform(shape, { minval: -p.limit!, maxval: p.limit!, dtype: dt, seed });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), scale: this.scale, mode: this.mode, distribution: this.distribution,
      inputAxes: this.inputAxes, outputAxes: this.outputAxes,
    };
  }
}

type PresetOptions = SeedOptions & { inputAxes?: number[] | null; outputAxes?: number[] | null };

abstract class Preset extends VarianceScaling {
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed, inputAxes: this.inputAxes, outputAxes: this.outputAxes };
  }
}

/** Uniform in ±sqrt(6 / (fanIn + fanOut)) (Xavier uniform; Keras' default kernel initializer). */
export class GlorotUniform extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 1, mode: "fan_avg", distribution: "uniform" });
  }
}

/** Truncated normal with stddev sqrt(2 / (fanIn + fanOut)) (before truncation correction). */
export class GlorotNormal extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 1, mode: "fan_avg", distribution: "truncated_normal" });
  }
}

/** Uniform in ±sqrt(6 / fanIn). */
export class HeUniform extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 2, mode: "fan_in", distribution: "uniform" });
  }
}

/** Truncated normal with stddev sqrt(2 / fanIn). */
export class HeNormal extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 2, mode: "fan_in", distribution: "truncated_normal" });
  }
}

/** Uniform in ±sqrt(3 / fanIn). */
export class LecunUniform extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 1, mode: "fan_in", distribution: "uniform" });
  }
}

/** Truncated normal with stddev sqrt(1 / fanIn). */
export class LecunNormal extends Preset {
  constructor(o: PresetOptions = {}) {
    super({ ...o, scale: 1, mode: "fan_in", distribution: "truncated_normal" });
  }
}

/**
 * A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a normal matrix, as Keras
 * does: the weight reshaped to [prod(shape[:-1]), shape[-1]] has orthonormal rows or columns.
 */
export class Orthogonal extends RandomInitializer {
  readonly gain: number;
  constructor(o: SeedOptions & { gain?: number } = {}) {
    super(o);
    this.gain = o.gain ?? 1;
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const dt = floatDType("Orthogonal", dtype);
    if (shape.length < 2) throw new RangeError(`Orthogonal initializer: expected a shape of rank >= 2, got ${fmtShape(shape)}`);
    let rows = 1;
    for (const d of shape.slice(0, -1)) rows *= d;
    const cols = shape[shape.length - 1];
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const a = randomNormal([m, n], { dtype: "float64", seed: this.seedOption }).values as Float64Array;
    const q = orthonormalColumns(a, m, n); // m x n, row-major
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const v = this.gain * q[i * n + j];
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v; // transpose when the matrix is wide
      }
    return new Tensor(convertValues(out, dt), shape, dt);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), gain: this.gain };
  }
}
