import type { DType } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";

let variableCount = 0;

/** Assignments to any variable so far (a recorded inference plan checks its weights only when this moved). */
export const variableAssignments = { count: 0 };

/**
 * Mutable state (weights, optimizer slots): holds a tensor that `assign` replaces.
 * Ops accept a Variable wherever a tensor is expected; a GradientTape watches trainable
 * variables it sees read.
 *
 * @example
 * const w = new Variable(zeros([3]), { name: "w" });
 * w.assignAdd(ones([3]));
 */
export class Variable {
  private current: Tensor;
  readonly name: string;
  trainable: boolean;

  constructor(initial: TensorLike, opts: { name?: string; trainable?: boolean; dtype?: DType } = {}) {
    let t = toTensor(initial, "Variable");
    if (opts.dtype && t.dtype !== opts.dtype) t = cast(t, opts.dtype);
    this.current = t;
    this.name = opts.name ?? `Variable_${variableCount++}`;
    this.trainable = opts.trainable ?? true;
  }

  /** The current value (reading it through an op lets tapes watch it). */
  get value(): Tensor {
    return this.current;
  }

  get shape(): readonly number[] {
    return this.current.shape;
  }

  get dtype(): DType {
    return this.current.dtype;
  }

  /** Replaces the value; shape and dtype must match (a number array is converted to this dtype). */
  assign(v: TensorLike): this {
    let t = toTensor(v, `Variable "${this.name}".assign`, this.dtype);
    if (!shapesEqual(t.shape, this.current.shape))
      throw new Error(`Variable "${this.name}".assign: expected shape ${fmtShape(this.current.shape)}, got ${fmtShape(t.shape)}`);
    if (t.dtype !== this.dtype) t = cast(t, this.dtype);
    this.current = t;
    variableAssignments.count++;
    return this;
  }

  assignAdd(delta: TensorLike): this {
    return this.assign(add(this.current, delta));
  }

  assignSub(delta: TensorLike): this {
    return this.assign(sub(this.current, delta));
  }

  toString(): string {
    return `Variable "${this.name}" shape=${fmtShape(this.shape)} dtype=${this.dtype} trainable=${this.trainable}\n${this.current.toString()}`;
  }
}
