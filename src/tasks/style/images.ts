// Images in and out of style transfer: decoded 0..255 pixels to the RGB [0, 1] tensors the costs work on,
// at the working size, and back.
import { div, mul } from "../../ops/arithmetic.js";
import { cast } from "../../ops/cast.js";
import { clip } from "../../ops/math.js";
import { concat, slice } from "../../ops/movement.js";
import { avgPool2d } from "../../ops/pool.js";
import { resizeBilinear } from "../../ops/image.js";
import { reshape } from "../../ops/reshape.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** [height, width] of a size written "WIDTHxHEIGHT" (e.g. "400x300") or "N" (N x N). */
export function parseImageSize(text: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX×]\s*(\d+))?\s*$/.exec(text);
  const w = m ? Number(m[1]) : NaN;
  const h = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || !(w >= 1 && h >= 1) || w > 16384 || h > 16384)
    throw new RangeError(`image size must be WIDTHxHEIGHT (e.g. 400x300) or one number for a square, each 1..16384; got ${JSON.stringify(text)}`);
  return [h, w];
}

/**
 * A decoded image [h, w, 1 | 3 | 4] with values 0..255 as RGB [height, width, 3] in [0, 1], resized to
 * `size` = [height, width]: halved by 2x2 averages while at least twice too large (so that shrinking a
 * photo does not alias), then bilinear.
 */
export function toUnitRgb(image: Tensor, size: readonly [number, number]): Tensor {
  if (image.rank !== 3 || ![1, 3, 4].includes(image.shape[2]))
    throw new RangeError(`style transfer: expected a decoded image [height, width, 1 | 3 | 4] with values 0..255, got ${fmtShape(image.shape)}`);
  let x = image.dtype === "float32" ? image : cast(image, "float32");
  const [h0, w0, c] = x.shape;
  if (c === 1) x = concat([x, x, x], 2);
  else if (c === 4) x = slice(x, [0, 0, 0], [h0, w0, 3]);
  let b = reshape(x, [1, h0, w0, 3]);
  while (b.shape[1] >= 2 * size[0] && b.shape[2] >= 2 * size[1]) b = avgPool2d(b, { poolSize: 2 });
  if (b.shape[1] !== size[0] || b.shape[2] !== size[1]) b = resizeBilinear(b, [size[0], size[1]]);
  return reshape(clip(div(b, 255), 0, 1), [size[0], size[1], 3]);
}

/** An RGB image in [0, 1] as 0..255 values for encoding. */
export function fromUnitRgb(image: Tensor): Tensor {
  return mul(clip(image, 0, 1), 255);
}
