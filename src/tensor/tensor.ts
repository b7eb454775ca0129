import { type DType, type TypedArray, dtypeOfArray } from "./dtype.js";
import { type Shape, fmtShape, sizeOf } from "./shape.js";
import { formatTensor } from "./format.js";

/** A nested JavaScript array, as returned by `Tensor.array()`. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 1;

/**
 * An immutable n-dimensional array over plain typed-array storage (row-major, contiguous).
 * Nothing needs disposing: storage is ordinary garbage-collected memory.
 *
 * @example
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape; // [2, 2]
 */
export class Tensor {
  /** Unique identity, used by the autograd tape. */
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /**
   * The storage, shared without copy with kernels and other tensors. Treat it as read-only:
   * tensors are immutable. `data()` returns a copy that is safe to change.
   */
  readonly values: TypedArray;

  constructor(values: TypedArray, shape: Shape, dtype: DType = dtypeOfArray(values)) {
    const size = sizeOf(shape);
    if (values.length !== size)
      throw new RangeError(`tensor: ${values.length} values do not fill shape ${fmtShape(shape)} (${size} elements)`);
    if (dtypeOfArray(values) !== dtype)
      throw new TypeError(`tensor: storage ${values.constructor.name} does not hold dtype ${dtype}`);
    this.id = nextId++;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = size;
    this.values = values;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A copy of the elements in row-major order. */
  data(): TypedArray {
    return this.values.slice();
  }

  /** The elements as nested arrays (booleans for `bool`). */
  array(): NestedArray {
    const v = this.values;
    const isBool = this.dtype === "bool";
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return isBool ? v[offset] !== 0 : v[offset];
      const n = this.shape[dim];
      let stride = 1;
      for (let d = dim + 1; d < this.shape.length; d++) stride *= this.shape[d];
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.values[0];
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
