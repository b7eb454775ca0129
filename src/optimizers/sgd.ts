import type { Variable } from "../autograd/variable.js";
import { mul, sub } from "../ops/arithmetic.js";
import type { Tensor } from "../tensor/tensor.js";
import { kernels } from "../backends/index.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface SGDOptions extends OptimizerOptions {
  /** Velocity decay in [0, 1]; 0 is plain gradient descent. */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Gradient descent with optional (Nesterov) momentum, Keras 3's formulation:
 * m = momentum * m - lr * g; w += m (or, with nesterov, w += momentum * m - lr * g).
 * Defaults: learningRate 0.01, momentum 0.
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(o: SGDOptions = {}) {
    super(o, 0.01);
    this.momentum = o.momentum ?? 0;
    this.nesterov = o.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new RangeError(`SGD: momentum must be in [0, 1], got ${this.momentum}`);
  }
  protected slotGroups(): string[][] {
    return this.momentum !== 0 ? [["momentum"]] : [];
  }
  protected updateStep(g: Tensor, v: Variable, lr: number): void {
    if (this.momentum === 0) {
      v.assignSub(mul(g, lr));
      return;
    }
    const m = this.slot(v, "momentum");
    m.assign(sub(mul(m.value, this.momentum), mul(g, lr)));
    v.assignAdd(this.nesterov ? sub(mul(m.value, this.momentum), mul(g, lr)) : m.value);
  }
  protected override fusedUpdate(g: Tensor, v: Variable, lr: number, weightDecay: number | null): void {
    const m = this.momentum !== 0 ? this.slot(v, "momentum") : null;
    const p = { lr, momentum: this.momentum, nesterov: this.nesterov, weightDecay };
    const out = kernels().sgdUpdate(v.value, g, m ? m.peek() : null, p, { m: m?.takeSpare() });
    if (m) m.replace(out.m!);
    v.assign(out.w);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
