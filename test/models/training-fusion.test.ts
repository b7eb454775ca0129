// The training-time fusion (src/models/training-fusion.ts): BatchNormalization -> relu pairs run as one relu-fused
// batch norm when training; fit steps, tape gradients and moving statistics equal the unfused model's, and the
// fusion stays off where it must (shared or output tensors, other activations, inference, frozen norms, opt-outs).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Activation, Add, BatchNormalization, Conv2D, Dense, Flatten, GlobalAveragePooling2D, Generator, GradientTape, Input, MaxPooling2D, Model, ReLU,
  SGD, Sequential, type SymbolicTensor, Tensor, ZeroPadding2D, happyModel, mul, randomUniform, sum,
} from "../../src/index.js";
import { buildTrainingFusion, trainingFusionStats } from "../../src/models/training-fusion.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";

const gen = new Generator(31);
const rand = (shape: readonly number[], lo: number, hi: number): Tensor => randomUniform([...shape], { minval: lo, maxval: hi, seed: gen });

/** Runs f counting the relu-fused batch norms that ran. */
function countFused<T>(f: () => T): { value: T; calls: number } {
  const before = trainingFusionStats.bnRelu;
  const value = f();
  return { value, calls: trainingFusionStats.bnRelu - before };
}

/** A ResNet50-style functional graph: conv -> BN -> Activation("relu") stem, an identity block, a projection block. */
function resnetBlocks(dataFormat: "channelsLast" | "channelsFirst"): Model {
  const last = dataFormat === "channelsLast";
  const axis = last ? 3 : 1;
  const input = Input({ shape: last ? [12, 12, 3] : [3, 12, 12] });
  const bn = (t: SymbolicTensor) => new BatchNormalization({ axis, epsilon: 1.001e-5, momentum: 0.8 }).apply(t);
  const conv = (t: SymbolicTensor, filters: number, k: number, strides = 1, padding: "same" | "valid" = "same") =>
    new Conv2D({ filters, kernelSize: k, strides, padding, dataFormat }).apply(t);
  let x = new ZeroPadding2D({ padding: 1, dataFormat }).apply(input);
  x = new Activation({ activation: "relu" }).apply(bn(conv(x, 6, 3, 1, "valid")));
  let y = new Activation({ activation: "relu" }).apply(bn(conv(x, 4, 1)));
  y = new ReLU().apply(bn(conv(y, 4, 3)));
  y = bn(conv(y, 6, 1));
  x = new Activation({ activation: "relu" }).apply(new Add().apply([y, x]));
  const shortcut = bn(conv(x, 8, 1, 2));
  y = new Activation({ activation: "relu" }).apply(bn(conv(x, 4, 1, 2)));
  y = bn(conv(y, 8, 3));
  x = new Activation({ activation: "relu" }).apply(new Add().apply([y, shortcut]));
  x = new GlobalAveragePooling2D({ dataFormat }).apply(x);
  return new Model({ inputs: input, outputs: new Dense({ units: 3, activation: "softmax" }).apply(x) });
}

/** A second model with the same architecture and weights. */
function twin(make: () => Model, a: Model): Model {
  const b = make();
  b.setWeights(a.getWeights());
  return b;
}

/** Trains `steps` fit steps on a and b (b with fusion off); compares losses, every weight and the fused-call counts. */
async function fitBoth(make: () => Model, x: Tensor, y: Tensor, loss: string, expectedFused: number, steps = 3): Promise<void> {
  const a = make();
  const b = twin(make, a);
  b.fuseTraining = false;
  for (const m of [a, b]) m.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss });
  const ha = await countFused(() => a.fit(x, y, { epochs: steps, batchSize: x.shape[0], verbose: 0, shuffle: false })).value;
  const before = trainingFusionStats.bnRelu;
  const hb = await b.fit(x, y, { epochs: steps, batchSize: x.shape[0], verbose: 0, shuffle: false });
  assert.equal(trainingFusionStats.bnRelu - before, 0, "fusion off: no fused batch norm");
  assertClose(new Tensor(Float64Array.from(ha.history.loss as number[]), [steps], "float64"), Float64Array.from(hb.history.loss as number[]), {
    rtol: 1e-5, atol: 1e-6, msg: "losses",
  });
  const wa = a.weights;
  const wb = b.weights;
  wa.forEach((w, i) => assertClose(w.value, wb[i].value, { rtol: 1e-4, atol: 2e-5, msg: `${w.path} after ${steps} steps` }));
  // The fused count of one more step (fit above ran `steps` of them).
  assert.equal(countFused(() => a.trainOnBatch(x, y)).calls, expectedFused, "fused batch norms per step");
}

