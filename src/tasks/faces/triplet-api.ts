// The public triplet-loss training API (re-exported by ./index.ts): semi-hard mining and loss, P x K batches,
// the trainable descriptor network and its weights file, fine-tuning on an identity folder, the demo folder.
export {
  type MinedTriplet, type TripletBatchResult, type TripletDistanceMetric, type TripletSemiHardOptions,
  mineSemiHardTriplets, pairwiseDistances, tripletSemiHardBatch, tripletSemiHardLoss,
} from "./triplet.js";
export { type PKSamplerOptions, PKSampler } from "./triplet-batches.js";
export { FACE_RESIDUAL_BLOCKS, type TrainableFaceNetOptions, TrainableFaceRecognitionNet } from "./trainable-net.js";
export { saveFaceRecognitionWeights } from "./trainable-save.js";
export { type FaceAlign, type IdentityFolder, IDENTITY_IMAGE_FORMATS, listIdentityFolder } from "./triplet-data.js";
export {
  type FineTuneEmbeddingOptions, type FineTuneEmbeddingResult, type VerificationScores, fineTuneEmbedding,
} from "./triplet-finetune.js";
export {
  DEMO_EVAL_IDENTITIES, type DemoIdentities, type DemoIdentitiesOptions, type FaceView, UNCHANGED_FACE_VIEW, randomFaceView, renderFaceView, writeDemoFaceIdentities,
} from "./triplet-demo.js";
