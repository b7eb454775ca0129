// VGG16 and VGG19 against Keras 3.15: names, shapes, parameter counts and weights, predictions with
// deterministic weights. The full 224x224 tops (138 M and 144 M parameters, over 550 MB of float32 each)
// are built only with DEEPTS_SLOW=1.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applications, tensor, vgg16 } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { parityCases, parityTests, structureCases, structureTests } from "./helpers.js";

describe("vgg16 / vgg19: structure as keras.applications.VGG16 / VGG19", () => {
  structureTests(structureCases("vgg16", "vgg19"), (c) => c.name === "vgg16" || c.name === "vgg19");
  it("records Keras' parameter counts with the top: VGG16 138,357,544, VGG19 143,667,240", () => {
    const cs = structureCases("vgg16", "vgg19");
    assert.equal(cs.find((c) => c.name === "vgg16")!.params, 138_357_544);
    assert.equal(cs.find((c) => c.name === "vgg19")!.params, 143_667_240);
  });
});

describe("vgg16 / vgg19: predictions", () => {
  parityTests(parityCases("vgg16", "vgg19"));
});

describe("vgg16: options", () => {
  it("no top, no pooling: block5_pool features; caffe preprocessing", () => {
    const m = vgg16({ includeTop: false, inputShape: [32, 32, 3] });
    assert.equal(m.layers.at(-1)!.name, "block5_pool");
    assert.deepEqual(m.outputs[0].shape, [null, 1, 1, 512]);
    assertClose(applications.vgg16.preprocessInput(tensor([[[0, 0, 0]]])), [[[-103.939, -116.779, -123.68]]], { rtol: 1e-6 });
  });
});
