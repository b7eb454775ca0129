// Keras files saved by real Keras 3.15 (and Keras 2's layout), loaded and saved by deepts
// (fixtures: scripts/fixtures/gen_io_keras.py).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { Model, type Tensor, clearSession, loadModel, loadWeights, saveWeights, tensor } from "../../src/index.js";
import { modelFromKerasConfig, readKerasArchive } from "../../src/io/keras-files.js";
import { assertClose } from "../helpers/assert.js";

const DIR = "test/fixtures/io/keras";
interface Arr {
  shape: number[];
  values: number[];
}
const golden = JSON.parse(readFileSync(join(DIR, "predictions.json"), "utf8")) as {
  mlp: { x: Arr; y: Arr; params: number };
  cnn: { x: Arr; y: Arr; params: number; layers: string[] };
  notop: { y: Arr };
};
const arr = (a: Arr): Tensor => tensor(new Float32Array(a.values), a.shape);
const tmp = mkdtempSync(join(tmpdir(), "deepts-keras-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function expectPredicts(model: Model, name: "mlp" | "cnn", msg: string): void {
  assertClose(model.predict(arr(golden[name].x)) as Tensor, arr(golden[name].y), { atol: 1e-5, rtol: 1e-5, msg });
}

describe("Keras files from Keras 3.15", () => {
  beforeEach(() => clearSession());

  for (const file of ["mlp.keras", "mlp.h5", "cnn.keras", "cnn.h5", "cnn_keras2.h5"])
    it(`loadModel("${file}") predicts as Keras did`, async () => {
      const name = file.startsWith("mlp") ? "mlp" : "cnn";
      const model = await loadModel(join(DIR, file));
      assert.equal(model.countParams(), golden[name].params);
      if (name === "cnn") {
        const names = model.layers.map((l) => l.name);
        // Keras 3 names the input "image"; all other layers keep their names in either generation.
        assert.deepEqual(names, golden.cnn.layers);
      }
      expectPredicts(model, name, file);
    });

  it("loads .weights.h5 and legacy weights into a model rebuilt from its config", async () => {
    for (const [arch, weights] of [["cnn.keras", "cnn.weights.h5"], ["cnn.keras", "cnn.h5"], ["cnn.keras", "cnn_keras2.h5"], ["mlp.keras", "mlp.weights.h5"]]) {
      clearSession();
      const model = modelFromKerasConfig(readKerasArchive(readFileSync(join(DIR, arch)), arch).config, { source: arch });
      const name = arch.startsWith("mlp") ? "mlp" : "cnn";
      const before = model.predict(arr(golden[name].x)) as Tensor;
      assert.throws(() => assertClose(before, arr(golden[name].y), { atol: 1e-5 }), /element/, "fresh weights predict differently");
      await model.loadWeights(join(DIR, weights));
      expectPredicts(model, name, weights);
    }
  });

  it("loads a *_notop.h5-style weights file by layer name into a backbone and into a model with a new top", async () => {
    const archive = readKerasArchive(readFileSync(join(DIR, "cnn.keras")), "cnn.keras");
    const full = modelFromKerasConfig(archive.config, { source: "cnn.keras" });
    const base = new Model({ inputs: full.input, outputs: full.getLayer("relu2").output as never, name: "notop" });
    await loadWeights(base, join(DIR, "notop_keras2.h5"));
    assertClose(base.predict(arr(golden.cnn.x)) as Tensor, arr(golden.notop.y), { atol: 1e-5, rtol: 1e-5 });
    // The full model has more layers than the file: matched by name, the rest left as they are.
    const head = full.getLayer("logits").getWeights()[0];
    await loadWeights(full, join(DIR, "notop_keras2.h5"), { match: "name" });
    assert.deepEqual(Array.from(full.getLayer("logits").getWeights()[0].values), Array.from(head.values));
    await assert.rejects(loadWeights(full, join(DIR, "notop_keras2.h5"), { match: "order" }), /notop_keras2\.h5: the file has weights for 4 layers/);
  });

  it("refuses mismatched weights with errors that name the file and the layer, leaving the model unchanged", async () => {
    const mlp = await loadModel(join(DIR, "mlp.keras"));
    const before = mlp.getWeights().map((w) => Array.from(w.values));
    await assert.rejects(mlp.loadWeights(join(DIR, "cnn.weights.h5")), /cnn\.weights\.h5: layer "hidden": weight 0 \(kernel\) has shape \[8, 16\] in the model, \[6, 5\] in the file/);
    await assert.rejects(mlp.loadWeights(join(DIR, "cnn.h5")), /cnn\.h5: the file has weights for \d+ layers .*the names do not all match/);
    assert.deepEqual(mlp.getWeights().map((w) => Array.from(w.values)), before);
    await assert.rejects(loadModel(join(DIR, "mlp.weights.h5")), /holds weights only; build the model, then call model\.loadWeights/);
    await assert.rejects(loadModel(join(DIR, "notop_keras2.h5")), /notop_keras2\.h5: the file has no model_config attribute: it holds weights only/);
    await assert.rejects(loadModel(join(DIR, "missing.keras")), /missing\.keras: cannot read the file \(ENOENT\)/);
    await assert.rejects(loadModel(join(DIR, "predictions.json")), /predictions\.json: model\.json has no weightsManifest list/);
  });

  it("round-trips every format through deepts' own writer", async () => {
    const cnn = await loadModel(join(DIR, "cnn.keras"));
    const want = cnn.predict(arr(golden.cnn.x)) as Tensor;
    for (const f of ["out.keras", "out.h5"]) {
      clearSession();
      await cnn.save(join(tmp, f));
      const back = await loadModel(join(tmp, f));
      assert.deepEqual(back.layers.map((l) => l.name), cnn.layers.map((l) => l.name), f);
      assert.deepEqual(back.getWeights().map((w) => Array.from(w.values)), cnn.getWeights().map((w) => Array.from(w.values)), f);
      assertClose(back.predict(arr(golden.cnn.x)) as Tensor, want, { atol: 0, rtol: 0, msg: f });
    }
    for (const f of ["out.weights.h5", "out_legacy.h5", "out.safetensors"]) {
      await saveWeights(cnn, join(tmp, f));
      clearSession();
      const fresh = modelFromKerasConfig(readKerasArchive(readFileSync(join(DIR, "cnn.keras")), "cnn.keras").config, { source: "cnn.keras" });
      await fresh.loadWeights(join(tmp, f));
      assertClose(fresh.predict(arr(golden.cnn.x)) as Tensor, want, { atol: 0, rtol: 0, msg: f });
    }
  });

  it("joins layer_names chunks (layer_names0, layer_names1, ...) as Keras writes them for long lists", async () => {
    const { H5Writer } = await import("../../src/io/hdf5.js");
    const mlp = await loadModel(join(DIR, "mlp.keras"));
    const w = await H5Writer.create();
    w.attr("/", "layer_names0", ["hidden"]);
    w.attr("/", "layer_names1", ["dropout", "probs"]);
    for (const l of mlp.layers) {
      w.group(`/${l.name}`);
      w.attr(`/${l.name}`, "weight_names", l.weights.map((x) => `${l.name}/${x.name}:0`));
      for (const x of l.weights) w.dataset(`/${l.name}/${l.name}/${x.name}:0`, x.value.values, x.shape);
    }
    const path = join(tmp, "chunked.h5");
    writeFileSync(path, w.finish());
    clearSession();
    const fresh = modelFromKerasConfig(readKerasArchive(readFileSync(join(DIR, "mlp.keras")), "mlp.keras").config, { source: "mlp.keras" });
    await fresh.loadWeights(path);
    expectPredicts(fresh, "mlp", "chunked layer_names");
  });

  it("names an unknown layer class and the file, and loads once the class is registered", async () => {
    const { Layer, registerLayer } = await import("../../src/index.js");
    const bytes = readFileSync(join(DIR, "mlp.keras"));
    const { unzipSync, zipSync, strToU8, strFromU8 } = await import("fflate");
    const files = unzipSync(bytes);
    files["config.json"] = strToU8(strFromU8(files["config.json"]).replace('"class_name": "Dropout"', '"class_name": "MyDropout"'));
    const path = join(tmp, "custom.keras");
    writeFileSync(path, zipSync(files));
    await assert.rejects(loadModel(path), (e: Error) => {
      assert.match(e.message, /custom\.keras \(config\.json\): unknown layer class "MyDropout" \(layer "dropout"\)/);
      assert.match(e.message, /registerLayer/);
      return true;
    });
    class MyDropout extends Layer {
      static override className = "MyDropout";
      override call(x: Tensor): Tensor {
        return x;
      }
    }
    registerLayer(MyDropout);
    const m = await loadModel(path);
    assert.equal(m.layers[1].className, "MyDropout");
    expectPredicts(m, "mlp", "custom layer");
  });
});
