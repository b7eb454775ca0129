// Sequential: a stack of single-input, single-output layers; a functional Model once its input shape is known.
import type { Tensor } from "../tensor/tensor.js";
import { Layer, type CallOptions, type LayerConfig, type ShapeArg, isShapeList } from "../layers/layer.js";
import { InputLayer } from "../layers/input-layer.js";
import { withNameScope, uniqueName } from "../layers/naming.js";
import { deserializeLayer, registerLayer, serializeLayer } from "../layers/registry.js";
import type { SerializedObject } from "../layers/serialize.js";
import { Model } from "./model.js";
import { type Node, type SymShape, SymbolicTensor, detachNode } from "./symbolic.js";

export interface SequentialArgs {
  /** Layers in order; the first may be an `Input(...)` tensor / InputLayer, or have `inputShape`. */
  layers?: readonly (Layer | SymbolicTensor)[];
  name?: string;
  trainable?: boolean;
}

/**
 * A linear stack of layers. It builds as soon as its input shape is known (an Input first, or
 * `inputShape` on the first layer), else on its first call.
 *
 * @example
 * const model = new Sequential({ layers: [
 *   new Dense({ units: 64, activation: "relu", inputShape: [32] }),
 *   new Dense({ units: 10 }),
 * ] });
 * model.summary();
 */
export class Sequential extends Model {
  static override className = "Sequential";
  private readonly stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;
  /** Nodes this model's graph added to its layers (dropped when the graph is rebuilt). */
  private graphNodes: Node[] = [];

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    for (const l of args.layers ?? []) this.add(l, false);
    this.rebuild();
  }

  /** Appends a layer (or an Input tensor / InputLayer, first only) and rebuilds the graph if the input shape is known. */
  add(layer: Layer | SymbolicTensor, rebuild = true): void {
    if (layer instanceof SymbolicTensor) {
      const origin = layer.history?.layer;
      if (!(origin instanceof InputLayer))
        throw new TypeError(`${this.label}.add: a symbolic tensor can only be added when it comes from Input(), got ${layer.toString()}`);
      layer = origin;
    }
    if (!(layer instanceof Layer)) throw new TypeError(`${this.label}.add: expected a Layer, got ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.inputLayer || this.stack.length > 0)
        throw new Error(`${this.label}.add: an InputLayer can only come first; this model already has ${this.inputLayer ? "an input" : "layers"}`);
      this.inputLayer = layer;
    } else {
      if (this.stack.some((l) => l.name === layer.name))
        throw new Error(`${this.label}.add: the model already has a layer named "${layer.name}"; layer names must be unique`);
      if (this.stack.length === 0 && !this.inputLayer && layer.batchInputShape)
        this.inputLayer = new InputLayer({ batchShape: layer.batchInputShape, dtype: layer.dtype });
      this.stack.push(layer);
      this.trackLayer(layer);
    }
    if (rebuild) this.rebuild();
  }

  /** Removes and returns the last layer. */
  pop(rebuild = true): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new Error(`${this.label}.pop: the model has no layers`);
    this.sublayers.splice(this.sublayers.indexOf(layer), 1);
    if (rebuild) this.rebuild();
    return layer;
  }

  /** The layers, without the InputLayer (as Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Builds the graph for inputs of `inputShape` (batch dimension included). */
  override build(inputShape: ShapeArg): void {
    if (this.graph) return;
    if (isShapeList(inputShape)) throw new Error(`${this.label}: a Sequential model takes one input, got shapes ${JSON.stringify(inputShape)}`);
    if (this.stack.length === 0) throw new Error(`${this.label} has no layers; add some before calling it`);
    if (!this.inputLayer) this.inputLayer = new InputLayer({ batchShape: inputShape as SymShape, dtype: this.stack[0].dtype });
    this.rebuild();
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor | Tensor[] {
    if (this.graph) return super.call(inputs, opts);
    let x = inputs;
    for (const l of this.stack) x = l.apply(x as Tensor, opts);
    return x;
  }

  /** Replaces the graph by a fresh one through the current layers (if the input shape is known). */
  private rebuild(): void {
    for (const n of this.graphNodes) detachNode(n);
    this.graphNodes = [];
    this.graph = null;
    this.inputs = [];
    this.outputs = [];
    this.built = false;
    this.sublayers.length = 0;
    for (const l of this.stack) this.trackLayer(l);
    const input = this.inputLayer;
    if (!input || this.stack.length === 0) return;
    withNameScope(this.name, this, () => {
      let x = input.inboundNodes[0].outputs[0];
      for (const l of this.stack) {
        const outs = l.applyAll(x);
        if (outs.length !== 1) throw new Error(`${this.label}: layer "${l.name}" returned ${outs.length} outputs; Sequential layers must return one tensor`);
        this.graphNodes.push(l.inboundNodes[l.inboundNodes.length - 1]);
        x = outs[0];
      }
      uniqueName("functional"); // Keras names the graph it builds, which uses up one "functional" name.
      this.initGraph(input.inboundNodes[0].outputs[0], x);
    });
  }

  override getConfig(): LayerConfig {
    const layers: SerializedObject[] = [];
    if (this.inputLayer) layers.push(serializeLayer(this.inputLayer));
    for (const l of this.stack) layers.push(serializeLayer(l));
    const config: LayerConfig = { name: this.name, trainable: this.trainable, layers };
    if (this.buildInputShape) config.buildInputShape = this.buildInputShape;
    return config;
  }

  static override fromConfig<T extends Layer>(this: new (args: SequentialArgs) => T, config: LayerConfig): T {
    const specs = (config.layers ?? []) as SerializedObject[];
    const model = new this({ name: config.name as string | undefined, layers: specs.map((s) => deserializeLayer(s)) });
    if (config.trainable === false) model.trainable = false;
    const shape = config.buildInputShape as SymShape | undefined;
    if (shape && !model.built) model.maybeBuild(shape);
    return model;
  }
}
registerLayer(Sequential);
