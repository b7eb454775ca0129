// The functional Model: a graph of layer calls from symbolic inputs to symbolic outputs, itself a Layer.
import { isRecording, noGrad } from "../autograd/tape.js";
import { holdThreads } from "../backends/index.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { concat, slice } from "../ops/movement.js";
import { Layer, type CallOptions, type LayerArgs, type LayerConfig, type ShapeArg, currentTraining, isShapeList } from "../layers/layer.js";
import { registerLayer } from "../layers/registry.js";
import { type Graph, mapGraph } from "./graph.js";
import { type InferencePlan, buildInferencePlan, fusionDisabledByEnv } from "./inference-plan.js";
import { runPlan } from "./plan-run.js";
import { PlanRecorder } from "./plan-recording.js";
import { type TrainingFusion, buildTrainingFusion, runTrainingFused } from "./training-fusion.js";
import { type Node, type SymShape, SymbolicTensor, fmtSymShape } from "./symbolic.js";
import { functionalConfig, functionalFromConfig } from "./functional-config.js";
import { type SummaryOptions, formatSummary } from "./summary.js";
import type { Optimizer } from "../optimizers/optimizer.js";
import * as training from "../training/model-methods.js";

export interface ModelArgs {
  /** The model's Input(s) (or intermediate symbolic tensors, for a sub-graph). */
  inputs?: SymbolicTensor | readonly SymbolicTensor[];
  outputs?: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
  trainable?: boolean;
}

export interface PredictOptions {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
}

/**
 * A functional model: the layers between `inputs` and `outputs`, run in topological order. A Model is a
 * Layer, so it can be called inside another model; layers called twice share their weights.
 *
 * @example
 * const x = Input({ shape: [32] });
 * const h = new Dense({ units: 64, activation: "relu" }).apply(x);
 * const model = new Model({ inputs: x, outputs: new Dense({ units: 10 }).apply(h) });
 * model.predict(randomNormal([100, 32])); // [100, 10]
 */
export class Model extends Layer {
  static override className = "Functional";

  /** Graph inputs and outputs (empty until the graph exists). */
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected inputIsList = false;
  protected outputIsList = false;
  protected graph: Graph | null = null;
  /**
   * Run conv/dense -> BatchNormalization -> activation chains fused (batch norm folded into the weights, one
   * bias+activation pass) when called in inference mode with no gradient tape recording. Same outputs within
   * float32 rounding; set false (or DEEPTS_FUSE=0 for the process) to run every layer as written.
   */
  fuseInference = true;
  private inferencePlanCache: InferencePlan | null = null;
  private recorderCache: { plan: InferencePlan; outer: boolean | undefined; recorder: PlanRecorder } | null = null;
  /**
   * In training mode, run each BatchNormalization whose output only a relu layer reads as one relu-fused batch
   * norm (the relu in the norm's passes, forward and backward). Same results within float32 rounding; set false
   * (or DEEPTS_FUSE=0 for the process) to run every layer as written.
   */
  fuseTraining = true;
  private trainingFusionCache: TrainingFusion | null = null;

  constructor(args: ModelArgs = {}) {
    super({ name: args.name, trainable: args.trainable } as LayerArgs);
    if (args.inputs !== undefined || args.outputs !== undefined) {
      if (args.inputs === undefined || args.outputs === undefined)
        throw new Error(`Model "${this.name}": give both inputs and outputs (symbolic tensors from Input() and layer calls)`);
      this.initGraph(args.inputs, args.outputs);
    }
  }

  /** Makes this model the graph from `inputs` to `outputs`. */
  protected initGraph(inputs: SymbolicTensor | readonly SymbolicTensor[], outputs: SymbolicTensor | readonly SymbolicTensor[]): void {
    const ins = Array.isArray(inputs) ? [...inputs] : [inputs as SymbolicTensor];
    const outs = Array.isArray(outputs) ? [...outputs] : [outputs as SymbolicTensor];
    for (const t of [...ins, ...outs])
      if (!(t instanceof SymbolicTensor))
        throw new TypeError(`${this.label}: inputs and outputs must be symbolic tensors (from Input() and layer.apply), got ${String(t)}`);
    this.graph = mapGraph(ins, outs, this.label);
    this.inputs = ins;
    this.outputs = outs;
    this.inputIsList = Array.isArray(inputs);
    this.outputIsList = Array.isArray(outputs);
    this.sublayers.length = 0;
    for (const l of this.graph.layers) this.trackLayer(l);
    this.built = true;
    this.buildInputShape = this.inputIsList ? ins.map((t) => t.shape) : ins[0].shape;
  }

