// Input preparation as face-api's NetInput.toBatchTensor does it: pad the image to a square with zeros
// (centred, or at the bottom/right), then resize bilinearly (TF1 style: no half-pixel centres).
import { cast } from "../../ops/cast.js";
import { concat, slice } from "../../ops/movement.js";
import { reshape } from "../../ops/reshape.js";
import { fmtShape } from "../../tensor/shape.js";
import { allocStorage } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Rect } from "./geometry.js";

/** Checks that `image` is [height, width, 3] and returns it as float32. */
export function asRgbImage(op: string, image: Tensor): Tensor {
  if (image.rank !== 3 || image.shape[2] !== 3 || image.shape[0] < 1 || image.shape[1] < 1)
    throw new RangeError(`${op}: expected an RGB image [height, width, 3] (values 0..255, as readImage gives), got ${fmtShape(image.shape)}`);
  if (image.dtype === "bool") throw new TypeError(`${op}: expected a numeric image, got a bool tensor`);
  return image.dtype === "float32" ? image : cast(image, "float32");
}

/**
 * Pads [h, w, c] with zeros to a square: the padding split in two (larger half after) when `center`, else all
 * after. A copy into zeroed storage rather than the pad op: photos are large and no gradient is needed here.
 */
export function padToSquare(image: Tensor, center: boolean): Tensor {
  const [h, w, c] = image.shape;
  if (h === w) return image;
  const n = Math.max(h, w);
  const diff = n - Math.min(h, w);
  const before = diff - Math.round(diff * (center ? 0.5 : 1));
  const src = image.values;
  const out = allocStorage(image.dtype, n * n * c);
  if (h > w) {
    // Wider rows: each source row lands `before` pixels in.
    for (let y = 0; y < h; y++) out.set(src.subarray(y * w * c, (y + 1) * w * c), (y * n + before) * c);
  } else {
    out.set(src, before * n * c);
  }
  return new Tensor(out, [n, n, c], image.dtype);
}

/**
 * [h, w, c] -> [1, size, size, c]: padded to a square with zeros, then resized bilinearly as TF.js'
 * resizeBilinear(alignCorners false, halfPixelCenters false) does, in one pass that reads the zero padding
 * virtually (a 1920-px photo would otherwise be copied into a 1920x1920 square first).
 */
export function toSquareInput(image: Tensor, size: number, center: boolean): Tensor {
  const [h, w, c] = image.shape;
  const n = Math.max(h, w);
  if (n === size) return reshape(padToSquare(image, center), [1, n, n, c]);
  const diff = n - Math.min(h, w);
  const before = diff - Math.round(diff * (center ? 0.5 : 1));
  const offY = h < w ? before : 0;
  const offX = w < h ? before : 0;
  const scale = n / size; // TF.js computes the source coordinates in doubles
  const rows = table(size, scale, n, offY, h);
  const cols = table(size, scale, n, offX, w);
  const src = image.values;
  const out = new Float32Array(size * size * c);
  const rowStride = w * c;
  for (let y = 0; y < size; y++) {
    const top = rows.lo[y];
    const bot = rows.hi[y];
    const yl = rows.t[y];
    for (let x = 0; x < size; x++) {
      const l = cols.lo[x];
      const r = cols.hi[x];
      const xl = cols.t[x];
      const o = (y * size + x) * c;
      for (let ch = 0; ch < c; ch++) {
        // A source index of -1 is a padded (zero) pixel.
        const tl = top >= 0 && l >= 0 ? src[top * rowStride + l * c + ch] : 0;
        const tr = top >= 0 && r >= 0 ? src[top * rowStride + r * c + ch] : 0;
        const bl = bot >= 0 && l >= 0 ? src[bot * rowStride + l * c + ch] : 0;
        const br = bot >= 0 && r >= 0 ? src[bot * rowStride + r * c + ch] : 0;
        const t = tl + (tr - tl) * xl;
        const u = bl + (br - bl) * xl;
        out[o + ch] = t + (u - t) * yl;
      }
    }
  }
  return new Tensor(out, [1, size, size, c], "float32");
}

/** Per output index: the two source indices in the unpadded image (-1 inside the padding) and the weight of the upper. */
function table(size: number, scale: number, n: number, offset: number, extent: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const t = new Float64Array(size);
  const inImage = (k: number): number => (k - offset >= 0 && k - offset < extent ? k - offset : -1);
  for (let i = 0; i < size; i++) {
    const s = scale * i;
    const fl = Math.max(0, Math.floor(s));
    lo[i] = inImage(fl);
    hi[i] = inImage(Math.min(n - 1, Math.ceil(s)));
    t[i] = s - fl;
  }
  return { lo, hi, t };
}

/** A batch [n, size, size, 3] of square inputs made from each image (see toSquareInput). */
export function toSquareBatch(images: readonly Tensor[], size: number, center: boolean): Tensor {
  const xs = images.map((im) => toSquareInput(im, size, center));
  return xs.length === 1 ? xs[0] : concat(xs, 0);
}

/** The integer rectangle `r` (already clipped to the image) cut out of an image [h, w, c]. */
export function crop(image: Tensor, r: Rect): Tensor {
  return slice(image, [r.y, r.x, 0], [r.height, r.width, image.shape[2]]);
}
