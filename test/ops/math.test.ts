import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Shape, type Tensor, abs, acos, acosh, addN, asin, asinh, atan, atanh, ceil, clip, cos, cosh, erf, erfc, exp, expm1,
  floor, grad, grads, isFinite, isInf, isNaN, log, log1p, mul, randomUniform, reciprocal, round, rsqrt, sign, sin, sinh,
  sqrt, square, sum, tan, tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend, on } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

const f64 = (v: number[]) => tensor(v, [v.length], "float64");
const int = (v: number[]) => tensor(v, [v.length], "int32");
const rand = (shape: Shape, seed: number, minval: number, maxval: number) =>
  randomUniform(shape, { seed, minval, maxval, dtype: "float64" });
const SHAPES: Shape[] = [[5], [2, 3], [3, 1, 2], []];

forEachBackend("math", (backend) => {
  const test = (name: string, f: () => void): void => {
    it(name, () => on(backend, f));
  };

  test("known values", () => {
    assertClose(sqrt(tensor([0, 4, 2.25, -1])), [0, 2, 1.5, NaN]);
    assertClose(rsqrt(tensor([4, 0])), [0.5, Infinity]);
    assertClose(square(tensor([-3, 0.5])), [9, 0.25]);
    assertClose(exp(tensor([0, 1, -Infinity, 1000])), [1, Math.E, 0, Infinity]);
    assertClose(expm1(f64([1e-10, 1])), f64([1.00000000005e-10, Math.E - 1]), { rtol: 1e-14 });
    assertClose(log(tensor([1, Math.E, 0, -1])), [0, 1, -Infinity, NaN]);
    assertClose(log1p(f64([1e-10, -1])), f64([9.9999999995e-11, -Infinity]), { rtol: 1e-14 });
    assertClose(abs(tensor([-2, 0, 3])), [2, 0, 3]);
    assertClose(sign(tensor([-2, 0, 3, NaN])), [-1, 0, 1, NaN]);
    assertClose(reciprocal(tensor([2, -4, 0])), [0.5, -0.25, Infinity]);
    assertClose(sin(tensor([0, Math.PI / 2])), [0, 1]);
    assertClose(cos(tensor([0, Math.PI])), [1, -1]);
    assertClose(tan(tensor([Math.PI / 4])), [1]);
    assertClose(asin(tensor([1, 2])), [Math.PI / 2, NaN]);
    assertClose(acos(tensor([-1])), [Math.PI]);
    assertClose(atan(tensor([1, Infinity])), [Math.PI / 4, Math.PI / 2]);
    assertClose(sinh(tensor([1])), [Math.sinh(1)]);
    assertClose(cosh(tensor([1])), [Math.cosh(1)]);
    assertClose(asinh(tensor([1])), [Math.asinh(1)]);
    assertClose(acosh(tensor([1, 0.5])), [0, NaN]);
    assertClose(atanh(tensor([0.5, 1])), [Math.atanh(0.5), Infinity]);
    assertClose(floor(tensor([-1.5, 1.5, 2])), [-2, 1, 2]);
    assertClose(ceil(tensor([-1.5, 1.5, 2])), [-1, 2, 2]);
    // halves round to even, as tf.math.round and NumPy
    assertClose(round(tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6])), [-2, -2, -0, 0, 2, 2, 3]);
  });

  test("erf and erfc to 1e-14 relative (mpmath references)", () => {
    const xs = [1e-8, 0.1, 0.5, 1, 1.7, 2.4999, 2.5, 3, 4.5, 6.2, -1.5];
    const erfRef = [1.1283791670955126e-8, 0.1124629160182849, 0.52049987781304654, 0.84270079294971487, 0.98379045859077456,
      0.99959283009966655, 0.99959304798255504, 0.99997790950300141, 0.99999999980338396, 1.0, -0.96610514647531073];
    assertClose(erf(f64(xs)), f64(erfRef), { rtol: 1e-14, atol: 0 });
    assertClose(erf(f64(xs.map((x) => -x))), f64(erfRef.map((v) => -v)), { rtol: 1e-14, atol: 0 });
    const cs = [-2, 0.3, 1, 2.7, 5, 10, 26];
    const erfcRef = [1.9953222650189527, 0.67137324054087258, 0.15729920705028513, 0.00013433273994052419,
      1.5374597944280349e-12, 2.0884875837625448e-45, 5.6631924088561428e-296];
    assertClose(erfc(f64(cs)), f64(erfcRef), { rtol: 1e-14, atol: 0 });
    assertClose(erf(tensor([NaN, Infinity, -Infinity])), [NaN, 1, -1]);
    assertClose(erfc(tensor([NaN, Infinity, -Infinity])), [NaN, 0, 2]);
  });

  test("int32: value-preserving ops stay int32, float-valued ones give float32", () => {
    const i = int([-3, 0, 4]);
    for (const [name, f, want] of [
      ["abs", abs, [3, 0, 4]], ["square", square, [9, 0, 16]], ["sign", sign, [-1, 0, 1]],
      ["floor", floor, [-3, 0, 4]], ["ceil", ceil, [-3, 0, 4]], ["round", round, [-3, 0, 4]],
    ] as const) {
      const r = f(i);
      assert.equal(r.dtype, "int32", name);
      assert.deepEqual([...r.values], want, name);
    }
    const s = sqrt(int([4, 2]));
    assert.equal(s.dtype, "float32");
    assertClose(s, [2, Math.SQRT2]);
    assert.equal(exp(i).dtype, "float32");
    assert.deepEqual([...clip(int([-5, 2, 9]), 0, 6).values], [0, 2, 6]);
    assert.equal(clip(int([1]), 0, 6).dtype, "int32");
    assert.throws(() => sqrt(tensor([true])), /sqrt: expected a numeric tensor, got dtype bool/);
    assert.throws(() => abs(tensor([true])), /abs: expected a numeric tensor, got dtype bool/);
  });

  test("isNaN, isInf, isFinite", () => {
    const x = tensor([NaN, Infinity, -Infinity, 0, 1e38]);
    const b = (t: Tensor) => {
      assert.equal(t.dtype, "bool");
      return [...t.values];
    };
    assert.deepEqual(b(isNaN(x)), [1, 0, 0, 0, 0]);
    assert.deepEqual(b(isInf(x)), [0, 1, 1, 0, 0]);
    assert.deepEqual(b(isFinite(x)), [0, 0, 0, 1, 1]);
    assert.deepEqual(b(isFinite(int([1, 2]))), [1, 1]);
  });

  test("clip: values, broadcast bounds, and a gradient of 1 on [lo, hi] inclusive (TF)", () => {
    assertClose(clip(tensor([-2, 0, 0.5, 1, 3]), 0, 1), [0, 0, 0.5, 1, 1]);
    assertClose(clip(tensor([[5, -5], [0.5, 0.5]]), tensor([0, -1]), tensor([[1], [0.2]])), [[1, -1], [0.2, 0.2]]);
    assertClose(clip(tensor([NaN]), 0, 1), [NaN]);
    assertClose(grad((x) => sum(clip(x, 0, 1)))(tensor([-2, 0, 0.5, 1, 3])), [0, 1, 1, 1, 0]);
    const [dx, dlo, dhi] = grads((x, lo, hi) => sum(clip(x, lo, hi)))(tensor([-2, 0.5, 3]), tensor(0), tensor(1));
    assertClose(dx, [0, 1, 0]);
    assertClose(dlo, 1);
    assertClose(dhi, 1);
    checkGrad((x) => clip(x, -0.5, 0.7), [rand([3, 4], 3, -2, 2)], { name: "clip" });
  });

  test("addN sums a list of one shape", () => {
    assertClose(addN([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]), [9, 12]);
    assertClose(addN([tensor([1, 2])]), [1, 2]);
    assert.deepEqual([...addN([int([1]), int([2])]).values], [3]);
    assert.throws(() => addN([]), /addN: expected at least one tensor/);
    assert.throws(() => addN([tensor([1, 2]), tensor([1])]), /addN: input 1 has shape \[1\], expected \[2\]/);
    checkGrad((a, b, c) => addN([a, b, c]), [rand([2, 3], 1, -1, 1), rand([2, 3], 2, -1, 1), rand([2, 3], 3, -1, 1)], { name: "addN" });
  });

  test("rounding ops and sign have zero gradient", () => {
    // d/dx sum(f(x) * x) = f(x) + x * f'(x) = f(x) when f' = 0
    const x = tensor([1.3, -2.7, 0.5]);
    for (const f of [floor, ceil, round, sign]) assertClose(grad((t) => sum(mul(f(t), t)))(x), f(x));
  });

  const unary: [string, (x: Tensor) => Tensor, number, number][] = [
    ["sqrt", sqrt, 0.3, 3], ["rsqrt", rsqrt, 0.3, 3], ["square", square, -2, 2], ["exp", exp, -2, 2],
    ["expm1", expm1, -2, 2], ["log", log, 0.3, 3], ["log1p", log1p, -0.7, 3], ["abs", abs, -2, 2],
    ["reciprocal", reciprocal, 0.4, 2], ["reciprocal (negative)", reciprocal, -2, -0.4], ["sin", sin, -3, 3],
    ["cos", cos, -3, 3], ["tan", tan, -1.2, 1.2], ["asin", asin, -0.9, 0.9], ["acos", acos, -0.9, 0.9],
    ["atan", atan, -3, 3], ["sinh", sinh, -2, 2], ["cosh", cosh, -2, 2], ["asinh", asinh, -3, 3],
    ["acosh", acosh, 1.2, 4], ["atanh", atanh, -0.9, 0.9], ["erf", erf, -2.5, 2.5], ["erfc", erfc, -2.5, 2.5],
  ];
  for (const [name, f, lo, hi] of unary)
    test(`${name} gradient matches finite differences`, () => {
      SHAPES.forEach((s, k) => checkGrad(f, [rand(s, 100 + k, lo, hi)], { name: `${name} ${JSON.stringify(s)}` }));
    });

  test("second-order gradients of exp, log, sin, erf, sqrt", () => {
    for (const [name, f, lo, hi] of [["exp", exp, -1, 1], ["log", log, 0.5, 2], ["sin", sin, -2, 2], ["erf", erf, -2, 2], ["sqrt", sqrt, 0.5, 2]] as const)
      checkGrad((x) => grad((t) => sum(f(t)))(x), [rand([2, 3], 7, lo, hi)], { name: `d2 ${name}` });
  });
});
