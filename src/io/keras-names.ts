// Keras' spellings: snake_case keys, the module paths of Keras 3's serialized objects, class aliases.

/** "kernel_size" -> "kernelSize". */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** "kernelSize" -> "kernel_size"; "conv2d" and "l1" stay as they are. */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Class names older Keras versions (and TF.js) wrote for classes deepts registers under another name. */
export const CLASS_ALIASES: Record<string, string> = {
  Model: "Functional",
  Convolution2D: "Conv2D",
  Deconvolution2D: "Conv2DTranspose",
  SeparableConvolution2D: "SeparableConv2D",
  DepthwiseConvolution2D: "DepthwiseConv2D",
  MaxPool2D: "MaxPooling2D",
  AvgPool2D: "AveragePooling2D",
  GlobalAvgPool2D: "GlobalAveragePooling2D",
  GlobalMaxPool2D: "GlobalMaxPooling2D",
};

/** The Keras 3 layer classes whose module is "keras.layers" (what deepts writes for them). */
export const KERAS_LAYER_CLASSES = new Set([
  "InputLayer", "Dense", "Activation", "Flatten", "Reshape", "Permute", "Dropout", "SpatialDropout2D", "Lambda",
  "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
  "ReLU", "LeakyReLU", "PReLU", "Softmax", "ELU",
  "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
  "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "ZeroPadding2D", "Cropping2D",
  "BatchNormalization", "LayerNormalization", "Normalization", "Rescaling", "Resizing", "CenterCrop",
  "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
]);

/** Keras 3's module for a nested serialized object, from the key that holds it ("kernelInitializer"). */
export function moduleForKey(key: string): string | null {
  if (/initializer$/i.test(key)) return "keras.initializers";
  if (/regularizer$/i.test(key)) return "keras.regularizers";
  if (/constraint$/i.test(key)) return "keras.constraints";
  return null;
}

/** Keys Keras writes that deepts has no use for, with the values that mean "not used". */
export const IGNORED_KEYS: Record<string, unknown[]> = {
  sparse: [false, null],
  ragged: [false, null],
  optional: [false, null],
  quantization_config: [null],
  lora_rank: [null],
  lora_alpha: [null],
  lora_enabled: [false, null],
  autocast: [true, false],
};
