import type { Variable } from "../autograd/variable.js";
import { add, div, maximum, mul, sub } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";
import { kernels } from "../backends/index.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad?: boolean;
}

/**
 * Adam, Keras 3's formulation: m += (g - m)(1 - β1); v += (g² - v)(1 - β2);
 * w -= m · lr·sqrt(1 - β2^t)/(1 - β1^t) / (sqrt(v) + ε).
 * Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  constructor(o: AdamOptions = {}) {
    super(o, 0.001);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
    this.amsgrad = o.amsgrad ?? false;
  }
  protected slotGroups(): string[][] {
    return this.amsgrad ? [["momentum", "velocity"], ["velocity_hat"]] : [["momentum", "velocity"]];
  }
  /** The step size lr·sqrt(1 - β2^t)/(1 - β1^t), in w's float precision as Keras computes it. */
  private alpha(w: Variable, lr: number): number {
    const r = this.rounder(w);
    const t = this.iterations + 1;
    const b1p = r(Math.pow(r(this.beta1), t));
    const b2p = r(Math.pow(r(this.beta2), t));
    return r(r(r(lr) * r(Math.sqrt(r(1 - b2p)))) / r(1 - b1p));
  }
  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const alpha = this.alpha(w, lr);
    const m = this.slot(w, "momentum");
    let v = this.slot(w, "velocity");
    m.assignAdd(mul(sub(g, m.value), 1 - this.beta1));
    v.assignAdd(mul(sub(square(g), v.value), 1 - this.beta2));
    if (this.amsgrad) {
      const vHat = this.slot(w, "velocity_hat");
      vHat.assign(maximum(vHat.value, v.value));
      v = vHat;
    }
    w.assignSub(div(mul(m.value, alpha), add(sqrt(v.value), this.epsilon)));
  }
  protected override fusedUpdate(g: Tensor, w: Variable, lr: number, weightDecay: number | null): void {
    const m = this.slot(w, "momentum");
    const v = this.slot(w, "velocity");
    const vHat = this.amsgrad ? this.slot(w, "velocity_hat") : null;
    const p = { alpha: this.alpha(w, lr), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay, lr };
    const reuse = { m: m.takeSpare(), v: v.takeSpare(), vhat: vHat?.takeSpare() };
    const out = kernels().adamUpdate(w.value, g, m.peek(), v.peek(), vHat ? vHat.peek() : null, p, reuse);
    m.replace(out.m);
    v.replace(out.v);
    if (vHat) vHat.replace(out.vhat!);
    w.assign(out.w);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/** Adam with decoupled weight decay (default weightDecay 0.004), exactly as Keras' AdamW. */
export class AdamW extends Adam {
  constructor(o: AdamOptions = {}) {
    super({ ...o, weightDecay: o.weightDecay === undefined ? 0.004 : o.weightDecay });
    if (this.weightDecay === null) throw new TypeError("AdamW: weightDecay must be a number, got null");
  }
}
