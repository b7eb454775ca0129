import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Shape, type Tensor, add, atan2, div, floorDiv, grad, grads, maximum, minimum, mod, mul, neg, pow, randomUniform,
  sub, sum, tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend, on } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

const int = (v: number[], shape: Shape = [v.length]) => tensor(v, shape, "int32");
const rand = (shape: Shape, seed: number, minval = -2, maxval = 2) =>
  randomUniform(shape, { seed, minval, maxval, dtype: "float64" });
// Operand shape pairs: equal, trailing broadcast, both-sided broadcast, scalar, odd sizes.
const PAIRS: [Shape, Shape][] = [[[3], [3]], [[2, 3], [3]], [[2, 1, 3], [4, 1]], [[5], []], [[7, 1], [1, 5]], [[], [2, 2]]];

forEachBackend("arithmetic", (backend) => {
  const test = (name: string, f: () => void): void => {
    it(name, () => on(backend, f));
  };

  test("add, sub, mul, div broadcast", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    assertClose(add(a, tensor([10, 20, 30])), [[11, 22, 33], [14, 25, 36]]);
    assertClose(sub(tensor([[1], [2]]), tensor([1, 2, 3])), [[0, -1, -2], [1, 0, -1]]);
    assertClose(mul(a, 2), [[2, 4, 6], [8, 10, 12]]);
    assertClose(div(1, tensor([2, 4])), [0.5, 0.25]);
    assertClose(neg(a), [[-1, -2, -3], [-4, -5, -6]]);
    assert.throws(() => add(a, tensor([1, 2])), /add: shapes \[2, 3\] and \[2\] cannot be broadcast together/);
  });

  test("IEEE edge cases", () => {
    assertClose(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
    assertClose(mul(tensor([Infinity, NaN]), tensor([0, 1])), [NaN, NaN]);
    assertClose(add(tensor([Infinity]), tensor([-Infinity])), [NaN]);
    assertClose(sub(tensor([Infinity]), 1e30), [Infinity]);
  });

  test("int32 arithmetic stays int32; division is true division", () => {
    const a = int([7, -7, 3]);
    const s = add(a, 1);
    assert.equal(s.dtype, "int32");
    assert.deepEqual([...s.values], [8, -6, 4]);
    assert.deepEqual([...sub(a, int([1, 1, 1])).values], [6, -8, 2]);
    assert.equal(mul(a, 2).dtype, "int32");
    const q = div(a, 2);
    assert.equal(q.dtype, "float32");
    assertClose(q, [3.5, -3.5, 1.5]);
    // a fractional literal promotes, as JAX's weak types do
    assert.equal(add(a, 0.5).dtype, "float32");
    // products wrap modulo 2^32 exactly, as TensorFlow's int32
    assert.deepEqual([...mul(int([65537, 2147483647]), int([65537, 2147483647])).values], [131073, 1]);
  });

  test("bool operands are rejected with a clear error", () => {
    const b = tensor([true, false]);
    assert.throws(() => add(b, b), /add: expected numeric operands, got a bool one \(cast it first/);
    assert.throws(() => add(b, 1.5), /add: expected numeric operands/);
    assert.throws(() => mul(tensor([1, 2]), true), /mul: expected numeric operands/);
    assert.throws(() => div(b, 2), /div: expected numeric operands/);
    assert.throws(() => pow(b, 2), /pow: expected numeric operands/);
    assert.throws(() => maximum(b, 0), /maximum: expected numeric operands/);
    assert.throws(() => neg(b), /neg: expected a numeric tensor, got dtype bool/);
  });

  test("pow", () => {
    assertClose(pow(tensor([2, 3, 4]), tensor([3, 2, 0.5])), [8, 9, 2]);
    assertClose(pow(tensor([[2], [3]]), tensor([1, 2])), [[2, 4], [3, 9]]);
    assertClose(pow(tensor([-8, 0, -2]), tensor([1 / 3, 0, 2])), [NaN, 1, 4]);
    const p = pow(int([3, -2, 5]), int([40, 3, 0]));
    assert.equal(p.dtype, "int32");
    assert.deepEqual([...p.values], [689956897, -8, 1]);
    assert.throws(() => pow(int([2]), int([-1])), /pow: integers to negative integer powers are not allowed/);
    assertClose(pow(int([4]), 0.5), [2]);
  });

  test("pow gradient w.r.t. the exponent is 0 where the base is not positive (TF)", () => {
    const [dx, dy] = grads((x, y) => sum(pow(x, y)))(tensor([-2, 0, 3]), tensor([2, 2, 2]));
    assertClose(dx, [-4, 0, 6]);
    assertClose(dy, [0, 0, 9 * Math.log(3)], { rtol: 1e-6 });
  });

  test("maximum and minimum, NaN and ties", () => {
    assertClose(maximum(tensor([1, 5, NaN, 2]), tensor([3, 2, 1, NaN])), [3, 5, NaN, NaN]);
    assertClose(minimum(tensor([1, 5, NaN, 2]), tensor([3, 2, 1, NaN])), [1, 2, NaN, NaN]);
    assertClose(maximum(tensor([[1, 4]]), tensor([[2], [3]])), [[2, 4], [3, 4]]);
    assert.deepEqual([...maximum(int([1, 5]), 3).values], [3, 5]);
    // ties route the gradient to the first operand, as in TensorFlow
    const [ma, mb] = grads((a, b) => sum(maximum(a, b)))(tensor([1, 2, 3]), tensor([3, 2, 1]));
    assertClose(ma, [0, 1, 1]);
    assertClose(mb, [1, 0, 0]);
    const [na, nb] = grads((a, b) => sum(minimum(a, b)))(tensor([1, 2, 3]), tensor([3, 2, 1]));
    assertClose(na, [1, 1, 0]);
    assertClose(nb, [0, 0, 1]);
    // a broadcast scalar collects the gradient of every element it wins
    assertClose(grads((a, b) => sum(maximum(a, b)))(tensor([1, 2, 3]), tensor(2.5))[1], 2);
  });

  test("mod and floorDiv follow Python's floor semantics", () => {
    assert.deepEqual([...mod(int([5, -5, 5, -5]), int([3, 3, -3, -3])).values], [2, 1, -1, -2]);
    assert.deepEqual([...floorDiv(int([5, -5, 5, -5]), int([3, 3, -3, -3])).values], [1, -2, -2, 1]);
    assertClose(mod(tensor([5.5, -5.5, 7]), 2), [1.5, 0.5, 1]);
    assertClose(floorDiv(tensor([5.5, -5.5]), 2), [2, -3]);
    assertClose(mod(tensor([1]), 0), [NaN]);
    assertClose(floorDiv(tensor([1, -1]), 0), [Infinity, -Infinity]);
    assert.throws(() => mod(int([1, 2]), int([1, 0])), /mod: integer division by zero \(element 1 of the divisor\)/);
    assert.throws(() => floorDiv(int([1]), 0), /floorDiv: integer division by zero/);
    assertClose(grad((x) => sum(floorDiv(x, 2)))(tensor([1.5, 3])), [0, 0]);
  });

  test("atan2 picks the quadrant", () => {
    assertClose(atan2(tensor([1, 1, -1, -1, 0]), tensor([1, -1, -1, 1, -1])),
      [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4, -Math.PI / 4, Math.PI]);
  });

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, [number, number], [number, number]][] = [
    ["add", add, [-2, 2], [-2, 2]],
    ["sub", sub, [-2, 2], [-2, 2]],
    ["mul", mul, [-2, 2], [-2, 2]],
    ["div", div, [-2, 2], [0.5, 2]],
    ["pow", pow, [0.3, 2], [-1.5, 2.5]],
    ["maximum", maximum, [-2, 2], [-2, 2]],
    ["minimum", minimum, [-2, 2], [-2, 2]],
    ["mod", mod, [-3, 3], [0.7, 1.9]],
    ["atan2", atan2, [-2, 2], [-2, 2]],
  ];
  for (const [name, f, ra, rb] of binary)
    test(`${name} gradient matches finite differences, broadcasting included`, () => {
      PAIRS.forEach(([sa, sb], k) => {
        checkGrad(f, [rand(sa, 11 + k, ...ra), rand(sb, 31 + k, ...rb)], { name: `${name} ${JSON.stringify([sa, sb])}` });
      });
    });

  test("neg gradient, and pow with a negative base w.r.t. the base", () => {
    checkGrad(neg, [rand([2, 3], 5)], { name: "neg" });
    checkGrad((x) => pow(x, 3), [rand([3, 3], 6)], { name: "pow x^3" });
    checkGrad((x) => pow(x, tensor(-2, [], "float64")), [rand([4], 8, 0.5, 2)], { name: "pow x^-2" });
  });

  test("second-order gradients of mul, div and pow", () => {
    checkGrad((x) => grad((t) => sum(mul(mul(t, t), t)))(x), [rand([5], 3)], { name: "d2 x^3" });
    checkGrad((x) => grad((t) => sum(div(1, t)))(x), [rand([2, 2], 4, 0.5, 2)], { name: "d2 1/x" });
    checkGrad((y) => grad((t) => sum(pow(tensor([1.5, 2, 0.7], [3], "float64"), t)))(y), [rand([3], 9)], { name: "d2 a^y" });
  });
});
