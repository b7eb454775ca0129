// The inference plan of a functional model: its nodes in execution order, with chains such as
// ZeroPadding2D -> DepthwiseConv2D -> BatchNormalization -> ReLU(6) replaced by one convolution with the
// padding and the batch norm folded into it, followed by one biasActivation pass. Used only when nothing
// records gradients and the chain's layers run in inference mode (see Model.call).
import type { BiasActivation } from "../backends/backend.js";
import { kernels } from "../backends/index.js";
import { Tensor } from "../tensor/tensor.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import { cast } from "../ops/cast.js";
import { add } from "../ops/arithmetic.js";
import { conv2d, depthwiseConv2d } from "../ops/conv.js";
import { matmul } from "../ops/matmul.js";
import type { Layer } from "../layers/layer.js";
import { Activation } from "../layers/activation.js";
import { Add } from "../layers/add.js";
import { type ActivationFn, getActivation, serializeActivation } from "../layers/activation-lookup.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { DepthwiseConv2D } from "../layers/depthwise-conv2d.js";
import { ReLU } from "../layers/relu.js";
import { ZeroPadding2D } from "../layers/zero-padding2d.js";
import type { Graph } from "./graph.js";
import { ActivationPool } from "./plan-buffers.js";
import { convGeometry, type Folded, foldedWeights, packedKernel } from "./folded-weights.js";
import { pairExpandDepthwise, runExpandDepthwise, stepNodes, stepReads } from "./expand-depthwise.js";
import type { Node, SymbolicTensor } from "./symbolic.js";

type Producer = Conv2D | DepthwiseConv2D | Dense;

/** An activation biasActivation applies itself. */
interface FusedAct {
  kind: BiasActivation;
  alpha: number;
}

/** A chain of nodes run as one convolution (or matmul) and one biasActivation pass. */
export interface FusedStep {
  readonly kind: "fused";
  /** The chain's nodes in order; the first one's input is the chain's input. */
  readonly nodes: readonly Node[];
  readonly output: SymbolicTensor;
  /** Zero padding folded into a "valid" convolution: [[top, bottom], [left, right]]. */
  readonly pad: [[number, number], [number, number]] | null;
  readonly producer: Producer | null;
  readonly bn: BatchNormalization | null;
  /** The other input of a residual Add folded into the pass. */
  readonly residual: SymbolicTensor | null;
  readonly act: FusedAct;
  /** The producer's own activation when biasActivation cannot apply it (softmax, sigmoid, custom). */
  readonly after: ActivationFn | null;
  /** The channel axis of the chain's output. */
  readonly axis: number;
  /** The dtype every layer of the chain computes in. */
  readonly dtype: string;
  folded: Folded | null;
  /** A 1x1 convolution chain run first, in the same call (expand-depthwise.ts): its input is the step's input. */
  readonly expand?: FusedStep;
}

export type PlanStep = { readonly kind: "node"; readonly node: Node } | FusedStep;

export interface InferencePlan {
  readonly graph: Graph;
  readonly steps: PlanStep[];
  /**
   * By step: the fused chains' outputs read for the last time by that step (not model outputs). Their storage
   * can be recycled once the step has run, unless a plain layer among the readers returned a view of it
   * (see viewsOf): a fused chain never keeps or aliases its input.
   */
  readonly releaseAfter: SymbolicTensor[][];
  /** For a released tensor that plain layers read: their outputs, to check for views of its storage. */
  readonly viewsOf: ReadonlyMap<SymbolicTensor, SymbolicTensor[]>;
  /** The recycled storage (kept across runs of the plan, see plan-buffers.ts). */
  readonly pool: ActivationPool;
}

const LINEAR: FusedAct = { kind: "linear", alpha: 0 };

/** Exactly this class, with no per-instance `call` (a subclass or a patched layer may compute something else). */
export function isExactly<T extends Layer>(layer: Layer, cls: abstract new (...a: never[]) => T): layer is T {
  return Object.getPrototypeOf(layer) === cls.prototype && !Object.prototype.hasOwnProperty.call(layer, "call");
}

/** A plain single-input, single-output node of a built layer without activity regularizer. */
export function simpleNode(node: Node): boolean {
  const l = node.layer;
  return !node.isInput && node.inputs.length === 1 && !node.inputIsList && node.outputs.length === 1 && !node.outputIsList &&
    l.built && l.activityRegularizer === null && (l.dtype === "float32" || l.dtype === "float64");
}

