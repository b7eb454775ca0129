// An identity folder built from what ships: the hand-labelled faces of face-api's six demo photos
// (data/faces-pairs.json), each identity's images being augmented views (flip, small rotation, scale,
// shift, colour) of its aligned face. Few identities (20, two of them in two photos): a demonstration of
// the training loop on real faces, not a benchmark.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readImage, writeImage } from "../../io/images.js";
import { Tensor } from "../../tensor/tensor.js";
import { type Rect, alignedFaceRect, iou } from "./geometry.js";
import { type DetectFacesOptions, detectFaces } from "./pipeline.js";
import { asRgbImage } from "./preprocess.js";
import { RECOGNITION_INPUT_SIZE } from "./recognition-net.js";
import { defaultFacePairsPath, facePairsPhotoPath, loadFacePairs } from "./recognize-pairs.js";
import { seededRandom } from "./triplet-batches.js";

/** One augmented view: a similarity transform of the aligned square and a colour change. */
export interface FaceView {
  flip: boolean;
  /** Degrees, counter-clockwise. */
  angle: number;
  /** > 1 zooms out (more of the surroundings). */
  scale: number;
  /** Shift of the centre, as a share of the square's side. */
  dx: number;
  dy: number;
  brightness: number;
  contrast: number;
  saturation: number;
  /** Per-channel gains (a colour cast). */
  gains: [number, number, number];
}

/** The view that changes nothing: the aligned crop itself. */
export const UNCHANGED_FACE_VIEW: FaceView = { flip: false, angle: 0, scale: 1, dx: 0, dy: 0, brightness: 1, contrast: 1, saturation: 1, gains: [1, 1, 1] };

/** A random view: flip half the time, rotation up to ±12°, scale 0.9..1.1, shift up to ±5%, colour ±25%. */
export function randomFaceView(rand: () => number): FaceView {
  const u = (lo: number, hi: number): number => lo + (hi - lo) * rand();
  return {
    flip: rand() < 0.5, angle: u(-12, 12), scale: u(0.9, 1.1), dx: u(-0.05, 0.05), dy: u(-0.05, 0.05),
    brightness: u(0.75, 1.25), contrast: u(0.75, 1.25), saturation: u(0.7, 1.3), gains: [u(0.92, 1.08), u(0.92, 1.08), u(0.92, 1.08)],
  };
}

/**
 * Renders `view` of the square `rect` of an RGB image [h, w, 3] (0..255) into a size x size image: bilinear
 * sampling with the edges clamped, then brightness, contrast (about the mean), saturation and colour cast.
 */
export function renderFaceView(image: Tensor, rect: Rect, view: FaceView, size: number = RECOGNITION_INPUT_SIZE): Tensor {
  const img = asRgbImage("renderFaceView", image);
  const [h, w] = img.shape;
  const src = img.values;
  const out = new Float32Array(size * size * 3);
  const side = Math.max(rect.width, rect.height) * view.scale;
  const cx = rect.x + rect.width / 2 + view.dx * side;
  const cy = rect.y + rect.height / 2 + view.dy * side;
  const a = (view.angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const at = (y: number, x: number, c: number): number => src[(Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))) * 3 + c];
  for (let v = 0; v < size; v++)
    for (let u = 0; u < size; u++) {
      let xn = (u + 0.5) / size - 0.5;
      const yn = (v + 0.5) / size - 0.5;
      if (view.flip) xn = -xn;
      // Source position (pixel centres at integer + 0.5).
      const sx = cx + side * (cos * xn + sin * yn) - 0.5;
      const sy = cy + side * (-sin * xn + cos * yn) - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const top = at(y0, x0, c) * (1 - fx) + at(y0, x0 + 1, c) * fx;
        const bot = at(y0 + 1, x0, c) * (1 - fx) + at(y0 + 1, x0 + 1, c) * fx;
        out[(v * size + u) * 3 + c] = top * (1 - fy) + bot * fy;
      }
    }
  let mean = 0;
  for (let i = 0; i < out.length; i++) mean += out[i];
  mean /= out.length;
  for (let i = 0; i < out.length; i += 3) {
    const grey = 0.299 * out[i] + 0.587 * out[i + 1] + 0.114 * out[i + 2];
    for (let c = 0; c < 3; c++) {
      let x = grey + (out[i + c] - grey) * view.saturation;
      x = mean + (x - mean) * view.contrast;
      x *= view.brightness * view.gains[c];
      out[i + c] = Math.min(255, Math.max(0, Math.round(x)));
    }
  }
  return new Tensor(out, [size, size, 3], "float32");
}

