import type { Tensor } from "../tensor/tensor.js";
import type { SymShape } from "../models/symbolic.js";
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type ShapeArg, isShapeList } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface LambdaArgs extends LayerArgs {
  /** The computation, on one tensor or a list (written with ops, so gradients flow). */
  function: (inputs: Tensor | Tensor[], opts: { training: boolean }) => Tensor | Tensor[];
  /**
   * Output shape without the batch dimension, or a function of the input shape(s). Default: inferred
   * by running the function on zeros.
   */
  outputShape?: readonly (number | null)[] | ((inputShape: ShapeArg) => ShapeArg) | null;
  /** Extra values recorded in the config (Keras' `arguments`). */
  arguments?: Record<string, unknown>;
}

/**
 * Wraps a function of tensors as a layer (no weights).
 *
 * @example
 * new Lambda({ function: (x) => mul(x as Tensor, 2) }).apply(tensor([1, 2])); // [2, 4]
 */
export class Lambda extends Layer {
  static override className = "Lambda";
  readonly fn: LambdaArgs["function"];
  readonly outputShapeArg: LambdaArgs["outputShape"];
  readonly arguments: Record<string, unknown>;

  constructor(args: LambdaArgs) {
    super(args);
    if (typeof args?.function !== "function")
      throw new Error(`${this.label}: "function" must be a function of the input tensor(s), got ${typeof args?.function}`);
    this.fn = args.function;
    this.outputShapeArg = args.outputShape ?? null;
    this.arguments = args.arguments ?? {};
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    return this.fn(inputs, { training: opts.training ?? false });
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const o = this.outputShapeArg;
    if (typeof o === "function") return o(inputShape);
    if (Array.isArray(o)) {
      const batch = isShapeList(inputShape) ? inputShape[0][0] : (inputShape as SymShape)[0];
      return [batch ?? null, ...o];
    }
    return super.computeOutputShape(inputShape);
  }

  /** The function is recorded by its JavaScript name only; fromConfig needs it passed back in. */
  override getConfig(): LayerConfig {
    const o = this.outputShapeArg;
    return {
      ...super.getConfig(),
      function: this.fn,
      functionName: this.fn.name || null,
      outputShape: Array.isArray(o) ? [...o] : typeof o === "function" ? o : null,
      arguments: { ...this.arguments },
    };
  }
}
registerLayer(Lambda);