  /** The model's layers, inputs first (Keras order). */
  get layers(): Layer[] {
    return this.graph ? [...this.graph.layers] : [...this.sublayers];
  }

  /** The layer called `name`, or at position `index` of `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === "number") {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 0 || nameOrIndex >= layers.length)
        throw new RangeError(`${this.label}.getLayer: index ${nameOrIndex} is out of range; the model has ${layers.length} layers`);
      return layers[nameOrIndex];
    }
    const found = layers.find((l) => l.name === nameOrIndex);
    if (!found)
      throw new Error(`${this.label}.getLayer: no layer named "${nameOrIndex}"; layers: ${layers.map((l) => l.name).join(", ")}`);
    return found;
  }

  /** The graph's input(s): what `new Model({inputs: ...})` was given. */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    this.requireGraph("input");
    return this.inputIsList ? [...this.inputs] : this.inputs[0];
  }

  override get output(): SymbolicTensor | SymbolicTensor[] {
    this.requireGraph("output");
    return this.outputIsList ? [...this.outputs] : this.outputs[0];
  }

  override get inputShape(): SymShape | SymShape[] {
    this.requireGraph("inputShape");
    return this.inputIsList ? this.inputs.map((t) => t.shape) : this.inputs[0].shape;
  }

  override get outputShape(): SymShape | SymShape[] {
    this.requireGraph("outputShape");
    return this.outputIsList ? this.outputs.map((t) => t.shape) : this.outputs[0].shape;
  }

  protected requireGraph(what: string): Graph {
    if (!this.graph) throw new Error(`${this.label} has no ${what} yet: it is not built (give it an input shape, or call it on data once)`);
    return this.graph;
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor | Tensor[] {
    const graph = this.graph;
    if (!graph) return super.call(inputs, opts);
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    if (xs.length !== this.inputs.length)
      throw new Error(`${this.label}: expected ${this.inputs.length} input(s), got ${xs.length}`);
    this.inputs.forEach((t, i) => checkCompatible(this.label, t, xs[i], i));
    // An explicit outer `training` wins over one fixed at graph-building time (as Keras).
    const outer = currentTraining();
    const plan = outer !== true && this.fuseInference && !isRecording() && !fusionDisabledByEnv() ? this.inferencePlan(graph) : null;
    const outs = plan ? this.recorderOf(plan, outer).call(xs) : this.runGraph(graph, xs, outer, null);
    return this.outputIsList ? outs : outs[0];
  }

  /** The outputs for xs: the plan's steps when given, else every node as written (training fusion aside). */
  private runGraph(graph: Graph, xs: Tensor[], outer: boolean | undefined, plan: InferencePlan | null): Tensor[] {
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, xs[i]));
    const runNode = (node: Node): void => {
      const args = node.inputs.map((t) => values.get(t));
      if (args.some((a) => a === undefined)) return;
      const { outputs } = node.layer.invoke(node.inputIsList ? (args as Tensor[]) : args[0]!, { training: outer ?? node.training }, node.inputIsList);
      node.outputs.forEach((t, i) => values.set(t, outputs[i] as Tensor));
    };
    if (plan) {
      holdThreads(true);
      try {
        runPlan(plan, values, outer, runNode);
      } finally {
        holdThreads(false);
      }
    } else {
      const fusion = this.fuseTraining && !fusionDisabledByEnv() ? this.trainingFusion(graph) : null;
      for (const d of graph.depths)
        for (const node of graph.nodesByDepth.get(d)!) {
          if (node.isInput) continue;
          if (fusion && runTrainingFused(fusion, node, values, (outer ?? node.training) === true)) continue;
          runNode(node);
        }
    }
    return this.outputs.map((t) => {
      const v = values.get(t);
      if (!v) throw new Error(`${this.label}: could not compute output ${t.name} from the inputs`);
      return v;
    });
  }

  /** The recorder of the plan's runs with this outer training flag (see plan-recording.ts). */
  private recorderOf(plan: InferencePlan, outer: boolean | undefined): PlanRecorder {
    const c = this.recorderCache;
    if (c && c.plan === plan && c.outer === outer) return c.recorder;
    const recorder = new PlanRecorder((xs) => this.runGraph(plan.graph, xs, outer, plan), () => plan.pool.forget(), () => this.weights);
    this.recorderCache = { plan, outer, recorder };
    return recorder;
  }

  /** The inference plan of the current graph (built on first use, rebuilt when the graph changes). */
  private inferencePlan(graph: Graph): InferencePlan {
    if (this.inferencePlanCache?.graph !== graph) this.inferencePlanCache = buildInferencePlan(graph, this.outputs);
    return this.inferencePlanCache;
  }

  /** The training-time fusion of the current graph (built on first use, rebuilt when the graph changes). */
  private trainingFusion(graph: Graph): TrainingFusion {
    if (this.trainingFusionCache?.graph !== graph) this.trainingFusionCache = buildTrainingFusion(graph, this.outputs);
    return this.trainingFusionCache;
  }

  /** Output shape(s) for `inputShape`, propagated through each layer's computeOutputShape. */
  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const graph = this.graph;
    if (!graph) return super.computeOutputShape(inputShape);
    const list = this.inputIsList || isShapeList(inputShape) ? (inputShape as SymShape[]) : [inputShape as SymShape];
    const shapes = new Map<SymbolicTensor, SymShape>();
    this.inputs.forEach((t, i) => shapes.set(t, list[i]));
    for (const d of graph.depths)
      for (const node of graph.nodesByDepth.get(d)!) {
        if (node.isInput) continue;
        const ins = node.inputs.map((t) => shapes.get(t));
        if (ins.some((s) => s === undefined)) continue;
        const out = node.layer.computeOutputShape(node.inputIsList ? (ins as SymShape[]) : ins[0]!);
        const outs = isShapeList(out) ? out : [out];
        node.outputs.forEach((t, i) => shapes.set(t, outs[i]));
      }
    const outs = this.outputs.map((t) => shapes.get(t)!);
    return this.outputIsList ? outs : outs[0];
  }

  /**
   * Runs the model on `x` in batches (inference mode, no gradients) and joins the results.
   *
   * @example
   * const y = model.predict(x, { batchSize: 64 });
   */
  predict(x: TensorLike | readonly TensorLike[], opts: PredictOptions = {}): Tensor | Tensor[] {
    const batchSize = opts.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${this.label}.predict: batchSize must be a positive integer, got ${batchSize}`);
    const isList = Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === "object" && v !== null && !Array.isArray(v));
    const xs = (isList ? (x as TensorLike[]) : [x as TensorLike]).map((v) => toTensor(v, `${this.name}.predict`));
    const n = xs[0].rank === 0 ? 0 : xs[0].shape[0];
    for (const t of xs)
      if (t.rank === 0 || t.shape[0] !== n)
        throw new Error(`${this.label}.predict: all inputs need the same number of samples (dimension 0), got ${xs.map((v) => fmtSymShape(v.shape)).join(" and ")}`);
    const parts: Tensor[][] = [];
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        // One batch covering every sample: the inputs themselves, without a copy.
        const batch = size === n ? xs : xs.map((t) => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]));
        const { outputs } = this.invoke(isList ? batch : batch[0], { training: false }, isList);
        parts.push(outputs as Tensor[]);
      }
    });
    if (parts.length === 0) throw new Error(`${this.label}.predict: no samples (dimension 0 of the input is 0)`);
    const outs = parts[0].map((_, k) => (parts.length === 1 ? parts[0][k] : concat(parts.map((p) => p[k]), 0)));
    return outs.length === 1 && !this.outputIsList ? outs[0] : outs;
  }

  /**
   * Prints Keras' summary table (layers, output shapes, parameter counts) through `printFn`
   * (default console.log), called once with the whole text.
   */
  summary(printFn: (text: string) => void = console.log, opts: SummaryOptions = {}): void {
    printFn(formatSummary(this, opts));
  }

  override getConfig(): LayerConfig {
    if (!this.graph) return super.getConfig();
    return functionalConfig(this, this.graph, this.inputIsList, this.outputIsList);
  }

  static override fromConfig<T extends Layer>(this: new (args: ModelArgs) => T, config: LayerConfig): T {
    const { inputs, outputs } = functionalFromConfig(config);
    return new this({ inputs, outputs, name: config.name as string | undefined, trainable: config.trainable as boolean | undefined });
  }

  // ---- training: implemented in src/training (DESIGN convention 6); these methods only delegate ----

  /** Set to true (e.g. by a callback) to end fit after the current batch. */
  stopTraining = false;
  /** The History of the latest fit. */
  history: training.History | null = null;

  /** The optimizer given to compile (null before compile). */
  get optimizer(): Optimizer | null {
    return training.optimizerOf(this);
  }

  /** The optimizer's state size for summary() once it has trained (null before). */
  optimizerParams(): { count: number; bytes: number } | null {
    return training.optimizerParams(this);
  }

  /**
   * Configures the model for training: optimizer, loss (per output), metrics.
   *
   * @example
   * model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
   */
  compile(opts: training.CompileOptions): void {
    training.compileModel(this, opts);
  }

  /**
   * Trains the model on tensors `x`, `y` (or a dataset of [x, y] batches) for `epochs`; returns the History.
   *
   * @example
   * const history = await model.fit(x, y, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
   */
  fit(x: training.TensorData, y: training.TensorData | training.NamedTensorData, opts?: training.FitOptions): Promise<training.History>;
  fit(dataset: training.Dataset, opts?: training.FitOptions): Promise<training.History>;
  fit(x: training.TensorData | training.Dataset, y?: training.TensorData | training.NamedTensorData | training.FitOptions, opts?: training.FitOptions): Promise<training.History> {
    return training.fitModel(this, x, y, opts);
  }

  /** The loss and metrics on `x`, `y` (or a dataset): [loss, ...metrics], or {name: value} with returnDict. */
  evaluate(x: training.TensorData, y: training.TensorData | training.NamedTensorData, opts?: training.EvaluateOptions): Promise<number | number[] | training.Logs>;
  evaluate(dataset: training.Dataset, opts?: training.EvaluateOptions): Promise<number | number[] | training.Logs>;
  evaluate(x: training.TensorData | training.Dataset, y?: training.TensorData | training.NamedTensorData | training.EvaluateOptions, opts?: training.EvaluateOptions): Promise<number | number[] | training.Logs> {
    return training.evaluateModel(this, x, y, opts);
  }

  /** One optimizer step on one batch; returns the loss and metrics computed before the update. */
  trainOnBatch(x: training.TensorData, y: training.TensorData | training.NamedTensorData, opts?: training.OnBatchOptions): number | number[] | training.Logs {
    return training.trainOnBatch(this, x, y, opts);
  }

  /** The loss and metrics of one batch in inference mode. */
  testOnBatch(x: training.TensorData, y: training.TensorData | training.NamedTensorData, opts?: training.OnBatchOptions): number | number[] | training.Logs {
    return training.testOnBatch(this, x, y, opts);
  }

  /** The output(s) for one batch in inference mode. */
  predictOnBatch(x: training.TensorData): Tensor | Tensor[] {
    return training.predictOnBatch(this, x);
  }

  /** The graph (null for an unbuilt Sequential or a subclassed model): for summary and serialization. */
  getGraph(): Graph | null {
    return this.graph;
  }
}
registerLayer(Model);

/** Checks a concrete input against the model input's symbolic shape (rank and known dimensions). */
function checkCompatible(label: string, t: SymbolicTensor, x: Tensor, i: number): void {
  const ok = t.shape.length === x.rank && t.shape.every((d, j) => j === 0 || d === null || d === x.shape[j]);
  if (!ok) throw new Error(`${label}: input ${i} ("${t.name}") expects shape ${fmtSymShape(t.shape)}, got ${fmtSymShape(x.shape)}`);
}
