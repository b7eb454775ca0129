import type { Tensor } from "../tensor/tensor.js";
import { concat } from "../ops/movement.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1, the last). */
  axis?: number;
}

/**
 * Joins a list of tensors along `axis`; all other dimensions must match.
 *
 * @example
 * new Concatenate().apply([zeros([2, 3]), zeros([2, 5])]); // [2, 8]
 */
export class Concatenate extends Layer {
  static override className = "Concatenate";
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`${this.label}: axis must be an integer, got ${String(args.axis)}`);
  }

  override build(inputShape: SymShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override call(inputs: Tensor[]): Tensor {
    return concat(inputs, this.axis);
  }

  override computeOutputShape(inputShape: SymShape[]): SymShape {
    if (!(inputShape.length > 0 && Array.isArray(inputShape[0])))
      throw new Error(`${this.label}: expects a list of inputs, got a single input of shape ${fmtSymShape(inputShape as unknown as SymShape)}`);
    const rank = inputShape[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const bad = (): never => {
      throw new Error(
        `${this.label}: inputs must have matching shapes except along axis ${this.axis}, got ${inputShape.map(fmtSymShape).join(", ")}`,
      );
    };
    if (axis < 0 || axis >= rank || inputShape.some((s) => s.length !== rank)) bad();
    const out = [...inputShape[0]];
    for (const s of inputShape.slice(1))
      for (let i = 0; i < rank; i++) {
        if (i === axis) out[i] = out[i] === null || s[i] === null ? null : (out[i] as number) + (s[i] as number);
        else if (out[i] === null) out[i] = s[i];
        else if (s[i] !== null && s[i] !== out[i]) bad();
      }
    return out;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Concatenate);
