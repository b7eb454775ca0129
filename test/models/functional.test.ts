import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  GradientTape, square, sum, Add, Concatenate, Dense, Dropout, Input, Model, Sequential, type Tensor, add, clearSession, concat, matmul, randomUniform, relu, zeros,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";

const rand = (shape: number[], seed: number): Tensor => randomUniform(shape, { seed, minval: -1, maxval: 1 });

/** x·W + b with a Dense layer's own weights. */
function dense(layer: Dense, x: Tensor): Tensor {
  return add(matmul(x, layer.kernel!.value), layer.bias!.value);
}

describe("functional Model", () => {
  beforeEach(() => clearSession());

  it("runs a multi-input, multi-output graph in topological order", () => {
    const a = Input({ shape: [8], name: "a" });
    const b = Input({ shape: [4], name: "b" });
    const da = new Dense({ units: 6, name: "da" });
    const db = new Dense({ units: 6, activation: "relu" });
    const z = new Concatenate().apply([da.apply(a), db.apply(b)]);
    const o1 = new Dense({ units: 1, name: "o1" });
    const o2 = new Dense({ units: 3 });
    const m = new Model({ inputs: [a, b], outputs: [o1.apply(z), o2.apply(z)] });
    assert.deepEqual(m.layers.map((l) => l.name), ["a", "b", "da", "dense", "concatenate", "o1", "dense_1"]);
    assert.deepEqual(m.outputShape, [[null, 1], [null, 3]]);
    const xa = rand([5, 8], 1);
    const xb = rand([5, 4], 2);
    const [y1, y2] = m.applyAll([xa, xb]);
    const zz = concat([dense(da, xa), relu(dense(db, xb))], -1);
    assertClose(y1, dense(o1, zz), { atol: 1e-5 });
    assertClose(y2, dense(o2, zz), { atol: 1e-5 });
    const p = m.predict([xa, xb], { batchSize: 2 }) as Tensor[];
    assertClose(p[0], y1, { atol: 1e-6 });
    assertClose(p[1], y2, { atol: 1e-6 });
    assert.throws(() => m.apply([xa, xb]), /returned 2 outputs; use applyAll/);
  });

  it("shares the weights of a layer called twice", () => {
    const shared = new Dense({ units: 3, name: "shared" });
    const a = Input({ shape: [3], name: "ia" });
    const b = Input({ shape: [3], name: "ib" });
    const m = new Model({ inputs: [a, b], outputs: new Add().apply([shared.apply(a), shared.apply(b)]) });
    assert.deepEqual(m.layers.map((l) => l.name), ["ia", "ib", "shared", "add"]);
    assert.equal(m.weights.length, 2);
    const xa = rand([2, 3], 3);
    const xb = rand([2, 3], 4);
    assertClose(m.apply([xa, xb]), add(dense(shared, xa), dense(shared, xb)), { atol: 1e-6 });
  });

  it("uses a model as a layer inside another model", () => {
    const inner = new Sequential({ layers: [Input({ shape: [5] }), new Dense({ units: 3 }), new Dense({ units: 4, name: "frozen" })], name: "inner" });
    inner.getLayer("frozen").trainable = false;
    const x = Input({ shape: [5] });
    const head = new Dense({ units: 2 });
    const m = new Model({ inputs: x, outputs: head.apply(inner.apply(x)) });
    assert.deepEqual(m.layers.map((l) => l.name), ["input_layer_1", "inner", "dense_1"]);
    assert.equal(m.countParams(), 18 + 16 + 10);
    assert.equal(m.trainableWeights.length, 4);
    const v = rand([3, 5], 5);
    assertClose(m.apply(v), dense(head, inner.apply(v)), { atol: 1e-6 });
    assert.deepEqual(inner.computeOutputShape([null, 5]), [null, 4]);
  });

  it("extracts features: a new Model over a trained model's inner tensors reuses its layers", () => {
    const x = Input({ shape: [4] });
    const h1 = new Dense({ units: 6, name: "h1", activation: "relu" });
    const h2 = new Dense({ units: 5, name: "h2" });
    const base = new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(h2.apply(h1.apply(x))) });
    const features = new Model({ inputs: base.input, outputs: [base.getLayer("h1").output as never, base.getLayer("h2").output as never] });
    assert.equal(features.layers.length, 3);
    assert.equal(features.getLayer("h1"), h1);
    const v = rand([2, 4], 6);
    const [f1, f2] = features.applyAll(v);
    assertClose(f1, relu(dense(h1, v)), { atol: 1e-6 });
    assertClose(f2, dense(h2, relu(dense(h1, v))), { atol: 1e-6 });
  });

  it("getLayer by name or index, with errors listing the layers", () => {
    const x = Input({ shape: [2], name: "in" });
    const m = new Model({ inputs: x, outputs: new Dense({ units: 1, name: "out" }).apply(x) });
    assert.equal(m.getLayer(1).name, "out");
    assert.throws(() => m.getLayer("nope"), /no layer named "nope"; layers: in, out/);
    assert.throws(() => m.getLayer(5), /index 5 is out of range; the model has 2 layers/);
  });

  it("reports disconnected graphs and duplicate names", () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const y = new Add().apply([a, b]);
    assert.throws(() => new Model({ inputs: a, outputs: y }), /graph disconnected/);
    const x = Input({ shape: [2] });
    const y2 = new Dense({ units: 2, name: "same" }).apply(new Dense({ units: 2, name: "same" }).apply(x));
    assert.throws(() => new Model({ inputs: x, outputs: y2 }), /the name "same" is used by 2 layers/);
    assert.throws(() => new Model({ inputs: x }), /give both inputs and outputs/);
  });

  it("checks inputs against the model's input shapes", () => {
    const x = Input({ shape: [3], name: "feat" });
    const m = new Model({ inputs: x, outputs: new Dense({ units: 1 }).apply(x), name: "reg" });
    assert.throws(() => m.apply(zeros([2, 4])), /Functional "reg": input 0 \("feat"\) expects shape \[null, 3\], got \[2, 4\]/);
  });

  it("passes training through the graph; predict runs in inference mode", () => {
    const x = Input({ shape: [200] });
    const m = new Model({ inputs: x, outputs: new Dropout({ rate: 0.5, seed: 1 }).apply(x) });
    const v = randomUniform([2, 200], { seed: 1, minval: 1, maxval: 2 });
    assertClose(m.predict(v) as Tensor, v);
    const t = m.apply(v, { training: true });
    assert.ok(t.values.some((q) => q === 0), "dropout active with training: true");
  });

  it("differentiates through the graph to every trainable weight", () => {
    const a = Input({ shape: [4] });
    const shared = new Dense({ units: 4, activation: "tanh" });
    const inner = new Sequential({ layers: [new Dense({ units: 3, inputShape: [4] })] });
    const m = new Model({ inputs: a, outputs: inner.apply(shared.apply(shared.apply(a))) });
    const x = rand([3, 4], 9);
    const tape = new GradientTape();
    const loss = tape.run(() => sum(square(m.apply(x, { training: true }))));
    const grads = tape.gradient(loss, m.trainableWeights);
    assert.equal(grads.length, 4);
    for (const g of grads) assert.ok(g.values.some((v) => v !== 0), "every weight gets a gradient");
  });

  it("round-trips its config (shared and nested layers included)", () => {
    const inner = new Sequential({ layers: [new Dense({ units: 3, inputShape: [3], activation: "tanh" })], name: "inner" });
    const shared = new Dense({ units: 3, name: "shared" });
    const a = Input({ shape: [3], name: "ia" });
    const b = Input({ shape: [3], name: "ib" });
    const m = new Model({ inputs: [a, b], outputs: [new Add().apply([shared.apply(a), inner.apply(shared.apply(b))])], name: "m" });
    const config = m.getConfig();
    const copy = Model.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(copy.name, "m");
    assert.deepEqual(copy.layers.map((l) => l.className), m.layers.map((l) => l.className));
    assert.deepEqual(copy.getConfig(), config);
    copy.setWeights(m.getWeights());
    const xs = [rand([2, 3], 7), rand([2, 3], 8)];
    assertClose((copy.applyAll(xs) as Tensor[])[0], (m.applyAll(xs) as Tensor[])[0], { atol: 1e-6 });
  });
});
