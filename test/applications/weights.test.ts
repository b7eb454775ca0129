// The builders' `weights` argument: Keras weight files load by layer name into the built model (through
// src/io's loadWeights). By default with files deepts writes in Keras' legacy .h5 layout; with DEEPTS_SLOW=1
// and the local Python (/tmp/venv) present, also with files real Keras 3.15 writes for full-size
// applications, whose outputs must match Keras' to 1e-4.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { type Model, type Tensor, clearSession, mobileNetV2, resnet50, saveWeights, vgg16 } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { type TensorSpec, fromSpec } from "../helpers/fixtures.js";
import { detInput, setDetWeights } from "./deterministic.js";
import { SLOW } from "./helpers.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "deepts-applications-"));

describe("applications: the weights argument", () => {
  it("loads a legacy .h5 weights-only file by layer name: same predictions as the model it came from", async () => {
    clearSession();
    const source = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [32, 32, 3] });
    setDetWeights(source);
    const path = join(tmp(), "mobilenet_v2_0.35_notop.h5");
    await saveWeights(source, path);
    const loaded = await mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [32, 32, 3], weights: path });
    const x = detInput("weights", [2, 32, 32, 3]);
    assertClose(loaded.predict(x) as Tensor, source.predict(x) as Tensor, { rtol: 0, atol: 0 });
  });

  it("a no-top file loads into a model with a new top (the top keeps its fresh weights)", async () => {
    clearSession();
    const source = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [32, 32, 3] });
    setDetWeights(source);
    const path = join(tmp(), "notop.h5");
    await saveWeights(source, path);
    const withTop = await mobileNetV2({ alpha: 0.35, inputShape: [32, 32, 3], classes: 5, weights: path });
    assert.deepEqual(withTop.outputs[0].shape, [null, 5]);
    const a = withTop.getLayer("Conv_1_bn").getWeights();
    const b = source.getLayer("Conv_1_bn").getWeights();
    a.forEach((t, i) => assertClose(t, b[i], { rtol: 0, atol: 0 }));
  });

  it("rejects 'imagenet', a missing file and a file that is not HDF5, naming the builder and the file", async () => {
    await assert.rejects(resnet50({ weights: "imagenet" }), /resnet50: weights "imagenet" needs a download, which deepts never does/);
    await assert.rejects(vgg16({ weights: "/nonexistent/w.h5" }), /vgg16: .*no file at "\/nonexistent\/w.h5"/);
    const bad = join(tmp(), "w.h5");
    writeFileSync(bad, "not hdf5");
    await assert.rejects(mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [32, 32, 3], weights: bad }), /mobileNetV2: cannot load weights from .*w\.h5/);
  });

  it("rejects a file of another architecture (weights checked before any is assigned)", async () => {
    clearSession();
    const other = vgg16({ includeTop: false, inputShape: [32, 32, 3] });
    const path = join(tmp(), "vgg16_notop.h5");
    await saveWeights(other, path);
    await assert.rejects(mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [32, 32, 3], weights: path }), /mobileNetV2: cannot load weights/);
  });
});

const python = "/tmp/venv/bin/python";
const generator = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "fixtures", "gen_applications.py");
const withKeras = SLOW && existsSync(python);

describe("applications: weight files written by Keras 3.15 (DEEPTS_SLOW=1, local Python)", { skip: !withKeras && "needs DEEPTS_SLOW=1 and /tmp/venv" }, () => {
  const cases: [string, (w: string) => Promise<Model>][] = [
    ["resnet50_notop_64", (weights) => resnet50({ includeTop: false, inputShape: [64, 64, 3], weights })],
    ["mobilenet_v2_1.0_224", (weights) => mobileNetV2({ weights })],
    ["vgg16_notop_32", (weights) => vgg16({ includeTop: false, inputShape: [32, 32, 3], weights })],
  ];
  let dir = "";
  it("Keras writes the files", () => {
    dir = tmp();
    const r = spawnSync(python, [generator, "--weight-files", dir], { encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } });
    assert.equal(r.status, 0, r.stderr);
  });
  for (const [name, build] of cases)
    it(`${name}: loads by name and predicts as Keras`, async () => {
      const ref = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as { inputKey: string; inputShape: number[]; output: TensorSpec };
      const model = await build(join(dir, `${name}.h5`));
      const expected = fromSpec(ref.output);
      const scale = Math.max(...expected.values.map(Math.abs));
      assertClose(model.predict(detInput(ref.inputKey, ref.inputShape)) as Tensor, expected, { rtol: 0, atol: 1e-4 * scale });
    });
});
