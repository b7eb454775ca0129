// The pretrained MobileNetV2 of nsfwjs: the UMD unwrapping and the name mapping, on a stand-in package built
// here with the same file layout; and, when the real package is installed, the rebuilt backbone against the
// whole nsfwjs model cut at out_relu.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

  it("finds the files through DEEPTS_NSFWJS_DIR (package or model folder), and says how to get them when missing", () => {
    const saved = process.env.DEEPTS_NSFWJS_DIR;
    const folder = join(dir, "dist", "models", "mobilenet_v2");
    try {
      process.env.DEEPTS_NSFWJS_DIR = dir;
      assert.equal(findNsfwjs(), folder);
      process.env.DEEPTS_NSFWJS_DIR = folder;
      assert.equal(findNsfwjs(), folder);
    } finally {
      if (saved === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
      else process.env.DEEPTS_NSFWJS_DIR = saved;
    }
    assert.equal(findNsfwjs(folder), folder);
    assert.throws(() => findNsfwjs(join(dir, "nope")), /no model\.min\.js in .*node scripts\/fetch-nsfwjs\.mjs/);
  });

  it("reads the bundles as text, never running them: a hostile file fails cleanly and does nothing", () => {
    const bad = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-bad-"));
    try {
      const marker = join(bad, "ran");
      writeFileSync(join(bad, "model.min.js"), `require("fs").writeFileSync(${JSON.stringify(marker)}, "x"); module.exports = {};`);
      writeFileSync(join(bad, "group1-shard1of1.min.js"), 'module.exports = "AAAA";');
      assert.throws(() => readNsfwjsFiles(bad), /no modelTopology object found/);
      assert.equal(existsSync(marker), false);
      writeFileSync(join(bad, "model.min.js"), 'module.exports = {modelTopology: {}, weightsManifest: [{paths: ["other"], weights: []}]};');
      assert.throws(() => readNsfwjsFiles(bad), /expected one weight group in group1-shard1of1/);
      writeFileSync(join(bad, "model.min.js"), 'module.exports = {modelTopology: {}, weightsManifest: [{paths: ["group1-shard1of1"], weights: []}]};');
      writeFileSync(join(bad, "group1-shard1of1.min.js"), "module.exports = 42;");
      assert.throws(() => readNsfwjsFiles(bad), /no base64 weight data/);
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
