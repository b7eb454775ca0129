// Internal: padding geometry and data-format handling shared by conv, pool and image ops.
import type { Conv2dParams } from "../backends/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { transpose } from "./movement.js";

export type DataFormat = "channelsLast" | "channelsFirst";
/** "valid", "same" (TF's rule), or explicit [[top, bottom], [left, right]] zero padding. */
export type Padding = "valid" | "same" | readonly [readonly [number, number], readonly [number, number]];

/** A number for both spatial dimensions, or [height, width]. */
export type Pair = number | readonly [number, number];

/** Expands a Pair to [height, width], checking for positive integers. */
export function pair(op: string, name: string, v: Pair): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (typeof v !== "number" && v.length !== 2)
    throw new RangeError(`${op}: ${name} must be a number or [height, width], got ${JSON.stringify(v)}`);
  for (const d of p)
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`${op}: ${name} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

/** Checks a dataFormat option. */
export function dataFormatOf(op: string, f: DataFormat | undefined): DataFormat {
  const d = f ?? "channelsLast";
  if (d !== "channelsLast" && d !== "channelsFirst")
    throw new RangeError(`${op}: dataFormat must be "channelsLast" or "channelsFirst", got ${JSON.stringify(f)}`);
  return d;
}

/** Rank-4 check naming the expected layout. */
export function assertRank4(op: string, what: string, t: Tensor, format: DataFormat): void {
  if (t.rank !== 4) {
    const layout = format === "channelsLast" ? "(batch, height, width, channels)" : "(batch, channels, height, width)";
    throw new RangeError(`${op}: expected ${what} rank 4 ${layout}, got ${fmtShape(t.shape)}`);
  }
}

/** NCHW -> NHWC (identity for channelsLast). Differentiable. */
export function toNHWC(x: Tensor, format: DataFormat): Tensor {
  return format === "channelsFirst" ? transpose(x, [0, 2, 3, 1]) : x;
}

/** NHWC -> NCHW (identity for channelsLast). Differentiable. */
export function fromNHWC(x: Tensor, format: DataFormat): Tensor {
  return format === "channelsFirst" ? transpose(x, [0, 3, 1, 2]) : x;
}

/** A shape given in `format` as NHWC. */
export function shapeToNHWC(s: readonly number[], format: DataFormat): [number, number, number, number] {
  return format === "channelsFirst" ? [s[0], s[2], s[3], s[1]] : [s[0], s[1], s[2], s[3]];
}

export interface Geometry {
  /** [top, bottom, left, right] */
  pads: [number, number, number, number];
  /** [outHeight, outWidth] */
  out: [number, number];
}

/**
 * Resolves padding for one window of `k` (already dilated: (k - 1) * d + 1) over `inHW`.
 * "same" follows TF exactly: out = ceil(in / stride), the total padding split with the extra
 * cell at the bottom/right.
 */
export function resolvePadding(
  op: string, padding: Padding, inHW: readonly [number, number], effK: readonly [number, number], strides: readonly [number, number],
): Geometry {
  const pads: [number, number, number, number] = [0, 0, 0, 0];
  if (padding === "same") {
    for (let i = 0; i < 2; i++) {
      const out = Math.ceil(inHW[i] / strides[i]);
      const total = Math.max((out - 1) * strides[i] + effK[i] - inHW[i], 0);
      pads[2 * i] = Math.floor(total / 2);
      pads[2 * i + 1] = total - pads[2 * i];
    }
  } else if (Array.isArray(padding)) {
    const p = padding as readonly (readonly number[])[];
    if (p.length !== 2 || p.some((q) => !Array.isArray(q) || q.length !== 2 || q.some((v) => !Number.isInteger(v) || v < 0)))
      throw new RangeError(`${op}: explicit padding must be [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(padding)}`);
    pads[0] = p[0][0];
    pads[1] = p[0][1];
    pads[2] = p[1][0];
    pads[3] = p[1][1];
  } else if (padding !== "valid") {
    throw new RangeError(`${op}: padding must be "valid", "same" or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`);
  }
  const out: [number, number] = [0, 0];
  for (let i = 0; i < 2; i++) {
    const padded = inHW[i] + pads[2 * i] + pads[2 * i + 1];
    if (padded < effK[i])
      throw new RangeError(
        `${op}: window ${effK[i]} (after dilation) is larger than the padded input ${padded} in ${i === 0 ? "height" : "width"} ` +
          `(input ${fmtShape(inHW)}, padding ${JSON.stringify(padding)}); use padding "same" or a smaller window`,
      );
    out[i] = Math.floor((padded - effK[i]) / strides[i]) + 1;
  }
  return { pads, out };
}

/** Dilated window size. */
export function effective(k: readonly [number, number], d: readonly [number, number]): [number, number] {
  return [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1];
}

/** Layout, strides and dilations of a convolution call, resolved and checked. */
export interface Resolved {
  format: DataFormat;
  strides: [number, number];
  dilations: [number, number];
}

/** Resolves a convolution's layout, strides and dilations (numbers or pairs, default 1). */
export function resolveOptions(
  op: string, opts: { strides?: Pair; dilations?: Pair; dataFormat?: DataFormat },
): Resolved {
  return {
    format: dataFormatOf(op, opts.dataFormat),
    strides: pair(op, "strides", (opts.strides ?? 1) as Pair),
    dilations: pair(op, "dilations", (opts.dilations ?? 1) as Pair),
  };
}

/** Params for a convolution whose (NHWC) input is `xShape`, checking that it produces `outHW` when given. */
export function geometry(
  op: string, xShape: readonly number[], wShape: readonly number[], r: Resolved, padding: Padding, outHW?: readonly number[],
): Conv2dParams {
  const eff = effective([wShape[0], wShape[1]], r.dilations);
  const g = resolvePadding(op, padding, [xShape[1], xShape[2]], eff, r.strides);
  if (outHW && (g.out[0] !== outHW[0] || g.out[1] !== outHW[1]))
    throw new RangeError(
      `${op}: an input of spatial size ${fmtShape(xShape.slice(1, 3))} with a ${wShape[0]}x${wShape[1]} filter, strides ` +
        `${fmtShape(r.strides)} and padding ${JSON.stringify(padding)} gives ${fmtShape(g.out)}, but the gradient/input has ${fmtShape(outHW)}`,
    );
  return { strides: r.strides, dilations: r.dilations, pads: g.pads };
}

/** The NHWC output shape of a convolution with geometry `p` (cout: output channels; C * multiplier for depthwise). */
// A module-level helper, not a closure per call: the inference plan asks for shapes at every step of a predict.
const outSizeOf = (size: number, k: number, s: number, d: number, p0: number, p1: number) => Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;

export function outputShapeNHWC(xShape: readonly number[], wShape: readonly number[], p: Conv2dParams, cout: number): [number, number, number, number] {
  const out = outSizeOf;
  return [
    xShape[0],
    out(xShape[1], wShape[0], p.strides[0], p.dilations[0], p.pads[0], p.pads[1]),
    out(xShape[2], wShape[1], p.strides[1], p.dilations[1], p.pads[2], p.pads[3]),
    cout,
  ];
}

export function filterRank4(op: string, w: Tensor, layout: string): void {
  if (w.rank !== 4) throw new RangeError(`${op}: expected filter rank 4 ${layout}, got ${fmtShape(w.shape)}`);
}

/**
 * Checks a forward conv2d's input and HWIO filter and resolves its options: the input in NHWC, the geometry
 * and the layout to convert the output back to (shared by the conv2d op and the fused conv of the layers).
 */
export function conv2dSetup(
  op: string, x: Tensor, w: Tensor, opts: { strides?: Pair; dilations?: Pair; padding?: Padding; dataFormat?: DataFormat },
): { xs: Tensor; p: Conv2dParams; format: DataFormat } {
  const r = resolveOptions(op, opts);
  assertRank4(op, "input", x, r.format);
  filterRank4(op, w, "(height, width, inChannels, outChannels)");
  const xs = toNHWC(x, r.format);
  if (xs.shape[3] !== w.shape[2])
    throw new RangeError(`${op}: input has ${xs.shape[3]} channels but the filter ${fmtShape(w.shape)} expects ${w.shape[2]} (filter is HWIO)`);
  return { xs, p: geometry(op, xs.shape, w.shape, r, opts.padding ?? "valid"), format: r.format };
}
