// The public face database and recognition API (re-exported by ./index.ts).
export {
  type EnrollFace, type FaceDatabaseOptions, type FaceDbJson, type ImportOptions, type PersonSummary, type StoredEmbedding,
  FACE_DB_SCHEMA_VERSION, FaceDatabase, FaceDatabaseError, UNKNOWN_NAME,
} from "./db.js";
export {
  type Calibration, type DistanceAggregate, type LabelledDistance, type PersonIdentification, type PersonVerification,
  type RecognizeOptions, type ThresholdReport,
  calibrateThreshold, distanceToPerson, evaluateThreshold, faceEmbeddingModelId, identifyIn, identifyPeople, resolveThreshold,
  rocAuc, rocCurve, verifyPerson,
} from "./recognize.js";
export {
  type EmbedFn, type FacePairs, type LabelledFace, type PhotoVariant,
  PHOTO_VARIANTS, defaultFacePairsPath, embedLabelledFaces, facePairsPhotoPath, loadFacePairs, pairDistances, renderVariant,
} from "./recognize-pairs.js";
