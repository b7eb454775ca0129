import { type TensorLike, onesLike, toTensor, zerosLike } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { backprop } from "./backprop.js";
import { Tape, popTape, pushTape } from "./tape.js";
import { Variable } from "./variable.js";

export type Source = Tensor | Variable;

export interface GradientTapeOptions {
  /** Allow `gradient` to be called more than once (the tape keeps its records). */
  persistent?: boolean;
  /** Watch trainable variables read while recording (default true, as in TensorFlow). */
  watchAccessedVariables?: boolean;
}

export interface GradientOptions {
  /** Seed gradients of the target (default ones: the gradient of the sum). */
  outputGradients?: TensorLike | TensorLike[];
  /** What an unconnected source gets: zeros (default) or null. */
  unconnectedGradients?: "zero" | "none";
}

/**
 * Records the ops run inside `run(...)` (or between `start()` and `stop()`) and differentiates
 * them, as TensorFlow's `tf.GradientTape` does.
 *
 * @example
 * const tape = new GradientTape();
 * const loss = tape.run(() => mean(square(sub(matmul(x, w), y))));
 * const [dw] = tape.gradient(loss, [w]);
 */
export class GradientTape {
  private readonly tape: Tape;
  private readonly persistent: boolean;
  private used = false;
  private depth = 0;

  constructor(opts: GradientTapeOptions = {}) {
    this.persistent = opts.persistent ?? false;
    this.tape = new Tape(opts.watchAccessedVariables ?? true);
  }

  /** Runs `f` while recording and returns its result. */
  run<T>(f: () => T): T {
    this.start();
    try {
      return f();
    } finally {
      this.stop();
    }
  }

  /** Starts recording (pair with `stop`). */
  start(): this {
    if (this.depth++ === 0) pushTape(this.tape);
    return this;
  }

  stop(): this {
    if (this.depth > 0 && --this.depth === 0) popTape(this.tape);
    return this;
  }

  /** Runs `f` with this tape paused, like `tape.stop_recording()`. */
  stopRecording<T>(f: () => T): T {
    const was = this.tape.recording;
    this.tape.recording = false;
    try {
      return f();
    } finally {
      this.tape.recording = was;
    }
  }

  /** Marks tensors or variables to differentiate with respect to. */
  watch(...xs: Source[]): void {
    for (const x of xs) {
      const t = x instanceof Variable ? x.value : x;
      if (!isFloat(t.dtype)) throw new TypeError(`GradientTape.watch: cannot watch a ${t.dtype} tensor; only float tensors have gradients`);
      this.tape.watch(t);
      if (x instanceof Variable) this.tape.variableReads.set(x, t);
    }
  }

  /** Drops everything recorded so far. */
  reset(): void {
    this.tape.records = [];
    this.tape.watched.clear();
    this.tape.variableReads.clear();
    this.used = false;
  }

  gradient(target: Tensor | Tensor[], sources: Source, opts?: GradientOptions & { unconnectedGradients?: "zero" }): Tensor;
  gradient(target: Tensor | Tensor[], sources: Source[], opts?: GradientOptions & { unconnectedGradients?: "zero" }): Tensor[];
  gradient(target: Tensor | Tensor[], sources: Source, opts: GradientOptions): Tensor | null;
  gradient(target: Tensor | Tensor[], sources: Source[], opts: GradientOptions): (Tensor | null)[];
  /** The gradient of `target` (summed, or seeded by outputGradients) with respect to each source. */
  gradient(target: Tensor | Tensor[], sources: Source | Source[], opts: GradientOptions = {}): Tensor | null | (Tensor | null)[] {
    if (this.used && !this.persistent)
      throw new Error("GradientTape.gradient can only be called once on a non-persistent tape; pass { persistent: true } to call it again");
    this.used = true;
    const targets = Array.isArray(target) ? target : [target];
    for (const t of targets)
      if (!isFloat(t.dtype)) throw new TypeError(`GradientTape.gradient: target has dtype ${t.dtype}; only float targets can be differentiated`);
    const seedsIn = opts.outputGradients === undefined ? undefined : Array.isArray(opts.outputGradients) && targets.length > 1 ? (opts.outputGradients as TensorLike[]) : [opts.outputGradients as TensorLike];
    const seeds = targets.map((t, i) => {
      if (seedsIn === undefined) return onesLike(t);
      const s = toTensor(seedsIn[i], "GradientTape.gradient", t.dtype);
      if (!shapesEqual(s.shape, t.shape))
        throw new Error(`GradientTape.gradient: output gradient ${i} has shape ${fmtShape(s.shape)}, target has ${fmtShape(t.shape)}`);
      return s;
    });
    const list = Array.isArray(sources) ? sources : [sources];
    const srcTensors = list.map((s) => (s instanceof Variable ? (this.tape.variableReads.get(s) ?? s.value) : s));
    // Only watched sources are differentiable (an unwatched, non-trainable variable is unconnected).
    const ids = srcTensors.map((t) => t.id).filter((id) => this.tape.watched.has(id));
    const grads = backprop(this.tape, targets, seeds, new Set(ids), !this.persistent);
    if (!this.persistent) {
      this.tape.records = [];
      this.tape.watched.clear();
    }
    const out = srcTensors.map((t) => grads.get(t.id) ?? (opts.unconnectedGradients === "none" ? null : zerosLike(t)));
    return Array.isArray(sources) ? out : out[0];
  }
}
