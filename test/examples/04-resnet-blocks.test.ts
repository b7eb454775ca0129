// Runs example 04 (the course's residual blocks, its ResNet50, a small ResNet trained on the digits) in fast
// mode, and checks the blocks against Keras 3.15 running the notebook's code (fixture from
// scripts/fixtures/gen_applications.py blocks).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Constant, type Tensor, clearSession } from "../../src/index.js";
import {
  IDENTITY_EXPECTED_INFERENCE, convolutionalBlock, identityBlock, main, notebookInput, rowMeans, smallResNet,
} from "../../examples/04-resnet-blocks.js";
import { assertClose } from "../helpers/assert.js";
import { fromSpec, loadFixtures } from "../helpers/fixtures.js";

const fixture = loadFixtures("keras/applications_resnet_blocks") as ReturnType<typeof loadFixtures> & {
  courseResNet50: { params: number; trainable: number; outputShape: (number | null)[]; layerCount: number };
};

describe("example 04: resnet blocks", () => {
  it("main (fast): the notebook's block checks, the course's ResNet50 count, >= 90% on held-out digits", async () => {
    const r = await main({ fast: true, log: () => {} });
    assert.ok(r.identityInferenceDiff < 1e-3, `identity block, training false: ${r.identityInferenceDiff}`);
    assert.ok(r.identityTrainingDiff < 1e-4, `identity block, training true: ${r.identityTrainingDiff}`);
    assert.equal(r.courseParams, fixture.courseResNet50.params);
    assert.equal(r.courseTrainable, fixture.courseResNet50.trainable);
    assert.equal(r.courseLayers, fixture.courseResNet50.layerCount);
    assert.equal(r.applicationsParams, r.courseParams, "keras.applications.ResNet50 at 64x64x3, 6 classes: same count");
    assert.equal(r.history.loss.length, r.epochs);
    assert.ok(r.history.loss.at(-1)! < r.history.loss[0] / 2, `loss ${r.history.loss[0]} -> ${r.history.loss.at(-1)}`);
    assert.ok(r.test[1] >= 0.9, `held-out accuracy ${r.test[1]}`);
  });

  it("has the block fixtures", () => assert.equal(fixture.cases.length, 6));
  for (const c of fixture.cases)
    it(`${c.name}: as Keras running the notebook's code`, () => {
      clearSession();
      const a = c.attrs as { f: number; filters: [number, number, number]; s?: number; training: boolean; kernelValue: number };
      const opts = { training: a.training, initializer: () => new Constant({ value: a.kernelValue }) };
      const x = fromSpec(c.inputs.x);
      const y = c.op === "identity_block" ? identityBlock(x, a.f, a.filters, opts) : convolutionalBlock(x, a.f, a.filters, a.s ?? 2, opts);
      assertClose(y as Tensor, fromSpec(c.output), { rtol: 1e-5, atol: 1e-4 });
    });

  it("the notebook's printed values are the fixture's", () => {
    const c = fixture.cases[0];
    const keras = rowMeans(fromSpec(c.output));
    keras.forEach((img, i) => img.forEach((row, j) => row.forEach((v, k) => assert.ok(Math.abs(v - IDENTITY_EXPECTED_INFERENCE[i][j][k]) < 1e-3))));
    assert.deepEqual(notebookInput().shape, [3, 4, 4, 3]);
  });

  it("the small ResNet: 8x8x1 in, 10 softmax outputs", () => {
    const m = smallResNet();
    assert.deepEqual(m.outputs[0].shape, [null, 10]);
    assert.equal(m.countParams(), 17_514);
  });
});
