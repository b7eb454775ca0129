import type { Tensor } from "../tensor/tensor.js";
import { reshape } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface ReshapeArgs extends LayerArgs {
  /** Shape of one output sample (no batch dimension); one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

/**
 * Reshapes every sample to `targetShape` (the batch dimension is kept).
 *
 * @example
 * new Reshape({ targetShape: [3, -1] }).apply(zeros([2, 12])); // [2, 3, 4]
 */
export class Reshape extends Layer {
  static override className = "Reshape";
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args?.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1)) || t.filter((d) => d === -1).length > 1)
      throw new Error(`${this.label}: targetShape must be a list of sizes with at most one -1, got ${JSON.stringify(t)}`);
    this.targetShape = [...t];
  }

  override call(inputs: Tensor): Tensor {
    const [batch, ...rest] = inputs.shape;
    const out = this.resolve([batch, ...rest]);
    return reshape(inputs, [batch, ...(out.slice(1) as number[])]);
  }

  /** The output shape; -1 is resolved when the sample size is known. */
  private resolve(inputShape: SymShape): SymShape {
    const rest = inputShape.slice(1);
    const t = this.targetShape;
    const unknown = t.indexOf(-1);
    if (rest.some((d) => d === null)) return [inputShape[0], ...t.map((d) => (d === -1 ? null : d))];
    const size = (rest as number[]).reduce((a, d) => a * d, 1);
    const known = t.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    if (unknown < 0 ? known !== size : known === 0 || size % known !== 0)
      throw new Error(`${this.label}: cannot reshape input ${fmtSymShape(inputShape)} (${size} values per sample) to ${fmtSymShape(t)}`);
    return [inputShape[0], ...t.map((d) => (d === -1 ? size / known : d))];
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return this.resolve(inputShape);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
registerLayer(Reshape);
