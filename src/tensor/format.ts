import type { Tensor } from "./tensor.js";

/** Formats like TensorFlow's repr: `tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)`. */
export function formatTensor(t: Tensor, maxPerAxis = 6): string {
  const v = t.values;
  const isFloat = t.dtype === "float32" || t.dtype === "float64";
  const fmt = (x: number): string => {
    if (t.dtype === "bool") return x ? "True" : "False";
    if (!isFloat) return String(x);
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.`;
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-4 || a >= 1e16)) return x.toExponential(4);
    return String(Number(x.toPrecision(t.dtype === "float32" ? 7 : 8)));
  };
  const shape = t.shape;
  const cells: string[] = [];
  const collect = (dim: number, offset: number, stride: number[]): void => {
    if (dim === shape.length) {
      cells.push(fmt(v[offset]));
      return;
    }
    for (const i of visible(shape[dim], maxPerAxis)) if (i >= 0) collect(dim + 1, offset + i * stride[dim], stride);
  };
  const stride: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = acc;
    acc *= shape[d];
  }
  collect(0, 0, stride);
  const width = cells.reduce((m, c) => Math.max(m, c.length), 0);
  let k = 0;
  const render = (dim: number, indent: string): string => {
    if (dim === shape.length) return cells[k++].padStart(width);
    const parts = visible(shape[dim], maxPerAxis).map((i) => (i < 0 ? "..." : render(dim + 1, indent + " ")));
    const sep = dim === shape.length - 1 ? " " : "\n".repeat(shape.length - dim - 1) + indent + " ";
    return `[${parts.join(sep)}]`;
  };
  const body = t.size === 0 ? "[]" : render(0, "");
  const shapeStr = `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
  const nl = shape.length >= 2 ? "\n" : "";
  return `Tensor(${nl}${body}, shape=${shapeStr}, dtype=${t.dtype})`;
}

/** Indices shown along an axis of length n: all, or the first and last few around -1 ("..."). */
function visible(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const h = Math.floor(max / 2);
  return [...Array.from({ length: h }, (_, i) => i), -1, ...Array.from({ length: h }, (_, i) => n - h + i)];
}
