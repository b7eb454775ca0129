import type { Variable } from "../autograd/variable.js";
import { add, div, mul, sub } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";
import { kernels } from "../backends/index.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface RMSpropOptions extends OptimizerOptions {
  /** Decay of the moving average of squared gradients. */
  rho?: number;
  momentum?: number;
  epsilon?: number;
  /** Normalize by the variance (not the raw second moment) of the gradient. */
  centered?: boolean;
}

/**
 * RMSprop, Keras 3's formulation: v = rho v + (1 - rho) g²; w -= lr g / sqrt(v + eps)
 * (v - mean(g)² when centered; through a momentum accumulator when momentum > 0).
 * Defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7.
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(o: RMSpropOptions = {}) {
    super(o, 0.001);
    this.rho = o.rho ?? 0.9;
    this.momentum = o.momentum ?? 0;
    this.epsilon = o.epsilon ?? 1e-7;
    this.centered = o.centered ?? false;
  }
  protected slotGroups(): string[][] {
    const g = [["velocity"]];
    if (this.momentum > 0) g.push(["momentum"]);
    if (this.centered) g.push(["average_gradient"]);
    return g;
  }
  protected updateStep(g: Tensor, v: Variable, lr: number): void {
    const rho = this.rho;
    const vel = this.slot(v, "velocity");
    vel.assign(add(mul(vel.value, rho), mul(square(g), 1 - rho)));
    let denominator: Tensor;
    if (this.centered) {
      const avg = this.slot(v, "average_gradient");
      avg.assign(add(mul(avg.value, rho), mul(g, 1 - rho)));
      denominator = add(sub(vel.value, square(avg.value)), this.epsilon);
    } else denominator = add(vel.value, this.epsilon);
    const increment = div(mul(g, lr), sqrt(denominator));
    if (this.momentum > 0) {
      const m = this.slot(v, "momentum");
      m.assign(add(mul(m.value, this.momentum), increment));
      v.assignSub(m.value);
    } else v.assignSub(increment);
  }
  protected override fusedUpdate(g: Tensor, v: Variable, lr: number, weightDecay: number | null): void {
    const vel = this.slot(v, "velocity");
    const m = this.momentum > 0 ? this.slot(v, "momentum") : null;
    const avg = this.centered ? this.slot(v, "average_gradient") : null;
    const p = { lr, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, weightDecay };
    const reuse = { vel: vel.takeSpare(), m: m?.takeSpare(), avg: avg?.takeSpare() };
    const out = kernels().rmspropUpdate(v.value, g, vel.peek(), m ? m.peek() : null, avg ? avg.peek() : null, p, reuse);
    vel.replace(out.vel);
    if (m) m.replace(out.m!);
    if (avg) avg.replace(out.avg!);
    v.assign(out.w);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
