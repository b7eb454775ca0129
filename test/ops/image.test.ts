import assert from "node:assert/strict";
import { it } from "node:test";
import { GradientTape, type Tensor, mul, randomUniform, resizeBilinear, resizeNearest, sum, tensor } from "../../src/index.js";
import type { ResizeOptions } from "../../src/ops/image.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

const rand = (shape: number[], seed: number) => randomUniform(shape, { seed, minval: -1, maxval: 1, dtype: "float64" });

forEachBackend("image: TF fixtures", () => {
  const f = loadFixtures("tf/resize");
  it(`matches ${f.cases.length} TF resize cases (bilinear and nearest; up, down; alignCorners, halfPixelCenters, legacy)`, () => {
    assert.ok(f.cases.length >= 24);
    for (const c of f.cases) {
      const size = c.attrs.size as [number, number];
      const o: ResizeOptions = { alignCorners: c.attrs.alignCorners as boolean, halfPixelCenters: c.attrs.halfPixelCenters as boolean };
      checkCase(c, (t) => (c.op === "resizeBilinear" ? resizeBilinear(t.x, size, o) : resizeNearest(t.x, size, o)));
    }
  });
});

forEachBackend("image: gradient checks", () => {
  const table: [string, number[], [number, number], ResizeOptions][] = [
    ["up half-pixel", [1, 3, 4, 2], [5, 7], {}],
    ["down align corners", [2, 5, 6, 1], [3, 4], { alignCorners: true }],
    ["legacy mixed", [1, 4, 3, 2], [3, 5], { halfPixelCenters: false }],
    ["channelsFirst", [1, 2, 3, 3], [4, 5], { dataFormat: "channelsFirst" }],
  ];
  for (const [name, shape, size, o] of table) {
    it(`resizeBilinear ${name}`, () => checkGrad((x) => resizeBilinear(x, size, o), [rand(shape, 1)], { name: `bilinear ${name}` }));
    it(`resizeNearest ${name}`, () => checkGrad((x) => resizeNearest(x, size, o), [rand(shape, 2)], { name: `nearest ${name}` }));
  }
  it("second order through both resizes", () => {
    for (const resize of [resizeBilinear, resizeNearest]) {
      const f = (x: Tensor): Tensor => {
        const tape = new GradientTape();
        tape.watch(x);
        const loss = tape.run(() => {
          const y = resize(x, [5, 3]);
          return sum(mul(mul(y, y), y));
        });
        return tape.gradient(loss, x);
      };
      checkGrad(f, [rand([1, 3, 4, 2], 3)], { name: `${resize.name} second order` });
    }
  });
});

forEachBackend("image: values and errors", () => {
  it("upsamples a ramp by 2 with half-pixel centers", () => {
    const x = tensor([0, 4], [1, 1, 2, 1]);
    assertClose(resizeBilinear(x, [1, 4]), tensor([0, 1, 3, 4], [1, 1, 4, 1]));
    assertClose(resizeBilinear(x, [1, 3], { alignCorners: true }), tensor([0, 2, 4], [1, 1, 3, 1]));
    assertClose(resizeNearest(x, [1, 4]), tensor([0, 0, 4, 4], [1, 1, 4, 1]));
  });
  it("accepts a single image of rank 3 and keeps int32 for nearest", () => {
    const img = tensor([1, 2, 3, 4], [2, 2, 1], "int32");
    const y = resizeNearest(img, [4, 4]);
    assert.deepEqual(y.shape, [4, 4, 1]);
    assert.equal(y.dtype, "int32");
    assert.equal(resizeBilinear(img, [3, 3]).dtype, "float32");
  });
  it("names the op in its errors", () => {
    assert.throws(() => resizeBilinear(randomUniform([4]), [2, 2]), /resizeBilinear: expected an image of rank 3/);
    assert.throws(() => resizeNearest(randomUniform([1, 4, 4, 1]), [0, 2]), /resizeNearest: size must be/);
    assert.throws(() => resizeBilinear(randomUniform([1, 4, 4, 1]), [2, 2], { alignCorners: true, halfPixelCenters: true }), /cannot both be true/);
  });
});
