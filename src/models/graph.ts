// Topology of a functional model: which nodes and layers lie between its inputs and outputs, by depth.
import type { Layer } from "../layers/layer.js";
import type { Node, SymbolicTensor } from "./symbolic.js";

export interface Graph {
  /** Nodes grouped by depth (0 = producing outputs); run them from the highest depth down. */
  nodesByDepth: Map<number, Node[]>;
  /** Depths, highest first (execution order). */
  depths: number[];
  /** Layers from inputs to outputs (Keras order: by decreasing depth, then first traversal). */
  layers: Layer[];
  nodes: Set<Node>;
}

function nodeOf(t: SymbolicTensor, where: string): Node {
  const h = t.history;
  if (!h) throw new Error(`${where}: ${t.toString()} does not come from Input() or a layer call`);
  return h.layer.inboundNodes[h.nodeIndex];
}

/**
 * Walks back from `outputs` to `inputs` (depth-first, as Keras' map_graph) and orders what it finds.
 * Errors on cycles, on outputs that do not depend only on `inputs`, and on duplicate layer names.
 */
export function mapGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], where: string): Graph {
  const finished = new Set<Node>();
  const inProgress = new Set<Node>();
  const ordered: Node[] = []; // inputs -> outputs
  const layerIndex = new Map<Layer, number>();
  const inputSet = new Set(inputs);

  const visit = (t: SymbolicTensor): void => {
    const node = nodeOf(t, where);
    if (finished.has(node)) return;
    if (!node.isInput && inputSet.has(t)) {
      finished.add(node);
      return;
    }
    if (inProgress.has(node)) throw new Error(`${where}: the tensor ${t.name} from layer "${node.layer.name}" is part of a cycle`);
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    inProgress.add(node);
    if (!node.isInput) for (const x of node.inputs) visit(x);
    finished.add(node);
    inProgress.delete(node);
    ordered.push(node);
  };
  for (const o of outputs) visit(o);

  const inGraph = new Set(ordered);
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = ordered.length - 1; i >= 0; i--) {
    const node = ordered[i];
    let depth = nodeDepth.get(node) ?? 0;
    depth = Math.max(depth, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const parent of node.parentNodes) {
      if (!inGraph.has(parent)) continue;
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  // Inputs that no output depends on still belong to the model.
  for (const t of inputs) {
    const node = nodeOf(t, where);
    if (node.isInput && !layerDepth.has(node.layer)) {
      layerDepth.set(node.layer, 0);
      layerIndex.set(node.layer, -1);
      nodeDepth.set(node, 0);
    }
  }

  const nodesByDepth = new Map<number, Node[]>();
  for (const [node, d] of nodeDepth) {
    if (!nodesByDepth.has(d)) nodesByDepth.set(d, []);
    nodesByDepth.get(d)!.push(node);
  }
  const layersByDepth = new Map<number, Layer[]>();
  for (const [layer, d] of layerDepth) {
    if (!layersByDepth.has(d)) layersByDepth.set(d, []);
    layersByDepth.get(d)!.push(layer);
  }
  const layers: Layer[] = [];
  for (const d of [...layersByDepth.keys()].sort((a, b) => b - a))
    layers.push(...layersByDepth.get(d)!.sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!));
  const depths = [...nodesByDepth.keys()].sort((a, b) => b - a);

  // Every node's inputs must be computable from the model inputs.
  const computable = new Set<SymbolicTensor>(inputs);
  const done: string[] = [];
  for (const d of depths)
    for (const node of nodesByDepth.get(d)!) {
      if (node.isInput && !node.outputs.some((t) => inputSet.has(t)))
        throw new Error(
          `${where}: graph disconnected: the outputs depend on Input "${node.layer.name}", which is not among the model inputs; add it to inputs`,
        );
      for (const x of node.inputs)
        if (!computable.has(x))
          throw new Error(
            `${where}: graph disconnected: cannot compute input ${x.name} ${JSON.stringify(x.shape)} of layer "${node.layer.name}" from the model inputs` +
              ` (reached without issue: ${done.length ? done.join(", ") : "none"}); is an Input missing from inputs?`,
          );
      done.push(node.layer.name);
      for (const y of node.outputs) computable.add(y);
    }

  const names = new Map<string, number>();
  for (const l of layers) names.set(l.name, (names.get(l.name) ?? 0) + 1);
  for (const [n, c] of names)
    if (c > 1) throw new Error(`${where}: the name "${n}" is used by ${c} layers in the model; layer names must be unique`);
  return { nodesByDepth, depths, layers, nodes: new Set(nodeDepth.keys()) };
}
