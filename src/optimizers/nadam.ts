import { Variable } from "../autograd/variable.js";
import { add, div, mul, sub } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import { scalar } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Nadam (Adam with Nesterov momentum), Keras 3's formulation with the momentum schedule
 * u_t = β1 (1 - 0.5 · 0.96^t) and its running product. Defaults: 0.001, 0.9, 0.999, 1e-7.
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private uProduct: Variable | null = null;
  constructor(o: NadamOptions = {}) {
    super(o, 0.001);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected slotGroups(): string[][] {
    return [["momentum", "velocity"]];
  }
  protected override extraVariables(): Variable[] {
    return this.uProduct ? [this.uProduct] : [];
  }
  protected override beforeUpdates(vars: readonly Variable[]): void {
    this.uProduct ??= new Variable(scalar(1, vars[0].dtype), { name: `${this.name}/variable`, trainable: false });
    const t = this.iterations + 1;
    const p = this.uProduct;
    const r = p.dtype === "float32" ? Math.fround : (x: number) => x;
    p.assign(mul(mul(p.value, this.beta1), r(1 - r(0.5 * r(Math.pow(r(0.96), t))))));
  }
  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const r = this.rounder(w);
    const t = this.iterations + 1;
    const b1 = r(this.beta1);
    const uT = r(b1 * r(1 - r(0.5 * r(Math.pow(r(0.96), t)))));
    const uT1 = r(b1 * r(1 - r(0.5 * r(Math.pow(r(0.96), t + 1)))));
    const uProdT = r((this.uProduct as Variable).value.item());
    const uProdT1 = r(uProdT * uT1);
    const b2p = r(Math.pow(r(this.beta2), t));
    const m = this.slot(w, "momentum");
    const v = this.slot(w, "velocity");
    m.assignAdd(mul(sub(g, m.value), 1 - this.beta1));
    v.assignAdd(mul(sub(square(g), v.value), 1 - this.beta2));
    const mHat = add(div(mul(m.value, uT1), r(1 - uProdT1)), div(mul(g, r(1 - uT)), r(1 - uProdT)));
    const vHat = div(v.value, r(1 - b2p));
    w.assignSub(div(mul(mHat, lr), add(sqrt(vHat), this.epsilon)));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
