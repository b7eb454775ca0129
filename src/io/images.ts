// Image files <-> tensors. Decoding and encoding go through sharp (libvips), loaded on first use so that
// importing deepts does not load it; its prebuilt binaries arrive as npm packages (@img/sharp-<platform>).
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Sharp } from "sharp";
import { Tensor } from "../tensor/tensor.js";
import { fmtShape } from "../tensor/shape.js";

/** The formats deepts reads and writes (sharp also reads GIF, TIFF and AVIF). */
export type ImageFormat = "jpeg" | "png" | "webp";

export interface DecodeImageOptions {
  /** Channels of the result: 1 (grey), 3 (RGB, default; alpha is dropped) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** "float32" (default, values 0..255 as Keras' img_to_array) or "int32". */
  dtype?: "float32" | "int32";
  /** Rotate by the EXIF orientation tag as a browser shows the photo. Default true. */
  autoOrient?: boolean;
}

export interface EncodeImageOptions {
  /** Default "png". */
  format?: ImageFormat;
  /** JPEG/WebP quality 1..100 (default 90). */
  quality?: number;
}

type SharpFactory = typeof import("sharp").default;
let sharpLoad: Promise<SharpFactory> | undefined;

async function loadSharp(op: string): Promise<SharpFactory> {
  sharpLoad ??= import("sharp").then((m) => m.default);
  try {
    return await sharpLoad;
  } catch (e) {
    sharpLoad = undefined;
    throw new Error(
      `${op}: the image codec (npm package "sharp") could not be loaded: ${(e as Error).message}. ` +
        `Reinstall with optional dependencies (npm ci, without --omit=optional) so that @img/sharp-${process.platform}-${process.arch} is present.`,
    );
  }
}

/** The format of encoded image bytes, from their signature; null when it is not a known image. */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | "gif" | "tiff" | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a) return "png";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return "webp";
  if (b.length >= 6 && ascii(b, 0, 4) === "GIF8") return "gif";
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) return "tiff";
  return null;
}

function ascii(b: Uint8Array, start: number, n: number): string {
  return String.fromCharCode(...b.subarray(start, start + n));
}

/**
 * Decodes JPEG, PNG or WebP bytes into an image tensor [height, width, channels] (values 0..255).
 *
 * @example
 * const img = await decodeImage(await readFile("photo.jpg")); // Tensor [h, w, 3] float32
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): Promise<Tensor> {
  return decodeNamed("decodeImage", bytes, opts, "the bytes");
}

/** Reads and decodes an image file into a tensor [height, width, channels] (see decodeImage). */
export async function readImage(path: string, opts: DecodeImageOptions = {}): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`readImage: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  return decodeNamed("readImage", bytes, opts, JSON.stringify(path));
}

async function decodeNamed(op: string, bytes: Uint8Array, opts: DecodeImageOptions, what: string): Promise<Tensor> {
  const channels = opts.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(`${op}: channels must be 1, 3 or 4, got ${JSON.stringify(opts.channels)}`);
  const dtype = opts.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "int32") throw new RangeError(`${op}: dtype must be "float32" or "int32", got ${JSON.stringify(dtype)}`);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: expected the encoded image as a Uint8Array or Buffer`);
  if (imageFormatOf(bytes) === null)
    throw new Error(`${op}: ${what} is not a JPEG, PNG or WebP image (${bytes.length} bytes, starting ${hex(bytes)})`);
  const sharp = await loadSharp(op);
  let pipeline: Sharp = sharp(bytes, { failOn: "error" });
  if (opts.autoOrient ?? true) pipeline = pipeline.rotate();
  pipeline = channels === 1 ? pipeline.greyscale() : channels === 3 ? pipeline.removeAlpha() : pipeline.ensureAlpha();
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`${op}: cannot decode ${what}: ${(e as Error).message}`);
  }
  const { width, height } = raw.info;
  let data = raw.data;
  // greyscale() keeps 3 bands for some inputs; take the first band.
  if (raw.info.channels !== channels) data = firstBands(data, raw.info.channels, channels, width * height);
  const out = dtype === "float32" ? new Float32Array(data.length) : new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i];
  return new Tensor(out, [height, width, channels], dtype);
}

function firstBands(data: Uint8Array, have: number, want: number, pixels: number): Buffer {
  const out = Buffer.alloc(pixels * want);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < want; c++) out[p * want + c] = data[p * have + Math.min(c, have - 1)];
  return out;
}

function hex(b: Uint8Array): string {
  return [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, "0")).join(" ") || "(empty)";
}

/**
 * Encodes an image tensor [height, width, channels] (or [height, width]) with values 0..255
 * (rounded and clipped) as PNG, JPEG or WebP bytes.
 *
 * @example
 * await writeFile("out.png", await encodeImage(img));
 */
export async function encodeImage(image: Tensor, opts: EncodeImageOptions = {}): Promise<Uint8Array> {
  return encodeNamed("encodeImage", image, opts);
}

/** Encodes an image tensor and writes it; the format comes from the extension (.png, .jpg/.jpeg, .webp). */
export async function writeImage(path: string, image: Tensor, opts: Omit<EncodeImageOptions, "format"> = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format: ImageFormat | undefined = ext === ".png" ? "png" : ext === ".jpg" || ext === ".jpeg" ? "jpeg" : ext === ".webp" ? "webp" : undefined;
  if (!format) throw new Error(`writeImage: cannot tell the format of ${JSON.stringify(path)}; use a .png, .jpg, .jpeg or .webp name`);
  const bytes = await encodeNamed("writeImage", image, { ...opts, format });
  await writeFile(path, bytes);
}

async function encodeNamed(op: string, image: Tensor, opts: EncodeImageOptions): Promise<Uint8Array> {
  if (!(image instanceof Tensor)) throw new TypeError(`${op}: expected an image Tensor [height, width, channels]`);
  const shape = image.rank === 2 ? [...image.shape, 1] : image.shape;
  if (shape.length !== 3 || ![1, 3, 4].includes(shape[2]) || shape[0] < 1 || shape[1] < 1)
    throw new RangeError(`${op}: expected an image [height, width, 1 | 3 | 4], got ${fmtShape(image.shape)}`);
  if (image.dtype === "bool") throw new TypeError(`${op}: cannot encode a bool tensor; cast it to numbers 0..255 first`);
  const format = opts.format ?? "png";
  if (format !== "png" && format !== "jpeg" && format !== "webp")
    throw new RangeError(`${op}: format must be "png", "jpeg" or "webp", got ${JSON.stringify(format)}`);
  const quality = opts.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`${op}: quality must be an integer 1..100, got ${quality}`);
  const [height, width, channels] = shape as [number, number, 1 | 3 | 4];
  const v = image.values;
  const bytes = Buffer.alloc(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = Math.round(v[i]);
    bytes[i] = x < 0 ? 0 : x > 255 ? 255 : x || 0; // NaN becomes 0
  }
  const sharp = await loadSharp(op);
  const p = sharp(bytes, { raw: { width, height, channels } });
  const encoded = format === "png" ? p.png() : format === "jpeg" ? p.jpeg({ quality }) : p.webp({ quality });
  return new Uint8Array(await encoded.toBuffer());
}
