import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AUC, BinaryAccuracy, CategoricalAccuracy, Mean, MeanSquaredErrorMetric, Precision, SparseCategoricalAccuracy, getMetric, metrics,
  resolveMetric, serializeMetric, sum, tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface MetricCase {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  batches: { y_true: TensorSpec; y_pred?: TensorSpec; sample_weight?: TensorSpec }[];
  results: TensorSpec[];
}

const cases = loadFixtures("keras/metrics").cases as unknown as MetricCase[];

forEachBackend("metrics match Keras 3 over two batches", () => {
  for (const c of cases) {
    it(c.name, () => {
      const m = getMetric({ class_name: c.class_name, config: c.config });
      c.batches.forEach((b, i) => {
        const sw = b.sample_weight ? fromSpec(b.sample_weight) : undefined;
        if (m instanceof Mean && c.class_name === "Mean") m.updateState(fromSpec(b.y_true), sw);
        else m.updateState(fromSpec(b.y_true), fromSpec(b.y_pred!), sw);
        assertClose(m.result(), fromSpec(c.results[i]), { rtol: 1e-5, atol: 1e-6, msg: `${c.name} after batch ${i + 1}` });
      });
      m.resetState();
      const b = c.batches[0];
      if (c.class_name === "Mean") (m as Mean).updateState(fromSpec(b.y_true), b.sample_weight ? fromSpec(b.sample_weight) : undefined);
      else m.updateState(fromSpec(b.y_true), fromSpec(b.y_pred!), b.sample_weight ? fromSpec(b.sample_weight) : undefined);
      assertClose(m.result(), fromSpec(c.results[0]), { rtol: 1e-5, atol: 1e-6, msg: `${c.name} after reset` });
    });
  }
});

describe("metric API", () => {
  it("resolves 'accuracy' from shapes as Keras' compile does", () => {
    const bin = resolveMetric("accuracy", [8, 1], [8, 1]);
    assert.ok(bin instanceof BinaryAccuracy);
    assert.equal(bin.name, "accuracy");
    assert.ok(resolveMetric("acc", [8], [8, 10]) instanceof SparseCategoricalAccuracy);
    assert.ok(resolveMetric("accuracy", [8, 1], [8, 10]) instanceof SparseCategoricalAccuracy);
    assert.ok(resolveMetric("accuracy", [8, 10], [8, 10]) instanceof CategoricalAccuracy);
    assert.equal(resolveMetric("mse", [8, 1], [8, 1]).name, "mse");
  });

  it("finds metrics by Keras names and round-trips configs", () => {
    assert.ok(getMetric("mse") instanceof MeanSquaredErrorMetric);
    assert.ok(getMetric("auc") instanceof AUC);
    assert.ok(new metrics.MeanSquaredError() instanceof MeanSquaredErrorMetric);
    const bce = getMetric("binary_crossentropy");
    bce.updateState(tensor([[1], [0]]), tensor([[0.5], [0.5]]));
    assertClose(bce.result(), Math.log(2), { rtol: 1e-6 });
    const p = new Precision({ thresholds: [0.2, 0.7], classId: 2 });
    assert.deepEqual(getMetric(serializeMetric(p)).getConfig(), p.getConfig());
    assert.equal(new AUC().numThresholds, 200);
    const custom = getMetric((t, q) => sum(q, -1));
    custom.updateState(tensor([[0]]), tensor([[1, 2], [3, 4]]));
    assertClose(custom.result(), 5);
  });

  it("exposes its state variables and names errors", () => {
    assert.deepEqual(new AUC().variables.map((v) => v.name), ["auc/true_positives", "auc/false_positives", "auc/true_negatives", "auc/false_negatives"]);
    assert.throws(() => getMetric("accuracyy"), /unknown metric "accuracyy"/);
    assert.throws(() => new Precision({ thresholds: [1.5] }), /Precision: thresholds must be in \[0, 1\]/);
    assert.equal(new Mean().result().item(), 0, "an empty mean is 0 (divide_no_nan)");
  });
});
