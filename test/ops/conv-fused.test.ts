import assert from "node:assert/strict";
import { it } from "node:test";
import {
  Conv2D, GradientTape, Generator, add, conv2d, grad, mul, randomUniform, relu, relu6, reshape, sum, type Tensor,
} from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import { conv2dBiasActivation } from "../../src/ops/conv-fused.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

const gen = new Generator(5);
const rand = (shape: number[], dtype: "float32" | "float64" = "float32") => randomUniform(shape, { minval: -1, maxval: 1, seed: gen, dtype });
const ACTS = { linear: (t: Tensor) => t, relu, relu6 } as const;

forEachBackend("conv2d + bias + activation as one op (the conv layers' training path)", () => {
  it("equals conv2d, add and the activation: outputs and the gradients of x, w and bias", () => {
    const cases = [
      { x: [2, 7, 6, 3], w: [3, 3, 3, 5], opts: { padding: "same" as const } },
      { x: [1, 9, 9, 4], w: [2, 3, 4, 6], opts: { strides: 2, padding: "valid" as const } },
      { x: [2, 4, 5, 6], w: [1, 1, 6, 8], opts: {} },
      { x: [2, 3, 6, 6], w: [3, 3, 3, 4], opts: { padding: "same" as const, dataFormat: "channelsFirst" as const } },
    ];
    for (const c of cases)
      for (const act of ["linear", "relu", "relu6"] as const)
        for (const withBias of [true, false]) {
          if (act === "linear" && !withBias) continue;
          // Scaled so relu6 clips some outputs above 6.
          const x = mul(rand(c.x), 4);
          const w = rand(c.w);
          const b = withBias ? rand([c.w[3]]) : null;
          const dy = rand([...conv2d(x, w, c.opts).shape]);
          const ref = (xx: Tensor, ww: Tensor, bb: Tensor | null) => {
            let y = conv2d(xx, ww, c.opts);
            if (bb) y = add(y, c.opts.dataFormat === "channelsFirst" ? reshape(bb, [1, -1, 1, 1]) : bb);
            return ACTS[act](y);
          };
          const what = `${JSON.stringify(c.opts)} ${act}${withBias ? " + bias" : ""}`;
          const tape = (f: typeof ref) => {
            const t = new GradientTape({ persistent: true });
            const y = t.run(() => {
              for (const v of [x, w, ...(b ? [b] : [])]) t.watch(v);
              return f(x, w, b);
            });
            return [y, ...t.gradient(y, [x, w, ...(b ? [b] : [])], { outputGradients: dy })] as Tensor[];
          };
          const got = tape((xx, ww, bb) => conv2dBiasActivation(xx, ww, bb, act, c.opts));
          const want = tape(ref);
          got.forEach((g, i) => assertClose(g, want[i], { rtol: 1e-4, atol: 1e-4, msg: `${what} [${i}]` }));
        }
  });

  it("records one op (forward through the fused kernel) and checks shapes", () => {
    const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
    const orig = k.conv2dBiasActivation;
    let calls = 0;
    k.conv2dBiasActivation = (...a: unknown[]) => (calls++, orig(...a));
    try {
      conv2dBiasActivation(rand([1, 4, 4, 2]), rand([3, 3, 2, 3]), rand([3]), "relu", { padding: "same" });
    } finally {
      k.conv2dBiasActivation = orig;
    }
    assert.equal(calls, 1);
    assert.throws(() => conv2dBiasActivation(rand([1, 4, 4, 2]), rand([3, 3, 2, 3]), rand([4]), "relu", {}), /bias must be \[3\]/);
    assert.throws(() => conv2dBiasActivation(rand([1, 4, 4, 5]), rand([3, 3, 2, 3]), null, "relu", {}), /5 channels .* expects 2/);
  });

  it("gradient check in float64, first and second order", () => {
    const x = mul(rand([1, 5, 4, 2], "float64"), 3);
    const w = rand([2, 2, 2, 3], "float64");
    const b = rand([3], "float64");
    for (const act of ["linear", "relu", "relu6"] as const) {
      checkGrad((xx, ww, bb) => conv2dBiasActivation(xx, ww, bb, act, { padding: "same" }), [x, w, b], { name: `conv2d+bias+${act}` });
      checkGrad((xx) => grad((u: Tensor) => sum(mul(conv2dBiasActivation(u, w, b, act, {}), conv2dBiasActivation(u, w, b, act, {}))))(xx), [x], {
        name: `conv2d+bias+${act} second order`,
      });
    }
  });

  it("the Conv2D layer takes the fused path for relu/relu6/linear with a bias, and keeps other activations apart", () => {
    const x = rand([2, 6, 6, 3]);
    const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
    const orig = k.conv2dBiasActivation;
    for (const activation of ["relu", "relu6", "linear", "tanh"]) {
      const layer = new Conv2D({ filters: 4, kernelSize: 3, activation, padding: "same" });
      let calls = 0;
      k.conv2dBiasActivation = (...a: unknown[]) => (calls++, orig(...a));
      let y: Tensor;
      try {
        y = layer.apply(x) as Tensor;
      } finally {
        k.conv2dBiasActivation = orig;
      }
      assert.equal(calls, activation === "tanh" ? 0 : 1, activation);
      const want = layer.activation(add(conv2d(x, layer.kernel!.value, { padding: "same" }), layer.bias!.value));
      assertClose(y, want, { rtol: 1e-5, atol: 1e-6, msg: activation });
    }
  });
});
