export { loadDigits, loadFaceSubset, dataDir, type LabelledData } from "./embedded.js";
export {
  imageDatasetFromDirectory, ImageDataset, IMAGE_FORMATS, type ImageDatasetOptions, type ImageBatch, type LabelMode, type ColorMode,
} from "./image-dataset.js";
