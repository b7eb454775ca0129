import type { Variable } from "../autograd/variable.js";
import { add, div, mul, neg } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/**
 * Adadelta, Keras 3's formulation: E[g²] = ρE[g²] + (1-ρ)g²; Δ = -sqrt(E[Δ²]+ε)/sqrt(E[g²]+ε) · g;
 * E[Δ²] = ρE[Δ²] + (1-ρ)Δ²; w += lr Δ. Defaults: learningRate 0.001, rho 0.95, epsilon 1e-7.
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;
  constructor(o: AdadeltaOptions = {}) {
    super(o, 0.001);
    this.rho = o.rho ?? 0.95;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected slotGroups(): string[][] {
    return [["accumulated_grad", "accumulated_delta_var"]];
  }
  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const rho = this.rho;
    const accG = this.slot(w, "accumulated_grad");
    const accD = this.slot(w, "accumulated_delta_var");
    const rms = (x: Tensor): Tensor => sqrt(add(x, this.epsilon));
    accG.assign(add(mul(accG.value, rho), mul(square(g), 1 - rho)));
    const delta = neg(div(mul(rms(accD.value), g), rms(accG.value)));
    accD.assign(add(mul(accD.value, rho), mul(square(delta), 1 - rho)));
    w.assignAdd(mul(delta, lr));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
