import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GradientTape, Variable, add, grad, grads, matmul, mean, mul, reshape, stopGradient, sum, tensor, transpose, valueAndGrad,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { checkGrad } from "../helpers/gradcheck.js";

describe("grad", () => {
  it("differentiates a sum of products", () => {
    const f = (x: ReturnType<typeof tensor>) => sum(mul(x, x));
    assertClose(grad(f)(tensor([1, 2, 3])), [2, 4, 6]);
  });

  it("gives one gradient per argument, even for the same tensor twice", () => {
    const x = tensor([1, 2]);
    const [da, db] = grads((a, b) => sum(mul(a, b)))(x, x);
    assertClose(da, [1, 2]);
    assertClose(db, [1, 2]);
  });

  it("returns the value beside the gradient", () => {
    const { value, grad: g } = valueAndGrad((x) => sum(mul(x, 3)))(tensor([1, 1]));
    assert.equal(value.item(), 6);
    assertClose(g, [3, 3]);
  });

  it("takes gradients of gradients", () => {
    // f(x) = x^3: f' = 3x^2, f'' = 6x
    const f = (x: ReturnType<typeof tensor>) => sum(mul(mul(x, x), x));
    const d2 = grad((x) => sum(grad(f)(x)))(tensor([1, 2, 3]));
    assertClose(d2, [6, 12, 18]);
  });

  it("stops at stopGradient", () => {
    const g = grad((x) => sum(mul(x, stopGradient(x))))(tensor([2, 3]));
    assertClose(g, [2, 3]);
  });

  it("rejects integer arguments", () => {
    assert.throws(() => grad((x) => sum(x))(tensor([1, 2], [2], "int32")), /int32/);
  });
});

describe("GradientTape", () => {
  it("watches trainable variables automatically", () => {
    const w = new Variable(tensor([[1], [2]]), { name: "w" });
    const frozen = new Variable(tensor([[5]]), { trainable: false });
    const x = tensor([[3, 4]]);
    const tape = new GradientTape();
    const loss = tape.run(() => sum(matmul(matmul(x, w), frozen)));
    const [dw, df] = tape.gradient(loss, [w, frozen]);
    assertClose(dw, [[15], [20]]);
    assertClose(df, [[0]]);
  });

  it("differentiates watched tensors and refuses a second call unless persistent", () => {
    const x = tensor([1, 2, 3]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.run(() => sum(mul(x, x)));
    assertClose(tape.gradient(y, x), [2, 4, 6]);
    assert.throws(() => tape.gradient(y, x), /only be called once/);

    const p = new GradientTape({ persistent: true });
    p.watch(x);
    const z = p.run(() => mean(mul(x, 2)));
    assertClose(p.gradient(z, x), [2 / 3, 2 / 3, 2 / 3]);
    assertClose(p.gradient(z, x), [2 / 3, 2 / 3, 2 / 3]);
  });

  it("nests for second derivatives", () => {
    const x = tensor([2]);
    const outer = new GradientTape();
    outer.watch(x);
    const dy = outer.run(() => {
      const inner = new GradientTape();
      inner.watch(x);
      const y = inner.run(() => mul(mul(x, x), x));
      return inner.gradient(y, x);
    });
    assertClose(dy, [12]);
    assertClose(outer.gradient(dy, x), [12]);
  });

  it("seeds with outputGradients and reports unconnected sources", () => {
    const x = tensor([1, 2]);
    const u = tensor([5]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(x, u);
    const y = tape.run(() => mul(x, 3));
    assertClose(tape.gradient(y, x, { outputGradients: tensor([1, 10]) }), [3, 30]);
    assert.equal(tape.gradient(y, [u], { unconnectedGradients: "none" })[0], null);
    assertClose(tape.gradient(y, u), [0]);
  });

  it("does not record outside run()", () => {
    const x = tensor([1]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = mul(x, 2);
    assertClose(tape.gradient(y, x), [0]);
  });
});

describe("gradient checks of the core ops", () => {
  it("add/mul with broadcasting", () => {
    checkGrad((a, b) => add(mul(a, b), a), [tensor([[1, 2, 3], [4, 5, 6]]), tensor([0.5, -1, 2])], { name: "add/mul" });
  });
  it("matmul, batched and transposed", () => {
    const a = tensor([[[1, 2], [3, 4], [5, 6]], [[0.5, 1], [1.5, 2], [2.5, 3]]]);
    const b = tensor([[1, -1, 2], [0.5, 0.25, -2]]);
    checkGrad((x, y) => matmul(x, y), [a, b], { name: "matmul" });
    checkGrad((x, y) => matmul(x, y, { transposeA: true, transposeB: true }), [tensor([[1, 2], [3, 4], [5, 6]]), tensor([[1, 2, 3], [3, 2, 1]])], { name: "matmul tt" });
  });
  it("reshape/transpose/sum/mean", () => {
    checkGrad((x) => mean(transpose(reshape(x, [3, 2])), 1), [tensor([1, 2, 3, 4, 5, 6])], { name: "movement" });
  });
});
