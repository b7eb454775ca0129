// The Metric base (keras.metrics.Metric): state in variables, updated per batch, read by result().
import { Variable } from "../autograd/variable.js";
import { full } from "../tensor/create.js";
import type { TensorLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A stateful metric: `updateState(yTrue, yPred, sampleWeight?)` per batch, `result()` for the value
 * so far, `resetState()` between epochs. State lives in float32 variables, as in Keras.
 *
 * @example
 * const acc = new BinaryAccuracy();
 * acc.updateState(tensor([[1], [0]]), tensor([[0.7], [0.6]]));
 * acc.result().item(); // 0.5
 */
export abstract class Metric {
  name: string;
  private readonly vars: Variable[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** Adds a batch to the state. */
  abstract updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void;

  /** The metric over everything seen since the last reset (a scalar, or a vector for several thresholds). */
  abstract result(): Tensor;

  /** Zeroes the state. */
  resetState(): void {
    for (const v of this.vars) v.assign(full(v.shape, 0, v.dtype));
  }

  /** The state variables, in creation order. */
  get variables(): Variable[] {
    return [...this.vars];
  }

  /** Creates a float32 state variable of `shape`, initially zero. */
  protected addVariable(name: string, shape: number[] = []): Variable {
    const v = new Variable(full(shape, 0, "float32"), { name: `${this.name}/${name}`, trainable: false });
    this.vars.push(v);
    return v;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  get className(): string {
    return this.constructor.name;
  }
}
