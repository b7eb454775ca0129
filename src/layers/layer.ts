// The Layer base class: Keras' layer life cycle (construct, build, call, computeOutputShape, getConfig).
import { type TensorLike, toTensor } from "../tensor/create.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { cast } from "../ops/cast.js";
import { div } from "../ops/arithmetic.js";
import { Node, type SymShape, SymbolicTensor, fmtSymShape } from "../models/symbolic.js";
import { scopedPath, toSnakeCase, uniqueName, withNameScope } from "./naming.js";
import { LayerWeight } from "./weight.js";
import { resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject } from "./serialize.js";
import { type InputSpec, checkInputSpecs } from "./input-spec.js";
import { inferOutputShape } from "./infer-shape.js";
import { WeightList } from "./weight-list.js";
import { asInputList, nodeInputs, nodeOutputs, uniqueShape } from "./node-access.js";

export type { InputSpec } from "./input-spec.js";
export { type LayerArgs, type CallOptions, type AddWeightOptions, type ShapeArg, type LayerConfig, isShapeList } from "./layer-types.js";
import { type LayerArgs, type CallOptions, type AddWeightOptions, type ShapeArg, type LayerConfig, isShapeList } from "./layer-types.js";

// Depth of layer calls and the `training` value given explicitly to an enclosing call (if any).
let callDepth = 0;
let contextTraining: boolean | undefined;

/** The `training` value an enclosing layer call was given explicitly (undefined when none was). */
export function currentTraining(): boolean | undefined {
  return contextTraining;
}

type AnyInput = TensorLike | SymbolicTensor;

/**
 * Base class of all layers. A subclass sets `static className`, creates its weights in `build(inputShape)`
 * with `addWeight`, computes in `call(inputs, {training})`, and describes itself in `computeOutputShape`
 * and `getConfig`. `apply` runs a layer on tensors (eagerly) or on symbolic tensors (building a graph).
 * See docs/layers.md.
 *
 * @example
 * const dense = new Dense({ units: 3, activation: "relu" });
 * const y = dense.apply(randomNormal([2, 4])); // builds kernel [4, 3] and bias [3], then runs
 */
export class Layer {
  /** Keras class name, used by summary() and serialization. */
  static className = "Layer";

  name: string;
  readonly dtype: DType;
  built = false;
  /** Input constraints checked on every call (set in the constructor or in build). */
  inputSpec: InputSpec | (InputSpec | null)[] | null = null;
  /** Each symbolic application of this layer, in call order. */
  readonly inboundNodes: Node[] = [];
  readonly activityRegularizer: { call(x: Tensor): Tensor; getConfig(): Record<string, unknown> } | null;
  /** Input shape given at construction (`inputShape` / `batchInputShape`), with the batch dimension. */
  readonly batchInputShape: SymShape | null;
  /** The shape `build` was called with. */
  buildInputShape: ShapeArg | null = null;
  /** Cast float inputs to `dtype` before `call` (as Keras' autocast). */
  protected autocast = true;

  private trainableFlag: boolean;
  /** This layer's own weights, then its sublayers' (see `weights`). */
  protected readonly weightList = new WeightList();
  /** Layers this layer is made of (their weights and losses are this layer's too). */
  protected readonly sublayers: Layer[] = [];
  private ownLosses: Tensor[] = [];

