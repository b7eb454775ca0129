import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  Dense, Dropout, GradientTape, Input, L1, L2, Layer, LeakyReLU, Model, PReLU, ReLU, Sequential, type CallOptions, type Tensor,
  abs, clearSession, mul, ones, square, sum, tensor, zeros,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";

/** A composite layer: two Dense layers and a Dropout, tracked as sublayers. */
class Block extends Layer {
  static override className = "Block";
  // A ones kernel keeps the relu output positive for positive inputs, so dropout always shows (random weights
  // could make every relu zero on the all-ones input, about one run in sixteen).
  readonly d1 = this.trackLayer(new Dense({ units: 4, activation: "relu", kernelInitializer: "ones" }));
  readonly drop = this.trackLayer(new Dropout({ rate: 0.5, seed: 3 }));
  readonly d2 = this.trackLayer(new Dense({ units: 2 }));
  override call(x: Tensor, opts: CallOptions): Tensor {
    return this.d2.apply(this.drop.apply(this.d1.apply(x), opts));
  }
}

describe("Layer base", () => {
  beforeEach(() => clearSession());

  it("names layers as Keras: snake_case of the class plus a session counter", () => {
    assert.equal(new Dense({ units: 1 }).name, "dense");
    assert.equal(new Dense({ units: 1, name: "fc" }).name, "fc");
    assert.equal(new Dense({ units: 1 }).name, "dense_1");
    assert.equal(new LeakyReLU().name, "leaky_re_lu");
    assert.equal(new PReLU().name, "p_re_lu");
    assert.equal(new ReLU().name, "re_lu");
    assert.equal(new Sequential().name, "sequential");
    assert.equal(new Model().name, "functional");
    clearSession();
    assert.equal(new Dense({ units: 1 }).name, "dense");
    assert.throws(() => new Dense({ units: 1, name: "a/b" }), /invalid name "a\/b"/);
  });

  it("creates weights lazily with Keras names and paths", () => {
    const d = new Dense({ units: 3 });
    assert.equal(d.built, false);
    assert.equal(d.weights.length, 0);
    d.apply(zeros([2, 5]));
    assert.equal(d.built, true);
    assert.deepEqual(d.weights.map((w) => [w.name, w.path, [...w.shape]]), [["kernel", "dense/kernel", [5, 3]], ["bias", "dense/bias", [3]]]);
    assert.equal(d.countParams(), 18);
    const b = new Block();
    b.apply(zeros([1, 3]));
    assert.deepEqual(b.weights.map((w) => w.path), ["block/dense_1/kernel", "block/dense_1/bias", "block/dense_2/kernel", "block/dense_2/bias"]);
  });

  it("setWeights checks counts and shapes, naming the layer", () => {
    const d = new Dense({ units: 2, name: "fc" });
    d.apply(zeros([1, 3]));
    assert.throws(() => d.setWeights([zeros([3, 2])]), /Dense "fc".setWeights: expected 2 arrays \(kernel \[3, 2\], bias \[2\]\), got 1/);
    assert.throws(() => d.setWeights([zeros([2, 3]), zeros([2])]), /weight 0 \(fc\/kernel\) has shape \[3, 2\], got \[2, 3\]/);
    d.setWeights([ones([3, 2]), tensor([1, 2])]);
    assertClose(d.apply(tensor([[1, 1, 1]])), [[4, 5]]);
    assert.deepEqual(d.getWeights().map((t) => [...t.shape]), [[3, 2], [2]]);
  });

  it("trainable = false freezes a layer and, on a model, all of its layers", () => {
    const m = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3] }), new Dense({ units: 2 })] });
    assert.equal(m.trainableWeights.length, 4);
    m.trainable = false;
    assert.equal(m.trainableWeights.length, 0);
    assert.equal(m.nonTrainableWeights.length, 4);
    assert.ok(m.layers.every((l) => !l.trainable));
    m.trainable = true;
    m.layers[0].trainable = false;
    assert.deepEqual(m.trainableWeights.map((w) => w.path), ["sequential/dense_1/kernel", "sequential/dense_1/bias"]);
    assert.deepEqual(m.weights.map((w) => w.path), ["sequential/dense/kernel", "sequential/dense/bias", "sequential/dense_1/kernel", "sequential/dense_1/bias"]);
  });

  it("collects weight and activity regularization losses", () => {
    const d = new Dense({ units: 2, kernelRegularizer: new L2(0.1), activityRegularizer: new L1(0.5) });
    const x = tensor([[1, -2], [3, 4]]);
    const y = d.apply(x);
    const losses = d.losses;
    assert.equal(losses.length, 2);
    assertClose(losses[0], mul(sum(abs(y)), 0.5 / 2), { msg: "activity penalty is divided by the batch size" });
    assertClose(losses[1], mul(sum(square(d.weights[0].value)), 0.1));
    d.apply(x);
    assert.equal(d.losses.length, 2, "activity losses are reset on each outermost call");
    const m = new Sequential({ layers: [new Dense({ units: 2, inputShape: [2], kernelRegularizer: "l2" }), d] });
    m.apply(x);
    assert.equal(m.losses.length, 3, "a model collects its layers' losses");
    // The weight penalty is differentiable with respect to the kernel.
    const tape = new GradientTape();
    const pen = tape.run(() => d.losses[1]);
    const [g] = tape.gradient(pen, [d.weights[0]]);
    assertClose(g, mul(d.weights[0].value, 0.2));
  });

  it("passes training to nested layers and defaults to inference", () => {
    const b = new Block();
    const x = ones([4, 3]);
    assertClose(b.apply(x), b.apply(x), { msg: "inference is deterministic" });
    const t1 = b.apply(x, { training: true });
    const t2 = b.apply(x);
    assert.ok(t1.values.some((v, i) => v !== t2.values[i]), "training turns dropout on in the sublayer");
  });

  it("casts float inputs to the layer dtype", () => {
    const d = new Dense({ units: 2, dtype: "float64" });
    const y = d.apply(ones([1, 3]));
    assert.equal(y.dtype, "float64");
    assert.equal(d.weights[0].dtype, "float64");
  });

  it("input / output / shapes come from symbolic calls, with clear errors", () => {
    const d = new Dense({ units: 3, name: "fc" });
    assert.throws(() => d.output, /Dense "fc" has never been called on symbolic tensors/);
    const a = Input({ shape: [4] });
    const y = d.apply(a);
    assert.equal(d.output, y);
    assert.equal(d.input, a);
    assert.deepEqual(d.outputShape, [null, 3]);
    const b = Input({ shape: [2, 4] });
    d.apply(b);
    assert.equal(d.getOutputAt(1).constructor.name, "SymbolicTensor");
    assert.throws(() => d.outputShape, /called on inputs of different shapes.*ambiguous/);
    assert.throws(() => d.apply([a, zeros([1, 4])] as never), /mix symbolic tensors/);
  });

  it("rejects incompatible inputs at build and call time", () => {
    const d = new Dense({ units: 2, name: "fc" });
    const x = Input({ shape: [32] });
    d.apply(x);
    assert.throws(() => d.apply(Input({ shape: [64] })), /Dense "fc": expected input with last dimension 32, got \[null, 64\]/);
    assert.throws(() => new Dense({ units: 2 }).apply(Input({ shape: [null] })), /last dimension of the input must be known/);
  });
});
