// Callbacks: monitor decisions fed the same epoch logs as Keras 3, checkpoints on disk, CSV, NaN stop.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CSVLogger, Dense, EarlyStopping, Input, type Logs, ModelCheckpoint, ReduceLROnPlateau, SGD, Sequential, TerminateOnNaN,
  full, loadCheckpoint, setSeed, tensor,
} from "../../src/index.js";
import { decodeCheckpoint } from "../../src/training/checkpoint-format.js";
import { assertClose } from "../helpers/assert.js";
import { loadFixtures } from "../helpers/fixtures.js";

interface ScriptedCase {
  name: string;
  callback: Record<string, unknown> & { type: string };
  logs: Logs[];
  lr: number[];
  stop: boolean[];
  best_epoch: number | null;
  stopped_epoch: number | null;
  final_kernel: number;
}
const fixture = loadFixtures("keras/training_callbacks") as unknown as {
  cases: ScriptedCase[];
  checkpoint_names: { pattern: string; epoch: number; logs: Logs; path: string }[];
};

function makeCallback(s: ScriptedCase["callback"]): EarlyStopping | ReduceLROnPlateau {
  const o = {
    monitor: s.monitor as string, patience: s.patience as number | undefined, minDelta: s.min_delta as number | undefined,
    mode: s.mode as "max" | undefined, baseline: s.baseline as number | undefined,
  };
  if (s.type === "EarlyStopping")
    return new EarlyStopping({ ...o, restoreBestWeights: s.restore_best_weights as boolean | undefined, startFromEpoch: s.start_from_epoch as number | undefined });
  return new ReduceLROnPlateau({ ...o, factor: s.factor as number, cooldown: s.cooldown as number | undefined, minLr: s.min_lr as number | undefined });
}

async function compiledModel(): Promise<Sequential> {
  setSeed(1);
  const model = new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 1 })] });
  model.compile({ optimizer: new SGD({ learningRate: 1 }), loss: "mse", metrics: ["accuracy"] });
  await model.fit(full([2, 2], 0), full([2, 1], 0), { verbose: 0 }); // builds the compiled metrics
  return model;
}

describe("monitor callbacks decide as Keras 3 on the same epoch logs", () => {
  for (const c of fixture.cases)
    it(c.name, async () => {
      const model = await compiledModel();
      const cb = makeCallback(c.callback);
      cb.setModel(model);
      cb.onTrainBegin();
      const lrs: number[] = [];
      const stops: boolean[] = [];
      c.logs.forEach((logs, epoch) => {
        model.stopTraining = false;
        model.setWeights([full([2, 1], epoch), full([1], 0)]);
        cb.onEpochEnd(epoch, { ...logs });
        lrs.push(model.optimizer!.learningRate);
        stops.push(model.stopTraining);
      });
      cb.onTrainEnd();
      assert.deepEqual(stops, c.stop, "stopTraining after each epoch");
      assert.deepEqual(lrs, c.lr, "learning rate after each epoch");
      if (cb instanceof EarlyStopping) {
        assert.equal(cb.bestEpoch, c.best_epoch);
        assert.equal(cb.stoppedEpoch, c.stopped_epoch);
      }
      assert.equal(model.getWeights()[0].values[0], c.final_kernel, "weights after onTrainEnd (restoreBestWeights)");
    });

  it("needs a mode for a monitor whose direction is unknown", async () => {
    const model = await compiledModel();
    const cb = new EarlyStopping({ monitor: "custom_score" });
    cb.setModel(model);
    cb.onTrainBegin();
    assert.throws(() => cb.onEpochEnd(0, { custom_score: 1 }), /cannot tell whether that metric should be maximized or minimized; pass mode/);
    assert.throws(() => new ReduceLROnPlateau({ factor: 1.5 }), /factor >= 1\.0/);
  });
});

