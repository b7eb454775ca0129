// Writing a (fine-tuned) FaceRecognitionNet as face-api ships it: a weights manifest and one float32 shard,
// so that loadFaceNet("faceRecognitionNet", dir), faceEmbeddingModelId(dir) and face-api itself read it.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faceNetManifest, forgetFaceNet } from "./models.js";
import { forgetFaceEmbeddingModelId } from "./recognize.js";
import type { TrainableFaceRecognitionNet } from "./trainable-net.js";

const SHARD = "face_recognition_model-shard1";

function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Saves the net's weights into `dir` as face_recognition_model-weights_manifest.json and its shard
 * (float32, folded convolutions with identity scale layers); returns the manifest's path. The model id
 * (faceEmbeddingModelId(dir)) differs from the original's, so a face database never mixes the two.
 *
 * @example
 * saveFaceRecognitionWeights(result.net, "my-face-model");
 * loadFaceNet("faceRecognitionNet", "my-face-model"); // the fine-tuned network
 */
export function saveFaceRecognitionWeights(net: TrainableFaceRecognitionNet, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const weights = net.faceApiWeights();
  const specs: { name: string; shape: number[]; dtype: "float32" }[] = [];
  let bytes = 0;
  for (const [name, t] of weights) {
    specs.push({ name, shape: [...t.shape], dtype: "float32" });
    bytes += t.size * 4;
  }
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const t of weights.values()) {
    const f = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
    data.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), at);
    at += f.byteLength;
  }
  const manifest = faceNetManifest("faceRecognitionNet", dir);
  // The shard first: a manifest on disk always has its data.
  writeAtomic(join(dir, SHARD), data);
  writeAtomic(manifest, JSON.stringify([{ paths: [SHARD], weights: specs }]));
  // Weights rewritten in place (--overwrite): what this process cached for the folder is stale.
  forgetFaceNet(manifest);
  forgetFaceEmbeddingModelId(manifest);
  return manifest;
}
