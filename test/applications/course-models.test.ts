// The course's models against Keras 3.15 rebuilds of the notebooks' code: HappyModel, the SIGNS ConvNet
// and FaceNet's faceRecoModel (channels first): names, shapes, parameter counts, weights and predictions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Tensor, faceRecoModel, facenetPreprocess, happyModel, randomNormal, signsModel, tensor } from "../../src/index.js";
import { applications } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { parityCases, parityTests, structureCases, structureTests } from "./helpers.js";

describe("course models: structure as Keras", () => {
  structureTests(structureCases("happyModel", "signsModel", "faceRecoModel"));
  it("counts: HappyModel 37,633 (37,569 trainable), SIGNS 1,310, FaceNet 3,743,280", () => {
    const by = Object.fromEntries(structureCases("happyModel", "signsModel", "faceRecoModel").map((c) => [c.name, c]));
    assert.deepEqual([by.happy.params, by.happy.trainable, by.signs.params, by.facenet.params], [37_633, 37_569, 1_310, 3_743_280]);
  });
});

describe("course models: predictions", () => {
  parityTests(parityCases("happyModel", "signsModel", "faceRecoModel"), { allBackends: true });
});

describe("course models: options and helpers", () => {
  it("HappyModel and SIGNS take other input shapes and class counts", () => {
    assert.deepEqual(happyModel({ inputShape: [32, 32, 3] }).outputs[0].shape, [null, 1]);
    assert.equal(happyModel({ inputShape: [32, 32, 3] }).countParams(), 4736 + 128 + 16 * 16 * 32 + 1);
    assert.deepEqual(signsModel({ classes: 10 }).outputs[0].shape, [null, 10]);
  });

  it("FaceNet encodings have unit norm; inputs must be channels first", () => {
    const m = faceRecoModel();
    const y = m.predict(randomNormal([1, 3, 96, 96])) as Tensor;
    let s = 0;
    for (const v of y.values) s += v * v;
    assert.ok(Math.abs(s - 1) < 1e-5, `norm^2 ${s}`);
    assert.throws(() => faceRecoModel({ inputShape: [96, 96, 3] }), /channels first/);
  });

  it("facenetPreprocess: RGB [h, w, 3] in [0, 255] to [1, 3, h, w] in [0, 1], as img_to_encoding", () => {
    const x = facenetPreprocess(tensor([[[255, 0, 51], [0, 255, 102]]]));
    assertClose(x, [[[[1, 0]], [[0, 1]], [[0.2, 0.4]]]], { rtol: 1e-6 });
    assertClose(applications.facenet.l2Normalize(tensor([[3, 4]]), 1), [[0.6, 0.8]], { rtol: 1e-6 });
  });
});
