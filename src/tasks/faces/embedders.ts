// The embedding model of the face pipeline, chosen by the user: face-api's FaceRecognitionNet (default), a
// FaceRecognitionNet fine-tuned by `deepts faces-train` (a folder in face-api's format), or the course's
// FaceNet with the user's weights (a Keras file or the course's CSV folder). Each has its own model id, so a
// face database never compares descriptors of two models, and may carry a calibrated threshold beside its
// weights (face-model.json).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noGrad } from "../../autograd/tape.js";
import { faceRecoModel, facenetPreprocess } from "../../applications/facenet.js";
import { div } from "../../ops/arithmetic.js";
import { resizeBilinear } from "../../ops/image.js";
import { concat } from "../../ops/movement.js";
import { reshape } from "../../ops/reshape.js";
import type { Model } from "../../models/model.js";
import type { Tensor } from "../../tensor/tensor.js";
import { FACENET_COURSE_THRESHOLD, FACENET_INPUT_SIZE, faceNetModelId, isFaceNetCsvFolder, loadCourseFaceNet } from "./facenet-weights.js";
import { faceNetManifest, loadFaceNet } from "./models.js";
import { faceDescriptors } from "./pipeline.js";
import { asRgbImage, padToSquare } from "./preprocess.js";
import { faceEmbeddingModelId } from "./recognize.js";
import { DEFAULT_FACE_DISTANCE_THRESHOLD } from "./verify.js";

/** A face descriptor network as the pipeline uses it. */
export interface FaceEmbedder {
  /** The model id recorded with every descriptor (faceEmbeddingModelId for face-api's format). */
  readonly id: string;
  /** "face-api" (the shipped weights), "face-api-finetuned" (a faces-train folder) or "course-facenet". */
  readonly kind: "face-api" | "face-api-finetuned" | "course-facenet";
  /** Where the weights came from (a path, or the npm package). */
  readonly source: string;
  /** Side of the square the aligned face crop is resized to (150 face-api, 96 FaceNet). */
  readonly inputSize: number;
  /** The threshold calibrated for these weights and stored beside them (face-model.json), if any. */
  readonly threshold?: number;
  /** The threshold to use when nothing was calibrated: 0.6 (dlib, face-api), 0.7 (the course's FaceNet). */
  readonly defaultThreshold: number;
  /** Descriptors of aligned face crops [h, w, 3] (RGB 0..255). */
  embed(crops: readonly Tensor[]): Float32Array[];
}

/** The file beside a model's weights that holds its calibrated threshold. */
export const FACE_MODEL_INFO = "face-model.json";

/** Where the threshold file of a model at `path` (a folder, or a Keras file) is. */
export function faceModelInfoPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, FACE_MODEL_INFO) : `${path}.${FACE_MODEL_INFO}`;
}

interface FaceModelInfo {
  model: string;
  threshold: number;
  note?: string;
}

/**
 * Stores a verification threshold calibrated for the model at `path` beside its weights (a folder's
 * face-model.json, or FILE.face-model.json), with the model id it belongs to; returns the file written.
 */
export function saveFaceModelThreshold(path: string, model: string, threshold: number, note?: string): string {
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new RangeError(`saveFaceModelThreshold: threshold must be a positive number, got ${threshold}`);
  const file = faceModelInfoPath(path);
  const tmp = `${file}.tmp-${process.pid}`;
  const info: FaceModelInfo = { model, threshold, ...(note ? { note } : {}) };
  writeFileSync(tmp, JSON.stringify(info, null, 1) + "\n");
  renameSync(tmp, file);
  return file;
}

/** The calibrated threshold stored beside the weights at `path` for model `id`, or undefined when there is none. */
export function readFaceModelThreshold(path: string, id: string): number | undefined {
  const file = faceModelInfoPath(path);
  if (!existsSync(file)) return undefined;
  let info: Partial<FaceModelInfo>;
  try {
    info = JSON.parse(readFileSync(file, "utf8")) as Partial<FaceModelInfo>;
  } catch (e) {
    throw new Error(`${file}: cannot read it as JSON (${(e as Error).message}); delete it or calibrate again`);
  }
  if (typeof info.threshold !== "number" || !(info.threshold > 0)) throw new Error(`${file}: "threshold" must be a positive number; delete it or calibrate again`);
  if (info.model !== id)
    throw new Error(`${file} holds a threshold calibrated for the model ${JSON.stringify(info.model)}, but the weights beside it are ${id}; delete it or calibrate again`);
  return info.threshold;
}

