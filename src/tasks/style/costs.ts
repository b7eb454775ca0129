// The costs of neural style transfer as the Coursera course (C4W4, "Art Generation with Neural Style
// Transfer") defines them, after Gatys et al.: content cost on one layer, style cost from Gram matrices over
// weighted layers, the total alpha*J_content + beta*J_style, and an optional total variation term.
import { add, div, mul, sub } from "../../ops/arithmetic.js";
import { abs, square } from "../../ops/math.js";
import { matmul } from "../../ops/matmul.js";
import { slice } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { reshape } from "../../ops/reshape.js";
import { scalar } from "../../tensor/create.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** A style layer and its weight lambda in J_style, as the course's STYLE_LAYERS pairs. */
export type StyleLayer = readonly [name: string, weight: number];

/** The course's STYLE_LAYERS: block1_conv1 .. block5_conv1 of VGG19, each weighted 0.2. */
export const STYLE_LAYERS: readonly StyleLayer[] = Object.freeze([
  ["block1_conv1", 0.2], ["block2_conv1", 0.2], ["block3_conv1", 0.2], ["block4_conv1", 0.2], ["block5_conv1", 0.2],
] as const);

/** The course's content layer of VGG19. */
export const CONTENT_LAYER = "block5_conv4";

/** [nH, nW, nC] of an activation [1, nH, nW, nC] (or [nH, nW, nC]); `op` and `what` name it in errors. */
export function activationDims(op: string, what: string, a: Tensor): [number, number, number] {
  if (a.rank === 4 && a.shape[0] === 1) return [a.shape[1], a.shape[2], a.shape[3]];
  if (a.rank === 3) return [a.shape[0], a.shape[1], a.shape[2]];
  throw new RangeError(`${op}: ${what} must be one image's activation [1, nH, nW, nC] or [nH, nW, nC], got ${fmtShape(a.shape)}`);
}

function sameShape(op: string, a: Tensor, b: Tensor, names: [string, string]): [number, number, number] {
  const da = activationDims(op, names[0], a);
  const db = activationDims(op, names[1], b);
  if (!shapesEqual(da, db))
    throw new RangeError(
      `${op}: ${names[0]} ${fmtShape(a.shape)} and ${names[1]} ${fmtShape(b.shape)} differ; ` +
        `compute both on images of the same size (the course resizes content and style images alike)`,
    );
  return db;
}

/**
 * The content cost J_content(C, G) = sum((a_C - a_G)^2) / (4 nH nW nC) over one layer's activations.
 *
 * @example
 * computeContentCost(aC, aG); // scalar; 0 when aG equals aC
 */
export function computeContentCost(aC: Tensor, aG: Tensor): Tensor {
  const [nH, nW, nC] = sameShape("computeContentCost", aC, aG, ["aC", "aG"]);
  return div(sum(square(sub(aC, aG))), 4 * nH * nW * nC);
}

/**
 * The Gram matrix G_A = A A^T of an unrolled activation A [nC, nH*nW]: channel-by-channel correlations.
 *
 * @example
 * gramMatrix(tensor([[1, 2], [3, 4]])); // [[5, 11], [11, 25]]
 */
export function gramMatrix(a: Tensor): Tensor {
  if (a.rank !== 2) throw new RangeError(`gramMatrix: expected an unrolled activation [nC, nH*nW] of rank 2, got ${fmtShape(a.shape)}`);
  return matmul(a, a, { transposeB: true });
}

/** The Gram matrix [nC, nC] of an activation [1, nH, nW, nC] (or [nH, nW, nC]), without materialising A^T. */
export function activationGram(a: Tensor, op = "activationGram"): Tensor {
  const [nH, nW, nC] = activationDims(op, "the activation", a);
  // With X = a unrolled to [nH*nW, nC] (the course's A is X^T), A A^T = X^T X.
  const x = reshape(a, [nH * nW, nC]);
  return matmul(x, x, { transposeA: true });
}

/**
 * One layer's style cost J_style^[l](S, G) = sum((G_S - G_G)^2) / (4 nC^2 (nH nW)^2).
 *
 * @example
 * computeLayerStyleCost(aS, aG); // scalar
 */
export function computeLayerStyleCost(aS: Tensor, aG: Tensor): Tensor {
  sameShape("computeLayerStyleCost", aS, aG, ["aS", "aG"]);
  return layerStyleCostFromGram(activationGram(aS, "computeLayerStyleCost"), aG);
}

