// What the faces subcommands share: the database file, photos checked and decoded with clear messages, the
// face pipeline, the annotated image, and number formatting. Only deepts' library API is used.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import type { Rect } from "../../src/tasks/faces/geometry.js";
import type * as Faces from "../../src/tasks/faces/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { CliError, type OptionSpec, UsageError } from "../lib/command.js";

export type FacesLib = typeof Faces;

/** The default database file, in the current folder. */
export const DEFAULT_DB = "deepts-faces.db";

/** Options every faces subcommand takes. */
export const dbOption = {
  db: { type: "string", placeholder: "PATH", default: DEFAULT_DB, description: "the face database file (SQLite)" },
} as const satisfies Record<string, OptionSpec>;

/** Options of the subcommands that look for faces in photos. */
export const pipelineOptions = {
  detector: {
    type: "string", choices: ["ssd", "tiny"], default: "ssd",
    description: "face detector: SSD MobileNetV1 (finds small faces) or the Tiny Face Detector (about 4x less work)",
  },
  "min-score": { type: "number", default: 0.5, placeholder: "S", description: "keep detections scoring above S (0..1)" },
} as const satisfies Record<string, OptionSpec>;

/** Options of the subcommands that compute or compare descriptors: which embedding model. */
export const modelOptions = {
  model: {
    type: "string", placeholder: "PATH",
    description:
      "the embedding model (default: face-api's FaceRecognitionNet): a folder written by deepts faces-train -o, the course's " +
      "FaceNet as a Keras .h5/.keras/.weights.h5 file, or the course's FaceNet CSV weights folder (weights/conv1_w.csv ...)",
  },
  "model-dir": { type: "string", placeholder: "DIR", description: "the same as --model, for a folder (faces-train output or FaceNet CSV weights)" },
} as const satisfies Record<string, OptionSpec>;

export interface ModelChoice {
  model?: string;
  "model-dir"?: string;
}

/** The embedding model chosen by --model / --model-dir (face-api's by default), loaded and checked. */
export async function loadEmbedder(lib: FacesLib, o: ModelChoice): Promise<Faces.FaceEmbedder> {
  if (o.model !== undefined && o["model-dir"] !== undefined) throw new UsageError("give --model or --model-dir, not both");
  const dir = o["model-dir"];
  if (dir !== undefined && (!existsSync(dir) || !statSync(dir).isDirectory()))
    throw new CliError(`--model-dir ${JSON.stringify(dir)}: ${existsSync(dir) ? "is not a folder (use --model for a file)" : "no such folder"}`);
  try {
    return await lib.loadFaceEmbedder(o.model ?? dir);
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^face model /, o.model !== undefined ? "--model " : "--model-dir "));
  }
}

/**
 * A note on stderr when a fine-tuned model has no calibrated threshold anywhere: its distances have their own
 * scale, so the default (0.6) may accept everyone or no one.
 */
export function noteUncalibrated(
  lib: FacesLib, db: Faces.FaceDatabase, embedder: Faces.FaceEmbedder, threshold: number | undefined, stderr: { write(s: string): unknown },
): void {
  if (embedder.kind !== "face-api-finetuned") return;
  const t = lib.resolveThreshold(db, embedder.id, threshold, embedder);
  if (t.source === "default")
    stderr.write(
      `note: no threshold was calibrated for the model in ${embedder.source} (no ${lib.FACE_MODEL_INFO} beside it); using ${t.threshold}. ` +
        `Calibrate it: deepts faces calibrate PAIRS --model ${embedder.source} --save-model\n`,
    );
}

/** What the threshold's source means, for messages. */
export const THRESHOLD_SOURCE: Record<Faces.ThresholdSource, string> = {
  given: "given", database: "calibrated, stored in the database", model: "calibrated, stored beside the model's weights",
  deepts: "calibrated by deepts", default: "default",
};

export async function loadFaces(): Promise<FacesLib> {
  return import("../../src/tasks/faces/index.js");
}

/** Opens the database, turning its refusals into messages without a stack trace. */
export function openDb(lib: FacesLib, path: string, mode: "read" | "write"): Faces.FaceDatabase {
  try {
    return lib.FaceDatabase.open(path, { readonly: mode === "read" });
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^FaceDatabase\.open: /, ""));
  }
}

