import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Adam, AdamW, ExponentialDecay, Nadam, Optimizer, SGD, Variable, getOptimizer, serializeOptimizer, square, sum, tensor, zip,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface OptimizerCase {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  variables: TensorSpec[];
  grads: (TensorSpec | null)[][];
  trajectory: TensorSpec[][];
  slot_names: string[];
  iterations: number;
}

const cases = loadFixtures("keras/optimizers").cases as unknown as OptimizerCase[];

forEachBackend("optimizers follow Keras 3 trajectories", () => {
  for (const c of cases) {
    it(c.name, () => {
      const opt = getOptimizer({ class_name: c.class_name, config: c.config });
      const vars = c.variables.map((s, k) => new Variable(fromSpec(s), { name: `v${k}` }));
      c.grads.forEach((gs, t) => {
        opt.applyGradients(zip(gs.map((g) => (g ? fromSpec(g) : null)), vars));
        vars.forEach((v, k) => assertClose(v.value, fromSpec(c.trajectory[t][k]), { rtol: 1e-5, atol: 1e-6, msg: `${c.name} step ${t + 1} v${k}` }));
      });
      assert.equal(opt.iterations, c.iterations);
      const names = opt.variables.map((v) => v.name.slice(v.name.indexOf("/") + 1));
      assert.deepEqual(names, c.slot_names, "optimizer variables in Keras' order and names");
    });
  }
});

describe("optimizer API", () => {
  it("uses Keras defaults", () => {
    const a = new Adam();
    assert.equal(a.epsilon, 1e-7);
    assert.ok(Math.abs(a.learningRate - 0.001) < 1e-9);
    assert.equal(new SGD().learningRate.toFixed(6), "0.010000");
    assert.equal(new AdamW().weightDecay, 0.004);
    assert.equal(getOptimizer("rmsprop").constructor.name, "RMSprop");
    assert.equal(getOptimizer("AdamW").constructor.name, "AdamW");
  });

  it("round-trips its config, schedules included", () => {
    const o = new Nadam({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5 }), clipvalue: 2, beta1: 0.8 });
    const r = getOptimizer(serializeOptimizer(o));
    assert.ok(r instanceof Nadam);
    assert.deepEqual(r.getConfig(), { ...o.getConfig(), name: r.name });
    assert.equal(r.learningRateSchedule?.call(3), 0.05);
    const s = SGD.fromConfig({ learning_rate: 0.5, momentum: 0.9, nesterov: true });
    assert.ok(s instanceof SGD && s.nesterov && s.momentum === 0.9 && s.learningRate === 0.5);
  });

  it("evaluates a schedule at the step count", () => {
    const o = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }) });
    const w = new Variable(tensor([0]));
    for (let i = 0; i < 3; i++) o.applyGradients([[tensor([1]), w]]);
    assertClose(w.value, [-(1 + 0.5 + 0.25)]);
    assert.equal(o.learningRate, 0.125);
    assert.throws(() => (o.learningRate = 0.1), /LearningRateSchedule/);
  });

  it("skips null gradients, rejects all-null steps and mismatched shapes", () => {
    const o = new SGD({ learningRate: 1 });
    const a = new Variable(tensor([1, 2]));
    const b = new Variable(tensor([3]));
    o.applyGradients(zip([null, tensor([1])], [a, b]));
    assertClose(a.value, [1, 2]);
    assertClose(b.value, [2]);
    assert.throws(() => o.applyGradients(zip([null, null], [a, b])), /no gradients/);
    assert.throws(() => o.applyGradients(zip([tensor([1, 2, 3])], [a])), /shape \[3\].*shape \[2\]/);
    assert.throws(() => zip([null], [a, b]), /zip: got 1 gradients for 2 variables/);
    assert.throws(() => new SGD({ clipnorm: 1, clipvalue: 1 }), /at most one/);
  });

  it("leaves excluded variables out of weight decay", () => {
    const o = new SGD({ learningRate: 0.5, weightDecay: 0.1 });
    const kernel = new Variable(tensor([2]), { name: "dense/kernel" });
    const bias = new Variable(tensor([2]), { name: "dense/bias" });
    o.excludeFromWeightDecay({ varNames: ["bias"] });
    o.applyGradients(zip([tensor([0]), tensor([0])], [kernel, bias]));
    assertClose(kernel.value, [2 - 2 * 0.1 * 0.5]);
    assertClose(bias.value, [2]);
  });

  it("applies a variable's constraint after the update", () => {
    const o = new SGD({ learningRate: 1 });
    const w = new Variable(tensor([0.5, -0.5]));
    (w as unknown as { constraint: (t: ReturnType<typeof tensor>) => ReturnType<typeof tensor> }).constraint = (t) =>
      tensor(Array.from(t.values, (x) => Math.max(x, 0)));
    o.applyGradients(zip([tensor([1, 1])], [w]));
    assertClose(w.value, [0, 0]);
  });

  it("minimizes a loss function", () => {
    const w = new Variable(tensor([3, -2]));
    const unused = new Variable(tensor([1]));
    const opt = new Adam({ learningRate: 0.1 });
    let loss = opt.minimize(() => sum(square(w)), [w, unused]);
    assert.equal(loss.item(), 13);
    for (let i = 0; i < 300; i++) loss = opt.minimize(() => sum(square(w)), [w, unused]);
    assert.ok(loss.item() < 1e-3, `loss ${loss.item()}`);
    assertClose(unused.value, [1]);
    assert.equal(opt.iterations, 301);
  });

  it("keeps float64 variables in float64", () => {
    const w = new Variable(tensor([1, 2], [2], "float64"));
    const o: Optimizer = new Adam({ learningRate: 0.1 });
    o.applyGradients(zip([tensor([0.5, -0.5], [2], "float64")], [w]));
    assert.equal(w.dtype, "float64");
    assertClose(w.value, tensor([0.9, 2.1], [2], "float64"), { rtol: 1e-6 });
  });
});
