// Line charts as inline SVG (no script, no external file): training curves in the HTML report.
import { escapeHtml } from "./escape.js";

/** SVG markup made by this module (text in it is escaped), safe to place in a report as it is. */
export interface Svg {
  readonly kind: "svg";
  readonly markup: string;
}

/** One line: y values at x = 1, 2, ... (or at `x`); NaN and infinite values leave a gap. */
export interface ChartSeries {
  name: string;
  values: readonly number[];
  /** x of each value (default 1, 2, ..., n: epochs, steps). */
  x?: readonly number[];
  /** CSS colour (default: from a palette). */
  color?: string;
  /** Draw dashed. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 520 x 320). */
  width?: number;
  height?: number;
  /** Fix the y range instead of fitting it (e.g. [0, 1] for accuracy). */
  yMin?: number;
  yMax?: number;
  /** Logarithmic y axis (all values must be positive). */
  logY?: boolean;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`niceTicks: bounds must be finite, got ${lo}, ${hi}`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  // The nice step nearest to the raw one on a log scale, so the count comes out close to `count`.
  const step = [1, 2, 5, 10].map((m) => m * p).reduce((a, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(a / raw)) ? b : a));
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** A tick label: few digits, no float noise (0.30000000000000004 -> "0.3"). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

/** Ticks of a log axis spanning 10^lo..10^hi: powers of ten, and 2 and 5 times them when it spans under two decades. */
function logTicks(lo: number, hi: number): number[] {
  const mults = hi - lo < 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
    for (const m of mults) {
      const v = m * 10 ** e;
      const l = Math.log10(v);
      if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(Number(v.toPrecision(6)));
    }
  return out;
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * A line chart of one or more series, with axes, ticks, grid and legend, as inline SVG.
 *
 * @example
 * lineChart([{ name: "loss", values: history.loss }, { name: "val_loss", values: history.val_loss }], { xLabel: "epoch" });
 */
export function lineChart(series: readonly ChartSeries[], opts: LineChartOptions = {}): Svg {
  const op = "lineChart";
  if (!series || series.length === 0) throw new RangeError(`${op}: give at least one series`);
  const width = opts.width ?? 520;
  const height = opts.height ?? 320;
  if (!(width >= 120 && height >= 80)) throw new RangeError(`${op}: the chart must be at least 120 x 80 pixels, got ${width} x ${height}`);
  series.forEach((s, i) => {
    if (s.x !== undefined && s.x.length !== s.values.length)
      throw new RangeError(`${op}: series ${i} (${JSON.stringify(s.name)}) has ${s.values.length} values but ${s.x.length} x positions`);
  });
  const logY = opts.logY ?? false;
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const pts = series.map((s) =>
    s.values.map((v, i) => ({ x: s.x ? s.x[i] : i + 1, y: v })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logY || p.y > 0)),
  );
  const all = pts.flat();
  if (all.length === 0) throw new RangeError(`${op}: no finite values to draw${logY ? " (a log axis needs positive values)" : ""}`);

  let x0 = Math.min(...all.map((p) => p.x));
  let x1 = Math.max(...all.map((p) => p.x));
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  let y0 = opts.yMin !== undefined ? ty(opts.yMin) : Math.min(...all.map((p) => ty(p.y)));
  let y1 = opts.yMax !== undefined ? ty(opts.yMax) : Math.max(...all.map((p) => ty(p.y)));
  if (y0 === y1) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  if (opts.yMin === undefined && opts.yMax === undefined && !logY) {
    // A little room above and below the data, so no line runs along the frame.
    const pad = (y1 - y0) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
  }

  const m = { left: 58, right: 14, top: 30, bottom: opts.xLabel ? 44 : 28 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((ty(y) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#999"/>`);

  const xTicks = niceTicks(x0, x1, Math.max(2, Math.floor(pw / 70))).filter((v) => v >= x0 && v <= x1);
  const integerX = all.every((p) => Number.isInteger(p.x));
  for (const v of integerX ? xTicks.filter(Number.isInteger) : xTicks) {
    const X = fmt(sx(v));
    parts.push(`<line x1="${X}" y1="${m.top}" x2="${X}" y2="${m.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${X}" y="${m.top + ph + 16}" text-anchor="middle">${escapeHtml(formatTick(v))}</text>`);
  }
  const yTicks = logY ? logTicks(y0, y1) : niceTicks(y0, y1, Math.max(2, Math.floor(ph / 45))).filter((v) => v >= y0 - 1e-12 && v <= y1 + 1e-12);
  for (const v of yTicks) {
    const Y = fmt(sy(v));
    parts.push(`<line x1="${m.left}" y1="${Y}" x2="${m.left + pw}" y2="${Y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${Y}" dy="0.32em" text-anchor="end">${escapeHtml(formatTick(v))}</text>`);
  }

  pts.forEach((p, i) => {
    const s = series[i];
    const color = escapeHtml(s.color ?? PALETTE[i % PALETTE.length]);
    // Split at gaps (non-finite values) so a missing epoch is not bridged.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${run.join(" ")}"/>`);
      run = [];
    };
    s.values.forEach((v, k) => {
      const x = s.x ? s.x[k] : k + 1;
      if (Number.isFinite(v) && Number.isFinite(x) && (!logY || v > 0)) run.push(`${fmt(sx(x))},${fmt(sy(v))}`);
      else flush();
    });
    flush();
    if (p.length <= 60) for (const q of p) parts.push(`<circle cx="${fmt(sx(q.x))}" cy="${fmt(sy(q.y))}" r="2.5" fill="${color}"/>`);
  });

  // Legend in the top margin, right-aligned, so it never hides a curve; laid out from the right, last series first.
  let lx = m.left + pw;
  for (let i = series.length - 1; i >= 0; i--) {
    const s = series[i];
    const color = escapeHtml(s.color ?? PALETTE[i % PALETTE.length]);
    const y = m.top - 10;
    parts.push(`<text x="${fmt(lx)}" y="${y}" dy="0.32em" text-anchor="end">${escapeHtml(s.name)}</text>`);
    lx -= s.name.length * 6.6 + 6;
    parts.push(`<line x1="${fmt(lx - 18)}" y1="${y}" x2="${fmt(lx)}" y2="${y}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    lx -= 32;
  }
  if (opts.title) parts.push(`<text x="${m.left}" y="${m.top - 10}" dy="0.32em" font-weight="bold" font-size="14">${escapeHtml(opts.title)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${m.left + pw / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`);
  if (opts.yLabel)
    parts.push(`<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.yLabel)}</text>`);

  const label = escapeHtml(opts.title ?? series.map((s) => s.name).join(", "));
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" ` +
    `font-family="system-ui, sans-serif" font-size="12">${parts.join("")}</svg>`;
  return { kind: "svg", markup };
}
