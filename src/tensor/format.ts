import type { Tensor } from "./tensor.js";

// NumPy's array2string defaults, which TensorFlow's repr uses.
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;
const PRECISION = 8;

/** Formats like TensorFlow's str(): `Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)`. */
export function formatTensor(t: Tensor): string {
  const shape = t.shape;
  const summarize = t.size > THRESHOLD;
  const shapeStr = `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
  let body: string;
  if (t.size === 0) body = "[]";
  else {
    const shown = visibleOffsets(t, summarize);
    const fmt = elementFormatter(t, shown);
    body = renderArray(t, fmt, summarize);
  }
  const nl = body.includes("\n") ? "\n" : "";
  return `Tensor(${nl}${body}, shape=${shapeStr}, dtype=${t.dtype})`;
}

/** Indices shown along an axis of length n: all, or the edge items around -1 ("..."). */
function visible(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)];
}

function strides(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Storage offsets of the elements that will be printed (formatting widths depend only on them). */
function visibleOffsets(t: Tensor, summarize: boolean): number[] {
  const out: number[] = [];
  const st = strides(t.shape);
  const walk = (dim: number, off: number): void => {
    if (dim === t.shape.length) {
      out.push(off);
      return;
    }
    for (const i of visible(t.shape[dim], summarize)) if (i >= 0) walk(dim + 1, off + i * st[dim]);
  };
  walk(0, 0);
  return out;
}

/** Shortest decimal that reads back as the same value at the tensor's precision. */
function shortest(x: number, f32: boolean): string {
  if (!f32) return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** Digits of x in positional form with at most PRECISION fraction digits: [integer part with sign, fraction]. */
function positional(x: number, f32: boolean): [string, string] {
  let s = shortest(x, f32);
  if (/e/.test(s) || (s.split(".")[1] ?? "").length > PRECISION) s = String(Number(x.toFixed(PRECISION)));
  if (/e/.test(s)) s = x.toFixed(PRECISION).replace(/0+$/, "");
  const [ip, fp = ""] = s.split(".");
  return [ip === "0" && x < 0 ? "-0" : ip, fp];
}

/** Mantissa digits and exponent of x in shortest scientific form. */
function scientific(x: number, f32: boolean): [string, string, number] {
  const s = Number(shortest(x, f32)).toExponential();
  const [m, e] = s.split("e");
  const [ip, fp = ""] = m.split(".");
  return [ip, fp.slice(0, PRECISION), Number(e)];
}

function elementFormatter(t: Tensor, offsets: number[]): (x: number) => string {
  const v = t.values;
  if (t.dtype === "bool") return (x) => (x ? " True" : "False");
  if (t.dtype === "int32") {
    const w = offsets.reduce((m, o) => Math.max(m, String(v[o]).length), 0);
    return (x) => String(x).padStart(w);
  }
  const f32 = t.dtype === "float32";
  const finite = offsets.map((o) => v[o]).filter((x) => Number.isFinite(x));
  const abs = finite.map(Math.abs).filter((a) => a !== 0);
  const maxA = abs.length ? Math.max(...abs) : 0;
  const minA = abs.length ? Math.min(...abs) : 0;
  const expMode = abs.length > 0 && (maxA >= 1e8 || minA < 1e-4 || maxA / minA > 1e3);
  const special = (x: number): string => (Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");
  let format: (x: number) => string;
  if (expMode) {
    const parts = finite.map((x) => scientific(x, f32));
    const fracW = parts.reduce((m, p) => Math.max(m, p[1].length), 0);
    const intW = parts.reduce((m, p) => Math.max(m, p[0].length), 0);
    const expW = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    format = (x) => {
      if (!Number.isFinite(x)) return special(x);
      const [ip, fp, e] = scientific(x, f32);
      const es = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(expW, "0")}`;
      return `${ip.padStart(intW)}.${fp.padEnd(fracW, "0")}e${es}`;
    };
  } else {
    const parts = finite.map((x) => positional(x, f32));
    const intW = parts.reduce((m, p) => Math.max(m, p[0].length), 0);
    const fracW = parts.reduce((m, p) => Math.max(m, p[1].length), 0);
    format = (x) => {
      if (!Number.isFinite(x)) return special(x);
      const [ip, fp] = positional(x, f32);
      return `${ip.padStart(intW)}.${fp.padEnd(fracW)}`;
    };
  }
  const width = Math.max(
    ...offsets.map((o) => format(v[o]).length),
  );
  return (x) => format(x).padStart(width);
}

function renderArray(t: Tensor, fmt: (x: number) => string, summarize: boolean): string {
  const v = t.values;
  const shape = t.shape;
  const st = strides(shape);
  if (shape.length === 0) return fmt(v[0]).trim();
  const render = (dim: number, off: number, indent: string): string => {
    const idx = visible(shape[dim], summarize);
    if (dim === shape.length - 1) {
      // Wrap the innermost rows at the line width, as NumPy does.
      const lines: string[] = [];
      let line = "[";
      for (const i of idx) {
        const word = i < 0 ? "..." : fmt(v[off + i * st[dim]]);
        const candidate = line === "[" ? line + word : `${line} ${word}`;
        if (line !== "[" && indent.length + candidate.length + 1 > LINE_WIDTH) {
          lines.push(line);
          line = ` ${word}`;
        } else line = candidate;
      }
      lines.push(`${line}]`);
      return lines.join(`\n${indent}`);
    }
    const sep = `${"\n".repeat(shape.length - dim - 1)}${indent} `;
    const parts = idx.map((i) => (i < 0 ? "..." : render(dim + 1, off + i * st[dim], `${indent} `)));
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0, "");
}
