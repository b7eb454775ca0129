import { type SymShape, fmtSymShape } from "../models/symbolic.js";

/**
 * What a layer accepts, checked on every call (Keras' InputSpec): a rank, or bounds on it,
 * and fixed sizes of some axes (negative axes count from the end).
 */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  maxNdim?: number;
  axes?: Record<number, number>;
}

function axisName(axis: number): string {
  return axis === -1 ? "last dimension" : `dimension ${axis}`;
}

/** Throws `Dense "fc": expected input with last dimension 64, got [null, 32]` when `shape` breaks `spec`. */
export function checkInputSpec(label: string, spec: InputSpec, shape: SymShape, index: number): void {
  const which = index >= 0 ? `input ${index}` : "input";
  const fail = (what: string): never => {
    throw new Error(`${label}: expected ${which} with ${what}, got ${fmtSymShape(shape)}`);
  };
  const r = shape.length;
  if (spec.ndim !== undefined && r !== spec.ndim) fail(`rank ${spec.ndim}`);
  if (spec.minNdim !== undefined && r < spec.minNdim) fail(`rank >= ${spec.minNdim}`);
  if (spec.maxNdim !== undefined && r > spec.maxNdim) fail(`rank <= ${spec.maxNdim}`);
  for (const [k, size] of Object.entries(spec.axes ?? {})) {
    const axis = Number(k);
    const a = axis < 0 ? r + axis : axis;
    if (a < 0 || a >= r) fail(`${axisName(axis)} ${size}`);
    const d = shape[a];
    if (d !== null && d !== size) fail(`${axisName(axis)} ${size}`);
  }
}

/** Checks every input shape against a layer's spec(s): one spec for all inputs, or one per input. */
export function checkInputSpecs(label: string, spec: InputSpec | (InputSpec | null)[] | null, shapes: SymShape[]): void {
  if (spec === null) return;
  const specs = Array.isArray(spec) ? spec : [spec];
  if (specs.length > 1 && specs.length !== shapes.length) throw new Error(`${label}: expected ${specs.length} inputs, got ${shapes.length}`);
  shapes.forEach((s, i) => {
    const one = specs.length === 1 ? specs[0] : specs[i];
    if (one) checkInputSpec(label, one, s, shapes.length > 1 ? i : -1);
  });
}