/** The layer style cost with the style image's Gram matrix computed once beforehand (it is a constant). */
export function layerStyleCostFromGram(gS: Tensor, aG: Tensor, op = "layerStyleCostFromGram"): Tensor {
  const [nH, nW, nC] = activationDims(op, "aG", aG);
  if (!shapesEqual(gS.shape, [nC, nC]))
    throw new RangeError(`${op}: the style Gram matrix is ${fmtShape(gS.shape)}, expected [${nC}, ${nC}] for aG ${fmtShape(aG.shape)}`);
  const gG = activationGram(aG, op);
  return div(sum(square(sub(gS, gG))), 4 * nC * nC * (nH * nW) * (nH * nW));
}

/** The weights of `layers`, checked: one finite number per layer, with activations for each. */
function layerWeights(op: string, layers: readonly StyleLayer[], count: number): number[] {
  if (layers.length !== count)
    throw new RangeError(`${op}: got ${count} activation pairs for ${layers.length} style layers (${layers.map((l) => l[0]).join(", ")})`);
  return layers.map(([name, w]) => {
    if (!Number.isFinite(w)) throw new RangeError(`${op}: the weight of style layer "${name}" must be a finite number, got ${w}`);
    return w;
  });
}

/**
 * The style cost J_style(S, G) = sum over layers of lambda^[l] J_style^[l](S, G), with the layers and
 * weights of `styleLayers` (the course's STYLE_LAYERS by default), `aS[i]`/`aG[i]` the activations of layer i.
 */
export function computeStyleCost(aS: readonly Tensor[], aG: readonly Tensor[], styleLayers: readonly StyleLayer[] = STYLE_LAYERS): Tensor {
  if (aS.length !== aG.length) throw new RangeError(`computeStyleCost: got ${aS.length} style activations and ${aG.length} generated ones`);
  const w = layerWeights("computeStyleCost", styleLayers, aG.length);
  return weightedSum(aG.map((g, i) => mul(computeLayerStyleCost(aS[i], g), w[i])));
}

/** computeStyleCost with the style image's Gram matrices precomputed (one per layer). */
export function styleCostFromGrams(gS: readonly Tensor[], aG: readonly Tensor[], styleLayers: readonly StyleLayer[]): Tensor {
  if (gS.length !== aG.length) throw new RangeError(`styleCostFromGrams: got ${gS.length} Gram matrices and ${aG.length} activations`);
  const w = layerWeights("styleCostFromGrams", styleLayers, aG.length);
  return weightedSum(aG.map((g, i) => mul(layerStyleCostFromGram(gS[i], g, "styleCostFromGrams"), w[i])));
}

function weightedSum(terms: Tensor[]): Tensor {
  return terms.length === 0 ? scalar(0) : terms.reduce((acc, t) => add(acc, t));
}

/**
 * The total cost J(G) = alpha J_content(C, G) + beta J_style(S, G) (course defaults alpha 10, beta 40).
 *
 * @example
 * totalCost(scalar(0.2), scalar(0.8)).item(); // 34
 */
export function totalCost(jContent: Tensor, jStyle: Tensor, alpha = 10, beta = 40): Tensor {
  return add(mul(jContent, alpha), mul(jStyle, beta));
}

/**
 * The total variation of an image [h, w, c] (a scalar) or a batch [b, h, w, c] (one value per image), as
 * tf.image.total_variation: the sum of absolute differences between vertically and horizontally adjacent pixels.
 */
export function totalVariation(image: Tensor): Tensor {
  if (image.rank !== 3 && image.rank !== 4)
    throw new RangeError(`totalVariation: expected an image [h, w, c] or a batch [b, h, w, c], got ${fmtShape(image.shape)}`);
  const o = image.rank - 3;
  const [h, w] = [image.shape[o], image.shape[o + 1]];
  const begin = (dy: number, dx: number): number[] => [...image.shape.slice(0, o).map(() => 0), dy, dx, 0];
  const size = (dh: number, dw: number): number[] => [...image.shape.slice(0, o), h - dh, w - dw, image.shape[o + 2]];
  const axes = [o, o + 1, o + 2];
  const vertical = sum(abs(sub(slice(image, begin(1, 0), size(1, 0)), slice(image, begin(0, 0), size(1, 0)))), axes);
  const horizontal = sum(abs(sub(slice(image, begin(0, 1), size(0, 1)), slice(image, begin(0, 0), size(0, 1)))), axes);
  return add(vertical, horizontal);
}
