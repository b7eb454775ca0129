import { eye, full } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { mul } from "../ops/arithmetic.js";
import { Initializer } from "./initializer.js";

/** Every element `value` (default 0). */
export class Constant extends Initializer {
  readonly value: number;
  constructor(o: { value?: number } | number = {}) {
    super();
    this.value = typeof o === "number" ? o : (o.value ?? 0);
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return full(shape, this.value, dtype);
  }
  override getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/** All zeros. */
export class Zeros extends Initializer {
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return full(shape, 0, dtype);
  }
}

/** All ones. */
export class Ones extends Initializer {
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return full(shape, 1, dtype);
  }
}

/** gain times the identity matrix (2-D shapes only; non-square gives a rectangular eye). */
export class Identity extends Initializer {
  readonly gain: number;
  constructor(o: { gain?: number } = {}) {
    super();
    this.gain = o.gain ?? 1;
  }
  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    if (shape.length !== 2) throw new RangeError(`Identity initializer: expected a 2-D shape, got ${fmtShape(shape)}`);
    const e = eye(shape[0], shape[1], dtype);
    return this.gain === 1 ? e : mul(e, this.gain);
  }
  override getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}
