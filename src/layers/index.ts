// Layers (Keras 3's keras.layers), the Layer base class and its helpers.
export { Layer, type LayerArgs, type CallOptions, type AddWeightOptions, type ShapeArg, type LayerConfig, type InputSpec } from "./layer.js";
export { LayerWeight, type WeightRegularizer, type WeightConstraint } from "./weight.js";
export { clearSession } from "./naming.js";
export { registerLayer, deserializeLayer, serializeLayer, registeredLayers, type LayerClass } from "./registry.js";
export { type SerializedObject, type InitializerId, type RegularizerId, type ConstraintId } from "./serialize.js";
export { getActivation, serializeActivation, activationNames, type ActivationFn, type ActivationId } from "./activation-lookup.js";
export { InputLayer, Input, type InputArgs } from "./input-layer.js";
export { Dense, type DenseArgs } from "./dense.js";
