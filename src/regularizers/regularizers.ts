// Weight regularizers (Keras 3's keras.regularizers): penalties added to the loss.
import { add, minimum, mul, sub } from "../ops/arithmetic.js";
import { abs, rsqrt, square } from "../ops/math.js";
import { matmul } from "../ops/matmul.js";
import { transpose } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { type TensorLike, eye, scalar, toTensor } from "../tensor/create.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type SerializedObject, lookupKey, readSerialized } from "../optimizers/config.js";

/** A penalty on a weight, added to the training loss. */
export abstract class Regularizer {
  /** The penalty (a scalar) for weight `x`. */
  abstract call(x: TensorLike): Tensor;
  abstract getConfig(): Record<string, unknown>;
  get className(): string {
    return this.constructor.name;
  }
}

function nonNegative(cls: string, name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${cls}: ${name} must be a non-negative number, got ${v}`);
  return v;
}

/** l1 * sum(|x|) + l2 * sum(x²) (both default 0). */
export class L1L2 extends Regularizer {
  readonly l1: number;
  readonly l2: number;
  constructor(o: { l1?: number | null; l2?: number | null } = {}) {
    super();
    this.l1 = nonNegative("L1L2", "l1", o.l1 ?? 0);
    this.l2 = nonNegative("L1L2", "l2", o.l2 ?? 0);
  }
  call(x: TensorLike): Tensor {
    const t = toTensor(x, "L1L2");
    let r: Tensor = scalar(0, t.dtype);
    if (this.l1 !== 0) r = add(r, mul(sum(abs(t)), this.l1));
    if (this.l2 !== 0) r = add(r, mul(sum(square(t)), this.l2));
    return r;
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** l1 * sum(|x|) (default l1 = 0.01). */
export class L1 extends Regularizer {
  readonly l1: number;
  constructor(o: { l1?: number | null } | number = {}) {
    super();
    this.l1 = nonNegative("L1", "l1", (typeof o === "number" ? o : o.l1) ?? 0.01);
  }
  call(x: TensorLike): Tensor {
    return mul(sum(abs(toTensor(x, "L1"))), this.l1);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/** l2 * sum(x²) (default l2 = 0.01; note: no factor 1/2). */
export class L2 extends Regularizer {
  readonly l2: number;
  constructor(o: { l2?: number | null } | number = {}) {
    super();
    this.l2 = nonNegative("L2", "l2", (typeof o === "number" ? o : o.l2) ?? 0.01);
  }
  call(x: TensorLike): Tensor {
    return mul(sum(square(toTensor(x, "L2"))), this.l2);
  }
  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/**
 * Encourages orthogonal rows (or columns) of a 2-D weight: factor * mean |cos| over distinct
 * pairs of L2-normalized rows (Keras' OrthogonalRegularizer; defaults factor 0.01, mode "rows").
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly factor: number;
  readonly mode: "rows" | "columns";
  constructor(o: { factor?: number; mode?: "rows" | "columns" } = {}) {
    super();
    this.factor = nonNegative("OrthogonalRegularizer", "factor", o.factor ?? 0.01);
    this.mode = o.mode ?? "rows";
    if (this.mode !== "rows" && this.mode !== "columns")
      throw new RangeError(`OrthogonalRegularizer: mode must be "rows" or "columns", got "${String(this.mode)}"`);
  }
  call(x: TensorLike): Tensor {
    const t = toTensor(x, "OrthogonalRegularizer");
    if (t.rank !== 2) throw new RangeError(`OrthogonalRegularizer: expected a rank-2 weight, got shape ${fmtShape(t.shape)}`);
    const axis = this.mode === "rows" ? 1 : 0;
    // Keras' normalize: x * min(rsqrt(sum(x²)), 1/epsilon).
    const n = mul(t, minimum(rsqrt(sum(square(t), axis, { keepDims: true })), 1 / 1e-7));
    const product = this.mode === "rows" ? matmul(n, transpose(n)) : matmul(transpose(n), n);
    const size = t.shape[this.mode === "rows" ? 0 : 1];
    const offDiagonal = mul(product, sub(1, eye(size, size, t.dtype)));
    const pairs = (size * (size - 1)) / 2;
    return mul(sum(abs(offDiagonal)), (this.factor * 0.5) / pairs);
  }
  getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }
}

const CLASSES = { L1, L2, L1L2, OrthogonalRegularizer };
type RegularizerClass = new (o?: never) => Regularizer;
const BY_KEY = new Map<string, RegularizerClass>(Object.entries(CLASSES).map(([k, v]) => [lookupKey(k), v as RegularizerClass]));
BY_KEY.set(lookupKey("l1_l2"), L1L2);
BY_KEY.set(lookupKey("orthogonal_regularizer"), OrthogonalRegularizer);

/** `{className, config}` for a regularizer. */
export function serializeRegularizer(r: Regularizer): SerializedObject {
  return { className: r.className, config: r.getConfig() };
}

/** A regularizer from a Keras name ("l1", "l2", "l1_l2", ...), an instance, or `{className, config}`. */
export function getRegularizer(id: string | Regularizer | { className?: string; class_name?: string; config?: object }): Regularizer {
  if (id instanceof Regularizer) return id;
  const s = typeof id === "string" ? { className: id, config: {} } : readSerialized(id);
  const cls = s && BY_KEY.get(lookupKey(s.className));
  if (!s || !cls)
    throw new Error(`getRegularizer: unknown regularizer ${JSON.stringify(id)}; expected one of ${Object.keys(CLASSES).join(", ")} (or l1, l2, l1_l2)`);
  return new cls(s.config as never);
}
