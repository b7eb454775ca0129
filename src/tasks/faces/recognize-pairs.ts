// Labelled face pairs (data/faces-pairs.json): faces in photos with hand-given identities, the pairs of them
// that are and are not the same person, and their descriptor distances through the face pipeline.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Tensor } from "../../tensor/tensor.js";
import { decodeImage, encodeImage, readImage } from "../../io/images.js";
import { type Rect, iou } from "./geometry.js";
import { type EmbedFacesOptions, embedFaces } from "./pipeline.js";
import type { LabelledDistance } from "./recognize.js";
import { euclideanDistance } from "./verify.js";

export interface LabelledFace {
  id: string;
  photo: string;
  /** [x, y, width, height] in pixels. */
  box: [number, number, number, number];
  identity: string;
  note?: string;
}

export interface FacePairs {
  /** Photo name -> where it is (relative to the repository root, or under node_modules) and its SHA-256. */
  photos: Record<string, { path: string; sha256?: string }>;
  faces: LabelledFace[];
  /** [faceA, faceB, same]. */
  pairs: [string, string, boolean][];
  unsure: [string, string][];
}

/** deepts' own labelled pairs: data/faces-pairs.json beside the sources. */
export function defaultFacePairsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/tasks/faces -> repository root (sources) or dist/src/tasks/faces -> package root (built).
  for (const up of [["..", "..", ".."], ["..", "..", "..", ".."]]) {
    const p = join(here, ...up, "data", "faces-pairs.json");
    try {
      readFileSync(p, { flag: "r" });
      return p;
    } catch {
      // try the next
    }
  }
  return join(here, "..", "..", "..", "data", "faces-pairs.json");
}

function fail(path: string, msg: string): never {
  throw new Error(`loadFacePairs: ${path}: ${msg}`);
}

/** Reads and checks a labelled pairs file (every pair names known faces; "same" agrees with the identities). */
export function loadFacePairs(path: string = defaultFacePairsPath()): FacePairs {
  let doc: Partial<FacePairs>;
  try {
    doc = JSON.parse(readFileSync(path, "utf8")) as Partial<FacePairs>;
  } catch (e) {
    fail(path, `cannot read it as JSON: ${(e as Error).message}`);
  }
  if (typeof doc.photos !== "object" || doc.photos === null) fail(path, `"photos" must be an object (name -> {path})`);
  if (!Array.isArray(doc.faces) || !Array.isArray(doc.pairs)) fail(path, `"faces" and "pairs" must be arrays`);
  const byId = new Map<string, LabelledFace>();
  for (const [i, f] of doc.faces.entries()) {
    if (typeof f?.id !== "string" || typeof f.identity !== "string" || !(f.photo in doc.photos!))
      fail(path, `faces[${i}] needs a string id and identity and a photo listed in "photos"`);
    if (!Array.isArray(f.box) || f.box.length !== 4 || !f.box.every((v) => Number.isFinite(v))) fail(path, `faces[${i}] (${f.id}): box must be [x, y, width, height]`);
    if (byId.has(f.id)) fail(path, `face id ${f.id} appears twice`);
    byId.set(f.id, f);
  }
  for (const [i, p] of doc.pairs.entries()) {
    const [a, b, same] = p;
    if (!byId.has(a) || !byId.has(b) || typeof same !== "boolean") fail(path, `pairs[${i}] must be [faceA, faceB, same] of known faces`);
    if ((byId.get(a)!.identity === byId.get(b)!.identity) !== same) fail(path, `pairs[${i}] (${a}, ${b}) says same=${same} but the identities say otherwise`);
  }
  return { photos: doc.photos, faces: doc.faces, pairs: doc.pairs, unsure: doc.unsure ?? [] };
}

/** Where a photo of a pairs file is: an absolute path, a path from the repository root, or a package file. */
export function facePairsPhotoPath(pairsPath: string, photoPath: string): string {
  if (isAbsolute(photoPath)) return photoPath;
  const prefix = "node_modules/";
  if (photoPath.startsWith(prefix)) {
    const rest = photoPath.slice(prefix.length);
    const parts = rest.split("/");
    const pkg = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    try {
      const root = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
      return join(root, rest.slice(pkg.length + 1));
    } catch {
      // fall back to the folder of the pairs file's parent
    }
  }
  return resolve(dirname(pairsPath), "..", photoPath);
}

/** A way to turn a photo into descriptors with boxes (default: embedFaces). */
export type EmbedFn = (image: Tensor) => { box: Rect; descriptor: Float32Array }[];

/**
 * Other renderings of a photo, for "same face" pairs whose label is certain: the photo mirrored, at half
 * size (2x2 area average), recompressed as JPEG at quality 30, or darkened (x0.5, gamma 1.5).
 */
export type PhotoVariant = "original" | "mirror" | "half" | "jpeg30" | "dark";

export const PHOTO_VARIANTS: readonly PhotoVariant[] = ["original", "mirror", "half", "jpeg30", "dark"];

