// VGG19 from a Keras weights file in the layout of vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5
// (written here by deepts with random weights: deepts never downloads the real one).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { mul, randomUniform, saveWeights, setSeed, vgg19, writeImage } from "../../../src/index.js";
import { vgg19Backbone } from "../../../src/tasks/style/index.js";
import { run } from "../../cli/capture.js";
import { tinyVgg } from "./tiny-vgg.js";

describe("VGG19 style backbone from a Keras .h5 weights file", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-vgg19-"));
  const file = join(dir, "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5");
  setSeed(21);
  const source = vgg19({ includeTop: false, inputShape: [null, null, 3] });
  before(async () => {
    await saveWeights(source, file);
    await saveWeights(tinyVgg(undefined, [16, 16, 3]), join(dir, "tiny.h5"));
    writeFileSync(join(dir, "garbage.h5"), "this is not HDF5");
    await writeImage(join(dir, "c.png"), mul(randomUniform([20, 30, 3], { seed: 1 }), 255));
    await writeImage(join(dir, "s.png"), mul(randomUniform([20, 30, 3], { seed: 2 }), 255));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads every layer's weights", async () => {
    const b = await vgg19Backbone({ weights: file });
    assert.match(b.name, /^vgg19 \(vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5, course input\)$/);
    for (const layer of source.layers.filter((l) => l.weights.length > 0)) {
      const want = layer.getWeights();
      const got = b.model.getLayer(layer.name).getWeights();
      assert.equal(got.length, want.length, layer.name);
      want.forEach((w, i) => assert.deepEqual(got[i].values, w.values, `${layer.name} weight ${i}`));
    }
  });

  it("a file of another network or not HDF5 at all: the loader's message", async () => {
    await assert.rejects(vgg19Backbone({ weights: join(dir, "tiny.h5") }), /block|layer/);
    await assert.rejects(vgg19Backbone({ weights: join(dir, "garbage.h5") }), /garbage.h5/);
  });

  it("deepts style --weights FILE runs with it", async () => {
    const out = join(dir, "out.png");
    const r = await run(["style", join(dir, "c.png"), join(dir, "s.png"), "-o", out, "--weights", file, "--size", "32x32", "--steps", "1", "--seed", "1", "-q"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /vgg19 \(vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5, course input\)/);
    assert.equal(JSON.parse(readFileSync(join(dir, "out.costs.json"), "utf8")).stepsDone, 1);
  });
});
