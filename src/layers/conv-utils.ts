// Internal: argument normalization and shape arithmetic shared by the 2-D convolution, pooling,
// padding and image layers (Keras' standardize_tuple / standardize_padding / conv output length).
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import type { DataFormat } from "./data-format.js";

/** A number for both spatial dimensions, or [height, width] (Keras' int-or-tuple arguments). */
export type IntPair = number | readonly [number, number];

/** Expands an int-or-pair argument to [height, width], checking for positive (or, with allowZero, >= 0) integers. */
export function intPair(label: string, name: string, v: IntPair | readonly number[] | undefined, fallback: number, allowZero = false): [number, number] {
  const raw = v ?? fallback;
  const p: number[] = typeof raw === "number" ? [raw, raw] : [...raw];
  const min = allowZero ? 0 : 1;
  if (p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < min))
    throw new Error(
      `${label}: ${name} must be ${allowZero ? "a non-negative" : "a positive"} integer or [height, width] of such, got ${JSON.stringify(v)}`,
    );
  return [p[0], p[1]];
}

/** "valid" or "same" (case-insensitive, as Keras' standardize_padding). */
export function normalizePadding(label: string, p: string | undefined): "valid" | "same" {
  const k = (p ?? "valid").toLowerCase();
  if (k !== "valid" && k !== "same") throw new Error(`${label}: padding must be "valid" or "same", got ${JSON.stringify(p)}`);
  return k;
}

/** Index of the channel axis of a rank-4 image batch. */
export function channelAxis(format: DataFormat): 1 | 3 {
  return format === "channelsFirst" ? 1 : 3;
}

/** Indices of the [height, width] axes of a rank-4 image batch. */
export function spatialAxes(format: DataFormat): [number, number] {
  return format === "channelsFirst" ? [2, 3] : [1, 2];
}

/** The known channel count of a rank-4 input shape, or a clear error. */
export function knownChannels(label: string, shape: SymShape, format: DataFormat): number {
  if (shape.length !== 4)
    throw new Error(`${label}: expected input rank 4 ${layoutName(format)}, got ${fmtSymShape(shape)}`);
  const c = shape[channelAxis(format)];
  if (c === null) throw new Error(`${label}: the channel dimension of the input must be known, got ${fmtSymShape(shape)}`);
  return c;
}

/** "(batch, height, width, channels)" or "(batch, channels, height, width)". */
export function layoutName(format: DataFormat): string {
  return format === "channelsFirst" ? "(batch, channels, height, width)" : "(batch, height, width, channels)";
}

/** Output length of a convolution or pooling window along one axis (null stays null), as Keras. */
export function convOutputLength(n: number | null, k: number, stride: number, padding: "valid" | "same", dilation = 1): number | null {
  if (n === null) return null;
  if (padding === "same") return Math.floor((n - 1) / stride) + 1;
  return Math.floor((n - dilation * (k - 1) - 1) / stride) + 1;
}

/** Output length of a transposed convolution along one axis, as Keras' TF backend (`_get_output_shape_given_tf_padding`). */
export function transposeOutputLength(
  n: number | null, k: number, stride: number, padding: "valid" | "same", outputPadding: number | null, dilation = 1,
): number | null {
  if (n === null) return null;
  const eff = (k - 1) * dilation + 1;
  if (padding === "valid") return (n - 1) * stride + eff + (outputPadding ?? Math.max(eff, stride) - eff);
  return outputPadding === null ? n * stride : (n - 1) * stride + (eff % 2) + outputPadding;
}

/** A rank-4 shape with new spatial sizes (and optionally channels) in `format` layout. */
export function withSpatial(shape: SymShape, format: DataFormat, hw: [number | null, number | null], channels?: number | null): SymShape {
  const out = [...shape];
  const [ha, wa] = spatialAxes(format);
  out[ha] = hw[0];
  out[wa] = hw[1];
  if (channels !== undefined) out[channelAxis(format)] = channels;
  return out;
}
