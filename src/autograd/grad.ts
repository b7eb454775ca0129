import { type TensorLike, onesLike, toTensor, zerosLike } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { identity } from "../ops/cast.js";
import { backprop } from "./backprop.js";
import { Tape, popTape, pushTape } from "./tape.js";

type Fn = (...args: Tensor[]) => Tensor;

function run(f: Fn, args: TensorLike[], op: string): { value: Tensor; grads: Tensor[] } {
  const tape = new Tape(false);
  // A fresh identity per argument: the same tensor passed twice gets two gradients, and outer
  // tapes still see the path through it.
  const xs = args.map((a, i) => {
    const t = toTensor(a, op);
    if (!isFloat(t.dtype)) throw new TypeError(`${op}: argument ${i} has dtype ${t.dtype}; only float arguments can be differentiated`);
    return identity(t);
  });
  for (const x of xs) tape.watch(x);
  pushTape(tape);
  let value: Tensor;
  try {
    value = f(...xs);
  } finally {
    popTape(tape);
  }
  if (!isFloat(value.dtype)) throw new TypeError(`${op}: the function returned a ${value.dtype} tensor; it must return a float tensor`);
  const g = backprop(tape, [value], [onesLike(value)], new Set(xs.map((x) => x.id)), true);
  return { value, grads: xs.map((x) => g.get(x.id) ?? zerosLike(x)) };
}

/**
 * The gradient of `f` (summed over its output) with respect to its first argument.
 *
 * @example
 * const df = grad((x) => sum(square(x)));
 * df(tensor([1, 2, 3])); // [2, 4, 6]
 */
export function grad(f: Fn): (...args: TensorLike[]) => Tensor {
  return (...args) => run(f, args, "grad").grads[0];
}

/** Gradients of `f` with respect to every argument. */
export function grads(f: Fn): (...args: TensorLike[]) => Tensor[] {
  return (...args) => run(f, args, "grads").grads;
}

/** The value of `f` and its gradient with respect to the first argument. */
export function valueAndGrad(f: Fn): (...args: TensorLike[]) => { value: Tensor; grad: Tensor } {
  return (...args) => {
    const r = run(f, args, "valueAndGrad");
    return { value: r.value, grad: r.grads[0] };
  };
}

/** The value of `f` and its gradients with respect to every argument. */
export function valueAndGrads(f: Fn): (...args: TensorLike[]) => { value: Tensor; grads: Tensor[] } {
  return (...args) => run(f, args, "valueAndGrads");
}
