import type { Tensor } from "../tensor/tensor.js";
import { pad } from "../ops/movement.js";
import type { SymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { spatialAxes, withSpatial } from "./conv-utils.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

/** A number (all four sides), [rows, cols] (symmetric), or [[top, bottom], [left, right]]. */
export type Padding2D = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

/** Expands a Padding2D to [[top, bottom], [left, right]] of non-negative integers. */
export function normalizePadding2D(label: string, name: string, p: Padding2D | undefined, fallback: number): [[number, number], [number, number]] {
  const v = p ?? fallback;
  let out: number[][];
  if (typeof v === "number") out = [[v, v], [v, v]];
  else if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number")) {
    const [h, w] = v as readonly [number, number];
    out = [[h, h], [w, w]];
  } else if (Array.isArray(v) && v.length === 2 && v.every((e) => Array.isArray(e) && e.length === 2)) out = (v as number[][]).map((e) => [...e]);
  else out = [[NaN, NaN], [NaN, NaN]];
  if (out.flat().some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`${label}: ${name} must be a non-negative integer, [rows, cols], or [[top, bottom], [left, right]], got ${JSON.stringify(p)}`);
  return [[out[0][0], out[0][1]], [out[1][0], out[1][1]]];
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Rows / columns of zeros to add: a number, [rows, cols], or [[top, bottom], [left, right]]. Default 1. */
  padding?: Padding2D;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Adds rows and columns of zeros around each image.
 *
 * @example
 * new ZeroPadding2D({ padding: 3 }).apply(zeros([1, 64, 64, 3])); // [1, 70, 70, 3]
 */
export class ZeroPadding2D extends Layer {
  static override className = "ZeroPadding2D";
  readonly padding: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = normalizePadding2D(this.label, "padding", args.padding, 1);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }

  override call(inputs: Tensor): Tensor {
    const pads: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    const [ha, wa] = spatialAxes(this.dataFormat);
    pads[ha] = [...this.padding[0]];
    pads[wa] = [...this.padding[1]];
    return pad(inputs, pads);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const grow = (n: number | null, p: [number, number]): number | null => (n === null ? null : n + p[0] + p[1]);
    return withSpatial(inputShape, this.dataFormat, [grow(inputShape[ha], this.padding[0]), grow(inputShape[wa], this.padding[1])]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}
registerLayer(ZeroPadding2D);