/** face-api's FaceRecognitionNet, from the installed package or a folder in its format (deepts faces-train -o). */
export function faceApiEmbedder(modelDir?: string): FaceEmbedder {
  const id = faceEmbeddingModelId(modelDir);
  loadFaceNet("faceRecognitionNet", modelDir); // fail here, not at the first face
  return {
    id,
    kind: modelDir === undefined ? "face-api" : "face-api-finetuned",
    source: modelDir ?? "@vladmandic/face-api",
    inputSize: 150,
    threshold: modelDir === undefined ? undefined : readFaceModelThreshold(modelDir, id),
    defaultThreshold: DEFAULT_FACE_DISTANCE_THRESHOLD,
    embed: (crops) => faceDescriptors(crops, modelDir),
  };
}

/**
 * The course's img_to_encoding on aligned face crops: each padded to a centred square, resized to 96x96
 * (bilinear with pixel centres, as cv2.resize), scaled to [0, 1] and laid out channels first, [n, 3, 96, 96].
 * RGB order: the course reverses OpenCV's BGR (img[..., ::-1]) to get RGB, which readImage gives already.
 */
export function faceNetInputBatch(crops: readonly Tensor[]): Tensor {
  return facenetPreprocess(squareBatch96(crops));
}

/** The crops padded to centred squares and resized to 96x96, [n, 96, 96, 3] (0..255). */
function squareBatch96(crops: readonly Tensor[]): Tensor {
  const s = FACENET_INPUT_SIZE;
  const xs = crops.map((c) => {
    const sq = padToSquare(asRgbImage("faceNetInputBatch", c), true);
    return reshape(resizeBilinear(sq, [s, s], { halfPixelCenters: true }), [1, s, s, 3]);
  });
  return xs.length === 1 ? xs[0] : concat(xs, 0);
}

/** faceRecoModel channels last with `model`'s weights: the same encodings, without layout transposes in every layer. */
function channelsLastTwin(model: Model): Model {
  const twin = faceRecoModel({ dataFormat: "channelsLast" });
  for (const layer of model.layers) if (layer.weights.length > 0) twin.getLayer(layer.name).setWeights(layer.getWeights());
  return twin;
}

/**
 * An embedder over the course's FaceNet model (faceRecoModel, channels first, with loaded weights); it runs a
 * channels-last copy of it (the same encodings, about 1.5x faster here).
 */
export function courseFaceNetEmbedder(model: Model, source: string, threshold?: number): FaceEmbedder {
  const id = faceNetModelId(model);
  const twin = channelsLastTwin(model);
  return {
    id,
    kind: "course-facenet",
    source,
    inputSize: FACENET_INPUT_SIZE,
    threshold: threshold ?? readFaceModelThreshold(source, id),
    defaultThreshold: FACENET_COURSE_THRESHOLD,
    embed: (crops) => {
      if (crops.length === 0) return [];
      return noGrad(() => {
        const out: Float32Array[] = [];
        for (let i = 0; i < crops.length; i += 16) {
          const y = twin.predict(div(squareBatch96(crops.slice(i, i + 16)), 255)) as Tensor;
          const v = y.values as Float32Array;
          for (let k = 0; k < y.shape[0]; k++) out.push(v.slice(k * 128, (k + 1) * 128));
        }
        return out;
      });
    },
  };
}

/**
 * The embedding model at `path`: undefined for face-api's shipped FaceRecognitionNet; a folder with
 * face_recognition_model-weights_manifest.json (deepts faces-train -o); a folder of the course's FaceNet CSV
 * weights (conv1_w.csv ...); or a Keras file of the course's FaceNet (.h5, .hdf5, .keras, .weights.h5).
 * Errors name the file and what was expected.
 *
 * @example
 * const embedder = await loadFaceEmbedder("facenet.h5");
 * embedFaces(image, { embedder });
 */
export async function loadFaceEmbedder(path?: string): Promise<FaceEmbedder> {
  if (path === undefined) return faceApiEmbedder();
  if (!existsSync(path)) throw new Error(`face model ${JSON.stringify(path)}: no such file or folder`);
  const expected =
    "expected a folder written by deepts faces-train -o (face_recognition_model-weights_manifest.json), the course's FaceNet " +
    "CSV weights folder (conv1_w.csv ...), or a Keras file of the course's FaceNet (.h5, .keras, .weights.h5)";
  if (statSync(path).isDirectory()) {
    if (existsSync(faceNetManifest("faceRecognitionNet", path))) {
      try {
        return faceApiEmbedder(path);
      } catch (e) {
        throw new Error(`face model ${JSON.stringify(path)}: ${(e as Error).message.replace(/^[A-Za-z.]+: /, "")}`);
      }
    }
    if (!isFaceNetCsvFolder(path)) throw new Error(`face model ${JSON.stringify(path)}: ${expected}`);
  } else if (!/\.(h5|hdf5|keras)$/i.test(path)) throw new Error(`face model ${JSON.stringify(path)}: ${expected}`);
  let model: Model;
  try {
    model = await loadCourseFaceNet(path);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(`face model ${JSON.stringify(path)}: cannot load the course's FaceNet: ${msg}`);
  }
  return courseFaceNetEmbedder(model, path);
}
