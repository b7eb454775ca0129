// Convolution, pooling, padding and cropping layers: layerTest (shapes eager and symbolic, weights, config
// round trip, a training step, float64 gradient checks), Keras' errors, and properties Keras fixtures cannot
// cover (dilated transposed convolution: TF's CPU kernels lack it).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AveragePooling2D, Conv2D, Conv2DTranspose, Cropping2D, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Input,
  type Layer, type LayerConfig, MaxPooling2D, SeparableConv2D, ZeroPadding2D, conv2d, mul, randomUniform, sum,
} from "../../src/index.js";
import { layerTest } from "../helpers/layer-test.js";

type Make<T extends Layer> = { fromConfig(c: LayerConfig): T };
const maker = <T extends Layer>(cls: Make<T>, make: () => T) => (c?: LayerConfig): T => (c ? cls.fromConfig(c) : make());

describe("conv layers: layerTest", () => {
  it("Conv2D: valid, same with strides, dilation, channelsFirst, groups, no bias", () => {
    layerTest({
      make: maker(Conv2D, () => new Conv2D({ filters: 3, kernelSize: 3, activation: "tanh" })),
      inputShape: [2, 5, 6, 2], expectedOutputShape: [2, 3, 4, 3], expectedWeights: [["kernel", [3, 3, 2, 3]], ["bias", [3]]],
    });
    layerTest({
      make: maker(Conv2D, () => new Conv2D({ filters: 2, kernelSize: [3, 2], strides: 2, padding: "same", useBias: false })),
      inputShape: [1, 5, 6, 3], expectedOutputShape: [1, 3, 3, 2], expectedWeights: [["kernel", [3, 2, 3, 2]]],
    });
    layerTest({
      make: maker(Conv2D, () => new Conv2D({ filters: 2, kernelSize: 2, dilationRate: [2, 1] })),
      inputShape: [1, 5, 4, 1], expectedOutputShape: [1, 3, 3, 2],
    });
    layerTest({
      make: maker(Conv2D, () => new Conv2D({ filters: 4, kernelSize: 3, padding: "same", dataFormat: "channelsFirst" })),
      inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 4, 4, 5], expectedWeights: [["kernel", [3, 3, 3, 4]], ["bias", [4]]],
    });
    layerTest({
      make: maker(Conv2D, () => new Conv2D({ filters: 4, kernelSize: 2, groups: 2 })),
      inputShape: [1, 3, 3, 6], expectedOutputShape: [1, 2, 2, 4], expectedWeights: [["kernel", [2, 2, 3, 4]], ["bias", [4]]],
    });
  });

  it("DepthwiseConv2D and SeparableConv2D", () => {
    layerTest({
      make: maker(DepthwiseConv2D, () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: "same" })),
      inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 3, 3, 6], expectedWeights: [["kernel", [3, 3, 3, 2]], ["bias", [6]]],
    });
    layerTest({
      make: maker(DepthwiseConv2D, () => new DepthwiseConv2D({ kernelSize: 2, dataFormat: "channelsFirst", useBias: false })),
      inputShape: [1, 2, 4, 3], expectedOutputShape: [1, 2, 3, 2], expectedWeights: [["kernel", [2, 2, 2, 1]]],
    });
    layerTest({
      make: maker(SeparableConv2D, () => new SeparableConv2D({ filters: 4, kernelSize: 3, depthMultiplier: 2, activation: "relu6" })),
      inputShape: [1, 5, 4, 2], expectedOutputShape: [1, 3, 2, 4],
      expectedWeights: [["depthwise_kernel", [3, 3, 2, 2]], ["pointwise_kernel", [1, 1, 4, 4]], ["bias", [4]]],
    });
  });

  it("Conv2DTranspose: default and explicit output padding, channelsFirst", () => {
    layerTest({
      make: maker(Conv2DTranspose, () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: "same" })),
      inputShape: [2, 3, 4, 3], expectedOutputShape: [2, 6, 8, 2], expectedWeights: [["kernel", [3, 3, 2, 3]], ["bias", [2]]],
    });
    layerTest({
      make: maker(Conv2DTranspose, () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2 })),
      inputShape: [1, 3, 2, 1], expectedOutputShape: [1, 7, 5, 2],
    });
    layerTest({
      make: maker(Conv2DTranspose, () => new Conv2DTranspose({ filters: 1, kernelSize: [3, 2], strides: 3, outputPadding: [1, 2] })),
      inputShape: [1, 2, 2, 2], expectedOutputShape: [1, 7, 7, 1],
    });
    layerTest({
      make: maker(Conv2DTranspose, () => new Conv2DTranspose({ filters: 3, kernelSize: 2, strides: [2, 1], padding: "same", dataFormat: "channelsFirst" })),
      inputShape: [1, 2, 3, 3], expectedOutputShape: [1, 3, 6, 3],
    });
  });

  it("ZeroPadding2D and Cropping2D", () => {
    layerTest({ make: maker(ZeroPadding2D, () => new ZeroPadding2D({ padding: 3 })), inputShape: [1, 2, 3, 2], expectedOutputShape: [1, 8, 9, 2], expectedWeights: [] });
    layerTest({
      make: maker(ZeroPadding2D, () => new ZeroPadding2D({ padding: [[1, 0], [0, 2]], dataFormat: "channelsFirst" })),
      inputShape: [1, 2, 3, 2], expectedOutputShape: [1, 2, 4, 4],
    });
    layerTest({ make: maker(Cropping2D, () => new Cropping2D({ cropping: [1, 2] })), inputShape: [2, 4, 6, 2], expectedOutputShape: [2, 2, 2, 2], expectedWeights: [] });
    layerTest({
      make: maker(Cropping2D, () => new Cropping2D({ cropping: [[0, 1], [2, 0]], dataFormat: "channelsFirst" })),
      inputShape: [1, 3, 4, 5], expectedOutputShape: [1, 3, 3, 3],
    });
  });

  it("MaxPooling2D, AveragePooling2D and the global pools", () => {
    layerTest({ make: maker(MaxPooling2D, () => new MaxPooling2D()), inputShape: [2, 5, 6, 3], expectedOutputShape: [2, 2, 3, 3], expectedWeights: [] });
    layerTest({
      make: maker(MaxPooling2D, () => new MaxPooling2D({ poolSize: 3, strides: 2, padding: "same", dataFormat: "channelsFirst" })),
      inputShape: [1, 2, 5, 4], expectedOutputShape: [1, 2, 3, 2],
    });
    layerTest({ make: maker(AveragePooling2D, () => new AveragePooling2D({ poolSize: [2, 3], strides: 1 })), inputShape: [2, 4, 5, 2], expectedOutputShape: [2, 3, 3, 2] });
    layerTest({ make: maker(GlobalAveragePooling2D, () => new GlobalAveragePooling2D()), inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5] });
    layerTest({
      make: maker(GlobalMaxPooling2D, () => new GlobalMaxPooling2D({ keepdims: true, dataFormat: "channelsFirst" })),
      inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 3, 1, 1],
    });
  });
});