/** Runs `fn`, reporting a database refusal (unknown name, another model, ...) as a plain message. */
export function dbStep<T>(lib: FacesLib, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof lib.FaceDatabaseError) {
      const msg = e.message.replace(/^[A-Za-z.]+: /, "");
      const hint = /descriptors of different models cannot be compared/.test(msg)
        ? " --model chooses the embedding model (without it: face-api's FaceRecognitionNet)."
        : "";
      throw new CliError(msg + hint);
    }
    throw e;
  }
}

/** Checks that a photo exists and is a file (before any slow work). */
export function checkPhotoPath(what: string, path: string): void {
  if (!existsSync(path)) throw new CliError(`${what} ${JSON.stringify(path)}: no such file`);
  if (!statSync(path).isFile()) throw new CliError(`${what} ${JSON.stringify(path)} is not a file`);
}

/** Decodes a photo; a file that is not a readable JPEG, PNG or WebP is a clear error. */
export async function readPhoto(path: string): Promise<Tensor> {
  const { readImage } = await import("../../src/io/images.js");
  try {
    return await readImage(path);
  } catch (e) {
    // libvips adds a line per warning; the first says what is wrong.
    const why = (e as Error).message.replace(/^readImage: /, "").split("\n")[0];
    throw new CliError(`${JSON.stringify(path)} is not a readable image: ${why}`);
  }
}

export interface PipelineChoice {
  detector: string;
  "min-score": number;
}

/** The pipeline's options from the command line. */
export function detectOptions(o: PipelineChoice): Faces.DetectFacesOptions {
  if (!(o["min-score"] > 0 && o["min-score"] < 1)) throw new UsageError(`--min-score must be between 0 and 1, got ${o["min-score"]}`);
  return { detector: o.detector === "tiny" ? "tinyFaceDetector" : "ssdMobilenetv1", minScore: o["min-score"] };
}

/** Every face in a photo with its descriptor, best score first. */
export function facesIn(lib: FacesLib, image: Tensor, opts: Faces.EmbedFacesOptions): Faces.EmbeddedFace[] {
  return lib.embedFaces(image, opts);
}

/** The face with the largest box. */
export function largest<T extends { box: Rect }>(faces: readonly T[]): T {
  return faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
}

/** A box as "x,y widthxheight" in whole pixels. */
export function fmtBox(b: Rect): string {
  return `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`;
}

export function fmtDist(d: number): string {
  return Number.isFinite(d) ? d.toFixed(3) : "-";
}

export function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** The annotated image's default name: the photo's name with "-faces" added, in the current folder. */
export function defaultAnnotatedPath(photo: string): string {
  const ext = extname(photo).toLowerCase();
  const keep = ext === ".jpg" || ext === ".jpeg" || ext === ".png" || ext === ".webp" ? ext : ".png";
  return resolve(`${basename(photo, extname(photo))}-faces${keep}`);
}

export function checkOutputImage(flag: string, path: string): string {
  const out = resolve(path);
  if (![".png", ".jpg", ".jpeg", ".webp"].includes(extname(out).toLowerCase()))
    throw new UsageError(`${flag} ${path}: name the annotated image .png, .jpg, .jpeg or .webp`);
  if (!existsSync(dirname(out))) throw new UsageError(`${flag} ${path}: the folder ${dirname(out)} does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file name`);
  return out;
}

const KNOWN: readonly [number, number, number] = [40, 200, 80];
const UNKNOWN: readonly [number, number, number] = [230, 60, 50];

/** The photo with every face's box and "name distance" drawn into its pixels, written to `out`. */
export async function writeAnnotated(
  image: Tensor, faces: readonly { box: Rect; name: string; distance: number; known: boolean }[], out: string,
): Promise<void> {
  const { Canvas } = await import("../../src/tasks/report/draw.js");
  const { writeImage } = await import("../../src/io/images.js");
  const canvas = new Canvas(image);
  // Unknown faces first, so that a known face's label is drawn over them where they overlap.
  for (const f of [...faces].sort((a, b) => Number(a.known) - Number(b.known)))
    canvas.labelledBox(f.box, `${f.name} ${fmtDist(f.distance)}`, { color: f.known ? KNOWN : UNKNOWN });
  await writeImage(out, canvas.toTensor(), { quality: 92 });
}
