// fit / evaluate / on-batch behaviour: data forms, datasets, validation split, options and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Adam, BinaryAccuracy, Callback, CategoricalAccuracy, Concatenate, Dense, Input, LambdaCallback, type Logs, Model, ProgbarLogger,
  SGD, Sequential, SparseCategoricalAccuracy, Tensor, setSeed, tensor,
} from "../../src/index.js";
import { compiledState } from "../../src/training/compile.js";
import { assertClose } from "../helpers/assert.js";

function data(n: number, d = 3): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      x[i * d + j] = Math.sin(i * 1.7 + j * 0.9);
      s += x[i * d + j] * (j + 1);
    }
    y[i] = s > 0 ? 1 : 0;
  }
  return { x: new Tensor(x, [n, d]), y: new Tensor(y, [n, 1]) };
}

function mlp(seed = 1): Sequential {
  setSeed(seed);
  return new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4, activation: "tanh" }), new Dense({ units: 1, activation: "sigmoid" })] });
}

function rows(t: Tensor, a: number, b: number): Tensor {
  const row = t.size / t.shape[0];
  return new Tensor(t.values.slice(a * row, b * row), [b - a, ...t.shape.slice(1)], t.dtype);
}

class Recorder extends Callback {
  calls: string[] = [];
  override onTrainBegin(): void { this.calls.push("on_train_begin"); }
  override onTrainEnd(): void { this.calls.push("on_train_end"); }
  override onEpochBegin(e: number): void { this.calls.push(`on_epoch_begin(${e})`); }
  override onEpochEnd(e: number): void { this.calls.push(`on_epoch_end(${e})`); }
  override onTrainBatchBegin(b: number): void { this.calls.push(`on_train_batch_begin(${b})`); }
  override onTrainBatchEnd(b: number): void { this.calls.push(`on_train_batch_end(${b})`); }
  override onTestBegin(): void { this.calls.push("on_test_begin"); }
  override onTestEnd(): void { this.calls.push("on_test_end"); }
  override onTestBatchBegin(b: number): void { this.calls.push(`on_test_batch_begin(${b})`); }
  override onTestBatchEnd(b: number): void { this.calls.push(`on_test_batch_end(${b})`); }
}