describe("conv layers: errors and shapes", () => {
  it("errors name the layer and say what is wrong", () => {
    assert.throws(() => new Conv2D({ filters: 2, kernelSize: 3, name: "c" }).apply(randomUniform([4, 4, 3])), /Conv2D "c": expected input rank 4/);
    assert.throws(() => new Conv2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /strides > 1 cannot be combined with dilationRate > 1/);
    assert.throws(() => new Conv2D({ filters: 3, kernelSize: 3, groups: 2 }), /filters \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => new Conv2D({ filters: 4, kernelSize: 1, groups: 2 }).apply(randomUniform([1, 2, 2, 3])), /3 channels must be divisible by groups/);
    assert.throws(() => new Conv2D({ filters: 0, kernelSize: 3 }), /filters must be a positive integer/);
    assert.throws(() => new Conv2D({ filters: 1, kernelSize: 4, name: "big" }).apply(Input({ shape: [3, 3, 1] })), /Conv2D "big": input \[null, 3, 3, 1\] is too small/);
    assert.throws(() => new Conv2DTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 2 }), /outputPadding \[2,2\] must be less than strides/);
    assert.throws(() => new Cropping2D({ cropping: 2 }).apply(randomUniform([1, 4, 5, 1])), /leaves nothing/);
    assert.throws(() => new ZeroPadding2D({ padding: [[1], [2]] as unknown as number }), /padding must be/);
    assert.throws(() => new MaxPooling2D({ padding: "full" as "same" }), /padding must be "valid" or "same"/);
    const conv = new Conv2D({ filters: 2, kernelSize: 1, name: "fixed" });
    conv.apply(randomUniform([1, 2, 2, 3]));
    assert.throws(() => conv.apply(randomUniform([1, 2, 2, 4])), /Conv2D "fixed": expected input with dimension 3 3/);
  });

  it("symbolic shapes keep unknown dimensions", () => {
    const x = Input({ shape: [null, 7, 3] });
    assert.deepEqual(new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: "same" }).apply(x).shape, [null, null, 4, 4]);
    assert.deepEqual(new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2 }).apply(x).shape, [null, null, 15, 2]);
    assert.deepEqual(new MaxPooling2D({ poolSize: 2 }).apply(x).shape, [null, null, 3, 3]);
    assert.deepEqual(new GlobalMaxPooling2D().apply(x).shape, [null, 3]);
  });

  it("dilated Conv2DTranspose is the adjoint of the dilated Conv2D (TF's CPU kernels lack it, so no Keras fixture)", () => {
    for (const padding of ["valid", "same"] as const) {
      const layer = new Conv2DTranspose({ filters: 2, kernelSize: 3, dilationRate: 2, padding, useBias: false });
      const x = randomUniform([1, 4, 5, 3], { seed: 1 });
      const y = layer.apply(x);
      const z = randomUniform(y.shape, { seed: 2 });
      const lhs = sum(mul(y, z)).item();
      const rhs = sum(mul(x, conv2d(z, layer.kernel!, { padding, dilations: 2 }))).item();
      assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.abs(rhs), `<T x, z> ${lhs} = <x, conv z> ${rhs}`);
    }
  });
});
