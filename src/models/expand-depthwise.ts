// Inverted residual blocks (MobileNetV2): a fused 1x1 "expand" convolution whose only reader is a fused
// depthwise convolution runs with it as one expandDepthwise call, so the expanded tensor (the largest of the
// block, 4.8 MB in MobileNetV2's first block at 224x224) need not be stored whole: the native kernel keeps a
// band of its rows in cache between the two convolutions.
import { kernels } from "../backends/index.js";
import type { Conv2dParams, FusedActivation } from "../backends/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { geometry, outputShapeNHWC, resolveOptions } from "../ops/conv-geometry.js";
import { Conv2D } from "../layers/conv2d.js";
import { DepthwiseConv2D } from "../layers/depthwise-conv2d.js";
import type { ActivationPool } from "./plan-buffers.js";
import { foldedWeights, packedKernel } from "./folded-weights.js";
import type { FusedStep, PlanStep } from "./inference-plan.js";
import type { Node, SymbolicTensor } from "./symbolic.js";

/**
 * Switches for A/B measurements and tests: `enabled` false runs the pairs as two convolutions, as do inputs
 * of fewer than `minPixels` pixels: each thread's band then is a few rows, the rows around it (computed by
 * both threads) add a third or more to the expand, and both threads read the whole expand filter for it
 * (MobileNetV2 at 224x224: the pairs at 56x56 and 28x28 0.8x the time of two calls, 14x14 1.1-1.3x, 7x7 1.4x).
 */
export const expandDepthwiseFusion = { enabled: true, minPixels: 28 * 28 };

const ONE: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };

const SIMPLE = new Set<string>(["linear", "relu", "relu6"] satisfies FusedActivation[]);

/** The step's input: the expand's when it carries one. */
export function stepInput(step: FusedStep): SymbolicTensor {
  return (step.expand ?? step).nodes[0].inputs[0];
}

/** The tensors a plan step reads. */
export function stepReads(s: PlanStep): readonly SymbolicTensor[] {
  if (s.kind === "node") return s.node.inputs;
  return s.residual ? [stepInput(s), s.residual] : [stepInput(s)];
}

/** Whether a node of the step was built with training: true (it keeps that behaviour unless the call says otherwise). */
export function fixedTraining(step: FusedStep): boolean {
  for (const n of step.nodes) if (n.training === true) return true;
  if (step.expand) for (const n of step.expand.nodes) if (n.training === true) return true;
  return false;
}

/** Every node the step stands for, in order (the expand's first). */
export function stepNodes(step: FusedStep): readonly Node[] {
  return step.expand ? [...step.expand.nodes, ...step.nodes] : step.nodes;
}

function isExpand(s: FusedStep): boolean {
  const p = s.producer;
  return (
    p instanceof Conv2D && p.constructor === Conv2D && p.groups === 1 && p.dataFormat === "channelsLast" && p.kernelSize.every((k) => k === 1) &&
    p.strides.every((k) => k === 1) && p.dilationRate.every((k) => k === 1) && s.pad === null && s.residual === null &&
    s.after === null && SIMPLE.has(s.act.kind)
  );
}

function isDepthwise(s: FusedStep): boolean {
  const p = s.producer;
  return p instanceof DepthwiseConv2D && p.depthMultiplier === 1 && p.dataFormat === "channelsLast" && s.residual === null && s.after === null && SIMPLE.has(s.act.kind);
}

/** The plan's steps with each expand chain whose output only a depthwise chain reads folded into that chain. */
export function pairExpandDepthwise(steps: readonly PlanStep[], outputs: ReadonlySet<SymbolicTensor>): PlanStep[] {
  const readers = new Map<SymbolicTensor, number>();
  const producedBy = new Map<SymbolicTensor, FusedStep>();
  for (const s of steps) {
    for (const t of stepReads(s)) readers.set(t, (readers.get(t) ?? 0) + 1);
    if (s.kind === "fused") producedBy.set(s.output, s);
  }
  const absorbed = new Set<FusedStep>();
  const out = steps.map((s): PlanStep => {
    if (s.kind !== "fused" || !isDepthwise(s)) return s;
    const mid = s.nodes[0].inputs[0];
    const e = producedBy.get(mid);
    if (!e || absorbed.has(e) || !isExpand(e) || outputs.has(mid) || readers.get(mid) !== 1 || e.dtype !== s.dtype) return s;
    absorbed.add(e);
    return { ...s, expand: e };
  });
  return out.filter((s) => s.kind !== "fused" || !absorbed.has(s));
}

/**
 * Runs a depthwise chain with its expand (`step.expand`) on the expand's input x in one call; null when that
 * would not pay (a small input) or the folded weights do not allow it (a scale that stayed separate).
 */
export function runExpandDepthwise(step: FusedStep, x: Tensor, pool: ActivationPool | null): Tensor | null {
  const e = step.expand!;
  if (!expandDepthwiseFusion.enabled || x.rank !== 4 || x.shape[1] * x.shape[2] < expandDepthwiseFusion.minPixels) return null;
  const f1 = foldedWeights(e);
  const f2 = foldedWeights(step);
  const w1 = f1.kernel;
  const w2 = f2.kernel;
  if (f1.scale !== null || f2.scale !== null || !w1 || !w2 || w1.shape[0] !== 1 || w1.shape[1] !== 1 || w1.shape[2] !== x.shape[3]) return null;
  // The depthwise geometry, resolved once per input shape (kept with the folded depthwise weights).
  let geo = f2.geometry;
  if (!geo || geo.dims[0] !== x.shape[0] || geo.dims[1] !== x.shape[1] || geo.dims[2] !== x.shape[2] || geo.dims[3] !== w1.shape[3]) {
    const dw = step.producer as DepthwiseConv2D;
    const midShape = [x.shape[0], x.shape[1], x.shape[2], w1.shape[3]];
    const opts = { strides: dw.strides, dilations: dw.dilationRate, dataFormat: dw.dataFormat };
    const g = geometry(dw.name, midShape, w2.shape, resolveOptions(dw.name, opts), step.pad ?? dw.padding);
    geo = f2.geometry = { dims: midShape, g, shape: outputShapeNHWC(midShape, w2.shape, g, midShape[3]) };
  }
  const { g: p, shape } = geo;
  const out = pool?.take(step.dtype as "float32" | "float64", shape[0] * shape[1] * shape[2] * shape[3]);
  const packed = packedKernel(f1, x.shape, ONE);
  // isExpand and isDepthwise admitted only these activations.
  const act1 = e.act.kind as FusedActivation;
  const act2 = step.act.kind as FusedActivation;
  return kernels().expandDepthwise(x, w1, f1.bias, act1, packed, w2, f2.bias, act2, p, out);
}
