// The `applications` namespace, laid out as keras.applications' modules: applications.resnet50.preprocessInput,
// applications.mobilenetV2.decodePredictions, applications.imagenetUtils.preprocessInput, ...
export * as resnet50 from "./resnet50.js";
export * as mobilenetV2 from "./mobilenet-v2.js";
export * as vgg16 from "./vgg.js";
export * as vgg19 from "./vgg.js";
export * as imagenetUtils from "./imagenet.js";
export * as facenet from "./facenet.js";
