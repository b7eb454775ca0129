// Applications: the classic architectures with Keras' exact layer names, shapes and parameter counts
// (keras.applications), and the course's models.
export { type ApplicationArgs, type Pooling } from "./common.js";
export { resnet50, resnet101, resnet152 } from "./resnet50.js";
export { mobileNetV2, type MobileNetV2Args } from "./mobilenet-v2.js";
export { vgg16, vgg19 } from "./vgg.js";
export { happyModel, type HappyModelArgs } from "./happy.js";
export { signsModel, type SignsModelArgs } from "./signs.js";
export { faceRecoModel, facenetPreprocess, type FaceRecoModelArgs } from "./facenet.js";
export {
  preprocessInput, decodePredictions, deprocessCaffe, imagenetClasses, type PreprocessMode, type PreprocessOptions, type DecodedPrediction,
} from "./imagenet.js";
export * as applications from "./namespace.js";
export {
  pretrainedMobileNetV2, loadNsfwjsModel, readNsfwjsFiles, findNsfwjs, PRETRAINED_MOBILENET_V2_SCALE, type PretrainedMobileNetV2Options,
} from "./pretrained-mobilenet.js";
