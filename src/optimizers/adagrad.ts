import type { Variable } from "../autograd/variable.js";
import { add, div, mul } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulated squared gradients. */
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad, Keras 3's formulation: acc += g²; w -= lr g / sqrt(acc + ε).
 * Defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7.
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(o: AdagradOptions = {}) {
    super(o, 0.001);
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected slotGroups(): string[][] {
    return [["accumulator"]];
  }
  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }
  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const acc = this.slot(w, "accumulator");
    acc.assignAdd(square(g));
    w.assignSub(div(mul(g, lr), sqrt(add(acc.value, this.epsilon))));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