/** When `node` is a plain Add of `t` and another tensor of the same rank: that other tensor. */
function residualAdd(node: Node, t: SymbolicTensor): SymbolicTensor | null {
  const l = node.layer;
  if (!isExactly(l, Add) || !l.built || l.activityRegularizer !== null || node.inputs.length !== 2 || node.outputs.length !== 1) return null;
  const [a, b] = node.inputs;
  if (a === b || (a !== t && b !== t)) return null;
  const other = a === t ? b : a;
  // The same rank: Merge's rank expansion does not apply, and the add broadcasts as the op would.
  return other.rank === t.rank && other.dtype === t.dtype ? other : null;
}

/** The activation function as biasActivation's (null when it has no exact equivalent there). */
function fusedActivationOf(f: ActivationFn): FusedAct | null {
  const name = serializeActivation(f);
  let act: FusedAct | null = null;
  if (name === "linear") act = LINEAR;
  else if (name === "relu" || name === "relu6" || name === "tanh") act = { kind: name, alpha: 0 };
  else if (name === "leaky_relu") act = { kind: "leakyRelu", alpha: 0.2 };
  // A custom function that happens to be called "relu" is not the relu activation.
  try {
    return act && getActivation(name) === f ? act : null;
  } catch {
    return null;
  }
}