/**
 * The identities the demo holds out for evaluation: the two people seen in two photos (p03, p09: the only
 * same-person pairs that are not views of one photo) and four others.
 */
export const DEMO_EVAL_IDENTITIES: readonly string[] = ["p01", "p03", "p05", "p09", "p12", "p17"];

export interface DemoIdentitiesOptions {
  /** Images per identity (default 8): the aligned face(s) as they are, then random views. */
  views?: number;
  seed?: number;
  /** The labelled faces (default data/faces-pairs.json). */
  pairsPath?: string;
  detect?: DetectFacesOptions;
}

/** What writeDemoFaceIdentities wrote. */
export interface DemoIdentities {
  dir: string;
  identities: { name: string; photos: number; images: number }[];
  /** Labelled faces that the detector did not find again (left out). */
  missing: string[];
}

/**
 * Writes an identity folder (one subfolder per labelled identity, PNG images of 150x150 aligned faces) from
 * the faces of face-api's demo photos labelled in data/faces-pairs.json: each identity's first images are
 * its aligned face in each photo it appears in, the others random views of them (randomFaceView).
 *
 * @example
 * await writeDemoFaceIdentities("/tmp/demo-faces");
 * await fineTuneEmbedding("/tmp/demo-faces", { align: "none", evalIdentities: ["p03", "p09"] });
 */
export async function writeDemoFaceIdentities(dir: string, opts: DemoIdentitiesOptions = {}): Promise<DemoIdentities> {
  const views = opts.views ?? 8;
  if (!Number.isInteger(views) || views < 2) throw new RangeError(`writeDemoFaceIdentities: views must be an integer >= 2, got ${views}`);
  const pairsPath = opts.pairsPath ?? defaultFacePairsPath();
  const pairs = loadFacePairs(pairsPath);
  const rand = seededRandom(opts.seed ?? 0);
  const sources = new Map<string, { image: Tensor; rect: Rect; tag: string }[]>();
  const missing: string[] = [];
  for (const [photo, info] of Object.entries(pairs.photos)) {
    const labelled = pairs.faces.filter((f) => f.photo === photo);
    if (labelled.length === 0) continue;
    const image = await readImage(facePairsPhotoPath(pairsPath, info.path), { channels: 3 });
    const [h, w] = image.shape;
    const found = detectFaces(image, opts.detect);
    for (const f of labelled) {
      const want = { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] };
      let best = -1;
      let bestIou = 0.5;
      found.forEach((g, i) => {
        const o = iou(want, g.box);
        if (o >= bestIou) [best, bestIou] = [i, o];
      });
      if (best < 0) {
        missing.push(f.id);
        continue;
      }
      const rect = alignedFaceRect(found[best].landmarks, w, h);
      if (!sources.has(f.identity)) sources.set(f.identity, []);
      sources.get(f.identity)!.push({ image, rect, tag: `${photo.replace(/\.[^.]+$/, "")}-${f.id}` });
    }
  }
  const identities: DemoIdentities["identities"] = [];
  for (const name of [...sources.keys()].sort()) {
    const src = sources.get(name)!;
    mkdirSync(join(dir, name), { recursive: true });
    for (let v = 0; v < views; v++) {
      const s = src[v % src.length];
      const view = v < src.length ? UNCHANGED_FACE_VIEW : randomFaceView(rand);
      await writeImage(join(dir, name, `${s.tag}-v${String(v).padStart(2, "0")}.png`), renderFaceView(s.image, s.rect, view));
    }
    identities.push({ name, photos: src.length, images: views });
  }
  return { dir, identities, missing };
}
