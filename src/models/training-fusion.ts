// Training-time fusion of a functional graph: a BatchNormalization node whose output only a plain relu node
// reads (ReLU() with default arguments, or Activation("relu")) runs, when training, as one relu-fused batch
// norm (src/ops/norm-fused.ts: the relu in the norm's output pass, its gradient inside the norm's backprop),
// and the relu node is skipped. The moving statistics update as in the unfused layer. Built once per graph
// and cached by Model.call, beside the inference plan (src/models/inference-plan.ts).
import type { Tensor } from "../tensor/tensor.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import type { Graph } from "./graph.js";
import { activationLayerAct, isExactly, simpleNode } from "./inference-plan.js";
import type { Node, SymbolicTensor } from "./symbolic.js";

export interface TrainingFusion {
  readonly graph: Graph;
  /** Each fusable BatchNormalization node and the relu node after it. */
  readonly reluAfter: ReadonlyMap<Node, Node>;
  /** The relu nodes of `reluAfter`. */
  readonly fusedRelus: ReadonlySet<Node>;
}

/** How many relu-fused batch norms have run in this process (tests and profiles read it to see the fusion ran). */
export const trainingFusionStats = { bnRelu: 0 };

/** The fusable BatchNormalization -> relu pairs of `graph` (whose `outputs` must stay visible). */
export function buildTrainingFusion(graph: Graph, outputs: readonly SymbolicTensor[]): TrainingFusion {
  const consumers = new Map<SymbolicTensor, Node[]>();
  for (const node of graph.nodes) {
    if (node.isInput) continue;
    for (const t of node.inputs) {
      const list = consumers.get(t);
      if (list) list.push(node);
      else consumers.set(t, [node]);
    }
  }
  const outputSet = new Set(outputs);
  const reluAfter = new Map<Node, Node>();
  for (const node of graph.nodes) {
    if (!simpleNode(node) || !isExactly(node.layer, BatchNormalization)) continue;
    const t = node.outputs[0];
    const list = consumers.get(t);
    if (outputSet.has(t) || !list || list.length !== 1) continue;
    const next = list[0];
    // The relu layer must compute in the norm's dtype (no autocast between them).
    if (!simpleNode(next) || next.layer.dtype !== node.layer.dtype || activationLayerAct(next.layer)?.kind !== "relu") continue;
    reluAfter.set(node, next);
  }
  return { graph, reluAfter, fusedRelus: new Set(reluAfter.values()) };
}

/**
 * Runs `node` through the fusion when it applies: a fusable batch norm in training mode (its relu's output is
 * then set in `values`), or the relu node of one that ran fused. Returns false when the caller should run the
 * node itself.
 */
export function runTrainingFused(fusion: TrainingFusion, node: Node, values: Map<SymbolicTensor, Tensor>, training: boolean): boolean {
  const relu = fusion.reluAfter.get(node);
  if (relu) {
    const bn = node.layer as BatchNormalization;
    const x = values.get(node.inputs[0]);
    if (!training || !bn.trainable || x === undefined) return false;
    bn.fuseReluNextCall = true;
    let y: Tensor;
    try {
      y = bn.invoke(x, { training: true }, false).outputs[0] as Tensor;
    } finally {
      bn.fuseReluNextCall = false;
    }
    values.set(relu.outputs[0], y);
    trainingFusionStats.bnRelu++;
    return true;
  }
  // The relu of a batch norm that ran fused: its output is already there.
  return fusion.fusedRelus.has(node) && values.has(node.outputs[0]);
}
