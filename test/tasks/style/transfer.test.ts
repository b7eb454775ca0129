import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { GradientTape, type Tensor, abs, loadWeights, max, min, randomUniform, reshape, sub, tensor, zeros } from "../../../src/index.js";
import {
  type StyleLayer, StyleTransfer, fromUnitRgb, parseImageSize, styleBackbone, toUnitRgb, vgg19Backbone,
} from "../../../src/tasks/style/index.js";
import { assertClose } from "../../helpers/assert.js";
import { forEachBackend } from "../../helpers/backends.js";
import { type FixtureCase, fromSpec, loadFixtures } from "../../helpers/fixtures.js";
import { tinyVgg } from "./tiny-vgg.js";

type TransferAttrs = { alpha: number; beta: number; tvWeight: number; learningRate: number; steps: number; styleLayers: StyleLayer[]; contentLayer: string; history: number[][] };
const transferCases = loadFixtures("keras/style_transfer").cases.filter((c) => c.op === "styleTransfer");
const squeeze0 = (t: Tensor): Tensor => reshape(t, t.shape.slice(1));

function fixtureTransfer(fixture: FixtureCase): StyleTransfer {
  const attrs = fixture.attrs as TransferAttrs;
  const input = (k: string): Tensor => fromSpec(fixture.inputs[k]);
  const weights: Record<string, Tensor> = {};
  for (const k of Object.keys(fixture.inputs)) if (k.includes("/")) weights[k] = input(k);
  const backbone = styleBackbone({ model: tinyVgg(weights), contentLayer: attrs.contentLayer, styleLayers: attrs.styleLayers });
  return new StyleTransfer(squeeze0(input("content")), squeeze0(input("style")), {
    backbone, alpha: attrs.alpha, beta: attrs.beta, tvWeight: attrs.tvWeight, learningRate: attrs.learningRate,
    initialImage: squeeze0(input("generated")),
  });
}

forEachBackend("StyleTransfer vs the course's train_step in TensorFlow", () => {
  it("has both transfer cases", () => assert.equal(transferCases.length, 2));
  for (const fixture of transferCases) {
    const attrs = fixture.attrs as TransferAttrs;
    it(`${fixture.name}: costs, and the image after the Adam steps with clipping`, () => {
      const st = fixtureTransfer(fixture);
      const [J, Jc, Js, tv] = attrs.history[0];
      const c = st.costs(st.generated.value);
      assertClose(c.total, tensor(J), { rtol: 1e-5 });
      assertClose(c.content, tensor(Jc), { rtol: 1e-5 });
      assertClose(c.style, tensor(Js), { rtol: 1e-5 });
      assertClose(c.tv, tensor(tv), { rtol: 1e-5 });
      for (let i = 0; i < attrs.steps; i++) {
        const rec = st.step();
        assert.equal(rec.step, i + 1);
        const [eJ, eC, eS, eT] = attrs.history[i];
        assertClose(tensor([rec.total, rec.content, rec.style, rec.tv]), tensor([eJ, eC, eS, eT]), { rtol: 1e-4, atol: 1e-9, msg: `step ${i + 1}` });
      }
      assertClose(st.generated.value, fromSpec(fixture.output), { rtol: 1e-4, atol: 1e-5, msg: "image after the steps" });
      assert.deepEqual([...st.image.shape], [12, 10, 3]);
    });

    it(`${fixture.name}: the tape's gradient equals TensorFlow's dJ/dG`, () => {
      const st = fixtureTransfer(fixture);
      const tape = new GradientTape();
      const g = st.generated.value;
      tape.watch(g);
      const J = tape.run(() => st.costs(g).total);
      const expected = fromSpec(fixture.grads!.generated);
      assertClose(tape.gradient(J, g), expected, { rtol: 1e-3, atol: 1e-4 * max(abs(expected)).item() });
    });
  }
});

it("StyleTransfer: starts from the content plus seeded noise in [-0.25, 0.25], clipped to [0, 1], and lowers the cost", () => {
  const content = randomUniform([16, 16, 3], { seed: 1 });
  const style = randomUniform([16, 16, 3], { seed: 2 });
  const backbone = styleBackbone({ model: tinyVgg(), contentLayer: "block2_conv2", styleLayers: [["block1_conv1", 0.5], ["block2_conv1", 0.5]] });
  const a = new StyleTransfer(content, style, { backbone, seed: 5 });
  const b = new StyleTransfer(content, style, { backbone, seed: 5 });
  assert.deepEqual([...a.image.values], [...b.image.values], "same seed, same start");
  const d = sub(a.image, content);
  assert.ok(max(d).item() <= 0.25 + 1e-6 && min(d).item() >= -0.25 - 1e-6);
  assert.ok(max(a.image).item() <= 1 && min(a.image).item() >= 0);
  const first = a.step().total;
  for (let i = 0; i < 15; i++) a.step();
  assert.ok(a.history[15].total < first, `cost went from ${first} to ${a.history[15].total}`);
  assert.ok(max(a.image).item() <= 1 && min(a.image).item() >= 0, "clipped after each step");
  assert.ok(a.history.every((r) => r.seconds >= 0 && Number.isFinite(r.total)));
});

