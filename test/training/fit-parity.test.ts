// fit / evaluate / callbacks against real Keras 3: fixed initial weights, shuffle off, same batches.
// Fixtures: scripts/fixtures/gen_training_loop.py -> test/fixtures/keras/training_loop.json.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  Callback, Dense, EarlyStopping, Input, L2, LearningRateScheduler, type Logs, Model, ReduceLROnPlateau, type SymbolicTensor, Tensor,
  getOptimizer,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface LayerSpec {
  name: string;
  units: number;
  activation: string;
  l2?: number;
  from?: string;
  head?: boolean;
}
interface CallbackSpec {
  type: string;
  [k: string]: unknown;
}
interface TrainingCase {
  name: string;
  model: { input: number; layers: LayerSpec[]; outputs?: string[] };
  compile: { optimizer: { class_name: string; config: Record<string, unknown> }; loss: string | string[]; loss_weights?: number[]; metrics?: unknown };
  fit: { epochs: number; batch_size: number; validation_split?: number; class_weight?: Record<string, number> };
  callbacks: CallbackSpec[];
  data: Record<string, TensorSpec>;
  initial_weights: TensorSpec[];
  history: Record<string, number[]>;
  history_keys: string[];
  epochs_run: number[];
  params: { verbose: number; epochs: number; steps: number };
  batch_logs: Logs[][];
  final_weights: TensorSpec[];
  evaluate: number[];
  evaluate_dict: Logs;
  extra?: { stopped_epoch?: number; best_epoch?: number; final_lr?: number };
}

const cases = loadFixtures("keras/training_loop").cases as unknown as TrainingCase[];
const TOL = { rtol: 1e-4, atol: 1e-5 };

function buildModel(c: TrainingCase): Model {
  const x = Input({ shape: [c.model.input], name: "x" });
  const made: Record<string, SymbolicTensor> = {};
  let h: SymbolicTensor = x;
  for (const l of c.model.layers) {
    const dense = new Dense({ units: l.units, activation: l.activation as "tanh", name: l.name, kernelRegularizer: l.l2 ? new L2(l.l2) : null });
    const out = dense.apply(l.from ? made[l.from] : h);
    made[l.name] = out;
    if (!l.head) h = out;
  }
  const outputs = c.model.outputs ? c.model.outputs.map((n) => made[n]) : h;
  const model = new Model({ inputs: x, outputs });
  model.setWeights(c.initial_weights.map(fromSpec));
  return model;
}

function makeCallback(s: CallbackSpec): Callback {
  switch (s.type) {
    case "EarlyStopping":
      return new EarlyStopping({
        monitor: s.monitor as string, minDelta: s.min_delta as number | undefined, patience: s.patience as number | undefined,
        restoreBestWeights: s.restore_best_weights as boolean | undefined, mode: s.mode as "min" | undefined,
        startFromEpoch: s.start_from_epoch as number | undefined, baseline: s.baseline as number | undefined,
      });
    case "LearningRateScheduler":
      return new LearningRateScheduler((epoch, lr) => (epoch > 0 ? lr * (s.factor as number) : lr));
    case "ReduceLROnPlateau":
      return new ReduceLROnPlateau({ monitor: s.monitor as string, factor: s.factor as number, patience: s.patience as number, minDelta: s.min_delta as number });
    default:
      throw new Error(`unknown callback ${s.type}`);
  }
}

class BatchLogger extends Callback {
  epochs: Logs[][] = [];
  override onEpochBegin(): void {
    this.epochs.push([]);
  }
  override onTrainBatchEnd(_batch: number, logs: Logs = {}): void {
    this.epochs[this.epochs.length - 1].push({ ...logs });
  }
}

function closeLogs(actual: Logs, expected: Logs, msg: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${msg}: log names`);
  for (const k of Object.keys(expected)) assertClose(new Tensor(new Float64Array([actual[k]]), [1]), [expected[k]], { ...TOL, msg: `${msg}: ${k}` });
}

forEachBackend("fit matches Keras 3", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const model = buildModel(c);
      const multi = c.model.outputs !== undefined;
      model.compile({
        optimizer: getOptimizer({ class_name: c.compile.optimizer.class_name, config: c.compile.optimizer.config }),
        loss: c.compile.loss,
        lossWeights: c.compile.loss_weights,
        metrics: c.compile.metrics as string[],
      });
      const d = Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, fromSpec(v)]));
      const y = multi ? [d.y0, d.y1] : d.y;
      const logger = new BatchLogger();
      const callbacks = c.callbacks.map(makeCallback);
      const history = await model.fit(d.x, y, {
        epochs: c.fit.epochs,
        batchSize: c.fit.batch_size,
        validationSplit: c.fit.validation_split,
        validationData: d.x_val ? [d.x_val, d.y_val] : undefined,
        classWeight: c.fit.class_weight,
        sampleWeight: d.sample_weight,
        shuffle: false,
        verbose: 0,
        callbacks: [logger, ...callbacks],
      });
      assert.deepEqual(Object.keys(history.history), c.history_keys, "history keys (Keras' sorted log names)");
      assert.deepEqual(history.epoch, c.epochs_run, "epochs run");
      assert.deepEqual(history.params, c.params, "params");
      for (const k of c.history_keys) assertClose(new Tensor(new Float64Array(history.history[k]), [history.history[k].length]), c.history[k], { ...TOL, msg: `history.${k}` });
      assert.equal(logger.epochs.length, c.batch_logs.length);
      c.batch_logs.forEach((ep, e) => {
        assert.equal(logger.epochs[e].length, ep.length, `epoch ${e}: batches`);
        ep.forEach((logs, b) => closeLogs(logger.epochs[e][b], logs, `epoch ${e} batch ${b}`));
      });
      model.getWeights().forEach((w, i) => assertClose(w, fromSpec(c.final_weights[i]), { ...TOL, msg: `final weight ${i}` }));
      const ev = await model.evaluate(d.x, y, { batchSize: c.fit.batch_size, verbose: 0 });
      assertClose(new Tensor(new Float64Array(Array.isArray(ev) ? ev : [ev as number]), [c.evaluate.length]), c.evaluate, { ...TOL, msg: "evaluate" });
      closeLogs((await model.evaluate(d.x, y, { batchSize: c.fit.batch_size, verbose: 0, returnDict: true })) as Logs, c.evaluate_dict, "evaluate dict");
      if (c.extra?.final_lr !== undefined) assertClose(new Tensor(new Float64Array([model.optimizer!.learningRate]), [1]), [c.extra.final_lr], { msg: "final learning rate" });
      const es = callbacks.find((cb): cb is EarlyStopping => cb instanceof EarlyStopping);
      if (es) {
        assert.equal(es.stoppedEpoch, c.extra?.stopped_epoch, "EarlyStopping.stoppedEpoch");
        assert.equal(es.bestEpoch, c.extra?.best_epoch, "EarlyStopping.bestEpoch");
      }
    });
  }
});
