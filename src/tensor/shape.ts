/** Shape arithmetic shared by ops and kernels. Shapes are plain number arrays, row-major. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(s: Shape): string {
  return `[${s.join(", ")}]`;
}

/** NumPy broadcasting of two shapes; the error names the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new Error(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`,
      );
  }
  return out;
}

/** Normalizes a possibly negative axis; the error names the op, the axis and the rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    if (!(rank === 0 && (axis === 0 || axis === -1)))
      throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes a list of axes (undefined means all), sorted and without duplicates. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const set = new Set(out);
  if (set.size !== out.length) throw new RangeError(`${op}: repeated axis in ${fmtShape(list)}`);
  return [...set].sort((x, y) => x - y);
}

/**
 * Strides of `shape` when read as if broadcast to `outShape`: 0 on broadcast dimensions.
 * `shape` is right-aligned against `outShape`.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : st[i];
  return out;
}

export function assertShape(op: string, shape: Shape): void {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`${op}: invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
}

/** The input shape with reduced axes set to 1 (what keepDims gives, and what gradients broadcast from). */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
