import { isFloat } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { setVariableReadHook } from "../tensor/create.js";

/**
 * The gradient rule of one op application: given the gradients of its outputs (one per output),
 * the gradients of its inputs (null where an input gets none). Written with ops, so it is
 * itself recorded by any outer tape and gradients of gradients work. `needs[k]` is false when
 * input k's gradient would be discarded, so an expensive rule (a conv's input gradient) may skip it.
 */
export type BackwardFn = (dys: Tensor[], needs: readonly boolean[]) => (Tensor | null)[];

export interface TapeRecord {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly backward: BackwardFn;
}

/** A recording context. GradientTape and grad() are built on it. */
export class Tape {
  readonly watched = new Set<number>();
  records: TapeRecord[] = [];
  recording = true;
  /** Tensor id last read from each variable while recording (for gradients w.r.t. variables). */
  readonly variableReads = new Map<object, Tensor>();

  constructor(readonly watchAccessedVariables = true) {}

  watch(t: Tensor): void {
    if (isFloat(t.dtype)) this.watched.add(t.id);
  }
}

const activeTapes: Tape[] = [];

export function pushTape(t: Tape): void {
  activeTapes.push(t);
}

export function popTape(t: Tape): void {
  const i = activeTapes.lastIndexOf(t);
  if (i >= 0) activeTapes.splice(i, 1);
}

/** True when some tape is recording: ops may skip building gradient closures otherwise. */
export function isRecording(): boolean {
  for (const t of activeTapes) if (t.recording) return true;
  return false;
}

/** Called by toTensor when a Variable is read: trainable variables are watched, as in TensorFlow. */
export function noteVariableRead(v: { value: Tensor; trainable?: boolean }): void {
  for (const t of activeTapes) {
    if (!t.recording) continue;
    if (t.watchAccessedVariables && v.trainable !== false) t.watch(v.value);
    if (t.watched.has(v.value.id)) t.variableReads.set(v, v.value);
  }
}

/**
 * Records an op application on every recording tape that watches one of its inputs.
 * Returns `output` so that ops can `return record(...)`.
 */
export function record<T extends Tensor | Tensor[]>(
  name: string,
  inputs: readonly Tensor[],
  output: T,
  backward: BackwardFn,
): T {
  if (activeTapes.length === 0) return output;
  const outputs: readonly Tensor[] = Array.isArray(output) ? (output as Tensor[]) : [output as Tensor];
  for (const tape of activeTapes) {
    if (!tape.recording) continue;
    let hit = false;
    for (const x of inputs) if (tape.watched.has(x.id)) hit = true;
    if (!hit) continue;
    tape.records.push({ name, inputs, outputs, backward });
    for (const y of outputs) if (isFloat(y.dtype)) tape.watched.add(y.id);
  }
  return output;
}

/** Runs `f` with every tape paused: nothing it computes is differentiated. */
export function noGrad<T>(f: () => T): T {
  const paused = activeTapes.filter((t) => t.recording);
  for (const t of paused) t.recording = false;
  try {
    return f();
  } finally {
    for (const t of paused) t.recording = true;
  }
}

setVariableReadHook(noteVariableRead as (v: { value: Tensor }) => void);
