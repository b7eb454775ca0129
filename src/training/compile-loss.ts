// Keras' CompileLoss: the loss of each output, weighted and summed, with a Mean tracker per output loss.
import { add, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { getLoss } from "../losses/get.js";
import { BinaryCrossentropy, CategoricalCrossentropy, Loss, SparseCategoricalCrossentropy } from "../losses/losses.js";
import { Mean } from "../metrics/reduction.js";
import { binaryOrSparseCategorical } from "../metrics/get.js";
import type { Tensor } from "../tensor/tensor.js";

/** What `compile({loss})` accepts for one output: a Keras name, a Loss, or a per-sample function. */
export type LossIdentifier = string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/** One loss for every output, a list with one per output (null: none), or a record by output name. */
export type LossSpec = LossIdentifier | readonly (LossIdentifier | null)[] | Record<string, LossIdentifier | null>;

/** A number (single output), a list with one per output, or a record by output name. */
export type LossWeightsSpec = number | readonly number[] | Record<string, number>;

interface Entry {
  output: number;
  loss: Loss;
  weight: number | null;
  name: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Loss);
}

/** Keras' get_loss: "crossentropy" / "ce" pick binary, sparse or categorical crossentropy by the shapes. */
function resolveLoss(id: LossIdentifier, yTrue: Tensor, yPred: Tensor): Loss {
  if (typeof id === "string" && ["crossentropy", "ce"].includes(id.toLowerCase())) {
    const { binary, sparse } = binaryOrSparseCategorical(yTrue.shape, yPred.shape);
    const loss = binary ? new BinaryCrossentropy() : sparse ? new SparseCategoricalCrossentropy() : new CategoricalCrossentropy();
    return withName(loss, id);
  }
  const loss = getLoss(id);
  return typeof id === "string" ? withName(loss, id) : loss;
}

function withName(loss: Loss, name: string): Loss {
  if (loss.name !== name) Object.defineProperty(loss, "name", { value: name });
  return loss;
}

/**
 * The compiled loss: built on the first batch (when the shapes of y are known), it gives the total
 * `sum(weight_i * loss_i(yTrue_i, yPred_i, sampleWeight_i))` and, with several outputs, tracks each
 * unweighted output loss as "<output>_loss".
 */
export class CompileLoss {
  private entries: Entry[] | null = null;
  /** One Mean per output loss when there are several (Keras' "<output>_loss" metrics). */
  readonly metrics: Mean[] = [];

  constructor(
    readonly spec: LossSpec,
    readonly lossWeights: LossWeightsSpec | null,
    readonly outputNames: readonly string[],
  ) {
    const n = outputNames.length;
    if (Array.isArray(spec) && spec.length !== n)
      throw new Error(`compile: loss is a list of ${spec.length} but the model has ${n} output(s) (${outputNames.join(", ")}); give one loss (or null) per output`);
    if (isRecord(spec)) checkNames("loss", Object.keys(spec), outputNames);
    if (Array.isArray(lossWeights) && lossWeights.length !== n)
      throw new Error(`compile: lossWeights has ${lossWeights.length} entries but the model has ${n} output(s); give one weight per output`);
    if (isRecord(lossWeights)) checkNames("lossWeights", Object.keys(lossWeights), outputNames);
  }

  get built(): boolean {
    return this.entries !== null;
  }

  private build(yTrue: Tensor[], yPred: Tensor[]): Entry[] {
    const names = this.outputNames;
    const entries: Entry[] = [];
    names.forEach((outName, i) => {
      const spec = this.spec;
      const id = Array.isArray(spec) ? spec[i] : isRecord(spec) ? ((spec as Record<string, LossIdentifier | null>)[outName] ?? null) : (spec as LossIdentifier);
      if (id === null || id === undefined) return;
      const lw = this.lossWeights;
      const weight = lw === null ? null : typeof lw === "number" ? lw : Array.isArray(lw) ? lw[i] : ((lw as Record<string, number>)[outName] ?? null);
      const loss = resolveLoss(id, yTrue[i], yPred[i]);
      entries.push({ output: i, loss, weight, name: names.length > 1 ? outName : loss.name });
    });
    if (entries.length > 1) for (const e of entries) this.metrics.push(new Mean({ name: `${e.name}_loss` }));
    this.entries = entries;
    return entries;
  }

  /** The total loss of a batch (a float32 scalar), or null when no output has a loss. */
  call(yTrue: Tensor[], yPred: Tensor[], sampleWeight: (Tensor | null)[] | null): Tensor | null {
    if (yTrue.length !== yPred.length)
      throw new Error(`compile loss: got ${yTrue.length} target(s) for ${yPred.length} model output(s) (${this.outputNames.join(", ")})`);
    const entries = this.entries ?? this.build(yTrue, yPred);
    let total: Tensor | null = null;
    for (const [k, e] of entries.entries()) {
      const sw = sampleWeight ? (sampleWeight[e.output] ?? sampleWeight[0] ?? null) : null;
      let value = e.loss.call(yTrue[e.output], yPred[e.output], sw);
      if (value.dtype !== "float32") value = cast(value, "float32");
      if (this.metrics.length > 0) this.metrics[k].updateState(value, yPred[e.output].shape[0]);
      if (e.weight !== null) value = mul(value, e.weight);
      total = total === null ? value : add(total, value);
    }
    return total;
  }
}

function checkNames(what: string, keys: string[], outputNames: readonly string[]): void {
  const unknown = keys.filter((k) => !outputNames.includes(k));
  if (unknown.length > 0)
    throw new Error(`compile: ${what} names ${unknown.join(", ")}, which ${unknown.length === 1 ? "is not an output" : "are not outputs"}; the outputs are ${outputNames.join(", ")}`);
}
