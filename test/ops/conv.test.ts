import assert from "node:assert/strict";
import { it } from "node:test";
import {
  GradientTape, type Tensor, conv2d, conv2dBackpropFilter, conv2dBackpropInput, conv2dTranspose, depthwiseConv2d,
  depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput, mul, randomUniform, sum, tensor,
} from "../../src/index.js";
import type { Conv2dOptions } from "../../src/ops/conv.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

const rand = (shape: number[], seed: number) => randomUniform(shape, { seed, minval: -1, maxval: 1, dtype: "float64" });

function optsOf(a: Record<string, unknown>): Conv2dOptions {
  return {
    strides: a.strides as Conv2dOptions["strides"],
    padding: a.padding as Conv2dOptions["padding"],
    dilations: a.dilations as Conv2dOptions["dilations"],
    dataFormat: a.dataFormat as Conv2dOptions["dataFormat"],
  };
}

forEachBackend("conv2d: TF fixtures", () => {
  const f = loadFixtures("tf/conv2d");
  it(`matches ${f.cases.length} TF conv2d cases (forward, input and filter gradients)`, () => {
    assert.ok(f.cases.length >= 15);
    for (const c of f.cases) checkCase(c, (t) => conv2d(t.x, t.filter, optsOf(c.attrs)));
  });
  const d = loadFixtures("tf/depthwise_conv2d");
  it(`matches ${d.cases.length} TF depthwiseConv2d cases`, () => {
    assert.ok(d.cases.length >= 8);
    for (const c of d.cases) checkCase(c, (t) => depthwiseConv2d(t.x, t.filter, optsOf(c.attrs)));
  });
  const tr = loadFixtures("tf/conv2d_transpose");
  it(`matches ${tr.cases.length} TF conv2dTranspose cases (default output shapes as Keras)`, () => {
    assert.ok(tr.cases.length >= 8);
    for (const c of tr.cases)
      checkCase(c, (t) => conv2dTranspose(t.x, t.filter, c.attrs.outputShape as number[] | null, optsOf(c.attrs)));
  });
});

