// Shared by the finetune tests: a tiny conv backbone with batch norms (Keras-style names) and a folder of
// synthetic images whose classes differ in colour and texture.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchNormalization, Conv2D, GlorotUniform, Input, Model, ReLU, Tensor, div, encodeImage, noGrad, sub, type SymbolicTensor,
} from "../../../src/index.js";

/**
 * Input [size, size, 3] -> conv/bn/relu x3 (names block_i_conv, block_i_bn, block_i_relu) -> [size/8, size/8, 16].
 * Seeded initializers; batch norms with momentum 0, so that one pass in training mode (calibrate) sets their
 * moving statistics to those of the data, as a pretrained network's are.
 */
export function tinyBackbone(size = 32, seed = 1): Model {
  const input = Input({ shape: [size, size, 3] });
  let x: SymbolicTensor = input;
  [8, 12, 16].forEach((filters, i) => {
    const kernelInitializer = new GlorotUniform({ seed: seed * 10 + i });
    x = new Conv2D({ filters, kernelSize: 3, strides: 2, padding: "same", useBias: false, kernelInitializer, name: `block_${i}_conv` }).apply(x) as SymbolicTensor;
    x = new BatchNormalization({ momentum: 0, name: `block_${i}_bn` }).apply(x) as SymbolicTensor;
    x = new ReLU({ name: `block_${i}_relu` }).apply(x) as SymbolicTensor;
  });
  return new Model({ inputs: input, outputs: x, name: "tiny_backbone" });
}

/** Sets the backbone's batch-norm statistics from images in 0..255 (one training-mode pass, as [-1, 1] pixels). */
export function calibrate(backbone: Model, images: Tensor): void {
  noGrad(() => backbone.apply(sub(div(images, 127.5), 1), { training: true }));
}

/** Deterministic noise in [0, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * A folder with one subfolder per class name and `perClass` PNGs of `size` x `size` in each: class k is a
 * noisy image tinted towards a colour of its own (red, green, blue, ...). Returns the folder.
 */
export async function syntheticImageFolder(classNames: readonly string[], perClass: number, size = 40): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "deepts-finetune-"));
  const tints = [[200, 60, 50], [50, 180, 70], [60, 70, 210], [200, 190, 40]];
  const rand = noise(12345);
  for (const [k, name] of classNames.entries()) {
    mkdirSync(join(root, name));
    for (let i = 0; i < perClass; i++) {
      const px = new Float32Array(size * size * 3);
      for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) px[p * 3 + c] = Math.min(255, Math.max(0, tints[k % 4][c] + (rand() - 0.5) * 160));
      writeFileSync(join(root, name, `${name}-${String(i).padStart(2, "0")}.png`), await encodeImage(new Tensor(px, [size, size, 3])));
    }
  }
  return root;
}

/** A copy of every weight's values, by path. */
export function snapshot(model: Model): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.path, Float32Array.from(w.value.values as Float32Array)]));
}

/** True when the weight at `path` changed between two snapshots. */
export function changed(a: Map<string, Float32Array>, b: Map<string, Float32Array>, path: string): boolean {
  const x = a.get(path);
  const y = b.get(path);
  if (!x || !y) throw new Error(`no weight ${path}; weights: ${[...a.keys()].join(", ")}`);
  return x.some((v, i) => v !== y[i]);
}
