// Weight constraints (Keras 3's keras.constraints): projections applied after each optimizer step.
import { add, div, maximum, mul } from "../ops/arithmetic.js";
import { clip, sqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { type SerializedObject, lookupKey, readSerialized } from "../optimizers/config.js";

// Keras' backend.epsilon().
const EPSILON = 1e-7;

/** Maps a weight to its constrained value. */
export abstract class Constraint {
  abstract call(w: TensorLike): Tensor;
  getConfig(): Record<string, unknown> {
    return {};
  }
  get className(): string {
    return this.constructor.name;
  }
}

type Axis = number | number[];

function norms(w: Tensor, axis: Axis): Tensor {
  return sqrt(sum(square(w), axis, { keepDims: true }));
}

/** Rescales slices (along `axis`, default 0) whose L2 norm exceeds maxValue (default 2). */
export class MaxNorm extends Constraint {
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(o: { maxValue?: number; axis?: Axis } = {}) {
    super();
    this.maxValue = o.maxValue ?? 2;
    this.axis = o.axis ?? 0;
  }
  call(w: TensorLike): Tensor {
    const t = toTensor(w, "MaxNorm");
    const n = norms(t, this.axis);
    return mul(t, div(clip(n, 0, this.maxValue), add(n, EPSILON)));
  }
  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

/** Clamps negative weights to zero. */
export class NonNeg extends Constraint {
  call(w: TensorLike): Tensor {
    return maximum(toTensor(w, "NonNeg"), 0);
  }
}

/** Scales slices (along `axis`, default 0) to unit L2 norm. */
export class UnitNorm extends Constraint {
  readonly axis: Axis;
  constructor(o: { axis?: Axis } = {}) {
    super();
    this.axis = o.axis ?? 0;
  }
  call(w: TensorLike): Tensor {
    const t = toTensor(w, "UnitNorm");
    return div(t, add(norms(t, this.axis), EPSILON));
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

/** Moves slice norms into [minValue, maxValue] (defaults 0, 1) at `rate` (1: all the way). */
export class MinMaxNorm extends Constraint {
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(o: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    super();
    this.minValue = o.minValue ?? 0;
    this.maxValue = o.maxValue ?? 1;
    this.rate = o.rate ?? 1;
    this.axis = o.axis ?? 0;
  }
  call(w: TensorLike): Tensor {
    const t = toTensor(w, "MinMaxNorm");
    const n = norms(t, this.axis);
    const desired = add(mul(clip(n, this.minValue, this.maxValue), this.rate), mul(n, 1 - this.rate));
    return mul(t, div(desired, add(n, EPSILON)));
  }
  override getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

const CLASSES = { MaxNorm, NonNeg, UnitNorm, MinMaxNorm };
type ConstraintClass = new (o?: never) => Constraint;
const BY_KEY = new Map<string, ConstraintClass>(Object.entries(CLASSES).map(([k, v]) => [lookupKey(k), v as ConstraintClass]));
for (const [alias, cls] of [["max_norm", MaxNorm], ["non_neg", NonNeg], ["unit_norm", UnitNorm], ["min_max_norm", MinMaxNorm]] as const)
  BY_KEY.set(lookupKey(alias), cls as ConstraintClass);

/** `{className, config}` for a constraint. */
export function serializeConstraint(c: Constraint): SerializedObject {
  return { className: c.className, config: c.getConfig() };
}

/** A constraint from a Keras name ("max_norm", "non_neg", ...), an instance, or `{className, config}`. */
export function getConstraint(id: string | Constraint | { className?: string; class_name?: string; config?: object }): Constraint {
  if (id instanceof Constraint) return id;
  const s = typeof id === "string" ? { className: id, config: {} } : readSerialized(id);
  const cls = s && BY_KEY.get(lookupKey(s.className));
  if (!s || !cls)
    throw new Error(`getConstraint: unknown constraint ${JSON.stringify(id)}; expected one of ${Object.keys(CLASSES).join(", ")}`);
  return new cls(s.config as never);
}