forEachBackend("conv2d: gradient checks", () => {
  const geometries: [string, number[], number[], Conv2dOptions][] = [
    ["valid", [2, 5, 4, 2], [3, 2, 2, 3], {}],
    ["same s2 even kernel", [1, 6, 5, 2], [2, 2, 2, 2], { strides: 2, padding: "same" }],
    ["same dilation 2", [1, 5, 5, 1], [3, 3, 1, 2], { padding: "same", dilations: 2 }],
    ["explicit padding s[2,1]", [1, 4, 5, 2], [3, 3, 2, 1], { strides: [2, 1], padding: [[1, 0], [2, 1]] }],
    ["channelsFirst same", [1, 2, 4, 5], [3, 3, 2, 2], { padding: "same", dataFormat: "channelsFirst" }],
  ];
  for (const [name, xs, ws, o] of geometries)
    it(`conv2d ${name}`, () => checkGrad((x, w) => conv2d(x, w, o), [rand(xs, 1), rand(ws, 2)], { name: `conv2d ${name}` }));

  it("conv2dBackpropInput and conv2dBackpropFilter as ops", () => {
    const o: Conv2dOptions = { strides: 2, padding: "same" };
    const x = rand([1, 5, 6, 2], 3);
    const w = rand([3, 3, 2, 3], 4);
    const dy = rand([1, 3, 3, 3], 5);
    checkGrad((g, k) => conv2dBackpropInput(g, k, x.shape, o), [dy, w], { name: "conv2dBackpropInput" });
    checkGrad((a, g) => conv2dBackpropFilter(a, g, w.shape, o), [x, dy], { name: "conv2dBackpropFilter" });
  });

  it("conv2dTranspose valid and same, both layouts", () => {
    checkGrad((x, w) => conv2dTranspose(x, w, null, { strides: 2 }), [rand([1, 3, 2, 2], 6), rand([3, 3, 1, 2], 7)], {
      name: "conv2dTranspose valid",
    });
    checkGrad(
      (x, w) => conv2dTranspose(x, w, [1, 3, 5, 4], { strides: 2, padding: "same", dataFormat: "channelsFirst" }),
      [rand([1, 2, 3, 2], 8), rand([2, 3, 3, 2], 9)],
      { name: "conv2dTranspose same nchw" },
    );
  });

  it("depthwiseConv2d and its backprops", () => {
    const o: Conv2dOptions = { strides: 2, padding: "same" };
    checkGrad((x, w) => depthwiseConv2d(x, w, o), [rand([1, 5, 4, 2], 10), rand([3, 2, 2, 2], 11)], { name: "depthwise" });
    checkGrad((x, w) => depthwiseConv2d(x, w, { padding: "same" }), [rand([1, 4, 3, 4], 22), rand([3, 3, 4, 1], 23)], { name: "depthwise blocked" });
    checkGrad((x, w) => depthwiseConv2d(x, w, { dilations: 2, dataFormat: "channelsFirst" }),
      [rand([1, 2, 5, 5], 12), rand([2, 2, 2, 1], 13)], { name: "depthwise dilated nchw" });
    const x = rand([1, 4, 5, 2], 14);
    const w = rand([2, 3, 2, 3], 15);
    const dy = rand([1, 2, 3, 6], 16);
    checkGrad((g, k) => depthwiseConv2dBackpropInput(g, k, x.shape, o), [dy, w], { name: "depthwiseBackpropInput" });
    checkGrad((a, g) => depthwiseConv2dBackpropFilter(a, g, w.shape, o), [x, dy], { name: "depthwiseBackpropFilter" });
  });

  it("second order: the input gradient of a quadratic loss is differentiable in x and w", () => {
    const o: Conv2dOptions = { strides: 2, padding: "same" };
    const r = rand([1, 3, 3, 2], 17);
    // g(x, w) = d/dx sum(conv2d(x, w)^2 * r) = 2 bpInput(conv2d(x, w) * r, w): linear in x, quadratic in w.
    const inputGrad = (x: Tensor, w: Tensor): Tensor => {
      const tape = new GradientTape();
      tape.watch(x);
      const loss = tape.run(() => {
        const y = conv2d(x, w, o);
        return sum(mul(mul(y, y), r));
      });
      return tape.gradient(loss, x);
    };
    checkGrad((x, w) => mul(inputGrad(x, w), inputGrad(x, w)), [rand([1, 5, 6, 2], 18), rand([3, 3, 2, 2], 19)], {
      name: "conv2d second order",
    });
  });

  it("second order through depthwiseConv2d", () => {
    const inputGrad = (x: Tensor, w: Tensor): Tensor => {
      const tape = new GradientTape();
      tape.watch(w);
      const loss = tape.run(() => {
        const y = depthwiseConv2d(x, w, { padding: "same" });
        return sum(mul(y, y));
      });
      return tape.gradient(loss, w);
    };
    checkGrad((x, w) => inputGrad(x, w), [rand([1, 4, 4, 2], 20), rand([3, 3, 2, 2], 21)], { name: "depthwise second order" });
  });

  // With x and w both watched the two gradients come from one kernel (depthwiseConv2dBackprop) and are recorded
  // as the two backprop ops: each must stay differentiable in x and w.
  it("second order through both depthwiseConv2d gradients at once", () => {
    const r = rand([1, 5, 4, 3], 26);
    const grads = (x: Tensor, w: Tensor): Tensor[] => {
      const tape = new GradientTape();
      tape.watch(x, w);
      const loss = tape.run(() => {
        const y = depthwiseConv2d(x, w, { padding: "same" });
        return sum(mul(mul(y, y), r));
      });
      return tape.gradient(loss, [x, w]);
    };
    const inputs = [rand([1, 5, 4, 3], 24), rand([3, 3, 3, 1], 25)];
    checkGrad((x, w) => grads(x, w)[0], inputs, { name: "depthwise both: dx" });
    checkGrad((x, w) => grads(x, w)[1], inputs, { name: "depthwise both: dw" });
  });

  it("float32: both gradients at once equal the two backprop ops", () => {
    const f32 = (shape: number[], seed: number) => randomUniform(shape, { seed, minval: -1, maxval: 1 });
    for (const [xs, ws, o] of [
      [[2, 9, 11, 20], [3, 3, 20, 1], { padding: "same" }],
      [[1, 8, 7, 13], [3, 3, 13, 1], { padding: "valid" }],
      [[1, 7, 9, 6], [3, 3, 6, 2], { padding: "same", strides: 2 }],
    ] as [number[], number[], Conv2dOptions][]) {
      const x = f32(xs, 27);
      const w = f32(ws, 28);
      const y = depthwiseConv2d(x, w, o);
      const dy = f32(y.shape as number[], 29);
      const tape = new GradientTape();
      tape.watch(x, w);
      const [dx, dw] = tape.gradient(tape.run(() => depthwiseConv2d(x, w, o)), [x, w], { outputGradients: dy });
      assertClose(dx, depthwiseConv2dBackpropInput(dy, w, x.shape, o), { rtol: 1e-4, atol: 1e-4 });
      assertClose(dw, depthwiseConv2dBackpropFilter(x, dy, w.shape, o), { rtol: 1e-4, atol: 1e-3 });
    }
  });
});

