// The face pipeline on one photo: detect boxes, find 68 landmarks in each box, cut the dlib-aligned square
// around eyes and mouth, and compute its 128-D descriptor; each step batched over the faces of the photo.
import { noGrad } from "../../autograd/tape.js";
import { reshape } from "../../ops/reshape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type Point, type Rect, alignedFaceRect, clipRect } from "./geometry.js";
import { LANDMARK_INPUT_SIZE, landmarksFromOutput } from "./landmark-net.js";
import { loadFaceNet } from "./models.js";
import { asRgbImage, crop, toSquareBatch, toSquareInput } from "./preprocess.js";
import { RECOGNITION_INPUT_SIZE } from "./recognition-net.js";
import { SSD_INPUT_SIZE, decodeSsd } from "./ssd-mobilenetv1.js";
import { type FaceBox, decodeTinyYolo } from "./tiny-face-detector.js";
import type { FaceEmbedder } from "./embedders.js";

export type { FaceBox } from "./tiny-face-detector.js";

export interface DetectFacesOptions {
  /** "ssdMobilenetv1" (default, as face-api; finds smaller faces) or "tinyFaceDetector" (about 4x less work). */
  detector?: "ssdMobilenetv1" | "tinyFaceDetector";
  /** Keep faces scoring above this, 0..1 (default 0.5). */
  minScore?: number;
  /** Tiny detector only: the square side the photo is resized to, a multiple of 32 (default 416). */
  inputSize?: number;
  /** SSD only: at most this many faces (default 100). */
  maxResults?: number;
  /** Folder holding face-api's weight files (default: the installed @vladmandic/face-api package). */
  modelDir?: string;
}

/** embedFaces' options: the detection's, and the embedding model (default: face-api's FaceRecognitionNet). */
export interface EmbedFacesOptions extends DetectFacesOptions {
  /** The descriptor network (see loadFaceEmbedder): face-api's, a fine-tuned one, or the course's FaceNet. */
  embedder?: FaceEmbedder;
}

/** A face found in a photo: box and score from the detector, 68 landmarks (image pixels) from the landmark net. */
export interface DetectedFace {
  box: Rect;
  score: number;
  landmarks: Point[];
}

/** A detected face with the aligned square it was embedded from and its descriptor (128-D). */
export interface EmbeddedFace extends DetectedFace {
  alignedBox: Rect;
  descriptor: Float32Array;
}

function checkOptions(op: string, o: DetectFacesOptions): void {
  if (o.detector !== undefined && o.detector !== "ssdMobilenetv1" && o.detector !== "tinyFaceDetector")
    throw new RangeError(`${op}: detector must be "ssdMobilenetv1" or "tinyFaceDetector", got ${JSON.stringify(o.detector)}`);
  if (o.minScore !== undefined && !(o.minScore > 0 && o.minScore < 1)) throw new RangeError(`${op}: minScore must be in (0, 1), got ${o.minScore}`);
  if (o.inputSize !== undefined && !(Number.isInteger(o.inputSize) && o.inputSize >= 32 && o.inputSize % 32 === 0))
    throw new RangeError(`${op}: inputSize must be a positive multiple of 32, got ${o.inputSize}`);
  if (o.maxResults !== undefined && !(Number.isInteger(o.maxResults) && o.maxResults >= 1))
    throw new RangeError(`${op}: maxResults must be a positive integer, got ${o.maxResults}`);
}

/**
 * Face boxes (image pixels) and scores in an RGB image [h, w, 3] (0..255), best first.
 *
 * @example
 * const boxes = detectFaceBoxes(await readImage("group.jpg"));
 */
export function detectFaceBoxes(image: Tensor, opts: DetectFacesOptions = {}): FaceBox[] {
  const op = "detectFaceBoxes";
  checkOptions(op, opts);
  const img = asRgbImage(op, image);
  const [h, w] = img.shape;
  return noGrad(() => {
    if (opts.detector === "tinyFaceDetector") {
      const size = opts.inputSize ?? 416;
      const out = loadFaceNet("tinyFaceDetector", opts.modelDir).forward(toSquareInput(img, size, false));
      const grid = out.shape[1];
      return decodeTinyYolo(reshape(out, [grid, grid, 25]), w, h, size, opts.minScore ?? 0.5);
    }
    const net = loadFaceNet("ssdMobilenetv1", opts.modelDir);
    const { boxes, classes } = net.forward(toSquareInput(img, SSD_INPUT_SIZE, false));
    return decodeSsd(
      boxes.values as Float32Array, classes.values as Float32Array, net.anchors.values as Float32Array, w, h,
      opts.minScore ?? 0.5, opts.maxResults ?? 100,
    );
  });
}