  constructor(args: LayerArgs = {}) {
    const cls = (this.constructor as typeof Layer).className;
    if (args.name !== undefined && (typeof args.name !== "string" || args.name === "" || args.name.includes("/")))
      throw new Error(`${cls}: invalid name ${JSON.stringify(args.name)}: a layer name is a non-empty string without "/"`);
    this.name = args.name ?? uniqueName(toSnakeCase(cls));
    this.dtype = args.dtype ?? "float32";
    this.trainableFlag = args.trainable ?? true;
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer);
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
  }

  /** The Keras class name ("Dense"). */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** "Dense "fc"": how errors name this layer. */
  protected get label(): string {
    return `${this.className} "${this.name}"`;
  }

  // ---- life cycle, overridden by subclasses -------------------------------------------------------

  /** Creates the weights for inputs of `inputShape` (null dims unknown). Called once, before the first call. */
  build(inputShape: ShapeArg): void {
    void inputShape;
  }

  /** The computation. Inputs are one tensor, or a list for multi-input layers. */
  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    void inputs;
    void opts;
    throw new Error(`${this.label}: ${this.className} does not implement call()`);
  }

  /**
   * The output shape(s) for `inputShape`. The default runs `call` on zeros (twice when some dimension
   * is unknown, to tell which output dimensions follow it); layers override it with the exact rule.
   */
  computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const isList = isShapeList(inputShape);
    // The losses the shape-inference call adds go to a scratch list, so this layer's stay as they were.
    const saved = this.ownLosses;
    this.ownLosses = [];
    try {
      const shapes = inferOutputShape(isList ? inputShape : [inputShape], this.dtype, (xs) => this.call(isList ? xs : xs[0], { training: false }));
      return shapes.length === 1 && !isList ? shapes[0] : shapes;
    } finally {
      this.ownLosses = saved;
    }
  }

  /** The dtype of symbolic outputs. */
  computeOutputDtype(inputDtypes: DType[]): DType {
    void inputDtypes;
    return this.dtype;
  }

  /** The constructor arguments that recreate this layer (camelCase Keras keys). */
  getConfig(): LayerConfig {
    const config: LayerConfig = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batchInputShape = [...this.batchInputShape];
    if (this.activityRegularizer) config.activityRegularizer = serializeObject(this.activityRegularizer);
    return config;
  }

  /** A new layer from `getConfig()` output. */
  static fromConfig<T extends Layer>(this: new (args: never) => T, config: LayerConfig): T {
    return new this(config as never);
  }

  // ---- calling -------------------------------------------------------------------------------------

  /**
   * Runs the layer: on tensors it computes (building first if needed); on symbolic tensors (from `Input`)
   * it adds a node to the graph and returns symbolic outputs. A layer with several outputs: `applyAll`.
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], opts?: CallOptions): SymbolicTensor;
  apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  apply(inputs: AnyInput | readonly AnyInput[], opts: CallOptions = {}): Tensor | SymbolicTensor {
    const outs = this.invoke(inputs, opts).outputs;
    if (outs.length !== 1)
      throw new Error(`${this.label} returned ${outs.length} outputs; use applyAll(...) to get them as a list`);
    return outs[0];
  }

  /** Like `apply`, but always returns the list of outputs. */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[], opts?: CallOptions): SymbolicTensor[];
  applyAll(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor[];
  applyAll(inputs: AnyInput | readonly AnyInput[], opts: CallOptions = {}): (Tensor | SymbolicTensor)[] {
    return this.invoke(inputs, opts).outputs;
  }

  /** Calls the layer on a flat list of inputs; `isList` tells whether `call` gets a list. */
  invoke(inputs: AnyInput | readonly AnyInput[], opts: CallOptions = {}, isList?: boolean): { outputs: (Tensor | SymbolicTensor)[]; isList: boolean } {
    const list = asInputList(inputs);
    const asList = isList ?? list !== null;
    const xs = list ?? [inputs as AnyInput];
    const symbolic = xs.filter((x) => x instanceof SymbolicTensor).length;
    if (symbolic > 0 && symbolic < xs.length)
      throw new Error(`${this.label}: inputs mix symbolic tensors (from Input) and concrete tensors; pass all of one kind`);
    if (symbolic > 0) return this.callSymbolic(xs as SymbolicTensor[], asList, opts);
    return this.callEager(xs.map((x) => toTensor(x as TensorLike, this.name)), asList, opts);
  }

  private callEager(xs: Tensor[], isList: boolean, opts: CallOptions): { outputs: Tensor[]; isList: boolean } {
    const outer = callDepth === 0;
    if (outer) this.clearLosses();
    const explicit = opts.training ?? (outer ? undefined : contextTraining);
    const training = explicit ?? false;
    if (this.autocast && isFloat(this.dtype)) xs = xs.map((x) => (isFloat(x.dtype) && x.dtype !== this.dtype ? cast(x, this.dtype) : x));
    this.maybeBuild(isList ? xs.map((x) => x.shape) : xs[0].shape);
    checkInputSpecs(this.label, this.inputSpec, xs.map((x) => x.shape));
    const savedTraining = contextTraining;
    contextTraining = explicit;
    callDepth++;
    let out: Tensor | Tensor[];
    try {
      out = withNameScope(this.name, this, () => this.call(isList ? xs : xs[0], { training }));
    } finally {
      callDepth--;
      contextTraining = savedTraining;
    }
    const outputs = Array.isArray(out) ? out : [out];
    if (this.activityRegularizer)
      for (const y of outputs) {
        const penalty = this.activityRegularizer.call(y);
        this.addLoss(y.rank > 0 && y.shape[0] > 0 ? div(penalty, y.shape[0]) : penalty);
      }
    return { outputs, isList: Array.isArray(out) };
  }

  private callSymbolic(xs: SymbolicTensor[], isList: boolean, opts: CallOptions): { outputs: SymbolicTensor[]; isList: boolean } {
    const shapes = xs.map((x) => x.shape);
    this.maybeBuild(isList ? shapes : shapes[0]);
    checkInputSpecs(this.label, this.inputSpec, shapes);
    const outShape = this.computeOutputShape(isList ? shapes : shapes[0]);
    const outList = isShapeList(outShape);
    const outShapes = outList ? outShape : [outShape];
    const dtype = this.computeOutputDtype(xs.map((x) => x.dtype));
    const outputs = outShapes.map((s, i) => new SymbolicTensor(s, dtype, outShapes.length === 1 ? this.name : `${this.name}_${i}`));
    new Node(this, xs, outputs, { inputIsList: isList, outputIsList: outList, training: opts.training });
    return { outputs, isList: outList };
  }

  /** Builds the layer for `inputShape` unless built. */
  maybeBuild(inputShape: ShapeArg): void {
    if (this.built) return;
    withNameScope(this.name, this, () => this.build(inputShape));
    this.built = true;
    this.buildInputShape = inputShape;
  }

  // ---- weights ---------------------------------------------------------------------------------------

  /** Creates a weight named `name` ("kernel") with path "<layer>/<name>", tracked in `weights`. */
  addWeight(name: string, shape: readonly number[], opts: AddWeightOptions = {}): LayerWeight {
    const dtype = opts.dtype ?? this.dtype;
    for (const d of shape)
      if (!Number.isInteger(d) || d < 0)
        throw new Error(`${this.label}: weight "${name}" has invalid shape ${fmtSymShape(shape)} (are input dimensions unknown?)`);
    const init = resolveInitializer(opts.initializer ?? (isFloat(dtype) ? "glorot_uniform" : "zeros"));
    const value = init.call([...shape], dtype);
    const w = withNameScope(this.name, this, () =>
      new LayerWeight(value, {
        name, path: scopedPath(name), trainable: opts.trainable ?? true, dtype,
        regularizer: resolveRegularizer(opts.regularizer), constraint: resolveConstraint(opts.constraint),
      }));
    this.weightList.add(w);
    return w;
  }

  /** Registers a layer this layer is made of: its weights and losses become this layer's too. */
  protected trackLayer<T extends Layer>(layer: T): T {
    if (!this.sublayers.includes(layer)) this.sublayers.push(layer);
    return layer;
  }

  /** Whether the layer's weights are updated by training; setting it sets every sublayer too (as Keras). */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    this.weightList.setTrainable(value);
    for (const l of this.sublayers) l.trainable = value;
  }

  /** All weights: own trainable, own non-trainable, then each sublayer's (Keras order, no duplicates). */
  get weights(): LayerWeight[] {
    const seen = new Set<LayerWeight>();
    const out: LayerWeight[] = [];
    const push = (w: LayerWeight): void => {
      if (!seen.has(w)) {
        seen.add(w);
        out.push(w);
      }
    };
    this.weightList.all().forEach(push);
    for (const l of this.sublayers) l.weights.forEach(push);
    return out;
  }

  get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }

  /** The current values of `weights`. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value);
  }

  /** Sets every weight, in `weights` order; counts and shapes must match. */
  setWeights(values: readonly TensorLike[]): void {
    const ws = this.weights;
    if (values.length !== ws.length)
      throw new Error(
        `${this.label}.setWeights: expected ${ws.length} arrays (${ws.map((w) => `${w.name} ${fmtSymShape(w.shape)}`).join(", ") || "no weights"}), got ${values.length}`,
      );
    const ts = values.map((v) => toTensor(v, `${this.name}.setWeights`, "float32"));
    ts.forEach((t, i) => {
      const w = ws[i];
      if (t.shape.length !== w.shape.length || t.shape.some((d, j) => d !== w.shape[j]))
        throw new Error(`${this.label}.setWeights: weight ${i} (${w.path}) has shape ${fmtSymShape(w.shape)}, got ${fmtSymShape(t.shape)}`);
    });
    ts.forEach((t, i) => ws[i].assign(t));
  }

  /** The number of scalars in all weights. */
  countParams(): number {
    let n = 0;
    for (const w of this.weights) n += w.value.size;
    return n;
  }

  // ---- losses ----------------------------------------------------------------------------------------

  /** Adds a scalar loss (e.g. an activity penalty) for the current call. */
  addLoss(loss: Tensor): void {
    this.ownLosses.push(loss);
  }

  /** Losses of the last call (this layer and sublayers), then weight regularization penalties, now. */
  get losses(): Tensor[] {
    const out = [...this.ownLosses];
    for (const l of this.flattenLayers(false)) out.push(...l.ownLosses);
    for (const w of this.trainableWeights) if (w.regularizer) out.push(w.regularizer.call(toTensor(w)));
    return out;
  }

  /** Forgets the losses of the previous call (done at the start of every outermost call). */
  clearLosses(): void {
    // A fresh array only when there was something to forget: a predict clears every layer of the model.
    if (this.ownLosses.length !== 0) this.ownLosses = [];
    for (const l of this.sublayers) l.clearLosses();
  }

  /** This layer (optionally) and every layer nested in it, depth first, each once. */
  flattenLayers(includeSelf = true): Layer[] {
    const out: Layer[] = [];
    const seen = new Set<Layer>();
    const visit = (l: Layer, self: boolean): void => {
      if (seen.has(l)) return;
      seen.add(l);
      if (self) out.push(l);
      for (const s of l.sublayers) visit(s, true);
    };
    visit(this, includeSelf);
    return out;
  }

  // ---- graph accessors -------------------------------------------------------------------------------

  /** Input(s) of the first call on symbolic tensors. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    return nodeInputs(this, 0);
  }

  /** Output(s) of the first call on symbolic tensors. */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return nodeOutputs(this, 0);
  }

  getInputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return nodeInputs(this, nodeIndex);
  }

  getOutputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[] {
    return nodeOutputs(this, nodeIndex);
  }

  /** Input shape(s); an error when the layer was called on inputs of different shapes. */
  get inputShape(): SymShape | SymShape[] {
    return uniqueShape(this, "inputShape");
  }

  /** Output shape(s); an error when the layer was called on inputs of different shapes. */
  get outputShape(): SymShape | SymShape[] {
    return uniqueShape(this, "outputShape");
  }

  toString(): string {
    return `<${this.className} name=${this.name} built=${this.built}>`;
  }
}
