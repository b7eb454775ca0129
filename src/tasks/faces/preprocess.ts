// Input preparation as face-api's NetInput.toBatchTensor does it: pad the image to a square with zeros
// (centred, or at the bottom/right), then resize bilinearly (TF1 style: no half-pixel centres).
import { cast } from "../../ops/cast.js";
import { resizeBilinear } from "../../ops/image.js";
import { concat, pad, slice } from "../../ops/movement.js";
import { reshape } from "../../ops/reshape.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Rect } from "./geometry.js";

/** Checks that `image` is [height, width, 3] and returns it as float32. */
export function asRgbImage(op: string, image: Tensor): Tensor {
  if (image.rank !== 3 || image.shape[2] !== 3 || image.shape[0] < 1 || image.shape[1] < 1)
    throw new RangeError(`${op}: expected an RGB image [height, width, 3] (values 0..255, as readImage gives), got ${fmtShape(image.shape)}`);
  if (image.dtype === "bool") throw new TypeError(`${op}: expected a numeric image, got a bool tensor`);
  return image.dtype === "float32" ? image : cast(image, "float32");
}

/** Pads [h, w, c] with zeros to a square: the padding split in two (larger half after) when `center`, else all after. */
export function padToSquare(image: Tensor, center: boolean): Tensor {
  const [h, w] = image.shape;
  if (h === w) return image;
  const diff = Math.abs(h - w);
  const after = Math.round(diff * (center ? 0.5 : 1));
  const before = diff - after;
  const p: [number, number] = [before, after];
  return h > w ? pad(image, [[0, 0], p, [0, 0]]) : pad(image, [p, [0, 0], [0, 0]]);
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
