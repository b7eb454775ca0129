// model.summary(): Keras 3's table of layers, output shapes, parameter counts (and connections).
import type { Layer } from "../layers/layer.js";
import type { LayerWeight } from "../layers/weight.js";
import type { Graph } from "./graph.js";
import type { Node, SymShape } from "./symbolic.js";
import { type Justify, type TableColumn, renderTable } from "./summary-table.js";

export interface SummaryOptions {
  /** Total width of the table; default min(88 or 108, terminal columns - 4), as Keras. */
  lineLength?: number;
  /** Right edges of the columns as fractions of lineLength (Keras' `positions`). */
  positions?: number[];
  /** Also list the layers inside nested models. */
  expandNested?: boolean;
  /** Add a "Trainable" column. */
  showTrainable?: boolean;
}

/** The part of a model summary() needs (kept structural so that models/ and summary stay decoupled). */
interface Summarizable extends Layer {
  readonly layers: Layer[];
  getGraph(): Graph | null;
  /** The optimizer's state size once it has trained (Keras' "Optimizer params" line), else null. */
  optimizerParams?(): { count: number; bytes: number } | null;
}

function terminalColumns(): number {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80;
}

/** "(None, 64)" as Keras' summary prints a shape. */
function fmtShape(s: SymShape): string {
  return `(${s.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

function fmtShapes(shapes: SymShape[], isList: boolean): string {
  return isList || shapes.length !== 1 ? `[${shapes.map(fmtShape).join(", ")}]` : fmtShape(shapes[0]);
}

function outputShapeText(layer: Layer, relevant: Set<Node> | null): string {
  const nodes = relevant ? layer.inboundNodes.filter((n) => relevant.has(n)) : layer.inboundNodes;
  const node = nodes.length ? nodes[nodes.length - 1] : layer.inboundNodes[layer.inboundNodes.length - 1];
  if (node) return fmtShapes(node.outputs.map((t) => t.shape), node.outputIsList);
  if (!layer.built || !layer.buildInputShape) return "?";
  try {
    const s = layer.computeOutputShape(layer.buildInputShape);
    return s.length > 0 && Array.isArray(s[0]) ? fmtShapes(s as SymShape[], true) : fmtShape(s as SymShape);
  } catch {
    return "?";
  }
}

function connections(layer: Layer, relevant: Set<Node>): string {
  const parts: string[] = [];
  for (const node of layer.inboundNodes) {
    if (!relevant.has(node)) continue;
    for (const t of node.inputs) {
      const h = t.history!;
      parts.push(`${h.layer.name}[${h.nodeIndex}][${h.tensorIndex}]`);
    }
  }
  return parts.length ? parts.join(", ") : "-";
}

/** Keras' test for a graph that reads as a plain stack: one node per depth, one input each, no shared layers. */
function isSequentialLike(graph: Graph): boolean {
  for (const nodes of graph.nodesByDepth.values()) if (nodes.length > 1 || (nodes.length === 1 && nodes[0].inputs.length > 1)) return false;
  for (const layer of graph.layers) if (layer.inboundNodes.filter((n) => graph.nodes.has(n)).length > 1) return false;
  return true;
}

function countOf(weights: readonly LayerWeight[]): number {
  let n = 0;
  for (const w of weights) n += w.value.size;
  return n;
}

const DTYPE_BITS: Record<string, number> = { float32: 32, float64: 64, int32: 32, bool: 1 };

function memoryOf(weights: readonly LayerWeight[]): number {
  let bits = 0;
  for (const w of new Set(weights)) bits += w.value.size * (DTYPE_BITS[w.dtype] ?? 32);
  return bits / 8;
}

/** Python's "{:.2f}" (ties to even, where JavaScript's toFixed rounds them up). */
function fixed2(x: number): string {
  const y = x * 200;
  if (Number.isInteger(y) && Math.abs(y) % 2 === 1) {
    const f = Math.floor(x * 100);
    return ((f % 2 === 0 ? f : f + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** "10.79 KB", as Keras' readable_memory_size. */
export function readableMemorySize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${fixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${fixed2(size)} PB`;
}

/** "2,762": thousands separated by commas. */
function commas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The summary as text (what `model.summary()` prints). */
export function formatSummary(model: Summarizable, opts: SummaryOptions = {}): string {
  const graph = model.getGraph();
  const isSeq = model.className === "Sequential" || !graph || isSequentialLike(graph);
  const layers = model.className === "Sequential" || !graph ? model.layers : graph.layers;
  const relevant = model.className === "Sequential" ? null : (graph?.nodes ?? null);

  let lineLength = isSeq ? 88 : 108;
  let positions = opts.positions ?? (isSeq ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0]);
  const header = ["Layer (type)", "Output Shape", "Param #"];
  const justifies: Justify[] = ["left", "left", "right"];
  if (!isSeq) {
    header.push("Connected to");
    justifies.push("left");
  }
  if (opts.showTrainable) {
    lineLength += 12;
    positions = [...positions.map((p) => p * 0.9), 1.0];
    header.push("Trainable");
    justifies.push("center");
  }
  lineLength = opts.lineLength ?? Math.min(lineLength, terminalColumns() - 4);
  const columns: TableColumn[] = [];
  let current = 0;
  positions.forEach((pos, i) => {
    const width = Math.floor(pos * lineLength) - current;
    if (width < 4) throw new Error(`summary: a line length of ${lineLength} is too narrow for the table`);
    columns.push({ header: header[i], justify: justifies[i], width });
    current += width;
  });

  const rows: string[][] = [];
  const addRows = (layer: Layer, level: number): void => {
    const prefix = level ? "   ".repeat(level) + "└ " : "";
    const params = layer.built ? commas(layer.countParams()) : "0 (unbuilt)";
    const row = [`${prefix}${layer.name} (${layer.className})`, outputShapeText(layer, level ? null : relevant), params];
    if (!isSeq) row.push(level ? "-" : connections(layer, relevant ?? new Set()));
    if (opts.showTrainable) row.push(layer.weights.length ? (layer.trainable ? "Y" : "N") : "-");
    rows.push(row);
    const nested = (layer as Partial<Summarizable>).layers;
    if (opts.expandNested && Array.isArray(nested)) for (const l of nested) addRows(l, level + 1);
  };
  for (const l of layers) addRows(l, 0);

  const trainable = model.trainableWeights;
  const nonTrainable = model.nonTrainableWeights;
  const tCount = countOf(trainable);
  const nCount = countOf(nonTrainable);
  const tMem = memoryOf(trainable);
  const nMem = memoryOf(nonTrainable);
  const opt = model.optimizerParams?.() ?? null;
  return [
    `Model: "${model.name}"`,
    ...renderTable(columns, rows, lineLength),
    ` Total params: ${commas(tCount + nCount + (opt?.count ?? 0))} (${readableMemorySize(tMem + nMem + (opt?.bytes ?? 0))})`,
    ` Trainable params: ${commas(tCount)} (${readableMemorySize(tMem)})`,
    ` Non-trainable params: ${commas(nCount)} (${readableMemorySize(nMem)})`,
    ...(opt ? [` Optimizer params: ${commas(opt.count)} (${readableMemorySize(opt.bytes)})`] : []),
  ].join("\n");
}
