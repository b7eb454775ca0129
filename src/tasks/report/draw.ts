// Drawing into image tensors: rectangles and text labels burnt into the pixels, so that an annotated photo
// written with writeImage shows its boxes and names in any viewer.
import { Tensor } from "../../tensor/tensor.js";
import { fmtShape } from "../../tensor/shape.js";
import { GLYPH_CELL, glyphMask } from "./font.js";

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** A rectangle in pixels: top-left corner, width and height. */
export interface DrawRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextOptions {
  /** Text colour (default white). */
  color?: Rgb;
  /** Fill behind the text, padded by `scale` pixels on each side (default none). */
  background?: Rgb;
  /** Integer magnification of the 9x18 font (default 1). */
  scale?: number;
}

export interface LabelledBoxOptions {
  /** Box colour, also the label's background (default green). */
  color?: Rgb;
  /** Label colour (default white or black, whichever reads better on `color`). */
  textColor?: Rgb;
  /** Line width in pixels (default: about 1/300 of the longer image side, at least 2). */
  thickness?: number;
  /** Font magnification (default: about 1/640 of the longer image side, at least 1). */
  scale?: number;
}

function checkColor(op: string, c: Rgb): void {
  if (!c || c.length !== 3 || c.some((v) => typeof v !== "number" || !(v >= 0 && v <= 255)))
    throw new RangeError(`${op}: a colour is [r, g, b] with each channel in 0..255, got ${JSON.stringify(c)}`);
}

function checkScale(op: string, s: number): number {
  if (!Number.isInteger(s) || s < 1 || s > 64) throw new RangeError(`${op}: scale must be an integer 1..64, got ${s}`);
  return s;
}

/** Width and height in pixels of `text` drawn at `scale` (one line, no background padding). */
export function measureText(text: string, scale = 1): { width: number; height: number } {
  checkScale("measureText", scale);
  return { width: [...text].length * GLYPH_CELL.width * scale, height: GLYPH_CELL.height * scale };
}

/**
 * A mutable copy of an image [height, width, channels] (0..255, 1, 3 or 4 channels) to draw on; toTensor()
 * gives the result as a new float32 tensor of the same shape.
 *
 * @example
 * const c = new Canvas(photo);
 * c.labelledBox({ x: 40, y: 30, width: 120, height: 160 }, "ada 0.41");
 * await writeImage("annotated.jpg", c.toTensor());
 */
export class Canvas {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  private readonly data: Float32Array;

  constructor(image: Tensor) {
    if (!(image instanceof Tensor) || image.rank !== 3 || ![1, 3, 4].includes(image.shape[2]))
      throw new RangeError(`Canvas: expected an image [height, width, 1 | 3 | 4] with values 0..255, got ${image instanceof Tensor ? fmtShape(image.shape) : typeof image}`);
    [this.height, this.width, this.channels] = image.shape;
    this.data = Float32Array.from(image.values as ArrayLike<number>);
  }

  /** A blank image of `width` x `height` pixels filled with `background` (default white), 3 channels. */
  static blank(width: number, height: number, background: Rgb = [255, 255, 255]): Canvas {
    checkColor("Canvas.blank", background);
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
      throw new RangeError(`Canvas.blank: width and height must be positive integers, got ${width} x ${height}`);
    const px = new Float32Array(width * height * 3);
    for (let i = 0; i < px.length; i += 3) px.set(background, i);
    return new Canvas(new Tensor(px, [height, width, 3]));
  }

  /** Blends `color` into pixel (x, y) with opacity `a` (0..1); pixels outside the image are ignored. */
  private blend(x: number, y: number, color: Rgb, a: number): void {
    if (a <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const c = this.channels;
    const i = (y * this.width + x) * c;
    if (c === 1) {
      const grey = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
      this.data[i] += (grey - this.data[i]) * a;
      return;
    }
    for (let k = 0; k < 3; k++) this.data[i + k] += (color[k] - this.data[i + k]) * a;
  }

  /** Fills a rectangle (clipped to the image). */
  fillRect(r: DrawRect, color: Rgb): this {
    checkColor("Canvas.fillRect", color);
    const x0 = Math.max(0, Math.round(r.x));
    const y0 = Math.max(0, Math.round(r.y));
    const x1 = Math.min(this.width, Math.round(r.x + r.width));
    const y1 = Math.min(this.height, Math.round(r.y + r.height));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) this.blend(x, y, color, 1);
    return this;
  }

