// The real pretrained MobileNetV2 of nsfwjs@4.4.0 (a TF.js layers model in UMD JavaScript files, uint8-
// quantized, Keras 2.2.4 config), loaded by deepts' own engine and compared with TF.js 4.22's outputs
// (scripts/fixtures/gen_io_nsfwjs.mjs). The model is fetched by `node scripts/fetch-nsfwjs.mjs`; without
// it this test is skipped (and says so).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Model, type Tensor, loadModel, reshape, tensor } from "../../src/index.js";
import { decodeTfjsModel, encodeTfjsModel, writeTfjsFiles } from "../../src/io/tfjs.js";
import { readTfjsUmdFiles } from "../../src/io/tfjs-umd.js";
import { assertClose } from "../helpers/assert.js";

const CANDIDATES = [
  process.env.DEEPTS_NSFWJS_DIR,
  "data/models/nsfwjs/mobilenet_v2",
  "node_modules/nsfwjs/dist/models/mobilenet_v2",
  "bench/node_modules/nsfwjs/dist/models/mobilenet_v2",
].filter((d): d is string => !!d);
const dir = CANDIDATES.find((d) => existsSync(join(d, "model.min.js")));
const ref = JSON.parse(readFileSync("test/fixtures/io/nsfwjs_tfjs.json", "utf8")) as {
  params: number;
  layers: number;
  probs: { shape: number[]; values: number[] };
  features: { shape: number[]; values: number[] };
};

/** The inputs of gen_io_nsfwjs.mjs. */
function inputs(): Tensor {
  const [N, H, W, C] = [2, 224, 224, 3];
  const x = new Float32Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) x[((n * H + h) * W + w) * C + c] = 0.5 + 0.5 * Math.sin(0.031 * (h + 1) * (c + 1) + 0.017 * (w + 1) * (n + 2) + n);
  return tensor(x, [N, H, W, C]);
}

describe("nsfwjs MobileNetV2 (real pretrained TF.js model)", { skip: dir ? false : "model not fetched: run `node scripts/fetch-nsfwjs.mjs`" }, () => {
  it("loads from the UMD files, cuts a no-top backbone by layer name, and matches TF.js", async () => {
    const model = decodeTfjsModel(await readTfjsUmdFiles(join(dir!, "model.min.js")), "nsfwjs mobilenet_v2");
    assert.equal(model.countParams(), ref.params);
    assert.equal(model.layers.length, ref.layers);
    // One pass gives the backbone's pooled features and the classifier's probabilities.
    const both = new Model({ inputs: model.input, outputs: [model.getLayer("average_pooling2d_1").output as never, model.output as never] });
    const [features, probs] = both.predict(inputs()) as Tensor[];
    assertClose(reshape(features, [2, 1280]), tensor(ref.features.values, ref.features.shape), { atol: 1e-4, rtol: 1e-4, msg: "features" });
    assertClose(probs, tensor(ref.probs.values, ref.probs.shape), { atol: 1e-5, rtol: 1e-4, msg: "probabilities" });

    // Written back as a TF.js model (uint8-quantized again), it loads and predicts the same.
    const tmp = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-"));
    try {
      await writeTfjsFiles(join(tmp, "model.json"), encodeTfjsModel(model, { quantize: "uint8" }));
      const back = await loadModel(join(tmp, "model.json"));
      assertClose(back.predict(inputs()) as Tensor, probs, { atol: 1e-5, rtol: 1e-4, msg: "re-saved" });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
