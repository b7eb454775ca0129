// Types shared by the Layer base class and its subclasses.
import type { DType } from "../tensor/dtype.js";
import type { SymShape } from "../models/symbolic.js";
import type { ConstraintId, InitializerId, RegularizerId } from "./serialize.js";

/** Options every layer accepts (Keras' base `Layer` keywords, camelCase). */
export interface LayerArgs {
  /** Unique name; default: snake_case of the class with a session counter ("dense_1"). */
  name?: string;
  trainable?: boolean;
  /** Dtype of weights and computations (float inputs are cast to it). Default "float32". */
  dtype?: DType;
  /** Shape of one sample, without the batch dimension: lets a Sequential build at once. */
  inputShape?: readonly (number | null)[];
  /** Fixed batch size, with `inputShape`. */
  batchSize?: number;
  /** Full input shape including the batch dimension (null for any). */
  batchInputShape?: SymShape;
  /** Penalty on the layer's outputs, added to `losses` on each call (divided by the batch size). */
  activityRegularizer?: RegularizerId | null;
}

/** Options of `apply` and `call`. */
export interface CallOptions {
  /** Training mode (Dropout drops, BatchNormalization uses batch statistics). Default false. */
  training?: boolean;
}

/** Options of `addWeight`. */
export interface AddWeightOptions {
  /** Default "glorot_uniform" for float weights, "zeros" otherwise. */
  initializer?: InitializerId;
  dtype?: DType;
  trainable?: boolean;
  regularizer?: RegularizerId | null;
  constraint?: ConstraintId | null;
}

/** A layer's input or output shape(s): one shape, or one per tensor for multi-input layers. */
export type ShapeArg = SymShape | SymShape[];

/** A config object as `getConfig` returns it (camelCase Keras keys). */
export type LayerConfig = Record<string, unknown>;

/** True when `s` is a list of shapes rather than one shape. */
export function isShapeList(s: ShapeArg): s is SymShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}
