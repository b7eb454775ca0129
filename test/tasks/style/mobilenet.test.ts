import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BatchNormalization, Model, type SymbolicTensor, type Tensor, abs, max, randomNormal, randomUniform } from "../../../src/index.js";
import {
  MOBILENET_CONTENT_LAYER, MOBILENET_STYLE_LAYERS, foldMobileNetV2, mobileNetV2Backbone, nsfwjsMobileNetV2,
} from "../../../src/tasks/style/index.js";
import { assertClose } from "../../helpers/assert.js";
import { randomMobileNetV2, writeFakeNsfwjs } from "./fake-nsfwjs.js";

const LAYERS = ["Conv1_relu", "expanded_conv_depthwise_relu", "block_1_expand_relu", "block_2_add", "block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu", "block_15_add", "out_relu"];

function features(m: Model, x: Tensor): Tensor[] {
  const f = new Model({ inputs: m.input as SymbolicTensor, outputs: LAYERS.map((n) => m.getLayer(n).output as SymbolicTensor) });
  return f.call(x) as Tensor[];
}

describe("MobileNetV2 backbone", () => {
  it("folding the batch norms keeps every named activation (odd and even sizes)", () => {
    for (const shape of [[37, 45, 3], [32, 32, 3]] as [number, number, 3][]) {
      const base = randomMobileNetV2(shape);
      const folded = foldMobileNetV2(base);
      assert.equal(folded.layers.filter((l) => l instanceof BatchNormalization).length, 0);
      const x = randomUniform([1, ...shape], { seed: 3 });
      const a = features(base, x);
      const b = features(folded, x);
      LAYERS.forEach((n, i) => {
        assert.deepEqual([...b[i].shape], [...a[i].shape], n);
        assertClose(b[i], a[i], { rtol: 1e-4, atol: 1e-4 * Math.max(1, max(abs(a[i])).item()), msg: `${n} at ${shape.join("x")}` });
      });
    }
  });

  describe("nsfwjs' files: model.json and the shard as UMD JavaScript modules", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const source = randomMobileNetV2([64, 64, 3]);
    writeFakeNsfwjs(dir, source);

    it("reads them into deepts' MobileNetV2 (depthwise_kernel is Keras 3's kernel; the head is left out)", () => {
      const m = nsfwjsMobileNetV2([64, 64, 3], dir);
      const x = randomUniform([1, 64, 64, 3], { seed: 4 });
      // uint8 quantization: compare loosely with the float weights they came from.
      const a = features(source, x);
      const b = features(m, x);
      for (const i of [0, 2, 4]) assertClose(b[i], a[i], { rtol: 0.05, atol: 0.05 * max(abs(a[i])).item(), msg: LAYERS[i] });
      assert.deepEqual(m.getLayer("block_1_depthwise").getWeights()[0].shape, [3, 3, 96, 1]);
    });

    it("mobileNetV2Backbone: folded, the default layers, [0, 1] input", async () => {
      const b = await mobileNetV2Backbone({ size: [48, 40], nsfwjsDir: dir });
      assert.equal(b.contentLayer, MOBILENET_CONTENT_LAYER);
      assert.deepEqual(b.styleLayers.map((l) => l[0]), ["Conv1_relu", "block_1_expand_relu", "block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu"]);
      assert.equal(MOBILENET_STYLE_LAYERS.reduce((s, l) => s + l[1], 0), 1);
      assert.equal(b.model.layers.filter((l) => l instanceof BatchNormalization).length, 0);
      const x = randomNormal([1, 48, 40, 3]);
      assert.equal(b.preprocess(x), x);
      await assert.rejects(mobileNetV2Backbone({ size: [20, 40], nsfwjsDir: dir }), /at least 32x32 pixels/);
    });

    it("a broken or missing package: a message that says what to install", () => {
      assert.throws(() => nsfwjsMobileNetV2([64, 64, 3], join(dir, "nope")), /no model.min.js in .*nope.*run `node scripts\/fetch-nsfwjs.mjs`/);
      // The repository ships the real files in data/models/nsfwjs, so the default lookup finds them.
      assert.ok(nsfwjsMobileNetV2([64, 64, 3]).getLayer("Conv1").getWeights()[0].size === 3 * 3 * 3 * 32);
      const saved = process.env.DEEPTS_NSFWJS_DIR;
      process.env.DEEPTS_NSFWJS_DIR = dir;
      try {
        assert.equal(nsfwjsMobileNetV2([64, 64, 3]).getLayer("Conv1").getWeights()[0].values[0], nsfwjsMobileNetV2([64, 64, 3], dir).getLayer("Conv1").getWeights()[0].values[0]);
      } finally {
        if (saved === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
        else process.env.DEEPTS_NSFWJS_DIR = saved;
      }
    });
  });
});
