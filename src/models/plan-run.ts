// Running an inference plan's steps over a model's values, recycling the storage of activations once they
// have been read for the last time (see plan-buffers.ts).
import type { Tensor } from "../tensor/tensor.js";
import { recycleActivations } from "./plan-buffers.js";
import { fixedTraining, stepInput, stepNodes } from "./expand-depthwise.js";
import { type InferencePlan, runFusedStep } from "./inference-plan.js";
import type { Node, SymbolicTensor } from "./symbolic.js";

/** Runs the plan's steps on `values` (the inputs set), adding every output; runNode runs a node as written. */
export function runPlan(plan: InferencePlan, values: Map<SymbolicTensor, Tensor>, outer: boolean | undefined, runNode: (node: Node) => void): void {
    // Outputs of fused chains: fresh storage that only `values` holds, recyclable after their last read
    // while every chain has run fused (a chain run node by node could alias its input).
    const fresh = new Set<Tensor>();
    let recycle = recycleActivations.enabled;
    plan.steps.forEach((step, i) => {
      if (step.kind === "node") runNode(step.node);
      else {
        const x = values.get(stepInput(step));
        if (x === undefined) return;
        // A node built with training: true (and no outer value) keeps its training behaviour.
        const y = outer === false || !fixedTraining(step)
          ? runFusedStep(step, x, step.residual ? values.get(step.residual) ?? null : null, recycle ? plan.pool : null)
          : null;
        if (y) {
          values.set(step.output, y);
          const r = step.residual ? values.get(step.residual) : undefined;
          if (!step.after && y.values !== x.values && y.values !== r?.values) fresh.add(y);
        } else {
          recycle = false;
          for (const n of stepNodes(step)) runNode(n);
        }
      }
      if (!recycle) return;
      for (const t of plan.releaseAfter[i]) {
        const v = values.get(t);
        // A plain layer that read it may have returned a view (Reshape): then its storage lives on.
        const aliased = plan.viewsOf.get(t)?.some((o) => values.get(o)?.values.buffer === v?.values.buffer);
        if (v && !aliased && fresh.delete(v)) {
          values.delete(t);
          plan.pool.give(v.values);
        }
      }
    });
    plan.pool.endRun();
  }
