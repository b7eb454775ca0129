// The training curves as the course plots them after fine-tuning: accuracy above, loss below, training and
// validation per epoch, and a line where fine-tuning starts; drawn into pixels with the report's Canvas.
import { writeFile } from "node:fs/promises";
import { encodeImage } from "../../io/images.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Canvas, measureText, type Rgb } from "../report/draw.js";

const BLUE: Rgb = [31, 119, 180];
const ORANGE: Rgb = [255, 127, 14];
const GREEN: Rgb = [44, 160, 44];
const GREY: Rgb = [200, 200, 200];
const INK: Rgb = [40, 40, 40];

export interface CurveOptions {
  /** Image width and height in pixels (default 640 x 520). */
  width?: number;
  height?: number;
  /** The first epoch of fine-tuning (a dashed line is drawn before it), or null. */
  fineTuneStart?: number | null;
}

interface Panel {
  title: string;
  train: number[];
  val: number[];
  lo: number;
  hi: number;
  step: number;
}

function finite(v: number[]): number[] {
  return v.filter((x) => Number.isFinite(x));
}

/** A y range on round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) around the values. */
function range(values: number[], clamp: [number, number] | null): { lo: number; hi: number; step: number } {
  const v = finite(values);
  let lo = v.length ? Math.min(...v) : 0;
  let hi = v.length ? Math.max(...v) : 1;
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.05, hi + 0.05];
  const raw = (hi - lo) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  if (clamp) [lo, hi] = [Math.max(clamp[0], lo), Math.min(clamp[1], hi)];
  return { lo, hi, step };
}

function label(v: number): string {
  return Math.abs(v) >= 10 ? v.toFixed(0) : String(Number(v.toFixed(4)));
}

const textWidth = (t: string) => measureText(t).width;
const TEXT_H = measureText("0").height;

function drawPanel(c: Canvas, p: Panel, box: { x: number; y: number; w: number; h: number }, epochs: number[], fineTuneStart: number | null): void {
  const { x, y, w, h } = box;
  const n = epochs.length;
  const px = (i: number) => x + (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const py = (v: number) => y + h - ((v - p.lo) / (p.hi - p.lo)) * h;
  c.text(p.title, x + (w - textWidth(p.title)) / 2, y - TEXT_H - 6, { color: INK });
  for (let k = 0; p.lo + k * p.step <= p.hi + 1e-9; k++) {
    const v = p.lo + k * p.step;
    c.line(x, py(v), x + w, py(v), GREY);
    c.text(label(v), x - 6 - textWidth(label(v)), py(v) - TEXT_H / 2, { color: INK });
  }
  c.line(x, y, x, y + h, INK);
  c.line(x, y + h, x + w, y + h, INK);
  const every = Math.max(1, Math.ceil(n / 10));
  epochs.forEach((e, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    c.line(px(i), y + h, px(i), y + h + 4, INK);
    const t = String(e + 1);
    c.text(t, px(i) - textWidth(t) / 2, y + h + 6, { color: INK });
  });
  if (fineTuneStart !== null) {
    const i = epochs.indexOf(fineTuneStart);
    if (i > 0) {
      const xm = (px(i - 1) + px(i)) / 2;
      c.line(xm, y, xm, y + h, GREEN, 2, 6);
      c.text("fine-tuning", xm + 5, y + 3, { color: GREEN, background: [255, 255, 255] });
    }
  }
  for (const [series, color] of [[p.train, BLUE], [p.val, ORANGE]] as const) {
    for (let i = 0; i < series.length; i++) {
      if (!Number.isFinite(series[i])) continue;
      c.fillRect({ x: px(i) - 2, y: py(series[i]) - 2, width: 5, height: 5 }, color);
      if (i > 0 && Number.isFinite(series[i - 1])) c.line(px(i - 1), py(series[i - 1]), px(i), py(series[i]), color, 2);
    }
  }
}

/**
 * The course's accuracy and loss plots of a run (training and validation per epoch, fine-tuning marked) as an
 * RGB image tensor [height, width, 3] in 0..255; keys "accuracy", "val_accuracy", "loss", "val_loss".
 *
 * @example
 * const img = trainingCurveImage(result.history, result.epochs, { fineTuneStart: result.fineTuneStart });
 */
export function trainingCurveImage(history: Record<string, number[]>, epochs: readonly number[], opts: CurveOptions = {}): Tensor {
  const width = opts.width ?? 640;
  const height = opts.height ?? 520;
  if (!(width >= 200 && height >= 200)) throw new Error(`trainingCurveImage: the image must be at least 200 x 200 pixels, got ${width} x ${height}`);
  const ep = epochs.length > 0 ? [...epochs] : (history.loss ?? []).map((_, i) => i);
  const get = (k: string) => (history[k] ?? []).slice(0, ep.length);
  const c = Canvas.blank(width, height);
  const left = 60;
  const plotW = width - left - 24;
  const panelH = Math.floor((height - 150) / 2);
  const acc = [...get("accuracy"), ...get("val_accuracy")];
  const loss = [...get("loss"), ...get("val_loss")];
  const panels: Panel[] = [
    { title: "Accuracy", train: get("accuracy"), val: get("val_accuracy"), ...range(acc, [0, 1]) },
    { title: "Loss", train: get("loss"), val: get("val_loss"), ...range(loss, [0, Infinity]) },
  ];
  panels.forEach((p, k) => drawPanel(c, p, { x: left, y: 40 + k * (panelH + 56), w: plotW, h: panelH }, ep, opts.fineTuneStart ?? null));
  // Legend and axis name.
  const ly = height - TEXT_H - 6;
  c.fillRect({ x: left, y: ly + 6, width: 14, height: 7 }, BLUE);
  c.text("training", left + 20, ly, { color: INK });
  c.fillRect({ x: left + 110, y: ly + 6, width: 14, height: 7 }, ORANGE);
  c.text("validation", left + 130, ly, { color: INK });
  c.text("epoch", width - 24 - textWidth("epoch"), ly, { color: INK });
  // Whole 0..255 values, so the PNG written from it decodes to the same pixels (text is anti-aliased).
  const img = c.toTensor();
  const px = img.values as Float32Array;
  for (let i = 0; i < px.length; i++) px[i] = Math.round(px[i]);
  return img;
}

/** Draws the training curves (see trainingCurveImage) and writes them as a PNG file. */
export async function writeTrainingCurves(path: string, history: Record<string, number[]>, epochs: readonly number[], opts: CurveOptions = {}): Promise<void> {
  await writeFile(path, await encodeImage(trainingCurveImage(history, epochs, opts), { format: "png" }));
}
