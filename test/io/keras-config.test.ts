// Keras model configs: Keras 2 spellings (TF.js, .h5 files of Keras 2.x), Keras 3 layouts, and the errors.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  Concatenate, Dense, Input, LeakyReLU, Model, type Sequential, type Tensor, clearSession, deserializeLayer, randomNormal,
} from "../../src/index.js";
import { fromKerasConfig, guessKerasVersion } from "../../src/io/keras-config.js";
import { toKerasConfig } from "../../src/io/keras-export.js";
import { modelFromKerasConfig } from "../../src/io/keras-files.js";
import { assertClose } from "../helpers/assert.js";

const init = { class_name: "VarianceScaling", config: { scale: 1, mode: "fan_avg", distribution: "normal", seed: null } };
const keras2Sequential = {
  class_name: "Sequential",
  config: {
    name: "sequential_1",
    layers: [
      { class_name: "Dense", config: { name: "dense_1", trainable: true, batch_input_shape: [null, 4], dtype: "float32", units: 3, activation: "linear", use_bias: true, kernel_initializer: init, bias_initializer: { class_name: "Zeros", config: {} }, kernel_regularizer: { class_name: "L1L2", config: { l1: 0, l2: 0.01 } }, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
      { class_name: "LeakyReLU", config: { name: "leaky_re_lu_1", trainable: true, dtype: { class_name: "Policy", config: { name: "float32" } }, alpha: 0.25 } },
      { class_name: "BatchNormalization", config: { name: "bn", axis: [1], momentum: 0.9, epsilon: 0.001, center: true, scale: true, beta_initializer: { class_name: "Zeros", config: {} }, gamma_initializer: { class_name: "Ones", config: {} }, moving_mean_initializer: { class_name: "Zeros", config: {} }, moving_variance_initializer: { class_name: "Ones", config: {} } } },
    ],
  },
};

describe("Keras configs", () => {
  beforeEach(() => clearSession());

  it("reads Keras 2 Sequential configs: batch_input_shape, LeakyReLU alpha, list axes, policies", () => {
    assert.equal(guessKerasVersion(keras2Sequential), 2);
    const m = modelFromKerasConfig(keras2Sequential, { source: "k2.json" }) as Sequential;
    assert.deepEqual(m.layers.map((l) => l.name), ["dense_1", "leaky_re_lu_1", "bn"]);
    assert.deepEqual(m.inputShape, [null, 4]);
    const cfg = m.layers[1].getConfig();
    assert.equal(cfg.negativeSlope, 0.25);
    assert.equal(m.layers[2].getConfig().axis, 1);
    assert.equal((m.layers[0].getConfig().kernelInitializer as { config: { distribution: string } }).config.distribution, "truncated_normal");
    // Keras up to 2.1 wrote a Sequential config as the bare list of layers.
    clearSession();
    const bare = modelFromKerasConfig({ class_name: "Sequential", config: keras2Sequential.config.layers }, { source: "k21.json" });
    assert.equal(bare.countParams(), m.countParams());
  });

  it("reads Keras 2 functional configs: [[name, node, tensor, kwargs]] nodes and list endpoints", () => {
    const cfg = {
      class_name: "Model",
      config: {
        name: "model_1",
        layers: [
          { name: "a", class_name: "InputLayer", config: { batch_input_shape: [null, 3], dtype: "float32", sparse: false, name: "a" }, inbound_nodes: [] },
          { name: "b", class_name: "InputLayer", config: { batch_input_shape: [null, 2], dtype: "float32", sparse: false, name: "b" }, inbound_nodes: [] },
          { name: "cat", class_name: "Concatenate", config: { name: "cat", trainable: true, axis: -1 }, inbound_nodes: [[["a", 0, 0, {}], ["b", 0, 0, {}]]] },
          { name: "d", class_name: "Dropout", config: { name: "d", rate: 0.5 }, inbound_nodes: [[["cat", 0, 0, { training: false }]]] },
        ],
        input_layers: [["a", 0, 0], ["b", 0, 0]],
        output_layers: [["d", 0, 0]],
      },
    };
    const m = modelFromKerasConfig(cfg, { source: "k2f.json" });
    assert.equal(m.inputs.length, 2);
    // Keras 2 wrote one output as a one-element list: it is a single output.
    const y = m.predict([randomNormal([2, 3], { seed: 1 }), randomNormal([2, 2], { seed: 2 })]) as Tensor;
    assert.deepEqual([...y.shape], [2, 5]);
  });

  it("round-trips a multi-input model through Keras 3 and Keras 2 JSON", () => {
    const a = Input({ shape: [3], name: "a" });
    const b = Input({ shape: [2], name: "b" });
    const h = new LeakyReLU({ negativeSlope: 0.1 }).apply(new Dense({ units: 4, kernelRegularizer: "l2" }).apply(new Concatenate().apply([a, b])));
    const m = new Model({ inputs: [a, b], outputs: [h, new Dense({ units: 1 }).apply(h)], name: "two" });
    const xs = [randomNormal([2, 3], { seed: 3 }), randomNormal([2, 2], { seed: 4 })];
    const want = m.predict(xs) as Tensor[];
    for (const version of [3, 2] as const) {
      const json = JSON.parse(JSON.stringify(toKerasConfig(m, version)));
      if (version === 2) {
        assert.equal(json.class_name, "Model");
        const layers = json.config.layers as { class_name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
        assert.equal(layers.find((l) => l.class_name === "LeakyReLU")!.config.alpha, 0.1);
        assert.deepEqual((layers.find((l) => l.class_name === "Dense")!.config.kernel_regularizer as { class_name: string }).class_name, "L1L2");
        assert.deepEqual(layers.find((l) => l.class_name === "Concatenate")!.inbound_nodes, [[["a", 0, 0, {}], ["b", 0, 0, {}]]]);
      } else {
        assert.equal(json.module, "keras.src.models.functional");
        assert.deepEqual(json.config.input_layers, [["a", 0, 0], ["b", 0, 0]]);
      }
      clearSession();
      const back = modelFromKerasConfig(json, { source: `v${version}` });
      back.setWeights(m.getWeights());
      const got = back.predict(xs) as Tensor[];
      assert.equal(got.length, 2);
      got.forEach((g, i) => assertClose(g, want[i], { atol: 0, rtol: 0 }));
    }
  });

  it("explains what it cannot load, naming the file", () => {
    const layer = (cls: string, config: Record<string, unknown> = {}): unknown => ({ class_name: "Sequential", config: { name: "s", layers: [{ class_name: "InputLayer", config: { batch_input_shape: [null, 2] } }, { class_name: cls, config: { name: "x", ...config } }] } });
    const bad: [unknown, RegExp][] = [
      [layer("Frobnicate"), /f\.json: unknown layer class "Frobnicate" \(layer "x"\): deepts has no such layer\. .*registerLayer\(YourClass\)/],
      [layer("Lambda", { function: "4wEAAAAA" }), /f\.json: layer "x" \(Lambda\): Lambda layers hold Python code/],
      [layer("Dense", { units: 2, dtype: { class_name: "Policy", config: { name: "mixed_float16" } } }), /dtype policy "mixed_float16" is not supported/],
      [layer("Dense", { units: 2, kernel_initializer: { class_name: "MyInit", config: {} } }), /f\.json: cannot rebuild the model from its config: .*unknown initializer/],
      [layer("Dense", { units: 2, quantization_config: { mode: "int8" } }), /option quantization_config=\{"mode":"int8"\} is not supported/],
      [{ class_name: "Functional", config: { name: "f", layers: [], input_layers: { x: ["a", 0, 0] }, output_layers: ["a", 0, 0] } }, /dict inputs\/outputs are not supported/],
      [{ class_name: "Functional", config: { name: "f", layers: [{ class_name: "Add", name: "add", config: { name: "add" }, inbound_nodes: [{ args: [{ class_name: "__keras_tensor__", config: { keras_history: ["a", 0, 0] } }, 3], kwargs: {} }] }], input_layers: ["a", 0, 0], output_layers: ["add", 0, 0] } }, /called with 2 positional arguments/],
      [{ class_name: "Functional", config: { name: "f", layers: [{ class_name: "Dense", name: "d", config: { name: "d", units: 1 }, inbound_nodes: [[["a", -1, 0, {}]]] }], input_layers: [["a", 0, 0]], output_layers: [["d", 0, 0]] } }, /expected \[layer name, node index, tensor index\], got \["a",-1,0,\{\}\]/],
      [{ class_name: "Functional", config: { name: "f" } }, /config has no "layers" list/],
      ["not a config", /f\.json: model config must be a JSON object/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => modelFromKerasConfig(cfg, { source: "f.json" }), re);
    let deep: unknown = { class_name: "L1L2", config: { l1: 0 } };
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.throws(() => fromKerasConfig(layer("Dense", { units: 1, kernel_regularizer: deep }), { source: "deep.json" }), /deep\.json: .*config nested too deeply/);
    assert.throws(() => modelFromKerasConfig({ class_name: "Dense", config: { units: 2 } }, { source: "d.json" }), /d\.json: the file holds a Dense layer, not a model/);
  });

  it("accepts camelCase deepts configs as well (deserializeLayer of its own output)", () => {
    const d = new Dense({ units: 2, activation: "relu", name: "dd" });
    const s = fromKerasConfig(toKerasConfig(d, 3), { source: "x" });
    assert.deepEqual(deserializeLayer(s).getConfig(), d.getConfig());
  });
});
