import type { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { tensor } from "../tensor/create.js";
import { add, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface RescalingArgs extends LayerArgs {
  /** Multiplier: a number, or one per channel (broadcast against the last axis). */
  scale: number | readonly number[];
  /** Added after scaling; default 0. */
  offset?: number | readonly number[];
}

/**
 * `x * scale + offset`, e.g. pixel values [0, 255] to [0, 1] (scale 1/255) or [-1, 1] (scale 1/127.5, offset -1).
 * Integer inputs are cast to the layer's dtype first.
 *
 * @example
 * new Rescaling({ scale: 1 / 255 }).apply(tensor([[0, 255]])); // [[0, 1]]
 */
export class Rescaling extends Layer {
  static override className = "Rescaling";
  readonly scale: number | number[];
  readonly offset: number | number[];

  constructor(args: RescalingArgs) {
    super(args);
    const check = (name: string, v: unknown): number | number[] => {
      if (typeof v === "number" && Number.isFinite(v)) return v;
      if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "number" && Number.isFinite(e))) return [...(v as number[])];
      throw new Error(`${this.label}: ${name} must be a finite number or a list of them, got ${JSON.stringify(v)}`);
    };
    this.scale = check("scale", args?.scale);
    this.offset = check("offset", args.offset ?? 0);
  }

  override call(inputs: Tensor): Tensor {
    const x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    const asTensor = (v: number | number[]): Tensor | number => (typeof v === "number" ? v : tensor(v, [v.length], x.dtype));
    return add(mul(x, asTensor(this.scale)), asTensor(this.offset));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    const copy = (v: number | number[]): number | number[] => (typeof v === "number" ? v : [...v]);
    return { ...super.getConfig(), scale: copy(this.scale), offset: copy(this.offset) };
  }
}
registerLayer(Rescaling);
