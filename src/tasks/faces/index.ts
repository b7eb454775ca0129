// Face recognition: face-api's pretrained detectors, landmark and descriptor networks on deepts' engine,
// the pipeline over a photo, and verification / identification by descriptor distance.
export type { Point, Rect } from "./geometry.js";
export { alignedFaceRect } from "./geometry.js";
export {
  type DetectFacesOptions, type DetectedFace, type EmbedFacesOptions, type EmbeddedFace, type FaceBox,
  detectFaceBoxes, detectFaces, embedFaces, faceDescriptors, faceLandmarks,
} from "./pipeline.js";
export { type FaceNetName, faceApiModelDir, faceNetManifest, loadFaceNet } from "./models.js";
export { FaceRecognitionNet, RECOGNITION_INPUT_SIZE } from "./recognition-net.js";
export { FaceLandmark68Net, LANDMARK_INPUT_SIZE } from "./landmark-net.js";
export { TinyFaceDetector } from "./tiny-face-detector.js";
export { SSD_INPUT_SIZE, SsdMobilenetv1 } from "./ssd-mobilenetv1.js";
export {
  DEFAULT_FACE_DISTANCE_THRESHOLD, type Identification, type Verification,
  euclideanDistance, identifyFace, meanDistance, verifyFace,
} from "./verify.js";
export * from "./recognize-api.js";
export * from "./triplet-api.js";
export {
  FACE_MODEL_INFO, type FaceEmbedder, courseFaceNetEmbedder, faceApiEmbedder, faceModelInfoPath, faceNetInputBatch, loadFaceEmbedder,
  readFaceModelThreshold, saveFaceModelThreshold,
} from "./embedders.js";
export {
  FACENET_COURSE_THRESHOLD, FACENET_INPUT_SIZE, faceNetModelId, isFaceNetCsvFolder, loadCourseFaceNet, readFaceNetCsvWeights,
} from "./facenet-weights.js";
