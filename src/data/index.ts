export { loadDigits, loadFaceSubset, dataDir, type LabelledData } from "./embedded.js";