describe("ModelCheckpoint", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-ckpt-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("formats file names as Keras", () => {
    for (const n of fixture.checkpoint_names) {
      const cb = new ModelCheckpoint(n.pattern.replace(/\.keras$/, ".ckpt"));
      assert.equal(cb.filePath(n.epoch, null, n.logs), n.path.replace(/\.keras$/, ".ckpt"));
    }
    assert.throws(() => new ModelCheckpoint("model.keras"), /\.keras \/ \.h5 formats are not available.*"model\.ckpt"/);
    assert.throws(() => new ModelCheckpoint("x-{nope}.ckpt").filePath(0, null, { loss: 1 }), /failed to format.*no value for "\{nope\}"/);
  });

  it("saves each epoch atomically, and only improvements with saveBestOnly", async () => {
    const model = await compiledModel();
    const x = tensor([[1, 2], [2, 1], [0, 1], [1, 0]]);
    const y = tensor([[3], [3], [1], [1]]);
    const every = new ModelCheckpoint(join(dir, "e{epoch:02d}.ckpt"), { monitor: "loss" });
    const best = new ModelCheckpoint(join(dir, "best.ckpt"), { monitor: "loss", saveBestOnly: true, saveWeightsOnly: true });
    model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: "mse" });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: [every, best] });
    assert.deepEqual(readdirSync(dir).sort(), ["best.ckpt", "e01.ckpt", "e02.ckpt", "e03.ckpt"], "no temporary files left behind");
    const last = decodeCheckpoint(readFileSync(join(dir, "e03.ckpt")));
    assert.equal(last.header.model?.className, "Sequential", "the architecture is saved unless weights only");
    assert.deepEqual(last.header.meta.epoch, 3);
    assert.deepEqual(last.header.weights.map((w) => [w.name, w.shape]), [["kernel", [2, 1]], ["bias", [1]]]);
    last.weights.forEach((w, i) => assertClose(w, model.getWeights()[i], { rtol: 0, atol: 0 }));
    assert.ok(h.history.loss[2] < h.history.loss[0], "loss decreased, so best.ckpt holds the last epoch");
    const fresh = await compiledModel();
    const header = loadCheckpoint(fresh, join(dir, "best.ckpt"));
    assert.equal(header.model, null);
    fresh.getWeights().forEach((w, i) => assertClose(w, model.getWeights()[i], { rtol: 0, atol: 0 }));
    // A worse epoch is not saved over the best one.
    const kept = readFileSync(join(dir, "best.ckpt"));
    best.setModel(model);
    await best.onEpochEnd(9, { loss: h.history.loss[2] + 1 });
    assert.deepEqual(readFileSync(join(dir, "best.ckpt")), kept);
  });
});

describe("CSVLogger and TerminateOnNaN", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-csv-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes Python csv rows with sorted keys and NA for missing validation columns", async () => {
    const model = await compiledModel();
    const file = join(dir, "log.csv");
    const cb = new CSVLogger(file);
    cb.setModel(model);
    cb.onTrainBegin();
    cb.onEpochEnd(0, { loss: 0.25, accuracy: 0.5 });
    cb.onEpochEnd(1, { loss: 1e-5, accuracy: 1 });
    cb.onTrainEnd();
    assert.equal(readFileSync(file, "utf8"), "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.5,0.25,NA,NA\r\n1,1.0,1e-05,NA,NA\r\n");
    const again = new CSVLogger(file, { append: true, separator: ";" });
    again.setModel(model);
    again.onTrainBegin();
    again.onEpochEnd(2, { loss: 0.125, val_loss: 0.5 });
    again.onTrainEnd();
    assert.match(readFileSync(file, "utf8"), /\r\n2;0\.125;0\.5\r\n$/, "appending writes no second header");
  });

  it("stops at the first batch with a NaN loss", async () => {
    const model = await compiledModel();
    const printed: string[] = [];
    const cb = new TerminateOnNaN();
    cb.print = (t) => void printed.push(t);
    const h = await model.fit(tensor([[1, 1], [2, 2], [3, 3], [4, 4]]), tensor([[NaN], [1], [1], [1]]), { epochs: 3, batchSize: 2, verbose: 0, callbacks: [cb] });
    assert.deepEqual(h.epoch, [0]);
    assert.ok(Number.isNaN(h.history.loss[0]));
    assert.deepEqual(printed, ["Batch 0: Invalid loss, terminating training"]);
    assert.throws(() => new TerminateOnNaN({ raiseError: true }).onBatchEnd(3, { loss: Infinity }), /NaN or Inf loss encountered at batch 3/);
  });
});
