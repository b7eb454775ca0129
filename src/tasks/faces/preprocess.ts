// Input preparation as face-api's NetInput.toBatchTensor does it: pad the image to a square with zeros
// (centred, or at the bottom/right), then resize bilinearly (TF1 style: no half-pixel centres).
import { cast } from "../../ops/cast.js";
import { resizeBilinear } from "../../ops/image.js";
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

/** [h, w, 3] -> [1, size, size, 3]: padded to a square, then resized as face-api does. */
export function toSquareInput(image: Tensor, size: number, center: boolean): Tensor {
  let x = padToSquare(image, center);
  x = reshape(x, [1, ...x.shape]);
  if (x.shape[1] !== size) x = resizeBilinear(x, [size, size], { alignCorners: false, halfPixelCenters: false });
  return x;
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
