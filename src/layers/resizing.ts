import type { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { full } from "../tensor/create.js";
import { cast } from "../ops/cast.js";
import { resizeBilinear, resizeNearest } from "../ops/image.js";
import { concat, slice } from "../ops/movement.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

/** [height axis, width axis] of an image (rank 3) or a batch (rank 4). */
export function imageAxes(rank: number, format: DataFormat): [number, number] {
  const first = rank === 4 ? 1 : 0;
  return format === "channelsFirst" ? [first + 1, first + 2] : [first, first + 1];
}

/**
 * Crops the largest centered window of the target aspect ratio (Keras' rule; `float32` mimics the TF
 * backend's float32 arithmetic, else Python's doubles as smart_resize does).
 */
export function cropToAspect(x: Tensor, target: [number, number], format: DataFormat, float32: boolean): Tensor {
  const r = float32 ? Math.fround : (v: number): number => v;
  const [ha, wa] = imageAxes(x.rank, format);
  const [h, w] = [x.shape[ha], x.shape[wa]];
  const ch = Math.max(Math.min(h, Math.trunc(r(r(w * target[0]) / target[1]))), 1);
  const cw = Math.max(Math.min(w, Math.trunc(r(r(h * target[1]) / target[0]))), 1);
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  begin[ha] = Math.trunc((h - ch) / 2);
  begin[wa] = Math.trunc((w - cw) / 2);
  size[ha] = ch;
  size[wa] = cw;
  return slice(x, begin, size);
}

/** Pads to the target aspect ratio with `value`, as Keras' TF backend (the same margin on both sides). */
function padToAspect(x: Tensor, target: [number, number], format: DataFormat, value: number): Tensor {
  const f = Math.fround;
  const [ha, wa] = imageAxes(x.rank, format);
  const [h, w] = [x.shape[ha], x.shape[wa]];
  const ph = Math.max(h, Math.trunc(f(f(w * target[0]) / target[1])));
  const pw = Math.max(w, Math.trunc(f(f(h * target[1]) / target[0])));
  let y = x;
  for (const [axis, margin] of [[ha, Math.trunc((ph - h) / 2)], [wa, Math.trunc((pw - w) / 2)]]) {
    if (margin <= 0) continue;
    const s = [...y.shape];
    s[axis] = margin;
    const band = full(s, value, y.dtype);
    y = concat([band, y, band], axis);
  }
  return y;
}

export interface ResizingArgs extends LayerArgs {
  height: number;
  width: number;
  /** "bilinear" (default) or "nearest" (TF2's tf.image.resize, half-pixel centers, no antialiasing). */
  interpolation?: "bilinear" | "nearest";
  /** Crop the largest centered window of the target aspect ratio before resizing (no distortion). */
  cropToAspectRatio?: boolean;
  /** Pad with fillValue to the target aspect ratio before resizing. */
  padToAspectRatio?: boolean;
  fillValue?: number;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Resizes images (rank 3) or batches (rank 4) to [height, width].
 *
 * @example
 * new Resizing({ height: 224, width: 224, cropToAspectRatio: true }).apply(zeros([1, 480, 640, 3])); // [1, 224, 224, 3]
 */
export class Resizing extends Layer {
  static override className = "Resizing";
  readonly height: number;
  readonly width: number;
  readonly interpolation: "bilinear" | "nearest";
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillValue: number;
  readonly dataFormat: DataFormat;

  constructor(args: ResizingArgs) {
    super(args);
    for (const k of ["height", "width"] as const)
      if (!Number.isInteger(args?.[k]) || args[k] < 1) throw new Error(`${this.label}: ${k} must be a positive integer, got ${String(args?.[k])}`);
    this.height = args.height;
    this.width = args.width;
    this.interpolation = args.interpolation ?? "bilinear";
    if (this.interpolation !== "bilinear" && this.interpolation !== "nearest")
      throw new Error(`${this.label}: interpolation must be "bilinear" or "nearest", got ${JSON.stringify(args.interpolation)}`);
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) throw new Error(`${this.label}: only one of cropToAspectRatio and padToAspectRatio can be true`);
    this.fillValue = args.fillValue ?? 0;
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { minNdim: 3, maxNdim: 4 };
  }

  override call(inputs: Tensor): Tensor {
    let x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    const target: [number, number] = [this.height, this.width];
    if (this.cropToAspectRatio) x = cropToAspect(x, target, this.dataFormat, true);
    else if (this.padToAspectRatio) x = padToAspect(x, target, this.dataFormat, this.fillValue);
    const resize = this.interpolation === "nearest" ? resizeNearest : resizeBilinear;
    return resize(x, target, { dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    if (inputShape.length !== 3 && inputShape.length !== 4)
      throw new Error(`${this.label}: expected an image (rank 3) or a batch (rank 4), got ${fmtSymShape(inputShape)}`);
    const out = [...inputShape];
    const [ha, wa] = imageAxes(inputShape.length, this.dataFormat);
    out[ha] = this.height;
    out[wa] = this.width;
    return out;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation,
      cropToAspectRatio: this.cropToAspectRatio, padToAspectRatio: this.padToAspectRatio, fillValue: this.fillValue, dataFormat: this.dataFormat,
    };
  }
}
registerLayer(Resizing);
