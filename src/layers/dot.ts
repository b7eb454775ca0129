import type { Tensor } from "../tensor/tensor.js";
import { minimum, mul } from "../ops/arithmetic.js";
import { matmul } from "../ops/matmul.js";
import { rsqrt, square } from "../ops/math.js";
import { transpose } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { reshape } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface DotArgs extends LayerArgs {
  /** The axis (same for both inputs) or [axis of input 0, axis of input 1] to contract; not the batch axis 0. */
  axes: number | readonly [number, number];
  /** L2-normalize both inputs along their axes first (the result is then a cosine similarity). */
  normalize?: boolean;
}

/** x * rsqrt(sum(x^2)) along `axis`, with the inverse norm capped at 1e7 (Keras' ops.normalize). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, minimum(rsqrt(sum(square(x), axis, { keepDims: true })), 1e7));
}

/**
 * Dot product of two samples along the given axes (Keras' batch_dot): output shape is input 0 without
 * its axis, then input 1 without the batch axis and its axis (at least [batch, 1]).
 *
 * @example
 * new Dot({ axes: 1 }).apply([zeros([4, 8]), zeros([4, 8])]); // [4, 1]
 */
export class Dot extends Layer {
  static override className = "Dot";
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const a = args?.axes;
    const ok = Number.isInteger(a) || (Array.isArray(a) && a.length === 2 && a.every((v) => Number.isInteger(v)));
    if (!ok) throw new Error(`${this.label}: axes must be an integer or a list of two integers, got ${JSON.stringify(a)}`);
    this.axes = Array.isArray(a) ? ([a[0], a[1]] as const) : (a as number);
    this.normalize = args.normalize ?? false;
  }

  private resolveAxes(r0: number, r1: number): [number, number] {
    const [a, b] = typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    const norm = (v: number, r: number): number => (v < 0 ? ((v % r) + r) % r : v);
    return [norm(a, r0), norm(b, r1)];
  }

  override build(inputShape: SymShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override call(inputs: Tensor[]): Tensor {
    let [x, y] = inputs;
    const [a0, a1] = this.resolveAxes(x.rank, y.rank);
    if (this.normalize) {
      x = l2Normalize(x, a0);
      y = l2Normalize(y, a1);
    }
    const b = x.shape[0];
    const xRest = x.shape.filter((_, i) => i !== 0 && i !== a0);
    const yRest = y.shape.filter((_, i) => i !== 0 && i !== a1);
    const xPerm = [0, ...x.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a0), a0];
    const yPerm = [0, a1, ...y.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a1)];
    const k = x.shape[a0];
    const x3 = reshape(transpose(x, xPerm), [b, -1, k]);
    const y3 = reshape(transpose(y, yPerm), [b, k, -1]);
    const out = [b, ...xRest, ...yRest];
    return reshape(matmul(x3, y3), out.length === 1 ? [b, 1] : out);
  }

  override computeOutputShape(inputShape: SymShape[]): SymShape {
    if (!(inputShape.length === 2 && Array.isArray(inputShape[0])))
      throw new Error(`${this.label}: expects a list of 2 inputs, got ${JSON.stringify(inputShape)}`);
    const [s0, s1] = inputShape;
    const [a0, a1] = this.resolveAxes(s0.length, s1.length);
    if (a0 === 0 || a1 === 0 || a0 >= s0.length || a1 >= s1.length)
      throw new Error(`${this.label}: axes ${JSON.stringify(this.axes)} are out of range or the batch axis for inputs ${fmtSymShape(s0)} and ${fmtSymShape(s1)}`);
    const d0 = s0[a0];
    const d1 = s1[a1];
    if (d0 !== null && d1 !== null && d0 !== d1)
      throw new Error(`${this.label}: sizes along the dot axes differ: ${fmtSymShape(s0)} axis ${a0} is ${d0}, ${fmtSymShape(s1)} axis ${a1} is ${d1}`);
    const out = [...s0.filter((_, i) => i !== a0), ...s1.filter((_, i) => i !== 0 && i !== a1)];
    return out.length === 1 ? [...out, 1] : out;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axes: typeof this.axes === "number" ? this.axes : [...this.axes], normalize: this.normalize };
  }
}
registerLayer(Dot);
