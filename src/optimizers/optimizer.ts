// The optimizer base: Keras 3's apply pipeline (filter null gradients, clip, decoupled weight decay,
// per-variable update step, constraints, iteration count), with slot variables created per variable.
import { Variable } from "../autograd/variable.js";
import { noGrad } from "../autograd/tape.js";
import { GradientTape } from "../autograd/gradient-tape.js";
import { mul, div, maximum, minimum, sub, add } from "../ops/arithmetic.js";
import { clip, sqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { scalar, zeros, full } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { camelConfig } from "./config.js";
import { LearningRateSchedule, deserializeSchedule, serializeSchedule } from "./schedules.js";
import { SlotVariable } from "./slot.js";

/** Options every optimizer takes (Keras' base optimizer arguments, camelCase). */
export interface OptimizerOptions {
  /** A constant rate or a schedule evaluated at `iterations` each step. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: each step, before the update, w -= w * weightDecay * learningRate. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Scale all gradients together so that their joint L2 norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
  /**
   * Update each variable in one pass of a fused kernel where the optimizer has one (Adam, AdamW,
   * SGD, RMSprop on float32/float64): the same bits as the composite ops, without their weight-sized
   * temporaries. Default true; false runs the composite ops (the reference). Not part of the config.
   */
  fused?: boolean;
}

/** A gradient (null: the variable gets none this step) and the variable it updates. */
export type GradientPair = readonly [Tensor | null, Variable];

/** Pairs gradients with variables, for `applyGradients(zip(grads, vars))`. */
export function zip(grads: readonly (Tensor | null)[], vars: readonly Variable[]): GradientPair[] {
  if (grads.length !== vars.length)
    throw new RangeError(`zip: got ${grads.length} gradients for ${vars.length} variables; pass one gradient (or null) per variable`);
  return grads.map((g, i) => [g, vars[i]] as const);
}

/** Something that maps a weight to its constrained value (a Constraint, or a function). */
type ConstraintLike = ((w: Tensor) => Tensor) | { call(w: Tensor): Tensor };

const nameCounts = new Map<string, number>();
function autoName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Keras' snake_case name of a class (its to_snake_case): "RMSprop" -> "rm_sprop", "AdamW" -> "adam_w". */
export function snakeName(cls: string): string {
  return cls.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * The base of every optimizer. Subclasses name their slot groups and write `updateStep`.
 *
 * @example
 * const opt = new Adam({ learningRate: 1e-3 });
 * opt.applyGradients(zip(tape.gradient(loss, vars), vars));
 */
export abstract class Optimizer {
  readonly name: string;
  weightDecay: number | null;
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
  /** Whether updates run as one fused kernel per variable where available (see OptimizerOptions.fused). */
  fused: boolean;
  /** The step counter (Keras' `iterations`), an int32 scalar variable. */
  readonly iterationsVariable: Variable;
  private lr: Variable | LearningRateSchedule;
  private readonly slotMap = new Map<Variable, Map<string, SlotVariable>>();
  private readonly known: Variable[] = [];
  private excludedVars = new Set<Variable>();
  private excludedPattern: RegExp | null = null;

  constructor(o: OptimizerOptions, defaultLearningRate: number) {
    const cls = this.constructor.name;
    this.name = o.name ?? autoName(snakeName(cls));
    this.weightDecay = o.weightDecay ?? null;
    this.clipnorm = o.clipnorm ?? null;
    this.clipvalue = o.clipvalue ?? null;
    this.globalClipnorm = o.globalClipnorm ?? null;
    this.fused = o.fused ?? true;
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clips > 1) throw new Error(`${cls}: set at most one of clipnorm, clipvalue and globalClipnorm`);
    this.iterationsVariable = new Variable(scalar(0, "int32"), { name: `${this.name}/iteration`, trainable: false });
    const lr = o.learningRate ?? defaultLearningRate;
    if (lr instanceof LearningRateSchedule) this.lr = lr;
    else if (typeof lr === "number" && Number.isFinite(lr))
      this.lr = new Variable(scalar(lr), { name: `${this.name}/learning_rate`, trainable: false });
    else throw new TypeError(`${cls}: learningRate must be a number or a LearningRateSchedule, got ${String(lr)}`);
  }

  /** Completed update steps. */
  get iterations(): number {
    return this.iterationsVariable.value.item();
  }

  /** The learning rate for the coming step (a schedule is evaluated at `iterations`). */
  get learningRate(): number {
    return this.lr instanceof LearningRateSchedule ? this.lr.call(this.iterations) : this.lr.value.item();
  }

  /** Sets a constant learning rate (not allowed when the optimizer was built with a schedule). */
  set learningRate(v: number) {
    if (this.lr instanceof LearningRateSchedule)
      throw new Error(`${this.constructor.name}: this optimizer uses a LearningRateSchedule; its learning rate cannot be set`);
    this.lr.assign(scalar(v));
  }

  /** The schedule, when the learning rate is one. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.lr instanceof LearningRateSchedule ? this.lr : null;
  }

  /** Slot names, grouped as Keras creates them (each group interleaved per variable). */
  protected abstract slotGroups(): string[][];

  /** The initial value of a slot (zero unless the optimizer says otherwise). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }

  /** Updates one variable from its (clipped) gradient; `lr` is the step's learning rate. */
  protected abstract updateStep(grad: Tensor, v: Variable, lr: number): void;

  /**
   * The fused form of `updateStep` (one kernel pass), with the variable's decoupled weight decay
   * (null: none) folded in. Optimizers without one leave it undefined.
   */
  protected fusedUpdate?(grad: Tensor, v: Variable, lr: number, weightDecay: number | null): void;

  /**
   * Whether `v` takes the fused update: enabled, defined, and gradient, variable and slots of one
   * float dtype. (Updates never record on a tape: `apply` runs them under noGrad.)
   */
  private fusesUpdate(g: Tensor, v: Variable): boolean {
    if (!this.fused || this.fusedUpdate === undefined) return false;
    if (g.dtype !== v.dtype || (v.dtype !== "float32" && v.dtype !== "float64")) return false;
    const slots = this.slotMap.get(v);
    if (slots) for (const s of slots.values()) if (s.dtype !== v.dtype) return false;
    return true;
  }

  /** Runs once per step before the per-variable updates (Nadam keeps a running product here). */
  protected beforeUpdates(_vars: readonly Variable[]): void {}

  /** Extra optimizer-level state, appended to `variables` (Nadam's product). */
  protected extraVariables(): Variable[] {
    return [];
  }

  /** The slot `slot` of variable `v` (created on first use). */
  protected slot(v: Variable, slot: string): SlotVariable {
    const s = this.slotMap.get(v)?.get(slot);
    if (!s) throw new Error(`${this.constructor.name}: no slot "${slot}" for variable "${v.name}"`);
    return s;
  }

  /** Creates the slots of variables not seen before (Keras' build, one variable at a time). */
  build(vars: readonly Variable[]): void {
    for (const v of vars) {
      if (this.slotMap.has(v)) continue;
      const slots = new Map<string, SlotVariable>();
      // Keras names slots after the variable's path ("dense/kernel" -> "dense_kernel_momentum").
      const base = ((v as unknown as { path?: string }).path ?? v.name).replace(/[/:]/g, "_");
      for (const group of this.slotGroups())
        for (const s of group)
          slots.set(s, new SlotVariable(full(v.shape, this.slotInitialValue(s), v.dtype), { name: `${this.name}/${base}_${s}`, trainable: false }));
      this.slotMap.set(v, slots);
      this.known.push(v);
    }
  }

  /**
   * Optimizer state in Keras' order: iteration, learning rate (unless a schedule), then each slot
   * group over the variables in the order they were first seen, then optimizer-specific state.
   */
  get variables(): Variable[] {
    const out: Variable[] = [this.iterationsVariable];
    if (this.lr instanceof Variable) out.push(this.lr);
    for (const group of this.slotGroups()) for (const v of this.known) for (const s of group) out.push(this.slot(v, s));
    return [...out, ...this.extraVariables()];
  }

  /** Leaves these variables (or those whose name matches one of `varNames`) out of weight decay. */
  excludeFromWeightDecay(opts: { variables?: Variable[]; varNames?: string[] }): void {
    this.excludedVars = new Set(opts.variables ?? []);
    const names = opts.varNames ?? [];
    this.excludedPattern = names.length ? new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : null;
  }

  private useWeightDecay(v: Variable): boolean {
    if (this.excludedVars.has(v)) return false;
    return !(this.excludedPattern && this.excludedPattern.test(v.name));
  }

  /** Applies one step; pairs with a null gradient are skipped, as in Keras. Returns `iterations`. */
  applyGradients(pairs: Iterable<GradientPair>): number {
    const list = [...pairs];
    return this.apply(list.map((p) => p[0]), list.map((p) => p[1]));
  }

  /**
   * Computes `loss()` under a GradientTape and applies its gradients to `vars` (null gradients, of
   * variables the loss does not use, are skipped). Returns the loss.
   *
   * @example
   * const w = new Variable(tensor([3]));
   * const opt = new SGD({ learningRate: 0.1 });
   * for (let i = 0; i < 100; i++) opt.minimize(() => sum(square(w)), [w]);
   */
  minimize(loss: () => Tensor, vars: readonly Variable[]): Tensor {
    const tape = new GradientTape();
    const value = tape.run(loss);
    this.apply(tape.gradient(value, [...vars], { unconnectedGradients: "none" }), vars);
    return value;
  }

  /** Applies one step from parallel lists of gradients and variables. Returns `iterations`. */
  apply(grads: readonly (Tensor | null)[], vars: readonly Variable[]): number {
    const cls = this.constructor.name;
    if (grads.length !== vars.length) throw new RangeError(`${cls}.apply: got ${grads.length} gradients for ${vars.length} variables`);
    if (grads.length === 0) return this.iterations;
    noGrad(() => {
      const gs: Tensor[] = [];
      const vs: Variable[] = [];
      grads.forEach((g, i) => {
        if (g === null || g === undefined) return;
        const v = vars[i];
        if (!shapesEqual(g.shape, v.shape))
          throw new RangeError(`${cls}: gradient of shape ${fmtShape(g.shape)} for variable "${v.name}" of shape ${fmtShape(v.shape)}`);
        gs.push(g);
        vs.push(v);
      });
      if (gs.length === 0) throw new Error(`${cls}: no gradients provided for any variable (all were null)`);
      this.build(vs);
      const clipped = this.clipGradients(gs);
      const lr = this.learningRate;
      // A variable listed twice keeps the op path (decay all, then update each time, as Keras does).
      const once = new Set(vs).size === vs.length;
      const fused = vs.map((v, i) => once && this.fusesUpdate(clipped[i], v));
      // Decay touches only its own variable, so a fused update may fold it in after other variables' updates.
      this.applyWeightDecay(vs.filter((_, i) => !fused[i]), lr);
      this.beforeUpdates(vs);
      vs.forEach((v, i) => {
        if (fused[i]) this.fusedUpdate!(clipped[i], v, lr, this.decayOf(v));
        else this.updateStep(clipped[i], v, lr);
      });
      for (const v of vs) {
        const c = (v as unknown as { constraint?: ConstraintLike | null }).constraint;
        if (c) v.assign(typeof c === "function" ? c(v.value) : c.call(v.value));
      }
    });
    this.iterationsVariable.assign(scalar(this.iterations + 1, "int32"));
    return this.iterations;
  }

  private clipGradients(gs: Tensor[]): Tensor[] {
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const c = this.clipnorm;
      return gs.map((g) => div(mul(g, c), maximum(sqrt(sum(square(g))), c)));
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const c = this.globalClipnorm;
      let total: Tensor = zeros([], gs[0].dtype);
      for (const g of gs) total = add(total, sum(square(g)));
      const norm = sqrt(total);
      // c * min(1/norm, 1/c): a no-op below the limit; NaN when the norm is not finite, as in Keras.
      const scale = add(mul(minimum(div(1, norm), 1 / c), c), sub(norm, norm));
      return gs.map((g) => mul(g, scale));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const c = this.clipvalue;
      return gs.map((g) => clip(g, -c, c));
    }
    return gs;
  }

  private applyWeightDecay(vs: Variable[], lr: number): void {
    if (this.weightDecay === null) return;
    for (const v of vs) if (this.useWeightDecay(v)) v.assignSub(mul(mul(v.value, this.weightDecay), lr));
  }

  /** The decoupled weight decay rate of `v` this step (null: none). */
  private decayOf(v: Variable): number | null {
    return this.weightDecay !== null && this.useWeightDecay(v) ? this.weightDecay : null;
  }

  /** The float rounding of `v`'s dtype, for scalar math that Keras does in that dtype. */
  protected rounder(v: Variable): (x: number) => number {
    return v.dtype === "float32" ? Math.fround : (x: number) => x;
  }

  /** Rebuilds an optimizer from `getConfig()` output, or from a Keras config (snake_case keys). */
  static fromConfig<T extends Optimizer>(this: new (o: never) => T, config: Record<string, unknown>): T {
    const o = camelConfig(config);
    o.learningRate = learningRateFromConfig(o.learningRate);
    return new this(o as never);
  }

  /** Keras' config keys (camelCase): the base ones, then the optimizer's own. */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learningRate: this.lr instanceof LearningRateSchedule ? serializeSchedule(this.lr) : this.learningRate,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
    };
  }
}

/** Turns a serialized learning rate (a number or a schedule's `{className, config}`) into an option. */
export function learningRateFromConfig(x: unknown): number | LearningRateSchedule | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === "number" || x instanceof LearningRateSchedule) return x;
  return deserializeSchedule(x);
}
