// Base of the elementwise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum).
import type { Tensor } from "../tensor/tensor.js";
import { expandDims } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs } from "./layer.js";

/**
 * Combines a list of tensors elementwise. Shapes broadcast over the non-batch dimensions; a lower-rank
 * input gets size-1 axes inserted after the batch axis (as Keras).
 */
export abstract class Merge extends Layer {
  /** Fewest and most inputs accepted. */
  protected minInputs = 1;
  protected maxInputs = Infinity;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  /** Combines the (rank-aligned) inputs. */
  protected abstract merge(xs: Tensor[]): Tensor;

  private checkCount(n: number): void {
    if (n < this.minInputs || n > this.maxInputs) {
      const want = this.minInputs === this.maxInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      throw new Error(`${this.label}: expects a list of ${want} input(s), got ${n}`);
    }
  }

  override build(inputShape: SymShape | SymShape[]): void {
    if (!(inputShape.length > 0 && Array.isArray(inputShape[0])))
      throw new Error(`${this.label}: expects a list of inputs, got a single input of shape ${fmtSymShape(inputShape as SymShape)}`);
    this.checkCount(inputShape.length);
    this.computeOutputShape(inputShape as SymShape[]);
  }

  override call(inputs: Tensor[]): Tensor {
    if (!Array.isArray(inputs)) throw new Error(`${this.label}: expects a list of inputs`);
    this.checkCount(inputs.length);
    const rank = Math.max(...inputs.map((x) => x.rank));
    const xs = inputs.map((x) => {
      let y = x;
      while (y.rank < rank) y = expandDims(y, 1);
      return y;
    });
    return this.merge(xs);
  }

  override computeOutputShape(inputShape: SymShape[]): SymShape {
    const batches = new Set(inputShape.map((s) => s[0]).filter((d) => d !== null && d !== undefined));
    if (batches.size > 1)
      throw new Error(`${this.label}: inputs have different batch sizes: ${inputShape.map(fmtSymShape).join(", ")}`);
    let out: (number | null)[] = inputShape[0].slice(1);
    for (const s of inputShape.slice(1)) {
      const b = s.slice(1);
      const [long, short] = out.length >= b.length ? [out, b] : [b, out];
      const lead = long.length - short.length;
      const merged = long.slice(0, lead);
      for (let i = 0; i < short.length; i++) {
        const x = long[lead + i];
        const y = short[i];
        if (x === null || y === null) merged.push(null);
        else if (x === 1) merged.push(y);
        else if (y === 1 || x === y) merged.push(x);
        else throw new Error(`${this.label}: inputs have incompatible shapes ${inputShape.map(fmtSymShape).join(" and ")}`);
      }
      out = merged;
    }
    return [batches.size ? [...batches][0] : null, ...out];
  }
}
