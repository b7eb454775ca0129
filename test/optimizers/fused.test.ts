// The fused optimizer updates (one kernel pass per variable) against the composite ops they replace:
// the same bits, for every option they fold in, in float32 and float64, on each backend.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Adam, AdamW, ExponentialDecay, GradientTape, Generator, Optimizer, RMSprop, SGD, Tensor, Variable, getBackend, randomNormal, randomUniform,
  square, sum, zip,
} from "../../src/index.js";
import type { DType } from "../../src/tensor/dtype.js";
import { kernels } from "../../src/backends/index.js";
import { forEachBackend } from "../helpers/backends.js";
import type { SlotVariable } from "../../src/optimizers/slot.js";

type Make = (fused: boolean) => Optimizer;
const schedule = () => new ExponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.6 });

const configs: [string, Make][] = [
  ["adam", (fused) => new Adam({ learningRate: 0.01, fused })],
  ["adam amsgrad", (fused) => new Adam({ learningRate: 0.01, amsgrad: true, fused })],
  ["adam custom betas, epsilon, schedule, clipnorm", (fused) => new Adam({ learningRate: schedule(), beta1: 0.8, beta2: 0.99, epsilon: 1e-5, clipnorm: 1, fused })],
  ["adam weight decay, global clipnorm", (fused) => new Adam({ learningRate: 0.01, weightDecay: 0.1, globalClipnorm: 0.5, fused })],
  ["adamw", (fused) => new AdamW({ learningRate: 0.02, fused })],
  ["adamw amsgrad clipvalue, bias excluded from decay", (fused) => {
    const o = new AdamW({ learningRate: 0.02, weightDecay: 0.05, amsgrad: true, clipvalue: 0.3, fused });
    o.excludeFromWeightDecay({ varNames: ["bias"] });
    return o;
  }],
  ["sgd", (fused) => new SGD({ learningRate: 0.1, fused })],
  ["sgd momentum, weight decay", (fused) => new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.05, fused })],
  ["sgd nesterov, clipvalue", (fused) => new SGD({ learningRate: schedule(), momentum: 0.8, nesterov: true, clipvalue: 0.5, fused })],
  ["rmsprop", (fused) => new RMSprop({ learningRate: 0.01, fused })],
  ["rmsprop momentum", (fused) => new RMSprop({ learningRate: 0.01, momentum: 0.5, fused })],
  ["rmsprop centered", (fused) => new RMSprop({ learningRate: 0.01, rho: 0.8, centered: true, fused })],
  ["rmsprop momentum centered, weight decay", (fused) => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1, fused })],
];

/** The bytes of a tensor's storage, for bitwise comparison (NaN payloads included). */
const bytes = (t: Tensor): Buffer => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength);

const shapes = [[1], [7], [3, 5], [2, 3, 4, 5]];

/** Runs `steps` steps of two optimizers (fused and composite) on equal copies; returns both states. */
function run(make: Make, dtype: DType, steps: number, seed: number): [Variable[], Variable[]] {
  const gen = new Generator(seed);
  const init = shapes.map((s) => randomNormal(s, { dtype, seed: gen }));
  const names = ["dense/kernel", "dense/bias", "conv/kernel", "conv/bias"];
  const states = [true, false].map((fused) => {
    const opt = make(fused);
    const vars = init.map((t, i) => new Variable(t, { name: names[i] }));
    return { opt, vars };
  });
  for (let s = 0; s < steps; s++) {
    // Gradients of mixed scale (some near zero) and one step with a null gradient.
    const grads = shapes.map((sh, i) => (s === 2 && i === 1 ? null : randomUniform(sh, { minval: -2, maxval: 2, dtype, seed: gen })));
    for (const { opt, vars } of states) opt.applyGradients(zip(grads, vars));
  }
  return states.map(({ opt, vars }) => [...vars, ...opt.variables]) as [Variable[], Variable[]];
}

/** Counts calls of the active backend's fused kernels while `f` runs. */
function countFused(f: () => void): number {
  const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ["adamUpdate", "sgdUpdate", "rmspropUpdate"];
  const saved = names.map((n) => k[n]);
  let calls = 0;
  names.forEach((n, i) => (k[n] = (...a: unknown[]) => (calls++, saved[i](...a))));
  try {
    f();
  } finally {
    names.forEach((n, i) => (k[n] = saved[i]));
  }
  return calls;
}

