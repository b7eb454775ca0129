import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BinaryCrossentropy, CategoricalCrossentropy, Huber, type Loss, MeanSquaredError, SparseCategoricalCrossentropy, type Tensor,
  binaryCrossentropy, cast, getLoss, grads, resolveLoss, meanSquaredError, rememberLogits, serializeLoss, sigmoid, softmax, sum, tensor,
  tripletLoss, valueAndGrad,
} from "../../src/index.js";
import { camelConfig } from "../../src/optimizers/config.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface LossCase {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  y_true: TensorSpec;
  y_pred: TensorSpec;
  sample_weight?: TensorSpec;
  activation?: "softmax" | "sigmoid";
  output: TensorSpec;
  per_sample: TensorSpec;
  grad: TensorSpec;
  inputs?: TensorSpec[];
  grads?: TensorSpec[];
}

const all = loadFixtures("keras/losses").cases as unknown as LossCase[];
const cases = all.filter((c) => c.class_name !== "triplet");
const triplets = all.filter((c) => c.class_name === "triplet");

/** The prediction the loss sees: z itself, or activation(z) remembering its logits as Keras does. */
function predict(c: LossCase, z: Tensor): Tensor {
  if (c.activation === "softmax") return rememberLogits(softmax(z), z, "softmax");
  if (c.activation === "sigmoid") return rememberLogits(sigmoid(z), z, "sigmoid");
  return z;
}

forEachBackend("losses match Keras 3", () => {
  for (const c of cases) {
    it(c.name, () => {
      const loss = getLoss({ class_name: c.class_name, config: c.config });
      const yTrue = fromSpec(c.y_true);
      const sw = c.sample_weight ? fromSpec(c.sample_weight) : undefined;
      const { value, grad } = valueAndGrad((z) => loss.call(yTrue, predict(c, z), sw))(fromSpec(c.y_pred));
      assertClose(value, fromSpec(c.output), { rtol: 2e-5, atol: 1e-6, msg: "loss" });
      assertClose(grad, fromSpec(c.grad), { rtol: 1e-4, atol: 1e-6, msg: "gradient w.r.t. yPred" });
      const none = getLoss({ class_name: c.class_name, config: { ...c.config, reduction: "none" } });
      assertClose(none.call(yTrue, predict(c, fromSpec(c.y_pred))), fromSpec(c.per_sample), { rtol: 2e-5, atol: 1e-6, msg: "per sample" });
    });
  }
  for (const c of triplets) {
    it(c.name, () => {
      const [a, p, n] = c.inputs!.map(fromSpec);
      const alpha = c.config.alpha as number;
      assertClose(tripletLoss(a, p, n, { alpha }), fromSpec(c.output), { rtol: 1e-5 });
      grads((x, y, z) => tripletLoss(x, y, z, { alpha }))(a, p, n).forEach((g, k) => assertClose(g, fromSpec(c.grads![k]), { rtol: 1e-5, atol: 1e-6 }));
    });
  }
});

// Cases whose inputs sit on a kink (clipping bounds, |error| = delta, hinge corners) are left to the fixtures.
const smooth = cases.filter((c) => !/saturated|hinge|ignore/.test(c.name));

describe("loss gradients agree with finite differences", () => {
  for (const c of smooth) {
    it(c.name, () => {
      const loss = getLoss({ class_name: c.class_name, config: c.config });
      const yTrue = cast(fromSpec(c.y_true), "float64");
      const sw = c.sample_weight ? cast(fromSpec(c.sample_weight), "float64") : undefined;
      checkGrad((z) => loss.call(yTrue, predict(c, z), sw), [fromSpec(c.y_pred)], { name: c.name, rtol: 1e-4, atol: 1e-6 });
    });
  }
});

describe("loss API", () => {
  it("uses Keras names, defaults and configs", () => {
    assert.ok(getLoss("mse") instanceof MeanSquaredError);
    assert.ok(getLoss("sparse_categorical_crossentropy") instanceof SparseCategoricalCrossentropy);
    assert.ok(getLoss("BinaryCrossentropy") instanceof BinaryCrossentropy);
    const l = new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    assert.equal(l.reduction, "sum_over_batch_size");
    assert.equal(l.name, "categorical_crossentropy");
    const r = getLoss(serializeLoss(l)) as CategoricalCrossentropy;
    assert.deepEqual(r.getConfig(), l.getConfig());
    assert.deepEqual(camelConfig({ from_logits: true }), { fromLogits: true });
    assert.equal((getLoss({ class_name: "Huber", config: { delta: 2 } }) as Huber).delta, 2);
  });

  it("resolves 'crossentropy' from shapes as Keras' compile does", () => {
    assert.ok(resolveLoss("crossentropy", [4, 1], [4, 1]) instanceof BinaryCrossentropy);
    assert.ok(resolveLoss("ce", [4], [4, 3]) instanceof SparseCategoricalCrossentropy);
    assert.ok(resolveLoss("crossentropy", [4, 3], [4, 3]) instanceof CategoricalCrossentropy);
    assert.ok(resolveLoss("mse", [4, 1], [4, 1]) instanceof MeanSquaredError);
  });

  it("wraps a plain per-sample function", () => {
    const l: Loss = getLoss((t, p) => sum(p, -1));
    assertClose(l.call(tensor([[0, 0]]), tensor([[1, 2], [3, 4]])), 5);
  });

  it("keeps the per-sample functions unreduced", () => {
    assertClose(meanSquaredError(tensor([[1, 2], [3, 4]]), tensor([[1, 0], [0, 4]])), [2, 4.5]);
    assertClose(binaryCrossentropy(tensor([[1]]), tensor([[0.5]])), [Math.log(2)]);
  });

  it("names mismatched shapes and bad options", () => {
    assert.throws(() => binaryCrossentropy(tensor([[1, 0]]), tensor([[0.5, 0.5, 0.5]])), /binaryCrossentropy: yTrue \[1, ?2\] and yPred \[1, ?3\]/);
    assert.throws(() => new SparseCategoricalCrossentropy().call(tensor([1, 2]), tensor([[0.5, 0.5]])), /sparseCategoricalCrossentropy/);
    assert.throws(() => new MeanSquaredError({ reduction: "avg" as never }), /reduction must be one of/);
    assert.throws(() => getLoss("msee"), /unknown loss "msee"/);
  });
});
