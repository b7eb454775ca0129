// MobileNetV2 against Keras 3.15: names, shapes, parameter counts and weights for alpha 0.35 to 1.4, odd
// input sizes (correct_pad), predictions with deterministic weights, and options.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applications, mobileNetV2, tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { parityCases, parityTests, structureCases, structureTests } from "./helpers.js";

describe("mobileNetV2: structure as keras.applications.MobileNetV2", () => {
  structureTests(structureCases("mobileNetV2"));
  it("has Keras' parameter count at alpha 1, 224, with the top: 3,538,984", () => {
    assert.equal(structureCases("mobileNetV2").find((c) => c.name === "mobilenetv2")!.params, 3_538_984);
  });
});

describe("mobileNetV2: predictions", () => {
  parityTests(parityCases("mobileNetV2"), { allBackends: true });
});

describe("mobileNetV2: options", () => {
  it("helpers match Keras' _make_divisible and correct_pad", () => {
    const md = applications.mobilenetV2.makeDivisible;
    assert.deepEqual([md(32 * 0.35, 8), md(16 * 0.35, 8), md(1280 * 1.4, 8), md(24 * 0.75, 8), md(11, 8)], [16, 8, 1792, 24, 16]);
    assert.deepEqual(applications.mobilenetV2.correctPad([112, 112], 3), [[0, 1], [0, 1]]);
    assert.deepEqual(applications.mobilenetV2.correctPad([35, 34], 3), [[1, 1], [0, 1]]);
    assert.deepEqual(applications.mobilenetV2.correctPad([null, null], 3), [[0, 1], [0, 1]]);
  });

  it("rejects a bad alpha and pooling; names the model as Keras", () => {
    assert.throws(() => mobileNetV2({ alpha: 0 }), /alpha must be a positive number/);
    assert.throws(() => mobileNetV2({ includeTop: false, pooling: "sum" as never }), /pooling must be/);
    assert.equal(mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [128, 128, 3] }).name, "mobilenetv2_0.35_128");
    assert.equal(mobileNetV2({ alpha: 0.5, includeTop: false }).name, "mobilenetv2_0.50_None");
  });

  it("preprocessInput is Keras' tf mode ([0, 255] to [-1, 1])", () => {
    assertClose(applications.mobilenetV2.preprocessInput(tensor([[[0, 127.5, 255]]])), [[[-1, 0, 1]]], { rtol: 1e-6 });
  });
});
