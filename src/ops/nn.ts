import { type TensorLike, toTensor } from "../tensor/create.js";
import { allocStorage, isFloat } from "../tensor/dtype.js";
import { type Generator, generatorFor } from "../tensor/random.js";
import { fmtShape, normalizeAxis, shapesEqual, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { logSoftmax } from "./activations.js";
import { mul, neg, sub, add } from "./arithmetic.js";
import { cast } from "./cast.js";
import { greaterEqual, where } from "./compare.js";
import { exp, log1p } from "./math.js";
import { sum } from "./reduce.js";

export interface DropoutOptions {
  /** A seed or a Generator, for a reproducible mask; default: the global generator (see setSeed). */
  seed?: number | Generator;
  /** Shape of the mask, broadcast against x (1 where the mask is shared); null or -1 entries take x's size. */
  noiseShape?: readonly (number | null)[];
  /** When false, x is returned unchanged (inference). Default true. */
  training?: boolean;
}

/**
 * Zeroes each element with probability `rate` and scales the kept ones by 1 / (1 - rate), as
 * Keras's Dropout, so that the expected value is unchanged.
 *
 * @example
 * dropout(x, 0.5, { seed: 42 });
 */
export function dropout(x: TensorLike, rate: number, opts: DropoutOptions = {}): Tensor {
  const op = "dropout";
  const t = toTensor(x, op);
  if (!isFloat(t.dtype)) throw new TypeError(`${op}: expected a float tensor, got dtype ${t.dtype}`);
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${op}: rate must be in [0, 1), got ${rate}`);
  if (opts.training === false || rate === 0) return t;
  const shape = noiseShapeOf(op, t.shape, opts.noiseShape);
  const g = generatorFor(opts.seed);
  const scale = 1 / (1 - rate);
  const m = allocStorage(t.dtype, sizeOf(shape));
  for (let i = 0; i < m.length; i++) m[i] = g.uniform() >= rate ? scale : 0;
  return mul(t, new Tensor(m, shape, t.dtype));
}

function noiseShapeOf(op: string, xShape: readonly number[], noise?: readonly (number | null)[]): number[] {
  if (!noise) return [...xShape];
  if (noise.length !== xShape.length)
    throw new RangeError(`${op}: noiseShape ${JSON.stringify(noise)} must have rank ${xShape.length} like the input ${fmtShape(xShape)}`);
  return noise.map((d, i) => {
    const v = d === null || d === -1 ? xShape[i] : d;
    if (v !== 1 && v !== xShape[i])
      throw new RangeError(`${op}: noiseShape ${JSON.stringify(noise)} does not broadcast to the input ${fmtShape(xShape)} (axis ${i})`);
    return v;
  });
}

function floatPair(op: string, labels: TensorLike, logits: TensorLike): [Tensor, Tensor] {
  const z = toTensor(logits, op);
  if (!isFloat(z.dtype)) throw new TypeError(`${op}: logits must be float, got dtype ${z.dtype}`);
  let y = toTensor(labels, op, z.dtype);
  if (y.dtype !== z.dtype) y = cast(y, z.dtype);
  if (!shapesEqual(y.shape, z.shape))
    throw new RangeError(`${op}: labels ${fmtShape(y.shape)} and logits ${fmtShape(z.shape)} must have the same shape`);
  return [y, z];
}

/**
 * -sum(labels * logSoftmax(logits)) along `axis`, computed stably; labels are a probability
 * distribution per row (soft labels allowed). Both inputs get gradients.
 */
export function softmaxCrossEntropyWithLogits(labels: TensorLike, logits: TensorLike, axis = -1): Tensor {
  const op = "softmaxCrossEntropyWithLogits";
  const [y, z] = floatPair(op, labels, logits);
  if (z.rank === 0) throw new RangeError(`${op}: expected logits of rank >= 1, got a scalar`);
  const ax = normalizeAxis(op, axis, z.rank);
  return neg(sum(mul(y, logSoftmax(z, ax)), ax));
}

/**
 * Softmax cross-entropy with integer class labels: labels [...] (int32, in [0, classes)),
 * logits [..., classes]; the loss has the labels' shape.
 */
export function sparseSoftmaxCrossEntropyWithLogits(labels: TensorLike, logits: TensorLike): Tensor {
  const op = "sparseSoftmaxCrossEntropyWithLogits";
  const z = toTensor(logits, op);
  if (!isFloat(z.dtype)) throw new TypeError(`${op}: logits must be float, got dtype ${z.dtype}`);
  const y = toTensor(labels, op, "int32");
  if (z.rank === 0 || !shapesEqual(y.shape, z.shape.slice(0, -1)))
    throw new RangeError(`${op}: labels ${fmtShape(y.shape)} must have the shape of logits ${fmtShape(z.shape)} without its last (class) axis`);
  const classes = z.shape[z.rank - 1];
  // The one-hot mask is a constant built from the labels (which carry no gradient); range errors
  // are raised here, as TF does on CPU, rather than silently giving a zero loss.
  const hot = allocStorage(z.dtype, z.size);
  for (let i = 0; i < y.size; i++) {
    const c = y.values[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new RangeError(`${op}: label ${c} at position ${i} is outside the valid range [0, ${classes})`);
    hot[i * classes + c] = 1;
  }
  return neg(sum(mul(new Tensor(hot, z.shape, z.dtype), logSoftmax(z, -1)), -1));
}

/**
 * Elementwise logistic loss of `logits` against `labels` in [0, 1], in TF's stable form
 * max(x, 0) - x * z + log(1 + exp(-|x|)).
 */
export function sigmoidCrossEntropyWithLogits(labels: TensorLike, logits: TensorLike): Tensor {
  const [z, x] = floatPair("sigmoidCrossEntropyWithLogits", labels, logits);
  // where() rather than relu/abs so that the gradient at x = 0 is the true one (0.5 - z), as in TF.
  const pos = greaterEqual(x, 0);
  const reluX = where(pos, x, 0);
  const negAbs = where(pos, neg(x), x);
  return add(sub(reluX, mul(x, z)), log1p(exp(negAbs)));
}