forEachBackend("training fusion: BatchNormalization + relu", () => {
  it("HappyModel (Sequential, ReLU layer): fit steps equal the unfused model's, weights and moving statistics included", async () => {
    const x = rand([6, 10, 10, 3], 0, 1);
    const y = new Tensor(Float32Array.from([0, 1, 1, 0, 1, 0]), [6, 1], "float32");
    await fitBoth(() => happyModel({ inputShape: [10, 10, 3] }), x, y, "binary_crossentropy", 1);
  });

  for (const format of ["channelsLast", "channelsFirst"] as const)
    it(`ResNet-style functional graph (${format}): Activation("relu") and ReLU() after BN fused, BN -> Add left alone`, async () => {
      const x = rand(format === "channelsLast" ? [4, 12, 12, 3] : [4, 3, 12, 12], -1, 1);
      const y = new Tensor(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]), [4, 3], "float32");
      // Four BN -> relu pairs; three BNs feed an Add.
      await fitBoth(() => resnetBlocks(format), x, y, "categorical_crossentropy", 4);
    });

  it("GradientTape gradients and model.apply outputs under training: true equal the unfused model's", () => {
    const a = resnetBlocks("channelsLast");
    const b = twin(() => resnetBlocks("channelsLast"), a);
    b.fuseTraining = false;
    const x = rand([3, 12, 12, 3], -1, 1);
    const w = rand([3, 3], 0.5, 1.5);
    const run = (m: Model) => {
      const tape = new GradientTape();
      const out = tape.run(() => m.apply(x, { training: true }) as Tensor);
      const grads = tape.gradient(sum(mul(out, w)), m.trainableWeights.map((v) => v.value));
      return [out, ...grads, ...m.nonTrainableWeights.map((v) => v.value)];
    };
    const fa = countFused(() => run(a));
    assert.equal(fa.calls, 4);
    const rb = run(b);
    fa.value.forEach((t, i) => assertClose(t, rb[i], { rtol: 1e-4, atol: 1e-5, msg: `result ${i}` }));
  });

  it("stays off in inference mode, for frozen batch norms, shared or output tensors and other activations", () => {
    const input = Input({ shape: [6, 6, 2] });
    const bn1 = new BatchNormalization();
    const b1 = bn1.apply(new Conv2D({ filters: 3, kernelSize: 3 }).apply(input));
    const r1 = new ReLU().apply(b1); // b1 also an output: not fused
    const b2 = new BatchNormalization().apply(r1);
    const r2 = new ReLU({ maxValue: 6 }).apply(b2); // relu6: not fused
    const b3 = new BatchNormalization().apply(r2);
    const r3 = new Activation({ activation: "tanh" }).apply(b3); // tanh: not fused
    const b4 = new BatchNormalization().apply(r3);
    const r4a = new ReLU().apply(b4); // b4 read twice: not fused
    const r4b = new Activation({ activation: "sigmoid" }).apply(b4);
    const bn5 = new BatchNormalization();
    const r5 = new Activation({ activation: "relu" }).apply(bn5.apply(new Add().apply([r4a, r4b]))); // fused
    const flat = new Flatten().apply(r5);
    const model = new Model({ inputs: input, outputs: [b1, new Dense({ units: 2 }).apply(flat)] });
    const plan = buildTrainingFusion((model as unknown as { graph: Parameters<typeof buildTrainingFusion>[0] }).graph, model.outputs);
    assert.deepEqual([...plan.reluAfter.keys()].map((n) => n.layer), [bn5]);
    const x = rand([2, 6, 6, 2], -1, 1);
    const tape = new GradientTape();
    assert.equal(countFused(() => tape.run(() => model.applyAll(x, { training: true }))).calls, 1);
    assert.equal(countFused(() => tape.run(() => model.applyAll(x, { training: false }))).calls, 0, "inference under a tape");
    assert.equal(countFused(() => model.applyAll(x)).calls, 0, "inference");
    bn5.trainable = false;
    const frozen = countFused(() => tape.run(() => model.applyAll(x, { training: true }) as Tensor[]));
    assert.equal(frozen.calls, 0, "a frozen batch norm runs in inference mode");
    model.fuseTraining = false;
    const plain = tape.run(() => model.applyAll(x, { training: true }) as Tensor[]);
    frozen.value.forEach((t, i) => assertClose(t, plain[i], { rtol: 1e-5, atol: 1e-6, msg: `frozen output ${i}` }));
  });

  it("DEEPTS_FUSE=0 switches it off for the process; the fused graph is built once per graph", () => {
    const model = happyModel({ inputShape: [8, 8, 3] });
    const x = rand([2, 8, 8, 3], 0, 1);
    const tape = new GradientTape();
    const saved = process.env.DEEPTS_FUSE;
    process.env.DEEPTS_FUSE = "0";
    try {
      assert.equal(countFused(() => tape.run(() => model.apply(x, { training: true }))).calls, 0);
    } finally {
      if (saved === undefined) delete process.env.DEEPTS_FUSE;
      else process.env.DEEPTS_FUSE = saved;
    }
    assert.equal(countFused(() => tape.run(() => model.apply(x, { training: true }))).calls, 1);
    const cache = () => (model as unknown as { trainingFusionCache: unknown }).trainingFusionCache;
    const first = cache();
    tape.run(() => model.apply(x, { training: true }));
    assert.ok(first !== null && cache() === first, "cached");
  });
});

describe("training fusion: Sequential built on first call", () => {
  it("fuses after the graph is built by the first fit step", async () => {
    const model = new Sequential({
      layers: [new Conv2D({ filters: 3, kernelSize: 3, useBias: false }), new BatchNormalization(), new ReLU(), new MaxPooling2D(), new Flatten(), new Dense({ units: 1 })],
    });
    model.compile({ optimizer: "adam", loss: "mse" });
    const x = rand([4, 8, 8, 2], -1, 1);
    const y = rand([4, 1], -1, 1);
    model.trainOnBatch(x, y);
    assert.equal(countFused(() => model.trainOnBatch(x, y)).calls, 1);
  });
});
