// File formats: Keras (.keras, .h5, .weights.h5), TF.js layers models, safetensors and NumPy .npy.
import "./model-methods.js";

export { loadModel, saveModel, loadWeights, saveWeights, type LoadOptions } from "./model-io.js";
export { FileFormatError } from "./errors.js";
export { loadNpy, saveNpy, decodeNpy, encodeNpy, parseNpy, type NpyArray, type NpyWriteOptions } from "./npy.js";
export { loadSafetensors, saveSafetensors, decodeSafetensors, encodeSafetensors, type Safetensors } from "./safetensors.js";
export { fromKerasConfig, type KerasContext } from "./keras-config.js";
export { toKerasConfig, type KerasVersion } from "./keras-export.js";
export { decodeKerasArchive, encodeKerasArchive, decodeKerasH5, encodeKerasH5, modelFromKerasConfig, KERAS_VERSION } from "./keras-files.js";
export { type LegacyLoadOptions } from "./keras-weights-legacy.js";
export {
  readTfjsFiles, decodeTfjsModel, decodeTfjsWeights, encodeTfjsModel, writeTfjsFiles, type TfjsFiles, type TfjsEncoded, type TfjsWriteOptions,
} from "./tfjs.js";
export { namedWeights } from "./named-weights.js";
