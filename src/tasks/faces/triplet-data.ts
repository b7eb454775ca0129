// A folder of identity subfolders as face-net inputs: each image read, its face found and aligned as the
// recognition pipeline does (or taken as an already-aligned crop), padded to a square and resized to 150x150.
import { readImage } from "../../io/images.js";
import { indexDirectory } from "../../data/index-directory.js";
import type { Tensor } from "../../tensor/tensor.js";
import { alignedFaceRect, clipRect } from "./geometry.js";
import { type DetectFacesOptions, detectFaces } from "./pipeline.js";
import { asRgbImage, crop, toSquareInput } from "./preprocess.js";
import { RECOGNITION_INPUT_SIZE } from "./recognition-net.js";

/** The image files read as identity images (what readImage decodes). */
export const IDENTITY_IMAGE_FORMATS = [".jpeg", ".jpg", ".png", ".webp"] as const;

/** How an identity image becomes the net's input. */
export type FaceAlign = "detect" | "none";

/** The image files of a folder of identity subfolders. */
export interface IdentityFolder {
  /** Identity names (the subfolder names, sorted). */
  identities: string[];
  files: string[];
  /** Index into `identities` of each file. */
  labels: number[];
}

/**
 * Lists a folder with one subfolder per identity (images anywhere below it), as Keras' index_directory does
 * for classes: subfolders sorted, files sorted, hidden entries skipped.
 *
 * @example
 * listIdentityFolder("people"); // { identities: ["ada", "alan"], files: ["people/ada/1.jpg", ...], labels: [0, ...] }
 */
export function listIdentityFolder(dir: string): IdentityFolder {
  const op = "fineTuneEmbedding";
  const index = indexDirectory(op, dir, "inferred", IDENTITY_IMAGE_FORMATS, { shuffle: false, seed: 0, followLinks: false });
  const identities = index.classNames ?? [];
  if (index.filePaths.length === 0)
    throw new Error(`${op}: no images (${IDENTITY_IMAGE_FORMATS.join(", ")}) in the subfolders of ${JSON.stringify(dir)}; give a folder with one subfolder of face photos per person`);
  return { identities, files: index.filePaths, labels: Array.from(index.labels!) };
}

/** What happened to one image. */
export type FaceInputResult = { input: Tensor; faces: number } | { input: null; reason: string };

/**
 * The net's input [1, 150, 150, 3] for one identity image: with "detect", the largest face found, cut out
 * with the dlib-aligned square of the pipeline (embedFaces); with "none", the whole image (an aligned crop).
 */
export async function faceInputOf(path: string, align: FaceAlign, detect: DetectFacesOptions = {}): Promise<FaceInputResult> {
  let image: Tensor;
  try {
    image = asRgbImage("fineTuneEmbedding", await readImage(path, { channels: 3 }));
  } catch (e) {
    return { input: null, reason: (e as Error).message };
  }
  if (align === "none") return { input: toSquareInput(image, RECOGNITION_INPUT_SIZE, true), faces: 1 };
  const [h, w] = image.shape;
  const faces = detectFaces(image, detect);
  if (faces.length === 0) return { input: null, reason: "no face found" };
  const f = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
  const r = clipRect(alignedFaceRect(f.landmarks, w, h), w, h);
  if (!(r.width > 0 && r.height > 0)) return { input: null, reason: "the aligned face lies outside the image" };
  return { input: toSquareInput(crop(image, r), RECOGNITION_INPUT_SIZE, true), faces: faces.length };
}
