import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  Dense, Dropout, Flatten, Input, InputLayer, Model, Sequential, type Tensor, clearSession, randomUniform, relu, zeros,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";

describe("Sequential", () => {
  beforeEach(() => clearSession());

  it("builds at once from the first layer's inputShape", () => {
    const m = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3], activation: "relu" }), new Dense({ units: 2 })] });
    assert.equal(m.built, true);
    assert.deepEqual(m.inputShape, [null, 3]);
    assert.deepEqual(m.outputShape, [null, 2]);
    assert.deepEqual(m.layers.map((l) => l.name), ["dense", "dense_1"]);
    assert.equal(m.countParams(), 16 + 10);
  });

  it("builds from an Input or InputLayer given first", () => {
    const a = new Sequential({ layers: [Input({ shape: [28, 28] }), new Flatten(), new Dense({ units: 10 })] });
    assert.deepEqual(a.outputShape, [null, 10]);
    const b = new Sequential({ layers: [new InputLayer({ shape: [5] }), new Dense({ units: 1 })] });
    assert.deepEqual(b.outputShape, [null, 1]);
    assert.throws(() => b.add(new InputLayer({ shape: [2] })), /an InputLayer can only come first/);
  });

  it("builds on the first call otherwise, with that batch size (as Keras)", () => {
    const m = new Sequential({ layers: [new Dense({ units: 4 }), new Dense({ units: 2 })] });
    assert.equal(m.built, false);
    assert.throws(() => m.output, /not built/);
    const x = randomUniform([2, 3], { seed: 1 });
    const y = m.apply(x);
    assert.deepEqual(y.shape, [2, 2]);
    assert.deepEqual(m.inputShape, [2, 3]);
    assert.deepEqual(m.weights.map((w) => w.path), ["sequential/dense/kernel", "sequential/dense/bias", "sequential/dense_1/kernel", "sequential/dense_1/bias"]);
    assertClose(m.predict(randomUniform([5, 3], { seed: 2 })) as Tensor, m.apply(randomUniform([5, 3], { seed: 2 })));
  });

  it("add and pop rebuild the graph", () => {
    const m = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3] })] });
    const d = new Dense({ units: 7 });
    m.add(d);
    assert.deepEqual(m.outputShape, [null, 7]);
    assert.equal(d.inboundNodes.length, 1);
    m.add(new Dropout({ rate: 0.1 }));
    assert.equal(d.inboundNodes.length, 1, "the old graph's nodes are dropped");
    assert.equal(m.pop().className, "Dropout");
    assert.deepEqual(m.outputShape, [null, 7]);
    assert.throws(() => m.add(new Dense({ units: 1, name: "dense_1" })), /already has a layer named "dense_1"/);
    const features = new Model({ inputs: m.input, outputs: d.output });
    assert.deepEqual(features.outputShape, [null, 7]);
  });

  it("names the functional graph it builds, as Keras (one 'functional' name per build)", () => {
    new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 1 })] });
    const x = Input({ shape: [2] });
    assert.equal(new Model({ inputs: x, outputs: x }).name, "functional_1");
  });

  it("runs the layers in order and works inside a functional model", () => {
    const d1 = new Dense({ units: 4, inputShape: [3], activation: "relu" });
    const d2 = new Dense({ units: 2 });
    const m = new Sequential({ layers: [d1, d2] });
    const x = randomUniform([3, 3], { seed: 3 });
    assertClose(m.apply(x), d2.apply(relu(d1.apply(x)) ));
    const inp = Input({ shape: [3] });
    const outer = new Model({ inputs: inp, outputs: m.apply(inp) });
    assertClose(outer.apply(x), m.apply(x));
  });

  it("round-trips its config", () => {
    const m = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3], activation: "relu" }), new Dropout({ rate: 0.2 }), new Dense({ units: 2 })], name: "s" });
    const config = m.getConfig();
    const copy = Sequential.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(copy.name, "s");
    assert.deepEqual(copy.layers.map((l) => l.name), m.layers.map((l) => l.name));
    copy.setWeights(m.getWeights());
    const x = randomUniform([2, 3], { seed: 4 });
    assertClose(copy.apply(x), m.apply(x));
  });

  it("rejects non-layers, and calls without layers", () => {
    assert.throws(() => new Sequential({ layers: [42 as never] }), /expected a Layer/);
    assert.throws(() => new Sequential().apply(zeros([1, 2])), /has no layers/);
  });
});