  /** Outlines a rectangle with lines `thickness` pixels wide, drawn inside its edges. */
  strokeRect(r: DrawRect, color: Rgb, thickness = 2): this {
    checkColor("Canvas.strokeRect", color);
    if (!(thickness >= 1)) throw new RangeError(`Canvas.strokeRect: thickness must be at least 1, got ${thickness}`);
    const t = Math.min(Math.round(thickness), Math.ceil(r.width / 2), Math.ceil(r.height / 2));
    this.fillRect({ x: r.x, y: r.y, width: r.width, height: t }, color);
    this.fillRect({ x: r.x, y: r.y + r.height - t, width: r.width, height: t }, color);
    this.fillRect({ x: r.x, y: r.y, width: t, height: r.height }, color);
    this.fillRect({ x: r.x + r.width - t, y: r.y, width: t, height: r.height }, color);
    return this;
  }

  /** A straight line `thickness` pixels wide from (x0, y0) to (x1, y1); `dash` > 0 draws dashes that long. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1, dash = 0): this {
    checkColor("Canvas.line", color);
    if (!(thickness >= 1)) throw new RangeError(`Canvas.line: thickness must be at least 1, got ${thickness}`);
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const lo = -Math.floor((thickness - 1) / 2);
    const hi = Math.ceil((thickness - 1) / 2);
    for (let s = 0; s <= steps; s++) {
      if (dash > 0 && Math.floor(s / dash) % 2 === 1) continue;
      const x = Math.round(x0 + ((x1 - x0) * s) / steps);
      const y = Math.round(y0 + ((y1 - y0) * s) / steps);
      for (let dy = lo; dy <= hi; dy++) for (let dx = lo; dx <= hi; dx++) this.blend(x + dx, y + dy, color, 1);
    }
    return this;
  }

  /** Draws one line of text with its cell's top-left corner at (x, y); returns the box it covers. */
  text(text: string, x: number, y: number, opts: TextOptions = {}): DrawRect {
    const color = opts.color ?? [255, 255, 255];
    checkColor("Canvas.text", color);
    const s = checkScale("Canvas.text", opts.scale ?? 1);
    const { width, height } = measureText(text, s);
    const x0 = Math.round(x);
    const y0 = Math.round(y);
    const box = { x: x0 - s, y: y0 - s, width: width + 2 * s, height: height + 2 * s };
    if (opts.background) this.fillRect(box, opts.background);
    const cw = GLYPH_CELL.width;
    [...text].forEach((ch, k) => {
      const m = glyphMask(ch);
      for (let gy = 0; gy < GLYPH_CELL.height; gy++)
        for (let gx = 0; gx < cw; gx++) {
          const a = m[gy * cw + gx];
          if (a === 0) continue;
          const px = x0 + (k * cw + gx) * s;
          const py = y0 + gy * s;
          for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) this.blend(px + dx, py + dy, color, a);
        }
    });
    return box;
  }

  /** A box with a label on a filled strip above it (below its top edge when there is no room above). */
  labelledBox(r: DrawRect, label: string, opts: LabelledBoxOptions = {}): this {
    const color = opts.color ?? [40, 200, 80];
    checkColor("Canvas.labelledBox", color);
    const side = Math.max(this.width, this.height);
    const thickness = opts.thickness ?? Math.max(2, Math.round(side / 300));
    const scale = checkScale("Canvas.labelledBox", opts.scale ?? Math.max(1, Math.round(side / 640)));
    const luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
    const textColor = opts.textColor ?? (luminance > 150 ? [0, 0, 0] : [255, 255, 255]);
    this.strokeRect(r, color, thickness);
    if (label === "") return this;
    const h = GLYPH_CELL.height * scale + 2 * scale;
    const above = r.y - h >= 0;
    const tx = Math.min(Math.max(r.x + scale, scale), Math.max(scale, this.width - measureText(label, scale).width - scale));
    this.text(label, tx, above ? r.y - h + scale : r.y + thickness + scale, { color: textColor, background: color, scale });
    return this;
  }

  /** The drawing as a new float32 image tensor of the original shape. */
  toTensor(): Tensor {
    return new Tensor(Float32Array.from(this.data), [this.height, this.width, this.channels]);
  }
}
