import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arange, reshape, scalar, tensor } from "../../src/index.js";

// Expected strings are TensorFlow 2.21's str(tensor), with "tf.Tensor" spelled "Tensor".
describe("Tensor.toString like TensorFlow's repr", () => {
  it("matrices, scalars, bools, ints, nan/inf and float64", () => {
    const cases: [string, string][] = [
      [tensor([[1, 2], [3, 4]]).toString(), "Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"],
      [scalar(3.5).toString(), "Tensor(3.5, shape=(), dtype=float32)"],
      [scalar(7, "int32").toString(), "Tensor(7, shape=(), dtype=int32)"],
      [tensor([true, false]).toString(), "Tensor([ True False], shape=(2,), dtype=bool)"],
      [
        reshape(arange(24), [2, 3, 4]).toString(),
        "Tensor(\n[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]], shape=(2, 3, 4), dtype=int32)",
      ],
      [tensor([1.5, NaN, Infinity]).toString(), "Tensor([1.5 nan inf], shape=(3,), dtype=float32)"],
      [tensor([1 / 3, 2 / 3], undefined, "float64").toString(), "Tensor([0.33333333 0.66666667], shape=(2,), dtype=float64)"],
      [tensor([1, 2, 3], undefined, "int32").toString(), "Tensor([1 2 3], shape=(3,), dtype=int32)"],
      [tensor([-1, 10, -100], undefined, "int32").toString(), "Tensor([  -1   10 -100], shape=(3,), dtype=int32)"],
    ];
    for (const [got, want] of cases) assert.equal(got, want);
  });

  it("float32 values print at float32 precision", () => {
    assert.equal(scalar(0.1).toString(), "Tensor(0.1, shape=(), dtype=float32)");
    assert.equal(scalar(-2.25).toString(), "Tensor(-2.25, shape=(), dtype=float32)");
  });

  it("node's inspect uses the same text", async () => {
    const { inspect } = await import("node:util");
    assert.equal(inspect(tensor([1, 2])), tensor([1, 2]).toString());
  });
});
