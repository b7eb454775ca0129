// The pretrained MobileNetV2 of nsfwjs: the UMD unwrapping and the name mapping, on a stand-in package built
// here with the same file layout; and, when the real package is installed, the rebuilt backbone against the
// whole nsfwjs model cut at out_relu.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Model, findNsfwjs, loadNsfwjsModel, pretrainedMobileNetV2, randomUniform, readNsfwjsFiles, type SymbolicTensor, type Tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { writeStandInNsfwjs } from "../tasks/finetune/stand-in-nsfwjs.js";

function realMissing(): string | false {
  try {
    findNsfwjs();
    return false;
  } catch {
    return "the npm package nsfwjs is not installed";
  }
}

describe("pretrained MobileNetV2 from nsfwjs' files", () => {
  let dir = "";
  let source: Model;
  before(() => {
    // A stand-in: deepts' MobileNetV2 (alpha 1, random weights) written as a Keras 2 TF.js model, uint8-quantized,
    // with depthwise weights named "depthwise_kernel" and an extra head weight, wrapped as nsfwjs wraps them.
    ({ dir, source } = writeStandInNsfwjs());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("unwraps the UMD files into model.json and the shard bytes", () => {
    const files = readNsfwjsFiles(dir);
    assert.ok("modelTopology" in files.modelJson);
    assert.equal(files.groups.length, 1);
    assert.equal(files.groups[0].length, source.countParams() + 20);
  });

  it("sets deepts' MobileNetV2 by layer name at another input size; the head's weights are left out", () => {
    const m = pretrainedMobileNetV2({ inputShape: [96, 96, 3], dir });
    assert.deepEqual(m.outputShape, [null, 3, 3, 1280]);
    const want = new Map(source.weights.map((w) => [w.path, w.value]));
    for (const w of m.weights) {
      const t = want.get(w.path) as Tensor;
      assert.ok(t, `no source weight for ${w.path}`);
      // uint8 quantization: within half a step of (max - min) / 255.
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of t.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      assertClose(w.value, t, { atol: (hi - lo) / 255 / 2 + 1e-6, rtol: 0 });
    }
  });

  it("finds the package through DEEPTS_NSFWJS_DIR, and says how to get it when it is missing", () => {
    const saved = process.env.DEEPTS_NSFWJS_DIR;
    try {
      process.env.DEEPTS_NSFWJS_DIR = dir;
      assert.equal(findNsfwjs(), dir);
    } finally {
      if (saved === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
      else process.env.DEEPTS_NSFWJS_DIR = saved;
    }
    assert.throws(() => findNsfwjs(join(dir, "nope")), /is not the nsfwjs package.*npm install nsfwjs@4\.4\.0/);
  });

  it("evaluates the bundles without require or process: a hostile file fails cleanly", () => {
    const bad = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-bad-"));
    try {
      const folder = join(bad, "dist", "models", "mobilenet_v2");
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "model.min.js"), 'module.exports = require("fs").readFileSync("/etc/passwd", "utf8");');
      writeFileSync(join(folder, "group1-shard1of1.min.js"), 'module.exports = process.env;');
      assert.throws(() => readNsfwjsFiles(bad), /cannot unwrap .*model\.min\.js: require is not defined/);
      writeFileSync(join(folder, "model.min.js"), "module.exports = {weightsManifest: [], modelTopology: {}};");
      assert.throws(() => readNsfwjsFiles(bad), /cannot unwrap .*group1-shard1of1\.min\.js: process is not defined/);
      writeFileSync(join(folder, "group1-shard1of1.min.js"), "module.exports = 42;");
      assert.throws(() => readNsfwjsFiles(bad), /does not export the weight shard as base64 text/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("with the real nsfwjs: the rebuilt backbone is the whole model cut at out_relu", { skip: realMissing() }, () => {
    const full = loadNsfwjsModel();
    assert.deepEqual(full.outputShape, [null, 5]);
    const cut = new Model({ inputs: full.inputs[0], outputs: full.getLayer("out_relu").output as SymbolicTensor });
    const backbone = pretrainedMobileNetV2();
    const x = randomUniform([2, 224, 224, 3], { seed: 3 });
    assertClose(backbone.predict(x) as Tensor, cut.predict(x) as Tensor, { atol: 1e-5, rtol: 1e-5 });
  });
});