describe("fit", () => {
  it("calls the callback hooks in Keras' order", async () => {
    const { x, y } = data(6, 3);
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "mse" });
    const rec = new Recorder();
    await model.fit(x, y, { batchSize: 2, epochs: 2, validationSplit: 0.34, verbose: 0, callbacks: [rec] });
    // Recorded from Keras 3.15.1 with the same fit (6 samples, split 0.34: 3 train in 2 batches, 3 validation).
    const epoch = (e: number): string[] => [
      `on_epoch_begin(${e})`, "on_train_batch_begin(0)", "on_train_batch_end(0)", "on_train_batch_begin(1)", "on_train_batch_end(1)",
      "on_test_begin", "on_test_batch_begin(0)", "on_test_batch_end(0)", "on_test_batch_begin(1)", "on_test_batch_end(1)", "on_test_end",
      `on_epoch_end(${e})`,
    ];
    assert.deepEqual(rec.calls, ["on_train_begin", ...epoch(0), ...epoch(1), "on_train_end"]);
    rec.calls = [];
    await model.evaluate(x, y, { batchSize: 4, verbose: 0, callbacks: [rec] });
    assert.deepEqual(rec.calls, ["on_test_begin", "on_test_batch_begin(0)", "on_test_batch_end(0)", "on_test_batch_begin(1)", "on_test_batch_end(1)", "on_test_end"]);
  });

  it("lets the event loop run within an epoch once batches have taken 20 ms (finalizers, timers)", async () => {
    const { x, y } = data(64, 3);
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "mse" });
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    // Each batch end waits 3 ms (synchronously): 32 batches take about 100 ms, one epoch.
    const slow = new LambdaCallback({
      onTrainBatchEnd: () => {
        const until = performance.now() + 3;
        while (performance.now() < until);
        seen.push(turns);
      },
    });
    try {
      await model.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0, callbacks: [slow] });
    } finally {
      running = false;
    }
    assert.equal(seen.length, 32);
    assert.ok(seen[seen.length - 1] > seen[0] + 1, `the event loop turned during the epoch: ${seen}`);
  });

  it("validates on the last fraction of the data, split before shuffling", async () => {
    const { x, y } = data(20);
    const model = mlp();
    model.compile({ optimizer: new SGD({ learningRate: 0.3 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { batchSize: 4, epochs: 1, validationSplit: 0.25, shuffle: true, verbose: 0 });
    assert.equal(h.params?.steps, 4, "15 training samples in batches of 4");
    const tail = (await model.evaluate(rows(x, 15, 20), rows(y, 15, 20), { verbose: 0, returnDict: true })) as Logs;
    assert.equal(h.history.val_loss[0], tail.loss);
    assert.equal(h.history.val_accuracy[0], tail.accuracy);
  });

  it("trains the same on a dataset of the same batches as on tensors", async () => {
    const { x, y } = data(10);
    const a = mlp(7);
    a.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    const ha = await a.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
    const b = mlp(7);
    b.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    const batches = (): [Tensor, Tensor][] => [[rows(x, 0, 4), rows(y, 0, 4)], [rows(x, 4, 8), rows(y, 4, 8)], [rows(x, 8, 10), rows(y, 8, 10)]];
    async function* gen(): AsyncGenerator<[Tensor, Tensor]> {
      for (const bt of batches()) yield bt;
    }
    const hb = await b.fit(gen, { epochs: 2, verbose: 0 });
    assert.deepEqual(hb.history, ha.history);
    assert.equal(hb.params?.steps, null, "a dataset's length is unknown before the first pass");
    b.getWeights().forEach((w, i) => assertClose(w, a.getWeights()[i], { rtol: 0, atol: 0 }));
    const c = mlp(7);
    c.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    await c.fit(() => batches(), { epochs: 2, verbose: 0 });
    assert.deepEqual(c.getWeights().map((w) => [...w.values]), a.getWeights().map((w) => [...w.values]));
    const ev = (await c.evaluate(batches().values(), { verbose: 0 })) as number[];
    assert.deepEqual(ev, (await a.evaluate(x, y, { batchSize: 4, verbose: 0 })) as number[]);
  });

  it("continues a dataset across epochs with stepsPerEpoch", async () => {
    const { x, y } = data(12);
    let passes = 0;
    const seen: number[] = [];
    function* gen(): Generator<[Tensor, Tensor]> {
      passes++;
      for (let i = 0; i < 3; i++) yield [rows(x, i * 4, i * 4 + 4), rows(y, i * 4, i * 4 + 4)];
    }
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "mse" });
    const cb = new LambdaCallback({ onTrainBatchEnd: (b) => void seen.push(b) });
    const h = await model.fit(gen, { epochs: 3, stepsPerEpoch: 2, verbose: 0, callbacks: [cb] });
    assert.equal(h.params?.steps, 2);
    // 6 steps of a 3-batch pass: epoch 0 takes batches 0-1, epoch 1 batch 2 then the pass runs out, epoch 2 a new pass.
    assert.deepEqual(seen, [0, 1, 0, 0, 1]);
    assert.equal(passes, 2);
  });

  it("takes multi-input lists and targets by output name", async () => {
    setSeed(3);
    const a = Input({ shape: [2], name: "a" });
    const b = Input({ shape: [1], name: "b" });
    const h = new Dense({ units: 3, activation: "relu" }).apply(new Concatenate().apply([a, b]));
    const out1 = new Dense({ units: 1, name: "score" }).apply(h);
    const out2 = new Dense({ units: 2, activation: "softmax", name: "kind" }).apply(h);
    const model = new Model({ inputs: [a, b], outputs: [out1, out2] });
    model.compile({ optimizer: "adam", loss: { score: "mse", kind: "sparse_categorical_crossentropy" }, metrics: { kind: ["accuracy"] } });
    const xa = tensor([[1, 2], [0, 1], [3, 1], [2, 2]]);
    const xb = tensor([[1], [0], [1], [0]]);
    const ys = { score: tensor([[1], [0], [2], [1]]), kind: tensor([1, 0, 1, 0], [4], "int32") };
    const hist = await model.fit([xa, xb], ys, { epochs: 2, batchSize: 2, verbose: 0 });
    assert.deepEqual(Object.keys(hist.history), ["kind_accuracy", "kind_loss", "loss", "score_loss"]);
    const pred = model.predictOnBatch([xa, xb]) as Tensor[];
    assert.deepEqual(pred.map((p) => p.shape), [[4, 1], [4, 2]]);
    const acc = compiledState(model, "test").metrics!.metrics[0];
    assert.ok(acc instanceof SparseCategoricalAccuracy, "accuracy with int labels and 2 classes is sparse categorical");
  });

  it("resolves string ids and accuracy by the shapes of y and the output", async () => {
    const { x, y } = data(8);
    const model = mlp();
    model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy", "acc"] });
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    assert.ok(model.optimizer instanceof Adam);
    const ms = compiledState(model, "test").metrics!.metrics;
    assert.ok(ms[0] instanceof BinaryAccuracy && ms[0].name === "accuracy");
    assert.equal(ms[1].name, "acc");
    setSeed(2);
    const cat = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 3, activation: "softmax" })] });
    cat.compile({ optimizer: "sgd", loss: "categorical_crossentropy", metrics: ["accuracy"] });
    await cat.fit(x, tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]), { verbose: 0 });
    assert.ok(compiledState(cat, "test").metrics!.metrics[0] instanceof CategoricalAccuracy);
    cat.compile({ optimizer: "sgd", loss: "ce", metrics: ["accuracy"] });
    const logs = cat.trainOnBatch(x, tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], "int32"), { returnDict: true }) as Logs;
    assert.deepEqual(Object.keys(logs), ["accuracy", "loss"]);
    assert.ok(compiledState(cat, "test").metrics!.metrics[0] instanceof SparseCategoricalAccuracy);
  });

  it("trainOnBatch reports the loss before its update; testOnBatch and evaluate agree", async () => {
    const { x, y } = data(8);
    const model = mlp();
    model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: "mse", metrics: ["mae"] });
    const before = model.testOnBatch(x, y) as number[];
    const trained = model.trainOnBatch(x, y) as number[];
    assert.deepEqual(trained, before);
    const after = model.testOnBatch(x, y) as number[];
    assert.ok(after[0] < before[0], `loss went down (${before[0]} -> ${after[0]})`);
    assert.deepEqual(await model.evaluate(x, y, { batchSize: 8, verbose: 0 }), after);
    const single = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 1 })] });
    single.compile({ optimizer: "sgd", loss: "mse" });
    assert.equal(typeof (await single.evaluate(x, y, { verbose: 0 })), "number", "a lone loss is returned unwrapped");
  });

  it("stops after the batch where stopTraining is set, and starts at initialEpoch", async () => {
    const { x, y } = data(12);
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "mse" });
    let batches = 0;
    const stop = new LambdaCallback({
      onTrainBatchEnd: (b) => {
        batches++;
        if (b === 1) model.stopTraining = true;
      },
    });
    const h = await model.fit(x, y, { epochs: 5, initialEpoch: 2, batchSize: 4, verbose: 0, callbacks: [stop] });
    assert.equal(batches, 2);
    assert.deepEqual(h.epoch, [2]);
    assert.equal(model.history, h);
  });

  it("applies class weights to the loss and sample weights to weighted metrics only", async () => {
    const { x, y } = data(8);
    const base = mlp(5);
    base.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"], weightedMetrics: ["accuracy"] });
    const plain = base.testOnBatch(x, y, { returnDict: true }) as Logs;
    const sw = tensor(Array.from({ length: 8 }, (_, i) => (y.values[i] === 1 ? 3 : 0.5)));
    const weighted = base.testOnBatch(x, y, { sampleWeight: sw, returnDict: true }) as Logs;
    assert.deepEqual(Object.keys(weighted), ["accuracy", "loss", "weighted_accuracy"]);
    assert.equal(weighted.accuracy, plain.accuracy, "plain metrics ignore sample weights (Keras 3)");
    assert.notEqual(weighted.loss, plain.loss);
    const viaClass = base.trainOnBatch(x, y, { classWeight: { 0: 0.5, 1: 3 }, returnDict: true }) as Logs;
    assert.equal(viaClass.loss, weighted.loss, "classWeight is the per-class sample weight");
    assert.equal(viaClass.weighted_accuracy, weighted.weighted_accuracy);
  });

  it("prints Keras' verbose-2 lines", async () => {
    const { x, y } = data(9);
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"] });
    let out = "";
    const bar = new ProgbarLogger({ stream: { write: (s: string) => (out += s), isTTY: false }, now: () => 0 });
    await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.34, verbose: 2, callbacks: [bar] });
    const lines = out.split("\n");
    assert.equal(lines[0], "Epoch 1/2");
    assert.match(lines[1], /^2\/2 - 0s - 0s\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$/);
    assert.equal(lines[2], "Epoch 2/2");
    assert.equal(lines.length, 5);
  });

  it("draws the bar in place on a TTY (verbose 1)", async () => {
    const { x, y } = data(6);
    const model = mlp();
    model.compile({ optimizer: "sgd", loss: "mse" });
    let out = "";
    let t = 0;
    const bar = new ProgbarLogger({ stream: { write: (s: string) => (out += s), isTTY: true }, now: () => (t += 0.1) });
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 1, callbacks: [bar] });
    const epochs = out.split("Epoch ");
    assert.deepEqual(epochs.slice(1).map((e) => e.slice(0, 4)), ["1/2\n", "2/2\n"]);
    for (const e of epochs.slice(1)) {
      assert.equal((e.match(/\r/g) ?? []).length, 4, "three batch redraws and the final one");
      assert.match(e, /\r\x1b\[1m3\/3\x1b\[0m \x1b\[32m━{20}\x1b\[0m\x1b\[37m\x1b\[0m \x1b\[1m\ds\x1b\[0m \d+ms\/step - loss: \d\.\d{4}\n$/);
    }
  });

  it("summary() adds Keras' optimizer line once the optimizer has trained", () => {
    setSeed(1);
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 })] });
    model.compile({ optimizer: "adam", loss: "mse" });
    let text = "";
    model.summary((s) => (text = s), { lineLength: 80 });
    assert.ok(!text.includes("Optimizer params"));
    model.trainOnBatch(tensor([[0, 0, 0], [1, 1, 1]]), tensor([[0, 0], [1, 1]]));
    model.summary((s) => (text = s), { lineLength: 80 });
    // Keras 3.15.1 after train_on_batch on the same model: the int64 step counter, the rate, 2 x 8 Adam slots.
    assert.deepEqual(text.split("\n").slice(-4), [
      " Total params: 26 (108.00 B)", " Trainable params: 8 (32.00 B)", " Non-trainable params: 0 (0.00 B)", " Optimizer params: 18 (76.00 B)",
    ]);
  });

  it("says what is wrong", async () => {
    const { x, y } = data(8);
    const model = mlp();
    await assert.rejects(model.fit(x, y), /not compiled; call model\.compile/);
    model.compile({ optimizer: "sgd", loss: "mse" });
    await assert.rejects(model.fit(x, y, { classWeight: { 0: 1 }, sampleWeight: tensor([1, 1, 1, 1, 1, 1, 1, 1]), verbose: 0 }), /classWeight or sampleWeight, not both/);
    await assert.rejects(model.fit(x, rows(y, 0, 5), { verbose: 0 }), /same number of samples .*x \[8, 3\], y \[5, 1\]/);
    await assert.rejects(model.fit(x, y, { validationSplit: 0.99, verbose: 0 }), /not enough to split/);
    await assert.rejects(model.fit(x, y, { batchSize: 0, verbose: 0 }), /batchSize must be an integer >= 1/);
    await assert.rejects(model.fit((() => [][Symbol.iterator]()) as never, { validationSplit: 0.2 }), /validationSplit works with tensor data only/);
    assert.throws(() => model.compile({ optimizer: "nope" }), /unknown optimizer "nope"/);
    assert.throws(() => model.compile({ loss: ["mse", "mse"] }), /loss is a list of 2 but the model has 1 output/);
  });
});