forEachBackend("fused optimizer updates equal the composite ops bit for bit", () => {
  for (const dtype of ["float32", "float64"] as DType[])
    for (const [name, make] of configs) {
      it(`${name} (${dtype})`, () => {
        let a: Variable[] = [];
        let b: Variable[] = [];
        const calls = countFused(() => ([a, b] = run(make, dtype, 5, 11)));
        assert.equal(calls, 5 * 4 - 1, "one fused call per variable and step (none for the null gradient)");
        assert.equal(a.length, b.length);
        a.forEach((v, i) => {
          if (v.shape.length > 0) assert.equal(v.dtype, dtype);
          assert.ok(bytes(v.value).equals(bytes(b[i].value)), `${getBackend()} ${name}: ${v.name} differs from the op path`);
        });
      });
    }
});

describe("fused optimizer updates: when the op path runs", () => {
  it("fused: false, a gradient of another dtype and a variable listed twice use the ops, with the same result", () => {
    assert.equal(countFused(() => run((fused) => new Adam({ fused }), "float32", 2, 3)), 4 * 2);
    const w = new Variable(randomNormal([4], { seed: 1 }));
    const g64 = randomNormal([4], { dtype: "float64", seed: 2 });
    assert.equal(countFused(() => new Adam({ fused: true }).applyGradients([[g64, w]])), 0);
    assert.equal(w.dtype, "float32");
    const g = randomNormal([4], { seed: 2 });
    const twice = [0, 1].map(() => new Variable(w.value));
    const opts = [true, false].map((fused) => new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.1, fused }));
    assert.equal(countFused(() => opts[0].applyGradients([[g, twice[0]], [g, twice[0]]])), 0);
    opts[1].applyGradients([[g, twice[1]], [g, twice[1]]]);
    assert.ok(bytes(twice[0].value).equals(bytes(twice[1].value)));
  });

  it("runs under a recording GradientTape without recording the update", () => {
    const w = new Variable(randomNormal([5], { seed: 4 }));
    const opt = new Adam({ learningRate: 0.1 });
    const grads = new GradientTape();
    const loss = grads.run(() => sum(square(w)));
    const g = grads.gradient(loss, [w]) as Tensor[];
    const before = w.value;
    const outer = new GradientTape();
    outer.watch(before);
    let calls = 0;
    const after = outer.run(() => {
      calls = countFused(() => opt.applyGradients(zip(g, [w])));
      return sum(w.value);
    });
    assert.equal(calls, 1);
    assert.equal(outer.gradient(after, before, { unconnectedGradients: "none" }), null, "the update is not on the tape");
    assert.notEqual(w.value, before, "the variable holds a new tensor");
    assert.ok(before.values.every((x, i) => x !== w.value.values[i]), "every element moved");
  });

  it("leaves the tensors it read untouched (a user may hold them)", () => {
    const w = new Variable(randomNormal([6], { seed: 5 }));
    const held = w.value;
    const copy = held.values.slice();
    const opt = new Adam({ learningRate: 0.1, amsgrad: true });
    opt.applyGradients([[randomNormal([6], { seed: 6 }), w]]);
    const slots = opt.variables.slice(2).map((v) => [v.value, v.value.values.slice()] as const);
    for (let s = 0; s < 4; s++) opt.applyGradients([[randomNormal([6], { seed: 7 + s }), w]]);
    assert.deepEqual(held.values, copy);
    for (const [t, vals] of slots) assert.deepEqual(t.values, vals);
  });

  it("recycles a slot's storage only while nobody has read it", () => {
    for (const make of [() => new Adam({ amsgrad: true }), () => new SGD({ momentum: 0.9 }), () => new RMSprop({ momentum: 0.5, centered: true })]) {
      const w = new Variable(randomNormal([6], { seed: 8 }));
      const opt = make();
      const step = (s: number) => opt.applyGradients([[randomNormal([6], { seed: 20 + s }), w]]);
      const slots = () => opt.variables.filter((v) => v.shape.length > 0) as SlotVariable[];
      step(0);
      const first = slots().map((v) => v.peek().values);
      step(1);
      step(2);
      const name = opt.constructor.name;
      slots().forEach((v, i) => assert.equal(v.peek().values, first[i], `${name} ${v.name}: step 3 writes step 1's private array`));
      const read = slots().map((v) => v.value);
      const copies = read.map((t) => t.values.slice());
      for (let s = 3; s < 6; s++) step(s);
      read.forEach((t, i) => assert.deepEqual(t.values, copies[i], `${name}: a tensor read through value is never overwritten`));
      slots().forEach((v, i) => assert.notEqual(v.peek().values, read[i].values));
    }
  });
});
