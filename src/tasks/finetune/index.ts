// Transfer learning and fine-tuning as the course teaches it (C4W2, "Transfer learning with MobileNetV2"):
// a frozen pretrained backbone under a new head, then its top layers unfrozen at a lower learning rate;
// saving the classifier with its class names, predicting top-k classes, and the training-curve image.
export { buildTransferModel, unfreezeTopLayers, countTrainable, type TransferModel, type TransferModelOptions } from "./model.js";
export {
  finetune, finetuneFromDirectory, defaultUnfreeze, type FinetuneOptions, type FinetuneDirectoryOptions, type FinetuneResult, type FinetuneScores,
} from "./train.js";
export { trainingCurveImage, writeTrainingCurves, type CurveOptions } from "./curve.js";
export { saveClassifier, loadClassifier, readClassifierInfo, sidecarPath, type ClassifierInfo, type ClassifierOutput } from "./model-file.js";
export { classify, loadImagesFor, modelImageSize, type ClassScore } from "./predict.js";