forEachBackend("conv2d: shapes and errors", () => {
  it("same padding keeps ceil(in / stride); transpose inverts it", () => {
    const x = randomUniform([2, 7, 6, 3], { seed: 1 });
    const y = conv2d(x, randomUniform([4, 3, 3, 5], { seed: 2 }), { strides: 2, padding: "same" });
    assert.deepEqual(y.shape, [2, 4, 3, 5]);
    const z = conv2dTranspose(y, randomUniform([4, 3, 3, 5], { seed: 3 }), null, { strides: 2, padding: "same" });
    assert.deepEqual(z.shape, [2, 8, 6, 3]);
    const v = conv2dTranspose(y, randomUniform([4, 3, 3, 5], { seed: 3 }), null, { strides: 2 });
    assert.deepEqual(v.shape, [2, 10, 7, 3]);
  });

  it("computes a hand-checked case", () => {
    // x = 1..9 (3x3), filter [[1, 0], [0, -1]]: out = x[i][j] - x[i+1][j+1] = -4 everywhere.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tensor([1, 0, 0, -1], [2, 2, 1, 1]);
    assertClose(conv2d(x, w), tensor([-4, -4, -4, -4], [1, 2, 2, 1]));
    assertClose(conv2d(x, w, { padding: "same" }), tensor([-4, -4, 3, -4, -4, 6, 7, 8, 9], [1, 3, 3, 1]));
  });

  it("names the op and the shapes in its errors", () => {
    assert.throws(() => conv2d(randomUniform([8, 8, 3]), randomUniform([3, 3, 3, 4])), /conv2d: expected input rank 4 \(batch, height, width, channels\), got \[8, 8, 3\]/);
    assert.throws(() => conv2d(randomUniform([1, 8, 8, 3]), randomUniform([3, 3, 2, 4])), /conv2d: input has 3 channels but the filter \[3, 3, 2, 4\] expects 2/);
    assert.throws(() => conv2d(randomUniform([1, 2, 2, 1]), randomUniform([3, 3, 1, 1])), /conv2d: window 3 .* larger than the padded input 2/);
    assert.throws(() => conv2d(randomUniform([1, 4, 4, 1]), randomUniform([3, 3, 1, 1]), { padding: "full" as "same" }), /conv2d: padding must be/);
    assert.throws(() => conv2dTranspose(randomUniform([1, 3, 3, 2]), randomUniform([3, 3, 1, 2]), [9, 9], { strides: 2, padding: "same" }), /conv2dTranspose: .* gives \[5, 5\]/);
  });
});
