// Symbolic tensors and nodes: the graph a functional model is made of.
import type { DType } from "../tensor/dtype.js";
import type { Layer } from "../layers/layer.js";

/** A shape whose dimensions may be unknown (null), as the batch dimension of a model input. */
export type SymShape = readonly (number | null)[];

/** "[null, 32]": a symbolic shape as error messages print it. */
export function fmtSymShape(s: SymShape): string {
  return `[${s.map((d) => (d === null ? "null" : String(d))).join(", ")}]`;
}

/** Where a symbolic tensor came from: output `tensorIndex` of node `nodeIndex` of `layer`. */
export interface KerasHistory {
  readonly layer: Layer;
  readonly nodeIndex: number;
  readonly tensorIndex: number;
}

let nextSymbolicId = 1;

/**
 * A placeholder for a tensor inside a model under construction: a shape (null where unknown),
 * a dtype and the layer call that produces it. `Input()` makes the first ones; calling a layer's
 * `apply` on them makes the rest.
 *
 * @example
 * const x = Input({ shape: [32] });      // shape [null, 32]
 * const y = new Dense({ units: 8 }).apply(x); // shape [null, 8]
 */
export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  readonly shape: readonly (number | null)[];
  history: KerasHistory | null = null;

  constructor(shape: SymShape, readonly dtype: DType, readonly name: string) {
    this.shape = Object.freeze([...shape]);
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `<SymbolicTensor shape=${fmtSymShape(this.shape)} dtype=${this.dtype} name=${this.name}>`;
  }
}

/**
 * One application of a layer in a graph: the symbolic tensors it read and wrote.
 * Creating a node registers it on the layer and stamps the outputs' history.
 */
export class Node {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Whether the layer was given a list of inputs (or returned a list) rather than one tensor. */
  readonly inputIsList: boolean;
  readonly outputIsList: boolean;
  /** `training` passed explicitly at graph-building time (the outer call's value wins when given). */
  readonly training: boolean | undefined;

  constructor(
    layer: Layer,
    inputs: readonly SymbolicTensor[],
    outputs: readonly SymbolicTensor[],
    opts: { inputIsList?: boolean; outputIsList?: boolean; training?: boolean } = {},
  ) {
    this.layer = layer;
    this.inputs = inputs;
    this.outputs = outputs;
    this.inputIsList = opts.inputIsList ?? inputs.length !== 1;
    this.outputIsList = opts.outputIsList ?? outputs.length !== 1;
    this.training = opts.training;
    const nodeIndex = layer.inboundNodes.length;
    layer.inboundNodes.push(this);
    outputs.forEach((t, tensorIndex) => {
      t.history = { layer, nodeIndex, tensorIndex };
    });
  }

  /** An input node: made by an InputLayer, reading nothing. */
  get isInput(): boolean {
    return this.inputs.length === 0;
  }

  /** The nodes that produced this node's inputs. */
  get parentNodes(): Node[] {
    const out: Node[] = [];
    for (const t of this.inputs) {
      const h = t.history;
      if (h) out.push(h.layer.inboundNodes[h.nodeIndex]);
    }
    return out;
  }
}

/** Removes `node` from its layer (a Sequential replacing its graph) and renumbers the layer's later nodes. */
export function detachNode(node: Node): void {
  const nodes = node.layer.inboundNodes;
  const i = nodes.indexOf(node);
  if (i < 0) return;
  nodes.splice(i, 1);
  for (let k = i; k < nodes.length; k++)
    nodes[k].outputs.forEach((t, tensorIndex) => {
      t.history = { layer: node.layer, nodeIndex: k, tensorIndex };
    });
}
