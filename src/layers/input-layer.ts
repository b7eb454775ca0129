import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { Node, type SymShape, SymbolicTensor, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface InputArgs {
  /** Shape of one sample, without the batch dimension (null for a dimension of any size). */
  shape?: readonly (number | null)[];
  batchSize?: number;
  /** Full shape including the batch dimension (instead of `shape` / `batchSize`). */
  batchShape?: SymShape;
  dtype?: DType;
  name?: string;
}

/** The entry point of a functional model: holds the symbolic tensor that `Input()` returns. */
export class InputLayer extends Layer {
  static override className = "InputLayer";
  readonly batchShape: SymShape;

  constructor(args: InputArgs = {}) {
    super({ name: args.name, dtype: args.dtype });
    if (args.batchShape !== undefined) this.batchShape = [...args.batchShape];
    else if (args.shape !== undefined) this.batchShape = [args.batchSize ?? null, ...args.shape];
    else throw new Error(`InputLayer "${this.name}": give a shape (one sample, without the batch dimension) or a batchShape`);
    for (const d of this.batchShape)
      if (d !== null && (!Number.isInteger(d) || d < 0))
        throw new Error(`InputLayer "${this.name}": invalid shape ${fmtSymShape(this.batchShape)}: dimensions are non-negative integers or null`);
    this.built = true;
    this.buildInputShape = this.batchShape;
    new Node(this, [], [new SymbolicTensor(this.batchShape, this.dtype, this.name)], { inputIsList: false, outputIsList: false });
  }

  override call(inputs: Tensor): Tensor {
    return inputs;
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { batchShape: [...this.batchShape], dtype: this.dtype, name: this.name };
  }

  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: LayerConfig): T {
    return new this(config as never);
  }
}
registerLayer(InputLayer);

/**
 * A symbolic input of a functional model: shape [null, ...shape] (null is the batch dimension).
 *
 * @example
 * const x = Input({ shape: [28, 28, 1] });
 * const y = new Flatten().apply(x); // [null, 784]
 */
export function Input(args: InputArgs): SymbolicTensor {
  const layer = new InputLayer(args);
  return layer.inboundNodes[0].outputs[0];
}
