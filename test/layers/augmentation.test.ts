// Augmentation layers: the deterministic transforms against real Keras 3.15 (transform_images with a given
// transformation, fixtures from scripts/fixtures/gen_layers_conv.py); identity at inference; seeded
// reproducibility and the statistics of the random draws (the RNG differs from TF's); gradients.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type LayerConfig, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, SpatialDropout2D, type Tensor,
  deserializeLayer, mean, randomUniform, reverse, tensor, transpose,
} from "../../src/index.js";
import type { ImageAugmentation } from "../../src/layers/image-augmentation.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { type FixtureCase, fromSpec, loadFixtures } from "../helpers/fixtures.js";
import { layerTest } from "../helpers/layer-test.js";

interface AugCase extends FixtureCase {
  transformation?: Record<string, unknown>;
  factorRange?: number[];
  factorRangeList?: number[];
}

const cases = (loadFixtures("keras/layers_conv_image").cases as AugCase[]).filter((c) => c.transformation !== undefined);

/** The fixture's transformation in our layers' form. */
function transformationOf(c: AugCase): unknown {
  const t = c.transformation!;
  if (c.op === "RandomTranslation") {
    const v = t.translations as number[];
    return { translations: Array.from({ length: v.length / 2 }, (_, i) => [v[2 * i], v[2 * i + 1]]) };
  }
  return t;
}

forEachBackend("augmentation transforms match Keras 3", () => {
  it("has the fixture cases", () => assert.ok(cases.length >= 19, `${cases.length} cases`));
  for (const c of cases)
    it(c.name, () => {
      const layer = deserializeLayer({ className: c.op, config: c.attrs as LayerConfig }) as ImageAugmentation<unknown>;
      const y = layer.transformImages(fromSpec(c.inputs.x), transformationOf(c));
      assertClose(y, fromSpec(c.output), { rtol: 1e-5, atol: 2e-5, msg: c.name });
    });
});

const images = (seed: number, shape = [6, 5, 7, 2]): Tensor => randomUniform(shape, { seed, minval: 0, maxval: 1 });
const same = (a: Tensor, b: Tensor): boolean => a.values.every((v, i) => v === b.values[i]);

