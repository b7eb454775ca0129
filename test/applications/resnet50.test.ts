// ResNet50 (and ResNet101/152) against Keras 3.15: names, shapes, parameter counts and weights layer by
// layer, predictions with deterministic weights, and the builder's option checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applications, resnet50, tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { parityCases, parityTests, structureCases, structureTests } from "./helpers.js";

describe("resnet50: structure as keras.applications.ResNet50", () => {
  structureTests(structureCases("resnet50", "resnet101", "resnet152"), (c) => c.builder !== "resnet50");
  it("has Keras' parameter count with the top: 25,636,712", () => {
    assert.equal(structureCases("resnet50").find((c) => c.name === "resnet50")!.params, 25_636_712);
  });
});

describe("resnet50: predictions", () => {
  parityTests(parityCases("resnet50"));
});

describe("resnet50: options", () => {
  it("refuses bad options with clear errors", () => {
    assert.throws(() => resnet50({ inputShape: [null, null, 3] }), /with includeTop true, give a static inputShape/);
    assert.throws(() => resnet50({ includeTop: false, inputShape: [31, 64, 3] }), /at least 32x32/);
    assert.throws(() => resnet50({ includeTop: false, inputShape: [64, 64] }), /\[height, width, channels\]/);
    assert.throws(() => resnet50({ includeTop: false, pooling: "mean" as never, inputShape: [32, 32, 3] }), /pooling must be null, "avg" or "max"/);
    assert.throws(() => resnet50({ classes: 0 }), /classes must be a positive integer/);
  });

  it("preprocessInput is Keras' caffe mode (RGB to BGR minus the ImageNet mean)", () => {
    assertClose(applications.resnet50.preprocessInput(tensor([[[[255, 128, 0]]]])), [[[[-103.939, 128 - 116.779, 255 - 123.68]]]], { rtol: 1e-6 });
  });
});
