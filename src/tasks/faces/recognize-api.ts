// The public face database and recognition API (re-exported by ./index.ts).
export {
  type EnrollFace, type FaceDatabaseOptions, type FaceDbJson, type ImportOptions, type PersonSummary, type StoredEmbedding,
  FACE_DB_SCHEMA_VERSION, FaceDatabase, FaceDatabaseError, UNKNOWN_NAME, checkPersonName,
} from "./db.js";
export {
  type Calibration, type DistanceAggregate, type LabelledDistance, type PersonIdentification, type PersonVerification,
  type ModelThresholds, type RecognizeOptions, type ThresholdReport, type ThresholdSource, CALIBRATED_FACE_THRESHOLDS,
  calibrateThreshold, distanceToPerson, evaluateThreshold, faceEmbeddingModelId, identifyIn, identifyPeople, resolveThreshold,
  rocAuc, rocCurve, verifyPerson,
} from "./recognize.js";
export {
  type EmbedFn, type FacePairs, type LabelledFace, type PhotoVariant,
  PHOTO_VARIANTS, defaultFacePairsPath, embedLabelledFaces, facePairsPhotoPath, loadFacePairs, pairDistances, renderVariant, variantPairDistances,
} from "./recognize-pairs.js";