describe("augmentation layers: inference, seeds, statistics", () => {
  const makers: [string, (seed?: number) => ImageAugmentation<unknown>][] = [
    ["RandomFlip", (seed) => new RandomFlip({ seed }) as ImageAugmentation<unknown>],
    ["RandomRotation", (seed) => new RandomRotation({ factor: 0.2, seed }) as ImageAugmentation<unknown>],
    ["RandomZoom", (seed) => new RandomZoom({ heightFactor: 0.3, seed }) as ImageAugmentation<unknown>],
    ["RandomTranslation", (seed) => new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.3, seed }) as ImageAugmentation<unknown>],
    ["RandomContrast", (seed) => new RandomContrast({ factor: 0.5, valueRange: [0, 1], seed }) as ImageAugmentation<unknown>],
  ];
  for (const [name, make] of makers) {
    it(`${name}: identity unless training, reproducible with a seed, random across calls`, () => {
      const x = images(1);
      assert.equal(make(7).apply(x), x);
      assert.equal(make(7).apply(x, { training: false }), x);
      const a = make(7);
      const b = make(7);
      const ya = a.apply(x, { training: true });
      assert.deepEqual([...ya.shape], [...x.shape]);
      assert.ok(same(ya, b.apply(x, { training: true })), "same seed, same output");
      assert.ok(!same(ya, a.apply(x, { training: true })), "the next call draws new transformations");
      const single = make(3).apply(images(2, [5, 7, 2]), { training: true });
      assert.deepEqual([...single.shape], [5, 7, 2], "one image (rank 3)");
    });
    it(`${name}: layerTest (inference)`, () => {
      layerTest({ make: (c?: LayerConfig) => (c ? (deserializeLayer({ className: name, config: c }) as ImageAugmentation<unknown>) : make(5)), inputShape: [2, 4, 5, 3], expectedWeights: [] });
    });
  }

  it("Keras 3's factor rules", () => {
    const c = loadFixtures("keras/layers_conv_image").cases.find((k) => k.name === "contrast_factor_range") as AugCase;
    assert.deepEqual(new RandomContrast({ factor: 0.5 }).factor, c.factorRange);
    assert.deepEqual(new RandomContrast({ factor: [0.2, 0.5] }).factor, c.factorRangeList);
    assert.deepEqual(new RandomRotation({ factor: 0.25 }).factor, [-0.25, 0.25]);
    assert.deepEqual(new RandomRotation({ factor: [0.3, -0.1] }).factor, [-0.1, 0.3]);
    assert.throws(() => new RandomRotation({ factor: 1.5 }), /factor/);
    assert.throws(() => new RandomZoom({ heightFactor: -1 }), /heightFactor/);
    assert.throws(() => new RandomTranslation({ heightFactor: 0.1, widthFactor: 2 }), /widthFactor/);
    assert.throws(() => new RandomFlip({ mode: "diagonal" as "vertical" }), /mode/);
  });

  it("RandomFlip: each image is itself or its mirror, about half flipped, both axes together", () => {
    const x = images(3, [400, 3, 4, 1]);
    const y = new RandomFlip({ mode: "horizontal_and_vertical", seed: 11 }).apply(x, { training: true });
    const flippedAll = reverse(x, [1, 2]);
    let flipped = 0;
    const n = 12;
    for (let i = 0; i < 400; i++) {
      const yi = y.values.subarray(i * n, (i + 1) * n);
      const isFlip = yi.every((v, j) => v === flippedAll.values[i * n + j]);
      const isSame = yi.every((v, j) => v === x.values[i * n + j]);
      assert.ok(isFlip !== isSame, `image ${i} is exactly one of: unchanged, flipped on both axes`);
      if (isFlip) flipped++;
    }
    assert.ok(flipped > 160 && flipped < 240, `${flipped} of 400 flipped`);
  });

  it("RandomRotation: angles in range; a quarter turn of a square image is an exact transpose-and-reverse", () => {
    const layer = new RandomRotation({ factor: [-0.1, 0.2], seed: 5 });
    const angles = layer.getRandomTransformation([500, 4, 4, 1]).angle;
    assert.ok(angles.every((a) => a >= -36 && a < 72), "angles within [-36, 72) degrees");
    assert.ok(Math.min(...angles) < -30 && Math.max(...angles) > 65, "angles cover the range");
    const x = images(4, [1, 5, 5, 2]);
    const r = new RandomRotation({ factor: 0.25, interpolation: "nearest" }).transformImages(x, { angle: [90] });
    // Keras' positive angle with the y axis pointing down: output (row i, col j) = input (row j, col 4 - i).
    assertClose(r, reverse(transpose(x, [0, 2, 1, 3]), [1]), { rtol: 0, atol: 1e-6 });
  });

  it("RandomZoom / RandomTranslation / RandomContrast: drawn parameters in range", () => {
    const z = new RandomZoom({ heightFactor: [-0.2, 0.4], widthFactor: 0.1, seed: 1 }).getRandomTransformation([300, 4, 4, 1]);
    assert.ok(z.heightZoom.every((v) => v >= 0.8 && v < 1.4) && z.widthZoom.every((v) => v >= 0.9 && v < 1.1));
    const zz = new RandomZoom({ heightFactor: 0.3, seed: 1 }).getRandomTransformation([10, 4, 4, 1]);
    assert.deepEqual(zz.widthZoom, zz.heightZoom, "no widthFactor: the aspect ratio is kept");
    const t = new RandomTranslation({ heightFactor: 0.25, widthFactor: [0, 0.5], seed: 1 }).getRandomTransformation([300, 8, 10, 1]);
    assert.ok(t.translations.every(([dx, dy]) => dx >= 0 && dx < 5 && dy >= -2 && dy < 2));
    const c = new RandomContrast({ factor: [0.2, 0.5], seed: 1 }).getRandomTransformation([300, 2, 2, 1]);
    assert.ok(c.contrastFactor.every((v) => v >= 0.8 && v < 1.5));
  });

  it("RandomContrast keeps each image's channel means when nothing is clipped", () => {
    const x = randomUniform([4, 6, 6, 3], { seed: 8, minval: 0.4, maxval: 0.6 });
    const y = new RandomContrast({ factor: 0.5, valueRange: [0, 1], seed: 2 }).apply(x, { training: true });
    assertClose(mean(y, [1, 2]), mean(x, [1, 2]), { rtol: 1e-5, atol: 1e-6 });
  });

  it("the affine transforms are differentiable with respect to the images", () => {
    const x = randomUniform([2, 4, 5, 2], { seed: 9, dtype: "float64" });
    for (const fillMode of ["reflect", "constant"] as const) {
      const rot = new RandomRotation({ factor: 0.3, fillMode, fillValue: 0.5, dtype: "float64" });
      checkGrad((t) => rot.transformImages(t, { angle: [23, -71] }), [x], { name: `rotation ${fillMode}` });
    }
    const zoom = new RandomZoom({ heightFactor: 0.3, interpolation: "nearest", dtype: "float64" });
    checkGrad((t) => zoom.transformImages(t, { heightZoom: [0.7, 1.2], widthZoom: [1.1, 0.9] }), [x], { name: "zoom nearest" });
  });

  it("SpatialDropout2D drops whole channels at about the rate, scales the rest, and is the identity at inference", () => {
    const x = tensor(new Float32Array(200 * 3 * 3 * 4).fill(1), [200, 3, 3, 4]);
    const layer = new SpatialDropout2D({ rate: 0.25, seed: 3 });
    assert.equal(layer.apply(x), x);
    const y = layer.apply(x, { training: true });
    let dropped = 0;
    for (let b = 0; b < 200; b++)
      for (let c = 0; c < 4; c++) {
        const vals = new Set<number>();
        for (let i = 0; i < 9; i++) vals.add(y.values[b * 36 + i * 4 + c]);
        assert.equal(vals.size, 1, "a channel is dropped or kept as a whole");
        const [v] = vals;
        assert.ok(v === 0 || Math.abs(v - 1 / 0.75) < 1e-6);
        if (v === 0) dropped++;
      }
    assert.ok(dropped > 160 && dropped < 240, `${dropped} of 800 channels dropped`);
    const cf = new SpatialDropout2D({ rate: 0.5, dataFormat: "channelsFirst", seed: 1 }).apply(randomUniform([2, 3, 4, 4], { seed: 1 }), { training: true });
    assert.deepEqual([...cf.shape], [2, 3, 4, 4]);
    layerTest({ make: (c?: LayerConfig) => (c ? SpatialDropout2D.fromConfig(c) : new SpatialDropout2D({ rate: 0.3 })), inputShape: [2, 3, 3, 2], expectedWeights: [] });
  });
});