/** A photo rendered as `variant`, and where a box of the original lands in it. */
export async function renderVariant(img: Tensor, variant: PhotoVariant): Promise<{ image: Tensor; mapBox: (r: Rect) => Rect }> {
  const [h, w, c] = img.shape;
  const v = img.values;
  const same = (r: Rect): Rect => r;
  switch (variant) {
    case "original":
      return { image: img, mapBox: same };
    case "mirror": {
      const out = new Float32Array(v.length);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = v[(y * w + (w - 1 - x)) * c + k];
      return { image: new Tensor(out, [h, w, c]), mapBox: (r) => ({ ...r, x: w - r.x - r.width }) };
    }
    case "half": {
      const h2 = Math.floor(h / 2);
      const w2 = Math.floor(w / 2);
      const out = new Float32Array(h2 * w2 * c);
      for (let y = 0; y < h2; y++)
        for (let x = 0; x < w2; x++)
          for (let k = 0; k < c; k++) {
            const at = (yy: number, xx: number): number => v[(yy * w + xx) * c + k];
            out[(y * w2 + x) * c + k] = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
          }
      return { image: new Tensor(out, [h2, w2, c]), mapBox: (r) => ({ x: r.x / 2, y: r.y / 2, width: r.width / 2, height: r.height / 2 }) };
    }
    case "jpeg30":
      return { image: await decodeImage(await encodeImage(img, { format: "jpeg", quality: 30 })), mapBox: same };
    case "dark": {
      const out = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = 255 * 0.5 * Math.pow(v[i] / 255, 1.5);
      return { image: new Tensor(out, [h, w, c]), mapBox: same };
    }
    default:
      throw new RangeError(`renderVariant: variant must be one of ${PHOTO_VARIANTS.join(", ")}, got ${JSON.stringify(variant)}`);
  }
}

/**
 * The descriptor of every labelled face: each photo (rendered as `variant`, default the original) through
 * the pipeline, each labelled box matched to the detection it overlaps most (IoU at least 0.5). Faces
 * that no detection matches are listed in `missing`.
 */
export async function embedLabelledFaces(
  pairs: FacePairs, opts: { pairsPath?: string; embed?: EmbedFn; detect?: EmbedFacesOptions; variant?: PhotoVariant } = {},
): Promise<{ descriptors: Map<string, Float32Array>; missing: string[] }> {
  const embed: EmbedFn = opts.embed ?? ((img) => embedFaces(img, opts.detect));
  const pairsPath = opts.pairsPath ?? defaultFacePairsPath();
  const descriptors = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const [photo, info] of Object.entries(pairs.photos)) {
    const faces = pairs.faces.filter((x) => x.photo === photo);
    if (faces.length === 0) continue;
    const { image, mapBox } = await renderVariant(await readImage(facePairsPhotoPath(pairsPath, info.path)), opts.variant ?? "original");
    const found = embed(image);
    for (const f of faces) {
      const [x, y, width, height] = f.box;
      const want = mapBox({ x, y, width, height });
      let best = -1;
      let bestIou = 0.5;
      found.forEach((g, i) => {
        const o = iou(want, g.box);
        if (o >= bestIou) [best, bestIou] = [i, o];
      });
      if (best < 0) missing.push(f.id);
      else descriptors.set(f.id, found[best].descriptor);
    }
  }
  return { descriptors, missing };
}

/** The labelled pairs whose two faces both have descriptors, with their distances. */
export function pairDistances(pairs: FacePairs, descriptors: ReadonlyMap<string, ArrayLike<number>>): (LabelledDistance & { a: string; b: string })[] {
  return pairs.pairs
    .filter(([a, b]) => descriptors.has(a) && descriptors.has(b))
    .map(([a, b, same]) => ({ a, b, same, distance: euclideanDistance(descriptors.get(a)!, descriptors.get(b)!) }));
}

/**
 * Pairs for calibration from the labelled pairs and their faces in other renderings of the photos: each
 * labelled pair as it is ("photos"), and for each variant every face against itself in the variant (same
 * person, certain) and each labelled pair with its second face taken from the variant.
 */
export function variantPairDistances(
  pairs: FacePairs, byVariant: ReadonlyMap<PhotoVariant, ReadonlyMap<string, ArrayLike<number>>>,
): (LabelledDistance & { a: string; b: string; kind: string })[] {
  const orig = byVariant.get("original");
  if (!orig) throw new RangeError("variantPairDistances: the descriptors of the original photos are needed");
  const out: (LabelledDistance & { a: string; b: string; kind: string })[] = pairDistances(pairs, orig).map((p) => ({ ...p, kind: "photos" }));
  for (const [variant, desc] of byVariant) {
    if (variant === "original") continue;
    for (const f of pairs.faces)
      if (orig.has(f.id) && desc.has(f.id)) out.push({ a: f.id, b: f.id, same: true, distance: euclideanDistance(orig.get(f.id)!, desc.get(f.id)!), kind: variant });
    for (const [a, b, same] of pairs.pairs)
      if (orig.has(a) && desc.has(b)) out.push({ a, b, same, distance: euclideanDistance(orig.get(a)!, desc.get(b)!), kind: variant });
  }
  return out;
}
