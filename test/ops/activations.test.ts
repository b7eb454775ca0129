import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Tensor, cast, elu, gelu, grad, hardSigmoid, hardSilu, hardSwish, leakyRelu, logSoftmax, mish, mul, relu, relu6,
  selu, sigmoid, silu, softmax, softplus, softsign, sum, swish, tanh, tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend, on } from "../helpers/backends.js";
import { fromSpec, loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";

type Attrs = Record<string, unknown>;
const OPS: Record<string, (x: Tensor, a: Attrs) => Tensor> = {
  relu: (x) => relu(x),
  relu6: (x) => relu6(x),
  leakyRelu: (x, a) => leakyRelu(x, a.alpha as number | undefined),
  elu: (x, a) => elu(x, a.alpha as number | undefined),
  selu: (x) => selu(x),
  gelu: (x, a) => gelu(x, { approximate: a.approximate as boolean }),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  softplus: (x) => softplus(x),
  softsign: (x) => softsign(x),
  hardSigmoid: (x) => hardSigmoid(x),
  hardSwish: (x) => hardSwish(x),
  swish: (x) => swish(x),
  mish: (x) => mish(x),
  softmax: (x, a) => softmax(x, a.axis as number),
  logSoftmax: (x, a) => logSoftmax(x, a.axis as number),
};

// TF's float32 tanh is Eigen's rational approximation, about 1 ulp off; 1 - tanh^2 and 1 + tanh(z) cancel
// that up to ~3e-7 absolute where |tanh| is near 1 (our values are the closer ones to float64 truth there).
const ATOL: Record<string, number> = { tanh: 5e-7, gelu_approximate: 5e-7 };

// Smooth inputs away from every kink (0, +-3, 6) for the finite-difference checks.
const X1 = tensor([-4.1, -2.2, -0.7, 0.4, 1.3, 2.6, 5.1]);
const X2 = tensor([[-1.3, 0.8, 2.2], [4.4, -0.45, -2.8]]);
const X3 = tensor([[[0.3, -1.7]], [[2.9, -3.6]], [[6.5, 1.1]]]);

forEachBackend("activations", (backend) => {
  const test = (name: string, f: () => void): void => {
    it(name, () => on(backend, f));
  };

  const fixtures = loadFixtures("tf/activations");
  for (const c of fixtures.cases) {
    test(`${c.name} matches ${fixtures.versions.keras ? "Keras " + fixtures.versions.keras : "TF"} (forward and gradient)`, () => {
      const x = fromSpec(c.inputs.x);
      const f = OPS[c.op];
      assert.ok(f, `no op for fixture ${c.op}`);
      const dy = fromSpec(c.dy!);
      const atol = ATOL[c.name] ?? 1e-7;
      const out = f(x, c.attrs);
      assert.equal(out.dtype, "float32");
      assertClose(out, fromSpec(c.output), { rtol: 1e-5, atol, msg: `${c.name} forward` });
      const g = grad((t) => sum(mul(f(t, c.attrs), dy)))(x);
      assertClose(g, fromSpec(c.grads!.x), { rtol: 1e-5, atol, msg: `${c.name} gradient` });
    });
  }

  test("softmax and logSoftmax stay finite for huge logits", () => {
    assertClose(softmax(tensor([1000, 0])), [1, 0]);
    assertClose(softmax(tensor([-1000, -1000])), [0.5, 0.5]);
    assertClose(logSoftmax(tensor([1000, 0])), [0, -1000]);
    assertClose(softmax(tensor([[1, 2], [3, 4]]), 0), [[0.11920292, 0.11920292], [0.88079708, 0.88079708]]);
    const g = grad((x) => sum(mul(softmax(x), tensor([1, 2]))))(tensor([1000, 0]));
    assert.ok(g.values.every(Number.isFinite), `gradient ${g}`);
    // -inf logits are masked out; their gradient is finite (zero) rather than NaN
    assertClose(softmax(tensor([-Infinity, 0, 0])), [0, 0.5, 0.5]);
    assertClose(logSoftmax(tensor([-Infinity, 0])), [-Infinity, 0]);
    const gm = grad((x) => sum(mul(logSoftmax(x), tensor([0.3, 1]))))(tensor([-Infinity, 0]));
    assertClose(gm, [0.3, -0.3]); // w - softmax * sum(w)
    assert.throws(() => softmax(tensor(1)), /softmax: expected a tensor of rank >= 1/);
    assert.throws(() => softmax(tensor([1, 2]), 1), /softmax: axis 1 is out of range/);
  });

  test("rows of softmax sum to one and logSoftmax is its log", () => {
    const x = tensor([[0.5, -2, 3, 1e-3], [7, 7, 7, 7], [-50, 60, 0, 2]]);
    assertClose(sum(softmax(x), -1), [1, 1, 1]);
    const p = softmax(x);
    const lp = logSoftmax(x);
    for (let i = 0; i < p.size; i++) assert.ok(Math.abs(Math.log(p.values[i]) - lp.values[i]) < 1e-4 || p.values[i] < 1e-30);
  });

  test("sigmoid, tanh, softplus in the tails", () => {
    assertClose(sigmoid(tensor([-1000, 1000, 0, NaN])), [0, 1, 0.5, NaN]);
    assertClose(tanh(tensor([-1000, 1000])), [-1, 1]);
    assertClose(softplus(tensor([-1000, 1000, 0])), [0, 1000, Math.log(2)]);
    const g = grad((x) => sum(sigmoid(x)))(tensor([-1000, 1000]));
    assertClose(g, [0, 0]);
    assert.ok(!elu(tensor([1000])).values.some(Number.isNaN));
    const ge = grad((x) => sum(elu(x)))(tensor([1000, -1000]));
    assertClose(ge, [1, 0]);
  });

  test("known values", () => {
    assertClose(relu(tensor([-1, 0, 2])), [0, 0, 2]);
    assertClose(relu6(tensor([-1, 3, 7])), [0, 3, 6]);
    assertClose(leakyRelu(tensor([-1, 2])), [-0.2, 2]);
    assertClose(leakyRelu(tensor([-1, 2]), 0.01), [-0.01, 2]);
    assertClose(elu(tensor([-1, 2])), [Math.expm1(-1), 2]);
    assertClose(selu(tensor([-1, 2])), [1.0507009873554805 * 1.6732632423543772 * Math.expm1(-1), 2 * 1.0507009873554805]);
    // gelu(1) = 0.5 * (1 + erf(1/sqrt2)) = Phi(1)
    assertClose(gelu(tensor([1, -1])), [0.8413447460685429, -0.15865525393145707]);
    assertClose(gelu(tensor([1]), { approximate: true }), [0.8411919906082768]);
    // exact gelu keeps its relative precision far in the left tail (erfc form)
    assertClose(gelu(tensor([-8])), [-8 * 6.22096057427178e-16], { rtol: 1e-5, atol: 0 });
    assertClose(hardSigmoid(tensor([-4, 0, 1.5, 4])), [0, 0.5, 0.75, 1]);
    assertClose(hardSwish(tensor([-4, 1.5, 4])), [0, 1.125, 4]);
    assert.equal(hardSilu, hardSwish);
    assert.equal(swish, silu);
    assertClose(silu(tensor([1])), [1 / (1 + Math.exp(-1))]);
    assertClose(mish(tensor([1])), [Math.tanh(Math.log1p(Math.E))]);
    assertClose(softsign(tensor([-3, 1])), [-0.75, 0.5]);
  });

  test("gradient conventions at the kinks (TensorFlow's)", () => {
    const at = (f: (x: Tensor) => Tensor, x: number[]) => grad((t) => sum(f(t)))(tensor(x));
    assertClose(at(relu, [0]), [0]);
    assertClose(at(relu6, [0, 6]), [0, 0]);
    assertClose(at((x) => leakyRelu(x), [0]), [0.2]);
    assertClose(at((x) => elu(x, 0.5), [0]), [0.5]);
    assertClose(at(hardSigmoid, [-3, 3]), [0, 0]);
  });

  test("integer inputs", () => {
    const i = tensor([-2, 0, 3, 9], [4], "int32");
    const r = relu(i);
    assert.equal(r.dtype, "int32");
    assert.deepEqual([...r.values], [0, 0, 3, 9]);
    assert.deepEqual([...relu6(i).values], [0, 0, 3, 6]);
    assert.equal(sigmoid(i).dtype, "float32");
    assert.throws(() => relu(tensor([true])), /relu: expected a numeric tensor, got dtype bool/);
  });

  const unary: [string, (x: Tensor) => Tensor][] = [
    ["relu", relu], ["relu6", relu6], ["leakyRelu", (x) => leakyRelu(x)], ["leakyRelu 0.3", (x) => leakyRelu(x, 0.3)],
    ["elu", (x) => elu(x)], ["elu 0.7", (x) => elu(x, 0.7)], ["selu", selu], ["gelu", (x) => gelu(x)],
    ["gelu approximate", (x) => gelu(x, { approximate: true })], ["sigmoid", sigmoid], ["tanh", tanh],
    ["softplus", softplus], ["softsign", softsign], ["hardSigmoid", hardSigmoid], ["hardSwish", hardSwish],
    ["swish", swish], ["mish", mish],
  ];
  for (const [name, f] of unary)
    test(`${name} gradient matches finite differences`, () => {
      for (const x of [X1, X2, X3]) checkGrad(f, [x], { name });
    });

  test("softmax and logSoftmax gradients match finite differences on every axis", () => {
    for (const [x, axes] of [[X1, [-1, 0]], [X2, [-1, 0, 1]], [X3, [0, 1, 2]]] as const)
      for (const axis of axes) {
        checkGrad((t) => softmax(t, axis), [x], { name: `softmax axis ${axis}` });
        checkGrad((t) => logSoftmax(t, axis), [x], { name: `logSoftmax axis ${axis}` });
      }
  });

  test("second-order gradients of tanh, sigmoid, softmax, gelu match finite differences of the first", () => {
    const w = tensor([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]], undefined, "float64");
    const first = (f: (x: Tensor) => Tensor) => (x: Tensor) => grad((t) => sum(mul(f(t), w)))(x);
    for (const [name, f] of [
      ["tanh", tanh], ["sigmoid", sigmoid], ["softmax", (x: Tensor) => softmax(x)],
      ["logSoftmax", (x: Tensor) => logSoftmax(x, 0)], ["gelu", (x: Tensor) => gelu(x)], ["mish", mish],
      ["softplus", softplus],
    ] as const)
      checkGrad(first(f), [cast(X2, "float64")], { name: `d2 ${name}`, rtol: 1e-5, atol: 1e-7 });
  });
});
