import type { Variable } from "../autograd/variable.js";
import { add, div, maximum, mul, sub } from "../ops/arithmetic.js";
import { abs } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adamax (Adam with the infinity norm), Keras 3's formulation: m += (g - m)(1 - β1);
 * u = max(β2 u, |g|); w -= lr m / ((1 - β1^t)(u + ε)). Defaults: 0.001, 0.9, 0.999, 1e-7.
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(o: AdamaxOptions = {}) {
    super(o, 0.001);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected slotGroups(): string[][] {
    return [["momentum", "norm"]];
  }
  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const r = this.rounder(w);
    const b1p = r(Math.pow(r(this.beta1), this.iterations + 1));
    const m = this.slot(w, "momentum");
    const u = this.slot(w, "norm");
    m.assignAdd(mul(sub(g, m.value), 1 - this.beta1));
    u.assign(maximum(mul(u.value, this.beta2), abs(g)));
    w.assignSub(div(mul(m.value, lr), mul(add(u.value, this.epsilon), r(1 - b1p))));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
