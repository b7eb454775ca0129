// What a layer's symbolic calls tell about it: inputs, outputs and shapes per call (node).
import { Tensor } from "../tensor/tensor.js";
import type { Node, SymShape } from "../models/symbolic.js";
import { SymbolicTensor } from "../models/symbolic.js";

/** The part of a layer these helpers read. */
interface Called {
  readonly inboundNodes: readonly Node[];
  readonly buildInputShape: SymShape | SymShape[] | null;
  readonly className: string;
  readonly name: string;
}

function label(l: Called): string {
  return `${l.className} "${l.name}"`;
}

/** Node `i` of the layer, or an error saying why there is none. */
export function nodeAt(l: Called, i: number, what: string): Node {
  if (l.inboundNodes.length === 0)
    throw new Error(`${label(l)} has never been called on symbolic tensors, so it has no ${what}; call it on Input(...) first`);
  if (!Number.isInteger(i) || i < 0 || i >= l.inboundNodes.length)
    throw new RangeError(`${label(l)}: asked for the ${what} of call ${i}, but it was called ${l.inboundNodes.length} time(s)`);
  return l.inboundNodes[i];
}

export function nodeInputs(l: Called, i: number): SymbolicTensor | SymbolicTensor[] {
  const n = nodeAt(l, i, "input");
  return n.inputIsList ? [...n.inputs] : n.inputs[0];
}

export function nodeOutputs(l: Called, i: number): SymbolicTensor | SymbolicTensor[] {
  const n = nodeAt(l, i, "output");
  return n.outputIsList ? [...n.outputs] : n.outputs[0];
}

/** The input or output shape(s) shared by all calls; an error when calls disagree. */
export function uniqueShape(l: Called, what: "inputShape" | "outputShape"): SymShape | SymShape[] {
  const side = (n: Node): { list: boolean; ts: readonly SymbolicTensor[] } =>
    what === "inputShape" ? { list: n.inputIsList, ts: n.inputs } : { list: n.outputIsList, ts: n.outputs };
  const shapes = l.inboundNodes.map((n) => {
    const { list, ts } = side(n);
    return list ? ts.map((t) => t.shape) : ts[0].shape;
  });
  if (shapes.length === 0) {
    if (what === "inputShape" && l.buildInputShape) return l.buildInputShape;
    nodeAt(l, 0, what);
  }
  const key = (s: SymShape | SymShape[]): string => JSON.stringify(s);
  if (shapes.some((s) => key(s) !== key(shapes[0])))
    throw new Error(
      `${label(l)} was called on inputs of different shapes (${shapes.map(key).join(" vs ")}), so its ${what} is ambiguous; use getInputAt(i) / getOutputAt(i)`,
    );
  return shapes[0];
}

/** The list form of `inputs` when it is a list of tensors / symbolic tensors / variables, else null (one input). */
export function asInputList<T>(inputs: T | readonly T[]): T[] | null {
  if (!Array.isArray(inputs) || inputs.length === 0) return null;
  const isItem = (x: unknown): boolean =>
    x instanceof Tensor || x instanceof SymbolicTensor || (typeof x === "object" && x !== null && !Array.isArray(x) && "value" in x);
  return inputs.every(isItem) ? [...(inputs as T[])] : null;
}