/** An activation node's function as biasActivation's, or null. */
export function activationLayerAct(layer: Layer): FusedAct | null {
  if (isExactly(layer, ReLU)) {
    if (layer.threshold !== 0) return null;
    if (layer.negativeSlope === 0) return layer.maxValue === null ? { kind: "relu", alpha: 0 } : layer.maxValue === 6 ? { kind: "relu6", alpha: 0 } : null;
    return layer.maxValue === null ? { kind: "leakyRelu", alpha: layer.negativeSlope } : null;
  }
  if (isExactly(layer, Activation)) {
    const act = fusedActivationOf(layer.activation);
    return act && act.kind !== "linear" ? act : null;
  }
  return null;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The channel axis of a producer's output of rank `rank`. */
function producerAxis(p: Producer, rank: number): number {
  if (p instanceof Dense) return rank - 1;
  return p.dataFormat === "channelsFirst" ? 1 : 3;
}

function producerOf(node: Node): Producer | null {
  const l = node.layer;
  if (isExactly(l, Conv2D)) return l.groups === 1 ? l : null;
  if (isExactly(l, DepthwiseConv2D) || isExactly(l, Dense)) return l;
  return null;
}

/**
 * The plan for `graph`: nodes in execution order, chains fused where every intermediate tensor has this one
 * consumer in the graph and is not one of `outputs` (so no value anyone can see is skipped).
 */
export function buildInferencePlan(graph: Graph, outputs: readonly SymbolicTensor[]): InferencePlan {
  const order: Node[] = [];
  for (const d of graph.depths) for (const node of graph.nodesByDepth.get(d)!) if (!node.isInput) order.push(node);
  const consumers = new Map<SymbolicTensor, Node[]>();
  for (const node of order)
    for (const t of node.inputs) {
      const list = consumers.get(t);
      if (list) list.push(node);
      else consumers.set(t, [node]);
    }
  const outputSet = new Set(outputs);
  const taken = new Set<Node>();
  /** The one node reading `node`'s output, when that output is internal to the chain. */
  const soleNext = (node: Node): Node | null => {
    const t = node.outputs[0];
    const list = consumers.get(t);
    if (outputSet.has(t) || !list || list.length !== 1) return null;
    const next = list[0];
    if (taken.has(next)) return null; // already in another chain (an Add both its inputs' chains could take)
    return (simpleNode(next) || residualAdd(next, t) !== null) && next.layer.dtype === node.layer.dtype ? next : null;
  };

  // A chain runs where its last node would: by then every input of its nodes (a residual too) is computed.
  const atTail = new Map<Node, FusedStep>();
  for (const node of order) {
    if (taken.has(node)) continue;
    const step = simpleNode(node) ? chainFrom(node, soleNext) : null;
    if (!step) continue;
    for (const n of step.nodes) taken.add(n);
    atTail.set(step.nodes[step.nodes.length - 1], step);
  }
  const steps: PlanStep[] = [];
  for (const node of order) {
    const step = atTail.get(node);
    if (step) steps.push(step);
    else if (!taken.has(node)) steps.push({ kind: "node", node });
  }
  const paired = pairExpandDepthwise(steps, outputSet);
  return { graph, steps: paired, ...lastReads(paired, outputSet), pool: new ActivationPool() };
}

/** InferencePlan.releaseAfter of `steps`. */
function lastReads(steps: readonly PlanStep[], outputs: ReadonlySet<SymbolicTensor>): Pick<InferencePlan, "releaseAfter" | "viewsOf"> {
  const readers = new Map<SymbolicTensor, number[]>();
  steps.forEach((s, i) => {
    for (const t of stepReads(s)) {
      const list = readers.get(t);
      if (list) list.push(i);
      else readers.set(t, [i]);
    }
  });
  const releaseAfter: SymbolicTensor[][] = steps.map(() => []);
  const viewsOf = new Map<SymbolicTensor, SymbolicTensor[]>();
  for (const s of steps) {
    if (s.kind !== "fused" || s.after !== null || outputs.has(s.output)) continue;
    const list = readers.get(s.output);
    if (!list) continue;
    const plain = list.flatMap((i) => {
      const r = steps[i];
      return r.kind === "node" ? r.node.outputs : [];
    });
    // A plain reader's output that is a model output may be a view the caller keeps: never recycled.
    if (plain.some((t) => outputs.has(t))) continue;
    if (plain.length) viewsOf.set(s.output, plain);
    releaseAfter[Math.max(...list)].push(s.output);
  }
  return { releaseAfter, viewsOf };
}

/** The longest fusable chain starting at `head`, or null when fusing would save nothing. */
function chainFrom(head: Node, soleNext: (n: Node) => Node | null): FusedStep | null {
  const nodes: Node[] = [head];
  let cur: Node | null = head;
  let pad: FusedStep["pad"] = null;
  // ZeroPadding2D folded into the explicit padding of the "valid" convolution it feeds.
  if (isExactly(head.layer, ZeroPadding2D)) {
    const next = soleNext(head);
    const conv = next ? producerOf(next) : null;
    if (!next || !conv || conv instanceof Dense || conv.padding !== "valid" || conv.dataFormat !== head.layer.dataFormat) return null;
    pad = [[...head.layer.padding[0]], [...head.layer.padding[1]]];
    nodes.push(next);
    cur = next;
  }
  const producer = producerOf(cur);
  const rank = cur.outputs[0].rank;
  let bn: BatchNormalization | null = null;
  let act: FusedAct = LINEAR;
  let after: ActivationFn | null = null;
  let axis: number;
  if (producer) {
    axis = producerAxis(producer, rank);
    const own = fusedActivationOf(producer.activation);
    if (own === null) after = producer.activation;
    else act = own;
  } else if (isExactly(cur.layer, BatchNormalization)) {
    bn = cur.layer;
    axis = normAxis(bn.axis, rank);
  } else return null;

  if (producer && act === LINEAR && after === null) {
    const next = soleNext(cur);
    if (next && simpleNode(next) && isExactly(next.layer, BatchNormalization) && normAxis(next.layer.axis, rank) === axis) {
      bn = next.layer;
      nodes.push(next);
      cur = next;
    }
  }
  // A residual Add of the (fresh) conv output and another tensor, added in the same pass.
  let residual: SymbolicTensor | null = null;
  if (producer && act === LINEAR && after === null) {
    const next = soleNext(cur);
    const other = next ? residualAdd(next, cur.outputs[0]) : null;
    if (next && other) {
      residual = other;
      nodes.push(next);
      cur = next;
    }
  }
  if (act === LINEAR && after === null) {
    const next = soleNext(cur);
    const a = next && simpleNode(next) ? activationLayerAct(next.layer) : null;
    if (next && a) {
      act = a;
      nodes.push(next);
      cur = next;
    }
  }
  // A lone linear convolution without bias gains nothing.
  if (nodes.length === 1 && producer && !producer.bias && act === LINEAR) return null;
  return { kind: "fused", nodes, output: cur.outputs[0], pad, producer, bn, residual, act, after, axis, dtype: head.layer.dtype, folded: null };
}

/**
 * Runs a fused chain on its input (and the residual's value, when the chain has one); null when it cannot (a
 * non-float input: the nodes then run one by one).
 */
/** How many fused chains have run in this process (tests and profiles read it to see that a plan ran). */
export const fusionStats = { steps: 0 };

export function runFusedStep(step: FusedStep, x: Tensor, residual: Tensor | null = null, pool: ActivationPool | null = null): Tensor | null {
  if (!step.expand) return runChain(step, x, residual, pool);
  const both = runExpandDepthwise(step, x, pool);
  if (both) {
    fusionStats.steps += 2;
    return both;
  }
  // The two chains one after the other; the expanded tensor, read only here, goes back to the pool.
  const mid = runChain(step.expand, x, null, pool);
  if (!mid) return null;
  const y = runChain(step, mid, residual, pool);
  if (y && pool && y.values !== mid.values) pool.give(mid.values);
  return y;
}

function runChain(step: FusedStep, x: Tensor, residual: Tensor | null, pool: ActivationPool | null): Tensor | null {
  // As the first layer's autocast would.
  if (x.dtype !== step.dtype) {
    if (!isFloat(x.dtype)) return null;
    x = cast(x, step.dtype as DType);
  }
  if (step.residual && (residual === null || residual.dtype !== step.dtype)) return null;
  fusionStats.steps++;
  const f = foldedWeights(step);
  const p = step.producer;
  let y = x;
  if (p instanceof Dense) y = matmul(x, f.kernel!);
  else if (p) {
    const act = step.act.kind;
    if (f.scale === null && p.dataFormat === "channelsLast") {
      // Bias, a residual of the output's shape and relu/relu6 in the convolution's output write, while each row
      // is still in cache; other activations (and a broadcasting residual) in one more pass, in place.
      const k = kernels();
      const dw = p instanceof DepthwiseConv2D;
      const cout = dw ? x.shape[3] * f.kernel!.shape[3] : f.kernel!.shape[3];
      const geo = f.geometry && shapesEqual(f.geometry.dims, x.shape) ? f.geometry : convGeometry(f, p.name, x, convOptions(step, p), cout);
      const { g, shape } = geo;
      const simple = act === "linear" || act === "relu" || act === "relu6";
      // A residual of the output's shape joins the convolution's epilogue (bias, residual, activation).
      const fuseResidual = residual !== null && !dw && simple && residual.dtype === x.dtype && shapesEqual(residual.shape, shape);
      const inConv = (!residual || fuseResidual) && simple ? act : "linear";
      const out = pool?.take(step.dtype as "float32" | "float64", shape[0] * shape[1] * shape[2] * shape[3]);
      y = dw
        ? k.depthwiseConv2dBiasActivation(x, f.kernel!, f.bias, inConv, g, out)
        : k.conv2dBiasActivation(x, f.kernel!, f.bias, inConv, g, out, packedKernel(f, x.shape, g), fuseResidual ? residual : null);
      if (fuseResidual) {
        // The residual and the activation are in y already.
      } else if (residual && sameShape(residual, y)) {
        y = k.biasActivation(y, null, act, null, { axis: step.axis, alpha: step.act.alpha, inPlace: true, residual });
      } else if (residual) {
        // A broadcasting residual (unknown dimensions that differ): the add op, then the activation.
        y = add(y, residual);
        if (act !== "linear") y = k.biasActivation(y, null, act, null, { axis: y.rank - 1, alpha: step.act.alpha, inPlace: true });
      } else if (act !== inConv) y = k.biasActivation(y, null, act, null, { axis: step.axis, alpha: step.act.alpha, inPlace: true });
      return step.after ? step.after(y) : y;
    }
    y = p instanceof DepthwiseConv2D ? depthwiseConv2d(x, f.kernel!, convOptions(step, p)) : conv2d(x, f.kernel!, convOptions(step, p));
  }
  const k = kernels();
  const params = { axis: step.axis, alpha: step.act.alpha, inPlace: p !== null };
  if (residual && !sameShape(residual, y)) {
    // A broadcasting residual (unknown dimensions that differ): the add op, then the activation.
    y = add(k.biasActivation(y, f.bias, "linear", f.scale, params), residual);
    return step.act.kind === "linear" ? y : k.biasActivation(y, null, step.act.kind, null, { ...params, axis: y.rank - 1, inPlace: true });
  }
  // In place over the conv/matmul output, which nothing else can see (saves a fresh allocation per layer).
  if (f.bias || f.scale || residual || step.act.kind !== "linear") y = k.biasActivation(y, f.bias, step.act.kind, f.scale, { ...params, residual });
  return step.after ? step.after(y) : y;
}

function convOptions(step: FusedStep, p: Conv2D | DepthwiseConv2D) {
  return { strides: p.strides, dilations: p.dilationRate, dataFormat: p.dataFormat, padding: step.pad ?? p.padding };
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return shapesEqual(a.shape, b.shape);
}

/** Whether fusion is switched off for the whole process (DEEPTS_FUSE=0). */
export function fusionDisabledByEnv(): boolean {
  const v = typeof process !== "undefined" ? process.env.DEEPTS_FUSE : undefined;
  return v === "0" || v === "false";
}

/** The fused chains of a plan, as layer names ("block_1_depthwise+block_1_depthwise_BN+block_1_depthwise_relu"). */
export function describePlan(plan: InferencePlan): string[] {
  return plan.steps.filter((s): s is FusedStep => s.kind === "fused").map((s) => stepNodes(s).map((n) => n.layer.name).join("+"));
}
