// Loading the pretrained face networks that ship in the npm package @vladmandic/face-api (MIT):
// TF.js weights manifests + shards, read from disk and decoded by deepts, cached per directory.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Tensor } from "../../tensor/tensor.js";
import { FaceLandmark68Net } from "./landmark-net.js";
import { FaceRecognitionNet } from "./recognition-net.js";
import { SsdMobilenetv1 } from "./ssd-mobilenetv1.js";
import { TinyFaceDetector } from "./tiny-face-detector.js";
import { loadWeightsManifest } from "./weights.js";

/** The networks, by face-api's names, with the file stem of their weights. */
const FILES = {
  faceRecognitionNet: "face_recognition_model",
  faceLandmark68Net: "face_landmark_68_model",
  tinyFaceDetector: "tiny_face_detector_model",
  ssdMobilenetv1: "ssd_mobilenetv1_model",
} as const;

export type FaceNetName = keyof typeof FILES;

interface NetTypes {
  faceRecognitionNet: FaceRecognitionNet;
  faceLandmark68Net: FaceLandmark68Net;
  tinyFaceDetector: TinyFaceDetector;
  ssdMobilenetv1: SsdMobilenetv1;
}

const BUILD: { [K in FaceNetName]: (w: ReadonlyMap<string, Tensor>) => NetTypes[K] } = {
  faceRecognitionNet: (w) => new FaceRecognitionNet(w),
  faceLandmark68Net: (w) => new FaceLandmark68Net(w),
  tinyFaceDetector: (w) => new TinyFaceDetector(w),
  ssdMobilenetv1: (w) => new SsdMobilenetv1(w),
};

/** The model folder of the installed @vladmandic/face-api package. */
export function faceApiModelDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json");
  } catch {
    throw new Error(
      "faces: the pretrained weights come from the npm package @vladmandic/face-api, which is not installed; run npm ci (it is a dependency of deepts)",
    );
  }
  return join(dirname(pkg), "model");
}

/** The path of a network's weights manifest in `dir` (default: the face-api package's model folder). */
export function faceNetManifest(name: FaceNetName, dir: string = faceApiModelDir()): string {
  if (!(name in FILES)) throw new RangeError(`faces: unknown network ${JSON.stringify(name)}; expected one of ${Object.keys(FILES).join(", ")}`);
  return join(dir, `${FILES[name]}-weights_manifest.json`);
}

const cache = new Map<string, unknown>();

/** Drops the cached network of a manifest (after its weights were rewritten). */
export function forgetFaceNet(manifest: string): void {
  cache.delete(manifest);
}

/**
 * Loads (once per folder) one of face-api's pretrained networks as a deepts network.
 *
 * @example
 * const net = loadFaceNet("faceRecognitionNet");
 */
export function loadFaceNet<K extends FaceNetName>(name: K, dir?: string): NetTypes[K] {
  const manifest = faceNetManifest(name, dir);
  const hit = cache.get(manifest);
  if (hit) return hit as NetTypes[K];
  if (!existsSync(manifest)) throw new Error(`faces: weights manifest not found: ${manifest}`);
  const net = BUILD[name](loadWeightsManifest(manifest));
  cache.set(manifest, net);
  return net;
}
