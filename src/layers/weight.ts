import { Variable } from "../autograd/variable.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** What a weight needs from a regularizer: a scalar penalty of the weight's value. */
export interface WeightRegularizer {
  call(x: Tensor): Tensor;
}

/** What a weight needs from a constraint: the projected value (applied by optimizers after each update). */
export interface WeightConstraint {
  call(w: Tensor): Tensor;
}

/**
 * A layer's weight: a Variable with Keras' `name` ("kernel") and `path` ("dense/kernel"), and the
 * regularizer and constraint the layer declared for it.
 */
export class LayerWeight extends Variable {
  /** Scoped name, unique within a model: "dense/kernel", "sequential/dense/bias". */
  readonly path: string;
  readonly regularizer: WeightRegularizer | null;
  readonly constraint: WeightConstraint | null;

  constructor(
    initial: Tensor,
    opts: { name: string; path: string; trainable: boolean; dtype: DType; regularizer?: WeightRegularizer | null; constraint?: WeightConstraint | null },
  ) {
    super(initial, { name: opts.name, trainable: opts.trainable, dtype: opts.dtype });
    this.path = opts.path;
    this.regularizer = opts.regularizer ?? null;
    this.constraint = opts.constraint ?? null;
  }
}