it("StyleTransfer: clear errors for bad sizes, layers and backbones", () => {
  const backbone = styleBackbone({ model: tinyVgg(), contentLayer: "block2_conv2", styleLayers: [["block1_conv1", 1]] });
  assert.throws(() => new StyleTransfer(zeros([8, 8, 3]), zeros([8, 9, 3]), { backbone }), /content image \[1, 8, 8, 3\] and the style image \[1, 8, 9, 3\] must have the same size/);
  assert.throws(() => new StyleTransfer(zeros([8, 8]), zeros([8, 8]), { backbone }), /must be an RGB image \[h, w, 3\]/);
  assert.throws(() => new StyleTransfer(zeros([8, 8, 3]), zeros([8, 8, 3]), { backbone, contentLayer: "block9_conv1" }), /has no layer "block9_conv1"; its layers: block1_conv1, block1_conv2/);
  assert.throws(() => styleBackbone({ model: tinyVgg(), contentLayer: "nope", styleLayers: [] }), /has no layer "nope"/);
  assert.throws(() => new StyleTransfer(zeros([8, 8, 3]), zeros([8, 8, 3]), { backbone, alpha: NaN }), /alpha must be a finite number/);
});

it("vgg19Backbone: a missing weights file", async () => {
  await assert.rejects(vgg19Backbone({ weights: "/nonexistent/vgg19.h5" }), /no weights file at "\/nonexistent\/vgg19.h5"/);
});

it("vgg19Backbone with random weights: the course's layers, and the caffe input option", async () => {
  const b = await vgg19Backbone({ weights: null });
  assert.equal(b.contentLayer, "block5_conv4");
  assert.deepEqual(b.styleLayers.map((l) => l[0]), ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]);
  const x = tensor([[[[1, 0.5, 0]]]]);
  assert.deepEqual([...b.preprocess(x).values], [1, 0.5, 0]);
  const caffe = await vgg19Backbone({ weights: null, preprocess: "caffe" });
  assertClose(caffe.preprocess(x), tensor([[[[0 - 103.939, 127.5 - 116.779, 255 - 123.68]]]]), { rtol: 1e-6 });
});

it("parseImageSize and toUnitRgb", () => {
  assert.deepEqual(parseImageSize("400x300"), [300, 400]);
  assert.deepEqual(parseImageSize("64"), [64, 64]);
  assert.throws(() => parseImageSize("400by300"), /WIDTHxHEIGHT/);
  assert.throws(() => parseImageSize("0x3"), /WIDTHxHEIGHT/);
  // A 4x8 RGBA image to 2x4: one 2x2 average, alpha dropped, scaled to [0, 1].
  const img = tensor(Array.from({ length: 4 }, (_, r) => Array.from({ length: 8 }, (_, c) => [r * 8 + c, 255, 0, 7])));
  const out = toUnitRgb(img, [2, 4]);
  assert.deepEqual([...out.shape], [2, 4, 3]);
  assertClose(out, tensor([0, 1].map((r) => [0, 1, 2, 3].map((c) => [(r * 16 + c * 2 + 4.5) / 255, 1, 0]))), { rtol: 1e-6 });
  const grey = toUnitRgb(tensor([[[51]]]), [1, 1]);
  assertClose(grey, tensor([[[0.2, 0.2, 0.2]]]), { rtol: 1e-6 });
  assertClose(fromUnitRgb(tensor([-0.5, 0.5, 2])), tensor([0, 127.5, 255]));
});

it("a weights file in the Keras 1 layout of the downloadable VGG19 file (names block1_conv1_W_1:0) loads into the tiny net", async () => {
  const fixture = transferCases[1];
  const model = tinyVgg();
  await loadWeights(model, join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "keras", "style_tiny_vgg_keras1.h5"));
  for (const name of ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2"]) {
    const [k, b] = model.getLayer(name).getWeights();
    assert.deepEqual([...k.values], [...fromSpec(fixture.inputs[`${name}/kernel`]).values], `${name} kernel`);
    assert.deepEqual([...b.values], [...fromSpec(fixture.inputs[`${name}/bias`]).values], `${name} bias`);
  }
});