/**
 * 68 landmarks (image pixels) for each box: the box is clipped to the image and floored, the crop padded to
 * a centred square and resized to 112x112, as face-api does.
 */
export function faceLandmarks(image: Tensor, boxes: readonly Rect[], modelDir?: string): Point[][] {
  const op = "faceLandmarks";
  const img = asRgbImage(op, image);
  const [h, w] = img.shape;
  if (boxes.length === 0) return [];
  const rects = boxes.map((b) => clipRect(b, w, h));
  rects.forEach((r, i) => {
    if (!(r.width > 0 && r.height > 0)) throw new RangeError(`${op}: box ${i} ${JSON.stringify(boxes[i])} lies outside the ${w}x${h} image`);
  });
  return noGrad(() => {
    const crops = rects.map((r) => crop(img, r));
    const out = loadFaceNet("faceLandmark68Net", modelDir).forward(toSquareBatch(crops, LANDMARK_INPUT_SIZE, true));
    const v = out.values;
    return rects.map((r, i) => {
      const pts = landmarksFromOutput(v.subarray(i * 136, (i + 1) * 136), r.width, r.height);
      // face-api places the points relative to the box's own corner, not the floored corner its crop starts
      // at; doing the same keeps its landmarks and aligned crops. At the top/left edge (where face-api's
      // shift would be off by the overhang) the clipped corner is used.
      const sx = Math.max(boxes[i].x, 0);
      const sy = Math.max(boxes[i].y, 0);
      return pts.map((p) => ({ x: p.x + sx, y: p.y + sy }));
    });
  });
}

/**
 * 128-D descriptors of face crops [h, w, 3] (0..255): each padded to a centred square and resized to 150x150
 * as face-api does, then run through FaceRecognitionNet in one batch.
 */
export function faceDescriptors(crops: readonly Tensor[], modelDir?: string): Float32Array[] {
  const op = "faceDescriptors";
  if (crops.length === 0) return [];
  const imgs = crops.map((c) => asRgbImage(op, c));
  return noGrad(() => {
    const out = loadFaceNet("faceRecognitionNet", modelDir).forward(toSquareBatch(imgs, RECOGNITION_INPUT_SIZE, true));
    return imgs.map((_, i) => out.values.slice(i * 128, (i + 1) * 128) as Float32Array);
  });
}

/**
 * Every face in an RGB image [h, w, 3] (0..255): box, score and 68 landmarks, best score first.
 *
 * @example
 * for (const f of detectFaces(await readImage("group.jpg"))) console.log(f.box, f.score);
 */
export function detectFaces(image: Tensor, opts: DetectFacesOptions = {}): DetectedFace[] {
  const img = asRgbImage("detectFaces", image);
  const [h, w] = img.shape;
  const boxes = detectFaceBoxes(img, opts).filter((b) => clipRect(b, w, h).width > 0 && clipRect(b, w, h).height > 0);
  const marks = faceLandmarks(img, boxes, opts.modelDir);
  return boxes.map((b, i) => ({ box: { x: b.x, y: b.y, width: b.width, height: b.height }, score: b.score, landmarks: marks[i] }));
}

/**
 * Every face in an RGB image with its 128-D descriptor, computed from the square that dlib's alignment
 * places around the eyes and mouth (face-api's withFaceLandmarks().withFaceDescriptors()).
 *
 * @example
 * const faces = embedFaces(await readImage("group.jpg"));
 * euclideanDistance(faces[0].descriptor, faces[1].descriptor); // < 0.6: the same person
 */
export function embedFaces(image: Tensor, opts: EmbedFacesOptions = {}): EmbeddedFace[] {
  const img = asRgbImage("embedFaces", image);
  const [h, w] = img.shape;
  const faces = detectFaces(img, opts);
  const aligned = faces.map((f) => clipRect(alignedFaceRect(f.landmarks, w, h), w, h));
  const keep = faces.map((_, i) => aligned[i].width > 0 && aligned[i].height > 0);
  const crops = aligned.filter((_, i) => keep[i]).map((r) => crop(img, r));
  const descriptors = opts.embedder ? opts.embedder.embed(crops) : faceDescriptors(crops, opts.modelDir);
  let k = 0;
  return faces.flatMap((f, i) => (keep[i] ? [{ ...f, alignedBox: aligned[i], descriptor: descriptors[k++] }] : []));
}
