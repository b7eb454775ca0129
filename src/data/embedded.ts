import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Tensor } from "../tensor/tensor.js";

/** The package's data/ folder, found upward from this module (it runs from src/ under tsx or dist/src/ compiled). */
export function dataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, "data", "digits.csv.gz"))) return join(dir, "data");
    dir = dirname(dir);
  }
  throw new Error("deepts: the embedded data/ folder was not found beside the package");
}

function readGz(name: string): Buffer {
  const path = join(dataDir(), name);
  try {
    return gunzipSync(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read embedded data set ${path}: ${(e as Error).message}`);
  }
}

/** A labelled data set: `x` features or images, `y` int32 labels. */
export interface LabelledData {
  x: Tensor;
  y: Tensor;
}

/**
 * The 1797 8x8 handwritten digits (UCI, via scikit-learn): x float32 [1797, 64] with pixel values 0..16,
 * y int32 [1797] in 0..9.
 */
export function loadDigits(): LabelledData {
  const rows = readGz("digits.csv.gz").toString("utf8").trim().split("\n");
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const cells = line.split(",");
    if (cells.length !== 65) throw new Error(`digits.csv.gz: row ${i} has ${cells.length} columns, expected 65`);
    for (let j = 0; j < 64; j++) x[i * 64 + j] = Number(cells[j]);
    y[i] = Number(cells[64]);
  });
  return { x: new Tensor(x, [rows.length, 64]), y: new Tensor(y, [rows.length]) };
}

/**
 * 200 greyscale 25x25 crops from scikit-image's LFW subset: 100 faces (label 1) then 100 non-faces (label 0).
 * x float32 [200, 25, 25, 1] in [0, 1], y int32 [200].
 */
export function loadFaceSubset(): LabelledData {
  const raw = readGz("lfw-subset-25x25.u8.gz");
  const n = 200;
  if (raw.length !== n * 25 * 25) throw new Error(`lfw-subset-25x25.u8.gz: ${raw.length} bytes, expected ${n * 625}`);
  const x = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) x[i] = raw[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < 100; i++) y[i] = 1;
  return { x: new Tensor(x, [n, 25, 25, 1]), y: new Tensor(y, [n]) };
}
