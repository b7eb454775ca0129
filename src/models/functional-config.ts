// A functional model's config (Keras 3's layout, camelCase) and the model rebuilt from one.
import type { DType } from "../tensor/dtype.js";
import type { Layer, LayerConfig } from "../layers/layer.js";
import { deserializeLayer, serializeLayer } from "../layers/registry.js";
import type { SerializedObject } from "../layers/serialize.js";
import type { Graph } from "./graph.js";
import type { Node, SymShape, SymbolicTensor } from "./symbolic.js";

/** [layer name, node index, tensor index]: which output of which layer call a tensor is. */
export type HistoryRef = [string, number, number];

/** A symbolic tensor in a config: Keras' `__keras_tensor__` record. */
export interface TensorRef {
  className: "__keras_tensor__";
  config: { shape: SymShape; dtype: DType; kerasHistory: HistoryRef };
}

export interface NodeConfig {
  /** One entry per positional argument: a tensor ref, or a list of them for multi-input layers. */
  args: (TensorRef | TensorRef[])[];
  kwargs: Record<string, unknown>;
}

export interface LayerEntry extends SerializedObject {
  name: string;
  inboundNodes: NodeConfig[];
}

/** The functional config: every layer with the calls that connect it, and the model's inputs and outputs. */
export function functionalConfig(model: Layer, graph: Graph, inputIsList: boolean, outputIsList: boolean): LayerConfig {
  // Node indices are renumbered to count only the calls that belong to this model (as Keras does).
  const nodeIndex = new Map<Node, number>();
  for (const layer of graph.layers) {
    let k = 0;
    for (const n of layer.inboundNodes) if (graph.nodes.has(n)) nodeIndex.set(n, k++);
  }
  const ref = (t: SymbolicTensor): HistoryRef => {
    const h = t.history!;
    const node = h.layer.inboundNodes[h.nodeIndex];
    return [h.layer.name, nodeIndex.get(node) ?? h.nodeIndex, h.tensorIndex];
  };
  const tensorRef = (t: SymbolicTensor): TensorRef => ({
    className: "__keras_tensor__",
    config: { shape: [...t.shape], dtype: t.dtype, kerasHistory: ref(t) },
  });
  const layers: LayerEntry[] = graph.layers.map((layer) => {
    const nodes = layer.inboundNodes.filter((n) => graph.nodes.has(n) && !n.isInput);
    return {
      ...serializeLayer(layer),
      name: layer.name,
      inboundNodes: nodes.map((n) => ({
        args: [n.inputIsList ? n.inputs.map(tensorRef) : tensorRef(n.inputs[0])],
        kwargs: n.training === undefined ? {} : { training: n.training },
      })),
    };
  });
  const m = model as unknown as { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] };
  return {
    name: model.name,
    trainable: model.trainable,
    layers,
    inputLayers: inputIsList ? m.inputs.map(ref) : ref(m.inputs[0]),
    outputLayers: outputIsList ? m.outputs.map(ref) : ref(m.outputs[0]),
  };
}

/** Recreates the layers of a functional config and replays their calls; returns the model's inputs and outputs. */
export function functionalFromConfig(config: LayerConfig): { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[] } {
  const entries = config.layers as LayerEntry[] | undefined;
  if (!Array.isArray(entries)) throw new Error(`Model.fromConfig: the config has no "layers" list`);
  const byName = new Map<string, Layer>();
  for (const e of entries) {
    const layer = deserializeLayer({ className: e.className, config: e.config });
    byName.set(e.name ?? layer.name, layer);
  }
  const lookup = ([name, nodeIdx, tensorIdx]: HistoryRef): SymbolicTensor | undefined => {
    const layer = byName.get(name);
    if (!layer) throw new Error(`Model.fromConfig: a node refers to unknown layer "${name}"`);
    return layer.inboundNodes[nodeIdx]?.outputs[tensorIdx];
  };
  // Replay calls in dependency order: a node waits until the tensors it reads exist.
  const pending = entries.map((e) => ({ layer: byName.get(e.name)!, nodes: [...(e.inboundNodes ?? [])] }));
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.nodes.length > 0) {
        const n = p.nodes[0];
        const arg = n.args[0];
        const refs = Array.isArray(arg) ? arg : [arg];
        const ins = refs.map((r) => lookup(r.config.kerasHistory));
        if (ins.some((t) => t === undefined)) break;
        const training = n.kwargs?.training as boolean | undefined;
        p.layer.invoke(Array.isArray(arg) ? (ins as SymbolicTensor[]) : ins[0]!, { training }, Array.isArray(arg));
        p.nodes.shift();
        progress = true;
      }
    }
  }
  const stuck = pending.filter((p) => p.nodes.length > 0).map((p) => p.layer.name);
  if (stuck.length) throw new Error(`Model.fromConfig: could not connect layers ${stuck.join(", ")} (their inputs are never produced)`);
  const resolve = (spec: unknown, what: string): SymbolicTensor | SymbolicTensor[] => {
    const one = (r: HistoryRef): SymbolicTensor => {
      const t = lookup(r);
      if (!t) throw new Error(`Model.fromConfig: ${what} ${JSON.stringify(r)} does not exist`);
      return t;
    };
    const s = spec as HistoryRef | HistoryRef[];
    return Array.isArray(s[0]) ? (s as HistoryRef[]).map(one) : one(s as HistoryRef);
  };
  return { inputs: resolve(config.inputLayers, "input"), outputs: resolve(config.outputLayers, "output") };
}
