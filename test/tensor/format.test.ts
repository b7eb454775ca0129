import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arange, div, mul, reshape, scalar, tensor, zeros } from "../../src/index.js";

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

  it("aligns decimal points, switches to scientific, wraps at 75 columns and summarizes over 1000 elements", () => {
    // Expected strings printed by TensorFlow 2.21 (scripts: str(tf.constant(...))).
    const cases: [ReturnType<typeof tensor>, string][] = [
      [tensor([0.1, 2.5, -3.25]), "Tensor([ 0.1   2.5  -3.25], shape=(3,), dtype=float32)"],
      [tensor([1e-5, 1]), "Tensor([1.e-05 1.e+00], shape=(2,), dtype=float32)"],
      [tensor([1 / 3, 2 / 3]), "Tensor([0.33333334 0.6666667 ], shape=(2,), dtype=float32)"],
      [mul(arange(0, 30, 1, "float32"), 1.5), "Tensor(\n[ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5\n 21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5\n 42.  43.5], shape=(30,), dtype=float32)"],
      [reshape(arange(2000), [40, 50]), "Tensor(\n[[   0    1    2 ...   47   48   49]\n [  50   51   52 ...   97   98   99]\n [ 100  101  102 ...  147  148  149]\n ...\n [1850 1851 1852 ... 1897 1898 1899]\n [1900 1901 1902 ... 1947 1948 1949]\n [1950 1951 1952 ... 1997 1998 1999]], shape=(40, 50), dtype=int32)"],
      [div(arange(0, 1200, 1, "float32"), 7), "Tensor(\n[0.0000000e+00 1.4285715e-01 2.8571430e-01 ... 1.7100000e+02 1.7114285e+02\n 1.7128572e+02], shape=(1200,), dtype=float32)"],
      [tensor([-0.5, 0.25]), "Tensor([-0.5   0.25], shape=(2,), dtype=float32)"],
      [tensor([1e9, 2]), "Tensor([1.e+09 2.e+00], shape=(2,), dtype=float32)"],
      [tensor([[1.5, NaN], [-Infinity, 2]]), "Tensor(\n[[ 1.5  nan]\n [-inf  2. ]], shape=(2, 2), dtype=float32)"],
      [zeros([0, 3]), "Tensor([], shape=(0, 3), dtype=float32)"],
      [tensor([1e-7, 3], undefined, "float64"), "Tensor([1.e-07 3.e+00], shape=(2,), dtype=float64)"],
    ];
    for (const [t, want] of cases) assert.equal(t.toString(), want);
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
